"""The whole table, end to end: a replayed Dutch transcript with a meeting, mandates, a
concern round, an agreement, a review and a handover gives the checked-in report and
register. To accept a deliberate change, regenerate the files (see the module's end)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "table"
TRANSCRIPT = EXAMPLE / "wijktafel.jsonl"
runner = CliRunner()


def replay_and_export(tmp_path) -> tuple[str, dict]:
    url = f"sqlite:///{tmp_path}/table.db"
    # The rule classifier keeps this file about the table, not about a model's judgement.
    replayed = runner.invoke(
        app, ["replay", str(TRANSCRIPT), "--json", "--database", url, "--classifier", "rules"]
    )
    assert replayed.exit_code == 0, replayed.output
    records = [json.loads(line) for line in replayed.stdout.splitlines()]
    [*_, report] = [r for r in records if r["type"] == "report"]
    exported = runner.invoke(app, ["export", "--format", "json", "--database", url])
    assert exported.exit_code == 0, exported.output
    return report["full"], json.loads(exported.stdout)


def test_table_example_report_matches_the_checked_in_report(tmp_path):
    report, _ = replay_and_export(tmp_path)
    assert report == (EXAMPLE / "wijktafel.expected-report.txt").read_text(encoding="utf-8")


def test_table_example_register_matches_the_checked_in_export(tmp_path):
    _, register = replay_and_export(tmp_path)
    expected = json.loads((EXAMPLE / "wijktafel.expected-export.json").read_text("utf-8"))
    assert register == expected
    first, second = register["agreements"]
    for field in ("id", "text", "why", "owner", "consenters", "concerns", "review_on",
                  "status", "version", "replaces"):  # fmt: skip
        assert field in first
    assert (first["status"], second["status"], second["replaces"]) == ("revised", "current", 1)


def test_table_example_export_formats(tmp_path):
    replay_and_export(tmp_path)
    url = f"sqlite:///{tmp_path}/table.db"
    markdown = runner.invoke(app, ["export", "--format", "md", "--database", url]).stdout
    assert "### #1 v2 (current): Elke maandag om 9:30" in markdown
    assert "practice taught: het spreekuur begint om 9 uur" in markdown
    csv_text = runner.invoke(app, ["export", "--format", "csv", "--database", url]).stdout
    assert csv_text.splitlines()[0].startswith("workspace,channel,id,version,status")
    assert len(csv_text.splitlines()) == 3
    bad = runner.invoke(app, ["export", "--format", "pdf", "--database", url])
    assert bad.exit_code == 2 and "--format must be one of" in bad.stderr


if __name__ == "__main__":  # regenerate the expected files after a deliberate change
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        text, data = replay_and_export(Path(folder))
    (EXAMPLE / "wijktafel.expected-report.txt").write_text(text, encoding="utf-8")
    (EXAMPLE / "wijktafel.expected-export.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
