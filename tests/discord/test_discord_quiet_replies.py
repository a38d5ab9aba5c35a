"""Closed DMs: the quiet reply beside a problem names its author, once. Whoever has
answered it (corrected the bot, added a proposal, snoozed) is named in public no more,
and a snooze adds no public message."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.models import TimerRow, WatchRow, now_utc
from rules.events import (
    CommandInvoked,
    MessageDeleted,
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
)
from tests.discord.harness import (
    Harness,
    RecordingRuntime,
    World,
    buttons,
    dm_messages,
    post_problem,
    snowflake_ago,
)
from tests.helpers import on_the_next_day

EPHEMERAL = 64


def public(world: World) -> list[dict]:
    """What everyone sees of the bot in #general (not answers only the clicker sees)."""
    return [
        m for m in world.api.messages_in(world.general) if not int(m.get("flags") or 0) & EPHEMERAL
    ]


async def quiet_reply_opened(world: World, runtime: RecordingRuntime):
    """Carol's problem, nudged by a quiet reply (her DMs are closed), and her choices
    opened from it: (the quiet reply, the ephemeral message with her choices)."""
    await post_problem(world, runtime, world.carol, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [quiet] = public(world)
    assert quiet["content"].startswith("carol, a gentle reminder")
    opened = await world.api.wait_for_callback(
        await world.api.click_button(quiet, world.carol, label="Show my choices")
    )
    return quiet, opened.message


async def test_quiet_reply_names_nobody_once_its_author_said_not_a_problem(world, harness):
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    quiet, choices = await quiet_reply_opened(world, runtime)

    await world.api.click_button(choices, world.carol, label="Not a problem")
    await runtime.wait_for(MessageRelabelled)
    await world.api.wait_for(f"DELETE /channels/{world.general.id}/messages/{quiet['id']}")

    assert public(world) == []  # the reminder was wrong: nothing of it stays in public


def snooze_due(harness: Harness) -> datetime:
    assert harness.app is not None
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "snooze")).all()
        return timer.due.replace(tzinfo=UTC)


def snooze_ends(harness: Harness) -> None:
    """The snooze's hour has passed (its timer is due now)."""
    assert harness.app is not None
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "snooze")).all()
        timer.due = now_utc() - timedelta(seconds=1)
        session.add(timer)
        session.commit()


async def test_quiet_reply_a_snooze_adds_no_public_message_nor_names_its_author(world, harness):
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    quiet, choices = await quiet_reply_opened(world, runtime)
    # Seen, it names her no more: that edit follows her choices, on a busy machine later.
    await world.api.wait_for(f"PATCH /channels/{world.general.id}/messages/{quiet['id']}")

    snooze = await world.api.click_button(choices, world.carol, label="Snooze 1 hour")
    await runtime.wait_for(NudgeSnoozed)
    answer = await world.api.wait_for_followup(snooze)
    # Said once, and true: no reminder is promised that her closed DMs would not let in.
    # When it ends, on her own clock (Discord's timestamp markup).
    # The day too (":f") when the hour ends after midnight (UTC, the table's zone).
    back = snooze_due(harness)
    shape = "f" if on_the_next_day(back, timedelta(hours=1)) else "t"
    assert answer["content"] == (
        f"Snoozed until <t:{int(back.timestamp())}:{shape}>. Your direct messages are "
        "closed, though, so I cannot remind you then. The button under my reply beside your "
        "problem stays, for when you are ready."
    )
    assert int(answer["flags"]) & EPHEMERAL
    assert len(world.api.followups_for(snooze)) == 1
    snooze_ends(harness)
    assert await runtime.tick() == 1  # the reminder, delivered (or not) within the tick

    [still] = public(world)  # the same quiet reply, and no second one
    assert still["id"] == quiet["id"]
    assert "carol" not in still["content"]
    assert [label for label, _ in buttons(still)] == ["Show my choices"]  # for when she is ready


async def test_a_dm_nudge_points_to_its_buttons_not_to_commands(world, harness):
    """Discord's commands work only in a server's channels (guild_only), so a nudge by DM
    must not send its reader to type one there."""
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    *words, link = dm["content"].splitlines()
    assert link.startswith("https://discord.com/channels/")
    assert "/" not in "\n".join(words)
    assert "Snooze 1 hour" in [label for label, _ in buttons(dm)]


def bot_public(world: World) -> list[dict]:
    return [m for m in public(world) if m["author"].get("bot")]


async def quiet_reply(world: World, runtime: RecordingRuntime, **problem) -> dict:
    """Carol's problem, nudged by a quiet reply (her DMs are closed): the quiet reply."""
    await runtime.tick_until_sent()
    [quiet] = bot_public(world)
    assert quiet["content"].startswith("carol, a gentle reminder")
    return quiet


async def quiet_reply_deleted(world: World, quiet: dict) -> None:
    await world.api.wait_for(f"DELETE /channels/{world.general.id}/messages/{quiet['id']}")
    assert bot_public(world) == []


async def test_quiet_reply_goes_when_its_author_deletes_her_problem(world, harness):
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.carol, "#problem the printer is jammed")
    quiet = await quiet_reply(world, runtime)

    await world.api.message_delete(problem)
    await runtime.wait_for(MessageDeleted)
    await quiet_reply_deleted(world, quiet)


async def test_quiet_reply_goes_when_she_answers_in_her_problems_thread(world, harness):
    world.api.close_dms(world.carol)
    problem_id = snowflake_ago(5)
    # The thread Discord opens on her problem message has the message's id.
    thread = world.guild.add_thread(world.general, "printer", owner=world.carol,
                                    thread_id=problem_id)  # fmt: skip
    runtime = await harness.start()
    posted = await world.api.message_create(
        world.guild, world.general, world.carol, "#problem the printer is jammed",
        message_id=problem_id,
    )  # fmt: skip
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
    quiet = await quiet_reply(world, runtime)

    answer = await world.api.message_create(
        world.guild, world.general, world.carol, "#proposal I will call the repair service",
        thread=thread,
    )  # fmt: skip
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == answer["id"])
    await quiet_reply_deleted(world, quiet)


async def test_quiet_reply_goes_after_a_restart_when_she_types_not_a_problem(world, harness):
    """Where the quiet reply is is stored: another process (here, after a restart) clears
    it too, whatever settles its problem (a typed command, not its buttons)."""
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await post_problem(world, runtime, world.carol, "#problem the printer is jammed")
    quiet = await quiet_reply(world, runtime)

    runtime = await harness.restart()
    ix = await world.api.slash_command(world.guild, world.general, world.carol, "not-a-problem")
    await world.api.wait_for_callback(ix)
    await runtime.wait_for(CommandInvoked)
    await quiet_reply_deleted(world, quiet)


async def test_quiet_reply_goes_when_the_sweep_lets_its_problem_lapse(world, harness):
    """Unanswered past the retention period: the problem is let go ("expired"), and the
    public reminder naming its author goes with it (its button would only say "settled")."""
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await post_problem(world, runtime, world.carol, "#problem the printer is jammed")
    quiet = await quiet_reply(world, runtime)
    with Session(harness.app.database) as session:  # nudged three days ago
        [watch] = session.exec(select(WatchRow)).all()
        watch.closed_at = now_utc() - timedelta(days=3)
        session.add(watch)
        session.commit()

    harness.app.store.sweep(now_utc(), timedelta(days=2))
    await runtime.tick()
    await quiet_reply_deleted(world, quiet)
    with Session(harness.app.database) as session:
        assert [w.status for w in session.exec(select(WatchRow))] == ["expired"]


async def test_quiet_reply_goes_when_a_lapsed_problem_is_answered_in_its_thread(world, harness):
    """A problem let go by a sweep that left its quiet reply up (before sweeps cleared
    them): a proposal in its thread still answers it, and the reply goes then."""
    world.api.close_dms(world.carol)
    problem_id = snowflake_ago(5)
    thread = world.guild.add_thread(world.general, "printer", owner=world.carol,
                                    thread_id=problem_id)  # fmt: skip
    runtime = await harness.start()
    posted = await world.api.message_create(
        world.guild, world.general, world.carol, "#problem the printer is jammed",
        message_id=problem_id,
    )  # fmt: skip
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
    quiet = await quiet_reply(world, runtime)
    with Session(harness.app.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
        watch.status, watch.text = "expired", None
        session.add(watch)
        session.commit()

    answer = await world.api.message_create(
        world.guild, world.general, world.carol, "#proposal I will call the repair service",
        thread=thread,
    )  # fmt: skip
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == answer["id"])
    await quiet_reply_deleted(world, quiet)


async def test_quiet_reply_a_shorter_snooze_says_it_is_still_snoozed_as_asked_before(
    world, harness
):
    """A shorter snooze keeps the later end, and says so: "as you asked before" explains
    a time later than asked. Closed DMs change only the promise of a reminder by DM."""
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    _, choices = await quiet_reply_opened(world, runtime)
    snooze = await world.api.click_button(choices, world.carol, label="Snooze 1 hour")
    await runtime.wait_for(NudgeSnoozed)
    await world.api.wait_for_followup(snooze)

    ix = await world.api.slash_command(
        world.guild, world.general, world.carol, "snooze", {"text": "10 minutes"}
    )
    still = await world.api.wait_for_callback(ix)
    assert still.ephemeral
    assert re.fullmatch(
        r"Still snoozed until <t:\d+:[tf]>, as you asked before\. Your direct messages are "
        r"closed, though, so I cannot remind you then\. The button under my reply beside "
        r"your problem stays, for when you are ready\.",
        still.content.splitlines()[-1],  # after the quote of her problem
    ), still.content


async def test_quiet_reply_a_snooze_into_the_quiet_hours_says_why_it_ends_later(
    world, harness, monkeypatch
):
    """Its hour ends in the table's quiet hours, so the snooze ends with them: said as
    such, though no reminder can come by DM."""
    now = datetime.now(UTC)
    quiet = f"{now + timedelta(minutes=30):%H:%M}-{now + timedelta(hours=3):%H:%M}"
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", quiet)
    monkeypatch.setenv("GROUNDRULES_TIMEZONE", "UTC")
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    _, choices = await quiet_reply_opened(world, runtime)
    snooze = await world.api.click_button(choices, world.carol, label="Snooze 1 hour")
    await runtime.wait_for(NudgeSnoozed)
    answer = await world.api.wait_for_followup(snooze)
    assert re.fullmatch(
        r"Snoozed until <t:\d+:[tf]>, when the quiet hours here end\. Your direct messages are "
        r"closed, though, so I cannot remind you then\. The button under my reply beside "
        r"your problem stays, for when you are ready\.",
        answer["content"].splitlines()[-1],
    ), answer["content"]
