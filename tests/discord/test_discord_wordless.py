"""On Discord: a message without words (a screenshot, a sticker, a GIF, a forwarded
message) between a proposal and a short yes is nobody's context: "sure" is read after
the proposal, as the shipped model reads it, and the yes counts."""

from __future__ import annotations

from typing import Any

import pytest

from rules.events import MessagePosted, RosterSynced
from tests.discord.harness import World

PROPOSAL = "Let's move the standup to 10am from next week."
SCREENSHOT = {"id": "1", "filename": "calendar.png", "size": 1, "url": "https://x/c.png",
              "proxy_url": "https://x/c.png"}  # fmt: skip


def wordless(world: World, kind: str) -> tuple[str, dict[str, Any]]:
    """The content and the rest of a message of `kind`, as Discord sends it."""
    if kind == "screenshot":
        return "", {"attachments": [SCREENSHOT]}
    if kind == "sticker":
        return "", {"extra": {"sticker_items": [{"id": "1", "name": "ok", "format_type": 1}]}}
    if kind == "gif":  # the GIF picker sends the GIF's link
        return "https://tenor.com/view/thumbs-up-gif-123", {}
    # A message forwarded from another channel: its words are in the snapshot, not its own.
    snapshot = {"type": 0, "content": "we did this last year", "embeds": [], "attachments": [],
                "timestamp": "2026-03-02T09:14:05+00:00", "edited_timestamp": None}  # fmt: skip
    reference = {"type": 1, "message_id": "1", "channel_id": str(world.general.id)}
    return "", {"extra": {"message_reference": reference,
                          "message_snapshots": [{"message": snapshot}]}}  # fmt: skip


@pytest.mark.parametrize("kind", [None, "screenshot", "sticker", "gif", "forward"])
async def test_a_yes_after_a_message_without_words_counts(world, harness, trained_classifier, kind):
    harness.classifier = trained_classifier
    harness.settings["second_reading"] = False
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)

    async def say(member, text: str, **options) -> None:
        posted = await world.api.message_create(world.guild, world.general, member, text,
                                                **options)  # fmt: skip
        await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])

    await say(world.alice, PROPOSAL)
    if kind is not None:  # Bob shares something first, then says yes
        content, options = wordless(world, kind)
        await say(world.bob, content, **options)
    await say(world.bob, "sure")
    await say(world.carol, "ok")
    offers = [m["content"] for m in world.api.messages_in(world.general) if m["author"]["bot"]]
    assert [o.splitlines()[0] for o in offers] == [
        "Most of the table agrees with this proposal by Alice (Bob and carol), and no concern "
        "is open:"
    ]
