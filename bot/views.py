"""Read-only queries for summaries and listings, apart from the engine's state loading."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, or_
from sqlmodel import Session, SQLModel, col, select

from bot.models import (
    AgreementRow,
    AnswerRow,
    CorrectionRow,
    MandateRow,
    MemberRow,
    RoleRow,
    RoundRow,
    TableConfig,
    TimerRow,
    WatchRow,
)
from bot.table_zones import TableZones, table_zones
from rules.concerns import REMINDER_TIMER as ROUND_REMINDER
from rules.local_time import DEFAULT_ZONE, local_day
from rules.meetings import RENEWAL_TIMER as RENEWAL_REMINDER
from rules.problems import NUDGED_WAITING, PROPOSAL_WELCOME, STILL_WAITING
from rules.state import MemberInfo


@dataclass(frozen=True, slots=True)
class ProblemCounts:
    named: int
    answered: int
    nudged: int
    waiting: int
    dismissed: int


def problem_counts(database: Engine, workspace: str) -> ProblemCounts:
    with Session(database) as session:
        rows = session.exec(
            select(WatchRow.status, func.count())
            .where(WatchRow.workspace == workspace)
            .group_by(WatchRow.status)
        ).all()
    counts = Counter(dict(rows))
    # A doubtful problem nobody reacted to was never treated as one.
    # Nor one that joined another's in its thread ("same here"): that one is counted.
    for quiet in ("doubtful", "unconfirmed", "joined"):
        counts.pop(quiet, None)
    return ProblemCounts(
        named=sum(counts.values()),
        answered=counts["answered"],
        nudged=counts["nudged"] + counts["snoozed"] + counts["expired"],
        waiting=counts["open"],
        dismissed=counts["dismissed"] + counts["withdrawn"],
    )


def problem_waiting(
    database: Engine, workspace: str, channel: str, problem_id: str, *, proposal: bool = False
) -> bool:
    """Whether the problem a nudge names still waits for a proposal (its buttons do
    nothing once it is settled). `proposal`: for the "Add a proposal" form, which also
    answers a problem the retention sweep let go unanswered."""
    with Session(database) as session:
        watch = session.get(WatchRow, (workspace, channel, problem_id))
        waiting = PROPOSAL_WELCOME if proposal else STILL_WAITING
        return watch is not None and watch.status in waiting


def problem_named(
    database: Engine, workspace: str, channel: str, problem_id: str
) -> tuple[str, str | None] | None:
    """Who named a problem (its nudge's only reader), and in which thread (None: the
    channel itself); None when it is not known."""
    with Session(database) as session:
        watch = session.get(WatchRow, (workspace, channel, problem_id))
        return (watch.user, watch.thread_id) if watch is not None else None


def problem_language(database: Engine, workspace: str, channel: str, problem_id: str) -> str:
    """The language a problem's nudge was in (its watch's), else English."""
    with Session(database) as session:
        watch = session.get(WatchRow, (workspace, channel, problem_id))
        return watch.lang if watch is not None else "en"


@dataclass(frozen=True, slots=True)
class NudgedProblem:
    workspace: str
    channel: str
    problem_id: str
    thread_id: str | None
    text: str
    lang: str
    # When they were nudged (or snoozed) about it: which came last, it or a reminder.
    nudged_at: datetime | None = None


def nudged_problems(database: Engine, user: str, *, prefix: str) -> list[NudgedProblem]:
    """The problems `user` was nudged about that still wait for a proposal, at tables
    of workspaces starting with `prefix`, the latest nudged (or snoozed) first: a nudge
    that came by DM names commands, and typed there they act on these."""
    with Session(database) as session:
        rows = session.exec(
            select(WatchRow)
            .where(
                WatchRow.user == user,
                col(WatchRow.status).in_(NUDGED_WAITING),
                col(WatchRow.workspace).startswith(prefix, autoescape=True),
            )
            .order_by(col(WatchRow.closed_at).desc(), col(WatchRow.posted_at).desc())
        ).all()
        return [
            NudgedProblem(
                row.workspace,
                row.channel,
                row.problem_id,
                row.thread_id,
                row.text or "",
                row.lang,
                row.closed_at,
            )
            for row in rows
        ]


def dismissed_problems(
    database: Engine, user: str, *, prefix: str, proposes: bool = False
) -> list[NudgedProblem]:
    """The problems `user` said were "Not a problem" (`proposes`: "It has a proposal")
    that are still settled so, at tables of workspaces starting with `prefix`, the latest
    said first: /not-a-problem undo (/has-proposal undo), typed in the bot's DM, takes
    back one of these."""
    said = (
        and_(
            CorrectionRow.label == "proposal",
            col(CorrectionRow.applies).is_(True),
            WatchRow.status == "answered",
            WatchRow.answered_by == WatchRow.problem_id,
        )
        if proposes
        else and_(
            CorrectionRow.label == "problem",
            col(CorrectionRow.applies).is_(False),
            WatchRow.status == "dismissed",
        )
    )
    with Session(database) as session:
        rows = session.exec(
            select(WatchRow)
            .join(
                CorrectionRow,
                and_(
                    CorrectionRow.workspace == WatchRow.workspace,
                    CorrectionRow.channel == WatchRow.channel,
                    CorrectionRow.message_id == WatchRow.problem_id,
                ),
            )
            .where(
                CorrectionRow.user == user,
                said,
                col(WatchRow.workspace).startswith(prefix, autoescape=True),
            )
            .order_by(col(CorrectionRow.created_at).desc())
        ).all()
        return [
            NudgedProblem(
                row.workspace, row.channel, row.problem_id, row.thread_id, row.text or "", row.lang
            )
            for row in rows
        ]


@dataclass(frozen=True, slots=True)
class TableOf:
    workspace: str
    channel: str


# Mandates a renewal reminder asks about: not renewed since the meeting ended.
MANDATES_DUE = ("renewal_due", "checking")


def tables_for_command(
    database: Engine, user: str, command: str, *, prefix: str, resolving: bool = False
) -> list[TableOf]:
    """The tables a table command typed in the bot's DM (no table) may be about, at tables
    of workspaces starting with `prefix`: for /concern those whose open round waits for
    `user`'s answer (`resolving`, /concern resolved: those whose open round holds a
    concern of theirs), for /mandate those whose mandate of theirs waits to be renewed
    (what the DM reminders ask); else, and for every other command, the tables they sit
    at."""
    with Session(database) as session:
        asking: list[tuple[str, str]] = []
        if command == "concern":
            # /concern resolved: the open rounds holding a concern of theirs; any other
            # answer: the open rounds still waiting for theirs.
            theirs = (
                col(AnswerRow.concern).is_not(None)
                if resolving
                else col(AnswerRow.answered_at).is_(None)
            )
            rounds = _open_rounds_of(user, prefix, theirs, RoundRow.workspace, RoundRow.channel)
            asking = list(session.exec(rounds.order_by(col(RoundRow.deadline))).all())
        elif command == "mandate":
            asking = list(session.exec(_mandates_due_of(user, prefix)).all())
        if not asking:
            asking = list(
                session.exec(
                    select(MemberRow.workspace, MemberRow.channel)
                    .where(
                        MemberRow.user == user,
                        col(MemberRow.active).is_(True),
                        col(MemberRow.workspace).startswith(prefix, autoescape=True),
                    )
                    .order_by(col(MemberRow.channel))
                ).all()
            )
    return [TableOf(workspace, channel) for workspace, channel in dict.fromkeys(asking)]


def _open_rounds_of(user: str, prefix: str, theirs: ColumnElement[bool], *columns):
    """Open rounds at tables of workspaces starting with `prefix` where `user`'s answer
    meets `theirs`."""
    return (
        select(*columns)
        .join(
            AnswerRow,
            (AnswerRow.workspace == RoundRow.workspace) & (AnswerRow.round_id == RoundRow.round_id),
        )
        .where(
            AnswerRow.user == user,
            RoundRow.status == "open",
            theirs,
            col(RoundRow.workspace).startswith(prefix, autoescape=True),
        )
    )


def _mandates_due_of(user: str, prefix: str):
    """The tables where a mandate of `user`'s waits to be renewed."""
    return select(MandateRow.workspace, MandateRow.channel).where(
        MandateRow.user == user,
        col(MandateRow.status).in_(MANDATES_DUE),
        col(MandateRow.workspace).startswith(prefix, autoescape=True),
    )


@dataclass(frozen=True, slots=True)
class TableReminding:
    workspace: str
    channel: str
    reminded_at: datetime | None  # its latest reminder sent; None: none yet


def tables_reminding(database: Engine, user: str, *, prefix: str) -> list[TableReminding]:
    """The tables where a reminder may come for `user` (as rules.snoozed_reminders
    .waits_on): an open round waiting for their answer, a mandate of theirs waiting to
    be renewed; at tables of workspaces starting with `prefix`, the one whose reminder
    went out last first. /snooze typed in the bot's DM holds that one's."""
    with Session(database) as session:
        unanswered = col(AnswerRow.answered_at).is_(None)
        rounds = session.exec(
            _open_rounds_of(
                user, prefix, unanswered, RoundRow.workspace, RoundRow.channel, RoundRow.round_id
            )
        ).all()
        mandates = session.exec(_mandates_due_of(user, prefix)).all()
        found: dict[tuple[str, str], datetime | None] = {}
        asked = [(w, c, ROUND_REMINDER, r) for w, c, r in rounds]
        asked += [(w, c, RENEWAL_REMINDER, None) for w, c in mandates]
        for workspace, channel, kind, subject in asked:
            query = select(func.max(TimerRow.fired_at)).where(
                TimerRow.workspace == workspace, TimerRow.channel == channel,
                TimerRow.kind == kind,
            )  # fmt: skip
            if subject is not None:
                query = query.where(TimerRow.subject == subject)
            sent = session.exec(query).one()
            earlier = found.get((workspace, channel))
            found[(workspace, channel)] = max(filter(None, (earlier, sent)), default=None)
    tables = [TableReminding(w, c, at) for (w, c), at in found.items()]
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(tables, key=lambda t: t.reminded_at or oldest, reverse=True)


def table_language(database: Engine, workspace: str, channel: str) -> str | None:
    """The language a table chose with /table language, if it chose one."""
    with Session(database) as session:
        config = session.get(TableConfig, (workspace, channel))
        return config.language if config is not None else None


def table_roles(database: Engine, workspace: str, channel: str) -> frozenset[str]:
    """The names of a table's roles, lower-cased."""
    with Session(database) as session:
        return frozenset(
            session.exec(
                select(RoleRow.key).where(
                    RoleRow.workspace == workspace, RoleRow.channel == channel
                )
            ).all()
        )


def tables_with_pending_work(database: Engine, workspace: str) -> set[str]:
    """The tables (channel ids) of a workspace where something is still to come: a timer
    not yet fired (a reminder, a nudge, a review), an open round, a problem still waiting.
    Those are the ones a place gone unannounced would leave posting into nothing."""
    with Session(database) as session:
        timers = session.exec(
            select(TimerRow.channel)
            .where(TimerRow.workspace == workspace, col(TimerRow.fired_at).is_(None))
            .distinct()
        ).all()
        rounds = session.exec(
            select(RoundRow.channel)
            .where(RoundRow.workspace == workspace, RoundRow.status == "open")
            .distinct()
        ).all()
        watches = session.exec(
            select(WatchRow.channel)
            .where(
                WatchRow.workspace == workspace,
                col(WatchRow.status).in_([*STILL_WAITING, "doubtful"]),
            )
            .distinct()
        ).all()
    return {*timers, *rounds, *watches}


def round_outcomes(database: Engine, workspace: str) -> Counter[str]:
    with Session(database) as session:
        rows = session.exec(
            select(RoundRow.status, RoundRow.outcome).where(RoundRow.workspace == workspace)
        ).all()
    return Counter(outcome or status for status, outcome in rows)


def agreements(database: Engine, workspace: str, channel: str | None = None) -> list[AgreementRow]:
    with Session(database) as session:
        query = select(AgreementRow).where(AgreementRow.workspace == workspace)
        if channel is not None:
            query = query.where(AgreementRow.channel == channel)
        return list(
            session.exec(query.order_by(col(AgreementRow.number), col(AgreementRow.version))).all()
        )


@dataclass(frozen=True, slots=True)
class WaitingRound:
    channel: str
    round_id: str
    proposal: str
    proposer: str
    deadline: datetime


@dataclass(frozen=True, slots=True)
class HeldMandate:
    channel: str
    text: str
    status: str  # current, renewal_due, checking
    renewed_on: date | None  # the day it was renewed where its table sits


@dataclass(frozen=True, slots=True)
class HeldRole:
    channel: str
    name: str
    tasks: str


@dataclass(frozen=True, slots=True)
class MemberHome:
    """What one member sees on their home page (Slack App Home, /groundrules me)."""

    rounds_waiting: list[WaitingRound]
    reviews_due: list[AgreementRow]
    recent_agreements: list[AgreementRow]
    channels: list[str]
    mandates: list[HeldMandate] = field(default_factory=list)
    roles: list[HeldRole] = field(default_factory=list)


def _at_tables(
    model: type[SQLModel], workspace: str, elsewhere: Mapping[str, Collection[str]]
) -> ColumnElement[bool]:
    """Rows of `workspace`, or of the given channels of the other workspaces."""
    rows: Any = model
    return or_(
        rows.workspace == workspace,
        *(
            and_(rows.workspace == home, col(rows.channel).in_(list(channels)))
            for home, channels in elsewhere.items()
        ),
    )


def member_home(
    database: Engine,
    workspace: str,
    user: str,
    *,
    now: datetime,
    default_zone: str = DEFAULT_ZONE,
    soon: int = 7,
    recent: int = 10,
    elsewhere: Mapping[str, Collection[str]] | None = None,
) -> MemberHome:
    """Open rounds waiting for this member, agreements of their tables due for review
    within `soon` days, and the most recent agreements of their tables. `elsewhere`: the
    tables of channels shared with other workspaces (bot.homes), by home, shown too.
    Days are each table's own: `soon` counts from its today, a mandate's renewal is
    dated there (its zone, else `default_zone`)."""
    elsewhere = elsewhere or {}
    with Session(database) as session:
        zones = table_zones(session.connection(), default_zone)
        # Their tables, named in SQL where rows are read from them: someone may sit at more
        # tables (every forum post is one on Discord) than a statement takes values.
        theirs = select(MemberRow.channel).where(
            _at_tables(MemberRow, workspace, elsewhere),
            MemberRow.user == user,
            col(MemberRow.active).is_(True),
        )
        channels = list(session.exec(theirs).all())
        waiting = session.exec(
            select(RoundRow)
            .join(
                AnswerRow,
                (AnswerRow.workspace == RoundRow.workspace)
                & (AnswerRow.round_id == RoundRow.round_id),
            )
            .where(
                _at_tables(RoundRow, workspace, elsewhere),
                RoundRow.status == "open",
                AnswerRow.user == user,
                col(AnswerRow.answered_at).is_(None),
            )
            .order_by(col(RoundRow.deadline))
        ).all()
        mandates = [
            HeldMandate(m.channel, m.text, m.status, _renewed_on(m, zones))
            for m in session.exec(
                select(MandateRow)
                .where(
                    _at_tables(MandateRow, workspace, elsewhere),
                    MandateRow.user == user,
                    col(MandateRow.channel).in_(theirs),
                )
                .order_by(col(MandateRow.channel))
            ).all()
        ]
        roles = [
            HeldRole(r.channel, r.name, r.tasks)
            for r in session.exec(
                select(RoleRow)
                .where(_at_tables(RoleRow, workspace, elsewhere), RoleRow.holder == user)
                .order_by(col(RoleRow.channel), col(RoleRow.key))
            ).all()
        ]
        current = list(
            session.exec(
                select(AgreementRow)
                .where(
                    _at_tables(AgreementRow, workspace, elsewhere),
                    col(AgreementRow.channel).in_(theirs),
                    AgreementRow.status == "current",
                )
                .order_by(col(AgreementRow.recorded_at).desc())
            ).all()
        )

    def due_soon(agreement: AgreementRow) -> bool:
        today = local_day(now, zones.of(agreement.workspace, agreement.channel))
        return agreement.review_on <= today + timedelta(days=soon)

    due = sorted(filter(due_soon, current), key=lambda a: a.review_on)
    return MemberHome(
        rounds_waiting=[
            WaitingRound(r.channel, r.round_id, r.proposal, r.proposer, r.deadline) for r in waiting
        ],
        reviews_due=due,
        recent_agreements=current[:recent],
        channels=channels,
        mandates=mandates,
        roles=roles,
    )


def _renewed_on(mandate: MandateRow, zones: TableZones) -> date | None:
    """The day a mandate was renewed, where its table sits."""
    if mandate.renewed_at is None:
        return None
    return local_day(mandate.renewed_at, zones.of(mandate.workspace, mandate.channel))


def roster(session: Session, workspace: str, channel: str) -> list[MemberInfo]:
    """Who is at a table, for which organisation, with what mandate (by user)."""
    rows = session.exec(
        select(MemberRow, MandateRow)
        .join(
            MandateRow,
            (MandateRow.workspace == MemberRow.workspace)
            & (MandateRow.channel == MemberRow.channel)
            & (MandateRow.user == MemberRow.user),
            isouter=True,
        )
        .where(
            MemberRow.workspace == workspace,
            MemberRow.channel == channel,
            col(MemberRow.active).is_(True),
        )
        .order_by(col(MemberRow.user))
    ).all()
    return [
        MemberInfo(
            user=member.user,
            organisation=member.organisation,
            mandate=mandate.text if mandate else None,
            mandate_status=mandate.status if mandate else None,
            renewed_at=mandate.renewed_at if mandate else None,
        )
        for member, mandate in rows
    ]
