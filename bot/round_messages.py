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
        # What this process's last message of each open round showed when it landed.
        self._landed: dict[tuple[str, str], tuple[RoundView, bool, bool]] = {}

    def landed(self, action: RoundMessage) -> None:
        """`action` reached the round's message (or found none to edit: its post, when it
        lands, shows the round as it stands then, and settles)."""
        if action.closed:
            self._landed.pop(_key(action), None)  # nothing edits a closed round again
        else:
            self._landed[_key(action)] = _shows(action)

    def shown_already(self, action: RoundMessage) -> bool:
        """Whether `action`, an update, would show just what this process's last message
        of the round showed: a burst of answers at a large table, delivered one after
        another, is shown by the first edit after it, not once per answer (each edit
        waits out the platform's rate limit). Another process's older edit landing
        later is put right by its own `settle`."""
        return isinstance(action, UpdateRoundProgress) and (
            self._landed.get(_key(action)) == _shows(action)
        )

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
            self.landed(sent)
        raise RoundMovedOn(f"round {sent.round.round_id} kept changing")


def _key(action: RoundMessage) -> tuple[str, str]:
    return action.workspace, action.round.round_id
