"""A forum post is a table of its own: its members are those who can read the forum, and
everything the table is told goes in the post (a forum takes messages only in its posts)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from adapters.discord.custom_ids import RevisionForm
from bot import codec
from bot.models import AgreementRow, OutboxRow, PostedMessage, TimerRow
from rules.events import CommandInvoked, MemberJoined, PlaceDeleted, ReviewDecided, RosterSynced
from tests.discord.harness import dm_messages, make_retries_due, post_problem, workspace
from tests.discord.test_discord_access import VIEW_CHANNEL, overwrite
from tests.discord.test_discord_posting_rights import bot_posts_in
from tests.discord.test_discord_private_threads import archive, pending_timers, round_of
from tests.discord.test_discord_refusals import start_round, take_from_the_bot
from tests.helpers import eventually
from tests.standins.discord_api import (
    GUILD_FORUM,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    FakeChannel,
)


def forum_post(world, name="Move standup?", *, requires_tag=False):
    forum = FakeChannel(world.guild.new_id(), "ideas", GUILD_FORUM, world.guild.id, position=5,
                        requires_tag=requires_tag)  # fmt: skip
    world.guild.channels[forum.id] = forum
    return forum, world.guild.add_thread(forum, name, owner=world.alice)


async def command(world, runtime, place, member, name, text):
    count = len(runtime.of(CommandInvoked)) + 1
    ix = await world.api.slash_command(world.guild, place, member, name, {"text": text})
    await runtime.wait_for(CommandInvoked, count=count)
    return await world.api.wait_for_callback(ix)


async def test_a_forum_post_is_a_table_of_its_forums_readers(world, harness):
    forum, post = forum_post(world)
    forum.permission_overwrites = [overwrite(world.carol.id, kind=1, deny=VIEW_CHANNEL)]
    runtime = await harness.start()
    [roster] = await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    assert roster.members == {str(m.id) for m in (world.alice, world.bob, world.guild.owner)}

    done = await command(world, runtime, post, world.alice, "concerns", "standup at 9:30")
    assert done.content == "Done."
    [round_message] = [m for m in world.api.messages_in(post) if m["components"]]
    assert round_message["content"].splitlines()[-1] == (
        "0 of 2 answered; waiting for owner and Bob."
    )
    [invoked] = runtime.of(CommandInvoked)
    assert (invoked.channel, invoked.thread_id) == (str(post.id), None)


async def test_a_review_of_an_agreement_made_in_a_forum_post_is_posted_in_the_post(world, harness):
    _, post = forum_post(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    await command(
        world, runtime, post, world.alice, "agree", "We try it for a week because why not"
    )
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await runtime.tick_until_sent()
    review = world.api.messages_in(post)[-1]
    assert review["content"].startswith("Time to review agreement #1.")


async def test_a_new_member_joins_the_tables_of_the_forum_posts_they_can_read(world, harness):
    _, post = forum_post(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    dave = world.guild.add_member("dave")
    await world.api.dispatch(
        "GUILD_MEMBER_ADD", {**dave.payload(), "guild_id": str(world.guild.id)}
    )
    joined = await runtime.wait_for(MemberJoined, lambda e: e.channel == str(post.id))
    assert [e.user for e in joined] == [str(dave.id)]


async def test_a_member_shut_out_of_a_forum_leaves_its_posts_tables(world, harness):
    forum, post = forum_post(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    data = forum.payload()
    data["permission_overwrites"] = [overwrite(world.bob.id, kind=1, deny=VIEW_CHANNEL)]
    await world.api.dispatch("CHANNEL_UPDATE", data)
    *_, synced = await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id), count=2)
    assert synced.members == {str(world.alice.id), str(world.carol.id), str(world.guild.owner.id)}


async def whole_forums_agreement(world, harness, words="We try it for a week because why not"):
    """An agreement recorded at a whole forum's table (as before each post was a table of
    its own), its review due: the runtime and the forum."""
    forum, post = forum_post(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    stored_before = CommandInvoked(
        workspace=workspace(world.guild), channel=str(forum.id), thread_id=str(post.id),
        at=datetime.now(UTC), event_id="before-posts-were-tables", user=str(world.alice.id),
        name="agree", args=words,
    )  # fmt: skip
    await runtime.submit(stored_before, platform="discord")
    # What names the post goes in it.
    await eventually(lambda: [m for m in world.api.messages_in(post) if m["author"].get("bot")])
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    return runtime, forum


async def whole_forum_review(world, harness):
    """An agreement at a whole forum's table, come due for review: the runtime, the forum
    and the review message posted for it."""
    runtime, forum = await whole_forums_agreement(world, harness)
    await runtime.tick_until_sent()
    [opened] = world.api.requests_to(f"POST /channels/{forum.id}/threads")
    assert opened.json["name"] == "Review of agreement #1"
    review_post = world.guild.channels[max(world.guild.channels)]
    [review] = world.api.messages_in(review_post)
    assert review["id"] == str(review_post.id)  # a post's first message has its id
    assert review["content"].startswith("Time to review agreement #1.")
    assert world.api.requests_to(f"POST /channels/{forum.id}/messages") == []
    return runtime, forum, review


async def test_a_review_of_a_whole_forums_table_opens_a_post_of_its_own(world, harness):
    """Before each forum post was a table of its own, "/agree" in a post recorded the
    agreement at the forum's table (its announcement named the post). Its review names no
    post, and a forum takes messages only in its posts: the review opens one. Its buttons
    decide for the forum's table; the table hears the decision in the post, and the
    review message there loses its buttons."""
    runtime, forum, review = await whole_forum_review(world, harness)
    click = await world.api.click_button(review, world.bob, label="Keep")
    [decided] = await runtime.wait_for(ReviewDecided)
    assert (decided.channel, decided.thread_id) == (str(forum.id), review["channel_id"])
    await world.api.wait_for_callback(click)
    await eventually(lambda: world.api.message(review["id"])["components"] == [])
    assert world.api.message(review["id"])["content"].endswith("Decided: Bob kept agreement #1.")
    said = [m["content"] for m in world.api.messages_in(int(review["channel_id"]))]
    assert any(text.startswith("Bob kept agreement #1, as it works.") for text in said)
    with Session(harness.app.database) as session:
        [kept] = session.exec(select(AgreementRow)).all()
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        refused = [r for r in session.exec(select(OutboxRow)).all() if r.last_error]
    assert (kept.channel, kept.status, timer.fired_at) == (str(forum.id), "current", None)
    assert refused == []


async def test_a_whole_forums_review_revised_in_its_post_stays_the_forums(world, harness):
    """The Revise button's form, submitted in the post the review opened, revises the
    forum's agreement; the new version is announced in the post."""
    runtime, forum, review = await whole_forum_review(world, harness)
    click = await world.api.click_button(review, world.bob, label="Revise")
    modal = await world.api.wait_for_callback(click)
    await world.api.submit_modal(
        modal, {"lesson": "a week is short", "text": "We try it for a month", "why": "more data"}
    )
    [decided] = await runtime.wait_for(ReviewDecided)
    assert (decided.channel, decided.decision) == (str(forum.id), "revise")
    await eventually(lambda: world.api.message(review["id"])["components"] == [])
    await eventually(
        lambda: any(m["content"].startswith("Agreement revised by Bob.")
                    for m in world.api.messages_in(int(review["channel_id"])))
    )  # fmt: skip
    with Session(harness.app.database) as session:
        rows = session.exec(select(AgreementRow).order_by(AgreementRow.version)).all()
    assert [(a.channel, a.version, a.status) for a in rows] == [
        (str(forum.id), 1, "revised"), (str(forum.id), 2, "current"),
    ]  # fmt: skip


async def test_what_a_whole_forums_table_is_told_outside_any_post_is_set_aside_with_why(
    world, harness, caplog
):
    """A meeting held at the forum's table before each post was a table of its own: the
    request to evaluate it names no post, and a forum takes no messages. It is set aside
    at once, saying why and where the table's agreements stay on record, not refused by
    Discord eight times over two hours."""
    forum, post = forum_post(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    for n, args in enumerate(("start", "end")):
        await runtime.submit(
            CommandInvoked(
                workspace=workspace(world.guild), channel=str(forum.id), thread_id=str(post.id),
                at=datetime.now(UTC), event_id=f"meeting-{n}", user=str(world.alice.id),
                name="meeting", args=args,
            ),
            platform="discord",
        )  # fmt: skip

    def set_aside() -> list[OutboxRow]:
        with Session(harness.app.database) as session:
            return [row for row in session.exec(select(OutboxRow)).all()
                    if "AskEvaluation" in row.payload and row.delivered_at]  # fmt: skip

    await eventually(set_aside)
    [asked] = set_aside()
    assert asked.attempts == 0
    assert asked.last_error.startswith(f"Discord takes no messages in channel {forum.id}")
    assert asked.last_error.endswith(f"groundrules export --table {forum.id}")
    assert f"AskEvaluation not delivered: Discord takes no messages in channel {forum.id}" in (
        caplog.text
    )


async def test_a_whole_forums_review_is_set_aside_with_why_where_posts_need_a_tag(
    world, harness, caplog
):
    """A forum that wants one of its tags on every post opens none for the bot, which
    does not guess a tag: the review is set aside at once, saying why, not refused by
    Discord eight times over two hours."""
    forum, post = forum_post(world, requires_tag=True)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    stored_before = CommandInvoked(
        workspace=workspace(world.guild), channel=str(forum.id), thread_id=str(post.id),
        at=datetime.now(UTC), event_id="before-posts-were-tables", user=str(world.alice.id),
        name="agree", args="We try it for a week because why not",
    )  # fmt: skip
    await runtime.submit(stored_before, platform="discord")
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await runtime.tick_until_sent()

    def set_aside() -> list[OutboxRow]:
        with Session(harness.app.database) as session:
            return [row for row in session.exec(select(OutboxRow)).all()
                    if "AnnounceReview" in row.payload and row.delivered_at]  # fmt: skip

    await eventually(set_aside)
    [review] = set_aside()
    assert review.attempts == 0
    assert review.last_error.startswith(f"Discord opens no post in forum {forum.id} without")
    assert review.last_error.endswith(f"groundrules export --table {forum.id}")
    assert "AnnounceReview not delivered: Discord opens no post in forum" in caplog.text
    assert len(world.api.requests_to(f"POST /channels/{forum.id}/threads")) == 1


async def test_deleting_a_forum_ends_the_round_in_its_archived_post(world, harness):
    """A forum is no table, but its posts are: deleted with it, an archived one (which
    discord.py does not hold, so tells nothing of) ends its round too."""
    forum, post = forum_post(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(post.id))
    await command(world, runtime, post, world.alice, "concerns", "standup at 9:30")
    await archive(world, harness, post)

    await world.api.delete_channel(forum)
    [deleted] = await runtime.wait_for(PlaceDeleted)
    assert (deleted.channel, deleted.thread_id) == (str(post.id), None)
    assert round_of(harness, post).status == "withdrawn"
    assert pending_timers(harness, post) == []


def review_posts(world, forum) -> list[FakeChannel]:
    return [
        c for c in world.guild.channels.values()
        if c.parent_id == forum.id and c.name == "Review of agreement #1"
    ]  # fmt: skip


@pytest.mark.parametrize("restarted", [False, True])
async def test_a_whole_forums_review_whose_post_was_opened_unanswered_is_not_opened_again(
    world, harness, restarted
):
    """Discord opened the review's post, but its answer was lost (a 503 from its edge):
    the outbox offers the review again, and the post already opened is its post; also
    to a process started since, which hears of the post as Discord lists its active
    threads."""
    runtime, forum = await whole_forums_agreement(world, harness)
    world.api.fail_next(
        f"POST /channels/{forum.id}/threads", status=503, code=0,
        message="Service Unavailable", after=True,
    )  # fmt: skip
    await runtime.tick_until_sent()
    [opened] = review_posts(world, forum)
    assert make_retries_due(harness) == 1  # offered again

    if restarted:
        runtime = await harness.restart()
        await runtime.wait_for(RosterSynced)
    await runtime.tick()
    assert make_retries_due(harness) == 0
    assert review_posts(world, forum) == [opened]
    assert len(world.api.requests_to(f"POST /channels/{forum.id}/threads")) == 1
    with Session(harness.app.database) as session:
        [posted] = session.exec(select(PostedMessage)).all()
    assert posted.ref == str(opened.id)  # its decision closes that post's message


async def test_a_whole_forums_review_delivered_twice_at_once_opens_one_post(world, harness):
    """Two deliveries of the same review overlapping (a lease run out under a slow
    Discord): one post, and both name it."""
    runtime, forum = await whole_forums_agreement(world, harness)
    world.api.fail_next(f"POST /channels/{forum.id}/threads", status=503, code=0,
                        message="Service Unavailable")  # fmt: skip
    await runtime.tick_until_sent()
    with Session(harness.app.database) as session:
        [row] = [r for r in session.exec(select(OutboxRow)) if "AnnounceReview" in r.payload]
    review = codec.loads(row.payload)

    refs = await asyncio.gather(harness.adapter.deliver(review), harness.adapter.deliver(review))
    [opened] = review_posts(world, forum)
    assert refs == [str(opened.id)] * 2


@pytest.mark.parametrize(
    ("words", "told"),
    [
        (
            "We try it for a week because why not",
            "I am not allowed to post there: ask someone who manages the server to give me "
            'the Create Posts permission there.',
        ),
        (
            "We proberen het een week omdat het kan",
            "Ik mag daar niets plaatsen: vraag iemand die de server beheert om me daar de "
            'machtiging "Create Posts" te geven.',
        ),
    ],
)  # fmt: skip
async def test_a_forum_that_takes_no_posts_from_the_bot_names_create_posts(
    world, harness, words, told
):
    """In a forum, Send Messages is called Create Posts: the name its settings show."""
    runtime, forum = await whole_forums_agreement(world, harness, words)
    forum.permission_overwrites = [
        {"id": str(world.api.bot_user.id), "type": 1, "allow": "0", "deny": str(SEND_MESSAGES)}
    ]
    await world.api.dispatch("CHANNEL_UPDATE", forum.payload())
    await eventually(lambda: harness.adapter.bot.get_channel(forum.id).overwrites)
    world.api.deny_bot(forum)

    await runtime.tick_until_sent()
    await eventually(lambda: dm_messages(world.api, world.alice))
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].splitlines()[2] == told
    assert "Send Messages" not in dm["content"]
    assert review_posts(world, forum) == []


@pytest.mark.parametrize(
    ("locale", "text", "named"),
    [
        ("en-US", "ship it", "give me the Send Messages in Posts permission here"),
        ("nl", "we verhuizen de stand-up", 'om me hier de machtiging "Send Messages in Posts" te'),
    ],
)  # fmt: skip
async def test_a_forum_post_the_bot_may_not_reply_in_names_send_messages_in_posts(
    world, harness, locale, text, named
):
    """A forum's settings call Send Messages in Threads "Send Messages in Posts": a
    command whose outcome would be posted in a forum post says what to give there."""
    forum, post = forum_post(world)
    forum.permission_overwrites = [
        overwrite(world.api.bot_user.id, kind=1, deny=SEND_MESSAGES_IN_THREADS)
    ]
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, post, world.alice, "concerns", {"text": text}, locale=locale
    )
    told = await world.api.wait_for_callback(ix)
    assert told.ephemeral and named in told.content
    assert "threads" not in told.content.lower()
    assert bot_posts_in(world, post) == []


async def test_a_round_refused_in_a_forum_post_names_send_messages_in_posts(world, harness):
    """The permission taken mid-round: the summary Discord refuses in the post is sent to
    its starter, naming what to give as the forum's settings show it."""
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    forum, post = forum_post(world)
    runtime = await harness.start()
    await start_round(world, runtime, post)
    await take_from_the_bot(world, harness, forum, SEND_MESSAGES_IN_THREADS)

    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].splitlines()[2] == (
        "I am not allowed to post there: ask someone who manages the server to give me the "
        "Send Messages in Posts permission there."
    )


async def test_a_revision_form_naming_another_channel_acts_where_it_was_sent(world, harness):
    """A form's id is the client's word: one that names a private channel as the forum
    whose review it answers, sent from a channel its sender reads, revises nothing there
    and tells the channel nothing of it; it is read where it was sent."""
    board = world.guild.add_text_channel("board")
    board.permission_overwrites = [
        overwrite(world.guild.id, kind=0, deny=VIEW_CHANNEL),
        overwrite(world.alice.id, kind=1, allow=VIEW_CHANNEL),
        overwrite(world.api.bot_user.id, kind=1, allow=VIEW_CHANNEL),
    ]
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await command(world, runtime, board, world.alice, "agree",
                  "We sell the building to Acme because the board said so")  # fmt: skip

    forged = RevisionForm(1, table=board.id).custom_id
    sent = await world.api.submit_modal(
        forged, {"lesson": "none", "text": "We keep the building", "why": "I say so"},
        guild=world.guild.id, channel=world.general.id, user=world.bob.id,
    )  # fmt: skip
    answer = await world.api.wait_for_callback(sent)

    assert answer.ephemeral
    assert answer.content == "There is no agreement #1 here. /agreements all lists them."
    with Session(harness.app.database) as session:
        rows = session.exec(select(AgreementRow)).all()
    assert [(a.channel, a.version, a.status) for a in rows] == [(str(board.id), 1, "current")]
    assert [m for m in world.api.messages_in(world.general) if not m["flags"] & 64] == []


@pytest.mark.parametrize(
    ("locale", "told"),
    [
        ("en-US", "This post is locked, so I cannot post in it and did nothing. Ask a "
         "moderator to unlock it, or use this in an open channel or post."),
        ("nl", "Deze forumpost is vergrendeld, dus ik kan er niets in plaatsen en heb niets "
         "gedaan. Vraag een moderator om hem te ontgrendelen, of gebruik dit in een open "
         "kanaal of forumpost."),
    ],
)  # fmt: skip
async def test_concerns_in_a_locked_forum_post_says_the_post_is_locked(
    world, harness, locale, told
):
    """Discord calls a forum's threads posts, and a locked one a locked post."""
    _, post = forum_post(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await world.api.lock_thread(post)
    await eventually(lambda: harness.adapter.bot.get_channel(post.id).locked)
    ix = await world.api.slash_command(
        world.guild, post, world.alice, "concerns", {"text": "ship it"}, locale=locale
    )
    answer = await world.api.wait_for_callback(ix)
    assert answer.ephemeral and answer.content == told
    assert bot_posts_in(world, post) == []


async def open_the_proposal_form_in(world, runtime, post):
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed", thread=post)
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    return await world.api.wait_for_callback(
        await world.api.click_button(dm, world.alice, label="Add a proposal")
    )


@pytest.mark.parametrize("known", [True, False], ids=["known-locked", "refused"])
async def test_a_proposal_for_a_locked_forum_post_says_the_post_is_locked(world, harness, known):
    _, post = forum_post(world)
    runtime = await harness.start()
    form = await open_the_proposal_form_in(world, runtime, post)
    if known:  # not tried: said at once
        await world.api.lock_thread(post)
        await eventually(lambda: harness.adapter.bot.get_channel(post.id).locked)
        submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"})
        told = (await world.api.wait_for_callback(submitted)).content
    else:  # locked while the form was open, the gateway's word not yet in: refused
        world.api.fail_next(f"POST /channels/{post.id}/messages", status=400, code=160005,
                            message="Thread is locked")  # fmt: skip
        submitted = await world.api.submit_modal(form, {"proposal": "call the vendor"})
        told = (await world.api.wait_for_followup(submitted))["content"]
    assert told.startswith(
        "I could not post your proposal: that post is locked, so nobody can post in it. Your "
        "words are below, so nothing is lost. You could ask a moderator to unlock the post,"
    )
    assert "thread" not in told and told.endswith("call the vendor")


async def test_a_round_refused_in_a_locked_forum_post_says_the_post_is_locked(world, harness):
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    _, post = forum_post(world)
    runtime = await harness.start()
    await start_round(world, runtime, post)
    await world.api.lock_thread(post)
    await eventually(lambda: harness.adapter.bot.get_channel(post.id).locked)

    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].splitlines()[2] == "That post is locked: a moderator can unlock it."
