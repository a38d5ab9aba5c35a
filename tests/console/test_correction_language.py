"""A correction keeps its message's language (correction.lang, migration 0013) all the
way to the training data: `groundrules feedback export` used to guess it again from the
text as the export ran, so a Dutch correction whose words gave no sign was exported as
the table's language of that day, or the exporting bot's, and learnt as English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session, select
from typer.testing import CliRunner

from adapters.console.console import ConsoleChat
from bot.cli import app as cli
from bot.database import make_engine
from bot.migrate import alembic_config, upgrade
from bot.models import CorrectionRow
from tests.conftest import make_app
from training.dataset import fold_feedback

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def console_session(url: str, classifier, lines: list[str], **settings) -> None:
    groundrules = make_app(url, classifier, **settings)
    try:
        ConsoleChat(groundrules, start=START, write=lambda _: None).run(lines)
    finally:
        groundrules.database.dispose()


def trained_on(url: str, feedback, **env: str) -> dict[str, str]:
    """`groundrules feedback export` into data/feedback/, then what `make train` folds
    in (training.dataset.fold_feedback): each text's language."""
    feedback.mkdir(exist_ok=True)
    out = feedback / "team.jsonl"
    result = CliRunner().invoke(
        cli, ["feedback", "export", "--out", str(out), "--database", url], env=env
    )
    assert result.exit_code == 0, result.output
    added, _ = fold_feedback([], feedback)
    return {example.text: example.lang for example in added}


def test_a_dutch_correction_at_an_english_bot_is_learnt_as_dutch_after_the_table_changes(
    tmp_path, rule_classifier
):
    """The table spoke Dutch when "staging is down" (no sign in its words) was corrected;
    it speaks English since. The export read today's table language: English."""
    url = f"sqlite:///{tmp_path}/console.db"
    console_session(
        url,
        rule_classifier,
        ["/as ben", "/tafel taal nl", "staging is down", "/correct 1 not problem",
         "/table language en", "the build is slow again", "/correct 2 not problem"],
        language="en",
    )  # fmt: skip
    languages = trained_on(url, tmp_path / "feedback", GROUNDRULES_LANGUAGE="en")
    assert languages == {"staging is down": "nl", "the build is slow again": "en"}


def test_a_correction_at_a_dutch_bot_stays_dutch_when_exported_elsewhere(tmp_path, rule_classifier):
    """The bot runs with GROUNDRULES_LANGUAGE=nl; the export, run without it, said English."""
    url = f"sqlite:///{tmp_path}/console.db"
    console_session(
        url,
        rule_classifier,
        ["/as ben", "staging is down", "/correct 1 not problem"],
        language="nl",
    )
    assert trained_on(url, tmp_path / "feedback") == {"staging is down": "nl"}


def test_a_message_s_own_words_decide_its_language_over_the_table_s(tmp_path, rule_classifier):
    url = f"sqlite:///{tmp_path}/console.db"
    console_session(
        url,
        rule_classifier,
        ["/as ben", "/table language en", "de printer is weer kapot", "/correct 1 not problem"],
    )
    engine = make_engine(url)
    with Session(engine) as session:
        [correction] = session.exec(select(CorrectionRow)).all()
    engine.dispose()
    assert correction.lang == "nl"


def test_a_correction_nothing_tells_the_language_of_is_left_to_the_export(
    tmp_path, rule_classifier
):
    """No sign in its words, no table language, no bot language: stored without one, and
    the export falls back to GROUNDRULES_LANGUAGE as before."""
    url = f"sqlite:///{tmp_path}/console.db"
    console_session(url, rule_classifier, ["/as ben", "staging is down", "/correct 1 not problem"])
    feedback = tmp_path / "feedback"
    assert trained_on(url, feedback, GROUNDRULES_LANGUAGE="nl") == {"staging is down": "nl"}
    assert trained_on(url, feedback, GROUNDRULES_LANGUAGE="en") == {"staging is down": "en"}


@pytest.mark.empty_database
def test_migration_0013_keeps_corrections_stored_before_it_and_goes_down_again(
    database_url, tmp_path, rule_classifier
):
    """A correction stored before keeps the export's fallback; one after keeps its
    language; down again, the column goes and the corrections stay."""
    engine = make_engine(database_url)
    upgrade(engine, "0012")
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO correction (workspace, channel, "user", text, label, applies, '
                "created_at) VALUES ('W1', 'C1', 'ben', 'staging is down', "
                "'problem', :no, :at)"
            ),
            {"no": False, "at": START},
        )
    upgrade(engine)
    engine.dispose()
    console_session(
        database_url,
        rule_classifier,
        ["/as ben", "/tafel taal nl", "deploy blijft hangen", "/correct 1 not problem"],
    )
    feedback = tmp_path / "feedback"
    assert trained_on(database_url, feedback, GROUNDRULES_LANGUAGE="en") == {
        "staging is down": "en",  # stored before 0013: as the export guesses, as before
        "deploy blijft hangen": "nl",
    }
    command.downgrade(alembic_config(database_url), "0012")
    engine = make_engine(database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("correction")}
        assert "lang" not in columns
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM correction")).scalar() == 2
    finally:
        engine.dispose()
