"""Every outbound action the engine has reaches Slack in the right place."""

from __future__ import annotations

import json

import pytest

from bot.models import now_utc
from rules import actions
from rules.actions import (
    AskEvaluation,
    AskRenewal,
    Outbound,
    PostReport,
    SuggestAgreement,
)
from rules.events import AgreementSubmitted
from rules.say import Lines, Quote, Say
from tests.slack.conftest import BOB, CAROL, WORKSPACE, SlackBot, button, shown_text
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, block_actions, view_submission

# What the Slack adapter delivers; RequestReport never leaves the service (it becomes a
# PostReport there), and ReadAgain goes to the second reader, not to a platform.
# WordToProposer is a Reply and goes as one; so do NotAProblemNoted, with its button,
# UndoNoted, SnoozeNoted and ReviewToOwner (a DM to an agreement's owner).
DELIVERED = {
    "SendNudge", "Reply", "WordToProposer", "NotAProblemNoted", "UndoNoted", "SnoozeNoted",
    "ReviewToOwner", "PostConcernRound",
    "UpdateRoundProgress", "RemindMembers", "PostRoundSummary", "AnnounceAgreement",
    "AnnounceReview", "CloseReview", "AskRenewal",
    "AskEvaluation", "SuggestAgreement", "PostReport",
}  # fmt: skip


def test_delivery_knows_every_outbound_action():
    outbound = {
        name for name, kind in vars(actions).items()
        if isinstance(kind, type) and issubclass(kind, Outbound) and kind is not Outbound
    }  # fmt: skip
    # ClearNudge goes only to where a quiet reply was posted (Discord, DMs closed).
    internal = {"RequestReport", "ReadAgain", "ClearNudge"}
    assert outbound - internal == DELIVERED, "teach adapters/slack/outbound.py"


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


async def test_delivery_renewal_reminder_retried_reaches_only_who_it_missed(bot: SlackBot):
    """Bob's DM fails for a moment; Carol's goes; nobody can ever DM U-NOBODY (unknown to
    Slack). The outbox's retry DMs Bob alone."""
    reminder = AskRenewal(**common(meeting_id="m1", users=(BOB, "U-NOBODY", CAROL), reminder=True))
    bot.slack.fail_next("conversations.open", "internal_error")
    bot.groundrules.store.enqueue(reminder, now_utc())
    assert await bot.retry_undelivered() == 1  # fails for Bob
    assert [c.params["users"] for c in bot.calls("conversations.open")] == [
        BOB, "U-NOBODY", CAROL,
    ]  # fmt: skip

    assert await bot.retry_undelivered() == 1  # the retry: no error
    opened = [c.params["users"] for c in bot.calls("conversations.open")]
    assert opened == [BOB, "U-NOBODY", CAROL, BOB]
    dms = [c for c in bot.calls("chat.postMessage") if c.params["channel"].startswith("D")]
    assert sorted(bot.slack.channels[c.params["channel"]].user for c in dms) == [BOB, CAROL]
    assert "please renew your mandate" in shown_text(dms[-1])
    assert await bot.retry_undelivered() == 0  # delivered

    bot.groundrules.store.enqueue(reminder, now_utc())  # the same reminder again, later
    await bot.retry_undelivered()
    assert len(bot.calls("conversations.open")) == 7


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
    assert len(bot.calls("chat.postMessage")) == 2  # the full form says no more: no thread


def long_report() -> tuple[Say, Lines]:
    """A summary and a full report of about 120,000 characters, each line its own."""
    lines = tuple(Say.of("{n}. {text}", n=n, text=Quote("<!here> " + "x" * 990))
                  for n in range(120))  # fmt: skip
    return Say.of("Report of this table."), Lines((Say.of("Report of this table."), *lines))


async def test_delivery_a_long_report_goes_in_its_thread_in_several_messages(bot: SlackBot):
    summary, full = long_report()
    ts = await bot.adapter.deliver(
        PostReport(**common(user=None, private=False, summary=summary, full=full))
    )
    [first, *rest] = bot.calls("chat.postMessage")
    assert first.params["text"] == "Report of this table." and "thread_ts" not in first.params
    assert len(rest) >= 3 and all(c.params["thread_ts"] == ts for c in rest)
    for call in rest:
        assert len(call.params["text"]) <= 40_000 and len(call.params["blocks"]) <= 50
        sections = [b for b in call.params["blocks"] if b["type"] == "section"]
        assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert not bot.slack.refused
    # In the thread, each page after the report's first opens with its heading.
    opening = rest[0].params["text"].split("\n")[0].removesuffix(":")
    assert all(c.params["text"].startswith(f"(continued) {opening}\n") for c in rest[1:])
    shown = "\n".join(shown_text(c) for c in rest)
    assert "0. @here xxx" in shown and "119. @here xxx" in shown
    assert "<!here>" not in shown


async def test_delivery_a_long_private_report_comes_in_several_ephemerals(bot: SlackBot):
    summary, full = long_report()
    await bot.adapter.deliver(
        PostReport(**common(user=BOB, private=True, summary=summary, full=full))
    )
    pages = bot.calls("chat.postEphemeral")
    assert len(pages) >= 3 and {(c.params["channel"], c.params["user"]) for c in pages} == {
        (CHANNEL_ID, BOB)
    }
    assert all(len(c.params["blocks"]) <= 50 for c in pages)
    assert "119. @here" in shown_text(pages[-1])
    assert bot.calls("chat.postMessage") == []


async def test_delivery_replacing_through_a_response_url(bot: SlackBot, caplog):
    """What a nudge's buttons use: the stand-in records the post and, for a message it
    stored, replaces it; an unknown URL only costs a warning."""
    posted = await bot.adapter.deliver(
        AskRenewal(**common(meeting_id="m1", users=(BOB,), reminder=False))
    )
    assert posted is not None
    url = bot.slack.response_url(channel=CHANNEL_ID, ts=posted)
    await bot.adapter.replace_original(url, "Done.")
    assert bot.slack.responses_to(url) == [{"text": "Done.", "replace_original": True}]
    assert bot.slack.messages[(CHANNEL_ID, posted)]["text"] == "Done."
    assert "blocks" not in bot.slack.messages[(CHANNEL_ID, posted)]  # the buttons are gone

    unknown = url.rsplit("/", 1)[0] + "/R-UNKNOWN"
    await bot.adapter.replace_original(unknown, "Done.")
    assert "replacing an answered message failed: HTTP 404" in caplog.text
    await bot.adapter.replace_original(None, "Done.")  # nothing to answer through
    assert len(bot.slack.responses) == 1


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
    # The form names the proposal the table agreed with: only a round on it may lend
    # the agreement its answers.
    values = {"what": {"value": "We rotate the chair"}, "why": {"value": "fair"},
              "role": {"value": ""}}  # fmt: skip
    await bot.interact(
        view_submission("agreement_modal", values, private_metadata=modal["private_metadata"])
    )
    [submitted] = await bot.handled(AgreementSubmitted)
    assert (submitted.proposal, submitted.round_id) == ("we rotate the chair", None)
