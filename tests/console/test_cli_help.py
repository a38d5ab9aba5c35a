"""`groundrules --help` and each group's --help list every command with its summary as
one paragraph, wrapped to the terminal: never broken where its docstring's source line
ends ("… own clock. A bad" / "line is named …")."""

from __future__ import annotations

import inspect

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app, export

WIDE = {"COLUMNS": "1000", "TERMINAL_WIDTH": "1000"}


def listed(args: list[str]) -> dict[str, str]:
    """The Commands panel of a help page: each command and its summary, wide enough that
    nothing wraps."""
    result = CliRunner().invoke(app, [*args, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    panel = result.output.split("─ Commands ─", 1)[1].split("╰", 1)[0]
    rows: dict[str, str] = {}
    last = None
    for line in panel.splitlines()[1:]:
        cells = line.strip("│ ").split(maxsplit=1)
        if line.startswith("│ ") and line[2] != " ":
            last = cells[0]
            rows[last] = cells[1].strip() if len(cells) > 1 else ""
        elif cells and last is not None:  # a row broken over two lines
            rows[last] += "\n" + " ".join(cells)
    return rows


def groups(typer_app: typer.Typer, above: tuple[str, ...] = ()) -> list[list[str]]:
    """The app and each group under it, as typed on the command line: a group added
    later is checked too."""
    found = [list(above)]
    for group in typer_app.registered_groups:
        found += groups(group.typer_instance, (*above, group.name))
    return found


def test_every_group_is_checked():
    assert ["spool"] in groups(app) and ["feedback"] in groups(app)


@pytest.mark.parametrize("group", groups(app), ids=lambda group: " ".join(group) or "groundrules")
def test_each_command_is_listed_with_its_summary_on_one_line(group):
    rows = listed(group)
    assert rows
    for name, summary in rows.items():
        assert "\n" not in summary, f"{name}: {summary!r}"


def test_the_listed_summary_is_the_first_paragraph_of_the_commands_own_help():
    rows = listed([])
    assert rows["replay"] == (
        "Replay a transcript through the real engine, on the transcript's own clock. A bad "
        "line is named and skipped, the others still replayed, and the exit code is 1."
    )
    first = inspect.cleandoc(export.__doc__).split("\n\n")[0]
    assert rows["export"] == " ".join(first.split())
