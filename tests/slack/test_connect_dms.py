"""Slack Connect: a channel shared with a partner organisation that installed the bot
too. DMs to its members, its bot user, the channel unshared, a retry through its
installation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlmodel import Session, select

from bot.models import MemberRow, now_utc
from rules.events import CommandInvoked, ConcernAnswered, MessagePosted
from tests.helpers import eventually
from tests.slack.conftest import OAUTH, SlackBot, button, past_ts, running
from tests.slack.test_oauth import install
from tests.slack.test_shared_channels import (
    BOB_EXT,
    BOT_B,
    HOME,
    HOME_TOKEN,
    PARTNER,
    PARTNER_TOKEN,
    add_installation,
    share_with_the_partner,
    through,
    watches,
)
from tests.standins.slack_api import BOT_USER_ID, SlackError
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    app_mention_event,
    block_actions,
    message_event,
)

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

# One reminder, due as soon as the round starts.
REMINDED_AT_ONCE = {"reminder_delay": timedelta(0), "max_reminders": 1}


def refuse_dms_across_organisations(bot: SlackBot, error: str = "user_not_found") -> None:
    """As Slack: the home's bot may not open a DM with the partner's member."""
    base = bot.slack._conversations_open

    def opened(params):
        if params.get("token") == HOME_TOKEN and BOB_EXT in str(params.get("users")):
            raise SlackError(error)
        return base(params)

    bot.slack.respond_with("conversations.open", opened)


async def remind_at_once(bot: SlackBot) -> None:
    """A concern round started (with `REMINDED_AT_ONCE`), its reminders sent."""
    await bot.command("/concerns", "#proposal pickups move to 16:00")
    await bot.handled(CommandInvoked)
    await bot.slack.wait_for("chat.postMessage")
    await bot.tick()


def opened_dms(bot: SlackBot) -> dict[str, str]:
    """Whom the bot opened a DM with, and through which installation's token."""
    return {c.params["users"]: c.params["token"] for c in bot.calls("conversations.open")}


async def test_connect_a_reminder_reaches_the_partners_member_through_their_installation(
    slack, sqlite_url
):
    """Slack lets no bot open a DM with someone of another organisation: Bob, of the
    partner, is reminded by the partner's own installation of the bot."""
    async with running(slack, sqlite_url, **OAUTH, **REMINDED_AT_ONCE) as bot:
        await share_with_the_partner(bot)
        refuse_dms_across_organisations(bot)
        await remind_at_once(bot)

        [reminded] = await bot.slack.wait_for(
            "chat.postMessage", where=lambda p: p["token"] == PARTNER_TOKEN
        )
        assert reminded.params["channel"].startswith("D")
        assert "A friendly reminder" in reminded.params["text"]
        assert f"<#{CHANNEL_ID}>" in reminded.params["text"]
        assert opened_dms(bot)[BOB_EXT] == PARTNER_TOKEN
        assert opened_dms(bot)["U-CAROL"] == HOME_TOKEN  # the home's own member

        # His answer there, through his own installation, counts at the shared table.
        clicked = block_actions("round_none", value=button(reminded, "round_none")["value"],
                                user_id=BOB_EXT, team_id="T-PARTNER",
                                channel_id=reminded.params["channel"])  # fmt: skip
        await bot.interact(clicked)
        [answered] = await bot.handled(ConcernAnswered)
        assert (answered.workspace, answered.user) == (HOME, BOB_EXT)


@pytest.mark.parametrize("refusal", ["user_not_found", "invalid_user_combination"])
async def test_connect_a_reminder_the_bot_cannot_dm_is_shown_in_the_channel(
    slack, sqlite_url, refusal
):
    """The partner has not installed the bot: Bob cannot be sent a DM, so his reminder
    is shown to him alone in the shared channel rather than lost."""
    async with running(slack, sqlite_url, **OAUTH, **REMINDED_AT_ONCE) as bot:
        await install(bot)
        bot.slack.add_user(BOB_EXT, "bob-ext", real_name="Bob Partner")
        bot.slack.users[BOB_EXT].team_id = "T-PARTNER"
        channel = bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB_EXT, BOT_USER_ID])
        channel.shared_teams = ["T-TEST", "T-PARTNER"]
        refuse_dms_across_organisations(bot, refusal)
        await remind_at_once(bot)

        [shown] = await bot.slack.wait_for(
            "chat.postEphemeral", where=lambda p: p["user"] == BOB_EXT
        )
        assert shown.params["channel"] == CHANNEL_ID
        assert "A friendly reminder" in shown.params["text"]
        assert button(shown, "round_none")  # answered with one click, as in a DM


async def test_connect_the_partners_bot_is_not_at_the_table(slack, sqlite_url):
    """Slack does not describe the partner's bot user to the home's installation (one of
    another organisation): it is the app's own bot all the same, and sits at no table."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        await bot.command("/concerns", "#proposal pickups move to 16:00")
        await bot.handled(CommandInvoked)
        [posted] = await bot.slack.wait_for("chat.postMessage")
        assert "0 of 2 answered; waiting for Bob Partner and Carol Chen." in posted.params["text"]
        with Session(bot.groundrules.database) as session:
            seated = session.exec(select(MemberRow.user).where(MemberRow.active)).all()
        assert sorted(seated) == [USER_ID, BOB_EXT, "U-CAROL"]


async def test_connect_a_concern_typed_in_the_partners_dm_is_thanked_there(slack, sqlite_url):
    """Bob answers the round in his own organisation's DM with the bot: it counts at the
    shared table, and the thanks comes back to that DM, from his organisation's bot."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        refuse_dms_across_organisations(bot)
        await bot.command("/concerns", "#proposal pickups move to 16:00")
        await bot.handled(CommandInvoked)
        await bot.slack.wait_for("chat.postMessage")
        dm = bot.slack._dm_channel([BOB_EXT]).id

        url = bot.slack.response_url()
        await bot.command("/concern", "none", user_id=BOB_EXT, team_id="T-PARTNER", channel_id=dm,
                          channel_name="directmessage", response_url=url)  # fmt: skip
        [about] = await bot.slack.wait_for_response(url)
        assert about["text"] == f"In <#{CHANNEL_ID}>:"
        [*_, typed] = await bot.handled(CommandInvoked, 2)
        assert (typed.workspace, typed.channel, typed.user) == (HOME, CHANNEL_ID, BOB_EXT)
        [thanks] = await bot.slack.wait_for(
            "chat.postMessage", where=lambda p: p["channel"] == dm and "noted" in p["text"]
        )
        assert thanks.params["token"] == PARTNER_TOKEN


@pytest.mark.parametrize("told_through", [HOME, PARTNER])
async def test_connect_an_unshared_channels_round_waits_no_more_for_the_partners_members(
    slack, sqlite_url, told_through
):
    """The channel stops being shared with the partner: Bob, of the partner, is no
    longer at the table, and its open round waits for him no more (whichever
    installation Slack tells it through)."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        await bot.command("/concerns", "#proposal pickups move to 16:00")
        await bot.handled(CommandInvoked)
        [posted] = await bot.slack.wait_for("chat.postMessage")
        assert "waiting for Bob Partner and Carol Chen." in posted.params["text"]

        channel = bot.slack.set_members(CHANNEL_ID, [USER_ID, "U-CAROL", BOT_USER_ID])
        channel.shared_teams = []
        unshared = {"type": "channel_unshared", "previously_connected_team_id": "T-PARTNER",
                    "channel": CHANNEL_ID, "is_ext_shared": False,
                    "event_ts": "1561064063.001100"}  # fmt: skip
        await bot.event(unshared, **through(told_through))
        [updated] = await bot.slack.wait_for("chat.update")
        assert "0 of 1 answered; waiting for Carol Chen." in updated.params["text"]
        with Session(bot.groundrules.database) as session:
            seated = session.exec(select(MemberRow.user).where(MemberRow.active)).all()
        assert BOB_EXT not in seated


async def test_connect_a_retry_the_partner_cannot_place_is_placed_by_the_home(slack, sqlite_url):
    """Slack retries an event through the partner's installation, whose question about
    the channel fails this time: the home's installation answers it, so the retry is
    the same table's, handled once, and Alice is nudged once, not by both bots."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        problem = message_event("#problem the courier is late again", ts=past_ts(3))
        await bot.event(problem, event_id="Ev-ONCE", **through(HOME))
        await bot.handled(MessagePosted)
        bot.slack.fail_next("conversations.info", "internal_error",
                            matching={"token": PARTNER_TOKEN})  # fmt: skip
        await bot.event(problem, event_id="Ev-ONCE", retry_num=1, **through(PARTNER))
        await bot.handled(MessagePosted, 2)
        assert watches(bot) == [(HOME, CHANNEL_ID, "open")]

        await bot.tick()
        [nudge] = await bot.slack.wait_for("chat.postEphemeral")
        assert nudge.params["token"] == HOME_TOKEN
        await asyncio.sleep(0.2)
        assert len(bot.calls("chat.postEphemeral")) == 1


async def test_connect_a_channel_shared_again_is_one_table_at_once(slack, sqlite_url):
    """Slack said the channel was not shared with the partner; then it is shared (again):
    what comes through the partner's installation counts at the home's table from then
    on, not only once the old answer is ten minutes old."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        channel = bot.slack.channels[CHANNEL_ID]
        channel.shared_teams = []
        await bot.event(message_event("good morning", ts=past_ts(5)), **through(HOME))
        said = message_event("#problem the gate is locked", user=BOB_EXT, team="T-PARTNER",
                             ts=past_ts(4))  # fmt: skip
        await bot.event(said, **through(PARTNER))
        await bot.handled(MessagePosted, 2)
        assert watches(bot) == [(PARTNER, CHANNEL_ID, "open")]  # Slack's word then

        channel.shared_teams = ["T-TEST", "T-PARTNER"]
        shared = {"type": "channel_shared", "connected_team_id": "T-PARTNER",
                  "channel": CHANNEL_ID, "event_ts": "1561064064.001100"}  # fmt: skip
        read = len(bot.calls("conversations.members"))
        await bot.event(shared, **through(HOME))
        await eventually(lambda: len(bot.calls("conversations.members")) > read)
        again = message_event("#problem the gate is locked again", user=BOB_EXT,
                              team="T-PARTNER", ts=past_ts(3))  # fmt: skip
        await bot.event(again, **through(PARTNER))
        await bot.handled(MessagePosted, 3)
        assert (HOME, CHANNEL_ID, "open") in watches(bot)


GRID, GRID_TOKEN, GRID_BOT = "slack:E-ORG:T-ONE", "xoxb-E-ORG-T-ONE", "U-BOT-ONE"


async def grid_home_shared_with_the_partner(bot: SlackBot) -> dict:
    """The home is a workspace of an Enterprise Grid org, installed there alone; the org
    shares the general channel with the partner, whose Bob is in it. The envelope of an
    event through the home's installation."""
    assert bot.adapter.installations is not None
    await bot.adapter.installations.async_save(
        Installation(
            app_id="A-TEST", enterprise_id="E-ORG", team_id="T-ONE", team_name="One",
            bot_token=GRID_TOKEN, bot_id="B-ONE", bot_user_id=GRID_BOT,
            bot_scopes="chat:write", user_id="U-ADMIN-ONE",
        )
    )  # fmt: skip
    await add_installation(bot, "T-PARTNER", PARTNER_TOKEN, BOT_B)
    bot.slack.add_user(BOB_EXT, "bob-ext", real_name="Bob Partner")
    bot.slack.users[BOB_EXT].team_id = "T-PARTNER"
    channel = bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB_EXT, GRID_BOT, BOT_B])
    # Slack names the org, not its workspace, where the org as a whole is party to it.
    channel.shared_teams = ["E-ORG", "T-PARTNER"]
    return {"team_id": "T-ONE", "enterprise_id": "E-ORG", "bot_user_id": GRID_BOT}


async def test_connect_a_grid_home_shared_with_the_partner_by_its_org_is_one_table(
    slack, sqlite_url
):
    """Slack names the home's org (an id starting with E) among the channel's teams:
    still the home's one table, whatever comes through the partner's installation."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        at_home = await grid_home_shared_with_the_partner(bot)
        await bot.event(message_event("good morning", ts=past_ts(5)), **at_home)
        said = message_event("#problem the gate is locked", user=BOB_EXT, team="T-PARTNER",
                             ts=past_ts(4))  # fmt: skip
        await bot.event(said, **through(PARTNER))
        [_, heard] = await bot.handled(MessagePosted, 2)
        assert heard.workspace == GRID
        assert watches(bot) == [(GRID, CHANNEL_ID, "open")]


async def test_connect_a_grid_homes_reminder_reaches_the_partners_member(slack, sqlite_url):
    async with running(slack, sqlite_url, **OAUTH, **REMINDED_AT_ONCE) as bot:
        at_home = await grid_home_shared_with_the_partner(bot)
        base = bot.slack._conversations_open

        def opened(params):
            if params.get("token") == GRID_TOKEN and BOB_EXT in str(params.get("users")):
                raise SlackError("user_not_found")
            return base(params)

        bot.slack.respond_with("conversations.open", opened)
        asked = app_mention_event(f"<@{GRID_BOT}> concerns #proposal pickups move to 16:00")
        await bot.event(asked, **at_home)
        [started] = await bot.handled(CommandInvoked)
        assert started.workspace == GRID
        await bot.slack.wait_for("chat.postMessage")
        await bot.tick()
        [reminded] = await bot.slack.wait_for(
            "chat.postMessage", where=lambda p: p["token"] == PARTNER_TOKEN
        )
        assert "A friendly reminder" in reminded.params["text"]
        assert opened_dms(bot)[BOB_EXT] == PARTNER_TOKEN


async def test_connect_a_reminder_the_partners_lost_token_cannot_send_is_not_stuck(
    slack, sqlite_url
):
    """The partner removed the bot, heard by another process only: its token, still
    served here, is refused. Bob's reminder is not retried through it for ever: the
    table's own installation takes over (here: in the channel, as it cannot DM him)."""
    async with running(slack, sqlite_url, **OAUTH, **REMINDED_AT_ONCE) as bot:
        await share_with_the_partner(bot)
        refuse_dms_across_organisations(bot)
        bot.slack.fail_next("conversations.open", "token_revoked", times=5,
                            matching={"token": PARTNER_TOKEN})  # fmt: skip
        await remind_at_once(bot)

        [shown] = await bot.slack.wait_for(
            "chat.postEphemeral", where=lambda p: p["user"] == BOB_EXT
        )
        assert shown.params["token"] == HOME_TOKEN
        assert "A friendly reminder" in shown.params["text"]
        assert bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5)) == []


async def test_connect_a_proposal_slack_would_not_post_comes_back_to_the_partners_dm(
    slack, sqlite_url
):
    """Bob, nudged, types a proposal in his own organisation's DM with the bot; Slack
    refuses to post it beside his problem. His words come back to him there, through his
    organisation's installation: the home's cannot DM him."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        refuse_dms_across_organisations(bot)
        await bot.event(message_event("good morning", ts=past_ts(4)), **through(HOME))
        said = message_event("#problem the gate is locked", user=BOB_EXT, team="T-PARTNER",
                             ts=past_ts(3))  # fmt: skip
        await bot.event(said, **through(PARTNER))
        [*_, heard] = await bot.handled(MessagePosted, 2)
        assert heard.workspace == HOME
        await bot.tick()
        [nudge] = await bot.slack.wait_for("chat.postEphemeral")
        assert nudge.params["user"] == BOB_EXT

        bot.slack.fail_next("chat.postMessage", "msg_blocks_too_long",
                            matching={"channel": CHANNEL_ID})  # fmt: skip
        dm = bot.slack._dm_channel([BOB_EXT]).id
        typed = message_event("#proposal I will unlock it at 8 every morning", user=BOB_EXT,
                              team="T-PARTNER", channel=dm, channel_type="im",
                              ts=past_ts(0))  # fmt: skip
        await bot.event(typed, **through(PARTNER))
        [back] = await bot.slack.wait_for(
            "chat.postMessage", where=lambda p: p["channel"] == dm and "unlock" in p["text"]
        )
        assert back.params["token"] == PARTNER_TOKEN


async def test_connect_slacks_last_word_on_sharing_stands_while_it_cannot_say(slack, sqlite_url):
    """Slack said the partner shares the channel; later, asked again, neither
    installation gets an answer (an outage): the channel stays one table meanwhile."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        now = [1000.0]
        bot.adapter.clock = lambda: now[0]
        await bot.event(message_event("good morning", ts=past_ts(5)), **through(HOME))
        hello = message_event("hello all", user=BOB_EXT, team="T-PARTNER", ts=past_ts(4))
        await bot.event(hello, **through(PARTNER))
        [_, heard] = await bot.handled(MessagePosted, 2)
        assert heard.workspace == HOME

        now[0] += 3600  # long after Slack's word was asked
        bot.slack.fail_next("conversations.info", "internal_error", times=4)
        said = message_event("#problem the gate is locked", user=BOB_EXT, team="T-PARTNER",
                             ts=past_ts(3))  # fmt: skip
        await bot.event(said, **through(PARTNER))
        [*_, heard] = await bot.handled(MessagePosted, 3)
        assert heard.workspace == HOME
        assert watches(bot) == [(HOME, CHANNEL_ID, "open")]
