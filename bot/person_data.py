"""What the bot keeps about one person in one workspace, and forgetting it at their
request (`groundrules person forget`).

Their own data goes: who they are at each table and for which organisation, their
client's language (Discord), their mandates and renewals, evaluations, answers in
concern rounds, the problems they named, their corrections, their proposals and the
yeses and concerns they gave in chat, the roles they held (the roles stay, held by
nobody), and what waits to go out to or about them. The table's record stays: an
agreement they recorded, own, consented to or raised a concern about, a review they
decided, a round they proposed, a meeting they ran keep existing with `FORMER_MEMBER`
("a former member") in their place; the words the table agreed on, and the mandate and
concerns it weighed, stay with them. An agreement they owned has no owner at the table
any more: its next review asks for one.

Forgetting also notes who was forgotten, and when (`forgotten_person`), for
GROUNDRULES_FORGOTTEN_RETENTION: the note is itself their id, so it goes then. Running
bots read the notes every tick (bot.runtime) and drop what they still hold of the
person: a member note not yet written, that they know them as a member at a table, their
Discord client's language, Slack's description of them. An event of theirs from before
the note, kept in a spool while the database did not answer, is not stored when the spool
is handed in; one from after it (they spoke again) is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update

from bot import codec, dm_once, forgetting_lock
from bot.database import upsert_insert
from bot.in_chunks import in_chunks
from bot.models import (
    AgreementRow,
    AnswerRow,
    CorrectionRow,
    DecisionRow,
    EvaluationRow,
    ForgottenPerson,
    MandateRow,
    MeetingRow,
    MemberLanguageRow,
    MemberRow,
    OutboxRow,
    PacingRow,
    PostedMessage,
    ProcessedEvent,
    ProposalRow,
    RenewalRow,
    RoleRow,
    RoundRow,
    SentStep,
    TimerRow,
    WatchRow,
)
from bot.store import quiet_reply_key
from rules import problems
from rules.actions import ClearNudge
from rules.say import FORMER_MEMBER

# Who was forgotten, and when: read by the running bots (`forgotten`).
_marks = ForgottenPerson.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Part:
    """What forgetting does to one table: `count` rows, and how (`done`)."""

    table: str
    count: int
    done: str


class _DryRun(Exception):
    """Raised to roll back what a dry run did."""


def held(engine: Engine, workspace: str, user: str, at: datetime) -> list[Part]:
    """What `forget` would do, done in a transaction that is rolled back: the list is the
    forgetting itself, changing nothing."""
    parts: list[Part] = []
    try:
        with engine.begin() as connection:
            parts = _forget(connection, workspace, user, at)
            raise _DryRun
    except _DryRun:
        pass
    return parts


def forget(engine: Engine, workspace: str, user: str, at: datetime) -> list[Part]:
    """Forget `user` in `workspace` at `at`, in one transaction; what was done. Notes that
    they were forgotten at `at` in it too (`forgotten`), for the running bots."""
    with engine.begin() as connection:
        return forget_in(connection, workspace, user, at)


def forget_in(connection: Connection, workspace: str, user: str, at: datetime) -> list[Part]:
    """`forget` in `connection`'s transaction, which nothing has used yet: member notes
    under way are written first, and those after it wait for its commit
    (bot.forgetting_lock)."""
    forgetting_lock.hold_to_forget(connection)
    parts = _forget(connection, workspace, user, at)
    _note_forgotten(connection, workspace, user, at)
    return parts


def forgotten(engine: Engine, since: datetime | None = None) -> dict[tuple[str, str], datetime]:
    """Who was forgotten (workspace, user), and when: those noted at or after `since`, or
    all that are noted."""
    query = select(_marks.c.workspace, _marks.c.user, _marks.c.forgotten_at)
    if since is not None:
        query = query.where(_marks.c.forgotten_at >= since)
    with engine.connect() as connection:
        return {(w, u): at for w, u, at in connection.execute(query)}


def forget_notes_before(engine: Engine, before: datetime) -> int:
    """Delete the notes of people forgotten before `before`; how many."""
    with engine.begin() as connection:
        return connection.execute(delete(_marks).where(_marks.c.forgotten_at < before)).rowcount


def _note_forgotten(connection: Connection, workspace: str, user: str, at: datetime) -> None:
    """Forgotten again: the new time stands (what was heard of them in between is gone
    too)."""
    upsert = upsert_insert(connection)(_marks)
    upsert = upsert.values(workspace=workspace, user=user, forgotten_at=at)
    connection.execute(
        upsert.on_conflict_do_update(
            index_elements=["workspace", "user"],
            set_={"forgotten_at": upsert.excluded.forgotten_at},
        )
    )


def still_at(engine: Engine, workspace: str, user: str) -> int:
    """At how many of the workspace's tables `user` is still a member: the bot knows them
    again (their id alone) as soon as they speak there."""
    members = MemberRow.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return len(
            connection.execute(
                select(members.c.channel).where(
                    members.c.workspace == workspace,
                    members.c.user == user,
                    members.c.active.is_(True),
                )
            ).all()
        )


def _forget(connection: Connection, workspace: str, user: str, at: datetime) -> list[Part]:
    steps: list[tuple[str, str, Callable[[Connection, str, str, datetime], int]]] = [
        ("outbox", "words erased: messages to or about them (still waiting ones not sent)",
         _outgoing),
        ("timer", "deleted: the timers of the problems they named", _their_problem_timers),
        ("posted_message", "cleared: public reminders naming them beside their problems "
         "(each one's deletion queued)", _their_quiet_replies),
        *(
            (table, done, _deleting(model))
            for table, model, done in _THEIR_OWN
        ),
        ("proposal_seen", "taken out: their yeses and concerns on others' proposals",
         _their_stances),
        ("processed_event", "deleted: ids of platform events naming them", _their_event_ids),
        ("role", "given up: the roles they held (the roles stay, held by nobody)", _their_roles),
        ("agreement", f"name “{FORMER_MEMBER}” instead: versions they recorded, own, "
         "consented to or raised a concern about (their words there stay)", _agreements),
        ("review_decision", f"name “{FORMER_MEMBER}” instead: reviews they decided",
         _replacing(DecisionRow, "user")),
        ("concern_round", f"name “{FORMER_MEMBER}” instead: rounds they proposed, asked "
         "for or withdrew", _replacing(RoundRow, "proposer", "started_by", "withdrawn_by")),
        ("meeting", f"name “{FORMER_MEMBER}” instead: meetings they started or ended",
         _replacing(MeetingRow, "started_by", "ended_by")),
    ]  # fmt: skip
    parts = []
    for table, done, step in steps:
        count = step(connection, workspace, user, at)
        if count:
            parts.append(Part(table, count, done))
    return parts


# Rows that are theirs alone, by their `user` column: deleted.
_THEIR_OWN = (
    ("member", MemberRow, "deleted: who they are at each table, and for which organisation"),
    ("mandate", MandateRow, "deleted: their mandates"),
    ("mandate_renewal", RenewalRow, "deleted: their answers when asked to renew a mandate"),
    ("evaluation", EvaluationRow, "deleted: their meeting evaluations, comments included"),
    ("round_answer", AnswerRow, "deleted: their answers in concern rounds, concerns included"),
    ("correction", CorrectionRow, "deleted: their corrections, with their messages' words"),
    ("problem_watch", WatchRow, "deleted: the problems they named, with their words"),
    (
        "nudge_pacing",
        PacingRow,
        "deleted: when they were last nudged, snoozed or said “Not a problem”",
    ),
    ("proposal_seen", ProposalRow, "deleted: their proposals waiting for the table's yes"),
    ("member_language", MemberLanguageRow, "deleted: the language of their Discord client"),
)


def _deleting(model) -> Callable[[Connection, str, str, datetime], int]:
    table = model.__table__

    def step(connection: Connection, workspace: str, user: str, at: datetime) -> int:
        mine = (table.c.workspace == workspace) & (table.c.user == user)
        return connection.execute(delete(table).where(mine)).rowcount

    return step


def _replacing(model, *columns: str) -> Callable[[Connection, str, str, datetime], int]:
    """A former member in their place, in each of `columns` that names them."""
    table = model.__table__

    def step(connection: Connection, workspace: str, user: str, at: datetime) -> int:
        changed: set[tuple] = set()
        key = list(table.primary_key.columns)
        for column in columns:
            theirs = (table.c.workspace == workspace) & (table.c[column] == user)
            changed |= {tuple(row) for row in connection.execute(select(*key).where(theirs))}
            connection.execute(update(table).where(theirs).values({column: FORMER_MEMBER}))
        return len(changed)

    return step


def _their_problem_timers(connection: Connection, workspace: str, user: str, at: datetime) -> int:
    watches, timers = WatchRow.__table__, TimerRow.__table__  # type: ignore[attr-defined]
    theirs = connection.execute(
        select(watches.c.channel, watches.c.problem_id).where(
            watches.c.workspace == workspace, watches.c.user == user
        )
    ).all()
    keys = [
        key(channel, problem_id)
        for channel, problem_id in theirs
        for key in (problems.problem_timer_key, problems.snooze_timer_key)
    ]
    # Someone who named many problems has more keys than one statement takes values.
    return sum(
        connection.execute(
            delete(timers).where(timers.c.workspace == workspace, timers.c.key.in_(chunk))
        ).rowcount
        for chunk in in_chunks(keys)
    )


def _their_quiet_replies(connection: Connection, workspace: str, user: str, at: datetime) -> int:
    """A nudge that went in public beside a problem they named (Discord's quiet reply,
    their DMs closed) names them, and nothing settles it once their problem is gone: its
    deletion is queued for the running bot's outbox, due at once."""
    watches = WatchRow.__table__  # type: ignore[attr-defined]
    posted, outbox = PostedMessage.__table__, OutboxRow.__table__  # type: ignore[attr-defined]
    theirs = {
        quiet_reply_key(watch.channel, watch.problem_id): watch
        for watch in connection.execute(
            select(watches.c.channel, watches.c.problem_id, watches.c.thread_id, watches.c.lang)
            .where(watches.c.workspace == workspace, watches.c.user == user)
        )
    }  # fmt: skip
    # A statement per chunk of their problems, not per problem: someone may have named
    # thousands.
    refs: dict[str, str] = {}
    for chunk in in_chunks(theirs):
        refs.update(
            (key, ref) for key, ref in connection.execute(
                delete(posted)
                .where(posted.c.workspace == workspace, posted.c.key.in_(chunk))
                .returning(posted.c.key, posted.c.ref)
            )
        )  # fmt: skip
    cleared = 0
    for key, watch in theirs.items():
        ref = refs.get(key)
        if ref is None:
            continue
        clear = ClearNudge(
            workspace=workspace, channel=watch.channel, lang=watch.lang,
            problem_id=watch.problem_id, thread_id=watch.thread_id, message_id=ref,
        )  # fmt: skip
        connection.execute(
            insert(outbox).values(workspace=workspace, channel=watch.channel,
                                  payload=codec.dumps(clear), created_at=at,
                                  next_attempt_at=at, attempts=0)
        )  # fmt: skip
        cleared += 1
    return cleared


def _outgoing(connection: Connection, workspace: str, user: str, at: datetime) -> int:
    """Outbox items that name them and still carry words: erased; one still waiting is
    not sent (a private word to them, a message about them)."""
    outbox, steps = OutboxRow.__table__, SentStep.__table__  # type: ignore[attr-defined]
    named = json.dumps(user, ensure_ascii=False)  # as the codec writes it: "U123"
    rows = connection.execute(
        select(outbox.c.id, outbox.c.payload, outbox.c.delivered_at).where(
            outbox.c.workspace == workspace,
            outbox.c.payload.contains(named, autoescape=True),
        )
    ).all()
    count = 0
    for row in rows:
        erased = codec.kind_only(row.payload)
        if erased == row.payload:
            continue
        values: dict[str, object] = {"payload": erased}
        if row.delivered_at is None and (without := _without(row.payload, user)) is not None:
            # A message to the table that names them among others still goes, without them;
            # pages kept as first rendered (a send cut short) held their words: rendered anew.
            values = {"payload": without}
            connection.execute(
                delete(steps).where(
                    steps.c.workspace == workspace, steps.c.outbox_id == row.id,
                    steps.c.step.like("%:pages"),
                )
            )  # fmt: skip
        elif row.delivered_at is None:
            values |= {"delivered_at": at, "last_error": "not sent: its person was forgotten"}
            connection.execute(
                delete(steps).where(steps.c.workspace == workspace, steps.c.outbox_id == row.id)
            )
        connection.execute(update(outbox).where(outbox.c.id == row.id).values(values))
        count += 1
    return count


def _pair_of(value: object, user: str) -> bool:
    return isinstance(value, list) and len(value) == 2 and value[0] == user


def _without(payload: str, user: str) -> str | None:
    """A waiting item's payload with `user` taken out: left out of every list of people
    and every map keyed by person (their answers, stances and concerns go with them),
    named elsewhere as a former member. None when the item is for them (a private word,
    a nudge, a reading of their message) or would name nobody left (a reminder)."""
    item = json.loads(payload)
    if item.get("user") == user:
        return None

    def out(value: object) -> object:
        if isinstance(value, list):
            # Their own entries go: their id, or a pair of it and their words (a concern).
            return [out(v) for v in value if v != user and not _pair_of(v, user)]
        if isinstance(value, dict):
            if "$map" in value:
                return {"$map": [[k, out(v)] for k, v in value["$map"] if k != user]}
            return {k: out(v) for k, v in value.items()}
        return FORMER_MEMBER if value == user else value

    kept = out(item)
    assert isinstance(kept, dict)
    if "users" in item and not kept.get("users"):
        return None  # a reminder (or ping) to them alone
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def _their_stances(connection: Connection, workspace: str, user: str, at: datetime) -> int:
    proposals = ProposalRow.__table__  # type: ignore[attr-defined]
    count = 0
    for row in _rows(connection, proposals, workspace):
        if user not in row.stances and user not in row.stance_messages:
            continue
        stances = {u: s for u, s in row.stances.items() if u != user}
        messages = {u: m for u, m in row.stance_messages.items() if u != user}
        connection.execute(
            update(proposals)
            .where(*(c == row._mapping[c.name] for c in proposals.primary_key.columns))
            .values(stances=stances, stance_messages=messages)
        )
        count += 1
    return count


def _their_event_ids(connection: Connection, workspace: str, user: str, at: datetime) -> int:
    """Discord names a member in the ids of their joining and leaving (`:<id>:`), and
    both platforms name whoever typed words in the bot's DM (bot.dm_once): Slack's in
    the workspace, Discord's where its DMs are, with no server (`dms_of`)."""
    events = ProcessedEvent.__table__  # type: ignore[attr-defined]
    naming_them = (events.c.workspace == workspace) & events.c.event_id.contains(
        f":{user}:", autoescape=True
    )
    platform = workspace[: workspace.find(":") + 1]
    in_their_dm = (events.c.workspace == dm_once.dms_of(platform)) & events.c.event_id.startswith(
        dm_once.answer_ids_of(user), autoescape=True
    )
    return connection.execute(delete(events).where(naming_them | in_their_dm)).rowcount


def _their_roles(connection: Connection, workspace: str, user: str, at: datetime) -> int:
    roles = RoleRow.__table__  # type: ignore[attr-defined]
    held_by = (roles.c.workspace == workspace) & (roles.c.holder == user)
    return connection.execute(
        update(roles).where(held_by).values(holder=None, assigned_at=None)
    ).rowcount


def _agreements(connection: Connection, workspace: str, user: str, at: datetime) -> int:
    agreements = AgreementRow.__table__  # type: ignore[attr-defined]

    def instead(who: str | None) -> str | None:
        return FORMER_MEMBER if who == user else who

    count = 0
    for row in _rows(connection, agreements, workspace):
        values = {
            "owner": instead(row.owner),
            "recorded_by": instead(row.recorded_by),
            "consenters": [instead(u) for u in row.consenters],
            "mandates": [[instead(u), mandate] for u, mandate in row.mandates],
            "concerns": [[instead(u), concern] for u, concern in row.concerns],
            "resolved_concerns": [
                [instead(u), concern] for u, concern in row.resolved_concerns or ()
            ],
        }
        if all(values[name] == _plain(row._mapping[name]) for name in values):
            continue
        connection.execute(update(agreements).where(agreements.c.id == row.id).values(values))
        count += 1
    return count


def _plain(value: object) -> object:
    """JSON as read back (lists of lists), to compare with what would be written."""
    return [_plain(v) for v in value] if isinstance(value, list | tuple) else value


def _rows(connection: Connection, table, workspace: str) -> Iterator:
    return iter(connection.execute(select(table).where(table.c.workspace == workspace)).all())
