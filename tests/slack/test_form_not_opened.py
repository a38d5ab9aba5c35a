"""Slack takes a click's trigger_id for 3 seconds: a form opens within them or not at
all. A form that cannot open in time (views.open rate limited, or a lookup before it
that waits out a rate limit) is not waited for: whoever clicked is told privately to
try again, and a lookup that is slow is not waited for either."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from adapters.slack import listeners
from rules.events import ConcernAnswered
from tests.slack.conftest import BEFORE_FORM_S, BOB, CAROL, SlackBot, button
from tests.slack.test_nudge import problem
from tests.slack.test_rounds import click, start_round
from tests.standins.slack_api import TRIGGER_LIFETIME_S, SlackCall
from tests.standins.slack_requests import USER_ID, message_shortcut

NOT_OPENED = "Sorry, I could not open the form in time. Please try again."
# Longer than any wait of these tests: an answer that waited it out never comes in time.
RETRY_AFTER_S = 60


@pytest.fixture
def triggers_expire(bot: SlackBot, monkeypatch) -> None:
    """As on Slack: views.open refuses a trigger_id older than 3 seconds, and the bot
    waits for a form's lookups only as long as it does there."""
    bot.slack.trigger_lifetime = TRIGGER_LIFETIME_S
    monkeypatch.setattr(listeners, "BEFORE_FORM_S", BEFORE_FORM_S)


async def a_nudge(bot: SlackBot) -> tuple[SlackCall, str]:
    await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    return nudge, USER_ID


async def a_round(bot: SlackBot) -> tuple[SlackCall, str]:
    return await start_round(bot), CAROL


async def a_summary(bot: SlackBot) -> tuple[SlackCall, str]:
    posted = await start_round(bot, "#proposal we publish the minutes by Friday")
    await click(bot, posted, "round_none", BOB)
    await click(bot, posted, "round_none", CAROL)
    await bot.handled(ConcernAnswered, 2)
    [_, summary] = await bot.slack.wait_for("chat.postMessage", 2)
    return summary, USER_ID


Setup = Callable[[SlackBot], Awaitable[tuple[SlackCall, str]]]
BUTTONS = [
    pytest.param(a_nudge, "nudge_propose", "proposal_modal", id="add-a-proposal"),
    pytest.param(a_round, "round_concern", "concern_modal", id="raise-a-concern"),
    pytest.param(a_summary, "round_record", "agreement_modal", id="record-as-agreement"),
]


@pytest.mark.parametrize(("setup", "action_id", "form"), BUTTONS)
async def test_slack_a_form_slack_will_not_open_in_time_says_to_try_again(
    bot: SlackBot, triggers_expire, no_retry_jitter, setup: Setup, action_id: str, form: str
):
    posted, user = await setup(bot)
    bot.slack.rate_limit_next("views.open", retry_after=RETRY_AFTER_S)
    response_url = bot.slack.response_url()
    await click(bot, posted, action_id, user, response_url=response_url)

    # Told at once, not after waiting out the Retry-After for nothing (which would be
    # too late for this wait, however slow the machine).
    [told] = await bot.slack.wait_for_response(response_url, timeout=RETRY_AFTER_S / 2)
    assert told == {"text": NOT_OPENED, "response_type": "ephemeral", "replace_original": False}
    assert len(bot.calls("views.open")) == 1
    assert bot.slack.views == {}
    button(posted, action_id)  # what was clicked is still there to click again

    # Opened by the next click, however long a busy machine takes to open it.
    bot.slack.trigger_lifetime = None
    await click(bot, posted, action_id, user)
    [_, opened] = await bot.slack.wait_for("views.open", 2)
    assert opened.params["view"]["callback_id"] == form
    assert len(bot.slack.views) == 1


@pytest.mark.parametrize("bot_settings", [{"language": "nl"}], ids=["nl"])
async def test_slack_a_form_that_did_not_open_says_so_in_the_persons_language(
    bot: SlackBot, triggers_expire, no_retry_jitter
):
    nudge, user = await a_nudge(bot)
    bot.slack.fail_next("views.open", "expired_trigger_id")
    response_url = bot.slack.response_url()
    await click(bot, nudge, "nudge_propose", user, response_url=response_url)
    [told] = await bot.slack.wait_for_response(response_url)
    assert told["text"] == "Sorry, ik kon het formulier niet op tijd openen. Probeer het nog eens."


@pytest.mark.parametrize("slow", ["conversations.info", "users.info"])
async def test_slack_the_record_shortcut_opens_its_form_without_waiting_out_a_slow_lookup(
    bot: SlackBot, monkeypatch, no_retry_jitter, slow: str
):
    """What the shortcut looks up before its form (the person's language, whether the bot
    is in the channel) is not waited for past its deadline, which ends within the
    trigger's life: the form opens, in the bot's language, as if the bot is in the channel
    (it is asked again later). The lookup is answered only once the test says so (then
    rate limited): the form opened while it waited, whatever the machine's speed. Its
    deadline here is twice the bot's, so that a stalled machine does not miss it for
    the lookups before this one (the table's, and a quick one's)."""
    assert BEFORE_FORM_S < TRIGGER_LIFETIME_S
    monkeypatch.setattr(listeners, "BEFORE_FORM_S", 2 * BEFORE_FORM_S)
    answered = bot.slack.hold(slow)
    bot.slack.rate_limit_next(slow, retry_after=1)
    response_url = bot.slack.response_url()
    shortcut = message_shortcut(
        "record_agreement", message_text="We merge on green only", response_url=response_url
    )
    await bot.interact(shortcut)
    [opened] = await bot.slack.wait_for("views.open")
    # Opened while the lookup waited for its answer (held at most HELD_AT_MOST_S: a form
    # that waited for it would follow its retry).
    assert [c.method for c in bot.slack.calls if c.method in (slow, "views.open")] == [
        slow, "views.open",
    ]  # fmt: skip
    assert opened.params["trigger_id"] == shortcut["trigger_id"]
    assert opened.params["view"]["callback_id"] == "agreement_modal"
    assert len(bot.slack.views) == 1
    assert bot.slack.responses_to(response_url) == []
    # The slow lookup goes on by itself, and is remembered for the next time.
    answered.set()
    await bot.slack.wait_for(slow, 2)
