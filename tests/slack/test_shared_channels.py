"""Slack Connect: one channel shared between two organisations, the bot installed (OAuth)
in both, is one table. Slack delivers each of the channel's events once, through one of
the two installations, either of them (`authorizations` holds one, "best not to rely
on the single party listed ... to be any particular one"); the table is its home's,
the workspace it was first heard through. A channel Slack does not say is shared keeps
each workspace's data apart, as before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlmodel import Session, select

from bot import workspaces
from bot.models import AgreementRow, RoundRow, WatchRow, now_utc
from rules.events import ChannelIdChanged, CommandInvoked, ConcernAnswered, MessagePosted
from tests.helpers import eventually
from tests.slack.conftest import OAUTH, SECRET, SlackBot, button, past_ts, running, shown_text
from tests.slack.test_home import home_opened
from tests.slack.test_oauth import install
from tests.standins.slack_api import BOT_USER_ID, SlackError
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    app_mention_event,
    block_actions,
    message_event,
    slash_command,
    slash_command_request,
)

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

HOME, PARTNER = "slack:T-TEST", "slack:T-PARTNER"
HOME_TOKEN, PARTNER_TOKEN = "xoxb-T-TEST-installed", "xoxb-T-PARTNER"
BOB_EXT, BOT_B = "U-BOBEXT", "U-BOT-B"


@pytest.fixture
async def two_orgs(slack, database_url) -> AsyncIterator[SlackBot]:
    """Org A (T-TEST) and its partner (T-PARTNER) both installed the bot; C-GENERAL is
    shared between them, both bots in it, with Bob from the partner org."""
    async with running(slack, database_url, **OAUTH) as bot:
        await share_with_the_partner(bot)
        yield bot


async def share_with_the_partner(bot: SlackBot) -> None:
    """What `two_orgs` sets up, for a bot started otherwise."""
    await install(bot)
    await add_installation(bot, "T-PARTNER", PARTNER_TOKEN, BOT_B)
    bot.slack.add_user(BOB_EXT, "bob-ext", real_name="Bob Partner")
    bot.slack.users[BOB_EXT].team_id = "T-PARTNER"
    channel = bot.slack.set_members(CHANNEL_ID, [USER_ID, "U-CAROL", BOB_EXT, BOT_USER_ID, BOT_B])
    channel.shared_teams = ["T-TEST", "T-PARTNER"]


async def add_installation(bot: SlackBot, team: str, token: str, bot_user: str) -> None:
    assert bot.adapter.installations is not None
    await bot.adapter.installations.async_save(
        Installation(
            app_id="A-TEST",
            team_id=team,
            team_name=team,
            bot_token=token,
            bot_id=f"B-{team}",
            bot_user_id=bot_user,
            bot_scopes="chat:write",
            user_id=f"U-ADMIN-{team}",
        )
    )
    base = bot.slack._responders.get("auth.test") or bot.slack._auth_test

    def auth_test(params):
        answer = dict(base(params))
        if params.get("token") == token:
            answer.update(team_id=team, user_id=bot_user, bot_id=f"B-{team}")
        return answer

    bot.slack.respond_with("auth.test", auth_test)


def through(workspace: str) -> dict:
    """The envelope of an event delivered through `workspace`'s installation."""
    if workspace == PARTNER:
        return {"team_id": "T-PARTNER", "bot_user_id": BOT_B}
    return {"team_id": workspace.removeprefix("slack:"), "bot_user_id": BOT_USER_ID}


def watches(bot: SlackBot) -> list[tuple[str, str, str]]:
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(WatchRow)).all()
        return sorted((w.workspace, w.channel, w.status) for w in rows)


def agreements(bot: SlackBot) -> list[tuple[str, str]]:
    with Session(bot.groundrules.database) as session:
        return [(a.workspace, a.text) for a in session.exec(select(AgreementRow)).all()]


def tokens_asking_about(bot: SlackBot, channel: str) -> list[str]:
    return [
        call.params["token"]
        for call in bot.calls("conversations.info")
        if call.params.get("channel") == channel
    ]


async def test_shared_a_proposal_through_the_partners_installation_answers_the_problem(
    two_orgs: SlackBot,
):
    bot = two_orgs
    problem_ts, proposal_ts = past_ts(3), past_ts(2.7)
    problem = message_event("#problem the courier is late again", ts=problem_ts)
    await bot.event(problem, **through(HOME))
    await bot.handled(MessagePosted)
    proposal = message_event("#proposal I will call the courier at 8", user=BOB_EXT,
                             team="T-PARTNER", ts=proposal_ts)  # fmt: skip
    await bot.event(proposal, **through(PARTNER))
    await bot.handled(MessagePosted, 2)

    await bot.tick()
    assert watches(bot) == [(HOME, CHANNEL_ID, "answered")]
    assert bot.calls("chat.postEphemeral") == []  # Alice is not nudged
    # Slack was asked, with the partner's own token, whether it shares the channel.
    assert tokens_asking_about(bot, CHANNEL_ID) == [PARTNER_TOKEN]


async def test_shared_agreements_recorded_through_one_installation_are_listed_through_the_other(
    two_orgs: SlackBot,
):
    bot = two_orgs
    recorded = app_mention_event(
        f"<@{BOT_USER_ID}> agree pickups at 16:00 because the courier asked"
    )
    await bot.event(recorded, **through(HOME))
    await bot.handled(CommandInvoked)
    await bot.slack.wait_for("chat.postMessage")  # announced
    asked = app_mention_event(f"<@{BOT_B}> agreements", user=BOB_EXT, team="T-PARTNER")
    await bot.event(asked, **through(PARTNER))
    await bot.handled(CommandInvoked, 2)

    assert agreements(bot) == [(HOME, "pickups at 16:00")]
    [listing] = await bot.slack.wait_for("chat.postEphemeral")
    assert listing.params["user"] == BOB_EXT
    assert "#1 pickups at 16:00" in shown_text(listing)
    assert listing.params["token"] == HOME_TOKEN  # the home's installation speaks for it


async def test_shared_a_retry_through_the_other_installation_is_handled_once(
    two_orgs: SlackBot,
):
    bot = two_orgs
    problem = message_event("#problem the courier is late again", ts=past_ts(3))
    await bot.event(problem, event_id="Ev-ONCE", **through(HOME))
    await bot.handled(MessagePosted)
    await bot.event(problem, event_id="Ev-ONCE", retry_num=1, **through(PARTNER))
    await bot.handled(MessagePosted, 2)
    assert watches(bot) == [(HOME, CHANNEL_ID, "open")]


def through_two(params) -> bool:
    return params.get("token") == "xoxb-T-TWO"


async def test_shared_a_channel_slack_does_not_say_is_shared_keeps_workspaces_apart(
    slack, sqlite_url
):
    """Installation T-TWO names C-GENERAL, a channel of T-TEST that Slack does not say is
    shared with it: nothing of T-TEST's table is read or written through it."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        await install(bot)
        await add_installation(bot, "T-TWO", "xoxb-T-TWO", "U-BOT-TWO")
        await bot.command("/agree", "pickups at 16:00 because the courier asked")
        await bot.handled(CommandInvoked)

        named = message_event("#problem the courier is late", team="T-TWO", ts=past_ts(3))
        await bot.event(named, team_id="T-TWO", bot_user_id="U-BOT-TWO")
        await bot.handled(MessagePosted)
        asked = app_mention_event("<@U-BOT-TWO> agreements", team="T-TWO")
        await bot.event(asked, team_id="T-TWO", bot_user_id="U-BOT-TWO")
        [_, listed] = await bot.handled(CommandInvoked, 2)

        assert listed.workspace == "slack:T-TWO"
        assert watches(bot) == [("slack:T-TWO", CHANNEL_ID, "open")]
        assert agreements(bot) == [(HOME, "pickups at 16:00")]
        assert "xoxb-T-TWO" in tokens_asking_about(bot, CHANNEL_ID)
        # Its answer, through T-TWO: its own table has none.
        [answer] = await bot.slack.wait_for("chat.postEphemeral", where=through_two)
        assert "No agreements recorded at this table yet" in shown_text(answer)
        two = [c for c in bot.slack.calls if c.params.get("token") == "xoxb-T-TWO"]
        assert not any("pickups" in shown_text(c) for c in two)


async def test_shared_the_partner_removing_the_bot_leaves_the_shared_table(
    two_orgs: SlackBot,
):
    bot = two_orgs
    problem_ts, proposal_ts = past_ts(3), past_ts(2.7)
    await bot.event(message_event("#problem the courier is late", ts=problem_ts), **through(HOME))
    # The partner's own channel, with a table of its own.
    bot.slack.set_members("C-PARTNER", [BOB_EXT, BOT_B])
    own = message_event("#problem our printer jams", user=BOB_EXT, channel="C-PARTNER",
                        team="T-PARTNER", ts=past_ts(3))  # fmt: skip
    await bot.event(own, **through(PARTNER))
    await bot.handled(MessagePosted, 2)

    await bot.event({"type": "app_uninstalled"}, **through(PARTNER))
    await eventually(lambda: PARTNER in workspaces.removed(bot.groundrules.database))
    await bot.runtime.forget_removed_workspaces(now_utc() + timedelta(days=31))

    assert watches(bot) == [(HOME, CHANNEL_ID, "open")]
    later = message_event("#proposal I call them at 8", ts=proposal_ts)
    await bot.event(later, **through(HOME))
    await bot.handled(MessagePosted, 3)
    assert watches(bot) == [(HOME, CHANNEL_ID, "answered")]


async def test_shared_the_home_removing_the_bot_pauses_the_table_until_it_is_forgotten(
    two_orgs: SlackBot,
):
    bot = two_orgs
    await bot.event(message_event("#problem the courier is late", ts=past_ts(5)), **through(HOME))
    await bot.handled(MessagePosted)
    await bot.event({"type": "app_uninstalled"}, **through(HOME))
    await eventually(lambda: HOME in workspaces.removed(bot.groundrules.database))

    # Through the partner meanwhile: nothing is recorded, and the home stays removed.
    said = message_event("#problem the gate is locked", user=BOB_EXT, team="T-PARTNER",
                         ts=past_ts(4))  # fmt: skip
    await bot.event(said, **through(PARTNER))
    typed = slash_command("/agreements", user_id=BOB_EXT, team_id="T-PARTNER",
                          response_url=bot.slack.response_url())  # fmt: skip
    await bot.post(slash_command_request(typed, SECRET))
    [answer] = await bot.slack.wait_for_response(typed["response_url"])
    assert "belongs to another organisation in it, which removed Groundrules" in answer["text"]
    mentioned = app_mention_event(f"<@{BOT_B}> agreements", user=BOB_EXT, team="T-PARTNER")
    await bot.event(mentioned, **through(PARTNER))
    [told] = await bot.slack.wait_for("chat.postMessage")  # by DM, from the partner's bot
    assert told.params["token"] == PARTNER_TOKEN and told.params["channel"].startswith("D")
    assert "which removed Groundrules" in told.params["text"]
    assert watches(bot) == [(HOME, CHANNEL_ID, "open")]
    assert HOME in workspaces.removed(bot.groundrules.database)

    # The grace period over, the home's data goes, the shared table with it; the channel
    # starts a new table with the partner.
    await bot.runtime.forget_removed_workspaces(now_utc() + timedelta(days=31))
    assert watches(bot) == []
    again = message_event("#problem the gate is locked again", user=BOB_EXT,
                          team="T-PARTNER", ts=past_ts(3))  # fmt: skip
    await bot.event(again, **through(PARTNER))
    await bot.handled(MessagePosted, 2)
    assert watches(bot) == [(PARTNER, CHANNEL_ID, "open")]


async def test_shared_app_home_through_the_partner_shows_the_shared_tables_round(
    two_orgs: SlackBot,
):
    bot = two_orgs
    await bot.command("/concerns", "#proposal pickups move to 16:00")
    await bot.handled(CommandInvoked)
    await bot.slack.wait_for("chat.postMessage")

    await bot.event(home_opened(BOB_EXT), **through(PARTNER))
    [published] = await bot.slack.wait_for("views.publish")
    assert published.params["token"] == PARTNER_TOKEN  # the partner's own App Home
    shown = shown_text(published)
    assert "Concern rounds waiting for your answer" in shown
    assert "pickups move to 16:00" in shown

    # Answered there, it counts at the shared table.
    view = {"id": published.params["view"].get("id", "V-HOME"), "type": "home"}
    clicked = block_actions("round_none", value=button(published, "round_none")["value"],
                            user_id=BOB_EXT, team_id="T-PARTNER", view=view)  # fmt: skip
    await bot.interact(clicked)
    [answered] = await bot.handled(ConcernAnswered)
    assert (answered.workspace, answered.user) == (HOME, BOB_EXT)
    [_, again] = await bot.slack.wait_for("views.publish", 2)  # shown as answered
    assert "pickups move to 16:00" not in shown_text(again)


async def test_shared_deliveries_fall_back_to_the_partner_when_the_home_cannot_post(
    two_orgs: SlackBot,
):
    """The home's bot was taken out of the channel; the partner's is still in it."""
    bot = two_orgs
    await bot.event(message_event("good morning", ts=past_ts(3)), **through(HOME))
    await bot.handled(MessagePosted)
    base = bot.slack._chat_post_message

    def post(params):
        if params.get("token") == HOME_TOKEN and params.get("channel") == CHANNEL_ID:
            raise SlackError("not_in_channel")
        return base(params)

    bot.slack.respond_with("chat.postMessage", post)
    recorded = app_mention_event(f"<@{BOT_B}> agree pickups at 16:00 because the courier asked",
                                 user=BOB_EXT, team="T-PARTNER")  # fmt: skip
    await bot.event(recorded, **through(PARTNER))
    await bot.handled(CommandInvoked)
    posts = await bot.slack.wait_for("chat.postMessage", 2)
    assert [p.params["token"] for p in posts] == [HOME_TOKEN, PARTNER_TOKEN]
    assert "pickups at 16:00" in shown_text(posts[-1])
    assert agreements(bot) == [(HOME, "pickups at 16:00")]


async def test_shared_grid_org_wide_install_a_click_from_another_workspace_counts(
    slack, sqlite_url
):
    """Enterprise Grid, installed org-wide: Dan's home workspace is T-TWO, the round's
    channel is T-ONE's. His click carries `team: null`, and Bolt takes his own team."""
    async with running(slack, sqlite_url, **OAUTH) as bot:
        assert bot.adapter.installations is not None
        await bot.adapter.installations.async_save(
            Installation(
                app_id="A-TEST",
                enterprise_id="E-ORG",
                team_id=None,
                is_enterprise_install=True,
                bot_token="xoxb-E-ORG",
                bot_id="B-BOT",
                bot_user_id=BOT_USER_ID,
                bot_scopes="chat:write",
                user_id="U-ADMIN",
            )
        )
        bot.slack.add_user("U-DAN", "dan", real_name="Dan Depot")
        bot.slack.users["U-DAN"].team_id = "T-TWO"
        bot.slack.set_members(CHANNEL_ID, [USER_ID, "U-DAN", BOT_USER_ID])
        typed = slash_command("/concerns", "#proposal pickups move to 16:00", team_id="T-ONE",
                              response_url=bot.slack.response_url())  # fmt: skip
        typed["enterprise_id"], typed["is_enterprise_install"] = "E-ORG", "true"
        await bot.post(slash_command_request(typed, SECRET))
        [started] = await bot.handled(CommandInvoked)
        [posted] = await bot.slack.wait_for("chat.postMessage")

        clicked = block_actions("round_none", value=button(posted, "round_none")["value"],
                                user_id="U-DAN", team_id="T-TWO",
                                message_ts=posted.params.get("ts"))  # fmt: skip
        clicked |= {"team": None, "enterprise": {"id": "E-ORG", "name": "Org"},
                    "is_enterprise_install": True}  # fmt: skip
        await bot.interact(clicked)
        [answered] = await bot.handled(ConcernAnswered)
        assert answered.workspace == started.workspace == "slack:E-ORG:T-ONE"
        with Session(bot.groundrules.database) as session:
            [round_row] = session.exec(select(RoundRow)).all()
        assert round_row.workspace == "slack:E-ORG:T-ONE"


async def test_shared_a_private_channel_heard_under_its_new_id_first_moves_to_its_new_id(
    slack, database_url
):
    """The home's private channel is shared with the partner and gets a new id; the
    partner's installation hears the new id before the home hears of the change."""
    old, new = "G-OPS", "C-OPS"
    async with running(slack, database_url, **OAUTH) as bot:
        await install(bot)
        await add_installation(bot, "T-PARTNER", PARTNER_TOKEN, BOT_B)
        bot.slack.add_user(BOB_EXT, "bob-ext", real_name="Bob Partner")
        bot.slack.users[BOB_EXT].team_id = "T-PARTNER"
        bot.slack.add_channel(old, "ops", is_private=True, members=[USER_ID, BOT_USER_ID])
        recorded = f"<@{BOT_USER_ID}> agree pickups at 16:00 because the courier asked"
        await bot.event(app_mention_event(recorded, channel=old), **through(HOME))
        await bot.handled(CommandInvoked)

        channel = bot.slack.change_channel_id(old, new)
        channel.members += [BOB_EXT, BOT_B]
        channel.shared_teams = ["T-TEST", "T-PARTNER"]
        said = message_event("hello all", user=BOB_EXT, team="T-PARTNER", channel=new,
                             ts=past_ts(2))  # fmt: skip
        await bot.event(said, **through(PARTNER))
        await bot.handled(MessagePosted)
        changed = {"type": "channel_id_changed", "old_channel_id": old, "new_channel_id": new,
                   "event_ts": "1612206778.000000"}  # fmt: skip
        await bot.event(changed, event_id="Ev-ID-CHANGED", **through(HOME))
        await bot.handled(ChannelIdChanged)

        with Session(bot.groundrules.database) as session:
            assert [(a.workspace, a.channel) for a in session.exec(select(AgreementRow))] == [
                (HOME, new)
            ]
        asked = app_mention_event(f"<@{BOT_B}> agreements", user=BOB_EXT, team="T-PARTNER",
                                  channel=new)  # fmt: skip
        await bot.event(asked, event_id="Ev-LIST", **through(PARTNER))
        [*_, listed] = await bot.handled(CommandInvoked, 2)
        assert listed.workspace == HOME
