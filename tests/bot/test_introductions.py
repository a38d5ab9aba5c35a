"""The bot's introduction through the real service and storage: once per table, again
only after a season without one; in the table's language when it chose one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.presenting import plain
from rules.events import BotJoined
from rules.introductions import INTRODUCE_AGAIN_AFTER
from tests.conftest import make_app
from tests.helpers import DAY, Chat, TaggedClassifier
from tests.migrating import columns, goes_up_and_down


def joined(chat: Chat, after: timedelta, lang: str | None = None) -> list[str]:
    event = BotJoined(
        workspace=chat.workspace, channel=chat.channel, at=DAY + after,
        event_id=f"joined:{chat.channel}:{chat.event_id()}", lang=lang,
    )  # fmt: skip
    actions = chat._deliver(chat.app.service.handle(event))
    assert all(not action.private and action.user is None for action in actions)  # public
    return [plain(action) for action in actions]


def test_introductions_once_then_again_only_after_a_season(app):
    chat = Chat(app)
    [hello] = joined(chat, timedelta(0))
    assert hello.startswith("Hello! I am Groundrules")
    assert joined(chat, timedelta(days=1)) == []  # invited back the next day
    assert joined(chat, INTRODUCE_AGAIN_AFTER - timedelta(days=1), "nl") == []
    [again] = joined(chat, INTRODUCE_AGAIN_AFTER + timedelta(days=1), "nl")
    assert again.startswith("Hoi! Ik ben Groundrules")
    # What it promises is what it does: one reminder per problem, private where it can be
    # (on Discord, closed DMs leave a quiet reply beside the problem).
    assert hello.splitlines()[1] == (
        "When someone names a problem and no proposal follows, I remind them once per "
        "problem, privately where I can."
    )
    assert again.splitlines()[1] == (
        "Noemt iemand een probleem en volgt er geen voorstel, dan geef ik diegene één seintje "
        "per probleem, privé waar dat kan."
    )
    assert again.endswith("I speak English too: write in English and I answer in English.")
    # Another table of the same workspace has not heard it.
    assert len(joined(Chat(app, channel="C2"), timedelta(days=2))) == 1


def test_introductions_in_the_tables_chosen_language_alone(database_url):
    app = make_app(database_url, TaggedClassifier())
    try:
        chat = Chat(app)
        chat.command("anna", "/table language nl", "09:00")
        [hello] = joined(chat, timedelta(hours=10), "en")
        assert hello.startswith("Hoi! Ik ben Groundrules")
        assert "English" not in hello
    finally:
        app.database.dispose()


@pytest.mark.empty_database
def test_migration_0021_adds_when_a_table_was_introduced_and_goes_down(database_url):
    goes_up_and_down(
        database_url, "0020", lambda engine: "introduced_at" in columns(engine, "table_config")
    )
