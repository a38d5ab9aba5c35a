"""On Slack: a file shared without a comment (or a link alone) between a proposal and
a short yes is nobody's context: "sure" is read after the proposal, as the shipped
model reads it, and the yes counts."""

from __future__ import annotations

import pytest

from rules.events import MessagePosted
from tests.slack.conftest import BOB, CAROL, SlackBot, past_ts, shown_text
from tests.standins.slack_requests import message_event

PROPOSAL = "Let's move the standup to 10am from next week."
SCREENSHOT = {"id": "F1", "name": "calendar.png", "mimetype": "image/png"}


@pytest.fixture
def bot_settings():
    return {"second_reading": False}


@pytest.fixture
def bot_classifier(trained_classifier):
    return trained_classifier


@pytest.mark.parametrize(
    "between",
    [
        None,
        {"text": "", "subtype": "file_share", "files": [SCREENSHOT]},
        {"text": "<https://example.com/calendar.png>"},
    ],
    ids=["nothing", "file", "link"],
)
async def test_a_yes_after_a_message_without_words_counts(bot: SlackBot, between):
    lines = [{"text": PROPOSAL}]
    if between is not None:  # Bob shares something first, then says yes
        lines.append({"user": BOB, **between})
    lines += [{"user": BOB, "text": "sure"}, {"user": CAROL, "text": "ok"}]
    for n, line in enumerate(lines, start=1):
        await bot.event(message_event(ts=past_ts(len(lines) - n + 1), **line))
        await bot.handled(MessagePosted, n)
    [offer] = bot.calls("chat.postMessage")
    assert shown_text(offer).startswith("Most of the table agrees with this proposal by Alice")
