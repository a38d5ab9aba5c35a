"""`groundrules replay`: the transcript's clock, JSON output and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.helpers import raw_controls

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def line(ts: str, user: str, text: str, *, channel: str = "C-ops", thread=None) -> str:
    record = {"ts": ts, "channel": channel, "user": user, "text": text, "thread": thread}
    return json.dumps(record, ensure_ascii=False)  # accents as a chat export writes them


def replay_json(
    tmp_path, lines: list[str], *args: str, exit_code: int = 0
) -> tuple[list[dict], str]:
    transcript = tmp_path / "t.jsonl"
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The rule classifier: these tests are about replay, not about a model's judgement.
    result = runner.invoke(
        app, ["replay", str(transcript), "--json", "--classifier", "rules", *args]
    )
    assert result.exit_code == exit_code, result.output
    records = [json.loads(x) for x in result.stdout.splitlines() if x.strip()]
    return records, result.stderr


def test_replay_json_nudge_line_has_the_contract_fields(tmp_path):
    records, _ = replay_json(
        tmp_path,
        [
            line("2026-03-02T09:00:00Z", "ben", "The staging deploy is broken again"),
            line("2026-03-02T09:30:00Z", "anna", "coffee?"),
        ],
    )
    [nudge] = [r for r in records if r["type"] == "nudge"]
    assert nudge["channel"] == "C-ops"
    assert nudge["user"] == "ben"
    assert nudge["problem_ts"] == "2026-03-02T09:00:00Z"
    assert nudge["at"] == "2026-03-02T09:10:00Z"


def test_replay_fires_timers_after_the_last_message(tmp_path):
    records, _ = replay_json(
        tmp_path, [line("2026-03-02T09:00:00Z", "ben", "The staging deploy is broken again")]
    )
    assert [r["type"] for r in records] == ["nudge"]


def test_replay_window_option(tmp_path):
    records, _ = replay_json(
        tmp_path,
        [line("2026-03-02T09:00:00Z", "ben", "The staging deploy is broken again")],
        "--window",
        "90s",
    )
    assert records[0]["at"] == "2026-03-02T09:01:30Z"


def test_replay_bad_lines_are_named_and_the_rest_still_replays(tmp_path):
    lines = [
        line("2026-03-02T09:00:00Z", "ben", "The staging deploy is broken again"),
        '{"ts": "2026-03-02T09:01:00Z", "channel": "C-ops", "user": ',  # half-written
        '["not", "an", "object"]',
        json.dumps({"ts": "yesterday", "channel": "C-ops", "user": "x", "text": "hi"}),
        json.dumps({"ts": "2026-03-02T09:02:00Z", "channel": "", "user": "x", "text": "hi"}),
        line("2026-03-02T09:20:00Z", "dana", "Why is the wiki down again?"),
    ]
    records, stderr = replay_json(tmp_path, lines, exit_code=1)  # as classify's bad lines
    assert [r["problem_ts"] for r in records if r["type"] == "nudge"] == [
        "2026-03-02T09:00:00Z",
        "2026-03-02T09:20:00Z",
    ]
    for number in (2, 3, 4, 5):
        assert f"line {number}:" in stderr
    assert stderr.endswith("groundrules: 4 line(s) skipped\n")


def test_replay_names_a_far_off_clock_a_boolean_ts_and_a_missing_text_as_bad_lines(tmp_path):
    """A problem on the last day of year 9999 overflowed its window and ended the run;
    `true` read as 1970-01-01T00:00:01, and a line without text as an empty message."""
    lines = [
        line("9999-12-31T23:59:00Z", "ben", "The staging deploy is broken again"),
        line("1969-12-31T23:59:00Z", "ben", "The staging deploy is broken again"),
        json.dumps({"ts": True, "channel": "C-ops", "user": "ben", "text": "hi"}),
        json.dumps({"ts": "2026-03-02T09:01:00Z", "channel": "C-ops", "user": "ben"}),
        line("2026-03-02T09:20:00Z", "dana", "Why is the wiki down again?"),
    ]
    records, stderr = replay_json(tmp_path, lines, exit_code=1)
    assert [r["problem_ts"] for r in records if r["type"] == "nudge"] == ["2026-03-02T09:20:00Z"]
    assert "line 1: ts must be between 1970 and 9000" in stderr
    assert "line 2: ts must be between 1970 and 9000" in stderr
    assert "line 3: ts must be a string or a number" in stderr
    assert "line 4: no “text”" in stderr
    assert "4 line(s) skipped" in stderr


@pytest.mark.parametrize(
    "text",
    ["", "x" * 100_000, "\u202e\u0000 🙂 ̸̢̛ zalgo \ud7ff", "<!channel> <!here> @everyone", "\t\n"],
)
def test_replay_odd_and_huge_messages_never_crash(tmp_path, text):
    _records, stderr = replay_json(
        tmp_path,
        [
            line("2026-03-02T09:00:00Z", "ben", text),
            line("2026-03-02T09:01:00Z", "ben", "/agree " + text),
            line("2026-03-02T09:02:00Z", "ben", "/" + text[:50]),
        ],
    )
    assert "Traceback" not in stderr


def test_replay_commands_in_transcripts(tmp_path):
    records, _ = replay_json(
        tmp_path,
        [
            line("2026-03-02T09:00:00Z", "anna", "morning"),
            line("2026-03-02T09:01:00Z", "ben", "/concerns pin the base image"),
            line("2026-03-02T09:02:00Z", "anna", "/concern none"),
            line("2026-03-02T09:03:00Z", "ben", "/agree pin the base image because deploys broke"),
            line("2026-03-02T09:04:00Z", "ben", "/frobnicate"),
        ],
    )
    kinds = [r["type"] for r in records]
    assert kinds[:2] == ["concern_round", "reply"]
    assert "round_closed" in kinds and "agreement" in kinds
    [agreement] = [r for r in records if r["type"] == "agreement"]
    assert agreement["consenters"] == ["ben", "anna"]
    [unknown] = [r for r in records if "frobnicate" in r.get("message", "")]
    assert unknown["type"] == "reply" and unknown["at"] == "2026-03-02T09:04:00Z"
    # The replay runs on to the review date: the table is asked, the owner told alone.
    asked, owner_told = records[-2:]
    assert (asked["type"], owner_told["type"], owner_told["user"]) == ("review", "reply", "ben")
    assert owner_told["private"] and "comes up for review today" in owner_told["message"]


def test_replay_text_output_ends_with_a_summary(tmp_path):
    transcript = ROOT / "examples" / "demo.jsonl"
    result = runner.invoke(app, ["replay", str(transcript)])
    assert result.exit_code == 0
    assert "private nudge to anna" in result.stdout
    # hanna asks /waarom after her nudge: the words, in Dutch, only to her, about the
    # message quoted.
    said_to_hanna = (
        "private reply to hanna\n    Over je bericht:\n"
        "    > De sleutel van het buurthuis is weer kwijt, niemand weet wie hem heeft\n"
        "    Ik las je bericht als een probleem, vooral door “"
    )
    assert said_to_hanna in result.stdout
    # dana's lab line reads as a problem to both readings; she says it is not, and the
    # same line with other numbers later that day is not nudged about again.
    assert result.stdout.count("private nudge to dana") == 1
    assert "nor the same message when it comes back here" in result.stdout
    assert "> the lab line only does 38 down / 9 up today" not in result.stdout
    assert "Summary" in result.stdout
    assert "agreements: 2" in result.stdout


def test_replay_summary_counts_every_nudge_it_showed(tmp_path):
    """The demo shows three private nudges; dana then says hers is not a problem. The
    summary counts all three, and says the other two are still without a proposal."""
    transcript = ROOT / "examples" / "demo.jsonl"
    result = runner.invoke(app, ["replay", str(transcript)])
    assert result.exit_code == 0
    shown = result.stdout.count("  private nudge to ")
    assert shown == 3
    assert f"bot actions, {shown} of them private nudges" in result.stdout
    assert "nudged, still without a proposal: 2; withdrawn or not a problem: 1;" in result.stdout


def test_replay_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["replay", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "no such transcript" in result.stderr


def test_a_transcript_that_cannot_be_opened_is_one_line(tmp_path):
    """An OSError other than its absence (here a name too long; a file one may not read
    is another, but not to root) was a traceback."""
    transcript = tmp_path / ("t" * 300 + ".jsonl")
    result = runner.invoke(app, ["replay", str(transcript), "--classifier", "rules"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr == f"groundrules: cannot read {transcript}: File name too long\n"


def test_a_transcript_that_is_a_folder_is_one_line(tmp_path):
    """It said "no such transcript", of a folder that is there."""
    result = runner.invoke(app, ["replay", str(tmp_path), "--classifier", "rules"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr == f"groundrules: cannot read {tmp_path}: Is a directory\n"


def test_a_transcript_from_a_pipe_by_its_path_is_replayed():
    """A pipe is no file, yet there (a shell's `<(…)`, /dev/stdin): it was "no such
    transcript"."""
    demo = ROOT / "examples" / "demo.jsonl"
    options = ["--json", "--classifier", "rules", "--one-reading"]
    by_file = runner.invoke(app, ["replay", str(demo), *options])
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "replay", "/dev/stdin", *options],
        input=demo.read_text("utf-8"), capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"type": "nudge"' in by_file.stdout
    assert result.stdout == by_file.stdout


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="no /proc here")
def test_a_transcript_that_fails_to_read_is_one_line():
    """/proc/self/mem opens but fails to read at its start, as a failing disk does."""
    result = runner.invoke(
        app, ["replay", "/proc/self/mem", "--classifier", "rules", "--one-reading"]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr == "groundrules: cannot read /proc/self/mem: Input/output error\n"


@pytest.mark.parametrize("as_json", [[], ["--json"]])
def test_replay_of_only_bad_lines_fails_saying_nothing_was_replayed(tmp_path, as_json):
    """It printed "2 line(s) skipped" and exited 0: a script or CI job replaying a
    transcript of the wrong format passed."""
    transcript = tmp_path / "allbad.jsonl"
    transcript.write_text("a\nb\n", encoding="utf-8")
    result = runner.invoke(
        app, ["replay", str(transcript), "--one-reading", "--classifier", "rules", *as_json]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.endswith("groundrules: all 2 line(s) skipped: nothing was replayed\n"), (
        result.stderr
    )


def test_replay_from_a_closed_stdin_says_so():
    """It ended in an AttributeError traceback (sys.stdin is None)."""
    result = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" -m bot.cli replay - --one-reading <&-'],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "groundrules: replay - reads the transcript from stdin, which is closed\n"
    )


def test_replay_of_a_transcript_not_in_utf8_stops_with_one_line(tmp_path):
    """A Latin-1 export: one line naming the file and the first bad line, exit code 1,
    not a UnicodeDecodeError traceback."""
    transcript = tmp_path / "latin1.jsonl"
    good = line("2026-03-02T09:00:00Z", "ann", "hello") + "\n"
    bad = line("2026-03-02T09:01:00Z", "ann", "café is closed") + "\n"
    transcript.write_bytes(good.encode() + bad.encode("latin-1"))
    result = runner.invoke(app, ["replay", str(transcript), "--one-reading"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"groundrules: {transcript}: line 2 is not UTF-8 (byte 0xe9); nothing was replayed. "
        "Save the transcript as UTF-8 (e.g. iconv -f latin1 -t utf-8)\n"
    )
    from_stdin = runner.invoke(app, ["replay", "-", "--one-reading"], input=transcript.read_bytes())
    assert from_stdin.exit_code == 1
    assert from_stdin.stderr.startswith("groundrules: stdin: line 2 is not UTF-8 (byte 0xe9)")


def test_replay_reads_a_byte_order_mark_and_names_utf16(tmp_path):
    """Notepad's UTF-8 with a byte-order mark replays whole (its first line was skipped as
    bad JSON); PowerShell's UTF-16 is named as such, with advice that fits it."""
    lines = [line("2026-03-02T09:00:00Z", "ann", "/agree we meet at 9 because café"),
             line("2026-03-02T09:01:00Z", "ann", "/agreements")]  # fmt: skip
    text = "\n".join(lines) + "\n"
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(text.encode("utf-8-sig"))
    result = runner.invoke(app, ["replay", str(bom), "--one-reading"])
    assert result.exit_code == 0 and "skipped" not in result.stderr
    assert "agreements: 1" in result.stdout
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(text.encode("utf-16"))
    result = runner.invoke(app, ["replay", str(utf16), "--one-reading"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"groundrules: {utf16}: it is UTF-16, not UTF-8; nothing was replayed. Save the "
        "transcript as UTF-8 (e.g. iconv -f utf-16 -t utf-8)\n"
    )


def test_replay_reads_windows_line_endings_and_accents(tmp_path):
    transcript = tmp_path / "crlf.jsonl"
    lines = [line("2026-03-02T09:00:00Z", "ann", "café is closed"),
             line("2026-03-02T09:01:00Z", "ann", "/agree wé meet at 9 because café")]  # fmt: skip
    transcript.write_bytes("\r\n".join(lines).encode() + b"\r\n")
    result = runner.invoke(app, ["replay", str(transcript), "--one-reading"])
    assert result.exit_code == 0, result.output
    assert "wé meet at 9" in result.stdout and "skipped" not in result.stderr


def test_replay_same_transcript_twice_into_one_database_acts_once(tmp_path):
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(line("2026-03-02T09:00:00Z", "ben", "The deploy is broken again") + "\n")
    url = f"sqlite:///{tmp_path}/kept.db"
    first = runner.invoke(app, ["replay", str(transcript), "--json", "--database", url])
    second = runner.invoke(app, ["replay", str(transcript), "--json", "--database", url])
    assert len(first.stdout.splitlines()) == 1
    assert second.stdout.strip() == ""


def test_replay_console_script_runs_as_installed(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "replay",
            str(ROOT / "examples" / "demo.jsonl"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert any(json.loads(x)["type"] == "nudge" for x in result.stdout.splitlines())


@pytest.mark.parametrize(("option", "loaded"), [("--one-reading", 0), ("--second-reading", 1)])
def test_replay_one_reading_never_loads_the_second_reader(tmp_path, monkeypatch, option, loaded):
    from bot.bootstrap import _shipped_encoder

    monkeypatch.delenv("GROUNDRULES_SECOND_READING", raising=False)
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(line("2026-03-02T09:00:00Z", "ben", "The printer is broken again") + "\n")
    _shipped_encoder.cache_clear()
    try:
        result = runner.invoke(app, ["replay", str(transcript), "--classifier", "trained", option])
        assert result.exit_code == 0, result.output
        assert _shipped_encoder.cache_info().currsize == loaded
    finally:
        _shipped_encoder.cache_clear()


def test_replay_of_merged_exports_runs_in_time_order(tmp_path):
    """Two exports pasted one after the other: the proposal at 09:05 answers the problem
    of 09:00, though it comes after 09:30 in the file; lines of one time keep their order,
    and a bad line is still named by its number in the file."""
    lines = [
        line("2026-03-02T09:00:00Z", "ben", "The staging deploy is broken again"),
        line("2026-03-02T09:30:00Z", "anna", "coffee?"),
        line("2026-03-02T09:30:00Z", "anna", "/agree coffee at 9:30 because we like it"),
        line("2026-03-02T09:05:00Z", "dana", "I suggest we pin the base image to 1.4"),
        '{"ts": "2026-03-02T09:06:00Z", "channel": "C-ops", ',  # half-written
        line("2026-03-02T09:30:00Z", "chris", "/agree coffee at 9:30 because we like it"),
    ]
    records, stderr = replay_json(tmp_path, lines, exit_code=1)  # for its bad line
    # And no nudge; the replay runs on to the review date, where the owner is told alone.
    agreed, told, owner_told = [r for r in records if r["type"] != "review"]
    assert (agreed["type"], agreed["owner"], told["type"], told["user"]) == (
        "agreement", "anna", "reply", "chris",
    )  # fmt: skip
    assert (owner_told["user"], owner_told["at"]) == ("anna", "2026-03-30T09:00:00Z")
    assert "line 5: not valid JSON" in stderr
    assert "groundrules replay: 1 line was out of time order; replaying all in time order" in stderr
    assert stderr.count("out of time order") == 1


def test_replay_in_time_order_says_nothing_about_order(tmp_path):
    _, stderr = replay_json(
        tmp_path,
        [
            line("2026-03-02T09:00:00Z", "ben", "The staging deploy is broken again"),
            line("2026-03-02T09:00:00Z", "anna", "coffee?"),
        ],
    )
    assert "order" not in stderr


def test_replay_shows_control_characters_instead_of_sending_them_to_the_terminal(tmp_path):
    """An exported chat may hold ESC sequences: printed as they are, they retitle the
    operator's terminal, erase lines and move the cursor. The text output shows them;
    the JSON output keeps them, escaped as JSON escapes them."""
    user = "ben\x1b]0;pwned\x07"
    text = "The staging deploy is broken again\x1b[2K\r\x1b[1A nobody fixes it\x9b2J"
    lines = [line("2026-03-02T09:00:00Z", user, text, channel="C-ops\x1bc")]
    transcript = tmp_path / "t.jsonl"
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["replay", str(transcript), "--classifier", "rules"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not any(c in out for c in "\x1b\x07\x9b\r"), repr(out)
    assert "#C-ops\\x1bc  private nudge to ben\\x1b]0;pwned\\x07" in out
    assert "> The staging deploy is broken again\\x1b[2K" in out
    records, _ = replay_json(tmp_path, lines)
    [nudge] = [r for r in records if r["type"] == "nudge"]
    assert nudge["user"] == user and nudge["problem"] == text


def test_replay_summary_shows_the_control_characters_of_an_agreement(tmp_path):
    """The summary after the replay lists each agreement with its words and its people:
    an agreement whose words hold ESC sequences retitled and cleared the terminal there,
    though the lines above it showed them."""
    agree = "/agree We paint it red\x1b]0;pwned\x07 because \x1b[2Jnobody objects"
    lines = [line("2026-03-02T09:00:00Z", "ben\x1bc", agree)]
    transcript = tmp_path / "t.jsonl"
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["replay", str(transcript), "--classifier", "rules"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not any(c in out for c in "\x1b\x07"), repr(out)
    assert "#1 We paint it red\\x1b]0;pwned\\x07" in out
    assert "why: \\x1b[2Jnobody objects" in out
    assert "owner: ben\\x1bc; consent: ben\\x1bc;" in out


def test_replay_summary_keeps_the_omdat_a_dutch_reason_needs(tmp_path):
    """/afspraak cuts the reason at "omdat", and a Dutch clause puts its verb last ("we er
    te weinig hebben"): the chat shows it with its "omdat", and so does the summary, not
    as a broken sentence after "why:"."""
    agree = "/afspraak Joop vraagt de kerk om hulp omdat we er 5 te weinig hebben"
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(line("2026-03-02T09:00:00Z", "kees", agree) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["replay", str(transcript), "--classifier", "rules"])
    assert result.exit_code == 0, result.output
    assert "Waarom: omdat we er 5 te weinig hebben" in result.stdout  # in the chat
    assert "       why: omdat we er 5 te weinig hebben\n" in result.stdout


def test_replay_text_output_says_its_times_are_utc(tmp_path):
    """A nudge held by the quiet hours until 08:00 in Amsterdam went out at 07:00 UTC:
    shown as "07:00:00" alone, it read as sent in the night there."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(
        line("2026-03-02T21:00:00Z", "ben", "The staging deploy is broken again") + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        ["replay", str(transcript), "--classifier", "rules"],
        env={"GROUNDRULES_TIMEZONE": "Europe/Amsterdam", "GROUNDRULES_QUIET_HOURS": "21:00-08:00"},
    )
    assert result.exit_code == 0, result.output
    assert "2026-03-03 07:00:00 UTC  #C-ops  private nudge to ben" in result.stdout


def test_replay_json_escapes_control_characters_and_keeps_accents_readable(tmp_path):
    """json.dumps escapes ESC but wrote C1 controls raw: 0x9b opens a sequence in some
    terminals as ESC [ does. Escaped, the words read back the same."""
    text = "The café deploy is broken again\x1b[2J \x9b2J 🙂"
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(line("2026-03-02T09:00:00Z", "ben\x9b", text) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["replay", str(transcript), "--json", "--classifier", "rules"])
    assert result.exit_code == 0, result.output
    assert raw_controls(result.stdout) == [], repr(result.stdout)
    assert "\\u009b2J" in result.stdout and "café" in result.stdout and "🙂" in result.stdout
    records = [json.loads(x) for x in result.stdout.splitlines()]
    [nudge] = [r for r in records if r["type"] == "nudge"]
    assert nudge["user"] == "ben\x9b" and nudge["problem"] == text
