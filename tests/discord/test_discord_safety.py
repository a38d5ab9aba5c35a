"""Nothing the bot posts pings anyone, except the people a reminder deliberately names."""

from __future__ import annotations

from datetime import timedelta

from rules.events import ConcernAnswered, RosterSynced
from tests.discord.conftest import BOTH_DATABASES
from tests.discord.harness import bot_messages, post_problem


@BOTH_DATABASES
async def test_safety_no_bot_message_pings_anyone_but_a_reminders_non_responders(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    role = world.guild.add_role("ops", mentionable=True)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    loud = f"@everyone @here <@{world.bob.id}> <@!{world.bob.id}> <@&{role.id}>"

    # A nudge by DM, and a quiet reply in the channel for carol, whose DMs are closed.
    await post_problem(world, runtime, world.alice, f"#problem the build broke {loud}")
    await post_problem(world, runtime, world.carol, f"#problem no coffee {loud}")
    assert await runtime.tick_until_sent() == 2
    # A concern round, an answer, a concern, a reminder, an agreement.
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": f"ship it {loud}"}
    )
    await world.api.wait_for_callback(ix)
    [round_message] = [
        m for m in world.api.messages_in(world.general) if "Concern round" in m["content"]
    ]
    await world.api.click_button(round_message, world.bob, label="No concerns")
    await runtime.wait_for(ConcernAnswered)
    click = await world.api.click_button(round_message, world.guild.owner, label="I have a concern")
    modal = await world.api.wait_for_callback(click)
    await world.api.submit_modal(modal, {"concern": f"not on Friday {loud}"})
    await runtime.wait_for(ConcernAnswered, count=2)
    await runtime.tick_until_sent()  # carol is reminded in the channel, by name
    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "agree", {"text": f"ship {loud} because ready"}
    )
    await world.api.wait_for_callback(ix)

    sent = bot_messages(world.api)
    assert len(sent) >= 10
    pinged = []
    for request in sent:
        body = request.json["data"] if request.path.startswith("/interactions/") else request.json
        allowed = body["allowed_mentions"]
        if allowed != {"parse": []}:
            pinged.append(allowed)
        content = body.get("content") or ""
        assert "@everyone" not in content and "@here" not in content
        assert "<@&" not in content and "<@!" not in content
        if f"<@{world.carol.id}>" not in content:
            assert "<@" not in content, content
    assert pinged == [{"parse": [], "users": [world.carol.id]}]
    for channel in (world.general, world.api.dm_channel(world.alice)):
        for message in world.api.messages_in(channel):
            assert not message["mention_everyone"] and message["mention_roles"] == []
            assert [m["id"] for m in message["mentions"]] in ([], [str(world.carol.id)])
