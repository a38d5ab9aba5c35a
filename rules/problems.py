"""Ground rule 1: naming a problem is fine, but it is always followed by a proposal.

A problem opens a watch. A proposal in the same channel within the window answers it,
at the channel's top level or in the problem's own thread. When the window passes,
the author gets one private, kind nudge quoting the problem.

A thread holds one waiting problem at a time: a reply that adds to a problem still
waiting in its thread ("here too, three times today") joins it rather than opening a
watch of its own, so one discussion brings one nudge, to the person who raised it. It
is kept aside ("joined") for its own window: if the first writer takes theirs back, the
first to join waits on its own.

A reply that may answer a problem and waits for its second reading (Reads.unread_replies)
holds the problem's first nudge until it is read, for at most `READING_AWAITED_FOR` past
the window: the reading decides whether it answers.

A proposal taken back (deleted, or edited into none) within an hour of the problem's due
time leaves the problems it answered before their nudge waiting again. An edit speaks as
of when its message was posted; events delivered out of order (an older edit after a
newer one, a post or edit after its deletion) change nothing.

A doubtful problem (a problem score below the watch bar but above the doubt bar) is
watched quietly: a proposal closes it as it answers any other, and it is nudged only
if another member reacts to it as to a problem ("again??", "oei") in its conversation
while its window is open. Unconfirmed, it lapses without a word, and it is never
counted as a named problem.

A table chooses how readily it is nudged (/nudges): "normal"; "fewer", where a problem
under the surer bar is only a doubtful one, so that a nudge needs either a surer
reading or a colleague's reaction; or "off", where no problem is watched.

"Why?" on a nudge (or /why) tells the author which words weighed most in reading their
message as a problem, from the very score that opened the watch (it keeps what the
message before scored), so that a false nudge is easy to see through and correct.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from rules import pacing, snoozed_reminders
from rules.actions import (
    Action,
    CancelTimer,
    ClearNudge,
    CloseWatch,
    ConfirmWatch,
    ForgetWatchText,
    NotAProblemNoted,
    NoteDeleted,
    NoteMember,
    PromoteWatch,
    ReadAgain,
    ReopenWatch,
    Reply,
    ReviseWatch,
    RewordCorrection,
    RewordWatch,
    ScheduleTimer,
    SendNudge,
    SnoozeNoted,
    StoreCorrection,
    WatchProblem,
)
from rules.classifier import Classification
from rules.edit_order import heard_too_late
from rules.events import (
    Event,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    MessageReread,
    NudgeSnoozed,
    PlaceDeleted,
    ProposalAdded,
    TimerFired,
    WhyAsked,
)
from rules.fingerprints import message_fingerprint
from rules.grammar import AskWhy, HasProposal, NotAProblem, Snooze
from rules.held_timers import private_timer
from rules.language import detect_language
from rules.local_time import later_by
from rules.say import N_, Lines, Listed, Moment, Quote, Say, Span, excerpt
from rules.speech import language, private
from rules.state import Pacing, TableSettings, TableState, Watch
from rules.understanding import (
    CLAUSE_BAR,
    READ_AGAIN,
    Command,
    Message,
    SecondReading,
    Thresholds,
)


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why a watched message was read as a problem (the engine asks its classifier)."""

    words: tuple[str, ...]  # those that weighed most (Classifier.reasons)
    # It scored under the watch bar: a doubtful problem, nudged because another member
    # reacted to it as a problem.
    doubted: bool = False


ReasonsOf = Callable[[Watch], Reasons]

PROBLEM_TIMER = "problem"
SNOOZE_TIMER = "snooze"
# Nudged (by DM or not) and still waiting: what the nudge's commands act on.
NUDGED_WAITING = ("nudged", "snoozed")
STILL_WAITING = ("open", *NUDGED_WAITING)
# Nudged and not answered: a proposal in its thread still answers it, also once the
# retention sweep erased its text ("expired": the report names it for a while).
NUDGED = (*NUDGED_WAITING, "expired")
# What the nudge's "Add a proposal" form answers: a waiting problem, and one the sweep let
# go unanswered, which the report still names as waiting for a proposal.
PROPOSAL_WELCOME = (*STILL_WAITING, "expired")
# A nudge that fires later than this past its due time (or than the table's window, if
# longer) is not sent: the bot was down, a proposal may have come unseen meanwhile, and
# "you named a problem a little while ago" would no longer be true.
LATE_AFTER = timedelta(hours=1)
# A nudge sent more than this after its window ended says when its problem was named.
SAYS_WHEN_AFTER = timedelta(minutes=5)
# A first nudge due while a reply that may answer its problem waits for its second
# reading waits for it too, asking again this often, and at most this long past its
# window (a reader that fails for good must not hold a nudge for ever).
READING_AWAITED_EVERY = timedelta(seconds=30)
READING_AWAITED_FOR = timedelta(minutes=5)
# A problem another message answered waits again if that proposal is taken back
# (deleted, or edited into none) until this long after its proposal was due (or after
# the answer, if later): later, its nudge would be too late anyway. Its words are kept
# until then for that nudge, and erased after.
REOPEN_WITHIN = LATE_AFTER
# A watch keeps this much of its message: the nudge quotes less (rules.say.excerpt), but
# "Why?" explains it and a correction ("it has a proposal") is learnt from it, and the
# proposal of a long post is often past the quote (long real posts: median 818 chars).
WATCH_CHARS = 2000


def problem_timer_key(channel: str, problem_id: str) -> str:
    return f"{PROBLEM_TIMER}:{channel}:{problem_id}"


def snooze_timer_key(channel: str, problem_id: str) -> str:
    return f"{SNOOZE_TIMER}:{channel}:{problem_id}"


def on_message(
    message: Message, state: TableState, second: SecondReading | None = None
) -> list[Action]:
    held = second is not None and second.holds_answer(message)
    actions = _on_message(message, state, answers=not held)
    if second is not None:
        actions += _read_again(message, actions, state, second)
    return actions


def _on_message(message: Message, state: TableState, *, answers: bool = True) -> list[Action]:
    """`answers`: whether a proposal answers the problems waiting for one now (False: a
    second reading decides, `on_reread`)."""
    event = message.event
    actions: list[Action] = [
        NoteMember(workspace=event.workspace, channel=event.channel, user=event.user, at=event.at)
    ]
    if heard_too_late(event, state):
        return actions
    nudges = pacing.nudges_for(state.paced(event.user), state.settings, event.at)
    problem, doubtful = message.problem_at(nudges)
    if message.fingerprint is not None and message.fingerprint in state.dismissed:
        problem = doubtful = False  # the table said such a message was not a problem
    watches = state.watches
    # An edit speaks as of when its message was posted: it answers the problems it
    # would have answered then, and a problem it names waits from then.
    posted = _posted(event)
    if isinstance(event, MessageEdited):
        edited = _on_edited(message, problem, doubtful, state)
        actions += edited
        if not message.is_proposal:  # a proposal taken back: what it answered waits again
            actions += reopen_answered(event, event.message_id, state)
        # A correction kept about it to learn from holds the words as they stand.
        actions.append(
            RewordCorrection(
                workspace=event.workspace,
                channel=event.channel,
                message_id=event.message_id,
                text=event.text,
                at=event.at,
            )
        )
        # Those the edit settled are not answered again by it as a proposal.
        settled = {a.problem_id for a in edited if isinstance(a, CloseWatch)}
        watches = tuple(w for w in watches if w.problem_id not in settled)
    confirmed: list[ConfirmWatch] = []
    if message.is_proposal:
        if answers:
            actions += answer_watches(
                watches, event, thread_id=event.thread_id, by=event.message_id, posted_at=posted
            )
    elif message.is_reaction and isinstance(event, MessagePosted):
        confirmed = _confirm_doubtful(event, state)
        actions += confirmed
    window = state.settings.problem_window
    # Named by an edit, the problem waits from its message's post (what came after that
    # is after it); its proposal is due a window after the edit, which named it.
    deadline = event.at + window
    joins = _thread_problem(event, state, {c.problem_id for c in confirmed})
    if (
        (problem or doubtful)
        # An edit of a message older than the window (or from before the bot was here)
        # is no problem named now: nobody waits for its proposal any more.
        and event.at < posted + window
        and _not_watched_before(event, state)
        # A clear "same here" is kept, joined, in case the one it joins is taken back.
        and (joins is None or problem)
    ):
        actions += [
            WatchProblem(
                workspace=event.workspace,
                channel=event.channel,
                problem_id=event.message_id,
                thread_id=event.thread_id,
                user=event.user,
                text=event.text[:WATCH_CHARS],
                lang=language(state, message.lang),
                posted_at=posted,
                deadline=deadline,
                doubtful=not problem,
                read_after=message.read_after,
                joined=joins is not None,
            ),
            # Its nudge is a DM: not in the night where the table sits. The window
            # itself (`deadline`) stays, as a proposal's scope.
            private_timer(
                state.settings,
                workspace=event.workspace,
                channel=event.channel,
                key=problem_timer_key(event.channel, event.message_id),
                kind=PROBLEM_TIMER,
                subject=event.message_id,
                due=deadline,
            ),
        ]
    return actions


def _read_again(
    message: Message, decided: list[Action], state: TableState, second: SecondReading
) -> list[Action]:
    """Ask for a second reading of a problem just watched, or of a reply that may answer
    a waiting one (a proposal the first reading scored under its bar)."""
    event = message.event
    scores = message.classification.scores
    watched = any(isinstance(a, WatchProblem) and not a.joined for a in decided)
    may_answer = second.may_answer(message) and bool(
        answer_watches(
            state.watches, event, thread_id=event.thread_id, by=None, posted_at=_posted(event)
        )
    )
    if not (watched or may_answer):
        return []
    return [
        ReadAgain(
            workspace=event.workspace,
            channel=event.channel,
            message_id=event.message_id,
            thread_id=event.thread_id,
            user=event.user,
            # No more of it than a watch keeps: it waits in the outbox until read.
            text=event.text[:WATCH_CHARS],
            posted_at=_posted(event),
            first={label: scores.get(label, 0.0) for label in READ_AGAIN},
            lang=message.lang,
            watched=watched,
        )
    ]


def on_unread(event: MessageReread, state: TableState, bars: Thresholds) -> list[Action]:
    """A reading asked for before a restart without the second reader: the first reading
    stands. A reply it took for a proposal, held for the second reading
    (`SecondReading.checks_answers`), answers what it would have answered; the rest was
    decided already."""
    if event.message_id in state.deleted:
        return []
    if not _reading(event, event.first, bars).is_proposal:
        return []
    return answer_watches(state.watches, event, thread_id=event.thread_id, by=event.message_id)


def _reading(event: MessageReread, scores: Mapping[str, float], bars: Thresholds) -> Message:
    """The message read again, with these problem and proposal scores, held to `bars`."""
    posted = MessagePosted(
        workspace=event.workspace,
        channel=event.channel,
        at=event.at,
        event_id=event.event_id,
        user=event.user,
        message_id=event.message_id,
        text=event.text,
        thread_id=event.thread_id,
    )
    return Message.of(posted, Classification(frozenset(), dict(scores), event.lang), bars)


def on_reread(event: MessageReread, state: TableState, second: SecondReading) -> list[Action]:
    """The second reading stands in for the first: a reply it reads as a proposal
    answers the problems waiting for one; a watched problem it reads as no problem, or
    as one whose own clause proposes, closes quietly, and one it doubts waits for a
    reaction (a reaction that already confirmed it stands)."""
    if event.message_id in state.deleted:
        return []  # deleted while it waited to be read: it answers nothing
    reading = _reading(event, second.combined(event.first, event.second), second.bars)
    actions: list[Action] = []
    if reading.is_proposal:
        actions += answer_watches(
            state.watches, event, thread_id=event.thread_id, by=event.message_id
        )
    watch = state.watch(event.message_id)
    confirmed = watch is not None and watch.status == "open" and watch.doubted
    if watch is None or watch.status not in ("open", "doubtful") or confirmed:
        return actions
    nudges = pacing.nudges_for(state.paced(event.user), state.settings, event.at)
    problem, doubtful = reading.problem_at(nudges)
    # "X is broken, please use Y until …": the writer proposed in a clause of their own.
    proposed = event.clause_proposal >= CLAUSE_BAR
    if (problem or doubtful) and not proposed:
        if doubtful != (watch.status == "doubtful"):
            actions.append(
                ReviseWatch(
                    workspace=event.workspace,
                    channel=event.channel,
                    problem_id=watch.problem_id,
                    doubtful=doubtful,
                )
            )
        return actions
    return actions + _close(event, watch, "unconfirmed", event.at)


def _thread_problem(
    event: MessagePosted | MessageEdited, state: TableState, confirmed: set[str]
) -> Watch | None:
    """The problem still waiting in this message's thread, if it is a reply (one this
    very message confirmed counts)."""
    if event.thread_id is None:
        return None
    for watch in state.watches:
        if (
            watch.problem_id != event.message_id
            and (watch.status in STILL_WAITING or watch.problem_id in confirmed)
            and watch.posted_at <= _posted(event)
            and watch.in_scope_of(event.thread_id)
        ):
            return watch
    return None


def _posted(event: Event) -> datetime:
    """When a message was posted: an edit's original time, else the event's."""
    return event.posted if isinstance(event, MessageEdited) else event.at


def _confirm_doubtful(event: MessagePosted, state: TableState) -> list[ConfirmWatch]:
    """Confirm the doubtful problems this reaction answers to: another member's, in
    the same conversation (the top level, or the problem's own thread), still within
    their window."""
    return [
        ConfirmWatch(workspace=event.workspace, channel=event.channel, problem_id=w.problem_id)
        for w in state.watches
        if w.status == "doubtful"
        and w.user != event.user
        and w.posted_at <= event.at <= w.deadline
        and w.heard_in(event.thread_id)
    ]


def _not_watched_before(event, state: TableState) -> bool:
    """An edit only opens a watch for a message that never had one."""
    if not isinstance(event, MessageEdited):
        return True
    return state.watch(event.message_id) is None


def _said_before(watch: Watch, state: TableState) -> bool:
    """Whether its author posted the very same words in this channel before (a double
    post, or the same again at the top level), and that one still waits: it has the
    nudge. Other numbers make another problem ("room 4", "room 5")."""
    words = _same_words(watch.text)
    return any(
        other.problem_id != watch.problem_id
        and other.user == watch.user
        and other.status in STILL_WAITING
        and other.posted_at <= watch.posted_at
        and _same_words(other.text) == words
        for other in state.watches
    )


def on_left(event: Event, users: Iterable[str], state: TableState) -> list[Action]:
    """Members who left the table are not nudged about the problems they named there:
    a nudge would reach them elsewhere. (Read when they leave, not at every timer.)"""
    gone = set(users)
    actions: list[Action] = []
    for watch in state.watches:
        if watch.user in gone and watch.status in ("open", "doubtful", "snoozed"):
            actions += _close(event, watch, "withdrawn", event.at)
    return actions


def on_place_deleted(event: PlaceDeleted, state: TableState) -> list[Action]:
    """The table's channel, or a thread in it, was deleted: the problems still waiting
    there are withdrawn, and nobody is nudged about words nobody can see any more."""
    actions: list[Action] = []
    for watch in state.watches:
        there = event.thread_id is None or watch.thread_id == event.thread_id
        if there and watch.status in (*STILL_WAITING, "doubtful"):
            actions += _close(event, watch, "withdrawn", event.at)
    return actions


def on_deleted(event: MessageDeleted, state: TableState) -> list[Action]:
    """A deleted message's problem is withdrawn, and its words go with it: a nudge must
    not quote back what its writer took away. The problems it answered wait again. The
    deletion is noted for a while: its post or an edit delivered late opens nothing."""
    actions: list[Action] = [
        NoteDeleted(
            workspace=event.workspace,
            channel=event.channel,
            message_id=event.message_id,
            at=event.at,
        ),
        *reopen_answered(event, event.message_id, state),
    ]
    watch = state.watch(event.message_id)
    if watch is None:
        return actions
    if watch.status in (*STILL_WAITING, "doubtful"):
        return actions + _withdraw(event, watch, state)
    if watch.text:
        # Kept a while to be taken back: a "same here", or a problem answered before its
        # nudge (`_keep_to_reopen`). Its writer took it back first.
        return [*actions, _forget_text(event, watch)]
    return actions


def _withdraw(event: Event, watch: Watch, state: TableState) -> list[Action]:
    """Its author took a problem back: the first "same here" that joined it in its
    thread, while still in its own window, waits on its own instead."""
    own_thread = watch.thread_id or watch.problem_id
    joiner = next(
        (w for w in state.watches if w.status == "joined" and w.thread_id == own_thread and w.text),
        None,
    )
    actions = _close(event, watch, "withdrawn", event.at)
    if joiner is not None:
        actions.append(
            PromoteWatch(
                workspace=event.workspace, channel=event.channel, problem_id=joiner.problem_id
            )
        )
    return actions


def _forget_text(event: Event, watch: Watch) -> ForgetWatchText:
    return ForgetWatchText(
        workspace=event.workspace, channel=event.channel, problem_id=watch.problem_id
    )


def _on_edited(message: Message, problem: bool, doubtful: bool, state: TableState) -> list[Action]:
    """An edit of a watched problem, whether its nudge is still due, sent or snoozed:
    edited into a proposal, it answers itself (and its author's copies of the words it
    had); edited into no problem, it is withdrawn; else the watch keeps its words as
    they stand now, for the nudge, "Why?", a correction and the report alike."""
    event = message.event
    watch = state.watch(event.message_id)
    if watch is None or watch.status not in (*STILL_WAITING, "doubtful"):
        return []
    if watch.status == "doubtful" and (message.is_proposal or not (problem or doubtful)):
        return _close(event, watch, "unconfirmed", event.at)  # never treated as a problem
    if message.is_proposal:
        return _settle(event, watch, state, "answered", answered_by=watch.problem_id)
    # A doubtful problem another member confirmed stays one while it still reads as doubtful.
    if watch.status != "doubtful" and not problem and not (doubtful and watch.doubted):
        return _withdraw(event, watch, state)
    actions: list[Action] = []
    if watch.status == "doubtful" and problem:
        # Edited into a clear problem: watched in full, as if posted so.
        actions.append(
            ReviseWatch(
                workspace=event.workspace,
                channel=event.channel,
                problem_id=watch.problem_id,
                doubtful=False,
            )
        )
    # Reworded, unless a newer edit's words are stored by then (bot.statements).
    return [
        *actions,
        RewordWatch(
            workspace=event.workspace,
            channel=event.channel,
            problem_id=watch.problem_id,
            text=event.text[:WATCH_CHARS],
            read_after=message.read_after,
            at=event.at,
        ),
    ]


def _settle(
    event: Event, watch: Watch, state: TableState, outcome: str, *, answered_by=None
) -> list[Action]:
    """Close a waiting problem, and its author's waiting copies of the same words (a
    double post, or the same posted again): one answer settles them all, so that no
    second nudge follows about what was settled."""
    words = _same_words(watch.text)
    copies = [
        other
        for other in state.watches
        if other.problem_id != watch.problem_id
        and other.user == watch.user
        and other.status in (*STILL_WAITING, "doubtful")
        and words
        and _same_words(other.text) == words
    ]
    actions = _close(event, watch, outcome, event.at, answered_by=answered_by)
    for copy in copies:
        # A doubtful copy was never treated as a problem: it closes unconfirmed.
        settled = "unconfirmed" if copy.status == "doubtful" else outcome
        actions += _close(event, copy, settled, event.at, answered_by=answered_by)
    return actions


def answer_watches(
    watches: Iterable[Watch],
    event: Event,
    *,
    thread_id: str | None,
    by: str | None,
    posted_at: datetime | None = None,
) -> list[Action]:
    """Close every watch this proposal answers.

    An open watch is answered within its window, from the top level or its own thread,
    and after it (its nudge held back for the night) from its own thread.
    A nudged one is still answered from its own thread: the author followed up; so is
    one the retention sweep let go unanswered ("expired"), which the report still names.
    `posted_at`: when the proposal was posted, if not at the event (a message said later
    to propose something answers what it would have answered then, and no more: not
    problems posted after it, nor ones whose window had passed).
    """
    actions: list[Action] = []
    cutoff = event.at if posted_at is None else posted_at
    earlier = [w for w in watches if w.problem_id != by and w.posted_at <= cutoff]
    answered = [
        watch
        for watch in earlier
        if watch.in_scope_of(thread_id)
        and (
            (watch.status in ("open", "doubtful") and cutoff <= watch.deadline)
            or (watch.status in NUDGED and thread_id is not None)
            # Past its window, its nudge held for the night: its author followed up.
            or (watch.status == "open" and thread_id is not None)
        )
    ]
    # Its author's copies of the same words (a double post) are answered with it.
    copies = {(w.user, _same_words(w.text)) for w in answered if w.text}
    answered += [
        watch
        for watch in earlier
        if watch not in answered
        and watch.status in (*STILL_WAITING, "doubtful")
        and (watch.user, _same_words(watch.text)) in copies
    ]
    for watch in answered:
        # A doubtful problem was never treated as one: it closes unconfirmed.
        outcome = "unconfirmed" if watch.status == "doubtful" else "answered"
        if watch.status == "open" and by is not None:
            actions += _keep_to_reopen(event, watch, by)
        else:
            actions += _close(event, watch, outcome, event.at, answered_by=by)
    return actions


def _keep_to_reopen(event: Event, watch: Watch, by: str) -> list[Action]:
    """A problem answered before its nudge keeps its words while its answer may still be
    taken back (`REOPEN_WITHIN`); its timer, moved to then, erases them."""
    close, *cancel = _close(event, watch, "answered", event.at, answered_by=by)
    return [
        replace(close, keep_text=True),
        *cancel,
        ScheduleTimer(
            workspace=event.workspace,
            channel=event.channel,
            key=problem_timer_key(event.channel, watch.problem_id),
            kind=PROBLEM_TIMER,
            subject=watch.problem_id,
            due=max(watch.deadline, event.at) + REOPEN_WITHIN,
        ),
    ]


def reopen_answered(event: Event, message_id: str, state: TableState) -> list[Action]:
    """The proposal `message_id` was taken back: the problems it answered before their
    nudge (whose words are still kept) wait again, as if never answered; a nudge past
    due follows at once."""
    actions: list[Action] = []
    for watch in state.watches:
        if (
            watch.status == "answered"
            and watch.answered_by == message_id
            and watch.problem_id != message_id
            and watch.text
            # An edit older than the answer, delivered late, takes nothing back.
            and (watch.closed_at is None or event.at > watch.closed_at)
        ):
            actions += [
                ReopenWatch(
                    workspace=event.workspace,
                    channel=event.channel,
                    problem_id=watch.problem_id,
                    answered_by=message_id,
                ),
                private_timer(
                    state.settings,
                    workspace=event.workspace,
                    channel=event.channel,
                    key=problem_timer_key(event.channel, watch.problem_id),
                    kind=PROBLEM_TIMER,
                    subject=watch.problem_id,
                    due=max(watch.deadline, event.at),
                ),
            ]
    return actions


def _same_words(text: str) -> str:
    return " ".join(text.split())


def _close(
    event: Event, watch: Watch, outcome: str, at: datetime, *, answered_by: str | None = None
) -> list[Action]:
    # A nudge settled: what of it may be public goes with it (ClearNudge); also once the
    # sweep let it lapse ("expired"), for a quiet reply posted before the sweep cleared those.
    cleared: list[Action] = (
        [
            ClearNudge(
                workspace=event.workspace,
                channel=event.channel,
                lang=watch.lang,
                problem_id=watch.problem_id,
                thread_id=watch.thread_id,
            )
        ]
        if watch.status in NUDGED
        else []
    )
    return [
        CloseWatch(
            workspace=event.workspace,
            channel=event.channel,
            problem_id=watch.problem_id,
            outcome=outcome,
            at=at,
            answered_by=answered_by,
        ),
        CancelTimer(
            workspace=event.workspace,
            channel=event.channel,
            key=problem_timer_key(event.channel, watch.problem_id),
        ),
        CancelTimer(
            workspace=event.workspace,
            channel=event.channel,
            key=snooze_timer_key(event.channel, watch.problem_id),
        ),
        *cleared,
    ]


def on_timer(event: TimerFired, state: TableState) -> list[Action]:
    """The window passed (or a snooze ended): nudge the author, once."""
    watch = state.watch(event.subject)
    if watch is not None and watch.status in ("answered", "joined") and event.kind == PROBLEM_TIMER:
        # Its answer, or the problem it joined, can no longer be taken back for it: its
        # words go (`_keep_to_reopen`, `_withdraw`).
        return [_forget_text(event, watch)]
    if watch is not None and watch.status == "doubtful" and event.kind == PROBLEM_TIMER:
        return _close(event, watch, "unconfirmed", event.at)  # nobody took it up
    off = state.settings.nudges == "off"
    if watch is not None and watch.status == "open" and off and event.kind == PROBLEM_TIMER:
        # The table turned nudges off while it waited: it lapses as an unheeded doubt
        # does. (A snooze still ends in the reminder its author asked for.)
        return _close(event, watch, "unconfirmed", event.at)
    expected = "open" if event.kind == PROBLEM_TIMER else "snoozed"
    if watch is None or watch.status != expected:
        return []
    if _too_late(event, state):
        return _close(event, watch, "withdrawn", event.at)  # quietly, its text erased
    if event.kind == PROBLEM_TIMER and _said_before(watch, state):
        return _close(event, watch, "withdrawn", event.at)  # one nudge is enough
    paced = state.paced(watch.user)
    if event.kind == PROBLEM_TIMER and pacing.quiet_about(paced, watch):
        # Its author just said this conversation is no problem: quietly let go.
        return _close(event, watch, "withdrawn", event.at)
    # A snooze's reminder comes when its author asked for it; a first nudge waits its turn.
    held = (
        pacing.held_until(paced, state.settings, event.at) if event.kind == PROBLEM_TIMER else None
    )
    if held is None and event.kind == PROBLEM_TIMER and _reminder_due(watch, paced, state):
        # The reminder its author asked for goes first; this one waits its turn after it.
        held = event.at + state.settings.nudge_pacing
    if held is None and event.kind == PROBLEM_TIMER and _answer_unread(watch, state, event.at):
        held = event.at + READING_AWAITED_EVERY
    if held is not None:
        # Its author was nudged here a moment ago, or asked for later: it waits its turn
        # (still answerable meanwhile, and then not nudged at all).
        return [
            ScheduleTimer(
                workspace=event.workspace,
                channel=event.channel,
                key=event_key(event),
                kind=event.kind,
                subject=watch.problem_id,
                due=held,
            )
        ]
    others = _others_waiting(watch, state)
    return [
        pacing.nudged(event, watch.user),
        SendNudge(
            workspace=event.workspace,
            channel=event.channel,
            lang=watch.lang,
            user=watch.user,
            problem_id=watch.problem_id,
            thread_id=watch.thread_id,
            problem_text=excerpt(watch.text),
            posted_at=watch.posted_at,
            again=event.kind == SNOOZE_TIMER,
            paced=state.settings.nudge_pacing if others and state.settings.nudge_pacing else None,
            named_at=_named_at(event, watch, state.settings),
        ),
        # The text stays for the retention period so the author can still correct
        # or snooze; the retention sweep erases it.
        CloseWatch(
            workspace=event.workspace,
            channel=event.channel,
            problem_id=watch.problem_id,
            outcome="nudged",
            at=event.at,
            keep_text=True,
        ),
    ]


def _answer_unread(watch: Watch, state: TableState, at: datetime) -> bool:
    """Whether a reply posted in the problem's reach within its window still waits for
    its second reading (Reads.unread_replies), and the nudge may still wait for it."""
    if at >= watch.deadline + READING_AWAITED_FOR:
        return False
    return any(
        reply.message_id != watch.problem_id
        and watch.in_scope_of(reply.thread_id)
        and watch.posted_at <= reply.posted_at <= watch.deadline
        for reply in state.unread_replies
    )


def _named_at(event: TimerFired, watch: Watch, settings: TableSettings) -> Moment | None:
    """When the problem was named, for a first nudge that goes late: its turn came after
    another's, or the night or a snooze held it."""
    if event.kind != PROBLEM_TIMER or event.at - watch.deadline <= SAYS_WHEN_AFTER:
        return None
    return Moment(at=watch.posted_at, zone=settings.timezone, said_at=event.at)


def event_key(event: TimerFired) -> str:
    timer_key = problem_timer_key if event.kind == PROBLEM_TIMER else snooze_timer_key
    return timer_key(event.channel, event.subject)


def _reminder_due(watch: Watch, paced: Pacing, state: TableState) -> bool:
    """Its author's snooze ended, and the reminder they asked for is still to come."""
    return (
        bool(state.settings.nudge_pacing)
        and paced.snoozed_until is not None
        and any(
            other.user == watch.user
            and other.problem_id != watch.problem_id
            and other.status == "snoozed"
            for other in state.watches
        )
    )


def _others_waiting(watch: Watch, state: TableState) -> list[Watch]:
    """Its author's other problems here still to be nudged about (or reminded of)."""
    return [
        other
        for other in state.watches
        if other.user == watch.user
        and other.problem_id != watch.problem_id
        and other.status in ("open", "snoozed")
        and not _said_before(other, state)
    ]


def _too_late(event: TimerFired, state: TableState) -> bool:
    return event.at - event.due > max(state.settings.problem_window, LATE_AFTER)


def on_snoozed(
    event: NudgeSnoozed, state: TableState, span=None, lang: str | None = None
) -> list[Action]:
    """`lang`: the typed command's language, when it shows one; else the problem's (as
    its nudge and buttons speak); the table's own wins."""
    watch = state.watch(event.problem_id)
    lang = language(state, lang or (watch.lang if watch else None))
    if watch is None or watch.status not in STILL_WAITING or watch.user != event.user:
        return [
            private(
                event, event.user, Say.of(N_("There is nothing of yours to snooze here.")), lang
            )
        ]
    span = span or state.settings.snooze
    # It comes back by DM: not in the night where the table sits.
    comes_back = private_timer(
        state.settings,
        workspace=event.workspace,
        channel=event.channel,
        key=snooze_timer_key(event.channel, watch.problem_id),
        kind=SNOOZE_TIMER,
        subject=watch.problem_id,
        due=later_by(event.at, span, state.settings.timezone),
    )
    back = comes_back.due
    asked = _snoozed_until(watch, state)
    if asked is not None and asked >= back:
        # A snooze never brings the reminder earlier than its author already asked.
        return [_still_snoozed(event, asked, state.settings, lang)]
    others = [w for w in _others_waiting(watch, state) if w.status == "open"]
    reminders = snoozed_reminders.waits_on(state, event.user)
    return [
        pacing.snoozed(event, event.user, back),
        CloseWatch(
            workspace=event.workspace,
            channel=event.channel,
            problem_id=watch.problem_id,
            outcome="snoozed",
            at=event.at,
            keep_text=True,
        ),
        CancelTimer(
            workspace=event.workspace,
            channel=event.channel,
            key=problem_timer_key(event.channel, watch.problem_id),
        ),
        comes_back,
        _snooze_noted(
            event, span, back, state.settings, lang, others=bool(others), reminders=reminders
        ),
    ]


# What a snooze promises when it ends later than asked: a shorter one than before keeps
# the later end; one ending in the quiet hours, their end. A platform that cannot bring
# the reminder (Discord, DMs closed) keeps why in its own words (adapters.discord.delivery).
STILL_SNOOZED = N_(
    "Still snoozed until {at}, as you asked before: I will remind you then, not sooner."
)
SNOOZED_PAST_QUIET_HOURS = N_(
    "Snoozed until {at}. {span} from now is in the quiet hours here, so I will remind you "
    "when they end."
)


def _snoozed_until(watch: Watch, state: TableState) -> datetime | None:
    """When the reminder of a problem already snoozed comes (Reads.pending_timers)."""
    if watch.status != "snoozed":
        return None
    key = snooze_timer_key(state.channel, watch.problem_id)
    return next((t.due for t in state.pending_timers if t.key == key), None)


def _still_snoozed(
    event: NudgeSnoozed, until: datetime, settings: TableSettings, lang: str
) -> SnoozeNoted:
    """A shorter snooze (a bare /snooze after /snooze 2 hours) keeps the later end."""
    at = Moment(at=until, zone=settings.timezone, said_at=event.at)
    promise = Say.of(STILL_SNOOZED, at=at)
    return SnoozeNoted(
        workspace=event.workspace, channel=event.channel, lang=lang, user=event.user,
        text=promise, private=True, span=until - event.at, promise=promise,
        problem_id=event.problem_id, until=at,
    )  # fmt: skip


def _snooze_noted(
    event: NudgeSnoozed,
    span: timedelta,
    back: datetime,
    settings: TableSettings,
    lang: str,
    *,
    others: bool = False,
    reminders: bool = False,
) -> SnoozeNoted:
    """The promise names when the reminder comes, on each reader's own clock where the
    platform can show it (else the table's, named), and says so when the night moved
    it: "in 4 hours" alone says nothing of 02:41."""
    at = Moment(at=back, zone=settings.timezone, said_at=event.at)
    if back > later_by(event.at, span, settings.timezone):
        promise = Say.of(SNOOZED_PAST_QUIET_HOURS, at=at, span=Span(span))
    else:
        promise = Say.of(
            N_("Snoozed until {at}. I will remind you again in {span}."), at=at, span=Span(span)
        )
    held: list[Say] = []
    if others:  # the snooze holds all their nudges here (rules.pacing)
        held.append(Say.of(N_("Until then I do not nudge you about your other problems here "
                              "either.")))  # fmt: skip
    if reminders:  # and a round's and a renewal's reminders (rules.snoozed_reminders)
        held.append(Say.of(N_("Until then I send you no reminders here about a concern round "
                              "or your mandate either.")))  # fmt: skip
    text: Say | Lines = Lines((promise, *held)) if held else promise
    return SnoozeNoted(
        workspace=event.workspace, channel=event.channel, lang=lang, user=event.user,
        text=text, private=True, span=span, promise=promise, problem_id=event.problem_id,
        until=at,
    )  # fmt: skip


def on_proposal_added(event: ProposalAdded, state: TableState) -> list[Action]:
    """The author answered the nudge with a proposal (posted for them by the adapter)."""
    watch = state.watch(event.problem_id)
    lang = language(state, watch.lang if watch else None)
    actions: list[Action] = []
    if watch is not None and watch.status in PROPOSAL_WELCOME:
        actions += _settle(event, watch, state, "answered")
    actions.append(
        private(
            event,
            event.user,
            Say.of(N_("Thank you! Your proposal is posted under your problem.")),
            lang,
        )
    )
    return actions


def on_relabelled(
    event: MessageRelabelled,
    state: TableState,
    *,
    fewer_helps: bool = True,
    lang: str | None = None,
) -> list[Action]:
    """A person corrected the bot. Keep the text to learn from, and act on it now.
    `fewer_helps`: /nudges fewer would nudge less here (the engine has a surer bar).
    The answer is in the table's language, else `lang` (the command's), else the
    message's."""
    watch = state.watch(event.message_id)
    # A button on a nudge carries no text; the watch kept it for this.
    text = event.text or (watch.text if watch else "")
    said_in = watch.lang if watch else detect_language(text) if text else None
    lang = language(state, lang or said_in)
    dismissed = event.label == "problem" and not event.applies
    # "Not a problem" holds for the same message when it comes back (rules.fingerprints).
    fingerprint = message_fingerprint(text) if dismissed else None
    stored = {
        "workspace": event.workspace, "channel": event.channel, "user": event.user,
        "text": text, "at": event.at, "message_id": event.message_id,
        "lang": detect_language(text, fallback=state.settings.language or "") or None,
    }  # fmt: skip
    actions: list[Action] = []
    if event.label == "proposal" and event.applies and _read_as_problem(watch):
        # "It has a proposal" on a problem the bot took for one, rather than "not a
        # problem": a problem that answers itself, and so it is learnt (training.dataset).
        actions.append(StoreCorrection(**stored, label="problem", applies=True))
    actions.append(
        StoreCorrection(**stored, label=event.label, applies=event.applies, fingerprint=fingerprint)
    )
    if dismissed:
        settles = watch is not None and watch.status in STILL_WAITING
        if settles:
            actions += _settle(event, watch, state, "dismissed")
        paced = state.paced(event.user)
        own = watch is not None and watch.user == event.user
        # Only a correction that settles a problem counts towards backing off: the same
        # "Not a problem" clicked twice, or said of a settled one, is one correction.
        counted = pacing.dismissed(event, paced, state.settings, watch if own else None)
        if settles:
            actions.append(counted)
        thanks: Say | Lines = Say.of(
            N_("Thanks for telling me. I will not treat that as a problem.")
            if fingerprint is None
            else N_("Thanks for telling me. I will not treat that as a problem, nor the same "
                    "message when it comes back here.")
        )  # fmt: skip
        helps = state.settings.nudges == "normal" and fewer_helps
        backs_off = (
            settles
            and not pacing.backed_off(paced, event.at)
            and pacing.backed_off(
                replace(paced, dismissals=counted.dismissals or 0, dismissed_at=event.at),
                event.at,
            )
        )
        if helps and backs_off:
            # Told often enough that it was wrong: fewer nudges for them, said once.
            fewer = Say.of(
                N_("You have told me {count} times lately that I was wrong here. From now on "
                   "I nudge you here only about problems I am quite sure of, or that someone "
                   "reacts to, until a week passes without such a correction."),
                count=counted.dismissals,
            )  # fmt: skip
            thanks = Lines((thanks, fewer))
        elif (
            helps
            and _read_as_problem(watch)
            and not pacing.backed_off(paced, event.at)
            and pacing.hint_due(paced, event.at)
        ):
            # The moment a false nudge annoys is when the way to fewer helps most (and
            # only then: a message the bot never took for a problem is no false nudge).
            # Said once a week at most: repeated word for word, it nags.
            hint = Say.of(
                N_("Do I often get this wrong here? With /nudges fewer I only nudge about "
                   "problems I am quite sure of, or that someone reacts to.")
            )  # fmt: skip
            thanks = Lines((thanks, hint))
            actions.append(pacing.hinted(event, event.user))
        if settles:  # said by mistake, it may be taken back (rules.dismissals)
            noted = NotAProblemNoted(
                workspace=event.workspace, channel=event.channel, lang=lang, user=event.user,
                text=thanks, private=True, problem_id=watch.problem_id,
            )  # fmt: skip
            actions.append(noted)
        else:
            actions.append(private(event, event.user, thanks, lang))
    elif event.label == "proposal" and event.applies:
        # A problem that proposes something itself ("It has a proposal" on its nudge)
        # answers itself; and, as any proposal, those waiting in its reach.
        answers_itself = watch is not None and watch.status in STILL_WAITING
        watches = state.watches
        if answers_itself:
            settled = _settle(event, watch, state, "answered", answered_by=watch.problem_id)
            actions += settled
            closed = {a.problem_id for a in settled if isinstance(a, CloseWatch)}
            watches = tuple(w for w in watches if w.problem_id not in closed)
        actions += answer_watches(
            watches, event, thread_id=event.thread_id, by=event.message_id,
            posted_at=None if watch is None else watch.posted_at,
        )  # fmt: skip
        thanks = (
            N_("Thank you, and sorry for asking: your message proposes something already. I "
               "count it as a proposal, and keep it to learn from.")
            if answers_itself and watch.status != "open"
            # Never asked about (/has-proposal before its nudge): no apology due.
            else N_("Thank you: your message proposes something already. I count it as a "
                    "proposal, and keep it to learn from.")
            if answers_itself
            else N_("Thanks for telling me. I count that as a proposal.")
        )  # fmt: skip
        if answers_itself:
            # Said by mistake, it may be taken back (rules.dismissals).
            actions.append(
                NotAProblemNoted(
                    workspace=event.workspace, channel=event.channel, lang=lang,
                    user=event.user, text=Say.of(thanks), private=True,
                    problem_id=watch.problem_id, proposes=True,
                )
            )  # fmt: skip
        else:
            actions.append(private(event, event.user, Say.of(thanks), lang))
    else:
        actions.append(
            private(event, event.user, Say.of(N_("Thanks for telling me. Noted.")), lang)
        )
    return actions


def _read_as_problem(watch: Watch | None) -> bool:
    """The bot took the message for a problem (a doubtful one it never acted on aside)."""
    return watch is not None and watch.status not in ("doubtful", "unconfirmed")


def on_why(
    event: WhyAsked, state: TableState, reasons_of: ReasonsOf, lang: str | None = None
) -> list[Action]:
    """ "Why?" on a nudge: the words that made the bot read the author's message as a
    problem, and how to correct it. Only the author is told, privately; `lang` as for
    `on_snoozed`."""
    watch = state.watch(event.problem_id)
    lang = language(state, lang or (watch.lang if watch else None))
    # It quotes the message's telling words.
    answer = private(event, event.user, _why(watch, event.user, reasons_of), lang)
    return [replace(answer, quotes=event.problem_id)]


def _why(watch: Watch | None, user: str, reasons_of: ReasonsOf) -> Say | Lines:
    if watch is None or watch.user != user:
        return Say.of(N_("There is nothing of yours to explain here."))
    if not watch.text:  # settled, or past the retention period
        return Say.of(N_("I no longer keep that message, so I cannot say why."))
    reasons = reasons_of(watch)
    # Each word quoted, as a list in the reader's language ("“kwijt” en “weer”").
    words = Listed(tuple(Quote(f"“{word}”") for word in reasons.words))
    if reasons.doubted and reasons.words:
        found = Say.of(
            N_(
                "I was not sure your message was a problem ({words} made me wonder) "
                "until someone else reacted to it as a problem."
            ),
            words=words,
        )
    elif reasons.doubted:
        found = Say.of(
            N_(
                "I was not sure your message was a problem until someone else reacted to it as "
                "a problem."
            )
        )
    elif reasons.words:
        found = Say.of(
            N_("I read your message as a problem mostly because of {words}."), words=words
        )
    else:
        found = Say.of(N_("No single word stood out: I read your message as a whole as a "
                          "problem."))  # fmt: skip
    return Lines(
        (
            found,
            Say.of(
                N_("I go by words, not by what you meant, so I can be wrong. Not a problem "
                   "after all, or does your message propose something already? Say so (“Not "
                   "a problem” or /not-a-problem, “It has a proposal” or /has-proposal) and I "
                   "will keep it to learn from.")
            ),
        )
    )  # fmt: skip


def watch_meant(user: str, thread_id: str | None, state: TableState) -> Watch | None:
    """The waiting problem of `user` a command is about: the one in the command's own
    thread (a mention there), else the one already nudged (the nudge being answered;
    one snoozed next), else the newest waiting one."""
    mine = [w for w in state.watches if w.user == user and w.status in STILL_WAITING]
    here = [w for w in mine if thread_id is not None and thread_id in (w.problem_id, w.thread_id)]
    return max(
        here or mine,
        key=lambda w: (w.status == "nudged", w.status == "snoozed", w.posted_at),
        default=None,
    )


# How much of the problem a command's answer quotes, to say which message it acted on.
ABOUT_CHARS = 80


def quoting(
    text: str, message_id: str, user: str, actions: list[Action], *, direct: bool = False
) -> list[Action]:
    """The private answer to `user` says which message it acted on (the author may have
    more than one waiting): a short quote of `text`, the words of `message_id`, shown as
    quoted text, so it pings nobody. Typed in the bot's DM, the answer goes back there
    (`direct`)."""
    about = (
        Say.of(N_("About your message:")),
        Say.of(N_("> {problem}"), problem=Quote(excerpt(_same_words(text), ABOUT_CHARS))),
    )

    def answer(reply: Reply) -> Reply:
        if not text:
            return replace(reply, direct=direct)
        return replace(reply, text=Lines((*about, reply.text)), direct=direct, quotes=message_id)

    return [
        answer(a) if isinstance(a, Reply) and a.private and a.user == user else a for a in actions
    ]


def on_command(
    command: Command,
    state: TableState,
    reasons_of: ReasonsOf | None = None,
    *,
    fewer_helps: bool = True,
) -> list[Action]:
    """/not-a-problem, /has-proposal, /snooze and /why act on the caller's waiting
    problem here that they mean (`watch_meant`), and say which; /why needs `reasons_of`;
    `fewer_helps` as for `on_relabelled`."""
    event = command.event
    lang = language(state, command.lang)
    watch = watch_meant(event.user, event.thread_id, state)
    if watch is None and isinstance(command.parsed, Snooze):
        # No nudge to postpone: "not now" to the reminders here, if any would come.
        reminders = snoozed_reminders.snooze(command, state, lang)
        if reminders is not None:
            return [
                replace(a, direct=event.direct) if isinstance(a, Reply) else a for a in reminders
            ]
    if watch is None:
        none = Lines((
            Say.of(N_("I am not waiting for a proposal from you here, so there was nothing to "
                      "do.")),
            Say.of(_WHAT_IT_IS_FOR[type(command.parsed)]),
            Say.of(N_("Is it about another channel? Type it there.")),
        ))  # fmt: skip
        return [replace(private(event, event.user, none, lang), direct=event.direct)]
    actions = _on_command(command, watch, state, reasons_of, fewer_helps)
    return quoting(watch.text, watch.problem_id, event.user, actions, direct=event.direct)


# What each command does, for the person who typed it with nothing of theirs waiting.
_WHAT_IT_IS_FOR = {
    Snooze: N_("/snooze puts off my reminders to you here: about a problem of yours that waits "
               "for a proposal, a concern round or your mandate."),
    AskWhy: N_("/why tells you why I took a message of yours for a problem, while I wait for "
               "a proposal to it."),
    HasProposal: N_("/has-proposal tells me that a message of yours I took for a problem "
                    "already proposes something."),
    NotAProblem: N_("/not-a-problem tells me that a message of yours I took for a problem is "
                    "none."),
}  # fmt: skip


def _on_command(
    command: Command,
    watch: Watch,
    state: TableState,
    reasons_of: ReasonsOf | None,
    fewer_helps: bool,
) -> list[Action]:
    """The command does what the nudge's button does, about this watch."""
    event = command.event
    by = {
        "workspace": event.workspace,
        "channel": event.channel,
        "at": event.at,
        "event_id": event.event_id,
        "user": event.user,
    }
    if isinstance(command.parsed, NotAProblem | HasProposal):
        proposes = isinstance(command.parsed, HasProposal)
        return on_relabelled(
            MessageRelabelled(
                **by,
                message_id=watch.problem_id,
                text=watch.text,
                label="proposal" if proposes else "problem",
                applies=proposes,
                thread_id=watch.thread_id,
            ),
            state,
            fewer_helps=fewer_helps,
            lang=command.lang,
        )
    if isinstance(command.parsed, AskWhy):
        assert reasons_of is not None
        why = WhyAsked(**by, problem_id=watch.problem_id)
        return on_why(why, state, reasons_of, command.lang)
    assert isinstance(command.parsed, Snooze)
    snoozed = NudgeSnoozed(**by, problem_id=watch.problem_id)
    return on_snoozed(snoozed, state, command.parsed.span, command.lang)
