"""A message its writer deletes takes its words out of the corrections kept to learn
from ("not a problem", "it has a proposal"): what was said about it stays, its text is
blanked and `groundrules feedback export` leaves it out. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

import pytest
from sqlmodel import Session, select

from bot.feedback import export_corrections
from bot.models import CorrectionRow
from rules.actions import SendNudge
from tests.helpers import Chat, at

REPORT = "#problem speedtest on the lab line: {} down / {} up"


def corrections(app) -> list[CorrectionRow]:
    app.store.flush()
    with Session(app.database) as session:
        return list(session.exec(select(CorrectionRow).order_by(CorrectionRow.id)))


def exported(app) -> list[str]:
    out = io.StringIO()
    export_corrections(app.database, out)
    return [json.loads(line)["text"] for line in out.getvalue().splitlines()]


def test_deleting_a_message_called_not_a_problem_blanks_its_correction(app):
    chat = Chat(app)
    chat.say("ben", REPORT.format(40, 8), "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    [kept] = corrections(app)
    assert (kept.message_id, kept.text) == ("09:00", REPORT.format(40, 8))

    chat.delete("09:00", "09:05")
    [blanked] = corrections(app)
    assert (blanked.text, blanked.label, blanked.applies) == ("", "problem", False)
    assert blanked.fingerprint == kept.fingerprint
    assert exported(app) == []
    # What the table taught the bot still holds: the same report is not nudged about.
    chat.say("ben", REPORT.format(38, 9), "10:00")
    chat.tick("12:00")
    assert chat.of_type(SendNudge) == []


def test_deleting_a_message_said_to_propose_something_blanks_its_correction(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down, I'd restart the router tonight", "09:00")
    chat.say("anna", "#problem the canteen is closed, let's order in", "09:02")
    chat.tick("09:30")
    chat.relabel("ben", "09:00", "09:31", has_proposal=True)  # the nudge's button
    chat.command("anna", "/has-proposal", "09:32")
    chat.delete("09:00", "09:40")
    canteen = "#problem the canteen is closed, let's order in"
    assert [(c.message_id, c.text, c.label, c.applies) for c in corrections(app)] == [
        ("09:00", "", "problem", True),
        ("09:00", "", "proposal", True),
        ("09:02", canteen, "problem", True),
        ("09:02", canteen, "proposal", True),
    ]
    assert exported(app) == [canteen, canteen]


def test_corrections_at_another_table_keep_their_text(app):
    chat = Chat(app)
    other = Chat(app, channel="C2")
    other._ids = chat._ids  # one stream of event ids
    chat.say("ben", "#problem the printer jams on every job", "09:00")
    other.say("ben", "#problem the printer jams on every job", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    other.command("ben", "/not-a-problem", "09:01")
    chat.delete("09:00", "09:05")
    assert [(c.channel, c.text) for c in corrections(app)] == [
        ("C1", ""),
        ("C2", "#problem the printer jams on every job"),
    ]


@pytest.mark.empty_database
def test_migration_0009_keeps_corrections_stored_before_it_as_they_were(database_url, tagged):
    from sqlalchemy import text

    from bot.database import make_engine
    from bot.migrate import upgrade
    from tests.conftest import make_app

    engine = make_engine(database_url)
    upgrade(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO correction (workspace, channel, "user", text, label, applies, '
                "created_at) VALUES ('W1', 'C1', 'ben', '#problem the old printer', "
                "'problem', :no, :at)"
            ),
            {"no": False, "at": at("08:00")},
        )
    upgrade(engine)
    engine.dispose()
    app = make_app(database_url, tagged)
    chat = Chat(app)
    chat.say("ben", "#problem the printer jams on every job", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    chat.delete("09:00", "09:05")
    chat.delete("08:00", "09:06")  # no message is known for the old one
    assert [(c.message_id, c.text) for c in corrections(app)] == [
        (None, "#problem the old printer"),
        ("09:00", ""),
    ]
    assert exported(app) == ["#problem the old printer"]
    app.database.dispose()
