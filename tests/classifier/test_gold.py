"""The agreements the bot should offer to record follow from a conversation's
hand-written labels by the engine's own consensus rule (training/gold.py)."""

from __future__ import annotations

from rules.understanding import Thresholds
from tests.helpers import TaggedClassifier, write_table_conversation
from training.gold import SidecarLabels, expected_suggestions
from training.nudges import compare, replay

PROPOSAL = "#proposal shall we move the stand-up to 9:30?"
# Who is at the table: the members a majority is counted among.
MORNING = [
    ("ben", "morning all", []),
    ("cid", "morning!", []),
    ("dan", "coffee's on", []),
]


def test_a_proposal_most_of_the_table_agrees_with_is_expected_to_be_offered(tmp_path):
    path = write_table_conversation(
        tmp_path,
        [
            *MORNING,
            ("ann", PROPOSAL, ["proposal"]),
            ("ben", "#agreement fine by me", ["agreement"]),
            ("cid", "#agreement yes please", ["agreement"]),
        ],
    )

    [(channel, thread, proposer, proposal)] = expected_suggestions(path)

    assert (channel, thread, proposer) == ("C1", "", "ann")
    assert "stand-up to 9:30" in proposal


def test_an_open_concern_means_no_offer_is_expected(tmp_path):
    path = write_table_conversation(
        tmp_path,
        [
            *MORNING,
            ("ann", PROPOSAL, ["proposal"]),
            ("ben", "#agreement fine by me", ["agreement"]),
            ("cid", "#concern only if it stays under 15 minutes", ["concern"]),
            ("dan", "#agreement sure", ["agreement"]),
        ],
    )

    assert expected_suggestions(path) == frozenset()


def test_the_bot_is_measured_against_the_labels_not_against_itself(tmp_path):
    """The tags are what the bot reads; the labels beside them what was meant."""
    path = write_table_conversation(
        tmp_path,
        [
            *MORNING,
            ("ann", PROPOSAL, ["proposal"]),
            ("ben", "#agreement fine by me", ["agreement"]),
            ("cid", "#agreement if it stays under 15 min", ["concern"]),
            ("dan", "#agreement ok", ["agreement"]),
        ],
    )

    offered = replay(TaggedClassifier(), path, Thresholds(), second_reading=False)
    score = compare(expected_suggestions(path), offered.suggestions)

    assert len(offered.suggestions) == 1  # the bot counted cid's concern as consent
    assert (score.expected, score.sent, score.right) == (0, 1, 0)


def test_a_repeated_text_takes_each_line_its_own_labels_in_order(tmp_path):
    path = write_table_conversation(
        tmp_path,
        [
            ("ann", "ok", ["agreement"]),
            ("ben", "the printer is out of toner", ["problem"]),
            ("cid", "ok", []),
        ],
    )
    labelled = SidecarLabels(path)

    read = labelled.classify_many(["ok", "the printer is out of toner", "ok", "ok"])

    assert [c.labels for c in read] == [
        frozenset({"agreement"}),
        frozenset({"problem"}),
        frozenset(),
        frozenset(),  # more times than the transcript holds it: no label
    ]
    assert read[1].scores["problem"] == 1.0 and read[1].scores["proposal"] == 0.0
    assert {c.lang for c in read} == {"en"}


def test_make_eval_counts_the_offers_against_the_labels(monkeypatch, tmp_path):
    from training.evaluate import suggestion_section

    write_table_conversation(
        tmp_path,
        [
            *MORNING,
            ("ann", PROPOSAL, ["proposal"]),
            ("ben", "#agreement fine by me", ["agreement"]),
            ("cid", "#agreement if it stays under 15 min", ["concern"]),
        ],
    )
    monkeypatch.setattr("training.evaluate.CONVERSATIONS", tmp_path)

    section = suggestion_section({"tagged": (TaggedClassifier(), Thresholds(), False)})

    assert section.startswith("## Agreements offered for recording, the same 1 conversations")
    [row] = [row for row in section.splitlines() if row.startswith("| tagged | all |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:5] == ["0", "1", "0"]  # expected, offered, right
