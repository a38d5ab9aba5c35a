"""The rule classifier: cue phrases in both languages, negations and look-alikes."""

from __future__ import annotations

import pytest

from rules.classifier import LABELS


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("why is staging down again?", {"problem"}),
        ("de server ligt er weer uit", {"problem"}),
        ("I can't log in to the rota app", {"problem"}),
        ("let's move the stand-up to 9:30", {"proposal"}),
        ("zullen we het rooster omgooien?", {"proposal"}),
        ("ik stel voor dat we vrijdag evalueren", {"proposal"}),
        ("should we ask legal?", {"proposal"}),
        ("I'm worried this will overload the night shift", {"concern"}),
        ("ik maak me zorgen over de privacy", {"concern"}),
        ("+1", {"agreement"}),
        ("akkoord", {"agreement"}),
        ("prima, mits de privacy geregeld is", {"agreement", "concern"}),
        ("the printer is jammed again, let's call the service desk", {"problem", "proposal"}),
    ],
)
def test_rule_classifier_clear_cases(rule_classifier, text, labels):
    assert rule_classifier.classify(text).labels == labels


@pytest.mark.parametrize(
    "text",
    ["no problem!", "geen probleem", "the proposal was sent to the client yesterday",
     "we fixed it", "bezwaar en beroep is verhuisd", "let's see how it goes",
     "laten we eerlijk zijn, het was een mooie dag", "nog eens kijken", "no worries",
     "het voorstel ligt bij de wethouder"],
)  # fmt: skip
def test_rule_classifier_look_alikes_carry_no_label(rule_classifier, text):
    assert rule_classifier.classify(text).labels == frozenset()


def test_rule_classifier_scores_every_label_and_batches_like_single(rule_classifier):
    texts = ["why is staging down again?", "+1", "", "x" * 100_000, "<!channel> :fire: `err`"]
    batch = rule_classifier.classify_many(texts)
    for text, result in zip(texts, batch, strict=True):
        assert set(result.scores) == set(LABELS)
        assert result == rule_classifier.classify(text)


def test_rule_classifier_reads_slack_markup(rule_classifier):
    result = rule_classifier.classify("<@U123> the <https://ci.example.com|CI> is broken again")
    assert "problem" in result.labels


@pytest.mark.parametrize(
    ("text", "lang"), [("+1", ""), ("👍", ""), ("Akkoord", "nl"), ("agreed", "en")]
)
def test_rule_classifier_says_no_language_where_the_words_show_none(rule_classifier, text, lang):
    """ "+1" is no English: the table's language, or the proposal's, decides (rules.speech)."""
    assert rule_classifier.classify(text).lang == lang
    assert rule_classifier.classify(text, lang="nl").lang == "nl"
