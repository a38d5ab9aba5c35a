"""The bot's first words at a table: who it is, what it does, how to get help and how to
turn it down. Said once, when it is let in; a table that had it a while ago hears it again
(its people may have changed), one that let it in again the same season does not.
"""

from __future__ import annotations

from datetime import timedelta

from rules.actions import Action, NoteIntroduced
from rules.events import BotJoined
from rules.say import N_, InLanguage, Lines, Say
from rules.speech import language, public
from rules.state import TableState

INTRODUCE_AGAIN_AFTER = timedelta(days=90)

INTRODUCTION = (
    N_("Hello! I am Groundrules, here to help this table keep its ground rules."),
    N_("When someone names a problem and no proposal follows, I remind them once per "
       "problem, privately where I can."),
    N_("/concerns <proposal> asks everyone for their concerns before you decide."),
    N_("/agree <what> because <why> records an agreement, with why, an owner and a review "
       "date."),
    # Ground rule 2, for a table of several organisations: nothing else says this step.
    N_("At the table for an organisation? Say which with /table join <organisation>, and "
       "what you may agree to with /mandate <what I may agree to>."),
    N_("/groundrules help lists everything I do. Fewer reminders: /nudges fewer; none: "
       "/nudges off."),
)  # fmt: skip
# In the other language, to those who would rather read it: the words decide (speech).
SPEAKS_TOO = {
    "en": N_("I speak English too: write in English and I answer in English."),
    "nl": N_("I speak Dutch too: write in Dutch and I answer in Dutch."),
}


def introduce(event: BotJoined, state: TableState) -> list[Action]:
    """Introduce the bot at the table, unless it did within INTRODUCE_AGAIN_AFTER. In the
    table's language, else in that of whoever let it in; without a table language, a
    line in the other language says that one is spoken too."""
    last = state.introduced_at
    if last is not None and event.at - last < INTRODUCE_AGAIN_AFTER:
        return []
    lang = language(state, event.lang)
    parts: list[Say | InLanguage] = [Say.of(line) for line in INTRODUCTION]
    if state.settings.language is None:
        other = "nl" if lang == "en" else "en"
        parts.append(InLanguage(Say.of(SPEAKS_TOO[other]), other))
    return [
        NoteIntroduced(workspace=event.workspace, channel=event.channel, at=event.at),
        public(event, Lines(tuple(parts)), lang),
    ]
