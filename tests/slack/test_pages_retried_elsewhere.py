"""A long summary that failed part-way is finished by another process (bot.sent_steps),
where names render differently (a member renamed meanwhile, a lookup that failed in one
process, a cache an hour old in the other): rendered afresh, its pages would break at
other places, and what moved across a break be posted twice or never. The retry posts
the pages as the first try rendered them, those not posted yet."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.models import now_utc
from rules.actions import PostRoundSummary, RoundView
from tests.slack.conftest import WORKSPACE, Processes
from tests.slack.test_big_tables import CONCERN, PROPOSAL, read
from tests.slack.test_retried_elsewhere import (
    second_summary_page_fails_once,
    steps_on_record,
)
from tests.standins.slack_requests import CHANNEL_ID, USER_ID


def name_members(standins: Processes, members: list[str], display) -> None:
    for n, member in enumerate(members):
        standins.slack.add_user(member, f"m{n}", real_name=f"Member Number {n:03d}",
                                 display_name=display(n))  # fmt: skip


LONG = lambda n: f"{n:03d} " + "a long display name " * 4  # noqa: E731
SHORT = lambda n: f"m{n}"  # noqa: E731


@pytest.mark.parametrize("before, after", [(LONG, SHORT), (SHORT, LONG)])
async def test_a_summary_finished_by_another_process_after_a_rename_shows_every_concern(
    processes: Processes,
    before,
    after,
):
    one = await processes.start()
    members = [f"U-M{n:03d}" for n in range(60)]
    name_members(processes, members, before)
    processes.slack.set_members(CHANNEL_ID, [USER_ID, *members, "U-BOT"])
    view = RoundView(
        round_id="r1", proposal=PROPOSAL, proposer=USER_ID, thread_id=None,
        deadline=datetime(2030, 1, 1, tzinfo=UTC), participants=tuple(members),
        no_concerns=(), concerns=tuple((m, f"{n:03d} {CONCERN}") for n, m in enumerate(members)),
    )  # fmt: skip
    summary = PostRoundSummary(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en", round=view,
                               outcome="concerns", suggest_agreement=False)  # fmt: skip
    pages = second_summary_page_fails_once(processes.slack)
    one.groundrules.store.enqueue(summary, now_utc())
    assert await one.retry_undelivered() == 1  # the first page goes, the second fails
    assert len(pages) == 1 and "post:0" in steps_on_record(one)

    # The members change their display names; another process takes the retry over.
    name_members(processes, members, after)
    two = await processes.start()
    assert await two.retry_undelivered() == 1
    shown = read(pages)
    counts = {n: shown.count(f"{n:03d} it worries me") for n in range(len(members))}
    assert all(c == 1 for c in counts.values())
    # The pages after the first, from either process, open with their heading.
    opening = pages[0].params["text"].split("\n")[0].removesuffix(":")
    heading = f"(continued) {opening}\n"
    assert len(pages) > 2 and all(p.params["text"].startswith(heading) for p in pages[1:])
