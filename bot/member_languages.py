"""The language of each Discord member's client, remembered per server.

Discord gives a member's client language only inside an interaction (a slash command, a
button, a form). Remembered, it chooses the language of a DM that answers none of
theirs where Slack's would speak the member's Slack locale (a renewal reminder:
`AskRenewal.dm_lang`). Read on each interaction and written only when it changed, so
one member's many clicks cost no writes; several processes may share the database, so
nothing is cached here.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.database import snapshot
from bot.models import MemberLanguageRow

_languages = MemberLanguageRow.__table__  # type: ignore[attr-defined]


def remember(database: Engine, workspace: str, user: str, lang: str) -> bool:
    """`user`'s client speaks `lang` in `workspace`; True when that was news (written).
    The same language again is only read, without SQLite's write lock."""
    if of(database, workspace, [user]).get(user) == lang:
        return False
    insert = sqlite_insert if database.dialect.name == "sqlite" else pg_insert
    # Two interactions at once may both find another language: the later write wins.
    upsert = insert(_languages).values(workspace=workspace, user=user, lang=lang)
    with database.begin() as connection:
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=["workspace", "user"], set_={"lang": upsert.excluded.lang}
            )
        )
    return True


def of(database: Engine, workspace: str, users: Iterable[str]) -> dict[str, str]:
    """The remembered client language of each of `users` in `workspace` who has one."""
    wanted = sorted(set(users))
    if not wanted:
        return {}
    with snapshot(database) as connection:
        rows = connection.execute(
            select(_languages.c.user, _languages.c.lang).where(
                _languages.c.workspace == workspace, _languages.c.user.in_(wanted)
            )
        ).all()
    return {user: lang for user, lang in rows}
