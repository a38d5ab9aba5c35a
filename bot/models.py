"""SQLModel tables. Every row carries its workspace: workspaces never share data (the
table of a channel several Slack workspaces share is its home's: bot.homes).

Message text is kept only where a rule needs it: an open problem's text (until it is
answered, dismissed or its retention ends), corrections people make, and what the bot
says until it is delivered (bot.codec.kind_only). A person forgotten at their request
leaves only their part in the table's record (bot.person_data).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, DateTime, Index, TypeDecorator
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, plain UTC in the database (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class TableConfig(SQLModel, table=True):
    """A table's overrides of the bot-wide defaults; absent means default."""

    __tablename__ = "table_config"
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    problem_window_s: int | None = None
    nudges: str | None = None  # normal, fewer, off (/nudges)
    language: str | None = None
    about: str | None = None
    not_about: str | None = None
    routing: str | None = None
    updated_at: datetime = Field(sa_column=utc_column())
    timezone: str | None = None  # an IANA name (/table timezone)
    # /table quiet-hours: "22:00-07:00", or "off" for none; None keeps the bot's (0025).
    quiet_hours: str | None = None
    # When the bot last introduced itself here (rules.introductions); None: never.
    introduced_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class MemberRow(SQLModel, table=True):
    __tablename__ = "member"
    # A person's tables, across workspaces (a command in the bot's DM; 0031).
    __table_args__ = (Index("ix_member_user", "user"),)
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    active: bool = True
    joined_at: datetime = Field(sa_column=utc_column())
    organisation: str | None = None


class WatchRow(SQLModel, table=True):
    """A problem statement waiting for a proposal (ground rule 1)."""

    __tablename__ = "problem_watch"
    __table_args__ = (
        Index("ix_problem_watch_channel_status", "workspace", "channel", "status"),
        Index("ix_problem_watch_user", "user"),  # a person's nudged problems (0031)
    )
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    problem_id: str = Field(primary_key=True)
    thread_id: str | None = None
    user: str
    text: str | None = None
    lang: str = "en"
    posted_at: datetime = Field(sa_column=utc_column())
    deadline: datetime = Field(sa_column=utc_column())
    status: str = "open"
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    answered_by: str | None = None
    # The text-alone scores of the message it was read after ("Why?" explains from them).
    read_after: dict[str, float] | None = Field(default=None, sa_column=Column(JSON))
    # Opened as a doubtful problem (under its table's watch bar): nudged, if at all,
    # because another member reacted to it. "Why?" says so.
    doubted: bool = False
    # A nudge's "Add a proposal" form is posting its proposal, until then (bot.proposing).
    proposing_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class DeletedMessageRow(SQLModel, table=True):
    """A message deleted in a table, kept for GROUNDRULES_RETENTION: its post or an edit
    delivered after the deletion opens no problem."""

    __tablename__ = "deleted_message"
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    deleted_at: datetime = Field(sa_column=utc_column(index=True))


class PacingRow(SQLModel, table=True):
    """How one person at a table was nudged and answered lately (rules.pacing): at most
    one nudge to them in a span, a snooze that holds them all, a conversation they said
    was no problem kept quiet, and fewer nudges after repeated "Not a problem"s (0024)."""

    __tablename__ = "nudge_pacing"
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    nudged_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    snoozed_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The conversation their latest "Not a problem" quieted, until when; the earlier ones
    # still quiet, newest first, as [scope, until (ISO 8601)] pairs (0026).
    quiet_scope: str | None = None
    quiet_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    quiet_earlier: list[list[str]] | None = Field(default=None, sa_column=Column(JSON))
    dismissals: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    dismissed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    hinted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class MemberLanguageRow(SQLModel, table=True):
    """The language (en, nl) of a Discord member's client, as their latest slash command,
    button or form in this server showed it: Discord tells a bot no one's language
    otherwise. A DM about their own mandate speaks it where Slack's would speak their
    Slack locale (AskRenewal.dm_lang; 0027). Written only when it changes."""

    __tablename__ = "member_language"
    workspace: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    lang: str


class AppliedDefaultsRow(SQLModel, table=True):
    """The bot-wide quiet hours and time zone (GROUNDRULES_QUIET_HOURS, _TIMEZONE) the
    bot last started with, in one row: a start with others sets again the timers the old
    ones held at the tables that follow them (bot.default_nights), once, whichever process
    starts first. NULL: not known yet (the first start since 0030 only writes them)."""

    __tablename__ = "applied_defaults"
    id: int = Field(default=1, primary_key=True)
    timezone: str | None = None
    quiet_hours: str | None = None  # as TableConfig.quiet_hours: "21:00-08:00", or "off"


class EditedMessageRow(SQLModel, table=True):
    """When a message in a table was last edited, kept for GROUNDRULES_RETENTION: an
    older edit delivered after it does not undo it (a problem's or a proposal's words, a
    stance, a correction's words). The one place edit times are kept (0019)."""

    __tablename__ = "edited_message"
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    edited_at: datetime = Field(sa_column=utc_column(index=True))


class RoundRow(SQLModel, table=True):
    """A concern round about one proposal (ground rule 4)."""

    __tablename__ = "concern_round"
    __table_args__ = (Index("ix_concern_round_channel_status", "workspace", "channel", "status"),)
    workspace: str = Field(primary_key=True)
    round_id: str = Field(primary_key=True)
    channel: str
    proposal: str
    proposer: str
    thread_id: str | None = None
    lang: str = "en"
    started_at: datetime = Field(sa_column=utc_column())
    deadline: datetime = Field(sa_column=utc_column())
    status: str = "open"  # open, closed, withdrawn
    outcome: str | None = None  # answered, deadline, withdrawn
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reminders_sent: int = 0
    agreement_number: int | None = None
    # Who asked for the round (may withdraw it, as its proposer may), and who withdrew it.
    started_by: str | None = None
    withdrawn_by: str | None = None
    # The proposer edited the proposal while the round was open (0015).
    reworded: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class AnswerRow(SQLModel, table=True):
    """One polled member of a round; `answered_at` is empty until they answer."""

    __tablename__ = "round_answer"
    # The open rounds waiting for a person, whichever table (a DM's /concern; 0031).
    __table_args__ = (Index("ix_round_answer_user", "user"),)
    workspace: str = Field(primary_key=True)
    round_id: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    position: int = 0
    concern: str | None = None
    answered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The concern they raised and later said was resolved (`concern` is then None) (0022).
    resolved_concern: str | None = None


class AgreementRow(SQLModel, table=True):
    """One version of an agreement (a TWO); a revision is a new row that replaces it."""

    __tablename__ = "agreement"
    __table_args__ = (
        Index("ux_agreement_number_version", "workspace", "number", "version", unique=True),
        Index("ix_agreement_channel", "workspace", "channel"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace: str
    channel: str
    number: int
    version: int = 1
    text: str
    why: str
    recorded_by: str
    owner: str
    consenters: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    concerns: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    review_on: date
    status: str = "current"
    lang: str = "en"
    replaces: int | None = None
    round_id: str | None = None
    recorded_at: datetime = Field(sa_column=utc_column())
    # [[user, mandate or null]]: null shows "mandate pending" until the member confirms.
    mandates: list[list[str | None]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    lesson: str | None = None
    # [[user, concern]] raised in the round it settles and said resolved there (0023;
    # empty for agreements before it): the raisers are among the consenters.
    resolved_concerns: list[list[str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class TimerRow(SQLModel, table=True):
    """A stored deadline; exactly one ticker fires it (`fired_at` set in its transaction)."""

    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_pending", "fired_at", "due"),)
    workspace: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    channel: str
    kind: str
    subject: str
    due: datetime = Field(sa_column=utc_column())
    fired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    fired_by: str | None = None
    # When it was due before the table's quiet hours held it to `due` (`due` itself when
    # they did not), so that a change of the hours or zone sets it again exactly. None:
    # set before migration 0029, guessed from `due` (rules.night_timers).
    held_from: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The due `held_from` was written with: a process of a release before 0029 sets a
    # timer again by its due alone, and the held_from it leaves is then not this due's
    # (None, as before 0029: guessed). See `held_from_of`.
    held_to: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


def held_from_of(
    due: datetime, held_from: datetime | None, held_to: datetime | None
) -> datetime | None:
    """A timer row's held_from, if it is its `due`'s (TimerRow.held_to); else None: not
    known, guessed from the due (rules.night_timers)."""
    return held_from if held_to is not None and held_to == due else None


class ProcessedEvent(SQLModel, table=True):
    """Event ids already handled, so platform retries are handled once."""

    __tablename__ = "processed_event"
    workspace: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)
    processed_at: datetime = Field(sa_column=utc_column(index=True))
    # An event answered outside the engine (words typed in the bot's DM, bot.dm_once) is
    # claimed until then, under a token of its process's (`claim`), and kept for good once
    # its answer is under way (None). The engine's claims are for good from the start.
    leased_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    claim: str | None = None


class CorrectionRow(SQLModel, table=True):
    """ "This was not a problem" and the like, kept with the text to learn from."""

    __tablename__ = "correction"
    __table_args__ = (
        Index("ix_correction_fingerprint", "workspace", "channel", "fingerprint"),
        Index("ix_correction_message", "workspace", "channel", "message_id"),
        Index("ix_correction_user", "user"),  # what a person said was no problem (0031)
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(index=True)
    channel: str
    user: str
    text: str
    label: str
    applies: bool
    created_at: datetime = Field(sa_column=utc_column())
    # "Not a problem": the message's fingerprint, so that its like is not nudged again.
    fingerprint: str | None = None
    # The message corrected: deleting it blanks `text`. None for corrections stored before
    # migration 0009, which keep their text until the retention sweep.
    message_id: str | None = None
    # The message's language (rules.actions.StoreCorrection.lang), for the export. None
    # for corrections stored before migration 0013: the export guesses it from the text.
    lang: str | None = None


class OutboxRow(SQLModel, table=True):
    """Messages to people, written with the decision that caused them and delivered
    after it commits, so that a crash in between loses none."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace: str
    channel: str
    payload: str
    created_at: datetime = Field(sa_column=utc_column())
    next_attempt_at: datetime = Field(sa_column=utc_column())
    delivered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    attempts: int = 0
    last_error: str | None = None
    # Who holds its delivery: a token per claim (bot.leases), so that the holder can tell
    # whether its lease is still its own.
    claim: str | None = None


class SentStep(SQLModel, table=True):
    """One step of an outbox item that reached its platform before the item was done (a
    page of a long message, a member's reminder DM, a group's pings): whichever process
    retries the item sends only the rest (bot.sent_steps). Gone with the item's delivery."""

    __tablename__ = "sent_step"
    workspace: str = Field(primary_key=True)
    outbox_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    step: str = Field(primary_key=True)
    ref: str | None = None  # the platform's id for what it sent, if it has one


class PostedMessage(SQLModel, table=True):
    """Where the bot posted something it will edit later (a round's progress line), and
    in which language, for the edit to speak it too."""

    __tablename__ = "posted_message"
    workspace: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    channel: str
    ref: str
    posted_at: datetime = Field(sa_column=utc_column())
    lang: str | None = None  # None: posted before 0014


class MandateRow(SQLModel, table=True):
    """What a member may agree to for their organisation at this table (rules 2 and 3)."""

    __tablename__ = "mandate"
    # A person's mandates due for renewal, whichever table (a DM's /mandate; 0031).
    __table_args__ = (Index("ix_mandate_user", "user"),)
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    text: str
    status: str = "current"  # current, renewal_due, checking
    updated_at: datetime = Field(sa_column=utc_column())
    renewed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class MeetingRow(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_channel", "workspace", "channel", "started_at"),)
    workspace: str = Field(primary_key=True)
    meeting_id: str = Field(primary_key=True)
    channel: str
    started_at: datetime = Field(sa_column=utc_column())
    started_by: str
    status: str = "open"
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ended_by: str | None = None
    reminders_sent: int = 0
    lang: str | None = None  # the language it ended in: its reminders speak it


class RenewalRow(SQLModel, table=True):
    """A member asked to renew their mandate after a meeting, and their answer."""

    __tablename__ = "mandate_renewal"
    workspace: str = Field(primary_key=True)
    meeting_id: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    outcome: str | None = None  # renewed, check
    answered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class EvaluationRow(SQLModel, table=True):
    """One member's process evaluation of a meeting: a score 1-5 per relationship value."""

    __tablename__ = "evaluation"
    workspace: str = Field(primary_key=True)
    meeting_id: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    scores: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    comment: str | None = None
    given_at: datetime = Field(sa_column=utc_column())


class RoleRow(SQLModel, table=True):
    """A role with transferable tasks (work in roles, not functions)."""

    __tablename__ = "role"
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    key: str = Field(primary_key=True)  # the name, lower-cased
    name: str
    tasks: str
    holder: str | None = None
    created_at: datetime = Field(sa_column=utc_column())
    assigned_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class DecisionRow(SQLModel, table=True):
    """A choice made at a review (keep, revise, retire), for reports: what and why."""

    __tablename__ = "review_decision"
    __table_args__ = (Index("ix_review_decision_channel", "workspace", "channel", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace: str
    channel: str
    number: int
    decision: str
    user: str
    lesson: str | None = None
    at: datetime = Field(sa_column=utc_column())
    why: str | None = None  # None: none given (a button, or decided before 0011)


class ProposalRow(SQLModel, table=True):
    """The latest proposal per channel or thread, and who agreed or raised a concern:
    the consensus rule needs its text until it is recorded (or retention): an offered one
    may still be recorded with its yeses, or polled by a concern round."""

    __tablename__ = "proposal_seen"
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    scope: str = Field(primary_key=True)
    message_id: str
    user: str
    text: str | None = None
    posted_at: datetime = Field(sa_column=utc_column())
    stances: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    suggested: bool = False
    # user -> the message that gave their stance (0015; none for stances noted before).
    stance_messages: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )


class RemovedWorkspace(SQLModel, table=True):
    """A workspace or server that removed the bot. Its data is deleted once
    GROUNDRULES_REMOVED_RETENTION has passed, unless the bot is back there before."""

    __tablename__ = "removed_workspace"
    workspace: str = Field(primary_key=True)
    removed_at: datetime = Field(sa_column=utc_column())


class ForgottenPerson(SQLModel, table=True):
    """A person forgotten at their request in a workspace (bot.person_data), and when: each
    running process drops what it holds of them within a tick, and an event of theirs from
    before it that waited in a spool is not stored. Itself an id: deleted once
    GROUNDRULES_FORGOTTEN_RETENTION has passed."""

    __tablename__ = "forgotten_person"
    workspace: str = Field(primary_key=True)
    user: str = Field(primary_key=True)
    forgotten_at: datetime = Field(sa_column=utc_column(index=True))


class ChannelHome(SQLModel, table=True):
    """The workspace whose table a Slack channel is (bot.homes). A Slack Connect channel
    is one channel, with one id, in several organisations' workspaces, and the bot may be
    installed in each: its table is its home's, whichever installation an event came
    through. Set when the channel is first heard from; deleted with its workspace."""

    __tablename__ = "channel_home"
    channel: str = Field(primary_key=True)
    workspace: str
    since: datetime = Field(sa_column=utc_column())


class RemovedFromChannel(SQLModel, table=True):
    """A Slack channel an installation's bot was removed from, until it is invited back
    (bot.channels_left). Slack answers channel_not_found for a private channel the bot
    is not in as for one deleted: kept here, a process started later, or another one,
    does not take the one for the other and end the table's open work there. Deleted
    with its workspace."""

    __tablename__ = "removed_from_channel"
    workspace: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    removed_at: datetime = Field(sa_column=utc_column())


def now_utc() -> datetime:
    """The one place outside tests where the application reads the clock."""
    return datetime.now(UTC)
