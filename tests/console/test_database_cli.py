"""A database the command line cannot open is one clear line, not a traceback; a command
that only reads makes no database, and an export that fails leaves the last one as it was."""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from rules.events import MessageRelabelled
from tests.conftest import make_app
from tests.helpers import raw_controls

runner = CliRunner()
# Nothing listens on port 1: refused at once, with or without a PostgreSQL server here.
UNREACHABLE = "postgresql://bot:s3cret@127.0.0.1:1/groundrules"
SHOWN = "postgresql://bot:***@127.0.0.1:1/groundrules"
# libpq also takes the password (and a client key's) in the query.
UNREACHABLE_BY_QUERY = (
    "postgresql://bot@127.0.0.1:1/groundrules?sslmode=prefer&password=s3cret&sslpassword=s3cret"
)
SHOWN_BY_QUERY = (
    "postgresql://bot@127.0.0.1:1/groundrules?password=***&sslmode=prefer&sslpassword=***"
)


def one_line(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    # The runner prints no traceback: an exception it caught is one the command did not.
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    assert "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    return line


def corrected(url: str, rule_classifier, text: str = "the build is slow again") -> None:
    groundrules = make_app(url, rule_classifier)
    try:
        groundrules.service.handle(
            MessageRelabelled(
                workspace="W1", channel="C1", at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
                event_id="e1", user="U-ben", message_id="m1", text=text,
                label="problem", applies=False,
            )
        )  # fmt: skip
    finally:
        groundrules.database.dispose()


@pytest.mark.parametrize("kept", ["missing", "empty file"])
def test_feedback_export_from_a_mistyped_database_keeps_the_last_export(tmp_path, kept):
    """It opened --out first (emptying it), printed SQLAlchemy's "no such table" and left
    an empty database file at the mistyped path."""
    out = tmp_path / "team.jsonl"
    out.write_text('{"text": "kept"}\n', encoding="utf-8")
    mistyped = tmp_path / "tema.db"
    if kept == "empty file":  # what such a run left behind
        mistyped.touch()
    result = runner.invoke(
        app, ["feedback", "export", "--out", str(out), "--database", f"sqlite:///{mistyped}"]
    )
    line = one_line(result)
    assert line == f"groundrules: cannot open sqlite:///{mistyped}: no such database"
    assert out.read_text(encoding="utf-8") == '{"text": "kept"}\n'
    assert mistyped.exists() == (kept == "empty file")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["team.jsonl"] + (["tema.db"] if kept == "empty file" else [])
    )


def test_feedback_export_replaces_the_file_once_written(tmp_path, rule_classifier):
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier)
    out = tmp_path / "team.jsonl"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    result = runner.invoke(app, ["feedback", "export", "--out", str(out), "--database", url])
    assert result.exit_code == 0, result.output
    assert "1 correction(s) exported" in result.stderr
    [record] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == "the build is slow again" and record["applies"] is False
    assert out.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_feedback_export_speaks_every_table_s_language_where_the_text_gives_no_sign(
    tmp_path, rule_classifier
):
    """A text whose words give no sign ("staging is down") at a table that chose no
    language: with GROUNDRULES_LANGUAGE=nl it is Dutch, as the bot read it."""
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier, text="staging is down")
    dutch = runner.invoke(app, ["feedback", "export", "--database", url],
                          env={"GROUNDRULES_LANGUAGE": "nl"})  # fmt: skip
    assert json.loads(dutch.stdout)["lang"] == "nl"
    english = runner.invoke(app, ["feedback", "export", "--database", url])
    assert json.loads(english.stdout)["lang"] == "en"


def test_feedback_export_escapes_control_characters_and_keeps_accents_readable(
    tmp_path, rule_classifier
):
    """Corrected words go to stdout by default: their C1 controls (0x9b opens a sequence
    as ESC [ does) were written raw. JSON's escape reads back the same."""
    url = f"sqlite:///{tmp_path}/groundrules.db"
    words = "de build is traag\x1b[2J\x9b2J, café 🙂"
    corrected(url, rule_classifier, text=words)
    result = runner.invoke(app, ["feedback", "export", "--database", url])
    assert result.exit_code == 0, result.output
    assert raw_controls(result.stdout) == [], repr(result.stdout)
    assert "café 🙂" in result.stdout and json.loads(result.stdout)["text"] == words


def test_feedback_export_failing_half_way_keeps_the_last_export(
    tmp_path, rule_classifier, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    from bot import feedback

    def half_way(database, out, **_):
        out.write('{"text": "half"}\n')
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier)
    monkeypatch.setattr(feedback, "export_corrections", half_way)
    out = tmp_path / "team.jsonl"
    out.write_text("old\n", encoding="utf-8")
    result = runner.invoke(app, ["feedback", "export", "--out", str(out), "--database", url])
    assert one_line(result) == f"groundrules: cannot open {url}: disk I/O error"
    assert out.read_text(encoding="utf-8") == "old\n"
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["feedback", "export", "--database", "bogus"], "--database: use sqlite:///FILE"),
        (["classify", "--classifier", "bogus"], "--classifier: Input should be 'rules'"),
        (["replay", "-", "--window", "0"], "--window: too short: at least 10s"),
    ],
)
def test_an_option_refused_is_named_as_typed_not_as_its_variable(command, said):
    assert one_line(runner.invoke(app, command), 2).startswith(f"groundrules: {said}")
    # the variable set wrong, with no option given, is named as the variable
    result = runner.invoke(app, ["feedback", "export"], env={"DATABASE_URL": "bogus"})
    assert one_line(result, 2).startswith("groundrules: DATABASE_URL: use sqlite:///FILE")


def test_export_to_a_missing_folder_is_one_line(tmp_path, rule_classifier):
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier)
    result = runner.invoke(
        app, ["export", "--database", url, "--output", str(tmp_path / "nope" / "r.md")]
    )
    assert one_line(result) == f"groundrules: cannot write {tmp_path}/nope/r.md: " + (
        "No such file or directory"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["export"],
        ["export", "--output", "register.md"],
        ["feedback", "export"],
        ["workspace", "list"],
        ["workspace", "forget", "slack:T1", "--yes"],
    ],
)
def test_reading_commands_name_a_database_they_cannot_open(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "no-such-folder" / "x.db"
    result = runner.invoke(app, [*command, "--database", f"sqlite:///{missing}"])
    assert one_line(result) == f"groundrules: cannot open sqlite:///{missing}: no such database"

    absent = tmp_path / "absent.db"
    result = runner.invoke(app, [*command, "--database", f"sqlite:///{absent}"])
    assert one_line(result) == f"groundrules: cannot open sqlite:///{absent}: no such database"
    assert not absent.exists()  # a command that only reads makes no database

    for url, shown in [(UNREACHABLE, SHOWN), (UNREACHABLE_BY_QUERY, SHOWN_BY_QUERY)]:
        result = runner.invoke(app, [*command, "--database", url])
        line = one_line(result)
        assert line.startswith(f"groundrules: cannot open {shown}: ") and "refused" in line
        assert "s3cret" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_migrate_names_a_database_it_cannot_open_and_still_makes_a_new_one(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/no-such-folder/x.db")
    line = one_line(runner.invoke(app, ["migrate"]))
    assert line == (
        f"groundrules: cannot open sqlite:///{tmp_path}/no-such-folder/x.db: "
        "unable to open database file"
    )
    for url, shown in [(UNREACHABLE, SHOWN), (UNREACHABLE_BY_QUERY, SHOWN_BY_QUERY)]:
        monkeypatch.setenv("DATABASE_URL", url)
        result = runner.invoke(app, ["migrate"])
        assert one_line(result).startswith(f"groundrules: cannot open {shown}: ")
        assert "s3cret" not in result.output

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/new.db")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new.db").stat().st_size > 0


def test_replay_names_a_database_it_cannot_open_at_once(tmp_path):
    """`bootstrap` waits a minute for a database, as a container's; by hand, one try."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(
        json.dumps({"ts": "2026-03-02T09:00:00Z", "channel": "C", "user": "u", "text": "hi"}) + "\n"
    )
    for url, shown in [
        (f"sqlite:///{tmp_path}/no-such-folder/x.db", f"sqlite:///{tmp_path}/no-such-folder/x.db"),
        (UNREACHABLE, SHOWN),
        (UNREACHABLE_BY_QUERY, SHOWN_BY_QUERY),
    ]:
        result = runner.invoke(
            app, ["replay", str(transcript), "--classifier", "rules", "--database", url]
        )
        assert one_line(result).startswith(f"groundrules: cannot open {shown}: ")
        assert "s3cret" not in result.output


@pytest.mark.empty_database
def test_migrate_says_a_database_is_up_to_date_without_its_password(postgres_url, monkeypatch):
    """A password given in the query (`?password=`, which libpq takes) was printed."""
    monkeypatch.setenv("DATABASE_URL", f"{postgres_url}&password=s3cret")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    [line] = result.stdout.splitlines()
    assert line.startswith("groundrules: postgresql") and "&password=***" in line


def test_a_database_url_that_cannot_be_read_is_not_shown(tmp_path):
    result = runner.invoke(app, ["workspace", "list", "--database", "bot:s3cret@nowhere"])
    assert "use sqlite:///FILE or postgresql://" in one_line(result, exit_code=2)
    assert "s3cret" not in result.output
    url = "postgresql://bot:s3cret@host:notaport/db"
    result = runner.invoke(app, ["workspace", "list", "--database", url])
    assert "use sqlite:///FILE or postgresql://" in one_line(result, exit_code=2)
    assert "s3cret" not in result.output


@pytest.mark.parametrize("command", [["replay", "-"], ["export"], ["workspace", "list"]])
def test_a_database_other_than_sqlite_or_postgresql_is_named_in_one_line(command):
    result = runner.invoke(app, [*command, "--database", "mysql://bot@127.0.0.1/groundrules"])
    line = one_line(result, exit_code=2)
    assert "use sqlite:///FILE or postgresql://USER@HOST/DATABASE" in line


class Watching(io.StringIO):
    """The replay's --json output, armed once `after` nudges were shown."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after, self.nudges = after, 0

    def write(self, text: str) -> int:
        self.nudges += '"type": "nudge"' in text
        return super().write(text)

    @property
    def armed(self) -> bool:
        return self.nudges >= self.after


def replay_failing(url: str, midway, tmp_path, monkeypatch, capsys) -> tuple[int, str]:
    """600 problems, one every 5 s, each nudged 10 minutes (120 lines) later; at the
    150th nudge (while the second batch of 256 lines replays), as the next transaction
    begins (the third batch's), `midway`. Run as the installed command runs; the
    transcript line it stopped at, and its one line."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(
        "".join(
            json.dumps({"ts": f"2026-03-02T09:{n * 5 // 60:02d}:{n * 5 % 60:02d}Z",
                        "channel": "C", "user": f"u{n}",
                        "text": f"The staging deploy is broken again ({n})"}) + "\n"
            for n in range(600)
        ),
        encoding="utf-8",
    )  # fmt: skip
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    output = Watching(150)
    monkeypatch.setattr(sys, "stdout", output)
    done: list[bool] = []

    def between_transactions(connection) -> None:  # none open: another may go ahead
        if output.armed and not done:
            done.append(True)
            midway()

    event.listen(Engine, "begin", between_transactions, insert=True)
    try:
        command = ["replay", str(transcript), "--json", "--classifier", "rules", "--database",
                   url]  # fmt: skip
        assert app(command, standalone_mode=False) == 1
    finally:
        event.remove(Engine, "begin", between_transactions)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    stopped = re.search(r"stopped at transcript line (\d+): ", line)
    assert stopped is not None, line
    return int(stopped[1]), line


def test_replay_whose_sqlite_tables_are_dropped_half_way_says_how_far_it_got(
    tmp_path, monkeypatch, capsys
):
    """A SQLite file removed or emptied under an open connection goes on working (the
    open file stays): its tables dropped by another connection do not."""
    import sqlite3

    path = tmp_path / "groundrules.db"

    def drop() -> None:
        with sqlite3.connect(path) as other:
            tables = other.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (table,) in tables.fetchall():
                other.execute(f'DROP TABLE "{table}"')

    url = f"sqlite:///{path}"
    stopped, line = replay_failing(url, drop, tmp_path, monkeypatch, capsys)
    assert stopped == 513  # the first line of the third batch
    assert line.startswith(f"groundrules: the replay stopped at transcript line 513: {url}: ")
    assert "no such table" in line and line.endswith("; lines up to 512 are stored")


def test_replay_whose_postgresql_schema_is_dropped_half_way_says_how_far_it_got(
    postgres_url, tmp_path, monkeypatch, capsys
):
    from urllib.parse import unquote

    from sqlalchemy import text

    from bot.database import make_engine, redact

    schema = unquote(postgres_url).rsplit("search_path=", 1)[1]
    admin = make_engine(postgres_url)

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))  # for the fixture to drop

    try:
        stopped, line = replay_failing(postgres_url, drop, tmp_path, monkeypatch, capsys)
    finally:
        admin.dispose()
    assert stopped == 513
    assert line.startswith(
        f"groundrules: the replay stopped at transcript line {stopped}: {redact(postgres_url)}: "
    )
    assert "does not exist" in line and line.endswith("; lines up to 512 are stored")


READING = [
    ["export"],
    ["feedback", "export"],
    ["workspace", "list"],
    ["workspace", "forget", "slack:T1", "--yes"],
]


def _tables(url: str) -> set[str]:
    from sqlalchemy import inspect

    from bot.database import make_engine

    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.empty_database
@pytest.mark.parametrize("command", READING)
def test_reading_commands_make_no_schema_in_a_database_that_is_not_groundrules(
    database_url, command
):
    """They created every table in whatever database they were pointed at."""
    from sqlalchemy import text

    from bot.database import make_engine, redact

    engine = make_engine(database_url)
    with engine.begin() as connection:  # someone else's database
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()

    result = runner.invoke(app, [*command, "--database", database_url])
    assert one_line(result) == f"groundrules: no Groundrules database at {redact(database_url)}"
    assert _tables(database_url) == {"invoices"}


@pytest.mark.empty_database
@pytest.mark.parametrize("command", READING)
def test_reading_commands_leave_an_older_schema_to_groundrules_migrate(database_url, command):
    """They upgraded it, under the older bot still running on it."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from bot.database import make_engine, redact
    from bot.migrate import alembic_config, upgrade

    newest = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = make_engine(database_url)
    upgrade(engine, "0007")
    result = runner.invoke(app, [*command, "--database", database_url])
    assert one_line(result) == (
        f"groundrules: {redact(database_url)} has an older schema (0007) than this version "
        f"({newest}): run `groundrules migrate --database {redact(database_url)}` first, "
        "with no older bot still running on it"
    )
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            ("0007",)
        ]
    engine.dispose()


@pytest.mark.empty_database
def test_the_migrate_hint_can_be_followed_as_given(database_url, tmp_path, monkeypatch):
    """The hint said `groundrules migrate`, which had no --database: run as told, it
    migrated (and made) ./groundrules.db, and the database named stayed old."""
    from bot.database import make_engine, redact
    from bot.migrate import upgrade

    here = tmp_path / "elsewhere"  # the sqlite fixture's file is tmp_path/groundrules.db
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("GROUNDRULES_DATABASE_URL", raising=False)
    engine = make_engine(database_url)
    upgrade(engine, "0007")
    engine.dispose()
    refused = runner.invoke(app, ["export", "--database", database_url])
    hint = re.search(r"run `groundrules (migrate[^`]*)` first", one_line(refused))
    assert hint is not None
    migrated = runner.invoke(app, hint.group(1).split(" "))  # the URL holds no spaces
    assert migrated.exit_code == 0, migrated.output
    assert migrated.stdout == f"groundrules: {redact(database_url)} is up to date\n"
    assert list(here.iterdir()) == []
    if "***" not in hint.group(1):  # a password is not shown: the user types it in
        assert runner.invoke(app, ["export", "--database", database_url]).exit_code == 0
    migrated = runner.invoke(app, ["migrate", "--database", database_url])
    assert migrated.exit_code == 0, migrated.output
    assert runner.invoke(app, ["export", "--database", database_url]).exit_code == 0


def test_the_migrate_hint_names_no_option_for_the_database_url(tmp_path, monkeypatch):
    """Reached by DATABASE_URL, `groundrules migrate` alone migrates the same database."""
    from bot.database import make_engine
    from bot.migrate import upgrade

    url = f"sqlite:///{tmp_path}/old.db"
    engine = make_engine(url)
    upgrade(engine, "0007")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    line = one_line(runner.invoke(app, ["export"]))
    assert line.endswith(": run `groundrules migrate` first, with no older bot still running on it")
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    assert runner.invoke(app, ["export"]).exit_code == 0


def test_migrate_takes_the_database_option_as_the_other_commands_do():
    from typer.main import get_command

    commands = get_command(app).commands  # type: ignore[attr-defined]

    def database_help(command) -> str:
        [option] = [p for p in command.params if p.name == "database"]
        return f"{option.opts} {option.help}"

    assert database_help(commands["migrate"]) == database_help(commands["export"])
    assert database_help(commands["migrate"]) == database_help(
        commands["workspace"].commands["forget"]
    )


def test_feedback_export_makes_the_folders_of_its_out_file(tmp_path, rule_classifier):
    """A fresh clone has no data/feedback/: the README's command failed there."""
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier)
    out = tmp_path / "data" / "feedback" / "team.jsonl"
    result = runner.invoke(app, ["feedback", "export", "--out", str(out), "--database", url])
    assert result.exit_code == 0, result.output
    assert result.stderr == "groundrules: 1 correction(s) exported\n"
    [record] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == "the build is slow again"
    assert sorted(p.name for p in out.parent.iterdir()) == ["team.jsonl"]


def test_feedback_export_under_a_file_is_one_line(tmp_path, rule_classifier):
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier)
    (tmp_path / "data").write_text("not a folder\n")
    out = tmp_path / "data" / "feedback" / "team.jsonl"
    result = runner.invoke(app, ["feedback", "export", "--out", str(out), "--database", url])
    assert one_line(result) == f"groundrules: cannot write {out}: Not a directory"


def test_the_folder_make_train_reads_corrections_from_is_in_the_repository():
    """`> data/feedback/team.jsonl` (the README's form for a container) needs it there;
    `make train` reads it, its .gitkeep as no correction."""
    from training.config import load_config
    from training.dataset import fold_feedback

    folder = Path(__file__).resolve().parents[2] / "data" / "feedback"
    assert (folder / ".gitkeep").is_file()
    assert load_config().feedback == folder
    if not list(folder.glob("*.jsonl")):  # as cloned: a team's exports stay out of git
        assert fold_feedback([], folder) == ([], {"corrections": 0, "changed": 0, "added": 0,
                                                  "held_out": 0})  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [["export"], ["feedback", "export"], ["workspace", "list"], ["person", "forget", "W", "U"]],
)
def test_a_reading_command_without_any_database_named_says_database_url_is_not_set(
    tmp_path, monkeypatch, command
):
    monkeypatch.chdir(tmp_path)  # no groundrules.db here, and no .env
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert one_line(result) == (
        "groundrules: cannot open sqlite:///groundrules.db: no such database; "
        "DATABASE_URL is not set: set it, or give --database"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flag", ["--out", "--output"])
def test_both_exports_take_either_name_for_the_file(tmp_path, rule_classifier, flag):
    """`export` said --output and `feedback export` --out: the one typed for the other
    was refused ("No such option")."""
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier)
    register, corrections = tmp_path / "register.md", tmp_path / "team.jsonl"
    for command, path in ((["export"], register), (["feedback", "export"], corrections)):
        result = runner.invoke(app, [*command, "--database", url, flag, str(path)])
        assert result.exit_code == 0, result.output
    assert register.read_text().startswith("# Agreement register")
    assert json.loads(corrections.read_text())["text"] == "the build is slow again"
