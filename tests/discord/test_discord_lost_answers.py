"""A message Discord created whose answer was lost (a 5xx from its edge, a connection
that broke) goes out once: discord.py tries a message again after a 500, 502 or 504 with
the nonce it sent the first time, which Discord keeps from making it twice; a delivery
that fails all the same is tried again by the outbox, which looks for the message before
posting it again (bot.sent_steps).

An answer to an interaction that Discord took, though its HTTP answer was lost, is not
given again: discord.py sends the callback again after the 5xx, Discord refuses that with
40060 "Interaction has already been acknowledged", and the bot takes the refusal as the
news that its answer went out (adapters.discord.acknowledged)."""

from __future__ import annotations

from adapters.discord import answering
from bot.models import now_utc
from rules.actions import AnnounceReview
from rules.events import CommandInvoked, ConcernAnswered, NudgeSnoozed, RosterSynced
from tests.discord.harness import (
    buttons,
    dm_messages,
    make_retries_due,
    slash_command,
    workspace,
)
from tests.discord.test_discord_announced_once import announced, announcement, retried
from tests.discord.test_discord_forums import review_posts, whole_forums_agreement
from tests.discord.test_discord_quiet_replies import quiet_reply_opened
from tests.discord.test_discord_rounds import PROPOSAL
from tests.standins.discord_api import ATTACH_FILES

BAD_GATEWAY = {"status": 502, "code": 0, "message": "Bad Gateway"}
UNAVAILABLE = {"status": 503, "code": 0, "message": "Service Unavailable"}
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"


async def test_a_message_discord_made_before_a_bad_gateway_is_made_once(world, harness):
    """discord.py sends it again after the 502: Discord hands back the message its nonce
    made, rather than another."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", after=True, **BAD_GATEWAY)
    harness.app.store.enqueue(announcement(world), now_utc())
    await retried(harness)
    assert len(world.api.requests_to(f"POST /channels/{world.general.id}/messages")) == 2
    assert len(announced(world)) == 1
    assert make_retries_due(harness) == 0  # delivered: discord.py had the message's answer


def rounds(world) -> list[dict]:
    return [m for m in world.api.messages_in(world.general) if "Concern round" in m["content"]]


async def test_a_round_whose_answer_was_lost_is_posted_once(world, harness):
    """A round's message (its buttons, edited in place as people answer): the retry finds
    the one Discord made, and its edits go there."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", after=True, **UNAVAILABLE)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": PROPOSAL}
    )
    await world.api.wait_for_callback(ix)
    assert len(rounds(world)) == 1  # Discord made it; the bot never heard so

    assert make_retries_due(harness) == 1
    world.api.forget_nonces()  # found by looking, not by Discord's nonce
    await runtime.tick()
    [posted] = rounds(world)
    assert make_retries_due(harness) == 0
    await world.api.click_button(posted, world.bob, label="No concerns")
    await runtime.wait_for(ConcernAnswered)
    edited = world.api.message(posted["id"])["content"]
    assert edited.endswith("1 of 3 answered; waiting for owner and carol.")


async def test_a_review_question_whose_answer_was_lost_is_posted_once(world, harness):
    """A review's question to a channel's table (keep, revise, retire?): once, as an
    announcement, and as a whole forum's review post (test_discord_forums)."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next(f"POST /channels/{world.general.id}/messages", after=True, **UNAVAILABLE)
    review = AnnounceReview(workspace=workspace(world.guild), channel=str(world.general.id),
                            lang="en", agreement=announcement(world).agreement,
                            asked_at=now_utc())  # fmt: skip
    harness.app.store.enqueue(review, now_utc())
    await retried(harness)
    assert len(reviews(world)) == 1
    world.api.forget_nonces()  # found by looking, not by Discord's nonce
    await retried(harness)
    assert len(reviews(world)) == 1
    assert make_retries_due(harness) == 0


def reviews(world) -> list[dict]:
    return [m for m in world.api.messages_in(world.general) if "review" in m["content"].lower()]


async def test_a_forum_review_post_opened_before_a_bad_gateway_is_opened_once(world, harness):
    """Opening a forum post takes no nonce: discord.py's own retry after the 502 would
    open a second post. The delivery fails instead, and its retry finds the post."""
    runtime, forum = await whole_forums_agreement(world, harness)
    opening = f"POST /channels/{forum.id}/threads"
    world.api.fail_next(opening, after=True, **BAD_GATEWAY)
    await runtime.tick_until_sent()
    [opened] = review_posts(world, forum)
    assert len(world.api.requests_to(opening)) == 1

    assert make_retries_due(harness) == 1  # offered again
    await runtime.tick()
    assert review_posts(world, forum) == [opened]
    assert make_retries_due(harness) == 0


async def test_an_answer_discord_took_before_a_bad_gateway_is_not_given_again(world, harness):
    """The report was shown to bob: discord.py's second callback was refused (40060), and
    the report does not come again by DM."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next(CALLBACK, after=True, **BAD_GATEWAY)
    ix = await world.api.slash_command(world.guild, world.general, world.bob, "report")
    await runtime.wait_for(CommandInvoked)
    [shown] = world.api.callbacks_for(ix)
    assert shown.ephemeral and shown.content.startswith("Report of this table.")
    assert [r.status for r in world.api.requests_to(CALLBACK)] == [502, 400]

    assert make_retries_due(harness) == 0  # delivered: nothing to give again
    await runtime.tick()
    assert dm_messages(world.api, world.bob) == []


async def test_a_deferral_discord_took_before_a_bad_gateway_is_followed_by_its_answer(
    world, harness, monkeypatch
):
    """A slow answer's "thinking…" went through though its answer was lost: the answer
    edits it, once."""
    monkeypatch.setattr(answering, "DEADLINE_S", 0)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    world.api.fail_next(CALLBACK, after=True, **BAD_GATEWAY)
    ix = await world.api.slash_command(world.guild, world.general, world.bob, "report")
    await runtime.wait_for(CommandInvoked)
    [deferred] = world.api.callbacks_for(ix)
    assert deferred.type == 5
    shown = world.api.message(deferred.message["id"])
    assert shown["content"].startswith("Report of this table.")
    assert world.api.followups_for(ix) == []

    assert make_retries_due(harness) == 0
    await runtime.tick()
    assert dm_messages(world.api, world.bob) == []


async def test_a_click_whose_buttons_went_before_a_bad_gateway_is_still_decided(world, harness):
    """The snooze's buttons went (Discord took the edit, its answer was lost): the snooze
    is made all the same, and said once."""
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    _, choices = await quiet_reply_opened(world, runtime)
    world.api.fail_next(CALLBACK, after=True, **BAD_GATEWAY)
    snooze = await world.api.click_button(choices, world.carol, label="Snooze 1 hour")
    await runtime.wait_for(NudgeSnoozed)
    said = await world.api.wait_for_followup(snooze)
    assert said["content"].startswith("Snoozed until")
    assert buttons(world.api.message(choices["id"])) == []
    assert len(world.api.followups_for(snooze)) == 1


FOLLOWUP = "POST /webhooks/{application_id}/{token}"


async def test_a_long_public_answers_later_page_discord_made_before_a_bad_gateway_is_posted_once(
    world, harness
):
    """/meeting end's report, too long for one message (no Attach Files here, so its full
    form is paged): a later page Discord made before its answer was lost is in the
    channel once, and no page is lost."""
    world.general.permission_overwrites = [
        {"id": str(world.api.bot_user.id), "type": 1, "allow": "0", "deny": str(ATTACH_FILES)}
    ]
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    members = (world.guild.owner, world.alice, world.bob, world.carol)
    # Each within a mandate's 500 characters; four of them outgrow one message.
    mandates = [f"{who} may agree to " + "budgets and plans " * 26 for who in "ABCD"]
    for member, mandate in zip(members, mandates, strict=True):
        await slash_command(world, runtime, member, "mandate", mandate)
    await slash_command(world, runtime, world.alice, "meeting", "start")
    # The report's second page is lost on its way back, as a follow-up or as a post.
    posts = f"POST /channels/{world.general.id}/messages"
    for route in (FOLLOWUP, posts):
        world.api.fail_next(route, after=True, **BAD_GATEWAY)
    ended = await slash_command(world, runtime, world.alice, "meeting", "end")
    assert ended.content.startswith("Report of the meeting (since ")
    await world.api.wait_for(posts, where=lambda body: "process evaluation" in str(body))
    make_retries_due(harness)
    await runtime.tick()

    first, *later = [m["content"] for m in world.api.messages_in(world.general)
                     if "Report of the meeting" in m["content"]]  # fmt: skip
    assert first == ended.content
    assert len(later) == 1 and later[0].startswith("(continued) Report of the meeting")
    assert "carol: D may agree to budgets" in later[0]
    paged = [r.status for r in world.api.requests_to(posts) if "(continued)" in str(r.json)]
    assert paged == [502, 200]  # discord.py's own retry, with its nonce: Discord's message
    assert make_retries_due(harness) == 0
