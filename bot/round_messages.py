"""A concern round's message shows the round as it stands, never as it once was.

Its post and its progress updates are decided with the round as it was then, but a
delivery may come late (a retry, a rate limit's wait, an outage) and beside another's
(two listeners, two processes): each delivers the round as it stands, and checks after
sending that it still stands so, or the last edit to land could show older progress, or
answer buttons on a closed round.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

from bot.keyed_locks import KeyedLocks
from rules.actions import PostConcernRound, RoundView, UpdateRoundProgress

RoundMessage = PostConcernRound | UpdateRoundProgress
# (view, status): how a round stands in the store; None when it is not there.
Reading = Callable[[str, str], Awaitable[tuple[RoundView, str] | None]]
# An edit that lands after a newer one is sent again at most this often in one delivery;
# a round that changes faster than that is left to the outbox's next try.
FOLLOWS = 5


class RoundMovedOn(Exception):
    """The round kept changing while its message was being updated."""


def as_it_stands(action: RoundMessage, found: tuple[RoundView, str] | None) -> RoundMessage:
    """`action` showing the round as `found`; a round no longer open shows how it ended."""
    if found is None:  # not stored (a replay, a test): as decided
        return action
    view, status = found
    return replace(action, round=view, closed=status != "open", withdrawn=status == "withdrawn")


def progress_of(action: RoundMessage) -> UpdateRoundProgress:
    if isinstance(action, UpdateRoundProgress):
        return action
    return UpdateRoundProgress(
        workspace=action.workspace, channel=action.channel, lang=action.lang,
        round=action.round, closed=action.closed, withdrawn=action.withdrawn,
    )  # fmt: skip


def _shows(action: RoundMessage) -> tuple[RoundView, bool, bool]:
    return action.round, action.closed, action.withdrawn


class RoundMessages:
    """One message of a round at a time in this process, each as the round stands."""

    def __init__(self, read: Reading) -> None:
        self._read = read
        self._turns: KeyedLocks[tuple[str, str]] = KeyedLocks()

    async def current(self, action: RoundMessage) -> RoundMessage:
        return as_it_stands(action, await self._read(action.workspace, action.round.round_id))

    @contextlib.asynccontextmanager
    async def turn(self, action: RoundMessage) -> AsyncIterator[RoundMessage]:
        """Hold the round's turn; gives the action as the round stands now."""
        async with self._turns.hold(_key(action)):
            yield await self.current(action)

    async def settle(
        self, sent: RoundMessage, update: Callable[[UpdateRoundProgress], Awaitable[object]]
    ) -> None:
        """After `sent` landed, while the round has moved on from it: `update` its message
        to how it stands, unless another of its messages waits for the turn here (it reads
        the round after this one landed, and lands after it: a burst of answers edits the
        message about once each, not twice). Raises `RoundMovedOn` when it keeps moving."""
        for _ in range(FOLLOWS):
            now = await self.current(sent)
            if _shows(now) == _shows(sent) or self._turns.waiting(_key(sent)):
                return
            sent = progress_of(now)
            await update(sent)
        raise RoundMovedOn(f"round {sent.round.round_id} kept changing")


def _key(action: RoundMessage) -> tuple[str, str]:
    return action.workspace, action.round.round_id
