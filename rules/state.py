"""The slice of stored state a decision reads, as immutable snapshots.

Storage loads only the parts a decision asks for (`Reads`), so that the common case,
an ordinary chat message, touches almost nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType

from rules.actions import AgreementView, Quiet, RoundView
from rules.folding import fold
from rules.quiet_hours import NIGHT, QuietHours, after_quiet


@dataclass(frozen=True, slots=True)
class TableSettings:
    """How one table (channel) applies the rules. Defaults come from the bot's settings."""

    problem_window: timedelta = timedelta(minutes=10)
    language: str | None = None
    reminder_delay: timedelta = timedelta(hours=4)
    max_reminders: int = 2
    round_deadline: timedelta = timedelta(hours=24)
    review_after: timedelta = timedelta(weeks=4)
    poll_proposer: bool = False
    snooze: timedelta = timedelta(hours=1)
    round_link_window: timedelta = timedelta(days=7)
    # How readily a problem is nudged (/nudges): "normal", "fewer" (only problems over
    # the surer bar, or that another member reacts to) or "off".
    nudges: str = "normal"
    # The IANA time zone the table's days are counted in ("morgen", review dates) and
    # its reviews posted at REVIEW_HOUR of.
    timezone: str = "UTC"
    # The night there: a reminder or nudge by DM due in it waits for its end. None: no
    # quiet hours. The table's own (/table quiet-hours) when `own_quiet_hours`, else the
    # bot's (GROUNDRULES_QUIET_HOURS), which `bot_quiet_hours` always holds.
    quiet_hours: QuietHours | None = NIGHT
    own_quiet_hours: bool = False
    bot_quiet_hours: QuietHours | None = NIGHT

    def after_quiet(self, due: datetime) -> datetime:
        """When a private reminder due at `due` is sent: then, or as the table's quiet
        hours end."""
        return after_quiet(due, self.quiet_hours, self.timezone)

    # At most one nudge to a person at the table within this span (rules.pacing); their
    # other problems wait for it. Zero: each problem is nudged when its window ends.
    nudge_pacing: timedelta = timedelta(hours=1)

    def with_overrides(self, **overrides: object) -> TableSettings:
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given) if given else self


@dataclass(frozen=True, slots=True)
class Watch:
    """A problem waiting for a proposal."""

    problem_id: str
    thread_id: str | None
    user: str
    text: str
    lang: str
    posted_at: datetime
    deadline: datetime
    status: str  # open, doubtful, nudged, snoozed, answered, dismissed, withdrawn, joined
    # What the message before it scored on its own, if the problem was read after one
    # (Message.read_after): "Why?" explains the score from it.
    read_after: Mapping[str, float] | None = None
    # Opened as a doubtful problem: another member's reaction made it one.
    doubted: bool = False
    # The message that answered it, once answered; when it was settled.
    answered_by: str | None = None
    closed_at: datetime | None = None

    def in_scope_of(self, thread_id: str | None) -> bool:
        """A proposal answers at the channel's top level or in the problem's own thread."""
        if thread_id is None:
            return True
        own_thread = self.thread_id if self.thread_id is not None else self.problem_id
        return thread_id == own_thread

    def heard_in(self, thread_id: str | None) -> bool:
        """A reply is part of the problem's conversation: the top level for a problem
        posted there, else the problem's own thread (a reaction may confirm it)."""
        if thread_id is None:
            return self.thread_id is None
        return thread_id in (self.problem_id, self.thread_id)


@dataclass(frozen=True, slots=True)
class Dismissal:
    """Someone's "Not a problem" about a message (`proposes`: their "It has a proposal"),
    as stored to learn from; `text` is blank once its writer deleted the message."""

    message_id: str
    user: str
    text: str
    at: datetime
    proposes: bool = False


@dataclass(frozen=True, slots=True)
class Pacing:
    """How one person at a table was nudged and answered lately (rules.pacing)."""

    user: str
    nudged_at: datetime | None = None  # their latest nudge here (a reminder too)
    snoozed_until: datetime | None = None  # their latest snooze here ends
    # The conversations (a thread, or a top-level problem's own thread) their latest "Not
    # a problem"s quieted for them, newest first, each until its own time.
    quiet: tuple[Quiet, ...] = ()
    # Their "Not a problem"s here in a row, none more than a week after the one before,
    # and the latest one's time.
    dismissals: int = 0
    dismissed_at: datetime | None = None
    hinted_at: datetime | None = None  # when they were last told of /nudges fewer


@dataclass(frozen=True, slots=True)
class Round:
    round_id: str
    proposal: str
    proposer: str
    thread_id: str | None
    lang: str
    started_at: datetime
    deadline: datetime
    participants: tuple[str, ...]
    answers: Mapping[str, str | None]  # user -> concern text, None for "no concerns"
    reminders_sent: int
    status: str  # open, closed, withdrawn
    agreement_number: int | None = None
    closed_at: datetime | None = None
    # Who asked for it; None for rounds stored before this was kept (then only its
    # proposer may withdraw it).
    started_by: str | None = None
    # Its proposer edited the proposal while the round was open: `proposal` is the
    # words as they stand, and the answers given before were about earlier ones.
    reworded: bool = False
    # user -> the concern they raised and later said was resolved (their answer is now
    # None): the round counts them as having none, and still shows what was raised.
    resolved: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def view(self) -> RoundView:
        return RoundView(
            round_id=self.round_id,
            proposal=self.proposal,
            proposer=self.proposer,
            thread_id=self.thread_id,
            deadline=self.deadline,
            participants=self.participants,
            no_concerns=tuple(u for u, c in self.answers.items() if c is None),
            concerns=tuple((u, c) for u, c in self.answers.items() if c is not None),
            reworded=self.reworded,
            resolved=tuple(
                (u, c) for u, c in self.resolved.items() if self.answers.get(u, "") is None
            ),
            started_by=self.started_by if self.started_by != self.proposer else None,
        )


@dataclass(frozen=True, slots=True)
class Agreement:
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
    status: str  # current, revised, retired
    recorded_at: datetime
    lang: str = "en"
    mandates: tuple[tuple[str, str | None], ...] = ()
    channel: str = ""
    lesson: str | None = None
    # Concerns raised in the round it settles and said resolved before it closed: their
    # raisers are among the consenters, and the record still shows what they raised.
    resolved_concerns: tuple[tuple[str, str], ...] = ()

    def view(self, organisations: tuple[tuple[str, str], ...] = ()) -> AgreementView:
        return AgreementView(
            number=self.number,
            text=self.text,
            why=self.why,
            owner=self.owner,
            recorded_by=self.recorded_by,
            consenters=self.consenters,
            concerns=self.concerns,
            resolved_concerns=self.resolved_concerns,
            review_on=self.review_on,
            version=self.version,
            replaces=self.replaces,
            status=self.status,
            mandates=self.mandates,
            organisations=organisations,
        )


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """The latest keep, revise or retire of an agreement: who, and when."""

    number: int
    decision: str
    user: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Charter:
    """What the collaboration at this table is about, and is not about (the seed's
    preparation checklist), and how work is routed."""

    about: str | None = None
    not_about: str | None = None
    routing: str | None = None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """Someone at the table: for which organisation, and with what mandate."""

    user: str
    organisation: str | None = None
    mandate: str | None = None
    mandate_status: str | None = None  # current, renewal_due, checking
    renewed_at: datetime | None = None

    @property
    def current_mandate(self) -> str | None:
        return self.mandate if self.mandate_status == "current" else None


@dataclass(frozen=True, slots=True)
class Meeting:
    meeting_id: str
    started_at: datetime
    started_by: str
    status: str  # open, ended
    ended_at: datetime | None = None
    renewals: Mapping[str, str | None] = field(default_factory=dict)  # user -> outcome
    reminders_sent: int = 0
    lang: str | None = None  # the language it ended in

    @property
    def awaiting_renewal(self) -> tuple[str, ...]:
        return tuple(u for u, outcome in self.renewals.items() if outcome is None)


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    tasks: str
    holder: str | None


@dataclass(frozen=True, slots=True)
class ProposalSeen:
    """The latest proposal in a channel or thread, and where the table stands on it."""

    scope: str  # the thread id, or "" for the channel's top level
    message_id: str
    user: str
    text: str
    posted_at: datetime
    stances: Mapping[str, str] = field(default_factory=dict)  # user -> agree | concern
    suggested: bool = False
    # The message that gave each stance (user -> message id), so that its edit or
    # deletion turns or drops it; stances noted before 0015 have none, and stay.
    stance_messages: Mapping[str, str] = field(default_factory=dict)

    @property
    def agreeing(self) -> tuple[str, ...]:
        return tuple(u for u, s in self.stances.items() if s == "agree")

    @property
    def concerned(self) -> tuple[str, ...]:
        return tuple(u for u, s in self.stances.items() if s == "concern")


@dataclass(frozen=True, slots=True)
class UnreadReply:
    """A reply waiting for its second reading (a `ReadAgain` not carried out yet): it
    may still answer the problems in its reach."""

    message_id: str
    thread_id: str | None
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class PendingTimer:
    """A timer of the table not fired yet."""

    key: str
    kind: str
    subject: str
    due: datetime
    # The moment it was due before the quiet hours held it (ScheduleTimer.held_from);
    # `due` itself when they did not. None: not known, set before the bot kept it
    # (migration 0029).
    held_from: datetime | None = None


@dataclass(frozen=True, slots=True)
class Reads:
    """Which parts of a table's state a decision needs."""

    settings: bool = False
    members: bool = False
    watches: bool = False
    doubtful_watches: bool = False  # only the doubtful ones (a reaction may confirm them)
    round: bool = False
    agreements: bool = False
    numbering: bool = False
    # The decision may open a concern round or a meeting, of which a table has one at a
    # time: such decisions at one table wait for each other (else two at once, in two
    # processes, would each find none open).
    opening: bool = False
    watch_ids: tuple[str, ...] = ()
    round_ids: tuple[str, ...] = ()
    # Also the table's latest round that ended, closed or withdrawn (`last_ended_round`):
    # why a concern can no longer be resolved in it.
    ended_round: bool = False
    agreement_numbers: tuple[int, ...] = ()
    roster: bool = False
    meetings: bool = False
    meeting_ids: tuple[str, ...] = ()  # these meetings too, in `meetings_by_id`
    roles: bool = False
    proposal_scopes: tuple[str, ...] = ()
    # Also this person's latest proposal in the channel, in any thread, not yet offered
    # (in `proposals`, by its scope).
    proposal_of: str | None = None
    # Also the proposals not offered yet posted since then, in any thread (in
    # `proposals`, by scope): a deleted reply may have answered any of them.
    proposals_since: datetime | None = None
    # Also the proposals offered for recording whose words are still kept, in any thread
    # (in `proposals`, by scope): an /agree with those words takes the offer's yeses.
    offered_proposals: bool = False
    # Which of these message fingerprints the table said were not a problem.
    dismissed_fingerprints: tuple[str, ...] = ()
    # Also the problems these messages' deletion or edit may bring back: those they
    # answered (a proposal taken back), and those that joined them in their thread (a
    # problem taken back leaves its "same here" to wait on its own).
    taken_back: tuple[str, ...] = ()
    # Which of these messages were deleted (a post or edit delivered late).
    deleted_ids: tuple[str, ...] = ()
    # When these messages were last edited (an older edit delivered late is stale).
    edited_ids: tuple[str, ...] = ()
    # This person's latest "Not a problem"s and "It has a proposal"s at the table, and
    # the problems they settled (in `watches`; an "It has a proposal"'s as `taken_back`
    # reads a proposal's): one may be taken back. Such a decision waits for any other that
    # takes a message back (an edit, a deletion) at the table, and it for it.
    dismissals_of: str | None = None
    # Waits for any decision that takes a message back at the table (an edit, a
    # deletion), and it for it, as `dismissals_of` does: a problem posted (or said to
    # be none) while its deletion is handled elsewhere would otherwise keep, and
    # nudge about, the deleted words (each read before the other wrote).
    meets_taking_back: bool = False
    # When the bot last introduced itself at the table.
    introduced: bool = False
    # The scores this person gave the meetings read (`earlier_scores`): a new evaluation
    # says which it replaces.
    scores_of: str | None = None
    # How the table's people were nudged lately (`pacing`): everyone's, or this person's.
    pacing: bool = False
    pacing_of: str | None = None
    # The table's timers of these kinds not fired yet (`pending_timers`).
    pending_timers: tuple[str, ...] = ()
    # The replies still waiting for their second reading (`unread_replies`).
    unread_replies: bool = False

    @property
    def nothing(self) -> bool:
        """The decision reads no stored state at all."""
        return self == _NOTHING


_NOTHING = Reads()


@dataclass(frozen=True, slots=True)
class TableState:
    """A read-only snapshot of one table; parts not asked for are left empty."""

    workspace: str
    channel: str
    settings: TableSettings = TableSettings()
    charter: Charter = Charter()
    members: frozenset[str] = frozenset()
    roster: Mapping[str, MemberInfo] = field(default_factory=dict)
    open_meeting: Meeting | None = None
    last_meeting: Meeting | None = None
    meetings_by_id: Mapping[str, Meeting] = field(default_factory=dict)
    roles: tuple[Role, ...] = ()
    proposals: Mapping[str, ProposalSeen] = field(default_factory=dict)  # by scope
    watches: tuple[Watch, ...] = ()
    open_round: Round | None = None
    last_closed_round: Round | None = None
    last_ended_round: Round | None = None  # Reads.ended_round
    rounds_by_id: Mapping[str, Round] = field(default_factory=dict)
    agreements: tuple[Agreement, ...] = ()
    agreements_by_number: Mapping[int, Agreement] = field(default_factory=dict)
    # For the agreements read by number: the latest review decision of each.
    last_decisions: Mapping[int, ReviewDecision] = field(default_factory=dict)
    next_agreement_number: int = 1
    # Of the fingerprints asked for, those of messages the table said were no problem.
    dismissed: frozenset[str] = frozenset()
    # Of the messages asked for (Reads.deleted_ids), those deleted.
    deleted: frozenset[str] = frozenset()
    # Of the messages asked for (Reads.edited_ids), when each was last edited.
    edited: Mapping[str, datetime] = field(default_factory=dict)
    # Reads.dismissals_of: that person's latest "Not a problem"s here, newest first.
    dismissals: tuple[Dismissal, ...] = ()
    # Reads.introduced: when the bot last introduced itself here (None: never).
    introduced_at: datetime | None = None
    # Reads.scores_of: the scores that person gave each meeting read, by meeting id.
    earlier_scores: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # Reads.pacing / Reads.pacing_of: how each person was nudged lately, by user.
    pacing: Mapping[str, Pacing] = field(default_factory=dict)
    # Reads.pending_timers: those timers, soonest first.
    pending_timers: tuple[PendingTimer, ...] = ()
    # Reads.unread_replies: those replies.
    unread_replies: tuple[UnreadReply, ...] = ()

    def paced(self, user: str) -> Pacing:
        return self.pacing.get(user) or Pacing(user)

    def watch(self, problem_id: str) -> Watch | None:
        return next((w for w in self.watches if w.problem_id == problem_id), None)

    def role(self, name: str) -> Role | None:
        key = fold(name)
        return next((r for r in self.roles if fold(r.name) == key), None)

    def member(self, user: str) -> MemberInfo:
        return self.roster.get(user) or MemberInfo(user)

    def organisations(self, users: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """For whom these people are at the table, where the roster says."""
        return tuple(
            (user, organisation)
            for user in users
            if (organisation := self.member(user).organisation) is not None
        )
