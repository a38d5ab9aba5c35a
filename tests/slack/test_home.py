"""App Home: what waits for one member, in their own language, answerable in place."""

from __future__ import annotations

from rules.events import CommandInvoked, ConcernAnswered
from tests.slack.conftest import BOB, CAROL, SlackBot, button, shown_text
from tests.standins.slack_requests import block_actions


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
    assert "because @here should see progress" in shown
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
