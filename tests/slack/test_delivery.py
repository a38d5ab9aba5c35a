"""Every outbound action the engine has reaches Slack in the right place."""

from __future__ import annotations

import json

import pytest

from rules import actions
from rules.actions import (
    AskEvaluation,
    AskRenewal,
    Outbound,
    PostReport,
    SuggestAgreement,
)
from rules.say import Say
from tests.slack.conftest import BOB, CAROL, WORKSPACE, SlackBot, button, shown_text
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, block_actions

# What the Slack adapter delivers; RequestReport never leaves the service (it becomes a
# PostReport there).
DELIVERED = {
    "SendNudge", "Reply", "PostConcernRound", "UpdateRoundProgress", "RemindMembers",
    "PostRoundSummary", "AnnounceAgreement", "AnnounceReview", "AskRenewal", "AskEvaluation",
    "SuggestAgreement", "PostReport",
}  # fmt: skip


def test_delivery_knows_every_outbound_action():
    outbound = {
        name for name, kind in vars(actions).items()
        if isinstance(kind, type) and issubclass(kind, Outbound) and kind is not Outbound
    }  # fmt: skip
    assert outbound - {"RequestReport"} == DELIVERED, "teach adapters/slack/outbound.py"


def common(**fields) -> dict:
    return {"workspace": WORKSPACE, "channel": CHANNEL_ID, "lang": "en"} | fields


async def test_delivery_renewal_goes_to_the_table_and_its_reminder_by_dm(bot: SlackBot):
    asked = AskRenewal(**common(meeting_id="m1", users=(BOB, CAROL)))
    assert await bot.adapter.deliver(asked)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert posted.params["channel"] == CHANNEL_ID
    assert "Bob and Carol Chen" in shown_text(posted) and "<@" not in shown_text(posted)

    await bot.adapter.deliver(AskRenewal(**common(meeting_id="m1", users=(CAROL,), reminder=True)))
    [opened] = await bot.slack.wait_for("conversations.open")
    assert opened.params["users"] == CAROL


async def test_delivery_evaluation_and_reports(bot: SlackBot):
    await bot.adapter.deliver(AskEvaluation(**common(meeting_id="m1", values=("Be reliable",))))
    [evaluation] = await bot.slack.wait_for("chat.postMessage")
    assert "relationship values" in shown_text(evaluation)

    summary = Say.of("> {text}", text="<!channel> report")
    private = PostReport(**common(user=USER_ID, private=True, summary=summary, full=summary))
    await bot.adapter.deliver(private)
    [ephemeral] = await bot.slack.wait_for("chat.postEphemeral")
    assert ephemeral.params["user"] == USER_ID
    public = PostReport(**common(user=None, private=False, summary=summary, full=summary))
    await bot.adapter.deliver(public)
    await bot.slack.wait_for("chat.postMessage", 2)


@pytest.mark.parametrize("thread", [None, "1700000000.000100"])
async def test_delivery_suggested_agreement_offers_the_prefilled_form(bot: SlackBot, thread):
    suggested = SuggestAgreement(
        **common(proposal="we rotate the chair", proposer=BOB, agreeing=(USER_ID, CAROL),
                 thread_id=thread),
    )  # fmt: skip
    await bot.adapter.deliver(suggested)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert posted.params.get("thread_ts") == thread
    record = button(posted, "round_record")

    await bot.interact(block_actions("round_record", value=record["value"]))
    [opened] = await bot.slack.wait_for("views.open")
    modal = opened.params["view"]
    what = next(b for b in modal["blocks"] if b.get("block_id") == "what")
    assert what["element"]["initial_value"] == "we rotate the chair"
    assert json.loads(modal["private_metadata"]).get("t") == thread
