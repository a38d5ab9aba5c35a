"""A message that opens with the bot's mention ("@Groundrules help") is a command on
Slack; Discord has none by mention. Its writer hears, in a short reply that pings
nobody, where the commands are, not silence; once in a while, however often they try."""

from __future__ import annotations

import pytest

from rules.events import MessagePosted

ROUTE = "POST /channels/{channel_id}/messages"
POINTER = (
    "On Discord my commands start with a slash, not a mention: type / and pick one, such "
    "as /agree or /agreements. /groundrules help lists everything I do."
)
DUTCH = (
    "Op Discord begin je mijn commando's met een schuine streep, niet met een vermelding: "
    "typ / en kies er een, zoals /afspraak of /afspraken. /spelregels hulp laat alles zien "
    "wat ik doe."
)


@pytest.mark.parametrize("written", ["<@{user}>", "<@&{role}>"], ids=["user", "own-role"])
async def test_a_mention_is_pointed_to_the_slash_commands(world, harness, written):
    role = world.guild.add_role("Groundrules", bot_id=world.api.bot_user.id)
    runtime = await harness.start()
    bot = written.format(user=world.api.bot_user.id, role=role.id)
    asked = await world.api.message_create(world.guild, world.general, world.alice, f"{bot} help")

    [request] = await world.api.wait_for(ROUTE)
    assert request.json["content"] == POINTER
    # A reply to the words, pinging nobody: not even their writer.
    assert str(request.json["message_reference"]["message_id"]) == asked["id"]
    assert request.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    # Still not the table's chat.
    await world.api.message_create(world.guild, world.general, world.bob, "hello")
    [said] = await runtime.wait_for(MessagePosted)
    assert said.user == str(world.bob.id)


async def test_a_mention_is_answered_in_the_language_of_its_words(world, harness):
    await harness.start()
    bot = f"<@{world.api.bot_user.id}>"
    await world.api.message_create(
        world.guild, world.general, world.alice,
        f"{bot} afspraak we deployen niet op vrijdag omdat het dan misgaat",
    )  # fmt: skip
    [request] = await world.api.wait_for(ROUTE)
    assert request.json["content"] == DUTCH


async def test_a_mention_with_no_words_is_answered_in_the_servers_language(world, harness):
    world.guild.preferred_locale = "nl"
    await harness.start()
    await world.api.message_create(
        world.guild, world.general, world.alice, f"<@{world.api.bot_user.id}>"
    )
    [request] = await world.api.wait_for(ROUTE)
    assert request.json["content"] == DUTCH


async def test_mentions_in_a_row_are_pointed_once_a_person_and_channel(world, harness):
    """Remembered in the process: a few minutes per person and channel."""
    await harness.start()
    bot = f"<@{world.api.bot_user.id}>"
    for text in ("help", "help??", "agree no deploys on Friday because it fails"):
        await world.api.message_create(world.guild, world.general, world.alice, f"{bot} {text}")
    await world.api.message_create(world.guild, world.general, world.bob, f"{bot} help")
    await world.api.message_create(
        world.guild, world.general, world.alice, f"{bot} help", thread=world.thread
    )  # another channel: pointed there too

    await world.api.wait_for(ROUTE, count=3)
    answered = [m["message_reference"]["message_id"] for m in world.api.messages_in(world.general)]
    answered += [m["message_reference"]["message_id"] for m in world.api.messages_in(world.thread)]
    writers = [world.api.message(i)["author"]["id"] for i in answered]
    assert sorted(writers) == sorted([str(world.alice.id), str(world.bob.id), str(world.alice.id)])
    # Nothing more came for Alice's repeats: Carol's pointer is the only one after.
    await world.api.message_create(world.guild, world.general, world.carol, f"{bot} help")
    await world.api.wait_for(ROUTE, count=4)
    assert len(world.api.requests_to(ROUTE)) == 4
