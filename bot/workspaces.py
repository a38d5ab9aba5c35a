"""Workspaces and servers as a whole: which ones removed the bot, and forgetting one.

A platform tells the bot when a workspace removes it (Slack's `app_uninstalled`,
Discord's guild removal). Its data is kept for GROUNDRULES_REMOVED_RETENTION, so that
a removal by mistake loses nothing, then deleted from every table. An operator can
forget a workspace at once (`groundrules workspace forget`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Engine, Table, delete, func, select
from sqlmodel import Session, SQLModel
from sqlmodel import select as select_rows

from bot import dm_once
from bot.models import AgreementRow, ForgottenPerson, MemberRow, RemovedWorkspace


def _tables_with_a_workspace() -> list[Table]:
    # Dependants first, should a foreign key ever point at another table's rows.
    return [t for t in reversed(SQLModel.metadata.sorted_tables) if "workspace" in t.c]


def _tables_of_its_data() -> list[Table]:
    """Those holding what the bot knows of a workspace: not the note that someone there
    was forgotten (bot.person_data), which is no sign of it, and goes by itself."""
    forgotten = ForgottenPerson.__table__  # type: ignore[attr-defined]
    return [t for t in _tables_with_a_workspace() if t is not forgotten]


def mark_removed(engine: Engine, workspace: str, at: datetime) -> None:
    """The bot was removed from `workspace` at `at` (a repeat keeps the first time)."""
    with Session(engine) as session:
        if session.get(RemovedWorkspace, workspace) is None:
            session.add(RemovedWorkspace(workspace=workspace, removed_at=at))
            session.commit()


def mark_returned(engine: Engine, workspace: str) -> bool:
    """The bot is back in `workspace`: its data stays. True if it had been removed."""
    with Session(engine) as session:
        row = session.get(RemovedWorkspace, workspace)
        if row is None:
            return False
        session.delete(row)
        session.commit()
        return True


def removed_at(engine: Engine, workspace: str) -> datetime | None:
    """When `workspace` removed the bot; None if it has not (or is back)."""
    with Session(engine) as session:
        row = session.get(RemovedWorkspace, workspace)
        return row.removed_at if row is not None else None


def removed(engine: Engine) -> dict[str, datetime]:
    """Every workspace that removed the bot, and when."""
    with Session(engine) as session:
        rows = session.exec(select_rows(RemovedWorkspace)).all()
        return {row.workspace: row.removed_at for row in rows}


def forget(engine: Engine, workspace: str) -> dict[str, int]:
    """Delete every row of `workspace`, in one transaction. Rows deleted, per table."""
    deleted: dict[str, int] = {}
    with engine.begin() as connection:
        for table in _tables_with_a_workspace():
            count = connection.execute(delete(table).where(table.c.workspace == workspace))
            if count.rowcount:
                deleted[table.name] = count.rowcount
    return deleted


def holding(engine: Engine, prefix: str = "") -> set[str]:
    """Every workspace (of a platform: `prefix`) with rows in any table; not where a
    platform's DM answers are recorded, which is no workspace (bot.dm_once)."""
    names: set[str] = set()
    with engine.connect() as connection:
        for table in _tables_of_its_data():
            query = select(table.c.workspace).distinct()
            if prefix:
                query = query.where(table.c.workspace.startswith(prefix, autoescape=True))
            names |= set(connection.execute(query).scalars())
    return {name for name in names if not dm_once.is_dms(name)}


def holds(engine: Engine, workspace: str) -> bool:
    """Whether any table has a row of `workspace` (a removal noted counts)."""
    with engine.connect() as connection:
        for table in _tables_of_its_data():
            query = select(table.c.workspace).where(table.c.workspace == workspace).limit(1)
            if connection.execute(query).first() is not None:
                return True
    return False


def holds_table(engine: Engine, channel: str, workspace: str | None = None) -> bool:
    """Whether any table has a row of the table at `channel` (in `workspace`, if given)."""
    with engine.connect() as connection:
        for table in _tables_with_a_workspace():
            if "channel" not in table.c:
                continue
            query = select(table.c.channel).where(table.c.channel == channel)
            if workspace is not None:
                query = query.where(table.c.workspace == workspace)
            if connection.execute(query.limit(1)).first() is not None:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Known:
    """A workspace the database holds something of, for the operator's list."""

    workspace: str
    members: int  # people at any of its tables
    agreements: int  # by number, whatever their versions
    removed_at: datetime | None
    installed_only: bool = False  # nothing of it but a platform's install (its token)


def known(engine: Engine, installed: Iterable[str] = ()) -> list[Known]:
    """Every workspace with rows in any table, or among the `installed` ones (a platform's
    install alone: a token, a name, who installed it), with a few counts to recognise it
    by."""
    names = holding(engine)
    with engine.connect() as connection:

        def distinct(column: Column) -> dict[str, int]:
            workspace = column.table.c.workspace
            query = select(workspace, func.count(func.distinct(column))).group_by(workspace)
            return {name: count for name, count in connection.execute(query).all()}

        members = distinct(MemberRow.__table__.c.user)  # type: ignore[attr-defined]
        agreements = distinct(AgreementRow.__table__.c.number)  # type: ignore[attr-defined]
    gone = removed(engine)
    return [
        Known(
            name, members.get(name, 0), agreements.get(name, 0), gone.get(name),
            installed_only=name not in names,
        )
        for name in sorted(names | set(installed))
    ]  # fmt: skip
