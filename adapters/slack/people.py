"""Who is who in a workspace: display names (the bot names people, never mentions them),
who is human (rosters leave bots out) and each person's language, from `users.info`,
cached; and a channel's members from `conversations.members`, page by page.

A big channel's people are read from `users.list` instead: one call there describes up
to 200 of the workspace's people where `users.info` describes one, at a fifth of its
rate (Slack's Tier 2 against Tier 4). A channel of 3,000 is then some 50 calls, not
3,000. It pays only while the channel holds a good share of the workspace, so the
directory reckons the workspace's size from what the pages show, and remembers it.

Slack may refuse to describe a member at all (`user_not_visible`, `user_not_found`):
someone of another organisation in a shared channel, say. They are at the table all
the same, a person whose name is not known; only those Slack says are bots or deleted
are left out. A member whose lookup failed for a moment stays at the table too, and is
looked up again.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.least_recent import LeastRecentMap
from rules.typed_names import called

# Slackbot is not flagged as a bot by users.info, but never sits at a table.
NOT_PEOPLE = frozenset({"USLACKBOT"})

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]

log = logging.getLogger(__name__)

# What one users.list page costs in users.info lookups: Slack allows users.list (Tier 2)
# some 20 calls a minute, users.info (Tier 4) some 100.
LIST_PAGE_COST = 5
# Fewer lookups than this are made one by one whatever the workspace: eight at a time
# they are quick, and well within users.info's rate; the list is for big channels.
LISTED_FROM = 50


# People remembered (about a kilobyte each), those looked up least lately forgotten first:
# one forgotten is looked up again. A roster bigger than this still costs no more calls:
# what its read of the workspace's list finds counts for that read.
PEOPLE_HELD = 20_000


# users.info errors for a member Slack will not describe to this bot.
UNDESCRIBED = frozenset({"user_not_found", "user_not_visible"})


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str | None  # None: Slack does not show it
    human: bool
    locale: str | None = None
    # Every name they go by (display, full and user name): a typed "@name" finds them.
    names: frozenset[str] = frozenset()
    # The Slack team (workspace) they belong to, and its Enterprise Grid org if any:
    # another organisation's, at a shared table.
    team: str | None = None
    enterprise: str | None = None


@dataclass(frozen=True, slots=True)
class Roster:
    """A channel's human members; `unsure`: those among the members whose lookup failed
    (kept, as people whose name is not known), to be looked up again."""

    members: frozenset[str]
    unsure: frozenset[str] = frozenset()


def unknown_person(user: str) -> Person:
    """Someone Slack did not describe: at the table all the same, unnamed."""
    return Person(user, None, human=user not in NOT_PEOPLE)


def person_from(user: dict) -> Person:
    """A `users.info` user as the bot needs it."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user["id"]
    )
    human = not (user.get("is_bot") or user.get("deleted") or user["id"] in NOT_PEOPLE)
    known = (profile.get("display_name"), profile.get("real_name"), user.get("real_name"),
             user.get("name"))  # fmt: skip
    return Person(user["id"], name, human, user.get("locale"), frozenset(n for n in known if n),
                  user.get("team_id") or profile.get("team"),
                  (user.get("enterprise_user") or {}).get("enterprise_id"))  # fmt: skip


def _named(error: Exception) -> str:
    """Slack's error code, or the kind of failure (never a token or a payload)."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or "unknown")
    return type(error).__name__


class Directory:
    def __init__(
        self,
        client_for: ClientFor,
        *,
        ttl: float = 3600.0,
        page_size: int = 200,
        concurrency: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_for = client_for
        self._ttl = ttl
        self.page_size = page_size
        self._limit = asyncio.Semaphore(concurrency)
        self._clock = clock
        self._people: LeastRecentMap[tuple[str, str], tuple[float, Person]] = LeastRecentMap(
            PEOPLE_HELD
        )
        # How many people each workspace's users.list holds, as far as it was read (or
        # reckoned from a part of it): whether a big channel's roster is read from it.
        self._sizes: dict[str, int] = {}

    async def person(self, workspace: str, user: str) -> Person:
        if (cached := self._fresh(workspace, user)) is not None:
            return cached
        client = await self._client_for(workspace)
        async with self._limit:
            try:
                response = await client.users_info(user=user, include_locale=True)
                person = person_from(response["user"])
            except SlackApiError as error:
                if error.response.get("error") not in UNDESCRIBED:
                    raise
                person = unknown_person(user)
        self._people[(workspace, user)] = (self._clock(), person)
        return person

    async def names(self, workspace: str, users: Iterable[str]) -> dict[str, str | None]:
        """Display names; None for a member Slack does not describe (blocks.Voice says
        so in words); a lookup that fails leaves the id (which pings nobody)."""
        wanted = list(dict.fromkeys(users))
        found = await asyncio.gather(
            *(self.person(workspace, u) for u in wanted), return_exceptions=True
        )
        return {
            user: person.name if isinstance(person, Person) else user
            for user, person in zip(wanted, found, strict=True)
        }

    def known_names(self, workspace: str, users: Iterable[str]) -> dict[str, str | None]:
        """The names `names` would give, for those looked up lately: at once, without a
        call (a form must open within Slack's three seconds)."""
        now = self._clock()
        return {
            user: found[1].name
            for user in users
            if (found := self._people.get((workspace, user))) is not None
            and now - found[0] < self._ttl
        }

    async def locale(self, workspace: str, user: str) -> str | None:
        try:
            return (await self.person(workspace, user)).locale
        except SlackApiError:
            return None

    async def people(self, workspace: str, users: list[str]) -> list[Person | BaseException]:
        """`users` described (in their order), as `person` would: from the workspace's
        list when that takes fewer calls than looking each of them up, else one by one;
        a lookup that failed is its exception."""
        wanted = {u for u in users if self._fresh(workspace, u) is None}
        listed: dict[str, Person] = {}
        if self._worth_listing(workspace, len(wanted)):
            listed = await self._read_listed(workspace, wanted)

        async def described(user: str) -> Person:
            found = listed.get(user)
            return found if found is not None else await self.person(workspace, user)

        return await asyncio.gather(*(described(u) for u in users), return_exceptions=True)

    def _worth_listing(self, workspace: str, wanted: int) -> bool:
        """Whether reading the workspace's list could cost fewer calls than `wanted`
        lookups: a big channel's, and the workspace, as far as it is known, not too big
        for that."""
        size = self._sizes.get(workspace)
        pages = 1 if size is None else math.ceil(size / self.page_size)
        return wanted >= LISTED_FROM and pages * LIST_PAGE_COST < wanted

    async def _read_listed(self, workspace: str, wanted: set[str]) -> dict[str, Person]:
        """Read users.list page by page, keeping those of `wanted` it lists (not the
        others: the cache stays the size lookups would make it), and returning them. It
        stops once all are found, or once the rest of the workspace, as reckoned from how
        many of `wanted` the pages held, would cost more than looking up those still
        missing; a failure stops it too. Whoever it did not find is looked up one by one
        after: someone of another organisation in a shared channel is never on this
        workspace's list."""
        missing = set(wanted)
        found: dict[str, Person] = {}
        seen = pages = 0
        client = await self._client_for(workspace)
        try:
            # slack_sdk's pager yields one response object, refilled per page; its retry
            # handlers wait out a rate limit and ask again after a lost connection.
            async for page in await client.users_list(limit=self.page_size, include_locale=True):
                pages += 1
                for user in page.get("members") or []:
                    seen += 1
                    if user.get("id") in missing:
                        missing.discard(user["id"])
                        person = found[user["id"]] = person_from(user)
                        self._people[(workspace, user["id"])] = (self._clock(), person)
                if not (page.get("response_metadata") or {}).get("next_cursor"):
                    self._sizes[workspace] = seen  # the whole workspace: now known
                    break
                # Were the rest of the workspace as full of the channel as the pages read.
                size = self._sizes[workspace] = max(seen * len(wanted) // max(len(found), 1), seen)
                if not missing or (size - seen) / self.page_size * LIST_PAGE_COST >= len(missing):
                    break
        except Exception as error:  # (a cancellation is no Exception: it goes on up)
            log.warning("could not read the workspace's list of people (%s); the %d not yet "
                        "found are looked up one by one", _named(error), len(missing))  # fmt: skip
        log.info("read %d of %d members from %d page(s) of the workspace's list",
                 len(wanted) - len(missing), len(wanted), pages)  # fmt: skip
        return found

    async def channel_members(self, workspace: str, channel: str) -> list[str]:
        client = await self._client_for(workspace)
        members: list[str] = []
        # slack_sdk's pager yields one response object, refilled per page.
        async for page in await client.conversations_members(channel=channel, limit=self.page_size):
            members.extend(page.get("members") or [])
        return members

    async def roster(self, workspace: str, channel: str) -> Roster:
        """The channel's human members. A users.info that fails (a rate limit, an outage)
        does not lose the others: that member stays, as last known or as a person whose
        name is not known, and is looked up again next time."""
        users = list(dict.fromkeys(await self.channel_members(workspace, channel)))
        found = await self.people(workspace, users)
        people: list[Person] = []
        unsure: list[str] = []
        for user, person in zip(users, found, strict=True):
            if isinstance(person, Person):
                people.append(person)
            elif isinstance(person, Exception):
                unsure.append(user)
                people.append(self._known(workspace, user) or unknown_person(user))
            else:  # cancelled
                raise person
        return Roster(frozenset(p.id for p in people if p.human), frozenset(unsure))

    async def called(self, workspace: str, channel: str, name: str) -> list[str]:
        """The people in the channel who go by `name` (any case); someone whose lookup
        fails is not among them."""
        users = list(dict.fromkeys(await self.channel_members(workspace, channel)))
        found = await self.people(workspace, users)
        return [
            person.id
            for person in found
            if isinstance(person, Person) and person.human and called(name, set(person.names))
        ]

    def _fresh(self, workspace: str, user: str) -> Person | None:
        """What was read of `user` within the last `ttl` seconds, if anything."""
        cached = self._people.get((workspace, user))
        return cached[1] if cached is not None and self._clock() - cached[0] < self._ttl else None

    def _known(self, workspace: str, user: str) -> Person | None:
        """What was read of `user` before, however long ago (only fresh ones are used
        otherwise)."""
        cached = self._people.get((workspace, user))
        return cached[1] if cached is not None else None

    def forget_workspace(self, workspace: str) -> None:
        self._people.forget_where(lambda key, _read: key[0] == workspace)
        self._sizes.pop(workspace, None)

    def forget(self, workspace: str, user: str) -> None:
        self._people.pop((workspace, user))
