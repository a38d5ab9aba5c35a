"""A member a command names by a typed "@name" rather than the platform's mention.

Slack and Discord send a member picked from the list as a mention with their id; a
name typed in full stays "@bob", which the grammar reads as a member reference (the
console's user ids are names). The owner of /agree and of /review revise and the member
of /role assign, typed so, are looked up by each adapter among the people at the table,
and the text then carries their mention. A name that fits nobody, or several people, is
not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rules.agreements import ROLE_OWNER, reason_param
from rules.folding import fold
from rules.grammar import (
    Agree,
    AssignRole,
    CommandSpec,
    Parsed,
    ReviewAgreement,
    UnassignRole,
    UsageError,
    parse_command,
    reached_command,
)
from rules.say import N_, Quote, Say

UNKNOWN = N_(
    "I do not know who “{name}” is here, so nothing was recorded. Pick the person from the "
    "list that opens as you type @, or name a role: owner role <name>."
)
SEVERAL = N_(
    "Several people here are called “{name}”, so nothing was recorded. Pick the one you mean "
    "from the list that opens as you type @."
)
# The agreement form has no list to pick from: the command has, and the words typed in
# the form come back so that nothing is lost.
SEVERAL_IN_FORM = N_(
    "Several people here are called “{name}”, so nothing was recorded. To make one of them "
    "the owner, use /agree … owner @ and pick them from the list that opens as you type @. "
    "What you wrote, to use again: {text} {reason}"
)
# Where no list opens as one types @ (the console), each of them by the mention that
# names them alone.
SEVERAL_BY_MENTION = N_(
    "Several people here are called “{name}”, so nothing was recorded. Name the one you "
    "mean by their mention: {mentions}."
)
# What comes before the member: "owner @bob", "eigenaar: @bob"; "assign nightlead @bob".
_OWNER = r"((?:owner|eigenaar)\s*:?\s+)"
_BEFORE = {"agree": _OWNER, "review": _OWNER, "role": r"(\s)"}


@dataclass(frozen=True, slots=True)
class TypedName:
    """The name as typed (without its @), and where in the text it stands."""

    name: str
    _typed: re.Pattern[str]
    _reads: Callable[[str], str | None]  # the member a text names, as the grammar reads it

    def mentioning(self, text: str, user: str) -> str:
        """`text` with the member's mention where their name was typed: in the clause
        that names them ("owner @bob"), not in a reason that says it too."""
        for found in reversed(list(self._typed.finditer(text))):
            mentioned = f"{text[: found.start()]}{found[1]}<@{user}>{text[found.end() :]}"
            if self._reads(mentioned) == user:
                return mentioned
        return text

    def not_found(self, people: int) -> Say:
        """What the author hears when the name fits nobody (0) or several people."""
        return Say.of(UNKNOWN if people == 0 else SEVERAL, name=Quote("@" + self.name))


def several_by_mention(name: str, people: list[str]) -> Say:
    """What the author hears where a typed name fits several people and no list lets them
    pick one: the mention of each ("<@Jan>, <@jan>"), which names one whatever its case."""
    mentions = ", ".join(f"<@{person}>" for person in sorted(people))
    return Say.of(SEVERAL_BY_MENTION, name=Quote("@" + name), mentions=Quote(mentions))


def several_in_form(name: str, text: str, why: str) -> Say:
    """What the author of an agreement form hears when its owner's name fits several
    people: nothing is guessed, and what they wrote comes back."""
    text, why = " ".join(text.split()), " ".join(why.split())
    return Say.of(SEVERAL_IN_FORM, name=Quote(name), text=Quote(text), reason=reason_param(why))


def typed_name(
    command: str, text: str, *, today: date, lang: str | None = None
) -> TypedName | None:
    """The member `command` (as typed: "agree", "afspraak", "review", "role", or
    "groundrules" with "agree …") names by "@name" in `text`; None when it names none
    so, or by mention, or a role. `lang`: the language the command was typed in, when
    its name does not show it."""
    reached = reached_command(command, text)
    if reached is None or reached[0].name not in _BEFORE:
        return None
    spec, lang = reached[0], reached[1] or lang

    def reads(text: str) -> str | None:
        found = reached_command(command, text)
        parsed = _parse(spec, found[2] if found else text, today, lang)
        if isinstance(parsed, Agree | ReviewAgreement):
            return parsed.owner
        return parsed.user if isinstance(parsed, AssignRole | UnassignRole) else None

    named = reads(text)
    if named is None:
        return None
    typed = re.compile(
        _BEFORE[spec.name] + "@" + re.escape(named) + r"(?=[.,;!]*(?:\s|$))", re.IGNORECASE
    )
    return TypedName(named, typed, reads) if typed.search(text) else None


def _parse(spec: CommandSpec, args: str, today: date, lang: str | None) -> Parsed | UsageError:
    """The command as read on `today` (the UTC day), else on the day before or after: a
    review date the UTC day refuses may be fine on the table's day, which the engine
    reads it on, and the owner it names is then the same."""
    parsed = parse_command(spec, args, today=today, lang=lang)
    for day in (today - timedelta(days=1), today + timedelta(days=1)):
        if not isinstance(parsed, UsageError):
            break
        parsed = parse_command(spec, args, today=day, lang=lang)
    return parsed


def named_nobody(parsed: object) -> Say | None:
    """What to tell the author of a typed command whose owner is still a full name typed
    with @ ("owner @jan de Vries"): the adapter found nobody by it (the console looks
    nobody up), and recording it would leave an agreement that no member owns."""
    if not isinstance(parsed, Agree | ReviewAgreement) or parsed.owner is None:
        return None
    if isinstance(parsed, Agree) and parsed.owner_as_written:
        return None  # a form's "a person or a role", as written
    if " " not in parsed.owner or parsed.owner.startswith(ROLE_OWNER):
        return None
    return Say.of(UNKNOWN, name=Quote("@" + parsed.owner))


def called(name: str, names: set[str | None]) -> bool:
    """Whether someone known by `names` (display, full or user name) is called `name`."""
    return fold(name) in {fold(n) for n in names if n}
