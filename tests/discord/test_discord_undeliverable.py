"""A private message Discord will never let the bot give a member (gone from Discord,
DMs closed with no place beside their problem) is set aside at once, with why, and not
tried again; one refused for a moment is."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.metrics import REGISTRY
from bot.models import OutboxRow, now_utc
from rules.actions import Reply
from rules.events import RosterSynced
from rules.say import Say
from tests.discord.harness import Harness, dm_messages, make_retries_due, post_problem, workspace

OPEN_DM = "POST /users/@me/channels"


def undeliverable(kind: str, reason: str) -> float:
    labels = {"platform": "discord", "kind": kind, "reason": reason}
    return REGISTRY.get_sample_value("groundrules_actions_undeliverable_total", labels) or 0.0


def in_the_outbox(harness: Harness, kind: str) -> list[OutboxRow]:
    assert harness.app is not None
    with Session(harness.app.database) as session:
        return [r for r in session.exec(select(OutboxRow)).all() if f'"{kind}"' in r.payload]


@pytest.mark.parametrize(
    "refusal",
    [(400, 50033, "Invalid Recipients"), (404, 10013, "Unknown User")],
    ids=["invalid-recipients", "unknown-user"],
)
async def test_a_nudge_to_someone_discord_no_longer_knows_is_tried_once(
    world, harness, caplog, refusal
):
    caplog.set_level(logging.INFO)
    status, code, message = refusal
    before = undeliverable("SendNudge", str(code))
    world.api.fail_next(OPEN_DM, status=status, code=code, message=message, times=10)
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    assert len(world.api.requests_to(OPEN_DM)) == 1

    assert make_retries_due(harness) == 0  # nothing left to try
    await runtime.tick()
    assert len(world.api.requests_to(OPEN_DM)) == 1
    assert dm_messages(world.api, world.alice) == []
    assert world.api.messages_in(world.general) == []  # nothing in public either
    [nudge] = in_the_outbox(harness, "SendNudge")
    assert nudge.delivered_at is not None and str(code) in (nudge.last_error or "")
    assert undeliverable("SendNudge", str(code)) == before + 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_nudge_refused_both_ways_is_tried_once(world, harness):
    """DMs closed, and the quiet reply beside the problem refused (Send Messages taken)."""
    world.api.close_dms(world.alice)
    world.api.deny_bot(world.general)
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    tried = len(world.api.requests_to(f"POST /channels/{world.general.id}/messages"))

    assert make_retries_due(harness) == 0
    await runtime.tick()
    assert len(world.api.requests_to(f"POST /channels/{world.general.id}/messages")) == tried
    [nudge] = in_the_outbox(harness, "SendNudge")
    assert nudge.delivered_at is not None and "50013" in (nudge.last_error or "")


async def test_a_private_message_to_closed_dms_is_set_aside_as_undeliverable(world, harness):
    world.api.close_dms(world.alice)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    before = undeliverable("Reply", "50007")
    assert harness.app is not None
    note = Reply(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        user=str(world.alice.id), private=True, text=Say.of("Your round has closed."),
    )  # fmt: skip
    harness.app.store.enqueue(note, now_utc())
    make_retries_due(harness)
    await runtime.tick()

    [reply] = in_the_outbox(harness, "Reply")
    assert reply.delivered_at is not None and "closed" in (reply.last_error or "")
    assert undeliverable("Reply", "50007") == before + 1
    assert make_retries_due(harness) == 0


async def test_a_nudge_refused_for_a_moment_is_tried_again(world, harness):
    world.api.fail_next(OPEN_DM, status=503, code=0, message="Service Unavailable")
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    assert dm_messages(world.api, world.alice) == []

    assert make_retries_due(harness) == 1
    await runtime.tick()
    assert len(dm_messages(world.api, world.alice)) == 1
    assert make_retries_due(harness) == 0


async def test_a_reminder_leaves_out_a_member_discord_no_longer_knows(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "ship it"}
    )
    await world.api.wait_for_callback(ix)
    world.api.fail_next(OPEN_DM, status=404, code=10013, message="Unknown User")
    await runtime.tick_until_sent()
    opened = len(world.api.requests_to(OPEN_DM))
    reached = sum(
        len(dm_messages(world.api, m)) for m in (world.bob, world.carol, world.guild.owner)
    )
    assert reached == opened - 1  # the others are reminded

    assert make_retries_due(harness) == 0  # the one gone is not tried again
    pings = [m for m in world.api.messages_in(world.general) if "<@" in m["content"]]
    assert pings == []  # nor pinged: nobody is there to read it
