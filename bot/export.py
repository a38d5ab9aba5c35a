"""The agreement register as Markdown, CSV or JSON (`groundrules export`)."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.models import AgreementRow

FORMATS = ("md", "csv", "json")
COLUMNS = (
    "workspace", "channel", "id", "version", "status", "text", "why", "owner", "consenters",
    "mandates", "concerns", "review_on", "replaces", "recorded_by", "recorded_at", "lesson",
)  # fmt: skip


def register(database: Engine, *, workspace: str | None = None, table: str | None = None):
    """Every version of every agreement, oldest first."""
    query = select(AgreementRow)
    if workspace is not None:
        query = query.where(AgreementRow.workspace == workspace)
    if table is not None:
        query = query.where(AgreementRow.channel == table)
    with Session(database) as session:
        return session.exec(
            query.order_by(
                col(AgreementRow.workspace),
                col(AgreementRow.channel),
                col(AgreementRow.number),
                col(AgreementRow.version),
            )
        ).all()


def record(row: AgreementRow) -> dict:
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
        "recorded_at": row.recorded_at.isoformat().replace("+00:00", "Z"),
        "lesson": row.lesson,
    }


def write(rows, fmt: str, out: TextIO) -> int:
    records = [record(row) for row in rows]
    if fmt == "json":
        json.dump({"agreements": records}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for item in records:
            flat = item | {
                "consenters": "; ".join(item["consenters"]),
                "mandates": "; ".join(
                    f"{m['user']}: {m['mandate'] or 'pending'}" for m in item["mandates"]
                ),
                "concerns": "; ".join(f"{c['user']}: {c['text']}" for c in item["concerns"]),
            }
            writer.writerow({key: _inert(value) for key, value in flat.items()})
    elif fmt == "md":
        _markdown(records, out)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return len(records)


# A spreadsheet runs a cell that starts with one of these as a formula
# ('=HYPERLINK("http://…")' in an agreement's why): a leading quote shows it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _line(value: object) -> str:
    """A value on its Markdown line: a line break in people's words would start a line of
    its own (a heading, a list item) that reads as the register's."""
    return " ".join(str(value).split())


def _markdown(records: list[dict], out: TextIO) -> None:
    out.write("# Agreement register\n")
    table = None
    for raw in records:
        item = {key: _line(value) if isinstance(value, str) else value
                for key, value in raw.items()}  # fmt: skip
        if (item["workspace"], item["channel"]) != table:
            table = (item["workspace"], item["channel"])
            out.write(f"\n## {item['channel']} ({item['workspace']})\n")
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
        if item["replaces"]:
            out.write(f"- Replaces version {item['replaces']}")
            out.write(f"; practice taught: {item['lesson']}\n" if item["lesson"] else "\n")
        out.write(f"- Review on {item['review_on']}; recorded {item['recorded_at'][:10]} ")
        out.write(f"by {item['recorded_by']}\n")
    if not records:
        out.write("\nNo agreements recorded yet.\n")
