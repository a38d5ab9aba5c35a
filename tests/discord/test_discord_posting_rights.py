"""Where the bot may not post, or no longer can: a read-only channel, a locked thread, a
deleted channel. Nothing is promised that cannot appear, nothing typed is lost, and the
work of a channel that is gone ends there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.models import RoundRow, TimerRow, WatchRow
from rules.events import CommandInvoked, PlaceDeleted, ProposalAdded, RosterSynced
from tests.discord.harness import buttons, dm_messages, given_back, post_problem
from tests.discord.test_discord_nudge_dm_answers import typed_in_dm
from tests.discord.test_discord_nudges import NUDGE_BUTTONS
from tests.helpers import eventually
from tests.standins.discord_api import (
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
)

# A proposal too long for a round's message beside its heading: the rest goes in an embed.
LONG_PROPOSAL = " ".join(["we ship the release on tuesday"] * 40)


def deny_the_bot(world, channel, permission: int) -> None:
    channel.permission_overwrites = [
        {"id": str(world.api.bot_user.id), "type": 1, "allow": "0", "deny": str(permission)}
    ]


def bot_posts_in(world, channel) -> list[dict]:
    """What the bot posted there itself (not the private answers to interactions)."""
    return [
        r
        for r in world.api.requests_to("POST /channels/{channel_id}/messages")
        if r.path.endswith(f"/channels/{channel.id}/messages")
    ]


def rounds(harness) -> list[RoundRow]:
    with Session(harness.app.database) as session:
        return list(session.exec(select(RoundRow)).all())


# --- 1. a command whose outcome the bot must post, where it may not -------------------


async def test_concerns_in_a_read_only_channel_is_refused_saying_which_permission(world, harness):
    """A read-only #announcements: members may use the commands, the bot may not post.
    A round there would never appear: the asker is told so privately, not "Done."."""
    deny_the_bot(world, world.general, SEND_MESSAGES)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "ship it"}
    )
    told = await world.api.wait_for_callback(ix)
    assert told.ephemeral
    assert told.content == (
        "I may not post in this channel, so I did nothing: what I would post here would not "
        "appear. Ask someone who manages the server to give me the Send Messages permission "
        "here, then try again."
    )
    assert rounds(harness) == [] and runtime.of(CommandInvoked) == []
    assert bot_posts_in(world, world.general) == []


async def test_a_refusal_to_post_speaks_the_askers_language(world, harness):
    deny_the_bot(world, world.general, SEND_MESSAGES)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "agree",
        {"text": "we houden de stand-up om negen uur omdat dan iedereen er is"}, locale="nl",
    )  # fmt: skip
    told = await world.api.wait_for_callback(ix)
    assert told.ephemeral
    assert told.content.startswith("Ik mag in dit kanaal niets plaatsen, dus ik heb niets gedaan")
    assert "de machtiging Berichten versturen te geven" in told.content
    assert bot_posts_in(world, world.general) == []


async def test_the_agreement_form_is_not_offered_where_its_agreement_cannot_be_posted(
    world, harness
):
    deny_the_bot(world, world.general, SEND_MESSAGES)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
    told = await world.api.wait_for_callback(ix)
    assert told.type == 4 and told.ephemeral  # an answer, not a form
    assert "the Send Messages permission" in told.content


async def test_concerns_in_a_thread_needs_send_messages_in_threads(world, harness):
    deny_the_bot(world, world.general, SEND_MESSAGES_IN_THREADS)  # the thread's parent
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.thread, world.alice, "concerns", {"text": "ship it"}
    )
    told = await world.api.wait_for_callback(ix)
    assert "the Send Messages in Threads permission" in told.content
    assert rounds(harness) == [] and bot_posts_in(world, world.thread) == []


async def test_a_long_proposal_where_embeds_are_not_allowed_names_embed_links(world, harness):
    deny_the_bot(world, world.general, EMBED_LINKS)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": LONG_PROPOSAL}
    )
    told = await world.api.wait_for_callback(ix)
    assert "give me the Embed Links permission here" in told.content
    assert "Send Messages" not in told.content
    assert rounds(harness) == [] and bot_posts_in(world, world.general) == []


@pytest.mark.parametrize(
    ("locale", "proposal", "named"),
    [
        ("en-US", LONG_PROPOSAL, "give me the Send Messages and Embed Links permissions here"),
        (
            "nl", " ".join(["we leveren de release op dinsdag"] * 40),
            "om me hier de machtigingen Berichten versturen en Links insluiten te geven",
        ),
    ],
)  # fmt: skip
async def test_every_missing_permission_is_named(world, harness, locale, proposal, named):
    """Both taken: naming only the first would send the moderator back a second time."""
    deny_the_bot(world, world.general, SEND_MESSAGES | EMBED_LINKS)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": proposal}, locale=locale
    )
    told = await world.api.wait_for_callback(ix)
    assert named in told.content
    assert rounds(harness) == [] and bot_posts_in(world, world.general) == []


async def test_concerns_in_a_locked_thread_is_refused(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await world.api.lock_thread(world.thread)
    ix = await world.api.slash_command(
        world.guild, world.thread, world.alice, "concerns", {"text": "ship it"}
    )
    told = await world.api.wait_for_callback(ix)
    assert told.content.startswith("This thread is locked, so I cannot post in it")
    assert rounds(harness) == []


async def test_what_is_only_answered_privately_still_works_in_a_read_only_channel(world, harness):
    """The list of agreements is the answer to the person who asked: no post needed."""
    deny_the_bot(world, world.general, SEND_MESSAGES)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agreements")
    answer = await world.api.wait_for_callback(ix)
    assert answer.content.startswith("No agreements")


# --- 6. a nudge's proposal that cannot be posted ---------------------------------------


async def open_the_proposal_form(world, runtime):
    await post_problem(
        world, runtime, world.alice, "#problem the printer is jammed", thread=world.thread
    )
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    form = await world.api.wait_for_callback(
        await world.api.click_button(dm, world.alice, label="Add a proposal")
    )
    return dm, form


async def test_a_proposal_refused_by_a_locked_thread_comes_back_with_the_nudges_buttons(
    world, harness
):
    """The thread was locked while the form was open (Discord refuses the post): the
    words come back quoted, pinging nobody, and the nudge keeps its choices."""
    runtime = await harness.start()
    dm, form = await open_the_proposal_form(world, runtime)
    world.api.fail_next(
        f"POST /channels/{world.thread.id}/messages", status=400, code=160005,
        message="Thread is locked",
    )  # fmt: skip
    words = "call the vendor @everyone, then write down the fix"
    submitted = await world.api.submit_modal(form, {"proposal": words})
    told = await world.api.wait_for_followup(submitted)
    assert told["flags"] & 64  # only the author sees it
    assert told["content"].startswith(
        "I could not post your proposal: that thread is locked, so nobody can post in it."
    )
    assert "call the vendor" in told["content"] and "then write down the fix" in told["content"]
    assert "@everyone" not in told["content"].replace("@\u200beveryone", "")  # pings nobody
    assert told.get("allowed_mentions", {}).get("parse") in (None, [])
    [nudge] = [m for m in dm_messages(world.api, world.alice) if m["id"] == dm["id"]]
    assert [label for label, _ in buttons(nudge)] == NUDGE_BUTTONS
    assert runtime.of(ProposalAdded) == []
    with Session(harness.app.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
        assert watch.status == "nudged"  # still waiting for a proposal


async def test_a_proposal_refused_for_a_missing_permission_says_to_ask_an_admin(world, harness):
    runtime = await harness.start()
    dm, form = await open_the_proposal_form(world, runtime)
    world.api.fail_next(f"POST /channels/{world.thread.id}/messages", status=403, code=50013)
    submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"})
    told = await world.api.wait_for_followup(submitted)
    assert told["content"].startswith(
        "I could not post your proposal: I may not post in that channel."
    )
    # Every permission shows in the cache: which one Discord missed cannot be told.
    assert "Ask someone who manages the server to check my permissions there" in told["content"]
    assert "Send Messages" not in told["content"]
    assert told["content"].endswith("call the vendor")
    [nudge] = [m for m in dm_messages(world.api, world.alice) if m["id"] == dm["id"]]
    assert [label for label, _ in buttons(nudge)] == NUDGE_BUTTONS


@pytest.mark.parametrize(
    ("locale", "named"),
    [
        ("en-US", "give me the Read Message History permission there"),
        ("nl", "om me daar de machtiging Berichtgeschiedenis lezen te geven"),
    ],
)
async def test_a_proposal_where_the_bot_may_not_reply_names_read_message_history(
    world, harness, locale, named
):
    """A proposal is posted as a reply to its problem, which Discord refuses without
    Read Message History: that is named, not Send Messages in Threads, which it has."""
    deny_the_bot(world, world.general, READ_MESSAGE_HISTORY)  # the thread's parent
    runtime = await harness.start()
    dm, form = await open_the_proposal_form(world, runtime)
    submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"}, locale=locale)
    told = await world.api.wait_for_callback(submitted)
    assert named in told.content
    assert told.content.endswith("call the vendor")
    assert bot_posts_in(world, world.thread) == []
    [nudge] = [m for m in dm_messages(world.api, world.alice) if m["id"] == dm["id"]]
    assert len(buttons(nudge)) == len(NUDGE_BUTTONS)


async def test_a_proposal_refused_by_a_private_thread_that_left_the_bot_out_says_how_to_add_it(
    world, harness
):
    """The bot was removed from the private thread, and restarted since: its cache lacks
    the thread. What helps is someone there adding it, not View Channel."""
    secret = world.guild.add_thread(
        world.general, "hr", owner=world.alice, private=True, members=[world.bob]
    )
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed", thread=secret)
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    await world.api.thread_members_update(secret, removed=[world.api.bot_user])
    runtime = await harness.restart()
    await runtime.wait_for(RosterSynced)
    assert harness.adapter.bot.get_channel(secret.id) is None

    form = await world.api.wait_for_callback(
        await world.api.click_button(dm, world.alice, label="Add a proposal")
    )
    submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"})
    told = (await world.api.wait_for_followup(submitted))["content"]
    bot = harness.adapter.bot.get_guild(world.guild.id).me.display_name
    assert told.startswith(
        "I could not post your proposal: I am not a member of that private thread. Your "
        "words are below, so nothing is lost. Someone in the thread can add me by "
        f"mentioning me there (@{bot}), then try again with the buttons under my message."
    )
    assert "View Channel" not in told and told.endswith("call the vendor")


async def test_a_proposal_for_a_thread_known_locked_is_not_tried(world, harness):
    runtime = await harness.start()
    dm, form = await open_the_proposal_form(world, runtime)
    await world.api.lock_thread(world.thread)
    thread = harness.adapter.bot.get_guild(world.guild.id).get_thread(world.thread.id)
    await eventually(lambda: thread.locked)
    submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"})
    told = await world.api.wait_for_callback(submitted)
    assert told.content.startswith("I could not post your proposal: that thread is locked")
    assert bot_posts_in(world, world.thread) == []
    assert [label for label, _ in buttons(dm)] == NUDGE_BUTTONS  # never taken away


# --- 7. a deleted channel or thread -----------------------------------------------------


async def test_a_deleted_channel_ends_its_round_and_its_reminders(world, harness):
    harness.settings.update(reminder_delay=timedelta(milliseconds=300), max_reminders=1)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "ship it"}
    )
    await world.api.wait_for_callback(ix)
    [round_message] = [m for m in world.api.messages_in(world.general) if m.get("components")]

    await world.api.delete_channel(world.general)
    await runtime.wait_for(PlaceDeleted, lambda e: e.channel == str(round_message["channel_id"]))
    [row] = rounds(harness)
    assert row.status == "withdrawn"
    with Session(harness.app.database) as session:
        pending = session.exec(select(TimerRow).where(TimerRow.fired_at.is_(None))).all()  # type: ignore[union-attr]
        assert [t.key for t in pending if t.channel == str(world.general.id)] == []
    # No reminder goes out linking to the channel that is gone.
    await runtime.tick()
    for member in (world.bob, world.carol, world.guild.owner):
        assert not [m for m in dm_messages(world.api, member) if "reminder" in m["content"]]
    # Whoever asked for the round hears why it ended, privately.
    [told] = dm_messages(world.api, world.alice)
    assert told["content"].startswith(
        f"In <#{world.general.id}>:\n"  # a DM, away from its table: it opens with which
        "The concern round you asked for has ended without a summary: its channel or thread "
        "was deleted"
    )
    assert "ship it" in told["content"]
    # Nothing is posted where the channel was (nor tried).
    posted = [r for r in world.api.requests if r.method == "POST" and r.path.endswith(
        f"/channels/{world.general.id}/messages"
    )]  # fmt: skip
    assert len(posted) == 1  # the round's own message, before the channel went


async def test_a_deleted_thread_ends_the_round_and_the_nudges_there(world, harness):
    runtime = await harness.start()
    await post_problem(
        world, runtime, world.alice, "#problem the printer is jammed", thread=world.thread
    )
    ix = await world.api.slash_command(
        world.guild, world.thread, world.bob, "concerns", {"text": "buy a new printer"}
    )
    await world.api.wait_for_callback(ix)
    await world.api.delete_channel(world.thread)
    await runtime.wait_for(PlaceDeleted)
    [row] = rounds(harness)
    assert row.status == "withdrawn"
    with Session(harness.app.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
        assert watch.status == "withdrawn"
    await runtime.tick()
    assert dm_messages(world.api, world.alice) == []  # no nudge about a thread that is gone


async def test_a_long_proposal_typed_in_the_dm_for_a_locked_thread_comes_back_whole(world, harness):
    """The words come back quoted after why they were not posted: a proposal as long as
    a message may be goes past Discord's 2,000 characters with them, so the answer comes
    in several messages, cut between lines and words, rather than refused by Discord."""
    runtime = await harness.start()
    await post_problem(
        world, runtime, world.alice, "#problem the printer is jammed", thread=world.thread
    )
    await runtime.tick_until_sent()
    await world.api.lock_thread(world.thread)
    thread = harness.adapter.bot.get_guild(world.guild.id).get_thread(world.thread.id)
    await eventually(lambda: thread.locked)
    words = "#proposal " + " ".join(f"step{n}" for n in range(300))[:1980]
    told = await typed_in_dm(world, words, 3)
    contents = [message["content"] for message in told]
    assert all(len(content) <= 2000 for content in contents)
    given = given_back(contents)
    assert given.startswith("I could not post your proposal: that thread is locked")
    assert given.endswith(words)
    assert bot_posts_in(world, world.thread) == []
    assert runtime.of(ProposalAdded) == []
