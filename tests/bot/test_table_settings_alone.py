"""/table timezone and /table language typed alone show what the table uses, privately,
and how to change it (as /table quiet-hours alone does); a language the bot does not
speak is told which it does. Through the real service and storage."""

from __future__ import annotations

import pytest

from bot.presenting import plain
from rules.actions import Reply
from tests.conftest import bot_on
from tests.helpers import Chat


@pytest.fixture
def chat(database_url, tagged):
    with bot_on(database_url, tagged, timezone="Europe/Amsterdam") as app:
        yield Chat(app)


def answered(chat: Chat, *lines: str) -> tuple[bool, str]:
    """The one reply to the last of `lines`: (private, text)."""
    for minute, line in enumerate(lines):
        actions = chat.command("anna", line, f"10:{minute:02d}")
    replies = [action for action in actions if isinstance(action, Reply)]
    [reply] = replies
    return reply.private, plain(reply)


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        (["/table timezone"],
         "Time zone: Europe/Amsterdam: “tomorrow” and review dates are days there, and "
         "reviews come at 9:00 there.\nTo change it, name a zone as the time zone database "
         "does: /table timezone Europe/Amsterdam."),
        (["/table timezone Asia/Tokyo", "/table timezone"],
         "Time zone: Asia/Tokyo: “tomorrow” and review dates are days there, and reviews "
         "come at 9:00 there.\nTo change it, name a zone as the time zone database does: "
         "/table timezone Europe/Amsterdam."),
        (["/tafel tijdzone"],
         "Tijdzone: Europe/Amsterdam: “morgen” en herzieningsdata zijn dagen daar, en "
         "herzieningen komen daar om 9:00.\nWijzigen kan door een zone te noemen zoals de "
         "tijdzonedatabase dat doet: /tafel tijdzone Europe/Amsterdam."),
        (["/table language"],
         "Language: I answer in the language you write.\nTo choose one for everyone here: "
         "/table language en or /table language nl."),
        (["/table language english", "/table language"],
         "Language: English.\nTo choose one for everyone here: /table language en or "
         "/table language nl."),
        (["/tafel taal"],
         "Taal: ik antwoord in de taal waarin je schrijft.\nEen taal kiezen voor iedereen "
         "hier: /tafel taal nl of /tafel taal en."),
    ],
)  # fmt: skip
def test_a_setting_typed_alone_shows_it_privately_and_how_to_change_it(chat, lines, shown):
    private, text = answered(chat, *lines)
    assert private
    assert text == shown


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/table language de", "I speak English and Dutch: /table language en or "
                               "/table language nl."),
        ("/tafel taal duits", "Ik spreek Nederlands en Engels: /tafel taal nl of /tafel taal en."),
    ],
)  # fmt: skip
def test_a_language_the_bot_does_not_speak_is_told_which_it_does(chat, line, said):
    private, text = answered(chat, line)
    assert private
    assert text.splitlines()[0] == said


def test_dutch_chooses_dutch_as_nederlands_does(chat):
    private, text = answered(chat, "/table language dutch")
    assert not private  # the whole table's choice, announced
    assert text == "Vanaf nu spreek ik Nederlands aan deze tafel."
