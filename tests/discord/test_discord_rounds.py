"""Ground rule 4 on Discord: a round with buttons that survive restarts, progress edited in
place, reminders by DM to those who have not answered, and a closing summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot import workspaces
from bot.database import make_engine
from bot.models import RoundRow
from rules.events import (
    AgreementSubmitted,
    ConcernAnswered,
    MemberLeft,
    RemindersSnoozed,
    RosterSynced,
)
from tests.discord.conftest import BOTH_DATABASES
from tests.discord.harness import buttons, dm_messages, slash_command, workspace
from tests.helpers import eventually

PROPOSAL = "pin the base image to 1.4"

# How a round's summary opens (its own message then says "This concern round has closed.").
CLOSED = "The concern round on this proposal has closed"


async def start_round(world, runtime, proposer=None, proposal=PROPOSAL) -> dict:
    """/concerns in #general; returns the round's message."""
    await runtime.wait_for(RosterSynced)
    proposer = proposer or world.alice
    ix = await world.api.slash_command(
        world.guild, world.general, proposer, "concerns", {"text": proposal}
    )
    done = await world.api.wait_for_callback(ix)
    assert done.content in ("Done.", "Klaar.") and done.ephemeral
    [message] = [m for m in world.api.messages_in(world.general) if m["components"]]
    return message


def content_of(world, message: dict) -> str:
    return world.api.message(message["id"])["content"]


async def test_round_buttons_record_answers_and_show_progress_in_place(world, harness):
    runtime = await harness.start()
    message = await start_round(world, runtime)
    lines = message["content"].splitlines()
    assert lines[0] == "Concern round: Alice proposes"
    assert lines[1] == f"> {PROPOSAL}"
    assert lines[-1] == "0 of 3 answered; waiting for owner, Bob and carol."
    assert buttons(message)[0][0] == "No concerns"
    round_id = buttons(message)[0][1].split(":")[2]
    assert buttons(message) == [
        ("No concerns", f"gr:round:{round_id}:none~en"),
        ("I have a concern", f"gr:round:{round_id}:concern~en"),
    ]

    click = await world.api.click_button(message, world.bob, label="No concerns")
    thanks = await world.api.wait_for_callback(click)
    assert (thanks.content, thanks.ephemeral) == ("Thank you, noted: no concerns.", True)
    [answered] = await runtime.wait_for(ConcernAnswered)  # decided and delivered
    assert (answered.round_id, answered.user, answered.concern) == (
        round_id, str(world.bob.id), None,
    )  # fmt: skip
    assert content_of(world, message).endswith("1 of 3 answered; waiting for owner and carol.")

    click = await world.api.click_button(message, world.carol, label="I have a concern")
    modal = await world.api.wait_for_callback(click)
    assert modal.type == 9
    submit = await world.api.submit_modal(modal, {"concern": "only if we unpin next sprint"})
    noted = await world.api.wait_for_callback(submit)
    assert noted.content == (
        "Thank you, your concern is noted: only if we unpin next sprint\n"
        "Once it is resolved, tell the round with /concern resolved."
    )
    await runtime.wait_for(ConcernAnswered, count=2)
    assert content_of(world, message).endswith("2 of 3 answered; waiting for owner.")

    await world.api.click_button(message, world.guild.owner, label="No concerns")
    await runtime.wait_for(ConcernAnswered, count=3)
    summary = world.api.messages_in(world.general)[-1]
    assert summary["content"].startswith("The concern round on this proposal has closed:")
    assert "Concern from carol: only if we unpin next sprint" in summary["content"]
    assert buttons(summary) == []  # an open concern: no agreement offered
    closed = world.api.message(message["id"])
    assert closed["components"] == [] and closed["content"].endswith(
        "has closed.\nAnswered: 3 of 3."
    )


async def test_a_concern_its_raiser_says_is_resolved_lets_the_round_offer_the_agreement(
    world, harness
):
    """Carol raises a concern, then types /concern resolved: she is told privately, the
    round counts her as having none, and when the last member answers, its summary keeps
    what she raised and offers the proposal for recording. Bob raised none: told so."""
    runtime = await harness.start()
    message = await start_round(world, runtime)
    await world.api.click_button(message, world.bob, label="No concerns")
    await runtime.wait_for(ConcernAnswered)
    click = await world.api.click_button(message, world.carol, label="I have a concern")
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"concern": "only if we unpin next sprint"})
    await world.api.wait_for_callback(submit)
    await runtime.wait_for(ConcernAnswered, count=2)

    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "concern", {"text": "resolved"}
    )
    told = await world.api.wait_for_callback(ix)
    assert told.ephemeral and told.content.startswith(
        "You answered this concern round with no concerns, so there is nothing to resolve."
    )
    ix = await world.api.slash_command(
        world.guild, world.general, world.carol, "concern", {"text": "resolved"}
    )
    resolved = await world.api.wait_for_callback(ix)
    assert resolved.ephemeral
    assert resolved.content == (
        "Thank you, your concern is marked resolved, and you count as having no concerns now. "
        "It was: only if we unpin next sprint"
    )
    assert content_of(world, message).endswith("2 of 3 answered; waiting for owner.")

    await world.api.click_button(message, world.guild.owner, label="No concerns")
    await runtime.wait_for(ConcernAnswered, count=3)
    summary = world.api.messages_in(world.general)[-1]
    assert summary["content"].startswith(CLOSED)
    assert "Concern from carol, since resolved: only if we unpin next sprint" in summary["content"]
    assert "No concerns: Bob, carol and owner." in summary["content"]
    assert buttons(summary)[0][0] == "Record as agreement"


async def test_round_summary_offers_to_record_the_agreement(world, harness):
    runtime = await harness.start()
    message = await start_round(world, runtime)
    for count, member in enumerate((world.bob, world.carol, world.guild.owner), start=1):
        await world.api.click_button(message, member, label="No concerns")
        await runtime.wait_for(ConcernAnswered, count=count)
    summary = world.api.messages_in(world.general)[-1]
    assert buttons(summary)[0][0] == "Record as agreement"
    # The button says it: no typed command above it.
    assert summary["content"].endswith("\nNo open concerns. Record this as an agreement?")

    click = await world.api.click_button(summary, world.alice, label="Record as agreement")
    modal = await world.api.wait_for_callback(click)
    [field] = [
        c["component"] for c in modal.data["components"] if c["component"]["custom_id"] == "text"
    ]
    assert field["value"] == PROPOSAL  # filled in with the round's proposal
    submit = await world.api.submit_modal(
        modal, {"text": PROPOSAL, "why": "builds stay reproducible", "owner": "bob"}
    )
    [submitted] = await runtime.wait_for(AgreementSubmitted)
    assert (submitted.text, submitted.owner) == (PROPOSAL, str(world.bob.id))
    await world.api.wait_for_callback(submit)
    announced = world.api.messages_in(world.general)[-2:]
    [agreement] = [m for m in announced if m["content"].startswith("Agreement recorded.")]
    assert "Agreement #1: pin the base image to 1.4" in agreement["content"]
    assert (
        "Owner: Bob. Consent: Alice (mandate pending), owner (mandate pending), Bob (mandate "
        "pending) and carol (mandate pending)." in agreement["content"]
    )


@BOTH_DATABASES
async def test_round_buttons_still_answer_after_a_restart(world, harness):
    runtime = await harness.start()
    message = await start_round(world, runtime)
    runtime = await harness.restart()  # a new client and runtime on the same database
    await runtime.wait_for(RosterSynced)

    click = await world.api.click_button(message, world.bob, label="No concerns")
    thanks = await world.api.wait_for_callback(click)
    assert thanks.content == "Thank you, noted: no concerns."
    await runtime.wait_for(ConcernAnswered)
    assert content_of(world, message).endswith("1 of 3 answered; waiting for owner and carol.")
    assert len(world.api.identifies) == 2


async def test_round_button_answers_in_the_language_it_was_shown_in(world, harness):
    """No table language: a round asked in English, "No concerns" clicked from a Dutch
    Discord client answers in the English it was shown in, as the other buttons do (and
    as Slack's do in a channel). A button from before buttons named their language
    answers in the client's."""
    runtime = await harness.start()
    message = await start_round(world, runtime)
    click = await world.api.click_button(message, world.bob, label="No concerns", locale="nl")
    thanks = await world.api.wait_for_callback(click)
    assert (thanks.content, thanks.ephemeral) == ("Thank you, noted: no concerns.", True)
    [answered] = await runtime.wait_for(ConcernAnswered)
    assert answered.lang == "en"

    for button in message["components"][0]["components"]:
        button["custom_id"] = button["custom_id"].removesuffix("~en")
    click = await world.api.click_button(message, world.carol, label="No concerns", locale="nl")
    thanks = await world.api.wait_for_callback(click)
    assert (thanks.content, thanks.ephemeral) == ("Dank je, genoteerd: geen zorgen.", True)
    [_, answered] = await runtime.wait_for(ConcernAnswered, count=2)
    assert answered.lang == "nl"


@pytest.mark.parametrize(
    "lang, opening",
    [("en", "A friendly reminder:"), ("nl", "Een vriendelijke herinnering:")],
    ids=["en", "nl"],
)
async def test_round_reminder_by_dm_opens_with_the_channel_it_is_about(
    world, harness, lang, opening
):
    """Someone at several tables, or who reads only the notification, knows which one
    the reminder is about, as with a nudge: a channel mention, which pings nobody. The
    word in the channel for closed DMs stays as it was: it is at its table."""
    harness.settings["language"] = lang
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await start_round(world, runtime)
    await runtime.tick_until_sent()
    [reminder] = dm_messages(world.api, world.guild.owner)
    assert reminder["content"].startswith(f"In <#{world.general.id}>:\n{opening}")
    assert "<@" not in reminder["content"] and "@everyone" not in reminder["content"]
    in_channel = world.api.messages_in(world.general)[-1]
    assert in_channel["content"].startswith(opening)  # naming nobody


async def test_round_reminders_go_by_dm_only_to_those_who_have_not_answered(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    message = await start_round(world, runtime)
    await world.api.click_button(message, world.bob, label="No concerns")
    await runtime.wait_for(ConcernAnswered)

    await runtime.tick_until_sent()
    assert dm_messages(world.api, world.bob) == []
    [reminder] = dm_messages(world.api, world.guild.owner)
    assert reminder["content"].startswith(
        f"In <#{world.general.id}>:\nA friendly reminder: the table would like your answer"
    )
    round_link = f"https://discord.com/channels/{world.guild.id}/{world.general.id}/{message['id']}"
    assert reminder["content"].endswith(round_link)
    # carol's DMs are closed: one message in the channel reminds whoever has not answered,
    # naming and pinging nobody (who has not answered, in public, would be a tally).
    said = world.api.messages_in(world.general)[-1]
    assert said["content"] == (
        "A friendly reminder: this proposal by Alice still waits for some answers:\n"
        f"> {PROPOSAL}\nNot answered yet? These buttons are for you."
    )
    [post] = world.api.requests_to(f"POST /channels/{world.general.id}/messages")[-1:]
    assert post.json["allowed_mentions"] == {"parse": []}
    assert [label for label, _ in buttons(said)] == ["No concerns", "I have a concern"]

    # Answering from the DM counts for the round in the channel.
    await world.api.click_button(reminder, world.guild.owner, label="No concerns")
    [_, from_dm] = await runtime.wait_for(ConcernAnswered, count=2)
    assert (from_dm.workspace, from_dm.channel) == (
        f"discord:{world.guild.id}",
        str(world.general.id),
    )
    assert content_of(world, message).endswith("2 of 3 answered; waiting for carol.")


async def test_round_answer_from_a_reminder_after_leaving_does_not_count(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    message = await start_round(world, runtime)
    await runtime.tick_until_sent()
    [reminder] = dm_messages(world.api, world.carol)
    del world.guild.members[world.carol.id]
    await world.api.dispatch(
        "GUILD_MEMBER_REMOVE",
        {"guild_id": str(world.guild.id), "user": world.carol.user.payload()},
    )
    await runtime.wait_for(MemberLeft)
    assert content_of(world, message).endswith("0 of 2 answered; waiting for owner and Bob.")

    click = await world.api.click_button(reminder, world.carol, label="I have a concern")
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"concern": "I am not even here any more"})
    refused = await world.api.wait_for_callback(submit)
    assert refused.ephemeral
    assert refused.content.startswith("This concern round is for the people at its table")
    for count, member in enumerate((world.bob, world.guild.owner), start=2):
        await world.api.click_button(message, member, label="No concerns")
        await runtime.wait_for(ConcernAnswered, count=count)
    summary = world.api.messages_in(world.general)[-1]["content"]
    assert "Answered: 2 of 2." in summary and "carol" not in summary
    assert buttons(world.api.messages_in(world.general)[-1])[0][0] == "Record as agreement"


async def test_round_reminder_in_the_channel_keeps_a_long_proposal_whole(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    long = ("word " * 399).strip()
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": long}
    )
    await world.api.wait_for_callback(ix)
    await runtime.tick_until_sent()
    said = world.api.messages_in(world.general)[-1]
    # Past Discord's limit: its first line in the content, the rest in an embed.
    assert (
        said["content"]
        == "A friendly reminder: this proposal by Alice still waits for some answers:"
    )
    assert said["mentions"] == []
    assert said["embeds"][0]["description"].startswith(f"> {long[:100]}")
    assert long[:1000] in said["embeds"][0]["description"]
    assert [label for label, _ in buttons(said)] == ["No concerns", "I have a concern"]


async def test_round_summary_of_long_concerns_loses_none(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    long, concern = ("word " * 399).strip(), ("word " * 390).strip()
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": long}
    )
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(world.general) if m["components"]]
    members = (world.bob, world.carol, world.guild.owner)
    for count, member in enumerate(members, start=1):
        click = await world.api.click_button(message, member, label="I have a concern")
        modal = await world.api.wait_for_callback(click)
        await world.api.submit_modal(modal, {"concern": f"END-{member.user.username} {concern}"})
        await runtime.wait_for(ConcernAnswered, count=count)
    posts = world.api.messages_in(world.general)
    start = next(i for i, m in enumerate(posts) if m["embeds"] and CLOSED in str(m))
    summary = [m["embeds"][0]["description"] for m in posts[start:]]
    assert len(summary) > 1 and all(len(part) <= 4096 for part in summary)
    # Its first line is its content, what a notification and the channel list show.
    assert posts[start]["content"] == CLOSED + ":"
    assert summary[0].startswith(f"> {long}")
    shown = "\n".join(summary)
    for member, shown_as in zip(members, ("Bob", "carol", "owner"), strict=True):
        name = member.user.username
        assert f"Concern from {shown_as}: END-{name} {concern}" in shown


async def test_concerns_cancel_withdraws_the_round_for_who_asked_for_it(world, harness):
    from rules.events import CommandInvoked

    runtime = await harness.start()
    message = await start_round(world, runtime)
    await world.api.click_button(message, world.bob, label="No concerns")
    await runtime.wait_for(ConcernAnswered)

    # Carol, in Dutch: /zorgen intrekken. Not hers to withdraw; she alone is told whose.
    ix = await world.api.slash_command(
        world.guild, world.general, world.carol, "concerns", {"text": "intrekken"}, locale="nl"
    )
    refused = await world.api.wait_for_callback(ix)
    assert refused.ephemeral
    assert refused.content.startswith("Alleen Alice, van wie het voorstel is, kan deze")
    assert world.api.message(message["id"])["components"] != []  # still open

    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "cancel"}
    )
    done = await world.api.wait_for_callback(ix)
    assert (done.content, done.ephemeral) == ("Done.", True)
    await runtime.wait_for(CommandInvoked, count=3)
    [told] = [m for m in world.api.messages_in(world.general) if "withdrawn by" in m["content"]]
    assert told["content"] == (
        f"The concern round on this proposal was withdrawn by Alice:\n> {PROPOSAL}"
    )
    assert buttons(told) == []
    assert world.api.message(message["id"])["components"] == []  # no answers any more


async def test_round_posted_only_after_it_closed_comes_before_its_summary_without_buttons(
    world, harness
):
    from bot.models import now_utc
    from rules.events import CommandInvoked

    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    # Decided a day ago by a process that stopped before its post went out.
    decided = now_utc() - timedelta(hours=25)
    live_clock, harness.app.service.clock = harness.app.service.clock, lambda: decided
    harness.app.service.handle(
        CommandInvoked(
            workspace=f"discord:{world.guild.id}", channel=str(world.general.id),
            at=decided, event_id="round-before-the-stop", user=str(world.alice.id),
            name="concerns", args=PROPOSAL,
        )
    )  # fmt: skip
    harness.app.service.clock = live_clock
    await runtime.tick()  # back up: the post, then the deadline's summary

    post, summary = world.api.messages_in(world.general)[-2:]
    assert post["content"].startswith("Concern round: Alice proposes")
    assert buttons(post) == []
    assert summary["content"].startswith("The concern round on this proposal reached its deadline")


async def run_round(world, runtime, text: str, concerns: dict, answered: int) -> dict:
    """A round on `text` that bob, carol and the owner answer (a concern, by member id,
    or none); returns its summary."""
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "concerns",
                                       {"text": text})  # fmt: skip
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(world.general) if m["components"]][-1:]
    for member in (world.bob, world.carol, world.guild.owner):
        if member.id in concerns:
            click = await world.api.click_button(message, member, label="I have a concern")
            modal = await world.api.wait_for_callback(click)
            await world.api.submit_modal(modal, {"concern": concerns[member.id]})
        else:
            await world.api.click_button(message, member, label="No concerns")
        answered += 1
        await runtime.wait_for(ConcernAnswered, count=answered)
    await eventually(
        lambda: (
            sum(CLOSED in m["content"] for m in world.api.messages_in(world.general))
            == answered // 3
        )
    )
    return [m for m in world.api.messages_in(world.general) if CLOSED in m["content"]][-1]


async def test_round_summary_records_the_agreement_with_its_own_rounds_answers(world, harness):
    """Round A: everyone consents. Round B, on a variant: carol has a concern. "Record as
    agreement" on A's summary records A's consent, not B's concern, and links A."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    summary_a = await run_round(world, runtime, PROPOSAL, {}, 0)
    variant = f"{PROPOSAL} until the root cause is found"
    await run_round(world, runtime, variant, {world.carol.id: "we never find root causes"}, 3)

    click = await world.api.click_button(summary_a, world.bob, label="Record as agreement")
    modal = await world.api.wait_for_callback(click)
    assert modal.data["custom_id"] == f"gr:m:{buttons(summary_a)[0][1].removeprefix('gr:')}"
    await world.api.submit_modal(modal, {"text": PROPOSAL, "why": "reproducible builds"})
    [submitted] = await runtime.wait_for(AgreementSubmitted)
    assert submitted.round_id == buttons(summary_a)[0][1].split(":")[2].removesuffix("~en")
    await eventually(lambda: any(m["content"].startswith("Agreement recorded")
                                 for m in world.api.messages_in(world.general)))  # fmt: skip
    [announced] = [m["content"] for m in world.api.messages_in(world.general)
                   if m["content"].startswith("Agreement recorded")]  # fmt: skip
    assert (
        "Consent: Bob (mandate pending), Alice (mandate pending), owner (mandate pending) and "
        "carol (mandate pending)." in announced
    )
    assert "Concern" not in announced
    with Session(harness.app.database) as session:
        linked = {r.proposal: r.agreement_number for r in session.exec(select(RoundRow))}
    assert linked == {PROPOSAL: 1, variant: None}


async def test_round_asks_everyone_at_the_table_after_the_server_was_forgotten(world, harness):
    """`groundrules workspace forget` while the bot runs: the server's members are gone
    from the database, not from what the running process remembers. The roster a round
    sends first puts them back, so the round asks everyone who is there."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    cli = make_engine(harness.database_url)
    workspaces.forget(cli, workspace(world.guild))
    cli.dispose()

    message = await start_round(world, runtime)
    assert message["content"].splitlines()[-1] == (
        "0 of 3 answered; waiting for owner, Bob and carol."
    )


async def test_round_concern_form_refuses_text_that_shows_nothing(world, harness):
    """A concern of zero-width and blank characters would have been read as "no
    concerns": the form asks for the concern instead, and nothing is recorded."""
    runtime = await harness.start()
    message = await start_round(world, runtime)
    click = await world.api.click_button(message, world.carol, label="I have a concern")
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"concern": "\u200b \u2800"})
    told = await world.api.wait_for_callback(submit)
    assert (told.content, told.ephemeral) == (
        "Write your concern, or close this and answer “No concerns”.",
        True,
    )
    assert content_of(world, message).endswith("0 of 3 answered; waiting for owner, Bob and carol.")


async def test_round_summary_at_its_deadline_names_nobody_for_their_silence(world, harness):
    """Bob and the owner answer, carol does not: the summary the table reads counts her
    silence and does not name her (the progress did, while she could still answer)."""
    harness.settings["round_deadline"] = timedelta(milliseconds=500)
    harness.settings["max_reminders"] = 0
    runtime = await harness.start()
    message = await start_round(world, runtime)
    for count, member in enumerate((world.bob, world.guild.owner), start=1):
        await world.api.click_button(message, member, label="No concerns")
        await runtime.wait_for(ConcernAnswered, count=count)
    assert content_of(world, message).endswith("2 of 3 answered; waiting for carol.")

    await runtime.tick_until_sent()
    summary = world.api.messages_in(world.general)[-1]["content"]
    assert summary.startswith("The concern round on this proposal reached its deadline")
    assert "Answered: 2 of 3." in summary and "No concerns: owner and Bob." in summary
    assert "carol" not in summary and "No answer from" not in summary


async def test_round_snooze_typed_holds_that_members_reminder(world, harness):
    """carol has no problem waiting, but the round waits for her: /snooze is "not now" to
    its reminders, told to her alone; Bob and the owner, silent too, are reminded."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    await start_round(world, runtime)
    told = await slash_command(world, runtime, world.carol, "snooze", "2h")
    assert told.ephemeral and told.content.startswith("Snoozed until ")
    assert "no reminders here" in told.content

    await runtime.tick_until_sent()
    assert dm_messages(world.api, world.carol) == []
    [reminder] = dm_messages(world.api, world.bob)
    assert "A friendly reminder" in reminder["content"]


async def test_round_reminder_dm_not_now_holds_the_next_one(world, harness):
    """ "Not now" under a round's reminder DM: carol hears no second reminder for the
    nudge snooze's span, and is told privately until when; Bob's still comes."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    harness.settings["max_reminders"] = 2
    runtime = await harness.start()
    await start_round(world, runtime)
    await runtime.tick_until_sent()
    [reminder] = dm_messages(world.api, world.carol)
    assert [label for label, _ in buttons(reminder)][-1] == "Not now"
    click = await world.api.click_button(reminder, world.carol, label="Not now")
    await runtime.wait_for(RemindersSnoozed)
    told = await world.api.wait_for_callback(click)
    assert told.ephemeral and told.content.startswith("Snoozed until ")

    await runtime.tick_until_sent()  # the second reminder: to Bob, not to carol
    reminded = [m for m in dm_messages(world.api, world.carol) if "A friendly" in m["content"]]
    assert len(reminded) == 1
    assert len(dm_messages(world.api, world.bob)) == 2


@pytest.mark.parametrize(
    ("proposal", "locale", "typed", "question"),
    [
        (PROPOSAL, "en-US", "non", "Did you mean “none”, no concerns? Then answer “No concerns”"),
        (
            "Zullen we de inloop op dinsdag en donderdag houden?", "nl", "gene",
            "Bedoel je “geen”, geen zorgen? Antwoord dan “Geen zorgen”",
        ),
    ],
)  # fmt: skip
async def test_a_near_typo_of_none_in_the_concern_form_is_asked_about(
    world, harness, proposal, locale, typed, question
):
    """ "non" in the form is asked about, privately, as /concern non is; nothing is
    recorded. In quotes it is the concern, as written."""
    runtime = await harness.start()
    message = await start_round(world, runtime, proposal=proposal)
    concern = buttons(message)[1][0]
    click = await world.api.click_button(message, world.carol, label=concern, locale=locale)
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"concern": typed}, locale=locale)
    asked = await world.api.wait_for_callback(submit)
    assert asked.ephemeral and asked.content.startswith(question), asked.content
    await runtime.wait_for(ConcernAnswered)
    assert content_of(world, message).splitlines()[-1].startswith("0 ")

    click = await world.api.click_button(message, world.carol, label=concern, locale=locale)
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"concern": f'"{typed}"'}, locale=locale)
    noted = await world.api.wait_for_callback(submit)
    assert f": {typed}\n" in noted.content, noted.content
    await runtime.wait_for(ConcernAnswered, count=2)
    assert content_of(world, message).splitlines()[-1].startswith("1 ")


async def test_an_answer_that_only_names_someone_is_asked_about_typed_and_in_the_form(
    world, harness
):
    """/concern @Bob, and "@Bob" alone in the form, say nothing yet: asked privately what
    was meant, nothing recorded. A near-none said to Bob quotes carol's own word only."""
    runtime = await harness.start()
    message = await start_round(world, runtime)
    mention = f"<@{world.bob.id}>"
    ix = await world.api.slash_command(
        world.guild, world.general, world.carol, "concern", {"text": f"{mention} 🤔"}
    )
    wordless = await world.api.wait_for_callback(ix)
    assert wordless.ephemeral
    assert wordless.content.startswith("Your answer names someone but says nothing yet")
    ix = await world.api.slash_command(
        world.guild, world.general, world.carol, "concern", {"text": f"{mention} non"}
    )
    nearly = await world.api.wait_for_callback(ix)
    assert nearly.ephemeral
    assert 'Or is “non” your concern? Then put it in quotes, /concern "non"' in nearly.content
    for told in (wordless, nearly):
        assert "<@" not in told.content and "Bob" not in told.content, told.content

    click = await world.api.click_button(message, world.carol, label="I have a concern")
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"concern": "@Bob"})
    asked = await world.api.wait_for_callback(submit)
    assert asked.ephemeral and asked.content.startswith("Your answer names someone"), asked.content
    await runtime.wait_for(ConcernAnswered)
    assert content_of(world, message).splitlines()[-1].startswith("0 ")
