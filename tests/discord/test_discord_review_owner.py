"""The TWO in Discord: on an agreement's review day its owner hears by DM, naming the
table, with the commands to keep, revise or retire it; its echoed words ping nobody."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.models import TimerRow
from rules.events import RosterSynced
from tests.discord.harness import dm_messages


async def test_discord_the_owner_hears_of_the_review_by_dm_once(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    text = f"Tell @everyone and @here first because all must know owner <@{world.bob.id}>"
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "agree", {"text": text}
    )
    await world.api.wait_for_callback(ix)
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await runtime.tick_until_sent()
    [review] = [m for m in world.api.messages_in(world.general) if m["components"]]
    assert review["content"].startswith("Time to review agreement #1.")
    [dm] = dm_messages(world.api, world.bob)
    assert dm["content"].startswith(
        f"In <#{world.general.id}>:\nAgreement #1 (you own it) comes up for review today"
    ), dm["content"]
    assert "/review keep 1" in dm["content"] and "/review retire 1" in dm["content"]
    assert "@everyone" not in dm["content"] and "@here" not in dm["content"], dm["content"]
    await runtime.tick()  # never twice for one review
    assert len(dm_messages(world.api, world.bob)) == 1
    assert dm_messages(world.api, world.alice) == []
