"""A running Slack adapter against the stand-in Web API, with the real engine and storage.

`bot` is the real `AsyncApp` behind the adapter's own HTTP server (port 0), a
`Runtime` on a fresh SQLite file, and `SlackStandIn` answering the Web API. Tests send
signed requests like Slack does and read what the bot asked of Slack.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack import SlackAdapter, build_adapter, listeners
from bot.bootstrap import Groundrules, bootstrap
from bot.models import now_utc
from bot.runtime import Runtime
from bot.settings import Settings
from rules.classifier import Classifier
from rules.events import Event
from tests.helpers import TaggedClassifier, slack_texts
from tests.schemas import copy_of
from tests.standins.database_outage import DatabaseOutage
from tests.standins.lifecycle import PATIENCE_S
from tests.standins.slack_api import SlackCall, SlackStandIn
from tests.standins.slack_requests import (
    CHANNEL_ID,
    UNANSWERED_RESPONSE_URL,
    USER_ID,
    BoltReply,
    SignedRequest,
    event_callback,
    events_api_request,
    interactive_request,
    slash_command,
    slash_command_request,
)

SECRET = "standin-signing-secret"
BOT_TOKEN = "xoxb-standin-bot-token"
APP_TOKEN = "xapp-1-standin-app-token"
CLIENT_ID, CLIENT_SECRET = "111.222", "oauth-client-secret"
# The settings of an app that workspaces install (OAuth), with no token of its own.
OAUTH: dict[str, Any] = {
    "slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET,
}  # fmt: skip
BOB, CAROL = "U-BOB", "U-CAROL"
WORKSPACE = "slack:T-TEST"
_SLACK_ENV = (
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
    "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_COMMANDS",
)  # fmt: skip
_ts = itertools.count(1)
# Work that grows with a big table (a users.info per member when its roster is first read,
# dozens of commands, pages of 40,000 characters) takes seconds on a busy machine, where
# ordinary work is bounded by PATIENCE_S. Its waits are on conditions: this only bounds a
# hang.
BIG_TABLE_WAIT = 60.0
# The bot's own deadline for what a form looks up before it opens, as Slack runs it.
BEFORE_FORM_S = listeners.BEFORE_FORM_S


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch) -> None:
    """Bolt and the settings read SLACK_* variables; tests say everything explicitly."""
    for name in _SLACK_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def deadlines_not_missed_by_a_busy_machine(monkeypatch) -> None:
    """The stand-in keeps Slack's 3 seconds only when a test sets `trigger_lifetime`, and
    a loaded CI machine must not miss the bot's deadlines within them (a form's lookups,
    its ack's decision) and take the slow path; tests of a slow path set them."""
    monkeypatch.setattr(listeners, "BEFORE_FORM_S", 60.0)
    monkeypatch.setattr(listeners, "ACK_DECISION_WAIT_S", 60.0)


def past_ts(seconds: float = 5.0) -> str:
    """A Slack ts some seconds ago: the problem window (1 s) has already passed."""
    return f"{time.time() - seconds:.6f}"[:-3] + f"{next(_ts) % 1000:03d}"


@dataclass
class SlackBot:
    slack: SlackStandIn
    groundrules: Groundrules
    runtime: Runtime
    adapter: SlackAdapter
    http: aiohttp.ClientSession

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.adapter.port}"

    async def post(self, request: SignedRequest, path: str = "/slack/events") -> BoltReply:
        async with self.http.post(
            self.base + path, data=request.body.encode(), headers=request.headers
        ) as response:
            return BoltReply(response.status, await response.text(), dict(response.headers))

    async def get(self, path: str, **options: Any) -> BoltReply:
        async with self.http.get(self.base + path, **options) as response:
            return BoltReply(response.status, await response.text(), dict(response.headers))

    async def event(self, event: dict[str, Any], **envelope: Any) -> BoltReply:
        retry_num = envelope.pop("retry_num", None)
        body = event_callback(event, **envelope)
        return await self.post(events_api_request(body, SECRET, retry_num=retry_num))

    async def command(self, command: str, text: str = "", **fields: Any) -> BoltReply:
        """A signed slash command; unless given one, its response URL is the stand-in's."""
        fields.setdefault("response_url", self.slack.response_url())
        payload = slash_command(command, text, **fields)
        self.slack.issue_trigger(payload["trigger_id"])
        return await self.post(slash_command_request(payload, SECRET))

    async def interact(self, payload: dict[str, Any]) -> BoltReply:
        """A signed interaction; a click left with the builder's default response URL
        gets one the stand-in answers, so whatever the bot posts there is recorded."""
        if str(payload.get("response_url", "")).startswith(UNANSWERED_RESPONSE_URL):
            payload = payload | {"response_url": self.slack.response_url()}
        self.slack.issue_trigger(payload.get("trigger_id"))  # Slack issues it at the click
        return await self.post(interactive_request(payload, SECRET))

    async def handled(
        self, kind: type[Event], count: int = 1, timeout: float = PATIENCE_S
    ) -> list[Event]:
        return await self.adapter.activity.wait(kind, count, timeout)

    async def tick(self) -> int:
        return await self.runtime.tick()

    async def retry_undelivered(self) -> int:
        """What a tick does once the outbox's back-off is over: claim whatever is
        undelivered and deliver it. Returns how many items it claimed."""
        later = self.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
        await self.runtime.deliver_all(later)
        return len(later)

    def calls(self, method: str) -> list[SlackCall]:
        return self.slack.calls_to(method)


def text_of(call: SlackCall) -> str:
    """Everything a person could read in a call: the fallback text and all blocks."""
    return json.dumps(
        {k: call.params.get(k) for k in ("text", "blocks", "view")}, ensure_ascii=False
    )


def shown_text(call: SlackCall) -> str:
    """Only what Slack displays (and parses for mentions): text fields, not button values."""
    found = [str(call.params.get("text") or "")]
    found += slack_texts(call.params.get("blocks"), call.params.get("view"))
    return "\n".join(found)


def button(call: SlackCall, action_id: str) -> dict[str, Any]:
    """The button with `action_id` in a posted message or view."""
    blocks = call.params.get("blocks") or (call.params.get("view") or {}).get("blocks") or []
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no button {action_id} in {text_of(call)[:400]}")


def seed_workspace(slack: SlackStandIn) -> None:
    slack.add_user(USER_ID, "alice", real_name="Alice Example", display_name="Alice")
    slack.add_user(BOB, "bob", real_name="Bob Builder", display_name="Bob", locale="nl-NL")
    slack.add_user(CAROL, "carol", real_name="Carol Chen")
    slack.add_user("U-HELPER", "helper", is_bot=True, bot_id="B-HELPER")
    slack.add_user("U-GONE", "gone", deleted=True)
    slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, "U-BOT", "U-HELPER", "U-GONE", "USLACKBOT"])


async def start_bot(
    slack: SlackStandIn,
    database_url: str,
    *,
    socket_mode: bool = False,
    migrate: bool = True,
    classifier: Classifier | None = None,
    **settings: Any,
) -> tuple[Groundrules, Runtime, SlackAdapter]:
    options: dict[str, Any] = {
        "problem_window": timedelta(seconds=1),
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.url,
    }
    if socket_mode:
        options["slack_app_token"] = APP_TOKEN
    options.update(settings)
    groundrules = bootstrap(
        Settings(database_url=database_url, **options),
        classifier=classifier or TaggedClassifier(), migrate=migrate,
    )  # fmt: skip
    adapter = build_adapter(groundrules.settings, port=0, host="127.0.0.1")
    runtime = Runtime(groundrules, [adapter])
    await adapter.start(runtime)
    return groundrules, runtime, adapter


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as standin:
        seed_workspace(standin)
        yield standin


@pytest.fixture
def sqlite_url(migrated_sqlite: Path, tmp_path: Path) -> str:
    """A copy of the session's migrated database file (tests/conftest.py)."""
    return copy_of(migrated_sqlite, tmp_path / "groundrules.db")


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    """Override in a test module to change the bot's settings."""
    return {}


@pytest.fixture
def bot_classifier() -> Classifier:
    """Override in a test module for another classifier than the tags."""
    return TaggedClassifier()


@asynccontextmanager
async def running(slack: SlackStandIn, database_url: str, **options) -> AsyncIterator[SlackBot]:
    """The bot started against the stand-in (`start_bot`'s options), stopped on leaving."""
    groundrules, runtime, adapter = await start_bot(slack, database_url, **options)
    async with aiohttp.ClientSession() as http:
        try:
            yield SlackBot(slack, groundrules, runtime, adapter, http)
        finally:
            await adapter.stop()
            groundrules.database.dispose()


@asynccontextmanager
async def running_through_an_outage(
    slack: SlackStandIn, outage_url: str, **options
) -> AsyncIterator[tuple[SlackBot, DatabaseOutage]]:
    """`running` on a database that the outage can take away and give back."""
    with DatabaseOutage(outage_url) as outage:
        async with running(slack, outage.url, **options) as bot:
            yield bot, outage


def database_goes_as_slack_takes(
    bot: SlackBot, outage: DatabaseOutage, picked: Callable[[dict[str, Any]], bool]
) -> list[SlackCall]:
    """The database stops answering the moment Slack takes the first message `picked`
    (once); the picked messages Slack took."""
    builtin = bot.slack._builtin["chat.postMessage"]
    taken: list[SlackCall] = []

    def answer(params):
        answered = builtin(params)
        if picked(params):
            taken.append(SlackCall("chat.postMessage", params))
            if len(taken) == 1:
                outage.cut(bot.groundrules.database)
        return answered

    bot.slack.respond_with("chat.postMessage", answer)
    return taken


@pytest.fixture
async def bot(
    slack: SlackStandIn, sqlite_url: str, bot_settings, bot_classifier
) -> AsyncIterator[SlackBot]:
    async with running(
        slack, sqlite_url, migrate=False, classifier=bot_classifier, **bot_settings
    ) as started:
        yield started
    # Slack would have refused these and nobody would have seen them; a test that means
    # to provoke a refusal empties `slack.refused`.
    assert not slack.refused, [(c.method, e, text_of(c)[:200]) for c, e in slack.refused]


@dataclass
class Processes:
    """`groundrules run slack` processes on one database, started and stopped at will."""

    slack: SlackStandIn
    url: str
    http: aiohttp.ClientSession
    running: list[SlackBot] = field(default_factory=list)

    async def start(self, **settings: Any) -> SlackBot:
        parts = await start_bot(self.slack, self.url, migrate=not self.running, **settings)
        bot = SlackBot(self.slack, *parts, self.http)
        self.running.append(bot)
        return bot

    async def stop(self, bot: SlackBot) -> None:
        self.running.remove(bot)
        await bot.adapter.stop()
        bot.groundrules.database.dispose()


@pytest.fixture
async def processes(slack: SlackStandIn, database_url: str) -> AsyncIterator[Processes]:
    async with aiohttp.ClientSession() as http:
        started = Processes(slack, database_url, http)
        try:
            yield started
        finally:
            for bot in list(started.running):
                await started.stop(bot)


# random.seed(139) makes the next random.random() return 0.0015 (see test_standin_slack).
_SEED_WITH_SMALL_FIRST_DRAW = 139


@pytest.fixture
def no_retry_jitter() -> Iterator[None]:
    """slack_sdk's rate-limit handler sleeps Retry-After plus a random 0-1 s; keep it tiny."""
    state = random.getstate()
    random.seed(_SEED_WITH_SMALL_FIRST_DRAW)
    try:
        yield
    finally:
        random.setstate(state)
