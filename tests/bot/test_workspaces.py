"""A workspace that removes the bot: its data is kept for a grace period, kept for good
if the bot comes back, deleted from every table otherwise; an operator can forget one
at once. Through the real runtime and storage, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from bot import dm_once, workspaces
from bot.models import OutboxRow, RemovedWorkspace, now_utc
from bot.runtime import Runtime
from rules.events import CommandInvoked, MessagePosted
from tests.conftest import make_app
from tests.helpers import Chat


def fill(app, workspace: str) -> None:
    """A little of everything a table leaves behind: members, a nudged problem and its
    correction, a concern round, an agreement, a table setting, an outbox."""
    chat = Chat(app, workspace=workspace)
    chat.join("anna", "ben", "carl")
    chat.say("ben", "#problem the lab line is slow: 40 down / 8 up", "09:00")
    chat.tick("09:30")
    chat.command("ben", "/not-a-problem", "09:31")
    chat.command("carl", "/nudges fewer", "09:32")
    chat.command("anna", "/concerns let's move the stand-up to 10:00", "09:40")
    chat.command("ben", "/concern none", "09:45")  # its round closes before it is agreed
    chat.command("carl", "/concern none", "09:46")
    chat.command("anna", "/agree stand-up at 10:00 because the early train", "09:50")
    app.store.flush()


def rows_of(app, workspace: str) -> dict[str, int]:
    """Rows per table (every table with a workspace column) that belong to `workspace`."""
    counts = {}
    with app.database.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if "workspace" in table.c:
                query = select(func.count()).where(table.c.workspace == workspace)
                if found := connection.execute(query).scalar_one():
                    counts[table.name] = found
    return counts


def message(workspace: str, at, event_id: str = "m1") -> MessagePosted:
    return MessagePosted(
        workspace=workspace, channel="C1", at=at, event_id=event_id, user="ben",
        message_id=event_id, text="good morning",
    )  # fmt: skip


def test_workspaces_forget_deletes_every_row_of_one_workspace_and_nothing_else(app):
    fill(app, "W1")
    fill(app, "W2")
    kept = rows_of(app, "W2")
    assert {"member", "problem_watch", "correction", "agreement", "concern_round",
            "table_config", "outbox"} <= set(rows_of(app, "W1"))  # fmt: skip

    deleted = app.store.forget_workspace("W1")
    assert deleted["agreement"] >= 1 and deleted["member"] == 3
    assert rows_of(app, "W1") == {}
    assert rows_of(app, "W2") == kept

    # The process forgot its members too: back again, they are noted again.
    Chat(app, workspace="W1").join("anna")
    app.store.flush()
    assert rows_of(app, "W1") == {"member": 1}


def test_workspaces_known_lists_what_the_database_holds(app):
    fill(app, "W1")
    Chat(app, workspace="W2").join("dana")
    app.store.flush()
    workspaces.mark_removed(app.database, "W2", now_utc())
    [first, second] = workspaces.known(app.database)
    assert (first.workspace, first.members, first.agreements, first.removed_at) == (
        "W1", 3, 1, None,
    )  # fmt: skip
    assert (second.workspace, second.members, second.agreements) == ("W2", 1, 0)
    assert second.removed_at is not None


async def test_workspaces_removed_keeps_the_data_through_the_grace_period_then_forgets(
    database_url, tagged
):
    app = make_app(database_url, tagged, removed_retention=timedelta(days=30))
    fill(app, "W1")
    fill(app, "W2")
    runtime = Runtime(app, [])
    await runtime.workspace_removed("W1")
    await runtime.workspace_removed("W1")  # Slack may say so twice
    with Session(app.database) as session:
        [removal] = session.exec(select(RemovedWorkspace)).scalars().all()
    assert removal.workspace == "W1"

    await runtime.forget_removed_workspaces(now_utc() + timedelta(days=29))
    assert rows_of(app, "W1") != {}
    await runtime.forget_removed_workspaces(now_utc() + timedelta(days=31))
    assert rows_of(app, "W1") == {}  # the removal itself included
    assert rows_of(app, "W2") != {}
    app.database.dispose()


async def test_workspaces_a_platform_listing_its_workspaces_settles_removals_missed(
    database_url, tagged
):
    """Discord's READY lists every server the bot is in. One of its servers with data
    here that the list leaves out removed the bot unheard: its grace period starts now.
    One listed that was marked removed before has the bot back; one removed after the
    list was made (heard live meanwhile) stays removed. Other platforms' are left alone."""
    app = make_app(database_url, tagged, removed_retention=timedelta(days=30))
    for name in ("discord:1", "discord:2", "discord:3", "discord:4", "slack:T1"):
        fill(app, name)
    runtime = Runtime(app, [])
    await runtime.workspace_removed("discord:3")
    await runtime.workspace_removed("discord:4", at=now_utc() + timedelta(minutes=1))

    await runtime.workspaces_listed("discord:", {"discord:1", "discord:3", "discord:4"})
    assert set(workspaces.removed(app.database)) == {"discord:2", "discord:4"}
    assert runtime.has_removed("discord:2") and not runtime.has_removed("discord:3")
    await runtime.forget_removed_workspaces(now_utc() + timedelta(days=29))
    assert rows_of(app, "discord:2") != {}
    await runtime.forget_removed_workspaces(now_utc() + timedelta(days=31))
    assert rows_of(app, "discord:2") == {}
    assert all(rows_of(app, name) for name in ("discord:1", "discord:3", "slack:T1"))
    app.database.dispose()


async def test_workspaces_the_ids_of_words_in_the_bots_dm_are_of_no_workspace(database_url, tagged):
    """Discord's DMs are with no server: the ids of words typed there (bot.dm_once) are
    kept beside the workspaces, not as one. READY's list does not take them for a server
    that removed the bot, and the operator's list does not show them."""
    app = make_app(database_url, tagged, removed_retention=timedelta(days=30))
    fill(app, "discord:1")
    app.store.claim_event(dm_once.dms_of("discord:"), dm_once.answer_id("7", "8"), now_utc())
    runtime = Runtime(app, [])

    await runtime.workspaces_listed("discord:", {"discord:1"})
    assert workspaces.removed(app.database) == {}
    assert [known.workspace for known in workspaces.known(app.database)] == ["discord:1"]
    app.database.dispose()


async def test_workspaces_never_heard_of_is_a_workspace_with_nothing_stored(database_url, tagged):
    """A platform's only sign of a workspace that added the bot unheard (Discord's READY):
    one with a member, or only its removal noted, is known; another one is not, nor one
    whose name merely starts alike."""
    app = make_app(database_url, tagged)
    Chat(app, workspace="discord:1").join("dana")
    app.store.flush()
    workspaces.mark_removed(app.database, "discord:2", now_utc())
    runtime = Runtime(app, [])
    assert not await runtime.never_heard_of("discord:1")
    assert not await runtime.never_heard_of("discord:2")
    assert await runtime.never_heard_of("discord:3")
    assert await runtime.never_heard_of("discord:")
    app.database.dispose()


async def test_workspaces_the_bot_coming_back_keeps_the_data(database_url, tagged):
    app = make_app(database_url, tagged, removed_retention=timedelta(days=30))
    fill(app, "W1")
    runtime = Runtime(app, [])
    await runtime.workspace_removed("W1")
    removed_at = workspaces.removed(app.database)["W1"]

    # A retry of a message sent before the removal does not count as coming back.
    await runtime.submit(message("W1", removed_at - timedelta(minutes=1), "late"))
    assert "W1" in workspaces.removed(app.database)

    await runtime.submit(message("W1", removed_at + timedelta(days=2)))
    assert workspaces.removed(app.database) == {}
    await runtime.forget_removed_workspaces(now_utc() + timedelta(days=31))
    assert rows_of(app, "W1")["agreement"] == 1
    app.database.dispose()


async def test_workspaces_every_tick_reads_the_removals_other_processes_heard_of(
    database_url, tagged
):
    """One process heard of the removal, another hears the bot is back: every tick reads
    the removals again, so the second knows to cancel it."""
    first, second = make_app(database_url, tagged), make_app(database_url, tagged)
    fill(first, "W1")
    listening = Runtime(second, [])
    await Runtime(first, []).workspace_removed("W1")
    await listening.tick()
    removed_at = workspaces.removed(first.database)["W1"]
    await listening.submit(message("W1", removed_at + timedelta(hours=1)))
    assert workspaces.removed(first.database) == {}
    first.database.dispose()
    second.database.dispose()


class Recording:
    """A platform that records what it is asked to deliver."""

    name, prefix = "test", "W"

    def __init__(self) -> None:
        self.delivered: list = []

    async def deliver(self, action):
        self.delivered.append(action)
        return None


async def test_workspaces_nothing_is_sent_to_a_workspace_that_removed_the_bot(database_url, tagged):
    app = make_app(database_url, tagged, problem_window=timedelta(minutes=10))
    platform = Recording()
    runtime = Runtime(app, [platform])
    asked = MessagePosted(
        workspace="W1", channel="C1", at=now_utc() - timedelta(minutes=11), event_id="p1",
        user="ben", message_id="p1", text="#problem the VPN is down",
    )  # fmt: skip
    await runtime.submit(asked)
    await runtime.workspace_removed("W1")
    await runtime.tick()  # the nudge is due, but the bot is gone
    assert platform.delivered == []
    with Session(app.database) as session:
        [row] = session.exec(select(OutboxRow)).scalars().all()
    assert row.delivered_at is not None and row.last_error == "the workspace removed the bot"
    assert await runtime.tick() == 0  # not tried again
    app.database.dispose()


async def test_workspaces_back_through_another_process_what_is_due_there_goes_out(
    database_url, tagged
):
    """The removal reached this process, the re-install another (its OAuth redirect): the
    next tick here reads the removals before it delivers, so the nudge due now is sent,
    not set aside for a removal that is over."""
    here = make_app(database_url, tagged, problem_window=timedelta(minutes=10))
    there = make_app(database_url, tagged)
    platform = Recording()
    runtime = Runtime(here, [platform])
    asked = MessagePosted(
        workspace="W1", channel="C1", at=now_utc() - timedelta(minutes=11), event_id="p1",
        user="ben", message_id="p1", text="#problem the VPN is down",
    )  # fmt: skip
    await runtime.submit(asked)
    await runtime.workspace_removed("W1")
    await Runtime(there, []).workspace_returned("W1")

    await runtime.tick()
    assert [type(action).__name__ for action in platform.delivered] == ["SendNudge"]
    with Session(here.database) as session:
        [row] = session.exec(select(OutboxRow)).scalars().all()
    assert row.last_error is None
    here.database.dispose()
    there.database.dispose()


async def test_workspaces_an_answer_is_not_set_aside_for_a_removal_that_is_over(
    database_url, tagged
):
    """Between two ticks, this process still believes the bot removed; before it sets an
    answer aside, it asks the database, where another process wrote that it is back."""
    here, there = make_app(database_url, tagged), make_app(database_url, tagged)
    platform = Recording()
    runtime = Runtime(here, [platform])
    await runtime.workspace_removed("W1")
    removed_at = workspaces.removed(here.database)["W1"]
    await Runtime(there, []).workspace_returned("W1")

    # A platform's retry of a command typed just before the removal.
    await runtime.submit(
        CommandInvoked(workspace="W1", channel="C1", at=removed_at - timedelta(seconds=1),
                       event_id="c1", user="ben", name="groundrules", args="")
    )  # fmt: skip
    assert [type(action).__name__ for action in platform.delivered] == ["Reply"]
    assert workspaces.removed(here.database) == {}
    here.database.dispose()
    there.database.dispose()
