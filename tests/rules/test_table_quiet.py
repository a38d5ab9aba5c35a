"""A table's own quiet hours, the decisions alone: what /table quiet-hours changes,
which timers it and /table timezone set again (only private ones the night held: from
when they were due, or, set before the bot kept that, guessed from a due at the old
night's end), and the reviews still to come."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from rules.actions import ConfigureTable, Reply, ScheduleTimer
from rules.agreements import REVIEW_TIMER
from rules.charter import set_timezone
from rules.concerns import DEADLINE_TIMER, REMINDER_TIMER
from rules.engine import _COMMANDS
from rules.events import CommandInvoked
from rules.grammar import SetQuietHours, SetTimezone, ShowQuietHours
from rules.held_timers import private_timer
from rules.i18n import render
from rules.problems import SNOOZE_TIMER
from rules.quiet_hours import QuietHours
from rules.state import Agreement, PendingTimer, TableSettings, TableState
from rules.table_quiet import set_quiet_hours, show, stored_quiet_hours, with_own_quiet_hours
from rules.understanding import Command

AMS = "Europe/Amsterdam"
NIGHT = QuietHours(time(21, 0), time(8, 0))
BAKERY = QuietHours(time(8, 0), time(16, 0))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def table(**parts) -> TableState:
    settings = TableSettings(timezone=AMS, quiet_hours=NIGHT, bot_quiet_hours=NIGHT)
    return TableState(workspace="w", channel="c", settings=settings, **parts)


def command(at: datetime, parsed, lang: str = "en") -> Command:
    event = CommandInvoked(workspace="w", channel="c", at=at, event_id="e1", user="anna",
                           name="table")  # fmt: skip
    return Command(event=event, spec=None, parsed=parsed, lang=lang)


def timers(actions) -> dict[str, datetime]:
    return {a.key: a.due for a in actions if isinstance(a, ScheduleTimer)}


# 23:00 in Amsterdam (winter); the old night ends at 08:00 there, 07:00 UTC.
LATE = utc(2026, 3, 2, 22, 0)
MORNING = utc(2026, 3, 3, 7, 0)
HELD = (
    PendingTimer("remind:r1", REMINDER_TIMER, "r1", MORNING),  # held for the morning
    PendingTimer("snooze:p1", SNOOZE_TIMER, "p1", MORNING),
    PendingTimer("remind:r2", REMINDER_TIMER, "r2", utc(2026, 3, 3, 11, 0)),  # not held
)


def test_no_quiet_hours_set_the_held_private_timers_for_now_and_leave_the_rest():
    actions = set_quiet_hours(command(LATE, SetQuietHours(None)), table(pending_timers=HELD))
    [configured] = [a for a in actions if isinstance(a, ConfigureTable)]
    assert configured.quiet_hours == "off"
    assert timers(actions) == {"remind:r1": LATE, "snooze:p1": LATE}


def test_a_shorter_night_brings_the_held_timers_to_its_end_a_longer_one_to_its_end_too():
    shorter = set_quiet_hours(
        command(LATE, SetQuietHours(QuietHours(time(22), time(6)))), table(pending_timers=HELD)
    )
    assert timers(shorter) == {"remind:r1": utc(2026, 3, 3, 5), "snooze:p1": utc(2026, 3, 3, 5)}
    longer = set_quiet_hours(
        command(LATE, SetQuietHours(QuietHours(time(21), time(10)))), table(pending_timers=HELD)
    )
    assert timers(longer) == {"remind:r1": utc(2026, 3, 3, 9), "snooze:p1": utc(2026, 3, 3, 9)}


def test_a_deadline_or_a_review_at_the_nights_end_is_not_a_held_reminder():
    """A round's deadline is never held back, so one that falls at 08:00 is no held
    reminder to send sooner (the store reads only private kinds; the rule checks too)."""
    pending = (PendingTimer("deadline:r1", DEADLINE_TIMER, "r1", MORNING),)
    actions = set_quiet_hours(command(LATE, SetQuietHours(None)), table(pending_timers=pending))
    assert timers(actions) == {}


def test_a_reminder_held_for_a_night_that_ends_in_the_skipped_hour_is_known_as_held():
    """Quiet hours that end at 02:30 on the night the clocks go forward end as they jump,
    03:00 summer time (01:00 UTC): a reminder held for then was held, and goes when the
    table turns its quiet hours off. It was taken for one due then anyway, and kept."""
    night = QuietHours(time(21, 0), time(2, 30))
    state = table(pending_timers=(PendingTimer("remind:r1", REMINDER_TIMER, "r1",
                                               utc(2026, 3, 29, 1, 0)),))  # fmt: skip
    state = replace(state, settings=replace(state.settings, quiet_hours=night))
    late = utc(2026, 3, 28, 22, 0)
    assert timers(set_quiet_hours(command(late, SetQuietHours(None)), state)) == {"remind:r1": late}


def test_the_same_hours_again_move_nothing():
    actions = set_quiet_hours(command(LATE, SetQuietHours(NIGHT)), table(pending_timers=HELD))
    assert timers(actions) == {}


def test_reviews_to_come_move_after_the_new_quiet_hours_and_back():
    review = Agreement(
        number=1, text="we bake rye", why="it sells", owner="ben", recorded_by="ben",
        consenters=("ben",), concerns=(), review_on=date(2026, 3, 10), version=1,
        replaces=None, status="current", recorded_at=utc(2026, 3, 1, 12),
    )  # fmt: skip
    state = table(agreements=(review,))
    bakery = set_quiet_hours(command(LATE, SetQuietHours(BAKERY)), state)
    assert timers(bakery) == {"review:1:1": utc(2026, 3, 10, 15)}  # 16:00 there, not 09:00
    own = TableSettings(timezone=AMS, quiet_hours=BAKERY, own_quiet_hours=True,
                        bot_quiet_hours=NIGHT)  # fmt: skip
    back = set_quiet_hours(
        command(LATE, SetQuietHours(None, default=True)),
        TableState(workspace="w", channel="c", settings=own, agreements=(review,)),
    )
    assert timers(back) == {"review:1:1": utc(2026, 3, 10, 8)}  # 09:00 there
    [configured] = [a for a in back if isinstance(a, ConfigureTable)]
    assert configured.quiet_hours == "default"
    [kind] = {a.kind for a in back if isinstance(a, ScheduleTimer)}
    assert kind == REVIEW_TIMER


def test_the_change_is_said_to_the_table_and_shown_privately_in_its_language():
    [said] = [
        a
        for a in set_quiet_hours(command(LATE, SetQuietHours(BAKERY), "nl"), table())
        if isinstance(a, Reply)
    ]
    assert not said.private
    text = render(said.text, "nl", name_of=str, quote=str, words=str)
    assert text.startswith("Vanaf nu zijn de stille uren van deze tafel 08:00-16:00 in")
    [shown] = show(command(LATE, ShowQuietHours()), table())
    assert shown.private
    text = render(shown.text, "en", name_of=str, quote=str, words=str)
    assert "21:00-08:00 in Europe/Amsterdam, the bot's setting" in text


def test_stored_quiet_hours_read_back():
    bots = TableSettings(quiet_hours=NIGHT, bot_quiet_hours=NIGHT)
    assert with_own_quiet_hours(bots, None) == bots
    assert with_own_quiet_hours(bots, "08:00-16:00").quiet_hours == BAKERY
    assert with_own_quiet_hours(bots, "08:00-16:00").own_quiet_hours
    off = with_own_quiet_hours(bots, "off")
    assert off.quiet_hours is None and off.own_quiet_hours
    # What no longer reads (written by hand) is the bot's, not a night of nothing.
    assert with_own_quiet_hours(bots, "nights") == bots
    assert stored_quiet_hours("nights", NIGHT) == NIGHT


def test_the_engine_reads_the_held_timers_only_for_a_change_of_quiet_hours():
    reads, _ = _COMMANDS[SetQuietHours]
    assert set(reads.pending_timers) >= {REMINDER_TIMER, SNOOZE_TIMER}
    assert DEADLINE_TIMER not in reads.pending_timers
    assert not _COMMANDS[ShowQuietHours][0].pending_timers


def test_a_retry_waits_out_the_night_only_for_what_is_sent_unasked():
    from rules.actions import AskRenewal
    from rules.night_timers import waits_out_the_night

    def renewal(reminder: bool) -> AskRenewal:
        return AskRenewal(workspace="w", channel="c", lang="en", meeting_id="m1",
                          users=("ben",), reminder=reminder)  # fmt: skip

    assert waits_out_the_night(renewal(True))
    assert not waits_out_the_night(renewal(False))  # asked as the meeting ended
    reply = Reply(workspace="w", channel="c", lang="en", user="anna", text="hi", private=True)
    assert not waits_out_the_night(reply)


# Timers set since the bot keeps when they were due before the night held them.
# 22:30 in Amsterdam, held until 08:00; and one due at 08:00 itself, held by nothing.
EVENING = utc(2026, 3, 2, 21, 30)
KNOWN = (
    PendingTimer("remind:r1", REMINDER_TIMER, "r1", MORNING, held_from=EVENING),
    PendingTimer("remind:r2", REMINDER_TIMER, "r2", MORNING, held_from=MORNING),
)
EARLY = utc(2026, 3, 2, 18, 0)  # 19:00 there: the old night has not begun


def test_a_held_timer_is_set_again_for_when_it_was_due_not_for_the_nights_start():
    actions = set_quiet_hours(
        command(EARLY, SetQuietHours(QuietHours(time(23), time(7)))), table(pending_timers=KNOWN)
    )
    assert timers(actions) == {"remind:r1": EVENING}
    [again] = [a for a in actions if isinstance(a, ScheduleTimer)]
    assert again.held_from is None  # nothing holds it now


def test_a_timer_due_at_the_nights_end_that_nothing_held_stays():
    for hours in (None, QuietHours(time(22), time(6)), QuietHours(time(21), time(10))):
        actions = set_quiet_hours(command(LATE, SetQuietHours(hours)), table(pending_timers=KNOWN))
        assert "remind:r2" not in timers(actions)


def test_a_held_timer_held_again_keeps_when_it_was_due():
    longer = set_quiet_hours(
        command(LATE, SetQuietHours(QuietHours(time(21), time(10)))), table(pending_timers=KNOWN)
    )
    [again] = [a for a in longer if isinstance(a, ScheduleTimer)]
    assert (again.due, again.held_from) == (utc(2026, 3, 3, 9), EVENING)


def test_a_new_time_zone_sets_the_held_timers_again_there():
    """22:30 in Amsterdam is 16:30 in New York, out of the night there; in Tokyo it is
    06:30, in the night: the held reminder waits for 08:00 there."""
    state = table(pending_timers=KNOWN)
    new_york = set_timezone(command(EARLY, SetTimezone("America/New_York")), state)
    assert timers(new_york) == {"remind:r1": EVENING}
    tokyo = set_timezone(command(EARLY, SetTimezone("Asia/Tokyo")), state)
    assert timers(tokyo) == {"remind:r1": utc(2026, 3, 2, 23, 0)}
    assert timers(set_timezone(command(EARLY, SetTimezone(AMS)), state)) == {}


def test_a_timer_set_in_the_night_says_when_it_was_due():
    settings = table().settings
    where = {"workspace": "w", "channel": "c", "key": "k", "kind": REMINDER_TIMER, "subject": "r"}
    held = private_timer(settings, **where, due=EVENING)
    assert (held.due, held.held_from) == (MORNING, EVENING)
    free = private_timer(settings, **where, due=MORNING)
    assert (free.due, free.held_from) == (MORNING, None)


def test_the_engine_reads_the_held_timers_for_a_change_of_time_zone():
    reads, _ = _COMMANDS[SetTimezone]
    assert set(reads.pending_timers) >= {REMINDER_TIMER, SNOOZE_TIMER}
