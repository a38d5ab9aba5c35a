"""Ground rule 4 in Slack: a concern round with buttons, progress in place, DM reminders
to those who have not answered, and a closing summary."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.models import AgreementRow, AnswerRow, RoundRow, now_utc
from rules.events import AgreementSubmitted, CommandInvoked, ConcernAnswered, MessagePosted
from tests.slack.conftest import BOB, CAROL, WORKSPACE, SlackBot, button, past_ts, shown_text
from tests.standins.lifecycle import PATIENCE_S
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    block_actions,
    message_event,
    view_submission,
)

PROPOSAL = "#proposal we rotate on-call weekly, tell <!channel> and <@U-BOB>"


async def test_slack_an_answer_that_only_names_someone_is_asked_about_typed_and_in_the_form(
    bot: SlackBot,
):
    """ "/concern <@U-BOB>" and "@Bob" alone in the form say nothing yet: asked what was
    meant (typed: privately; the form: in the form, kept open), nothing recorded. A
    near-none said to Bob quotes Carol's own word only, never the mention."""
    posted = await start_round(bot)
    await bot.command("/concern", "<@U-BOB> <!here> :thinking_face:", user_id=CAROL)
    await bot.command("/concern", "<@U-BOB>: non", user_id=CAROL)
    await bot.handled(CommandInvoked, 3)
    told = await bot.slack.wait_for("chat.postEphemeral", 2, where=lambda p: p["user"] == CAROL)
    wordless, nearly = (call.params["text"] for call in told)
    assert wordless.startswith("Your answer names someone but says nothing yet"), wordless
    assert "/concern none" in wordless
    assert nearly.startswith("Did you mean “none”"), nearly
    assert 'Or is “non” your concern? Then put it in quotes, /concern "non"' in nearly, nearly
    for text in (wordless, nearly):
        assert "<@" not in text and "<!" not in text and "Bob" not in text, text

    asked, _ = await asked_in_form(bot, posted, "@Bob")
    assert asked.startswith("Your answer names someone"), asked


async def asked_in_form(bot: SlackBot, posted: SlackCall, answer: str) -> tuple[str, str]:
    """Carol answers `answer` in the round's form, which asks about it in the form, kept
    open, recording nothing: what it asks, and the form's metadata to answer again."""
    await click(bot, posted, "round_concern", CAROL)
    [opened] = await bot.slack.wait_for("views.open")
    metadata = opened.params["view"]["private_metadata"]
    submitted = view_submission(
        "concern_modal", {"concern": {"value": answer}}, private_metadata=metadata, user_id=CAROL
    )
    reply = (await bot.interact(submitted)).json()
    assert reply["response_action"] == "errors", reply
    await asyncio.sleep(0.2)
    assert not bot.calls("chat.update")  # nothing recorded: still waited for
    with Session(bot.groundrules.database) as session:
        carols = select(AnswerRow).where(AnswerRow.user == CAROL)
        assert session.exec(carols).one().answered_at is None
    return reply["errors"]["concern"], metadata


async def start_round(
    bot: SlackBot, proposal: str = PROPOSAL, timeout: float = PATIENCE_S
) -> SlackCall:
    await bot.command("/concerns", proposal)
    await bot.handled(CommandInvoked, timeout=timeout)
    [posted] = await bot.slack.wait_for("chat.postMessage", timeout=timeout)
    return posted


async def click(bot: SlackBot, posted: SlackCall, action_id: str, user: str, **options):
    value = button(posted, action_id)["value"]
    payload = block_actions(
        action_id, value=value, user_id=user, message_ts=posted.params.get("ts"), **options
    )
    reply = await bot.interact(payload)
    assert reply.status == 200
    return payload


def round_ts(bot: SlackBot) -> str:
    [ts] = [
        ts for (_, ts), message in bot.slack.messages.items() if "Concern round" in str(message)
    ]
    return ts


def round_id(posted: SlackCall) -> str:
    return json.loads(button(posted, "round_none")["value"])["r"]


async def test_slack_concern_round_progress_concern_modal_and_summary(bot: SlackBot):
    posted = await start_round(bot)
    assert posted.params["channel"] == CHANNEL_ID
    shown = shown_text(posted)
    assert "Concern round: Alice proposes" in shown
    assert "0 of 2 answered; waiting for Bob and Carol Chen." in shown
    assert "tell @channel and @Bob" in shown and "<!channel>" not in shown and "<@" not in shown
    ts = round_ts(bot)
    assert await bot.runtime.message_ref(WORKSPACE, f"round:{round_id(posted)}") == ts

    # Bob: no concerns. The round message is updated in place, naming (not pinging) Carol.
    await click(bot, posted, "round_none", BOB)
    [answer] = await bot.handled(ConcernAnswered)
    assert (answer.user, answer.concern) == (BOB, None)
    [update] = await bot.slack.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (CHANNEL_ID, ts)
    assert "1 of 2 answered; waiting for Carol Chen." in shown_text(update)
    assert "<@" not in shown_text(update)
    button(update, "round_concern")  # still open
    thanks = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == BOB)
    assert "no concerns" in thanks[0].params["text"]

    # Carol: a concern, through the modal; an empty one is refused.
    opened_by = await click(bot, posted, "round_concern", CAROL)
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == opened_by["trigger_id"]
    modal = opened.params["view"]
    assert modal["callback_id"] == "concern_modal"
    metadata = modal["private_metadata"]
    empty = view_submission(
        "concern_modal", {"concern": {"value": ""}}, private_metadata=metadata, user_id=CAROL
    )
    reply = await bot.interact(empty)
    assert reply.json()["response_action"] == "errors"
    assert set(reply.json()["errors"]) == {"concern"}

    concern = view_submission(
        "concern_modal", {"concern": {"value": "too fast for <!here>, ask <@U-BOB>"}},
        private_metadata=metadata, user_id=CAROL,
    )  # fmt: skip
    assert (await bot.interact(concern)).body == ""
    answers = await bot.handled(ConcernAnswered, 2)
    assert answers[-1].concern == "too fast for <!here>, ask <@U-BOB>"

    # Everyone answered: the round message loses its buttons and a summary follows.
    [_, closed] = await bot.slack.wait_for("chat.update", 2)
    assert "This concern round has closed." in shown_text(closed)
    with pytest.raises(AssertionError):
        button(closed, "round_none")
    [_, summary] = await bot.slack.wait_for("chat.postMessage", 2)
    text = shown_text(summary)
    assert "The concern round on this proposal has closed" in text
    assert "No concerns: Bob." in text
    assert "Concern from Carol Chen: too fast for @here, ask @Bob" in text
    assert "<!here>" not in text and "<@" not in text
    with pytest.raises(AssertionError):
        button(summary, "round_record")  # open concerns: no agreement suggested


async def test_slack_round_without_concerns_offers_to_record_the_agreement(bot: SlackBot):
    posted = await start_round(bot, "#proposal we publish the minutes by Friday")
    await click(bot, posted, "round_none", BOB)
    await click(bot, posted, "round_none", CAROL)
    await bot.handled(ConcernAnswered, 2)

    [_, summary] = await bot.slack.wait_for("chat.postMessage", 2)
    assert "No concerns: Bob and Carol Chen." in shown_text(summary)
    record = await click(bot, summary, "round_record", USER_ID)

    [opened] = await bot.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == record["trigger_id"]
    modal = opened.params["view"]
    assert modal["callback_id"] == "agreement_modal"
    what = next(b for b in modal["blocks"] if b.get("block_id") == "what")
    assert what["element"]["initial_value"] == "#proposal we publish the minutes by Friday"


async def test_slack_dutch_round_records_its_agreement_in_dutch(bot: SlackBot):
    """No table language set: "Vastleggen als afspraak" under a Dutch round opens the Dutch
    form, and what it records is announced in Dutch."""
    await bot.command("/zorgen", "we publiceren de notulen op vrijdag")
    await bot.handled(CommandInvoked)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    await click(bot, posted, "round_none", BOB)
    await click(bot, posted, "round_none", CAROL)
    await bot.handled(ConcernAnswered, 2)
    [_, summary] = await bot.slack.wait_for("chat.postMessage", 2)
    assert button(summary, "round_record")["text"]["text"] == "Vastleggen als afspraak"
    await click(bot, summary, "round_record", USER_ID)
    [opened] = await bot.slack.wait_for("views.open")
    values = {"what": {"value": "We publiceren de notulen op vrijdag"},
              "why": {"value": "dan kan iedereen ze lezen"}, "role": {"value": ""}}  # fmt: skip
    form = view_submission(
        "agreement_modal", values, private_metadata=opened.params["view"]["private_metadata"]
    )
    await bot.interact(form)
    await bot.handled(AgreementSubmitted)
    await bot.slack.wait_for("chat.postMessage", where=lambda p: "Afspraak vastgelegd" in str(p))


@pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(0), "max_reminders": 1}], ids=["remind-now"]
)
async def test_slack_reminders_go_by_dm_only_to_who_has_not_answered(bot: SlackBot):
    posted = await start_round(bot)
    await click(bot, posted, "round_none", BOB)
    await bot.handled(ConcernAnswered)

    await bot.tick()

    [opened] = await bot.slack.wait_for("conversations.open")
    assert opened.params["users"] == CAROL
    [dm] = await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"][0] == "D")
    text = shown_text(dm)
    assert "A friendly reminder" in text and "Alice" in text
    assert f"<#{CHANNEL_ID}>" in text and "<!channel>" not in text
    button(dm, "round_none")
    assert len(bot.calls("conversations.open")) == 1  # Bob answered: no reminder for him


@pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(0), "max_reminders": 1}], ids=["remind-now"]
)
async def test_slack_snooze_typed_in_the_channel_holds_a_rounds_reminder(bot: SlackBot):
    """Carol has no problem waiting, but the round waits for her: /snooze is "not now" to
    its reminders, told to her alone; Bob, silent too, is reminded."""
    await start_round(bot)
    await bot.command("/snooze", "2h", user_id=CAROL, user_name="carol")
    await bot.handled(CommandInvoked, 2)
    [told] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == CAROL)
    assert "Snoozed until" in told.params["text"]
    assert "no reminders here" in told.params["text"]

    await bot.tick()
    await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"][0] == "D")
    assert reminder_dms(bot) == [BOB]


def reminder_dms(bot: SlackBot) -> list[str]:
    """Whom the bot's DMs went to, one entry a DM."""
    posts = [call.params["channel"] for call in bot.calls("chat.postMessage")]
    return sorted(bot.slack.channels[c].user for c in posts if bot.slack.channels[c].is_im)


@pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(0), "max_reminders": 1}], ids=["remind-now"]
)
@pytest.mark.parametrize("trouble", ["ratelimited", "internal_error"])
async def test_slack_a_member_whose_reminder_dm_failed_is_reminded_on_the_retry_alone(
    bot: SlackBot, trouble: str, no_retry_jitter
):
    await start_round(bot)
    if trouble == "ratelimited":  # one 429 more than the client's retry handler waits out
        bot.slack.rate_limit_next("conversations.open", retry_after=0, times=4)
    else:
        bot.slack.fail_next("conversations.open", trouble)
    await bot.tick()  # Bob's DM (the first) fails; Carol's goes out
    assert reminder_dms(bot) == [CAROL]

    later = bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    assert [type(d.action).__name__ for d in later] == ["RemindMembers"]
    await bot.runtime.deliver_all(later)
    assert reminder_dms(bot) == [BOB, CAROL]  # Bob now; Carol not twice
    assert bot.groundrules.store.claim_undelivered(now_utc() + timedelta(hours=3)) == []


async def test_slack_answering_from_a_reminder_dm_counts_for_the_table(bot: SlackBot):
    posted = await start_round(bot)
    value = button(posted, "round_none")["value"]
    # The click comes from the DM, not the channel; the value says which table.
    payload = block_actions("round_none", value=value, user_id=BOB, channel_id="D0000001")
    await bot.interact(payload)
    [answer] = await bot.handled(ConcernAnswered)
    assert (answer.channel, answer.user) == (CHANNEL_ID, BOB)


async def test_slack_some_of_a_larger_table_agree_the_proposer_is_told_then_asks_the_rest(
    bot: SlackBot,
):
    bot.slack.add_user("U-DAN", "dan", real_name="Dan Dekker")
    bot.slack.add_user("U-ERIN", "erin", real_name="Erin Eze")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, "U-DAN", "U-ERIN", "U-BOT"])
    await bot.event(message_event(PROPOSAL, ts=past_ts(0.3)))
    await bot.event(message_event("#agreement sounds good", user=BOB, ts=past_ts(0.2)))
    await bot.event(message_event("#agreement +1", user=CAROL, ts=past_ts(0.1)))
    await bot.handled(MessagePosted, 3)

    # Two of the four others: not most of the table. Alice alone is told, in the channel.
    [told] = await bot.slack.wait_for("chat.postEphemeral")
    assert (told.params["channel"], told.params["user"]) == (CHANNEL_ID, USER_ID)
    shown = shown_text(told)
    assert shown.startswith("It looks as if Bob and Carol Chen agree with your proposal:")
    assert "tell @channel and @Bob" in shown and "<!channel>" not in shown and "<@" not in shown
    assert "/concerns" in shown
    assert bot.calls("chat.postMessage") == []

    # "/concerns" alone: the round is about her proposal, and all four others are asked.
    posted = await start_round(bot, "")
    shown = shown_text(posted)
    assert "Concern round: Alice proposes" in shown
    assert "we rotate on-call weekly" in shown
    assert "0 of 4 answered" in shown


async def test_slack_concerns_cancel_withdraws_the_round_for_who_asked_for_it(bot: SlackBot):
    posted = await start_round(bot)
    await click(bot, posted, "round_concern", BOB)  # opens the modal; Bob answers later
    await click(bot, posted, "round_none", CAROL)
    await bot.handled(ConcernAnswered)

    # Bob did not ask for the round: he alone is told who can withdraw it.
    await bot.command("/concerns", "cancel", user_id=BOB)
    await bot.handled(CommandInvoked, 2)
    [refused] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == BOB)
    # "cancel" shows no language of its own: Bob's Slack is in Dutch.
    assert shown_text(refused).startswith("Alleen Alice, van wie het voorstel is, kan deze")
    assert "<@" not in shown_text(refused)

    await bot.command("/concerns", "cancel")
    await bot.handled(CommandInvoked, 3)
    [_, withdrawn] = await bot.slack.wait_for("chat.update", 2)
    assert "This concern round was withdrawn." in shown_text(withdrawn)
    with pytest.raises(AssertionError):
        button(withdrawn, "round_none")
    [_, told] = await bot.slack.wait_for("chat.postMessage", 2)
    text = shown_text(told)
    assert "The concern round on this proposal was withdrawn by Alice:" in text
    assert "Carol" not in text and "No concerns" not in text and "<@" not in text
    with pytest.raises(AssertionError):
        button(told, "round_record")

    # A click on the old message now hears that the round was withdrawn.
    await click(bot, posted, "round_none", BOB)
    await bot.handled(ConcernAnswered, 2)
    late = await bot.slack.wait_for("chat.postEphemeral", 2, where=lambda p: p["user"] == BOB)
    assert "withdrawn, so there is nothing to answer" in shown_text(late[-1])


@pytest.mark.parametrize("bot_settings", [{"round_deadline": timedelta(seconds=1)}], ids=["1s"])
async def test_slack_a_round_posted_only_after_it_closed_has_no_buttons(bot: SlackBot):
    bot.slack.fail_next("chat.postMessage", "internal_error")  # Slack has a bad moment
    await bot.command("/concerns", PROPOSAL)
    await bot.handled(CommandInvoked)
    await asyncio.sleep(1.1)
    await bot.tick()  # the deadline: the summary goes out
    summary = await bot.slack.wait_for("chat.postMessage", 2)  # the failed post, the summary
    assert "Concern round" not in shown_text(summary[-1])

    # The round's own post is retried after its back-off, once the round has closed.
    later = bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    await bot.runtime.deliver_all(later)
    *_, posted = await bot.slack.wait_for("chat.postMessage", 3)
    assert "Concern round: Alice proposes" in shown_text(posted)
    assert "This concern round has closed." in shown_text(posted)
    assert [b for b in posted.params["blocks"] if b["type"] == "actions"] == []


@pytest.mark.parametrize("bot_settings", [{"round_deadline": timedelta(seconds=1)}], ids=["1s"])
async def test_slack_a_round_summary_at_its_deadline_names_nobody_for_their_silence(
    bot: SlackBot,
):
    """Bob answers, Carol does not: the summary the table reads counts her silence and
    does not name her (the progress did, while she could still answer)."""
    posted = await start_round(bot)
    await click(bot, posted, "round_none", BOB)
    await bot.handled(ConcernAnswered)
    await asyncio.sleep(1.1)
    await bot.tick()  # the deadline: the summary goes out
    [summary] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: "reached its deadline" in str(p.get("text"))
    )
    text = shown_text(summary)
    assert "Answered: 1 of 2." in text and "No concerns: Bob." in text
    assert "Carol" not in text and "No answer from" not in text


async def test_slack_a_round_posted_only_after_it_was_withdrawn_says_so(bot: SlackBot):
    bot.slack.fail_next("chat.postMessage", "internal_error")  # Slack has a bad moment
    await bot.command("/concerns", PROPOSAL)
    await bot.handled(CommandInvoked)
    await bot.command("/concerns", "cancel")
    await bot.handled(CommandInvoked, 2)
    await bot.slack.wait_for("chat.postMessage", 2)  # the failed post, the withdrawal

    later = bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    await bot.runtime.deliver_all(later)
    *_, posted = await bot.slack.wait_for("chat.postMessage", 3)
    assert "Concern round: Alice proposes" in shown_text(posted)
    assert "This concern round was withdrawn." in shown_text(posted)
    assert "has closed" not in shown_text(posted)
    assert [b for b in posted.params["blocks"] if b["type"] == "actions"] == []


async def test_slack_round_summary_records_the_agreement_with_its_own_rounds_answers(
    bot: SlackBot,
):
    """Round A: no concerns. Round B, on a variant: Carol has one. "Record as agreement"
    under A's summary records A's consent, not B's concern."""
    first = await start_round(bot, "we publish the minutes by Friday")
    await click(bot, first, "round_none", BOB)
    await click(bot, first, "round_none", CAROL)
    await bot.handled(ConcernAnswered, 2)
    [_, summary_a] = await bot.slack.wait_for("chat.postMessage", 2)
    await bot.command("/concerns", "we publish the minutes by Friday noon")
    await bot.handled(CommandInvoked, 2)
    [*_, second] = await bot.slack.wait_for("chat.postMessage", 3)
    await click(bot, second, "round_none", BOB)
    await click(bot, second, "round_concern", CAROL)
    [opened] = await bot.slack.wait_for("views.open")
    await bot.interact(view_submission(
        "concern_modal", {"concern": {"value": "noon is too early"}},
        private_metadata=opened.params["view"]["private_metadata"], user_id=CAROL,
    ))  # fmt: skip
    await bot.handled(ConcernAnswered, 4)
    await bot.slack.wait_for("chat.postMessage", where=lambda p: "noon is too early" in str(p))

    await click(bot, summary_a, "round_record", USER_ID)
    [_, opened] = await bot.slack.wait_for("views.open", 2)
    values = {"what": {"value": "We publish the minutes by Friday"},
              "why": {"value": "everyone can read them"}, "role": {"value": ""}}  # fmt: skip
    await bot.interact(view_submission(
        "agreement_modal", values, private_metadata=opened.params["view"]["private_metadata"]
    ))  # fmt: skip
    [submitted] = await bot.handled(AgreementSubmitted)
    assert submitted.round_id == round_id(first)
    [announced] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: "Agreement recorded" in str(p)
    )
    assert (
        "Consent: Alice (mandate pending), Bob (mandate pending) and Carol Chen (mandate "
        "pending)." in shown_text(announced)
    )
    assert "noon is too early" not in shown_text(announced)


async def test_slack_a_round_about_only_a_channel_mention_and_emoji_polls_nobody(bot: SlackBot):
    """A channel, a mention and an emoji name no proposal: the channel is not polled
    about them, and no agreement of them is recorded; both are asked what, privately."""
    await bot.command("/concerns", "<#C0123ABCD|general> <@U04ABC123> :tada:")
    await bot.command("/agree", ":tada: <#C0123ABCD|general> because x")
    await bot.handled(CommandInvoked, 2)
    told = await bot.slack.wait_for("chat.postEphemeral", 2)
    said = "\n".join(shown_text(call) for call in told)
    assert "Which proposal should the table look at?" in said
    assert "What was agreed?" in said
    assert not bot.calls("chat.postMessage")
    with Session(bot.groundrules.database) as session:
        assert not session.exec(select(RoundRow)).all()
        assert not session.exec(select(AgreementRow)).all()


async def test_slack_invisible_proposal_agreement_and_concern_are_refused_as_empty(bot: SlackBot):
    """A zero-width space or a Braille blank shows nothing: no round polls the channel
    about it, no agreement of it is recorded, and the concern form refuses it as it
    refuses an empty concern."""
    zero_width, blank = "\u200b", "\u2800"
    await bot.command("/concerns", zero_width)
    await bot.command("/agree", f"{zero_width} because {blank}")
    await bot.handled(CommandInvoked, 2)
    told = await bot.slack.wait_for("chat.postEphemeral", 2)
    said = "\n".join(shown_text(call) for call in told)
    assert "Which proposal should the table look at?" in said
    assert "Say why, after “because”" in said
    assert not bot.calls("chat.postMessage")  # nobody was polled, nothing announced
    with Session(bot.groundrules.database) as session:
        assert not session.exec(select(RoundRow)).all()
        assert not session.exec(select(AgreementRow)).all()

    posted = await start_round(bot)
    await click(bot, posted, "round_concern", CAROL)
    [opened] = await bot.slack.wait_for("views.open")
    invisible = view_submission(
        "concern_modal", {"concern": {"value": f" {zero_width}{blank} "}},
        private_metadata=opened.params["view"]["private_metadata"], user_id=CAROL,
    )  # fmt: skip
    reply = await bot.interact(invisible)
    assert reply.json()["response_action"] == "errors"
    assert set(reply.json()["errors"]) == {"concern"}


async def test_slack_concern_given_in_the_form_is_thanked_in_its_words_language(bot: SlackBot):
    """A Dutch round; Carol answers it in English through its form, Alice with /concern:
    both are thanked in English, pointing to the command they can type next."""
    await bot.command(
        "/concerns", "Zullen we de inloop op dinsdag en donderdag houden?", user_id=BOB
    )
    await bot.handled(CommandInvoked)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert "Zorgenronde" in shown_text(posted)
    await click(bot, posted, "round_concern", CAROL)
    [opened] = await bot.slack.wait_for("views.open")
    concern = view_submission(
        "concern_modal", {"concern": {"value": "Thursdays do not work for our volunteers"}},
        private_metadata=opened.params["view"]["private_metadata"], user_id=CAROL,
    )  # fmt: skip
    await bot.interact(concern)
    await bot.handled(ConcernAnswered)
    [carol] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == CAROL)
    assert carol.params["text"] == (
        "Thank you, your concern is noted: Thursdays do not work for our volunteers\n"
        "Once it is resolved, tell the round with /concern resolved."
    )
    await bot.command("/concern", "Thursdays do not work for our volunteers either")
    await bot.handled(CommandInvoked, 2)
    [alice] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == USER_ID)
    assert alice.params["text"].startswith("Thank you, your concern is noted:")


@pytest.mark.parametrize(
    ("proposal", "typed", "question"),
    [
        (PROPOSAL, "non", "Did you mean “none”, no concerns? Then answer “No concerns”"),
        (
            "Zullen we de inloop op dinsdag en donderdag houden?",
            "gene",
            "Bedoel je “geen”, geen zorgen? Antwoord dan “Geen zorgen”",
        ),
    ],
)
async def test_slack_a_near_typo_of_none_in_the_concern_form_is_asked_about_in_the_form(
    bot: SlackBot, proposal, typed, question
):
    """ "non" in the form is asked about there, as /concern non is: the form stays open
    and nothing is recorded; in quotes it is the concern, as written."""
    posted = await start_round(bot, proposal)
    asked, metadata = await asked_in_form(bot, posted, typed)
    assert asked.startswith(question), asked

    quoted = view_submission(
        "concern_modal", {"concern": {"value": f'"{typed}"'}},
        private_metadata=metadata, user_id=CAROL,
    )  # fmt: skip
    assert (await bot.interact(quoted)).body == ""
    [answered] = await bot.handled(ConcernAnswered)
    assert answered.concern == f'"{typed}"'
    [carol] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == CAROL)
    assert f": {typed}\n" in carol.params["text"], carol.params["text"]


async def test_slack_a_form_answer_without_words_is_asked_about_in_the_form(bot: SlackBot):
    """ "..." or an emoji alone in the round's form says no concern anyone can read: the
    form asks, kept open, and nothing is recorded, as a typed "/concern ..." is."""
    posted = await start_round(bot)
    await bot.command("/concern", "...", user_id=CAROL)
    await bot.handled(CommandInvoked, 2)
    [typed] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == CAROL)
    assert typed.params["text"].startswith("Your answer has no words, so nothing was recorded.")

    asked, _ = await asked_in_form(bot, posted, ":tada: !")
    assert asked.startswith("Your answer has no words yet."), asked


async def test_slack_its_proposer_clicking_no_concerns_is_told_and_not_counted(bot: SlackBot):
    """Alice's own "No concerns" turned "0 of 2" into "1 of 3"."""
    posted = await start_round(bot)
    await click(bot, posted, "round_none", USER_ID)
    [told] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: p["user"] == USER_ID)
    assert told.params["text"] == (
        "It is your own proposal, so you count as having no concerns already: this round asks "
        "the others."
    )
    await click(bot, posted, "round_none", BOB)
    [update] = await bot.slack.wait_for("chat.update")
    assert "1 of 2 answered; waiting for Carol Chen." in shown_text(update)
