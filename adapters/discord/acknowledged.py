"""An interaction Discord took the answer to, though that answer's HTTP reply was lost.

discord.py sends an interaction's callback again after any 5xx (its webhook adapter has
no setting to stop it). When Discord had taken the first, it refuses the second: 400,
40060 "Interaction has already been acknowledged". The bot sends one callback per
interaction, so that refusal is the news that the one it sent went through: the person
saw it. discord.py notes an answer only when its call returns, so the interaction is
marked here (in `Interaction.extras`, discord.py's place for such notes) and what the
bot says next goes as a follow-up, as after any answer. Before, the refusal made the
bot give its answer again by DM, or dropped a click's decision after its buttons went.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

import discord

log = logging.getLogger(__name__)

ALREADY_ACKNOWLEDGED = 40060
_ANSWERED = "groundrules.answered"


async def respond(interaction: discord.Interaction, callback: Awaitable[object]) -> None:
    """Await `callback` (an `interaction.response` call); a 40060 means it went through."""
    try:
        await callback
    except discord.HTTPException as error:
        if error.code != ALREADY_ACKNOWLEDGED:
            raise
        log.info("an interaction's answer went through though its reply was lost")
        interaction.extras[_ANSWERED] = True


def answered(interaction: discord.Interaction) -> bool:
    """Whether the interaction has its one answer (further ones are follow-ups)."""
    return interaction.response.is_done() or bool(interaction.extras.get(_ANSWERED))
