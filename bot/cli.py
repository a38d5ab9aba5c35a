"""The `groundrules` command line."""

from __future__ import annotations

import errno
import inspect
import io
import logging
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer

from bot.best_effort_stderr import BestEffortStderr
from bot.settings import SettingsError, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.workspaces import Known

# Errors only a write gives: for want of room.
WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class _StdoutClosed(OSError):
    """A write to a stdout that was closed before the command started (`>&-`)."""


class _ClosedStdout(io.TextIOBase):
    """sys.stdout where there is none (`>&-`): Python leaves it None, on which a command
    writing its output failed with an AttributeError, and click's echo wrote nothing
    and said nothing. A command that writes nothing there runs as ever."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            raise _StdoutClosed(errno.EBADF, "it is closed")
        return 0


class _Groundrules(typer.Typer):
    """The app as the installed command calls it (typer's test runner calls its click
    command instead, with a stdout of its own). A stdout that cannot be written (a full
    disk or device, or one closed) ends it with one line and exit code 1, as a file that
    cannot be written does. A pipe closed early (`| head`) ends it of SIGPIPE, quietly,
    as coreutils and git end. Its stderr is best effort (bot.best_effort_stderr)."""

    def __call__(self, *args, **kwargs):
        if sys.stdout is None:
            sys.stdout = _ClosedStdout()
        if not isinstance(sys.stderr, BestEffortStderr):
            sys.stderr = BestEffortStderr(sys.stderr)
        try:
            try:
                return super().__call__(*args, **kwargs)
            finally:
                sys.stdout.flush()  # here, not in Python's own flush at exit
        except SystemExit as exit_:
            # Click ends a command whose stdout's reader went away with exit code 1, the
            # code of a failure (stderr's never does: it is best effort).
            gone = exit_.__context__
            if isinstance(gone, OSError) and gone.errno == errno.EPIPE:
                _reader_gone()
            raise
        except OSError as error:
            # Commands catch what fails to write their files: one that escapes is stdout's.
            full = error.errno in WRITE_FAILURES and error.filename is None
            if not (full or isinstance(error, _StdoutClosed)):
                raise
            _stdout_failed(error)


def _stdout_failed(error: OSError) -> NoReturn:
    with suppress(OSError):  # stderr as full: nothing left to say it on
        typer.echo(f"groundrules: cannot write stdout: {error.strerror}", err=True)
    _stdout_to_devnull()
    raise SystemExit(1)


def _reader_gone() -> None:
    """End as a command whose reader went away ends by default (a shell sees 141): of
    SIGPIPE, which Python ignores, so that a pipeline stops and no error is told."""
    _stdout_to_devnull()
    if hasattr(signal, "SIGPIPE"):  # not on Windows: click's exit code 1 stands there
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)


def _stdout_to_devnull() -> None:
    """What stdout still holds goes nowhere, not into a second error at exit."""
    with suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


app = _Groundrules(
    help="Groundrules keeps a team to its own ground rules in chat.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# `--database` of every command that works on the bot's database (not replay's own).
DatabaseOption = Annotated[str | None, typer.Option(help="Database URL (default: DATABASE_URL).")]

# The command-line option each setting a command takes is given by, to name in an error.
OPTIONS = {
    "database_url": "--database",
    "problem_window": "--window",
    "classifier": "--classifier",
    "second_reading": "--second-reading",
    "discord_shards": "--shards",
}


def _refuse(error: SettingsError, given: dict[str, object]) -> typer.Exit:
    """Say what was refused, named as the user gave it: the option if they typed it,
    else the variable; the exit to raise."""
    option = OPTIONS.get(error.field) if error.field in given else None
    said = error if option is None else f"{option}: {error.reason}"
    typer.echo(f"groundrules: {said}", err=True)
    return typer.Exit(2)


def _settings(**overrides):
    """Settings with the options given; a refused one is named as the user typed it."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return load_settings(**given)
    except SettingsError as error:
        raise _refuse(error, given) from None


def _shown(url: str) -> str:
    """The URL without its password; one that cannot be read is not shown at all."""
    from sqlalchemy.exc import ArgumentError

    from bot.database import redact

    try:
        return redact(url)
    except ArgumentError:
        return "the database URL"


@contextmanager
def _database_errors(url: str, *also: type[BaseException]) -> Iterator[None]:
    """A database that cannot be opened or reached, or a URL that cannot be read, stops
    the command with one line and exit code 1 instead of a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.database import reason

    try:
        yield
    except (SQLAlchemyError, *also) as error:
        typer.echo(f"groundrules: cannot open {_shown(url)}: {reason(error)}", err=True)
        raise typer.Exit(1) from None


def _missing_sqlite_file(url: str) -> bool:
    """A SQLite URL naming a file that does not exist (or is empty: a mistyped path that
    an earlier run created): a command that only reads should not make one."""
    from sqlalchemy.engine import make_url

    from bot.database import is_memory_sqlite, is_sqlite

    if not is_sqlite(url) or is_memory_sqlite(url) or make_url(url).query.get("uri"):
        return False
    path = Path(make_url(url).database or "")
    return not path.is_file() or path.stat().st_size == 0


def _open_database(database: str | None, *, migrate: bool = False):
    """Settings (with `--database` applied) and an engine on a database at the newest
    schema. Only `migrate` makes or changes a schema (and a SQLite file that is not
    there); every other command refuses a database that is not Groundrules' or whose
    schema is older or newer than this version's, in one line."""
    from alembic.util.exc import CommandError

    from bot.database import make_engine
    from bot.migrate import SchemaMismatch, check_schema, upgrade

    settings = _settings(database_url=database)
    url = settings.database_url
    with _database_errors(url, ImportError, CommandError):
        if not migrate and _missing_sqlite_file(url):
            # The default file, which neither --database nor DATABASE_URL named: most
            # likely the variable was not set where the command ran.
            unnamed = "database_url" not in settings.model_fields_set
            hint = "; DATABASE_URL is not set: set it, or give --database" if unnamed else ""
            typer.echo(f"groundrules: cannot open {_shown(url)}: no such database{hint}", err=True)
            raise typer.Exit(1)
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
            return settings, engine
        # The database the user named is the one to migrate: `migrate` alone would
        # migrate DATABASE_URL's.
        migrating = "groundrules migrate"
        if database is not None:
            migrating += f" --database {_shown(url)}"
        try:
            check_schema(engine, _shown(url), migrating)
        except SchemaMismatch as mismatch:
            engine.dispose()
            typer.echo(f"groundrules: {mismatch}", err=True)
            raise typer.Exit(1) from None
    return settings, engine


# Every option naming a file to write: - is stdout, as `replay -` reads stdin.
TO_STDOUT = "File to write (default, or -: stdout)."


def _is_stdout(path: Path | None) -> bool:
    """No file given, or `-`: the output goes to stdout (a file named - is ./-)."""
    return path is None or str(path) == "-"


@contextmanager
def _replacing(path: Path, *, make_folders: bool = False) -> Iterator[TextIO]:
    """Write `path` whole or not at all: into a file beside it that replaces it at the
    end, so that a failed export leaves the last good one as it was. `make_folders`:
    make the folders it goes in that are not there yet. A path that cannot be written
    (a folder, one under a file, a full disk) stops the command with one line."""
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if path.exists() and not path.is_file():  # /dev/stdout, a pipe: write there directly
            with path.open("w", encoding="utf-8", newline="") as handle:
                yield handle
            return
        if make_folders:
            _make_folders(path.parent)
        with _beside(path) as handle:
            yield handle
    except OSError as error:
        typer.echo(f"groundrules: cannot write {path}: {error.strerror or error}", err=True)
        raise typer.Exit(1) from None


def _make_folders(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a folder should be: as opening under it says
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from None


@contextmanager
def _beside(path: Path) -> Iterator[TextIO]:
    """A file beside `path` to write, that replaces it once written and closed; gone if
    anything fails before."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    handle = partial.open("w", encoding="utf-8", newline="")
    try:
        with handle:
            yield handle
        if path.exists():
            shutil.copymode(path, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def _reading(name: object, *, exit_code: int = 1) -> Iterator[None]:
    """A file that cannot be read stops the command with one line."""
    try:
        yield
    except OSError as error:
        typer.echo(f"groundrules: cannot read {name}: {error.strerror or error}", err=True)
        raise typer.Exit(exit_code) from None


def _read_through(lines: Iterator[str], name: object) -> Iterator[str]:
    """`lines`, a read that fails stopping the command with one line: only the reading,
    not what is done with each line, which may fail to write."""
    while True:
        with _reading(name):
            line = next(lines, None)
        if line is None:
            return
        yield line


@contextmanager
def _replay_stopped(url: str, replaying) -> Iterator[None]:
    """A database failing half way through a replay stops it with one line saying how
    far it got, and exit code 1. Replaying the same transcript again into a kept
    database goes on from there: lines it stored are not acted on twice."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.database import is_memory_sqlite, reason

    try:
        yield
    except SQLAlchemyError as error:
        if replaying.past_the_lines:
            where = f"after the last transcript line ({replaying.stored_through})"
        elif replaying.line:
            where = f"at transcript line {replaying.line}"
        else:
            where = "before the first transcript line"
        kept = ""
        if not is_memory_sqlite(url):
            through = replaying.stored_through
            kept = f"; lines up to {through} are stored" if through else "; nothing is stored"
        typer.echo(
            f"groundrules: the replay stopped {where}: {_shown(url)}: {reason(error)}{kept}",
            err=True,
        )
        raise typer.Exit(1) from None


@app.command()
def replay(
    transcript: Annotated[Path, typer.Argument(help="JSON Lines transcript; - for stdin.")],
    window: Annotated[
        str | None, typer.Option(help="Problem window, e.g. 10m or 90s (default: settings).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per action.")] = False,
    database: Annotated[
        str, typer.Option(help="Database URL; the default keeps nothing after the run.")
    ] = "sqlite://",
    workspace: Annotated[
        str, typer.Option(help="Workspace name for the replayed data.")
    ] = "replay",
    classifier: Annotated[
        str | None, typer.Option(help="trained or rules (default: settings).")
    ] = None,
    second_reading: Annotated[
        bool | None,
        typer.Option(
            "--second-reading/--one-reading",
            help="Read again what a nudge hangs on, about 40 ms a message (default: settings); "
            "--one-reading replays a long transcript ten times faster.",
        ),
    ] = None,
) -> None:
    """Replay a transcript through the real engine, on the transcript's own clock. A bad
    line is named and skipped, the others still replayed, and the exit code is 1."""
    from adapters.console.output import JsonOutput, TextOutput
    from adapters.console.replay import Replay, report_error, report_reordered
    from adapters.console.transcript import NotUtf8, utf8_lines
    from bot.bootstrap import bootstrap
    from bot.summary import print_summary

    settings = _settings(
        database_url=database,
        problem_window=window,
        classifier=classifier,
        second_reading=second_reading,
    )
    stdin = str(transcript) == "-"
    if stdin and sys.stdin is None:  # closed (<&-): nothing to read
        typer.echo("groundrules: replay - reads the transcript from stdin, which is closed",
                   err=True)  # fmt: skip
        raise typer.Exit(2)
    with _reading(transcript, exit_code=2):
        # Not only a file: a pipe by its path (a shell's `<(…)`) is read as one.
        if not stdin and not transcript.exists():
            typer.echo(f"groundrules: no such transcript: {transcript}", err=True)
            raise typer.Exit(2)
        if not stdin and transcript.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(transcript))
    with _database_errors(settings.database_url):
        groundrules = bootstrap(settings, wait=False)
    output = JsonOutput() if as_json else TextOutput()
    with _reading(transcript, exit_code=2):
        raw = sys.stdin.buffer if stdin else transcript.open("rb")
    # utf-8-sig: a byte-order mark (Windows Notepad writes one) is not part of line 1.
    stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape")
    replaying = Replay(groundrules, output, workspace=workspace)
    try:
        with stream, _replay_stopped(settings.database_url, replaying):
            lines = _read_through(utf8_lines(stream), "stdin" if stdin else transcript)
            result = replaying.run(lines, on_error=report_error, on_reordered=report_reordered)
    except NotUtf8 as error:
        # Read through before the first line is replayed: nothing was replayed.
        name = "stdin" if stdin else transcript
        source = "utf-16" if error.utf16 else "latin1"
        typer.echo(
            f"groundrules: {name}: {error}; nothing was replayed. Save the transcript as "
            f"UTF-8 (e.g. iconv -f {source} -t utf-8)",
            err=True,
        )
        raise typer.Exit(1) from None
    if not as_json:
        print_summary(groundrules, workspace, result)
    if result.errors:
        # As classify: the good lines are still replayed, and a bad one fails the run.
        skipped = len(result.errors)
        if result.lines:
            typer.echo(f"groundrules: {skipped} line(s) skipped", err=True)
        else:
            typer.echo(f"groundrules: all {skipped} line(s) skipped: nothing was replayed",
                       err=True)  # fmt: skip
        raise typer.Exit(1)


@app.command()
def console(
    database: Annotated[
        str | None, typer.Option(help="Database URL (default: DATABASE_URL or a local file).")
    ] = None,
    channel: Annotated[str, typer.Option(help="Channel to start in.")] = "general",
    user: Annotated[str, typer.Option(help="Who you are at first; change with /as.")] = "anna",
    window: Annotated[str | None, typer.Option(help="Problem window, e.g. 2m.")] = None,
) -> None:
    """Chat in the terminal as several people and watch the bot work."""
    from adapters.console.console import ConsoleChat
    from bot.bootstrap import bootstrap

    settings = _settings(database_url=database, problem_window=window)
    with _database_errors(settings.database_url):
        groundrules = bootstrap(settings, wait=False)
    ConsoleChat(groundrules, channel=channel, user=user).run()


@app.command()
def classify(
    classifier: Annotated[
        str | None, typer.Option(help="rules or trained (default: settings).")
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Add “why”: each label's weightiest features (trained only)."
        ),
    ] = False,
) -> None:
    """Classify JSON Lines from stdin ({"id", "text", "lang"?, "after"?}) to stdout, one
    result per line."""
    from bot.bootstrap import build_classifier
    from bot.classify import classify_stream

    if sys.stdin is None:  # closed (<&-): nothing to read
        typer.echo("groundrules: classify reads JSON Lines from stdin, which is closed", err=True)
        raise typer.Exit(2)
    settings = _settings(classifier=classifier)
    chosen = build_classifier(settings.classifier)
    if explain and not hasattr(chosen, "explain"):
        typer.echo(
            f"groundrules: the {chosen.name} classifier has no weights to explain;"
            " use --classifier trained",
            err=True,
        )
        raise typer.Exit(2)
    # A line that is not UTF-8 is reported as such, and the others still classified.
    # utf-8-sig: a byte-order mark (Windows Notepad writes one) is not part of line 1.
    lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape")
    errors = classify_stream(chosen, lines, sys.stdout, explain=explain)
    if errors:
        raise typer.Exit(1)


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="The message, as written in chat.")],
    after: Annotated[
        str | None,
        typer.Option(help="The message before it in its thread or channel, if any."),
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="Features shown per label.")] = 5,
) -> None:
    """Show why the trained classifier scored a message as it did, and, with the second
    reading on (GROUNDRULES_SECOND_READING), what the encoder's reading adds."""
    from bot.bootstrap import (
        build_classifier,
        engine_thresholds,
        second_reader,
        second_reading_bars,
    )
    from bot.explain import explain_message, second_opinion
    from bot.printable import printable
    from rules.surrogates import undecoded_byte

    for name, given in (("the message", text), ("--after", after or "")):
        if (byte := undecoded_byte(given)) is not None:
            typer.echo(f"groundrules: {name} is not UTF-8 (byte 0x{byte:02x})", err=True)
            raise typer.Exit(2)
    if not text.strip():
        # Scores of nothing would read as the model's view of a message.
        typer.echo('groundrules: the message is empty; give its words, e.g. explain "the '
                   'build is broken again"', err=True)  # fmt: skip
        raise typer.Exit(2)
    settings = _settings()
    try:
        trained = build_classifier("trained")
    except FileNotFoundError as error:
        typer.echo(f"groundrules: {error}", err=True)
        raise typer.Exit(2) from None
    engine = engine_thresholds(settings, trained)
    reader = second_reader(settings, trained)
    reading = None if reader is None else second_reading_bars(settings, trained, reader.second)
    second = second_opinion(reader, reading, text, trained)
    explained = explain_message(trained, engine, text, after=after, top=top, second=second)
    typer.echo(printable(explained))


PLATFORMS = ("slack", "discord")


def configured_platforms(settings) -> list[str]:
    chosen = []
    if settings.slack_bot_token or settings.slack_client_id:
        chosen.append("slack")
    if settings.discord_token:
        chosen.append("discord")
    return chosen


@app.command()
def run(
    platforms: Annotated[
        list[str] | None,
        typer.Argument(help="slack and/or discord; default: every platform configured."),
    ] = None,
    shards: Annotated[
        str | None, typer.Option(help="Discord: auto, or a number of shards (large bots).")
    ] = None,
) -> None:
    """Run the bot: one engine and one database behind every configured platform."""
    import asyncio
    import importlib
    import signal

    from bot.allocator import return_large_blocks
    from bot.bootstrap import bootstrap
    from bot.collector import freeze_start_up
    from bot.logs import configure_logging
    from bot.migrate import MigrationError
    from bot.runtime import Runtime

    settings = _settings(discord_shards=shards)
    configure_logging(settings.log_level)
    return_large_blocks()
    chosen = platforms or configured_platforms(settings)
    unknown = sorted(set(chosen) - set(PLATFORMS))
    if unknown:
        typer.echo(
            f"groundrules: unknown platform {unknown[0]!r} (choose slack or discord)", err=True
        )
        raise typer.Exit(2)
    if not chosen:
        typer.echo(
            "groundrules: no platform configured: set SLACK_BOT_TOKEN (or SLACK_CLIENT_ID for "
            "OAuth) and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode), or "
            "DISCORD_TOKEN",
            err=True,
        )
        raise typer.Exit(2)
    try:
        adapters = [
            importlib.import_module(f"adapters.{name}").build_adapter(settings) for name in chosen
        ]
    except SettingsError as error:  # --shards, when given, is checked by the adapter
        raise _refuse(error, {"discord_shards": shards} if shards is not None else {}) from None
    try:
        with _database_errors(settings.database_url):
            runtime = Runtime(bootstrap(settings, migrate_apart=True), adapters)
    except MigrationError as error:
        typer.echo(f"groundrules: {error}", err=True)
        raise typer.Exit(1) from None
    freeze_start_up()  # what lives as long as the process: out of every full collection

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, runtime.stop)
        await runtime.run()

    try:
        asyncio.run(main())
    finally:
        # Once the worker is done (Runtime.run waits for it), also on a start cancelled
        # or refused: SQLite folds its write-ahead log into the file, PostgreSQL sees
        # the bot's sessions end rather than break off.
        runtime.app.database.dispose()


def _refuse_unknown(engine: Engine, url: str, *, workspace: str | None, table: str | None) -> None:
    """A workspace or table the database holds nothing of is refused, as `forget` refuses
    it: a mistyped one would export an empty register, as if there were nothing to keep."""
    from bot.workspaces import holds_table

    with _database_errors(url):
        if workspace is not None and workspace not in {
            row.workspace for row in _known_workspaces(engine)
        }:
            typer.echo(f"groundrules: no data of {workspace}; see `groundrules workspace list`",
                       err=True)  # fmt: skip
            raise typer.Exit(2)
        if table is not None and not holds_table(engine, table, workspace):
            where = f" in {workspace}" if workspace is not None else ""
            typer.echo(f"groundrules: no data of table {table}{where}", err=True)
            raise typer.Exit(2)


@app.command()
def export(
    format_: Annotated[str, typer.Option("--format", help="md, csv or json.")] = "md",
    table: Annotated[str | None, typer.Option(help="Only this table (channel id).")] = None,
    workspace: Annotated[str | None, typer.Option(help="Only this workspace.")] = None,
    database: DatabaseOption = None,
    # --out as well: `feedback export` says --out, and one typed for the other is no error.
    output: Annotated[Path | None, typer.Option("--output", "--out", help=TO_STDOUT)] = None,
) -> None:
    """Write the agreement register: every agreement, its versions, why and consent, and
    each review's choice (kept, revised, retired: when, by whom, why, what it taught)."""
    from bot import export as register

    if format_ not in register.FORMATS:
        typer.echo(f"groundrules: --format must be one of {', '.join(register.FORMATS)}", err=True)
        raise typer.Exit(2)
    settings, engine = _open_database(database)
    _refuse_unknown(engine, settings.database_url, workspace=workspace, table=table)
    versions = register.register(
        engine, workspace=workspace, table=table, default_zone=settings.timezone
    )
    with _database_errors(settings.database_url):  # read as it is written
        if _is_stdout(output):
            register.write(versions, format_, sys.stdout)
            return
        with _replacing(output) as handle:
            count = register.write(versions, format_, handle)
    typer.echo(f"groundrules: {count} agreement version(s) written to {output}", err=True)


feedback_app = typer.Typer(help="Corrections people made, to learn from.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export(
    out: Annotated[Path | None, typer.Option("--out", "--output", help=TO_STDOUT)] = None,
    database: DatabaseOption = None,
) -> None:
    """Write corrections ("this was not a problem", …) as JSON Lines for `make train`
    (put the file in data/feedback/; --out makes the folders it names)."""
    from bot.feedback import export_corrections

    settings, engine = _open_database(database)
    with _database_errors(settings.database_url):
        if _is_stdout(out):
            count = export_corrections(engine, sys.stdout, language=settings.language)
        else:
            # data/feedback/ of a fresh clone, or of the folder `make train` reads
            with _replacing(out, make_folders=True) as handle:
                count = export_corrections(engine, handle, language=settings.language)
    typer.echo(f"groundrules: {count} correction(s) exported", err=True)


workspace_app = typer.Typer(
    help="Workspaces and servers the database holds data of.", no_args_is_help=True
)
app.add_typer(workspace_app, name="workspace")


def _known_workspaces(engine: Engine) -> list[Known]:
    """Every workspace the database holds something of: rows at its tables, or a Slack
    install alone (its token, team name and installer, which `forget` deletes too)."""
    from adapters.slack.installations import installed_workspaces
    from bot import workspaces

    return workspaces.known(engine, installed=installed_workspaces(engine))


@workspace_app.command("list")
def workspace_list(
    database: DatabaseOption = None,
) -> None:
    """List every workspace with data: members, agreements, and when it removed the bot."""
    settings, engine = _open_database(database)
    with _database_errors(settings.database_url):
        rows = _known_workspaces(engine)
    if not rows:
        typer.echo("groundrules: no workspace has data here", err=True)
    for row in rows:
        line = f"{row.workspace}\t{row.members} member(s)\t{row.agreements} agreement(s)"
        if row.installed_only:
            line += "\tinstalled, no other data"
        if row.removed_at is not None:
            deleted_on = (row.removed_at + settings.removed_retention).date().isoformat()
            line += f"\tremoved the bot {row.removed_at:%Y-%m-%d}; deleted on {deleted_on}"
        typer.echo(line)


@workspace_app.command("forget")
def workspace_forget(
    workspace: Annotated[str, typer.Argument(help="As `groundrules workspace list` shows it.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Delete everything of one workspace now: agreements, members, corrections, tokens.
    Export the agreement register first if it should be kept (`groundrules export`)."""
    from bot import workspaces

    settings, engine = _open_database(database)
    with _database_errors(settings.database_url):
        known = {row.workspace for row in _known_workspaces(engine)}
    if workspace not in known:
        typer.echo(f"groundrules: no data of {workspace}; see `groundrules workspace list`",
                   err=True)  # fmt: skip
        raise typer.Exit(2)
    if not yes:
        typer.confirm(f"Delete everything of {workspace}? This cannot be undone", abort=True)
    with _database_errors(settings.database_url):
        deleted = workspaces.forget(engine, workspace)
        if workspace.startswith("slack:"):
            from adapters.slack.installations import forget_installations

            tokens = forget_installations(engine, workspace)
            if tokens:
                deleted["slack installation rows"] = tokens
    summary = ", ".join(f"{table} {count}" for table, count in sorted(deleted.items()))
    typer.echo(f"groundrules: forgot {workspace} ({summary or 'nothing left'})")


person_app = typer.Typer(
    help="One person's data in a workspace, to remove at their request.", no_args_is_help=True
)
app.add_typer(person_app, name="person")


@person_app.command("forget")
def person_forget(
    workspace: Annotated[str, typer.Argument(help="As `groundrules workspace list` shows it.")],
    user: Annotated[str, typer.Argument(help="Their platform id (Slack U…, Discord digits).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list what would be removed.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Remove what the bot keeps about one person in one workspace: their organisation,
    mandates, roles, concerns, evaluations, problems, corrections, proposals and yeses.
    The table's agreements stay, with "a former member" where they consented, owned,
    recorded or decided. Lists what it will do first."""
    from bot import person_data
    from bot.models import now_utc

    settings, engine = _open_database(database)
    with _database_errors(settings.database_url):
        parts = person_data.held(engine, workspace, user, now_utc())
        present = person_data.still_at(engine, workspace, user)
    if not parts:
        typer.echo(f"groundrules: no data of {user} in {workspace}", err=True)
        raise typer.Exit(2)
    typer.echo(f"groundrules: what forgetting {user} in {workspace} does:")
    for part in parts:
        typer.echo(f"  {part.table}: {part.count} row(s) {part.done}")
    if present:
        typer.echo(
            f"  note: {user} is still in {present} channel(s) of {workspace}; if they speak "
            "there again the bot knows them again, by their id alone. Remove them from the "
            "channel first if they have left."
        )
    if dry_run:
        return
    if not yes:
        typer.confirm(f"Forget {user} in {workspace}? This cannot be undone", abort=True)
    with _database_errors(settings.database_url):
        done = person_data.forget(engine, workspace, user, now_utc())
    rows: dict[str, int] = {}
    for part in done:
        rows[part.table] = rows.get(part.table, 0) + part.count
    summary = ", ".join(f"{table} {count}" for table, count in rows.items())
    typer.echo(f"groundrules: forgot {user} in {workspace} ({summary})")
    typer.echo(
        f"  running bots drop what they still hold of {user} within a tick, and store none "
        "of their events from before now that waited in a spool"
    )


spool_app = typer.Typer(
    help="What bots kept on disk while the database did not answer (GROUNDRULES_SPOOL_DIR).",
    no_args_is_help=True,
)
app.add_typer(spool_app, name="spool")

PlatformOption = Annotated[
    list[str] | None,
    typer.Option("--platform", help="Only files kept by a process serving it (repeatable)."),
]


def _left_spools(settings, platforms: list[str] | None):
    """The spool files no running process holds, of `platforms` if given."""
    from bot.spool import left_spools, spool_folder

    unknown = sorted(set(platforms or ()) - set(PLATFORMS))
    if unknown:
        typer.echo(f"groundrules: --platform: unknown platform {unknown[0]!r} (choose slack "
                   "or discord)", err=True)  # fmt: skip
        raise typer.Exit(2)
    left = left_spools(spool_folder(settings))
    if platforms:
        left = [spool for spool in left if spool.platforms & set(platforms)]
    return left


def _spool_line(spool) -> str:
    return f"{spool.path}\t{spool.lines} event(s)\tkept by a process serving {spool.platform_names}"


@spool_app.command("list")
def spool_list(database: DatabaseOption = None) -> None:
    """List the spool files: what each holds, for which platforms, and whether a running
    process holds it (it hands it in itself) or it waits for one serving its platforms."""
    from bot.spool import left_spools, platforms_of, spool_files, spool_folder

    settings = _settings(database_url=database)
    folder = spool_folder(settings)
    left = {spool.path: spool for spool in left_spools(folder)}
    files = spool_files(folder)
    if not files:
        typer.echo(f"groundrules: nothing waits in {folder}", err=True)
    for path in files:
        if path in left:
            typer.echo(_spool_line(left[path]) + "\twaiting")
        else:
            platforms = "+".join(sorted(platforms_of(path)))
            typer.echo(f"{path}\t\tkept by a process serving {platforms}\tin use by it")


# A replay this long says how far it got, about every tenth of the way.
REPLAY_PROGRESS_FROM = 200


def _replay_progress(handed_in: int, total: int) -> None:
    if handed_in == 0:
        typer.echo(f"groundrules: handing in {total} event(s)…", err=True)
    elif total >= REPLAY_PROGRESS_FROM and handed_in < total and handed_in % (total // 10) == 0:
        typer.echo(f"groundrules: {handed_in} of {total} event(s) handed in", err=True)


@spool_app.command("replay")
def spool_replay(
    platform: PlatformOption = None,
    database: DatabaseOption = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show the bot's own log lines too.")
    ] = False,
) -> None:
    """Store what spool files left by stopped processes hold, as a process serving their
    platform would: for a platform the bot no longer runs with. What the bot says of it
    waits for a process serving that platform (given up after GROUNDRULES_RETENTION).
    Slack's events and token changes need Slack: `groundrules run slack` hands them in."""
    from bot.bootstrap import bootstrap
    from bot.logs import configure_logging
    from bot.runtime import KEPT_EVENTS
    from bot.spool_replay import replay

    settings, engine = _open_database(database)
    engine.dispose()
    left = _left_spools(settings, platform)
    if not left:
        typer.echo("groundrules: no spool file waits", err=True)
        return
    # Its own lines say what it did; the bot's are its detail. A warning (a line it
    # skips, named as the bot names it) shows either way.
    level = logging.getLevelName(settings.log_level.upper())
    shown = min(level, logging.INFO) if verbose else max(level, logging.WARNING)
    configure_logging(logging.getLevelName(shown))
    with _database_errors(settings.database_url):
        groundrules = bootstrap(settings, migrate=False, wait=False, applies_defaults=False)
        try:
            done = replay(groundrules, left, _replay_progress)
        finally:
            groundrules.database.dispose()
    for spool, why in done.refused:
        typer.echo(f"groundrules: left {spool.path} as it is: it holds {why}; a process "
                   f"serving {spool.platform_names} hands it in, or `groundrules spool drop` "
                   "deletes it", err=True)  # fmt: skip
    if done.files:
        typer.echo(f"groundrules: handed in {done.stored} event(s) from {len(done.files)} spool "
                   "file(s); what the bot says of them waits for a process serving their "
                   "platform", err=True)  # fmt: skip
    if done.dropped:
        typer.echo(f"groundrules: {done.dropped} older event(s) had been dropped unstored: the "
                   f"outage outlasted the {KEPT_EVENTS:,} a bot keeps at most",
                   err=True)  # fmt: skip
    if done.interrupted is not None:
        typer.echo(f"groundrules: the database stopped answering; the rest waits in "
                   f"{done.interrupted}", err=True)  # fmt: skip
    if done.refused or done.interrupted is not None:
        raise typer.Exit(1)


@spool_app.command("drop")
def spool_drop(
    platform: PlatformOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Delete spool files left by stopped processes, without storing what they hold:
    lists them first, then asks. Files a running process holds are never touched."""
    from bot.spool import drop

    settings = _settings(database_url=database)
    left = _left_spools(settings, platform)
    if not left:
        typer.echo("groundrules: no spool file waits", err=True)
        return
    for spool in left:
        typer.echo(_spool_line(spool))
    total = sum(spool.lines for spool in left)
    if not yes:
        typer.confirm(f"Delete these {total} event(s) unstored? This cannot be undone",
                      abort=True)  # fmt: skip
    dropped = files = 0
    for spool in left:
        if drop(spool):
            dropped, files = dropped + spool.lines, files + 1
        else:
            typer.echo(f"groundrules: {spool.path} was taken over meanwhile: kept", err=True)
    typer.echo(f"groundrules: dropped {dropped} event(s) in {files} spool file(s)")


@app.command()
def migrate(database: DatabaseOption = None) -> None:
    """Bring the database (--database, else DATABASE_URL) to the newest schema."""
    settings, _ = _open_database(database, migrate=True)
    typer.echo(f"groundrules: {_shown(settings.database_url)} is up to date")


def _summaries_on_one_line(each: typer.Typer) -> None:
    """Typer lists commands with their docstring's first paragraph, keeping its line
    breaks (its rich help joins them only on the command's own page): the list gets each
    paragraph as one line, wrapped to the terminal. Every group under `each` too, so that
    one added later is not forgotten."""
    for info in each.registered_commands:
        if info.short_help is None and info.callback is not None and info.callback.__doc__:
            first = inspect.cleandoc(info.callback.__doc__).split("\n\n")[0]
            info.short_help = " ".join(first.split())
    for group in each.registered_groups:
        if group.typer_instance is not None:
            _summaries_on_one_line(group.typer_instance)


_summaries_on_one_line(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
