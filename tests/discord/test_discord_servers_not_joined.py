"""A DM's form names the server it is for in its id, which is the client's word: one
naming a server the bot is not in (left since, or never joined) is answered kindly and
leaves nothing behind, no event and no outbox item, so that `groundrules workspace list`
never shows a server the bot was never in."""

from __future__ import annotations

from bot import workspaces
from tests.discord.harness import submit_a_form_for_a_server_not_joined


async def test_a_form_naming_a_server_the_bot_is_not_in_is_answered_and_writes_nothing(
    world, harness
):
    elsewhere, answer = await submit_a_form_for_a_server_not_joined(world, harness)
    assert answer.ephemeral
    assert answer.content.startswith("Ik zit niet (meer) in die server")

    assert not workspaces.holds(harness.app.database, f"discord:{elsewhere}")
    assert f"discord:{elsewhere}" not in {
        k.workspace for k in workspaces.known(harness.app.database)
    }
