"""`groundrules workspace list | forget`: what an operator sees of each workspace, and
forgetting one at once (a team's request, or a workspace nobody will come back to)."""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import text
from typer.testing import CliRunner

from bot import workspaces
from bot.cli import app as cli
from bot.database import make_engine
from bot.models import now_utc
from tests.conftest import make_app
from tests.helpers import Chat

runner = CliRunner()


def filled(database_url: str, tagged) -> None:
    app = make_app(database_url, tagged)
    for workspace in ("slack:T1", "discord:42"):
        chat = Chat(app, workspace=workspace)
        chat.join("anna", "ben")
        chat.command("anna", "/agree stand-up at 10:00 because the early train", "09:00")
    app.store.flush()
    workspaces.mark_removed(app.database, "discord:42", now_utc())
    SQLAlchemyInstallationStore(client_id="111.222", engine=app.database).save(
        Installation(
            app_id="A1", team_id="T1", bot_token="xoxb-T1", bot_id="B1", bot_user_id="U-BOT",
            bot_scopes="chat:write", user_id="U-ADMIN",
        )
    )  # fmt: skip
    app.database.dispose()


def test_workspace_list_shows_each_with_its_counts_and_removal(database_url, tagged):
    filled(database_url, tagged)
    result = runner.invoke(cli, ["workspace", "list", "--database", database_url])
    assert result.exit_code == 0, result.output
    discord, slack = result.stdout.splitlines()
    assert discord.startswith("discord:42\t2 member(s)\t1 agreement(s)\tremoved the bot ")
    assert "; deleted on " in discord
    assert slack == "slack:T1\t2 member(s)\t1 agreement(s)"


def test_workspace_forget_asks_first_then_deletes_its_rows_and_tokens(database_url, tagged):
    filled(database_url, tagged)
    asked = runner.invoke(
        cli, ["workspace", "forget", "slack:T1", "--database", database_url], input="n\n"
    )
    assert asked.exit_code == 1 and "cannot be undone" in asked.output
    listed = runner.invoke(cli, ["workspace", "list", "--database", database_url]).stdout
    assert "slack:T1" in listed

    done = runner.invoke(
        cli, ["workspace", "forget", "slack:T1", "--yes", "--database", database_url]
    )
    assert done.exit_code == 0, done.output
    assert "forgot slack:T1 (" in done.output and "slack installation rows 2" in done.output
    listed = runner.invoke(cli, ["workspace", "list", "--database", database_url]).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["discord:42"]
    app = make_app(database_url, tagged)
    with app.database.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM slack_bots")).scalar_one() == 0
    app.database.dispose()


def test_workspace_installed_with_no_other_data_is_listed_and_forgotten(database_url, tagged):
    """A Slack workspace that installed the bot and left nothing else (nobody invited it
    anywhere, or its rows were all swept) was neither listed nor forgettable: its bot
    token, team name and installer stayed. So did an Enterprise Grid org-wide install."""
    filled(database_url, tagged)
    engine = make_engine(database_url)
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    store.save(
        Installation(
            app_id="A1", team_id="T9", team_name="Acme Corp", bot_token="xoxb-T9-secret",
            bot_id="B1", bot_user_id="U-BOT", bot_scopes="chat:write", user_id="U-ADMIN",
        )
    )  # fmt: skip
    store.save(
        Installation(
            app_id="A1", enterprise_id="E1", enterprise_name="Acme Group", team_id=None,
            is_enterprise_install=True, bot_token="xoxb-E1-secret", bot_id="B2",
            bot_user_id="U-BOT2", bot_scopes="chat:write", user_id="U-ADMIN",
        )
    )  # fmt: skip
    listed = runner.invoke(cli, ["workspace", "list", "--database", database_url])
    assert listed.stdout.splitlines()[1:] == [
        "slack:E1:\t0 member(s)\t0 agreement(s)\tinstalled, no other data",
        "slack:T1\t2 member(s)\t1 agreement(s)",
        "slack:T9\t0 member(s)\t0 agreement(s)\tinstalled, no other data",
    ]
    for workspace in ("slack:T9", "slack:E1:"):
        done = runner.invoke(
            cli, ["workspace", "forget", workspace, "--yes", "--database", database_url]
        )
        assert done.exit_code == 0, done.output
        assert done.stdout == f"groundrules: forgot {workspace} (slack installation rows 2)\n"
    with engine.connect() as connection:
        left = connection.execute(
            text("SELECT enterprise_id, team_id, team_name, bot_token, user_id "
                 "FROM slack_installations")
        ).all()  # fmt: skip
        bots = connection.execute(text("SELECT team_id, bot_token FROM slack_bots")).all()
    engine.dispose()
    assert [tuple(row) for row in left] == [(None, "T1", None, "xoxb-T1", "U-ADMIN")]
    assert [tuple(row) for row in bots] == [("T1", "xoxb-T1")]
    listed = runner.invoke(cli, ["workspace", "list", "--database", database_url]).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["discord:42", "slack:T1"]


def test_workspace_forget_names_an_unknown_workspace(database_url, tagged):
    filled(database_url, tagged)
    result = runner.invoke(
        cli, ["workspace", "forget", "slack:T9", "--yes", "--database", database_url]
    )
    assert result.exit_code == 2
    assert "no data of slack:T9; see `groundrules workspace list`" in result.output


def test_workspace_commands_that_fail_half_way_say_so_in_one_line(database_url, tagged):
    """A database failing after it was opened (a table gone, the server going away)
    printed a traceback; `export` says one line, and so do these."""
    filled(database_url, tagged)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE slack_bots"))
    result = runner.invoke(
        cli, ["workspace", "forget", "slack:T1", "--yes", "--database", database_url]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("groundrules: cannot open ") and "slack_bots" in line

    with engine.begin() as connection:  # back, and another table gone
        SQLAlchemyInstallationStore(client_id="111.222", engine=engine).bots.create(connection)
        connection.execute(text("DROP TABLE removed_workspace"))
    engine.dispose()
    for command in (["workspace", "list"], ["workspace", "forget", "discord:42", "--yes"]):
        result = runner.invoke(cli, [*command, "--database", database_url])
        assert result.exit_code == 1 and "Traceback" not in result.output
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("groundrules: cannot open ") and "removed_workspace" in line
