"""One Slack channel, one table: the workspace whose table a payload is for.

Bolt names the workspace of the installation a payload came through: for an event the
one Slack happened to list in `authorizations` (one of them, any of them, in a Slack
Connect channel where several organisations installed the bot), for a click the
clicker's team, for a slash command the typist's. A channel's table is its home's
(bot.homes), whichever of them that is.

Why a channel id cannot carry one workspace's events into another's table:
- Every payload is signed by Slack (Bolt checks the signature), so the installation it
  came through, and the channel of an event, a slash command or a shortcut, are Slack's
  word. The channel in a button's value or a form's metadata is the bot's own word (only
  its messages and views carry them), but nothing here takes it on trust either.
- Slack hands out channel ids across Slack, not per workspace: a Slack Connect channel
  keeps one id in every organisation in it, which is how one id reaches two
  installations. Nothing rests on that alone: before a payload through installation X
  goes to a table homed in another workspace H, Slack is asked, with X's own token,
  about the channel (conversations.info). It answers only about channels X can see,
  and it must name H's team among the channel's teams (its host, or the teams it is
  shared with); otherwise the payload stays X's own, as if the channel had no home
  elsewhere. One installation serving both (a single token, an Enterprise Grid
  org-wide install) holds its channels' tables itself: nothing to ask.
- A channel's home is set from a payload Slack names the channel in (a message, a
  command), never from a button's value or a form's metadata.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from adapters.least_recent import LeastRecentMap
from adapters.slack.outbound import error_of
from adapters.slack.people import ClientFor
from adapters.slack.translate import team_of
from bot import homes
from bot.keyed_locks import KeyedLocks
from bot.models import now_utc

log = logging.getLogger(__name__)

# How long a channel's home is believed without reading it again: an operator may have
# forgotten the home workspace through another process (the CLI), which clears it.
HOME_KEPT_S = 60.0
# How long Slack's word on whether an installation shares a channel with its home is
# believed (a channel can be shared, or unshared, later).
SHARED_KEPT_S = 600.0
# Channels whose home is remembered, and installations' shares of them (some hundred bytes
# each): one forgotten is read from the database, or asked of Slack, again. An old entry
# still serves while neither answers, so those used least lately go first, not all old.
HOMES_HELD = 10_000
SHARES_HELD = 10_000
# conversations.info's answers for a channel the asking installation does not see.
NOT_SEEN = frozenset({"channel_not_found", "not_in_channel", "missing_scope"})
# conversations.info's lists of the teams a channel belongs to (its host included).
_TEAM_LISTS = ("shared_team_ids", "connected_team_ids", "internal_team_ids")


def teams_in(channel: dict) -> set[str]:
    """The teams Slack says a conversations.info channel belongs to."""
    teams = {team for key in _TEAM_LISTS for team in channel.get(key) or () if team}
    if channel.get("conversation_host_id"):
        teams.add(channel["conversation_host_id"])
    return teams


def _names(found: dict, channel: str, workspace: str) -> bool:
    """Whether the conversations.info channel `found` is `channel`, of `workspace`'s team
    among others: or of its Enterprise Grid org, which Slack names (an id starting with
    E) where the org as a whole is party to the channel."""
    enterprise, team = team_of(workspace)
    parties = teams_in(found)
    named = (team is not None and team in parties) or (
        enterprise is not None and enterprise in parties
    )
    return found.get("id") == channel and named


class Homes:
    def __init__(
        self,
        database: Callable[[], Engine],
        client_for: ClientFor,
        *,
        removed: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database = database
        self._client_for = client_for
        self._removed = removed
        self._clock = clock
        # channel -> (read at, home); (through, channel, home) -> (asked at, shared).
        self._homes: LeastRecentMap[str, tuple[float, str]] = LeastRecentMap(HOMES_HELD)
        self._shared: LeastRecentMap[tuple[str, str, str], tuple[float, bool]] = LeastRecentMap(
            SHARES_HELD
        )
        self._locks: KeyedLocks[str] = KeyedLocks()

    async def table_of(
        self, workspace: str, channel: str | None, *, settle: bool = True, guess: bool = True
    ) -> str | None:
        """The workspace whose table `channel` is, for a payload that came through
        `workspace`'s installation: the channel's home where Slack says it is shared
        with `workspace`, else `workspace`. `settle`: the channel is Slack's word (an
        event, a command), so an unknown one gets `workspace` as its home. None when the
        home removed the bot: nothing is recorded through another workspace meanwhile.
        `guess`: while the database does not answer, a home not read yet is taken to be
        `workspace` (an event kept meanwhile has its table read again when handed in);
        False: the database's error is raised."""
        if not channel or channel.startswith("D"):  # a DM is nobody else's
            return workspace
        cached = self._homes.get(channel)
        if cached and cached[1] == workspace and self._clock() - cached[0] < HOME_KEPT_S:
            return workspace  # the hot path: the channel's own workspace
        # One at a time per channel, in the order they came: a slow first look must not
        # let a later message of the channel overtake an earlier one.
        async with self._locks.hold(channel):
            home = await self._home(channel, workspace if settle else None, guess=guess)
            if home is None or home == workspace:
                return workspace
            if not await self.shares(workspace, channel, home):
                return workspace
        return None if self._removed(home) else home

    async def _home(self, channel: str, settle_with: str | None, *, guess: bool) -> str | None:
        cached = self._homes.get(channel)
        if cached is not None and self._clock() - cached[0] < HOME_KEPT_S:
            return cached[1]
        database = self._database()
        try:
            if settle_with is None:
                home = await asyncio.to_thread(homes.home_of, database, channel)
            else:
                home = await asyncio.to_thread(
                    homes.settle, database, channel, settle_with, now_utc()
                )
        except DBAPIError:
            if not guess:
                raise
            # The database does not answer: the home last read (a home never moves), or
            # the delivering workspace for a channel not read before, so that the event
            # is kept for when it answers again rather than lost here.
            return cached[1] if cached is not None else settle_with
        if home is None:
            self._homes.pop(channel)
        else:
            self._homes[channel] = (self._clock(), home)
        return home

    async def shares(self, workspace: str, channel: str, home: str) -> bool:
        """Whether Slack says `workspace`'s installation sees `channel` as the channel
        of `home`'s table (see the module's docstring)."""
        key = (workspace, channel, home)
        asked = self._shared.get(key)
        if asked is not None and self._clock() - asked[0] < SHARED_KEPT_S:
            return asked[1]
        shared = await self._ask_slack(workspace, channel, home)
        if shared is None:  # no answer (a rate limit, an outage): asked again next time
            # Meanwhile Slack's last word, however old, rather than a table of its own.
            return asked[1] if asked is not None else False
        self._shared[key] = (self._clock(), shared)
        return shared

    async def _ask_slack(self, workspace: str, channel: str, home: str) -> bool | None:
        try:
            through = await self._client_for(workspace)
        except LookupError:
            return False
        try:
            home_token = (await self._client_for(home)).token
        except LookupError:
            home_token = None
        if home_token is not None and home_token == through.token:
            return True  # one installation: its channels are its own
        try:
            found = (await through.conversations_info(channel=channel))["channel"]
        except SlackApiError as error:
            if error_of(error) not in NOT_SEEN:
                log.warning("could not ask whether a channel is shared: %s; asking the "
                            "home's installation", error_of(error))  # fmt: skip
                return await self._ask_home(workspace, channel, home)
            log.info("%s does not see a channel homed in %s: %s", workspace, home,
                     error_of(error))  # fmt: skip
            return False
        return _names(found, channel, home)

    async def _ask_home(self, workspace: str, channel: str, home: str) -> bool | None:
        """Slack's word asked with the home's own token, when the delivering installation
        got no answer (a rate limit, a passing fault): the channel as the home sees it
        must name `workspace`'s team. Without it, a retry that came through the other
        installation this time would make the channel a second table (and its problem
        nudged twice, once by each organisation's bot)."""
        try:
            client = await self._client_for(home)
            found = (await client.conversations_info(channel=channel))["channel"]
        except LookupError:
            return None
        except SlackApiError as error:
            log.warning("the home could not say either: %s", error_of(error))
            return None
        return _names(found, channel, workspace)

    def guests(self, home: str, channel: str) -> list[str]:
        """The other workspaces Slack said share `channel` with its home, lately."""
        now = self._clock()
        return [
            through
            for (through, shared_channel, shared_home), (at, shared) in self._shared.items()
            if shared and shared_channel == channel and shared_home == home
            and now - at < SHARED_KEPT_S
        ]  # fmt: skip

    async def home(self, channel: str) -> str | None:
        """The home of `channel`, whichever installation asks; None when it has none,
        or the database does not answer and it was not read before."""
        return await self._home(channel, None, guess=True)

    def sharing_changed(self, channel: str) -> None:
        """`channel` was shared with an organisation, or stopped being: whether each
        installation shares it with its home is asked of Slack again."""
        self._shared.forget_where(lambda key, _asked: key[1] == channel)

    def forget_channel(self, channel: str) -> None:
        """`channel`'s home may have changed (a channel's new id takes its old one's
        home): read it again."""
        self._homes.pop(channel)

    def forget_workspace(self, workspace: str) -> None:
        """`workspace` came back or was forgotten: its homes and shares are read again."""
        self._homes.forget_where(lambda _channel, kept: kept[1] == workspace)
        self._shared.forget_where(lambda key, _asked: workspace in (key[0], key[2]))
