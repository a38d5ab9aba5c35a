"""When Discord refuses part of what the bot sends: the retry sends only what did not
go out, whichever process makes it (bot.sent_steps), and nothing private is lost to
closed DMs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot import person_data
from bot.models import SentStep, now_utc
from rules.actions import Outbound, PostRoundSummary, Reply, RoundView
from rules.events import CommandInvoked, MessagePosted, RosterSynced
from rules.say import Lines, Member, Quote, Say
from tests.discord.conftest import BOTH_DATABASES
from tests.discord.harness import Harness, dm_messages, make_retries_due, workspace

# Discord's throttle on DMs: what is left waits for the outbox (and nobody's DMs are
# taken for closed); and a bad moment of Discord's, which discord.py does not retry.
TOO_FAST = {"status": 403, "code": 40003, "message": "You are opening direct messages too fast"}
UNAVAILABLE = {"status": 503, "code": 0, "message": "Service Unavailable"}


def in_the_channel(world) -> list[dict]:
    """A round's reminders in its channel, for those whose DMs are closed."""
    return [
        m for m in world.api.messages_in(world.general)
        if m["content"].startswith("A friendly reminder: this proposal by")
    ]  # fmt: skip


async def round_carol_cannot_be_dmed(world, harness):
    """A concern round whose reminder falls due at once, Carol's DMs closed."""
    # One reminder only: on a busy machine a second one falls due 300 ms after the
    # first, and would reach Bob and the owner again whatever a retry does.
    harness.settings.update(reminder_delay=timedelta(milliseconds=300), max_reminders=1)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "ship it"}
    )
    await world.api.wait_for_callback(ix)
    return runtime


async def test_a_reminder_that_fails_for_one_reaches_the_others_once(world, harness):
    runtime = await round_carol_cannot_be_dmed(world, harness)
    world.api.fail_next(f"POST /channels/{world.api.dm_channel(world.bob).id}/messages", **TOO_FAST)
    await runtime.tick_until_sent()
    assert dm_messages(world.api, world.bob) == []
    assert len(dm_messages(world.api, world.guild.owner)) == 1  # not held up by bob's
    assert make_retries_due(harness) == 1  # the reminder is offered again

    await runtime.tick()
    assert make_retries_due(harness) == 0
    assert len(dm_messages(world.api, world.bob)) == 1
    assert len(dm_messages(world.api, world.guild.owner)) == 1  # not twice
    assert len(in_the_channel(world)) == 1  # for carol, whose DMs are closed: once


async def test_a_person_forgotten_is_no_longer_known_to_have_closed_dms(world, harness):
    """What the bot held of a member forgotten at their request goes within a tick: that
    their DMs were closed too (their next reminder tries a DM again)."""
    runtime = await round_carol_cannot_be_dmed(world, harness)
    await runtime.tick_until_sent()
    delivery = harness.adapter.bot.delivery
    assert delivery.dms_closed(world.carol.id)
    assert len(in_the_channel(world)) == 1

    carol = str(world.carol.id)
    assert delivery._tell_now(carol, world.general.id, 50013)  # told once that it refuses
    assert not delivery._tell_now(carol, world.general.id, 50013)

    person_data.forget(harness.app.database, workspace(world.guild), carol, now_utc())
    await runtime.tick()
    assert not delivery.dms_closed(world.carol.id)
    assert delivery._tell_now(carol, world.general.id, 50013)  # not remembered either
    assert not delivery.dms_closed(world.bob.id)  # nobody else's was held either


@BOTH_DATABASES
async def test_a_reminder_retried_by_another_process_reaches_only_those_not_reached(world, harness):
    runtime = await round_carol_cannot_be_dmed(world, harness)
    world.api.fail_next(f"POST /channels/{world.api.dm_channel(world.bob).id}/messages", **TOO_FAST)
    await runtime.tick_until_sent()
    assert dm_messages(world.api, world.bob) == []
    assert len(dm_messages(world.api, world.guild.owner)) == 1
    assert len(steps_on_record(harness)) == 1  # the owner's DM: the throttle stopped it

    runtime = await harness.restart()  # a new process on the same database retries it
    await runtime.wait_for(RosterSynced)
    await from_the_outbox(harness)
    assert make_retries_due(harness) == 0
    assert len(dm_messages(world.api, world.bob)) == 1
    assert len(dm_messages(world.api, world.guild.owner)) == 1  # not twice
    assert len(in_the_channel(world)) == 1  # for carol, whose DMs are closed: not twice
    assert steps_on_record(harness) == {}


def steps_on_record(harness: Harness) -> dict[str, str | None]:
    assert harness.app is not None
    with Session(harness.app.database) as session:
        return {row.step: row.ref for row in session.exec(select(SentStep))}


async def from_the_outbox(harness: Harness, action: Outbound | None = None) -> None:
    """`action` written to the outbox (as a decision writes it), then delivered with
    whatever else is undelivered, as a tick does once their back-off is over."""
    assert harness.app is not None and harness.runtime is not None
    if action is not None:
        harness.app.store.enqueue(action, now_utc())
    make_retries_due(harness)
    await harness.runtime.tick()


@BOTH_DATABASES
async def test_a_long_post_that_fails_part_way_is_not_posted_twice_by_another_process(
    world, harness
):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    parts = [" ".join([f"part{n}"] * 300) for n in range(3)]
    reply = Reply(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en", user=None,
        private=False, text=Lines(tuple(Say.of("> {proposal}", proposal=Quote(p)) for p in parts)),
    )  # fmt: skip
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", skip=1, **UNAVAILABLE)
    await from_the_outbox(harness, reply)
    [first] = world.api.messages_in(world.general)
    assert steps_on_record(harness)["post:0"] == first["id"]

    runtime = await harness.restart()  # a new process on the same database retries it
    await runtime.wait_for(RosterSynced)
    await from_the_outbox(harness)
    posted = [m["content"] for m in world.api.messages_in(world.general)]
    # Each after the first opens with its heading (no title: the post opens with a quote).
    assert posted == [f"> {parts[0]}", *(f"(continued)\n> {p}" for p in parts[1:])]
    assert make_retries_due(harness) == 0
    assert steps_on_record(harness) == {}  # gone with the delivery


@BOTH_DATABASES
async def test_a_long_post_retried_where_a_name_renders_longer_posts_each_line_once(world, harness):
    """The retrying process renders Carol's new nickname: rendered afresh, the first
    page's last line would move to the second page and be posted twice."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.guild.member(world.carol).nick = "Carol"
    carol = Member(str(world.carol.id))
    lines = (
        Say.of("{who}: {words}", who=carol, words=Quote("first " + "a" * 1000)),
        Say.of("{words}", words=Quote("second " + "b" * 950)),
        Say.of("{words}", words=Quote("third " + "c" * 500)),
    )
    reply = Reply(workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
                  user=None, private=False, text=Lines(lines))  # fmt: skip
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", skip=1, **UNAVAILABLE)
    await from_the_outbox(harness, reply)
    assert len(world.api.messages_in(world.general)) == 1

    world.guild.member(world.carol).nick = "Carol, who chose a much longer nickname today " * 2
    runtime = await harness.restart()  # a new process on the same database retries it
    await runtime.wait_for(RosterSynced)
    await from_the_outbox(harness)
    posted = [m["content"] for m in world.api.messages_in(world.general)]
    # The second opens with its heading as the first try rendered it, the first line's start.
    heading, _, rest = posted[1].partition("\n")
    title = heading.removeprefix("(continued) ").removesuffix("…")
    assert heading != title and posted[0].startswith(title) and "first " in title
    shown = "\n".join([posted[0], rest])
    assert [shown.count(word) for word in ("first ", "second ", "third ")] == [1, 1, 1]


async def test_a_long_round_summary_that_fails_part_way_is_not_posted_twice(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    members = [str(world.bob.id), str(world.carol.id), str(world.guild.owner.id)]
    view = RoundView(
        round_id="r1", proposal="#proposal ship it", proposer=str(world.alice.id),
        thread_id=None, deadline=datetime(2030, 1, 1, tzinfo=UTC),
        participants=tuple(members), no_concerns=(),
        concerns=tuple((m, f"concern{n} " + "word " * 500) for n, m in enumerate(members)),
    )  # fmt: skip
    summary = PostRoundSummary(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        round=view, outcome="concerns", suggest_agreement=True,
    )  # fmt: skip
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", skip=1, **UNAVAILABLE)
    await from_the_outbox(harness, summary)
    [first] = world.api.messages_in(world.general)

    runtime = await harness.restart()  # a new process on the same database retries it
    await runtime.wait_for(RosterSynced)
    await from_the_outbox(harness)
    posted = world.api.messages_in(world.general)
    assert [m["id"] for m in posted].count(first["id"]) == 1
    assert len(posted) == 3  # each part once
    shown = ["".join(e.get("description", "") for e in m.get("embeds") or []) for m in posted]
    for n in range(3):
        assert sum(f"concern{n} " in text for text in shown) == 1
    assert [bool(m.get("components")) for m in posted] == [True, False, False]  # one button


async def two_of_five_agree_with_alice(world, runtime) -> None:
    said = (
        (world.alice, "#proposal pin the base image"),
        (world.bob, "#agreement sounds good"),
        (world.carol, "#agreement yes, agreed"),
    )
    for member, text in said:
        posted = await world.api.message_create(world.guild, world.general, member, text)
        await runtime.wait_for(MessagePosted, lambda e, p=posted: e.message_id == p["id"])


async def test_the_word_to_a_proposer_with_closed_dms_pings_them_where_they_proposed(
    world, harness
):
    world.guild.add_member("dan")
    world.guild.add_member("erin")
    world.api.close_dms(world.alice)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await two_of_five_agree_with_alice(world, runtime)
    [word] = world.api.messages_in(world.general)
    assert word["content"].startswith(
        f"<@{world.alice.id}>\nIt looks as if Bob and carol agree with your proposal:"
    )
    assert "ask everyone for their concerns with /concerns" in word["content"]
    [post] = world.api.requests_to(f"POST /channels/{world.general.id}/messages")
    assert post.json["allowed_mentions"] == {"parse": [], "users": [world.alice.id]}


async def test_the_word_to_a_proposer_goes_by_dm_when_it_can(world, harness):
    world.guild.add_member("dan")
    world.guild.add_member("erin")
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await two_of_five_agree_with_alice(world, runtime)
    [word] = dm_messages(world.api, world.alice)
    assert word["content"].startswith(
        f"In <#{world.general.id}>:\nIt looks as if Bob and carol agree with your proposal:"
    )
    assert world.api.messages_in(world.general) == []


async def test_a_reminder_to_many_closed_dms_is_one_message_naming_nobody_posted_once(
    world, harness
):
    """Who has not answered is not listed in public, however many: one message in the
    channel stands for all those the DMs did not reach, posted once also when its first
    try fails."""
    harness.settings.update(reminder_delay=timedelta(milliseconds=300), max_reminders=1)
    volunteers = [world.guild.add_member(f"volunteer{n:03d}") for n in range(150)]
    for volunteer in volunteers:
        world.api.close_dms(volunteer)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "ship it"}
    )
    await world.api.wait_for_callback(ix)
    posts = f"POST /channels/{world.general.id}/messages"
    world.api.fail_next(posts, **UNAVAILABLE)  # the reminder in the channel, once
    await runtime.tick_until_sent()
    assert make_retries_due(harness) == 1
    await runtime.tick()
    assert make_retries_due(harness) == 0

    assert world.api.refused == []
    [reminder] = [post for post in world.api.requests_to(posts)[1:] if post.status == 200]
    assert reminder.json["allowed_mentions"] == {"parse": []}
    assert reminder.json["content"].startswith("A friendly reminder: this proposal by Alice")
    assert "<@" not in reminder.json["content"] and "volunteer" not in reminder.json["content"]
    assert reminder.json["components"]  # the round's buttons
    assert len(dm_messages(world.api, world.bob)) == 1  # the DMs went once


async def test_a_long_answer_to_a_command_that_fails_part_way_is_not_shown_twice(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next("POST /webhooks/{application_id}/{token}", **TOO_FAST)  # its 2nd part
    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "groundrules", {"text": "help"}
    )
    first = await world.api.wait_for_callback(ix)
    assert first.ephemeral and first.content.startswith("Our ground rules:")
    await runtime.wait_for(CommandInvoked)
    assert make_retries_due(harness) == 1  # the answer is offered again

    await runtime.tick()
    assert make_retries_due(harness) == 0
    # Without the interaction, the retry sends by DM only the part not yet shown.
    [rest] = dm_messages(world.api, world.bob)
    assert rest["content"] and rest["content"] not in first.content
    assert not rest["content"].startswith("Our ground rules:")
