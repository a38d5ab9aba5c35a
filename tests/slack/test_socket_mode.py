"""Socket Mode: the same adapter over Slack's websocket, with the app-level token."""

from __future__ import annotations

import aiohttp

from rules.events import CommandInvoked, MessagePosted
from tests.helpers import eventually, through_with_dms
from tests.slack.conftest import APP_TOKEN, SECRET, SlackBot, past_ts, start_bot
from tests.standins.slack_requests import (
    USER_ID,
    event_callback,
    events_api_request,
    message_event,
    slash_command,
)
from tests.standins.slack_socket_mode import SlackSocketModeStandIn


async def test_slack_socket_mode_envelopes_are_acked_and_handled(slack, sqlite_url):
    async with SlackSocketModeStandIn(slack) as socket:
        groundrules, runtime, adapter = await start_bot(
            slack, sqlite_url, socket_mode=True, migrate=False, slack_signing_secret=None
        )
        try:
            await socket.wait_connected()
            [connect] = slack.calls_to("apps.connections.open")
            assert connect.params["token"] == APP_TOKEN

            ack = await socket.request_event(
                event_callback(message_event("#problem the wiki is outdated", ts=past_ts()))
            )
            assert set(ack) == {"envelope_id"}
            await adapter.activity.wait(MessagePosted)
            await runtime.tick()
            [nudge] = await slack.wait_for("chat.postEphemeral")
            assert "the wiki is outdated" in nudge.params["text"]

            ack = await socket.request_slash_command(slash_command("/groundrules", "help"))
            assert "envelope_id" in ack
            await adapter.activity.wait(CommandInvoked)
            await slack.wait_for("chat.postEphemeral", 2)

            # Nothing answers Slack's HTTP requests in Socket Mode; health still does.
            async with aiohttp.ClientSession() as http:
                bot = SlackBot(slack, groundrules, runtime, adapter, http)
                forged = events_api_request(event_callback(message_event("hi")), SECRET)
                assert (await bot.post(forged)).status in (404, 405)
                assert (await bot.get("/healthz")).status == 200
        finally:
            await adapter.stop()
            groundrules.database.dispose()


async def test_slack_socket_mode_answers_a_dm_once_and_not_its_retry(slack, sqlite_url):
    """Socket Mode marks every event with retry_attempt (0 the first time; slack-bolt
    hands it on as X-Slack-Retry-Num): the first is answered, Slack's retry is not."""
    async with SlackSocketModeStandIn(slack) as socket:
        groundrules, runtime, adapter = await start_bot(
            slack, sqlite_url, socket_mode=True, migrate=False, slack_signing_secret=None
        )
        try:
            await socket.wait_connected()
            dm = slack._dm_channel([USER_ID]).id
            typed = event_callback(
                message_event("Hello, what can I do here?", channel=dm, channel_type="im",
                              ts=past_ts(0)),
                event_id="Ev-DM-ONCE",
            )  # fmt: skip
            through = through_with_dms(runtime)
            await socket.request_event(typed)
            [answer] = await slack.wait_for("chat.postMessage", where=lambda p: p["channel"] == dm)
            assert answer.params["text"].startswith("Thanks for your message.")

            await socket.request_event(typed, retry_attempt=1, retry_reason="timeout")
            await eventually(lambda: through() == 2)  # what a second answer would have needed
            assert [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == dm] == [
                answer
            ]
        finally:
            await adapter.stop()
            groundrules.database.dispose()


async def test_slack_socket_mode_debug_log_shows_no_response_url(slack, sqlite_url, operator_log):
    """A response URL lets whoever holds it post as the app: slack_sdk logs each frame
    at DEBUG as Slack wrote it, slashes escaped (https:\\/\\/hooks.slack.com\\/…)."""
    async with SlackSocketModeStandIn(slack) as socket:
        groundrules, _runtime, adapter = await start_bot(
            slack, sqlite_url, socket_mode=True, migrate=False, slack_signing_secret=None
        )
        try:
            await socket.wait_connected()
            response_url = slack.response_url()
            secret = response_url.rsplit("/", 1)[1]
            await socket.request_slash_command(
                slash_command("/groundrules", "help", response_url=response_url)
            )
            await adapter.activity.wait(CommandInvoked)
            await slack.wait_for("chat.postEphemeral")
        finally:
            await adapter.stop()
            groundrules.database.dispose()
    written = operator_log.getvalue()
    assert "help" in written  # the frame was logged, its response URL redacted
    assert secret not in written
