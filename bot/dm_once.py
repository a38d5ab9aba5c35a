"""Words typed in the bot's DM are answered once, however often the platform delivers them.

Slack delivers an event again when it missed the ack (X-Slack-Retry-Num), and may do so
without saying (a Socket Mode reconnect); Discord gives a message to every session of
the bot (two processes during a deploy). Like every other event, such words are claimed
by their delivery's id in processed_event (bot.store) before anything is said: only the
first delivery, in whichever process, answers. One whose answer failed before any of
it reached its author (Slack refused the post, the database stopped answering) gives
its claim back, and one the database did not answer at all claimed nothing: the
platform's retry answers either. Nothing lost, nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)

_ID = "dm-answer:"
_DMS = "dm:"


def answer_id(user: str, delivery: str) -> str:
    """The processed_event id of words `user` typed in the bot's DM, delivered as
    `delivery` (Slack's event id, Discord's message id). It names them (`:user:`), so
    forgetting them deletes it (bot.person_data)."""
    return f"{_ID}{user}:{delivery}"


def answer_ids_of(user: str) -> str:
    """What every `answer_id` of `user` starts with."""
    return answer_id(user, "")


def dms_of(platform: str) -> str:
    """Where the DM answers of a platform (its prefix, "discord:") whose DMs belong to no
    workspace are recorded (Discord's: a DM is with no server): beside its workspaces,
    not as one of them ("dm:discord", which no platform's prefix matches)."""
    return f"{_DMS}{platform.rstrip(':')}"


def is_dms(workspace: str) -> bool:
    """Whether `workspace` is where a platform's DM answers are recorded (`dms_of`)."""
    return workspace.startswith(_DMS)


class Answering:
    """One delivery's answer under way: `reached()` once any of it reached its author."""

    def __init__(self) -> None:
        self.has_reached = False

    def reached(self) -> None:
        self.has_reached = True


@asynccontextmanager
async def answered_once(
    claim: Callable[[], Awaitable[bool]], give_back: Callable[[], Awaitable[None]]
) -> AsyncIterator[Answering | None]:
    """None when this delivery's words were answered already, or are being answered,
    by this process or another: nothing more to say. Else the answer under way, which
    gives the `claim` back if it fails before any of it reached its author."""
    if not await claim():
        yield None
        return
    answering = Answering()
    try:
        yield answering
    except Exception:
        if not answering.has_reached:
            try:
                await give_back()
            except Exception as error:  # the database still does not answer: kept
                log.warning("could not give back the claim on words typed in a DM: %s",
                            type(error).__name__)  # fmt: skip
        raise
