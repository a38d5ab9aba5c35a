"""An owner typed as a plain "@name" (not picked from Slack's list, so no mention) is the
person in the channel who goes by it; a private note to someone who is no Slack member
is skipped, never retried."""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from bot.models import AgreementRow
from rules.actions import Reply
from rules.events import CommandInvoked, MemberLeft
from rules.say import Say
from tests.slack.conftest import BOB, CAROL, WORKSPACE, SlackBot, past_ts
from tests.standins.slack_requests import CHANNEL_ID, USER_ID


def owners(bot: SlackBot) -> list[str]:
    with Session(bot.groundrules.database) as session:
        return [row.owner for row in session.exec(select(AgreementRow)).all()]


async def test_slack_owner_typed_by_name_is_the_member(bot: SlackBot):
    """Bob goes by "bob" (his user name), "Bob" and "Bob Builder": "@bob" and "@BOB" are him."""
    await bot.command("/agree", "We share the minutes because everyone should know owner @bob")
    await bot.handled(CommandInvoked)
    await bot.command("/afspraak", "Taart op vrijdag omdat het gezellig is eigenaar: @BOB.")
    await bot.handled(CommandInvoked, count=2)
    assert owners(bot) == [BOB, BOB]
    told = [c for c in bot.calls("chat.postEphemeral") if "not at this table" in str(c.params)]
    assert told == []


async def test_slack_owner_typed_by_unknown_name_records_nothing(bot: SlackBot):
    url = bot.slack.response_url()
    await bot.command(
        "/agree", "We share the minutes because everyone should know owner @dave", response_url=url
    )
    [answer] = await bot.slack.wait_for_response(url)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == (
        "I do not know who “@dave” is here, so nothing was recorded. Pick the person from "
        "the list that opens as you type @, or name a role: owner role &lt;name&gt;."
    )
    assert owners(bot) == []


async def test_slack_revision_owner_typed_by_name_is_the_member(bot: SlackBot):
    """A revision's new owner typed as "@bob" is Bob, as /agree's is; "@dave", whom
    nobody here goes by, is refused privately and revises nothing."""
    await bot.command("/agree", "We share the minutes because everyone should know")
    await bot.handled(CommandInvoked)
    url = bot.slack.response_url()
    await bot.command(
        "/review", "revise 1 We share the minutes weekly because daily is a lot owner @dave",
        response_url=url,
    )  # fmt: skip
    [answer] = await bot.slack.wait_for_response(url)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("I do not know who “@dave” is here, so nothing was recorded.")
    await bot.command(
        "/herziening",
        "herzien 1 We delen de notulen wekelijks omdat dagelijks veel is eigenaar @bob",
    )
    await bot.handled(CommandInvoked, count=2)
    assert owners(bot) == [USER_ID, BOB]  # the author, then Bob
    told = [c for c in bot.calls("chat.postEphemeral") if "not at this table" in str(c.params)]
    assert told == []


async def test_slack_private_note_to_no_member_is_skipped(bot: SlackBot, caplog):
    """An owner stored as a name (before names were looked up): the note to them cannot
    go anywhere, so it is dropped with a log line rather than failing and retried."""
    caplog.set_level(logging.INFO)
    note = Reply(
        workspace=WORKSPACE, channel=CHANNEL_ID, lang="en", user="bob", private=True,
        text=Say.of("carol kept agreement #1"),
    )  # fmt: skip
    assert await bot.adapter.deliver(note) is None
    assert bot.calls("chat.postEphemeral") == [] and bot.calls("conversations.open") == []
    assert "no Slack member to send it to" in caplog.text


async def test_slack_owner_removed_from_the_channel_hears_no_more_of_its_decisions(
    bot: SlackBot,
):
    """Bob, removed from a private channel, still owns its agreement #1. When Carol revises
    it, Slack could not show Bob an ephemeral in the channel and the note went by DM, with
    the new words, why and what practice taught. Now Bob hears nothing; Carol hears that
    the agreement needs an owner at the table."""
    await bot.command("/agree", "We share the budget sheet because transparency owner @bob")
    await bot.handled(CommandInvoked)
    bot.slack.set_members(CHANNEL_ID, [USER_ID, CAROL, "U-BOT"])
    await bot.event(
        {"type": "member_left_channel", "user": BOB, "channel": CHANNEL_ID,
         "channel_type": "G", "team": "T-TEST", "event_ts": past_ts()}
    )  # fmt: skip
    await bot.handled(MemberLeft)
    await bot.command(
        "/review", "revise 1 We share the budget sheet only with the board because the "
        "merger talks are confidential learned Bob leaked it", user_id=CAROL,
    )  # fmt: skip
    await bot.handled(CommandInvoked, 2)
    [note] = await bot.slack.wait_for("chat.postEphemeral")
    assert note.params["user"] == CAROL
    assert note.params["text"] == (
        "Bob, the owner of agreement #1, is not at this table, so they were not told. Give it "
        "an owner at the table: /review revise 1 &lt;text&gt; because &lt;why&gt; owner @who"
    )
    assert bot.calls("conversations.open") == []
    to_bob = [c for c in bot.slack.calls if BOB in (c.params.get("user"), c.params.get("users"))]
    assert not any("merger" in str(c.params) for c in to_bob)
