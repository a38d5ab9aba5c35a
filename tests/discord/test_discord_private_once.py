"""A private message by DM goes once on Discord, though the database stopped answering
just as Discord took it: the retry finds the DM it sent (by the bot, in the DM, since its
going out was put on record, saying the same: adapters.discord.posted_once) instead of
sending it again, on SQLite and PostgreSQL. An ephemeral answer to an interaction cannot
be looked up (Discord keeps none to find)."""

from __future__ import annotations

from bot.models import now_utc
from rules.actions import Reply
from rules.events import RosterSynced
from rules.say import Say
from tests.discord.harness import (
    Harness,
    dm_messages,
    make_retries_due,
    post_problem,
    workspace,
)
from tests.standins.database_outage import DatabaseOutage

SAID = "Your concern round has closed."


def database_goes_as_it_is_recorded(harness: Harness, outage: DatabaseOutage, step: str) -> None:
    """The database stops answering the moment the bot would put on record that `step`
    went out (once)."""
    assert harness.app is not None
    store = harness.app.store
    note_sent = store.note_sent

    def failing(workspace, outbox_id, steps):
        if step in steps:
            store.note_sent = note_sent
            outage.cut(harness.app.database)
        return note_sent(workspace, outbox_id, steps)

    store.note_sent = failing


async def test_a_dm_whose_sending_was_not_recorded_is_not_sent_again(world, down):
    harness, outage = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    assert harness.app is not None
    database_goes_as_it_is_recorded(harness, outage, "dm:0")
    note = Reply(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        user=str(world.alice.id), private=True, text=Say.of(SAID),
    )  # fmt: skip
    harness.app.store.enqueue(note, now_utc())
    make_retries_due(harness)
    await runtime.tick()
    assert len(dm_messages(world.api, world.alice)) == 1  # it went out, not on record

    outage.restore()
    assert make_retries_due(harness) == 1  # offered again
    await runtime.tick()
    assert len(dm_messages(world.api, world.alice)) == 1  # found, not sent again
    assert make_retries_due(harness) == 0  # and delivered


async def test_a_nudge_whose_sending_was_not_recorded_is_not_sent_again(world, down):
    harness, outage = down
    runtime = await harness.start()
    assert harness.app is not None
    store = harness.app.store
    mark_delivered = store.mark_delivered

    def database_gone(*args, **kwargs):  # as Discord took the nudge
        store.mark_delivered = mark_delivered
        outage.cut(harness.app.database)
        return mark_delivered(*args, **kwargs)

    store.mark_delivered = database_gone
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    assert len(dm_messages(world.api, world.alice)) == 1

    outage.restore()
    assert make_retries_due(harness) == 1
    await runtime.tick()
    assert len(dm_messages(world.api, world.alice)) == 1
    assert make_retries_due(harness) == 0
