"""When Discord refuses the bot: a refusal that stands (a permission taken, a locked
thread) is given up at once and the person who caused the message is told privately
what would help; an archived thread is reopened by posting in it; a throttle or an
outage stops a reminder's DMs, which the outbox sends later (adapters/discord/refusals)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.models import OutboxRow
from rules.events import CommandInvoked, ConcernAnswered, RosterSynced
from tests.discord.harness import buttons, dm_messages, make_retries_due
from tests.helpers import eventually
from tests.standins.discord_api import (
    EMBED_LINKS,
    GUILD_FORUM,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    FakeChannel,
)

PROPOSAL = "ship it"
# How a round's summary opens ("has closed:", or "reached its deadline:").
SUMMARY = "The concern round on this proposal "
DMS_TOO_FAST = {
    "status": 403, "code": 40003, "message": "You are opening direct messages too fast.",
}  # fmt: skip
UNAVAILABLE = {"status": 503, "code": 0, "message": "Service Unavailable"}
OPEN_DM = "POST /users/@me/channels"


async def start_round(
    world, runtime, place=None, proposal: str = PROPOSAL, locale: str = "en-US"
) -> dict:
    """/concerns by Alice in `place` (#general); returns the round's message."""
    place = place or world.general
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, place, world.alice, "concerns", {"text": proposal}, locale=locale
    )
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(place) if m["components"]]
    return message


async def take_from_the_bot(world, harness, channel, permission: int) -> None:
    """A moderator's overwrite takes `permission` from the bot in `channel`, mid-round;
    Discord tells the gateway, so the bot's cache knows it too."""
    channel.permission_overwrites = [
        {"id": str(world.api.bot_user.id), "type": 1, "allow": "0", "deny": str(permission)}
    ]
    await world.api.dispatch("CHANNEL_UPDATE", channel.payload())
    await eventually(lambda: harness.adapter.bot.get_channel(channel.id).overwrites)


def undelivered(harness) -> list[OutboxRow]:
    with Session(harness.app.database) as session:
        rows = session.exec(select(OutboxRow).where(OutboxRow.delivered_at.is_(None)))  # type: ignore[union-attr]
        return list(rows)


def set_aside(harness) -> list[OutboxRow]:
    with Session(harness.app.database) as session:
        rows = session.exec(select(OutboxRow).where(OutboxRow.delivered_at.is_not(None)))  # type: ignore[union-attr]
        return [row for row in rows if row.last_error]


async def test_a_round_whose_channel_hides_from_the_bot_tells_the_clicker_and_its_starter(
    world, harness
):
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    runtime = await harness.start()
    message = await start_round(world, runtime)
    world.api.deny_bot(world.general, view=True)  # a moderator's overwrite, mid-round

    click = await world.api.click_button(message, world.bob, label="No concerns")
    await world.api.wait_for_callback(click)
    await runtime.wait_for(ConcernAnswered)
    # Noted, and told why the round's message does not show it (privately, once).
    told = await world.api.wait_for_followup(click)
    assert told["flags"] & 64
    assert told["content"].startswith(
        f"I could not update the concern round's message in <#{world.general.id}>.\n"
        "I can no longer see that channel: ask someone who manages the server to give me "
        "the View Channel permission there."
    )
    # Each in their own language.
    click = await world.api.click_button(message, world.carol, label="No concerns", locale="nl")
    told = await world.api.wait_for_followup(click)
    assert told["content"].startswith(
        f"Ik kon het bericht van de zorgenronde in <#{world.general.id}> niet bijwerken.\n"
        "Ik kan dat kanaal niet meer zien"
    )

    await runtime.tick_until_sent()  # the deadline: the summary is refused too
    # Alice, who started the round, gets its outcome by DM, with what would help.
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].startswith(
        f"In <#{world.general.id}>:\n"  # a DM, away from its table: it opens with which
        f"The concern round in <#{world.general.id}> has closed, but I could not post its "
        "summary there. Here it is:\nI can no longer see that channel"
    )
    assert f"{SUMMARY}reached its deadline:\n> {PROPOSAL}" in dm["content"]
    assert "No concerns: Bob and carol." in dm["content"]
    # Given up at once, not tried for two hours.
    assert undelivered(harness) == []
    posts = world.api.requests_to(f"POST /channels/{world.general.id}/messages")
    assert [p.status for p in posts] == [200, 403]  # the round, then its summary once


async def test_a_round_where_the_bot_may_no_longer_post_sends_its_summary_to_its_starter(
    world, harness
):
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    runtime = await harness.start()
    message = await start_round(world, runtime)
    world.api.deny_bot(world.general)  # Send Messages taken: its own messages still edit

    click = await world.api.click_button(message, world.bob, label="No concerns")
    await world.api.wait_for_callback(click)
    await runtime.wait_for(ConcernAnswered)
    assert world.api.followups_for(click) == []  # the progress showed: nothing to tell

    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    # The stand-in refuses while the bot's cache still shows every permission: which
    # one is missing cannot be told, and none is guessed.
    assert (
        "I am not allowed to post there: ask someone who manages the server to check my "
        "permissions in that channel."
    ) in dm["content"]
    assert "Send Messages" not in dm["content"]
    assert SUMMARY in dm["content"]
    assert "has closed" in world.api.message(message["id"])["content"]  # its message shows it
    assert undelivered(harness) == [] and len(set_aside(harness)) == 1


async def test_a_round_in_a_thread_discord_archived_gets_its_summary(world, harness):
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    runtime = await harness.start()
    message = await start_round(world, runtime, world.thread)
    click = await world.api.click_button(message, world.bob, label="No concerns")
    await world.api.wait_for_callback(click)
    await runtime.wait_for(ConcernAnswered)
    await world.api.archive_thread(world.thread)  # it went quiet

    await runtime.tick_until_sent()
    summaries = [m for m in world.api.messages_in(world.thread) if SUMMARY in m["content"]]
    assert len(summaries) == 1  # posted, which reopened the thread
    assert not world.thread.archived
    closed = world.api.message(message["id"])
    assert "has closed" in closed["content"] and buttons(closed) == []  # edited after all
    assert undelivered(harness) == []
    assert dm_messages(world.api, world.alice) == []  # nothing to tell


async def test_a_round_in_a_locked_thread_sends_its_summary_to_its_starter(world, harness):
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    runtime = await harness.start()
    await start_round(world, runtime, world.thread)
    await world.api.archive_thread(world.thread, locked=True)  # a moderator closed it

    await runtime.tick_until_sent()
    assert [m for m in world.api.messages_in(world.thread) if SUMMARY in m["content"]] == []
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].startswith(
        f"In <#{world.general.id}>:\n"  # its table, then the thread that refused
        f"The concern round in <#{world.thread.id}> has closed, but I could not post its "
        "summary there. Here it is:\nThat thread is closed and I cannot reopen it: a "
        "moderator can."
    )
    assert SUMMARY in dm["content"]
    assert undelivered(harness) == []  # not tried again for two hours


async def test_opening_dms_too_fast_pings_nobody_and_sends_the_rest_later(world, harness):
    harness.settings.update(reminder_delay=timedelta(milliseconds=300), max_reminders=1)
    extra = [world.guild.add_member(f"m{n}") for n in range(8)]
    runtime = await harness.start()
    await start_round(world, runtime)
    # Discord lets the first 3 DMs open, then throttles ("opening direct messages too fast").
    world.api.fail_next(OPEN_DM, skip=3, times=1000, **DMS_TOO_FAST)
    await runtime.tick_until_sent()

    everyone = [world.bob, world.carol, world.guild.owner, *extra]
    assert sum(len(dm_messages(world.api, m)) for m in everyone) == 3
    assert [m for m in world.api.messages_in(world.general) if "<@" in m["content"]] == []
    refused = [r for r in world.api.requests_to(OPEN_DM) if r.status == 403]
    assert len(refused) == 1  # it stopped at the first: no refused request per member
    assert not any(harness.adapter.bot.delivery.dms_closed(m.id) for m in everyone)
    [later] = undelivered(harness)  # backed off for minutes, and this try does not count
    assert later.next_attempt_at.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(minutes=4)
    assert later.attempts == 0

    world.api.clear_failures()  # the throttle is over
    make_retries_due(harness)
    await runtime.tick()
    assert [len(dm_messages(world.api, m)) for m in everyone] == [1] * len(everyone)
    assert [m for m in world.api.messages_in(world.general) if "<@" in m["content"]] == []
    assert undelivered(harness) == []


async def test_an_outage_stops_a_reminder_at_its_first_failure(world, harness):
    harness.settings.update(reminder_delay=timedelta(milliseconds=300), max_reminders=1)
    runtime = await harness.start()
    await start_round(world, runtime)
    world.api.fail_next(OPEN_DM, times=1000, **UNAVAILABLE)
    await runtime.tick_until_sent()
    # One failed request, not one (each with discord.py's retries) per member.
    assert [r.status for r in world.api.requests_to(OPEN_DM)] == [503]
    assert [m for m in world.api.messages_in(world.general) if "<@" in m["content"]] == []

    world.api.clear_failures()  # the outage is over: the outbox sends it all
    make_retries_due(harness)
    await runtime.tick()
    everyone = [world.bob, world.carol, world.guild.owner]
    assert [len(dm_messages(world.api, m)) for m in everyone] == [1, 1, 1]
    assert undelivered(harness) == []


async def test_a_rate_limited_reminder_waits_and_reaches_everyone_once(world, harness):
    """Discord's 429 (with `retry_after` and its `Via` header) is waited out by
    discord.py itself: nothing is left for the outbox."""
    harness.settings.update(reminder_delay=timedelta(milliseconds=300), max_reminders=1)
    runtime = await harness.start()
    await start_round(world, runtime)
    world.api.fail_next(
        OPEN_DM, status=429, code=0, message="You are being rate limited.", retry_after=0.2,
        is_global=True, skip=1,
    )  # fmt: skip
    await runtime.tick_until_sent()
    assert 429 in [r.status for r in world.api.requests_to(OPEN_DM)]
    everyone = [world.bob, world.carol, world.guild.owner]
    assert [len(dm_messages(world.api, m)) for m in everyone] == [1, 1, 1]
    assert undelivered(harness) == []


async def test_a_summary_refused_on_the_last_click_goes_to_the_rounds_starter(world, harness):
    runtime = await harness.start()
    message = await start_round(world, runtime)
    world.api.deny_bot(world.general, view=True)
    for count, member in enumerate((world.bob, world.carol, world.guild.owner), start=1):
        click = await world.api.click_button(message, member, label="No concerns")
        await runtime.wait_for(ConcernAnswered, count=count)
    # The owner's click closed the round: its outcome goes to Alice, who started it.
    [dm] = dm_messages(world.api, world.alice)
    assert f"{SUMMARY}has closed:\n> {PROPOSAL}" in dm["content"]
    assert all(SUMMARY not in f["content"] for f in world.api.followups_for(click))

    def nothing_left() -> bool:  # a progress update may still be on its way, and refused
        return undelivered(harness) == []

    await eventually(nothing_left)


async def test_a_refusal_is_told_in_the_tables_chosen_language(world, harness):
    """A Dutch table (/table language nl): a member whose client is in English is told
    in Dutch, as everything else the bot says there."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "table", {"text": "language nl"}
    )
    await world.api.wait_for_callback(ix)
    await runtime.wait_for(CommandInvoked)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "we verhuizen naar dinsdag"}
    )
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(world.general) if m["components"]]
    world.api.deny_bot(world.general, view=True)

    click = await world.api.click_button(message, world.bob, label="Geen zorgen", locale="en-US")
    await world.api.wait_for_callback(click)
    await runtime.wait_for(ConcernAnswered)
    told = await world.api.wait_for_followup(click)
    assert told["flags"] & 64
    assert told["content"].startswith(
        f"Ik kon het bericht van de zorgenronde in <#{world.general.id}> niet bijwerken.\n"
        "Ik kan dat kanaal niet meer zien"
    )


async def test_a_summary_refused_for_its_embed_names_embed_links(world, harness):
    """A long summary goes with embeds: where Embed Links was taken, that is what its
    starter hears is missing, not Send Messages (which the bot still has)."""
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    runtime = await harness.start()
    proposal = " ".join(["we ship the release on tuesday"] * 60)  # its summary needs embeds
    await start_round(world, runtime, proposal=proposal)
    await take_from_the_bot(world, harness, world.general, EMBED_LINKS)

    await runtime.tick_until_sent()
    assert [m for m in world.api.messages_in(world.general) if SUMMARY in m["content"]] == []
    told = dm_messages(world.api, world.alice)[0]["content"]
    assert told.startswith(
        f"In <#{world.general.id}>:\n"
        f"The concern round in <#{world.general.id}> has closed, but I could not post its "
        "summary there. Here it is:\n"
        "I am not allowed to post there: ask someone who manages the server to give me the "
        "Embed Links permission there."
    )
    assert "Send Messages" not in told
    assert undelivered(harness) == []


@pytest.mark.parametrize(
    ("locale", "proposal", "named"),
    [
        (
            "en-US", PROPOSAL,
            "I am not allowed to post there: ask someone who manages the server to give me "
            "the Send Messages in Threads permission there.",
        ),
        (
            "nl", "we verhuizen de stand-up naar dinsdag",
            "Ik mag daar niets plaatsen: vraag iemand die de server beheert om me daar de "
            "machtiging Berichten versturen in threads te geven.",
        ),
    ],
)  # fmt: skip
async def test_a_thread_denying_send_messages_in_threads_names_it(
    world, harness, locale, proposal, named
):
    harness.settings.update(round_deadline=timedelta(seconds=2), max_reminders=0)
    runtime = await harness.start()
    await start_round(world, runtime, world.thread, proposal=proposal, locale=locale)
    # Taken in the thread's parent, where a thread's permissions come from.
    await take_from_the_bot(world, harness, world.general, SEND_MESSAGES_IN_THREADS)

    await runtime.tick_until_sent()
    posts = world.api.requests_to(f"POST /channels/{world.thread.id}/messages")
    assert [p.status for p in posts] == [200, 403]  # the round, then its summary once
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].splitlines()[2] == named
    assert undelivered(harness) == []


@pytest.mark.parametrize(
    ("locale", "told"),
    [
        (
            "en-US",
            "I am not a member of that private thread, so I cannot post in it. Someone in "
            "the thread can add me by mentioning me there (@{bot}).",
        ),
        (
            "nl",
            "Ik ben geen lid van die privéthread, dus ik kan er niets in plaatsen. Iemand in "
            "de thread kan me toevoegen door me daar te noemen (@{bot}).",
        ),
    ],
)  # fmt: skip
async def test_a_private_thread_that_left_the_bot_out_says_how_to_add_it(
    world, harness, locale, told
):
    """Discord answers 50001 (Missing Access) to a bot that is not in a private thread,
    whatever its permissions: what helps is adding it to the thread, not View Channel."""
    secret = world.guild.add_thread(
        world.general, "hr", owner=world.alice, private=True, members=[world.bob, world.carol]
    )
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))
    message = await start_round(world, runtime, secret)
    # Someone removes the bot from the thread: Discord refuses it there from now on.
    await world.api.thread_members_update(secret, removed=[world.api.bot_user])
    world.api.deny_bot(secret, view=True)

    click = await world.api.click_button(message, world.carol, label="No concerns", locale=locale)
    await world.api.wait_for_callback(click)
    await runtime.wait_for(ConcernAnswered)
    answer = await world.api.wait_for_followup(click)
    assert answer["flags"] & 64
    bot = harness.adapter.bot.get_guild(world.guild.id).me.display_name
    assert answer["content"].splitlines()[1] == told.format(bot=bot)


LEFT_OUT = (
    "I am not a member of that private thread, so I cannot post in it. Someone in the "
    "thread can add me by mentioning me there (@{bot})."
)


async def left_out_of_a_private_thread(world, harness):
    """A round in a private thread, the bot removed from the thread, then restarted: the
    new process never saw the thread (Discord lists at connect only the threads the bot
    may see). The runtime, the thread and the round's message."""
    harness.settings.update(round_deadline=timedelta(seconds=3), max_reminders=0)
    secret = world.guild.add_thread(
        world.general, "hr", owner=world.alice, private=True, members=[world.bob, world.carol]
    )
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))
    message = await start_round(world, runtime, secret)
    await world.api.thread_members_update(secret, removed=[world.api.bot_user])
    runtime = await harness.restart()
    await runtime.wait_for(RosterSynced)
    assert harness.adapter.bot.get_channel(secret.id) is None  # not in the cache
    return runtime, secret, message


async def test_a_private_thread_that_left_the_bot_out_before_a_restart_says_how_to_add_it(
    world, harness
):
    """The click came from the thread: Discord describes its channel in the interaction."""
    runtime, _, message = await left_out_of_a_private_thread(world, harness)

    click = await world.api.click_button(message, world.carol, label="No concerns")
    await world.api.wait_for_callback(click)
    await runtime.wait_for(ConcernAnswered)
    answer = await world.api.wait_for_followup(click)
    assert answer["flags"] & 64
    bot = harness.adapter.bot.get_guild(world.guild.id).me.display_name
    assert answer["content"].splitlines()[1] == LEFT_OUT.format(bot=bot)


async def test_a_summary_refused_by_a_private_thread_after_a_restart_says_how_to_add_the_bot(
    world, harness
):
    """Told by DM, with no interaction from the thread: Discord, asked once, shows the
    thread to no one outside it, and every channel of the server that could hold it is
    visible to the bot: so it is a private thread the bot is not in."""
    runtime, secret, _ = await left_out_of_a_private_thread(world, harness)

    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    bot = harness.adapter.bot.get_guild(world.guild.id).me.display_name
    assert dm["content"].splitlines()[2] == LEFT_OUT.format(bot=bot)
    assert len(world.api.requests_to(f"GET /channels/{secret.id}")) == 1  # asked once
    assert undelivered(harness) == []


@pytest.mark.parametrize("hidden", ["general", "forum"])
async def test_a_thread_hidden_with_its_channel_after_a_restart_still_asks_for_view_channel(
    world, harness, hidden
):
    """A channel that could hold the thread (a text channel, a forum) is hidden from the
    bot: the thread may be hidden with it, and View Channel is what helps there; no
    guess."""
    forum = FakeChannel(world.guild.new_id(), "ideas", GUILD_FORUM, world.guild.id)
    world.guild.channels[forum.id] = forum  # made before the thread
    runtime, _, _ = await left_out_of_a_private_thread(world, harness)
    channel = world.general if hidden == "general" else forum
    await take_from_the_bot(world, harness, channel, VIEW_CHANNEL)

    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    assert dm["content"].splitlines()[2] == (
        "I can no longer see that channel: ask someone who manages the server to give me "
        "the View Channel permission there."
    )
