"""The database going away while Slack keeps talking: Slack got its ack long before,
so nothing may be lost without a word. Messages wait and are handled once it is back;
whoever sent a command, click or form is told, privately, that nothing was recorded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlmodel import Session, select

import bot.leases
from bot import health, homes, workspaces
from bot.health import HEALTH_WAIT_S
from bot.liveness import STUCK_AFTER, Heartbeat
from bot.models import AgreementRow, MemberRow, ProcessedEvent, WatchRow, now_utc
from rules.events import CommandInvoked, MessagePosted
from tests.helpers import eventually, through_with_dms
from tests.slack.conftest import (
    BOB,
    CAROL,
    OAUTH,
    SECRET,
    SlackBot,
    past_ts,
    running_through_an_outage,
    start_bot,
)
from tests.slack.test_dm_reminders import dm_of
from tests.slack.test_oauth import install
from tests.slack.test_rounds import click, start_round
from tests.slack.test_shared_channels import (
    BOB_EXT,
    BOT_B,
    HOME,
    PARTNER,
    PARTNER_TOKEN,
    add_installation,
    share_with_the_partner,
    through,
    watches,
)
from tests.standins.database_outage import DatabaseOutage
from tests.standins.slack_api import BOT_USER_ID
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    app_mention_event,
    event_callback,
    events_api_request,
    message_event,
    view_submission,
)

NOT_RECORDED = "nothing was recorded"
DAN_EXT = "U-DANEXT"


@pytest.fixture
async def down(slack, outage_url: str) -> AsyncIterator[tuple[SlackBot, DatabaseOutage]]:
    async with running_through_an_outage(slack, outage_url) as started:
        yield started


async def test_slack_messages_heard_while_the_database_is_down_are_handled_once_it_is_back(
    down, operator_log
):
    bot, outage = down
    outage.cut(bot.groundrules.database)
    problem = event_callback(message_event("#problem the build is red again", ts=past_ts()))
    assert (await bot.post(events_api_request(problem, SECRET))).status == 200
    await bot.event(message_event("#problem and staging is down", ts=past_ts(), user=BOB))
    await eventually(lambda: bot.runtime.kept == 3)  # the channel's roster, two messages
    with pytest.raises(Exception):  # noqa: B017 (whichever error the driver raises)
        await bot.tick()  # still down: they wait
    assert bot.runtime.kept == 3

    outage.restore()
    await bot.tick()
    nudges = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert {n.params["user"] for n in nudges} == {"U-ALICE", BOB}
    assert bot.runtime.kept == 0

    # Slack retrying the first one now (the same event id) changes nothing.
    await bot.post(events_api_request(problem, SECRET, retry_num=1))
    await eventually(lambda: bot.adapter.activity.counts["MessagePosted"] == 3)
    await bot.tick()
    assert len(bot.calls("chat.postEphemeral")) == 2
    with Session(bot.groundrules.database) as session:
        assert len(session.exec(select(WatchRow)).all()) == 2
        handled = session.exec(select(ProcessedEvent.event_id)).all()
    assert handled.count(problem["event_id"]) == 1

    written = operator_log.getvalue()
    assert written.count("database unreachable") == 1
    assert written.count("database reachable again") == 1
    assert "handled 3 event(s) kept while the database did not answer" in written
    assert "Traceback" not in written


async def test_slack_channel_id_change_heard_while_the_database_is_down_moves_the_table_later(
    down, operator_log
):
    """Slack says a channel's new id only once: heard during an outage, the move waits."""
    bot, outage = down
    old, new = "G-OPS", "C-OPS"
    bot.slack.add_channel(old, "ops", is_private=True, members=[USER_ID, BOB, CAROL, BOT_USER_ID])
    await bot.command("/agree", "pickups at 16:00 because the courier asked", channel_id=old)
    await bot.handled(CommandInvoked)
    await bot.tick()

    outage.cut(bot.groundrules.database)
    bot.slack.change_channel_id(old, new)
    changed = {"type": "channel_id_changed", "old_channel_id": old, "new_channel_id": new,
               "event_ts": "1612206778.000000"}  # fmt: skip
    assert (await bot.event(changed, event_id="Ev-ID-CHANGED")).status == 200
    await eventually(lambda: bot.runtime.kept == 2)  # the move, the new id's roster

    outage.restore()
    await bot.tick()
    assert bot.runtime.kept == 0
    with Session(bot.groundrules.database) as session:
        assert [a.channel for a in session.exec(select(AgreementRow)).all()] == [new]
    assert "Traceback" not in operator_log.getvalue()


@pytest.mark.parametrize(
    ("command", "text", "told"),
    [
        ("/agree", "we deploy on Tuesdays because Fridays break", NOT_RECORDED),
        ("/afspraak", "we deployen op dinsdag omdat vrijdag misgaat", "niets vastgelegd"),
    ],
)
async def test_slack_command_sent_while_the_database_is_down_is_answered_privately(
    down, operator_log, command: str, text: str, told: str
):
    bot, outage = down
    outage.cut(bot.groundrules.database)
    url = bot.slack.response_url()
    assert (await bot.command(command, text, response_url=url)).status == 200

    [answer] = await bot.slack.wait_for_response(url)
    assert told in answer["text"]
    assert answer["response_type"] == "ephemeral"
    outage.restore()
    await bot.tick()
    with Session(bot.groundrules.database) as session:
        assert session.exec(select(AgreementRow)).all() == []  # and it is not done later
    assert bot.calls("chat.postMessage") == []
    written = operator_log.getvalue()
    assert written.count("database unreachable") == 1
    assert "Traceback" not in written and "Failed to run" not in written


async def test_slack_click_and_form_sent_while_the_database_is_down_are_answered_privately(
    down,
):
    bot, outage = down
    posted = await start_round(bot, "#proposal we rotate on-call weekly")
    outage.cut(bot.groundrules.database)

    url = bot.slack.response_url()
    await click(bot, posted, "round_none", BOB, response_url=url)
    [answer] = await bot.slack.wait_for_response(url)
    assert NOT_RECORDED in answer["text"]

    # A form has no response_url: the answer comes by DM.
    await click(bot, posted, "round_concern", CAROL)
    [opened] = await bot.slack.wait_for("views.open")
    form = view_submission(
        "concern_modal", {"concern": {"value": "too fast"}},
        private_metadata=opened.params["view"]["private_metadata"], user_id=CAROL,
    )  # fmt: skip
    assert (await bot.interact(form)).status == 200
    [dm] = await bot.slack.wait_for("chat.postMessage", where=lambda p: NOT_RECORDED in p["text"])
    [opened_dm] = bot.calls("conversations.open")
    assert opened_dm.params["users"] == CAROL and dm.params["channel"].startswith("D")

    outage.restore()
    await bot.tick()
    assert bot.adapter.activity.counts[CommandInvoked.__name__] == 1
    assert bot.calls("chat.update") == []  # no answer counted


async def test_slack_a_dm_heard_while_the_database_is_down_is_answered_on_slacks_retry(down):
    """Words typed in the bot's DM during an outage: Alice is told nothing was recorded,
    and the first try claimed nothing, so Slack's retry, once the database is back,
    answers them; once (bot.dm_once)."""
    bot, outage = down
    dm = dm_of(bot, USER_ID)
    typed = message_event("Hello, what can I do here?", channel=dm, channel_type="im",
                          ts=past_ts(0))  # fmt: skip
    through = through_with_dms(bot.runtime)
    outage.cut(bot.groundrules.database)
    assert (await bot.event(typed, event_id="Ev-DM-DOWN")).status == 200
    [told] = await bot.slack.wait_for("chat.postMessage", where=lambda p: NOT_RECORDED in p["text"])
    assert told.params["channel"] == dm

    outage.restore()
    await bot.event(typed, event_id="Ev-DM-DOWN", retry_num=1)
    [answer] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: p["text"].startswith("Thanks for your message.")
    )
    await bot.event(typed, event_id="Ev-DM-DOWN", retry_num=2)
    await eventually(lambda: through() == 3)  # what a second answer would have needed
    assert [c for c in bot.calls("chat.postMessage") if c.params["channel"] == dm] == [
        told, answer
    ]  # fmt: skip


async def test_slack_livez_stays_200_while_the_database_is_down(down):
    """/healthz is readiness (the database answers), /livez liveness: the Slack adapter's
    own server answers both, and a database outage is no reason to restart the bot."""
    bot, outage = down
    # The heartbeat on a clock the test moves: how long the ticker was silent is the
    # test's to say, not how busy the machine was since the bot started.
    interval, seconds = bot.groundrules.settings.tick_interval, [0.0]
    bot.runtime.heartbeat = Heartbeat(interval, clock=lambda: seconds[0])
    assert (await bot.get("/healthz")).status == 200
    assert (await bot.get("/livez")).json() == {"ticker": "ticking", "silent_s": 0.0}
    outage.cut(bot.groundrules.database)
    assert (await bot.get("/healthz")).status == 503
    reply = await bot.get("/livez")
    assert (reply.status, reply.json()["ticker"]) == (200, "ticking")
    # A ticker silent for far longer than its interval is stuck, outage or not.
    seconds[0] += (interval + STUCK_AFTER).total_seconds() + 1
    reply = await bot.get("/livez")
    assert (reply.status, reply.json()["ticker"]) == (503, "stuck")


@pytest.mark.postgres
async def test_slack_healthz_answers_while_the_database_network_stalls(
    slack, postgres_url, monkeypatch
):
    """A stalled network held the health check's connection: no answer for over 15 s."""
    async with running_through_an_outage(slack, postgres_url) as (bot, outage):
        assert outage.proxy is not None
        assert (await bot.get("/healthz")).status == 200
        outage.proxy.stall()
        # As in production for the stalled check alone: a busy machine's database that
        # answers is not to be called unreachable before or after.
        monkeypatch.setattr(health, "HEALTH_WAIT_S", HEALTH_WAIT_S)
        started = time.monotonic()
        reply = await bot.get("/healthz")
        # Its own wait, with room for a busy machine; far from the stalled 15 s and more.
        assert time.monotonic() - started < HEALTH_WAIT_S + 5
        assert (reply.status, reply.json()) == (503, {"database": "unreachable"})
        monkeypatch.setattr(health, "HEALTH_WAIT_S", 60.0)
        outage.restore()
        assert (await bot.get("/healthz")).status == 200


async def test_slack_command_recorded_before_the_database_went_down_is_not_called_unrecorded(
    down, operator_log, monkeypatch
):
    """/agree is recorded; its announcement waits out Slack's rate limit, and the database
    goes down meanwhile. The announcement goes out; its being sent cannot be stored, but
    the agreement was: nobody is told "nothing was recorded" (and tempted to send it
    again), and the lease renewals that fail meanwhile do not each log a warning."""
    monkeypatch.setattr(bot.leases, "RENEW_EVERY", timedelta(seconds=0.2))
    bot_, outage = down
    bot_.slack.rate_limit_next("chat.postMessage", retry_after=2)
    url = bot_.slack.response_url()
    typed = asyncio.ensure_future(
        bot_.command("/agree", "we deploy on Tuesdays because Fridays break", response_url=url)
    )
    await bot_.slack.wait_for("chat.postMessage")  # the first try, answered 429
    outage.cut(bot_.groundrules.database)
    assert (await typed).status == 200
    await bot_.slack.wait_for("chat.postMessage", 2)  # sent after the wait
    await bot_.handled(CommandInvoked)

    assert bot_.slack.responses_to(url) == []
    written = operator_log.getvalue()
    assert written.count("database unreachable") == 1
    assert "renewing the leases" not in written and "Traceback" not in written
    outage.restore()
    with Session(bot_.groundrules.database) as session:
        assert [a.text for a in session.exec(select(AgreementRow))] == ["we deploy on Tuesdays"]


@pytest.fixture
async def oauth_down(slack, outage_url: str) -> AsyncIterator[tuple[SlackBot, DatabaseOutage]]:
    async with running_through_an_outage(slack, outage_url, **OAUTH) as started:
        yield started


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_oauth_installs_keep_serving_while_the_database_is_down(
    oauth_down, operator_log
):
    """The installs are in the same database: the token last read serves meanwhile, so
    messages are kept and commands are told nothing was recorded, as with one token."""
    bot, outage = oauth_down
    await install(bot)
    await bot.event(message_event("good morning", ts=past_ts()))
    await bot.handled(MessagePosted)
    await bot.tick()
    outage.cut(bot.groundrules.database)
    bot.adapter._oauth_database.dispose()  # the installs' own engine: its connections too

    assert (await bot.event(message_event("#problem the build is red", ts=past_ts()))).status == 200
    await eventually(lambda: bot.runtime.kept == 1)
    url = bot.slack.response_url()
    assert (await bot.command("/agree", "we deploy on Tuesdays", response_url=url)).status == 200
    [answer] = await bot.slack.wait_for_response(url)
    assert NOT_RECORDED in answer["text"]

    outage.restore()
    await bot.tick()
    assert bot.runtime.kept == 0
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    assert nudge.params["token"] == "xoxb-T-TEST-installed"
    written = operator_log.getvalue()
    assert written.count("database unreachable") == 1
    assert "reinstall" not in written and "Traceback" not in written


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_oauth_install_never_read_while_the_database_is_down_is_sent_again(
    oauth_down, operator_log
):
    """A workspace whose token this process has not read yet: Slack is answered with
    an error, so that it sends the event again, rather than told to reinstall the app."""
    bot, outage = oauth_down
    await add_installation(bot, "T-PARTNER", PARTNER_TOKEN, BOT_B)
    outage.cut(bot.groundrules.database)
    bot.adapter._oauth_database.dispose()  # the installs' own engine: its connections too

    said = message_event("#problem the build is red", ts=past_ts(), team="T-PARTNER")
    reply = await bot.event(said, event_id="Ev-FRESH", **through(PARTNER))
    assert reply.status >= 500
    assert "reinstall" not in reply.body
    url = bot.slack.response_url()
    typed = await bot.command("/agree", "we deploy on Tuesdays", response_url=url,
                              team_id="T-PARTNER")  # fmt: skip
    assert typed.status >= 500 and "reinstall" not in typed.body

    outage.restore()
    again = await bot.event(said, event_id="Ev-FRESH", retry_num=1, **through(PARTNER))
    assert again.status == 200
    await bot.handled(MessagePosted)
    written = operator_log.getvalue()
    assert written.count("database unreachable") == 1
    assert "Traceback" not in written and "reinstall" not in written


async def test_slack_uninstall_heard_while_the_database_is_down_is_stored_once_it_is_back(
    down, operator_log
):
    """Slack says it only once: heard during an outage, the workspace still counted as
    installed once the database was back (the removal was lost, and with it the grace
    period's deletion)."""
    bot, outage = down
    await bot.event(message_event("good morning", ts=past_ts()))
    await bot.handled(MessagePosted)
    outage.cut(bot.groundrules.database)
    await bot.event(message_event("#problem the build is red", ts=past_ts()))
    assert (await bot.event({"type": "app_uninstalled"})).status == 200
    await eventually(lambda: bot.runtime.kept == 2)  # the message, then the removal
    assert bot.runtime.has_removed(HOME)  # nothing is sent there meanwhile

    outage.restore()
    await bot.tick()
    assert bot.runtime.kept == 0
    assert HOME in workspaces.removed(bot.groundrules.database)
    # Heard before the removal: recorded, but its nudge is not sent to a workspace gone.
    assert [(w, c) for w, c, _ in watches(bot)] == [(HOME, CHANNEL_ID)]
    await bot.tick()
    assert bot.calls("chat.postEphemeral") == []
    written = operator_log.getvalue()
    assert written.count("database unreachable") == 1
    assert "removed from slack:T-TEST" in written and "Traceback" not in written


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_oauth_uninstall_heard_while_the_database_is_down_deletes_its_tokens_later(
    oauth_down, operator_log
):
    """Slack sends app_uninstalled and tokens_revoked once each: both are stored once the
    database answers. Installed again before they were, the workspace stays, new token
    and all."""
    bot, outage = oauth_down
    await install(bot)
    await bot.event(message_event("good morning", ts=past_ts()))
    await bot.handled(MessagePosted)
    outage.cut(bot.groundrules.database)
    bot.adapter._oauth_database.dispose()  # the installs' own engine: its connections too
    assert (await bot.event({"type": "app_uninstalled"})).status == 200
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": ["U-ADMIN"], "bot": [BOT_USER_ID]}}
    assert (await bot.event(revoked)).status == 200
    await eventually(lambda: bot.runtime.kept == 2)

    outage.restore()
    await bot.tick()
    assert bot.runtime.kept == 0
    assert HOME in workspaces.removed(bot.groundrules.database)
    installations = bot.adapter.installations
    assert installations is not None
    assert await installations.bot_token(HOME) is None

    # Uninstalled again while the database is down, installed again once it is back, all
    # before a tick: the removal is stored first, and the new install is kept.
    await install(bot)
    assert HOME not in workspaces.removed(bot.groundrules.database)
    outage.cut(bot.groundrules.database)
    bot.adapter._oauth_database.dispose()
    assert (await bot.event({"type": "app_uninstalled"})).status == 200
    assert (await bot.event(revoked)).status == 200
    await eventually(lambda: bot.runtime.kept == 2)
    outage.restore()
    await install(bot)
    assert bot.runtime.kept == 3  # the return waits behind the removal
    await bot.tick()
    assert bot.runtime.kept == 0
    assert HOME not in workspaces.removed(bot.groundrules.database)
    assert await installations.bot_token(HOME) == "xoxb-T-TEST-installed"
    written = operator_log.getvalue()
    assert "Traceback" not in written and "Failed to run" not in written


@pytest.fixture
async def shared_down(slack, outage_url: str) -> AsyncIterator[tuple[SlackBot, DatabaseOutage]]:
    """Both organisations installed the bot and share CHANNEL_ID, whose home (ours) an
    earlier process settled: this one, just started, has not read it."""
    async with running_through_an_outage(slack, outage_url, **OAUTH) as (bot, outage):
        await share_with_the_partner(bot)
        homes.settle(bot.groundrules.database, CHANNEL_ID, HOME, now_utc())
        yield bot, outage


async def cut_after_the_partner_spoke_elsewhere(bot: SlackBot, outage: DatabaseOutage) -> None:
    """The partner's token is read (in a channel of its own), the shared channel's home
    not; then the database goes."""
    bot.slack.set_members("C-PARTNER", [BOB_EXT, BOT_B])
    own = message_event("good morning", user=BOB_EXT, channel="C-PARTNER", team="T-PARTNER",
                        ts=past_ts(5))  # fmt: skip
    await bot.event(own, **through(PARTNER))
    await bot.handled(MessagePosted)
    outage.cut(bot.groundrules.database)
    bot.adapter._oauth_database.dispose()  # the installs' own engine: its connections too


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_connect_event_kept_through_an_outage_goes_to_its_homes_table(
    shared_down, operator_log
):
    """A restart, an outage, and the partner speaks first in the shared channel: its
    home could not be read, so the message was filed at the partner's own table."""
    bot, outage = shared_down
    await cut_after_the_partner_spoke_elsewhere(bot, outage)

    said = message_event("#problem the courier is late again", user=BOB_EXT, team="T-PARTNER",
                         ts=past_ts(4))  # fmt: skip
    assert (await bot.event(said, **through(PARTNER))).status == 200
    bot.slack.add_user(DAN_EXT, "dan-ext", real_name="Dan Partner")
    bot.slack.users[DAN_EXT].team_id = "T-PARTNER"
    joined = {"type": "member_joined_channel", "user": DAN_EXT, "channel": CHANNEL_ID,
              "channel_type": "C", "team": "T-PARTNER", "event_ts": "1700000000.5"}  # fmt: skip
    assert (await bot.event(joined, **through(PARTNER))).status == 200
    await eventually(lambda: bot.runtime.kept == 3)  # the channel's roster, message, joining

    outage.restore()
    await bot.tick()
    assert bot.runtime.kept == 0
    assert [(w, c) for w, c, _ in watches(bot)] == [(HOME, CHANNEL_ID)]
    with Session(bot.groundrules.database) as session:
        seated = session.exec(select(MemberRow).where(MemberRow.channel == CHANNEL_ID)).all()
    assert {m.workspace for m in seated} == {HOME}
    assert {BOB_EXT, DAN_EXT} <= {m.user for m in seated if m.active}
    assert "Traceback" not in operator_log.getvalue()


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_connect_mention_of_the_homes_groundrules_through_the_partner_is_kept(
    shared_down, operator_log
):
    """Alice's "@Groundrules agree …" names her organisation's bot user; Slack delivers it
    through the partner's installation. Which bot users are the app's is in the database:
    unread since the restart, the mention was lost."""
    bot, outage = shared_down
    await cut_after_the_partner_spoke_elsewhere(bot, outage)

    agree = "agree pickups at 16:00 because the courier asked"
    mention = app_mention_event(f"<@{BOT_USER_ID}> {agree}")
    assert (await bot.event(mention, **through(PARTNER))).status == 200
    await eventually(lambda: bot.runtime.kept == 2)  # the channel's roster, the command

    outage.restore()
    await bot.tick()
    assert bot.runtime.kept == 0
    with Session(bot.groundrules.database) as session:
        recorded = [(a.workspace, a.text) for a in session.exec(select(AgreementRow))]
    assert recorded == [(HOME, "pickups at 16:00")]
    written = operator_log.getvalue()
    assert "Traceback" not in written and "Failed to run" not in written


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_oauth_late_uninstall_kept_through_an_outage_keeps_the_install_since(
    oauth_down,
):
    """Slack's late retry of an uninstall from before the latest install, heard while the
    database is down: stored once it is back, it still counts from when it happened."""
    bot, outage = oauth_down
    await install(bot)
    uninstalled_at = int(now_utc().timestamp()) - 5
    outage.cut(bot.groundrules.database)
    bot.adapter._oauth_database.dispose()  # the installs' own engine: its connections too
    reply = await bot.event({"type": "app_uninstalled"}, event_time=uninstalled_at, retry_num=1)
    assert reply.status == 200
    await eventually(lambda: bot.runtime.kept == 1)

    outage.restore()
    await bot.tick()
    assert bot.runtime.kept == 0
    assert workspaces.removed(bot.groundrules.database) == {}
    assert not bot.runtime.has_removed(HOME)
    await bot.event(message_event("good morning", ts=past_ts()))
    await bot.handled(MessagePosted)


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_slack_events_and_uninstall_kept_through_an_outage_outlast_a_restart(
    slack, outage_url, operator_log
):
    """The bot was restarted (an orchestrator, a deploy) before the database answered
    again: the next process stores the message, the uninstall and the revoked tokens
    Slack sent once each, in order, once it does (bot.spool)."""
    with DatabaseOutage(outage_url) as outage:
        groundrules, runtime, adapter = await start_bot(slack, outage.url, **OAUTH)
        async with aiohttp.ClientSession() as http:
            bot = SlackBot(slack, groundrules, runtime, adapter, http)
            try:
                await install(bot)
                await bot.event(message_event("good morning", ts=past_ts()))
                await bot.handled(MessagePosted)
                outage.cut(groundrules.database)
                adapter._oauth_database.dispose()  # the installs' own engine too
                problem = message_event("#problem the build is red", ts=past_ts())
                await bot.event(problem)
                assert (await bot.event({"type": "app_uninstalled"})).status == 200
                revoked = {"type": "tokens_revoked", "tokens": {"bot": [BOT_USER_ID]}}
                assert (await bot.event(revoked)).status == 200
                await eventually(lambda: runtime.kept == 3)
            finally:  # the process ends: what it kept is on disk alone
                await adapter.stop()
                runtime.spool.close()
                groundrules.database.dispose()

        outage.restore()
        groundrules, runtime, adapter = await start_bot(slack, outage.url, **OAUTH)
        try:
            assert runtime.take_over_spool() == 3
            assert runtime.has_removed(HOME)  # nothing is sent there meanwhile
            await runtime.tick()
            assert runtime.kept == 0
            assert HOME in workspaces.removed(groundrules.database)
            assert adapter.installations is not None
            assert await adapter.installations.bot_token(HOME) is None
            with Session(groundrules.database) as session:
                watched = session.exec(select(WatchRow.workspace, WatchRow.channel)).all()
            assert watched == [(HOME, CHANNEL_ID)]
        finally:
            await adapter.stop()
            groundrules.database.dispose()
    written = operator_log.getvalue()
    assert "3 event(s) kept before a restart" in written
    assert "removed from slack:T-TEST" in written and "Traceback" not in written
