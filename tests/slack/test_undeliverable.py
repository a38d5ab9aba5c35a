"""A private message Slack will never let the bot show a member (not in the channel,
not by DM) is set aside at once, with why, and not tried again; one refused for a
moment is."""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from bot.metrics import REGISTRY
from bot.models import OutboxRow
from tests.slack.conftest import SlackBot
from tests.slack.test_nudge import problem


def undeliverable(reason: str) -> float:
    labels = {"platform": "slack", "kind": "SendNudge", "reason": reason}
    return REGISTRY.get_sample_value("groundrules_actions_undeliverable_total", labels) or 0.0


def nudges_in_the_outbox(bot: SlackBot) -> list[OutboxRow]:
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(OutboxRow)).all()
        return [row for row in rows if '"SendNudge"' in row.payload]


async def test_slack_a_nudge_nobody_can_be_shown_is_tried_once(bot: SlackBot, caplog):
    caplog.set_level(logging.INFO)
    before = undeliverable("user_disabled")
    await problem(bot)
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    bot.slack.fail_next("conversations.open", "user_disabled")
    await bot.tick()
    await bot.slack.wait_for("conversations.open")

    assert await bot.retry_undelivered() == 0  # nothing left to try
    await bot.tick()
    assert len(bot.calls("chat.postEphemeral")) == 1
    assert len(bot.calls("conversations.open")) == 1
    assert bot.calls("chat.postMessage") == []
    [nudge] = nudges_in_the_outbox(bot)
    assert nudge.delivered_at is not None  # set aside, with why
    assert "user_disabled" in (nudge.last_error or "")
    assert nudge.attempts == 0
    assert undeliverable("user_disabled") == before + 1
    [warned] = [r for r in caplog.records if "SendNudge not delivered" in r.getMessage()]
    assert warned.levelno == logging.WARNING
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    served = await bot.get("/metrics")
    assert 'groundrules_actions_undeliverable_total{kind="SendNudge",platform="slack",' in (
        served.body
    )


async def test_slack_a_nudge_refused_for_a_moment_is_tried_again(bot: SlackBot):
    await problem(bot)
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    bot.slack.fail_next("conversations.open", "internal_error")
    await bot.tick()
    await bot.slack.wait_for("conversations.open")
    [nudge] = nudges_in_the_outbox(bot)
    assert nudge.delivered_at is None

    assert await bot.retry_undelivered() == 1
    # By DM this time, as the try before got that far (it is not shown twice).
    [dm] = bot.calls("chat.postMessage")
    assert dm.params["channel"].startswith("D")
    assert len(bot.calls("chat.postEphemeral")) == 1
    assert await bot.retry_undelivered() == 0
