"""An agreement's announcement goes out once on Discord, though the database stopped
answering just as Discord took it, or Discord's answer was lost: the retry finds the
message it posted (by the bot, in its channel, since its going out was put on record,
saying the same) instead of posting it again (bot.sent_steps), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from bot.models import now_utc
from rules.actions import AgreementView, AnnounceAgreement
from rules.events import RosterSynced
from tests.discord.harness import Harness, World, make_retries_due, workspace
from tests.standins.database_outage import DatabaseOutage

AGREED = "We lunch at noon on Fridays"
UNAVAILABLE = {"status": 503, "code": 0, "message": "Service Unavailable"}


def announcement(world: World, text: str = AGREED) -> AnnounceAgreement:
    alice = str(world.alice.id)
    agreement = AgreementView(
        number=1, text=text, why="we meet anyway", owner=alice, recorded_by=alice,
        consenters=(alice,), concerns=(), review_on=date(2030, 1, 1), version=1,
        replaces=None, status="current",
    )  # fmt: skip
    return AnnounceAgreement(workspace=workspace(world.guild), channel=str(world.general.id),
                             lang="en", agreement=agreement)  # fmt: skip


def announced(world: World, text: str = AGREED) -> list[dict]:
    return [m for m in world.api.messages_in(world.general) if text in str(m)]


def database_goes_as_it_is_recorded(harness: Harness, outage: DatabaseOutage) -> None:
    """The database stops answering the moment the bot would put on record that the
    announcement went out (once)."""
    store = harness.app.store
    note_sent = store.note_sent

    def failing(workspace, outbox_id, steps):
        if "post:0" in steps:
            store.note_sent = note_sent
            outage.cut(harness.app.database)
        return note_sent(workspace, outbox_id, steps)

    store.note_sent = failing


async def retried(harness: Harness) -> None:
    """A tick once the try before is over (its lease run out, its back-off)."""
    make_retries_due(harness)
    await harness.runtime.tick()


async def test_an_announcement_whose_posting_was_not_recorded_is_not_posted_again(world, down):
    harness, outage = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    database_goes_as_it_is_recorded(harness, outage)
    harness.app.store.enqueue(announcement(world), now_utc())
    make_retries_due(harness)
    await runtime.tick()
    assert len(announced(world)) == 1  # it went out; that it did is not on record

    outage.restore()
    assert make_retries_due(harness) == 1  # offered again
    await runtime.tick()
    assert len(announced(world)) == 1  # found, not posted again
    assert make_retries_due(harness) == 0  # and delivered


async def test_an_announcement_whose_answer_was_lost_is_not_posted_again(world, down):
    harness, _ = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", after=True, **UNAVAILABLE)
    harness.app.store.enqueue(announcement(world), now_utc())
    await retried(harness)
    assert len(announced(world)) == 1  # Discord posted it; the bot never heard so

    await retried(harness)
    assert len(announced(world)) == 1
    assert make_retries_due(harness) == 0


async def test_an_announcement_that_never_went_out_is_posted_on_the_retry(world, down):
    harness, _ = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", **UNAVAILABLE)
    harness.app.store.enqueue(announcement(world), now_utc())
    await retried(harness)
    assert announced(world) == []

    await retried(harness)
    assert len(announced(world)) == 1
    assert make_retries_due(harness) == 0


@pytest.mark.parametrize("minutes_later", [False, True])
async def test_an_announcement_is_posted_again_where_the_bot_may_not_read_history(
    world, down, minutes_later
):
    """Read Message History denied in its channel: within a few minutes the nonce the
    post carries has Discord hand back the message it made; later a second post rather
    than none."""
    harness, _ = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    messages = f"/channels/{world.general.id}/messages"
    world.api.fail_next(f"POST {messages}", after=True, **UNAVAILABLE)
    world.api.fail_next(f"GET {messages}", status=403, code=50001, message="Missing Access")
    harness.app.store.enqueue(announcement(world), now_utc())
    await retried(harness)
    if minutes_later:
        world.api.forget_nonces()
    await retried(harness)
    assert len(announced(world)) == (2 if minutes_later else 1)
    assert make_retries_due(harness) == 0
