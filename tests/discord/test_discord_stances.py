"""On Discord: a yes edited into a concern is never named in the offer to record, and
a concern edited into a yes counts as one (MESSAGE_UPDATE)."""

from __future__ import annotations

from rules.events import MessageEdited, MessagePosted, RosterSynced


async def test_a_yes_edited_into_a_concern_and_back_in_a_thread(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)

    async def say(member, text) -> dict:
        posted = await world.api.message_create(
            world.guild, world.general, member, text, thread=world.thread
        )
        await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
        return posted

    await say(world.alice, "#proposal we pin the base image to 1.4")
    yes = await say(world.bob, "#agreement sounds good to me")
    await world.api.message_update(yes, content="#concern not before the release")
    await runtime.wait_for(MessageEdited)
    await say(world.carol, "#agreement yes, agreed")
    assert world.api.messages_in(world.thread) == []  # Bob's concern holds it back

    await world.api.message_update(yes, content="#agreement fine, the release is out")
    await runtime.wait_for(MessageEdited, count=2)
    [suggestion] = world.api.messages_in(world.thread)
    assert suggestion["content"].splitlines()[0] == (
        "Most of the table agrees with this proposal by Alice (Bob and carol), and no concern "
        "is open:"
    )
