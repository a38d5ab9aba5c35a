"""Ground rules 3 and 5 in Slack, after a meeting: renew mandates with buttons (reminders
by DM), score the relationship values in a modal, and the report with its full form in
the thread (or, asked privately with /report, the full form only for the asker)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select, update

from bot.models import EvaluationRow, MandateRow, RenewalRow, WatchRow
from rules.events import CommandInvoked, EvaluationGiven, MessagePosted, RenewalAnswered
from tests.slack.conftest import BOB, CAROL, SlackBot, button, past_ts, shown_text
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    block_actions,
    message_event,
    view_submission,
)

HOSTILE = "<!channel> ask <@U-BOB> & co"
AGREEMENTS = (
    "We share the minutes because everyone should know",
    f"We merge on green because {HOSTILE}",
    "We rotate the chair because it spreads the load",
    "We start on time because time is scarce",
)


async def command(bot: SlackBot, name: str, text: str = "", **fields) -> None:
    """A signed slash command, handled (with what it delivers) before the next one."""
    before = bot.adapter.activity.counts["CommandInvoked"]
    await bot.command(name, text, **fields)
    await bot.handled(CommandInvoked, before + 1)


async def end_meeting(bot: SlackBot, *, agreements: tuple[str, ...] = ()) -> None:
    """Alice and Bob give a mandate (Carol does not); Alice starts and ends a meeting."""
    await command(bot, "/mandate", "budgets up to 500 euro")
    await command(bot, "/mandate", "the release calendar", user_id=BOB, user_name="bob")
    await command(bot, "/meeting", "start")
    for agreement in agreements:
        await command(bot, "/agree", agreement)
    await command(bot, "/meeting", "end")


def with_button(action_id: str):
    return lambda params: f'"{action_id}"' in json.dumps(params.get("blocks") or [])


def posted_with(bot: SlackBot, action_id: str) -> SlackCall:
    [posted] = [c for c in bot.calls("chat.postMessage") if with_button(action_id)(c.params)]
    return posted


def labels(call: SlackCall) -> list[str]:
    return [
        element["text"]["text"]
        for block in call.params["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def mandate_of(bot: SlackBot, user: str) -> tuple[str, str | None]:
    """(the mandate's status, the answer to the meeting's renewal request)."""
    with Session(bot.groundrules.database) as session:
        mandate = session.exec(select(MandateRow).where(MandateRow.user == user)).one()
        renewal = session.exec(select(RenewalRow).where(RenewalRow.user == user)).one()
        return mandate.status, renewal.outcome


async def click(bot: SlackBot, posted: SlackCall, action_id: str, user: str, **options) -> dict:
    payload = block_actions(
        action_id, value=button(posted, action_id)["value"], user_id=user, **options
    )
    assert (await bot.interact(payload)).status == 200
    return payload


# --- renewing mandates ------------------------------------------------------------------


async def test_slack_meeting_end_asks_the_table_to_renew_by_name_with_buttons(bot: SlackBot):
    await end_meeting(bot)

    renewal = posted_with(bot, "renewal_renewed")
    assert renewal.params["channel"] == CHANNEL_ID
    shown = shown_text(renewal)
    assert (
        "The meeting has ended. Ground rule 3: everyone renews their mandate based on its "
        "outcome: Alice and Bob.\nOne member has no mandate here yet: I have asked them "
        "privately to say what they may agree to on behalf of their organisation.\nNo mandate "
        "yet? Set one with /mandate &lt;what I may agree to&gt;." in shown
    )  # no button sets a mandate: the command stays
    assert "<@" not in shown and "Carol" not in shown  # the table hears no name for a lack
    # Carol, who has none, hears it alone, by DM, which names the table.
    [asked] = [
        c
        for c in bot.calls("chat.postMessage")
        if c.params["channel"] in bot.slack.channels
        and bot.slack.channels[c.params["channel"]].user == CAROL
    ]
    assert shown_text(asked).startswith(
        f"In <#{CHANNEL_ID}>:\nThe meeting has ended, and you have no mandate here yet. "
        "Please say what you may agree to on behalf of your organisation."
    )
    assert labels(asked) == ["Not now"]  # nothing to renew: the command sets one
    assert labels(renewal) == ["Renew", "Check with my organisation"]
    assert "/mandate renew" not in json.dumps(renewal.params["blocks"])  # buttons instead
    assert "/mandate renew" in renewal.params["text"]  # the fallback keeps the commands
    assert mandate_of(bot, BOB) == ("renewal_due", None)


async def test_slack_renewal_buttons_reach_the_engine(bot: SlackBot):
    await end_meeting(bot)
    renewal = posted_with(bot, "renewal_renewed")
    bot.slack.clear_calls()

    await click(bot, renewal, "renewal_renewed", BOB)
    [answered] = await bot.handled(RenewalAnswered)
    assert (answered.channel, answered.user, answered.outcome) == (CHANNEL_ID, BOB, "renewed")
    assert mandate_of(bot, BOB) == ("current", "renewed")
    [told] = await bot.slack.wait_for("chat.postMessage")  # the engine's answer, for the table
    assert told.params["channel"] == CHANNEL_ID
    assert "Mandate renewed: the release calendar" in shown_text(told)
    assert "organisation not given yet" not in shown_text(told)  # not the table's news

    await click(bot, renewal, "renewal_check", USER_ID)
    await bot.handled(RenewalAnswered, 2)
    assert mandate_of(bot, USER_ID) == ("checking", "check")
    [_, told] = await bot.slack.wait_for("chat.postMessage", 2)
    assert "Noted: you will check your mandate with your organisation." in shown_text(told)

    # Carol has no mandate to renew: the engine tells only her.
    await click(bot, renewal, "renewal_renewed", CAROL)
    await bot.handled(RenewalAnswered, 3)
    [private] = await bot.slack.wait_for("chat.postEphemeral")
    assert (private.params["channel"], private.params["user"]) == (CHANNEL_ID, CAROL)
    assert "You have no mandate here yet" in private.params["text"]
    # Clicked in the channel: the table's message keeps its buttons for the others.
    assert bot.slack.responses == []


async def test_slack_a_renewal_answered_again_is_told_privately_not_announced(bot: SlackBot):
    """A double click on Renewed (or a second look at the message) is not a second
    renewal: the table heard it once, and the clicker is told privately. Must check,
    clicked after renewing, is a settled button; checking and then renewing goes ahead."""
    await end_meeting(bot)
    renewal = posted_with(bot, "renewal_renewed")
    bot.slack.clear_calls()

    await click(bot, renewal, "renewal_renewed", BOB)
    await bot.handled(RenewalAnswered)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert "Mandate renewed: the release calendar" in shown_text(announced)

    await click(bot, renewal, "renewal_renewed", BOB)
    await bot.handled(RenewalAnswered, 2)
    [again] = await bot.slack.wait_for("chat.postEphemeral")
    assert (again.params["channel"], again.params["user"]) == (CHANNEL_ID, BOB)
    assert again.params["text"] == "Already renewed: the release calendar. Nothing is changed."

    await click(bot, renewal, "renewal_check", BOB)
    await bot.handled(RenewalAnswered, 3)
    [_, settled] = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert settled.params["user"] == BOB
    assert settled.params["text"].startswith("Already decided: you renewed your mandate on ")
    assert settled.params["text"].endswith(
        ": the release calendar. Nothing is changed. To check with your organisation after "
        "all, say /mandate check."
    )
    assert mandate_of(bot, BOB) == ("current", "renewed")

    await click(bot, renewal, "renewal_check", USER_ID)
    await bot.handled(RenewalAnswered, 4)
    await click(bot, renewal, "renewal_check", USER_ID)
    await bot.handled(RenewalAnswered, 5)
    [*_, noted] = await bot.slack.wait_for("chat.postEphemeral", 3)
    assert noted.params["user"] == USER_ID
    assert noted.params["text"].startswith("Already noted: you will check your mandate")
    # Checked with the organisation: Renewed on the same message renews, for the table.
    await click(bot, renewal, "renewal_renewed", USER_ID)
    await bot.handled(RenewalAnswered, 6)
    posted = await bot.slack.wait_for("chat.postMessage", 3)
    assert mandate_of(bot, USER_ID) == ("current", "renewed")
    assert [shown_text(c).splitlines()[-1] for c in posted] == [
        "Mandate renewed: the release calendar",
        "Noted: you will check your mandate with your organisation. Renew it with /mandate "
        "renew, or give a new one with /mandate &lt;text&gt;.",
        "Mandate renewed: budgets up to 500 euro",
    ]
    assert len(bot.calls("chat.postMessage")) == 3  # one per change, none per repeat


@pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(0), "max_reminders": 1}], ids=["remind-now"]
)
async def test_slack_renewal_reminders_go_by_dm_and_count_at_the_table(bot: SlackBot):
    await end_meeting(bot)
    await click(bot, posted_with(bot, "renewal_renewed"), "renewal_renewed", BOB)
    await bot.handled(RenewalAnswered)
    bot.slack.clear_calls()

    await bot.tick()

    opened = await bot.slack.wait_for("conversations.open", 2)
    assert sorted(c.params["users"] for c in opened) == [USER_ID, CAROL]  # Bob renewed
    dms = await bot.slack.wait_for("chat.postMessage", 2)
    assert all(dm.params["channel"].startswith("D") for dm in dms)
    reminder = dms[0]
    text = shown_text(reminder)
    assert "A friendly reminder: the meeting has ended; please renew your mandate." in text
    assert f"In <#{CHANNEL_ID}>" in text and "<@" not in text
    assert labels(reminder) == ["Renew", "Check with my organisation", "Not now"]

    # Renewing from the DM counts for the table, and the DM loses its buttons.
    response_url = bot.slack.response_url()
    await click(bot, reminder, "renewal_renewed", USER_ID,
                channel_id=reminder.params["channel"], response_url=response_url)  # fmt: skip
    [_, answered] = await bot.handled(RenewalAnswered, 2)
    assert (answered.channel, answered.user) == (CHANNEL_ID, USER_ID)
    assert mandate_of(bot, USER_ID) == ("current", "renewed")
    assert await bot.slack.wait_for_response(response_url) == [
        {"text": "Done.", "replace_original": True}
    ]


@pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(0), "max_reminders": 1}], ids=["remind-now"]
)
async def test_slack_renewal_reminders_speak_each_members_own_language(bot: SlackBot):
    """No table language; Bob (a Dutch client) ends the meeting, so the table hears Dutch.
    Each reminder by DM is about one member's own mandate and speaks theirs: Alice's,
    written in English, in English though her client is Dutch; Carol, with no mandate,
    in her client's English; Bob in Dutch. Each DM's buttons answer in its language."""
    bot.slack.add_user(USER_ID, "alice", real_name="Alice Example", display_name="Alice",
                       locale="nl-NL")  # fmt: skip
    await command(bot, "/mandate", "agree on joint drop-in hours")
    await command(bot, "/mandate", "afspraken over de inloop tot 5000 euro", user_id=BOB,
                  user_name="bob")  # fmt: skip
    await command(bot, "/meeting", "start", user_id=BOB, user_name="bob")
    await command(bot, "/meeting", "end", user_id=BOB, user_name="bob")
    asked = posted_with(bot, "renewal_renewed")
    assert "De vergadering is afgelopen" in shown_text(asked)  # the table's: Bob's
    bot.slack.clear_calls()

    await bot.tick()

    posted = await bot.slack.wait_for("chat.postMessage", 3)
    dms = {bot.slack.channels[c.params["channel"]].user: c for c in posted}
    assert "A friendly reminder: the meeting has ended; please renew your mandate." in (
        shown_text(dms[USER_ID])
    )
    assert labels(dms[USER_ID]) == ["Renew", "Check with my organisation", "Not now"]
    assert "you have no mandate here yet" in shown_text(dms[CAROL])
    assert "Een vriendelijke herinnering" in shown_text(dms[BOB])
    assert labels(dms[BOB]) == [
        "Vernieuwen", "Navragen bij mijn organisatie", "Nu even niet"
    ]  # fmt: skip

    # Alice's button answers in the English it was shown in.
    response_url = bot.slack.response_url()
    await click(bot, dms[USER_ID], "renewal_renewed", USER_ID,
                channel_id=dms[USER_ID].params["channel"], response_url=response_url)  # fmt: skip
    await bot.handled(RenewalAnswered)
    assert await bot.slack.wait_for_response(response_url) == [
        {"text": "Done.", "replace_original": True}
    ]


# --- the process evaluation -------------------------------------------------------------


def select_score(score: int | None) -> dict:
    option = {"text": {"type": "plain_text", "text": str(score)}, "value": str(score)}
    return {"value": {"type": "static_select", "selected_option": option if score else None}}


def evaluation_form(metadata: str, scores: list[int | None], comment: str = "") -> dict:
    values: dict = {f"score_{n}": select_score(s) for n, s in enumerate(scores, start=1)}
    values["comment"] = {"value": {"type": "plain_text_input", "value": comment or None}}
    return view_submission("evaluation_modal", values, private_metadata=metadata)


async def open_evaluation(bot: SlackBot) -> dict:
    await end_meeting(bot)
    evaluation = posted_with(bot, "evaluate")
    opened_by = await click(bot, evaluation, "evaluate", USER_ID)
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == opened_by["trigger_id"]
    return opened.params["view"]


async def test_slack_meeting_end_asks_for_an_evaluation_of_the_nine_values(bot: SlackBot):
    await end_meeting(bot)

    evaluation = posted_with(bot, "evaluate")
    assert evaluation.params["channel"] == CHANNEL_ID
    shown = shown_text(evaluation)
    assert "A short process evaluation, please" in shown
    assert "1. keep agreements" in shown and "9. listen to each other" in shown
    assert "/evaluate" not in json.dumps(evaluation.params["blocks"])
    assert labels(evaluation) == ["Evaluate"]


async def test_slack_evaluation_modal_validates_and_reaches_the_engine(bot: SlackBot):
    modal = await open_evaluation(bot)
    assert modal["callback_id"] == "evaluation_modal"
    selects = [b for b in modal["blocks"] if b.get("element", {}).get("type") == "static_select"]
    assert [b["block_id"] for b in selects] == [f"score_{n}" for n in range(1, 10)]
    assert [b["label"]["text"] for b in selects][:2] == ["1. keep agreements", "2. be reliable"]
    assert [o["value"] for o in selects[0]["element"]["options"]] == ["1", "2", "3", "4", "5"]
    assert not any(b.get("optional") for b in selects)
    [comment] = [b for b in modal["blocks"] if b.get("block_id") == "comment"]
    assert comment["optional"] and comment["element"]["multiline"]
    metadata = modal["private_metadata"]

    missing = evaluation_form(metadata, [4, 5, None, 4, 4, 5, 4, 3, 5])
    reply = await bot.interact(missing)
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"score_3": "Choose a score from 1 to 5."},
    }

    filled = evaluation_form(metadata, [4, 5, 3, 4, 4, 5, 4, 3, 5], comment=HOSTILE)
    reply = await bot.interact(filled)
    assert (reply.status, reply.body) == (200, "")
    [given] = await bot.handled(EvaluationGiven)
    assert (given.channel, given.user) == (CHANNEL_ID, USER_ID)
    assert (given.scores, given.comment) == ((4, 5, 3, 4, 4, 5, 4, 3, 5), HOSTILE)
    with Session(bot.groundrules.database) as session:
        [row] = session.exec(select(EvaluationRow)).all()
    assert (row.user, row.scores, row.comment) == (USER_ID, [4, 5, 3, 4, 4, 5, 4, 3, 5], HOSTILE)
    [thanks] = await bot.slack.wait_for("chat.postEphemeral", where=lambda p: "Thank" in p["text"])
    assert thanks.params["user"] == USER_ID
    assert "Your evaluation will show" in thanks.params["text"]


@pytest.mark.parametrize("bot_settings", [{"language": "nl"}], ids=["nl"])
async def test_slack_renewal_and_evaluation_in_dutch(bot: SlackBot):
    await end_meeting(bot)

    renewal = posted_with(bot, "renewal_renewed")
    assert labels(renewal) == ["Vernieuwen", "Navragen bij mijn organisatie"]
    shown = shown_text(renewal)
    assert "uitkomst: Alice en Bob.\nEén lid heeft hier nog geen mandaat: ik heb dat lid " in shown
    evaluation = posted_with(bot, "evaluate")
    assert labels(evaluation) == ["Evalueren"]
    assert "1. afspraken nakomen" in shown_text(evaluation)

    await click(bot, evaluation, "evaluate", USER_ID)
    [opened] = await bot.slack.wait_for("views.open")
    modal = opened.params["view"]
    assert modal["title"]["text"] == "Vergadering evalueren"
    assert "2. betrouwbaar zijn" in shown_text(opened)
    reply = await bot.interact(evaluation_form(modal["private_metadata"], [None] * 9))
    errors = reply.json()["errors"]
    assert set(errors) == {f"score_{n}" for n in range(1, 10)}
    assert errors["score_1"] == "Kies een score van 1 tot 5."


async def test_slack_dutch_meeting_buttons_and_form_answer_in_dutch(bot: SlackBot):
    """No table language set: a meeting ended with /vergadering shows Dutch buttons, and
    "Vernieuwen" and the Dutch evaluation form are answered in Dutch."""
    await command(bot, "/mandaat", "de releasekalender", user_id=BOB, user_name="bob")
    await command(bot, "/vergadering", "start")
    await command(bot, "/vergadering", "einde")
    renewal = posted_with(bot, "renewal_renewed")
    assert labels(renewal)[0] == "Vernieuwen"
    await click(bot, renewal, "renewal_renewed", BOB)
    await bot.handled(RenewalAnswered)
    await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: "Mandaat vernieuwd: de releasekalender" in str(p)
    )

    await click(bot, posted_with(bot, "evaluate"), "evaluate", USER_ID)
    [opened] = await bot.slack.wait_for("views.open")
    form = evaluation_form(opened.params["view"]["private_metadata"], [4] * 9, "goed, maar 1,5 uur")
    await bot.interact(form)
    await bot.handled(EvaluationGiven)
    [thanks] = await bot.slack.wait_for(
        "chat.postEphemeral", where=lambda p: p["user"] == USER_ID and "Dank je" in p["text"]
    )
    assert thanks.params["text"].startswith("Dank je.")


# --- reports ----------------------------------------------------------------------------


async def test_slack_meeting_report_summary_with_the_full_form_in_its_thread(bot: SlackBot):
    await end_meeting(bot, agreements=AGREEMENTS)

    [summary, full] = [
        c for c in bot.calls("chat.postMessage") if "Report of the meeting" in c.params["text"]
    ]
    assert summary.params["channel"] == CHANNEL_ID and not summary.params.get("thread_ts")
    text = shown_text(summary)
    assert text.startswith("Report of the meeting (since ")
    assert "… and 1 more (see the full report)" in text
    assert "We start on time" not in text  # the fourth agreement: only in the full form

    [ts] = [ts for (_, ts), m in bot.slack.messages.items() if m["text"] == summary.params["text"]]
    assert (full.params["channel"], full.params["thread_ts"]) == (CHANNEL_ID, ts)
    text = shown_text(full)
    assert "We start on time" in text and "… and 1 more" not in text
    # Carol has no mandate yet: counted, never named.
    assert "One member has no mandate here yet." in text and "Carol" not in text
    assert "@channel ask @Bob &amp; co" in text
    assert "<!channel>" not in text and "<@" not in text
    assert all(len(b["text"]["text"]) <= 3000 for b in full.params["blocks"])


async def test_slack_meeting_report_names_nobody_beside_a_problem(bot: SlackBot):
    """The bot promises to remind "once, privately, never in public". In the report posted
    at the meeting's end: Alice's problem of seconds ago is not listed (hers to follow up);
    Bob's, nudged two hours ago and unanswered, is the table's open question, without
    his name."""
    await bot.event(message_event("#problem the printer jams", user=BOB, ts=past_ts()))
    await bot.handled(MessagePosted)
    await bot.tick()  # Bob is nudged, privately
    with Session(bot.groundrules.database) as session:  # two hours pass without an answer
        [watch] = session.exec(select(WatchRow)).all()
        assert watch.closed_at is not None
        earlier = watch.closed_at - timedelta(hours=2)
        session.exec(update(WatchRow).values(closed_at=earlier))
        session.commit()
    await command(bot, "/meeting", "start")
    await bot.event(message_event("#problem the deploy keeps failing", ts=past_ts(0)))
    await bot.handled(MessagePosted, 2)
    await command(bot, "/meeting", "end")

    posted = [
        c for c in bot.calls("chat.postMessage") if "Report of the meeting" in c.params["text"]
    ]
    assert posted  # the summary, and its full form in the thread
    for report in posted:
        lines = shown_text(report).splitlines()
        start = lines.index("Problems still without a proposal:") + 1
        assert lines[start : start + 2] == ["“#problem the printer jams”", "Mandates:"]
        assert "the deploy keeps failing" not in shown_text(report)


async def test_slack_private_report_is_the_full_form_for_the_asker_only(bot: SlackBot):
    for agreement in AGREEMENTS:
        await command(bot, "/agree", agreement)
    bot.slack.clear_calls()

    await command(bot, "/report", user_id=BOB, user_name="bob")

    [report] = await bot.slack.wait_for("chat.postEphemeral")
    assert (report.params["channel"], report.params["user"]) == (CHANNEL_ID, BOB)
    text = shown_text(report)
    # "/report" shows no language of its own: Bob's Slack is in Dutch.
    assert text.startswith("Verslag van deze tafel.")
    assert "We share the minutes" in text and "We start on time" in text
    assert "… and 1 more" not in text
    assert "@channel ask @Bob" in text and "<!channel>" not in text
    assert bot.calls("chat.postMessage") == []  # nothing in the channel


async def test_slack_an_earlier_meetings_buttons_act_on_that_meeting(bot: SlackBot):
    """After a second meeting, the first one's Evaluate keeps its scores with the first
    meeting (the second's stay as they are), and its Renewed is refused kindly."""
    await end_meeting(bot)
    await command(bot, "/meeting", "start")
    await command(bot, "/meeting", "end")
    calls = bot.calls("chat.postMessage")
    first_evaluation, second_evaluation = [c for c in calls if with_button("evaluate")(c.params)]
    first_renewal = next(c for c in calls if with_button("renewal_renewed")(c.params))
    first, second = (
        json.loads(button(c, "evaluate")["value"])["m"]
        for c in (first_evaluation, second_evaluation)
    )
    forms = []
    for posted in (second_evaluation, first_evaluation):
        await click(bot, posted, "evaluate", USER_ID)
        [*_, opened] = await bot.slack.wait_for("views.open", len(forms) + 1)
        forms.append(opened.params["view"]["private_metadata"])
    await bot.interact(evaluation_form(forms[0], [1] * 9))
    await bot.interact(evaluation_form(forms[1], [5] * 9))
    [_, given] = await bot.handled(EvaluationGiven, 2)
    assert given.meeting_id == first
    with Session(bot.groundrules.database) as session:
        rows = {row.meeting_id: row.scores for row in session.exec(select(EvaluationRow))}
    assert rows == {second: [1] * 9, first: [5] * 9}
    [thanks] = await bot.slack.wait_for(
        "chat.postEphemeral", where=lambda p: "earlier meeting" in p["text"]
    )
    assert "Reports show the latest meeting anyone scored" in thanks.params["text"]

    await click(bot, first_renewal, "renewal_renewed", BOB)
    [answered] = await bot.handled(RenewalAnswered)
    assert answered.meeting_id == first
    [refused] = await bot.slack.wait_for(
        "chat.postEphemeral", where=lambda p: "That button is from" in p["text"]
    )
    assert refused.params["user"] == BOB and "Nothing is changed." in refused.params["text"]
    with Session(bot.groundrules.database) as session:
        mandate = session.exec(select(MandateRow).where(MandateRow.user == BOB)).one()
    assert mandate.status == "renewal_due"
