"""What a process remembers of the members it has stored (so that a message costs no
write) stays bounded over months of tables coming and going (a Discord forum's every
post is a table): the tables heard from least lately are forgotten past the bound, and
a member of one forgotten is written again when next heard from, which changes nothing
the bot does. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

import bot.known_members
from bot.models import MemberRow
from rules.actions import PostConcernRound
from tests.conftest import make_app
from tests.helpers import Chat

BOUND = 40


@pytest.fixture(autouse=True)
def small_bound(monkeypatch) -> None:
    monkeypatch.setattr(bot.known_members, "HELD", BOUND)


def active_at(app, channel: str) -> set[str]:
    with Session(app.database) as session:
        rows = select(MemberRow.user).where(MemberRow.channel == channel, MemberRow.active)
        return set(session.exec(rows).all())


def test_known_members_bound_holds_over_many_tables(database_url, tagged):
    app = make_app(database_url, tagged)
    chat = Chat(app)
    for n in range(3 * BOUND):
        chat.say("ann", "morning all", f"08:{n % 60:02d}", channel=f"post-{n}",
                 message_id=f"m{n}")  # fmt: skip
    assert len(app.store._known_members) <= BOUND
    # The latest tables are those remembered: a message there costs no write.
    assert app.store.knows_member("W1", f"post-{3 * BOUND - 1}", "ann")
    assert not app.store.knows_member("W1", "post-0", "ann")
    app.database.dispose()


def test_known_members_bound_one_forgotten_is_still_at_the_table(database_url, tagged):
    app = make_app(database_url, tagged)
    chat = Chat(app)
    chat.join("ann", "ben")
    chat.say("ann", "morning all", "08:01")
    for n in range(2 * BOUND):
        chat.say("cas", "hello", "08:02", channel=f"post-{n}", message_id=f"m{n}")
    assert not app.store.knows_member("W1", "C1", "ann")  # forgotten by the bound

    chat.say("ann", "back again", "09:00")  # written again: an upsert that changes nothing
    assert app.store.knows_member("W1", "C1", "ann")
    assert active_at(app, "C1") == {"ann", "ben"}
    [post] = [a for a in chat.command("ben", "/concerns pin the base image", "09:21")
              if isinstance(a, PostConcernRound)]  # fmt: skip
    assert set(post.round.participants) == {"ann"}
    app.database.dispose()
