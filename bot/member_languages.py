"""The language of each Discord member's client, remembered per server.

Discord gives a member's client language only inside an interaction (a slash command, a
button, a form). Remembered, it chooses the language of a DM that answers none of
theirs where Slack's would speak the member's Slack locale (a renewal reminder:
`AskRenewal.dm_lang`). Written only when it changed, so one member's many clicks cost
no writes.

`remember` and `of` read and write the database itself. A running bot asks through a
`MemberLanguages`, which keeps what it read or wrote for `FRESH_FOR` (at most `HELD`
entries), so one member's many clicks cost no reads either. Several processes may share
the database: a language another process wrote, or a person or workspace forgotten
there, is seen here within `FRESH_FOR`, when the entry is read again (a person forgotten,
within a tick in a running bot, which reads who was: bot.runtime). (So a member
whose client went to another language and back within `FRESH_FOR`, each told to another
process, keeps the other language until an interaction of theirs after that: Discord
sends one server's interactions to one shard, so only replicas of it could.)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from sqlalchemy import Engine, select

from bot.database import snapshot, upsert_insert
from bot.in_chunks import in_chunks
from bot.models import MemberLanguageRow

_languages = MemberLanguageRow.__table__  # type: ignore[attr-defined]

# How long a language read or written here is taken as it stands (seconds): the longest
# a language changed by another process goes unseen. A DM in the previous language of a
# member who switched client within the minute is the worst it costs.
FRESH_FOR = 60.0
# Entries held at the most, the least recently used dropped first: about 2.5 MiB
# (benchmarks/member_languages.py).
HELD = 10_000


def remember(database: Engine, workspace: str, user: str, lang: str) -> bool:
    """`user`'s client speaks `lang` in `workspace`; True when that was news (written).
    The same language again is only read, without SQLite's write lock."""
    if of(database, workspace, [user]).get(user) == lang:
        return False
    _write(database, workspace, user, lang)
    return True


def of(database: Engine, workspace: str, users: Iterable[str]) -> dict[str, str]:
    """The remembered client language of each of `users` in `workspace` who has one."""
    wanted = sorted(set(users))
    found: dict[str, str] = {}
    if not wanted:
        return found
    with snapshot(database) as connection:
        for chunk in in_chunks(wanted):  # a table's members outgrow one statement's values
            rows = connection.execute(
                select(_languages.c.user, _languages.c.lang).where(
                    _languages.c.workspace == workspace, _languages.c.user.in_(chunk)
                )
            )
            found.update((user, lang) for user, lang in rows)
    return found


def _write(database: Engine, workspace: str, user: str, lang: str) -> None:
    insert = upsert_insert(database)
    # Two interactions at once may both find another language: the later write wins.
    upsert = insert(_languages).values(workspace=workspace, user=user, lang=lang)
    with database.begin() as connection:
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=["workspace", "user"], set_={"lang": upsert.excluded.lang}
            )
        )


class MemberLanguages:
    """`remember` and `of` on one database, with what they read and wrote kept for
    `fresh_for` seconds of `clock`, `held` entries at the most. Also that a member has
    no language yet, so a DM to someone who never clicked reads nothing either.
    Safe to call from several threads (the runtime calls it from its workers)."""

    def __init__(
        self,
        database: Engine,
        *,
        fresh_for: float = FRESH_FOR,
        held: int = HELD,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database = database
        self._fresh_for = fresh_for
        self._held = held
        self._clock = clock
        # (workspace, user) -> (language or None, when it was read or written)
        self._known: OrderedDict[tuple[str, str], tuple[str | None, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._known)

    def remember(self, workspace: str, user: str, lang: str) -> bool:
        """As `remember`; the same language again within `fresh_for` reads nothing."""
        if self.of(workspace, [user]).get(user) == lang:
            return False
        written = self._clock()
        _write(self._database, workspace, user, lang)
        self._keep({(workspace, user): lang}, written)
        return True

    def of(self, workspace: str, users: Iterable[str]) -> dict[str, str]:
        """As `of`; one read for those of `users` not known here within `fresh_for`."""
        found: dict[str, str] = {}
        unknown: set[str] = set()
        now = self._clock()
        with self._lock:
            for user in set(users):
                entry = self._known.get((workspace, user))
                if entry is None or now - entry[1] >= self._fresh_for:
                    unknown.add(user)
                    continue
                self._known.move_to_end((workspace, user))
                if entry[0] is not None:
                    found[user] = entry[0]
        if unknown:
            read = of(self._database, workspace, unknown)
            self._keep({(workspace, user): read.get(user) for user in unknown}, now)
            found.update(read)
        return found

    def forget(self, workspaces: set[str]) -> None:
        """Drop what is held of `workspaces` (forgotten or come back): read again."""
        with self._lock:
            for key in [key for key in self._known if key[0] in workspaces]:
                del self._known[key]

    def forget_person(self, workspace: str, user: str) -> None:
        """Drop what is held of `user` in `workspace` (forgotten): read again."""
        with self._lock:
            self._known.pop((workspace, user), None)

    def _keep(self, languages: dict[tuple[str, str], str | None], since: float) -> None:
        """Kept as of `since`, the moment before they were read or written: their age
        counts from before the database answered."""
        with self._lock:
            for key, lang in languages.items():
                self._known[key] = (lang, since)
                self._known.move_to_end(key)
            while len(self._known) > self._held:
                self._known.popitem(last=False)
