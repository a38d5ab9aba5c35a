"""A Slack channel archived or deleted ends its table's open work there: its concern
round is withdrawn without a post (its asker told by DM), its reminders cancelled, and
the problems waiting there are no longer nudged about. Slack's event says so; when the
bot missed it (it was down), the first post Slack refuses there says so instead."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select

from adapters.slack.manifest import FILES
from bot import channels_left
from bot.models import AgreementRow, RoundRow, TimerRow
from rules.events import ConcernAnswered, PlaceBack, PlaceDeleted
from tests.helpers import eventually
from tests.slack.conftest import BOB, CAROL, WORKSPACE, Processes, SlackBot, shown_text
from tests.slack.test_meetings import end_meeting
from tests.slack.test_members import member_change
from tests.slack.test_nudge import problem, watches
from tests.slack.test_rounds import click, start_round
from tests.standins.slack_api import BOT_USER_ID
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

ROOT = Path(__file__).resolve().parents[2]
REMIND_NOW = pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(0), "max_reminders": 1}], ids=["remind-now"]
)
PROPOSAL = "#proposal we rotate on-call weekly, tell <!channel>"


def channel_event(kind: str, channel: str = CHANNEL_ID) -> dict:
    """What Slack sends when a member archives, unarchives or deletes a channel."""
    event = {"type": kind, "channel": channel, "event_ts": f"{time.time():.6f}"}
    if not kind.endswith("_deleted"):
        event["user"] = USER_ID
    return event


def rounds(bot: SlackBot) -> list[tuple[str, str | None]]:
    with Session(bot.groundrules.database) as session:
        return [(r.status, r.outcome) for r in session.exec(select(RoundRow)).all()]


def dms(bot: SlackBot, user: str | None = None) -> list:
    """What the bot sent by DM (to `user`)."""
    to = bot.slack._dm_channel([user]).id if user else None
    return [
        c
        for c in bot.calls("chat.postMessage")
        if c.params["channel"][0] == "D" and to in (None, c.params["channel"])
    ]


async def told_by_dm(bot: SlackBot, user: str = USER_ID):
    dm = bot.slack._dm_channel([user]).id
    [told] = await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"] == dm)
    return told


def posts_in_channel(bot: SlackBot) -> list:
    return [
        c
        for method in ("chat.postMessage", "chat.update")
        for c in bot.calls(method)
        if c.params["channel"] == CHANNEL_ID
    ]


@REMIND_NOW
@pytest.mark.parametrize("kind", ["channel_archive", "group_archive"])
async def test_slack_archived_channel_ends_its_round_without_a_post_and_tells_its_asker(
    bot: SlackBot, kind: str
):
    await start_round(bot, PROPOSAL)
    before = len(posts_in_channel(bot))
    bot.slack.archive_channel(CHANNEL_ID)
    reply = await bot.event(channel_event(kind))
    assert reply.status == 200
    [gone] = await bot.handled(PlaceDeleted)
    assert (gone.channel, gone.archived) == (CHANNEL_ID, True)

    text = shown_text(await told_by_dm(bot))
    assert "has ended without a summary: its channel was archived" in text
    assert "tell @channel" in text and "<!channel>" not in text  # quoted, pinging nobody
    assert rounds(bot) == [("withdrawn", "withdrawn")]

    # Nothing more in the channel, and nobody is reminded of the round.
    await bot.tick()
    await bot.retry_undelivered()
    assert len(posts_in_channel(bot)) == before
    assert dms(bot) == dms(bot, USER_ID) and len(dms(bot)) == 1


@pytest.mark.parametrize("kind", ["channel_deleted", "group_deleted"])
async def test_slack_deleted_channel_withdraws_its_waiting_problems(bot: SlackBot, kind: str):
    ts = await problem(bot)
    bot.slack.delete_channel(CHANNEL_ID)
    await bot.event(channel_event(kind))
    [gone] = await bot.handled(PlaceDeleted)
    assert (gone.channel, gone.archived) == (CHANNEL_ID, False)
    assert watches(bot) == {ts: "withdrawn"}

    await bot.tick()  # the problem window is long over: it would have nudged by now
    assert not bot.calls("chat.postEphemeral")
    assert not dms(bot)


@REMIND_NOW
async def test_slack_a_post_refused_as_archived_ends_the_work_when_no_event_came(bot: SlackBot):
    """Archived while the bot was down: the first refused post there ends the round as
    the event would have, once; what is refused there is set aside, not tried again."""
    posted = await start_round(bot, PROPOSAL)
    bot.slack.archive_channel(CHANNEL_ID)  # and no channel_archive reaches the bot

    await click(bot, posted, "round_none", BOB)  # clicked as the channel was archived
    await bot.handled(ConcernAnswered)
    [gone] = await bot.handled(PlaceDeleted)
    assert (gone.workspace, gone.channel, gone.archived) == ("slack:T-TEST", CHANNEL_ID, True)
    assert "its channel was archived" in shown_text(await told_by_dm(bot))
    assert rounds(bot) == [("withdrawn", "withdrawn")]

    refused = len(bot.calls("chat.update"))
    await bot.tick()
    assert await bot.retry_undelivered() == 0  # set aside, not retried
    assert len(bot.calls("chat.update")) == refused
    served = await bot.get("/metrics")  # counted with Slack's reason
    assert 'kind="UpdateRoundProgress",platform="slack",reason="is_archived"' in served.body
    assert not dms(bot, CAROL)  # not reminded
    assert len(dms(bot, USER_ID)) == 1
    assert bot.adapter.activity.counts["PlaceDeleted"] == 1


@REMIND_NOW
async def test_slack_a_refused_dm_ends_no_work(bot: SlackBot):
    """is_archived for a DM says a person's account is deactivated: their table goes
    on."""
    await start_round(bot, PROPOSAL)
    bot.slack.fail_next("chat.postMessage", "is_archived", times=2)
    await bot.tick()  # the reminders by DM, refused
    await bot.slack.wait_for("chat.postMessage", 3)
    assert bot.adapter.activity.counts["PlaceDeleted"] == 0
    assert rounds(bot) == [("open", None)]


async def test_slack_a_private_channel_the_bot_was_removed_from_is_not_taken_for_deleted(
    bot: SlackBot,
):
    """Slack answers channel_not_found in a private channel the bot is not in, as in one
    deleted: heard removed, the bot does not take the one for the other."""
    posted = await start_round(bot, PROPOSAL)
    await bot.event(member_change("member_left_channel", BOT_USER_ID))
    await noted_removed(bot)
    await answered_where_slack_refuses(bot, posted)
    await bot.tick()
    assert bot.adapter.activity.counts["PlaceDeleted"] == 0
    assert rounds(bot) == [("open", None)]


async def noted_removed(bot: SlackBot, *, removed: bool = True) -> None:
    """Wait for the bot's own leaving (or joining) to be noted: Bolt replies to an event
    before its listener is done."""

    def noted() -> bool:
        return channels_left.was_removed(bot.groundrules.database, WORKSPACE, CHANNEL_ID) == removed

    await eventually(noted)


async def answered_where_slack_refuses(bot: SlackBot, posted) -> None:
    """Bob answers the round; its progress post is refused as Slack refuses it in a
    private channel the bot is not in, as in one deleted."""
    bot.slack.fail_next("chat.update", "channel_not_found")
    bot.slack.fail_next("conversations.info", "channel_not_found", times=3)
    await click(bot, posted, "round_none", BOB)
    await bot.handled(ConcernAnswered)
    await bot.slack.wait_for("chat.update")


async def test_slack_a_removal_heard_before_a_restart_still_keeps_the_tables_work(
    processes: Processes,
):
    """The removal is heard once, by one process: the bot started again later does not
    take the channel for deleted either."""
    one = await processes.start()
    posted = await start_round(one, PROPOSAL)
    await one.event(member_change("member_left_channel", BOT_USER_ID))
    await noted_removed(one)
    await processes.stop(one)

    two = await processes.start()  # the bot restarted
    await answered_where_slack_refuses(two, posted)
    await two.tick()
    assert two.adapter.activity.counts["PlaceDeleted"] == 0
    assert rounds(two) == [("open", None)]


async def test_slack_a_removal_heard_by_one_process_keeps_the_work_in_another(
    processes: Processes,
):
    one = await processes.start()
    two = await processes.start()
    posted = await start_round(one, PROPOSAL)
    await one.event(member_change("member_left_channel", BOT_USER_ID))
    await noted_removed(one)
    await answered_where_slack_refuses(two, posted)
    assert two.adapter.activity.counts["PlaceDeleted"] == 0
    assert rounds(two) == [("open", None)]


async def test_slack_invited_back_after_a_restart_a_deleted_channel_ends_its_work(
    processes: Processes,
):
    """Back in the channel, the removal is forgotten everywhere: the channel deleted
    later, while the bot was down, ends its table's work at the first refusal."""
    one = await processes.start()
    posted = await start_round(one, PROPOSAL)
    await one.event(member_change("member_left_channel", BOT_USER_ID))
    await noted_removed(one)
    await one.event(member_change("member_joined_channel", BOT_USER_ID))
    await noted_removed(one, removed=False)
    await processes.stop(one)

    two = await processes.start()
    await answered_where_slack_refuses(two, posted)
    await two.handled(PlaceDeleted)
    assert rounds(two) == [("withdrawn", "withdrawn")]


async def test_slack_unarchived_channel_is_a_channel_again(bot: SlackBot):
    """Unarchived, the round that ended stays ended (its asker was told); a refusal
    there later ends the work of that time again."""
    await start_round(bot, PROPOSAL)
    bot.slack.archive_channel(CHANNEL_ID)
    await bot.event(channel_event("channel_archive"))
    await bot.handled(PlaceDeleted)
    bot.slack.archive_channel(CHANNEL_ID, archived=False)
    assert (await bot.event(channel_event("channel_unarchive"))).status == 200
    assert rounds(bot) == [("withdrawn", "withdrawn")]

    bot.slack.clear_calls()
    posted = await start_round(bot, "#proposal we meet on Mondays")
    bot.slack.archive_channel(CHANNEL_ID)  # archived again while the bot was down
    await click(bot, posted, "round_none", BOB)
    await bot.handled(PlaceDeleted, 2)
    assert sorted(rounds(bot)) == [("withdrawn", "withdrawn")] * 2


@pytest.mark.parametrize("name", FILES.values())
def test_slack_manifests_hear_channels_archived_deleted_and_unarchived(name):
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    events = data["settings"]["event_subscriptions"]["bot_events"]
    for kind in ("channel", "group"):
        for what in ("archive", "deleted", "unarchive"):
            assert f"{kind}_{what}" in events
    assert {"channels:read", "groups:read"} <= set(data["oauth_config"]["scopes"]["bot"])


def pending_timers(bot: SlackBot) -> list[str]:
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(TimerRow).where(TimerRow.fired_at.is_(None))).all()  # type: ignore[union-attr]
        return sorted(row.kind for row in rows)


async def test_slack_archived_channel_stops_reviews_and_renewals_and_unarchived_resumes_reviews(
    bot: SlackBot,
):
    """Archived: nobody is asked to renew a mandate for that table any more, and its
    agreements' reviews are not posted into it (they stay on record). Brought back:
    its agreements are in force there again, and their reviews come as before."""
    await end_meeting(bot, agreements=("We stand up at 9 because short days",))
    assert pending_timers(bot) == ["renewal_reminder", "review"]
    bot.slack.archive_channel(CHANNEL_ID)
    await bot.event(channel_event("channel_archive"))
    await bot.handled(PlaceDeleted)
    assert pending_timers(bot) == []
    with Session(bot.groundrules.database) as session:
        assert [a.status for a in session.exec(select(AgreementRow)).all()] == ["current"]

    bot.slack.archive_channel(CHANNEL_ID, archived=False)
    await bot.event(channel_event("channel_unarchive"))
    await bot.handled(PlaceBack)
    assert pending_timers(bot) == ["review"]


@pytest.mark.parametrize("bot_settings", [{"round_deadline": timedelta(seconds=1)}], ids=["1s"])
async def test_slack_a_summary_refused_in_a_channel_archived_unheard_reaches_its_starter_by_dm(
    bot: SlackBot,
):
    """The bot missed the archive: the round closes at its deadline as ever, Slack
    refuses its summary in the channel, and whoever asked for the round gets it by DM
    instead (as on Discord), so what the round came to is not lost."""
    await start_round(bot, PROPOSAL)
    bot.slack.archive_channel(CHANNEL_ID)  # while the bot was not listening
    bot.slack.clear_calls()
    await asyncio.sleep(1.1)
    await bot.tick()  # the deadline: the summary, refused
    await bot.handled(PlaceDeleted)
    told = await told_by_dm(bot)
    text = shown_text(told)
    assert "has closed, but its channel was archived or deleted" in text
    assert f"<#{CHANNEL_ID}>" in told.params["text"]
    assert "we rotate on-call weekly" in text
    assert "<!channel>" not in told.params["text"]  # the proposal's words ping nobody
    assert rounds(bot) == [("closed", "deadline")]
