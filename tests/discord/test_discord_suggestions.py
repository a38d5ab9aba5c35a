"""Consensus, noticed on Discord: most of the table agrees with a proposal, so the bot
offers the agreement form filled in with it. It never records anything by itself."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import AgreementRow
from rules.events import AgreementSubmitted, MessagePosted, RosterSynced
from tests.discord.harness import bot_messages, buttons, dm_messages

PROPOSAL = "we pin the base image to 1.4 until <@{bob}> has tested 1.5 @everyone"
SHOWN = "we pin the base image to 1.4 until @Bob has tested 1.5 @\u200beveryone"


async def say(world, runtime, member, text, *, thread=None) -> None:
    posted = await world.api.message_create(world.guild, world.general, member, text, thread=thread)
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])


async def reach_consensus(world, runtime, *, thread=None) -> dict:
    """Alice proposes; Bob and carol agree: most of the four. Returns the suggestion."""
    await runtime.wait_for(RosterSynced)
    await say(world, runtime, world.alice, "#proposal " + PROPOSAL.format(bob=world.bob.id),
              thread=thread)  # fmt: skip
    await say(world, runtime, world.bob, "#agreement sounds good to me", thread=thread)
    assert world.api.messages_in(thread or world.general) == []  # one is not most
    await say(world, runtime, world.carol, "#agreement yes, agreed", thread=thread)
    [suggestion] = world.api.messages_in(thread or world.general)
    return suggestion


def agreements(harness) -> list[AgreementRow]:
    with Session(harness.app.database) as session:
        return list(session.exec(select(AgreementRow)).all())


async def test_suggestion_offers_to_record_and_records_nothing_itself(world, harness):
    runtime = await harness.start()
    suggestion = await reach_consensus(world, runtime, thread=world.thread)

    lines = suggestion["content"].splitlines()
    assert lines == [
        "Most of the table agrees with this proposal by Alice (Bob and carol), and no concern "
        "is open:",
        f"> #proposal {SHOWN}",
        "Record it as an agreement? I never do that on my own.",
    ]
    assert buttons(suggestion) == [("Record as agreement", "gr:suggest:record~en")]
    assert world.api.messages_in(world.general) == []  # in the thread, where it was said
    [post] = world.api.requests_to(f"POST /channels/{world.thread.id}/messages")
    assert post.json["allowed_mentions"] == {"parse": []} and suggestion["mentions"] == []
    assert runtime.of(AgreementSubmitted) == [] and agreements(harness) == []
    assert len(bot_messages(world.api)) == 1


async def test_suggestion_button_opens_the_filled_in_agreement_form(world, harness):
    runtime = await harness.start()
    suggestion = await reach_consensus(world, runtime, thread=world.thread)

    click = await world.api.click_button(suggestion, world.bob, label="Record as agreement")
    modal = await world.api.wait_for_callback(click)
    assert (modal.type, modal.data["title"]) == (9, "Record an agreement")
    fields = {c["component"]["custom_id"]: c["component"] for c in modal.data["components"]}
    assert list(fields) == ["text", "why", "owner", "review"]
    # The proposal as shown, names and all; the form holds plain text (no escapes).
    assert fields["text"]["value"] == f"#proposal {SHOWN}".replace("\u200b", "")
    assert agreements(harness) == []  # opening the form records nothing

    await world.api.submit_modal(
        modal, {"text": "We pin the base image to 1.4", "why": "1.5 is untested"}
    )
    [submitted] = await runtime.wait_for(AgreementSubmitted)
    assert (submitted.user, submitted.channel, submitted.thread_id) == (
        str(world.bob.id), str(world.general.id), str(world.thread.id),
    )  # fmt: skip
    # The proposal the suggestion was about: only a round on it may lend its answers.
    assert (submitted.proposal, submitted.round_id) == (fields["text"]["value"], None)
    [recorded] = agreements(harness)
    assert (recorded.text, recorded.why) == ("We pin the base image to 1.4", "1.5 is untested")
    announced = [m for m in world.api.messages_in(world.thread) if not m["flags"] & 64]
    assert announced[-1]["content"].startswith(
        "Agreement recorded.\nAgreement #1: We pin the base image to 1.4"
    )


async def test_suggestion_at_the_top_level_goes_to_the_channel(world, harness):
    runtime = await harness.start()
    suggestion = await reach_consensus(world, runtime)
    assert suggestion["channel_id"] == str(world.general.id)
    assert world.api.messages_in(world.thread) == []
    assert [label for label, _ in buttons(suggestion)] == ["Record as agreement"]


async def test_some_of_a_larger_table_agree_the_proposer_alone_is_told_by_dm(world, harness):
    world.guild.add_member("dan")
    world.guild.add_member("erin")  # six people: two yeses are not most of the table
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await say(world, runtime, world.alice, "#proposal " + PROPOSAL.format(bob=world.bob.id))
    await say(world, runtime, world.bob, "#agreement sounds good to me")
    await say(world, runtime, world.carol, "#agreement yes, agreed")

    assert world.api.messages_in(world.general) == []  # nothing in the channel
    [told] = dm_messages(world.api, world.alice)
    assert told["content"].splitlines() == [
        f"In <#{world.general.id}>:",  # a DM, away from its table: it opens with which
        "It looks as if Bob and carol agree with your proposal:",
        f"> #proposal {SHOWN}",
        "Silence is not consent: to make it the table's agreement, ask everyone for their "
        "concerns with /concerns.",
    ]
    assert told["mentions"] == []
    assert dm_messages(world.api, world.bob) == dm_messages(world.api, world.carol) == []
    assert agreements(harness) == []
