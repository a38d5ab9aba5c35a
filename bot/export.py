"""The agreement register as Markdown, CSV or JSON (`groundrules export`): every version
of every agreement, and each choice made at its reviews (kept, revised, retired: when, by
whom, why, what practice taught). Written as it is read, one agreement at a time, so a
large workspace's register is never held whole.

Times are the table's, as its people live them: Markdown shows the days there and names
the zone; CSV and JSON give each moment with the table's offset ("…T10:20:00+01:00", a
moment all the same) and the zone's name (`timezone`)."""

from __future__ import annotations

import csv
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import TextIO

from sqlalchemy import Engine, and_, exists
from sqlmodel import Session, col, select

from bot.database import snapshot
from bot.models import AgreementRow, DecisionRow
from bot.printable import printable_json, printable_line
from bot.table_zones import table_zones
from rules.bidi import isolated
from rules.local_time import DEFAULT_ZONE, zone

FORMATS = ("md", "csv", "json")
COLUMNS = (
    "workspace", "channel", "id", "version", "status", "text", "why", "owner", "consenters",
    "mandates", "concerns", "review_on", "replaces", "recorded_by", "recorded_at", "lesson",
)  # fmt: skip
# Added after COLUMNS, whose order people's scripts rely on: a version's latest review
# decision in columns of its own, any before it (keeps) in words, " | " between them.
DECISION_COLUMNS = (
    "last_decision", "decided_at", "decided_by", "decided_why", "decided_lesson",
    "earlier_decisions",
)  # fmt: skip
ZONE_COLUMNS = ("timezone",)  # the zone the table's moments are given in
# Concerns raised in the round an agreement settles and said resolved there: their raisers
# consented (in `consenters`), and `concerns` stays the open ones, as scripts read it.
RESOLVED_COLUMNS = ("resolved_concerns",)
DECIDED = {"keep": "kept", "revise": "revised", "retire": "retired"}
BATCH = 500  # rows fetched at a time


@dataclass(frozen=True)
class Version:
    """One version of an agreement and the review decisions made about it, oldest first."""

    row: AgreementRow
    decisions: tuple[DecisionRow, ...] = ()
    timezone: str = DEFAULT_ZONE  # its table's


def register(
    database: Engine,
    *,
    workspace: str | None = None,
    table: str | None = None,
    default_zone: str = DEFAULT_ZONE,
) -> Iterator[Version]:
    """Every version of every agreement, oldest first, with its review decisions and its
    table's zone (its own, else `default_zone`): read in one snapshot, a batch at a time,
    as the caller writes them."""
    agreements = select(AgreementRow)
    # A decision whose agreement is not there (none should be) would stop the merge below.
    # `version >= 1` (every version) leads SQLite to the unique index on the number, not
    # to the channel's, which would read the whole table once for each decision.
    decisions = select(DecisionRow).where(
        exists().where(
            and_(
                AgreementRow.workspace == DecisionRow.workspace,
                AgreementRow.number == DecisionRow.number,
                AgreementRow.version >= 1,
                AgreementRow.channel == DecisionRow.channel,
            )
        )
    )
    if workspace is not None:
        agreements = agreements.where(AgreementRow.workspace == workspace)
        decisions = decisions.where(DecisionRow.workspace == workspace)
    if table is not None:
        agreements = agreements.where(AgreementRow.channel == table)
        decisions = decisions.where(DecisionRow.channel == table)
    with snapshot(database) as connection, Session(connection) as session:
        zones = table_zones(connection, default_zone)
        versions = session.exec(
            agreements.order_by(
                col(AgreementRow.workspace), col(AgreementRow.channel),
                col(AgreementRow.number), col(AgreementRow.version),
            ).execution_options(yield_per=BATCH)
        )  # fmt: skip
        made = iter(
            session.exec(
                decisions.order_by(
                    col(DecisionRow.workspace), col(DecisionRow.channel),
                    col(DecisionRow.number), col(DecisionRow.at), col(DecisionRow.id),
                ).execution_options(yield_per=BATCH)
            )
        )  # fmt: skip
        # Both come in the database's order of the same key, the decisions' keys among
        # the agreements': merged by equality alone, whatever the collation.
        waiting = next(made, None)
        for key, group in groupby(versions, key=_agreement):
            rows = list(group)
            about: list[DecisionRow] = []
            while waiting is not None and _agreement(waiting) == key:
                about.append(waiting)
                waiting = next(made, None)
            yield from _with_decisions(rows, about, zones.of(key[0], key[1]))


def _agreement(row: AgreementRow | DecisionRow) -> tuple[str, str, int]:
    return row.workspace, row.channel, row.number


def _with_decisions(
    rows: list[AgreementRow], decisions: list[DecisionRow], timezone: str
) -> Iterator[Version]:
    by_version: dict[int, list[DecisionRow]] = {row.version: [] for row in rows}
    for decision in decisions:
        by_version[_decided_about(rows, decision).version].append(decision)
    for row in rows:
        yield Version(row, tuple(by_version[row.version]), timezone)


def _decided_about(rows: list[AgreementRow], decision: DecisionRow) -> AgreementRow:
    """The version current when the decision was made. A revision records its new
    version at the very moment of its decision, which ended the version it replaces."""
    before = [row for row in rows if row.recorded_at <= decision.at] or rows[:1]
    about = before[-1]
    if decision.decision == "revise" and about.recorded_at == decision.at:
        about = next((row for row in rows if row.version == about.replaces), about)
    return about


def _moment(value: datetime, timezone: str) -> str:
    """The moment with the table's offset: its date and hour are the table's."""
    return value.astimezone(zone(timezone)).isoformat().replace("+00:00", "Z")


def record(version: Version) -> dict:
    row = version.row
    return {
        "workspace": row.workspace,
        "channel": row.channel,
        "id": row.number,
        "version": row.version,
        "status": row.status,
        "text": row.text,
        "why": row.why,
        "owner": row.owner,
        "consenters": list(row.consenters),
        "mandates": [{"user": u, "mandate": m} for u, m in row.mandates],
        "concerns": [{"user": u, "text": t} for u, t in row.concerns],
        "review_on": row.review_on.isoformat(),
        "replaces": row.replaces,
        "recorded_by": row.recorded_by,
        "recorded_at": _moment(row.recorded_at, version.timezone),
        "lesson": row.lesson,
        "timezone": version.timezone,
        "decisions": [_decision(d, version.timezone) for d in version.decisions],
        # Last: the keys before it stay in the order people's scripts rely on.
        "resolved_concerns": [{"user": u, "text": t} for u, t in row.resolved_concerns or ()],
    }


def _decision(row: DecisionRow, timezone: str) -> dict:
    return {
        "decision": DECIDED.get(row.decision, row.decision),
        "at": _moment(row.at, timezone),
        "by": row.user,
        "why": row.why,
        "lesson": row.lesson,
    }


def write(versions: Iterable[Version], fmt: str, out: TextIO) -> int:
    """Write the register as it is read; the number of versions written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    records = (record(version) for version in versions)
    if fmt == "json":
        return _json(records, out)
    if fmt == "csv":
        return _csv(records, out)
    return _markdown(records, out)


def _json(records: Iterator[dict], out: TextIO) -> int:
    """As `json.dump({"agreements": [...]}, indent=2)` writes it, a record at a time."""
    out.write('{\n  "agreements": [')
    count = 0
    for count, item in enumerate(records, 1):
        out.write(",\n" if count > 1 else "\n")
        out.write(textwrap.indent(printable_json(item, indent=2), "    "))
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


def _csv(records: Iterator[dict], out: TextIO) -> int:
    writer = csv.DictWriter(
        out,
        fieldnames=COLUMNS + DECISION_COLUMNS + ZONE_COLUMNS + RESOLVED_COLUMNS,
        lineterminator="\n",
    )
    writer.writeheader()
    count = 0
    for item in records:
        count += 1
        *earlier, last = item.pop("decisions") or [None]
        flat = item | {
            "consenters": "; ".join(item["consenters"]),
            "mandates": "; ".join(
                f"{m['user']}: {m['mandate'] or 'pending'}" for m in item["mandates"]
            ),
            "concerns": "; ".join(f"{c['user']}: {c['text']}" for c in item["concerns"]),
            "resolved_concerns": "; ".join(
                f"{c['user']}: {c['text']}" for c in item["resolved_concerns"]
            ),
            "last_decision": last and last["decision"],
            "decided_at": last and last["at"],
            "decided_by": last and last["by"],
            "decided_why": last and last["why"],
            "decided_lesson": last and last["lesson"],
            "earlier_decisions": " | ".join(_decision_words(d, d["at"]) for d in earlier),
        }
        writer.writerow({key: _inert(value) for key, value in flat.items()})
    return count


def _decision_words(decision: dict, when: str) -> str:
    """ "kept 2026-03-02 by ben; why: it works; practice taught: keep it simple" """
    words = f"{decision['decision']} {when} by {decision['by']}"
    if decision["why"]:
        words += f"; why: {decision['why']}"
    if decision["lesson"]:
        words += f"; practice taught: {decision['lesson']}"
    return words


# A spreadsheet runs a cell that starts with one of these as a formula
# ('=HYPERLINK("http://…")' in an agreement's why): a leading quote shows it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Markdown in people's words that would act where the register is read rendered: a
# masked link or image ([text](address) shows any words for any address, or loads it),
# raw HTML (<details> folds away the rest of the register), emphasis and code.
_MARKDOWN = re.compile(r"[\\`*_~\[<]")


def _line(value: object) -> str:
    """A value on its Markdown line: a line break in people's words would start a line of
    its own (a heading, a list item) that reads as the register's, their markup is shown
    as typed (a backslash before it), and a control character would act on the terminal
    it is printed to (bot.printable); their direction is kept to them, as in chat
    (rules.bidi), so an override cannot turn the register's words after them around."""
    words = isolated(" ".join(str(value).split()))
    words = _MARKDOWN.sub(lambda mark: "\\" + mark[0], words)
    return printable_line(words)


def _markdown(records: Iterator[dict], out: TextIO) -> int:
    out.write("# Agreement register\n")
    table = None
    count = 0
    for raw in records:
        count += 1
        item = {key: _line(value) if isinstance(value, str) else value
                for key, value in raw.items()}  # fmt: skip
        if (item["workspace"], item["channel"]) != table:
            table = (item["workspace"], item["channel"])
            out.write(f"\n## {item['channel']} ({item['workspace']})\n\n")
            out.write(f"Dates are days in {item['timezone']}.\n")
        owner = item["owner"].replace("role:", "role ")
        out.write(f"\n### #{item['id']} v{item['version']} ({item['status']}): {item['text']}\n\n")
        out.write(f"- Why: {item['why']}\n")
        out.write(f"- Owner: {owner}\n")
        consent = ", ".join(
            f"{_line(m['user'])} ({_line(m['mandate'] or 'mandate pending')})"
            for m in item["mandates"]
        ) or ", ".join(_line(user) for user in item["consenters"])
        out.write(f"- Consent: {consent}\n")
        for concern in item["concerns"]:
            out.write(f"- Concern heard from {_line(concern['user'])}: {_line(concern['text'])}\n")
        for concern in item["resolved_concerns"]:
            out.write(f"- Concern heard from {_line(concern['user'])}, since resolved: "
                      f"{_line(concern['text'])}\n")  # fmt: skip
        if item["replaces"]:
            out.write(f"- Replaces version {item['replaces']}")
            out.write(f"; practice taught: {item['lesson']}\n" if item["lesson"] else "\n")
        out.write(f"- Review on {item['review_on']}; recorded {item['recorded_at'][:10]} ")
        out.write(f"by {item['recorded_by']}\n")
        for decision in item["decisions"]:
            shown = {key: _line(value) if isinstance(value, str) else value
                     for key, value in decision.items()}  # fmt: skip
            if decision["decision"] == "revised":
                shown["by"] += f" (into version {item['version'] + 1})"
            words = _decision_words(shown, shown["at"][:10])
            out.write(f"- {words[:1].upper()}{words[1:]}\n")
    if not count:
        out.write("\nNo agreements recorded yet.\n")
    return count
