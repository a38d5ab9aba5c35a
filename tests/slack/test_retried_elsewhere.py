"""An action that fails part-way on Slack and is retried by another process, or after a
restart (a new store and runtime on the same database): the retry sends only the pages
and reminder DMs that did not go out (bot.sent_steps), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.models import SentStep, now_utc
from rules.actions import PostRoundSummary, RoundView
from tests.slack.conftest import BOB, CAROL, WORKSPACE, Processes, SlackBot
from tests.slack.test_big_tables import CONCERN, PROPOSAL, each_concern_once, read, seat
from tests.slack.test_rounds import reminder_dms, start_round
from tests.standins.slack_api import SlackCall, SlackError, SlackStandIn
from tests.standins.slack_requests import CHANNEL_ID, USER_ID


def steps_on_record(bot: SlackBot) -> list[str]:
    with Session(bot.groundrules.database) as session:
        return sorted(row.step for row in session.exec(select(SentStep)))


def second_summary_page_fails_once(slack: SlackStandIn) -> list[SlackCall]:
    """Slack has a bad moment at the summary's second page; the pages it took."""
    builtin = slack._builtin["chat.postMessage"]
    taken: list[SlackCall] = []
    tried = {"pages": 0}

    def answer(params):
        if "Concern from" in str(params.get("text")):
            tried["pages"] += 1
            if tried["pages"] == 2:
                raise SlackError("internal_error")
            taken.append(SlackCall("chat.postMessage", params))
        return builtin(params)

    slack.respond_with("chat.postMessage", answer)
    return taken


async def test_a_round_summary_failed_part_way_is_finished_by_another_process(
    processes: Processes,
):
    one = await processes.start()
    members = seat(one, 60)  # a summary of several pages
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
    # The first page went; the second's going out is on record (a retry looks for it).
    assert len(pages) == 1
    assert steps_on_record(one) == ["post:0", "post:0:going", "post:1:going", "post:pages"]

    two = await processes.start()  # another process claims the retry
    assert await two.retry_undelivered() == 1
    assert len(pages) >= 3
    assert each_concern_once(pages, members)  # the first page not again
    assert read(pages).count("The concern round on this proposal") == 1
    assert await one.retry_undelivered() == 0  # delivered
    assert steps_on_record(two) == []


REMIND_NOW = {"reminder_delay": timedelta(0), "max_reminders": 1}


async def test_a_reminder_failed_for_one_member_reaches_only_them_after_a_restart(
    processes: Processes,
):
    one = await processes.start(**REMIND_NOW)
    await start_round(one)
    processes.slack.fail_next("conversations.open", "internal_error")
    await one.tick()  # Bob's DM (the first) fails; Carol's goes out
    assert reminder_dms(one) == [CAROL]
    assert steps_on_record(one) == [CAROL]

    await processes.stop(one)
    two = await processes.start(**REMIND_NOW)  # the bot restarted
    assert await two.retry_undelivered() == 1
    assert reminder_dms(two) == [BOB, CAROL]  # Bob now; Carol not twice
    assert await two.retry_undelivered() == 0
    assert steps_on_record(two) == []
