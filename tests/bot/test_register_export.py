"""`groundrules export` is the table's register (ground rule 5): every version of every
agreement with its why, owner and consent, and each choice made at its reviews: kept,
revised or retired, when, by whom, why and what practice taught. Each workspace's
register stays its own, and a large one is written as it is read."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import Session

from bot import export
from bot.models import AgreementRow, DecisionRow
from tests.helpers import Chat, at, plain, raw_controls


def _reviewed_table(chat: Chat) -> None:
    """#1 kept twice (at two reviews: the second the next day, as a second keep the same
    day records nothing), #2 retired, #3 revised into version 2: each with a reason and a
    lesson but the second keep (a button: neither)."""
    chat.join("anna", "ben", "chris")
    chat.command("anna", "/agree pin the base image because deploys broke", "08:30")
    chat.command("anna", "/agree tea at 3 because breaks", "08:31")
    chat.command("anna", "/agree minutes within two days because not everyone is there", "08:32")
    chat.command("ben", "/review keep 1 because it works, learned keep it simple", "09:10")
    chat.command("chris", "/review retire 2 because nobody drinks tea, learned ask first", "09:20")
    chat.command(
        "anna",
        "/review revise 3 minutes within one day because people forget, learned sooner is better",
        "09:30",
    )
    chat.command("chris", "/review keep 1", at("09:40") + timedelta(days=1))


def _exported(app, fmt: str, **only) -> str:
    out = io.StringIO()
    export.write(export.register(app.database, **only), fmt, out)
    return out.getvalue()


def test_json_register_has_each_review_decision_on_the_version_it_was_about(app):
    _reviewed_table(Chat(app))
    versions = json.loads(_exported(app, "json"))["agreements"]
    by_version = {(v["id"], v["version"]): v for v in versions}
    assert sorted(by_version) == [(1, 1), (2, 1), (3, 1), (3, 2)]
    assert by_version[1, 1]["decisions"] == [
        {"decision": "kept", "at": "2026-03-02T09:10:00Z", "by": "ben", "why": "it works",
         "lesson": "keep it simple"},
        {"decision": "kept", "at": "2026-03-03T09:40:00Z", "by": "chris", "why": None,
         "lesson": None},
    ]  # fmt: skip
    assert by_version[2, 1]["status"] == "retired"
    assert by_version[2, 1]["decisions"] == [
        {"decision": "retired", "at": "2026-03-02T09:20:00Z", "by": "chris",
         "why": "nobody drinks tea", "lesson": "ask first"},
    ]  # fmt: skip
    # The revision ended version 1; version 2 is what it made, with its own why and lesson.
    assert by_version[3, 1]["decisions"] == [
        {"decision": "revised", "at": "2026-03-02T09:30:00Z", "by": "anna",
         "why": "people forget", "lesson": "sooner is better"},
    ]  # fmt: skip
    assert by_version[3, 2]["decisions"] == []
    assert (by_version[3, 2]["why"], by_version[3, 2]["lesson"]) == (
        "people forget",
        "sooner is better",
    )
    # What was there before stays as it was, for people's scripts.
    assert list(by_version[1, 1])[: len(export.COLUMNS)] == list(export.COLUMNS)


def test_csv_register_keeps_its_columns_and_adds_the_decisions_at_the_end(app):
    _reviewed_table(Chat(app))
    reader = csv.DictReader(io.StringIO(_exported(app, "csv")))
    assert reader.fieldnames[:16] == [
        "workspace", "channel", "id", "version", "status", "text", "why", "owner",
        "consenters", "mandates", "concerns", "review_on", "replaces", "recorded_by",
        "recorded_at", "lesson",
    ]  # fmt: skip
    rows = {(row["id"], row["version"]): row for row in reader}
    assert len(rows) == 4  # still one row per version

    def decided(row) -> tuple[str, ...]:
        return tuple(row[k] for k in ("last_decision", "decided_at", "decided_by",
                                      "decided_why", "decided_lesson"))  # fmt: skip

    assert decided(rows["2", "1"]) == (
        "retired", "2026-03-02T09:20:00Z", "chris", "nobody drinks tea", "ask first",
    )  # fmt: skip
    assert decided(rows["3", "1"]) == (
        "revised", "2026-03-02T09:30:00Z", "anna", "people forget", "sooner is better",
    )  # fmt: skip
    assert decided(rows["3", "2"]) == ("", "", "", "", "")
    # The latest choice in its columns, the ones before it in words of their own.
    assert decided(rows["1", "1"]) == ("kept", "2026-03-03T09:40:00Z", "chris", "", "")
    assert rows["1", "1"]["earlier_decisions"] == (
        "kept 2026-03-02T09:10:00Z by ben; why: it works; practice taught: keep it simple"
    )


def test_markdown_register_says_who_kept_retired_or_revised_when_and_why(app):
    _reviewed_table(Chat(app))
    lines = _exported(app, "md").splitlines()

    def under(heading: str) -> list[str]:
        start = lines.index(heading) + 2
        return lines[start : ([*lines, ""]).index("", start)]

    assert under("### #1 v1 (current): pin the base image")[-2:] == [
        "- Kept 2026-03-02 by ben; why: it works; practice taught: keep it simple",
        "- Kept 2026-03-03 by chris",
    ]
    assert under("### #2 v1 (retired): tea at 3")[-1] == (
        "- Retired 2026-03-02 by chris; why: nobody drinks tea; practice taught: ask first"
    )
    assert under("### #3 v1 (revised): minutes within two days")[-1] == (
        "- Revised 2026-03-02 by anna (into version 2); why: people forget; "
        "practice taught: sooner is better"
    )
    assert under("### #3 v2 (current): minutes within one day")[-1].startswith("- Review on")


def test_markdown_register_shows_control_characters_instead_of_sending_them(app):
    """The register may go to a terminal (`groundrules export` writes to stdout): an ESC
    sequence in an agreement would act on it. CSV and JSON keep the words as they are."""
    chat = Chat(app)
    chat.command(
        "anna", "/agree pin the image\x1b]0;pwned\x07 because deploys\x1b[2J broke", "08:30"
    )
    shown = _exported(app, "md")
    assert "### #1 v1 (current): pin the image\\x1b]0;pwned\\x07" in shown
    assert "- Why: deploys\\x1b\\[2J broke" in shown  # its "[" shown as typed, as any
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\x1b]0;pwned\x07" in json.loads(_exported(app, "json"))["agreements"][0]["text"]


def test_markdown_register_keeps_people_s_direction_to_their_own_words(app):
    """A right-to-left override in a reason reversed the rest of its line, the register's
    own words after it ("; practice taught: …") included: it is dropped, and words in a
    right-to-left script are isolated, as in chat (rules.bidi). JSON keeps them as typed."""
    chat = Chat(app)
    chat.command("anna", "/agree tea at 3 because \u202ebreaks help", "08:30")
    chat.command("ben", "/review keep 1 because שלום עולם, learned \u202ekeep it", "09:10")
    shown = _exported(app, "md")
    assert "\u202e" not in shown
    assert "- Why: breaks help\n" in shown
    assert "why: \u2068שלום עולם\u2069; practice taught: keep it" in shown
    assert "\u202ebreaks" in json.loads(_exported(app, "json"))["agreements"][0]["why"]


def test_markdown_register_shows_markup_in_people_s_words_as_typed(app):
    """Read rendered (a wiki, a repository), the register must not turn someone's words
    into a link that shows other words than its address, an image loaded from anywhere,
    or HTML that folds away the rest of the register."""
    chat = Chat(app)
    chat.command(
        "anna",
        "/agree [minutes](https://evil.example/login) within a day <details> because "
        "**everyone** forgets ![x](https://evil.example/pixel.png)",
        "08:30",
    )
    chat.command("ben", "/review keep 1 because it_works, learned `keep` ~it~ simple", "09:10")
    shown = _exported(app, "md")
    assert (
        "### #1 v1 (current): \\[minutes](https://evil.example/login) within a day \\<details>"
        in shown
    )
    assert "- Why: \\*\\*everyone\\*\\* forgets !\\[x](https://evil.example/pixel.png)" in shown
    assert "why: it\\_works; practice taught: \\`keep\\` \\~it\\~ simple" in shown
    assert " <details>" not in shown and " [minutes]" not in shown
    assert "[minutes](" in json.loads(_exported(app, "json"))["agreements"][0]["text"]


def test_json_register_escapes_control_characters_and_keeps_accents_readable(app):
    """`groundrules export --format json` goes to stdout by default: a C1 control (0x9b
    opens a sequence as ESC [ does) was written raw. JSON's escape reads back the same."""
    Chat(app).command("anna", "/agree de image vastzetten\x9b2J because café\x1b[2J 🙂", "08:30")
    shown = _exported(app, "json")
    assert raw_controls(shown) == [], repr(shown)
    assert "café" in shown and "🙂" in shown
    [agreement] = json.loads(shown)["agreements"]
    assert agreement["text"] == "de image vastzetten\x9b2J"
    assert agreement["why"] == "café\x1b[2J 🙂"


def test_each_workspace_keeps_its_own_decisions_on_a_channel_both_share(app):
    """Agreement numbers count per workspace: #1 of a shared channel exists in both."""
    ours, theirs = Chat(app, workspace="W1"), Chat(app, workspace="W2")
    ours.command("anna", "/agree pin the base image because deploys broke", "08:30")
    theirs.command("zoe", "/agree tea at 3 because breaks", "08:31")
    ours.command("ben", "/review keep 1 because it works", "09:10")
    theirs.command("yan", "/review retire 1 because nobody drinks tea", "09:20")

    shared = json.loads(_exported(app, "json", table="C1"))["agreements"]
    assert [(v["workspace"], v["status"], [(d["by"], d["why"]) for d in v["decisions"]])
            for v in shared] == [
        ("W1", "current", [("ben", "it works")]),
        ("W2", "retired", [("yan", "nobody drinks tea")]),
    ]  # fmt: skip
    for fmt in export.FORMATS:
        only_ours = _exported(app, fmt, workspace="W1")
        assert "ben" in only_ours
        assert "W2" not in only_ours and "yan" not in only_ours and "tea" not in only_ours


def test_a_decision_whose_agreement_is_gone_holds_up_no_other(app):
    """Read beside the agreements in the same order, a decision without one (rows a
    tool or an older version left) is skipped, not waited for."""
    chat = Chat(app)
    chat.command("anna", "/agree pin the base image because deploys broke", "08:30")
    chat.command("ben", "/review keep 1 because it works", "09:10")
    with Session(app.database) as session:
        for channel in ("C0", "C1", "C2"):  # before, beside and after the agreement
            session.add(DecisionRow(workspace="W1", channel=channel, number=7, decision="keep",
                                    user="zoe", at=at("09:00")))  # fmt: skip
        session.commit()
    [version] = export.register(app.database)
    assert [d.user for d in version.decisions] == ["ben"]


def test_the_export_command_writes_one_workspace_s_decisions_to_its_file(app, tmp_path):
    from typer.testing import CliRunner

    from bot.cli import app as cli

    ours, theirs = Chat(app, workspace="W1"), Chat(app, workspace="W2")
    ours.command("anna", "/agree stand-up at 10 because the train", "08:30")
    theirs.command("zoe", "/agree tea at 3 because breaks", "08:31")
    ours.command("ben", "/review retire 1 because nobody comes", "09:10")
    theirs.command("yan", "/review keep 1 because it works", "09:20")
    app.store.flush()
    url = app.settings.database_url
    out = tmp_path / "register.csv"
    result = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--workspace", "W1", "--output", str(out),
              "--database", url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 agreement version(s) written to" in result.stderr
    [row] = csv.DictReader(out.open(encoding="utf-8"))
    assert (row["workspace"], row["last_decision"], row["decided_by"], row["decided_why"]) == (
        "W1", "retired", "ben", "nobody comes",
    )  # fmt: skip
    shown = CliRunner().invoke(cli, ["export", "--table", "C1", "--database", url])
    assert shown.exit_code == 0, shown.output
    assert "- Retired 2026-03-02 by ben; why: nobody comes" in shown.stdout.splitlines()
    assert "- Kept 2026-03-02 by yan; why: it works" in shown.stdout.splitlines()


def _kept_after_midnight_in_amsterdam(chat: Chat, *, own_zone: bool = True) -> None:
    """#1 recorded at 08:30 UTC (09:30 in Amsterdam) and kept at 23:30 UTC, already
    00:30 on 3 March there."""
    if own_zone:
        chat.command("anna", "/table timezone Europe/Amsterdam", "08:00")
    chat.command("anna", "/agree pin the base image because deploys broke", "08:30")
    chat.command("ben", "/review keep 1 because it works", "23:30")


def test_json_register_gives_moments_in_the_tables_zone_and_names_it(app):
    _kept_after_midnight_in_amsterdam(Chat(app))
    [version] = json.loads(_exported(app, "json"))["agreements"]
    assert version["recorded_at"] == "2026-03-02T09:30:00+01:00"
    assert [d["at"] for d in version["decisions"]] == ["2026-03-03T00:30:00+01:00"]
    assert version["timezone"] == "Europe/Amsterdam"
    assert list(version)[: len(export.COLUMNS)] == list(export.COLUMNS)


def test_csv_register_gives_moments_in_the_tables_zone_and_names_it_after_the_decisions(app):
    chat = Chat(app)
    _kept_after_midnight_in_amsterdam(chat)
    chat.command("ben", "/review keep 1", at("23:40") + timedelta(days=1))
    reader = csv.DictReader(io.StringIO(_exported(app, "csv")))
    assert reader.fieldnames == [
        *export.COLUMNS,
        *export.DECISION_COLUMNS,
        "timezone",
        *export.RESOLVED_COLUMNS,
    ]
    [row] = reader
    assert (row["recorded_at"], row["decided_at"], row["timezone"]) == (
        "2026-03-02T09:30:00+01:00", "2026-03-04T00:40:00+01:00", "Europe/Amsterdam",
    )  # fmt: skip
    assert row["earlier_decisions"] == "kept 2026-03-03T00:30:00+01:00 by ben; why: it works"


def test_markdown_register_shows_the_tables_days_and_names_its_zone(app):
    _kept_after_midnight_in_amsterdam(Chat(app))
    lines = _exported(app, "md").splitlines()
    assert lines[lines.index("## C1 (W1)") + 2] == "Dates are days in Europe/Amsterdam."
    assert lines[-2:] == [
        "- Review on 2026-03-31; recorded 2026-03-02 by anna",  # kept on 3 March there
        "- Kept 2026-03-03 by ben; why: it works",
    ]


def test_a_table_without_its_own_zone_is_exported_in_the_default_one(app):
    _kept_after_midnight_in_amsterdam(Chat(app), own_zone=False)
    [version] = export.register(app.database, default_zone="Asia/Tokyo")
    record = export.record(version)
    assert (record["recorded_at"], record["decisions"][0]["at"], record["timezone"]) == (
        "2026-03-02T17:30:00+09:00", "2026-03-03T08:30:00+09:00", "Asia/Tokyo",
    )  # fmt: skip
    [utc] = export.register(app.database)
    assert export.record(utc)["recorded_at"] == "2026-03-02T08:30:00Z"


def test_the_export_command_shows_days_in_groundrules_timezone(app):
    from typer.testing import CliRunner

    from bot.cli import app as cli

    _kept_after_midnight_in_amsterdam(Chat(app), own_zone=False)
    app.store.flush()
    shown = CliRunner().invoke(
        cli, ["export", "--database", app.settings.database_url],
        env={"GROUNDRULES_TIMEZONE": "Asia/Tokyo"},
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "Dates are days in Asia/Tokyo." in lines
    assert "- Kept 2026-03-03 by ben; why: it works" in lines


def test_the_bot_keeps_recording_while_an_export_is_being_written(app):
    """An export reads the database as it stood when it began, and holds no lock the bot
    would wait for (SQLite's write lock) until its last line is written."""
    chat = Chat(app)
    chat.command("anna", "/agree pin the base image because deploys broke", "08:30")
    chat.command("anna", "/agree tea at 3 because breaks", "08:31")
    reading = export.register(app.database)
    first = next(reading)
    retired = chat.command("ben", "/review retire 2 because nobody drinks tea", "09:00")
    assert any("ben retired agreement #2" in plain(action) for action in retired)
    rest = list(reading)
    assert [(v.row.number, v.row.status, v.decisions) for v in [first, *rest]] == [
        (1, "current", ()),
        (2, "current", ()),
    ]
    [_, after] = export.register(app.database)
    assert (after.row.status, [d.why for d in after.decisions]) == (
        "retired",
        ["nobody drinks tea"],
    )


def _many_agreements(app, count: int) -> None:
    """`count` agreements at one table, each kept once with a reason and a lesson."""
    day = at("08:00")
    agreements = [
        {"workspace": "W1", "channel": "C1", "number": number, "version": 1,
         "text": f"agreement {number} " * 20, "why": "because " * 30, "recorded_by": "anna",
         "owner": "anna", "consenters": ["anna", "ben", "chris"], "concerns": [],
         "mandates": [], "review_on": day.date(), "status": "current", "lang": "en",
         "recorded_at": day + timedelta(seconds=number)}
        for number in range(1, count + 1)
    ]  # fmt: skip
    decisions = [
        {"workspace": "W1", "channel": "C1", "number": number, "decision": "keep",
         "user": "ben", "why": "it works " * 20, "lesson": "keep it simple " * 20,
         "at": day + timedelta(days=1, seconds=number)}
        for number in range(1, count + 1)
    ]  # fmt: skip
    with Session(app.database) as session:
        session.execute(insert(AgreementRow), agreements)
        session.execute(insert(DecisionRow), decisions)
        session.commit()


class _Discarded(io.TextIOBase):
    """Somewhere to write that keeps nothing: what is measured is the export's own."""

    def write(self, text: str) -> int:
        return len(text)


def _peak_while_exporting(app, fmt: str) -> int:
    tracemalloc.start()
    try:
        export.write(export.register(app.database), fmt, _Discarded())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_register_is_written_as_it_is_read(app):
    """Three times the agreements take about the same memory to export, not three times
    as much (held whole, 3,000 took some 10 MB, 1,000 some 3.4 MB)."""
    _many_agreements(app, 1000)
    export.write(export.register(app.database), "md", _Discarded())  # SQL compiled, cached
    small = {fmt: _peak_while_exporting(app, fmt) for fmt in export.FORMATS}
    with Session(app.database) as session:
        session.exec(AgreementRow.__table__.delete())  # type: ignore[attr-defined]
        session.exec(DecisionRow.__table__.delete())  # type: ignore[attr-defined]
        session.commit()
    _many_agreements(app, 3000)
    large = {fmt: _peak_while_exporting(app, fmt) for fmt in export.FORMATS}
    for fmt in export.FORMATS:
        assert large[fmt] < 1.5 * small[fmt], (fmt, small[fmt], large[fmt])


def test_the_export_command_refuses_a_workspace_or_table_it_holds_nothing_of(app, tmp_path):
    """A mistyped `--workspace T1` (for slack:T1) or `--table` wrote "No agreements recorded
    yet." with exit 0, as if there were nothing to keep before `workspace forget`; forget
    refuses such a name, and now export does as well, writing no file."""
    from typer.testing import CliRunner

    from bot.cli import app as cli

    Chat(app, workspace="W1").command("anna", "/agree stand-up at 10 because the train", "08:30")
    Chat(app, workspace="W2", channel="C2").join("zoe")  # a table with no agreement yet
    app.store.flush()
    url = app.settings.database_url
    out = tmp_path / "register.json"

    def refused(*only: str) -> str:
        result = CliRunner().invoke(
            cli, ["export", "--format", "json", *only, "--output", str(out), "--database", url]
        )
        assert result.exit_code == 2, result.output
        assert not out.exists()
        [line] = result.stderr.splitlines()
        return line

    assert refused("--workspace", "W9") == (
        "groundrules: no data of W9; see `groundrules workspace list`"
    )
    assert refused("--table", "C9") == "groundrules: no data of table C9"
    assert refused("--workspace", "W1", "--table", "C2") == (
        "groundrules: no data of table C2 in W1"
    )
    # Known, with nothing recorded yet: an empty register, as before.
    for only in (["--workspace", "W2"], ["--table", "C2"], ["--workspace", "W2", "--table", "C2"]):
        result = CliRunner().invoke(cli, ["export", *only, "--database", url])
        assert result.exit_code == 0, result.output
        assert "No agreements recorded yet." in result.stdout
