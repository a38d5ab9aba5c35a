"""Who is who in a workspace: display names (the bot names people, never mentions them),
who is human (rosters leave bots out) and each person's language, from `users.info`,
cached; and a channel's members from `conversations.members`, page by page.

Slack may refuse to describe a member at all (`user_not_visible`, `user_not_found`):
someone of another organisation in a shared channel, say. They are at the table all
the same, a person whose name is not known; only those Slack says are bots or deleted
are left out. A member whose lookup failed for a moment stays at the table too, and is
looked up again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from rules.typed_names import called

# Slackbot is not flagged as a bot by users.info, but never sits at a table.
NOT_PEOPLE = frozenset({"USLACKBOT"})

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]


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
        self._people: dict[tuple[str, str], tuple[float, Person]] = {}

    async def person(self, workspace: str, user: str) -> Person:
        cached = self._people.get((workspace, user))
        if cached is not None and self._clock() - cached[0] < self._ttl:
            return cached[1]
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
        found = await asyncio.gather(
            *(self.person(workspace, u) for u in users), return_exceptions=True
        )
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
        found = await asyncio.gather(
            *(self.person(workspace, u) for u in users), return_exceptions=True
        )
        return [
            person.id
            for person in found
            if isinstance(person, Person) and person.human and called(name, set(person.names))
        ]

    def _known(self, workspace: str, user: str) -> Person | None:
        """What was read of `user` before, however long ago (only fresh ones are used
        otherwise)."""
        cached = self._people.get((workspace, user))
        return cached[1] if cached is not None else None

    def forget_workspace(self, workspace: str) -> None:
        self._people = {key: v for key, v in self._people.items() if key[0] != workspace}

    def forget(self, workspace: str, user: str) -> None:
        self._people.pop((workspace, user), None)
