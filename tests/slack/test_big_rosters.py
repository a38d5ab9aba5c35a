"""A big channel's roster: read with users.list (Tier 2, some 200 people a call) when the
channel holds many of the workspace's people, with users.info (Tier 4, one a call) when
it holds few; either way bots, Slackbot and deleted members are left out, locales are
read, and a failed call loses nobody."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.adapter import make_client
from adapters.slack.people import Directory, Roster
from rules.events import CommandInvoked
from tests.slack.conftest import BIG_TABLE_WAIT, BOT_TOKEN, WORKSPACE, SlackBot, shown_text
from tests.standins.slack_api import SlackError, SlackStandIn
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

CHANNEL = "C-TOWNHALL"


def directory_for(slack: SlackStandIn, **options) -> Directory:
    client = make_client(BOT_TOKEN, slack.url)

    async def client_for(workspace: str) -> AsyncWebClient:
        return client

    return Directory(client_for, **options)


def people(slack: SlackStandIn, count: int, prefix: str = "U-P") -> list[str]:
    users = [f"{prefix}{n:05d}" for n in range(count)]
    for n, user in enumerate(users):
        slack.add_user(user, f"p{n}", real_name=f"Person {n}", locale="nl-NL" if n % 2 else "en-US")
    return users


def a_big_channel(slack: SlackStandIn, members: int, workspace: int) -> list[str]:
    """`members` people in a channel of a workspace of `workspace` people, with a bot,
    Slackbot and someone deactivated among the channel's members."""
    everyone = people(slack, workspace)
    slack.add_user("U-HOOK", "hook", is_bot=True, bot_id="B-HOOK")
    slack.add_user("U-LEFT", "left", deleted=True)
    seated = everyone[::3][:members]
    slack.set_members(CHANNEL, [*seated, "U-HOOK", "U-LEFT", "USLACKBOT", "U-BOT"])
    return seated


async def test_big_rosters_a_big_channel_is_read_from_the_workspace_list(slack: SlackStandIn):
    seated = a_big_channel(slack, members=3000, workspace=9000)
    directory = directory_for(slack)

    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset(seated))

    # 9,000 people at 200 a page: some 46 calls of users.list instead of 3,004 lookups.
    listed = slack.calls_to("users.list")
    assert len(listed) <= 46
    assert {call.params["limit"] for call in listed} == {"200"}
    assert all(str(call.params["include_locale"]).lower() in {"1", "true"} for call in listed)
    assert slack.calls_to("users.info") == []
    # What was read stays known: languages and names without another call.
    assert await directory.locale(WORKSPACE, seated[1]) == "nl-NL"
    assert await directory.names(WORKSPACE, seated[:2]) == {seated[0]: "Person 0",
                                                             seated[1]: "Person 3"}  # fmt: skip
    assert len(slack.calls) == len(listed) + len(slack.calls_to("conversations.members"))


async def test_big_rosters_a_small_channel_in_a_big_workspace_is_looked_up_member_by_member(
    slack: SlackStandIn,
):
    people(slack, 3000)
    slack.set_members(CHANNEL, ["U-P00007", "U-P02999", "U-HELPER"])
    directory = directory_for(slack)

    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset({"U-P00007", "U-P02999"}))
    assert (len(slack.calls_to("users.info")), slack.calls_to("users.list")) == (3, [])


async def test_big_rosters_a_workspace_much_bigger_than_the_channel_is_not_listed_whole(
    slack: SlackStandIn,
):
    """Not knowing the workspace's size, the bot reads a page of it: the few of the
    channel on it tell how big the workspace must be, and the rest is looked up one by
    one; the next channel's roster there goes to users.info at once."""
    seated = people(slack, 20_000)[::200]  # 100 members, one on each page of 200
    slack.set_members(CHANNEL, seated)
    directory = directory_for(slack)

    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset(seated))
    assert len(slack.calls_to("users.list")) <= 2
    assert len(slack.calls_to("users.info")) <= 100

    slack.clear_calls()
    slack.set_members("C-OTHER", people(slack, 100, prefix="U-Q"))
    await directory.roster(WORKSPACE, "C-OTHER")
    assert (len(slack.calls_to("users.info")), slack.calls_to("users.list")) == (100, [])


async def test_big_rosters_another_organisations_members_are_looked_up_one_by_one(
    slack: SlackStandIn,
):
    """users.list lists the workspace's own people only: a member of a shared channel
    from another organisation is asked about with users.info, as before."""
    seated = a_big_channel(slack, members=500, workspace=1500)
    slack.set_members(CHANNEL, [*slack.channels[CHANNEL].members, "U-OTHER-ORG", "U-HIDDEN"])

    def users_info(params: dict) -> dict:
        if params["user"] == "U-HIDDEN":
            raise SlackError("user_not_visible")
        return {"user": {"id": params["user"], "name": "vera", "team_id": "T-OTHER",
                         "profile": {"display_name": "Vera"}}}  # fmt: skip

    slack.respond_with("users.info", users_info)
    directory = directory_for(slack)

    roster = await directory.roster(WORKSPACE, CHANNEL)
    assert roster == Roster(frozenset({*seated, "U-OTHER-ORG", "U-HIDDEN"}))
    assert sorted(c.params["user"] for c in slack.calls_to("users.info")) == [
        "U-HIDDEN",
        "U-OTHER-ORG",
    ]


async def test_big_rosters_a_page_that_fails_loses_nobody(slack: SlackStandIn):
    """The third page fails: the members not on the two pages read are looked up one by
    one (the bot and the deactivated member among them, and still left out)."""
    seated = a_big_channel(slack, members=1000, workspace=3000)
    pages = 0
    listed = slack._users_list

    def users_list(params: dict) -> dict:
        nonlocal pages
        pages += 1
        if pages == 3:
            raise SlackError("internal_error")
        return listed(params)

    slack.respond_with("users.list", users_list)
    directory = directory_for(slack)

    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset(seated))
    on_pages_read = set(list(slack.users)[:400])
    looked_up = [call.params["user"] for call in slack.calls_to("users.info")]
    assert sorted(looked_up) == sorted(set(slack.channels[CHANNEL].members) - on_pages_read)
    assert {"U-HOOK", "U-LEFT"} <= set(looked_up)


async def test_big_rosters_a_lost_answer_is_asked_again(slack: SlackStandIn):
    seated = a_big_channel(slack, members=700, workspace=2100)
    slack.lose_answer_next("users.list")
    directory = directory_for(slack)

    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset(seated))
    assert slack.calls_to("users.info") == []


async def test_big_rosters_a_rate_limited_page_is_waited_out(slack: SlackStandIn):
    seated = a_big_channel(slack, members=700, workspace=2100)
    slack.rate_limit_next("users.list", retry_after=1)
    directory = directory_for(slack)

    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset(seated))
    assert slack.calls_to("users.info") == []


async def test_big_rosters_short_pages_are_read_to_the_end(slack: SlackStandIn):
    """Slack may send fewer than asked before the end: the cursor, not the count, says
    whether there is more."""
    seated = a_big_channel(slack, members=600, workspace=1800)
    slack.users_list_page_at_most = 150
    directory = directory_for(slack)

    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset(seated))
    assert slack.calls_to("users.info") == []


async def test_big_rosters_a_concern_round_in_a_big_channel_asks_everyone(bot: SlackBot):
    """Through the bot: a round in a channel of 1,200 asks all of them, the roster read
    in a few calls of users.list."""
    seated = people(bot.slack, 1200)
    bot.slack.set_members(CHANNEL_ID, [USER_ID, *seated, "U-HELPER", "U-GONE", "U-BOT"])
    await bot.command("/concerns", "#proposal we meet on Tuesdays from now on")
    await bot.handled(CommandInvoked, timeout=BIG_TABLE_WAIT)
    [posted] = await bot.slack.wait_for("chat.postMessage", timeout=BIG_TABLE_WAIT)
    assert "0 of 1200 answered" in shown_text(posted)  # everyone but the one who asked
    assert len(bot.calls("users.list")) == 7  # 1,207 people, 200 a page
    assert [c.params["user"] for c in bot.calls("users.info")] == []
