"""A table's own quiet hours (/table quiet-hours): a bakery working nights wants its
quiet in the day, or none. Shown privately, changed for everyone to see, as /table
timezone is: the change is the whole table's.
"""

from __future__ import annotations

from dataclasses import replace

from rules.actions import Action, ConfigureTable
from rules.agreements import review_due, review_timer
from rules.grammar import SetQuietHours, ShowQuietHours
from rules.night_timers import held_anew
from rules.quiet_hours import QuietHours, parse_quiet_hours
from rules.say import N_, Lines, Quote, Say
from rules.speech import language, private, public
from rules.state import TableSettings, TableState
from rules.understanding import Command

# How ConfigureTable.quiet_hours says "none" and "the bot's" (else the hours, 22:00-07:00).
NO_QUIET_HOURS = "off"
BOTS_QUIET_HOURS = "default"


def stored_quiet_hours(stored: str | None, bots: QuietHours | None) -> QuietHours | None:
    """A table's quiet hours as stored (TableConfig.quiet_hours): its own, or the bot's
    when it chose none of its own (None), or what was stored no longer reads."""
    if stored == NO_QUIET_HOURS:
        return None
    own = None if stored is None else parse_quiet_hours(stored)
    return bots if own is None else own


def with_own_quiet_hours(settings: TableSettings, stored: str | None) -> TableSettings:
    """`settings` (the bot's defaults and the table's other choices) with the quiet
    hours the table stored, if any."""
    if stored is None or (stored != NO_QUIET_HOURS and parse_quiet_hours(stored) is None):
        return settings
    quiet = stored_quiet_hours(stored, settings.bot_quiet_hours)
    return replace(settings, quiet_hours=quiet, own_quiet_hours=True)


_WHAT_THEY_DO = N_("A reminder or nudge by DM that falls due in them waits for their end; "
                   "answers to commands and round deadlines are never held back.")  # fmt: skip


def quiet_line(state: TableState) -> Say:
    """Where the table stands, in a line (/table, /table quiet-hours)."""
    settings = state.settings
    hours = settings.quiet_hours
    if hours is None:
        if settings.own_quiet_hours:
            return Say.of(N_("Quiet hours: none, this table's own choice (/table quiet-hours)."))
        return Say.of(N_("Quiet hours: none, the bot's setting (/table quiet-hours)."))
    zone = Quote(settings.timezone)
    if settings.own_quiet_hours:
        return Say.of(
            N_("Quiet hours: {hours} in {zone}, this table's own choice (/table quiet-hours)."),
            hours=str(hours),
            zone=zone,
        )
    return Say.of(
        N_("Quiet hours: {hours} in {zone}, the bot's setting (/table quiet-hours)."),
        hours=str(hours),
        zone=zone,
    )


def show(command: Command, state: TableState) -> list[Action]:
    assert isinstance(command.parsed, ShowQuietHours)
    event = command.event
    lines = [quiet_line(state)]
    if state.settings.quiet_hours is not None:
        lines.append(Say.of(_WHAT_THEY_DO))
    if state.settings.own_quiet_hours:
        lines.append(Say.of(N_("/table quiet-hours default goes back to the bot's setting.")))
    else:
        lines.append(
            Say.of(N_("This table can choose its own: /table quiet-hours 22:00-07:00, or "
                      "/table quiet-hours off for none."))
        )  # fmt: skip
    return [private(event, event.user, Lines(tuple(lines)), language(state, command.lang))]


def set_quiet_hours(command: Command, state: TableState) -> list[Action]:
    """The table's quiet hours from now on. Reviews still to come move as their 09:00
    does (later, when quiet hours hold then), and reminders and nudges the old hours
    held are set again for the new ones (rules.night_timers.held_anew)."""
    parsed = command.parsed
    assert isinstance(parsed, SetQuietHours)
    event = command.event
    settings = state.settings
    old = settings.quiet_hours
    new = settings.bot_quiet_hours if parsed.default else parsed.hours
    zone = settings.timezone
    moved = [
        review_timer(event, agreement.number, agreement.version, agreement.review_on, zone, new)
        for agreement in state.agreements
        # Only a review still to come: one that came is not asked again.
        if agreement.status == "current"
        and review_due(agreement.review_on, zone, old) > event.at
        and review_due(agreement.review_on, zone, new) != review_due(agreement.review_on, zone, old)
    ]
    stored = BOTS_QUIET_HOURS if parsed.default else NO_QUIET_HOURS if new is None else str(new)
    return [
        ConfigureTable(
            workspace=event.workspace, channel=event.channel, at=event.at, quiet_hours=stored
        ),
        *moved,
        *held_anew(event, state, new, zone),
        public(event, _said(new, zone, parsed.default), language(state, command.lang)),
    ]


def _said(new: QuietHours | None, zone: str, default: bool) -> Say | Lines:
    if default and new is None:
        return Say.of(
            N_("From now on this table follows the bot's setting: no quiet hours, so "
               "reminders and nudges by DM go whenever they fall due.")
        )  # fmt: skip
    if default:
        return Lines((
            Say.of(
                N_("From now on this table follows the bot's quiet hours: {hours} in {zone}."),
                hours=str(new), zone=Quote(zone),
            ),
            Say.of(_WHAT_THEY_DO),
        ))  # fmt: skip
    if new is None:
        return Say.of(
            N_("From now on this table has no quiet hours: reminders and nudges by DM go "
               "whenever they fall due, also at night.")
        )  # fmt: skip
    return Lines((
        Say.of(
            N_("From now on this table's quiet hours are {hours} in {zone}."),
            hours=str(new), zone=Quote(zone),
        ),
        Say.of(_WHAT_THEY_DO),
    ))  # fmt: skip
