"""A Discord quiet reply (the nudge posted beside the problem, its author's DMs closed)
names its author in public: it goes once its nudge is settled, also when the nudge was
settled (elsewhere) before this process stored where the reply went, and when the
person is forgotten."""

from __future__ import annotations

from sqlmodel import Session, select

from bot import codec, person_data
from bot.models import OutboxRow, PostedMessage
from bot.store import ref_key
from rules.actions import ClearNudge, SendNudge
from rules.events import MessageDeleted
from tests.helpers import Chat, at

QUIET_REPLY = "1300000000000000001"


def nudged_in_public(app, *, stored: bool = True) -> SendNudge:
    """Ben's problem, his nudge fired; it goes out as a quiet reply (closed DMs)."""
    Chat(app).say("ben", "#problem the printer on floor three is jammed again", "09:00")
    [nudge] = app.service.fire_due_timers(at("09:10:30"))
    assert isinstance(nudge.action, SendNudge)
    if stored:
        store_where_it_went(app, nudge)
    return nudge


def store_where_it_went(app, nudge) -> None:
    app.store.mark_delivered(nudge.outbox_id, at("09:10:32"), ref_key=ref_key(nudge.action),
                             ref=QUIET_REPLY, lang=nudge.action.lang)  # fmt: skip


def clears_waiting(app) -> list[ClearNudge]:
    with Session(app.database) as session:
        rows = session.exec(select(OutboxRow).where(OutboxRow.delivered_at.is_(None))).all()
    return [a for a in (codec.loads(r.payload) for r in rows) if isinstance(a, ClearNudge)]


def posted_left(app) -> list[str]:
    with Session(app.database) as session:
        return list(session.exec(select(PostedMessage.key)).all())


def test_a_nudge_settled_while_its_quiet_reply_was_posted_clears_the_reply(app):
    nudge = nudged_in_public(app, stored=False)
    # Ben deletes his problem (another process) before this one stores the reply's id.
    deleted = MessageDeleted(workspace="W1", channel="C1", at=at("09:10:31"),
                             event_id="del-1", message_id="09:00")  # fmt: skip
    assert not [d for d in app.service.handle(deleted) if isinstance(d.action, ClearNudge)]
    store_where_it_went(app, nudge)
    assert [(c.problem_id, c.message_id) for c in clears_waiting(app)] == [("09:00", QUIET_REPLY)]
    assert posted_left(app) == []


def test_a_nudge_still_waiting_keeps_its_quiet_reply(app):
    nudged_in_public(app)
    assert clears_waiting(app) == []
    assert posted_left(app) == ["quiet:C1:09:00"]


def test_forgetting_a_person_clears_the_quiet_reply_naming_them(app):
    nudged_in_public(app)
    parts = person_data.forget(app.database, "W1", "ben", at("09:20"))
    assert ("posted_message", 1) in [(p.table, p.count) for p in parts]
    assert [(c.problem_id, c.message_id) for c in clears_waiting(app)] == [("09:00", QUIET_REPLY)]
    assert posted_left(app) == []
    # Due at once: the running bot's next delivery round deletes it.
    assert [d.action for d in app.store.claim_undelivered(at("09:20"))] == clears_waiting(app)
