"""The progress line of a concern round when not every name fits: how many more, in
the form its number takes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.presenting import progress_text
from rules.actions import RoundView
from rules.i18n import render


def view(waiting: int) -> RoundView:
    return RoundView(
        round_id="r1", proposal="pin the image", proposer="p", thread_id=None,
        deadline=datetime(2026, 3, 3, tzinfo=UTC),
        participants=tuple(f"u{n}" for n in range(1, waiting + 1)), no_concerns=(), concerns=(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("waiting", "lang", "line"),
    [(3, "en", "0 of 3 answered; waiting for u1, u2 and 1 more."),
     (5, "en", "0 of 5 answered; waiting for u1, u2 and 3 more."),
     (3, "nl", "0 van 3 geantwoord; we wachten nog op u1, u2 en 1 ander lid."),
     (5, "nl", "0 van 5 geantwoord; we wachten nog op u1, u2 en 3 andere leden.")],
)  # fmt: skip
def test_progress_counts_the_members_not_named_in_their_plural(waiting, lang, line):
    """Dutch said "we wachten nog op u1, u2 en nog 3": "nog" twice."""
    assert render(progress_text(view(waiting), names=2), lang, name_of=str) == line
