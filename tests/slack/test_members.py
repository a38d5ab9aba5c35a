"""Who sits at a table follows the channel; a mention speaks the command grammar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import Session, select

from adapters.slack.adapter import make_client
from adapters.slack.people import Directory, Roster
from bot import workspaces
from bot.models import AgreementRow, MemberRow, WatchRow, now_utc
from rules.events import (
    CommandInvoked,
    Event,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessagePosted,
    RosterSynced,
)
from tests.helpers import eventually
from tests.slack.conftest import (
    BOB,
    BOT_TOKEN,
    CAROL,
    WORKSPACE,
    SlackBot,
    past_ts,
    shown_text,
)
from tests.standins.slack_api import BOT_USER_ID, SlackStandIn
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, app_mention_event, message_event


def member_change(kind: str, user: str) -> dict:
    return {
        "type": kind, "user": user, "channel": CHANNEL_ID, "channel_type": "C",
        "team": "T-TEST", "event_ts": past_ts(),
    }  # fmt: skip


def active_members(bot: SlackBot) -> set[str]:
    bot.groundrules.store.flush()  # new members are buffered until the next write or tick
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(MemberRow).where(MemberRow.active)).all()
    return {row.user for row in rows}


async def test_slack_people_joining_and_leaving_change_the_table(bot: SlackBot):
    bot.slack.add_user("U-DAN", "dan", real_name="Dan")
    await bot.event(member_change("member_joined_channel", "U-DAN"))
    [joined] = await bot.handled(MemberJoined)
    assert joined.user == "U-DAN"
    assert active_members(bot) == {"U-DAN"}

    await bot.event(member_change("member_joined_channel", "U-HELPER"))  # a bot: not a member
    await bot.event(member_change("member_left_channel", "U-DAN"))
    await bot.handled(MemberLeft)
    assert bot.adapter.activity.counts["MemberJoined"] == 1
    assert active_members(bot) == set()


async def test_slack_someone_joining_whose_lookup_failed_sits_at_the_table(bot: SlackBot):
    await bot.event(message_event("hello", ts=past_ts()))  # the roster, read
    await bot.handled(MessagePosted)
    bot.slack.add_user("U-DAN", "dan", real_name="Dan")
    bot.slack.set_members(CHANNEL_ID, [*bot.slack.channels[CHANNEL_ID].members, "U-DAN"])
    bot.slack.fail_next("users.info", "internal_error", matching={"user": "U-DAN"})
    await bot.event(member_change("member_joined_channel", "U-DAN"))
    [joined] = await bot.handled(MemberJoined)
    assert joined.user == "U-DAN"
    assert active_members(bot) == {"U-ALICE", BOB, CAROL, "U-DAN"}

    await bot.event(message_event("welcome, Dan", ts=past_ts()))  # Dan is looked up again
    await bot.handled(MessagePosted, 2)
    assert len(bot.calls("conversations.members")) == 2
    assert [c.params["user"] for c in bot.calls("users.info")].count("U-DAN") == 2


async def test_slack_people_joining_or_leaving_while_the_roster_is_read_are_not_undone(
    bot: SlackBot,
):
    """The first message has the channel's members read. Slack answers before Dan joins
    and Carol leaves, but the answer arrives after: the roster must not undo either."""
    bot.slack.add_user("U-DAN", "dan", real_name="Dan")
    answered = bot.slack.hold("conversations.members")
    await bot.event(message_event("hello", ts=past_ts()))
    await bot.slack.wait_for("conversations.members")  # answered: Alice, Bob, Carol
    there = bot.slack.channels[CHANNEL_ID].members
    bot.slack.set_members(CHANNEL_ID, [*(m for m in there if m != CAROL), "U-DAN"])
    await bot.event(member_change("member_joined_channel", "U-DAN"))
    await bot.event(member_change("member_left_channel", CAROL))
    await bot.handled(MemberJoined)
    await bot.handled(MemberLeft)

    answered.set()
    await bot.handled(MessagePosted)
    assert [e.members for e in await bot.handled(RosterSynced)] == [{USER_ID, BOB, "U-DAN"}]
    assert active_members(bot) == {USER_ID, BOB, "U-DAN"}


async def test_slack_bot_invited_to_a_channel_takes_in_everyone_there(bot: SlackBot):
    await bot.event(member_change("member_joined_channel", BOT_USER_ID))
    [synced] = await bot.handled(RosterSynced)
    assert synced.channel == CHANNEL_ID
    assert active_members(bot) == {"U-ALICE", BOB, "U-CAROL"}

    # Already seen: the first message does not sync again.
    await bot.event(message_event("hello", ts=past_ts()))
    await bot.handled(MessagePosted)
    assert len(bot.calls("conversations.members")) == 1


async def test_slack_a_failed_lookup_loses_neither_the_member_nor_the_rest_of_the_roster(
    bot: SlackBot,
):
    bot.slack.fail_next("users.info", "internal_error", matching={"user": BOB})
    await bot.command("/concerns", "#proposal we publish the minutes by Friday")
    await bot.handled(CommandInvoked)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert "0 of 2 answered; waiting for Bob and Carol Chen." in shown_text(posted)
    assert active_members(bot) == {"U-ALICE", BOB, "U-CAROL"}


async def test_slack_a_member_whose_lookup_failed_is_looked_up_again(bot: SlackBot):
    # Slack would have said U-HELPER is a bot; not knowing, the table keeps it for now.
    bot.slack.fail_next("users.info", "internal_error", matching={"user": "U-HELPER"})
    await bot.event(message_event("hello", ts=past_ts(0.3)))
    await bot.handled(MessagePosted)
    assert active_members(bot) == {"U-ALICE", BOB, "U-CAROL", "U-HELPER"}

    await bot.event(message_event("hello again", ts=past_ts(0.2)))  # read again
    await bot.handled(MessagePosted, 2)
    assert active_members(bot) == {"U-ALICE", BOB, "U-CAROL"}
    await bot.event(message_event("and again", ts=past_ts(0.1)))  # all known: not again
    await bot.handled(MessagePosted, 3)
    assert len(bot.calls("conversations.members")) == 2


async def test_slack_a_failed_lookup_keeps_what_was_known_of_the_member(slack: SlackStandIn):
    now = 0.0
    client = make_client(BOT_TOKEN, slack.url)

    async def client_for(workspace: str) -> AsyncWebClient:
        return client

    directory = Directory(client_for, ttl=60.0, clock=lambda: now)
    everyone = frozenset({"U-ALICE", BOB, CAROL})
    assert await directory.roster(WORKSPACE, CHANNEL_ID) == Roster(everyone)

    now = 120.0  # all read again; two lookups fail
    slack.add_user("U-NEW", "nina", real_name="Nina New")
    slack.set_members(CHANNEL_ID, [*slack.channels[CHANNEL_ID].members, "U-NEW"])
    for user in ("U-HELPER", "U-NEW"):
        slack.fail_next("users.info", "internal_error", matching={"user": user})
    # The helper is still the bot it was; the newcomer, unknown, is at the table unnamed.
    assert await directory.roster(WORKSPACE, CHANNEL_ID) == Roster(
        everyone | {"U-NEW"}, unsure=frozenset({"U-HELPER", "U-NEW"})
    )
    # Not remembered unnamed: the next lookup asks Slack again.
    assert await directory.names(WORKSPACE, ["U-NEW"]) == {"U-NEW": "Nina New"}


async def test_slack_mention_in_a_thread_records_an_agreement_there(bot: SlackBot):
    mention = app_mention_event(
        f"<@{BOT_USER_ID}> agree We pair on releases because two see more", thread_ts="1.000001"
    )
    await bot.event(mention)
    [command] = await bot.handled(CommandInvoked)
    assert (command.name, command.thread_id) == ("groundrules", "1.000001")
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert announced.params["thread_ts"] == "1.000001"
    assert "Agreement #1: We pair on releases" in shown_text(announced)


def watched(bot: SlackBot) -> list[str]:
    with Session(bot.groundrules.database) as session:
        return [w.problem_id for w in session.exec(select(WatchRow)).all()]


async def test_slack_a_mention_command_is_not_read_as_chat_too(bot: SlackBot):
    """Slack sends "@Groundrules agree … because …" as a message and as an app_mention:
    the command records the agreement; the message is no chat line, so the why (here
    a problem) opens no problem and its author is never nudged about their command."""
    text = (f"<@{BOT_USER_ID}> agree no deploys on Friday because #problem the pipeline "
            "keeps failing")  # fmt: skip
    ts = past_ts()
    await bot.event(message_event(text, ts=ts))
    await bot.event(app_mention_event(text, ts=ts))
    await bot.handled(CommandInvoked)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert "Agreement #1: no deploys on Friday" in shown_text(announced)
    await bot.event(message_event("lunch?", ts=past_ts(0.5)))
    said = await bot.handled(MessagePosted)

    assert [e.text for e in said] == ["lunch?"]
    assert watched(bot) == []
    await bot.tick()
    assert bot.calls("chat.postEphemeral") == []


async def test_slack_an_edited_mention_command_is_not_run_again(bot: SlackBot):
    """Fixing a typo in "@Groundrules agree …": Slack sends the app_mention again (a
    new event id, `edited`) and the message's change. The agreement stands as first
    recorded, once; its author is told, privately in the thread, how to change it."""
    ts, thread = past_ts(30), "1.000001"
    typed = f"<@{BOT_USER_ID}> agree We pair on relaeses because two see more"
    await bot.event(app_mention_event(typed, ts=ts, thread_ts=thread))
    await bot.handled(CommandInvoked)
    await bot.slack.wait_for("chat.postMessage")

    fixed = typed.replace("relaeses", "releases")
    edit = {"user": USER_ID, "ts": past_ts(1)}
    await bot.event(app_mention_event(fixed, ts=ts, thread_ts=thread, edited=edit))
    await bot.event({
        "type": "message", "subtype": "message_changed", "hidden": True,
        "channel": CHANNEL_ID, "channel_type": "channel", "ts": past_ts(1), "event_ts": past_ts(1),
        "message": {"type": "message", "user": USER_ID, "text": fixed, "ts": ts,
                    "thread_ts": thread, "edited": edit},
        "previous_message": {"type": "message", "user": USER_ID, "text": typed, "ts": ts,
                             "thread_ts": thread},
    })  # fmt: skip
    [_, again] = await bot.handled(CommandInvoked, 2)
    assert again.edited
    [told] = await bot.slack.wait_for("chat.postEphemeral")
    assert (told.params["user"], told.params["thread_ts"]) == (USER_ID, thread)
    assert shown_text(told).startswith(
        "I act on a command when it is sent, not when it is edited: your edit changed nothing."
    )
    assert "/review revise" in shown_text(told)
    await bot.event(message_event("lunch?", ts=past_ts(0.5)))
    await bot.handled(MessagePosted)

    assert bot.adapter.activity.counts["MessageEdited"] == 0
    assert len(bot.calls("chat.postMessage")) == 1
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(AgreementRow)).all()
    assert [(r.number, r.text) for r in rows] == [(1, "We pair on relaeses")]


async def test_slack_bare_mention_shows_the_ground_rules_privately(bot: SlackBot):
    await bot.event(app_mention_event(f"<@{BOT_USER_ID}>"))
    await bot.handled(CommandInvoked)
    [answer] = await bot.slack.wait_for("chat.postEphemeral")
    assert "Our ground rules" in answer.params["text"]
    assert bot.calls("chat.postMessage") == []


@pytest.mark.parametrize(
    ("said", "answer"),
    [("ground rules please?", "Our ground rules"), ("agreed!", "Our ground rules"),
     ("regels?", "Onze spelregels"), ("hulp?", "Onze spelregels")],
)  # fmt: skip
async def test_slack_mention_asking_for_the_rules_gets_them(bot: SlackBot, said, answer):
    await bot.event(app_mention_event(f"<@{BOT_USER_ID}> {said}"))
    await bot.handled(CommandInvoked)
    [shown] = await bot.slack.wait_for("chat.postEphemeral")
    assert shown.params["text"].startswith(answer)


@pytest.mark.parametrize("said", ["hulp", "spelregels", "wat zijn onze afspraken?"])
async def test_slack_dutch_help_by_mention_is_answered_in_dutch(bot: SlackBot, said: str):
    await bot.event(app_mention_event(f"<@{BOT_USER_ID}> {said}"))
    await bot.handled(CommandInvoked)
    [answer] = await bot.slack.wait_for("chat.postEphemeral")
    assert "Onze spelregels" in answer.params["text"]


async def test_slack_dutch_help_through_groundrules_is_answered_in_dutch(bot: SlackBot):
    """The English manifest's way: /groundrules hulp."""
    await bot.command("/groundrules", "hulp")
    await bot.handled(CommandInvoked)
    [answer] = await bot.slack.wait_for("chat.postEphemeral")
    assert "Onze spelregels" in answer.params["text"]
    assert "/groundrules spelregels" in answer.params["text"]  # the English manifest's way


@pytest.mark.parametrize(
    ("said", "answer"),
    [("", "Onze spelregels"), ("?", "Onze spelregels"), ("mandaten?", "Mandaten aan deze tafel"),
     ("rapport", "Verslag van deze tafel"), ("mandates?", "Mandates at this table"),
     ("wie heeft welk mandaat?", "Mandaten aan deze tafel"),
     ("who has which mandate?", "Mandates at this table")],
)  # fmt: skip
async def test_slack_mention_without_a_language_answers_in_the_members_own(
    bot: SlackBot, said: str, answer: str
):
    """Bob's Slack locale is nl-NL: where his words show no language he is answered in
    Dutch; another form of a command's name reaches that command."""
    await bot.event(app_mention_event(f"<@{BOT_USER_ID}> {said}", user=BOB))
    await bot.handled(CommandInvoked)
    [shown] = await bot.slack.wait_for("chat.postEphemeral")
    assert shown.params["text"].startswith(answer)


async def test_slack_groundrules_alone_answers_in_the_members_own_language(bot: SlackBot):
    await bot.command("/groundrules", user_id=BOB)
    await bot.handled(CommandInvoked)
    [answer] = await bot.slack.wait_for("chat.postEphemeral")
    assert answer.params["text"].startswith("Onze spelregels")


async def test_slack_uninstalling_the_app_marks_the_workspace_removed(bot: SlackBot):
    """One workspace, one token: Slack says the app was uninstalled; the data waits out
    the grace period (GROUNDRULES_REMOVED_RETENTION) before it is deleted."""
    await bot.event(message_event("#problem the build is red", ts=past_ts()))
    await bot.handled(MessagePosted)
    assert (await bot.event({"type": "app_uninstalled"})).status == 200

    def removed() -> bool:
        return "slack:T-TEST" in workspaces.removed(bot.groundrules.database)

    await eventually(removed)
    await bot.runtime.forget_removed_workspaces(now_utc())
    assert active_members(bot)  # kept for now
    await bot.runtime.forget_removed_workspaces(now_utc() + timedelta(days=31))
    assert active_members(bot) == set()
    assert not removed()


async def test_slack_a_revoked_bot_token_is_answered_and_told_to_the_operator(
    bot: SlackBot, caplog
):
    caplog.set_level("ERROR", logger="adapters.slack.listeners")
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}}
    assert (await bot.event(revoked)).status == 200  # handled: Slack does not retry

    def told() -> bool:
        return "reinstall the app and set a new SLACK_BOT_TOKEN" in caplog.text

    await eventually(told)
    assert "xoxb" not in caplog.text


async def test_slack_a_deleted_message_reaches_the_service(bot: SlackBot, monkeypatch):
    """Slack's message_deleted becomes MessageDeleted for the engine (which withdraws
    the problem the message named and forgets its proposal)."""
    seen: list[Event] = []
    service = bot.groundrules.service
    handle = service.handle

    def recording(event: Event):
        seen.append(event)
        return handle(event)

    monkeypatch.setattr(service, "handle", recording)
    ts = past_ts()
    await bot.event(message_event("#problem my salary issue with Bob", ts=ts))
    await bot.handled(MessagePosted)
    await bot.event({
        "type": "message", "subtype": "message_deleted", "hidden": True,
        "channel": CHANNEL_ID, "channel_type": "channel", "ts": past_ts(0.1),
        "deleted_ts": ts, "event_ts": past_ts(0.1),
        "previous_message": {"type": "message", "user": "U-ALICE", "ts": ts,
                             "text": "#problem my salary issue with Bob"},
    })  # fmt: skip
    [gone] = await bot.handled(MessageDeleted)
    assert (gone.channel, gone.message_id, gone.thread_id) == (CHANNEL_ID, ts, None)
    assert [type(e).__name__ for e in seen][-1] == "MessageDeleted"
    assert seen[-1] == gone
