"""Answering an interaction: once within Discord's 3 seconds, later by follow-ups.

While the runtime decides on an event that came from an interaction, the answer is
the current one (a context variable), so the engine's private replies to that person
become ephemeral answers instead of DMs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from contextvars import ContextVar
from typing import TypeVar

import discord

from adapters.discord.acknowledged import answered, respond
from adapters.discord.rendering import Outgoing
from bot.sent_steps import Sent

T = TypeVar("T")
# Discord wants an answer within 3 s; past this the answer is deferred first.
DEADLINE_S = 2.5

_CURRENT: ContextVar[InteractionAnswer | None] = ContextVar("discord_answer", default=None)


def current_answer() -> InteractionAnswer | None:
    return _CURRENT.get()


class InteractionAnswer:
    def __init__(self, interaction: discord.Interaction, *, workspace: str) -> None:
        self.interaction = interaction
        self.workspace = workspace
        self.user = str(interaction.user.id)
        self.place = interaction.channel_id  # where a public answer would appear
        self._thinking = False  # deferred with "thinking…": the first answer edits it
        self._lock = asyncio.Lock()

    @property
    def responded(self) -> bool:
        return answered(self.interaction)

    async def run(self, work: Awaitable[T]) -> T:
        """Await `work` as the current answer; defer when it takes too long."""
        token = _CURRENT.set(self)
        try:
            task = asyncio.ensure_future(work)
        finally:
            _CURRENT.reset(token)
        done, _ = await asyncio.wait({task}, timeout=DEADLINE_S)
        if not done:
            await self.defer()
        return await task

    async def defer(self) -> None:
        async with self._lock:
            if self.responded:
                return
            response = self.interaction.response
            if self.interaction.type is discord.InteractionType.component:
                await respond(self.interaction, response.defer())
            else:
                await respond(self.interaction, response.defer(ephemeral=True, thinking=True))
                self._thinking = True

    async def private(
        self,
        messages: Sequence[Outgoing],
        view: discord.ui.View | None = None,
        *,
        done: Sent | None = None,
        step: str = "dm",
    ):
        """Only the person who acted sees these. `done`: the action's progress, each part
        shown recorded as `step:index` (a retry without the interaction, by DM, sends
        only the rest)."""
        async with self._lock:
            if done is not None:
                messages = done.pages(step, messages, Outgoing.from_kept)
            for index, message in enumerate(messages):
                if done is not None and f"{step}:{index}" in done:
                    continue
                extra = {"view": view} if view is not None and index == len(messages) - 1 else {}
                await self._send(message, ephemeral=True, **extra)
                if done is not None:
                    await done.add_page(step, index, messages, Outgoing.kept)

    async def public(
        self, messages: Sequence[Outgoing], *, done: Sent | None = None, step: str = "post"
    ) -> bool:
        """Answer for the whole channel with the first of `messages`, if the answer is
        still unused; else False. The rest are the caller's to post in the channel, once
        each: as follow-ups they could go twice (a follow-up carries no nonce, and
        discord.py sends one again after any 5xx, though Discord may have made it).
        `done`, `step`: as for `private` (the first page on record as `step:0`)."""
        async with self._lock:
            if self.responded or not messages:
                return False
            if done is not None:
                messages = done.pages(step, messages, Outgoing.from_kept)
                if f"{step}:0" in done:
                    return False
            await self._send(messages[0], ephemeral=False)
            if done is not None:
                await done.add_page(step, 0, messages, Outgoing.kept)
            return True

    async def finish(self, fallback: Outgoing) -> None:
        """Make sure the person saw an answer."""
        async with self._lock:
            if not self.responded or self._thinking:
                await self._send(fallback, ephemeral=True)

    async def _send(self, message: Outgoing, *, ephemeral: bool, **extra) -> None:
        kwargs = message.kwargs() | extra
        if not self.responded:
            await respond(
                self.interaction,
                self.interaction.response.send_message(ephemeral=ephemeral, **kwargs),
            )
        elif self._thinking:
            self._thinking = False
            if "file" in kwargs:
                kwargs["attachments"] = [kwargs.pop("file")]
            await self.interaction.edit_original_response(**kwargs)
        else:
            await self.interaction.followup.send(ephemeral=ephemeral, **kwargs)
