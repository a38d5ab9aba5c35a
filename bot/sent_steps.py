"""What of an outbound action reached its platform before it failed part-way (a page of
a long summary, a member's reminder DM refused by a rate limit, a group's pings): the
outbox offers the action again, and the retry skips what was sent, so nobody gets it
twice, whichever process retries it and after a restart too.

The runtime delivers an outbox item inside `delivering`; the adapter asks `sent_of` for
the item's steps and adds each as it lands, one small write each (Store.note_sent); only
a retry reads them. They go with the item's delivery (Store.mark_delivered) or with the
retention sweep. A step that cannot be put on record (the database does not answer)
stops the delivery there: the retry sends that step again, and nothing before it.

A page the whole table reads (an announcement, a summary: `Sent.post_page_once`) has
its going out put on record before it goes, with a key it carries where its platform
keeps one: a retry that finds it going out but not gone (the database stopped answering
just as it went out) looks for it on the platform before posting it again, so that it
is never posted twice. A private page sent by DM goes the same way (its DM is looked in);
one shown ephemerally cannot be: neither platform keeps an ephemeral message to find, so
one whose showing was lost may be shown twice.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from bot.models import now_utc
from rules.actions import Outbound

# Step ("post:1", "dm:U123") -> the platform's id for what it sent, if it has one.
Steps = dict[str, str | None]
Note = Callable[[Mapping[str, str | None]], Awaitable[None]]
Load = Callable[[], Awaitable[Steps]]
P = TypeVar("P")  # a page, as a platform renders it


def _pages_step(step: str) -> str:
    """Where the pages of `step` ("post", "dm") are kept, as first rendered."""
    return f"{step}:pages"


def _going_step(step: str) -> str:
    """Where a step that is about to go out is put on record, with when."""
    return f"{step}:going"


# Posts a page (given its key) and returns the platform's id for it.
Post = Callable[[str], Awaitable[str]]
# Looks for the page with this key posted since then: its platform id, or None.
Find = Callable[[str, datetime], Awaitable[str | None]]


class Sent:
    """The steps of one action that reached its platform. `add` notes one once it has:
    on record before the next is tried, so a failure, a restart or another process
    retrying leaves it out."""

    def __init__(
        self, steps: Mapping[str, str | None] | None = None, note: Note | None = None,
        key: str | None = None,
    ) -> None:  # fmt: skip
        """`key`: names the outbox item across processes and retries (none: nothing is
        on record)."""
        self._steps: Steps = dict(steps or {})
        self._note = note
        self._key = key

    def __contains__(self, step: str) -> bool:
        return step in self._steps

    def __getitem__(self, step: str) -> str | None:
        return self._steps[step]

    def get(self, step: str) -> str | None:
        return self._steps.get(step)

    async def add(self, step: str, ref: str | None = None) -> None:
        await self.add_all({step: ref})

    def pages(self, step: str, rendered: Sequence[P], decode: Callable[[object], P]) -> list[P]:
        """The pages of `step` as they were when the first of them went out (kept with
        it, `add_page`), else `rendered`. A retry renders afresh with its own process's
        names (a rename, a lookup that failed in one process, a cache), which may break
        the pages elsewhere: skipping by number, what moved across a break would go
        twice or never."""
        kept = self._steps.get(_pages_step(step))
        return list(rendered) if kept is None else [decode(p) for p in json.loads(kept)]

    async def add_page(
        self,
        step: str,
        index: int,
        pages: Sequence[P],
        encode: Callable[[P], object],
        ref: str | None = None,
    ) -> None:
        """Page `index` of `pages` went out; the first to go keeps all of them with it."""
        steps = {f"{step}:{index}": ref}
        if self._note is not None and _pages_step(step) not in self._steps:
            steps[_pages_step(step)] = json.dumps([encode(p) for p in pages])
        await self.add_all(steps)

    async def post_page_once(
        self, step: str, index: int, pages: Sequence[P], encode: Callable[[P], object],
        post: Post, find: Find,
    ) -> None:  # fmt: skip
        """Page `index` of `pages`, a public post, unless it went out already: on record,
        or found by `find` where a try before put its going out on record and its having
        gone was lost. Its going out is on record (with the pages) before `post`; a
        database that does not answer then stops it unposted."""
        page = f"{step}:{index}"
        if page in self:
            return
        going = _going_step(page)
        tried = self.get(going)
        # The item's and the first try's: an outbox id SQLite gave out again is another.
        since = now_utc() if tried is None else datetime.fromisoformat(tried)
        key = f"{self._key or 'unkept'}:{page}:{since.isoformat()}"
        ref = None if tried is None else await find(key, since)
        if ref is None:
            if tried is None:
                await self._going(step, going, since, pages, encode)
            ref = await post(key)
        await self.add_page(step, index, pages, encode, ref)

    def may_have_gone(self, step: str, index: int) -> bool:
        """Whether page `index` of `step` may have gone out unrecorded: a try before put
        its going out on record (`post_page_once`), and its having gone is not."""
        page = f"{step}:{index}"
        return page not in self and _going_step(page) in self

    async def _going(
        self, step: str, going: str, at: datetime, pages: Sequence[P],
        encode: Callable[[P], object],
    ) -> None:  # fmt: skip
        steps = {going: at.isoformat()}
        if self._note is not None and _pages_step(step) not in self._steps:
            steps[_pages_step(step)] = json.dumps([encode(p) for p in pages])
        await self.add_all(steps)

    async def add_all(self, steps: Mapping[str, str | None]) -> None:
        """Several that went out together (one message pinging a group)."""
        if self._note is not None:
            await self._note(steps)
        self._steps.update(steps)


@dataclass
class Delivering:
    """An outbox item under way. `load`: its steps on record (None: a first try, which
    has none); `note`: puts more on record."""

    action: Outbound
    note: Note
    load: Load | None = None
    # Names the item across processes and retries (the key a page once carries).
    key: str | None = None
    _sent: Sent | None = field(default=None, init=False)
    # Whether this delivery put a step on record: it got somewhere before it failed.
    progressed: bool = field(default=False, init=False)

    async def sent(self) -> Sent:
        if self._sent is None:
            steps = await self.load() if self.load is not None else {}
            self._sent = Sent(steps, self._noting, self.key)
        return self._sent

    async def _noting(self, steps: Mapping[str, str | None]) -> None:
        await self.note(steps)
        self.progressed = True

    @property
    def on_record(self) -> bool:
        """Whether any of its steps may be on record (to delete with its delivery)."""
        return self._sent is not None and bool(self._sent._steps)


_CURRENT: ContextVar[Delivering | None] = ContextVar("sent_steps", default=None)


@contextmanager
def delivering(item: Delivering) -> Iterator[Delivering]:
    """While the runtime has an adapter deliver `item.action`."""
    token = _CURRENT.set(item)
    try:
        yield item
    finally:
        _CURRENT.reset(token)


async def sent_of(action: Outbound) -> Sent:
    """What of `action` has reached its platform. Outside an outbox item's delivery (an
    action delivered at once, with no retry to spare) nothing is on record: a fresh one."""
    current = _CURRENT.get()
    if current is None or current.action is not action:
        return Sent()
    return await current.sent()
