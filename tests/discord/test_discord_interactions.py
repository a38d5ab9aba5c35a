"""Slash commands, the message menu, forms, review buttons and long answers."""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date
from sqlmodel import Session, select

from adapters.discord import answering
from bot.models import AgreementRow, TimerRow
from rules.actions import AgreementView, AnnounceReview, Reply
from rules.durations import add_months
from rules.events import (
    AgreementSubmitted,
    CommandInvoked,
    MessagePosted,
    ProposalAdded,
    ReviewDecided,
    RosterSynced,
)
from rules.say import N_, Lines, Say
from tests.discord.harness import buttons, workspace
from tests.helpers import eventually


def field_values(modal) -> dict[str, str | None]:
    return {
        c["component"]["custom_id"]: c["component"].get("value") for c in modal.data["components"]
    }


async def test_interactions_slash_command_is_answered_ephemerally(world, harness):
    runtime = await harness.start()
    ix = await world.api.slash_command(world.guild, world.thread, world.bob, "groundrules")
    answer = await world.api.wait_for_callback(ix)

    assert (answer.type, answer.ephemeral) == (4, True)
    assert answer.content.startswith("Our ground rules:\n1. We only talk about solutions")
    [invoked] = await runtime.wait_for(CommandInvoked)
    assert (invoked.name, invoked.args) == ("groundrules", "")
    assert (invoked.channel, invoked.thread_id) == (str(world.general.id), str(world.thread.id))


async def test_interactions_dutch_client_gets_dutch(world, harness):
    runtime = await harness.start()
    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "groundrules", {"text": "help"}, locale="nl"
    )
    answer = await world.api.wait_for_callback(ix)

    assert answer.content.startswith("Onze spelregels:")
    [invoked] = await runtime.wait_for(CommandInvoked)
    # The name Discord shows follows the client, so it is no sign: the client's language
    # comes along, for when the words show none ("help" is both languages' word).
    assert (invoked.name, invoked.args, invoked.lang) == ("groundrules", "help", "nl")


async def test_interactions_agree_with_text_is_announced_to_the_table(world, harness):
    await harness.start()
    text = f"We deploy on Tuesdays because fewer surprises owner <@{world.bob.id}>"
    ix = await world.api.slash_command(
        world.guild, world.thread, world.alice, "agree", {"text": text}
    )
    done = await world.api.wait_for_callback(ix)

    assert (done.content, done.ephemeral) == ("Done.", True)
    [announced] = [m for m in world.api.messages_in(world.thread) if not m["flags"] & 64]
    lines = announced["content"].splitlines()
    assert lines[:3] == [
        "Agreement recorded.",
        "Agreement #1: We deploy on Tuesdays",
        "Why: fewer surprises",
    ]
    assert lines[3] == "Owner: Bob. Consent: Alice (mandate pending)."


async def test_interactions_nudges_in_dutch_is_announced_to_the_table(world, harness):
    runtime = await harness.start()
    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "nudges", {"text": "minder"}, locale="nl"
    )
    done = await world.api.wait_for_callback(ix)

    [invoked] = await runtime.wait_for(CommandInvoked)
    assert (invoked.name, invoked.args, invoked.lang) == ("nudges", "minder", "nl")
    # The change concerns everyone at the table: the answer is public, in Dutch.
    assert (done.type, done.ephemeral) == (4, False)
    assert done.content.startswith("Vanaf nu geef ik hier alleen een seintje")


async def test_interactions_agree_without_text_opens_the_form(world, harness):
    runtime = await harness.start()
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
    modal = await world.api.wait_for_callback(ix)
    assert (modal.type, modal.data["title"]) == (9, "Record an agreement")
    assert list(field_values(modal)) == ["text", "why", "owner", "review"]

    wrong = await world.api.submit_modal(
        modal, {"text": "Stand-up at 9", "why": "we all start then", "review": "someday"}
    )
    refused = await world.api.wait_for_callback(wrong)
    example = add_months(datetime.now(UTC).date().replace(day=1), 3)  # ahead
    assert refused.content == (
        f"I could not read the review date “someday”. Try {example.day} "
        f"{example.strftime('%B')} {example.year} or “in 6 weeks”."
    )
    assert refused.ephemeral and runtime.of(AgreementSubmitted) == []

    # A review date within ten years of the real clock the bot runs on.
    review_on = date.today() + timedelta(days=400)
    right = await world.api.submit_modal(
        modal, {"text": "Stand-up at 9", "why": "we all start then", "review": str(review_on)}
    )
    [submitted] = await runtime.wait_for(AgreementSubmitted)
    assert (submitted.text, submitted.why, submitted.review_on) == (
        "Stand-up at 9", "we all start then", review_on,
    )  # fmt: skip
    await world.api.wait_for_callback(right)
    shown = format_date(review_on, format="long", locale="en_GB")
    assert any(f"we review it on {shown}" in m["content"]
               for m in world.api.messages_in(world.general))  # fmt: skip


async def test_interactions_agree_form_owner_names_a_role_of_the_table(world, harness):
    """The owner field takes "a person or a role": the role moves with /role handover."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    lines = ("add nightlead watches the nightly builds", f"assign nightlead <@{world.bob.id}>")
    for count, line in enumerate(lines, start=1):
        ix = await world.api.slash_command(
            world.guild, world.general, world.alice, "role", {"text": line}
        )
        await runtime.wait_for(CommandInvoked, count=count)
        await world.api.wait_for_callback(ix)
    for count, owner in enumerate(("nightlead", "role nightlead"), start=1):
        ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
        modal = await world.api.wait_for_callback(ix)
        submit = await world.api.submit_modal(
            modal, {"text": f"Builds rule {count}", "why": "signal", "owner": owner}
        )
        await runtime.wait_for(AgreementSubmitted, count=count)
        await world.api.wait_for_callback(submit)
        [announced] = [m for m in world.api.messages_in(world.general)
                       if f"Builds rule {count}" in m["content"]]  # fmt: skip
        assert "Owner: role nightlead." in announced["content"]
    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "role",
        {"text": f"handover nightlead <@{world.carol.id}>"},
    )  # fmt: skip
    await world.api.wait_for_callback(ix)
    handover = world.api.messages_in(world.general)[-1]["content"].splitlines()
    assert handover[1:] == ["With the role go these agreements:", "#1 Builds rule 1",
                            "#2 Builds rule 2"]  # fmt: skip


async def test_interactions_forms_open_in_the_tables_language(world, harness):
    """A table's /table language wins over the client's, for the forms as for the engine's
    answers."""
    runtime = await harness.start()
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "table", {"text": "language nl"}
    )
    await runtime.wait_for(CommandInvoked)
    await world.api.wait_for_callback(ix)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
    modal = await world.api.wait_for_callback(ix)
    assert modal.data["title"] == "Afspraak vastleggen"


async def test_interactions_record_as_agreement_from_the_message_menu(world, harness):
    runtime = await harness.start()
    said = await world.api.message_create(
        world.guild, world.general, world.carol, f"we rotate on-call weekly, ok <@{world.bob.id}>?",
        thread=world.thread,
    )  # fmt: skip
    await runtime.wait_for(MessagePosted)
    ix = await world.api.message_command(world.alice, "Record as agreement", said)
    modal = await world.api.wait_for_callback(ix)
    assert field_values(modal)["text"] == "we rotate on-call weekly, ok @Bob?"

    await world.api.submit_modal(modal, {"text": "We rotate on-call weekly", "why": "fairness"})
    [submitted] = await runtime.wait_for(AgreementSubmitted)
    assert (submitted.user, submitted.thread_id) == (str(world.alice.id), str(world.thread.id))
    assert any(m["content"].startswith("Agreement recorded.")
               for m in world.api.messages_in(world.thread))  # fmt: skip


async def test_interactions_dutch_agreement_form_is_answered_in_dutch(world, harness):
    """A Dutch client's form ("Vastleggen als afspraak" in the message menu) records a
    Dutch agreement: its announcement, and so its reviews, are in Dutch."""
    runtime = await harness.start()
    said = await world.api.message_create(world.guild, world.general, world.carol,
                                          "koffie om 10 uur?")  # fmt: skip
    await runtime.wait_for(MessagePosted)
    ix = await world.api.message_command(world.alice, "Record as agreement", said, locale="nl")
    modal = await world.api.wait_for_callback(ix)
    assert modal.data["title"] == "Afspraak vastleggen"
    await world.api.submit_modal(
        modal, {"text": "Koffie om 10 uur", "why": "dan is iedereen er"}, locale="nl"
    )
    [submitted] = await runtime.wait_for(AgreementSubmitted)
    assert submitted.lang == "nl"
    assert any(m["content"].startswith("Afspraak vastgelegd.")
               for m in world.api.messages_in(world.general))  # fmt: skip


async def test_interactions_review_buttons_dispatch_the_decision(world, harness):
    runtime = await harness.start()
    agreement = AgreementView(
        number=3, text="We deploy on Tuesdays", why="fewer surprises", owner=str(world.bob.id),
        recorded_by=str(world.alice.id), consenters=(str(world.alice.id),), concerns=(),
        review_on=date(2026, 4, 1), version=1, replaces=None, status="current",
    )  # fmt: skip
    review = AnnounceReview(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        agreement=agreement,
    )  # fmt: skip
    posted_id = await harness.adapter.deliver(review)
    message = world.api.message(posted_id)
    assert message["content"].startswith("Time to review agreement #3.")
    assert [label for label, _ in buttons(message)] == ["Keep", "Revise", "Retire"]
    assert "/review" not in message["content"]  # its buttons answer it, as on Slack

    keep = await world.api.click_button(message, world.bob, label="Keep")
    [kept] = await runtime.wait_for(ReviewDecided)
    assert (kept.number, kept.decision, kept.user) == (3, "keep", str(world.bob.id))
    answered = await world.api.wait_for_callback(keep)  # the engine's answer, else "Noted"
    assert answered.ephemeral and answered.content

    revise = await world.api.click_button(message, world.alice, label="Revise")
    modal = await world.api.wait_for_callback(revise)
    assert modal.data["title"] == "Revise agreement #3"
    await world.api.submit_modal(
        modal, {"lesson": "Tuesdays clash with the demo", "text": "We deploy on Wednesdays",
                "why": "no clash"},
    )  # fmt: skip
    [_, revised] = await runtime.wait_for(ReviewDecided, count=2)
    assert (revised.decision, revised.lesson, revised.new_text, revised.why) == (
        "revise", "Tuesdays clash with the demo", "We deploy on Wednesdays", "no clash",
    )  # fmt: skip


async def test_interactions_long_answers_are_split_under_discords_limit(world, harness):
    await harness.start()
    many = Lines(tuple(Say.of(N_("Why: {why}"), why="x" * 150 + str(n)) for n in range(30)))
    reply = Reply(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en", user=None,
        text=many, private=False,
    )  # fmt: skip
    await harness.adapter.deliver(reply)

    posted = [
        r.json["content"] for r in world.api.requests_to("POST /channels/{channel_id}/messages")
    ]
    assert len(posted) == 3
    assert all(len(content) <= 2000 for content in posted)
    # Each after the first opens with its heading: the first line, without its end.
    heading = f"(continued) Why: {'x' * 94}…"
    assert all(content.startswith(f"{heading}\n") for content in posted[1:])
    shown = [posted[0], *(content.removeprefix(f"{heading}\n") for content in posted[1:])]
    assert "\n".join(shown).splitlines() == [f"Why: {'x' * 150}{n}" for n in range(30)]


@pytest.mark.parametrize(
    "lang, heading",
    [("en", "(continued) Agreements at this table"), ("nl", "(vervolg) Afspraken aan deze tafel")],
)
async def test_interactions_every_later_message_of_a_long_answer_has_a_heading(
    world, harness, lang, heading
):
    """By DM (no interaction to answer) and in the channel alike: in the DM list, a
    thread or a notification, each message after the first says what it continues;
    Discord takes them all."""
    await harness.start()
    lines = [Say.of(N_("Why: {why}"), why=f"{n:02d} " + "y" * 150) for n in range(30)]
    many = Lines((Say.of(N_("Agreements at this table:")), *lines))
    for private in (True, False):
        reply = Reply(
            workspace=workspace(world.guild), channel=str(world.general.id), lang=lang,
            user=str(world.alice.id), text=many, private=private,
        )  # fmt: skip
        await harness.adapter.deliver(reply)
    dms = [m["content"] for m in world.api.messages_in(world.api.dm_channel(world.alice))]
    posted = [m["content"] for m in world.api.messages_in(world.general)]
    # A DM, away from its table, opens with which one: its later messages say so too.
    in_table = f"{heading.split(')')[0]}) In <#{world.general.id}>"
    for sent, title in ((dms, in_table), (posted, heading)):
        assert len(sent) > 1 and not sent[0].startswith(title)
        assert all(content.startswith(f"{title}\n") for content in sent[1:])
        assert sum(content.count(" yyy") for content in sent) == 30
    assert not world.api.refused


async def test_interactions_a_slow_decision_is_deferred_then_answered(world, harness, monkeypatch):
    monkeypatch.setattr(answering, "DEADLINE_S", 0)  # as if the database were slow
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "pin the image"}
    )
    deferred = await world.api.wait_for_callback(ix)
    assert (deferred.type, deferred.ephemeral) == (5, True)  # "thinking…", for alice only
    [edit] = await world.api.wait_for("PATCH /webhooks/{application_id}/{token}/messages/@original")
    assert edit.json["content"] == "Done."

    [round_message] = [m for m in world.api.messages_in(world.general) if m["components"]]
    click = await world.api.click_button(round_message, world.bob, label="No concerns")
    acknowledged = await world.api.wait_for_callback(click)
    assert acknowledged.type == 6  # deferred update: the round message stays as it is
    thanks = await world.api.wait_for_followup(click)
    assert thanks["content"] == "Thank you, noted: no concerns." and thanks["flags"] & 64


async def test_interactions_a_failed_decision_says_so(world, harness, monkeypatch, caplog):
    runtime = await harness.start()

    def broken(event):
        raise RuntimeError("the database is down")

    monkeypatch.setattr(runtime.app.service, "handle", broken)
    ix = await world.api.slash_command(world.guild, world.general, world.bob, "groundrules")
    answer = await world.api.wait_for_callback(ix)
    assert (answer.content, answer.ephemeral) == ("Something went wrong. Please try again.", True)
    assert "deciding on CommandInvoked failed" in caplog.text


async def test_interactions_review_buttons_are_about_the_version_they_showed(world, harness):
    """Bob revises from the review message: it loses its buttons and says so. Carol's
    Retire from the same message, still on her screen, does not retire version 2, which
    nobody reviewed; a button posted before buttons named a version acts as before."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "agree",
        {"text": "We rotate on-call weekly because fairness"},
    )  # fmt: skip
    await world.api.wait_for_callback(ix)
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await runtime.tick_until_sent()
    [review] = [m for m in world.api.messages_in(world.general) if m["components"]]
    # The version shown, and when the review was asked (Unix seconds, base 36).
    assert [custom_id.rsplit(":", 1)[0] for _, custom_id in buttons(review)] == [
        "gr:review:1:keep:1", "gr:review:1:revise:1", "gr:review:1:retire:1",
    ]  # fmt: skip

    shown = copy.deepcopy(review["components"])
    click = await world.api.click_button(review, world.bob, label="Revise")
    modal = await world.api.wait_for_callback(click)
    await world.api.submit_modal(
        modal, {"lesson": "weekly is short", "text": "We rotate every two weeks", "why": "less"}
    )
    [revised] = await runtime.wait_for(ReviewDecided)
    assert revised.version == 1
    await eventually(lambda: world.api.message(review["id"])["components"] == [])
    closed = world.api.message(review["id"])
    assert (
        closed["content"].splitlines()[0]
        == "Time to review agreement #1. What has practice taught us?"
    )
    assert closed["content"].splitlines()[-1] == "Decided: Bob revised agreement #1."

    # Carol's click crossed the edit: her screen still showed the buttons.
    world.api.message(review["id"])["components"] = shown
    retire = next(b["custom_id"] for b in shown[0]["components"] if ":retire:" in b["custom_id"])
    stale = await world.api.component_interaction(review, world.carol, retire)
    await runtime.wait_for(ReviewDecided, count=2)
    answer = await world.api.wait_for_callback(stale)
    assert answer.ephemeral and answer.content == (
        "Agreement #1 was revised meanwhile (now version 2): We rotate every two weeks. This "
        "review was about an earlier version, so nothing is changed. /agreements shows the "
        "current one."
    )
    with Session(harness.app.database) as session:
        rows = session.exec(select(AgreementRow).order_by(AgreementRow.version)).all()
    assert [(a.version, a.status) for a in rows] == [(1, "revised"), (2, "current")]

    # A review message posted before buttons named their version acts on the current one.
    before = copy.deepcopy(shown)
    for button in before[0]["components"]:
        button["custom_id"] = re.sub(r":1:[0-9a-z]+~en$", "", button["custom_id"])
    world.api.message(review["id"])["components"] = before
    older = await world.api.component_interaction(review, world.carol, "gr:review:1:keep")
    await runtime.wait_for(ReviewDecided, count=3)
    kept = await world.api.wait_for_callback(older)
    assert kept.content.startswith("carol kept agreement #1, as it works.")


def _public(world) -> list[str]:
    """What everyone in #general reads from the bot (not its ephemeral answers)."""
    return [
        m["content"] for m in world.api.messages_in(world.general) if not m.get("flags", 0) & 64
    ]


def _agreement(world, number: int) -> AgreementView:
    return AgreementView(
        number=number, text=f"Rule {number}", why="it helps", owner=None,
        recorded_by=str(world.alice.id), consenters=(str(world.alice.id),), concerns=(),
        review_on=date(2026, 4, 1), version=1, replaces=None, status="current",
    )  # fmt: skip


async def test_interactions_review_answers_speak_the_language_the_message_was_shown_in(
    world, harness
):
    """A table with no language: an English review message, clicked from a Dutch client.
    What the table reads is English, as the message was; the form it opens too. A button
    posted before buttons named their language speaks the clicker's, as before."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    for number in (1, 2):
        await runtime.submit(
            CommandInvoked(
                workspace=workspace(world.guild), channel=str(world.general.id),
                at=datetime.now(UTC), event_id=f"agree-{number}", user=str(world.alice.id),
                name="agree", args=f"Rule {number} because it helps",
            ),
            platform="discord",
        )  # fmt: skip
    review = AnnounceReview(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        agreement=_agreement(world, 1),
    )  # fmt: skip
    message = world.api.message(await harness.adapter.deliver(review))
    assert all(custom_id.endswith("~en") for _, custom_id in buttons(message))

    before = len(_public(world))
    revise = await world.api.click_button(message, world.bob, label="Revise", locale="nl")
    modal = await world.api.wait_for_callback(revise)
    assert modal.data["title"] == "Revise agreement #1"  # the message's language
    await world.api.submit_modal(
        modal, {"lesson": "too vague", "text": "Rule 1, sharper", "why": "clearer"}, locale="nl"
    )
    [revised] = await runtime.wait_for(ReviewDecided)
    assert revised.lang == "en"
    await eventually(lambda: len(_public(world)) > before)
    assert _public(world)[before].startswith("Agreement revised by Bob.\nAgreement #1, version 2:")

    # Agreement #2's review message from before buttons named their language.
    old = AnnounceReview(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        agreement=_agreement(world, 2),
    )  # fmt: skip
    message = world.api.message(await harness.adapter.deliver(old))
    for button in message["components"][0]["components"]:
        button["custom_id"] = re.sub(r":1~en$", "", button["custom_id"])  # "gr:review:2:keep"
    before = len(_public(world))
    keep = await world.api.component_interaction(
        message, world.bob, "gr:review:2:keep", locale="nl"
    )
    [_, kept] = await runtime.wait_for(ReviewDecided, count=2)
    assert kept.lang == "nl"
    await world.api.wait_for_callback(keep)
    await eventually(lambda: len(_public(world)) > before)
    assert _public(world)[before].startswith("Bob heeft afspraak #2 behouden")


async def test_interactions_a_review_closed_after_a_language_change_speaks_the_message_language(
    world, harness
):
    """The review message was posted in English; the table chose Dutch before Bob kept
    it. The table hears the decision in Dutch, but the message's edit stays English, as
    the rest of the message is."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "agree",
        {"text": "We rotate on-call weekly because fairness"},
    )  # fmt: skip
    await world.api.wait_for_callback(ix)
    with Session(harness.app.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await runtime.tick_until_sent()
    [review] = [m for m in world.api.messages_in(world.general) if m["components"]]
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "table", {"text": "language nl"}
    )
    await world.api.wait_for_callback(ix)

    before = len(_public(world))
    click = await world.api.click_button(review, world.bob, label="Keep")
    await runtime.wait_for(ReviewDecided)
    await world.api.wait_for_callback(click)
    await eventually(lambda: world.api.message(review["id"])["components"] == [])
    lines = world.api.message(review["id"])["content"].splitlines()
    assert lines[0] == "Time to review agreement #1. What has practice taught us?"
    assert lines[-1] == "Decided: Bob kept agreement #1."
    await eventually(lambda: len(_public(world)) > before)
    assert any(text.startswith("Bob heeft afspraak #1 behouden") for text in _public(world))


async def test_interactions_keep_from_a_dutch_client_is_announced_in_the_messages_language(
    world, harness
):
    """Bob's client is Dutch; the review message, and the table, English."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await runtime.submit(
        CommandInvoked(
            workspace=workspace(world.guild), channel=str(world.general.id),
            at=datetime.now(UTC), event_id="agree-1", user=str(world.alice.id),
            name="agree", args="Rule 1 because it helps",
        ),
        platform="discord",
    )  # fmt: skip
    review = AnnounceReview(
        workspace=workspace(world.guild), channel=str(world.general.id), lang="en",
        agreement=_agreement(world, 1),
    )  # fmt: skip
    message = world.api.message(await harness.adapter.deliver(review))
    before = len(_public(world))
    keep = await world.api.click_button(message, world.bob, label="Keep", locale="nl")
    [kept] = await runtime.wait_for(ReviewDecided)
    assert kept.lang == "en"
    await world.api.wait_for_callback(keep)
    await eventually(lambda: len(_public(world)) > before)
    assert _public(world)[before].startswith("Bob kept agreement #1, as it works.")


async def test_interactions_record_as_agreement_on_the_bots_post_reads_words_as_typed(
    world, harness
):
    """The bot shows people's markdown as typed (backslashes Discord hides); recording its
    own post as an agreement reads their words without those backslashes."""
    from tests.discord.harness import dm_messages, post_problem

    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    modal = await world.api.wait_for_callback(
        await world.api.click_button(dm, world.alice, label="Add a proposal")
    )
    words = "run make_release from `main` on *Fridays* only"
    await world.api.submit_modal(modal, {"proposal": words})
    await runtime.wait_for(ProposalAdded)
    [posted] = [m for m in world.api.messages_in(world.general) if m["author"].get("bot")]
    assert words not in posted["content"]  # escaped, so shown as typed

    ix = await world.api.message_command(world.alice, "Record as agreement", posted)
    form = await world.api.wait_for_callback(ix)
    assert field_values(form)["text"].splitlines()[1] == f"> {words}"
