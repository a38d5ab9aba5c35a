"""Many workspaces: OAuth installs kept in the project's database, one token per
workspace, and each workspace's data apart."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import unquote

import aiohttp
import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import text
from sqlmodel import Session, select

from adapters.slack import BOT_SCOPES
from bot import workspaces
from bot.models import WatchRow, now_utc
from rules.events import CommandInvoked, MessagePosted
from tests.helpers import eventually
from tests.slack.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    OAUTH,
    SlackBot,
    past_ts,
    running,
    start_bot,
)
from tests.standins.slack_api import BOT_USER_ID
from tests.standins.slack_requests import message_event

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
async def oauth_bot(slack, database_url) -> AsyncIterator[SlackBot]:
    slack.set_members("C-TWO", ["U-ALICE", BOT_USER_ID])
    async with running(slack, database_url, **OAUTH) as bot:
        yield bot


async def install(bot: SlackBot) -> None:
    page = await bot.get("/slack/install")
    assert page.status == 200
    state = re.search(r"state=([\w-]+)", page.body).group(1)
    assert f"client_id={CLIENT_ID}" in page.body
    done = await bot.get(
        f"/slack/oauth_redirect?code=the-code&state={state}",
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    )
    assert done.status == 200, done.body


async def test_slack_oauth_install_stores_the_token_and_serves_the_workspace(oauth_bot: SlackBot):
    bot = oauth_bot
    await install(bot)
    [exchange] = bot.calls("oauth.v2.access")
    assert (exchange.params["client_id"], exchange.params["code"]) == (CLIENT_ID, "the-code")
    with bot.groundrules.database.connect() as connection:
        tokens = connection.execute(text("SELECT team_id, bot_token FROM slack_bots")).all()
    assert tokens == [("T-TEST", "xoxb-T-TEST-installed")]

    await bot.event(message_event("#problem the build is red", ts=past_ts()))
    await bot.handled(MessagePosted)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    assert nudge.params["token"] == "xoxb-T-TEST-installed"


async def test_slack_oauth_install_asks_for_the_scopes_of_the_manifest(oauth_bot: SlackBot):
    """An install through /slack/install asks for what the manifest asks for: reading
    the words typed in the bot's DM (im:history) among them."""
    page = await oauth_bot.get("/slack/install")
    [asked] = re.findall(r"[?;]scope=([^&\"]+)", page.body)  # "&amp;scope=" in the page
    assert unquote(asked).split(",") == list(BOT_SCOPES)
    assert "im:history" in BOT_SCOPES


async def test_slack_oauth_workspaces_keep_their_data_apart(oauth_bot: SlackBot):
    bot = oauth_bot
    await install(bot)
    second = Installation(
        app_id="A-TEST", team_id="T-TWO", team_name="Two", bot_token="xoxb-T-TWO-installed",
        bot_id="B-TWO", bot_user_id=BOT_USER_ID, bot_scopes="chat:write", user_id="U-ADMIN",
    )  # fmt: skip
    assert bot.adapter.installations is not None
    await bot.adapter.installations.async_save(second)

    await bot.event(message_event("#problem one", ts=past_ts()))
    await bot.event(
        message_event("#problem two", ts=past_ts(), channel="C-TWO", team="T-TWO"),
        team_id="T-TWO",
    )
    await bot.handled(MessagePosted, 2)
    with Session(bot.groundrules.database) as session:
        rows = {(w.workspace, w.channel) for w in session.exec(select(WatchRow)).all()}
    assert rows == {("slack:T-TEST", "C-GENERAL"), ("slack:T-TWO", "C-TWO")}

    await bot.tick()
    nudges = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert {(n.params["channel"], n.params["token"]) for n in nudges} == {
        ("C-GENERAL", "xoxb-T-TEST-installed"),
        ("C-TWO", "xoxb-T-TWO-installed"),
    }


async def test_slack_oauth_events_from_a_workspace_that_never_installed_do_nothing(
    oauth_bot: SlackBot,
):
    reply = await oauth_bot.event(message_event("#problem hi", ts=past_ts()))
    assert reply.status in (200, 401)
    await oauth_bot.tick()
    assert oauth_bot.adapter.activity.counts == {}
    assert oauth_bot.calls("chat.postEphemeral") == []


async def test_slack_oauth_uninstall_drops_the_token_and_keeps_the_data_a_while(
    oauth_bot: SlackBot,
):
    bot = oauth_bot
    await install(bot)
    await bot.event(message_event("#problem the build is red", ts=past_ts()))
    await bot.handled(MessagePosted)

    reply = await bot.event({"type": "app_uninstalled"})
    assert reply.status == 200

    def removed() -> bool:
        return "slack:T-TEST" in workspaces.removed(bot.groundrules.database)

    await eventually(removed)
    with bot.groundrules.database.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM slack_bots")).scalar_one() == 0
    with Session(bot.groundrules.database) as session:
        assert session.exec(select(WatchRow.workspace)).all() == ["slack:T-TEST"]

    # Installed again: the first message back cancels the removal.
    await install(bot)
    await bot.event(message_event("good morning again", ts=past_ts(0)))
    await bot.handled(MessagePosted, 2)
    assert not removed()


async def test_slack_oauth_revoked_bot_token_is_deleted_and_the_workspace_stays(
    oauth_bot: SlackBot,
):
    """Slack revoked the bot's token without an uninstall: it is deleted, as Bolt's own
    listener does; the workspace has not removed the bot."""
    bot = oauth_bot
    await install(bot)
    await bot.event(message_event("good morning", ts=past_ts()))
    await bot.handled(MessagePosted)

    def bots() -> int:
        with bot.groundrules.database.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM slack_bots")).scalar_one()

    assert bots() == 1
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}}
    assert (await bot.event(revoked)).status == 200
    await eventually(lambda: bots() == 0)
    assert workspaces.removed(bot.groundrules.database) == {}


async def test_slack_oauth_reinstall_cancels_the_removal_before_anyone_posts(
    oauth_bot: SlackBot,
):
    bot = oauth_bot
    await install(bot)
    await bot.event(message_event("#problem the build is red", ts=past_ts()))
    await bot.handled(MessagePosted)
    await bot.event({"type": "app_uninstalled"})
    await eventually(lambda: "slack:T-TEST" in workspaces.removed(bot.groundrules.database))

    # Installed again by the admin, and nobody has posted since: the install alone
    # brings the workspace back.
    await install(bot)
    assert "slack:T-TEST" not in workspaces.removed(bot.groundrules.database)

    await bot.tick()  # the problem's window has passed: its nudge goes out
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    assert nudge.params["token"] == "xoxb-T-TEST-installed"

    # A month on, with nothing said in between, its data is still there.
    await bot.runtime.forget_removed_workspaces(now_utc() + timedelta(days=31))
    assert [k.workspace for k in workspaces.known(bot.groundrules.database)] == ["slack:T-TEST"]


async def test_slack_oauth_install_that_fails_to_store_keeps_the_token_out_of_the_log(
    oauth_bot: SlackBot, operator_log
):
    bot = oauth_bot
    refuse_writes = {  # the install's write fails (live: a full disk, a lock timeout ...)
        "sqlite": "CREATE TRIGGER refuse BEFORE INSERT ON slack_installations "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END",
        "postgresql": "ALTER TABLE slack_installations "
        "ADD CONSTRAINT refuse CHECK (false) NOT VALID",
    }
    database = bot.groundrules.database
    with database.begin() as connection:
        connection.execute(text(refuse_writes[database.dialect.name]))
    page = await bot.get("/slack/install")
    state = re.search(r"state=([\w-]+)", page.body).group(1)
    await bot.get(
        f"/slack/oauth_redirect?code=the-code&state={state}",
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    )
    written = operator_log.getvalue()
    assert "INSERT INTO slack_installations" in written  # told, without its parameters
    assert "xoxb-" not in written


def issuing(token: str):
    """Slack's answer to an install, with `token`: each install has a token of its own."""

    def answer(params):
        return {"app_id": "A-TEST", "authed_user": {"id": "U-ALICE"}, "scope": "chat:write",
                "token_type": "bot", "access_token": token, "bot_user_id": BOT_USER_ID,
                "team": {"id": "T-TEST", "name": "Test"}, "enterprise": None,
                "is_enterprise_install": False}  # fmt: skip

    return answer


@pytest.fixture
async def two_processes(slack, database_url) -> AsyncIterator[tuple[SlackBot, SlackBot]]:
    """Two OAuth `groundrules run slack` on one database; Slack sends each event (and a
    load balancer each install) to one of them."""
    started = [await start_bot(slack, database_url, migrate=not n, **OAUTH) for n in range(2)]
    async with aiohttp.ClientSession() as http:
        try:
            yield tuple(SlackBot(slack, *parts, http) for parts in started)  # type: ignore[misc]
        finally:
            for groundrules, _runtime, adapter in started:
                await adapter.stop()
                groundrules.database.dispose()


async def uninstalled(heard: SlackBot) -> None:
    await heard.event({"type": "app_uninstalled"})
    await eventually(lambda: "slack:T-TEST" in workspaces.removed(heard.groundrules.database))


async def test_slack_oauth_installed_again_through_another_process_the_new_token_serves(
    slack, two_processes: tuple[SlackBot, SlackBot]
):
    """Uninstalled and installed again through one process: Slack revoked the old token.
    Another process, which served the workspace with it, takes up the new one the first
    time Slack refuses the old, and what it was asked to do is done."""
    here, other = two_processes
    slack.respond_with("oauth.v2.access", issuing("xoxb-OLD"))
    await install(here)
    await other.command("/groundrules", "help")
    await other.handled(CommandInvoked)

    await uninstalled(here)
    slack.revoke_token("xoxb-OLD")
    slack.respond_with("oauth.v2.access", issuing("xoxb-NEW"))
    await install(here)

    await other.command("/agree", "")
    opened = await slack.wait_for("views.open", 2)
    assert [call.params["token"] for call in opened] == ["xoxb-OLD", "xoxb-NEW"]
    await other.command("/groundrules", "help")
    await other.handled(CommandInvoked, 2)
    assert tokens_after(slack, opened[-1]) == {"xoxb-NEW"}


def tokens_after(slack, call) -> set[str]:
    """The tokens of the Web API calls after `call`."""
    later = slack.calls[slack.calls.index(call) + 1 :]
    return {each.params["token"] for each in later if each.params.get("token")}


async def test_slack_oauth_back_through_another_process_channels_are_read_again(
    slack, two_processes: tuple[SlackBot, SlackBot]
):
    """Who was in a channel before the removal may have changed while the bot was away:
    a process that finds the workspace back reads a channel's members again."""
    here, other = two_processes
    await install(here)
    await other.event(message_event("good morning", ts=past_ts()))
    await other.handled(MessagePosted)
    assert len(slack.calls_to("conversations.members")) == 1

    await uninstalled(here)
    await other.tick()  # reads the removal
    await install(here)
    await other.tick()  # and that it is over

    await other.event(message_event("good morning again", ts=past_ts(0)))
    await other.handled(MessagePosted, 2)
    assert len(slack.calls_to("conversations.members")) == 2


async def test_slack_oauth_install_that_fails_keeps_the_code_and_secret_out_of_the_log(
    oauth_bot: SlackBot, operator_log
):
    """Bolt logs a failed exchange "with code: <code>" at WARNING (and the request, code
    included, at DEBUG): a code is good for one exchange with the client secret."""
    bot = oauth_bot
    bot.slack.client_secret = "not-ours"  # Slack refuses the exchange
    page = await bot.get("/slack/install")
    state = re.search(r"state=([\w-]+)", page.body).group(1)
    await bot.get(
        f"/slack/oauth_redirect?code=1234.5678.c0ffee&state={state}",
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    )
    written = operator_log.getvalue()
    assert "WARNING adapters.slack.bolt: Failed to fetch oauth.v2.access result" in written
    assert "with code: [redacted] - error" in written
    assert "1234.5678.c0ffee" not in written
    assert CLIENT_SECRET not in written


def slack_bots(bot: SlackBot) -> list[tuple[str | None, str | None]]:
    with bot.groundrules.database.connect() as connection:
        rows = connection.execute(text("SELECT enterprise_id, team_id FROM slack_bots"))
        return [tuple(row) for row in rows]


async def test_slack_oauth_late_retry_of_an_uninstall_keeps_the_install_made_since(
    oauth_bot: SlackBot, operator_log
):
    """Slack retries an `app_uninstalled` with the time it happened: the admin installed
    the app again meanwhile, so the new token stays and the workspace is not removed."""
    bot = oauth_bot
    await install(bot)
    uninstalled_at = int(now_utc().timestamp()) - 5
    await install(bot)  # installed again; only then Slack's retry of the uninstall
    reply = await bot.event({"type": "app_uninstalled"}, event_time=uninstalled_at, retry_num=1)
    assert reply.status == 200
    # Bolt answers before its listener is done: the bot's log says when it is.
    await eventually(lambda: "it stays installed" in operator_log.getvalue())

    assert set(slack_bots(bot)) == {(None, "T-TEST")}  # the newest install serves
    assert workspaces.removed(bot.groundrules.database) == {}
    await bot.event(message_event("good morning", ts=past_ts()))
    await bot.handled(MessagePosted)


async def test_slack_oauth_late_retry_of_a_revocation_keeps_the_install_made_since(
    oauth_bot: SlackBot, operator_log
):
    bot = oauth_bot
    await install(bot)
    revoked_at = int(now_utc().timestamp()) - 5
    await install(bot)  # a new token; then Slack's retry of the revocation before it
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}}
    assert (await bot.event(revoked, event_time=revoked_at, retry_num=1)).status == 200
    await eventually(lambda: "the new one stays" in operator_log.getvalue())

    assert set(slack_bots(bot)) == {(None, "T-TEST")}  # the newest install serves
    await bot.event(message_event("good morning", ts=past_ts()))
    await bot.handled(MessagePosted)


async def test_slack_oauth_revoked_org_wide_install_is_deleted(oauth_bot: SlackBot):
    """Enterprise Grid, installed org-wide (one bot for every workspace of the org, no
    team): Slack revokes its token with a workspace of the org in the envelope."""
    bot = oauth_bot
    assert bot.adapter.installations is not None
    await bot.adapter.installations.async_save(
        Installation(
            app_id="A-TEST", enterprise_id="E-ORG", team_id=None, is_enterprise_install=True,
            bot_token="xoxb-E-ORG", bot_id="B-BOT", bot_user_id=BOT_USER_ID,
            bot_scopes="chat:write", user_id="U-ADMIN",
        )
    )  # fmt: skip
    assert slack_bots(bot) == [("E-ORG", None)]
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}}
    reply = await bot.event(revoked, team_id="T-ONE", enterprise_id="E-ORG",
                            is_enterprise_install=True)  # fmt: skip
    assert reply.status == 200
    await eventually(lambda: slack_bots(bot) == [])
