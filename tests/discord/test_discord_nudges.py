"""Ground rule 1 on Discord: a DM with buttons, or a quiet reply when DMs are closed."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from adapters.discord.custom_ids import NudgeChoice, ProposalForm, Where
from bot.models import WatchRow
from bot.views import problem_counts
from rules.events import (
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
    ProposalAdded,
    RosterSynced,
    WhyAsked,
)
from tests.discord.harness import WINDOW, buttons, dm_messages, post_problem, workspace
from tests.standins.discord_api import DISCORD_EPOCH_MS

NUDGE_BUTTONS = ["Add a proposal", "It has a proposal", "Not a problem", "Snooze 1 hour", "Why?"]


def sent_at(message: dict) -> float:
    """When Discord made a message, in seconds (from its snowflake)."""
    return ((int(message["id"]) >> 22) + DISCORD_EPOCH_MS) / 1000


async def test_nudge_add_a_proposal_refuses_text_that_shows_nothing(world, harness):
    """A proposal of zero-width and blank characters would be posted in the author's
    name as an empty-looking one: the form asks for it, and nothing is posted."""
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    click = await world.api.click_button(dm, world.alice, label="Add a proposal")
    modal = await world.api.wait_for_callback(click)
    submit = await world.api.submit_modal(modal, {"proposal": "\u200b\u2800 "})
    told = await world.api.wait_for_callback(submit)
    assert (told.content, told.ephemeral) == (
        "Write your proposal; a small first step is plenty.",
        True,
    )
    assert world.api.messages_in(world.general) == []
    assert [label for label, _ in buttons(dm)] == NUDGE_BUTTONS  # still to choose


async def test_nudge_goes_by_dm_once_the_window_has_passed(world, harness):
    runtime = await harness.start()
    problem = await world.api.message_create(
        world.guild, world.general, world.alice, "#problem the staging deploy is broken"
    )
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == problem["id"])
    assert dm_messages(world.api, world.alice) == []

    await runtime.tick_until_sent()  # ticking like the ticker, until the one-second window ends
    [dm] = dm_messages(world.api, world.alice)
    assert sent_at(dm) >= sent_at(problem) + WINDOW.total_seconds()
    lines = dm["content"].splitlines()
    assert lines[0] == f"In <#{world.general.id}>:"
    assert lines[1] == "Hi Alice, you named a problem a little while ago:"
    assert lines[2] == "> #problem the staging deploy is broken"
    link = f"https://discord.com/channels/{world.guild.id}/{world.general.id}/{problem['id']}"
    assert lines[-1] == link
    assert [label for label, _ in buttons(dm)] == NUDGE_BUTTONS
    assert dm_messages(world.api, world.bob) == []


@pytest.mark.parametrize(
    "lang, opening", [("en", "Hi Alice"), ("nl", "Hoi Alice")], ids=["en", "nl"]
)
async def test_nudge_by_dm_opens_with_the_channel_it_is_about(world, harness, lang, opening):
    """Someone in several channels, or who reads only the notification, knows which one
    the problem was named in: a channel mention, which pings nobody. In a thread, the
    table's channel is named."""
    harness.settings["language"] = lang
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed",
                       thread=world.thread)  # fmt: skip
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].startswith(f"In <#{world.general.id}>:\n{opening}")
    assert "<@" not in dm["content"] and "@everyone" not in dm["content"]


async def test_nudge_add_a_proposal_posts_it_beside_the_problem_in_the_authors_name(world, harness):
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)

    click = await world.api.click_button(dm, world.alice, label="Add a proposal")
    modal = await world.api.wait_for_callback(click)
    assert (modal.type, modal.data["title"]) == (9, "Add a proposal")
    submit = await world.api.submit_modal(
        modal, {"proposal": "I'll call the vendor\ntoday @everyone"}
    )
    [added] = await runtime.wait_for(ProposalAdded)

    assert (added.problem_id, added.text) == (
        problem["id"],
        "I'll call the vendor\ntoday @everyone",
    )
    assert (added.channel, added.user) == (str(world.general.id), str(world.alice.id))
    [posted] = world.api.messages_in(world.general)
    assert posted["content"] == (
        "Proposal from Alice, for the problem above:\n> I'll call the vendor today @\u200beveryone"
    )
    assert posted["message_reference"]["message_id"] == problem["id"]
    (cleared,) = world.api.callbacks_for(submit)
    assert cleared.type == 7 and cleared.message["components"] == []  # the choice is made
    thanks = await world.api.wait_for_followup(submit)
    assert thanks["content"] == "Thank you! Your proposal is posted under your problem."
    assert thanks["flags"] & 64  # ephemeral
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.named, counts.answered) == (1, 1)


async def proposed_with_the_form(world, harness, *, thread=None) -> tuple[dict, ProposalAdded]:
    """Alice's problem (in `thread`), nudged and answered with the form: her problem and
    her proposal as the bot posted it beside the problem."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    problem = await post_problem(
        world, runtime, world.alice, "#problem the printer is jammed", thread=thread
    )
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    click = await world.api.click_button(dm, world.alice, label="Add a proposal")
    modal = await world.api.wait_for_callback(click)
    await world.api.submit_modal(modal, {"proposal": "call the vendor today"})
    [added] = await runtime.wait_for(ProposalAdded)
    return problem, added


@pytest.mark.parametrize("in_thread", [False, True], ids=["channel", "thread"])
async def test_nudge_yeses_to_a_proposal_from_the_form_are_counted(world, harness, in_thread):
    """The bot's post of Alice's proposal is hers at the table: the yeses after it
    bring the offer to record it, as if she had typed it there."""
    place = world.thread if in_thread else None
    where = world.thread if in_thread else world.general
    _, added = await proposed_with_the_form(world, harness, thread=place)
    [posted] = world.api.messages_in(where)
    assert (added.message_id, added.thread_id) == (
        posted["id"], str(world.thread.id) if in_thread else None,
    )  # fmt: skip
    for n, (member, text) in enumerate(
        [(world.bob, "#agreement sounds good"), (world.carol, "#agreement yes")]
    ):
        await world.api.message_create(world.guild, world.general, member, text, thread=place)
        await harness.runtime.wait_for(MessagePosted, count=n + 2)  # after Alice's problem
    [_, offer] = world.api.messages_in(where)
    assert offer["content"].startswith(
        "Most of the table agrees with this proposal by Alice (Bob and carol)"
    )
    assert "call the vendor today" in offer["content"]


async def test_nudge_concerns_right_after_the_form_asks_about_its_proposal(world, harness):
    await proposed_with_the_form(world, harness)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "concerns")
    done = await world.api.wait_for_callback(ix)
    assert done.content == "Done."
    [round_post] = [m for m in world.api.messages_in(world.general) if m["components"]]
    assert round_post["content"].splitlines()[:2] == [
        "Concern round: Alice proposes", "> call the vendor today",
    ]  # fmt: skip


async def test_nudge_add_a_proposal_past_the_retention_period_answers_it(world, harness):
    # The sweep let the problem go unanswered ("expired"); the report still names it as
    # waiting for a proposal, so the nudge's form still posts one and answers it.
    from datetime import timedelta

    from bot.models import now_utc

    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    harness.app.store.sweep(now_utc() + timedelta(days=3), timedelta(days=2))
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.nudged, counts.answered) == (1, 0)

    click = await world.api.click_button(dm, world.alice, label="Add a proposal")
    modal = await world.api.wait_for_callback(click)
    assert modal.type == 9
    await world.api.submit_modal(modal, {"proposal": "call the vendor"})
    [added] = await runtime.wait_for(ProposalAdded)
    assert added.problem_id == problem["id"]
    [posted] = world.api.messages_in(world.general)
    assert "call the vendor" in posted["content"]
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.nudged, counts.answered) == (0, 1)


async def test_nudge_not_a_problem_dismisses_it(world, harness):
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, "#problem lunch is late", ago=5)
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)

    click = await world.api.click_button(dm, world.alice, label="Not a problem")
    [relabelled] = await runtime.wait_for(MessageRelabelled)
    assert (relabelled.message_id, relabelled.text) == (problem["id"], "")
    assert (relabelled.label, relabelled.applies) == ("problem", False)
    [cleared] = world.api.callbacks_for(click)
    assert cleared.type == 7
    thanks = await world.api.wait_for_followup(click)
    assert thanks["content"] == (
        "Thanks for telling me. I will not treat that as a problem, nor the same message "
        "when it comes back here.\n"
        "Do I often get this wrong here? With /nudges fewer I only nudge about problems I am "
        "quite sure of, or that someone reacts to."
    )
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert counts.dismissed == 1


async def test_nudge_it_has_a_proposal_answers_it(world, harness):
    runtime = await harness.start()
    text = "#problem the printer is jammed again, I will call the vendor at noon"
    problem = await post_problem(world, runtime, world.alice, text, ago=5)
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)

    click = await world.api.click_button(dm, world.alice, label="It has a proposal")
    [relabelled] = await runtime.wait_for(MessageRelabelled)
    assert (relabelled.message_id, relabelled.text) == (problem["id"], "")
    assert (relabelled.label, relabelled.applies) == ("proposal", True)
    [cleared] = world.api.callbacks_for(click)
    assert cleared.type == 7  # the choice is made: the buttons go
    thanks = await world.api.wait_for_followup(click)
    assert thanks["content"] == (
        "Thank you, and sorry for asking: your message proposes something already. I count "
        "it as a proposal, and keep it to learn from."
    )
    assert thanks["flags"] & 64  # ephemeral
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.named, counts.answered, counts.dismissed) == (1, 1, 0)


async def test_nudge_why_tells_the_author_privately_and_keeps_the_choices(world, harness):
    runtime = await harness.start()
    problem = await post_problem(
        world, runtime, world.alice, "#problem @everyone <@123> the boiler is out", ago=5
    )
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)

    click = await world.api.click_button(dm, world.alice, label="Why?")
    [asked] = await runtime.wait_for(WhyAsked)
    assert (asked.problem_id, asked.user) == (problem["id"], str(world.alice.id))
    answer = await world.api.wait_for_callback(click)
    assert (answer.type, answer.ephemeral) == (4, True)  # a new private message: the DM
    assert world.api.callbacks_for(click) == [answer]  # keeps its buttons (no update, 7)
    first, second = answer.content.splitlines()
    # The reasons are the author's own words, and they ping nobody: @everyone is broken
    # up, and the message allows no mention at all.
    assert first == (
        "I read your message as a problem mostly because of “#problem”, “@\u200beveryone” "
        "and “<@123>”."
    )
    assert second.startswith("I go by words, not by what you meant")
    assert answer.data["allowed_mentions"] == {"parse": []}


async def test_nudge_closed_dms_get_a_quiet_reply_in_the_thread_with_the_choices(world, harness):
    world.api.close_dms(world.alice)
    runtime = await harness.start()
    problem = await post_problem(
        world, runtime, world.alice, "#problem the tests are flaky", thread=world.thread
    )
    await runtime.tick_until_sent()

    [quiet] = world.api.messages_in(world.thread)
    assert quiet["content"].startswith("Alice, a gentle reminder about the problem you named")
    assert quiet["message_reference"]["message_id"] == problem["id"]
    assert quiet["mentions"] == [] and "<@" not in quiet["content"]
    assert [label for label, _ in buttons(quiet)] == ["Show my choices"]
    assert world.api.messages_in(world.general) == []

    # Only the author can open the choices; they open privately.
    stranger = await world.api.click_button(quiet, world.bob, label="Show my choices")
    refused = await world.api.wait_for_callback(stranger)
    assert (refused.content, refused.ephemeral) == ("This button is for Alice.", True)
    opened = await world.api.click_button(quiet, world.alice, label="Show my choices")
    choices = await world.api.wait_for_callback(opened)
    assert choices.ephemeral
    assert [label for label, _ in buttons(choices.message)] == NUDGE_BUTTONS

    snooze = await world.api.click_button(choices.message, world.alice, label="Snooze 1 hour")
    [snoozed] = await runtime.wait_for(NudgeSnoozed)
    assert (snoozed.problem_id, snoozed.channel) == (problem["id"], str(world.general.id))
    answer = await world.api.wait_for_followup(snooze)
    # Her DMs are closed: no reminder is promised that could not reach her.
    assert re.match(
        # ":f", with the day, when the hour ends after midnight (UTC, the table's zone).
        r"Snoozed until <t:\d+:[tf]>\. Your direct messages are closed, though, so I cannot remind",
        answer["content"],
    )


async def proposal_forms(world, runtime, count: int = 1) -> tuple[dict, list]:
    """Alice's problem, nudged by DM, and `count` proposal forms opened from the nudge."""
    problem = await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    forms = [
        await world.api.wait_for_callback(
            await world.api.click_button(dm, world.alice, label="Add a proposal")
        )
        for _ in range(count)
    ]
    return problem, forms


SETTLED = "This is settled already: there is nothing left to choose."


async def test_nudge_a_second_proposal_form_posts_nothing(world, harness):
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    first = await world.api.wait_for_callback(
        await world.api.click_button(dm, world.alice, label="Add a proposal")
    )
    second = await world.api.wait_for_callback(
        await world.api.click_button(dm, world.alice, label="Add a proposal")
    )
    await world.api.submit_modal(first, {"proposal": "call the vendor"})
    await runtime.wait_for(ProposalAdded)

    late = await world.api.submit_modal(second, {"proposal": "buy a new printer"})
    callbacks = [await world.api.wait_for_callback(late)]
    told = await world.api.wait_for_followup(late)
    assert told["content"] == SETTLED and told["flags"] & 64
    assert callbacks[0].type == 7 and callbacks[0].message["components"] == []
    [posted] = world.api.messages_in(world.general)
    assert "call the vendor" in posted["content"]
    assert len(runtime.of(ProposalAdded)) == 1


async def test_nudge_a_proposal_form_submitted_by_someone_else_posts_nothing(world, harness):
    # The form's id names its author: a client sending it as another member is refused.
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    form = await world.api.wait_for_callback(
        await world.api.click_button(dm, world.alice, label="Add a proposal")
    )
    forged = await world.api.submit_modal(form, {"proposal": "buy a new printer"}, user=world.bob)
    refused = await world.api.wait_for_callback(forged)
    # Said in the DM the form came from: she is named by her account name there.
    assert (refused.content, refused.ephemeral) == ("This button is for alice.", True)
    assert world.api.messages_in(world.general) == []
    assert runtime.of(ProposalAdded) == []


async def test_nudge_a_proposal_form_naming_its_sender_for_anothers_problem_posts_nothing(
    world, harness
):
    """A form's id is the client's word: one rewritten to name its sender, for a problem
    of someone else, answers nothing of theirs and posts nothing in their name's place."""
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    where = Where(world.guild.id, world.general.id)
    forged = ProposalForm(NudgeChoice("add", where, int(problem["id"]), world.bob.id)).custom_id
    sent = await world.api.submit_modal(
        forged, {"proposal": "we stop printing"},
        guild=world.guild.id, channel=world.general.id, user=world.bob.id,
    )  # fmt: skip
    refused = await world.api.wait_for_callback(sent)

    assert (refused.content, refused.ephemeral) == ("This button is for Alice.", True)
    assert [m for m in world.api.messages_in(world.general) if not m["flags"] & 64] == []
    assert runtime.of(ProposalAdded) == []
    with Session(harness.app.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
    assert watch.status == "nudged"


async def test_nudge_a_proposal_form_naming_another_place_for_its_problem_posts_nothing(
    world, harness
):
    """The form's id names where its proposal goes, beside the problem: one rewritten to
    name another channel (a private one, as a thread of the problem's) posts nothing
    there, and the problem still waits."""
    board = world.guild.add_text_channel("board")
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.bob, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    where = Where(world.guild.id, world.general.id, board.id)
    forged = ProposalForm(NudgeChoice("add", where, int(problem["id"]), world.bob.id)).custom_id
    sent = await world.api.submit_modal(
        forged, {"proposal": "come to the board meeting"},
        guild=world.guild.id, channel=world.general.id, user=world.bob.id,
    )  # fmt: skip
    refused = await world.api.wait_for_callback(sent)

    assert refused.ephemeral and refused.content.startswith("This is settled already")
    assert world.api.messages_in(board) == []
    assert runtime.of(ProposalAdded) == []
    with Session(harness.app.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
    assert watch.status == "nudged"


async def test_nudge_two_proposal_forms_submitted_at_once_post_one(world, harness, monkeypatch):
    import time

    from bot import proposing

    def slow_claim(*args, **kwargs):  # the database answers slowly: both forms wait on it
        time.sleep(0.05)
        return claim(*args, **kwargs)

    claim = proposing.claim
    monkeypatch.setattr(proposing, "claim", slow_claim)
    runtime = await harness.start()
    _, forms = await proposal_forms(world, runtime, 2)
    submitted = await asyncio.gather(
        world.api.submit_modal(forms[0], {"proposal": "call the vendor"}),
        world.api.submit_modal(forms[1], {"proposal": "buy a new printer"}),
    )
    await runtime.wait_for(ProposalAdded)
    for interaction in submitted:
        await world.api.wait_for_callback(interaction)
    assert len(world.api.messages_in(world.general)) == 1
    assert len(runtime.of(ProposalAdded)) == 1


async def test_nudge_a_proposal_form_posts_nothing_while_another_process_posts_one(world, harness):
    from bot.models import now_utc
    from bot.proposing import claim

    runtime = await harness.start()
    problem, [form] = await proposal_forms(world, runtime)
    # The same form, submitted a moment before, is being posted by another process.
    where = (workspace(world.guild), str(world.general.id), problem["id"])
    assert claim(harness.app.database, *where, now_utc()) is not None

    submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"})
    told = await world.api.wait_for_followup(submitted)
    assert told["content"] == SETTLED and told["flags"] & 64
    assert world.api.messages_in(world.general) == []
    assert runtime.of(ProposalAdded) == []


async def test_nudge_a_proposal_posted_by_a_process_that_died_is_not_posted_again(world, harness):
    """A process claimed the problem and posted the proposal, then died before the engine
    recorded it. Its claim runs out; the form sent again finds that post beside the problem
    and records it, rather than posting the proposal a second time."""
    from adapters.discord.custom_ids import NudgeChoice, Where
    from bot.models import now_utc
    from bot.proposing import CLAIM_FOR, claim

    runtime = await harness.start()
    problem, [form] = await proposal_forms(world, runtime)
    where = (workspace(world.guild), str(world.general.id), problem["id"])
    dead = claim(harness.app.database, *where, now_utc() - CLAIM_FOR - timedelta(seconds=1))
    assert dead is not None  # the dead process's claim, run out by now
    choice = NudgeChoice(
        "add", Where(world.guild.id, world.general.id), int(problem["id"]), world.alice.id
    )
    first = await harness.adapter.bot.delivery.post_proposal(
        choice, str(world.alice.id), "call the vendor", "en"
    )

    submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"})
    await world.api.wait_for_callback(submitted)
    [added] = await runtime.wait_for(ProposalAdded)
    assert [m["id"] for m in world.api.messages_in(world.general)] == [first]
    assert added.message_id == first


async def test_nudge_a_proposal_that_could_not_be_posted_may_be_sent_again(world, harness):
    runtime = await harness.start()
    _, forms = await proposal_forms(world, runtime, 2)
    world.api.fail_next(f"POST /channels/{world.general.id}/messages")
    failed = await world.api.submit_modal(forms[0], {"proposal": "call the vendor"})
    told = await world.api.wait_for_followup(failed)
    assert told["content"].startswith(
        "I could not post your proposal: I may not post in that channel."
    )

    again = await world.api.submit_modal(forms[1], {"proposal": "call the vendor"})
    await runtime.wait_for(ProposalAdded)
    await world.api.wait_for_followup(again)
    [posted] = world.api.messages_in(world.general)
    assert "call the vendor" in posted["content"]


async def test_nudge_a_proposal_whose_answer_was_lost_is_looked_for_not_posted_again(
    world, harness
):
    """Discord posted the proposal but its answer was lost (its edge gave up: 503): it may
    be there, so its author is not asked to post it themselves, and the form sent again
    finds that post and records it instead of posting the proposal a second time."""
    runtime = await harness.start()
    problem, forms = await proposal_forms(world, runtime, 2)
    world.api.fail_next(
        f"POST /channels/{world.general.id}/messages",
        after=True, status=503, code=0, message="Service Unavailable",
    )  # fmt: skip
    lost = await world.api.submit_modal(forms[0], {"proposal": "call the vendor"})
    told = await world.api.wait_for_followup(lost)
    assert told["content"] == (
        "I am not sure your proposal was posted: Discord did not answer in time. Please "
        "look beside your problem; if it is not there, add it again with the buttons under "
        "my message: I will look for it first, so it is not posted twice.\n"
        "> call the vendor"
    )
    [posted] = world.api.messages_in(world.general)

    again = await world.api.submit_modal(forms[1], {"proposal": "call the vendor"})
    [added] = await runtime.wait_for(ProposalAdded)
    await world.api.wait_for_callback(again)
    assert (added.problem_id, added.message_id) == (problem["id"], posted["id"])
    assert [m["id"] for m in world.api.messages_in(world.general)] == [posted["id"]]


async def test_nudge_the_quiet_reply_goes_once_the_nudge_is_settled(world, harness):
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await post_problem(world, runtime, world.carol, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [quiet] = world.api.messages_in(world.general)
    opened = await world.api.wait_for_callback(
        await world.api.click_button(quiet, world.carol, label="Show my choices")
    )
    await world.api.click_button(opened.message, world.carol, label="Not a problem")
    await runtime.wait_for(MessageRelabelled)
    # The quiet reply goes, button and all (tests/discord/test_discord_quiet_replies.py).
    await world.api.wait_for(f"DELETE /channels/{world.general.id}/messages/{quiet['id']}")


async def test_nudge_a_quiet_reply_goes_once_settled_after_a_restart(world, harness):
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await post_problem(world, runtime, world.carol, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [quiet] = world.api.messages_in(world.general)
    opened = await world.api.wait_for_callback(
        await world.api.click_button(quiet, world.carol, label="Show my choices")
    )
    modal = await world.api.wait_for_callback(
        await world.api.click_button(opened.message, world.carol, label="Add a proposal")
    )
    runtime = await harness.restart()  # a new process: where the quiet reply is, is stored
    await world.api.submit_modal(modal, {"proposal": "call the vendor"})
    await runtime.wait_for(ProposalAdded)

    # Settled, the quiet reply goes, unclicked.
    await world.api.wait_for(f"DELETE /channels/{world.general.id}/messages/{quiet['id']}")
    assert (
        len([m for m in world.api.messages_in(world.general) if "call the vendor" in m["content"]])
        == 1
    )


async def test_nudge_a_command_in_a_problems_thread_acts_on_that_problem_and_quotes_it(
    world, harness
):
    harness.settings["nudge_pacing"] = timedelta(0)  # both nudged at once (rules.pacing)
    runtime = await harness.start()
    coffee = await post_problem(
        world, runtime, world.alice, "#problem @everyone the coffee machine leaks", ago=8
    )
    printer = await post_problem(
        world, runtime, world.alice, "#problem the printer is jammed again", ago=5
    )
    while len(dm_messages(world.api, world.alice)) < 2:  # both nudged, the printer last
        await runtime.tick_until_sent()
    # The thread Discord opens on the coffee message has that message's id.
    thread = world.guild.add_thread(
        world.general, "coffee", owner=world.alice, thread_id=int(coffee["id"])
    )
    ix = await world.api.slash_command(world.guild, thread, world.alice, "not-a-problem")
    said = await world.api.wait_for_callback(ix)
    assert said.ephemeral
    assert said.content.startswith(
        "About your message:\n> #problem @\u200beveryone the coffee machine leaks\nThanks"
    )
    with Session(harness.app.database) as session:
        statuses = {w.problem_id: w.status for w in session.exec(select(WatchRow)).all()}
    assert statuses == {coffee["id"]: "dismissed", printer["id"]: "nudged"}
