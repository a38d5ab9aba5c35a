"""/concern resolved through the real service and storage: the answer row keeps the
concern that was raised, later decisions read it back, a round that ended refuses it,
the agreement that settles the round keeps it (marked resolved) in the table's record,
its register and a forgotten member's place, and the schema changes go up and down."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot import export, person_data
from bot.database import make_engine
from bot.models import AgreementRow, AnswerRow
from rules.actions import (
    AnnounceAgreement,
    PostConcernRound,
    PostRoundSummary,
    SendNudge,
    SnoozeNoted,
    UpdateRoundProgress,
)
from rules.say import FORMER_MEMBER, Moment, Say
from tests.bot.test_concern_rounds import start
from tests.helpers import Chat, at
from tests.migrating import columns, goes_up_and_down

RAISED = "the night shift cannot cover this"


def answer_rows(chat: Chat) -> dict[str, tuple[str | None, str | None]]:
    with Session(chat.app.database) as session:
        rows = session.exec(select(AnswerRow)).all()
        return {row.user: (row.concern, row.resolved_concern) for row in rows}


def test_a_resolved_concern_is_stored_with_its_answer_and_shown_at_the_close(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, RAISED, "09:05")
    chat.answer("chris", round_id, None, "09:06")
    chat.command("anna", "/concern my concern is resolved", "09:30")
    assert answer_rows(chat)["anna"] == (None, RAISED)
    assert chat.of_type(UpdateRoundProgress)[-1].round.resolved == (("anna", RAISED),)
    # Read back from storage by the next decision: the close shows what was raised.
    chat.command("anna", "/concern resolved", "09:40")
    assert chat.texts()[-1] == "Your concern in this round is already marked resolved."
    chat.answer("dana", round_id, None, "10:00")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.suggest_agreement and summary.round.resolved == (("anna", RAISED),)
    assert f"Concern from anna, since resolved: {RAISED}" in chat.texts()[-1]


def test_a_concern_in_a_closed_or_withdrawn_round_is_no_longer_resolved(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    chat.answer("anna", round_id, RAISED, "09:05")  # the last answer: the round closes
    chat.command("anna", "/bezwaar opgelost", "09:30")
    assert chat.texts()[-1].startswith("De zorgenronde waarin je je zorg uitte is gesloten")
    assert answer_rows(chat)["anna"] == (RAISED, None)  # the record is as it closed
    start(chat, when="10:00")
    chat.command("ben", "/concerns withdraw", "10:05")
    chat.command("anna", "/concern resolved", "10:10")
    assert chat.texts()[-1].startswith("The last concern round here was withdrawn")


@pytest.mark.empty_database
def test_migration_0022_keeps_resolved_concerns_and_goes_down(database_url):
    goes_up_and_down(
        database_url, "0021", lambda engine: "resolved_concern" in columns(engine, "round_answer")
    )


# The fields of a RoundView and an AgreementView that bde1430 (migration 0021, the
# release before) knows.
ROUND_VIEW_AT_0021 = {
    "$", "round_id", "proposal", "proposer", "thread_id", "deadline", "participants",
    "no_concerns", "concerns", "reworded",
}  # fmt: skip
AGREEMENT_VIEW_AT_0021 = {
    "$", "number", "text", "why", "owner", "recorded_by", "consenters", "concerns",
    "review_on", "version", "replaces", "status", "mandates", "organisations",
}  # fmt: skip
RELEASE_BEFORE = "bde1430"


def read_by_the_release_before(payloads: list[str], tmp_path) -> list[str]:
    """Each payload as bde1430's own bot.codec reads it (its repr), or its error: its
    codec and the classes it reads, from git, in a process of their own."""
    files = ("bot/codec.py", "rules/actions.py", "rules/say.py")
    for path in files:
        shown = subprocess.run(
            ["git", "show", f"{RELEASE_BEFORE}:{path}"], capture_output=True, text=True
        )
        if shown.returncode != 0:
            pytest.skip(f"{RELEASE_BEFORE} is not in this checkout's history")
        (tmp_path / "old" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "old" / path).write_text(shown.stdout, encoding="utf-8")
    for package in ("bot", "rules"):
        (tmp_path / "old" / package / "__init__.py").write_text("", encoding="utf-8")
    read = subprocess.run(
        [sys.executable, "-c",
         "import json, sys\nfrom bot import codec\n"
         "for payload in json.load(sys.stdin):\n"
         "    try:\n        print(repr(codec.loads(payload)))\n"
         "    except Exception as error:\n        print('FAILED', repr(error))"],
        input=json.dumps(payloads), capture_output=True, text=True, cwd=tmp_path / "old",
        env={"PYTHONPATH": str(tmp_path / "old")},
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    return read.stdout.splitlines()


@pytest.mark.empty_database
def test_going_down_to_0021_leaves_waiting_messages_readable_by_it(database_url, tmp_path):
    """A summary still waiting in the outbox names a resolved concern and who asked for
    the round, the announcement of the agreement that settles it the concern resolved in
    it, a snooze's reply its moment: bde1430 cannot read any of these, and would never
    send them. Going down to 0021 leaves them out of waiting items (the resolver stays
    among those with no concerns, as their answer row then says; the moment is written
    as the table's clock); a delivered item keeps its kind."""
    from alembic import command

    from bot import codec
    from bot.migrate import alembic_config
    from bot.models import OutboxRow, now_utc
    from tests.conftest import make_app
    from tests.helpers import TaggedClassifier

    snoozed_at = at("13:11")
    snooze = SnoozeNoted(
        workspace="W1", channel="C1", lang="en", user="ben", private=True,
        text=Say.of("Snoozed until {at}.", at=Moment(snoozed_at + timedelta(hours=4),
                                                     "Europe/Amsterdam", snoozed_at)),
        promise=Say.of("Snoozed until {at}."), span=timedelta(hours=4), problem_id="P1",
        until=Moment(snoozed_at + timedelta(hours=4), "Europe/Amsterdam", snoozed_at),
    )  # fmt: skip
    # A nudge that says its author's other problems come one at a time (0024), and, as it
    # waited its turn, when its problem was named (0026).
    paced = SendNudge(
        workspace="W1", channel="C1", lang="en", user="ben", problem_id="P2", thread_id=None,
        problem_text="the printer is jammed", posted_at=snoozed_at, paced=timedelta(hours=1),
        named_at=Moment(snoozed_at, "Europe/Amsterdam", snoozed_at + timedelta(hours=1)),
    )  # fmt: skip
    app = make_app(database_url, TaggedClassifier())
    try:
        chat = Chat(app)
        chat.join("anna", "ben", "chris")
        chat.say("ben", "We could pin the base image to 1.4 #proposal", "08:59")
        chat.command("anna", "/concerns", "09:00")  # anna asks about ben's proposal
        [posted] = chat.of_type(PostConcernRound)
        chat.answer("anna", posted.round.round_id, RAISED, "09:05")
        chat.command("anna", "/concern resolved", "09:10")
        chat.answer("chris", posted.round.round_id, None, "09:15")
        [summary] = chat.of_type(PostRoundSummary)
        assert summary.round.resolved == (("anna", RAISED),)
        assert summary.round.started_by == "anna"
        line = "/agree pin the base image to 1.4 because deploys broke"
        [announced] = [
            a for a in chat.command("ben", line, "09:30") if isinstance(a, AnnounceAgreement)
        ]
        assert announced.agreement.resolved_concerns == (("anna", RAISED),)
        # Still waiting when the bot stops.
        for waiting in (summary, announced, snooze, paced):
            app.store.enqueue(waiting, now_utc())
    finally:
        app.database.dispose()

    command.downgrade(alembic_config(database_url), "0021")

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(OutboxRow).order_by(OutboxRow.id)).all()
        waiting = [row for row in rows if row.delivered_at is None]
        assert [json.loads(row.payload)["$"] for row in waiting] == [
            "PostRoundSummary", "AnnounceAgreement", "SnoozeNoted", "SendNudge"
        ]  # fmt: skip
        assert codec.loads(waiting[3].payload) == replace(paced, paced=None, named_at=None)
        round_ = json.loads(waiting[0].payload)["round"]
        assert set(round_) <= ROUND_VIEW_AT_0021
        assert round_["no_concerns"] == ["anna", "chris"] and round_["concerns"] == []
        assert codec.loads(waiting[0].payload) == replace(
            summary, round=replace(summary.round, resolved=(), started_by=None)
        )
        agreement = json.loads(waiting[1].payload)["agreement"]
        assert set(agreement) <= AGREEMENT_VIEW_AT_0021
        assert codec.loads(waiting[1].payload) == replace(
            announced, agreement=replace(announced.agreement, resolved_concerns=())
        )
        # The snooze's moment as the table's clock, as bde1430 fills in a parameter.
        assert "until" not in json.loads(waiting[2].payload)
        assert json.loads(waiting[2].payload)["text"]["params"] == [
            ["at", "18:11 (Europe/Amsterdam)"]
        ]
        # Delivered items keep only their kind, as they did.
        assert all(set(json.loads(row.payload)) == {"$"} for row in rows if row.delivered_at)
        payloads = [row.payload for row in waiting]
    finally:
        engine.dispose()
    read = read_by_the_release_before(payloads, tmp_path)
    assert not [line for line in read if line.startswith("FAILED")], read
    assert len(read) == 4 and "resolved_concerns" not in read[1]


def a_round_anna_resolved(chat: Chat) -> None:
    """Ben's round on pinning the base image: anna raises a concern and says it is
    resolved; chris has none. The round closes, offering the agreement."""
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, RAISED, "09:05")
    chat.command("anna", "/concern resolved", "09:10")
    chat.answer("chris", round_id, None, "09:15")


def agreement_rows(chat: Chat) -> list[AgreementRow]:
    with Session(chat.app.database) as session:
        return list(session.exec(select(AgreementRow).order_by(AgreementRow.version)).all())


@pytest.mark.parametrize(
    ("line", "heard"),
    [
        ("/agree pin the base image to 1.4 because deploys broke",
         f"Concern heard from anna, since resolved: {RAISED}"),
        ("/afspraak pin the base image to 1.4 omdat deploys braken",
         f"Zorg ingebracht door anna, inmiddels opgelost: {RAISED}"),
    ],
)  # fmt: skip
def test_the_agreement_that_settles_the_round_keeps_the_concern_resolved_in_it(
    app, line: str, heard: str
):
    """Anna consented once her concern was resolved; the agreement, the table's record,
    still says what she raised and that it was resolved (not as an open concern)."""
    chat = Chat(app)
    a_round_anna_resolved(chat)
    [recorded] = [a for a in chat.command("ben", line, "09:30") if isinstance(a, AnnounceAgreement)]
    assert recorded.agreement.concerns == ()
    assert recorded.agreement.resolved_concerns == (("anna", RAISED),)
    assert "anna" in recorded.agreement.consenters
    announced = chat.texts()[-1].splitlines()
    assert heard in announced
    assert not any(RAISED in words and words != heard for words in announced)
    [row] = agreement_rows(chat)
    assert (row.concerns, row.resolved_concerns) == ([], [["anna", RAISED]])
    # Read back from storage by later decisions: a revision's record is its own.
    chat.command("ben", "/review revise 1 pin the base image to 1.5 because 1.4 is old", "10:00")
    assert [r.resolved_concerns for r in agreement_rows(chat)] == [[["anna", RAISED]], []]


def test_a_revision_settling_a_round_keeps_the_concern_resolved_in_it(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("ben", "/agree pin the base image to 1.3 because deploys broke", "08:30")
    a_round_anna_resolved(chat)
    chat.command("ben", "/review revise 1 pin the base image to 1.4 because 1.3 is old", "09:30")
    assert f"Concern heard from anna, since resolved: {RAISED}" in chat.texts()[-1]
    assert [r.resolved_concerns for r in agreement_rows(chat)] == [[], [["anna", RAISED]]]


def test_the_register_shows_the_concern_resolved_apart_from_open_ones(app):
    chat = Chat(app)
    a_round_anna_resolved(chat)
    chat.command("ben", "/agree pin the base image to 1.4 because deploys broke", "09:30")

    def exported(fmt: str) -> str:
        out = io.StringIO()
        export.write(export.register(app.database), fmt, out)
        return out.getvalue()

    [version] = json.loads(exported("json"))["agreements"]
    assert version["concerns"] == []
    assert version["resolved_concerns"] == [{"user": "anna", "text": RAISED}]
    [row] = csv.DictReader(io.StringIO(exported("csv")))
    assert (row["concerns"], row["resolved_concerns"]) == ("", f"anna: {RAISED}")
    assert f"- Concern heard from anna, since resolved: {RAISED}\n" in exported("md")


def test_forgetting_her_keeps_the_concern_she_resolved_as_a_former_members(app):
    """As the concerns she left open: the table's record keeps the words, not her."""
    chat = Chat(app)
    a_round_anna_resolved(chat)
    chat.command("ben", "/agree pin the base image to 1.4 because deploys broke", "09:30")
    person_data.forget(app.database, chat.workspace, "anna", at("11:00"))
    [row] = agreement_rows(chat)
    assert row.resolved_concerns == [[FORMER_MEMBER, RAISED]]
    assert FORMER_MEMBER in row.consenters and "anna" not in row.consenters


@pytest.mark.empty_database
def test_migration_0023_keeps_older_agreements_readable_and_goes_down(database_url):
    from bot.store import _agreement

    def recorded_before_0023(engine) -> None:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO agreement (workspace, channel, number, version, text, why, "
                    "recorded_by, owner, consenters, concerns, review_on, status, lang, "
                    "recorded_at, mandates) VALUES ('W1', 'C1', 1, 1, 'tea at 3', 'breaks', "
                    "'ben', 'ben', '[\"ben\"]', '[[\"anna\", \"too late\"]]', '2026-04-01', "
                    "'current', 'en', '2026-03-02 09:00:00', '[]')"
                )
            )

    def readable(engine) -> None:
        with Session(engine) as session:
            older = _agreement(session.exec(select(AgreementRow)).one())
        assert older.concerns == (("anna", "too late"),) and older.resolved_concerns == ()

    goes_up_and_down(
        database_url, "0022", lambda engine: "resolved_concerns" in columns(engine, "agreement"),
        at_before=recorded_before_0023, at_newest=readable,
    )  # fmt: skip
