"""The database going away while Discord keeps talking: the gateway sends each event
once, so what people say meanwhile waits and is handled once it is back; whoever uses a
command, button or form is told, privately, that nothing was recorded. The log says so
in two lines, not a traceback an event."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import workspaces
from bot.models import AgreementRow, ProcessedEvent, RoundRow
from rules.events import RosterSynced
from tests.discord.harness import buttons, dm_messages, snowflake_ago, workspace
from tests.discord.test_discord_gateway import table
from tests.discord.test_discord_rounds import start_round
from tests.helpers import eventually

NOT_RECORDED = "nothing was recorded"


def quiet(written: str) -> None:
    """One line when the database stopped answering, no traceback."""
    assert written.count("database unreachable") == 1
    assert "Traceback" not in written and "Ignoring exception" not in written


async def test_discord_messages_heard_while_the_database_is_down_are_handled_once_it_is_back(
    world, down, operator_log
):
    harness, outage = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    outage.cut(harness.app.database)

    dave = world.guild.add_member("dave")
    await world.api.dispatch(
        "GUILD_MEMBER_ADD", {**dave.payload(), "guild_id": str(world.guild.id)}
    )
    problem = await world.api.message_create(
        world.guild, world.general, world.alice, "#problem the staging deploy is broken",
        message_id=snowflake_ago(5),
    )  # fmt: skip
    await eventually(lambda: runtime.kept == 2)  # dave joining, the message
    with pytest.raises(Exception):  # noqa: B017 (whichever error the driver raises)
        await runtime.tick()  # still down: they wait
    assert runtime.kept == 2

    outage.restore()
    await runtime.tick_until_sent()
    [nudge] = dm_messages(world.api, world.alice)
    assert "#problem the staging deploy is broken" in nudge["content"]
    assert runtime.kept == 0
    assert str(dave.id) in table(harness, world.guild, world.general.id)
    await runtime.tick()
    assert len(dm_messages(world.api, world.alice)) == 1
    with Session(harness.app.database) as session:
        handled = session.exec(
            select(ProcessedEvent.event_id).where(
                ProcessedEvent.workspace == workspace(world.guild)
            )
        ).all()
    assert handled.count(f"msg:{problem['id']}") == 1

    written = operator_log.getvalue()
    quiet(written)
    assert written.count("database reachable again") == 1
    assert "handled 2 event(s) kept while the database did not answer" in written


@pytest.mark.parametrize(
    ("locale", "command", "text", "told"),
    [
        ("en-US", "agree", "We deploy on Tuesdays because Fridays break", NOT_RECORDED),
        # A round sends the table's roster first: that is not recorded either.
        ("nl", "concerns", "we verhuizen de standup", "er is niets vastgelegd"),
    ],
)
async def test_discord_command_used_while_the_database_is_down_is_answered_privately(
    world, down, operator_log, locale: str, command: str, text: str, told: str
):
    harness, outage = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    outage.cut(harness.app.database)

    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, command, {"text": text}, locale=locale
    )
    answer = await world.api.wait_for_callback(ix)
    assert told in answer.content
    assert answer.ephemeral

    outage.restore()
    await runtime.tick()
    assert runtime.kept == 0
    with Session(harness.app.database) as session:
        # Nor is it done later.
        assert session.exec(select(AgreementRow)).all() == []
        assert session.exec(select(RoundRow)).all() == []
    assert [m for m in world.api.messages_in(world.general) if not m["flags"] & 64] == []
    quiet(operator_log.getvalue())


async def test_discord_buttons_clicked_while_the_database_is_down_are_answered_privately(
    world, down, operator_log
):
    harness, outage = down
    runtime = await harness.start()
    posted = await start_round(world, runtime)
    await world.api.message_create(
        world.guild, world.general, world.alice, "#problem the printer is jammed",
        message_id=snowflake_ago(5),
    )  # fmt: skip
    await runtime.tick_until_sent()
    [nudge] = dm_messages(world.api, world.alice)
    add = await world.api.click_button(nudge, world.alice, label="Add a proposal")
    form = await world.api.wait_for_callback(add)
    outage.cut(harness.app.database)

    answered = await world.api.click_button(posted, world.bob, label="No concerns")
    told = await world.api.wait_for_callback(answered)
    assert NOT_RECORDED in told.content and told.ephemeral

    # The nudge keeps its buttons: nothing was chosen.
    dismissed = await world.api.click_button(nudge, world.alice, label="Not a problem")
    told = await world.api.wait_for_callback(dismissed)
    assert (told.type, told.ephemeral) == (4, True)
    assert NOT_RECORDED in told.content
    assert len(world.api.callbacks_for(dismissed)) == 1
    # A proposal form opened before: nothing is posted beside the problem.
    proposed = await world.api.submit_modal(form, {"proposal": "call the vendor"})
    told = await world.api.wait_for_callback(proposed)
    assert NOT_RECORDED in told.content and told.ephemeral

    outage.restore()
    await runtime.tick()
    with Session(harness.app.database) as session:
        handled = set(session.exec(select(ProcessedEvent.event_id)).all())
    assert not {f"ix:{ix.id}" for ix in (answered, dismissed, proposed)} & handled
    assert not [
        m for m in world.api.messages_in(world.general) if "call the vendor" in m["content"]
    ]
    assert buttons(world.api.message(nudge["id"]))[0][0] == "Add a proposal"
    quiet(operator_log.getvalue())


async def test_discord_removal_and_return_heard_while_the_database_is_down_are_stored_later(
    world, down, operator_log
):
    """The gateway says each once: a server removing the bot during an outage still
    counted as having it once the database was back, and one adding it back was still
    taken for removed (its data deleted after the grace period)."""
    harness, outage = down
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    name = workspace(world.guild)
    outage.cut(harness.app.database)
    await world.api.dispatch("GUILD_DELETE", {"id": str(world.guild.id)})  # kicked
    await eventually(lambda: runtime.kept == 1)
    outage.restore()
    await runtime.tick()
    assert runtime.kept == 0
    assert name in workspaces.removed(harness.app.database)
    assert table(harness, world.guild, world.general.id)  # kept through the grace period

    outage.cut(harness.app.database)
    payload = world.guild.payload(bot_user_id=world.api.bot_user.id)
    del payload["unavailable"]  # as Discord sends a server just joined
    await world.api.dispatch("GUILD_CREATE", payload)
    await eventually(lambda: runtime.kept >= 2)  # the return, then the rosters
    outage.restore()
    await runtime.tick()
    assert runtime.kept == 0
    assert name not in workspaces.removed(harness.app.database)
    written = operator_log.getvalue()
    assert "Traceback" not in written and "Ignoring exception" not in written
