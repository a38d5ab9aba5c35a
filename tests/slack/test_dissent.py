"""Through the real Slack app and the shipped model: a reply that states dissent to a
proposal ("Ik ben het er niet mee eens") is a concern, never a yes. Read alone, the
model took it for agreement 0.94 (rules/classifier/dissent.py overrules it). And the
other way: a reply that consents by a negated objection alone ("I don't disagree",
"Niet oneens hoor") is a yes; the model read the first as concern 0.98 and the second
as nothing, so the offer was held back or never made (rules/classifier/consent.py)."""

from __future__ import annotations

import pytest

from rules.events import MessagePosted
from tests.slack.conftest import BOB, CAROL, SlackBot, past_ts, shown_text
from tests.slack.test_stances import DAN, offer_once_bobs_concern_is_deleted
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, message_event

PROPOSAL = "Ik stel voor dat we maandag live gaan met het nieuwe formulier."


@pytest.fixture
def bot_settings():
    return {"second_reading": False}


@pytest.fixture
def bot_classifier(trained_classifier):
    return trained_classifier


@pytest.mark.parametrize(
    "dissent", ["Ik ben het er niet mee eens.", "Niet mee eens, het budget is nooit besproken."]
)
async def test_slack_dissent_to_a_proposal_is_no_yes_and_holds_the_offer_back(
    bot: SlackBot, dissent
):
    bot.slack.add_user(DAN, "dan", real_name="Dan Dekker")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, DAN, "U-BOT"])
    await bot.event(message_event(PROPOSAL, ts=past_ts(5)))
    said = past_ts(4)
    await bot.event(message_event(dissent, user=BOB, ts=said))
    await bot.event(message_event("prima", user=CAROL, ts=past_ts(3)))
    await bot.event(message_event("akkoord", user=DAN, ts=past_ts(2)))
    await bot.handled(MessagePosted, 4)
    # Bob's concern holds the offer back; once he deletes it, Carol and Dan are most of
    # the table, and the offer names them alone: Bob never said yes.
    await offer_once_bobs_concern_is_deleted(bot, said, dissent)


@pytest.mark.parametrize(
    ("proposal", "consent", "yes"),
    [
        ("shall we move the stand-up to 9:30 from next week?", "I don't disagree", "sounds good"),
        (PROPOSAL, "Niet oneens hoor", "prima"),
    ],
)
async def test_slack_a_negated_objection_to_a_proposal_counts_as_a_yes(
    bot: SlackBot, proposal, consent, yes
):
    bot.slack.add_user(DAN, "dan", real_name="Dan Dekker")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, DAN, "U-BOT"])
    await bot.event(message_event(proposal, ts=past_ts(5)))
    await bot.event(message_event(consent, user=BOB, ts=past_ts(4)))
    await bot.event(message_event(yes, user=CAROL, ts=past_ts(3)))
    await bot.handled(MessagePosted, 3)
    # Bob's yes and Carol's are most of the table beside the proposer: one offer, naming
    # both; Dan, who said nothing, is not named.
    offers = await bot.slack.wait_for("chat.postMessage")
    shown = [shown_text(offer) for offer in offers]
    assert len(shown) == 1, shown
    assert "(Bob " in shown[0] and "Carol Chen" in shown[0], shown[0]
    assert "Dan Dekker" not in shown[0]
