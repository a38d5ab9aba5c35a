"""Nudges paced per person, not per message (rules.pacing, in rules.problems): the pure
engine, each rule on its own. As a kindness review found them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.presenting import nudge_text
from rules import dismissals, pacing, problems
from rules.actions import (
    CloseWatch,
    NotAProblemNoted,
    NotePacing,
    Reply,
    ScheduleTimer,
    SendNudge,
)
from rules.events import MessageRelabelled, NudgeSnoozed, TimerFired, UndoAsked
from rules.i18n import render
from rules.say import Moment
from rules.state import Dismissal, Pacing, Quiet, TableState, Watch

T = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


def watch(problem_id: str, minute: int, *, status="open", thread=None, user="ben") -> Watch:
    posted = T + timedelta(minutes=minute)
    return Watch(problem_id=problem_id, thread_id=thread, user=user, text=f"broken {problem_id}",
                 lang="en", posted_at=posted, deadline=posted + WINDOW, status=status)  # fmt: skip


def table(*watches: Watch, paced: Pacing | None = None) -> TableState:
    return TableState("W", "C", watches=watches, pacing={} if paced is None else {"ben": paced})


def fire(w: Watch, *, at: datetime | None = None, kind=problems.PROBLEM_TIMER) -> TimerFired:
    due = w.deadline if at is None else at
    return TimerFired(workspace="W", channel="C", at=due, event_id="t", kind=kind,
                      subject=w.problem_id, due=due, key="t")  # fmt: skip


def said(actions) -> str:
    return "\n".join(render(a.text, "en") for a in actions if isinstance(a, Reply))


def not_a_problem(w: Watch, at: datetime) -> MessageRelabelled:
    return MessageRelabelled(workspace="W", channel="C", at=at, event_id=f"r{at}", user="ben",
                             message_id=w.problem_id, text="", label="problem",
                             applies=False)  # fmt: skip


# --- one nudge per person per table within the pacing span (F1) ----------------------


def test_a_single_problem_is_nudged_as_before():
    one = watch("p1", 0)
    actions = problems.on_timer(fire(one), table(one))
    [nudge] = [a for a in actions if isinstance(a, SendNudge)]
    assert nudge.paced is None  # no word about others: the nudge reads as it did
    assert "other problems" not in render(nudge_text(nudge), "en")
    assert NotePacing(workspace="W", channel="C", user="ben", nudged_at=one.deadline) in actions


def test_a_second_problem_waits_a_pacing_span_after_the_first_nudge():
    first, second = watch("p1", 0, status="nudged"), watch("p2", 1)
    paced = Pacing("ben", nudged_at=first.deadline)
    actions = problems.on_timer(fire(second), table(first, second, paced=paced))
    assert not any(isinstance(a, SendNudge | CloseWatch) for a in actions)  # still waiting
    [later] = actions
    assert isinstance(later, ScheduleTimer)
    assert later.key == problems.problem_timer_key("C", "p2")
    assert later.due == first.deadline + timedelta(hours=1)


def test_the_nudge_says_more_wait_and_how_slowly_they_come():
    first, second = watch("p1", 0), watch("p2", 1)
    actions = problems.on_timer(fire(first), table(first, second))
    [nudge] = [a for a in actions if isinstance(a, SendNudge)]
    assert nudge.paced == timedelta(hours=1)
    assert "I remind you of them one at a time, with at least 1 hour in between" in render(
        nudge_text(nudge), "en"
    )


def test_other_people_and_a_zero_span_are_not_held():
    first, other = watch("p1", 0, status="nudged"), watch("p2", 1, user="anna")
    paced = Pacing("ben", nudged_at=first.deadline)
    actions = problems.on_timer(fire(other), table(first, other, paced=paced))
    assert any(isinstance(a, SendNudge) for a in actions)
    assert pacing.held_until(paced, TableState("W", "C").settings, first.deadline) is not None
    unpaced = TableState("W", "C").settings.with_overrides(nudge_pacing=timedelta(0))
    assert pacing.held_until(paced, unpaced, first.deadline) is None


# --- a nudge that waited its turn says when its problem was named -----------------------


def opening(actions, lang="en") -> str:
    [nudge] = [a for a in actions if isinstance(a, SendNudge)]
    return render(nudge_text(nudge), lang).splitlines()[0]


def test_a_nudge_on_time_keeps_its_words():
    one = watch("p1", 0)
    actions = problems.on_timer(fire(one), table(one))
    assert [a.named_at for a in actions if isinstance(a, SendNudge)] == [None]
    assert opening(actions) == "Hi ben, you named a problem a little while ago:"
    assert opening(actions, "nl") == "Hoi ben, je noemde eerder een probleem:"


def test_a_nudge_that_waited_its_turn_says_when_its_problem_was_named():
    first, second = watch("p1", 0, status="nudged"), watch("p2", 1)
    paced = Pacing("ben", nudged_at=first.deadline)
    turn = first.deadline + timedelta(hours=1)  # an hour after the first nudge
    actions = problems.on_timer(fire(second, at=turn), table(first, second, paced=paced))
    [nudge] = [a for a in actions if isinstance(a, SendNudge)]
    assert nudge.named_at == Moment(at=second.posted_at, zone="UTC", said_at=turn)
    assert opening(actions) == "Hi ben, you named a problem at 08:01 (UTC):"
    assert opening(actions, "nl") == "Hoi ben, je noemde om 08:01 (UTC) een probleem:"


def test_a_nudge_held_by_the_night_names_the_day_of_its_problem():
    evening = watch("p1", 12 * 60 + 55)  # 20:55, its window ends in the quiet hours
    morning = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    actions = problems.on_timer(fire(evening, at=morning), table(evening))
    assert opening(actions) == "Hi ben, you named a problem on 2 March 2026 at 20:55 (UTC):"
    assert opening(actions, "nl") == (
        "Hoi ben, je noemde op 2 maart 2026 om 20:55 (UTC) een probleem:"
    )


def test_a_snooze_reminder_keeps_its_words():
    snoozed = watch("p1", 0, status="snoozed")
    later = snoozed.deadline + timedelta(hours=3)
    actions = problems.on_timer(fire(snoozed, at=later, kind=problems.SNOOZE_TIMER),
                                table(snoozed))  # fmt: skip
    assert opening(actions) == "Hi ben, a gentle reminder about the problem you named earlier:"


# --- a snooze holds the person (F4) ---------------------------------------------------


def test_a_snooze_holds_the_persons_other_problems_and_says_so():
    nudged, waiting = watch("p1", 0, status="nudged"), watch("p2", 12)
    at = T + timedelta(minutes=12)
    snooze = NudgeSnoozed(workspace="W", channel="C", at=at, event_id="s", user="ben",
                          problem_id="p1")  # fmt: skip
    actions = problems.on_snoozed(snooze, table(nudged, waiting), timedelta(hours=2))
    assert NotePacing(workspace="W", channel="C", user="ben",
                      snoozed_until=at + timedelta(hours=2)) in actions  # fmt: skip
    assert "Until then I do not nudge you about your other problems here either." in said(actions)
    paced = Pacing("ben", nudged_at=nudged.deadline, snoozed_until=at + timedelta(hours=2))
    held = problems.on_timer(fire(waiting), table(nudged, waiting, paced=paced))
    # Held, and looked at again a pacing span on (the snooze may be shortened meanwhile).
    assert [a.due for a in held if isinstance(a, ScheduleTimer)] == [
        waiting.deadline + timedelta(hours=1)
    ]
    later = problems.on_timer(
        fire(waiting, at=waiting.deadline + timedelta(hours=1)),
        table(nudged, waiting, paced=paced),
    )
    assert [a.due for a in later if isinstance(a, ScheduleTimer)] == [at + timedelta(hours=2)]


def test_a_shorter_snooze_after_a_long_one_ends_the_hold_when_it_ends():
    # "/snooze 1d", then "/snooze 1h": the other problem waits for the hour, not the day.
    nudged, waiting = watch("p1", 0, status="snoozed"), watch("p2", 12)
    at = T + timedelta(minutes=12)
    paced = Pacing("ben", nudged_at=nudged.deadline, snoozed_until=at + timedelta(days=1))
    held = problems.on_timer(fire(waiting), table(nudged, waiting, paced=paced))
    [due] = [a.due for a in held if isinstance(a, ScheduleTimer)]
    assert due <= waiting.deadline + timedelta(hours=1)
    # The shorter snooze's reminder came at its end; the other problem follows a pacing
    # span after it, not a day later.
    reminded = watch("p1", 0, status="nudged")
    back = at + timedelta(hours=1)
    shortened = Pacing("ben", nudged_at=back, snoozed_until=back)
    again = problems.on_timer(fire(waiting, at=due), table(reminded, waiting, paced=shortened))
    assert [a.due for a in again if isinstance(a, ScheduleTimer)] == [back + timedelta(hours=1)]
    fired = problems.on_timer(
        fire(waiting, at=back + timedelta(hours=1)), table(reminded, waiting, paced=shortened)
    )
    assert any(isinstance(a, SendNudge) for a in fired)


def test_a_snooze_of_the_only_problem_says_what_it_said():
    nudged = watch("p1", 0, status="nudged")
    snooze = NudgeSnoozed(workspace="W", channel="C", at=T + timedelta(minutes=12),
                          event_id="s", user="ben", problem_id="p1")  # fmt: skip
    text = said(problems.on_snoozed(snooze, table(nudged), timedelta(hours=2)))
    assert text == "Snoozed until 10:12 (UTC). I will remind you again in 2 hours."


def test_the_reminder_asked_for_comes_before_a_problem_that_waited_for_it():
    snoozed, waiting = watch("p1", 0, status="snoozed"), watch("p2", 12)
    end = T + timedelta(hours=2)
    paced = Pacing("ben", nudged_at=T + timedelta(minutes=10), snoozed_until=end)
    actions = problems.on_timer(fire(waiting, at=end), table(snoozed, waiting, paced=paced))
    assert [a.due for a in actions if isinstance(a, ScheduleTimer)] == [end + timedelta(hours=1)]


# --- "Not a problem" quiets its own thread (F3) -------------------------------------


def test_not_a_problem_quiets_the_persons_nudges_about_that_thread():
    dismissed = watch("p1", 0, status="nudged")
    actions = problems.on_relabelled(not_a_problem(dismissed, T + timedelta(minutes=11)),
                                     table(dismissed))  # fmt: skip
    [noted] = [a for a in actions if isinstance(a, NotePacing) and a.quiet]
    assert noted.quiet == (Quiet("p1", T + timedelta(minutes=71)),)
    reply = watch("p3", 12, thread="p1")
    paced = Pacing("ben", quiet=noted.quiet)
    quiet = problems.on_timer(fire(reply), table(reply, paced=paced))
    assert not any(isinstance(a, SendNudge) for a in quiet)
    assert [a.outcome for a in quiet if isinstance(a, CloseWatch)] == ["withdrawn"]
    # Another conversation of theirs is nudged as ever.
    elsewhere = watch("p4", 12)
    assert any(isinstance(a, SendNudge) for a in problems.on_timer(
        fire(elsewhere), table(elsewhere, paced=paced)))  # fmt: skip


# --- backing off after repeated corrections (F2) -----------------------------------


def test_the_third_not_a_problem_in_a_week_backs_off_and_says_so_once():
    third = watch("p3", 0, status="nudged")
    at = T + timedelta(minutes=11)
    paced = Pacing("ben", dismissals=2, dismissed_at=at - timedelta(days=2), hinted_at=T)
    actions = problems.on_relabelled(not_a_problem(third, at), table(third, paced=paced))
    [noted] = [a for a in actions if isinstance(a, NotePacing) and a.dismissals]
    assert noted.dismissals == 3
    text = said(a for a in actions if isinstance(a, NotAProblemNoted))
    assert "You have told me 3 times lately that I was wrong here." in text
    assert "Do I often get this wrong here?" not in text
    backed = Pacing("ben", dismissals=3, dismissed_at=at)
    settings = TableState("W", "C").settings
    assert pacing.nudges_for(backed, settings, at + timedelta(days=6)) == "fewer"
    # A week without a correction: as the table's again; and the count starts over.
    assert pacing.nudges_for(backed, settings, at + timedelta(days=7)) == "normal"
    fourth = watch("p4", 0, status="nudged")
    later = at + timedelta(days=8)
    again = problems.on_relabelled(not_a_problem(fourth, later), table(fourth, paced=backed))
    assert [a.dismissals for a in again if isinstance(a, NotePacing) and a.dismissals] == [1]


def test_the_same_not_a_problem_said_again_is_one_correction():
    # A double click, or "Not a problem" said again of a problem it already settled:
    # nothing more is counted towards backing off, and nothing more is said of it.
    settled = watch("p1", 0, status="dismissed")
    at = T + timedelta(minutes=12)
    paced = Pacing("ben", dismissals=2, dismissed_at=at - timedelta(minutes=1), hinted_at=T)
    actions = problems.on_relabelled(not_a_problem(settled, at), table(settled, paced=paced))
    assert [a for a in actions if isinstance(a, NotePacing) and a.dismissals] == []
    assert "You have told me" not in said(actions)


def test_the_nudges_fewer_hint_is_given_once_not_on_every_correction():
    first = watch("p1", 0, status="nudged")
    at = T + timedelta(minutes=11)
    actions = problems.on_relabelled(not_a_problem(first, at), table(first))
    assert "Do I often get this wrong here?" in said(actions)
    assert NotePacing(workspace="W", channel="C", user="ben", hinted_at=at) in actions
    second = watch("p2", 20, status="nudged")
    paced = Pacing("ben", dismissals=1, dismissed_at=at, hinted_at=at)
    actions = problems.on_relabelled(
        not_a_problem(second, at + timedelta(minutes=20)), table(second, paced=paced)
    )
    assert "Thanks for telling me." in said(actions)
    assert "Do I often get this wrong here?" not in said(actions)


# --- each "Not a problem" keeps its own conversation quiet ---------------------------


def test_a_second_not_a_problem_elsewhere_keeps_the_first_conversation_quiet():
    first, second = watch("p1", 0, status="nudged"), watch("p2", 5, status="nudged")
    one = problems.on_relabelled(not_a_problem(first, T + timedelta(minutes=11)), table(first))
    [noted] = [a for a in one if isinstance(a, NotePacing) and a.quiet]
    paced = Pacing("ben", quiet=noted.quiet, dismissals=1, dismissed_at=T + timedelta(minutes=11))
    two = problems.on_relabelled(not_a_problem(second, T + timedelta(minutes=20)),
                                 table(second, paced=paced))  # fmt: skip
    [noted] = [a for a in two if isinstance(a, NotePacing) and a.quiet]
    assert noted.quiet == (Quiet("p2", T + timedelta(minutes=80)),
                           Quiet("p1", T + timedelta(minutes=71)))  # fmt: skip
    paced = Pacing("ben", quiet=noted.quiet)
    for thread in ("p1", "p2"):  # a problem named in either thread after is let go
        reply = watch(f"r-{thread}", 30, thread=thread)
        quiet = problems.on_timer(fire(reply), table(reply, paced=paced))
        assert not any(isinstance(a, SendNudge) for a in quiet)
        assert [a.outcome for a in quiet if isinstance(a, CloseWatch)] == ["withdrawn"]
    # Each for its own span: past the first's, its thread is nudged again.
    late = watch("r-late", 72, thread="p1")
    assert any(isinstance(a, SendNudge) for a in problems.on_timer(
        fire(late), table(late, paced=paced)))  # fmt: skip


def test_only_the_latest_few_conversations_are_kept_quiet_and_ended_ones_go():
    at = T + timedelta(minutes=30)
    ended = Quiet("gone", at - timedelta(minutes=1))
    kept = tuple(Quiet(f"t{n}", at + timedelta(minutes=60 - n)) for n in range(pacing.QUIET_KEPT))
    paced = Pacing("ben", quiet=(*kept, ended), dismissals=1, dismissed_at=at)
    newest = watch("p9", 20, status="nudged", thread="t-new")
    actions = problems.on_relabelled(not_a_problem(newest, at), table(newest, paced=paced))
    [noted] = [a for a in actions if isinstance(a, NotePacing) and a.quiet]
    assert [q.scope for q in noted.quiet] == ["t-new", *(q.scope for q in kept[:-1])]


def test_undoing_one_not_a_problem_leaves_the_others_quiet():
    dismissed = watch("p2", 5, status="dismissed", thread="t2")
    at = T + timedelta(minutes=21)
    paced = Pacing("ben", dismissals=2, dismissed_at=at - timedelta(minutes=1),
                   quiet=(Quiet("t2", at + timedelta(hours=1)), Quiet("t1", at)))  # fmt: skip
    state = TableState(
        "W", "C", watches=(dismissed,), pacing={"ben": paced},
        dismissals=(Dismissal("p2", "ben", "broken p2", at - timedelta(minutes=1)),),
    )  # fmt: skip
    undo = UndoAsked(workspace="W", channel="C", at=at, event_id="u", user="ben",
                     message_id="p2")  # fmt: skip
    [unpaced] = [a for a in dismissals.on_undo_asked(undo, state) if isinstance(a, NotePacing)]
    assert unpaced.quiet == (Quiet("t1", at),)
    assert unpaced.dismissals == 1
