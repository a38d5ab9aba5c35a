"""`make eval`'s short-message section: labels per language, and which problems reach
the watch bar."""

from __future__ import annotations

import pytest

from rules.classifier.trained import TrainedClassifier
from training.dataset import Example
from training.evaluate import PROBES, probe_section


@pytest.fixture(scope="module")
def trained() -> TrainedClassifier:
    return TrainedClassifier.load()


def line(n: int, text: str, lang: str, *labels: str) -> Example:
    return Example(f"p{n}", text, lang, labels, "probe", "probe")


def test_probe_section_counts_what_reaches_the_watch_bar(trained, rule_classifier):
    probe = [
        line(1, "the printer on floor 2 is jammed again", "en", "problem"),
        line(2, "shall we move the stand-up to 9:30?", "en", "proposal"),
        line(3, "thanks, have a nice weekend", "en"),
        line(4, "de verwarming doet het weer niet", "nl", "problem"),
        line(5, "goedemorgen allemaal", "nl"),
    ]
    watch = trained.bars.watch
    scores = [r.scores["problem"] for r in trained.classify_many([e.text for e in probe])]
    assert scores[0] >= watch and scores[3] >= watch  # clear problems, as the test needs
    assert max(scores[1], scores[2], scores[4]) < watch

    section = probe_section(probe, trained, rule_classifier, "tiny.jsonl")
    assert section.startswith("## Probe tiny.jsonl (5 messages written apart from the corpus")
    assert f"en: 1 of 1 problems reach the watch bar ({watch}), and 0 of 2 other" in section
    assert f"nl: 1 of 1 problems reach the watch bar ({watch}), and 0 of 1 other" in section
    [row] = [row for row in section.splitlines() if row.startswith("| en | problem")]
    assert row.startswith("| en | problem | 1.00 | 1.00 | 1.00 |")  # trained P, R, F1


def test_the_probes_are_never_training_data():
    """Training reads data/corpus, the splits, feedback and the tuning conversations;
    the probes live apart from all of them."""
    from training.config import load_config

    config = load_config()
    for folder in (config.corpus, config.splits, config.feedback):
        assert PROBES.resolve() != folder.resolve()
        assert folder.resolve() not in PROBES.resolve().parents
