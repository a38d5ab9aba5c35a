"""The service reads each message after the one before it in its conversation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.recent import RecentMessages
from rules.engine import Engine
from rules.events import CommandInvoked, MessageEdited, MessagePosted, ProposalAdded
from tests.conftest import make_app
from tests.helpers import DAY, TaggedClassifier


class RecordingClassifier(TaggedClassifier):
    """Tags decide the labels; what each message was given as `previous` is kept."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object]] = []

    def classify_many(self, texts, *, lang=None, previous=None):
        texts = list(texts)
        previous = previous if previous is not None else [None] * len(texts)
        results = []
        for text, before in zip(texts, previous, strict=True):
            resolved = results[before] if isinstance(before, int) else before
            # What the message before scored on its own: its tags, as 1.0 scores.
            seen = None if resolved is None else {k for k, v in resolved.own_scores.items() if v}
            self.seen.append((text, frozenset(seen) if seen is not None else None))
            results.append(self.classify(text, lang=lang))
        return results


def posted(
    n: int, text: str, *, channel="C1", thread=None, workspace="W1", reply_to=None
) -> MessagePosted:
    return MessagePosted(
        workspace=workspace,
        channel=channel,
        at=DAY + timedelta(minutes=n),
        event_id=f"e{n}",
        user="U1",
        message_id=str(n),
        text=text,
        thread_id=thread,
        reply_to=reply_to,
    )


def interpret(recent: RecentMessages, engine: Engine, events):
    understood = engine.interpret_many(events, previous=recent.previous(events))
    recent.remember(understood)
    return understood


@pytest.fixture
def recording(database_url):
    classifier = RecordingClassifier()
    app = make_app(database_url, classifier)
    yield app, classifier
    app.database.dispose()


@pytest.mark.parametrize("one_by_one", [True, False])
def test_the_service_reads_a_message_after_the_one_before_in_its_conversation(
    recording, one_by_one
):
    app, classifier = recording
    events = [
        posted(1, "printer is broken #problem"),
        posted(2, "shall we call IT? #proposal"),
        posted(3, "fine by me #agreement", thread="2"),  # under the proposal
        posted(4, "lunch?", channel="C2"),
        posted(5, "or buy a new one #proposal"),  # the top level goes on after 2
        posted(6, "agreed #agreement", thread="2"),  # after the first reply
    ]
    if one_by_one:
        for event in events:
            app.service.handle(event)
    else:
        app.service.handle_many(events)
    assert classifier.seen == [
        ("printer is broken #problem", None),
        ("shall we call IT? #proposal", frozenset({"problem"})),
        ("fine by me #agreement", frozenset({"proposal"})),
        ("lunch?", None),
        ("or buy a new one #proposal", frozenset({"proposal"})),
        ("agreed #agreement", frozenset({"agreement"})),
    ]


def test_edits_and_commands_have_no_context_and_are_not_context():
    classifier = RecordingClassifier()
    engine, recent = Engine(classifier), RecentMessages()
    proposal = posted(1, "let's order toner #proposal")
    edit = MessageEdited(
        workspace="W1",
        channel="C1",
        at=DAY,
        event_id="e2",
        user="U1",
        message_id="1",
        text="let's order two toners #proposal",
    )
    command = CommandInvoked(
        workspace="W1", channel="C1", at=DAY, event_id="e3", user="U1", name="agreements"
    )
    interpret(recent, engine, [proposal, edit, command, posted(4, "ok #agreement")])
    assert classifier.seen[1] == ("let's order two toners #proposal", None)
    assert classifier.seen[2] == ("ok #agreement", frozenset({"proposal"}))


def test_workspaces_never_see_each_others_messages():
    classifier = RecordingClassifier()
    engine, recent = Engine(classifier), RecentMessages()
    interpret(recent, engine, [posted(1, "secret plan #proposal", workspace="W1")])
    interpret(recent, engine, [posted(2, "hello", workspace="W2")])
    assert classifier.seen[-1] == ("hello", None)


def test_memory_is_bounded_and_forgets_the_oldest_conversations():
    recent = RecentMessages(limit=4)
    engine = Engine(TaggedClassifier())
    for n in range(10):
        interpret(recent, engine, [posted(n, "x #problem", channel=f"C{n}")])
    assert len(recent) == 4
    # the channel of message 9 is remembered, the channel of message 0 is not
    assert recent.previous([posted(10, "y", channel="C9")])[0] is not None
    assert recent.previous([posted(11, "y", channel="C0")]) == [None]


def test_an_index_to_a_command_is_refused():
    engine = Engine(TaggedClassifier())
    command = CommandInvoked(
        workspace="W1", channel="C1", at=DAY, event_id="e1", user="U1", name="agreements"
    )
    with pytest.raises(ValueError, match="not a message"):
        engine.interpret_many([command, posted(2, "ok")], previous=[None, 0])


def test_a_proposal_from_a_nudges_form_is_the_line_its_replies_follow(recording):
    """Posted by the bot for its author, in the problem's thread: "sounds good" under it
    is read after the proposal, as it would be after the author's own message."""
    app, classifier = recording
    app.service.handle(posted(1, "printer is broken #problem"))
    added = ProposalAdded(
        workspace="W1", channel="C1", at=DAY + timedelta(minutes=2), event_id="e2",
        user="U1", problem_id="1", text="shall we call IT? #proposal", message_id="2",
        thread_id="1",
    )  # fmt: skip
    app.service.handle(added)
    app.service.handle(posted(3, "sounds good #agreement", thread="1"))
    assert classifier.seen[-1] == ("sounds good #agreement", frozenset({"proposal"}))


@pytest.mark.parametrize("one_by_one", [True, False])
@pytest.mark.parametrize(
    "wordless", ["", "https://tenor.com/view/thumbs-up-gif-123", "<@U2>"],
    ids=["image", "gif", "mention"],
)  # fmt: skip
def test_a_message_without_words_is_no_context_for_the_next(recording, one_by_one, wordless):
    """A screenshot (no text) or a GIF (a link) between a proposal and a short yes: the
    yes is read after the proposal, not after nothing."""
    app, classifier = recording
    events = [
        posted(1, "shall we call IT? #proposal"),
        posted(2, wordless),
        posted(3, "sure #agreement"),
        posted(4, wordless, thread="1"),
        posted(5, "ok #agreement", thread="1"),
    ]
    if one_by_one:
        for event in events:
            app.service.handle(event)
    else:
        app.service.handle_many(events)
    after = dict(classifier.seen)
    assert after["sure #agreement"] == frozenset({"proposal"})
    assert after["ok #agreement"] == frozenset({"proposal"})


@pytest.mark.parametrize("one_by_one", [True, False])
def test_a_reply_is_read_after_the_message_it_answers(recording, one_by_one):
    """Discord's Reply to an older proposal: read after that proposal, not after the
    question before it."""
    app, classifier = recording
    events = [
        posted(1, "shall we call IT? #proposal"),
        posted(2, "is the printer broken again? #problem"),
        posted(3, "sure #agreement", reply_to="1"),
        posted(4, "ok", reply_to="404"),  # to a message never seen: after the channel's last
    ]
    if one_by_one:
        for event in events:
            app.service.handle(event)
    else:
        app.service.handle_many(events)
    after = dict(classifier.seen)
    assert after["sure #agreement"] == frozenset({"proposal"})
    assert after["ok"] == frozenset({"agreement"})
