"""A message its writer deletes leaves its words nowhere in the database, at once: not in
its problem, not in the nudge or the second reading that carried them, not in anything
still waiting to go out that quotes it (which is then not sent); and an outgoing message
keeps no words once delivered or given up. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session

from bot import codec
from bot.models import OutboxRow
from bot.store import MAX_DELIVERY_ATTEMPTS
from rules.actions import Reply, SendNudge, SuggestAgreement
from rules.events import CommandInvoked, MessageDeleted, MessagePosted, WhyAsked
from tests.bot.test_second_reading import SECOND
from tests.helpers import Chat, TaggedSecondReader, at

WORDS = "my manager Jan keeps shouting at me in standups"


def tables_holding(app, words: str) -> dict[str, int]:
    """Every table, every column: how many rows hold `words` anywhere."""
    found: dict[str, int] = {}
    with app.database.connect() as connection:
        for table in inspect(connection).get_table_names():
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            hits = sum(any(words in str(value) for value in row) for row in rows)
            if hits:
                found[table] = hits
    return found


@pytest.fixture
def reader(app) -> TaggedSecondReader:
    second = TaggedSecondReader(SECOND)
    app.service.reader = second
    app.service.engine.second = SECOND
    return second


def deleted(message_id: str, when: str) -> MessageDeleted:
    return MessageDeleted(workspace="W1", channel="C1", at=at(when), event_id=f"del-{when}",
                          message_id=message_id)  # fmt: skip


def test_a_deleted_problem_s_words_are_nowhere_once_it_is_deleted(app, reader):
    chat = Chat(app)
    chat.say("ben", f"#problem #2-problem {WORDS}", "09:00")  # read twice
    chat.tick("09:20")  # nudged, privately, quoting it
    assert chat.of_type(SendNudge)
    chat.delete("09:00", "09:30")
    assert tables_holding(app, WORDS) == {}


def test_a_problem_answered_before_its_nudge_loses_its_words_when_deleted(app):
    chat = Chat(app)
    chat.say("ben", f"#problem {WORDS}", "09:00")
    # Answered: its words are kept an hour past its window, in case the answer is taken
    # back. Its writer taking the problem itself back ends that at once.
    chat.say("anna", "#proposal let us talk to HR together", "09:02")
    assert tables_holding(app, WORDS) == {"problem_watch": 1}
    chat.delete("09:00", "09:03")
    assert tables_holding(app, WORDS) == {}


def test_a_nudge_still_waiting_to_go_out_is_not_sent_once_its_problem_is_deleted(app):
    chat = Chat(app)
    chat.say("ben", f"#problem {WORDS}", "09:00")
    # The window passes while no platform takes the nudge: it waits in the outbox.
    [waiting] = app.service.fire_due_timers(at("09:20"))
    assert isinstance(waiting.action, SendNudge)
    chat.delete("09:00", "09:30")

    assert app.store.claim_undelivered(at("10:00")) == []
    with Session(app.database) as session:
        row = session.get(OutboxRow, waiting.outbox_id)
    assert row.payload == '{"$":"SendNudge"}'
    assert (row.delivered_at, row.last_error) == (at("09:30"), "not sent: its message was deleted")
    assert tables_holding(app, WORDS) == {}


def test_what_waits_to_go_out_about_another_message_still_goes(app):
    chat = Chat(app)
    chat.say("ben", f"#problem {WORDS}", "09:00")
    chat.say("anna", "#problem the printer is jammed again", "09:01")
    waiting = app.service.fire_due_timers(at("09:20"))
    assert sorted(d.action.problem_id for d in waiting) == ["09:00", "09:01"]
    chat.delete("09:00", "09:30")
    [still] = app.store.claim_undelivered(at("10:00"))
    assert still.action.problem_id == "09:01"


def _why_answer(app):
    [answer] = app.service.handle(
        WhyAsked(workspace="W1", channel="C1", at=at("09:21"), event_id="why", user="ben",
                 problem_id="09:00")
    )  # fmt: skip
    return answer


def _quoting_answer(app):
    [answer] = app.service.handle(
        CommandInvoked(workspace="W1", channel="C1", at=at("09:21"), event_id="snooze",
                       user="ben", name="snooze", args="")
    )  # fmt: skip
    return answer


@pytest.mark.parametrize("answer", [_why_answer, _quoting_answer], ids=["why", "snooze"])
def test_an_answer_quoting_a_problem_is_not_sent_once_the_problem_is_deleted(app, answer):
    chat = Chat(app)
    chat.say("ben", f"#problem {WORDS}", "09:00")
    chat.tick("09:20")
    waiting = answer(app)  # a platform outage: the answer waits
    assert isinstance(waiting.action, Reply)
    chat.delete("09:00", "09:30")
    assert app.store.claim_undelivered(at("10:00")) == []
    assert tables_holding(app, "Jan keeps") == {}


def test_an_offer_to_record_a_deleted_proposal_is_not_sent(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", f"#proposal {WORDS} stops: we rotate who chairs", "09:00")
    chat.say("ben", "#agreement yes", "09:01")
    [offer] = app.service.handle(
        MessagePosted(workspace="W1", channel="C1", at=at("09:02"), event_id="carl-yes",
                      user="carl", message_id="09:02", text="#agreement fine by me")
    )  # fmt: skip
    assert isinstance(offer.action, SuggestAgreement)
    chat.delete("09:00", "09:05")
    assert app.store.claim_undelivered(at("10:00")) == []
    assert tables_holding(app, WORDS) == {}


def test_a_reply_deleted_before_its_second_reading_answers_nothing(app, reader):
    app.service.read_inline = False  # as live: read later, in the background
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    [reading] = app.service.handle(
        MessagePosted(workspace="W1", channel="C1", at=at("09:03"), event_id="anna",
                      user="anna", message_id="09:03",
                      text=f"#maybe-proposal #2-proposal {WORDS}, count it again at noon?")
    )  # fmt: skip
    app.service.handle(deleted("09:03", "09:04"))
    # The runtime's queue may still hold it, and read it: it answers nothing now.
    assert app.service.read_again(reading, at("09:05")) == []
    assert [a.problem_id for a in chat.tick("09:20") if isinstance(a, SendNudge)] == ["09:00"]
    assert app.store.claim_undelivered(at("10:00")) == []
    assert tables_holding(app, WORDS) == {}


def test_a_second_reading_keeps_no_more_than_a_watch_and_nothing_once_read(app, reader):
    app.service.read_inline = False
    long = "#problem #2-problem the till is short. " + "x" * 5000
    [reading] = app.service.handle(
        MessagePosted(workspace="W1", channel="C1", at=at("09:00"), event_id="ben",
                      user="ben", message_id="09:00", text=long)
    )  # fmt: skip
    assert reading.action.text == long[:2000]
    app.service.read_again(reading, at("09:01"))
    with Session(app.database) as session:
        assert session.get(OutboxRow, reading.outbox_id).payload == '{"$":"ReadAgain"}'


def test_an_outgoing_message_keeps_only_its_kind_once_done_with(app):
    chat = Chat(app)
    # Three writers: one person's nudges would come an hour apart (rules.pacing).
    for n, (user, problem) in enumerate((("ben", "09:00"), ("carl", "09:01"), ("dana", "09:02"))):
        chat.say(user, f"#problem {WORDS} ({n})", problem)
    delivered, failed, abandoned = app.service.fire_due_timers(at("09:20"))
    app.store.mark_delivered(delivered.outbox_id, at("09:21"))
    for attempt in range(MAX_DELIVERY_ATTEMPTS):
        app.store.mark_failed(failed.outbox_id, at("09:21") + timedelta(hours=attempt), "429")
    app.store.mark_abandoned(abandoned.outbox_id, at("09:21"), "the workspace removed the bot")
    with Session(app.database) as session:
        rows = [session.get(OutboxRow, d.outbox_id) for d in (delivered, failed, abandoned)]
    assert [row.payload for row in rows] == ['{"$":"SendNudge"}'] * 3
    assert [row.last_error for row in rows] == [None, "429", "the workspace removed the bot"]
    assert all(row.delivered_at is not None for row in rows)
    assert "outbox" not in tables_holding(app, WORDS)  # (the problems keep theirs a while)


def test_the_kind_of_an_item_is_kept_however_its_payload_reads():
    assert codec.kind_only('{"$":"SendNudge","user":"ben"}') == '{"$":"SendNudge"}'
    assert codec.kind_only('{"$": "AskEvaluation"}') == '{"$":"AskEvaluation"}'
    assert codec.kind_only("not json") == '{"$":"unknown"}'
