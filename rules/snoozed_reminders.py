"""Saying "not now" to the private reminders: a concern round's (ground rule 4) and a mandate's
renewal after a meeting (ground rule 3), as to a nudge (rules.problems).

/snooze typed at a table where no problem of the person's waits for a proposal, but the
open round or the last meeting waits for their answer: until the snooze ends they get
no reminder there (nor a nudge: a snooze holds all of a person's nudges at a table,
rules.pacing). Nothing is sent again when it ends: the round and the renewal still wait,
and a reminder due after it reaches them as before.

Pure: the times come with the events."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from rules import pacing
from rules.actions import Action, Reply
from rules.events import CommandInvoked, RemindersSnoozed
from rules.grammar import Snooze
from rules.local_time import later_by
from rules.say import N_, Moment, Say
from rules.speech import language, private
from rules.state import TableState
from rules.understanding import Command


def snoozed(state: TableState, user: str, at: datetime) -> bool:
    """Whether `user` said "not now" at this table until after `at`."""
    until = state.paced(user).snoozed_until
    return until is not None and until > at


def reachable(state: TableState, users: tuple[str, ...], at: datetime) -> tuple[str, ...]:
    """Those of `users` a reminder may reach now: not snoozed here."""
    return tuple(user for user in users if not snoozed(state, user, at))


def waits_on(state: TableState, user: str) -> bool:
    """Whether a reminder here may come for `user`: the open round waits for their answer,
    or the last meeting for their mandate's renewal (until the next one begins)."""
    round_ = state.open_round
    if round_ is not None and user in round_.view().waiting:
        return True
    meeting = state.last_meeting
    return meeting is not None and state.open_meeting is None and user in meeting.awaiting_renewal


def snooze(command: Command, state: TableState, lang: str) -> list[Action] | None:
    """The snooze of `command`'s person's reminders here; None when nothing here would
    remind them (the caller says there was nothing to snooze)."""
    assert isinstance(command.parsed, Snooze)
    event = command.event
    if not waits_on(state, event.user):
        return None
    return _snoozed(event, command.parsed.span, state, lang)


def on_snoozed(event: RemindersSnoozed, state: TableState) -> list[Action]:
    """ "Not now" under a reminder, for the table's default snooze (as a nudge's Snooze
    button): told by DM, where the reminder was."""
    lang = language(state, event.lang)
    if not waits_on(state, event.user):  # answered (or the next meeting began) meanwhile
        said = Say.of(N_("There is nothing of yours to snooze here."))
        actions = [private(event, event.user, said, lang)]
    else:
        actions = _snoozed(event, None, state, lang)
    return [replace(a, direct=True) if isinstance(a, Reply) else a for a in actions]


def _snoozed(
    event: CommandInvoked | RemindersSnoozed, span: timedelta | None, state: TableState, lang: str
) -> list[Action]:
    """Held for `span` (None: the table's default snooze), and told so privately."""
    span = span or state.settings.snooze
    until = later_by(event.at, span, state.settings.timezone)
    asked = state.paced(event.user).snoozed_until
    if asked is not None and asked >= until:
        # A snooze never brings a reminder earlier than the person already asked.
        still = Say.of(
            N_("Still snoozed until {at}, as you asked before: until then I send you no "
               "reminders here, about a concern round or your mandate."),
            at=Moment(at=asked, zone=state.settings.timezone, said_at=event.at),
        )  # fmt: skip
        return [private(event, event.user, still, lang)]
    said = Say.of(
        N_("Snoozed until {at}: until then I send you no reminders here, about a concern "
           "round or your mandate. They still wait for your answer."),
        at=Moment(at=until, zone=state.settings.timezone, said_at=event.at),
    )  # fmt: skip
    return [pacing.snoozed(event, event.user, until), private(event, event.user, said, lang)]
