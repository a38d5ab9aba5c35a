"""A concern round's message shows the round as it stands, whichever of two processes
delivers last (bot.round_messages): on PostgreSQL each is the real runtime with its own
engine, on one table."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlmodel import Session, select

from bot.models import OutboxRow, now_utc
from bot.runtime import Runtime
from rules.actions import PostConcernRound, UpdateRoundProgress
from rules.events import CommandInvoked, ConcernAnswered, MemberJoined
from tests.conftest import make_app
from tests.helpers import eventually
from tests.standins.lifecycle import PATIENCE_S


class OneChannel:
    """The platform both processes post to: what the round's message shows now. An edit
    can be held on its way (a slow request) while the other process's goes through."""

    def __init__(self) -> None:
        self.shown: dict[str, tuple[int, bool]] = {}  # ref -> (answered, has buttons)
        self.held: asyncio.Event | None = None
        self.holding = asyncio.Event()
        # Called as a post goes out, before its sender has stored where it is.
        self.while_posting: Callable[[], Awaitable[object]] | None = None
        self.failing = 0  # how many edits to refuse
        self.edits = 0

    def process(self) -> Process:
        return Process(self)


class Process:
    name = "test"
    prefix = "W"

    def __init__(self, channel: OneChannel) -> None:
        self.channel = channel

    async def start(self, runtime) -> None:
        self.runtime = runtime

    async def stop(self) -> None:
        pass

    async def deliver(self, action):
        match action:
            case PostConcernRound():
                self.channel.shown["m1"] = (len(action.round.answered), not action.closed)
                if (posting := self.channel.while_posting) is not None:
                    self.channel.while_posting = None
                    await posting()
                return "m1"
            case UpdateRoundProgress():
                key = f"round:{action.round.round_id}"
                if await self.runtime.message_ref(action.workspace, key) is None:
                    return None  # no message to edit yet, as on Slack and Discord
                if self.channel.failing:
                    self.channel.failing -= 1
                    raise ConnectionError("the platform had a bad moment")
                if (held := self.channel.held) is not None:
                    self.channel.held = None  # the next edit goes through
                    self.channel.holding.set()
                    await held.wait()
                closed = getattr(action, "closed", False)  # a progress update once had none
                self.channel.shown["m1"] = (len(action.round.answered), not closed)
                self.channel.edits += 1
        return None


async def runtimes(one, other, channel: OneChannel) -> tuple[Runtime, Runtime]:
    found = []
    for app in (one, other):
        process = channel.process()
        found.append(runtime := Runtime(app, [process]))
        await process.start(runtime)
    return found[0], found[1]


def outbox(app) -> list[OutboxRow]:
    with Session(app.database) as session:
        return list(session.exec(select(OutboxRow)).all())


def answer(user: str, round_id: str) -> ConcernAnswered:
    return ConcernAnswered(workspace="W1", channel="C1", at=now_utc(), event_id=f"a-{user}",
                           user=user, round_id=round_id)  # fmt: skip


async def start_round(runtime: Runtime, members: list[str]) -> str:
    for user in members:
        await runtime.submit(
            MemberJoined(workspace="W1", channel="C1", at=now_utc(), event_id=f"j-{user}",
                         user=user)
        )  # fmt: skip
    delivered = await runtime.submit(
        CommandInvoked(workspace="W1", channel="C1", at=now_utc(), event_id="c1", user="ann",
                       name="round", args="We move standup to 10:00")
    )  # fmt: skip
    [post] = [d.action for d in delivered if isinstance(d.action, PostConcernRound)]
    return post.round.round_id


async def test_round_messages_a_slow_edit_of_one_process_shows_the_others_newer_answer(
    database_url, tagged
):
    one, other = make_app(database_url, tagged), make_app(database_url, tagged)
    channel = OneChannel()
    first, second = await runtimes(one, other, channel)
    try:
        round_id = await start_round(first, ["ann", "ben", "cas", "dan"])
        # Ben's answer is shown by the first process, whose edit is slow on its way ...
        channel.held = released = asyncio.Event()
        slow = asyncio.create_task(first.submit(answer("ben", round_id)))
        await asyncio.wait_for(channel.holding.wait(), PATIENCE_S)
        # ... while Cas's, in the second process, goes through.
        await second.submit(answer("cas", round_id))
        assert channel.shown["m1"] == (2, True)
        released.set()
        await asyncio.wait_for(slow, PATIENCE_S)
        assert channel.shown["m1"] == (2, True)  # not back to 1 of 4
    finally:
        one.database.dispose()
        other.database.dispose()


async def test_round_messages_a_slow_edit_lands_after_the_round_closed_shows_it_closed(
    database_url, tagged
):
    one, other = make_app(database_url, tagged), make_app(database_url, tagged)
    channel = OneChannel()
    first, second = await runtimes(one, other, channel)
    try:
        round_id = await start_round(first, ["ann", "ben", "cas"])
        channel.held = released = asyncio.Event()
        slow = asyncio.create_task(first.submit(answer("ben", round_id)))
        await asyncio.wait_for(channel.holding.wait(), PATIENCE_S)
        await second.submit(answer("cas", round_id))  # the last answer closes the round
        released.set()
        await asyncio.wait_for(slow, PATIENCE_S)
        assert channel.shown["m1"] == (2, False)  # closed: no buttons come back
    finally:
        one.database.dispose()
        other.database.dispose()


async def start_round_answered_while_posting(first, second, members, *, failing: int = 0):
    """The first process posts a round; as the post goes out, and before the first process
    has noted where it is, an answer comes to the second, which finds no message to edit."""
    channel = first.adapters[0].channel
    round_ids: list[str] = []

    async def answered_meanwhile() -> None:
        channel.failing = failing
        [round_id] = [row for row in _open_rounds(second)]
        round_ids.append(round_id)
        await second.submit(answer("ben", round_id))

    channel.while_posting = answered_meanwhile
    await start_round(first, members)
    return round_ids[0]


def _open_rounds(runtime: Runtime) -> list[str]:
    from sqlmodel import Session, select

    from bot.models import RoundRow

    with Session(runtime.app.database) as session:
        return [row.round_id for row in session.exec(select(RoundRow)).all()]


async def test_round_messages_an_answer_while_the_round_is_posted_shows_on_its_post(
    database_url, tagged
):
    one, other = make_app(database_url, tagged), make_app(database_url, tagged)
    channel = OneChannel()
    first, second = await runtimes(one, other, channel)
    try:
        await start_round_answered_while_posting(first, second, ["ann", "ben", "cas"])
        assert channel.shown["m1"] == (1, True)  # not "0 of 2" until the next answer
    finally:
        one.database.dispose()
        other.database.dispose()


async def test_round_messages_showing_an_answer_on_a_new_post_is_tried_again_if_it_fails(
    database_url, tagged
):
    one, other = make_app(database_url, tagged), make_app(database_url, tagged)
    channel = OneChannel()
    first, second = await runtimes(one, other, channel)
    try:
        await start_round_answered_while_posting(first, second, ["ann", "ben", "cas"], failing=1)
        assert channel.shown["m1"] == (0, True)
        # The outbox tries again once the lease of the first process has run out.
        later = one.store.claim_undelivered(now_utc() + timedelta(minutes=10))
        assert [type(d.action) for d in later] == [UpdateRoundProgress]
        await first.deliver_all(later)
        assert channel.shown["m1"] == (1, True)
    finally:
        one.database.dispose()
        other.database.dispose()


async def test_round_messages_a_burst_of_answers_in_one_process_edits_once_for_all_of_them(
    database_url, tagged
):
    """Answers that came while an edit was on its way are shown by the next edit, all of
    them: the edits after it would show the very same, and at a table of thousands a
    burst of answers would edit the message thousands of times, each one waiting out
    the platform's rate limit."""
    one, other = make_app(database_url, tagged), make_app(database_url, tagged)
    channel = OneChannel()
    first, _ = await runtimes(one, other, channel)
    members = ["ann", "ben", "cas", "dan", "eve", "fay"]
    try:
        round_id = await start_round(first, members)
        channel.held = released = asyncio.Event()
        slow = asyncio.create_task(first.submit(answer("ben", round_id)))
        await asyncio.wait_for(channel.holding.wait(), PATIENCE_S)
        rest = [asyncio.create_task(first.submit(answer(user, round_id)))
                for user in ("cas", "dan", "eve")]  # fmt: skip
        turns = first.round_messages._turns

        def all_waiting_for_the_turn() -> bool:
            return turns.waiting(("W1", round_id)) == 3

        await eventually(all_waiting_for_the_turn)
        released.set()
        await asyncio.wait_for(asyncio.gather(slow, *rest), PATIENCE_S)
        assert channel.shown["m1"] == (4, True)
        assert channel.edits == 2  # ben's, then one showing cas, dan and eve
        assert not any(item.delivered_at is None for item in outbox(one))
    finally:
        one.database.dispose()
        other.database.dispose()
