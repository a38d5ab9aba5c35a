"""The nudge simulation that chooses the engine's bars follows the engine itself."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from rules.understanding import SecondReading, Thresholds
from tests.helpers import DOUBTING, TaggedClassifier, write_conversation
from tests.helpers import SURER as SURER_BARS  # the module's SURER is a transcript
from training import tuning
from training.dataset import previous_lines
from training.nudges import NudgeScore, replay

# (time, user, text, thread): threads are named by the time of their first message.
LINES = [
    ("09:00", "ben", "#problem the VPN drops every ten minutes", None),
    ("09:02", "anna", "#problem same here, three times already", "09:00"),  # joins ben's
    ("09:05", "carl", "lunch plans?", None),
    ("09:06", "dirk", "#problem the canteen is closed today", "09:05"),  # its own thread
    ("09:08", "erik", "#proposal order pizza", "09:05"),  # answers dirk only
    ("09:30", "anna", "#problem still dropping", "09:00"),  # ben's was nudged: joins it
    ("09:40", "ben", "#proposal I'll ask IT for a second line", "09:00"),  # answers ben's
    ("09:50", "anna", "#problem now it will not connect at all", "09:00"),  # a new one
    ("10:30", "fay", "#problem the printer is jammed", None),
    ("10:31", "gus", "#problem #proposal the toner is out, I'll order some", "10:30"),
    ("10:33", "hal", "#problem it jams on A3 too", "10:30"),  # fay's was answered: new
    ("10:34", "ivo", "#problem and on A5", "10:30"),  # hal's still waits: joins it
]


# Doubtful problems (#maybe-problem) and reactions to them, under DOUBTING's bars.
DOUBTS = [
    ("09:00", "ben", "#maybe-problem the till is 40 euro short", None),
    ("09:03", "anna", "#reaction again??", None),  # confirms ben's
    ("09:20", "carl", "#maybe-problem the van's tyre light is on", None),
    ("09:22", "carl", "#reaction ugh", None),  # his own: no
    ("09:40", "dirk", "#maybe-problem the mixer is grinding", None),
    ("09:41", "erik", "#reaction oei", "09:40"),  # in its thread: confirms
    ("09:42", "fay", "#problem #reaction here too", "09:40"),  # joins dirk's
    ("10:00", "gus", "#maybe-problem flour delivery is short", None),
    ("10:02", "hal", "#proposal I'll ring the mill", None),  # answers it
    ("10:03", "ivo", "#reaction seriously?", None),  # nothing left to confirm
    ("10:30", "jan", "#maybe-problem the card machine dropped out", None),
    ("10:41", "kim", "#reaction again?!", None),  # after its window
]


TAGS = {"#problem", "#proposal"}


def _transcript(folder: Path, lines=LINES) -> Path:
    path = folder / "en-threads.jsonl"
    stamp = "2026-03-02T{}:00Z".format
    with path.open("w", encoding="utf-8") as out:
        for clock, user, text, thread in lines:
            line = {"ts": stamp(clock), "channel": "C1", "user": user, "text": text}
            out.write(json.dumps(line | {"thread": thread and stamp(thread)}) + "\n")
    tagged = {stamp(c): [w[1:] for w in t.split() if w in TAGS] for c, _, t, _ in lines}
    expected = {"window_minutes": 10, "language": "en", "labels": tagged, "nudges": []}
    path.with_suffix(".expected.json").write_text(json.dumps(expected), encoding="utf-8")
    return path


def test_simulated_nudges_are_the_ones_the_real_bot_sends(tmp_path):
    path = _transcript(tmp_path)
    [conversation] = tuning.load(tmp_path)
    classifier = TaggedClassifier()
    scores = classifier.classify_many(line.text for line in conversation.lines)
    bars = Thresholds(watch=0.5, answer=0.5)

    simulated = tuning.nudges(
        conversation,
        [s.scores["problem"] for s in scores],
        [s.scores["proposal"] for s in scores],
        bars,
    )

    sent = replay(classifier, path, bars).nudges
    assert simulated == sent
    assert sorted((user, ts[11:16]) for _, user, ts in sent) == [
        ("anna", "09:50"),
        ("ben", "09:00"),
        ("hal", "10:33"),
    ]


def test_simulated_doubts_are_confirmed_as_the_real_bot_confirms_them(tmp_path):
    path = _transcript(tmp_path, DOUBTS)
    [conversation] = tuning.load(tmp_path)
    classifier = TaggedClassifier()
    scores = classifier.classify_many(line.text for line in conversation.lines)

    simulated = tuning.nudges(
        conversation,
        [s.scores["problem"] for s in scores],
        [s.scores["proposal"] for s in scores],
        DOUBTING,
        [s.reaction for s in scores],
    )

    sent = replay(classifier, path, DOUBTING).nudges
    assert simulated == sent
    assert sorted((user, ts[11:16]) for _, user, ts in sent) == [
        ("ben", "09:00"),
        ("dirk", "09:40"),
    ]


def test_simulated_surer_bar_is_what_the_real_bot_does_at_a_table_asking_for_fewer(tmp_path):
    # Under SURER_BARS "#maybe-problem" is a problem, but under the surer bar.
    path = _transcript(tmp_path, DOUBTS)
    [conversation] = tuning.load(tmp_path)
    classifier = TaggedClassifier()
    scores = classifier.classify_many(line.text for line in conversation.lines)
    reaction = [s.reaction for s in scores]

    def simulated(bars: Thresholds):
        return tuning.nudges(
            conversation,
            [s.scores["problem"] for s in scores],
            [s.scores["proposal"] for s in scores],
            bars,
            reaction,
        )

    fewer = replay(classifier, path, SURER_BARS, nudges="fewer").nudges
    assert fewer == simulated(replace(SURER_BARS, watch=SURER_BARS.surer))
    assert sorted((user, ts[11:16]) for _, user, ts in fewer) == [
        ("ben", "09:00"),
        ("dirk", "09:40"),
    ]
    # At a normal table every one of them is a problem: carl's and jan's are nudged too.
    assert replay(classifier, path, SURER_BARS).nudges == simulated(SURER_BARS) != fewer
    assert replay(classifier, path, SURER_BARS, nudges="off").nudges == set()


def test_out_of_fold_scores_come_from_models_that_did_not_learn_the_conversation(tmp_path):
    for n in range(5):
        write_conversation(tmp_path, f"en-{n}", [(f"line {n}a", []), (f"line {n}b", [])])
    conversations = tuning.load(tmp_path)
    fits: list[set[str]] = []

    def fit_without(learnt):
        seen = {line.text for c in learnt for line in c.lines}
        fits.append({c.name for c in learnt})
        return lambda texts, previous: {"seen": [text in seen for text in texts]}

    scored = tuning.out_of_fold_scores(conversations, 3, fit_without)

    assert len(fits) == 3
    assert len(scored) == len(conversations)
    assert all(not any(scores["seen"]) for scores in scored)  # never its own lines
    # every conversation is learnt by the folds it is not scored in
    assert all(sum(c.name in learnt for learnt in fits) == 2 for c in conversations)
    # the scores stay in the conversations' order
    assert [len(s["seen"]) for s in scored] == [2] * 5


def test_a_conversation_becomes_one_training_batch_in_posting_order(tmp_path):
    lines = [("the till is short", ["problem"]), ("I'll recount it", ["proposal"])]
    write_conversation(tmp_path, "en-07", lines)
    [conversation] = tuning.load(tmp_path)

    examples = conversation.examples()

    assert [(e.text, e.labels, e.batch) for e in examples] == [
        ("the till is short", ("problem",), "tuning-en-07"),
        ("I'll recount it", ("proposal",), "tuning-en-07"),
    ]
    assert previous_lines(examples) == [None, 0]


def test_a_conversation_whose_labels_miss_a_message_is_refused(tmp_path):
    write_conversation(tmp_path, "nl-01", [("de lift is kapot", ["problem"])])
    sidecar = tmp_path / "nl-01.expected.json"
    written = json.loads(sidecar.read_text("utf-8"))
    sidecar.write_text(json.dumps(written | {"labels": {}}), encoding="utf-8")

    with pytest.raises(ValueError, match="labels must name every message"):
        tuning.load(tmp_path)


# A problem scored between the watch bar and a surer one is true only when someone
# reacts to it: (time, user, text, problem, reaction), window 10 minutes.
SURER = [
    ("09:00", "ben", "the till is 40 euro short", 0.85, 0.0),  # expected
    ("09:02", "anna", "again??", 0.0, 0.9),  # another member reacts
    ("09:20", "carl", "the van's tyre light is on", 0.85, 0.0),  # nobody reacts: false
    ("09:40", "dirk", "the mixer is broken and smoking", 0.99, 0.0),  # expected
]
GRID = [round(0.1 + i * 0.01, 4) for i in range(86)]  # the shipped grid, 0.10 to 0.95
BARS = Thresholds(watch=0.7, answer=0.5, doubt=0.5, reaction=0.5)


def _surer_case(folder: Path) -> tuple[tuning.Conversation, tuning.Scores]:
    path = _transcript(folder, [(clock, user, text, None) for clock, user, text, *_ in SURER])
    sidecar = path.with_suffix(".expected.json")
    written = json.loads(sidecar.read_text("utf-8"))
    nudges = [
        {"channel": "C1", "user": user, "problem_ts": f"2026-03-02T{clock}:00Z"}
        for clock, user in (("09:00", "ben"), ("09:40", "dirk"))
    ]
    sidecar.write_text(json.dumps(written | {"nudges": nudges}), encoding="utf-8")
    [conversation] = tuning.load(folder)
    scores = {
        "problem": [line[3] for line in SURER],
        "proposal": [0.0] * len(SURER),
        "reaction": [line[4] for line in SURER],
    }
    return conversation, scores


def test_the_surer_bar_is_the_lowest_higher_watch_bar_that_nudges_best(tmp_path):
    conversation, scores = _surer_case(tmp_path)
    normal = tuning.measure([conversation], [scores], BARS)
    assert (normal.sent, normal.right) == (3, 2)  # carl's is nudged too

    surer, nudged = tuning.choose_surer([conversation], [scores], BARS, GRID, 0.5)

    # 0.9 and 0.95 both leave carl's problem doubtful (nobody reacts) and keep ben's
    # (anna reacts): the lower one.
    assert surer == 0.9
    assert nudged == NudgeScore(expected=2, sent=2, right=2)
    assert nudged.f_beta(0.5) > normal.f_beta(0.5)
    # Always above the watch bar, even where a higher one does no better; none above
    # the grid's ceiling.
    high = replace(BARS, watch=0.9)
    assert tuning.choose_surer([conversation], [scores], high, GRID, 0.5) == (0.95, nudged)
    top = replace(BARS, watch=0.95)
    assert tuning.choose_surer([conversation], [scores], top, GRID, 0.5) is None


def test_there_is_no_surer_bar_without_a_doubt_path(tmp_path):
    conversation, scores = _surer_case(tmp_path)
    no_doubt = replace(BARS, doubt=None, reaction=None)
    no_reaction = {label: values for label, values in scores.items() if label != "reaction"}

    assert tuning.choose_surer([conversation], [scores], no_doubt, GRID, 0.5) is None
    assert tuning.choose_surer([conversation], [no_reaction], BARS, GRID, 0.5) is None


# Second readings (tests/helpers.TaggedSecondReader): what the first reading finds is
# read again where a nudge hangs on it, and the averages decide.
REREAD = [
    ("09:00", "ben", "#problem #2-problem the VPN drops every ten minutes", None),  # nudged
    ("09:05", "carl", "#problem the canteen is closed", None),  # doubted: anna reacts
    ("09:06", "anna", "#reaction again??", None),
    ("09:20", "dirk", "#problem the mixer grinds", None),  # doubted, nobody reacts
    ("09:40", "erik", "#maybe-problem #2-problem the till is short", None),  # made sure
    ("10:00", "fay", "#problem #2-problem the printer is jammed", "10:00"),
    ("10:02", "gus", "#maybe-proposal #2-proposal shall I order toner?", "10:00"),  # answers
    ("10:30", "hal", "#problem #2-problem the lift is stuck", None),
    ("10:31", "ivo", "#maybe-proposal take the stairs?", None),  # not read as one
    # The first reading takes it for a problem alone; the second for a proposal too.
    ("11:00", "jan", "#problem #maybe-proposal #2-proposal van late, I'll ring them", None),
    # The first reading takes lou's reply for a proposal, the second does not: it answers
    # kim's problem at once, or not at all where answers are checked.
    ("11:30", "kim", "#problem #2-problem the fridge is warm", None),
    ("11:32", "lou", "#proposal ok, I'll wait for the engineer then", None),
]


@pytest.mark.parametrize(
    ("weight", "doubt", "read_from", "expected"),
    [
        (
            0.5,
            0.5,
            None,
            [("ben", "09:00"), ("carl", "09:05"), ("erik", "09:40"), ("hal", "10:30")],
        ),
        # Where the second reading weighs 0.9, a #problem it does not share is no
        # problem (0.1), and anna's reaction to carl's confirms nothing.
        (0.9, 0.5, None, [("ben", "09:00"), ("erik", "09:40"), ("hal", "10:30")]),
        # Erik's #maybe-problem (0.6) under a doubt bar of 0.7 is not watched, so not
        # read again and made sure; unless the second reading reads from 0.5.
        (0.5, 0.7, None, [("ben", "09:00"), ("carl", "09:05"), ("hal", "10:30")]),
        (0.5, 0.7, 0.5, [("ben", "09:00"), ("carl", "09:05"), ("erik", "09:40"), ("hal", "10:30")]),
    ],
)
@pytest.mark.parametrize("checks_answers", [False, True])
def test_simulated_second_readings_are_what_the_real_bot_does_with_them(
    tmp_path, weight, doubt, read_from, expected, checks_answers
):
    from tests.helpers import TaggedSecondReader
    from training.second_reading import effective_scores

    first_bars = Thresholds(watch=0.9, answer=0.5, doubt=doubt, reaction=0.5)
    second_bars = Thresholds(watch=0.75, answer=0.6, doubt=0.45, reaction=0.5)
    path = _transcript(tmp_path, REREAD)
    [conversation] = tuning.load(tmp_path)
    classifier = TaggedClassifier()
    reading = SecondReading(second_bars, 0.2, weight, read_from, checks_answers)
    reader = TaggedSecondReader(reading)
    texts = [line.text for line in conversation.lines]
    scores = classifier.classify_many(texts)
    first = {
        "problem": [s.scores["problem"] for s in scores],
        "proposal": [s.scores["proposal"] for s in scores],
        "reaction": [s.reaction for s in scores],
    }
    found = effective_scores(
        first, reader.scores(texts), first_bars, 0.2, weight, read_from, checks_answers
    )
    simulated = tuning.nudges(
        conversation, found["problem"], found["proposal"], second_bars, found["reaction"]
    )

    sent = replay(classifier, path, first_bars, reader=reader).nudges
    assert simulated == sent
    checked = [("kim", "11:30")] if checks_answers else []
    assert sorted((user, ts[11:16]) for _, user, ts in sent) == expected + checked
    # Without the second reading every #problem is nudged, and gus does not answer fay.
    alone = replay(classifier, path, first_bars, second_reading=False).nudges
    assert {ts[11:16] for _, _, ts in alone} == {
        "09:00", "09:05", "09:20", "10:00", "10:30", "11:00"
    }  # fmt: skip


def test_conversations_added_to_the_tuning_ones_are_named_by_their_folder(tmp_path):
    """`second_reading --also DIR`: a set neither model learnt joins the tuning one under
    names of its own (the held-out set's names repeat the tuning set's), never the tuning
    set itself (the linear model learnt it), never an empty folder."""
    from training.config import ROOT, load_config
    from training.second_reading import _unseen

    tuning_folder = ROOT / load_config().thresholds.tuning
    held_out = tmp_path / "conversations"
    held_out.mkdir()
    _transcript(held_out)
    [added] = _unseen(held_out, tuning_folder)
    assert added.name == "conversations/en-threads"
    assert [line.text for line in added.lines] == [text for _, _, text, _ in LINES]
    with pytest.raises(SystemExit, match="the tuning conversations, learnt by the linear model"):
        _unseen(tuning_folder, tuning_folder)
    with pytest.raises(SystemExit, match="no conversations"):
        _unseen(tmp_path / "nothing", tuning_folder)
