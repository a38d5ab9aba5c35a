"""Through the real Slack app: a yes taken back by an edit, or a concern deleted, is
what the table's offer to record a proposal goes by (message_changed, message_deleted),
and a proposal reworded in substance counts no yes given to its earlier words."""

from __future__ import annotations

from rules.events import MessageDeleted, MessageEdited, MessagePosted
from tests.slack.conftest import BOB, CAROL, SlackBot, past_ts, shown_text
from tests.slack.test_nudge import edit_of
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, message_event

DAN = "U-DAN"


def deletion_of(ts: str, text: str, user: str) -> dict:
    """A ``message_deleted`` event: `user`'s message `ts` is gone."""
    return {
        "type": "message", "subtype": "message_deleted", "hidden": True,
        "channel": CHANNEL_ID, "channel_type": "channel", "ts": past_ts(0.1),
        "deleted_ts": ts, "event_ts": past_ts(0.1),
        "previous_message": {"type": "message", "user": user, "ts": ts, "text": text},
    }  # fmt: skip


async def offer_once_bobs_concern_is_deleted(bot: SlackBot, said: str, concern: str) -> None:
    """Bob deletes his concern (`said`, its text `concern`): Carol and Dan, most of the
    table, are offered the proposal, and the one offer names them alone."""
    await bot.event(deletion_of(said, concern, BOB))
    await bot.handled(MessageDeleted)
    offers = await bot.slack.wait_for("chat.postMessage")
    shown = [shown_text(offer) for offer in offers]
    assert len(shown) == 1, shown
    assert "Carol Chen" in shown[0] and "Dan Dekker" in shown[0]
    assert "Bob" not in shown[0]


async def test_slack_a_yes_edited_into_a_concern_is_never_named_and_its_deletion_frees_the_offer(
    bot: SlackBot,
):
    bot.slack.add_user(DAN, "dan", real_name="Dan Dekker")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, DAN, "U-BOT"])
    await bot.event(message_event("#proposal we verplaatsen de standup naar 10 uur", ts=past_ts(5)))
    yes = past_ts(4)
    await bot.event(message_event("#agreement akkoord", user=BOB, ts=yes))
    await bot.handled(MessagePosted, 2)
    taken_back = "#concern toch niet, 10 uur botst met school"
    await bot.event(edit_of(yes, taken_back, "#agreement akkoord", user=BOB))
    await bot.handled(MessageEdited)
    await bot.event(message_event("#agreement prima", user=CAROL, ts=past_ts(3)))
    await bot.event(message_event("#agreement ok", user=DAN, ts=past_ts(2)))
    await bot.handled(MessagePosted, 4)
    # Bob's concern holds the offer back; deleted, Carol and Dan are most of the table.
    await offer_once_bobs_concern_is_deleted(bot, yes, taken_back)


async def test_slack_a_proposal_reworded_in_substance_asks_again_and_its_old_yes_is_not_named(
    bot: SlackBot,
):
    bot.slack.add_user(DAN, "dan", real_name="Dan Dekker")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, DAN, "U-BOT"])
    proposal, before = past_ts(5), "#proposal we meet once a week"
    await bot.event(message_event(before, ts=proposal))
    await bot.event(message_event("#agreement yes", user=BOB, ts=past_ts(4)))
    await bot.handled(MessagePosted, 2)
    reworded = "#proposal we meet every day at 7am"
    await bot.event(edit_of(proposal, reworded, before))
    await bot.handled(MessageEdited)
    await bot.event(message_event("#agreement +1", user=CAROL, ts=past_ts(3)))
    await bot.event(message_event("#agreement ok", user=DAN, ts=past_ts(2)))
    await bot.handled(MessagePosted, 4)
    # Bob said yes to once a week: Carol and Dan are most of the table for every day.
    offers = await bot.slack.wait_for("chat.postMessage")
    shown = [shown_text(offer) for offer in offers]
    assert len(shown) == 1, shown
    assert "every day at 7am" in shown[0] and "Carol Chen" in shown[0]
    assert "Dan Dekker" in shown[0] and "Bob" not in shown[0]
