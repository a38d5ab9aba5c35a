"""The TWO in Slack: on an agreement's review day its owner hears by DM, naming the table,
with the commands to keep, revise or retire it; its echoed words ping nobody."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.models import TimerRow
from rules.events import CommandInvoked
from tests.slack.conftest import BOB, SlackBot, shown_text
from tests.standins.slack_requests import CHANNEL_ID


async def test_slack_the_owner_hears_of_the_review_by_dm_once(bot: SlackBot):
    await bot.command(
        "/agree", f"Tell @here and <!channel> first because everyone must know owner <@{BOB}>"
    )
    await bot.handled(CommandInvoked)
    with Session(bot.groundrules.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await bot.tick()
    [dm] = await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"][0] == "D")
    assert bot.slack._dm_channel([BOB]).id == dm.params["channel"]
    text = shown_text(dm)
    assert text.startswith(f"In <#{CHANNEL_ID}>:\nAgreement #1 (you own it) comes up for review")
    assert "/review keep 1" in text and "/review retire 1" in text
    assert "<!channel>" not in text and "<!here>" not in text, text
    reviews = [c for c in bot.calls("chat.postMessage") if "Time to review" in shown_text(c)]
    assert len(reviews) == 1 and reviews[0].params["channel"] == CHANNEL_ID
    await bot.tick()  # never twice for one review
    assert len([c for c in bot.calls("chat.postMessage") if c.params["channel"][0] == "D"]) == 1
