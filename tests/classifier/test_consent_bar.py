"""The consent bar is chosen where the bot's offers to record an agreement best match
the offers its consensus rule makes on the hand-written labels (training/consent_bar.py)."""

from __future__ import annotations

import pytest

from rules.understanding import Thresholds
from tests.helpers import MAYBE_AGREEMENT_SCORE, TaggedClassifier, write_table_conversation
from training.consent_bar import Fold, choose_consent, offers

MORNING = [
    ("ben", "morning all", []),
    ("cid", "morning!", []),
    ("dan", "coffee's on", []),
]


@pytest.fixture
def conversations(tmp_path):
    """Two tables: at one, "ok" after an instruction reads (weakly) as agreement but
    was written as none; at the other the table truly agrees."""
    told = write_table_conversation(
        tmp_path,
        [
            *MORNING,
            ("ann", "#proposal ben, can you send the rota today?", ["proposal"]),
            ("ben", "#maybe-agreement ok", []),
            ("cid", "#maybe-agreement ok", []),
        ],
        name="en-told",
    )
    agreed = write_table_conversation(
        tmp_path,
        [
            *MORNING,
            ("ann", "#proposal shall we move the stand-up to 9:30?", ["proposal"]),
            ("ben", "#agreement fine by me", ["agreement"]),
            ("cid", "#agreement yes please", ["agreement"]),
        ],
        name="en-agreed",
    )
    return [Fold(TaggedClassifier(), [told, agreed])]


def test_at_the_label_the_instruction_is_offered_too(conversations):
    found = offers(conversations, Thresholds())
    assert (found.expected, found.sent, found.right) == (1, 2, 1)


def test_the_chosen_bar_lies_above_the_weak_agreements(conversations):
    bar, found = choose_consent(conversations, Thresholds(), 0.5, [0.0, 0.05, 0.2, 0.4])
    # 0.5 and 0.55 offer the instruction too; 0.7 and 0.9 offer only the agreement:
    # alike, so the smaller margin.
    assert MAYBE_AGREEMENT_SCORE < bar == 0.7
    assert (found.expected, found.sent, found.right) == (1, 1, 1)


def test_a_bar_past_every_score_is_capped_and_no_margins_is_an_error(conversations):
    bar, found = choose_consent(conversations, Thresholds(), 0.9, [0.3])
    assert bar == 1.0 and found.sent == 1  # the tags score 1.0: certain consent
    with pytest.raises(ValueError):
        choose_consent(conversations, Thresholds(), 0.5, [])
