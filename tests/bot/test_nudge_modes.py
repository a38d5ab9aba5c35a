"""/nudges: a table chooses how readily it is nudged about problems (normal, fewer,
off), through the real service and storage, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot import views
from rules.actions import Reply, SendNudge
from rules.classifier.rule_based import RuleClassifier
from rules.events import MessageRelabelled
from tests.conftest import make_app
from tests.helpers import SURER, Chat, at

# The console shows, under the thanks for "Not a problem", how to take it back.
UNDO = "Said by mistake? /not-a-problem undo takes it back, within 1 hour."


def surer_app(database_url: str, tagged, **settings):
    """A fresh app on this database, with SURER's bars."""
    app = make_app(database_url, tagged, **settings)
    app.service.engine.thresholds = SURER
    return app


@pytest.fixture
def surer(app):
    """The app with bars under which `#maybe-problem` is a problem, but not a sure one."""
    app.service.engine.thresholds = SURER
    return app


def nudged(chat: Chat) -> list[str]:
    return [action.problem_id for action in chat.of_type(SendNudge)]


def replies(actions) -> list[Reply]:
    return [a for a in actions if isinstance(a, Reply)]


# (lines, the problems nudged at each table setting)
CASES = {
    "a problem the bot is sure of": (
        [("ben", "#problem the till is 40 euro short", "09:00")],
        {"normal": ["09:00"], "fewer": ["09:00"], "off": []},
    ),
    "a problem it is less sure of, with nobody reacting": (
        [("ben", "#maybe-problem the till is 40 euro short", "09:00")],
        {"normal": ["09:00"], "fewer": [], "off": []},
    ),
    "a problem it is less sure of, that another member reacts to": (
        [
            ("ben", "#maybe-problem the till is 40 euro short", "09:00"),
            ("anna", "#reaction again??", "09:04"),
        ],
        {"normal": ["09:00"], "fewer": ["09:00"], "off": []},
    ),
    "a problem it is less sure of, with only its author reacting": (
        [
            ("ben", "#maybe-problem the till is 40 euro short", "09:00"),
            ("ben", "#reaction ugh", "09:04"),
        ],
        {"normal": ["09:00"], "fewer": [], "off": []},
    ),
}


@pytest.mark.parametrize("mode", ["normal", "fewer", "off"])
@pytest.mark.parametrize(("lines", "expected"), CASES.values(), ids=CASES.keys())
def test_nudges_each_setting_nudges_what_it_says(surer, mode, lines, expected):
    chat = Chat(surer)
    chat.command("carl", f"/nudges {mode}", "08:00")
    for user, text, clock in lines:
        chat.say(user, text, clock)
    chat.tick("12:00")
    assert nudged(chat) == expected[mode]
    # What was not nudged is not counted as a named problem either.
    assert views.problem_counts(surer.database, "W1").named == len(expected[mode])


def test_nudges_setting_is_announced_kept_and_per_table(surer):
    chat = Chat(surer)
    [said] = replies(chat.command("carl", "/nudges fewer", "08:00"))
    assert not said.private  # it changes what the bot does to everyone at the table
    assert chat.texts()[-1].startswith("From now on I nudge here only about problems I am")

    [shown] = replies(chat.command("anna", "/nudges", "08:01"))
    assert (shown.private, shown.user) == (True, "anna")
    assert "only about problems I am quite sure of" in chat.texts()[-1]
    assert "within 10 minutes" in chat.texts()[-1]

    # Another channel of the same workspace keeps the default.
    chat.say("ben", "#maybe-problem the till is 40 euro short", "09:00", channel="C2")
    chat.say("ben", "#maybe-problem the card reader is slow", "09:01")
    chat.tick("12:00")
    assert [(n.channel, n.problem_id) for n in chat.of_type(SendNudge)] == [("C2", "09:00")]


def test_nudges_setting_survives_a_restart(database_url, tagged):
    first = surer_app(database_url, tagged)
    Chat(first).command("carl", "/nudges off", "08:00")
    first.store.flush()
    first.database.dispose()

    again = surer_app(database_url, tagged)
    chat = Chat(again)
    chat.say("ben", "#problem the till is 40 euro short", "09:00")
    chat.tick("12:00")
    assert nudged(chat) == []
    chat.command("carl", "/nudges", "12:01")
    assert chat.texts()[-1].startswith("Here I do not nudge anyone about problems.")
    again.database.dispose()


def test_nudges_off_lets_a_waiting_problem_lapse_but_keeps_a_snooze_asked_for(surer):
    chat = Chat(surer)
    chat.say("ben", "#problem the printer is jammed", "09:00")
    chat.tick("09:20")
    chat.command("ben", "/snooze 1h", "09:21")  # the author asked to be reminded
    chat.say("anna", "#problem the scanner is broken", "09:30")
    chat.command("carl", "/nudges off", "09:31")
    chat.tick("12:00")
    [first, again] = chat.of_type(SendNudge)
    assert (first.problem_id, first.again) == ("09:00", False)
    assert (again.problem_id, again.again) == ("09:00", True)  # the snooze still ends
    counts = views.problem_counts(surer.database, "W1")
    assert counts.named == 1  # anna's lapsed quietly, as an unheeded doubt does

    chat.command("carl", "/nudges normal", "12:01")
    chat.say("anna", "#problem the scanner is still broken", "12:02")
    chat.tick("13:00")
    assert nudged(chat)[-1] == "12:02"


def test_nudges_fewer_why_says_it_waited_for_someone_to_react(surer):
    chat = Chat(surer)
    chat.command("carl", "/nudges fewer", "08:00")
    chat.say("ben", "#maybe-problem the heating is off in room 4", "09:00")
    chat.say("anna", "#reaction brr, again??", "09:03")
    chat.tick("09:30")
    chat.ask_why("ben", "09:00", "09:31")
    assert chat.texts()[-1].startswith("I was not sure your message was a problem")
    # What happened to this problem stays true when the table changes its mind.
    chat.command("carl", "/nudges normal", "09:32")
    chat.ask_why("ben", "09:00", "09:33")
    assert chat.texts()[-1].startswith("I was not sure your message was a problem")
    # At a normal table the same score was sure enough: no doubt to speak of.
    chat.say("ben", "#maybe-problem the heating is off in room 5", "10:00")
    chat.tick("10:30")
    chat.ask_why("ben", "10:00", "10:31")
    assert chat.texts()[-1].startswith("I read your message as a problem mostly because")


def test_nudges_in_dutch_and_a_wrong_word_gets_the_usage(surer):
    chat = Chat(surer)
    chat.command("carl", "/seintjes minder", "08:00")
    assert chat.texts()[-1].startswith("Vanaf nu")
    [usage] = replies(chat.command("carl", "/nudges sometimes", "08:01"))
    assert usage.private
    assert chat.texts()[-1].endswith(
        "Usage: /nudges [normal | fewer | off]\nExample: /nudges fewer"
    )
    chat.command("carl", "/seintjes", "08:02")  # unchanged by the wrong word
    assert "alleen" in chat.texts()[-1]


def test_nudges_default_for_every_table_comes_from_the_settings(database_url, tagged):
    app = surer_app(database_url, tagged, nudges="off")
    chat = Chat(app)
    chat.say("ben", "#problem the till is 40 euro short", "09:00")
    chat.tick("12:00")
    assert nudged(chat) == []
    chat.command("carl", "/nudges normal", "12:01")
    chat.say("ben", "#problem the till is still short", "12:02")
    chat.tick("13:00")
    assert nudged(chat) == ["12:02"]
    app.database.dispose()


def test_nudges_not_a_problem_points_to_fewer_nudges_until_the_table_has_chosen_it(surer):
    chat = Chat(surer)
    chat.say("ben", "#problem the till is 40 euro short", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    assert chat.texts()[-1].endswith("With /nudges fewer I only nudge about problems I am "
                                     "quite sure of, or that someone reacts to.\n"
                                     + UNDO)  # fmt: skip
    chat.command("carl", "/nudges fewer", "09:02")
    chat.say("ben", "#problem the card reader is down", "09:03")
    chat.command("ben", "/not-a-problem", "09:04")
    assert chat.texts()[-1] == (
        "About your message:\n> #problem the card reader is down\n"
        "Thanks for telling me. I will not treat that as a problem, nor the same message when "
        "it comes back here.\n" + UNDO
    )


def test_nudges_not_a_problem_of_a_message_never_taken_for_one_points_nowhere(surer):
    """The console's /correct (or a late button) on a message the bot never read as a
    problem: no false nudge to have fewer of, and the answer in the message's language."""
    chat = Chat(surer)
    chat.say("piet", "zullen we om tien uur beginnen?", "09:00")
    event = MessageRelabelled(
        workspace="W1", channel="C1", at=at("09:01"), event_id="relabel-1", user="piet",
        message_id="09:00", text="de printer is weer kapot", label="problem", applies=False,
    )  # fmt: skip
    chat._deliver(surer.service.handle(event))
    assert chat.texts()[-1] == (
        "Dank je dat je het laat weten. Ik tel dat niet meer als probleem, en hetzelfde "
        "bericht ook niet als het hier terugkomt."
    )


def test_nudges_fewer_with_the_rule_classifier_says_it_nudges_as_often_as_normal(
    database_url, caplog
):
    """The rule classifier's scores cannot tell how sure a reading is (no surer bar), so
    the table is told that "fewer" changes nothing yet, and is not pointed to it."""
    with caplog.at_level("WARNING", logger="bot.bootstrap"):
        app = make_app(database_url, RuleClassifier(), nudges="fewer")
    assert "GROUNDRULES_NUDGES=fewer nudges as often as normal" in caplog.text
    chat = Chat(app)
    [shown] = replies(chat.command("anna", "/nudges", "08:00"))
    assert shown.private
    assert "“fewer” nudges as often as “normal”" in chat.texts()[-1]

    chat.command("carl", "/nudges normal", "08:01")
    assert "as often as “normal”" not in chat.texts()[-1]
    chat.command("carl", "/nudges fewer", "08:02")
    assert chat.texts()[-1].startswith("From now on I nudge here only about problems")
    assert chat.texts()[-1].endswith(
        "so “fewer” nudges as often as “normal” until whoever runs the bot turns on the "
        "trained classifier."
    )

    chat.say("ben", "the printer is broken again", "09:00")
    chat.tick("09:20")
    assert nudged(chat) == ["09:00"]  # what normal would nudge
    chat.command("carl", "/nudges normal", "09:21")
    chat.command("ben", "/not-a-problem", "09:22")
    assert chat.texts()[-1] == (
        "About your message:\n> the printer is broken again\n"
        "Thanks for telling me. I will not treat that as a problem, nor the same message when "
        "it comes back here.\n" + UNDO
    )  # no pointer to a setting that would not help
    app.database.dispose()


def test_nudges_fewer_with_a_surer_bar_says_nothing_of_the_kind(surer):
    chat = Chat(surer)
    chat.command("carl", "/nudges fewer", "08:00")
    chat.command("anna", "/nudges", "08:01")
    assert not any("as often as normal" in text for text in chat.texts())


@pytest.mark.parametrize(
    ("line", "said"),
    [("/nudges please fewer", "From now on"), ("/seintjes uit a.u.b.", "Vanaf nu")],
)
def test_nudges_a_word_of_courtesy_around_the_choice_sets_it(surer, line, said):
    """ "/nudges please fewer" got the usage, while "/nudges fewer" was read."""
    chat = Chat(surer)
    [announced] = replies(chat.command("carl", line, "08:00"))
    assert not announced.private and chat.texts()[-1].startswith(said)
