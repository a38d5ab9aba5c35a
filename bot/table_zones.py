"""Each table's time zone where the bot works outside the engine (the App Home, the
register's export).

A table's zone is its own (/table timezone), else the bot's default
(GROUNDRULES_TIMEZONE), which an operator may change between two starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from bot.models import TableConfig
from rules.local_time import zone_or_default

_config = TableConfig.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class TableZones:
    """The zones of the tables that set their own; every other table keeps `default`."""

    own: dict[tuple[str, str], str]
    default: str

    def of(self, workspace: str, channel: str) -> str:
        return zone_or_default(self.own.get((workspace, channel)), self.default)


def table_zones(connection: Connection, default: str) -> TableZones:
    """Read once: only the tables that set a zone have a row saying so (few of them)."""
    rows = connection.execute(
        select(_config.c.workspace, _config.c.channel, _config.c.timezone).where(
            _config.c.timezone.is_not(None)
        )
    )
    return TableZones({(r.workspace, r.channel): r.timezone for r in rows}, default)
