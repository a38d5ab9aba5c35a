"""Prepared Core statements for the hot path: built once per dialect, reused per event.

An ordinary problem or proposal costs a handful of these; building them anew (or
going through the ORM's bulk path) cost several times the database work itself.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    bindparam,
    delete,
    exists,
    func,
    select,
    union_all,
    update,
)

from bot.database import upsert_insert
from bot.models import (
    AnswerRow,
    CorrectionRow,
    DeletedMessageRow,
    EditedMessageRow,
    MemberRow,
    OutboxRow,
    PacingRow,
    ProcessedEvent,
    ProposalRow,
    SentStep,
    TableConfig,
    TimerRow,
    WatchRow,
)
from rules.problems import STILL_WAITING

# What the engine reads: the waiting problems and the doubtful ones, which a proposal
# answers and a reaction confirms like any other (reports show only the waiting).
WATCHED_STATUSES = (*STILL_WAITING, "doubtful")

_events = ProcessedEvent.__table__
_members = MemberRow.__table__
_watches = WatchRow.__table__
_timers = TimerRow.__table__
_config = TableConfig.__table__
_outbox = OutboxRow.__table__
_proposals = ProposalRow.__table__
_corrections = CorrectionRow.__table__
_deleted = DeletedMessageRow.__table__
_edited = EditedMessageRow.__table__
_sent = SentStep.__table__
_pacing = PacingRow.__table__
_answers = AnswerRow.__table__


def no_newer_edit(workspace, channel, message_id, at) -> ColumnElement[bool]:
    """Where no edit of the message newer than `at` is stored (`at` None: anywhere). An
    edit's words are written only where this holds, checked by the very statement that
    writes them (compare-and-set): the newest words stand whichever decision commits
    last; a tie counts as later, as in rules.edit_order. On PostgreSQL a statement reads
    what was committed when it began, also after waiting for a row another transaction
    held: so the edit's time is written first (rules.edit_order.note_edit), and a
    decision on another edit of the message waits there, before any of its words, until
    this one commits."""
    return ~exists().where(
        _edited.c.workspace == workspace,
        _edited.c.channel == channel,
        _edited.c.message_id == message_id,
        _edited.c.edited_at > at,
    )


class Statements:
    def __init__(self, engine: Engine) -> None:
        insert = upsert_insert(engine)
        self.insert = insert

        self.claim_event = (
            insert(_events)
            .on_conflict_do_nothing(index_elements=["workspace", "event_id"])
            .returning(_events.c.event_id)
        )
        note = insert(_members)
        self.note_member = note.on_conflict_do_update(
            index_elements=["workspace", "channel", "user"], set_={"active": True}
        )
        self.watch_problem = insert(_watches).on_conflict_do_nothing(
            index_elements=["workspace", "channel", "problem_id"]
        )
        schedule = insert(_timers)
        self.schedule_timer = schedule.on_conflict_do_update(
            index_elements=["workspace", "key"],
            set_={
                "due": schedule.excluded.due,
                "held_from": schedule.excluded.held_from,
                "held_to": schedule.excluded.held_to,
                "fired_at": None,
                "fired_by": None,
            },
        )
        self.cancel_timer = delete(_timers).where(
            _timers.c.workspace == bindparam("w"),
            _timers.c.key == bindparam("k"),
            _timers.c.fired_at.is_(None),
        )
        same_table = and_(
            _watches.c.workspace == bindparam("w"), _watches.c.channel == bindparam("c")
        )
        self.watched = (
            select(_watches)
            .where(same_table, _watches.c.status.in_(WATCHED_STATUSES))
            .order_by(_watches.c.posted_at)
        )
        self.doubtful_watches = (
            select(_watches)
            .where(same_table, _watches.c.status == "doubtful")
            .order_by(_watches.c.posted_at)
        )
        self.watches_by_id = (
            select(_watches)
            .where(same_table, _watches.c.problem_id.in_(bindparam("ids", expanding=True)))
            .order_by(_watches.c.posted_at)
        )
        # Two index lookups, not one OR: with an OR, SQLite reads every problem the
        # table ever had (a thread's proposal reads its root's watch this way).
        self.watched_or_by_id = union_all(
            select(_watches).where(same_table, _watches.c.status.in_(WATCHED_STATUSES)),
            select(_watches).where(
                same_table,
                _watches.c.problem_id.in_(bindparam("ids", expanding=True)),
                _watches.c.status.not_in(WATCHED_STATUSES),
            ),
        ).order_by(_watches.c.posted_at)
        # What taking these messages back may bring back (Reads.taken_back): the
        # problems they answered, and those that joined them in their thread.
        self.taken_back = union_all(
            select(_watches).where(
                same_table,
                _watches.c.status == "answered",
                _watches.c.answered_by.in_(bindparam("ids", expanding=True)),
            ),
            select(_watches).where(
                same_table,
                _watches.c.status == "joined",
                _watches.c.thread_id.in_(bindparam("ids", expanding=True)),
            ),
        ).order_by(_watches.c.posted_at)
        self.promote_watch = (
            update(_watches)
            .where(
                same_table, _watches.c.problem_id == bindparam("p"), _watches.c.status == "joined"
            )
            .values(status="open")
        )
        self.reopen_watch = (
            update(_watches)
            .where(
                same_table,
                _watches.c.problem_id == bindparam("p"),
                _watches.c.status == "answered",
                _watches.c.answered_by == bindparam("by"),
            )
            .values(status="open", closed_at=None, answered_by=None)
        )
        self.forget_watch_text = (
            update(_watches)
            .where(
                same_table,
                _watches.c.problem_id == bindparam("p"),
                _watches.c.status.in_(("answered", "joined")),
            )
            .values(text=None)
        )
        self.confirm_watch = (
            update(_watches)
            .where(
                same_table,
                _watches.c.problem_id == bindparam("p"),
                _watches.c.status == "doubtful",
            )
            .values(status="open")
        )
        self.revise_watch = (
            update(_watches)
            .where(
                same_table,
                _watches.c.problem_id == bindparam("p"),
                _watches.c.status.in_(("open", "doubtful")),
                # A watch another member's reaction confirmed stays confirmed.
                _watches.c.doubted.is_(False) | (_watches.c.status == "doubtful"),
            )
            .values(status=bindparam("status"), doubted=bindparam("doubted"))
        )
        # Only a watch still watched: a settled one's text is erased, and stays so.
        edited_at = bindparam("edited_at", type_=_edited.c.edited_at.type)
        self.reword_watch = (
            update(_watches)
            .where(
                same_table,
                _watches.c.problem_id == bindparam("p"),
                _watches.c.status.in_(WATCHED_STATUSES),
                no_newer_edit(bindparam("w"), bindparam("c"), bindparam("p"), edited_at),
            )
            .values(
                text=bindparam("text"),
                read_after=bindparam("read_after", type_=_watches.c.read_after.type),
            )
        )
        self.close_watch = {
            keep_text: update(_watches)
            .where(same_table, _watches.c.problem_id == bindparam("p"))
            .values(
                status=bindparam("status"),
                closed_at=bindparam("closed_at"),
                answered_by=bindparam("answered_by"),
                **({} if keep_text else {"text": None}),
            )
            for keep_text in (True, False)
        }
        self.insert = insert  # the dialect's, with ON CONFLICT
        self.pacing_table = _pacing
        self.pacing = select(_pacing).where(
            _pacing.c.workspace == bindparam("w"), _pacing.c.channel == bindparam("c")
        )
        self.pacing_of = self.pacing.where(_pacing.c.user == bindparam("u"))
        self.note_deleted = insert(_deleted).on_conflict_do_nothing(
            index_elements=["workspace", "channel", "message_id"]
        )
        self.any_deleted = (
            select(_deleted.c.message_id).where(_deleted.c.workspace == bindparam("w")).limit(1)
        )
        self.deleted_ids = select(_deleted.c.message_id).where(
            _deleted.c.workspace == bindparam("w"),
            _deleted.c.channel == bindparam("c"),
            _deleted.c.message_id.in_(bindparam("ids", expanding=True)),
        )
        edited = insert(_edited)
        # Only ever later: an older edit delivered late leaves the newer time.
        self.note_edited = edited.on_conflict_do_update(
            index_elements=["workspace", "channel", "message_id"],
            set_={"edited_at": edited.excluded.edited_at},
            where=_edited.c.edited_at < edited.excluded.edited_at,
        )
        self.edit_times = select(_edited.c.message_id, _edited.c.edited_at).where(
            _edited.c.workspace == bindparam("w"),
            _edited.c.channel == bindparam("c"),
            _edited.c.message_id.in_(bindparam("ids", expanding=True)),
        )
        self.dismissed_fingerprints = (
            select(_corrections.c.fingerprint)
            .where(
                _corrections.c.workspace == bindparam("w"),
                _corrections.c.channel == bindparam("c"),
                _corrections.c.fingerprint.in_(bindparam("f", expanding=True)),
            )
            .distinct()
        )
        self.table_config = select(_config).where(
            _config.c.workspace == bindparam("w"), _config.c.channel == bindparam("c")
        )
        self.timer_workspace = _timers.c.workspace
        pending = select(_timers).where(_timers.c.fired_at.is_(None))
        self.next_due_timer = (
            pending.where(_timers.c.due <= bindparam("now"))
            .order_by(_timers.c.due, _timers.c.key)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        self.next_pending_timer = (
            pending.order_by(_timers.c.due, _timers.c.key)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        self.pending_timer = pending.where(
            _timers.c.workspace == bindparam("w"),
            _timers.c.key == bindparam("k"),
            _timers.c.due == bindparam("d"),
        ).with_for_update(skip_locked=True)
        self.earliest_pending_due = select(func.min(_timers.c.due)).where(
            _timers.c.fired_at.is_(None)
        )
        self.mark_fired = (
            update(_timers)
            .where(
                _timers.c.workspace == bindparam("w"),
                _timers.c.key == bindparam("k"),
                _timers.c.due == bindparam("d"),
            )
            .values(fired_at=bindparam("fired_at"), fired_by=bindparam("fired_by"))
        )
        self.enqueue = insert(_outbox).returning(_outbox.c.id)
        self.renew_claims = (
            update(_outbox)
            .where(
                _outbox.c.claim.in_(bindparam("claims", expanding=True)),
                _outbox.c.delivered_at.is_(None),
            )
            .values(next_attempt_at=bindparam("until"))
            .returning(_outbox.c.claim)
        )
        self.mark_delivered = (
            update(_outbox)
            .where(_outbox.c.id == bindparam("outbox_id"))
            .values(delivered_at=bindparam("delivered"), attempts=_outbox.c.attempts + 1)
            .returning(_outbox.c.workspace, _outbox.c.channel, _outbox.c.payload)
        )
        # A delivered item keeps its kind alone (bot.codec.kind_only).
        self.erase_words = (
            update(_outbox)
            .where(_outbox.c.id == bindparam("outbox_id"))
            .values(payload=bindparam("payload"))
        )
        # The steps of an outbox item that reached its platform (bot.sent_steps).
        self.note_sent = insert(_sent).on_conflict_do_nothing(
            index_elements=["workspace", "outbox_id", "step"]
        )
        same_item = and_(
            _sent.c.workspace == bindparam("workspace"),
            _sent.c.outbox_id == bindparam("outbox_id"),
        )
        self.sent_steps = select(_sent.c.step, _sent.c.ref).where(same_item)
        self.forget_sent = delete(_sent).where(same_item)
        self.active_members = select(_members.c.user).where(
            _members.c.workspace == bindparam("w"),
            _members.c.channel == bindparam("c"),
            _members.c.active.is_(True),
        )
        # A round's polled members in the order it asked them, and how each answered.
        self.round_answers = (
            select(_answers.c.user, _answers.c.concern, _answers.c.answered_at,
                   _answers.c.resolved_concern)
            .where(_answers.c.workspace == bindparam("w"), _answers.c.round_id == bindparam("r"))
            .order_by(_answers.c.position)
        )  # fmt: skip
        # The answer of a member the round polled, written in their row (none: not polled).
        self.record_answer = (
            update(_answers)
            .where(_answers.c.workspace == bindparam("w"), _answers.c.round_id == bindparam("r"),
                   _answers.c.user == bindparam("u"))
            .values(concern=bindparam("said"), answered_at=bindparam("at"),
                    resolved_concern=bindparam("resolved"))
            .returning(_answers.c.user)
        )  # fmt: skip
        proposal = insert(_proposals)
        # A new proposal in a scope starts afresh: nobody has taken a stance on it yet.
        replaced = ("message_id", "user", "text", "posted_at", "stances", "suggested")
        self.note_proposal = proposal.on_conflict_do_update(
            index_elements=["workspace", "channel", "scope"],
            set_={name: proposal.excluded[name] for name in (*replaced, "stance_messages")},
        )
        same_scope = and_(
            _proposals.c.workspace == bindparam("w"),
            _proposals.c.channel == bindparam("c"),
            _proposals.c.scope == bindparam("s"),
        )
        self.note_stances = (
            update(_proposals)
            .where(same_scope)
            .values(stances=bindparam("stances"), stance_messages=bindparam("messages"))
        )
        self.mark_suggested = update(_proposals).where(same_scope).values(suggested=True)
        self.mark_suggested_forgotten = (
            update(_proposals).where(same_scope).values(suggested=True, text=None)
        )
        # The table's proposals offered for recording and not recorded yet: an /agree
        # with their words takes the yeses the offer counted.
        self.offered_proposals = select(_proposals).where(
            _proposals.c.workspace == bindparam("w"),
            _proposals.c.channel == bindparam("c"),
            _proposals.c.suggested.is_(True),
            _proposals.c.text.is_not(None),
        )
        self.proposals = select(_proposals).where(
            _proposals.c.workspace == bindparam("w"),
            _proposals.c.channel == bindparam("c"),
            _proposals.c.scope.in_(bindparam("scopes", expanding=True)),
        )
        # A channel's proposals not yet offered (in any thread), posted since then.
        self.open_proposals_since = select(_proposals).where(
            _proposals.c.workspace == bindparam("w"),
            _proposals.c.channel == bindparam("c"),
            _proposals.c.suggested.is_(False),
            _proposals.c.posted_at >= bindparam("since"),
        )
        # One person's latest proposal in a channel, in any thread, not yet recorded
        # (offered or not: a proposer unsure of an offer asks everyone first).
        self.latest_proposal_of = (
            select(_proposals)
            .where(
                _proposals.c.workspace == bindparam("w"),
                _proposals.c.channel == bindparam("c"),
                _proposals.c.user == bindparam("u"),
                _proposals.c.text.is_not(None),
            )
            .order_by(_proposals.c.posted_at.desc(), _proposals.c.scope)
            .limit(1)
        )
