"""App Home: what waits for one member, in their own language, answerable in place."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

from bot.models import AgreementRow, now_utc
from rules.events import CommandInvoked, ConcernAnswered
from tests.slack.conftest import BIG_TABLE_WAIT, BOB, CAROL, SlackBot, button, shown_text
from tests.standins.lifecycle import PATIENCE_S
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, block_actions


def home_opened(user: str) -> dict:
    return {
        "type": "app_home_opened", "user": user, "channel": "D-HOME", "tab": "home",
        "event_ts": "1700000000.000001",
    }  # fmt: skip


async def test_slack_app_home_shows_rounds_reviews_and_agreements(bot: SlackBot):
    await bot.command(
        "/agree", "We demo on Fridays because <!here> should see progress review in 3 days"
    )
    await bot.handled(CommandInvoked, 1)
    # One after the other: each command is worked on after its ack, in no fixed order.
    await bot.command("/mandate", "budgets up to 500 euro", user_id=CAROL)
    await bot.handled(CommandInvoked, 2)
    await bot.command("/role", "add minutes keeps the register")
    await bot.handled(CommandInvoked, 3)
    await bot.command("/role", f"assign minutes <@{CAROL}>")
    await bot.handled(CommandInvoked, 4)
    await bot.command("/concerns", "#proposal we move the retro to <!channel> Monday")
    await bot.handled(CommandInvoked, 5)

    await bot.event(home_opened(CAROL))
    [published] = await bot.slack.wait_for("views.publish")
    assert published.params["user_id"] == CAROL
    view = published.params["view"]
    assert view["type"] == "home"
    shown = shown_text(published)
    assert "Concern rounds waiting for your answer" in shown
    assert "Alice proposes, in <#C-GENERAL>:" in shown
    assert "we move the retro to @channel Monday" in shown
    assert "Agreements due for review" in shown
    assert "#1 We demo on Fridays, in <#C-GENERAL>: review on" in shown
    assert "Recent agreements at your tables" in shown
    assert "(why: @here should see progress)" in shown
    assert "Your mandates and roles" in shown
    assert "In <#C-GENERAL> you may agree to: budgets up to 500 euro (renewed" in shown
    assert "Role minutes in <#C-GENERAL>: keeps the register" in shown
    assert "<!channel>" not in shown and "<!here>" not in shown and "<@" not in shown
    button(published, "round_none")


async def test_slack_app_home_speaks_the_members_language_and_answers_in_place(bot: SlackBot):
    await bot.command("/concerns", "#proposal we move the retro to Monday")
    await bot.handled(CommandInvoked)
    await bot.event(home_opened(BOB))  # Bob's Slack locale is nl-NL
    [published] = await bot.slack.wait_for("views.publish")
    assert "Zorgenrondes die op je antwoord wachten" in shown_text(published)

    value = button(published, "round_none")["value"]
    view = {"id": published.params["view"].get("id", "V-HOME"), "type": "home"}
    await bot.interact(block_actions("round_none", value=value, user_id=BOB, view=view))
    [answer] = await bot.handled(ConcernAnswered)
    assert (answer.user, answer.lang) == (BOB, "nl")
    # The round was asked in English; Bob's thanks speak the language he clicked in.
    await bot.slack.wait_for("chat.postEphemeral", where=lambda p: "Dank je, genoteerd" in str(p))

    [_, republished] = await bot.slack.wait_for("views.publish", 2)
    assert "Er wacht niets op je antwoord." in shown_text(republished)


async def record_long_agreements(
    bot: SlackBot, words: str, count: int = 10, timeout: float = PATIENCE_S
) -> None:
    text = (words * 400)[:1900]  # near the longest a member may type
    for number in range(count):
        await bot.command("/agree", f"Rule {number} {text} because {text} review in 3 days")
    await bot.handled(CommandInvoked, count, timeout)


async def test_slack_app_home_stays_within_100_blocks_at_a_big_table(bot: SlackBot):
    """Ten recent agreements, each with 1,000 members who consented, are more than the 100
    blocks Slack takes in a view: the home shows what fits and counts the rest."""
    members = [f"U-M{n:04d}" for n in range(1000)]
    for n, member in enumerate(members):
        bot.slack.add_user(member, f"m{n}", real_name=f"Volunteer Name {n:04d}")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, *members, "U-BOT"])
    await record_long_agreements(bot, "word ", timeout=BIG_TABLE_WAIT)
    with Session(bot.groundrules.database) as session:  # as if each round had them all
        for row in session.exec(select(AgreementRow)).all():
            row.consenters = [USER_ID, *members]
            session.add(row)
        session.commit()

    await bot.event(home_opened(USER_ID))
    [published] = await bot.slack.wait_for("views.publish", timeout=BIG_TABLE_WAIT)
    shown = shown_text(published)
    assert len(published.params["view"]["blocks"]) <= 100
    assert "Consent: Alice, Volunteer Name 0000" in shown  # the newest, in full
    assert "Volunteer Name 0999. Review on" in shown
    assert re.search(r"\n… and \d more\n", shown)  # the rest counted
    assert "Your tables: <#C-GENERAL>" in shown


async def test_slack_app_home_stays_within_250_kb_and_counts_the_rest_in_dutch(bot: SlackBot):
    """Words in another script take six bytes a letter as the view is sent: ten long
    agreements in Cyrillic are past Slack's 250 kB for a view."""
    await record_long_agreements(bot, "слово ")
    await bot.event(home_opened(BOB))  # Bob's Slack locale is nl-NL
    [published] = await bot.slack.wait_for("views.publish")  # the stand-in took it
    shown = shown_text(published)
    assert "#10 Rule 9 слово" in shown  # the newest first, in full
    assert re.search(r"\n… en nog \d\n", shown)
    assert "Je mandaten en rollen" in shown


@pytest.mark.parametrize("bot_settings", [{"timezone": "Europe/Amsterdam"}], ids=["amsterdam"])
async def test_slack_app_home_counts_the_week_from_the_tables_day(bot: SlackBot, monkeypatch):
    """Opened at 23:30 UTC, when it is the next day in Amsterdam (GROUNDRULES_TIMEZONE):
    a review eight UTC days ahead is seven days ahead there, due within the week."""
    from adapters.slack import adapter

    late = datetime.combine(now_utc().date() + timedelta(days=30), time(23, 30), tzinfo=UTC)
    review_on = late.date() + timedelta(days=8)
    await bot.command("/agree", f"We demo on Fridays because progress review {review_on}")
    await bot.handled(CommandInvoked)
    monkeypatch.setattr(adapter, "now_utc", lambda: late)  # the moment the home is opened
    await bot.event(home_opened(USER_ID))
    [published] = await bot.slack.wait_for("views.publish")
    assert "#1 We demo on Fridays, in <#C-GENERAL>: review on" in shown_text(published)
