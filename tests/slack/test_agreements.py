"""Ground rule 5 and the TWO in Slack: /agree typed or in a modal, the message shortcut,
the shared grammar's Dutch aliases, and review buttons."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import aiohttp
import pytest
from sqlmodel import Session, select

from adapters.slack import ids
from bot.models import AgreementRow, PostedMessage, TimerRow, now_utc
from rules.actions import AgreementView, AnnounceReview, ReviewToOwner
from rules.events import AgreementSubmitted, CommandInvoked, ReviewDecided
from tests.slack.conftest import (
    BOB,
    CAROL,
    WORKSPACE,
    SlackBot,
    button,
    shown_text,
    start_bot,
)
from tests.standins.slack_requests import (
    CHANNEL_ID,
    USER_ID,
    block_actions,
    message_shortcut,
    view_submission,
)


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def agreement_form(metadata: str, *, what="We merge on green", why="fewer broken builds",
                   owner=None, role="", review=None) -> dict:  # fmt: skip
    values: dict = {"what": {"value": what}, "why": {"value": why}, "role": {"value": role}}
    values["owner"] = {"value": {"type": "users_select", "selected_user": owner}}
    values["review"] = {"value": {"type": "datepicker", "selected_date": review}}
    return view_submission("agreement_modal", values, private_metadata=metadata)


async def test_slack_agree_with_text_records_directly(bot: SlackBot):
    await bot.command(
        "/agree",
        "We share the minutes because everyone should know owner <@U-BOB> review in 6 weeks",
    )
    await bot.handled(CommandInvoked)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    text = shown_text(announced)
    assert announced.params["channel"] == CHANNEL_ID
    assert "Agreement recorded." in text
    assert "Agreement #1: We share the minutes" in text
    assert "Owner: Bob." in text and "<@" not in text


async def test_slack_agree_alone_opens_the_modal_and_validates_it(bot: SlackBot):
    command = await bot.command("/agree")
    assert command.body == ""
    [opened] = await bot.slack.wait_for("views.open")
    modal = opened.params["view"]
    assert modal["callback_id"] == "agreement_modal"
    assert {b["block_id"] for b in modal["blocks"]} == {"what", "why", "owner", "role", "review"}
    assert block(modal, "owner")["element"]["type"] == "users_select"
    assert block(modal, "review")["element"]["type"] == "datepicker"
    metadata = modal["private_metadata"]

    reply = await bot.interact(agreement_form(metadata, why="  "))
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"why": reply.json()["errors"]["why"]},
    }
    assert "why" in reply.json()["errors"]["why"].lower()

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    reply = await bot.interact(agreement_form(metadata, review=yesterday))
    assert reply.json()["errors"] == {"review": "The review date must be in the future."}

    review_on = date.today() + timedelta(days=30)
    reply = await bot.interact(agreement_form(metadata, owner=CAROL, review=review_on.isoformat()))
    assert (reply.status, reply.body) == (200, "")
    [submitted] = await bot.handled(AgreementSubmitted)
    assert (submitted.text, submitted.why, submitted.owner) == (
        "We merge on green", "fewer broken builds", CAROL,
    )  # fmt: skip
    assert submitted.review_on == review_on
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert "Owner: Carol Chen." in shown_text(announced)


async def test_slack_agreement_owned_by_a_role(bot: SlackBot):
    """The form's role field names a role: the agreement moves with it and /roles counts it."""
    for n, line in enumerate(("add captain runs the release", f"assign captain <@{BOB}>"), 1):
        await bot.command("/role", line)
        await bot.handled(CommandInvoked, n)
    for n, role in enumerate(("Captain", "role captain"), start=1):
        await bot.command("/agree")
        [*_, opened] = await bot.slack.wait_for("views.open", n)
        form = agreement_form(opened.params["view"]["private_metadata"], what=f"rule {n}",
                              role=role)  # fmt: skip
        await bot.interact(form)
        [*_, submitted] = await bot.handled(AgreementSubmitted, n)
        assert submitted.owner == "role:captain"
    await bot.command("/roles")
    await bot.handled(CommandInvoked, 3)
    [listed] = await bot.slack.wait_for("chat.postEphemeral")
    assert "captain: runs the release. Holder: Bob; owns 2 agreements." in shown_text(listed)
    with Session(bot.groundrules.database) as session:
        owners = [a.owner for a in session.exec(select(AgreementRow)).all()]
    assert owners == ["role:captain", "role:captain"]


async def test_slack_agreement_owned_by_a_role_nobody_added_keeps_the_form_open(bot: SlackBot):
    """The form stays open with the person's words, the role field saying why."""
    await bot.command("/agree")
    [opened] = await bot.slack.wait_for("views.open")
    form = agreement_form(opened.params["view"]["private_metadata"], role="release captain")
    reply = await bot.interact(form)
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"role": "There is no role release captain here; /roles lists them, /role add "
                           "creates one."},
    }  # fmt: skip
    await asyncio.sleep(0.2)  # nothing was submitted to the engine: nothing is said
    assert bot.calls("chat.postMessage") == bot.calls("chat.postEphemeral") == []
    with Session(bot.groundrules.database) as session:
        assert session.exec(select(AgreementRow)).all() == []


async def test_slack_agreement_form_whose_roles_read_too_slowly_is_refused_with_its_words(
    bot: SlackBot, monkeypatch
):
    """The ack could not read the roles in its second: the form closes, and the engine
    refuses the unknown role privately, quoting the words back; nothing is lost silently."""
    read_roles = bot.runtime.table_roles
    reads = []

    async def slow_first(workspace, channel):
        reads.append(channel)
        return None if len(reads) == 1 else await read_roles(workspace, channel)

    monkeypatch.setattr(bot.runtime, "table_roles", slow_first)
    await bot.command("/agree")
    [opened] = await bot.slack.wait_for("views.open")
    form = agreement_form(opened.params["view"]["private_metadata"], role="release captain")
    reply = await bot.interact(form)
    assert reply.status == 200 and not reply.body  # a plain ack: the form closed
    await bot.handled(AgreementSubmitted)
    [refused] = await bot.slack.wait_for("chat.postEphemeral")
    assert "There is no role release captain here" in shown_text(refused)
    assert "We merge on green" in shown_text(refused)  # the person's words, back to them
    with Session(bot.groundrules.database) as session:
        assert session.exec(select(AgreementRow)).all() == []


async def test_slack_message_shortcut_opens_the_modal_prefilled(bot: SlackBot):
    payload = message_shortcut(
        "record_agreement", message_text="We merge on green only <!channel>", message_user=BOB
    )
    reply = await bot.interact(payload)
    assert reply.status == 200

    [opened] = await bot.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == payload["trigger_id"]
    modal = opened.params["view"]
    assert modal["callback_id"] == "agreement_modal"
    assert block(modal, "what")["element"]["initial_value"] == "We merge on green only <!channel>"

    await bot.interact(agreement_form(modal["private_metadata"], what="We merge on green only"))
    [submitted] = await bot.handled(AgreementSubmitted)
    assert (submitted.channel, submitted.user) == (CHANNEL_ID, USER_ID)


async def test_slack_dutch_alias_through_groundrules(bot: SlackBot):
    await bot.command("/groundrules", "afspraak We ruimen op omdat het anders rommelig wordt")
    await bot.handled(CommandInvoked)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert "Afspraak #1" in shown_text(announced)

    await bot.command("/groundrules", "afspraak")  # alone: the form, in Dutch
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "Afspraak vastleggen"


async def test_slack_forms_open_in_the_tables_language(bot: SlackBot):
    """A table's /table language wins over the person's Slack locale and the command's
    name, for the forms as for the engine's answers."""
    await bot.command("/tafel", "taal nl")
    await bot.handled(CommandInvoked)
    await bot.interact(message_shortcut("record_agreement", message_text="Koffie om 10 uur"))
    await bot.command("/agree")
    opened = await bot.slack.wait_for("views.open", 2)
    assert [call.params["view"]["title"]["text"] for call in opened] == [
        "Afspraak vastleggen", "Afspraak vastleggen",
    ]  # fmt: skip

    await bot.command("/table", "language en")
    await bot.handled(CommandInvoked, 2)
    await bot.command("/afspraak")
    opened = await bot.slack.wait_for("views.open", 3)
    assert opened[-1].params["view"]["title"]["text"] == "Record an agreement"


async def test_slack_review_buttons_keep_and_revise(bot: SlackBot):
    review = AnnounceReview(
        workspace=WORKSPACE, channel=CHANNEL_ID, lang="en",
        agreement=AgreementView(
            number=3, text="We stand up at 9", why="short days", owner=BOB,
            recorded_by=USER_ID, consenters=(USER_ID, BOB), concerns=(),
            review_on=date.today(), version=1, replaces=None, status="current",
        ),
    )  # fmt: skip
    ts = await bot.adapter.deliver(review)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert posted.params.get("ts") is None and ts
    assert "Time to review agreement #3" in shown_text(posted)

    keep = block_actions("review_keep", value=button(posted, "review_keep")["value"], message_ts=ts)
    await bot.interact(keep)
    [decided] = await bot.handled(ReviewDecided)
    assert (decided.number, decided.decision, decided.channel) == (3, "keep", CHANNEL_ID)

    revise = block_actions("review_revise", value=button(posted, "review_revise")["value"])
    await bot.interact(revise)
    [opened] = await bot.slack.wait_for("views.open")
    modal = opened.params["view"]
    assert modal["callback_id"] == "revise_modal"
    assert block(modal, "new_text")["element"]["initial_value"] == "We stand up at 9"
    metadata = modal["private_metadata"]

    values = {"lesson": {"value": "9 is too early"}, "new_text": {"value": "We stand up at 10"},
              "why": {"value": ""}}  # fmt: skip
    reply = await bot.interact(view_submission("revise_modal", values, private_metadata=metadata))
    assert set(reply.json()["errors"]) == {"why"}

    values["why"] = {"value": "people travel"}
    await bot.interact(view_submission("revise_modal", values, private_metadata=metadata))
    decisions = await bot.handled(ReviewDecided, 2)
    revised = decisions[-1]
    assert (revised.decision, revised.lesson, revised.new_text, revised.why) == (
        "revise", "9 is too early", "We stand up at 10", "people travel",
    )  # fmt: skip


async def test_slack_usage_and_help_send_their_angle_brackets_escaped(bot: SlackBot):
    """The bot's own "<what we agree>" is text to show: sent raw, Slack would read it as
    a control sequence and swallow it."""
    commands = [
        ("/groundrules", ""), ("/spelregels", ""), ("/concern", ""), ("/zorgen", ""),
        ("/agree", "help"), ("/mandate", "check"), ("/role", "x"), ("/report", "since x"),
    ]  # fmt: skip
    for command, text in commands:
        await bot.command(command, text)
    await bot.handled(CommandInvoked, len(commands))
    texts = [shown_text(call) for call in bot.slack.calls if call.method.startswith("chat.")]
    raw = [re.findall(r"<(?![#@!]|https?:|mailto:)[^>]*>", text) for text in texts]
    assert not any(raw), raw
    everything = "\n".join(texts)
    assert "/agree &lt;what we agree&gt; because &lt;why&gt;" in everything
    # and in Dutch, through /groundrules: the English manifest has no /zorgen
    assert "/groundrules zorgen &lt;voorstel&gt;" in everything
    assert "&amp;lt;" not in everything  # escaped once


LONG_RULE = ('We rotate the on-call "duty" weekly & <fairly>, ' * 60)[:1990].strip() + " END."


async def test_slack_revise_is_prefilled_with_the_whole_stored_text(bot: SlackBot):
    """A button value holds 2,000 characters, quotes and all escaped: the Revise form
    reads the agreement from storage, not the start of it the button could carry."""
    await bot.command("/agree", f"{LONG_RULE} because fairness")
    await bot.handled(CommandInvoked)
    stored = await bot.adapter.agreement_text(WORKSPACE, CHANNEL_ID, 1)
    assert stored is not None and stored.endswith("END.") and len(stored) > 1900

    review = AnnounceReview(
        workspace=WORKSPACE, channel=CHANNEL_ID, lang="en",
        agreement=AgreementView(
            number=1, text=stored, why="fairness", owner=USER_ID, recorded_by=USER_ID,
            consenters=(USER_ID,), concerns=(), review_on=date.today(), version=1,
            replaces=None, status="current",
        ),
    )  # fmt: skip
    await bot.adapter.deliver(review)
    posted = (await bot.slack.wait_for("chat.postMessage", 2))[-1]
    value = button(posted, "review_revise")["value"]
    assert len(value) <= 2000
    await bot.interact(block_actions("review_revise", value=value))
    [opened] = await bot.slack.wait_for("views.open")
    modal = opened.params["view"]
    assert block(modal, "new_text")["element"]["initial_value"] == stored
    assert "its end is missing" not in shown_text(opened)


async def test_slack_a_cut_prefill_says_so(bot: SlackBot):
    """Where the whole text cannot be looked up (a round's proposal behind "Record as
    agreement", an agreement no longer stored), a shortened prefill is marked and said."""
    value = ids.pack_whole_text(LONG_RULE, c=CHANNEL_ID, r="r1", l="nl")
    fields = ids.unpack(value)
    assert fields["s"] == 1 and len(fields["x"]) < len(LONG_RULE)
    await bot.interact(block_actions("round_record", value=value))
    [opened] = await bot.slack.wait_for("views.open")
    initial = block(opened.params["view"], "what")["element"]["initial_value"]
    assert initial.endswith("…") and LONG_RULE.startswith(initial[:-1].rstrip())
    assert "het einde ontbreekt" in shown_text(opened)

    short = ids.pack_whole_text("We pair on releases", c=CHANNEL_ID, r="r2", l="en")
    assert "s" not in ids.unpack(short)
    await bot.interact(block_actions("round_record", value=short))
    opened = (await bot.slack.wait_for("views.open", 2))[-1]
    assert block(opened.params["view"], "what")["element"]["initial_value"] == (
        "We pair on releases"
    )
    assert "its end is missing" not in shown_text(opened)

    unstored = ids.pack_whole_text(LONG_RULE, c=CHANNEL_ID, n=42, l="en")
    await bot.interact(block_actions("review_revise", value=unstored))
    opened = (await bot.slack.wait_for("views.open", 3))[-1]
    assert "its end is missing" in shown_text(opened)
    assert block(opened.params["view"], "new_text")["element"]["initial_value"].endswith("…")


async def test_slack_a_command_the_bot_does_not_know_is_answered_in_its_language(bot: SlackBot):
    """An app configured from an older or edited manifest may send a name the grammar
    lacks: answered privately, in the language of the command it resembles."""
    reply = await bot.command("/afsprak", "We ruimen op omdat het anders rommelig wordt")
    assert reply.status == 200
    await bot.command("/agre", "we merge on green because fewer broken builds")
    await bot.handled(CommandInvoked, 2)
    answers = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert {answer.params["user"] for answer in answers} == {USER_ID}
    [dutch] = [answer for answer in answers if "/afsprak ken" in shown_text(answer)]
    [english] = [answer for answer in answers if "/agre." in shown_text(answer)]
    # The app has the English names (manifest.yml): the Dutch one is reached through
    # /groundrules, in the suggestion as in the usage.
    assert shown_text(dutch).startswith(
        "Het commando /afsprak ken ik niet. Bedoel je /groundrules afspraak?"
    )
    assert "Gebruik: /groundrules afspraak &lt;wat we afspreken&gt; omdat" in shown_text(dutch)
    assert shown_text(english).startswith("I do not know the command /agre. Did you mean /agree?")
    assert not bot.calls("chat.postMessage")  # nothing recorded, nothing said in public


async def test_slack_the_same_agreement_from_two_forms_is_recorded_once(bot: SlackBot):
    """Two people fill in the form for one consensus (two modals, two views): the second
    is told privately which agreement it already is."""
    await bot.command("/agree")
    [opened] = await bot.slack.wait_for("views.open")
    metadata = opened.params["view"]["private_metadata"]
    await bot.interact(agreement_form(metadata, what="We merge on green"))
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert "Agreement #1: We merge on green" in shown_text(announced)
    second = agreement_form(metadata, what="we merge on  “green”.", why="it is calmer")
    second["view"]["id"] = "V-second"  # another person's modal
    second["user"]["id"] = BOB
    await bot.interact(second)
    await bot.handled(AgreementSubmitted, 2)
    [told] = await bot.slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == BOB
    assert shown_text(told).startswith("This is already agreement #1, recorded on")
    assert "/review revise 1 &lt;new text&gt; because &lt;why&gt;" in shown_text(told)
    assert len(bot.calls("chat.postMessage")) == 1


async def test_slack_dutch_form_and_buttons_answer_in_dutch(bot: SlackBot):
    """No table language set: the Dutch form (/afspraak alone) records a Dutch agreement,
    and its review's Dutch buttons and revision form answer in Dutch and keep it Dutch."""
    await bot.command("/afspraak")
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "Afspraak vastleggen"
    await bot.interact(
        agreement_form(opened.params["view"]["private_metadata"], what="We ruimen op",
                       why="het is anders een rommeltje")
    )  # fmt: skip
    await bot.handled(AgreementSubmitted)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    assert "Afspraak vastgelegd" in shown_text(announced)

    stored = AgreementView(
        number=1, text="We ruimen op", why="het is anders een rommeltje", owner=USER_ID,
        recorded_by=USER_ID, consenters=(USER_ID,), concerns=(), review_on=date.today(),
        version=1, replaces=None, status="current",
    )  # fmt: skip
    review = AnnounceReview(workspace=WORKSPACE, channel=CHANNEL_ID, lang="nl", agreement=stored)
    await bot.adapter.deliver(review)
    posted = bot.calls("chat.postMessage")[-1]
    await bot.interact(
        block_actions("review_revise", value=button(posted, "review_revise")["value"])
    )
    opened = (await bot.slack.wait_for("views.open", 2))[-1]
    values = {"lesson": {"value": "niemand deed het"},
              "new_text": {"value": "We ruimen vrijdag op"},
              "why": {"value": "dan is iedereen er"}}  # fmt: skip
    metadata = opened.params["view"]["private_metadata"]
    await bot.interact(view_submission("revise_modal", values, private_metadata=metadata))
    await bot.handled(ReviewDecided)
    await bot.slack.wait_for("chat.postMessage", where=lambda p: "Afspraak #1, versie 2" in str(p))
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(AgreementRow).order_by(AgreementRow.version)).all()
    assert [(row.version, row.lang) for row in rows] == [(1, "nl"), (2, "nl")]

    # The next review's "Behouden": answered in Dutch too.
    again = replace(stored, text="We ruimen vrijdag op", version=2, replaces=1)
    await bot.adapter.deliver(replace(review, agreement=again))
    posted = bot.calls("chat.postMessage")[-1]
    await bot.interact(block_actions("review_keep", value=button(posted, "review_keep")["value"]))
    await bot.handled(ReviewDecided, 2)
    await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: "Alice heeft afspraak #1 behouden" in str(p)
    )


async def test_slack_review_buttons_are_about_the_version_they_showed(bot: SlackBot):
    """Bob revises from the review message, which then shows the decision instead of
    buttons; Carol's Retire from the same message (her click crossed the update) does
    not retire version 2, which nobody reviewed."""
    await bot.command("/agree", "We stand up at 9 because short days")
    await bot.handled(CommandInvoked)
    with Session(bot.groundrules.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await bot.tick()
    [posted] = [
        c for c in await bot.slack.wait_for("chat.postMessage", 2)
        if "Time to review" in shown_text(c)
    ]  # fmt: skip
    assert ids.unpack(button(posted, "review_retire")["value"])["v"] == 1

    value = button(posted, "review_revise")["value"]
    await bot.interact(block_actions("review_revise", value=value, user_id=BOB))
    [opened] = await bot.slack.wait_for("views.open")
    values = {"lesson": {"value": "9 is too early"}, "new_text": {"value": "We stand up at 10"},
              "why": {"value": "people travel"}}  # fmt: skip
    metadata = opened.params["view"]["private_metadata"]
    await bot.interact(view_submission("revise_modal", values, private_metadata=metadata,
                                       user_id=BOB))  # fmt: skip
    [revised] = await bot.handled(ReviewDecided)
    assert revised.version == 1
    [update] = await bot.slack.wait_for("chat.update")
    review_ts = await bot.runtime.message_ref(WORKSPACE, "review:1:1")
    assert review_ts and update.params["ts"] == review_ts
    assert all(b["type"] != "actions" for b in update.params["blocks"])
    assert shown_text(update).endswith("Decided: Bob revised agreement #1.")
    assert "<@" not in shown_text(update)

    value = button(posted, "review_retire")["value"]
    await bot.interact(block_actions("review_retire", value=value, user_id=CAROL))
    await bot.handled(ReviewDecided, 2)
    [refused] = await bot.slack.wait_for(
        "chat.postEphemeral", where=lambda p: "revised meanwhile" in p["text"]
    )
    assert refused.params["user"] == CAROL
    assert "(now version 2): We stand up at 10." in refused.params["text"]
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(AgreementRow).order_by(AgreementRow.version)).all()
    assert [(a.version, a.status) for a in rows] == [(1, "revised"), (2, "current")]


async def _due_review_message(bot: SlackBot):
    await bot.command("/agree", "We stand up at 9 because short days")
    await bot.handled(CommandInvoked)
    with Session(bot.groundrules.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        timer.due = datetime(2000, 1, 1, tzinfo=UTC)
        session.add(timer)
        session.commit()
    await bot.tick()
    [posted] = [
        c for c in await bot.slack.wait_for("chat.postMessage", 2)
        if "Time to review" in shown_text(c)
    ]  # fmt: skip
    return posted


async def test_slack_a_review_click_that_crossed_a_keep_is_refused(bot: SlackBot):
    """Bob keeps; Carol's Retire on the same message (her click crossed the update) does
    not retire what the table just kept: she is told, privately, who decided."""
    posted = await _due_review_message(bot)
    keep, retire = (button(posted, f"review_{d}")["value"] for d in ("keep", "retire"))
    await bot.interact(block_actions("review_keep", value=keep, user_id=BOB))
    await bot.handled(ReviewDecided)
    await bot.slack.wait_for("chat.update")
    await bot.interact(block_actions("review_retire", value=retire, user_id=CAROL))
    await bot.handled(ReviewDecided, 2)
    [refused] = await bot.slack.wait_for(
        "chat.postEphemeral", where=lambda p: "Already decided" in p["text"]
    )
    assert refused.params["user"] == CAROL
    assert refused.params["text"].startswith("Already decided: Bob kept agreement #1 on ")
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(AgreementRow)).all()
    assert [(a.version, a.status) for a in rows] == [(1, "current")]
    assert len([c for c in bot.slack.calls if c.method == "chat.update"]) == 1


async def test_slack_a_review_message_posted_before_versions_loses_its_buttons(bot: SlackBot):
    """Review messages posted before they were remembered by version (under
    "review:<number>") are closed by a decision too."""
    await _due_review_message(bot)
    with Session(bot.groundrules.database) as session:
        remembered = session.get(PostedMessage, (WORKSPACE, "review:1:1"))
        ts = remembered.ref
        session.add(replace_row(remembered, key="review:1"))
        session.delete(remembered)
        session.commit()
    await bot.command("/review", "keep 1")
    await bot.handled(CommandInvoked, 2)
    [update] = await bot.slack.wait_for("chat.update")
    assert update.params["ts"] == ts
    assert shown_text(update).endswith("Decided: Alice kept agreement #1.")


def replace_row(row: PostedMessage, **changes) -> PostedMessage:
    return PostedMessage(**{**row.model_dump(), **changes})


async def test_slack_a_review_closed_after_a_language_change_speaks_the_message_language(
    bot: SlackBot,
):
    """The review message was posted in English; the table chose Dutch before Bob kept
    it. The table hears the decision in Dutch, but the message's edit stays English, as
    the rest of the message is."""
    posted = await _due_review_message(bot)
    await bot.command("/table", "language nl")
    await bot.handled(CommandInvoked, 2)
    keep = button(posted, "review_keep")["value"]
    await bot.interact(block_actions("review_keep", value=keep, user_id=BOB))
    await bot.handled(ReviewDecided)
    [update] = await bot.slack.wait_for("chat.update")
    assert shown_text(update).startswith("Time to review agreement #1.")
    assert shown_text(update).endswith("Decided: Bob kept agreement #1.")
    await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: "Bob heeft afspraak #1 behouden" in str(p)
    )


@pytest.mark.postgres
async def test_slack_a_keep_decided_while_another_process_posts_the_review_closes_it(
    slack, postgres_url
):
    """Two processes on one database: one's ticker asks for the review; Alice's /review
    keep reaches the other, whose edit finds no review message yet (the first has not
    posted it). Posted after all, the message is closed at once, instead of keeping
    buttons that could only say "Already decided"."""
    async with aiohttp.ClientSession() as http:
        bots = [SlackBot(slack, *await start_bot(slack, postgres_url), http) for _ in range(2)]
        keeper, ticker = bots
        try:
            await keeper.command("/agree", "We stand up at 9 because short days")
            await keeper.handled(CommandInvoked)
            with Session(keeper.groundrules.database) as session:
                [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
                timer.due = datetime(2000, 1, 1, tzinfo=UTC)
                session.add(timer)
                session.commit()
            asked = ticker.groundrules.service.fire_due_timers(now_utc())
            # the review at the table, and a word to Alice, its owner, by DM
            assert [type(d.action) for d in asked] == [AnnounceReview, ReviewToOwner]

            await keeper.command("/review", "keep 1")
            await keeper.handled(CommandInvoked, 2)
            await slack.wait_for("chat.postMessage", where=lambda p: "kept agreement #1" in str(p))
            assert slack.calls_to("chat.update") == []  # nothing to edit yet

            await ticker.runtime.deliver_all(asked)
            [update] = await slack.wait_for("chat.update")
            assert update.params["ts"] == await ticker.runtime.message_ref(WORKSPACE, "review:1:1")
            assert all(b["type"] != "actions" for b in update.params["blocks"])
            assert shown_text(update).endswith("Decided: Alice kept agreement #1.")
        finally:
            for each in bots:
                await each.adapter.stop()
                each.groundrules.database.dispose()


async def test_slack_message_shortcut_on_the_bots_post_reads_peoples_words_as_typed(
    bot: SlackBot,
):
    """The bot shows *, _, ~ and ` in people's words by look-alikes; recording its own
    post ("Proposal from Alice:") as an agreement reads them back as typed."""
    from tests.slack.test_nudge import proposed_with_the_form
    from tests.standins.slack_api import BOT_USER_ID

    words = "run make_release from `main` on *Fridays* only"
    await proposed_with_the_form(bot, words)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert words not in posted.params["text"]  # shown by look-alikes
    shortcut = message_shortcut(
        "record_agreement", message_text=posted.params["text"], message_user=BOT_USER_ID
    )
    await bot.interact(shortcut)
    opened = (await bot.slack.wait_for("views.open", count=2))[-1]  # first: the nudge's form
    what = next(b for b in opened.params["view"]["blocks"] if b.get("block_id") == "what")
    assert what["element"]["initial_value"] == f"Proposal from Alice:\n> {words}"
