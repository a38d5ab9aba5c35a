"""The encoder trial's own arithmetic (the trial itself needs torch and is not run here):
how two models' nudge scores are combined, the paired interval of their F1 gap, and the
tuning lines `fit --with-tuning-lines` adds."""

from __future__ import annotations

import numpy as np
import pytest

from training.config import load_config
from training.dataset import key, load_split
from training.encoder import _averaged, _paired_f1_gain, _tuning_lines
from training.nudges import NudgeScore


def test_averaged_mixes_problem_and_proposal_and_keeps_the_rest():
    mine = [
        {
            "problem": np.array([0.9, 0.1]),
            "proposal": np.array([0.2, 0.8]),
            "reaction": np.array([0.3, 0.4]),
        }
    ]
    other = [
        {
            "problem": np.array([0.5, 0.5]),
            "proposal": np.array([0.6, 0.0]),
            "reaction": np.array([0.9, 0.9]),
        }
    ]
    mixed = _averaged(mine, other)
    assert mixed[0]["problem"] == pytest.approx([0.7, 0.3])
    assert mixed[0]["proposal"] == pytest.approx([0.4, 0.4])
    assert mixed[0]["reaction"] == pytest.approx([0.3, 0.4])  # the first model's


def test_a_model_no_better_anywhere_gains_nothing():
    parts = [NudgeScore(3, 4, 2), NudgeScore(2, 2, 2), NudgeScore(5, 3, 1)] * 10
    assert _paired_f1_gain(parts, parts) == (0.0, 0.0)


def test_a_model_right_more_often_in_every_conversation_gains():
    base = [NudgeScore(4, 4, 2)] * 20 + [NudgeScore(2, 3, 1)] * 20
    better = [NudgeScore(4, 4, 3)] * 20 + [NudgeScore(2, 3, 2)] * 20
    low, high = _paired_f1_gain(base, better)
    assert 0 < low <= high
    worse_low, worse_high = _paired_f1_gain(better, base)
    assert worse_low <= worse_high < 0


def test_the_tuning_lines_added_are_labelled_and_repeat_no_dev_or_test_line():
    config = load_config()
    evaluated = {key(e.text) for name in ("dev", "test") for e in load_split(config.splits, name)}
    added = _tuning_lines(config)
    assert len(added) > 4000
    assert not {key(e.text) for e in added} & evaluated
    # Labelled as the tuning conversations mark them: problems and proposals among them.
    assert sum(e.has("problem") for e in added) > 200
    assert sum(e.has("proposal") for e in added) > 200
