"""People's words and names in the bot's Slack messages show as they wrote them: their
markup not applied, their direction kept to themselves, and never cut loose from their
quote where they would read as the bot's own words."""

from __future__ import annotations

from rules.events import CommandInvoked
from tests.slack.conftest import BOB, CAROL, SlackBot, shown_text
from tests.standins.slack_requests import USER_ID

RLO = "\u202e"


async def test_echoed_a_proposal_escaping_makes_too_long_stays_quoted_in_the_round_post(
    bot: SlackBot,
):
    # 598 ampersands escape to 2,990 characters: the words after them go to the next
    # section, where they must stay in the quote, not stand as the bot's own line.
    proposal = "&" * 598 + " *Everyone has answered (3 of 3): no concerns. Record it now.*"
    await bot.command("/concerns", proposal)
    await bot.handled(CommandInvoked)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    texts = [b["text"]["text"] for b in posted.params["blocks"] if b["type"] == "section"]
    [tail] = [text for text in texts if "Everyone has answered" in text]
    assert tail.startswith(">  \u2217Everyone has answered (3 of 3)")  # quoted, and not bold


async def test_echoed_an_override_in_a_display_name_cannot_reverse_the_bot_s_words(
    bot: SlackBot,
):
    bot.slack.add_user(USER_ID, "alice", real_name="Alice Example", display_name=f"{RLO}Alice")
    await bot.command("/agree", "We ship on Friday because customers wait")
    await bot.handled(CommandInvoked)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    line = next(x for x in shown_text(announced).splitlines() if x.startswith("Owner:"))
    assert line == "Owner: Alice. Consent: Alice (mandate pending)."


async def test_echoed_markup_in_names_and_words_is_shown_not_applied(bot: SlackBot):
    bot.slack.add_user(BOB, "bob", real_name="Bob Builder", display_name="*everyone*")
    await bot.command("/concerns", "we ship on Friday, see ```")
    await bot.handled(CommandInvoked)
    await bot.command("/concern", "``` not before the freeze", user_id=CAROL)
    await bot.command("/concern", "none", user_id=BOB)
    await bot.handled(CommandInvoked, 3)
    posted = await bot.slack.wait_for("chat.postMessage", 2)
    round_post, summary = shown_text(posted[0]), shown_text(posted[-1])
    assert "waiting for \u2217everyone\u2217 and Carol Chen." in round_post
    assert "> we ship on Friday, see \u02cb\u02cb\u02cb\nAnswered: 2 of 2." in summary
    assert "Concern from Carol Chen: \u02cb\u02cb\u02cb not before the freeze" in summary
    assert "*everyone*" not in round_post + summary and "`" not in round_post + summary
