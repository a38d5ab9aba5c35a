"""Taking back a "Not a problem" said by mistake (ground rule 1).

"Not a problem" on a nudge (or /not-a-problem) keeps a correction to learn from and
settles the problem. Its author may undo it ("Undo" under the bot's thanks, or
/not-a-problem undo) within `UNDO_WITHIN`: the correction is deleted, so it is neither
exported nor learnt from and the same message is nudged about again when it comes back,
and the problem waits for a proposal as it did. A problem whose window has not passed is
still nudged when it does; one past it waits as nudged, without a second nudge: its
author has just spoken about it; the word that it is undone then offers the nudge's
choices again where a platform has buttons (the ones used went with the "Not a problem").
Only its author is told, privately, quoting it.

An undo that finds nothing to take back changes nothing and says why: another person's
"Not a problem", one taken back already, one too old, or a message deleted since.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules import pacing
from rules.actions import Action, ForgetDismissal, RestoreWatch, UndoNoted
from rules.events import CommandInvoked, UndoAsked
from rules.grammar import UndoNotAProblem
from rules.held_timers import private_timer
from rules.problems import (
    PROBLEM_TIMER,
    REOPEN_WITHIN,
    STILL_WAITING,
    WATCH_CHARS,
    problem_timer_key,
    quoting,
)
from rules.say import N_, Say, Span
from rules.speech import language, private
from rules.state import Dismissal, TableSettings, TableState, Watch
from rules.understanding import Command

# As long as a problem answered before its nudge keeps its words in case its answer is
# taken back: a "Not a problem" clicked by mistake is noticed at once, and after an hour
# the conversation has moved on (a late nudge is not sent either: LATE_AFTER) while the
# correction may already have gone into `groundrules feedback export`. It is also well
# inside GROUNDRULES_RETENTION, which keeps a nudged problem's words to quote.
UNDO_WITHIN = REOPEN_WITHIN


def on_undo_asked(event: UndoAsked, state: TableState) -> list[Action]:
    """ "Undo" under the thanks for a "Not a problem": about that very message."""
    mine = [d for d in state.dismissals if d.user == event.user]
    dismissal = _latest(d for d in mine if d.message_id == event.message_id)
    return _undo(event, dismissal, state.watch(event.message_id), state)


def undo_by_command(command: Command, state: TableState) -> list[Action]:
    """/not-a-problem undo: the caller's "Not a problem" about the problem in the thread
    it is typed in (a mention there), else their latest at this table."""
    assert isinstance(command.parsed, UndoNotAProblem)
    event = command.event
    mine = [d for d in state.dismissals if d.user == event.user]
    if event.thread_id is not None:
        here = [d for d in mine if _in_thread(d, state.watch(d.message_id), event.thread_id)]
        mine = here or mine
    dismissal = _latest(mine)
    watch = state.watch(dismissal.message_id) if dismissal is not None else None
    return _undo(event, dismissal, watch, state, command.lang, direct=event.direct)


def _in_thread(dismissal: Dismissal, watch: Watch | None, thread_id: str) -> bool:
    return thread_id in (dismissal.message_id, watch.thread_id if watch else None)


def _latest(dismissals: Iterable[Dismissal]) -> Dismissal | None:
    return max(dismissals, key=lambda d: d.at, default=None)


def _undo(
    event: UndoAsked | CommandInvoked,
    dismissal: Dismissal | None,
    watch: Watch | None,
    state: TableState,
    lang: str | None = None,
    *,
    direct: bool = False,
) -> list[Action]:
    """Take `dismissal` back, bringing back the problem it settled (`watch`); or say,
    privately, why nothing was undone. `lang`: a typed command's; else the problem's."""
    user = event.user
    lang = language(state, lang or (watch.lang if watch is not None else None))

    def answer(text: Say, quoted: str = "", message_id: str = "") -> list[Action]:
        said = [private(event, user, text, lang)]
        return quoting(quoted, message_id, user, said, direct=direct)

    if dismissal is None:
        if watch is not None and watch.user == user and watch.status in STILL_WAITING:
            # Undone already (a second click): it waits for a proposal as it should.
            return answer(Say.of(_UNDONE_ALREADY), watch.text, watch.problem_id)
        return answer(Say.of(_NOTHING))
    if not dismissal.text:  # its writer deleted the message since: nothing to bring back
        return answer(Say.of(_DELETED))
    quoted = {"quoted": dismissal.text, "message_id": dismissal.message_id}
    if event.at - dismissal.at > UNDO_WITHIN:
        return answer(Say.of(_TOO_LATE, span=Span(UNDO_WITHIN)), **quoted)
    if watch is None or watch.status != "dismissed":
        return answer(Say.of(_SETTLED_OTHERWISE), **quoted)
    # Its window has not passed: it was not nudged, and will be when it does.
    due = event.at < watch.deadline
    undone = UndoNoted(
        workspace=event.workspace, channel=event.channel, lang=lang, user=user,
        text=Say.of(_UNDONE), private=True, problem_id=watch.problem_id,
        problem_thread_id=watch.thread_id, nudged=not due,
    )  # fmt: skip
    said = quoting(dismissal.text, dismissal.message_id, user, [undone], direct=direct)
    # Nor does it count towards backing off, or keep its conversation quiet (rules.pacing).
    unpaced = pacing.undone(event, state.paced(user), watch)
    return [*_restore(event, watch, dismissal, due, state.settings), unpaced, *said]


def _restore(
    event: UndoAsked | CommandInvoked,
    watch: Watch,
    dismissal: Dismissal,
    due: bool,
    settings: TableSettings,
) -> list[Action]:
    where = {"workspace": event.workspace, "channel": event.channel}
    actions: list[Action] = [
        ForgetDismissal(**where, message_id=dismissal.message_id, user=dismissal.user),
        # The watch's words were erased when it was settled; the correction kept them (as
        # its writer last edited them).
        RestoreWatch(**where, problem_id=watch.problem_id, text=dismissal.text[:WATCH_CHARS],
                     nudged=not due),
    ]  # fmt: skip
    if due:
        actions.append(
            private_timer(
                settings,
                **where,
                key=problem_timer_key(event.channel, watch.problem_id),
                kind=PROBLEM_TIMER,
                subject=watch.problem_id,
                due=watch.deadline,
            )
        )
    return actions


_UNDONE = N_("Undone: I will treat your message as a problem again.")
_UNDONE_ALREADY = N_("That is undone already: I treat your message as a problem again.")
_NOTHING = N_("There is no “Not a problem” of yours to undo here.")
_DELETED = N_("That message was deleted, so there is nothing to treat as a problem again.")
_TOO_LATE = N_("That “Not a problem” is more than {span} old, so it stays: I only undo one "
               "within {span}.")  # fmt: skip
_SETTLED_OTHERWISE = N_("That problem was settled in another way, so there is nothing to undo.")
