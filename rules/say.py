"""Translatable text the engine asks adapters to show, kept as data until rendered.

The engine never formats strings: it names a message (an English gettext msgid) and
its parameters. Parameters that need care stay typed: a `Member` is shown by name and
never pings; a `Quote` is someone's own words and is escaped by each platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rules.local_time import local_day


def N_(msgid: str) -> str:
    """Mark a msgid for extraction without translating it yet."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural msgid pair for extraction."""
    return singular, plural


# Who a person forgotten at their request (`groundrules person forget`) is wherever the
# table's record keeps their part (consent, ownership, who recorded or decided): not an
# id, shown in the reader's language.
FORMER_MEMBER = N_("a former member")


@dataclass(frozen=True, slots=True)
class Member:
    user: str


@dataclass(frozen=True, slots=True)
class Members:
    users: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Listed:
    """Several parameters written as one list, each as it would be alone: "anna
    (Gemeente), bram (Mitros, mandate pending) and carla"."""

    items: tuple[object, ...]


# Someone's words are quoted back at most this long: a 100 kB paste is not a message
# to echo, and every platform has a limit of its own well above this.
QUOTE_LIMIT = 1500


def excerpt(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The start of a long text, marked as cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Quote:
    text: str


@dataclass(frozen=True, slots=True)
class CommandName:
    """A slash command named by its own name, written as the platform reaches it (a Slack
    app without that name: /groundrules <name>)."""

    name: str


@dataclass(frozen=True, slots=True)
class Day:
    """A day as the reader's language writes it: "long" (8 December 2026), "full" with its
    weekday (Tuesday, 8 December 2026), "weekday" alone (Tuesday), "month" alone
    (December), "day-month" without its year (8 December), or "weekday-long" (Tuesday 8
    December 2026)."""

    value: date
    style: str = "long"


@dataclass(frozen=True, slots=True)
class Moment:
    """A moment (aware, UTC) named to people who may live in another zone than the
    table's: Slack and Discord show it on each reader's own clock (their time markup);
    elsewhere it is the clock where the table sits, `zone`, named ("17:11
    (Europe/Amsterdam)"). `said_at`: when it is named, so that a moment on another day
    says which ("tomorrow at 08:00")."""

    at: datetime
    zone: str
    said_at: datetime

    @property
    def days_later(self) -> int:
        """How many days after the day it is named it falls, where the table sits."""
        return (local_day(self.at, self.zone) - local_day(self.said_at, self.zone)).days


@dataclass(frozen=True, slots=True)
class Score:
    """A number with one decimal, written the way the reader's language writes it."""

    value: float


@dataclass(frozen=True, slots=True)
class Counted:
    """A counted text in the form its number takes ("1 other member", "3 other
    members"): `forms` from NP_, with a `{count}` field."""

    forms: tuple[str, str]
    count: int


@dataclass(frozen=True, slots=True)
class Span:
    value: timedelta


@dataclass(frozen=True, slots=True)
class Say:
    """One translatable message: `msgid` is the English text with `{name}` fields."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, msgid: str, **params: object) -> Say:
        return cls(msgid, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class InLanguage:
    """A line shown in `lang` whatever language the lines around it are in: the bot
    offering, in the other language, to speak it."""

    text: Say
    lang: str


@dataclass(frozen=True, slots=True)
class Lines:
    """Several messages shown together, one per line (lists, reports, help)."""

    parts: tuple[Say | Lines | InLanguage, ...]


Text = Say | Lines
