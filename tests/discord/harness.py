"""A running Groundrules Discord bot against the stand-in Discord, for the flow tests.

The real discord.py client talks to `tests.standins.discord_api` over loopback; the
real runtime, engine and storage decide. `RecordingRuntime` only notes what was handled,
so tests can wait (bounded) for an event instead of sleeping.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlmodel import Session, select

from adapters.discord import DiscordAdapter, build_adapter
from adapters.discord.custom_ids import ConcernForm, Where
from bot.bootstrap import Groundrules
from bot.models import OutboxRow
from bot.runtime import Runtime
from rules.classifier import Classifier
from rules.events import CommandInvoked, Event, MessagePosted, RosterSynced
from tests.conftest import make_app
from tests.helpers import TaggedClassifier
from tests.standins.discord_api import (
    DISCORD_EPOCH_MS,
    DiscordStandIn,
    FakeChannel,
    FakeGuild,
    FakeMember,
    RecordedRequest,
)
from tests.standins.lifecycle import PATIENCE_S

E = TypeVar("E", bound=Event)

# Shaped like a real bot token (and like what bot.logs redacts); the stand-in takes any.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789A"
WINDOW = timedelta(seconds=1)
_low_bits = itertools.count(1)


def snowflake_ago(seconds: float) -> int:
    """A message id whose time is `seconds` ago: a problem whose window has passed."""
    millis = int((time.time() - seconds) * 1000) - DISCORD_EPOCH_MS
    return (millis << 22) | (next(_low_bits) % (1 << 22))


class RecordingRuntime(Runtime):
    """The real runtime; it also keeps each event once it was decided and delivered (or
    kept while the database does not answer)."""

    def __init__(self, app: Groundrules) -> None:
        super().__init__(app, [])
        self.events: list[Event] = []
        self._handled = asyncio.Condition()

    async def submit(self, event: Event, *, platform: str = "unknown", keep: bool = False):
        try:
            return await super().submit(event, platform=platform, keep=keep)
        finally:
            async with self._handled:
                self.events.append(event)
                self._handled.notify_all()

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(
        self,
        kind: type[E],
        where: Callable[[E], bool] = lambda e: True,
        count: int = 1,
        timeout: float = PATIENCE_S,
    ) -> list[E]:
        """The events of `kind` (matching `where`) once there are `count`."""

        def found() -> list[E]:
            return [e for e in self.of(kind) if where(e)]

        try:
            async with asyncio.timeout(timeout), self._handled:
                await self._handled.wait_for(lambda: len(found()) >= count)
        except TimeoutError:
            seen = [type(e).__name__ for e in self.events]
            raise AssertionError(
                f"no {count} {kind.__name__} within {timeout}s; saw {seen}"
            ) from None
        return found()

    async def tick_until_sent(self, timeout: float = PATIENCE_S) -> int:
        """Tick like the ticker does until a timer fires (bounded)."""
        deadline = time.monotonic() + timeout
        while True:
            sent = await self.tick()
            if sent:
                return sent
            if time.monotonic() > deadline:
                raise AssertionError(f"no timer came due within {timeout}s")
            await asyncio.sleep(0.05)


@dataclass
class World:
    api: DiscordStandIn
    guild: FakeGuild
    general: FakeChannel
    thread: FakeChannel
    alice: FakeMember
    bob: FakeMember
    carol: FakeMember
    helper_bot: FakeMember


def build_world(api: DiscordStandIn) -> World:
    guild = api.add_guild("Team", owner="owner")
    general = guild.add_text_channel("general")
    alice = guild.add_member("alice", nick="Alice")
    bob = guild.add_member("bob", global_name="Bob")
    carol = guild.add_member("carol")
    helper_bot = guild.add_member("helper-bot", bot=True)
    thread = guild.add_thread(general, "release 2.3", owner=alice)
    return World(api, guild, general, thread, alice, bob, carol, helper_bot)


@dataclass
class Harness:
    """The bot as `groundrules run discord` runs it, minus the background ticker."""

    api: DiscordStandIn
    database_url: str
    settings: dict[str, Any] = field(default_factory=dict)
    # None: the tags (tests.helpers.TaggedClassifier).
    classifier: Classifier | None = None
    app: Groundrules | None = None
    runtime: RecordingRuntime | None = None
    adapter: DiscordAdapter | None = None

    async def start(
        self, before_connecting: Callable[[Groundrules], object] | None = None,
        **adapter_options: Any,
    ) -> RecordingRuntime:  # fmt: skip
        """`before_connecting`: given the app once its database is ready (to cut it off
        while the bot connects, say)."""
        self.app = make_app(
            self.database_url,
            self.classifier or TaggedClassifier(),
            discord_token=TOKEN,
            discord_api_url=self.api.url,
            discord_gateway_url=self.api.gateway_url,
            **{"problem_window": WINDOW, **self.settings},
        )
        self.runtime = RecordingRuntime(self.app)
        self.adapter = build_adapter(
            self.app.settings, **{"guild_ready_timeout": 0.05, **adapter_options}
        )
        self.runtime.adapters.append(self.adapter)
        if before_connecting is not None:
            before_connecting(self.app)
        await self.adapter.start(self.runtime)
        return self.runtime

    async def stop(self) -> None:
        if self.adapter is not None:
            adapter, self.adapter = self.adapter, None
            await adapter.stop()
        if self.app is not None:
            self.app.database.dispose()
            self.app = None

    async def restart(self) -> RecordingRuntime:
        """A new process: a new client and runtime on the same database."""
        await self.stop()
        return await self.start()


def bot_messages(api: DiscordStandIn) -> list[RecordedRequest]:
    """Every request that makes or changes a message the bot shows."""
    routes = (
        "POST /channels/{channel_id}/messages",
        "PATCH /channels/{channel_id}/messages/{message_id}",
        "POST /webhooks/{application_id}/{token}",
        "PATCH /webhooks/{application_id}/{token}/messages/@original",
    )
    sent = [r for r in api.requests if any(r.matches(route) for route in routes)]
    callbacks = api.requests_to("POST /interactions/{interaction_id}/{token}/callback")
    return sent + [r for r in callbacks if r.json and r.json.get("type") in (4, 7)]


def workspace(guild: FakeGuild) -> str:
    return f"discord:{guild.id}"


async def post_problem(
    world: World,
    runtime: RecordingRuntime,
    author: FakeMember,
    text: str,
    *,
    thread: FakeChannel | None = None,
    ago: float = 5.0,
) -> dict[str, Any]:
    """A problem posted `ago` seconds back, handled: its window has passed already."""
    posted = await world.api.message_create(
        world.guild, world.general, author, text, message_id=snowflake_ago(ago), thread=thread
    )
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
    return posted


async def slash_command(
    world: World,
    runtime: RecordingRuntime,
    member: FakeMember,
    name: str,
    text: str = "",
    *,
    locale: str = "en-US",
) -> dict[str, Any]:
    """A slash command in #general, decided and answered; returns its first answer."""
    count = len(runtime.of(CommandInvoked)) + 1
    options = {"text": text} if text else None
    ix = await world.api.slash_command(
        world.guild, world.general, member, name, options, locale=locale
    )
    await runtime.wait_for(CommandInvoked, count=count)
    return await world.api.wait_for_callback(ix)


async def submit_a_form_for_a_server_not_joined(
    world: World, harness: Harness
) -> tuple[int, dict[str, Any]]:
    """The bot started; Bob (a Dutch client) submits in his DM a concern form whose id,
    the client's word, names a server the bot is not in. That server's id, and the answer."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    elsewhere = world.guild.id + 12345
    forged = ConcernForm("r1", Where(elsewhere, world.general.id)).custom_id
    sent = await world.api.submit_modal(
        forged, {"concern": "not on Friday"},
        guild=None, channel=world.api.dm_channel(world.bob), user=world.bob.id, locale="nl",
    )  # fmt: skip
    return elsewhere, await world.api.wait_for_callback(sent)


def dm_messages(api: DiscordStandIn, member: FakeMember) -> list[dict[str, Any]]:
    return api.messages_in(api.dm_channel(member))


def given_back(contents: list[str]) -> str:
    """An answer sent in several messages, read as one: each later message's heading
    ("(continued) …") left out, the quote marks of its lines too, its words one space
    apart."""
    lines = [line for index, content in enumerate(contents)
             for line in content.split("\n")[1 if index else 0:]]  # fmt: skip
    return " ".join(" ".join(line.removeprefix("> ") for line in lines).split())


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, custom_id) of a message's buttons."""
    return [
        (component.get("label"), component["custom_id"])
        for row in message.get("components") or []
        for component in row.get("components") or []
        if "custom_id" in component
    ]


def make_retries_due(harness: Harness) -> int:
    """The outbox's back-off over: every undelivered action is due again (as a later tick
    would find it). Returns how many there are."""
    assert harness.app is not None
    with Session(harness.app.database) as session:
        rows = session.exec(select(OutboxRow).where(OutboxRow.delivered_at.is_(None))).all()  # type: ignore[union-attr]
        for row in rows:
            row.next_attempt_at = datetime(2000, 1, 1, tzinfo=UTC)
            session.add(row)
        session.commit()
        return len(rows)
