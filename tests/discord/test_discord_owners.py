"""An owner typed by name ("owner @bob") is the member of that name; a private note to an
owner nobody can reach (a name written in a form) is skipped, never retried."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select

from bot.models import AgreementRow, OutboxRow, RoleRow
from rules.actions import Reply
from rules.events import AgreementSubmitted, CommandInvoked, RosterSynced
from rules.say import Say
from tests.discord.harness import dm_messages, given_back, workspace

VIEW_CHANNEL = 1 << 10


def owners(harness) -> list[str]:
    with Session(harness.app.database) as session:
        return [row.owner for row in session.exec(select(AgreementRow)).all()]


def undelivered(harness) -> list[OutboxRow]:
    with Session(harness.app.database) as session:
        rows = session.exec(select(OutboxRow)).all()
        return [row for row in rows if row.delivered_at is None or row.last_error]


async def command(world, runtime, member, name, text, count, locale="en-US"):
    ix = await world.api.slash_command(
        world.guild, world.general, member, name, {"text": text}, locale=locale
    )
    answer = await world.api.wait_for_callback(ix)
    if count:  # else the adapter answered it alone
        await runtime.wait_for(CommandInvoked, count=count)
    return answer


async def test_owners_typed_by_name_is_the_member_who_hears_of_a_review(world, harness):
    """Bob, typed as "@bob" (his username) or "@BOB" (his global name, any case), owns the
    agreement: Alice is not told he is missing, and Bob hears when Carol keeps it."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    done = await command(
        world, runtime, world.alice, "agree", "Invoices monthly because cash owner @bob", 1
    )
    assert "not at this table" not in done.content
    await command(world, runtime, world.alice, "agree", "Tea at 3 because breaks owner @BOB.", 2)
    assert owners(harness) == [str(world.bob.id)] * 2

    await command(world, runtime, world.carol, "review", "keep 1 because fine", 3)
    [told] = dm_messages(world.api, world.bob)
    assert told["content"] == (
        f"In <#{world.general.id}>:\n"  # a DM, away from its table: it opens with which
        "carol kept agreement #1 (you own it): Invoices monthly\nWhy: fine"
    )
    assert undelivered(harness) == []


async def test_owners_unknown_or_shared_names_are_not_guessed(world, harness):
    """A name that fits nobody, or two people, records nothing: the author is told
    privately how to pick the member instead."""
    other = world.guild.add_member("robert", nick="carol")  # a second "carol"
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    unknown = await command(
        world, runtime, world.alice, "agree", "Invoices monthly because cash owner @dave", 0
    )
    assert unknown.ephemeral
    assert unknown.content == (
        "I do not know who “@dave” is here, so nothing was recorded. Pick the person from "
        "the list that opens as you type @, or name a role: owner role <name>."
    )
    shared = await command(
        world, runtime, world.alice, "agree", "Facturen maandelijks omdat geld eigenaar @Carol",
        0, locale="nl",
    )  # fmt: skip
    assert shared.content.startswith("Hier heten meerdere mensen “@Carol”")
    assert owners(harness) == []
    assert runtime.of(CommandInvoked) == []  # nothing reached the engine
    assert other.id != world.carol.id


async def test_owners_revision_owner_typed_by_name_is_the_member(world, harness):
    """A revision's new owner typed as "@bob" is Bob, as /agree's is; "@dave" is refused
    privately and revises nothing."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await command(world, runtime, world.alice, "agree", "Invoices monthly because cash", 1)
    unknown = await command(
        world, runtime, world.alice, "review",
        "revise 1 Invoices weekly because cash flows owner @dave", 0,
    )  # fmt: skip
    assert unknown.ephemeral and unknown.content.startswith("I do not know who “@dave”")
    done = await command(
        world, runtime, world.alice, "review",
        "revise 1 Invoices weekly because cash flows owner @bob", 2,
    )  # fmt: skip
    assert "not at this table" not in done.content
    assert owners(harness) == [str(world.alice.id), str(world.bob.id)]


async def test_owners_role_assigned_by_name_is_the_member(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await command(world, runtime, world.alice, "role", "add nightlead watches the builds", 1)
    await command(world, runtime, world.alice, "role", "assign nightlead @Bob", 2)
    with Session(harness.app.database) as session:
        [role] = session.exec(select(RoleRow)).all()
        assert role.holder == str(world.bob.id)


async def test_owners_written_in_a_form_are_not_sent_a_note(world, harness, caplog):
    """A form's owner "Finance" is no member: when Carol retires the agreement there is
    nobody at the table to tell, so no note is written; one addressed to such an owner
    (written before owners were checked against the table) is skipped with a log line,
    not retried."""
    caplog.set_level(logging.INFO)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
    modal = await world.api.wait_for_callback(ix)
    submit = await world.api.submit_modal(
        modal, {"text": "Invoices monthly", "why": "cash", "owner": "Finance"}
    )
    await runtime.wait_for(AgreementSubmitted)
    await world.api.wait_for_callback(submit)
    assert owners(harness) == ["Finance"]

    await command(world, runtime, world.carol, "review", "retire 1 because paid by card", 1)
    with Session(harness.app.database) as session:
        [retired] = session.exec(select(AgreementRow)).all()
        assert retired.status == "retired"
    assert undelivered(harness) == []
    note = Reply(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        user="Finance", private=True, text=Say.of("carol retired agreement #1"),
    )  # fmt: skip
    assert await harness.adapter.deliver(note) is None
    assert "no Discord member to send it to" in caplog.text


async def submit_agreement_form(
    world, runtime, member, owner: str, text="Invoices  monthly", why="cash"
):
    ix = await world.api.slash_command(world.guild, world.general, member, "agree")
    modal = await world.api.wait_for_callback(ix)
    submit = await world.api.submit_modal(modal, {"text": text, "why": why, "owner": owner})
    return await world.api.wait_for_callback(submit)


@pytest.mark.parametrize("typed", ["carol", "@Carol"])
async def test_owners_form_owner_several_people_are_called_is_not_guessed(world, harness, typed):
    """The form refused nothing: the first member of the server called "carol" became the
    owner (a nickname copying Carol's username), "Done.", where the typed command refuses.
    Now the form refuses the same, and gives the words back."""
    impostor = world.guild.add_member("mallory", nick="carol")
    # Discord gives no order for a guild's members: here Mallory happens to come first.
    world.guild.members = {impostor.id: impostor, **world.guild.members}
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    answer = await submit_agreement_form(world, runtime, world.alice, typed)
    assert answer.ephemeral
    assert answer.content == (
        f"Several people here are called “{typed}”, so nothing was recorded. To make one of "
        "them the owner, use /agree … owner @ and pick them from the list that opens as you "
        "type @. What you wrote, to use again: Invoices monthly because cash"
    )
    assert owners(harness) == []
    assert runtime.of(AgreementSubmitted) == []  # nothing reached the engine


async def test_owners_form_owner_refused_in_the_language_the_form_is_written_in(world, harness):
    world.guild.add_member("mallory", nick="carol")
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    answer = await submit_agreement_form(
        world, runtime, world.alice, "carol", "We starten de vergadering om 9 uur",
        "dan is iedereen er",
    )  # fmt: skip
    assert answer.content.startswith("Hier heten meerdere mensen “carol”")
    assert answer.content.endswith(
        "Wat je schreef, om opnieuw te gebruiken: We starten de vergadering om 9 uur omdat dan "
        "is iedereen er"
    )


async def test_owners_form_owner_is_found_at_the_table_first(world, harness):
    """Someone called "carol" who cannot read the channel is not at the table: Carol, who
    is, owns the agreement, as with the typed command."""
    elsewhere = world.guild.add_member("mallory", nick="carol")
    world.guild.members = {elsewhere.id: elsewhere, **world.guild.members}
    world.general.permission_overwrites = [
        {"id": str(elsewhere.id), "type": 1, "allow": "0", "deny": str(VIEW_CHANNEL)}
    ]
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    answer = await submit_agreement_form(world, runtime, world.alice, "carol")
    await runtime.wait_for(AgreementSubmitted)
    assert "not at this table" not in answer.content
    assert owners(harness) == [str(world.carol.id)]


async def test_owners_form_owner_refused_gives_long_words_back_whole(world, harness):
    """The refusal gives back what was written, which a form holds up to 2,000 characters
    a field: past Discord's 2,000 a message, it comes in several, cut between lines and
    words, not cut short nor refused by Discord."""
    world.guild.add_member("mallory", nick="carol")
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    text = " ".join(f"step{n}" for n in range(250))  # 1,639 characters
    why = " ".join(f"reason{n}" for n in range(200))  # 1,489 characters
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
    modal = await world.api.wait_for_callback(ix)
    submit = await world.api.submit_modal(modal, {"text": text, "why": why, "owner": "carol"})
    answer = await world.api.wait_for_callback(submit)
    await world.api.wait_for_followup(submit, 2)
    followups = world.api.followups_for(submit)
    parts = [answer.content, *(message["content"] for message in followups)]
    assert answer.ephemeral and all(message["flags"] & 64 for message in followups)
    assert all(len(part) <= 2000 for part in parts)
    told = given_back(parts)
    assert told.startswith("Several people here are called “carol”, so nothing was recorded.")
    assert told.endswith(f"What you wrote, to use again: {text} because {why}")
    assert owners(harness) == []
