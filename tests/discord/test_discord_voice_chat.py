"""The text chat of a voice or stage channel, where a team in a call types, is a table
like a text channel: whoever may read it sits at it, what is said there is watched,
and commands and "Record as agreement" work there."""

from __future__ import annotations

import pytest

from rules.events import AgreementSubmitted, MessagePosted, RosterSynced
from tests.discord.harness import World
from tests.standins.discord_api import FakeChannel

KINDS = pytest.mark.parametrize("stage", [False, True], ids=["voice", "stage"])
CONNECT = 1 << 20


def call(world: World, stage: bool) -> FakeChannel:
    """A voice (or stage) channel everyone may read; nobody needs to be in the call."""
    return world.guild.add_voice_channel("weekly-sync", stage=stage)


@KINDS
async def test_the_tables_yes_in_a_calls_chat_brings_the_offer(world, harness, stage):
    chat = call(world, stage)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(chat.id))

    for member, text in [
        (world.alice, "#proposal we move the sync to Tuesdays"),
        (world.carol, "#agreement fine by me"),
        (world.guild.owner, "#agreement yes"),
    ]:
        posted = await world.api.message_create(world.guild, chat, member, text)
        await runtime.wait_for(MessagePosted, lambda e, p=posted: e.message_id == p["id"])
    [offer] = [m for m in world.api.messages_in(chat) if m["author"]["bot"]]
    assert offer["content"].startswith(
        "Most of the table agrees with this proposal by Alice (carol and owner)"
    )


@KINDS
async def test_a_command_in_a_calls_chat_acts_there(world, harness, stage):
    chat = call(world, stage)
    await harness.start()
    ix = await world.api.slash_command(
        world.guild, chat, world.alice, "concerns", {"text": "move the sync to Tuesdays"}
    )
    await world.api.wait_for_callback(ix)
    rounds = [m for m in world.api.messages_in(chat) if m["content"].startswith("Concern round")]
    assert [m["content"].splitlines()[:2] for m in rounds] == [
        ["Concern round: Alice proposes", "> move the sync to Tuesdays"]
    ]


@KINDS
async def test_record_as_agreement_in_a_calls_chat_records_it(world, harness, stage):
    chat = call(world, stage)
    runtime = await harness.start()
    said = await world.api.message_create(world.guild, chat, world.carol,
                                          "ok so we rotate on-call weekly from now on")  # fmt: skip
    ix = await world.api.message_command(world.alice, "Record as agreement", said)
    modal = await world.api.wait_for_callback(ix)
    submitted = await world.api.submit_modal(
        modal, {"text": "We rotate on-call weekly", "why": "fairness"}
    )
    answer = await world.api.wait_for_callback(submitted)
    assert answer.ephemeral
    [recorded] = await runtime.wait_for(AgreementSubmitted)
    assert (recorded.channel, recorded.thread_id) == (str(chat.id), None)
    assert any(m["content"].startswith("Agreement recorded.") for m in world.api.messages_in(chat))


@KINDS
async def test_who_may_no_longer_connect_leaves_a_calls_table(world, harness, stage):
    """Reading a voice or stage channel's chat takes Connect, as Discord has it."""
    chat = call(world, stage)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(chat.id))
    data = chat.payload()
    data["permission_overwrites"] = [
        {"id": str(world.bob.id), "type": 1, "allow": "0", "deny": str(CONNECT)}
    ]
    await world.api.dispatch("CHANNEL_UPDATE", data)
    *_, synced = await runtime.wait_for(RosterSynced, lambda e: e.channel == str(chat.id), count=2)
    assert synced.members == {str(m.id) for m in (world.alice, world.carol, world.guild.owner)}


@KINDS
async def test_a_call_whose_chat_the_bot_may_not_read_is_told_why(world, harness, stage):
    """View Channel alone does not let the bot read a call's chat: it asks for Connect."""
    chat = call(world, stage)
    chat.permission_overwrites = [
        {"id": str(world.api.bot_user.id), "type": 1, "allow": "0", "deny": str(CONNECT)}
    ]
    runtime = await harness.start()
    ix = await world.api.slash_command(
        world.guild, chat, world.alice, "concerns", {"text": "move the sync"}, locale="nl"
    )
    refused = await world.api.wait_for_callback(ix)
    assert refused.ephemeral
    assert refused.content.startswith(
        "Ik kan de chat van dat spraak- of podiumkanaal niet lezen, dus ik heb daar niets gedaan."
    )
    assert "(de machtigingen Kanaal bekijken en Verbinden;" in refused.content
    assert [e for e in runtime.events if e.channel == str(chat.id)] == []
