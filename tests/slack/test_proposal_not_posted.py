"""The nudge's "Add a proposal" form, submitted, and Slack refuses the post (the channel
archived meanwhile, the bot removed from it, a rate limit past the client's retries).
The form has closed already: its author is told privately, in their language, with the
words they typed, and the problem waits for a proposal as before."""

from __future__ import annotations

import pytest

from rules.events import ProposalAdded
from tests.slack.conftest import SlackBot, button, shown_text
from tests.slack.test_nudge import problem, watches
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import CHANNEL_ID, block_actions, view_submission

WORDS = "retry with <!here> a *pinned* image\nand tell <@U-BOB>"


async def open_the_form(bot: SlackBot, nudge: SlackCall, response_url: str) -> SlackCall:
    value = button(nudge, "nudge_propose")["value"]
    opened_before = len(bot.calls("views.open"))
    await bot.interact(block_actions("nudge_propose", value=value, response_url=response_url))
    return (await bot.slack.wait_for("views.open", opened_before + 1))[-1]


async def submit(bot: SlackBot, opened: SlackCall, words: str = WORDS) -> None:
    reply = await bot.interact(view_submission(
        "proposal_modal", {"proposal": {"value": words}},
        private_metadata=opened.params["view"]["private_metadata"],
    ))  # fmt: skip
    assert (reply.status, reply.body) == (200, "")  # the form closes at once


@pytest.mark.parametrize(
    "refusal", ["is_archived", "not_in_channel", "channel_not_found", "ratelimited"]
)
async def test_slack_a_proposal_slack_will_not_post_comes_back_to_its_author(
    bot: SlackBot, refusal: str, no_retry_jitter
):
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    response_url = bot.slack.response_url()
    opened = await open_the_form(bot, nudge, response_url)
    if refusal == "ratelimited":  # Slack's 429, past the client's three retries
        bot.slack.rate_limit_next("chat.postMessage", retry_after=0, times=4)
    else:
        bot.slack.fail_next("chat.postMessage", refusal)

    await submit(bot, opened)
    [told] = await bot.slack.wait_for_response(response_url)
    # Beside the nudge, which keeps its buttons: only its author sees it.
    assert told["response_type"] == "ephemeral" and told["replace_original"] is False
    assert told["text"] == (
        "I could not post in that channel. Please post your proposal there yourself.\n"
        "> retry with @here a \u2217pinned\u2217 image\n> and tell @Bob"
    )
    assert "<!here>" not in told["text"] and "<@" not in told["text"]
    assert bot.slack.messages_in(CHANNEL_ID) == []
    assert watches(bot) == {ts: "nudged"}
    assert bot.adapter.activity.counts["ProposalAdded"] == 0

    # Nothing was claimed for good: the nudge's button, used again, posts it.
    opened = await open_the_form(bot, nudge, response_url)
    await submit(bot, opened, "retry with a pinned image")
    [added] = await bot.handled(ProposalAdded)
    assert added.problem_id == ts
    [posted] = bot.slack.messages_in(CHANNEL_ID)
    assert "retry with a pinned image" in posted["text"]
    assert watches(bot) == {ts: "answered"}


@pytest.mark.parametrize("bot_settings", [{"language": "nl"}], ids=["nl"])
async def test_slack_a_proposal_slack_will_not_post_is_told_in_the_authors_language(
    bot: SlackBot,
):
    await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    response_url = bot.slack.response_url()
    opened = await open_the_form(bot, nudge, response_url)
    bot.slack.fail_next("chat.postMessage", "is_archived")
    await submit(bot, opened, "we zetten de image vast")
    [told] = await bot.slack.wait_for_response(response_url)
    assert told["text"] == (
        "Ik kon niets plaatsen in dat kanaal. Wil je je voorstel daar zelf plaatsen?\n"
        "> we zetten de image vast"
    )


async def test_slack_a_proposal_slack_will_not_post_comes_by_dm_when_the_nudge_cannot_answer(
    bot: SlackBot,
):
    """The nudge's response_url has expired (Slack answers 404): the words come by DM."""
    await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    expired = bot.slack.url.removesuffix("/api/") + "/response/R-EXPIRED"
    opened = await open_the_form(bot, nudge, expired)
    bot.slack.fail_next("chat.postMessage", "not_in_channel", matching={"channel": CHANNEL_ID})
    bot.slack.clear_calls()
    await submit(bot, opened)
    [opened_dm] = await bot.slack.wait_for("conversations.open")
    [dm] = await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"] != CHANNEL_ID)
    assert opened_dm.params["users"] == "U-ALICE"
    assert shown_text(dm).startswith("I could not post in that channel.")
    assert "> retry with @here a \u2217pinned\u2217 image" in shown_text(dm)


async def test_slack_a_proposal_posted_by_a_process_that_died_is_not_posted_again(
    bot: SlackBot, monkeypatch
):
    """The process posting the proposal died before the engine recorded it: its claim
    runs out, and the form sent again finds that post (by the key it carries) and records
    it, rather than posting the proposal a second time."""
    import asyncio
    from datetime import timedelta

    from sqlmodel import Session, select

    from bot.models import WatchRow, now_utc

    bot.slack.ts_from_clock = True  # the post is looked for from a time, as on Slack
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    response_url = bot.slack.response_url()
    recording = bot.adapter.submit
    died = asyncio.Event()

    async def dies_before_recording(event, **options):
        if isinstance(event, ProposalAdded):
            died.set()
            raise SystemError("the process died")
        await recording(event, **options)

    monkeypatch.setattr(bot.adapter, "submit", dies_before_recording)
    await submit(bot, await open_the_form(bot, nudge, response_url), "retry with a pinned image")
    # Not the post seen by Slack: its answer may reach the bot after `submit` is restored,
    # and the proposal then recorded (the claim never taken over, nothing looked for).
    await asyncio.wait_for(died.wait(), timeout=10)
    monkeypatch.setattr(bot.adapter, "submit", recording)
    with Session(bot.groundrules.database) as session:  # two minutes on: the claim ran out
        [watch] = session.exec(select(WatchRow)).all()
        assert watch.proposing_until is not None
        watch.proposing_until = now_utc() - timedelta(seconds=1)
        session.add(watch)
        session.commit()

    await submit(bot, await open_the_form(bot, nudge, response_url), "retry with a pinned image")
    [added] = await bot.handled(ProposalAdded)
    assert (added.problem_id, added.message_id) == (ts, bot.slack.messages_in(CHANNEL_ID)[0]["ts"])
    assert len(bot.slack.messages_in(CHANNEL_ID)) == 1
    assert watches(bot) == {ts: "answered"}


async def test_slack_a_proposal_whose_answer_was_lost_is_looked_for_not_posted_again(
    bot: SlackBot,
):
    """Slack posted the proposal but its answer never came (the connection broke): it may
    be there, so its author is not asked to post it themselves, and the nudge's button,
    used again, finds that post and records it instead of posting it once more."""
    bot.slack.ts_from_clock = True  # the post is looked for from a time, as on Slack
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    response_url = bot.slack.response_url()
    bot.slack.lose_answer_next("chat.postMessage")
    await submit(bot, await open_the_form(bot, nudge, response_url))
    [told] = await bot.slack.wait_for_response(response_url)
    assert told["text"] == (
        "I am not sure your proposal was posted: Slack did not answer in time. Please "
        "look in the problem's thread; if it is not there, add it again: I will look for "
        "it first, so it is not posted twice.\n"
        "> retry with @here a \u2217pinned\u2217 image\n> and tell @Bob"
    )
    posted = bot.slack.messages_in(CHANNEL_ID)
    assert len(posted) == 1  # Slack has it, once: the client did not post it again
    assert watches(bot) == {ts: "nudged"}

    await submit(bot, await open_the_form(bot, nudge, response_url))
    [added] = await bot.handled(ProposalAdded)
    assert added.problem_id == ts and added.message_id in {p["ts"] for p in posted}
    assert bot.slack.messages_in(CHANNEL_ID) == posted  # nothing posted again
    assert watches(bot) == {ts: "answered"}
