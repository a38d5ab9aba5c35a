"""Ground rule 5 on Discord: /report answers the caller alone, its summary as a message
and the full form as report.md; without an interaction to answer it goes by DM."""

from __future__ import annotations

from adapters.discord import answering
from rules.actions import PostReport
from rules.events import CommandInvoked, RosterSynced
from rules.say import N_, Lines, Say
from tests.discord.harness import dm_messages, slash_command, workspace


def uploads(world) -> list[tuple[str, str]]:
    """(filename, text) of every file the bot uploaded, in order."""
    return [
        (upload["filename"], upload["content"].decode())
        for request in world.api.requests
        for upload in request.files
    ]


def report(world, summary, full, *, private: bool, user=None) -> PostReport:
    return PostReport(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        user=str(user.id) if user else None, private=private, summary=summary, full=full,
    )  # fmt: skip


async def mandates(world, runtime, *members) -> None:
    """`members` give a mandate: with the asker's own lack and the owner's counted, the
    report's mandates are four lines, one more than its summary shows."""
    await runtime.wait_for(RosterSynced)
    for member in members:
        said = f"what {member.user.username} may agree to"
        await slash_command(world, runtime, member, "mandate", said)


async def test_report_is_ephemeral_to_the_caller_with_report_md(world, harness):
    runtime = await harness.start()
    await mandates(world, runtime, world.alice, world.carol)
    ix = await world.api.slash_command(world.guild, world.general, world.bob, "report")
    answer = await world.api.wait_for_callback(ix)
    *_, invoked = await runtime.wait_for(CommandInvoked, count=3)
    assert invoked.name == "report"

    assert (answer.type, answer.ephemeral) == (4, True)  # for bob only
    lines = answer.content.splitlines()
    assert lines[0] == "Report of this table."
    assert [a["filename"] for a in answer.message["attachments"]] == ["report.md"]
    [(name, full)] = uploads(world)
    assert name == "report.md"
    assert full.startswith("# Report of this table.\n\n## Agreements, and why:\n\n- none yet\n")
    # bob reads his own lack; anyone else's (the owner's) only counted, in the file.
    assert lines[-4:] == [
        "Alice: what alice may agree to (renewed " + lines[-4].split("(renewed ")[1],
        "carol: what carol may agree to (renewed " + lines[-3].split("(renewed ")[1],
        "you: no mandate given yet (/mandate <what I may agree to>)",
        "… and 1 more (see the full report)",
    ]
    assert full.endswith("\n- you: no mandate given yet (/mandate <what I may agree to>)\n"
                         "- One member has no mandate here yet.\n")  # fmt: skip
    assert "owner" not in full
    # Nothing for the table to see (but the two mandates), and no "Done." besides the report.
    assert len([m for m in world.api.messages_in(world.general) if not m["flags"] & 64]) == 2
    assert len(world.api.callbacks_for(ix)) == 1 and world.api.followups_for(ix) == []


async def test_report_a_slow_report_edits_the_deferred_answer(world, harness, monkeypatch):
    runtime = await harness.start()
    await mandates(world, runtime, world.bob, world.carol)
    monkeypatch.setattr(answering, "DEADLINE_S", 0)  # as if the database were slow
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "report")
    deferred = await world.api.wait_for_callback(ix)
    assert (deferred.type, deferred.ephemeral) == (5, True)

    [edit] = await world.api.wait_for("PATCH /webhooks/{application_id}/{token}/messages/@original")
    assert edit.json["content"].startswith("Report of this table.")
    assert [a["filename"] for a in edit.json["attachments"]] == ["report.md"]
    shown = world.api.message(deferred.message["id"])
    assert shown["flags"] & 64 and shown["attachments"][0]["filename"] == "report.md"


async def test_report_without_an_interaction_goes_by_dm(world, harness):
    await harness.start()
    summary = Lines((Say.of(N_("Report of this table.")), Say.of(N_("Mandates:"))))
    full = Lines((*summary.parts, Say.of(N_("none"))))
    await harness.adapter.deliver(report(world, summary, full, private=True, user=world.carol))

    [dm] = dm_messages(world.api, world.carol)
    # A DM, away from its table: it opens with which; the file stays the report alone.
    assert dm["content"] == f"In <#{world.general.id}>:\nReport of this table.\nMandates:"
    assert [a["filename"] for a in dm["attachments"]] == ["report.md"]
    assert uploads(world) == [("report.md", "# Report of this table.\n\n## Mandates:\n\n- none\n")]
    assert world.api.messages_in(world.general) == []


async def test_report_that_says_it_all_needs_no_file(world, harness):
    await harness.start()
    whole = Lines((Say.of(N_("Report of this table.")), Say.of(N_("none yet"))))
    posted_id = await harness.adapter.deliver(report(world, whole, whole, private=False))

    posted = world.api.message(posted_id)
    assert (posted["content"], posted["attachments"]) == ("Report of this table.\nnone yet", [])
    [post] = world.api.requests_to(f"POST /channels/{world.general.id}/messages")
    assert post.json["allowed_mentions"] == {"parse": []} and post.files == []


async def test_report_a_long_summary_is_split_with_the_file_on_its_last_part(world, harness):
    await harness.start()
    items = tuple(Say.of(N_("Comment: {comment}"), comment="y" * 300 + str(n)) for n in range(12))
    summary = Lines((Say.of(N_("Report of this table.")), *items))
    full = Lines((*summary.parts, Say.of(N_("none"))))
    await harness.adapter.deliver(report(world, summary, full, private=False))

    posted = world.api.messages_in(world.general)
    assert len(posted) == 2 and all(len(m["content"]) <= 2000 for m in posted)
    assert "\n".join(m["content"] for m in posted).splitlines()[-1] == f"Comment: {'y' * 300}11"
    assert [[a["filename"] for a in m["attachments"]] for m in posted] == [[], ["report.md"]]
