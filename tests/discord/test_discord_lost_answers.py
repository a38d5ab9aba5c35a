"""A message Discord created whose answer was lost (a 5xx from its edge, a connection
that broke) goes out once: discord.py tries a message again after a 500, 502 or 504 with
the nonce it sent the first time, which Discord keeps from making it twice; a delivery
that fails all the same is tried again by the outbox, which looks for the message before
posting it again (bot.sent_steps)."""

from __future__ import annotations

from bot.models import now_utc
from rules.actions import AnnounceReview
from rules.events import ConcernAnswered, RosterSynced
from tests.discord.harness import make_retries_due, workspace
from tests.discord.test_discord_announced_once import announced, announcement, retried
from tests.discord.test_discord_forums import review_posts, whole_forums_agreement
from tests.discord.test_discord_rounds import PROPOSAL

BAD_GATEWAY = {"status": 502, "code": 0, "message": "Bad Gateway"}
UNAVAILABLE = {"status": 503, "code": 0, "message": "Service Unavailable"}


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
