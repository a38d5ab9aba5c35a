"""What keeps the Slack edge trustworthy: signatures, retries once, 429s, health, no leaks."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import aiohttp
import pytest
from sqlmodel import Session, col, select

from bot.database import make_engine
from bot.models import AgreementRow, OutboxRow, ProcessedEvent, WatchRow
from rules.events import CommandInvoked, MessagePosted, NudgeSnoozed
from tests.helpers import eventually
from tests.slack.conftest import BOT_TOKEN, SECRET, SlackBot, button, past_ts, start_bot
from tests.standins.slack_requests import (
    block_actions,
    event_callback,
    events_api_request,
    message_event,
    url_verification,
)


@pytest.mark.parametrize("defect", ["bad_signature", "stale"])
async def test_slack_unverifiable_request_gets_401_and_does_nothing(bot: SlackBot, defect: str):
    body = event_callback(message_event("#problem forged", ts=past_ts()))
    reply = await bot.post(events_api_request(body, SECRET, **{defect: True}))

    assert reply.status == 401
    await bot.tick()
    assert bot.slack.calls == []
    assert bot.adapter.activity.counts == {}


async def test_slack_url_verification_answers_the_challenge(bot: SlackBot):
    reply = await bot.post(events_api_request(url_verification("c-123"), SECRET))
    assert reply.json() == {"challenge": "c-123"}


async def test_slack_retried_event_is_handled_once(bot: SlackBot):
    body = event_callback(message_event("#problem the queue is stuck", ts=past_ts()))
    first = await bot.post(events_api_request(body, SECRET))
    retry = await bot.post(events_api_request(body, SECRET, retry_num=1))
    assert (first.status, retry.status) == (200, 200)

    await bot.handled(MessagePosted, 2)  # both reached the runtime ...
    await bot.tick()
    await bot.slack.wait_for("chat.postEphemeral")
    assert len(bot.calls("chat.postEphemeral")) == 1  # ... one effect
    with Session(bot.groundrules.database) as session:
        ids = session.exec(select(ProcessedEvent.event_id)).all()
    assert ids.count(body["event_id"]) == 1


async def test_slack_retry_reaching_another_process_is_handled_once(slack, sqlite_url):
    """Two bot processes share one SQLite file; Slack retries to the other one."""
    url = sqlite_url
    one = await start_bot(slack, url)
    two = await start_bot(slack, url)
    try:
        async with aiohttp.ClientSession() as http:
            first, second = (SlackBot(slack, *parts, http) for parts in (one, two))
            body = event_callback(message_event("#problem the VPN drops", ts=past_ts()))
            await first.post(events_api_request(body, SECRET))
            await second.post(events_api_request(body, SECRET, retry_num=1))
            await first.handled(MessagePosted)
            await second.handled(MessagePosted)

            await first.tick()
            await second.tick()
        await slack.wait_for("chat.postEphemeral")
        assert len(slack.calls_to("chat.postEphemeral")) == 1
        with Session(one[0].database) as session:
            assert len(session.exec(select(WatchRow)).all()) == 1
    finally:
        for groundrules, _runtime, adapter in (one, two):
            await adapter.stop()
            groundrules.database.dispose()


async def test_slack_rate_limited_call_is_retried_after_retry_after(
    bot: SlackBot, no_retry_jitter: None
):
    await bot.event(message_event("#problem the tests are flaky", ts=past_ts()))
    await bot.handled(MessagePosted)
    bot.slack.rate_limit_next("chat.postEphemeral", retry_after=0)

    await bot.tick()

    calls = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert len(calls) == 2
    with Session(bot.groundrules.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
    assert watch.status == "nudged"


def leases_of(bot: SlackBot) -> list[datetime]:
    """Until when the outbox items not yet delivered are leased (claimed)."""
    with Session(bot.groundrules.database) as session:
        undelivered = select(OutboxRow).where(col(OutboxRow.delivered_at).is_(None))
        return [row.next_attempt_at for row in session.exec(undelivered).all()]


async def test_slack_a_nudge_waiting_out_a_rate_limit_is_not_sent_by_another_process_too(
    slack, database_url, monkeypatch, no_retry_jitter: None
):
    """Slack answers the nudge with 429 and a Retry-After longer than the outbox lease.
    While slack_sdk waits it out, the process delivering it keeps renewing its claim, so
    another process's tick, past the lease the nudge was claimed with, does not send the
    nudge too. (Shortened: a 5 s lease, renewed every 0.2 s, and a Retry-After of 6 s.
    The claim is the process's until 1.5 s before its lease ends, so a renewal may be
    3.5 s late (a slow database, a stalled process): with 3 s less, and a 2 s lease
    ours for 0.6 s, a loaded CI machine overran it.)"""
    import bot.store
    from bot import leases

    monkeypatch.setattr(bot.store, "DELIVERY_LEASE", timedelta(seconds=5))
    monkeypatch.setattr(leases, "RENEW_EVERY", timedelta(seconds=0.2))
    monkeypatch.setattr(leases, "MARGIN", timedelta(seconds=1.5))
    one = await start_bot(slack, database_url)
    two = await start_bot(slack, database_url, migrate=False)
    try:
        async with aiohttp.ClientSession() as http:
            a, b = (SlackBot(slack, *parts, http) for parts in (one, two))
            await a.event(message_event("#problem the deploy keeps failing", ts=past_ts()))
            await a.handled(MessagePosted)
            slack.rate_limit_next("chat.postEphemeral", retry_after=6)
            delivering = asyncio.create_task(a.tick())
            await slack.wait_for("chat.postEphemeral")  # answered 429: slack_sdk waits
            [claimed] = leases_of(a)
            past = claimed + timedelta(seconds=0.5)  # past the lease it was claimed with
            await eventually(lambda: leases_of(a) == [] or leases_of(a)[0] > past)
            assert leases_of(a) != [], "sent before its lease was renewed: nothing shown"
            assert b.groundrules.store.claim_undelivered(past) == []
            assert await b.tick() == 0
            assert await delivering == 1
        limited, sent = slack.calls_to("chat.postEphemeral")
        assert limited.params == sent.params
    finally:
        for groundrules, _runtime, adapter in (one, two):
            await adapter.stop()
            groundrules.database.dispose()


async def test_slack_slash_command_is_acked_empty_and_answered_after(bot: SlackBot):
    reply = await bot.command("/groundrules")
    assert (reply.status, reply.body) == (200, "")  # the ack carries nothing; work follows

    await bot.handled(CommandInvoked)
    [answer] = await bot.slack.wait_for("chat.postEphemeral")
    assert "Our ground rules" in answer.params["text"]


async def test_slack_healthz_reports_the_database(bot: SlackBot):
    """As a Discord-only bot answers it: JSON, with the status code to match."""
    reply = await bot.get("/healthz")
    assert (reply.status, reply.json()) == (200, {"database": "ok"})
    assert reply.headers["Content-Type"].startswith("application/json")

    bot.groundrules.database = make_engine("sqlite:////nonexistent/dir/groundrules.db")
    reply = await bot.get("/healthz")
    assert (reply.status, reply.json()) == (503, {"database": "unreachable"})


async def test_slack_metrics_are_served(bot: SlackBot):
    await bot.event(message_event("hello", ts=past_ts()))
    await bot.handled(MessagePosted)

    reply = await bot.get("/metrics")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/plain")
    assert 'groundrules_events_handled_total{kind="MessagePosted",platform="slack"}' in reply.body


async def test_slack_tokens_never_reach_the_logs(bot: SlackBot, caplog):
    caplog.set_level(logging.DEBUG)
    await bot.event(message_event("#problem logs everywhere", ts=past_ts()))
    await bot.handled(MessagePosted)
    await bot.tick()
    await bot.slack.wait_for("chat.postEphemeral")

    assert caplog.records  # Bolt and slack_sdk did log, at DEBUG
    assert BOT_TOKEN not in caplog.text
    assert SECRET not in caplog.text


async def test_slack_response_urls_and_payload_tokens_never_reach_the_logs(
    bot: SlackBot, operator_log
):
    """A click's response_url lets whoever holds it post as the app for half an hour;
    at DEBUG slack_sdk logs the URL it posts to, and payloads carry Slack's legacy
    verification token: neither reaches the operator's log."""
    await bot.event(message_event("#problem logs everywhere", ts=past_ts()))
    await bot.handled(MessagePosted)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    url = bot.slack.response_url()
    value = button(nudge, "nudge_snooze")["value"]
    await bot.interact(block_actions("nudge_snooze", value=value, response_url=url))
    await bot.handled(NudgeSnoozed)
    assert await bot.slack.wait_for_response(url)

    written = operator_log.getvalue()
    assert "Sending a request" in written  # slack_sdk did log, at DEBUG
    secret = url.rsplit("/", 1)[1]
    assert secret not in written
    assert "legacy-verification-token" not in written


async def test_slack_nul_characters_never_reach_storage(slack, database_url):
    """PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"): a message
    and a command carrying one are stored without it, on either database."""
    groundrules, runtime, adapter = await start_bot(slack, database_url)
    async with aiohttp.ClientSession() as http:
        bot = SlackBot(slack, groundrules, runtime, adapter, http)
        try:
            await bot.event(message_event("#problem the build\x00 is broken", ts=past_ts()))
            await bot.command("/agree", "We fix\x00 it first because\x00 it blocks everyone")
            await bot.handled(MessagePosted)
            await bot.handled(CommandInvoked)
            with Session(groundrules.database) as session:
                [watch] = session.exec(select(WatchRow)).all()
                [agreement] = session.exec(select(AgreementRow)).all()
            assert watch.text == "#problem the build is broken"
            assert (agreement.text, agreement.why) == ("We fix it first", "it blocks everyone")
        finally:
            await adapter.stop()
            groundrules.database.dispose()
