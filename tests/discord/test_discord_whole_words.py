"""People's words through Discord's slash commands: a past review date is refused as
past, and words longer than the bot keeps are refused saying how long they may be;
either way the words come back whole, privately, to correct and send again."""

from __future__ import annotations

from datetime import date

from adapters.discord.rendering import clip, headline
from rules.actions import AgreementView, AnnounceReview
from rules.bidi import FSI, PDI
from rules.events import CommandInvoked, MessagePosted
from tests.discord.harness import workspace


def public(world, channel) -> list[str]:
    return [m["content"] for m in world.api.messages_in(channel) if not m["flags"] & 64]


async def answer_to(world, runtime, name: str, text: str, *, locale: str = "en-US"):
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, name, {"text": text}, locale=locale
    )
    answer = await world.api.wait_for_callback(ix)
    await runtime.wait_for(CommandInvoked)
    return answer


async def test_discord_dan_evalueren_gisteren_is_refused_in_dutch_with_the_words(world, harness):
    """It was recorded, "dan evalueren gisteren" kept in its reason and no review date."""
    runtime = await harness.start()
    typed = "Thee om 3 uur omdat het helpt, dan evalueren gisteren"
    answer = await answer_to(world, runtime, "agree", typed, locale="nl")
    assert answer.ephemeral
    assert answer.content.startswith("De herzieningsdatum “gisteren” is ")
    assert "en die ligt niet in de toekomst. Kies een latere dag" in answer.content
    assert f"Wat je stuurde, om te verbeteren en opnieuw te sturen: /afspraak {typed}" in (
        answer.content
    )
    assert not public(world, world.general)  # nothing recorded


async def test_discord_a_long_role_name_is_refused_saying_the_limit(world, harness):
    runtime = await harness.start()
    name = "coordinator of the weekly planning and the monthly budget review"
    answer = await answer_to(world, runtime, "role", f'add "{name}" keeps the planning')
    assert answer.ephemeral
    assert answer.content.startswith("A role's name is at most 60 characters; this one has 64.")
    assert f'/role add "{name}" keeps the planning' in answer.content


def inputs(modal) -> dict[str, dict]:
    return {
        c["component"]["custom_id"]: c["component"]
        for c in modal.data["components"]
        if "component" in c
    }


def texts(modal) -> list[str]:
    return [c["content"] for c in modal.data["components"] if c.get("type") == 10]


async def test_discord_a_message_longer_than_the_form_takes_says_its_end_is_missing(world, harness):
    """A message of 2,400 characters (Nitro allows 4,000) filled the form's 2,000 with
    its start and a "…", and nothing said that the rest was not there."""
    runtime = await harness.start()
    long = "We rotate the on-call duty weekly so that nobody carries it twice. " * 36
    said = await world.api.message_create(world.guild, world.general, world.carol, long)
    await runtime.wait_for(MessagePosted)
    ix = await world.api.message_command(world.alice, "Record as agreement", said)
    modal = await world.api.wait_for_callback(ix)
    assert len(inputs(modal)["text"]["value"]) <= 2000
    assert texts(modal) == [
        "This text was too long to carry over in full: its end is missing. Complete it "
        "before you save."
    ]


async def test_discord_a_short_message_fills_the_form_without_a_warning(world, harness):
    runtime = await harness.start()
    said = await world.api.message_create(world.guild, world.general, world.carol, "tea at 3?")
    await runtime.wait_for(MessagePosted)
    ix = await world.api.message_command(world.alice, "Record as agreement", said)
    modal = await world.api.wait_for_callback(ix)
    assert inputs(modal)["text"]["value"] == "tea at 3?" and not texts(modal)


async def test_discord_the_revision_form_takes_no_longer_lesson_than_is_kept(world, harness):
    """Its lesson took 2,000 characters and the bot kept the first 1,000."""
    await harness.start()
    agreement = AgreementView(
        number=3, text="We deploy on Tuesdays", why="fewer surprises", owner=str(world.bob.id),
        recorded_by=str(world.alice.id), consenters=(str(world.alice.id),), concerns=(),
        review_on=date(2026, 4, 1), version=1, replaces=None, status="current",
    )  # fmt: skip
    review = AnnounceReview(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        agreement=agreement,
    )  # fmt: skip
    message = world.api.message(await harness.adapter.deliver(review))
    revise = await world.api.click_button(message, world.alice, label="Revise")
    modal = await world.api.wait_for_callback(revise)
    assert inputs(modal)["lesson"]["max_length"] == 1000


def balanced(text: str) -> bool:
    """Every isolate this text opens it also closes, and it closes none it did not open
    (tests.slack.test_whole_words)."""
    depth = 0
    for character in text:
        depth += {FSI: 1, PDI: -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


async def test_discord_right_to_left_words_cut_between_messages_stay_isolated_in_each(
    world, harness
):
    """An agreement of 1,990 characters announced goes on in a second message: its
    isolate was opened in one and closed in the other, and the heading of the second
    ("(continued) Agreement recorded …") repeated an opened one too."""
    runtime = await harness.start()
    text = " ".join(["שלום עולם"] * 199)[:1990]
    await answer_to(world, runtime, "agree", f"{text} because it helps")
    posted = public(world, world.general)
    assert len(posted) > 2 and FSI in posted[1]
    assert all(balanced(message) for message in posted), posted


def test_discord_a_headline_or_clip_that_cuts_right_to_left_words_closes_their_isolate():
    """A notification's headline and an embed's clip end in "…" where they cut: inside
    someone's right-to-left words, their isolate ran on over what followed."""
    line = "Agreement #1: " + FSI + "שלום עולם " * 40 + PDI + " (current)"
    content, _ = headline(line + "\nmore")
    assert content.endswith("…" + PDI) and balanced(content) and len(content) <= 200
    clipped = clip(line, 100)
    assert clipped.endswith("…" + PDI) and balanced(clipped) and len(clipped) <= 100
    assert headline("x" * 300 + "\nmore")[0] == "x" * 199 + "…"  # nothing to close


async def test_discord_an_agreement_form_with_a_past_date_gives_its_words_back(world, harness):
    """Discord closes a form when it is sent: refused for its review date ("yesterday",
    typed in its field), what it said was gone, to type again from nothing."""
    await harness.start()
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
    modal = await world.api.wait_for_callback(ix)
    sent = await world.api.submit_modal(
        modal, {"text": "We rotate the on-call duty weekly", "why": "nobody carries it twice",
                "review": "yesterday"},
    )  # fmt: skip
    answer = await world.api.wait_for_callback(sent)
    assert answer.ephemeral
    assert answer.content.startswith("The review date “yesterday” is ")
    assert (
        "What you wrote, to send again: We rotate the on-call duty weekly; why: nobody "
        "carries it twice" in answer.content
    )
    assert not public(world, world.general)
