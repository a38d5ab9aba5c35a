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

"It has a proposal" (or /has-proposal) is taken back the same way ("Undo", or
/has-proposal undo): both corrections it stored go, the problem waits again, and the
problems of others it answered before their nudge (whose words are kept for that, as for
a proposal deleted) wait again too. Those it answered after their nudge kept no words,
and stay answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rules import pacing
from rules.actions import Action, ForgetDismissal, RestoreWatch, UndoNoted
from rules.events import CommandInvoked, UndoAsked
from rules.grammar import UndoHasProposal, UndoNotAProblem
from rules.held_timers import private_timer
from rules.problems import (
    PROBLEM_TIMER,
    REOPEN_WITHIN,
    STILL_WAITING,
    WATCH_CHARS,
    problem_timer_key,
    quoting,
    reopen_answered,
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
    """ "Undo" under the thanks for a "Not a problem" (or "It has a proposal"): about that
    very message."""
    mine = _said_by(event.user, event.proposes, state)
    dismissal = _latest(d for d in mine if d.message_id == event.message_id)
    watch = state.watch(event.message_id)
    return _undo(event, dismissal, watch, state, proposes=event.proposes)


def undo_by_command(command: Command, state: TableState) -> list[Action]:
    """/not-a-problem undo (/has-proposal undo): the caller's "Not a problem" ("It has a
    proposal") about the problem in the thread it is typed in (a mention there), else
    their latest at this table."""
    assert isinstance(command.parsed, UndoNotAProblem | UndoHasProposal)
    proposes = isinstance(command.parsed, UndoHasProposal)
    event = command.event
    mine = _said_by(event.user, proposes, state)
    if event.thread_id is not None:
        here = [d for d in mine if _in_thread(d, state.watch(d.message_id), event.thread_id)]
        mine = here or mine
    dismissal = _latest(mine)
    watch = state.watch(dismissal.message_id) if dismissal is not None else None
    return _undo(
        event, dismissal, watch, state, command.lang, direct=event.direct, proposes=proposes
    )


def _said_by(user: str, proposes: bool, state: TableState) -> list[Dismissal]:
    return [d for d in state.dismissals if d.user == user and d.proposes == proposes]


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
    proposes: bool = False,
) -> list[Action]:
    """Take `dismissal` back, bringing back the problem it settled (`watch`); or say,
    privately, why nothing was undone. `lang`: a typed command's; else the problem's.
    `proposes`: an "It has a proposal" is taken back, which settled it as answered by
    itself."""
    user = event.user
    words = _HAS_PROPOSAL if proposes else _NOT_A_PROBLEM
    lang = language(state, lang or (watch.lang if watch is not None else None))

    def answer(text: Say, quoted: str = "", message_id: str = "") -> list[Action]:
        said = [private(event, user, text, lang)]
        return quoting(quoted, message_id, user, said, direct=direct)

    if dismissal is None:
        if watch is not None and watch.user == user and watch.status in STILL_WAITING:
            # Undone already (a second click): it waits for a proposal as it should.
            return answer(Say.of(words.undone_already), watch.text, watch.problem_id)
        return answer(Say.of(words.nothing))
    if not dismissal.text:  # its writer deleted the message since: nothing to bring back
        return answer(Say.of(_DELETED))
    quoted = {"quoted": dismissal.text, "message_id": dismissal.message_id}
    if event.at - dismissal.at > UNDO_WITHIN:
        return answer(Say.of(words.too_late, span=Span(UNDO_WITHIN)), **quoted)
    if watch is None or not _settled_by(watch, proposes):
        return answer(Say.of(_SETTLED_OTHERWISE), **quoted)
    # Its window has not passed: it was not nudged, and will be when it does.
    due = event.at < watch.deadline
    undone = UndoNoted(
        workspace=event.workspace, channel=event.channel, lang=lang, user=user,
        text=Say.of(words.undone), private=True, problem_id=watch.problem_id,
        problem_thread_id=watch.thread_id, nudged=not due,
    )  # fmt: skip
    said = quoting(dismissal.text, dismissal.message_id, user, [undone], direct=direct)
    restored = _restore(event, watch, dismissal, due, state.settings)
    if proposes:
        # The problems of others it answered before their nudge wait again too.
        return [*restored, *reopen_answered(event, watch.problem_id, state), *said]
    # Nor does it count towards backing off, or keep its conversation quiet (rules.pacing).
    unpaced = pacing.undone(event, state.paced(user), watch)
    return [*restored, unpaced, *said]


def _settled_by(watch: Watch, proposes: bool) -> bool:
    """Whether `watch` is still settled as the correction left it."""
    if proposes:
        return watch.status == "answered" and watch.answered_by == watch.problem_id
    return watch.status == "dismissed"


def _restore(
    event: UndoAsked | CommandInvoked,
    watch: Watch,
    dismissal: Dismissal,
    due: bool,
    settings: TableSettings,
) -> list[Action]:
    where = {"workspace": event.workspace, "channel": event.channel}
    proposes = dismissal.proposes
    actions: list[Action] = [
        ForgetDismissal(**where, message_id=dismissal.message_id, user=dismissal.user,
                        proposes=proposes, at=dismissal.at if proposes else None),
        # The watch's words were erased when it was settled; the correction kept them (as
        # its writer last edited them).
        RestoreWatch(**where, problem_id=watch.problem_id, text=dismissal.text[:WATCH_CHARS],
                     nudged=not due, settled="answered" if proposes else "dismissed"),
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


@dataclass(frozen=True, slots=True)
class _Words:
    """What an undo of one kind of correction says."""

    undone: str
    undone_already: str
    nothing: str
    too_late: str


_NOT_A_PROBLEM = _Words(
    undone=N_("Undone: I will treat your message as a problem again."),
    undone_already=N_("That is undone already: I treat your message as a problem again."),
    nothing=N_("There is no “Not a problem” of yours to undo here."),
    too_late=N_("That “Not a problem” is more than {span} old, so it stays: I only undo one "
                "within {span}."),
)  # fmt: skip
_HAS_PROPOSAL = _Words(
    undone=N_("Undone: your message no longer counts as a proposal, and I wait for one again."),
    undone_already=N_("That is undone already: I wait for a proposal to your message again."),
    nothing=N_("There is no “It has a proposal” of yours to undo here."),
    too_late=N_("That “It has a proposal” is more than {span} old, so it stays: I only undo "
                "one within {span}."),
)  # fmt: skip
_DELETED = N_("That message was deleted, so there is nothing to treat as a problem again.")
_SETTLED_OTHERWISE = N_("That problem was settled in another way, so there is nothing to undo.")
