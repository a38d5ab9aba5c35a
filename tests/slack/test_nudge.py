"""Ground rule 1 in Slack: a problem without a proposal gets a private nudge with buttons."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlmodel import Session, select

from bot.models import CorrectionRow, MemberRow, ProcessedEvent, TimerRow, WatchRow, now_utc
from rules.events import (
    CommandInvoked,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
    ProposalAdded,
    RosterSynced,
    WhyAsked,
)
from tests.helpers import on_the_next_day
from tests.slack.conftest import (
    BOB,
    CAROL,
    SlackBot,
    button,
    past_ts,
    shown_text,
    start_bot,
    text_of,
)
from tests.standins.slack_api import BOT_ID, BOT_USER_ID
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    app_mention_event,
    block_actions,
    message_event,
    view_submission,
)


def snooze_due(bot: SlackBot) -> datetime:
    with Session(bot.groundrules.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "snooze")).all()
        return timer.due.replace(tzinfo=UTC)


def watches(bot: SlackBot) -> dict[str, str]:
    with Session(bot.groundrules.database) as session:
        return {w.problem_id: w.status for w in session.exec(select(WatchRow)).all()}


async def problem(bot: SlackBot, text: str = "#problem the deploy keeps failing", **kw) -> str:
    ts = kw.pop("ts", None) or past_ts()
    await bot.event(message_event(text, ts=ts, **kw))
    await bot.handled(MessagePosted)
    return ts


async def test_slack_problem_without_proposal_is_nudged_privately_with_buttons(bot: SlackBot):
    ts = await problem(bot)
    assert watches(bot) == {ts: "open"}

    await bot.tick()

    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    assert (nudge.params["channel"], nudge.params["user"]) == (CHANNEL_ID, USER_ID)
    assert "Hi Alice, you named a problem" in nudge.params["text"]
    assert "\n> #problem the deploy keeps failing\n" in nudge.params["text"]
    for action_id in ("nudge_propose", "nudge_dismiss", "nudge_snooze", "nudge_why"):
        button(nudge, action_id)
    assert bot.calls("chat.postMessage") == []  # never public
    assert watches(bot) == {ts: "nudged"}


async def test_slack_half_an_emoji_in_a_message_is_read_not_lost(bot: SlackBot):
    """A payload may carry an emoji cut in half (JSON "\\ud83d", a lone surrogate): no
    UTF-8 holds it, so the bot reads the message with it replaced, and nudges."""
    ts = await problem(bot, "#problem the deploy keeps failing \ud83d")
    assert watches(bot) == {ts: "open"}
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    assert "\n> #problem the deploy keeps failing \ufffd\n" in nudge.params["text"]


async def test_slack_first_message_in_a_channel_syncs_its_human_members(bot: SlackBot):
    await problem(bot, "good morning everyone")

    [synced] = await bot.handled(RosterSynced)
    assert synced.members == {USER_ID, BOB, CAROL}  # no bots, no deleted users, no Slackbot
    bot.groundrules.store.flush()
    with Session(bot.groundrules.database) as session:
        members = set(session.exec(select(MemberRow.user)).all())
    assert members == {USER_ID, BOB, CAROL}

    # Seen once: a second message does not ask Slack again, and users.info is cached.
    await bot.event(message_event("second message", ts=past_ts()))
    await bot.handled(MessagePosted, 2)
    assert len(bot.calls("conversations.members")) == 1
    assert len(bot.calls("users.info")) == 7


async def test_slack_member_sync_reads_every_page(bot: SlackBot):
    bot.adapter.directory.page_size = 2  # seven members: four pages
    await problem(bot, "hello")

    [synced] = await bot.handled(RosterSynced)
    assert synced.members == {USER_ID, BOB, CAROL}
    cursors = [c.params.get("cursor") for c in bot.calls("conversations.members")]
    assert len(cursors) == 4 and cursors[0] is None and all(cursors[1:])


async def test_slack_proposal_in_time_answers_the_problem(bot: SlackBot):
    # Posted now: the whole 1 s window is left for the proposal, even on a busy machine.
    ts = await problem(bot, ts=past_ts(0))
    await bot.event(
        message_event("#proposal pin the base image", user=BOB, thread_ts=ts, ts=past_ts(0))
    )
    await bot.handled(MessagePosted, 2)
    assert watches(bot) == {ts: "answered"}


async def test_slack_edit_that_removes_the_problem_withdraws_it(bot: SlackBot):
    ts = await problem(bot, ts=past_ts(0.2))
    await bot.event(edit_of(ts, "all good now", "#problem the deploy keeps failing"))
    await bot.handled(MessageEdited)
    assert watches(bot) == {ts: "withdrawn"}
    await bot.tick()
    assert bot.calls("chat.postEphemeral") == []


def edit_of(ts: str, text: str, before: str, user: str = USER_ID) -> dict:
    """A ``message_changed`` event: the author edited message `ts`."""
    return {
        "type": "message", "subtype": "message_changed", "hidden": True,
        "channel": CHANNEL_ID, "channel_type": "channel", "ts": past_ts(0.1),
        "event_ts": past_ts(0.1),
        "message": {"type": "message", "user": user, "text": text, "ts": ts,
                    "edited": {"user": user, "ts": past_ts(0.1)}},
        "previous_message": {"type": "message", "user": user, "text": before, "ts": ts},
    }  # fmt: skip


async def test_slack_an_edit_after_the_nudge_is_what_why_explains(bot: SlackBot):
    before = "#problem Kevin broke the build again"
    ts = await problem(bot, before)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    await bot.event(edit_of(ts, "#problem the build is broken again", before))
    await bot.handled(MessageEdited)
    assert watches(bot) == {ts: "nudged"}  # still a problem, in other words
    value = button(nudge, "nudge_why")["value"]
    await bot.interact(block_actions("nudge_why", value=value))
    await bot.handled(WhyAsked)
    [_, why] = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert "mostly because of “#problem”, “the” and “build”." in shown_text(why)


async def test_slack_an_edit_that_takes_back_a_nudged_problem_withdraws_it(bot: SlackBot):
    before = "#problem the deploy keeps failing"
    ts = await problem(bot, before)
    await bot.tick()
    await bot.slack.wait_for("chat.postEphemeral")
    await bot.event(edit_of(ts, "all good now", before))
    await bot.handled(MessageEdited)
    assert watches(bot) == {ts: "withdrawn"}


async def test_slack_a_typo_fixed_in_an_older_proposal_answers_no_later_problem(bot: SlackBot):
    before = "#proposal we rotate the on-call wekly"
    proposal = await problem(bot, before, ts=past_ts(30))
    ts = past_ts(0.5)
    await bot.event(message_event("#problem the VPN drops every hour", ts=ts))
    await bot.handled(MessagePosted, 2)
    await bot.event(edit_of(proposal, "#proposal we rotate the on-call weekly", before))
    [edited] = await bot.handled(MessageEdited)
    # The edit carries when its message was posted (its ts), not only the edit's time.
    assert edited.posted_at is not None and edited.at - edited.posted_at > timedelta(seconds=29)
    assert watches(bot) == {ts: "open"}  # still waiting for its own proposal


async def test_slack_nudge_falls_back_to_a_dm_when_the_ephemeral_cannot_be_shown(
    bot: SlackBot,
):
    await problem(bot)
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")

    await bot.tick()

    [opened] = await bot.slack.wait_for("conversations.open")
    assert opened.params["users"] == USER_ID
    [dm] = await bot.slack.wait_for("chat.postMessage")
    assert dm.params["channel"].startswith("D")
    assert "Hi Alice" in dm.params["text"]
    assert f"<#{CHANNEL_ID}>" in text_of(dm)  # says which table it is about
    button(dm, "nudge_snooze")


async def test_slack_nudge_buttons_not_a_problem_and_snooze(bot: SlackBot):
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")

    value = button(nudge, "nudge_snooze")["value"]
    snooze_url = bot.slack.response_url()
    reply = await bot.interact(block_actions("nudge_snooze", value=value, response_url=snooze_url))
    assert reply.status == 200
    [snoozed] = await bot.handled(NudgeSnoozed)
    assert (snoozed.problem_id, snoozed.user, snoozed.channel) == (ts, USER_ID, CHANNEL_ID)
    assert watches(bot) == {ts: "snoozed"}
    [_, thanks] = await bot.slack.wait_for("chat.postEphemeral", 2)
    # When it comes, on the reader's own clock (Slack's date markup); the table's clock,
    # its zone named, where Slack cannot show that.
    # An hour on from just before midnight (UTC, the table's zone) is tomorrow: then the
    # day is shown too.
    back = snooze_due(bot)
    if on_the_next_day(back, timedelta(hours=1)):
        shape, local = "{date_num} {time}", f"tomorrow at {back:%H:%M} (UTC)"
    else:
        shape, local = "{time}", f"{back:%H:%M} (UTC)"
    assert (
        f"Snoozed until <!date^{int(back.timestamp())}^{shape}|{local}>." in (thanks.params["text"])
    )
    # The ephemeral nudge itself gives way to one line, its buttons gone.
    assert await bot.slack.wait_for_response(snooze_url) == [
        {"text": "Snoozed.", "replace_original": True}
    ]

    value = button(nudge, "nudge_dismiss")["value"]
    dismiss_url = bot.slack.response_url()
    await bot.interact(block_actions("nudge_dismiss", value=value, response_url=dismiss_url))
    [relabelled] = await bot.handled(MessageRelabelled)
    assert (relabelled.label, relabelled.applies, relabelled.text) == ("problem", False, "")
    assert watches(bot) == {ts: "dismissed"}
    with Session(bot.groundrules.database) as session:
        [correction] = session.exec(select(CorrectionRow)).all()
    assert correction.text == "#problem the deploy keeps failing"  # from the engine's watch
    assert await bot.slack.wait_for_response(dismiss_url) == [
        {"text": "Noted.", "replace_original": True}
    ]


async def test_slack_nudge_it_has_a_proposal_answers_it_and_keeps_the_text_to_learn_from(
    bot: SlackBot,
):
    text = "#problem the deploy keeps failing. Shall we pin the base image until it is fixed?"
    ts = await problem(bot, text)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")

    value = button(nudge, "nudge_has_proposal")["value"]
    response_url = bot.slack.response_url()
    reply = await bot.interact(
        block_actions("nudge_has_proposal", value=value, response_url=response_url)
    )
    assert reply.status == 200
    [relabelled] = await bot.handled(MessageRelabelled)
    assert (relabelled.message_id, relabelled.user) == (ts, USER_ID)
    assert (relabelled.label, relabelled.applies, relabelled.text) == ("proposal", True, "")
    assert watches(bot) == {ts: "answered"}
    with Session(bot.groundrules.database) as session:
        corrections = session.exec(select(CorrectionRow).order_by(CorrectionRow.id)).all()
    assert [(c.text, c.label, c.applies) for c in corrections] == [
        (text, "problem", True),
        (text, "proposal", True),
    ]
    [_, thanks] = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert (thanks.params["channel"], thanks.params["user"]) == (CHANNEL_ID, USER_ID)
    assert thanks.params["text"].startswith("Thank you, and sorry for asking")
    assert await bot.slack.wait_for_response(response_url) == [
        {"text": "Counted as a proposal.", "replace_original": True}
    ]
    # Answered: no reminder follows.
    await bot.tick()
    assert bot.slack.calls_to("chat.postMessage") == []


async def test_slack_nudge_why_answers_privately_and_keeps_the_buttons(bot: SlackBot):
    ts = await problem(bot, "#problem <!channel> <@U123> the build broke again")
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")

    value = button(nudge, "nudge_why")["value"]
    response_url = bot.slack.response_url()
    reply = await bot.interact(block_actions("nudge_why", value=value, response_url=response_url))
    assert reply.status == 200
    [asked] = await bot.handled(WhyAsked)
    assert (asked.problem_id, asked.user, asked.channel) == (ts, USER_ID, CHANNEL_ID)
    [_, why] = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert (why.params["channel"], why.params["user"]) == (CHANNEL_ID, USER_ID)
    shown = shown_text(why)
    assert "mostly because of “#problem”, “@channel” and “(name not visible)”." in shown
    assert "<!channel>" not in shown and "<@U123>" not in shown  # the reasons ping nobody
    assert watches(bot) == {ts: "nudged"}
    # The nudge keeps its buttons: a choice made after it is the first to replace it.
    snooze_url = bot.slack.response_url()
    await bot.interact(block_actions("nudge_snooze", value=value, response_url=snooze_url))
    assert await bot.slack.wait_for_response(snooze_url) == [
        {"text": "Snoozed.", "replace_original": True}
    ]
    assert bot.slack.responses_to(response_url) == []


async def test_slack_add_a_proposal_opens_a_modal_and_posts_it_in_the_thread(bot: SlackBot):
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")

    response_url = bot.slack.response_url()
    click = block_actions(
        "nudge_propose", value=button(nudge, "nudge_propose")["value"], response_url=response_url
    )
    await bot.interact(click)
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == click["trigger_id"]
    modal = opened.params["view"]
    assert modal["callback_id"] == "proposal_modal"
    assert "the deploy keeps failing" in text_of(opened)

    empty = view_submission(
        "proposal_modal", {"proposal": {"value": "   "}},
        private_metadata=modal["private_metadata"],
    )  # fmt: skip
    reply = await bot.interact(empty)
    assert reply.json()["response_action"] == "errors"
    assert "proposal" in reply.json()["errors"]
    assert bot.slack.responses_to(response_url) == []  # the nudge stays until it is done

    filled = view_submission(
        "proposal_modal", {"proposal": {"value": "retry with <!here> pinned image"}},
        private_metadata=modal["private_metadata"],
    )  # fmt: skip
    reply = await bot.interact(filled)
    assert (reply.status, reply.body) == (200, "")
    [added] = await bot.handled(ProposalAdded)
    assert (added.problem_id, added.text) == (ts, "retry with <!here> pinned image")
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert posted.params["thread_ts"] == ts
    assert "Proposal from Alice" in posted.params["text"]
    assert "retry with @here pinned" in posted.params["text"] and "<!here>" not in text_of(posted)
    assert watches(bot) == {ts: "answered"}
    assert await bot.slack.wait_for_response(response_url) == [
        {"text": "Done.", "replace_original": True}
    ]


async def proposed_with_the_form(bot: SlackBot, text: str) -> tuple[str, ProposalAdded]:
    """Alice's problem, nudged and answered with the form: the problem's ts, and her
    proposal as the bot posted it."""
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    await bot.interact(
        block_actions("nudge_propose", value=button(nudge, "nudge_propose")["value"])
    )
    [opened] = await bot.slack.wait_for("views.open")
    await bot.interact(view_submission(
        "proposal_modal", {"proposal": {"value": text}},
        private_metadata=opened.params["view"]["private_metadata"],
    ))  # fmt: skip
    [added] = await bot.handled(ProposalAdded)
    return ts, added


async def test_slack_yeses_under_a_proposal_from_the_form_are_counted(bot: SlackBot):
    """The bot's post of Alice's proposal is hers at the table: the thread's yeses
    bring the offer to record it, as if she had typed it there."""
    ts, added = await proposed_with_the_form(bot, "retry with a pinned base image")
    [post] = bot.slack.messages_in(CHANNEL_ID)
    assert (added.message_id, added.thread_id) == (post["ts"], ts)
    for n, (user, text) in enumerate([(BOB, "#agreement sounds good"), (CAROL, "#agreement yes")]):
        await bot.event(message_event(text, user=user, ts=past_ts(1), thread_ts=ts))
        await bot.handled(MessagePosted, n + 2)
    [_, offer] = await bot.slack.wait_for("chat.postMessage", 2)
    assert "Most of the table agrees with this proposal by Alice" in shown_text(offer)
    assert "retry with a pinned base image" in shown_text(offer)
    assert offer.params["thread_ts"] == ts


async def test_slack_concerns_right_after_the_form_asks_about_its_proposal(bot: SlackBot):
    await proposed_with_the_form(bot, "retry with a pinned base image")
    await bot.command("/concerns")
    await bot.handled(CommandInvoked)
    [_, round_post] = await bot.slack.wait_for("chat.postMessage", 2)
    assert "retry with a pinned base image" in shown_text(round_post)


async def test_slack_the_proposal_form_names_whom_the_problem_mentions(bot: SlackBot):
    """The form opens at once (no lookup within Slack's three seconds), with the names
    the nudge just looked up."""
    await problem(bot, f"#problem ask <@{BOB}> about the deploy, not <@U-NEW|newbie>")
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    looked_up = len(bot.calls("users.info"))

    value = button(nudge, "nudge_propose")["value"]
    await bot.interact(block_actions("nudge_propose", value=value))
    [opened] = await bot.slack.wait_for("views.open")
    assert "> #problem ask @Bob about the deploy, not @newbie" in text_of(opened)
    assert len(bot.calls("users.info")) == looked_up


async def test_slack_a_proposal_for_a_problem_settled_meanwhile_is_not_posted(bot: SlackBot):
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    response_url = bot.slack.response_url()
    value = button(nudge, "nudge_propose")["value"]
    await bot.interact(block_actions("nudge_propose", value=value, response_url=response_url))
    [opened] = await bot.slack.wait_for("views.open")
    # While the form is open, its author deletes the problem.
    await bot.event({
        "type": "message", "subtype": "message_deleted", "hidden": True,
        "channel": CHANNEL_ID, "channel_type": "channel", "ts": past_ts(0.1),
        "deleted_ts": ts, "event_ts": past_ts(0.1),
        "previous_message": {"type": "message", "user": USER_ID, "ts": ts,
                             "text": "#problem the deploy keeps failing"},
    })  # fmt: skip
    await bot.handled(MessageDeleted)

    filled = view_submission(
        "proposal_modal", {"proposal": {"value": "retry with a pinned image"}},
        private_metadata=opened.params["view"]["private_metadata"],
    )  # fmt: skip
    await bot.interact(filled)
    assert await bot.slack.wait_for_response(response_url) == [
        {"text": "This is settled already: there is nothing left to choose.",
         "replace_original": True}
    ]  # fmt: skip
    assert bot.calls("chat.postMessage") == []
    assert bot.adapter.activity.counts["ProposalAdded"] == 0


async def test_slack_a_proposal_for_a_nudge_past_the_retention_period_answers_it(bot: SlackBot):
    # The sweep let the problem go unanswered ("expired"); the report still names it as
    # waiting for a proposal, so the form's proposal is posted and answers it.
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    response_url = bot.slack.response_url()
    value = button(nudge, "nudge_propose")["value"]
    await bot.interact(block_actions("nudge_propose", value=value, response_url=response_url))
    [opened] = await bot.slack.wait_for("views.open")
    bot.groundrules.store.sweep(now_utc() + timedelta(days=3), timedelta(days=2))
    assert watches(bot) == {ts: "expired"}

    filled = view_submission(
        "proposal_modal", {"proposal": {"value": "retry with a pinned image"}},
        private_metadata=opened.params["view"]["private_metadata"],
    )  # fmt: skip
    await bot.interact(filled)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert posted.params["thread_ts"] == ts
    await bot.handled(ProposalAdded)
    assert watches(bot) == {ts: "answered"}
    assert await bot.slack.wait_for_response(response_url) == [
        {"text": "Done.", "replace_original": True}
    ]


async def test_slack_a_proposal_form_submitted_twice_at_once_is_posted_once(bot: SlackBot):
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    value = button(nudge, "nudge_propose")["value"]
    await bot.interact(block_actions("nudge_propose", value=value))
    [opened] = await bot.slack.wait_for("views.open")
    filled = view_submission(
        "proposal_modal", {"proposal": {"value": "retry with a pinned image"}},
        private_metadata=opened.params["view"]["private_metadata"],
    )  # fmt: skip
    await asyncio.gather(bot.interact(filled), bot.interact(filled))
    await bot.handled(ProposalAdded)
    await bot.tick()
    assert len(bot.calls("chat.postMessage")) == 1
    assert watches(bot) == {ts: "answered"}


async def test_slack_a_proposal_form_submitted_to_two_processes_is_posted_once(
    bot: SlackBot, sqlite_url: str
):
    # Behind a load balancer the two submissions of one form reach two processes.
    ts = await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    value = button(nudge, "nudge_propose")["value"]
    await bot.interact(block_actions("nudge_propose", value=value))
    [opened] = await bot.slack.wait_for("views.open")
    filled = view_submission(
        "proposal_modal", {"proposal": {"value": "retry with a pinned image"}},
        private_metadata=opened.params["view"]["private_metadata"],
    )  # fmt: skip
    groundrules, runtime, adapter = await start_bot(bot.slack, sqlite_url, migrate=False)
    try:
        other = SlackBot(bot.slack, groundrules, runtime, adapter, bot.http)
        await asyncio.gather(bot.interact(filled), other.interact(filled))
        [posted] = await bot.slack.wait_for("chat.postMessage")
        assert posted.params["thread_ts"] == ts
        with pytest.raises(AssertionError, match="got 1"):  # and no second one
            await bot.slack.wait_for("chat.postMessage", 2, timeout=1.0)
        added = bot.adapter.activity.counts["ProposalAdded"]
        assert added + adapter.activity.counts["ProposalAdded"] == 1
        assert watches(bot) == {ts: "answered"}
    finally:
        await adapter.stop()
        groundrules.database.dispose()


@pytest.mark.parametrize("bot_settings", [{"language": "nl"}], ids=["nl"])
async def test_slack_answered_nudge_is_replaced_in_the_tables_language(bot: SlackBot):
    await problem(bot)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    assert button(nudge, "nudge_snooze")["text"]["text"] == "1 uur sluimeren"

    response_url = bot.slack.response_url()
    value = button(nudge, "nudge_snooze")["value"]
    await bot.interact(block_actions("nudge_snooze", value=value, response_url=response_url))
    await bot.handled(NudgeSnoozed)
    assert await bot.slack.wait_for_response(response_url) == [
        {"text": "Ik laat het sluimeren.", "replace_original": True}
    ]


async def test_slack_mention_safety_in_the_nudge(bot: SlackBot):
    """Mentions in the echoed problem read as names (looked up like the author's) and
    ping nobody."""
    said = f"#problem <!channel> the build broke, ask <@{BOB}> or <!subteam^S1|ops>, not <@U123>"
    await problem(bot, said)
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    shown = shown_text(nudge)
    assert "> #problem @channel the build broke, ask @Bob or @ops, not (name not visible)" in shown
    for ping in ("<!channel>", "<@U123>", "<!subteam", "<@U-ALICE>", f"<@{BOB}>"):
        assert ping not in shown
    assert "link_names" not in nudge.params


# Both nudged at once: pacing off (rules.pacing).
@pytest.mark.parametrize("bot_settings", [{"nudge_pacing": timedelta(0)}])
async def test_slack_a_mention_in_a_problems_thread_acts_on_that_problem_and_quotes_it(
    bot: SlackBot,
):
    first = await problem(
        bot, "#problem <!channel> the coffee machine leaks, ask <@U123>", ts=past_ts(20)
    )
    later = await problem(bot, "#problem the printer is jammed again", ts=past_ts(10))
    await bot.tick()
    await bot.slack.wait_for("chat.postEphemeral", 2)  # both nudged, the printer last
    await bot.event(app_mention_event(f"<@{BOT_USER_ID}> not-a-problem", thread_ts=first))
    await bot.handled(CommandInvoked)
    [*_, said] = await bot.slack.wait_for("chat.postEphemeral", 3)
    assert watches(bot) == {first: "dismissed", later: "nudged"}
    shown = shown_text(said)
    # The quote reads as written, its markup as plain names that ping nobody.
    assert shown.startswith("About your message:\n> #problem @channel the coffee")
    for ping in ("<!channel>", "<@U123>"):
        assert ping not in shown


async def test_slack_echo_and_other_bots_are_ignored(bot: SlackBot):
    own = message_event("#problem echo of myself", user=BOT_USER_ID, bot_id=BOT_ID, ts=past_ts())
    other_bot = message_event(
        "#problem from another app", subtype="bot_message", bot_id="B-HELPER", ts=past_ts()
    )
    del other_bot["user"]
    joined = message_event("#problem joined", subtype="channel_join", ts=past_ts())
    for event in (own, other_bot, joined):
        assert (await bot.event(event)).status == 200
    # A person's message after them: once it is handled, the ignored ones were too.
    ts = await problem(bot, "#problem the printer is jammed", user=CAROL)
    await bot.tick()

    [nudge] = await bot.slack.wait_for("chat.postEphemeral")
    assert nudge.params["user"] == CAROL
    assert watches(bot) == {ts: "nudged"}
    with Session(bot.groundrules.database) as session:
        handled = [e.event_id for e in session.exec(select(ProcessedEvent)).all()]
    # Only Carol's message reached the engine with effects to claim (a roster sync only
    # notes members, which is safe to repeat and needs no claim).
    assert [e.startswith("roster:") for e in handled].count(False) == 1


async def test_slack_nudge_arrives_from_the_running_ticker(slack, sqlite_url):
    """The live path: the runtime's own ticker sends the nudge once the window ends."""
    groundrules, runtime, adapter = await start_bot(
        slack, sqlite_url, migrate=False, tick_interval=timedelta(milliseconds=100)
    )
    ticker = asyncio.create_task(runtime.run_ticker())
    try:
        async with aiohttp.ClientSession() as http:
            live = SlackBot(slack, groundrules, runtime, adapter, http)
            await live.event(message_event("#problem the wifi drops", ts=past_ts(0)))
            [nudge] = await slack.wait_for("chat.postEphemeral")
        assert nudge.params["user"] == USER_ID
    finally:
        runtime.stop()
        await ticker
        await adapter.stop()
        groundrules.database.dispose()


async def test_slack_nudges_off_is_announced_and_no_problem_is_nudged_after(bot: SlackBot):
    from rules.events import CommandInvoked

    await bot.command("/nudges", "off")
    await bot.handled(CommandInvoked)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert announced.params["channel"] == CHANNEL_ID  # the whole table hears it
    assert announced.params["text"].startswith("From now on I do not nudge anyone here")

    ts = await problem(bot)
    await bot.tick()
    assert watches(bot) == {}  # not even watched
    assert bot.calls("chat.postEphemeral") == []

    await bot.command("/groundrules", "seintjes minder")  # the English manifest's way
    await bot.handled(CommandInvoked, 2)
    [_, fewer] = await bot.slack.wait_for("chat.postMessage", 2)
    assert fewer.params["text"].startswith("Vanaf nu geef ik hier alleen een seintje")
    await bot.command("/seintjes", "normaal")  # registered by manifest.nl.yml
    await bot.handled(CommandInvoked, 3)
    [_, _, again] = await bot.slack.wait_for("chat.postMessage", 3)
    assert again.params["text"].startswith("Vanaf nu geef ik wie hier een probleem noemt")
    later = past_ts()
    await bot.event(message_event("#problem the deploy keeps failing", ts=later))
    await bot.handled(MessagePosted, 2)  # the second message, not the first again
    await bot.tick()
    assert watches(bot) == {later: "nudged"} and later != ts
