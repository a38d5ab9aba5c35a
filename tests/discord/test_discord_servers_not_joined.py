"""A DM's form names the server it is for in its id, which is the client's word: one
naming a server the bot is not in (left since, or never joined) is answered kindly and
leaves nothing behind, no event and no outbox item, so that `groundrules workspace list`
never shows a server the bot was never in."""

from __future__ import annotations

from adapters.discord.custom_ids import ConcernForm, Where
from bot import workspaces
from rules.events import RosterSynced


async def test_a_form_naming_a_server_the_bot_is_not_in_is_answered_and_writes_nothing(
    world, harness
):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    elsewhere = world.guild.id + 12345
    forged = ConcernForm("r1", Where(elsewhere, world.general.id)).custom_id
    sent = await world.api.submit_modal(
        forged, {"concern": "not on Friday"},
        guild=None, channel=world.api.dm_channel(world.bob), user=world.bob.id, locale="nl",
    )  # fmt: skip
    answer = await world.api.wait_for_callback(sent)
    assert answer.ephemeral
    assert answer.content.startswith("Ik zit niet (meer) in die server")

    assert not workspaces.holds(harness.app.database, f"discord:{elsewhere}")
    assert f"discord:{elsewhere}" not in {
        k.workspace for k in workspaces.known(harness.app.database)
    }
