""" "It has a proposal" said by mistake, taken back in Slack as "Not a problem" is: the
private thanks carries an "Undo" button, /has-proposal undo does the same (typed in the
bot's DM: test_undo_not_a_problem.py, beside its twin), and the answer says what was done,
privately, quoting the message."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import CorrectionRow
from rules.events import MessageRelabelled, UndoAsked
from tests.slack.conftest import SlackBot, button, shown_text
from tests.slack.test_nudge import problem, watches
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, block_actions

DEPLOY = "#problem the deploy keeps failing"
UNDONE = (
    f"About your message:\n> {DEPLOY}\n"
    "Undone: your message no longer counts as a proposal, and I wait for one again."
)


def corrections(bot: SlackBot) -> list[tuple[str | None, str]]:
    with Session(bot.groundrules.database) as session:
        return [(c.message_id, c.label) for c in session.exec(select(CorrectionRow)).all()]


async def said_to_have_a_proposal(bot: SlackBot) -> tuple[str, SlackCall]:
    """A problem nudged and said to have a proposal on its nudge: its id, and the thanks."""
    ts = await problem(bot, DEPLOY)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    value = button(nudge, "nudge_has_proposal")["value"]
    await bot.interact(block_actions("nudge_has_proposal", value=value))
    await bot.handled(MessageRelabelled)
    [_, thanks] = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert watches(bot) == {ts: "answered"}
    assert sorted(corrections(bot)) == [(ts, "problem"), (ts, "proposal")]
    return ts, thanks


async def test_slack_undo_takes_has_proposal_back_and_its_thanks_goes(bot: SlackBot):
    ts, thanks = await said_to_have_a_proposal(bot)
    assert thanks.params["user"] == USER_ID  # only the author sees it
    assert button(thanks, "nudge_undo_proposal")["text"]["text"] == "Undo"
    assert "/has-proposal undo takes it back, within 1 hour" in thanks.params["text"]

    value = button(thanks, "nudge_undo_proposal")["value"]
    url = bot.slack.response_url()
    reply = await bot.interact(block_actions("nudge_undo_proposal", value=value, response_url=url))
    assert reply.status == 200
    [undo] = await bot.handled(UndoAsked)
    assert (undo.message_id, undo.user, undo.proposes) == (ts, USER_ID, True)
    assert watches(bot) == {ts: "nudged"} and corrections(bot) == []
    assert await bot.slack.wait_for_response(url) == [{"delete_original": True}]
    [*_, answer] = await bot.slack.wait_for("chat.postEphemeral", 3)
    assert (answer.params["user"], answer.params["channel"]) == (USER_ID, CHANNEL_ID)
    assert shown_text(answer).endswith(UNDONE)
    # No second nudge follows.
    await bot.tick()
    assert len(bot.calls("chat.postEphemeral")) == 3
