"""A keyword only Dutch has, typed under an English command name ("/nudges minder"), is
the member's Dutch: answered in Dutch, also when their client is in English (common in
the Netherlands and Flanders). The table's own language still wins."""

from __future__ import annotations

import pytest

from tests.helpers import Chat


def languages(actions) -> set[str]:
    return {action.lang for action in actions if getattr(action, "lang", None)}


@pytest.mark.parametrize(
    "line",
    ["/nudges minder", "/nudges uit", "/report sinds vorige week", "/agreements alle",
     "/agreements alles", "/agreements allemaal", "/snooze 1u", "/problem-window 2 uur",
     "/mandate akkoord", "/mandate navragen", "/meeting einde", "/concerns intrekken",
     "/table taal", "/review behouden 1"],
)  # fmt: skip
def test_a_dutch_keyword_under_an_english_name_is_answered_in_dutch(app, line):
    chat = Chat(app)
    chat.join("anna", "ben")
    actions = chat.command("anna", line, "09:00", lang="en")
    assert actions and languages(actions) == {"nl"}


@pytest.mark.parametrize("line", ["/nudges fewer", "/agreements all", "/snooze 1h"])
def test_an_english_keyword_keeps_the_clients_language(app, line):
    chat = Chat(app)
    chat.join("anna", "ben")
    assert languages(chat.command("anna", line, "09:00", lang="en")) == {"en"}
    assert languages(chat.command("ben", line, "09:01", lang="nl")) == {"nl"}


def test_a_dutch_keyword_gives_way_to_the_tables_language(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("ben", "/table language en", "08:59")
    assert languages(chat.command("anna", "/nudges minder", "09:00", lang="en")) == {"en"}
