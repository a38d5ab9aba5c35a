"""A command the bot cannot read is answered privately, in the person's language, with
what it expected: a mistyped name, a mistyped sub-word, a name no command has."""

from __future__ import annotations

import pytest

from rules.actions import Reply
from tests.helpers import Chat


def private_reply(chat: Chat, user: str, line: str, when: str) -> tuple[Reply, str]:
    [reply] = chat.command(user, line, when)
    assert isinstance(reply, Reply) and reply.private and reply.user == user
    return reply, chat.texts()[-1]


@pytest.mark.parametrize(
    ("line", "lang", "said"),
    [
        # a mistyped name: the command it resembles, in that name's language
        ("/afsprak We ruimen op omdat het rommelig is", "nl",
         ["Het commando /afsprak ken ik niet. Bedoel je /afspraak?",
          "Gebruik: /afspraak <wat we afspreken> omdat <waarom>"]),
        ("/agre we merge on green because fewer broken builds", "en",
         ["I do not know the command /agre. Did you mean /agree?",
          "Usage: /agree <what we agree> because <why>"]),
        ("/herzeining behouden 3", "nl",
         ["Het commando /herzeining ken ik niet. Bedoel je /herziening?",
          "Gebruik: /herziening behouden <nr>"]),
        # through the one registered name, or a mention ("@Groundrules agre ...")
        ("/groundrules afsprak iets omdat", "nl",
         ["Het commando /afsprak ken ik niet. Bedoel je /afspraak?"]),
        ("/spelregels rollne", "nl", ["Het commando /rollne ken ik niet. Bedoel je /rollen?"]),
        # no command near it: the words typed after it tell the language
        ("/frobnicate de tafel is het niet eens", "nl",
         ["Het commando /frobnicate ken ik niet. Typ /spelregels hulp voor de commando's."]),
        ("/frobnicate the table", "en",
         ["I do not know the command /frobnicate. Type /groundrules help to see the commands."]),
        # a sub-word the grammar cannot read: that command's usage, in its language
        ("/tafel taaal nl", "nl", ["Gebruik: /tafel [over <tekst>"]),
        ("/table taaal nl", "en", ["Usage: /table [about <text>"]),
        ("/herziening bewaren 3", "nl", ["Gebruik: /herziening behouden <nr>"]),
        ("/rol weg nachtdienst", "nl", ["Gebruik: /rol toevoegen <naam> <taken>"]),
        ("/role away nights", "en", ["Usage: /role add <name> <tasks>"]),
    ],
)  # fmt: skip
def test_an_unreadable_command_is_answered_in_the_persons_language(app, line, lang, said):
    reply, text = private_reply(Chat(app), "ann", line, "09:00")
    assert reply.lang == lang
    for part in said:
        assert part in text


def test_a_table_that_chose_its_language_keeps_it_for_mistakes_too(app):
    chat = Chat(app)
    chat.command("ann", "/tafel taal nl", "09:00")
    reply, text = private_reply(chat, "ann", "/frobnicate the table", "09:01")
    assert reply.lang == "nl" and text.startswith("Het commando /frobnicate ken ik niet.")


@pytest.mark.parametrize("line", ["/groundrules what can you do", "/groundrules rules"])
def test_help_through_the_registered_name_is_still_help(app, line):
    reply, text = private_reply(Chat(app), "ann", line, "09:00")
    assert reply.lang == "en" and text.startswith("Our ground rules:")
    assert "Commands:" in text
