"""Help after a command, through the stand-in Slack: answered only to the one who asked,
with the usage and an example named as this app's commands are, and nothing posted."""

from __future__ import annotations

from rules.events import CommandInvoked
from tests.slack.conftest import SlackBot, shown_text
from tests.standins.slack_requests import USER_ID


async def test_slack_help_after_a_command_is_private_and_starts_nothing(bot: SlackBot):
    await bot.command("/concerns", "help")
    await bot.command("/groundrules", "zorgen hulp")
    await bot.handled(CommandInvoked, 2)
    answers = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert {answer.params["user"] for answer in answers} == {USER_ID}
    [english] = [a for a in answers if "Usage:" in shown_text(a)]
    [dutch] = [a for a in answers if "Gebruik:" in shown_text(a)]
    assert "Example: /concerns We move the stand-up to 9:30" in shown_text(english)
    # The English app has no /zorgen: the example names it through /groundrules.
    assert "Voorbeeld: /groundrules zorgen We verplaatsen de stand-up naar 9:30" in shown_text(
        dutch
    )
    assert not bot.calls("chat.postMessage")  # no round was posted
