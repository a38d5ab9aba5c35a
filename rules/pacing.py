"""Nudges paced per person, not per message: ground rule 1, kept kind.

A bad day brings several annoyed lines at once. Nudged once for each, a person gets a
burst of reminders, and keeps getting them after saying "later" or "not a problem". So
at each table:

- a person gets at most one nudge (or snooze reminder) within the table's pacing span
  (`TableSettings.nudge_pacing`, an hour by default). Their other problems wait, and
  come one at a time, a span apart, each with its own choices; one answered meanwhile
  is not nudged at all. The nudge says that more wait, and why they come slowly;
- a snooze holds all of that person's nudges there for its span, not only the one;
- "Not a problem" quiets that person's nudges about the same conversation (the thread,
  or a top-level problem's own thread) for the pacing span (at least an hour), each
  conversation for its own span (the latest `QUIET_KEPT`);
- after `BACK_OFF_AFTER` "Not a problem"s there, none more than `BACK_OFF_FOR` after the
  one before, the person's messages are read with the surer bar of /nudges fewer, for
  them alone, until `BACK_OFF_FOR` passes without one. The /nudges fewer hint is given
  at most once in `BACK_OFF_FOR`.

Pure: the times come with the events.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rules.actions import NotePacing, Quiet
from rules.events import Event
from rules.state import Pacing, TableSettings, Watch

BACK_OFF_AFTER = 3
BACK_OFF_FOR = timedelta(days=7)
# "Not a problem" quiets its conversation for the pacing span, and never less than this.
QUIET_AT_LEAST = timedelta(hours=1)
# The conversations kept quiet at once for a person at a table: a few, not all. More
# "Not a problem"s than this within one span are rare (the third in a week already backs
# off), and the bound keeps their stored row small whatever comes; the oldest beyond it is
# nudged about again, as any conversation is.
QUIET_KEPT = 5


def scope_of(watch: Watch) -> str:
    """The conversation a problem belongs to: its thread, or its own if at the top level."""
    return watch.thread_id if watch.thread_id is not None else watch.problem_id


def held_until(pacing: Pacing, settings: TableSettings, at: datetime) -> datetime | None:
    """When the person's next nudge here may go, if not now: after their snooze, and a
    pacing span after their last nudge."""
    ends = []
    if pacing.snoozed_until is not None and pacing.snoozed_until > at:
        # Looked at again a pacing span on at most: a later, shorter snooze (a day, then
        # an hour) ends the hold when it ends, not when the first would have.
        step = settings.nudge_pacing
        ends.append(min(pacing.snoozed_until, at + step) if step else pacing.snoozed_until)
    if settings.nudge_pacing and pacing.nudged_at is not None:
        next_one = pacing.nudged_at + settings.nudge_pacing
        if next_one > at:
            ends.append(next_one)
    return max(ends, default=None)


def quiet_about(pacing: Pacing, watch: Watch) -> bool:
    """The person said "Not a problem" about this conversation shortly before (or after)
    naming this problem in it."""
    scope = scope_of(watch)
    return any(q.scope == scope and watch.posted_at < q.until for q in pacing.quiet)


def backed_off(pacing: Pacing, at: datetime) -> bool:
    """The person corrected the bot here often lately: fewer nudges for them."""
    return (
        pacing.dismissals >= BACK_OFF_AFTER
        and pacing.dismissed_at is not None
        and at - pacing.dismissed_at < BACK_OFF_FOR
    )


def nudges_for(pacing: Pacing, settings: TableSettings, at: datetime) -> str:
    """How readily this person is nudged here: the table's mode, or "fewer" for them
    while they are backed off from."""
    if settings.nudges == "normal" and backed_off(pacing, at):
        return "fewer"
    return settings.nudges


def nudged(event: Event, user: str) -> NotePacing:
    return NotePacing(
        workspace=event.workspace, channel=event.channel, user=user, nudged_at=event.at
    )


def snoozed(event: Event, user: str, until: datetime) -> NotePacing:
    return NotePacing(
        workspace=event.workspace, channel=event.channel, user=user, snoozed_until=until
    )


def dismissed(
    event: Event, pacing: Pacing, settings: TableSettings, watch: Watch | None
) -> NotePacing:
    """A "Not a problem": counted (a week without one starts the count again), and the
    conversation of the problem it settled quieted for the person."""
    in_a_row = pacing.dismissed_at is not None and event.at - pacing.dismissed_at < BACK_OFF_FOR
    quiet = None
    if watch is not None:
        scope = scope_of(watch)
        # The others it quiets stay quiet for their own spans.
        still = [q for q in pacing.quiet if q.scope != scope and q.until > event.at]
        newest = Quiet(scope, event.at + max(settings.nudge_pacing, QUIET_AT_LEAST))
        quiet = (newest, *still[: QUIET_KEPT - 1])
    return NotePacing(
        workspace=event.workspace,
        channel=event.channel,
        user=pacing.user,
        dismissals=pacing.dismissals + 1 if in_a_row else 1,
        dismissed_at=event.at,
        quiet=quiet,
    )


def undone(event: Event, pacing: Pacing, watch: Watch) -> NotePacing:
    """A "Not a problem" about `watch` taken back: it no longer counts, nor quiets its
    conversation (the others stay quiet)."""
    scope = scope_of(watch)
    return NotePacing(
        workspace=event.workspace,
        channel=event.channel,
        user=pacing.user,
        dismissals=max(pacing.dismissals - 1, 0),
        quiet=tuple(q for q in pacing.quiet if q.scope != scope),
    )


def hint_due(pacing: Pacing, at: datetime) -> bool:
    """The /nudges fewer hint was not given to this person here lately."""
    return pacing.hinted_at is None or at - pacing.hinted_at >= BACK_OFF_FOR


def hinted(event: Event, user: str) -> NotePacing:
    return NotePacing(
        workspace=event.workspace, channel=event.channel, user=user, hinted_at=event.at
    )
