"""Several processes on one database, each remembering which members it has stored (so
that a message costs no write). What one remembers never outweighs what the database
says: a join or a roster is always written, and whatever a decision reads of a table's
members replaces the memory. On SQLite and PostgreSQL."""

from __future__ import annotations

from itertools import count

from sqlmodel import Session, select

from bot import workspaces
from bot.database import make_engine
from bot.models import MemberRow
from rules.actions import PostConcernRound
from rules.events import RosterSynced
from tests.conftest import make_app
from tests.helpers import Chat, at


def active(app) -> set[str]:
    with Session(app.database) as session:
        return set(session.exec(select(MemberRow.user).where(MemberRow.active)).all())


def asked(actions) -> set[str]:
    [post] = [a for a in actions if isinstance(a, PostConcernRound)]
    return set(post.round.participants)


def roster(chat: Chat, when: str, *members: str) -> None:
    """The adapter's roster sync, as Slack's before a concern round."""
    chat.app.service.handle(
        RosterSynced(workspace=chat.workspace, channel=chat.channel, at=at(when),
                     event_id=chat.event_id(), members=frozenset(members))
    )  # fmt: skip


def two_processes(database_url, tagged):
    first, second = make_app(database_url, tagged), make_app(database_url, tagged)
    # Each with its own event ids, as two adapters would have.
    return first, second, Chat(first), Chat(second, _ids=count(1000))


def test_shared_members_one_who_comes_back_is_written_where_they_were_known(database_url, tagged):
    first, second, here, there = two_processes(database_url, tagged)
    here.join("ann", "ben", "xavier")
    here.say("xavier", "morning all", "08:30")  # this process knows xavier
    there.leave("xavier", "09:00")  # his leaving reached the other process
    assert active(first) == {"ann", "ben"}

    here.join("xavier", when="09:10")  # and his coming back this one
    assert active(first) == {"ann", "ben", "xavier"}
    assert asked(here.command("ben", "/concerns pin the base image", "09:21")) == {
        "ann", "xavier",
    }  # fmt: skip
    first.database.dispose()
    second.database.dispose()


def test_shared_members_a_roster_writes_whom_the_process_thought_it_knew(database_url, tagged):
    first, second, here, there = two_processes(database_url, tagged)
    here.join("ann", "ben", "xavier")
    here.say("xavier", "morning all", "08:30")
    there.leave("xavier", "09:00")
    # Slack's join went astray; the roster read before the round names him.
    roster(here, "09:20", "ann", "ben", "xavier")
    assert active(first) == {"ann", "ben", "xavier"}
    assert asked(here.command("ben", "/concerns pin the base image", "09:21")) == {
        "ann", "xavier",
    }  # fmt: skip
    first.database.dispose()
    second.database.dispose()


def test_shared_members_a_workspace_forgotten_by_the_cli_fills_again(database_url, tagged):
    bot = make_app(database_url, tagged)
    chat = Chat(bot)
    chat.join("ann", "ben", "carl")
    chat.say("ann", "morning", "08:30")
    chat.say("dana", "morning", "08:31")  # heard from, not yet in any roster
    cli = make_engine(database_url)  # the operator's `groundrules workspace forget`
    workspaces.forget(cli, "W1")
    cli.dispose()

    # A roster sync (Slack's, before a round) writes everyone again.
    chat.say("ann", "hello again", "09:00")
    roster(chat, "09:20", "ann", "ben", "carl")
    assert active(bot) == {"ann", "ben", "carl"}
    assert asked(chat.command("ben", "/concerns pin the base image", "09:21")) == {"ann", "carl"}

    # Without one, what the round read of the table tells the process to write again
    # whom it had remembered: the next time they are heard from.
    chat.say("dana", "I am still here", "09:30")
    assert "dana" not in active(bot)  # remembered from before the forgetting
    chat.command("ben", "/concerns what about Fridays", "09:31")  # reads the members
    chat.say("dana", "I am still here", "09:32")
    assert "dana" in active(bot)
    bot.database.dispose()
