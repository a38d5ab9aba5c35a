""" "Why?" on a nudge: the author hears, privately, which words made the bot read their
message as a problem, from the score it acted on. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.models import WatchRow
from rules.actions import Reply, SendNudge
from rules.classifier.trained import TrainedClassifier
from tests.conftest import make_app
from tests.helpers import DOUBTING, Chat


def private_replies(actions) -> list[Reply]:
    return [a for a in actions if isinstance(a, Reply) and a.private]


def watch_status(chat: Chat, problem_id: str) -> str:
    chat.app.store.flush()
    with Session(chat.app.database) as session:
        return session.get(WatchRow, ("W1", "C1", problem_id)).status


def test_why_names_the_words_privately_and_leaves_the_nudge_to_answer(app):
    chat = Chat(app)
    chat.say("ben", "#problem the printer is jammed again", "09:00")
    chat.tick("09:30")
    [nudge] = chat.of_type(SendNudge)

    [reply] = chat.ask_why("ben", nudge.problem_id, "09:31")
    assert (reply.user, reply.private) == ("ben", True)
    said = chat.texts()[-1]
    # A list of words reads as one, with its "and" ("en" in Dutch).
    assert "mostly because of “#problem”, “the” and “printer”." in said
    assert "I can be wrong" in said and "/not-a-problem" in said and "/has-proposal" in said
    # Asking changes nothing: the nudge still waits for the author's choice.
    assert watch_status(chat, "09:00") == "nudged"
    chat.command("ben", "/not-a-problem", "09:32")
    assert watch_status(chat, "09:00") == "dismissed"


def test_why_tells_nobody_else_and_nothing_once_the_text_is_gone(app):
    chat = Chat(app)
    chat.say("ben", "#problem the printer is jammed again", "09:00")
    chat.tick("09:30")

    [reply] = chat.ask_why("anna", "09:00", "09:31")
    assert reply.user == "anna"
    said = chat.texts()[-1]
    assert said == "There is nothing of yours to explain here."

    chat.command("ben", "/not-a-problem", "09:32")  # settled: its text is not kept
    chat.ask_why("ben", "09:00", "09:33")
    assert chat.texts()[-1] == "I no longer keep that message, so I cannot say why."
    chat.ask_why("ben", "no-such-message", "09:34")
    assert chat.texts()[-1] == "There is nothing of yours to explain here."


def test_why_says_it_was_unsure_of_a_doubtful_problem_until_someone_reacted(app):
    app.service.engine.thresholds = DOUBTING  # "#maybe-problem" scores under the watch bar
    chat = Chat(app)
    chat.say("ben", "#maybe-problem the heating is off in room 4", "09:00")
    chat.say("anna", "#reaction again??", "09:03")
    chat.tick("09:30")
    [nudge] = chat.of_type(SendNudge)
    chat.ask_why("ben", nudge.problem_id, "09:31")
    assert chat.texts()[-1].startswith(
        "I was not sure your message was a problem (“#maybe-problem”, “the” and “heating” made "
        "me wonder) until someone else reacted to it as a problem."
    )


def test_why_as_a_command_explains_the_callers_latest_waiting_problem(app):
    chat = Chat(app)
    chat.command("ben", "/why", "08:59")
    assert chat.texts()[-1] == (
        "I am not waiting for a proposal from you here, so there was nothing to do.\n"
        "/why tells you why I took a message of yours for a problem, while I wait for a "
        "proposal to it.\n"
        "Is it about another channel? Type it there."
    )

    chat.say("ben", "#problem the printer is jammed again", "09:00")
    chat.say("ben", "#problem and the scanner eats paper", "09:01")
    [reply] = private_replies(chat.command("ben", "/why", "09:02"))
    assert reply.user == "ben"
    assert "“#problem”, “and” and “the”" in chat.texts()[-1]  # the latest, still in its window


def test_why_answers_in_dutch_for_a_dutch_problem(app):
    chat = Chat(app)
    chat.say("ben", "#problem de printer is weer vastgelopen, echt niet handig", "09:00")
    chat.tick("09:30")
    chat.command("ben", "/waarom", "09:31")
    said = chat.texts()[-1]
    assert said.startswith(
        "Over je bericht:\n> #problem de printer is weer vastgelopen, echt niet handig\n"
        "Ik las je bericht als een probleem, vooral door “#problem”, “de” en “printer”."
    )
    assert "/geen-probleem" in said and "/bevat-voorstel" in said


@pytest.fixture(scope="module")
def trained() -> TrainedClassifier:
    return TrainedClassifier.load()


def test_why_explains_the_score_the_bot_acted_on_read_after_the_message_before(
    database_url, trained
):
    """With the shipped model: the watch keeps what the message before scored, so the
    words come from the in-context reading that opened the watch."""
    app = make_app(database_url, trained)
    try:
        chat = Chat(app)
        before = "the new rota is up on the wiki"
        problem = "nobody can open it, the link gives a 403 every time"
        chat.say("anna", before, "09:00")
        chat.say("ben", problem, "09:01", thread="09:00")
        chat.tick("09:30")
        [nudge] = chat.of_type(SendNudge)
        assert nudge.problem_id == "09:01"

        app.store.flush()
        with Session(app.database) as session:
            [watch] = session.exec(select(WatchRow)).all()
        read_after = dict(trained.classify(before).own_scores)
        assert watch.read_after == read_after  # kept exactly, through the database

        chat.ask_why("ben", "09:01", "09:31")
        expected = trained.reasons(problem, "problem", read_after=read_after)
        assert expected and set(expected) <= set(problem.replace(",", " ").split())
        words = [f"“{word}”" for word in expected]
        quoted = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
        assert f"mostly because of {quoted}." in chat.texts()[-1]
    finally:
        app.database.dispose()


def test_a_message_read_after_one_of_the_same_batch_keeps_what_that_one_scored():
    """In a batch (replay, the service's bursts) the message before may be the batch's
    first: its own scores are what the watch keeps, not nothing."""
    from datetime import timedelta

    from rules.engine import Engine
    from rules.events import MessagePosted
    from tests.helpers import DAY, TaggedClassifier

    events = [
        MessagePosted(
            workspace="W1",
            channel="C1",
            at=DAY + timedelta(minutes=n),
            event_id=f"e{n}",
            user="ben",
            message_id=f"m{n}",
            text=text,
            thread_id=None,
        )
        for n, text in enumerate(["#proposal pin the image", "#problem it broke again"])
    ]
    first, second = Engine(TaggedClassifier()).interpret_many(events, previous=[None, 0])
    assert first.read_after is None
    assert second.read_after == first.classification.own_scores
    assert second.read_after["proposal"] == 1.0
