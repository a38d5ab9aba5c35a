"""Prove the Slack stand-ins work with the real slack-bolt and slack_sdk.

Each test runs the production code paths: an ``AsyncApp`` served over
loopback HTTP by its own aiohttp ``web_app()`` (or connected over Socket
Mode), whose ``AsyncWebClient`` talks to ``SlackStandIn``. Nothing inside
slack-bolt or slack_sdk is mocked. Listener side effects happen after Bolt's
ack, so they are asserted with the stand-in's bounded ``wait_for``.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.standins.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID, SlackStandIn
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    BoltAppServer,
    block_actions,
    event_callback,
    events_api_request,
    interactive_request,
    message_event,
    message_shortcut,
    slash_command,
    slash_command_request,
    url_verification,
    view_submission,
)
from tests.standins.slack_socket_mode import SlackSocketModeStandIn

SIGNING_SECRET = "standin-signing-secret"
BOT_TOKEN = "xoxb-standin-bot-token"
APP_TOKEN = "xapp-1-standin-app-token"


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as standin:
        standin.add_user(USER_ID, "alice", real_name="Alice Example")
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=slack.url)


@pytest.fixture
def app(client: AsyncWebClient) -> AsyncApp:
    # The token lives in the client: Bolt ignores token= (with a warning)
    # whenever client= is given too.
    return AsyncApp(client=client, signing_secret=SIGNING_SECRET)


@pytest.fixture
async def server(app: AsyncApp) -> AsyncIterator[BoltAppServer]:
    async with BoltAppServer(app) as bolt_server:
        yield bolt_server


# ---------------------------------------------------------------------- HTTP mode


async def test_message_event_reaches_listener_that_posts(
    slack: SlackStandIn, app: AsyncApp, server: BoltAppServer
) -> None:
    @app.message("hello")
    async def greet(message: dict[str, Any], say: AsyncSay) -> None:
        await say(f"Hi <@{message['user']}>", thread_ts=message["ts"])

    event = message_event("hello there")
    reply = await server.post(events_api_request(event_callback(event), SIGNING_SECRET))

    assert reply.status == 200
    [post] = await slack.wait_for("chat.postMessage")
    assert post.params["channel"] == CHANNEL_ID
    assert post.params["text"] == f"Hi <@{USER_ID}>"
    assert post.params["thread_ts"] == event["ts"]
    assert post.params["token"] == BOT_TOKEN
    # Bolt authorizes with one auth.test and caches the result.
    assert len(slack.calls_to("auth.test")) == 1
    [stored] = slack.messages_in(CHANNEL_ID)
    assert stored["user"] == BOT_USER_ID


async def test_retried_event_runs_the_listener_again(
    slack: SlackStandIn, app: AsyncApp, server: BoltAppServer
) -> None:
    @app.message("hello")
    async def greet(say: AsyncSay) -> None:
        await say("Hi")

    body = event_callback(message_event("hello"))
    first = await server.post(events_api_request(body, SIGNING_SECRET))
    retry = await server.post(events_api_request(body, SIGNING_SECRET, retry_num=1))

    assert (first.status, retry.status) == (200, 200)
    # Bolt does not deduplicate on event_id: that is the app's job.
    await slack.wait_for("chat.postMessage", count=2)


async def test_url_verification_echoes_the_challenge(server: BoltAppServer) -> None:
    reply = await server.post(events_api_request(url_verification("abc123"), SIGNING_SECRET))

    assert reply.status == 200
    assert reply.json() == {"challenge": "abc123"}


async def test_slash_command_is_acked_with_a_reply(
    slack: SlackStandIn, app: AsyncApp, server: BoltAppServer
) -> None:
    @app.command("/groundrules")
    async def rules(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack(f"Rules for {command['channel_name']}: {command['text']}")

    reply = await server.post(
        slash_command_request(slash_command("/groundrules", "list"), SIGNING_SECRET)
    )

    assert reply.status == 200
    assert reply.body == "Rules for general: list"
    assert reply.headers["Content-Type"].startswith("text/plain")


async def test_block_action_updates_the_bots_message(
    slack: SlackStandIn, app: AsyncApp, client: AsyncWebClient, server: BoltAppServer
) -> None:
    posted = await client.chat_postMessage(channel=CHANNEL_ID, text="Approve the new rule?")

    @app.action("approve")
    async def approve(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        container = body["container"]
        await client.chat_update(
            channel=container["channel_id"],
            ts=container["message_ts"],
            text=f"Approved by <@{body['user']['id']}>",
            blocks=[],
        )

    payload = block_actions("approve", value="rule-7", message_ts=posted["ts"])
    reply = await server.post(interactive_request(payload, SIGNING_SECRET))

    assert reply.status == 200
    [update] = await slack.wait_for("chat.update")
    assert update.params["ts"] == posted["ts"]
    assert update.params["blocks"] == []
    assert slack.messages[(CHANNEL_ID, posted["ts"])]["text"] == f"Approved by <@{USER_ID}>"


async def test_view_submission_answers_with_field_errors(
    app: AsyncApp, server: BoltAppServer
) -> None:
    @app.view("report")
    async def report(ack: AsyncAck, view: dict[str, Any]) -> None:
        reason = view["state"]["values"]["reason"]["text"]["value"]
        if len(reason) < 10:
            await ack(response_action="errors", errors={"reason": "Say a bit more."})
        else:
            await ack()

    payload = view_submission("report", {"reason": {"text": "rude"}})
    reply = await server.post(interactive_request(payload, SIGNING_SECRET))

    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": {"reason": "Say a bit more."}}


async def test_message_shortcut_opens_a_modal(
    slack: SlackStandIn, app: AsyncApp, server: BoltAppServer
) -> None:
    @app.message_shortcut("flag")
    async def flag(ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(
            trigger_id=shortcut["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "report",
                "private_metadata": shortcut["message_ts"],
                "title": {"type": "plain_text", "text": "Flag message"},
                "blocks": [],
            },
        )

    payload = message_shortcut("flag", message_text="you are all idiots")
    reply = await server.post(interactive_request(payload, SIGNING_SECRET))

    assert reply.status == 200
    [opened] = await slack.wait_for("views.open")
    assert opened.params["trigger_id"] == payload["trigger_id"]
    assert opened.params["view"]["callback_id"] == "report"
    assert opened.params["view"]["private_metadata"] == payload["message_ts"]


@pytest.mark.parametrize("defect", ["bad_signature", "stale"])
async def test_unverifiable_requests_get_401(
    defect: str, slack: SlackStandIn, app: AsyncApp, server: BoltAppServer
) -> None:
    @app.message("hello")
    async def greet(say: AsyncSay) -> None:
        await say("Hi")

    body = event_callback(message_event("hello"))
    reply = await server.post(events_api_request(body, SIGNING_SECRET, **{defect: True}))

    assert reply.status == 401
    assert reply.json() == {"error": "invalid request"}
    # Verification runs before authorization: Slack's API is never touched.
    assert slack.calls == []


# ---------------------------------------------------------------------- Web API behaviour


# random.seed(139) makes the next random.random() return 0.0015.
_SEED_WITH_SMALL_FIRST_DRAW = 139


@pytest.fixture
def no_retry_jitter() -> Iterator[None]:
    """Seed the global PRNG so the retry handler's random 0-1 s jitter is tiny.

    AsyncRateLimitErrorRetryHandler sleeps ``Retry-After + random.random()``
    seconds. Seeding changes no slack_sdk code; it only makes that draw small
    and repeatable so the test stays fast. The global state is restored after.
    """
    state = random.getstate()
    random.seed(_SEED_WITH_SMALL_FIRST_DRAW)
    assert random.random() < 0.01
    random.seed(_SEED_WITH_SMALL_FIRST_DRAW)
    try:
        yield
    finally:
        random.setstate(state)


async def test_rate_limit_raises_without_a_retry_handler(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    slack.rate_limit_next("chat.postMessage", retry_after=0)

    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=CHANNEL_ID, text="hi")

    assert caught.value.response.status_code == 429
    assert caught.value.response["error"] == "ratelimited"
    assert caught.value.response.headers["Retry-After"] == "0"
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_rate_limit_is_retried_by_the_retry_handler(
    slack: SlackStandIn, no_retry_jitter: None
) -> None:
    client = AsyncWebClient(
        token=BOT_TOKEN,
        base_url=slack.url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.rate_limit_next("chat.postMessage", retry_after=0)

    response = await client.chat_postMessage(channel=CHANNEL_ID, text="hi")

    assert response["ok"] is True
    assert len(slack.calls_to("chat.postMessage")) == 2


async def test_programmed_failure_then_success(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.fail_next("chat.postMessage", "not_in_channel")

    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=CHANNEL_ID, text="hi")
    assert caught.value.response["error"] == "not_in_channel"

    first = await client.chat_postMessage(channel=CHANNEL_ID, text="hi")
    second = await client.chat_postMessage(channel=CHANNEL_ID, text="again")
    assert first["ts"] == "1700000000.000100"
    assert second["ts"] > first["ts"]


async def test_a_trigger_opens_a_view_only_within_its_lifetime(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []}
    # Slack's lifetime is TRIGGER_LIFETIME_S; one longer than a busy machine can stall
    # shows the same, with a trigger issued before it began.
    lifetime = 60.0
    slack.issue_trigger("old-trigger", ago=lifetime + 1)
    assert (await client.views_open(trigger_id="old-trigger", view=view))["ok"]  # by default

    slack.trigger_lifetime = lifetime
    with pytest.raises(SlackApiError) as caught:
        await client.views_open(trigger_id="old-trigger", view=view)
    assert caught.value.response["error"] == "expired_trigger_id"
    slack.issue_trigger("fresh-trigger")
    assert (await client.views_open(trigger_id="fresh-trigger", view=view))["ok"]
    assert (await client.views_open(trigger_id="never-issued", view=view))["ok"]


async def test_programmed_failure_for_some_params_only(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    slack.add_user("U-BOB", "bob")
    slack.add_user("U-CAROL", "carol")
    slack.fail_next("users.info", "internal_error", matching={"user": "U-CAROL"})

    assert (await client.users_info(user="U-BOB"))["user"]["id"] == "U-BOB"
    with pytest.raises(SlackApiError) as caught:
        await client.users_info(user="U-CAROL")
    assert caught.value.response["error"] == "internal_error"
    assert (await client.users_info(user="U-CAROL"))["user"]["id"] == "U-CAROL"


async def test_conversations_members_paginates(slack: SlackStandIn, client: AsyncWebClient) -> None:
    members = [f"U-MEMBER{i}" for i in range(5)]
    slack.set_members(CHANNEL_ID, members)

    # slack_sdk's async iterator yields the *same* response object, mutated
    # per page: take what you need from each page inside the loop.
    response = await client.conversations_members(channel=CHANNEL_ID, limit=2)
    pages = [page["members"] async for page in response]

    assert pages == [members[0:2], members[2:4], members[4:5]]
    assert response["response_metadata"]["next_cursor"] == ""
    cursors = [call.params.get("cursor") for call in slack.calls_to("conversations.members")]
    assert cursors[0] is None and all(cursors[1:])


async def test_users_list_pages_the_whole_workspace(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    slack.add_user("U-GONE", "gone", deleted=True, locale="nl-NL")
    everyone = list(slack.users)  # the bot, Slackbot, Alice and a deleted member

    response = await client.users_list(limit=3, include_locale=True)
    pages = [list(page["members"]) async for page in response]
    assert [[user["id"] for user in page] for page in pages] == [everyone[0:3], everyone[3:4]]
    [[gone]] = pages[1:]
    assert (gone["deleted"], gone["locale"]) == (True, "nl-NL")
    assert response["response_metadata"]["next_cursor"] == ""
    assert "locale" not in (await client.users_list(limit=1))["members"][0]  # not asked for

    # A page may hold fewer than asked before the end; the cursor still says there is more.
    slack.users_list_page_at_most = 2
    short = await client.users_list(limit=3)
    assert (len(short["members"]), bool(short["response_metadata"]["next_cursor"])) == (2, True)

    # Without a limit Slack tries to send everyone, and refuses a large workspace.
    slack.users_list_page_at_most = None
    assert len((await client.users_list())["members"]) == 4
    for n in range(1000):
        slack.add_user(f"U-{n:04d}")
    with pytest.raises(SlackApiError, match="limit_required"):
        await client.users_list()


# slack_sdk's oauth_v2_access still builds an aiohttp.BasicAuth, which aiohttp
# 3.14 deprecates; that is upstream code, not the stand-in's.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_workspace_lookups(slack: SlackStandIn, client: AsyncWebClient) -> None:
    auth = await client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == (TEAM_ID, BOT_USER_ID, BOT_ID)

    alice = await client.users_info(user=USER_ID)
    bot = await client.users_info(user=BOT_USER_ID)
    assert alice["user"]["real_name"] == "Alice Example"
    assert (alice["user"]["is_bot"], bot["user"]["is_bot"]) == (False, True)
    with pytest.raises(SlackApiError, match="user_not_found"):
        await client.users_info(user="U-NOBODY")

    dm = await client.conversations_open(users=USER_ID)
    assert dm["channel"]["id"].startswith("D")
    posted = await client.chat_postMessage(channel=USER_ID, text="psst")
    assert posted["channel"] == dm["channel"]["id"]

    install = await AsyncWebClient(base_url=slack.url).oauth_v2_access(
        client_id="111.222", client_secret="shh", code="the-code"
    )
    assert install["token_type"] == "bot"
    assert install["team"] == {"id": TEAM_ID, "name": "Groundrules Test"}
    assert install["enterprise"] is None
    oauth_call = slack.calls_to("oauth.v2.access")[0]
    assert (oauth_call.params["client_id"], oauth_call.params["code"]) == ("111.222", "the-code")


async def test_wait_for_reports_what_was_called(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    await client.auth_test()

    with pytest.raises(AssertionError, match=r"(?s)chat\.postMessage.*got 0.*auth\.test"):
        await slack.wait_for("chat.postMessage", timeout=0.05)


# ---------------------------------------------------------------------- Socket Mode


@pytest.fixture
async def socket_mode(slack: SlackStandIn) -> AsyncIterator[SlackSocketModeStandIn]:
    async with SlackSocketModeStandIn(slack) as standin:
        yield standin


@pytest.fixture
async def handler(
    slack: SlackStandIn, app: AsyncApp, socket_mode: SlackSocketModeStandIn
) -> AsyncIterator[AsyncSocketModeHandler]:
    socket_handler = AsyncSocketModeHandler(
        app, APP_TOKEN, web_client=AsyncWebClient(base_url=slack.url)
    )
    await socket_handler.connect_async()
    try:
        yield socket_handler
    finally:
        await socket_handler.close_async()


async def test_socket_mode_event_is_acked_and_handled(
    slack: SlackStandIn,
    app: AsyncApp,
    socket_mode: SlackSocketModeStandIn,
    handler: AsyncSocketModeHandler,
) -> None:
    @app.message("hello")
    async def greet(say: AsyncSay) -> None:
        await say("Hi over the socket")

    await socket_mode.wait_connected()
    ack = await socket_mode.request_event(event_callback(message_event("hello")))

    assert set(ack) == {"envelope_id"}
    [post] = await slack.wait_for("chat.postMessage")
    assert post.params["text"] == "Hi over the socket"
    [connect] = slack.calls_to("apps.connections.open")
    assert connect.params["token"] == APP_TOKEN


async def test_socket_mode_slash_command_ack_carries_the_reply(
    app: AsyncApp, socket_mode: SlackSocketModeStandIn, handler: AsyncSocketModeHandler
) -> None:
    @app.command("/groundrules")
    async def rules(ack: AsyncAck) -> None:
        await ack("Be kind.")

    ack = await socket_mode.request_slash_command(slash_command("/groundrules"))

    assert ack["payload"] == {"text": "Be kind."}


async def test_socket_mode_reconnects_on_disconnect_request(
    slack: SlackStandIn, socket_mode: SlackSocketModeStandIn, handler: AsyncSocketModeHandler
) -> None:
    await socket_mode.send_disconnect()

    await socket_mode.wait_connected(count=2)
    assert len(slack.calls_to("apps.connections.open")) == 2


async def test_socket_mode_rejects_a_bot_token(
    slack: SlackStandIn, socket_mode: SlackSocketModeStandIn
) -> None:
    client = AsyncWebClient(base_url=slack.url)

    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await client.apps_connections_open(app_token=BOT_TOKEN)
