"""Orders the engine gives. `Change`s are applied to storage in one transaction;
`Outbound`s are delivered by an adapter after that transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rules.say import Moment, Say, Text


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    workspace: str
    channel: str


# --- changes to stored state ------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Change(Action):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteMember(Change):
    """`user` sits at the table. `joined`: the platform says so (they joined, or the
    channel's member list names them), so it is stored even where a process believes it
    knows them: another process may have seen them leave since. Someone merely heard
    from (a message, a command) may be taken as known."""

    user: str
    at: datetime
    joined: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteIntroduced(Change):
    """The bot introduced itself at the table `at` (not again soon: rules.introductions)."""

    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgetMember(Change):
    user: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MoveTable(Change):
    """Everything stored under `old_channel` is the table at `channel` now (its channel
    got a new id): settings, members, problems, rounds, agreements, timers, messages
    waiting to go out. What the new id already holds of the same things gives way."""

    old_channel: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgetProposal(Change):
    """A proposal deleted, or edited into something else: no yes counts for it and no
    round is started about it any more."""

    message_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RewordProposal(Change):
    """A proposal edited and still one: an offer to record it, a word to its proposer or
    a round about it quotes its words as they stand, never those taken back."""

    message_id: str
    text: str
    # When it was edited: words of a newer edit already stored stay (bot.statements).
    at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RewordRound(Change):
    """The proposal of an open round edited by its proposer: the round shows the words
    as they stand, and says that the answers given before were about earlier ones
    (unless only typos were fixed: then they hold)."""

    round_id: str
    text: str
    answers_hold: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EraseCorrectionText(Change):
    """A message deleted by its writer: corrections kept about it lose its words (what
    they say and the fingerprint stay: "not a problem" still holds for its like)."""

    message_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgetWaitingQuotes(Change):
    """A message deleted by its writer: what still waits to go out quoting it (its
    nudge, its second reading, an answer or an offer that quotes it: `quoted_message`)
    is not sent, and its words are erased."""

    message_id: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RewordCorrection(Change):
    """A message edited by its writer: corrections kept about it hold its words as they
    stand (what they say and the fingerprint stay), as a deletion erases them; a
    correction whose words were erased stays so."""

    message_id: str
    text: str
    at: datetime | None = None  # as for RewordProposal


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaveRound(Change):
    """A member who left the table is no longer waited for in a round (an answer they
    gave stays)."""

    round_id: str
    user: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchProblem(Change):
    problem_id: str
    thread_id: str | None
    user: str
    text: str
    lang: str
    posted_at: datetime
    deadline: datetime
    doubtful: bool = False  # nudged only if confirmed (ConfirmWatch) before the deadline
    # It joined the problem waiting in its thread ("same here"): watched only if that one
    # is taken back (PromoteWatch) before its own deadline.
    joined: bool = False
    read_after: Mapping[str, float] | None = None  # Message.read_after, for "Why?"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmWatch(Change):
    """Someone reacted to a doubtful problem as to a problem: it is watched in full."""

    problem_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviseWatch(Change):
    """A second reading of a waiting problem: watched in full, or only doubtfully (then
    nudged only if another member reacts to it). A watch a reaction confirmed stays."""

    problem_id: str
    doubtful: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RewordWatch(Change):
    """Its author edited a waiting problem: the watch keeps the words as they stand, so
    that the nudge, "Why?", a correction and the report use those, never the words
    taken back. `read_after` as for WatchProblem, of the edited message."""

    problem_id: str
    text: str
    read_after: Mapping[str, float] | None = None
    at: datetime | None = None  # as for RewordProposal


@dataclass(frozen=True, slots=True, kw_only=True)
class ReopenWatch(Change):
    """The proposal that answered a problem was taken back (deleted, or edited into
    none): the problem waits again, as if never answered."""

    problem_id: str
    answered_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RestoreWatch(Change):
    """Its author took back the "Not a problem" (or "It has a proposal") that settled a
    problem: it waits for a proposal again, with its words, still due its nudge (`nudged`
    False: its window has not passed) or as nudged. `settled`: the outcome it is taken
    back from ("answered": by itself, as "It has a proposal" settles it)."""

    problem_id: str
    text: str
    nudged: bool
    settled: str = "dismissed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgetDismissal(Change):
    """`user`'s "Not a problem" about a message, taken back: deleted, so that it is
    neither exported nor learnt from, and the same message is no longer known as none.
    `proposes`: their "It has a proposal" said at `at` instead, with the "problem" label
    stored beside it then."""

    message_id: str
    user: str
    proposes: bool = False
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Quiet:
    """A conversation someone said "Not a problem" about: no nudges to them about it
    until `until` (rules.pacing)."""

    scope: str
    until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NotePacing(Change):
    """How `user` was nudged or answered here (rules.state.Pacing): the fields given are
    stored, those left None stay as they were."""

    user: str
    nudged_at: datetime | None = None
    snoozed_until: datetime | None = None
    quiet: tuple[Quiet, ...] | None = None  # all of them, newest first
    dismissals: int | None = None
    dismissed_at: datetime | None = None
    hinted_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteDeleted(Change):
    """A message was deleted: for a while (the retention), its post or an edit delivered
    after the deletion opens no problem."""

    message_id: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteEdited(Change):
    """A message was edited: for a while (the retention), an older edit of it delivered
    late changes nothing (rules.edit_order)."""

    message_id: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PromoteWatch(Change):
    """The problem a "same here" joined in its thread was taken back: it waits on its own."""

    problem_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgetWatchText(Change):
    """An answered problem's words, kept while its answer could still be taken back,
    are erased once it can no longer be; so are a "same here"'s, once the problem it
    joined can no longer be taken back for it."""

    problem_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseWatch(Change):
    """Outcome: answered, nudged, snoozed, dismissed, withdrawn or unconfirmed."""

    problem_id: str
    outcome: str
    at: datetime
    answered_by: str | None = None
    keep_text: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenRound(Change):
    round_id: str
    proposal: str
    proposer: str
    thread_id: str | None
    lang: str
    started_at: datetime
    deadline: datetime
    participants: tuple[str, ...]
    started_by: str | None = None  # who asked for it (the proposer, or another member)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordAnswer(Change):
    round_id: str
    user: str
    concern: str | None
    at: datetime
    # The concern this member raised and now says is resolved (`concern` is None): kept
    # with their answer, so the round's record still shows it was raised.
    resolved: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteReminded(Change):
    round_id: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseRound(Change):
    """Outcome: answered (everyone did), deadline, or withdrawn (by `by`, before either:
    the round is no longer a question to the table, its answers stay stored)."""

    round_id: str
    outcome: str
    at: datetime
    by: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkRound(Change):
    """The round's proposal became agreement `number`: it is not offered again."""

    round_id: str
    number: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordAgreement(Change):
    number: int
    text: str
    why: str
    recorded_by: str
    owner: str
    consenters: tuple[str, ...]
    concerns: tuple[tuple[str, str], ...]
    review_on: date
    lang: str
    at: datetime
    round_id: str | None = None
    version: int = 1
    replaces: int | None = None
    mandates: tuple[tuple[str, str | None], ...] = ()
    lesson: str | None = None
    # Concerns raised in the round and said resolved (rules.state.Agreement).
    resolved_concerns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigureTable(Change):
    """Per-table overrides of the defaults; only the fields given change."""

    at: datetime
    problem_window: timedelta | None = None
    nudges: str | None = None
    language: str | None = None
    about: str | None = None
    not_about: str | None = None
    routing: str | None = None
    timezone: str | None = None
    # "22:00-07:00", "off" (none) or "default" (the bot's again): rules.table_quiet.
    quiet_hours: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleTimer(Change):
    key: str
    kind: str
    subject: str
    due: datetime
    # When the table's quiet hours held it to `due`: the moment it was due before they
    # did (rules.held_timers), so that a change of hours or zone sets it again from
    # there. None: nothing held it.
    held_from: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelTimer(Change):
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreCorrection(Change):
    """A person told the bot it judged a message wrongly; the text is kept to learn from."""

    user: str
    text: str
    label: str
    applies: bool
    at: datetime
    # For "not a problem": how the same message is known again (rules.fingerprints).
    fingerprint: str | None = None
    # The message corrected, so that deleting it erases the text kept here.
    message_id: str | None = None
    # The message's language, for training on it: its words', else the table's; None
    # when neither tells (the export then falls back to the bot's).
    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SetOrganisation(Change):
    user: str
    organisation: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SetMandate(Change):
    """A member's mandate at this table; `text` None keeps the text, changing the status."""

    user: str
    text: str | None
    status: str  # current, renewal_due, checking
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmMandates(Change):
    """Fill in the member's mandate on this table's agreements where it was pending."""

    user: str
    mandate: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenMeeting(Change):
    meeting_id: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseMeeting(Change):
    meeting_id: str
    at: datetime
    by: str
    renewals: tuple[str, ...]  # members asked to renew their mandate
    lang: str | None = None  # the language its renewal reminders speak


@dataclass(frozen=True, slots=True, kw_only=True)
class MandatesDue(Change):
    """These members' mandates are due for renewal after a meeting (ground rule 3): one
    change for the whole table, however large, written at once."""

    users: tuple[str, ...]
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordRenewal(Change):
    meeting_id: str
    user: str
    outcome: str  # renewed, check
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteMeetingReminder(Change):
    meeting_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordEvaluation(Change):
    meeting_id: str
    user: str
    scores: tuple[int, ...]
    comment: str | None
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AddRole(Change):
    name: str
    tasks: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AssignRole(Change):
    name: str
    user: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRoleTasks(Change):
    name: str
    tasks: str


@dataclass(frozen=True, slots=True, kw_only=True)
class VacateRole(Change):
    """The role stays, held by nobody: its holder gave it up, or left the table."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteRole(Change):
    """A role no longer needed; it owns no current agreement (rules.roles.remove)."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SetAgreementStatus(Change):
    """Change one version's status (current, revised, retired) or its review date."""

    number: int
    version: int
    status: str
    review_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordDecision(Change):
    """A choice the table made at a review: keep, revise or retire agreement `number`,
    and why (a revision's reason is its new version's)."""

    number: int
    decision: str
    user: str
    at: datetime
    why: str | None = None
    lesson: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteProposal(Change):
    scope: str
    message_id: str
    user: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteStance(Change):
    """Where each member stands on the scope's proposal now (the whole map, so that
    storage writes it without reading it first)."""

    scope: str
    stances: tuple[tuple[str, str], ...]  # (user, agree | concern)
    # (user, id of the message that gave their stance)
    messages: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkSuggested(Change):
    """The scope's proposal is offered for recording (or, a task for one, never will
    be): no yes counts for it any more. An offer keeps its words until it is recorded
    (or retention): an /agree with them takes the yeses, and /concerns may still poll
    it. A task's words are let go at once."""

    scope: str
    forget_text: bool = False


# --- messages to people ------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Outbound(Action):
    lang: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadAgain(Outbound):
    """Ask the second reader (rules/classifier/encoder.py) to read a message a nudge
    hangs on: a problem just watched, or a reply that may answer one. Its reading comes
    back as a `MessageReread`; until it does, the first reading stands."""

    message_id: str
    thread_id: str | None
    user: str
    text: str
    posted_at: datetime
    first: Mapping[str, float]  # the first reading's problem and proposal scores
    lang: str
    # A problem just watched, not a possible answer: its clauses are read too, in case
    # one of them proposes (bot.clause_reading).
    watched: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SendNudge(Outbound):
    """A private, kind reminder to add a proposal to a problem the author named."""

    user: str
    problem_id: str
    thread_id: str | None
    problem_text: str
    posted_at: datetime
    again: bool = False
    # Its author has other problems waiting here: they are nudged one at a time, at most
    # once in this span (rules.pacing), and the nudge says so.
    paced: timedelta | None = None
    # It goes later than its window's end (its turn came later, or the night or a snooze
    # held it): when the problem was named, which the nudge says rather than "a little
    # while ago".
    named_at: Moment | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClearNudge(Outbound):
    """The nudge about problem `problem_id` is settled (answered, dismissed, withdrawn):
    what of it was said in public goes (on Discord, the quiet reply beside a problem
    whose author's DMs were closed). `message_id`: that message, which the store fills
    in from where it was posted; without one there is nothing to clear."""

    problem_id: str
    thread_id: str | None
    message_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply(Outbound):
    """Text for the channel, or only for `user` when `private`; `direct`: a private
    answer to a command typed in the bot's DM, shown there rather than at the table."""

    user: str | None
    text: Text
    private: bool
    thread_id: str | None = None
    direct: bool = False
    quotes: str | None = None  # the message whose words it quotes (`quoted_message`)


@dataclass(frozen=True, slots=True, kw_only=True)
class WordToProposer(Reply):
    """Some of a larger table said yes to a proposal: its proposer alone is told how to
    ask the rest (rules/consensus.py). Every adapter shows it as the private reply it is;
    its own type lets a measurement count it (training/nudges.py)."""

    proposal: str
    agreeing: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewToOwner(Reply):
    """The private word, by DM, to an agreement's owner that its review came: the table
    looks at it now (rules/review_owner.py). Away from its table, it opens with which one
    (each adapter names the channel its own way)."""

    number: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SnoozeNoted(Reply):
    """The private word that a nudge is snoozed for `span`, its reminder promised in
    `promise` (inside `text`): a platform that knows the reminder cannot reach its author
    (Discord, DMs closed) says that instead of the promise."""

    span: timedelta
    promise: Say
    # The snoozed problem (None: enqueued before it was named), for a platform to say
    # only what still stands of its nudge.
    problem_id: str | None = None
    # When the reminder comes (None: enqueued before it was given), for a platform that
    # says so in its own words.
    until: Moment | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UndoNoted(Reply):
    """The private word that a "Not a problem" (or "It has a proposal") is undone: problem
    `problem_id` (in thread `problem_thread_id`, if any) waits for a proposal again.
    `nudged`: as nudged, with no nudge to come, so a platform whose nudge's choices went
    with the correction offers them again under this word."""

    problem_id: str
    problem_thread_id: str | None
    nudged: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class NotAProblemNoted(Reply):
    """The private thanks for a "Not a problem" that settled problem `problem_id` (for an
    "It has a proposal", `proposes`): it offers to undo it (a button where the platform
    has them, else /not-a-problem undo or /has-proposal undo)."""

    problem_id: str
    proposes: bool = False


@dataclass(frozen=True, slots=True)
class RoundView:
    """What a concern round looks like at one moment, for showing it."""

    round_id: str
    proposal: str
    proposer: str
    thread_id: str | None
    deadline: datetime
    participants: tuple[str, ...]
    no_concerns: tuple[str, ...]
    concerns: tuple[tuple[str, str], ...]
    # The proposal was edited while the round was open (rules.state.Round.reworded).
    reworded: bool = False
    # Of `no_concerns`, those who raised a concern and said it was resolved, with it.
    resolved: tuple[tuple[str, str], ...] = ()
    # Who asked for the round, when not its proposer (None: its proposer): the one told
    # privately when its messages cannot go out.
    started_by: str | None = None

    @property
    def answered(self) -> tuple[str, ...]:
        done = set(self.no_concerns) | {user for user, _ in self.concerns}
        return tuple(u for u in self.participants if u in done)

    @property
    def waiting(self) -> tuple[str, ...]:
        done = set(self.answered)
        return tuple(u for u in self.participants if u not in done)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostConcernRound(Outbound):
    round: RoundView
    # Delivered only after the round had closed (an outage, a restart): shown as it
    # ended, without answer buttons; `withdrawn` if it ended so.
    closed: bool = False
    withdrawn: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateRoundProgress(Outbound):
    round: RoundView
    # Delivered after the round had closed (bot.round_messages): its message shows how
    # it ended, without answer buttons; `withdrawn` if it ended so.
    closed: bool = False
    withdrawn: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RemindMembers(Outbound):
    """Reach only those who have not answered yet, privately."""

    round: RoundView
    users: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PostRoundSummary(Outbound):
    """The round's close: its answers, or, withdrawn, only who withdrew it."""

    round: RoundView
    outcome: str
    suggest_agreement: bool
    withdrawn_by: str | None = None
    # At the deadline, no concern but most did not answer: not offered for recording.
    too_few_answered: bool = False


@dataclass(frozen=True, slots=True)
class AgreementView:
    number: int
    text: str
    why: str
    owner: str
    recorded_by: str
    consenters: tuple[str, ...]
    concerns: tuple[tuple[str, str], ...]
    review_on: date
    version: int
    replaces: int | None
    status: str
    mandates: tuple[tuple[str, str | None], ...] = ()
    # The consenters' organisations, where known, as the table had them when shown.
    organisations: tuple[tuple[str, str], ...] = ()
    # Concerns raised in the round it settles and said resolved (rules.state.Agreement).
    resolved_concerns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnounceAgreement(Outbound):
    agreement: AgreementView
    thread_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AskRenewal(Outbound):
    """After a meeting: everyone renews their mandate (renewed / must check first); those
    of `users` who have none yet (`without_mandate`) are asked to set one instead."""

    meeting_id: str
    users: tuple[str, ...]
    reminder: bool = False  # by DM, to each alone
    without_mandate: tuple[str, ...] = ()
    # By DM as the meeting ends, to those without a mandate: the first time they are
    # asked, so not called a reminder.
    first: bool = False
    # A reminder goes by DM, about one member's own mandate: at a table that chose no
    # language each reads their own, not that of whoever ended the meeting. (user, lang):
    # their mandate's words show it; (user, None): their client's where the platform
    # knows it, else `lang`. Those not named here (everyone, at a table with a language
    # of its own) read `lang`, as does the channel (a ping for closed DMs).
    own_langs: tuple[tuple[str, str | None], ...] = ()

    def dm_lang(self, user: str, client: str | None = None) -> str:
        """The language of `user`'s DM; `client`: their client's, where known."""
        own = dict(self.own_langs)
        if user not in own:
            return self.lang
        return own[user] or client or self.lang

    def asks_client(self, user: str) -> bool:
        """Whether `user`'s client's language may choose their DM's (worth looking up)."""
        return any(u == user and lang is None for u, lang in self.own_langs)

    @property
    def only_to_set(self) -> bool:
        """Everyone asked has no mandate yet: nothing to renew, no renewal buttons."""
        return bool(self.users) and set(self.users) <= set(self.without_mandate)


@dataclass(frozen=True, slots=True, kw_only=True)
class AskEvaluation(Outbound):
    """After a meeting: score the nine relationship values, 1 to 5."""

    meeting_id: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SuggestAgreement(Outbound):
    """Most of the table agrees with a proposal: offer to record it (never silently)."""

    proposal: str
    proposer: str
    agreeing: tuple[str, ...]
    thread_id: str | None
    quotes: str | None = None  # the proposal's message (`quoted_message`)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestReport(Outbound):
    """Replaced by the service with a `PostReport` built from storage in the same
    transaction: the engine says when a report is due, bot/report.py what it says."""

    user: str | None
    since: datetime | None
    private: bool
    title: str = "report"  # report, meeting
    timezone: str = "UTC"  # the table's: the days the report shows are days there


@dataclass(frozen=True, slots=True, kw_only=True)
class PostReport(Outbound):
    """A concise report for one chat message, and its long form (for a file)."""

    user: str | None
    private: bool
    summary: Text
    full: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnounceReview(Outbound):
    """A temporary workable agreement reached its review date: keep, revise or retire?"""

    agreement: AgreementView
    # When the review was asked: its buttons name it, and a click that crossed a decision
    # taken since is refused (None: an item queued before buttons named it).
    asked_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseReview(Outbound):
    """A review is decided: its message (`AnnounceReview` of this version) loses its
    buttons and says what was decided, so nobody decides on it again."""

    agreement: AgreementView  # the version reviewed
    decision: str  # keep, revise, retire
    by: str


def quoted_message(action: Outbound) -> str | None:
    """The message whose words `action` carries, if any: once its writer deletes it, the
    action is not sent if it is still waiting (`ForgetWaitingQuotes`)."""
    match action:
        case ReadAgain(message_id=message_id):
            return message_id
        case SendNudge(problem_id=problem_id) | NotAProblemNoted(problem_id=problem_id):
            return problem_id
        case Reply(quotes=quotes) | SuggestAgreement(quotes=quotes):
            return quotes
    return None
