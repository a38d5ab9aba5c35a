"""Discord payloads to neutral events: recorded shapes, read through discord.py itself."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.discord import translate
from adapters.discord.custom_ids import NudgeChoice, Where
from adapters.discord.typed_names import form_owner
from rules.events import (
    AgreementSubmitted,
    EvaluationGiven,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
    ProposalAdded,
    RenewalAnswered,
)
from rules.i18n import render
from rules.say import Quote, Say
from tests.discord import payloads as p
from tests.discord.payloads import Parsed

WORKSPACE = f"discord:{p.GUILD}"


@pytest.fixture
def parsed() -> Parsed:
    return Parsed()


def test_translate_channel_message_is_posted_in_the_guilds_workspace(parsed):
    message = parsed.message(p.message())
    assert translate.message_posted(message) == MessagePosted(
        workspace=WORKSPACE,
        channel=str(p.GENERAL),
        at=message.created_at,  # the snowflake's time: when Discord made the message
        event_id=f"msg:{p.MESSAGE}",
        user=str(p.BOB),
        message_id=str(p.MESSAGE),
        text="the printer is jammed again",
        thread_id=None,
    )


def test_translate_thread_message_belongs_to_the_parent_channels_table(parsed):
    event = translate.message_posted(parsed.message(p.message(channel=p.THREAD)))
    assert event is not None
    assert (event.channel, event.thread_id) == (str(p.GENERAL), str(p.THREAD))


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"author": p.HELPER}, "another bot"),
        ({"author": p.BOT}, "the bot itself"),
        ({"webhook_id": "1220000000000000900"}, "a webhook"),
        ({"type": 7}, "a join notice"),
        ({"type": 6}, "a pin notice"),
        ({"type": 21}, "a thread starter"),
    ],
)
def test_translate_ignores_what_no_person_wrote(parsed, changes, why):
    assert translate.message_posted(parsed.message(p.message(**changes))) is None, why


def test_translate_reply_names_the_message_it_answers(parsed):
    reference = {"type": 0, "message_id": "1235000000000000000", "channel_id": str(p.GENERAL)}
    reply = p.message(type=19, message_reference=reference)
    event = translate.message_posted(parsed.message(reply))
    assert event is not None and event.reply_to == "1235000000000000000"
    edited = p.message(type=19, message_reference=reference, content="yes, agreed",
                       edited_timestamp="2026-03-02T09:20:00.000000+00:00")  # fmt: skip
    edit = translate.message_edited(parsed.message(edited))
    assert edit is not None and edit.reply_to == "1235000000000000000"


def test_translate_reply_to_a_deleted_message_still_names_it(parsed):
    """Discord keeps the reference (its message is gone): the engine finds nothing there."""
    reference = {"type": 0, "message_id": "1235000000000000000", "channel_id": str(p.GENERAL)}
    reply = p.message(type=19, message_reference=reference, referenced_message=None)
    event = translate.message_posted(parsed.message(reply))
    assert event is not None and event.reply_to == "1235000000000000000"


def test_translate_forward_answers_nothing(parsed):
    """A forwarded message names its original, maybe in another channel: no reply."""
    reference = {"type": 1, "message_id": "1235000000000000000", "channel_id": str(p.GENERAL)}
    forward = p.message(content="", message_reference=reference)
    event = translate.message_posted(parsed.message(forward))
    assert event is not None and event.reply_to is None
    plain = translate.message_posted(parsed.message(p.message()))
    assert plain is not None and plain.reply_to is None


def test_translate_direct_messages_are_not_a_table(parsed):
    dm = p.message(channel=1220000000000000999)
    del dm["guild_id"], dm["member"]
    assert translate.message_posted(parsed.message(dm)) is None


def test_translate_edit_with_an_edit_time_is_a_message_edited(parsed):
    edited = p.message(
        channel=p.THREAD, content="fixed it", edited_timestamp="2026-03-02T09:20:00.000000+00:00"
    )
    event = translate.message_edited(parsed.message(edited))
    assert isinstance(event, MessageEdited)
    assert (event.channel, event.thread_id, event.text) == (
        str(p.GENERAL),
        str(p.THREAD),
        "fixed it",
    )
    assert event.at == datetime(2026, 3, 2, 9, 20, tzinfo=UTC)
    assert event.event_id == f"edit:{p.MESSAGE}:2026-03-02T09:20:00+00:00"


def test_translate_update_without_edit_time_is_no_edit(parsed):
    # Discord also sends MESSAGE_UPDATE when a link preview arrives.
    assert translate.message_edited(parsed.message(p.message())) is None


def test_translate_member_joins_every_table_they_can_read(parsed):
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    alice, bob = parsed.member(p.ALICE), parsed.member(p.BOB)
    assert [e.channel for e in translate.members_joined(alice, at)] == [
        str(p.GENERAL), str(p.BOARDROOM),
    ]  # fmt: skip
    [joined] = translate.members_joined(bob, at)  # the boardroom is closed to bob
    assert (joined.workspace, joined.channel, joined.user) == (
        WORKSPACE,
        str(p.GENERAL),
        str(p.BOB),
    )
    assert [e.channel for e in translate.members_left(bob, at)] == [str(p.GENERAL)]
    assert translate.members_joined(parsed.member(p.HELPER), at) == []


def test_translate_roster_is_the_humans_who_can_read_the_channel(parsed):
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    general = translate.roster_synced(parsed.channel(p.GENERAL), at)
    boardroom = translate.roster_synced(parsed.channel(p.BOARDROOM), at)
    assert general.members == {str(p.ALICE), str(p.BOB)}
    assert boardroom.members == {str(p.ALICE)}
    assert general.event_id != boardroom.event_id


def test_translate_voice_and_stage_chats_are_tables_of_their_readers():
    """Not of those in the call (a voice channel's `members`): of all who can read."""
    parsed = Parsed(p.GUILD_WITH_CALLS)
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    sync = translate.roster_synced(parsed.channel(p.WEEKLY_SYNC), at)
    town_hall = translate.roster_synced(parsed.channel(p.TOWN_HALL), at)
    assert sync.members == {str(p.ALICE), str(p.BOB)}
    assert town_hall.members == {str(p.ALICE)}
    assert [e.channel for e in translate.members_joined(parsed.member(p.BOB), at)] == [
        str(p.GENERAL), str(p.WEEKLY_SYNC),
    ]  # fmt: skip
    for chat in (p.WEEKLY_SYNC, p.TOWN_HALL):
        event = translate.message_posted(parsed.message(p.message(channel=chat)))
        assert event is not None
        assert (event.channel, event.thread_id) == (str(chat), None)


def test_translate_origin_of_a_click_in_a_thread(parsed):
    click = parsed.interaction(p.interaction(channel=p.THREAD_PAYLOAD, locale="nl"))
    origin = translate.origin_of(click)
    assert origin is not None
    assert (origin.workspace, origin.channel, origin.thread_id, origin.user) == (
        WORKSPACE, str(p.GENERAL), str(p.THREAD), str(p.BOB),
    )  # fmt: skip
    assert origin.event_id == "ix:1235000000000000500"


def test_translate_origin_of_a_click_in_a_dm_comes_from_the_button(parsed):
    where = Where(p.GUILD, p.GENERAL, p.THREAD)
    click = parsed.interaction(p.interaction())
    origin = translate.origin_of(click, where)
    assert origin is not None
    assert (origin.channel, origin.thread_id) == (str(p.GENERAL), str(p.THREAD))


def test_translate_nudge_choices(parsed):
    origin = translate.origin_of(
        parsed.interaction(p.interaction()), Where(p.GUILD, p.GENERAL, p.THREAD)
    )
    assert origin is not None
    choice = NudgeChoice("add", Where(p.GUILD, p.GENERAL, p.THREAD), p.MESSAGE, p.BOB)
    added = translate.nudge_answered(origin, choice, "  let's pin the image ")
    assert isinstance(added, ProposalAdded)
    assert (added.problem_id, added.text) == (str(p.MESSAGE), "let's pin the image")
    dismissed = translate.nudge_answered(origin, choice.but("not"))
    assert isinstance(dismissed, MessageRelabelled)
    # No text: the engine takes it from the problem it kept.
    assert (dismissed.message_id, dismissed.text, dismissed.label, dismissed.applies) == (
        str(p.MESSAGE), "", "problem", False,
    )  # fmt: skip
    assert dismissed.thread_id == str(p.THREAD)
    assert isinstance(translate.nudge_answered(origin, choice.but("snooze")), NudgeSnoozed)


def test_translate_agreement_form(parsed):
    origin = translate.origin_of(parsed.interaction(p.interaction(channel=p.THREAD_PAYLOAD)))
    assert origin is not None
    values = {"text": "We deploy on Tuesdays", "why": "fewer surprises", "owner": "Alice",
              "review": "2099-05-01"}  # fmt: skip
    submitted = translate.agreement_submitted(origin, values, str(p.ALICE))
    assert isinstance(submitted, AgreementSubmitted)
    assert (submitted.owner, submitted.review_on, submitted.thread_id) == (
        str(p.ALICE), date(2099, 5, 1), str(p.THREAD),
    )  # fmt: skip
    # The words go along: the engine reads "morgen" on the table's own day.
    tomorrow = translate.agreement_submitted(origin, {**values, "review": "morgen"}, None)
    assert isinstance(tomorrow, AgreementSubmitted) and tomorrow.review_text == "morgen"
    unreadable = translate.agreement_submitted(origin, {**values, "review": "someday"}, None)
    assert isinstance(unreadable, Say) and dict(unreadable.params)["date"] == Quote("someday")
    example = dict(unreadable.params)["example"].value  # a date still ahead, shown as a day
    assert example.day == 1 and example > origin.at.date()
    # A date in numbers that reads month first only goes along too: the engine knows
    # whether the table may write it so (it was refused here as unreadable).
    month_first = translate.agreement_submitted(origin, {**values, "review": "05/13/2099"}, None)
    assert isinstance(month_first, AgreementSubmitted) and month_first.review_text == "05/13/2099"
    # A date read two ways ("next Friday" early in a week), or beside a weekday not its
    # own, goes along too: the engine asks which day is meant (it was refused here as
    # unreadable). A day past its month's end is told so.
    wrong_weekday = translate.agreement_submitted(
        origin, {**values, "review": "Monday 1 May 2099"}, None
    )
    assert isinstance(wrong_weekday, AgreementSubmitted)
    assert wrong_weekday.review_text == "Monday 1 May 2099"
    no_such_day = translate.agreement_submitted(origin, {**values, "review": "31 April 2099"}, None)
    assert isinstance(no_such_day, Say) and dict(no_such_day.params)["days"] == 30


def test_translate_renewal_buttons(parsed):
    origin = translate.origin_of(parsed.interaction(p.interaction()), Where(p.GUILD, p.GENERAL))
    assert origin is not None
    renewed = translate.renewal_answered(origin, "renewed", "m1")
    assert renewed == RenewalAnswered(
        workspace=WORKSPACE, channel=str(p.GENERAL), at=origin.at, event_id=origin.event_id,
        user=str(p.BOB), outcome="renewed", lang="en", meeting_id="m1",
    )  # fmt: skip
    assert translate.renewal_answered(origin, "check", "m1").outcome == "check"
    with pytest.raises(ValueError):
        translate.renewal_answered(origin, "maybe", "m1")


@pytest.mark.parametrize(
    ("values", "scores", "comment"),
    [
        ({"scores": "4 5 3 4 4 5 4 3 5"}, (4, 5, 3, 4, 4, 5, 4, 3, 5), None),
        ({"scores": "1,2,3,4,5,1,2,3,4", "comment": " too\n long "}, (1, 2, 3, 4, 5, 1, 2, 3, 4),
         "too long"),
        ({"scores": "5 5 5 5 5 5 5 5 5 great", "comment": ""}, (5,) * 9, "great"),
        ({"scores": "5 5 5 5 5 5 5 5 5 great", "comment": "fine"}, (5,) * 9, "fine"),
    ],
)  # fmt: skip
def test_translate_evaluation_form(parsed, values, scores, comment):
    origin = translate.origin_of(parsed.interaction(p.interaction()))
    assert origin is not None
    given = translate.evaluation_given(origin, values, "m1")
    assert isinstance(given, EvaluationGiven)
    assert (given.user, given.channel, given.scores, given.comment, given.meeting_id) == (
        str(p.BOB), str(p.GENERAL), scores, comment, "m1",
    )  # fmt: skip


@pytest.mark.parametrize("scores", ["", "five"])
def test_translate_evaluation_form_that_cannot_be_read(parsed, scores):
    origin = translate.origin_of(parsed.interaction(p.interaction()))
    assert origin is not None
    refused = translate.evaluation_given(origin, {"scores": scores, "comment": "ok"}, "m1")
    assert refused == Say.of("Give nine scores from 1 to 5, one for each value, in order.")


def test_translate_evaluation_form_names_the_scores_past_the_scale(parsed):
    origin = translate.origin_of(parsed.interaction(p.interaction()))
    assert origin is not None
    values = {"scores": "0 5 3 4 4 5 4 3 7", "comment": "ok"}
    refused = translate.evaluation_given(origin, values, "m1")
    assert render(refused, "en") == (
        "Scores go from 1 to 5, so I could not use these scores: 0 7. Give nine scores from 1 "
        "to 5, one for each value, in order."
    )


@pytest.mark.parametrize(
    ("scores", "count"), [("4 5 3", 3), ("4 5 3 4 4 5 4 3 5 4 ok", 10), ("4 5 3 4 4 5 4 3 five", 8)]
)
def test_translate_evaluation_form_with_a_miscount_says_what_it_read(parsed, scores, count):
    origin = translate.origin_of(parsed.interaction(p.interaction()))
    assert origin is not None
    refused = translate.evaluation_given(origin, {"scores": scores, "comment": "ok"}, "m1")
    assert render(refused, "en").startswith(f"I read {count} scores (")


@pytest.mark.parametrize(
    ("typed", "owner"),
    [
        ("", None),
        (f"<@{p.BOB}>", str(p.BOB)),
        ("bob", str(p.BOB)),
        ("@Bobby", str(p.BOB)),  # the global display name
        ("the ops team", "the ops team"),
        ("@helper", "@helper"),  # a bot is nobody's owner: kept as typed
    ],
)  # fmt: skip
def test_translate_form_owner_is_a_member_when_one_is_named(parsed, typed, owner):
    assert form_owner(typed, parsed.channel(p.GENERAL)) == owner


def test_translate_form_values_read_labels_and_action_rows():
    components = [
        {"type": 18, "component": {"type": 4, "custom_id": "text", "value": "We agree"}},
        {"type": 1, "components": [{"type": 4, "custom_id": "why", "value": "because"}]},
    ]
    assert translate.form_values(components) == {"text": "We agree", "why": "because"}


def test_translate_workspace_round_trip():
    assert translate.guild_of(translate.workspace_of(p.GUILD)) == p.GUILD
    with pytest.raises(ValueError):
        translate.guild_of("slack:T123")
