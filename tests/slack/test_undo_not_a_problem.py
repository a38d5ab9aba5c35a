""" "Not a problem" said by mistake, taken back in Slack: the private thanks carries an
"Undo" button, /not-a-problem undo does the same (also typed in the bot's DM), and the
answer says what was done, privately, quoting the message."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.models import CorrectionRow
from rules.events import CommandInvoked, MessageRelabelled, UndoAsked
from tests.slack.conftest import BOB, SlackBot, button, shown_text
from tests.slack.test_nudge import problem, watches
from tests.slack.test_nudge_by_dm import nudged_by_dm
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, block_actions

DEPLOY = "#problem the deploy keeps failing"
UNDONE = f"About your message:\n> {DEPLOY}\nUndone: I will treat your message as a problem again."


def corrections(bot: SlackBot) -> list[str | None]:
    with Session(bot.groundrules.database) as session:
        return [c.message_id for c in session.exec(select(CorrectionRow)).all()]


async def dismissed(bot: SlackBot) -> tuple[str, SlackCall]:
    """A problem nudged and said "Not a problem" on its nudge: its id, and the thanks."""
    ts = await problem(bot, DEPLOY)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    value = button(nudge, "nudge_dismiss")["value"]
    await bot.interact(block_actions("nudge_dismiss", value=value))
    await bot.handled(MessageRelabelled)
    [_, thanks] = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert watches(bot) == {ts: "dismissed"} and corrections(bot) == [ts]
    return ts, thanks


async def test_slack_the_thanks_for_not_a_problem_has_an_undo_button(bot: SlackBot):
    _, thanks = await dismissed(bot)
    assert thanks.params["user"] == USER_ID  # only the author sees it
    undo = button(thanks, "nudge_undo")
    assert undo["text"]["text"] == "Undo"
    shown = shown_text(thanks)
    assert "I will not treat that as a problem" in shown
    # The button stands in for the command; the notification, which has none, names it.
    assert "/not-a-problem undo" not in shown.replace(thanks.params["text"], "")
    assert "/not-a-problem undo takes it back, within 1 hour" in thanks.params["text"]


async def test_slack_undo_takes_it_back_and_its_thanks_goes(bot: SlackBot):
    ts, thanks = await dismissed(bot)
    value = button(thanks, "nudge_undo")["value"]
    url = bot.slack.response_url()
    reply = await bot.interact(block_actions("nudge_undo", value=value, response_url=url))
    assert reply.status == 200
    [undo] = await bot.handled(UndoAsked)
    assert (undo.message_id, undo.user, undo.channel) == (ts, USER_ID, CHANNEL_ID)
    assert watches(bot) == {ts: "nudged"} and corrections(bot) == []
    # The thanks and its button go; the answer says what was done, quoting the message.
    assert await bot.slack.wait_for_response(url) == [{"delete_original": True}]
    [*_, answer] = await bot.slack.wait_for("chat.postEphemeral", 3)
    assert (answer.params["user"], answer.params["channel"]) == (USER_ID, CHANNEL_ID)
    assert shown_text(answer).endswith(UNDONE)

    # No second nudge follows.
    await bot.tick()
    assert len(bot.calls("chat.postEphemeral")) == 3

    # The same button again (a double click): nothing more is undone, and it says so.
    await bot.interact(block_actions("nudge_undo", value=value))
    await bot.handled(UndoAsked, 2)
    [*_, again] = await bot.slack.wait_for("chat.postEphemeral", 4)
    assert shown_text(again).endswith("That is undone already: I treat your message as a "
                                      "problem again.")  # fmt: skip
    assert watches(bot) == {ts: "nudged"}


async def test_slack_nobody_else_can_undo_anothers_not_a_problem(bot: SlackBot):
    ts, thanks = await dismissed(bot)
    value = button(thanks, "nudge_undo")["value"]
    await bot.interact(block_actions("nudge_undo", value=value, user_id=BOB))
    await bot.handled(UndoAsked)
    [*_, answer] = await bot.slack.wait_for("chat.postEphemeral", 3)
    assert answer.params["user"] == BOB
    assert shown_text(answer).endswith("There is no “Not a problem” of yours to undo here.")
    assert watches(bot) == {ts: "dismissed"} and corrections(bot) == [ts]


async def test_slack_not_a_problem_undo_typed_takes_it_back(bot: SlackBot):
    ts, _ = await dismissed(bot)
    await bot.command("/not-a-problem", "undo")
    [invoked] = await bot.handled(CommandInvoked)
    assert (invoked.name, invoked.args) == ("not-a-problem", "undo")
    assert watches(bot) == {ts: "nudged"} and corrections(bot) == []
    [*_, answer] = await bot.slack.wait_for("chat.postEphemeral", 3)
    assert shown_text(answer).endswith(UNDONE)


@pytest.mark.parametrize(
    ("command", "dutch", "undo_button", "state", "undone"),
    [
        ("/not-a-problem", "/geen-probleem", "nudge_undo", "dismissed",
         "Teruggedraaid: ik tel je bericht weer als probleem."),
        ("/has-proposal", "/bevat-voorstel", "nudge_undo_proposal", "answered",
         "Teruggedraaid: je bericht telt niet meer als voorstel, en ik wacht weer op een "
         "voorstel."),
    ],
)  # fmt: skip
async def test_slack_undo_typed_in_the_bots_dm_acts_at_its_table(
    bot: SlackBot, command, dutch, undo_button, state, undone
):
    """ "Not a problem" and "It has a proposal", each taken back by its Dutch command."""
    ts = await problem(bot, DEPLOY)
    dm = await nudged_by_dm(bot)
    await bot.command(command, channel_id=dm, channel_name="directmessage")
    await bot.handled(CommandInvoked)
    [_, thanks] = await bot.slack.wait_for("chat.postMessage", 2)  # answered in the DM
    assert thanks.params["channel"] == dm
    button(thanks, undo_button)
    assert watches(bot) == {ts: state}

    url = bot.slack.response_url()
    await bot.command(
        dutch, "terugdraaien", channel_id=dm, channel_name="directmessage", response_url=url
    )
    [_, invoked] = await bot.handled(CommandInvoked, 2)
    assert (invoked.channel, invoked.thread_id) == (CHANNEL_ID, ts)
    assert watches(bot) == {ts: "nudged"} and corrections(bot) == []
    [about] = await bot.slack.wait_for_response(url)
    assert f"Over je probleem in <#{CHANNEL_ID}>" in about["text"]
    [*_, answer] = await bot.slack.wait_for("chat.postMessage", 3)
    assert answer.params["channel"] == dm
    assert shown_text(answer).endswith(undone)
