"""Which message a message is read after: its thread's last, or the channel's."""

from __future__ import annotations

from rules.conversation import Line, continues, leads, previous_indexes, previous_lines


def test_top_level_messages_follow_each_other_per_channel_and_workspace():
    messages = [
        ("W1", "C1", "1", None),
        ("W1", "C2", "2", None),
        ("W1", "C1", "3", None),
        ("W2", "C1", "4", None),  # another workspace: another conversation
        ("W1", "C1", "5", None),
    ]
    assert previous_indexes(messages) == [None, None, 0, None, 2]


def test_a_first_reply_follows_the_message_that_started_its_thread():
    messages = [
        ("W1", "C1", "1", None),  # a proposal
        ("W1", "C1", "2", None),  # something else at the top level
        ("W1", "C1", "3", "1"),  # first reply under the proposal
        ("W1", "C1", "4", "1"),  # second reply
        ("W1", "C1", "5", None),  # the top level goes on after message 2
    ]
    assert previous_indexes(messages) == [None, 0, 0, 2, 1]


def test_a_parent_whose_thread_id_is_its_own_id_is_top_level():
    assert continues("W1", "C1", "1", "1") == ("W1", "C1", None)
    assert leads("W1", "C1", "1", "1") == (("W1", "C1", None), ("W1", "C1", "1"))
    assert leads("W1", "C1", "2", "1") == (("W1", "C1", "1"),)


def test_a_reply_to_a_thread_never_seen_has_no_previous_message():
    assert previous_indexes([("W1", "C1", "9", "unknown")]) == [None]


def test_a_message_without_words_is_no_ones_context():
    """An image or a sticker between a proposal and "sure": "sure" follows the proposal."""
    messages = [
        Line("W1", "C1", "1"),  # a proposal
        Line("W1", "C1", "2", wordless=True),  # a screenshot
        Line("W1", "C1", "3"),  # "sure"
        Line("W1", "C1", "4", "1", wordless=True),  # a sticker, first in the thread
        Line("W1", "C1", "5", "1"),  # "ok" in the thread
    ]
    assert previous_indexes(messages) == [None, 0, 0, 0, 0]


def test_what_is_remembered_comes_after_the_lines_before_in_the_same_batch():
    remembered = {("W1", "C1", None): "kept", ("W1", "C1", "7"): "thread kept"}
    lines = [Line("W1", "C1", "8"), Line("W1", "C1", "9"), Line("W1", "C1", "10", "7")]
    assert previous_lines(lines, remembered) == ["kept", 0, "thread kept"]


def test_a_reply_follows_the_message_it_answers_where_it_is_known():
    messages = [
        Line("W1", "C1", "1"),  # Alice's proposal
        Line("W1", "C1", "2"),  # Bob's proposal
        Line("W1", "C1", "3", reply_to="1"),  # a yes to Alice's
        Line("W1", "C1", "4", reply_to="1"),  # another: Alice's again, not the yes
        Line("W1", "C1", "5"),  # the channel goes on after the last reply
        Line("W1", "C1", "6", reply_to="99"),  # to a message never seen: the channel's last
        Line("W1", "C1", "7", "T1", reply_to="2"),  # in a thread, to a channel message
    ]
    assert previous_indexes(messages) == [None, 0, 0, 0, 3, 4, 1]
