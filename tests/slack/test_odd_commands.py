"""Every slash command, in English and Dutch, given odd words: nothing, spaces, only a
mention, only emoji, 3,000 characters, Slack markup, everyone's mentions, the other
language. Each gets an answer the person can act on: no error, and nothing that pings."""

from __future__ import annotations

import asyncio

import pytest

from rules.events import CommandInvoked
from rules.grammar import COMMANDS
from tests.slack.conftest import BOB, CAROL, SlackBot, shown_text
from tests.slack.test_no_pings import SHOWING, assert_nothing_pings
from tests.standins.slack_requests import USER_ID

ODD = (
    "", "   ", "<@U123>", "🎉🎉", "x" * 3000, "*bold* `code` <https://x.example|y>",
    "<!everyone> <!here> <!channel>", "@everyone @here", "dit is helemaal Nederlands",
    "this is plainly English",
)  # fmt: skip
# What the bot says when a command fails in it, rather than answering.
FAILED = (
    "went wrong", "ging iets mis", "did not go through", "niet gelukt", "Traceback",
)  # fmt: skip
NAMES = sorted({name for spec in COMMANDS for name in (spec.name, spec.dutch)})


def shown(bot: SlackBot) -> int:
    """How many things the bot has shown so far, by any way it shows them."""
    return len(bot.slack.responses) + sum(len(bot.calls(method)) for method in SHOWING)


async def answered(bot: SlackBot, before: int) -> bool:
    for _ in range(250):
        if shown(bot) > before:
            return True
        await asyncio.sleep(0.02)
    return False


@pytest.mark.parametrize("name", NAMES)
async def test_odd_words_to_every_command_get_a_kind_answer(bot: SlackBot, name):
    for odd in ODD:
        before = shown(bot)
        await bot.command(f"/{name}", odd)
        assert await answered(bot, before), (name, odd[:40])
        await asyncio.sleep(0.05)  # what else it shows for it (a round's post, an edit)
    text = assert_nothing_pings(bot)
    for failed in FAILED:
        assert failed not in text, text[-2000:]


@pytest.mark.parametrize(
    ("name", "odd"),
    [("/concerns", "<@U123>"), ("/zorgen", "<!here>"), ("/concerns", "🎉🎉"),
     ("/zorgen", ":tada: :rocket:")],
)  # fmt: skip
async def test_no_round_is_asked_in_public_about_only_a_mention_or_emoji(bot: SlackBot, name, odd):
    await bot.command(name, odd)
    assert await answered(bot, 0)
    await asyncio.sleep(0.2)
    text = assert_nothing_pings(bot)
    assert "Which proposal" in text or "Naar welk voorstel" in text, text
    assert bot.calls("chat.postMessage") == []


@pytest.mark.parametrize("name", ["/snooze", "/sluimer", "/problem-window", "/probleemvenster"])
async def test_a_long_paste_where_a_span_goes_is_quoted_by_its_start(bot: SlackBot, name):
    await bot.command(name, "x" * 3000)
    assert await answered(bot, 0)
    text = assert_nothing_pings(bot)
    assert "x" * 60 not in text and "x…" in text, text[:300]


@pytest.mark.parametrize(
    ("asks", "answers", "proposal", "carol_says", "bob_says", "none_from"),
    [("/concerns", "/concern", "We move the stand-up to 9:30", f"<@{USER_ID}> none",
      "none @alice", "No concerns: Carol Chen and Bob."),
     ("/zorgen", "/zorg", "We verplaatsen de stand-up naar 9:30", f"<@{USER_ID}> geen",
      "geen @alice", "Geen zorgen: Carol Chen en Bob.")],
)  # fmt: skip
async def test_a_none_said_to_someone_is_no_concern(
    bot: SlackBot, asks, answers, proposal, carol_says, bob_says, none_from
):
    """People @ the facilitator as they answer: whom it is said to is no concern."""
    await bot.command(asks, proposal)
    await bot.handled(CommandInvoked)
    await bot.command(answers, carol_says, user_id=CAROL)
    await bot.command(answers, bob_says, user_id=BOB)
    await bot.handled(CommandInvoked, 3)
    posted = await bot.slack.wait_for("chat.postMessage", 2)
    summary = shown_text(posted[-1])
    assert none_from in summary and "@" not in summary, summary


@pytest.mark.parametrize(
    ("name", "odd", "said"),
    [("/table", f"join <@{BOB}>", "Name the organisation you represent here, not a person"),
     ("/tafel", f"aanschuiven <@{BOB}|bob>", "Noem de organisatie die je hier vertegenwoordigt, "
      "niet een persoon")],
)  # fmt: skip
async def test_a_person_named_as_ones_organisation_is_asked_for_the_organisation(
    bot: SlackBot, name, odd, said
):
    """/table join @Bob neither brings Bob to the table nor makes Bob anyone's
    organisation: the table hears nothing, and the member is asked for theirs."""
    await bot.command(name, odd)
    await bot.handled(CommandInvoked)
    [told] = await bot.slack.wait_for("chat.postEphemeral")
    assert shown_text(told).startswith(said), shown_text(told)
    assert_nothing_pings(bot)
    assert bot.calls("chat.postMessage") == []
