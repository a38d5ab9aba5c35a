"""A message taken back (deleted) in one process while another handles something about
it (PostgreSQL, two processes, the interleaving forced): its post, a "Not a problem" on
its nudge. Each waits for the other at the table, so neither reads what the other is
about to change: the deleted words are kept nowhere and nobody is nudged about them."""

from __future__ import annotations

import io
import json
import threading
import uuid

from sqlmodel import Session, select

from bot.feedback import export_corrections
from bot.models import CorrectionRow, WatchRow
from rules.actions import SendNudge
from rules.events import Event, MessageDeleted, MessagePosted, MessageRelabelled
from tests.bot.test_races import until, waiting_for
from tests.conftest import make_app
from tests.helpers import Chat, at

SALARY = "#problem my salary was paid late again and I am broke"


def deleted_while_deciding(process_a, process_b, first: Event, deletion: MessageDeleted):
    """Process A handles `first`; once it has read the table, process B handles the
    deletion, until B waits for A (or is done: nothing to wait for), and A decides.
    B's whole handling ends after A's."""
    decide = process_a.service.engine.decide
    key = f"groundrules:taking-back:{deletion.workspace}:{deletion.channel}"
    other = threading.Thread(target=process_b.service.handle, args=(deletion,))

    def decide_while_b_deletes(understood, state):
        if first in (understood, getattr(understood, "event", None)):
            other.start()
            with process_a.database.connect() as watcher:
                until(lambda: not other.is_alive() or waiting_for(watcher, key) == 1)
        return decide(understood, state)

    process_a.service.engine.decide = decide_while_b_deletes
    try:
        process_a.service.handle(first)
    finally:
        process_a.service.engine.decide = decide
    other.join(timeout=30)
    assert not other.is_alive()


def test_a_problem_deleted_while_its_post_is_handled_elsewhere_is_not_kept(postgres_url, tagged):
    process_a, process_b = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    workspace = f"W-{uuid.uuid4().hex[:8]}"  # advisory locks are the whole database's
    posted = MessagePosted(workspace=workspace, channel="C1", at=at("09:00"), event_id="post",
                           user="ben", message_id="m1", text=SALARY)  # fmt: skip
    deleted = MessageDeleted(workspace=workspace, channel="C1", at=at("09:00:02"),
                             event_id="del", message_id="m1")  # fmt: skip

    deleted_while_deciding(process_a, process_b, posted, deleted)

    with Session(process_a.database) as session:
        kept = [(w.status, w.text) for w in session.exec(select(WatchRow))]
    assert all(text is None for _, text in kept), kept
    nudges = [
        d.action
        for d in process_a.service.fire_due_timers(at("09:11"))
        if isinstance(d.action, SendNudge)
    ]
    assert nudges == []


def test_not_a_problem_and_a_deletion_at_once_keep_no_deleted_words(postgres_url, tagged):
    process_a, process_b = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    workspace = f"W-{uuid.uuid4().hex[:8]}"
    chat = Chat(process_a, workspace=workspace)
    chat.say("ben", "#problem the printer on floor three is jammed again", "09:00")
    chat.tick("09:10:30")  # ben is nudged about it
    relabelled = MessageRelabelled(workspace=workspace, channel="C1", at=at("09:12"),
                                   event_id="nap", user="ben", message_id="09:00", text="",
                                   label="problem", applies=False)  # fmt: skip
    deleted = MessageDeleted(workspace=workspace, channel="C1", at=at("09:12"), event_id="del",
                             message_id="09:00")  # fmt: skip

    deleted_while_deciding(process_a, process_b, relabelled, deleted)

    out = io.StringIO()
    export_corrections(process_a.database, out)
    assert [json.loads(line)["text"] for line in out.getvalue().splitlines()] == []
    with Session(process_a.database) as session:
        assert [c.text for c in session.exec(select(CorrectionRow))] in ([], [""])
    # Its Undo brings nothing back: the problem stays settled, without its words.
    chat.undo("ben", "09:00", "09:15")
    with Session(process_a.database) as session:
        [(status, words)] = [(w.status, w.text) for w in session.exec(select(WatchRow))]
    assert status in ("dismissed", "withdrawn") and words is None
