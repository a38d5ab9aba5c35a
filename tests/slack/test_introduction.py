"""Invited to a channel, the bot says who it is, what it does, how to get help and how to
turn it down: once, publicly, pinging nobody; not again when it is invited back soon."""

from __future__ import annotations

import pytest

from rules.events import BotJoined
from tests.slack.conftest import BOB, SlackBot, shown_text
from tests.standins.slack_api import BOT_USER_ID
from tests.standins.slack_requests import CHANNEL_ID, USER_ID


async def invited(bot: SlackBot, inviter: str = USER_ID, count: int = 1) -> None:
    await bot.event({
        "type": "member_joined_channel", "user": BOT_USER_ID, "channel": CHANNEL_ID,
        "channel_type": "C", "team": "T-TEST", "inviter": inviter, "event_ts": f"{count}.0",
    })  # fmt: skip
    await bot.handled(BotJoined, count)


async def test_slack_invited_the_bot_introduces_itself_once(bot: SlackBot):
    await invited(bot)
    [hello] = bot.calls("chat.postMessage")
    assert hello.params["channel"] == CHANNEL_ID and "thread_ts" not in hello.params
    assert hello.params["text"].splitlines() == [
        "Hello! I am Groundrules, here to help this table keep its ground rules.",
        "When someone names a problem and no proposal follows, I remind them once per "
        "problem, privately where I can.",
        "/concerns &lt;proposal&gt; asks everyone for their concerns before you decide.",
        "/agree &lt;what&gt; because &lt;why&gt; records an agreement, with why, an owner "
        "and a review date.",
        "At the table for an organisation? Say which with /table join &lt;organisation&gt;, "
        "and what you may agree to with /mandate &lt;what I may agree to&gt;.",
        "/groundrules help lists everything I do. Fewer reminders: /nudges fewer; none: "
        "/nudges off.",
        "Ik spreek ook Nederlands: schrijf in het Nederlands en ik antwoord in het Nederlands.",
    ]
    assert "<!" not in shown_text(hello) and "<@" not in shown_text(hello)
    assert bot.calls("chat.postEphemeral") == []

    # Removed and invited back: the table knows the bot already.
    await bot.event({
        "type": "member_left_channel", "user": BOT_USER_ID, "channel": CHANNEL_ID,
        "channel_type": "C", "team": "T-TEST", "event_ts": "1.5",
    })  # fmt: skip
    await invited(bot, count=2)
    assert len(bot.calls("chat.postMessage")) == 1


async def test_slack_invited_by_a_dutch_member_the_bot_introduces_itself_in_dutch(
    bot: SlackBot,
):
    await invited(bot, inviter=BOB)
    [hello] = bot.calls("chat.postMessage")
    text = shown_text(hello)
    # The English app's commands, named as it has them.
    assert text.startswith("Hoi! Ik ben Groundrules")
    assert "/groundrules zorgen &lt;voorstel&gt;" in text
    assert text.endswith("I speak English too: write in English and I answer in English.")


class TestATableLanguage:
    @pytest.fixture
    def bot_settings(self):
        return {"language": "nl"}

    async def test_slack_a_bot_set_to_one_language_introduces_itself_in_it_alone(
        self, bot: SlackBot
    ):
        await invited(bot)
        [hello] = bot.calls("chat.postMessage")
        text = shown_text(hello)
        assert text.startswith("Hoi! Ik ben Groundrules")
        assert "English" not in text
