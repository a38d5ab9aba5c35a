"""`groundrules person forget WORKSPACE USER`: an operator removes what the bot keeps
about one person at their request. It lists what it will do first, asks (unless
`--yes`), and `--dry-run` only lists. SQLite and PostgreSQL."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app as cli
from tests.bot.test_forgetting_a_person import WHO, WORKSPACE, a_table_with_fatima, rows_holding
from tests.conftest import make_app
from tests.helpers import Chat

runner = CliRunner()


def forget(database_url: str, *options: str, user: str = WHO, answer: str = ""):
    return runner.invoke(
        cli, ["person", "forget", WORKSPACE, user, *options, "--database", database_url],
        input=answer,
    )  # fmt: skip


def test_person_forget_lists_what_it_will_do_and_asks_first(database_url, tagged):
    app = make_app(database_url, tagged)
    a_table_with_fatima(app)
    asked = forget(database_url, answer="n\n")
    assert asked.exit_code == 1, asked.output
    lines = asked.output.splitlines()
    assert lines[0] == f"groundrules: what forgetting {WHO} in {WORKSPACE} does:"
    assert "  member: 1 row(s) deleted: who they are at each table, and for which organisation" in (
        lines
    )
    assert any(
        line.startswith("  agreement: 2 row(s) name “a former member” instead") for line in lines
    )
    # Still in the channel: the operator is told the bot would know her again.
    assert any(line.startswith(f"  note: {WHO} is still in 1 channel(s)") for line in lines)
    assert "cannot be undone" in asked.output
    assert rows_holding(app, WHO)  # nothing changed

    dry = forget(database_url, "--dry-run")
    assert dry.exit_code == 0 and "cannot be undone" not in dry.output
    assert dry.output.splitlines()[1:] == lines[1 : len(dry.output.splitlines())]
    assert rows_holding(app, WHO)
    assert "forgotten_person" not in rows_holding(app, WHO)  # neither noted her forgotten

    done = forget(database_url, "--yes")
    assert done.exit_code == 0, done.output
    *_, said, running = done.output.splitlines()
    assert said.startswith(f"groundrules: forgot {WHO} in {WORKSPACE} (")
    assert running == (
        f"  running bots drop what they still hold of {WHO} within a tick, and store none of "
        "their events from before now that waited in a spool"
    )
    assert rows_holding(app, WHO) == {"forgotten_person": 1}  # that she was, for a while
    app.database.dispose()


def test_person_forget_of_someone_it_knows_nothing_of_says_so(database_url, tagged):
    app = make_app(database_url, tagged)
    Chat(app, workspace=WORKSPACE).join("anna")
    app.database.dispose()
    result = forget(database_url, "--yes", user="U-NOBODY")
    assert result.exit_code == 2
    assert f"no data of U-NOBODY in {WORKSPACE}" in result.output


def test_person_forget_of_someone_who_left_needs_no_note(database_url, tagged):
    app = make_app(database_url, tagged)
    chat = a_table_with_fatima(app)
    chat.leave(WHO, "10:30")
    app.database.dispose()
    result = forget(database_url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "note:" not in result.output
