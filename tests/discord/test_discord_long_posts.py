"""Past Discord's 2,000 characters a post goes as embeds; its first line stays in the
content, what a notification, the channel list's preview and a screen reader meet first."""

from __future__ import annotations

from rules.events import ConcernAnswered
from tests.discord.test_discord_rounds import start_round

CONCERNS = [
    "I worry that pinning the base image means we miss the security fixes that land in "
    "1.5 and 1.6, and nobody on the team owns watching the advisories. " * 4,
    "The build cache is keyed on the image digest, so pinning changes nothing for the "
    "flaky builds we actually have; I would rather we fixed the cache first. " * 4,
    "Our customers' plugins are tested against the latest image only; pinning our side "
    "means we ship something we never tested together with them. " * 4,
]


async def test_discord_long_round_summary_keeps_its_first_line_as_content(world, harness):
    runtime = await harness.start()
    message = await start_round(world, runtime)
    members = [world.bob, world.carol, world.guild.owner]
    for count, (member, concern) in enumerate(zip(members, CONCERNS, strict=True), start=1):
        click = await world.api.click_button(message, member, label="I have a concern")
        modal = await world.api.wait_for_callback(click)
        await world.api.submit_modal(modal, {"concern": concern})
        await runtime.wait_for(ConcernAnswered, count=count)
    summary = world.api.requests_to(f"POST /channels/{world.general.id}/messages")[-1].json
    assert summary["content"] == "The concern round on this proposal has closed:"
    [embed] = summary["embeds"]
    assert embed["description"].startswith("> pin the base image to 1.4\nAnswered: 3 of 3.")
    assert CONCERNS[2].strip()[:200] in embed["description"]
