"""A channel that gets a new id for good (Slack, when a private channel is shared with
another organisation) keeps its table: everything stored under the old id moves, in one
transaction, timers and messages waiting to go out included. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from bot import codec, homes
from bot.models import MemberRow, OutboxRow, TimerRow
from bot.presenting import plain
from rules.actions import PostConcernRound, PostRoundSummary, Reply, SendNudge
from rules.events import ChannelIdChanged, CommandInvoked
from tests.helpers import Chat, at

OLD, NEW = "G-OPS", "C-OPS"


def rows_under(app, channel: str) -> dict[str, int]:
    """Rows per table (every table with a channel column) under `channel`."""
    counts = {}
    with app.database.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if "channel" in table.c:
                query = select(func.count()).where(table.c.channel == channel)
                if found := connection.execute(query).scalar_one():
                    counts[table.name] = found
    return counts


def moved(chat: Chat, when: str, event_id: str = "moved") -> list:
    """The platform says the table's channel has the id NEW from now on."""
    event = ChannelIdChanged(
        workspace=chat.workspace, channel=NEW, at=at(when), event_id=event_id, old_channel=OLD
    )
    deliveries = chat.app.service.handle(event)
    chat.channel = NEW
    return deliveries


def a_table(app) -> Chat:
    """A private table with a bit of everything: members with their organisation and
    mandate, an agreement (and its review), a round with its timers, a problem waiting
    for a proposal, a table setting."""
    chat = Chat(app, channel=OLD)
    chat.join("anna", "ben", "carl")
    chat.command("anna", "/table join Webshop BV", "09:00")
    chat.command("ben", "/mandate may agree to pickup times", "09:01")
    chat.command("carl", "/table language en", "09:02")
    chat.command("anna", "/agree pickups at 16:00 because the courier asked", "09:03")
    chat.command("anna", "/concerns move the stand-up to 10:00", "09:04")
    chat.say("ben", "#problem the courier is late again", "09:05")
    chat.say("carl", "#problem the label printer jams", "09:06")
    app.store.flush()
    return chat


def test_moved_table_keeps_everything_under_its_new_id(app):
    chat = a_table(app)
    before = rows_under(app, OLD)
    assert {"member", "agreement", "concern_round", "problem_watch", "timer", "mandate",
            "table_config", "outbox"} <= set(before)  # fmt: skip

    assert moved(chat, "09:07") == []
    assert rows_under(app, OLD) == {}
    assert rows_under(app, NEW) == before

    [listing] = chat.command("carl", "/agreements", "09:08")
    assert "pickups at 16:00" in plain(listing)
    [table] = chat.command("carl", "/table", "09:09")
    assert "Webshop BV" in plain(table)
    assert "not given yet" not in plain(table).split("anna")[1].split("\n")[0]

    # The round goes on at its new id: the last answer closes it there.
    [round_id] = [a.round.round_id for a in chat.of_type(PostConcernRound)]
    for user in ("ben", "carl"):
        chat.answer(user, round_id, None, "09:10")
    [summary] = chat.of_type(PostRoundSummary)
    assert (summary.channel, summary.outcome) == (NEW, "answered")

    # A proposal at the new id answers the problem from before: its timer is moved (to
    # when its answer stands for good) by the key the engine computes there, not added.
    # The other problem's nudge comes at the new id.
    chat.say("anna", "#proposal I will call the courier at 8", "09:11", thread="09:05")
    assert pending_problem_timers(app) == ["problem:C-OPS:09:05", "problem:C-OPS:09:06"]
    chat.tick("09:30")
    nudges = chat.of_type(SendNudge)
    assert [(n.channel, n.user) for n in nudges] == [(NEW, "carl")]


def pending_problem_timers(app) -> list[str]:
    with Session(app.database) as session:
        keys = session.exec(select(TimerRow.key).where(TimerRow.fired_at.is_(None))).all()
    return sorted(key for (key,) in keys if key.startswith("problem"))


def test_moved_table_messages_waiting_to_go_out_go_to_the_new_id(app):
    chat = Chat(app, channel=OLD)
    chat.join("anna", "ben")
    event_at = at("09:00")
    waiting = app.service.handle(
        CommandInvoked(workspace="W1", channel=OLD, at=event_at, event_id="c1", user="anna",
                       name="groundrules", args="")
    )  # fmt: skip
    assert [type(d.action) for d in waiting] == [Reply]  # not delivered: a platform outage

    moved(chat, "09:01")
    [again] = app.store.claim_undelivered(event_at + timedelta(minutes=5))
    assert (again.action.channel, again.outbox_id) == (NEW, waiting[0].outbox_id)
    with Session(app.database) as session:
        row = session.get(OutboxRow, again.outbox_id)
    assert row.channel == NEW and codec.loads(row.payload).channel == NEW


def test_moved_table_told_twice_or_late_moves_once_and_keeps_what_it_had(app):
    chat = a_table(app)
    # A member heard under the new id a moment before the move: the table's own row, with
    # their organisation, is the one kept.
    newcomer = Chat(app, channel=NEW)
    newcomer.join("anna", "dora")
    app.store.flush()

    moved(chat, "09:07")
    moved(chat, "09:07")  # a retry: the same event
    moved(chat, "09:08", event_id="again")  # told again: nothing left to move
    assert rows_under(app, OLD) == {}
    with Session(app.database) as session:
        members = {
            m.user: m.organisation
            for m in session.exec(select(MemberRow).where(MemberRow.channel == NEW)).scalars()
        }
    assert members == {"anna": "Webshop BV", "ben": None, "carl": None, "dora": None}
    [listing] = chat.command("carl", "/agreements", "09:09")
    assert plain(listing).count("pickups at 16:00") == 1


def test_moved_table_keeps_its_home_when_another_workspace_heard_the_new_id_first(app):
    """A shared channel: the partner's installation heard the new id before the move was
    handled, and settled the new id as its own. The table's home wins; the move is not
    refused for the home's one row per channel."""
    chat = a_table(app)
    homes.settle(app.database, OLD, chat.workspace, at("09:00"))
    homes.settle(app.database, NEW, "T-PARTNER", at("09:06"))

    moved(chat, "09:07")
    assert rows_under(app, OLD) == {}
    assert homes.home_of(app.database, NEW) == chat.workspace
    [listing] = chat.command("carl", "/agreements", "09:08")
    assert "pickups at 16:00" in plain(listing)
