"""The nudge simulation that chooses the engine's bars follows the engine itself."""

from __future__ import annotations

import json
from pathlib import Path

from rules.understanding import Thresholds
from tests.helpers import TaggedClassifier
from training import tuning
from training.nudges import replay

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


def _transcript(folder: Path) -> Path:
    path = folder / "en-threads.jsonl"
    stamp = "2026-03-02T{}:00Z".format
    with path.open("w", encoding="utf-8") as out:
        for clock, user, text, thread in LINES:
            line = {"ts": stamp(clock), "channel": "C1", "user": user, "text": text}
            out.write(json.dumps(line | {"thread": thread and stamp(thread)}) + "\n")
    expected = {"window_minutes": 10, "language": "en", "labels": {}, "nudges": []}
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

    sent = replay(classifier, path, bars)
    assert simulated == sent
    assert sorted((user, ts[11:16]) for _, user, ts in sent) == [
        ("anna", "09:50"),
        ("ben", "09:00"),
        ("hal", "10:33"),
    ]
