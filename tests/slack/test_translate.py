"""Slack payloads to neutral events, on recorded payload shapes (no Bolt, no network)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.slack import ids
from adapters.slack.translate import (
    Invalid,
    agreement_form,
    channel_id_changed,
    click_fields,
    clicked_in,
    command_target,
    concern_click,
    evaluation_form,
    form_values,
    happened_by,
    leading_mention,
    member_event,
    mention_command,
    mentions,
    message_event,
    moment,
    nudge_click,
    proposal_form,
    renewal_click,
    review_click,
    revise_form,
    slash_command,
    team_of,
    thread_of,
    unescape,
    workspace_id,
)
from rules.events import (
    ChannelIdChanged,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
    RenewalAnswered,
)
from tests.standins import slack_requests as shapes

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
W = "slack:T-TEST"


def post(event: dict, **options) -> MessagePosted | MessageEdited | MessageDeleted | None:
    return message_event(
        event, workspace=W, event_id="Ev1", bot_user_id="U-BOT", now=NOW, **options
    )


# --- where and when ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team", "enterprise", "workspace"),
    [
        ("T1", None, "slack:T1"),
        ("T1", "E9", "slack:E9:T1"),
        (None, "E9", "slack:E9:"),
    ],
)
def test_translate_workspace_ids_round_trip(team, enterprise, workspace):
    assert workspace_id(team_id=team, enterprise_id=enterprise) == workspace
    assert team_of(workspace) == (enterprise, team)


def test_translate_moment_reads_slack_timestamps():
    assert moment("1700000000.000100") == datetime(2023, 11, 14, 22, 13, 20, 100, tzinfo=UTC)
    assert moment(None) is None and moment("soon") is None


def test_translate_thread_of_a_reply_a_parent_and_a_top_level_message():
    assert thread_of({"ts": "2.0", "thread_ts": "1.0"}) == "1.0"
    assert thread_of({"ts": "1.0", "thread_ts": "1.0"}) is None  # the parent itself
    assert thread_of({"ts": "1.0"}) is None


def test_translate_unescape_restores_what_was_typed_and_keeps_markup():
    assert unescape("R&amp;D: a &lt; b &gt; c, <@U1> &amp;lt;") == "R&D: a < b > c, <@U1> &lt;"


# --- messages -----------------------------------------------------------------------------


def test_translate_channel_message():
    event = shapes.message_event("the printer &amp; the scanner are down", ts="1700000000.000100")
    said = post(event)
    assert said == MessagePosted(
        workspace=W, channel="C-GENERAL", at=moment("1700000000.000100"), event_id="Ev1",
        user="U-ALICE", message_id="1700000000.000100",
        text="the printer & the scanner are down", thread_id=None,
    )  # fmt: skip


def test_translate_thread_reply_and_broadcast():
    reply = post(shapes.message_event("yes", ts="2.0", thread_ts="1.0"))
    assert reply is not None and reply.thread_id == "1.0"
    broadcast = post(shapes.message_event("also here", ts="3.0", thread_ts="1.0",
                                          subtype="thread_broadcast"))  # fmt: skip
    assert broadcast is not None and broadcast.thread_id == "1.0"


@pytest.mark.parametrize(
    "extra",
    [
        {"subtype": "bot_message", "bot_id": "B-OTHER"},
        {"bot_id": "B-BOT", "user": "U-BOT"},
        {"user": "U-BOT"},
        {"subtype": "channel_join"},
        {"subtype": "channel_topic"},
        {"channel_type": "im", "channel": "D1"},
        {"channel_type": "mpim", "channel": "G1"},
    ],
    ids=["other-bot", "own-bot-id", "own-user", "join", "topic", "dm", "group-dm"],
)
def test_translate_ignores_what_is_not_a_person_speaking_in_a_channel(extra):
    assert post(shapes.message_event("#problem something", **extra)) is None


def test_translate_private_channel_counts():
    assert post(shapes.message_event("hi", channel="G-PRIVATE", channel_type="group")) is not None


def edited(new_text: str, old_text: str = "the build is broken", **message) -> dict:
    """A message_changed event as Slack sends it (hidden, with both versions)."""
    return {
        "type": "message", "subtype": "message_changed", "hidden": True,
        "channel": "C-GENERAL", "channel_type": "channel",
        "ts": "1700000100.000200", "event_ts": "1700000100.000200",
        "message": {"type": "message", "user": "U-ALICE", "text": new_text,
                    "ts": "1700000000.000100",
                    "edited": {"user": "U-ALICE", "ts": "1700000100.000000"}, **message},
        "previous_message": {"type": "message", "user": "U-ALICE", "text": old_text,
                             "ts": "1700000000.000100"},
    }  # fmt: skip


def test_translate_message_changed_is_an_edit_of_the_original():
    change = post(edited("the build is fine now"))
    assert isinstance(change, MessageEdited)
    assert (change.message_id, change.text) == ("1700000000.000100", "the build is fine now")
    assert change.at == moment("1700000100.000000")


def test_translate_message_changed_without_new_words_is_ignored():
    assert post(edited("the build is broken")) is None  # e.g. a link unfurled
    assert post(edited("x", bot_id="B-BOT")) is None


def deleted(ts: str = "1700000000.000100", **previous) -> dict:
    """A message_deleted event as Slack sends it (hidden, with what was deleted)."""
    return {
        "type": "message", "subtype": "message_deleted", "hidden": True,
        "channel": "C-GENERAL", "channel_type": "channel", "ts": "1700000200.000300",
        "deleted_ts": ts, "event_ts": "1700000200.000300",
        "previous_message": {"type": "message", "user": "U-ALICE",
                             "text": "#problem the build is broken", "ts": ts, **previous},
    }  # fmt: skip


def test_translate_message_deleted_withdraws_the_message():
    gone = post(deleted())
    assert isinstance(gone, MessageDeleted)
    assert (gone.workspace, gone.channel, gone.event_id) == (W, "C-GENERAL", "Ev1")
    assert (gone.message_id, gone.thread_id) == ("1700000000.000100", None)
    assert gone.at == moment("1700000200.000300")

    reply = post(deleted("1700000000.000500", thread_ts="1700000000.000100"))
    assert isinstance(reply, MessageDeleted)
    assert (reply.message_id, reply.thread_id) == ("1700000000.000500", "1700000000.000100")

    # Without previous_message (Slack leaves it out for old messages) deleted_ts is enough.
    bare = deleted() | {"previous_message": None}
    assert post(bare) == gone

    # A thread parent deleted while it has replies stays behind as a tombstone.
    tombstone = post(edited("This message was deleted.", subtype="tombstone", user="USLACKBOT"))
    assert isinstance(tombstone, MessageDeleted)
    assert (tombstone.message_id, tombstone.thread_id) == ("1700000000.000100", None)


def test_translate_message_deleted_ignores_the_bots_own_and_other_places():
    assert post(deleted(user="U-BOT")) is None
    assert post(deleted(bot_id="B-OTHER", user=None)) is None
    assert post(deleted() | {"channel_type": "im", "channel": "D1"}) is None
    assert post(deleted() | {"deleted_ts": None, "previous_message": None}) is None


# --- members, mentions, commands --------------------------------------------------------------


def test_translate_member_joined_and_left():
    joined = {"type": "member_joined_channel", "user": "U-BOB", "channel": "C-GENERAL",
              "channel_type": "C", "team": "T-TEST", "inviter": "U-ALICE",
              "event_ts": "1700000000.000300"}  # fmt: skip
    change = member_event(joined, workspace=W, event_id="Ev2", now=NOW)
    at = moment("1700000000.000300")
    assert change == MemberJoined(
        workspace=W, channel="C-GENERAL", at=at, event_id="Ev2", user="U-BOB"
    )
    left = dict(joined, type="member_left_channel")
    assert isinstance(member_event(left, workspace=W, event_id="Ev3", now=NOW), MemberLeft)


def test_translate_mention_is_the_command_grammar():
    event = shapes.app_mention_event("<@U-BOT> agree We ship on Fridays because &lt;reasons&gt;",
                                     ts="5.0", thread_ts="4.0")  # fmt: skip
    command = mention_command(event, workspace=W, event_id="Ev4", bot_user_id="U-BOT", now=NOW)
    assert command is not None
    assert (command.name, command.args) == (
        "groundrules",
        "agree We ship on Fridays because <reasons>",
    )
    assert command.thread_id == "4.0"
    bare = shapes.app_mention_event("<@U-BOT|groundrules>")
    command = mention_command(bare, workspace=W, event_id="Ev5", bot_user_id="U-BOT", now=NOW)
    assert command is not None and command.args == ""


def test_translate_mention_of_the_apps_bot_in_another_organisation():
    """A channel two organisations share has the app's bot user of each; Slack may
    deliver a mention of one through the other's installation."""
    event = shapes.app_mention_event("<@U-BOT-A> agree pickups at 4 because the courier asked")
    assert leading_mention(event["text"]) == "U-BOT-A"
    command = mention_command(event, workspace=W, event_id="Ev6", bot_user_id="U-BOT-B",
                              now=NOW, app_bots=("U-BOT-A",))  # fmt: skip
    assert command is not None and command.args == "agree pickups at 4 because the courier asked"
    assert leading_mention("agree <@U-BOB>") is None


@pytest.mark.parametrize(
    ("text", "app_bots", "chat"),
    [
        ("<@U-BOT> agree We ship on Fridays because the pipeline fails", (), False),
        ("  <@U-BOT|groundrules> concerns move the standup", (), False),
        ("<@U-BOT-A> agree pickups at 4", ("U-BOT-A",), False),  # another organisation's
        ("<@U-BOT-A> agree pickups at 4", (), True),  # a person, as far as anyone knows
        ("<@U-BOB> the pipeline fails again", (), True),
        ("the pipeline fails again, ask <@U-BOT>", (), True),
    ],
)  # fmt: skip
def test_translate_a_message_opening_with_a_mention_of_the_bot_is_a_command(text, app_bots, chat):
    """Slack sends "@Groundrules …" as a message and as an app_mention (the command):
    the message is no chat line, nor its edit."""
    assert (post(shapes.message_event(text), app_bots=app_bots) is not None) is chat
    assert (post(edited(text), app_bots=app_bots) is not None) is chat


def test_translate_an_edited_mention_is_a_command_not_to_run_again():
    """Slack sends app_mention again, as a new event, when its message is edited."""
    typed = shapes.app_mention_event("<@U-BOT> agree We pair on relaeses", ts="5.0")
    fixed = typed | {"text": "<@U-BOT> agree We pair on releases",
                     "edited": {"user": "U-ALICE", "ts": "6.0"}}  # fmt: skip
    first, again = (
        mention_command(e, workspace=W, event_id=f"Ev{n}", bot_user_id="U-BOT", now=NOW)
        for n, e in enumerate((typed, fixed))
    )
    assert first is not None and not first.edited
    assert again is not None and again.edited


@pytest.mark.parametrize(
    ("text", "user", "expected"),
    [
        ("<@U-BOT-A> agree x", "U-BOT-B", False),
        ("<@U-BOB> <@U-BOT-B> agree x", "U-BOT-B", True),
        ("thanks <@U-BOT-B|groundrules>", "U-BOT-B", True),
        ("<@U-BOT-BB> hi", "U-BOT-B", False),
        ("<@U-BOT-B> hi", None, False),
        (None, "U-BOT-B", False),
    ],
)
def test_translate_mentions(text, user, expected):
    assert mentions(text, user) is expected


def test_translate_slash_command():
    fields = shapes.slash_command("/agree", "We pair &amp; review because quality",
                                  trigger_id="111.222.abc")  # fmt: skip
    command = slash_command(fields, workspace=W, now=NOW)
    assert (command.name, command.args, command.event_id) == (
        "agree", "We pair & review because quality", "111.222.abc",
    )  # fmt: skip
    assert (command.channel, command.user, command.at) == ("C-GENERAL", "U-ALICE", NOW)


@pytest.mark.parametrize(
    ("name", "args", "target"),
    [
        ("agree", "", ("agree", "", None)),  # an English name alone: the member's language
        ("afspraak", "", ("agree", "", "nl")),
        ("groundrules", "afspraak", ("agree", "", "nl")),
        ("groundrules", "afspraak We X omdat Y", ("agree", "We X omdat Y", "nl")),
        ("groundrules", "ronde we try it", ("concerns", "we try it", "nl")),  # few words
        ("groundrules", "ronde we try it for a week", ("concerns", "we try it for a week", "en")),
        ("groundrules", "help", ("groundrules", "help", None)),  # the member's language answers
        ("concerns", "we try it for a week", ("concerns", "we try it for a week", "en")),
        ("concerns", "zullen we het proberen", ("concerns", "zullen we het proberen", "nl")),
    ],
)
def test_translate_command_target_follows_the_shared_grammar(name, args, target):
    found = command_target(name, args)
    assert found is not None and (found.name, found.args, found.lang) == target


# --- buttons -------------------------------------------------------------------------------


def test_translate_nudge_buttons():
    value = ids.pack(c="C-GENERAL", p="1.0", t=None, l="en")
    dismiss = nudge_click(ids.NUDGE_DISMISS, value, workspace=W, user="U-ALICE", at=NOW,
                          event_id="trig")  # fmt: skip
    assert isinstance(dismiss, MessageRelabelled)
    assert (dismiss.message_id, dismiss.text, dismiss.label, dismiss.applies) == (
        "1.0", "", "problem", False,
    )  # fmt: skip
    has = nudge_click(ids.NUDGE_HAS_PROPOSAL, value, workspace=W, user="U-ALICE", at=NOW,
                      event_id="trig")  # fmt: skip
    assert isinstance(has, MessageRelabelled)
    assert (has.message_id, has.text, has.label, has.applies) == ("1.0", "", "proposal", True)
    snooze = nudge_click(ids.NUDGE_SNOOZE, value, workspace=W, user="U-ALICE", at=NOW,
                         event_id="trig")  # fmt: skip
    assert isinstance(snooze, NudgeSnoozed) and snooze.problem_id == "1.0"
    assert nudge_click(ids.NUDGE_SNOOZE, "garbage", workspace=W, user="U", at=NOW,
                       event_id="t") is None  # fmt: skip


def test_translate_concern_and_review_buttons():
    answered = concern_click(ids.pack(c="C1", r="r1"), workspace=W, user="U-BOB", at=NOW,
                             event_id="t")  # fmt: skip
    assert answered is not None and (answered.round_id, answered.concern) == ("r1", None)
    kept = review_click(ids.REVIEW_KEEP, ids.pack(c="C1", n=4), workspace=W, user="U-BOB",
                        at=NOW, event_id="t")  # fmt: skip
    assert kept is not None and (kept.number, kept.decision) == (4, "keep")
    assert review_click(ids.REVIEW_KEEP, ids.pack(c="C1", n="4"), workspace=W, user="U",
                        at=NOW, event_id="t") is None  # fmt: skip


def test_translate_a_button_acts_on_the_channel_its_message_is_in_now():
    """Sharing a private channel with another organisation gives it a new id; buttons
    posted before still pack the old one."""
    value = ids.pack(c="G-OPS", r="r1")
    in_channel = shapes.block_actions("round_none", value=value, channel_id="C-OPS")
    assert clicked_in(in_channel) == "C-OPS"
    answered = concern_click(value, workspace=W, user="U-BOB", at=NOW, event_id="t",
                             clicked_in=clicked_in(in_channel))  # fmt: skip
    assert answered is not None and answered.channel == "C-OPS"
    # In a DM (a reminder) or on App Home the button's own channel is all there is.
    in_dm = shapes.block_actions("round_none", value=value, channel_id="D-BOB")
    on_home = shapes.block_actions("round_none", value=value, view={"id": "V1"})
    assert clicked_in(in_dm) is None and clicked_in(on_home) is None
    assert click_fields(value, None)["c"] == "G-OPS"
    # A button without a table stays one.
    assert click_fields(ids.pack(r="r1"), "C-OPS").get("c") is None


def test_translate_channel_id_changed():
    event = {"type": "channel_id_changed", "old_channel_id": "G1", "new_channel_id": "C1",
             "event_ts": "1612206778.000000"}  # fmt: skip
    changed = channel_id_changed(event, workspace=W, event_id="Ev1", now=NOW)
    assert isinstance(changed, ChannelIdChanged)
    assert (changed.channel, changed.old_channel, changed.at.year) == ("C1", "G1", 2021)
    for broken in ({"old_channel_id": "G1"}, {"old_channel_id": "C1", "new_channel_id": "C1"}):
        assert channel_id_changed(broken, workspace=W, event_id="Ev1", now=NOW) is None


def test_translate_values_fit_slacks_limit():
    long = ids.pack_with_text("x", "é" * 5000, c="C1", r="r1")
    assert len(long) <= ids.MAX_VALUE and ids.unpack(long)["c"] == "C1"


# --- modals ----------------------------------------------------------------------------------


def submission(callback: str, values: dict, **meta) -> dict:
    return shapes.view_submission(callback, values, private_metadata=ids.pack(**meta))["view"]


def test_translate_form_values_reads_each_element_kind():
    view = submission("x", {
        "what": {"value": "We X"},
        "owner": {"value": {"type": "users_select", "selected_user": "U-BOB"}},
        "review": {"value": {"type": "datepicker", "selected_date": "2026-04-01"}},
        "kind": {"value": {"type": "static_select", "selected_option": {"value": "b"}}},
    })  # fmt: skip
    assert form_values(view) == {"what": "We X", "owner": "U-BOB", "review": "2026-04-01",
                                 "kind": "b"}  # fmt: skip


def agreement(values: dict, **meta) -> object:
    view = submission(ids.AGREEMENT_MODAL, values, **({"c": "C1"} | meta))
    return agreement_form(view, workspace=W, user="U-ALICE", at=NOW, event_id="trig")


def test_translate_agreement_form():
    submitted = agreement({
        "what": {"value": " We X "}, "why": {"value": "because"},
        "owner": {"value": {"type": "users_select", "selected_user": None}},
        "role": {"value": "the scrum master"},
        "review": {"value": {"type": "datepicker", "selected_date": "2026-04-01"}},
    }, t="9.0")  # fmt: skip
    assert not isinstance(submitted, Invalid)
    assert (submitted.text, submitted.why, submitted.owner) == (
        "We X",
        "because",
        "role:the scrum master",  # the form's role field always names a role
    )
    assert (submitted.review_on, submitted.thread_id, submitted.channel) == (
        date(2026, 4, 1), "9.0", "C1",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "blocks"),
    [
        ({"what": {"value": ""}, "why": {"value": "y"}}, {"what"}),
        ({"what": {"value": "x"}, "why": {"value": "   "}}, {"why"}),
        ({"what": {"value": "x"}, "why": {"value": "y"},
          "review": {"value": {"type": "datepicker", "selected_date": "2026-03-01"}}}, {"review"}),
        ({"what": {"value": "x"}, "why": {"value": "y"},
          "review": {"value": {"type": "datepicker", "selected_date": "2026-13-40"}}}, {"review"}),
    ],
    ids=["no-what", "no-why", "review-yesterday", "review-unreadable"],
)  # fmt: skip
def test_translate_agreement_form_errors(values, blocks):
    invalid = agreement(values)
    assert isinstance(invalid, Invalid) and set(invalid.errors) == blocks


def test_translate_agreement_form_leaves_the_utc_today_to_the_tables_zone():
    """The UTC day is still tomorrow where a table west of UTC sits in the evening: the
    engine, which knows the table's zone, refuses it if it is today there."""
    submitted = agreement({
        "what": {"value": "x"}, "why": {"value": "y"},
        "review": {"value": {"type": "datepicker", "selected_date": NOW.date().isoformat()}},
    })  # fmt: skip
    assert not isinstance(submitted, Invalid) and submitted.review_on == NOW.date()


def test_translate_proposal_and_revise_forms():
    added = proposal_form(
        submission(ids.PROPOSAL_MODAL, {"proposal": {"value": "try X"}}, c="C1", p="1.0"),
        workspace=W, user="U-ALICE", at=NOW, event_id="t",
    )  # fmt: skip
    assert not isinstance(added, Invalid) and (added.problem_id, added.text) == ("1.0", "try X")
    stale = proposal_form(submission(ids.PROPOSAL_MODAL, {"proposal": {"value": "try X"}}),
                          workspace=W, user="U", at=NOW, event_id="t")  # fmt: skip
    assert isinstance(stale, Invalid)

    values = {"lesson": {"value": ""}, "new_text": {"value": "We Y"}, "why": {"value": "z"}}
    revised = revise_form(submission(ids.REVISE_MODAL, values, c="C1", n=2),
                          workspace=W, user="U", at=NOW, event_id="t")  # fmt: skip
    assert not isinstance(revised, Invalid)
    assert (revised.number, revised.decision, revised.lesson, revised.new_text) == (
        2, "revise", None, "We Y",
    )  # fmt: skip


def test_translate_renewal_buttons_answer_for_the_table_in_the_value():
    value = ids.pack(c="C1", m="m1", l="nl")
    for action_id, outcome in ((ids.RENEWAL_RENEWED, "renewed"), (ids.RENEWAL_CHECK, "check")):
        answered = renewal_click(action_id, value, workspace=W, user="U-BOB", at=NOW,
                                 event_id="trig")  # fmt: skip
        assert isinstance(answered, RenewalAnswered)
        assert (answered.channel, answered.user, answered.outcome, answered.event_id) == (
            "C1", "U-BOB", outcome, "trig",
        )  # fmt: skip
    assert renewal_click(ids.RENEWAL_RENEWED, "garbage", workspace=W, user="U", at=NOW,
                         event_id="t") is None  # fmt: skip
    assert renewal_click(ids.NUDGE_SNOOZE, value, workspace=W, user="U", at=NOW,
                         event_id="t") is None  # fmt: skip


def scores(*given: str | None, comment: str | None = None) -> dict:
    values: dict = {
        ids.score_block(n): {"value": {"type": "static_select",
                                       "selected_option": {"value": s} if s else None}}
        for n, s in enumerate(given, start=1)
    }  # fmt: skip
    values[ids.COMMENT] = {"value": comment}
    return values


def test_translate_evaluation_form_reads_each_score_and_the_comment():
    view = submission(ids.EVALUATION_MODAL, scores(*"453445435", comment="  x " * 400), c="C1",
                      k=9)  # fmt: skip
    given = evaluation_form(view, workspace=W, user="U-ALICE", at=NOW, event_id="t")
    assert not isinstance(given, Invalid)
    assert (given.channel, given.user) == ("C1", "U-ALICE")
    assert given.scores == (4, 5, 3, 4, 4, 5, 4, 3, 5)
    assert given.comment is not None and len(given.comment) == ids.MAX_COMMENT

    blank = submission(ids.EVALUATION_MODAL, scores(*"453445435", comment="  "), c="C1", k=9)
    given = evaluation_form(blank, workspace=W, user="U", at=NOW, event_id="t")
    assert not isinstance(given, Invalid) and given.comment is None


@pytest.mark.parametrize(
    ("given", "meta", "blocks"),
    [
        (("4", None, "3", "4", "4", "5", "4", "3", None), {"c": "C1", "k": 9},
         {"score_2", "score_9"}),
        (("4", "5", "3", "4", "4", "5", "4", "3"), {"c": "C1", "k": 9}, {"score_9"}),
        (("4", "6", "3", "4", "4", "5", "4", "3", "x"), {"c": "C1", "k": 9},
         {"score_2", "score_9"}),
        (("4",) * 9, {"k": 9}, {"score_1"}),
        (("4",) * 9, {"c": "C1"}, {"score_1"}),
    ],
    ids=["missing", "one-short", "out-of-range", "no-table", "no-count"],
)  # fmt: skip
def test_translate_evaluation_form_errors_name_the_block(given, meta, blocks):
    view = submission(ids.EVALUATION_MODAL, scores(*given), **meta)
    invalid = evaluation_form(view, workspace=W, user="U", at=NOW, event_id="t")
    assert isinstance(invalid, Invalid) and set(invalid.errors) == blocks


# --- NUL characters ---------------------------------------------------------------------

NUL = "\x00"


def test_translate_no_nul_character_reaches_an_event():
    """PostgreSQL refuses NUL in text: no word from Slack may carry one into storage."""
    posted = post(shapes.message_event(f"#problem the{NUL} build &amp;{NUL} tests"))
    assert posted is not None and posted.text == "#problem the build & tests"
    changed = post(edited(f"the build{NUL} is fine"))
    assert isinstance(changed, MessageEdited) and changed.text == "the build is fine"
    mention = mention_command(shapes.app_mention_event(f"<@U-BOT> agree X{NUL} because Y"),
                              workspace=W, event_id="Ev", bot_user_id="U-BOT", now=NOW)  # fmt: skip
    assert mention is not None and mention.args == "agree X because Y"
    command = slash_command(shapes.slash_command("/agree", f"{NUL}X because{NUL} Y"),
                            workspace=W, now=NOW)  # fmt: skip
    assert command.args == "X because Y"
    submitted = agreement({
        "what": {"value": f"We{NUL} X"}, "why": {"value": f"{NUL}"},
        "role": {"value": f"the{NUL} lead"},
    })  # fmt: skip
    assert isinstance(submitted, Invalid) and set(submitted.errors) == {"why"}  # only a NUL
    submitted = agreement({"what": {"value": f"We{NUL} X"}, "why": {"value": f"Y{NUL}"},
                           "role": {"value": f"the{NUL} lead"}})  # fmt: skip
    assert not isinstance(submitted, Invalid)
    assert (submitted.text, submitted.why, submitted.owner) == ("We X", "Y", "role:the lead")
    added = proposal_form(
        submission(ids.PROPOSAL_MODAL, {"proposal": {"value": f"try{NUL} X"}}, c="C1", p="1.0"),
        workspace=W, user="U-ALICE", at=NOW, event_id="t",
    )  # fmt: skip
    assert not isinstance(added, Invalid) and added.text == "try X"
    assert unescape(None) == "" and NUL not in unescape(f"a{NUL}&lt;")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"event_time": 1_700_000_000}, datetime(2023, 11, 14, 22, 13, 21, tzinfo=UTC)),
        ({"event_time": 1_700_000_000.5}, datetime(2023, 11, 14, 22, 13, 21, tzinfo=UTC)),
        ({"event_time": True}, None),
        ({"event_time": "1700000000"}, None),
        ({}, None),
    ],
)
def test_translate_an_event_happened_by_the_end_of_its_signed_second(body, expected):
    assert happened_by(body) == expected
