"""The end of a meeting on Discord: its report in the channel with the full form as
report.md, everyone asked to renew their mandate (buttons, then DM reminders), and a
process evaluation in a form; the buttons keep answering after a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.models import EvaluationRow, MandateRow, RenewalRow
from rules.events import EvaluationGiven, RemindersSnoozed, RenewalAnswered, RosterSynced
from tests.discord.conftest import BOTH_DATABASES
from tests.discord.harness import buttons, dm_messages, slash_command, workspace
from tests.standins.discord_api import ATTACH_FILES, EPHEMERAL

RENEWAL_BUTTONS = ["Renew", "Check with my organisation"]
SCORES = "4 5 3 4 4 5 4 3 5"


async def end_a_meeting(world, runtime, *, locale="en-US"):
    """Alice and Bob give a mandate; Alice starts and ends a meeting. Returns the answer
    to /meeting end."""
    await runtime.wait_for(RosterSynced)
    await slash_command(world, runtime, world.alice, "mandate", "budgets up to 500 euro")
    await slash_command(world, runtime, world.bob, "mandate", "the release calendar")
    await slash_command(world, runtime, world.alice, "meeting", "start", locale=locale)
    return await slash_command(world, runtime, world.alice, "meeting", "end", locale=locale)


def posted_with(world, label: str) -> dict:
    """The last message in #general with a button labelled `label`."""
    found = [m for m in world.api.messages_in(world.general) if label in dict(buttons(m))]
    assert found, f"no message with a {label!r} button"
    return found[-1]


def public_messages(world) -> int:
    """How many messages in #general everyone sees."""
    return len([m for m in world.api.messages_in(world.general) if not m["flags"] & EPHEMERAL])


def mandate_of(harness, member) -> tuple[str, str | None]:
    """(the mandate's status, the answer to this meeting's renewal) from the database."""
    with Session(harness.app.database) as session:
        mandate = session.exec(select(MandateRow).where(MandateRow.user == str(member.id))).one()
        renewal = session.exec(select(RenewalRow).where(RenewalRow.user == str(member.id))).one()
        return mandate.status, renewal.outcome


def report_upload(world, ix) -> tuple[dict, str]:
    """The report.md a callback or post uploaded, and its text."""
    [request] = [r for r in world.api.requests if r.files and r.json]
    [upload] = request.files
    assert upload["filename"] == "report.md"
    return request.json, upload["content"].decode()


async def test_meeting_end_posts_its_report_in_the_channel_with_the_full_form(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await slash_command(world, runtime, world.carol, "mandate", "rosters")
    ended = await end_a_meeting(world, runtime)

    # The report answers /meeting end for the whole table.
    assert (ended.type, ended.ephemeral) == (4, False)
    lines = ended.content.splitlines()
    assert lines[0].startswith("Report of the meeting (since ")
    assert "Mandates:" in lines and "… and 1 more (see the full report)" in lines
    [attachment] = ended.message["attachments"]
    assert attachment["filename"] == "report.md"
    body, full = report_upload(world, ended)
    assert body["data"]["allowed_mentions"] == {"parse": []}
    assert full.startswith("# Report of the meeting (since ")
    # Built as the meeting closed, before the mandates were due again.
    # Those without a mandate (the owner) are counted, never named.
    assert (
        "\n## Mandates:\n\n- Alice: budgets up to 500 euro (renewed " in full
        and "\n- carol: rosters (renewed " in full
        and "\n- One member has no mandate here yet.\n" in full
    )
    assert "owner" not in full and "<@" not in full
    assert ended.message in world.api.messages_in(world.general)


async def test_meeting_end_asks_everyone_to_renew_and_to_evaluate(world, harness):
    runtime = await harness.start()
    await end_a_meeting(world, runtime)

    renewal = posted_with(world, "Renew")
    # Those without a mandate are asked to set one (no button does that: the command):
    # the table hears how many, never who.
    assert renewal["content"] == (
        "The meeting has ended. Ground rule 3: everyone renews their mandate based on its "
        "outcome: Alice and Bob.\n2 members have no mandate here yet: I have asked each of "
        "them privately to say what they may agree to on behalf of their organisation.\nNo "
        "mandate yet? Set one with /mandate <what I may agree to>."
    )
    # Each of them hears it alone, by DM, which names the table it is about.
    table = f"https://discord.com/channels/{world.guild.id}/{world.general.id}"
    for member in (world.guild.owner_id, world.carol):
        [asked] = dm_messages(world.api, member)
        assert asked["content"] == (
            f"In <#{world.general.id}>:\nThe meeting has ended, and you have no mandate here "
            "yet. Please say what you may agree to on behalf of your "
            f"organisation.\nNo mandate yet? Set one in <#{world.general.id}> with /mandate "
            f"<what I may agree to>.\n{table}"
        )
        assert [label for label, _ in buttons(asked)] == ["Not now"]  # nothing to renew
    assert dm_messages(world.api, world.alice) == dm_messages(world.api, world.bob) == []
    assert "/mandate renew" not in renewal["content"] and renewal["mentions"] == []
    [(_, renewed), (_, check)] = buttons(renewal)
    meeting_id = renewed.split(":")[2]
    assert [label for label, _ in buttons(renewal)] == RENEWAL_BUTTONS
    # Each ends in the language its message was shown in.
    assert (renewed, check) == (
        f"gr:renew:{meeting_id}:renewed~en", f"gr:renew:{meeting_id}:check~en"
    )  # fmt: skip

    evaluation = posted_with(world, "Evaluate")
    lines = evaluation["content"].splitlines()
    assert lines[0].startswith("A short process evaluation, please:")
    assert (lines[1], lines[9]) == ("1. keep agreements", "9. listen to each other")
    assert len(lines) == 10  # no typed-command hint under the buttons
    assert buttons(evaluation) == [("Evaluate", f"gr:evaluate:{meeting_id}~en")]


async def test_meeting_renewal_buttons_set_the_mandate(world, harness):
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    assert mandate_of(harness, world.bob) == ("renewal_due", None)
    renewal = posted_with(world, "Renew")

    click = await world.api.click_button(renewal, world.bob, label="Renew")
    [answered] = await runtime.wait_for(RenewalAnswered)
    assert (answered.user, answered.outcome) == (str(world.bob.id), "renewed")
    assert answered.channel == str(world.general.id)
    assert mandate_of(harness, world.bob) == ("current", "renewed")
    told = await world.api.wait_for_callback(click)  # the engine's answer, for the table
    assert told.content == "Bob\nMandate renewed: the release calendar"

    click = await world.api.click_button(renewal, world.alice, label="Check with my organisation")
    await runtime.wait_for(RenewalAnswered, count=2)
    assert mandate_of(harness, world.alice) == ("checking", "check")
    told = await world.api.wait_for_callback(click)
    assert "Noted: you will check your mandate with your organisation." in told.content


async def test_meeting_renewal_answered_again_is_told_privately_not_announced(world, harness):
    """A second click on Renewed is not a second renewal: the table heard it once, and
    the clicker is told, privately. Must check, clicked after renewing, is a settled
    button: nothing changes, and the typed command is named."""
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    renewal = posted_with(world, "Renew")
    click = await world.api.click_button(renewal, world.bob, label="Renew")
    await runtime.wait_for(RenewalAnswered)
    told = await world.api.wait_for_callback(click)
    assert (told.ephemeral, told.content.splitlines()[-1]) == (
        False, "Mandate renewed: the release calendar",
    )  # fmt: skip
    in_channel = public_messages(world)

    click = await world.api.click_button(renewal, world.bob, label="Renew")
    await runtime.wait_for(RenewalAnswered, count=2)
    again = await world.api.wait_for_callback(click)
    assert (again.ephemeral, again.content) == (
        True, "Already renewed: the release calendar. Nothing is changed.",
    )  # fmt: skip

    click = await world.api.click_button(renewal, world.bob, label="Check with my organisation")
    await runtime.wait_for(RenewalAnswered, count=3)
    settled = await world.api.wait_for_callback(click)
    assert settled.ephemeral
    assert settled.content.startswith("Already decided: you renewed your mandate on ")
    assert settled.content.endswith(
        "To check with your organisation after all, say /mandate check."
    )
    assert mandate_of(harness, world.bob) == ("current", "renewed")
    assert public_messages(world) == in_channel


async def test_meeting_renewal_answered_again_in_dutch(world, harness):
    """Dutch buttons: the repeat is answered in Dutch; checking and then renewing goes
    ahead, for the table."""
    runtime = await harness.start()
    await end_a_meeting(world, runtime, locale="nl")
    renewal = posted_with(world, "Vernieuwen")
    check = "Navragen bij mijn organisatie"
    for count in (1, 2):
        click = await world.api.click_button(renewal, world.bob, label=check, locale="nl")
        await runtime.wait_for(RenewalAnswered, count=count)
        told = await world.api.wait_for_callback(click)
    assert told.ephemeral
    assert told.content.startswith("Al genoteerd: je overlegt eerst met je organisatie")
    click = await world.api.click_button(renewal, world.bob, label="Vernieuwen", locale="nl")
    await runtime.wait_for(RenewalAnswered, count=3)
    renewed = await world.api.wait_for_callback(click)
    assert not renewed.ephemeral
    assert renewed.content.endswith("Mandaat vernieuwd: the release calendar")
    click = await world.api.click_button(renewal, world.bob, label="Vernieuwen", locale="nl")
    await runtime.wait_for(RenewalAnswered, count=4)
    again = await world.api.wait_for_callback(click)
    assert (again.ephemeral, again.content) == (
        True, "Al vernieuwd: the release calendar. Er is niets veranderd.",
    )  # fmt: skip
    assert mandate_of(harness, world.bob) == ("current", "renewed")


@pytest.mark.parametrize(
    "lang, opening",
    [("en", "A friendly reminder:"), ("nl", "Een vriendelijke herinnering:")],
    ids=["en", "nl"],
)
async def test_meeting_renewal_reminder_by_dm_opens_with_the_channel_it_is_about(
    world, harness, lang, opening
):
    """Someone at several tables, or who reads only the notification, knows which one
    the reminder is about, as with a nudge: a channel mention, which pings nobody; one
    who has no mandate yet reads where to set it."""
    harness.settings["language"] = lang
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    await runtime.tick_until_sent()
    [renew] = dm_messages(world.api, world.alice)
    [_asked_at_the_end, set_one] = dm_messages(world.api, world.carol)
    for reminder in (renew, set_one):
        assert reminder["content"].startswith(f"In <#{world.general.id}>:\n{opening}")
        assert "<@" not in reminder["content"] and "@everyone" not in reminder["content"]
    assert f" in <#{world.general.id}> " in set_one["content"].splitlines()[-2]


async def test_meeting_renewal_reminders_go_by_dm_and_ping_only_closed_dms(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    await world.api.click_button(posted_with(world, "Renew"), world.bob, label="Renew")
    await runtime.wait_for(RenewalAnswered)

    await runtime.tick_until_sent()
    assert dm_messages(world.api, world.bob) == []  # he renewed
    [reminder] = dm_messages(world.api, world.alice)
    table = f"https://discord.com/channels/{world.guild.id}/{world.general.id}"
    assert reminder["content"] == (
        f"In <#{world.general.id}>:\n"
        f"A friendly reminder: the meeting has ended; please renew your mandate.\n{table}"
    )
    assert [label for label, _ in buttons(reminder)] == [*RENEWAL_BUTTONS, "Not now"]
    # carol never set a mandate: she is asked to set one, without the renewal buttons.
    # Her DMs are closed, and "you have no mandate here yet" under her name in the
    # channel would name her lack in public: she is not pinged, then or at the end.
    posted = world.api.messages_in(world.general)
    assert not any(f"<@{world.carol.id}>" in m["content"] for m in posted)
    assert all(m["mentions"] == [] for m in posted)

    # Renewing from the DM counts at the table in the channel.
    click = await world.api.click_button(reminder, world.alice, label="Renew")
    [_, from_dm] = await runtime.wait_for(RenewalAnswered, count=2)
    assert (from_dm.workspace, from_dm.channel, from_dm.user) == (
        workspace(world.guild), str(world.general.id), str(world.alice.id),
    )  # fmt: skip
    assert mandate_of(harness, world.alice) == ("current", "renewed")
    announced = world.api.messages_in(world.general)[-1]
    assert announced["content"].endswith("Mandate renewed: budgets up to 500 euro")
    done = await world.api.wait_for_callback(click)
    assert (done.content, done.ephemeral) == ("Done.", True)


async def test_meeting_renewal_reminder_for_closed_dms_names_nobody_in_the_channel(world, harness):
    """Who has not renewed is not listed in public: those the DMs cannot reach hear one
    message in the channel, with the renewal buttons, that names and pings nobody."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await slash_command(world, runtime, world.carol, "mandate", "rosters")
    await end_a_meeting(world, runtime)
    posts = f"POST /channels/{world.general.id}/messages"
    before = len(world.api.requests_to(posts))

    await runtime.tick_until_sent()
    assert len(dm_messages(world.api, world.alice)) == 1  # by DM, who can have one
    [said] = [r.json for r in world.api.requests_to(posts)[before:]]
    assert said["content"] == (
        "A friendly reminder: the meeting has ended, and some mandates here still wait to "
        "be renewed.\nNot renewed yet? These buttons are for you."
    )
    assert said["allowed_mentions"] == {"parse": []}
    [shown] = [m for m in world.api.messages_in(world.general) if m["content"] == said["content"]]
    assert shown["mentions"] == []
    assert [label for label, _ in buttons(shown)] == RENEWAL_BUTTONS

    # Its buttons renew the mandate of whoever clicks them.
    await world.api.click_button(shown, world.carol, label="Renew")
    [answered] = await runtime.wait_for(RenewalAnswered)
    assert answered.user == str(world.carol.id)
    assert mandate_of(harness, world.carol) == ("current", "renewed")


async def test_meeting_renewal_reminders_speak_each_members_own_language(world, harness):
    """No table language; Bob (a Dutch client) ends the meeting, so the table hears Dutch.
    A reminder by DM is about one member's own mandate and speaks theirs: Alice's,
    written in English, in English with English buttons; Bob's in Dutch. Carol (no
    mandate, DMs closed) is not pinged in the channel: that would name her lack."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await slash_command(world, runtime, world.alice, "mandate", "agree on joint drop-in hours")
    await slash_command(world, runtime, world.bob, "mandate",
                        "afspraken over de inloop tot 5000 euro", locale="nl")  # fmt: skip
    await slash_command(world, runtime, world.bob, "meeting", "start", locale="nl")
    await slash_command(world, runtime, world.bob, "meeting", "end", locale="nl")
    assert "Vernieuwen" in dict(buttons(posted_with(world, "Vernieuwen")))  # the table's

    await runtime.tick_until_sent()
    [alice] = dm_messages(world.api, world.alice)
    assert (
        "A friendly reminder: the meeting has ended; please renew your mandate."
        in (alice["content"])
    )
    assert [label for label, _ in buttons(alice)] == [*RENEWAL_BUTTONS, "Not now"]
    [bob] = dm_messages(world.api, world.bob)
    assert "Een vriendelijke herinnering: de vergadering is voorbij" in bob["content"]
    assert [label for label, _ in buttons(bob)] == [
        "Vernieuwen", "Navragen bij mijn organisatie", "Nu even niet",
    ]  # fmt: skip
    # carol, with closed DMs and no mandate, is not named for it in the channel.
    assert not any(f"<@{world.carol.id}>" in m["content"]
                   for m in world.api.messages_in(world.general))  # fmt: skip

    # Alice's button answers in the English it was shown in.
    click = await world.api.click_button(alice, world.alice, label="Renew")
    await runtime.wait_for(RenewalAnswered)
    done = await world.api.wait_for_callback(click)
    assert (done.content, done.ephemeral) == ("Done.", True)


async def test_meeting_evaluation_form_submits_the_nine_scores(world, harness):
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    evaluation = posted_with(world, "Evaluate")

    click = await world.api.click_button(evaluation, world.carol, label="Evaluate")
    modal = await world.api.wait_for_callback(click)
    assert (modal.type, modal.data["title"]) == (9, "Evaluate the meeting")
    fields = [(c["label"], c["component"]) for c in modal.data["components"]]
    assert [(label, f["custom_id"], f["required"]) for label, f in fields] == [
        ("Nine scores, 1 to 5, in order", "scores", True),
        ("Comment (optional)", "comment", False),
    ]
    assert fields[0][1]["placeholder"] == SCORES

    submit = await world.api.submit_modal(
        modal, {"scores": " 4, 5 3 4 4 5 4 3 5 ", "comment": "good  pace\ntoday"}
    )
    [given] = await runtime.wait_for(EvaluationGiven)
    assert (given.user, given.scores, given.comment) == (
        str(world.carol.id), (4, 5, 3, 4, 4, 5, 4, 3, 5), "good pace today",
    )  # fmt: skip
    thanks = await world.api.wait_for_callback(submit)
    assert thanks.ephemeral
    assert thanks.content == (
        "Thank you. Your evaluation will show, with everyone's, in the next report."
    )
    with Session(harness.app.database) as session:
        [row] = session.exec(select(EvaluationRow)).all()
    assert (row.user, row.scores, row.comment) == (
        str(world.carol.id), [4, 5, 3, 4, 4, 5, 4, 3, 5], "good pace today",
    )  # fmt: skip


async def test_meeting_evaluation_form_refuses_scores_it_cannot_read(world, harness):
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    evaluation = posted_with(world, "Evaluate")
    click = await world.api.click_button(evaluation, world.bob, label="Evaluate")
    modal = await world.api.wait_for_callback(click)

    give_nine = "Give nine scores from 1 to 5, one for each value, in order."
    miscounted = (
        "I read {} scores ({}); give nine, from 1 to 5, one for each value in order. A comment "
        "that starts with a number goes in quotes."
    )
    for wrong, told in (
        ("4 5 3", miscounted.format(3, "4 5 3")),
        ("4 5 3 4 4 5 4 3 5 4", miscounted.format(10, "4 5 3 4 4 5 4 3 5 4")),
        (
            "4 5 3 4 4 5 4 3 6",
            "Scores go from 1 to 5, so I could not use this score: 6. Give nine scores from 1 "
            "to 5, one for each value, in order.",
        ),
        ("great meeting", give_nine),
    ):
        submit = await world.api.submit_modal(modal, {"scores": wrong, "comment": ""})
        refused = await world.api.wait_for_callback(submit)
        assert (refused.type, refused.ephemeral) == (4, True)
        assert refused.content == told
    assert runtime.of(EvaluationGiven) == []
    with Session(harness.app.database) as session:
        assert session.exec(select(EvaluationRow)).all() == []


async def test_meeting_in_dutch(world, harness):
    runtime = await harness.start()
    ended = await end_a_meeting(world, runtime, locale="nl")
    assert ended.content.startswith("Verslag van de vergadering")

    renewal = posted_with(world, "Vernieuwen")
    assert renewal["content"].startswith("De vergadering is afgelopen.")
    assert [label for label, _ in buttons(renewal)] == [
        "Vernieuwen", "Navragen bij mijn organisatie",
    ]  # fmt: skip
    evaluation = posted_with(world, "Evalueren")
    assert evaluation["content"].splitlines()[1] == "1. afspraken nakomen"

    click = await world.api.click_button(evaluation, world.bob, label="Evalueren", locale="nl")
    modal = await world.api.wait_for_callback(click)
    assert modal.data["title"] == "Vergadering evalueren"
    assert [c["label"] for c in modal.data["components"]] == [
        "Negen scores, 1 tot 5, op volgorde", "Opmerking (optioneel)",
    ]  # fmt: skip
    submit = await world.api.submit_modal(modal, {"scores": "1 2 3", "comment": ""}, locale="nl")
    refused = await world.api.wait_for_callback(submit)
    assert refused.content.startswith("Ik lees 3 scores (1 2 3); geef er negen, van 1 tot 5")

    # The Dutch buttons and form are answered in Dutch (no table language is set).
    click = await world.api.click_button(renewal, world.bob, label="Vernieuwen", locale="nl")
    await runtime.wait_for(RenewalAnswered)
    told = await world.api.wait_for_callback(click)
    assert "Mandaat vernieuwd: the release calendar" in told.content
    click = await world.api.click_button(evaluation, world.bob, label="Evalueren", locale="nl")
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"scores": SCORES, "comment": ""}, locale="nl")
    await runtime.wait_for(EvaluationGiven)
    thanks = await world.api.wait_for_callback(submit)
    assert thanks.content.startswith("Dank je.")


@BOTH_DATABASES
async def test_meeting_buttons_still_answer_after_a_restart(world, harness):
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    renewal, evaluation = posted_with(world, "Renew"), posted_with(world, "Evaluate")
    runtime = await harness.restart()  # a new client and runtime on the same database
    await runtime.wait_for(RosterSynced)

    await world.api.click_button(renewal, world.bob, label="Renew")
    await runtime.wait_for(RenewalAnswered)
    assert mandate_of(harness, world.bob) == ("current", "renewed")

    click = await world.api.click_button(evaluation, world.alice, label="Evaluate")
    modal = await world.api.wait_for_callback(click)
    await world.api.submit_modal(modal, {"scores": SCORES, "comment": ""})
    [given] = await runtime.wait_for(EvaluationGiven)
    assert (given.user, given.comment) == (str(world.alice.id), None)
    assert len(world.api.identifies) == 2


async def test_meeting_an_earlier_meetings_buttons_act_on_that_meeting(world, harness):
    """Buttons under meeting one, used after meeting two ended: an evaluation is kept
    with meeting one (not over a score for meeting two); a renewal is refused, as the
    mandate is renewed in the light of the latest meeting."""
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    renewal_one, evaluation_one = posted_with(world, "Renew"), posted_with(world, "Evaluate")
    await slash_command(world, runtime, world.alice, "meeting", "start")
    await slash_command(world, runtime, world.alice, "meeting", "end")
    evaluation_two = posted_with(world, "Evaluate")
    assert evaluation_two["id"] != evaluation_one["id"]
    meeting_one = buttons(evaluation_one)[0][1].split(":")[2].removesuffix("~en")
    meeting_two = buttons(evaluation_two)[0][1].split(":")[2].removesuffix("~en")

    async def evaluate(message, scores, count):
        click = await world.api.click_button(message, world.carol, label="Evaluate")
        modal = await world.api.wait_for_callback(click)
        submit = await world.api.submit_modal(modal, {"scores": scores, "comment": ""})
        await runtime.wait_for(EvaluationGiven, count=count)
        return (await world.api.wait_for_callback(submit)).content

    await evaluate(evaluation_two, "1 1 1 1 1 1 1 1 1", 1)
    told = await evaluate(evaluation_one, SCORES, 2)
    assert told.startswith("Thank you. Your evaluation is kept with that earlier meeting (of ")
    assert told.endswith(
        "). Reports show the latest meeting anyone scored, so it shows only until someone scores "
        "a later one."
    )
    with Session(harness.app.database) as session:
        rows = {row.meeting_id: row.scores for row in session.exec(select(EvaluationRow))}
    assert rows == {meeting_two: [1] * 9, meeting_one: [4, 5, 3, 4, 4, 5, 4, 3, 5]}

    click = await world.api.click_button(renewal_one, world.bob, label="Renew")
    [answered] = await runtime.wait_for(RenewalAnswered)
    assert answered.meeting_id == meeting_one
    told = await world.api.wait_for_callback(click)
    assert told.ephemeral and told.content.startswith("That button is from an earlier meeting (of ")
    assert told.content.endswith(
        "a later one has ended since. Renew your mandate in the light of the latest "
        "meeting: with the buttons under it, or /mandate renew. Nothing is changed."
    )
    with Session(harness.app.database) as session:
        renewals = session.exec(select(RenewalRow).where(RenewalRow.user == str(world.bob.id)))
        assert {(r.meeting_id, r.outcome) for r in renewals} == {
            (meeting_one, None), (meeting_two, None),
        }  # fmt: skip
        mandate = session.exec(select(MandateRow).where(MandateRow.user == str(world.bob.id)))
        assert mandate.one().status == "renewal_due"


async def test_meeting_ends_where_the_bot_may_not_attach_files(world, harness):
    """An overwrite denies the bot Attach Files: the meeting still ends, its full report
    posted as messages instead of report.md, losing nothing."""
    world.general.permission_overwrites = [
        {"id": str(world.api.bot_user.id), "type": 1, "allow": "0", "deny": str(ATTACH_FILES)}
    ]
    runtime = await harness.start()
    ended = await end_a_meeting(world, runtime)

    assert "Attach Files" not in ended.content and not ended.ephemeral
    assert ended.content.startswith("Report of the meeting (since ")
    shown = "\n".join(m["content"] for m in world.api.messages_in(world.general))
    assert "Alice: budgets up to 500 euro" in shown
    assert "2 members have no mandate here yet." in shown and "carol" not in shown
    assert "(see the full report)" not in shown
    assert [r for r in world.api.requests if r.files] == []
    assert posted_with(world, "Renew")  # the meeting ended: renewals asked


async def test_meeting_renewal_reminder_not_now_holds_the_next_one(world, harness):
    """ "Not now" under the reminder DM: Alice's reminders at that table wait for the
    nudge snooze's default span, and she is told privately until when; Bob's still come."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    harness.settings["max_reminders"] = 2
    runtime = await harness.start()
    await end_a_meeting(world, runtime)
    await runtime.tick_until_sent()
    [reminder] = dm_messages(world.api, world.alice)
    assert [label for label, _ in buttons(reminder)] == [*RENEWAL_BUTTONS, "Not now"]
    click = await world.api.click_button(reminder, world.alice, label="Not now")
    [snoozed] = await runtime.wait_for(RemindersSnoozed)
    assert (snoozed.channel, snoozed.user) == (str(world.general.id), str(world.alice.id))
    told = await world.api.wait_for_callback(click)
    assert told.ephemeral and told.content.startswith("Snoozed until ")
    assert "no reminders here" in told.content

    await runtime.tick_until_sent()  # the second reminder: to Bob, not to Alice
    assert len(reminders_to(world, world.bob)) == 2
    assert len(reminders_to(world, world.alice)) == 1


def reminders_to(world, member) -> list[dict]:
    """The reminders in `member`'s DM (not the answers to their clicks there)."""
    return [m for m in dm_messages(world.api, member) if "A friendly reminder" in m["content"]]
