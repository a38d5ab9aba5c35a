"""Roles over months in Slack: a holder who left the channel is shown as gone and their
role is taken over with /role assign; a role is given up and, while it owns a current
agreement, not removed."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import RoleRow
from rules.events import CommandInvoked, MemberLeft
from tests.slack.conftest import BOB, CAROL, SlackBot, past_ts, shown_text
from tests.standins.slack_requests import CHANNEL_ID, USER_ID


def holders(bot: SlackBot) -> list[tuple[str, str | None]]:
    with Session(bot.groundrules.database) as session:
        return [(r.name, r.holder) for r in session.exec(select(RoleRow)).all()]


async def test_slack_a_role_whose_holder_left_is_taken_over_given_up_and_kept(bot: SlackBot):
    for n, line in enumerate(("add captain runs the release", f"assign captain <@{BOB}>"), 1):
        await bot.command("/role", line)
        await bot.handled(CommandInvoked, n)
    await bot.command("/agree", "We tag releases because rollbacks owner role captain")
    await bot.handled(CommandInvoked, 3)
    bot.slack.set_members(CHANNEL_ID, [USER_ID, CAROL, "U-BOT"])
    await bot.event(
        {"type": "member_left_channel", "user": BOB, "channel": CHANNEL_ID,
         "channel_type": "G", "team": "T-TEST", "event_ts": past_ts()}
    )  # fmt: skip
    await bot.handled(MemberLeft)
    bot.slack.clear_calls()

    await bot.command("/roles", user_id=CAROL)
    await bot.handled(CommandInvoked, 4)
    [listed] = await bot.slack.wait_for("chat.postEphemeral")
    assert "captain: runs the release. Holder: vacant (Bob left the table); owns 1 agreement." in (
        shown_text(listed)
    )

    await bot.command("/role", f"assign captain <@{CAROL}>", user_id=CAROL)
    await bot.handled(CommandInvoked, 5)
    # Bob hears of it by DM (his channel is no longer his); the channel sees the handover.
    posted = await bot.slack.wait_for("chat.postMessage", 2)
    [handed] = [c for c in posted if c.params["channel"] == CHANNEL_ID]
    assert shown_text(handed).splitlines()[0] == (
        "Role captain handed over from Bob to Carol Chen, with its tasks: runs the release"
    )
    assert holders(bot) == [("captain", CAROL)]

    await bot.command("/rol", "neerleggen captain", user_id=CAROL)
    await bot.handled(CommandInvoked, 6)
    [*_, given_up] = await bot.slack.wait_for("chat.postMessage", 3)
    assert given_up.params["channel"] == CHANNEL_ID
    assert shown_text(given_up).startswith("Carol Chen heeft de rol captain neergelegd")
    assert holders(bot) == [("captain", None)]

    bot.slack.clear_calls()
    await bot.command("/role", "remove captain", user_id=CAROL)
    await bot.handled(CommandInvoked, 7)
    [refused] = await bot.slack.wait_for("chat.postEphemeral")
    assert refused.params["user"] == CAROL
    assert shown_text(refused).splitlines()[:2] == [
        "The role captain owns these current agreements, so it stays:",
        "#1 We tag releases",
    ]
    assert holders(bot) == [("captain", None)] and bot.calls("chat.postMessage") == []
