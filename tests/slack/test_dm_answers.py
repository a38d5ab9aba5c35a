"""Words typed in the bot's DM on Slack (its Messages tab): a proposal from someone a
nudge waits on answers the problem, posted beside it in their name as the nudge's form
posts it; anything else gets a short pointer in their language. Never silence, never a
ping; the bot's own messages and edits are not answered, and the same words are answered
once however often Slack delivers them (bot.dm_once)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from adapters.slack import translate
from bot import dm_answers, dm_once
from bot.models import ProcessedEvent
from rules.events import MessagePosted, ProposalAdded
from rules.i18n import render
from rules.say import Say
from tests.helpers import eventually, through_with_dms
from tests.slack.conftest import BOB, Processes, SlackBot, past_ts, shown_text
from tests.slack.test_dm_reminders import dm_of
from tests.slack.test_nudge import problem, watches
from tests.slack.test_nudge_by_dm import OTHER_CHANNEL
from tests.standins.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID, SlackCall, SlackError
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, message_event

THANKS = "Thank you! Your proposal is posted under your problem."


async def typed_in_dm(bot: SlackBot, text: str, user: str = USER_ID, answers: int = 1, **kw):
    """`text` typed by `user` in their DM with the bot; the bot's messages there, once
    `answers` have come."""
    dm = dm_of(bot, user)
    await bot.event(message_event(text, user=user, channel=dm, channel_type="im", ts=past_ts(0),
                                  **kw))  # fmt: skip
    return await bot.slack.wait_for("chat.postMessage", answers, where=lambda p: p["channel"] == dm)


def posted_in(bot: SlackBot, channel: str) -> list[SlackCall]:
    return [c for c in bot.calls("chat.postMessage") if c.params["channel"] == channel]


async def nudged(bot: SlackBot, text: str = "#problem the deploy keeps failing", **kw) -> str:
    """Alice's problem, nudged beside it (ephemeral): its ts."""
    ts = await problem(bot, text, **kw)
    before = len(bot.calls("chat.postEphemeral"))
    await bot.tick()
    await bot.slack.wait_for("chat.postEphemeral", before + 1)
    return ts


async def test_slack_a_proposal_typed_in_the_dm_answers_the_nudged_problem(bot: SlackBot):
    ts = await nudged(bot)

    [thanks] = await typed_in_dm(bot, "#proposal retry with a pinned <!here> base image")
    [added] = await bot.handled(ProposalAdded)
    assert (added.problem_id, added.user, added.direct) == (ts, USER_ID, True)
    # Posted beside the problem, in Alice's name, as the nudge's form posts it.
    [post] = posted_in(bot, CHANNEL_ID)
    assert post.params["thread_ts"] == ts
    assert "Proposal from Alice" in post.params["text"]
    assert "retry with a pinned @here base image" in shown_text(post)
    assert "<!here>" not in shown_text(post)
    [kept] = bot.slack.messages_in(CHANNEL_ID)
    assert (added.message_id, added.thread_id) == (kept["ts"], ts)  # the table answers it
    assert watches(bot) == {ts: "answered"}
    # The engine's thanks comes back to the DM, where she typed: not beside the problem.
    assert thanks.params["text"] == THANKS
    assert len(bot.calls("chat.postEphemeral")) == 1  # the nudge only


async def test_slack_a_dm_proposal_with_two_problems_waiting_answers_the_latest(bot: SlackBot):
    await nudged(bot, "#problem the coffee machine leaks")
    second = past_ts()
    await bot.event(message_event("#problem the printer jams all day", channel=OTHER_CHANNEL,
                                  ts=second))  # fmt: skip
    await bot.handled(MessagePosted, 2)
    await bot.tick()
    await bot.slack.wait_for("chat.postEphemeral", 2)
    assert sorted(watches(bot).values()) == ["nudged", "nudged"]

    note, thanks = await typed_in_dm(bot, "#proposal call the vendor today", answers=2)
    # Which problem the proposal goes to, said plainly ("I took yours for the one …"
    # read as a mistake of the bot's).
    assert note.params["text"].startswith(
        "More than one of your problems is waiting for a proposal, so I am posting yours "
        "beside the one I reminded you of last:"
    )
    assert render(Say.of(dm_answers.FOR_THE_LATEST), "nl") == (
        "Er wachten meer problemen van je op een voorstel, dus ik zet je voorstel bij het "
        "probleem waaraan ik je het laatst herinnerde:"
    )
    assert note.params["text"].endswith(f"\n<#{OTHER_CHANNEL}>")
    assert thanks.params["text"] == THANKS
    [added] = await bot.handled(ProposalAdded)
    assert (added.channel, added.problem_id) == (OTHER_CHANNEL, second)


async def test_slack_words_in_the_dm_that_propose_nothing_get_a_pointer(bot: SlackBot):
    ts = await nudged(bot)

    [answer] = await typed_in_dm(bot, "thanks, what do you mean?")
    text = answer.params["text"]
    assert text.startswith("Thanks for your message. I did not take it for a proposal")
    assert f"your problem in <#{CHANNEL_ID}>" in text
    assert "/snooze" in text and "/not-a-problem" in text
    assert "<@" not in text and "<!" not in text
    assert posted_in(bot, CHANNEL_ID) == []
    assert watches(bot) == {ts: "nudged"}
    assert bot.adapter.activity.counts["ProposalAdded"] == 0


@pytest.mark.parametrize(
    ("user", "text", "opening"),
    [
        (USER_ID, "Hello, what can I do here?", "Thanks for your message. Nothing of yours"),
        (USER_ID, "Hoi, wat kan ik hier doen?", "Dank voor je bericht. Er wacht nu niets"),
        (BOB, "hello?", "Dank voor je bericht. Er wacht nu niets"),  # his Slack is Dutch
    ],
    ids=["english", "dutch", "dutch-locale"],
)
async def test_slack_a_dm_with_nothing_waiting_gets_a_pointer_in_its_language(
    bot: SlackBot, user: str, text: str, opening: str
):
    [answer] = await typed_in_dm(bot, text, user=user)
    said = answer.params["text"]
    assert said.startswith(opening)
    if opening.startswith("Thanks"):
        assert "/concern or /mandate" in said and "/not-a-problem undo" in said
        assert "/groundrules help" in said
    else:
        # The app was made from the English manifest: a Dutch name goes by /groundrules.
        assert "/groundrules zorg of /groundrules mandaat" in said
        assert "/groundrules geen-probleem terugdraaien" in said
    assert "<@" not in said and "<!" not in said
    assert posted_in(bot, CHANNEL_ID) == []


async def test_slack_the_bots_own_dm_messages_and_edits_are_not_answered(bot: SlackBot):
    dm = dm_of(bot, USER_ID)
    own = message_event("Hi Alice, you named a problem", user=BOT_USER_ID, bot_id=BOT_ID,
                        channel=dm, channel_type="im")  # fmt: skip
    edited = message_event("fixed a typo", channel=dm, channel_type="im",
                           subtype="message_changed", hidden=True)  # fmt: skip
    for event in (own, edited):
        reply = await bot.event(event)
        assert reply.status == 200

    [answer] = await typed_in_dm(bot, "Hello, what can I do here?")
    await asyncio.sleep(0.2)  # what the ignored ones would have said has had its time
    assert posted_in(bot, dm) == [answer]
    assert bot.adapter.activity.counts["MessagePosted"] == 0  # a DM is no table's chat


def typed_event(bot: SlackBot, text: str = "Hello, what can I do here?") -> dict:
    """Alice's words in her DM with the bot, as Slack's message.im event says them."""
    return message_event(text, channel=dm_of(bot, USER_ID), channel_type="im", ts=past_ts(0))


@pytest.mark.parametrize("again", [None, 1], ids=["without-retry-header", "with-retry-header"])
async def test_slack_a_dm_delivered_twice_at_once_is_answered_once(bot: SlackBot, again):
    """Slack delivers an event again when it missed the ack (X-Slack-Retry-Num), and may
    without saying so (a Socket Mode reconnect): the second delivery, even while the
    first is being answered, says nothing; nor does one after it was answered."""
    typed, dm = typed_event(bot), dm_of(bot, USER_ID)
    through = through_with_dms(bot.runtime)
    replies = await asyncio.gather(
        bot.event(typed, event_id="Ev-DM-TWICE"),
        bot.event(typed, event_id="Ev-DM-TWICE", retry_num=again),
    )
    assert [reply.status for reply in replies] == [200, 200]
    [answer] = await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"] == dm)
    assert answer.params["text"].startswith("Thanks for your message. Nothing of yours")

    await bot.event(typed, event_id="Ev-DM-TWICE", retry_num=again)
    await eventually(lambda: through() == 3)  # what a second answer would have needed
    assert posted_in(bot, dm) == [answer]


async def test_slack_a_dm_heard_by_two_processes_is_answered_by_one(
    processes: Processes,
):
    """Two processes on one database (behind a load balancer, or one Socket Mode
    connection each) hear the same event: the first to claim it answers."""
    first, second = await processes.start(), await processes.start()
    typed, dm = typed_event(first), dm_of(first, USER_ID)
    through = [through_with_dms(first.runtime), through_with_dms(second.runtime)]
    await asyncio.gather(
        first.event(typed, event_id="Ev-DM-BOTH"), second.event(typed, event_id="Ev-DM-BOTH")
    )
    [answer] = await first.slack.wait_for("chat.postMessage", where=lambda p: p["channel"] == dm)
    # What a second answer would have needed.
    await eventually(lambda: sum(process() for process in through) == 2)
    assert posted_in(first, dm) == [answer]


async def test_slack_a_dm_answer_slack_refused_is_answered_on_its_retry(bot: SlackBot):
    """Nothing of the answer reached Alice (Slack refused the post): the claim is given
    back, and Slack's retry of the event answers it, once."""
    typed, dm = typed_event(bot), dm_of(bot, USER_ID)
    builtin = bot.slack._builtin["chat.postMessage"]
    refused: list[dict] = []

    def once_refused(params):
        if params["channel"] == dm and not refused:
            refused.append(params)
            raise SlackError("internal_error")
        return builtin(params)

    bot.slack.respond_with("chat.postMessage", once_refused)
    through = through_with_dms(bot.runtime)
    await bot.event(typed, event_id="Ev-DM-REFUSED")
    await eventually(lambda: refused and not claimed(bot, "Ev-DM-REFUSED"))

    await bot.event(typed, event_id="Ev-DM-REFUSED", retry_num=1)
    tried, answer = await bot.slack.wait_for(
        "chat.postMessage", 2, where=lambda p: p["channel"] == dm
    )
    assert tried.params == refused[0]  # the stand-in notes the refused call too
    assert answer.params["text"].startswith("Thanks for your message. Nothing of yours")
    await bot.event(typed, event_id="Ev-DM-REFUSED", retry_num=2)
    await eventually(lambda: through() == 3)  # what a second answer would have needed
    assert posted_in(bot, dm) == [tried, answer]


async def test_slack_a_dm_whose_process_died_before_answering_is_answered_on_slacks_retry(
    processes: Processes,
    monkeypatch,
):
    """The process that claimed the words died before any of its answer went out: the
    claim was neither kept nor given back. Once its lease runs out (sooner than Slack's
    retry a minute later; here in a fraction of a second) the retry is answered, once."""
    # Only the dying process's claim is that short: the live one's outlasts a stall of
    # the process between its claim and its confirmation (or Slack's last retry answers).
    lease = dm_once.LEASE
    monkeypatch.setattr(dm_once, "LEASE", timedelta(seconds=0.3))
    died, alive = await processes.start(), await processes.start()
    typed, dm = typed_event(alive), dm_of(alive, USER_ID)
    claimed_there = asyncio.Event()

    async def claims_and_dies() -> None:
        words = dm_once.answer_id(USER_ID, "Ev-DM-DIED")
        async with died.runtime.answering_dm(translate.workspace_id(team_id=TEAM_ID), words):
            claimed_there.set()
            await asyncio.Event().wait()  # its answer never goes out

    crash = asyncio.create_task(claims_and_dies())
    await claimed_there.wait()
    crash.cancel()  # as a crash leaves it: nothing given back, nothing kept
    await processes.stop(died)
    assert claimed(alive, "Ev-DM-DIED")
    monkeypatch.setattr(dm_once, "LEASE", lease)

    await asyncio.sleep(0.5)  # the lease runs out before Slack retries
    through = through_with_dms(alive.runtime)
    await alive.event(typed, event_id="Ev-DM-DIED", retry_num=1)
    [answer] = await alive.slack.wait_for("chat.postMessage", where=lambda p: p["channel"] == dm)
    assert answer.params["text"].startswith("Thanks for your message. Nothing of yours")
    await alive.event(typed, event_id="Ev-DM-DIED", retry_num=2)  # Slack's last retry
    await eventually(lambda: through() == 2)  # what a second answer would have needed
    assert posted_in(alive, dm) == [answer]


def claimed(bot: SlackBot, event_id: str) -> bool:
    """Whether an event id of Alice's DM is among the processed events."""
    with Session(bot.groundrules.database) as session:
        ids = session.exec(select(ProcessedEvent.event_id)).all()
    return dm_once.answer_id(USER_ID, event_id) in ids
