"""Slack Connect: a channel shared with a partner organisation. Sharing a private channel
gives it a new id for good (`channel_id_changed`); the partner's people may be members
whose profile Slack will not show; the app may be installed in both organisations, each
with its own bot user."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from slack_sdk.oauth.installation_store import Installation

from adapters.slack.adapter import APP_BOTS_FRESH
from rules.events import (
    ChannelIdChanged,
    CommandInvoked,
    ConcernAnswered,
    MemberJoined,
    MessagePosted,
    RosterSynced,
)
from tests.slack.conftest import BOB, CAROL, SlackBot, button, past_ts, shown_text
from tests.slack.test_oauth import install, oauth_bot  # noqa: F401 (a fixture)
from tests.standins.slack_api import BOT_USER_ID, SlackError
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    app_mention_event,
    block_actions,
    message_event,
)

OLD, NEW = "G-OPS", "C-OPS"
PARTNER = "U-PARTNER"


def id_changed() -> dict:
    return {"type": "channel_id_changed", "old_channel_id": OLD, "new_channel_id": NEW,
            "event_ts": "1612206778.000000"}  # fmt: skip


def posted_in(bot: SlackBot, channel: str) -> list[str]:
    calls = bot.calls("chat.postMessage") + bot.calls("chat.postEphemeral")
    return [shown_text(c) for c in calls if c.params.get("channel") == channel]


async def test_slack_private_table_shared_with_a_partner_keeps_everything(bot: SlackBot):
    bot.slack.add_user(PARTNER, "pat", real_name="Pat Partner")
    bot.slack.add_channel(OLD, "ops", is_private=True, members=[USER_ID, BOB, CAROL, BOT_USER_ID])
    await bot.command("/agree", "pickups at 16:00 because the courier asked", channel_id=OLD)
    await bot.command("/table", "join Webshop BV", channel_id=OLD)
    await bot.command("/concerns", "#proposal pickups move to 16:30", channel_id=OLD)
    await bot.handled(CommandInvoked, 3)
    [round_post] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: "Concern round" in str(p.get("text"))
    )

    # Shared with the partner: Slack gives the channel a new id, then says so.
    bot.slack.change_channel_id(OLD, NEW).members.append(PARTNER)
    event_id, synced_before = "Ev-ID-CHANGED", bot.adapter.activity.counts["RosterSynced"]
    reply = await bot.event(id_changed(), event_id=event_id)
    assert reply.status == 200
    await bot.handled(ChannelIdChanged)
    [*_, synced] = await bot.handled(RosterSynced, synced_before + 1)
    assert synced.channel == NEW and PARTNER in synced.members
    # A retry of the same delivery changes nothing.
    assert (await bot.event(id_changed(), event_id=event_id, retry_num=1)).status == 200
    await bot.handled(ChannelIdChanged, 2)

    answered_before = len(bot.slack.calls_to("chat.postEphemeral"))
    await bot.command("/agreements", "", channel_id=NEW)
    await bot.command("/table", "", channel_id=NEW)
    await bot.handled(CommandInvoked, 5)
    # Both answers, in whichever order their deliveries finished.
    answers = await bot.slack.wait_for("chat.postEphemeral", count=answered_before + 2)
    [listing] = [shown_text(a) for a in answers[answered_before:] if "pickups" in shown_text(a)]
    [table] = [shown_text(a) for a in answers[answered_before:] if "pickups" not in shown_text(a)]
    assert "pickups at 16:00" in listing
    assert "Alice, for Webshop BV" in table
    assert "Pat Partner, organisation not given yet" in table

    # The round posted before the share still answers: its buttons name the old id.
    value = button(round_post, "round_none")["value"]
    assert OLD in value
    await bot.interact(
        block_actions("round_none", value=value, user_id=BOB, channel_id=NEW,
                      message_ts=round_post.params.get("ts"))
    )  # fmt: skip
    [answer] = await bot.handled(ConcernAnswered)
    assert answer.channel == NEW
    [update] = await bot.slack.wait_for("chat.update")
    assert update.params["channel"] == NEW
    assert "1 of 2 answered; waiting for Carol Chen." in shown_text(update)
    assert not [t for t in posted_in(bot, NEW) if "do not know that concern round" in t]


@pytest.mark.parametrize("filename", ["manifest.yml", "manifest.nl.socket-mode.yml"])
def test_slack_manifest_subscribes_to_channel_id_changes(filename):
    manifest = yaml.safe_load(Path(filename).read_text(encoding="utf-8"))
    assert "channel_id_changed" in manifest["settings"]["event_subscriptions"]["bot_events"]


PARTNER_BOT = "U-BOT-B"


async def installed_by_the_partner(bot: SlackBot) -> None:
    assert bot.adapter.installations is not None
    await bot.adapter.installations.async_save(
        Installation(
            app_id="A-TEST", team_id="T-PARTNER", team_name="Partner", bot_id="B-PARTNER",
            bot_token="xoxb-T-PARTNER", bot_user_id=PARTNER_BOT, bot_scopes="chat:write",
            user_id="U-ADMIN-B",
        )
    )  # fmt: skip


async def installed_by_both(bot: SlackBot) -> None:
    """Groundrules installed in our organisation (T-TEST, bot user U-BOT) and in the
    partner's (T-PARTNER, its own bot user), both in the shared channel."""
    await install(bot)
    await installed_by_the_partner(bot)
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, BOT_USER_ID, PARTNER_BOT])
    standin = bot.slack._auth_test

    def auth_test(params: dict) -> dict:
        answer = dict(standin(params))
        if params.get("token") == "xoxb-T-PARTNER":
            answer.update(team_id="T-PARTNER", user_id=PARTNER_BOT, bot_id="B-PARTNER")
        return answer

    bot.slack.respond_with("auth.test", auth_test)


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_mention_of_the_other_organisations_groundrules_is_a_command(
    oauth_bot: SlackBot,  # noqa: F811
):
    """Alice mentions her organisation's Groundrules; Slack delivers the mention through
    the partner's installation, whose bot user is another."""
    bot = oauth_bot
    await installed_by_both(bot)
    agree = "agree pickups at 16:00 because #problem the courier is late"
    through_partner = {"team_id": "T-PARTNER", "bot_user_id": PARTNER_BOT}
    said = message_event(f"<@{BOT_USER_ID}> {agree}", ts=past_ts())
    await bot.event(said, **through_partner)  # the message too: no chat line
    await bot.event(app_mention_event(said["text"], ts=said["ts"]), **through_partner)
    [command] = await bot.handled(CommandInvoked)
    assert command.args == agree
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert "Agreement #1: pickups at 16:00" in shown_text(announced)
    await bot.event(message_event("lunch?", ts=past_ts(0.5)), **through_partner)
    posted = await bot.handled(MessagePosted)
    assert [e.text for e in posted] == ["lunch?"]

    # A mention of someone else up front is theirs: left in the words.
    assert not await bot.adapter.is_app_bot(BOB)
    assert await bot.adapter.is_app_bot(PARTNER_BOT)


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_a_message_opening_with_a_mention_reads_the_apps_bots_once_a_minute(
    oauth_bot: SlackBot,  # noqa: F811
):
    """Most messages that open with a mention name a person: the app's bot users are
    not read for each; an app_mention, which names one of them, reads them afresh."""
    bot = oauth_bot
    await install(bot)
    assert not await bot.adapter.is_app_bot(PARTNER_BOT, fresh=False)  # read: not there
    await installed_by_the_partner(bot)
    assert not await bot.adapter.is_app_bot(PARTNER_BOT, fresh=False)  # that reading serves
    read_at = bot.adapter.clock()
    bot.adapter.clock = lambda: read_at + APP_BOTS_FRESH  # a minute on: read again
    assert await bot.adapter.is_app_bot(PARTNER_BOT, fresh=False)


EXTERNAL = "U-EXT"


def undescribed(bot: SlackBot, *users: str) -> None:
    """Slack will not describe these members to the bot (users.info: user_not_visible),
    as it may with another organisation's people in a shared channel."""
    standin = bot.slack._users_info

    def users_info(params: dict) -> dict:
        if params.get("user") in users:
            raise SlackError("user_not_visible")
        return standin(params)

    bot.slack.respond_with("users.info", users_info)


async def test_slack_a_member_slack_does_not_describe_is_at_the_table(bot: SlackBot):
    undescribed(bot, EXTERNAL, "U-EXT2")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, EXTERNAL, BOT_USER_ID])
    await bot.command("/concerns", "#proposal pickups move to 16:00")
    await bot.handled(CommandInvoked)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    shown = shown_text(posted)
    assert "0 of 2 answered; waiting for Bob and (name not visible)." in shown
    assert EXTERNAL not in shown and "<@" not in shown

    # Their answer counts: they are at the table.
    await bot.event(app_mention_event(f"<@{BOT_USER_ID}> concern none", user=EXTERNAL))
    await bot.handled(CommandInvoked, 2)
    [update] = await bot.slack.wait_for("chat.update")
    assert "1 of 2 answered; waiting for Bob." in shown_text(update)
    [thanks] = await bot.slack.wait_for("chat.postEphemeral")
    assert thanks.params["user"] == EXTERNAL
    assert "do not see you" not in shown_text(thanks)

    # Another one joining is a member too; a bot is not.
    for user in ("U-EXT2", "U-HELPER"):
        joining = {"type": "member_joined_channel", "user": user, "channel": CHANNEL_ID,
                   "channel_type": "C", "team": "T-TEST", "event_ts": "1700000000.5"}  # fmt: skip
        await bot.event(joining)
    [joined] = await bot.handled(MemberJoined)
    assert joined.user == "U-EXT2"
    await bot.command("/table", "")
    await bot.handled(CommandInvoked, 3)
    [table] = (await bot.slack.wait_for("chat.postEphemeral", count=2))[-1:]
    assert table.params["text"].count("(name not visible), organisation not given yet") == 2
