"""The live runtime: ticking, delivery through adapters, the outbox, health."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import aiohttp
import pytest
from sqlmodel import Session, col, select

from bot.health import HealthServer
from bot.models import OutboxRow
from bot.runtime import Runtime
from rules.actions import SendNudge
from rules.events import MessagePosted
from tests.conftest import make_app
from tests.helpers import eventually
from tests.standins.lifecycle import PATIENCE_S


class RecordingAdapter:
    """A platform that records what it is asked to deliver; fails on demand."""

    name = "test"
    prefix = "W"

    def __init__(self) -> None:
        self.delivered: list = []
        self.fail = False

    async def start(self, runtime) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def deliver(self, action):
        if self.fail:
            raise ConnectionError("platform down")
        self.delivered.append(action)
        return "ref-1"


def problem(event_id: str, minutes_ago: int) -> MessagePosted:
    from bot.models import now_utc

    return MessagePosted(
        workspace="W1", channel="C1", at=now_utc() - timedelta(minutes=minutes_ago),
        event_id=event_id, user="ben", message_id=event_id, text="#problem the VPN is down",
    )  # fmt: skip


async def test_runtime_tick_nudges_after_the_window_and_delivers_through_the_adapter(
    tmp_path, tagged
):
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    adapter = RecordingAdapter()
    runtime = Runtime(app, [adapter])
    await runtime.submit(problem("p1", minutes_ago=11))
    assert await runtime.tick() == 1
    [nudge] = adapter.delivered
    assert isinstance(nudge, SendNudge) and nudge.user == "ben"
    assert await runtime.tick() == 0  # delivered once, marked so


async def test_runtime_keeps_what_a_platform_outage_failed_to_deliver(tmp_path, tagged):
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    adapter = RecordingAdapter()
    runtime = Runtime(app, [adapter])
    await runtime.submit(problem("p2", minutes_ago=11))
    adapter.fail = True
    await runtime.tick()
    assert adapter.delivered == []
    adapter.fail = False
    # the retry comes after a back-off; ask the store as a later tick would
    from bot.models import now_utc

    later = app.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    await runtime.deliver_all(later)
    assert [type(a).__name__ for a in adapter.delivered] == ["SendNudge"]


async def test_runtime_delivers_what_timers_said_past_an_outbox_row_it_cannot_read(
    tmp_path, tagged
):
    from bot.models import now_utc
    from tests.bot.test_storage import unreadable_outbox_row

    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    unreadable_outbox_row(app, now_utc() - timedelta(minutes=5))  # a newer version's
    adapter = RecordingAdapter()
    runtime = Runtime(app, [adapter])
    await runtime.submit(problem("p3", minutes_ago=11))
    await runtime.tick()
    assert [type(a).__name__ for a in adapter.delivered] == ["SendNudge"]


async def test_runtime_delivers_what_timers_said_when_claiming_the_outbox_fails(tmp_path, tagged):
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    adapter = RecordingAdapter()
    runtime = Runtime(app, [adapter])
    await runtime.submit(problem("p4", minutes_ago=11))

    def unreachable(now):
        raise ConnectionError("the database went away for a moment")

    app.store.claim_undelivered = unreachable
    await runtime.tick()
    assert [type(a).__name__ for a in adapter.delivered] == ["SendNudge"]


async def test_runtime_after_a_restart_a_round_is_posted_before_its_summary_as_closed(
    tmp_path, tagged
):
    from bot.models import now_utc
    from rules.actions import PostConcernRound, PostRoundSummary
    from rules.events import CommandInvoked, MemberJoined

    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    started = now_utc() - timedelta(hours=25)  # the round's deadline passed while down
    for user in ("ann", "ben", "cas"):
        app.service.handle(MemberJoined(workspace="W1", channel="C1", at=started,
                                        event_id=f"join-{user}", user=user))  # fmt: skip
    # Decided and stored; the process stopped before delivering the round's post.
    app.service.handle(
        CommandInvoked(workspace="W1", channel="C1", at=started, event_id="c1", user="ann",
                       name="round", args="We move standup to 10:00")
    )  # fmt: skip
    adapter = RecordingAdapter()
    runtime = Runtime(app, [adapter])  # back up
    await runtime.tick()

    posts = [a for a in adapter.delivered if isinstance(a, PostConcernRound | PostRoundSummary)]
    post, summary = posts
    assert isinstance(post, PostConcernRound) and isinstance(summary, PostRoundSummary)
    # Shown as it ended, without buttons to answer a round that no longer listens.
    assert post.closed and post.round == summary.round


async def test_runtime_a_platform_configured_again_gets_no_stale_messages(tmp_path, tagged):
    from bot.models import now_utc

    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    # Three days ago, with no process serving this platform: the nudge was never sent.
    posted = now_utc() - timedelta(days=3)
    event = problem("p5", minutes_ago=0)
    app.service.handle(replace(event, at=posted))
    [never_sent] = app.service.fire_due_timers(posted + timedelta(minutes=11))
    assert isinstance(never_sent.action, SendNudge)

    adapter = RecordingAdapter()
    runtime = Runtime(app, [adapter])  # the platform is served again
    await runtime.tick()
    assert adapter.delivered == []


async def test_runtime_runs_a_health_server_when_no_adapter_serves_http(tmp_path, tagged):
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    runtime = Runtime(app, [RecordingAdapter()])
    server = HealthServer(runtime.healthy, port=0, host="127.0.0.1")
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                assert response.status == 200
                assert await response.json() == {"database": "ok"}
            async with session.get(f"http://127.0.0.1:{server.port}/metrics") as response:
                assert "groundrules_events_handled" in await response.text()
    finally:
        await server.stop()


async def test_runtime_run_stops_cleanly(tmp_path, tagged):
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    app.settings.http_port = 0
    runtime = Runtime(app, [RecordingAdapter()])
    task = asyncio.create_task(runtime.run())
    await asyncio.sleep(0)
    runtime.stop()
    await asyncio.wait_for(task, timeout=10)


class NeverStarting(RecordingAdapter):
    """A platform whose start waits for ever (Slack's Socket Mode, unreachable)."""

    def __init__(self) -> None:
        super().__init__()
        self.starting = asyncio.Event()
        self.stopped = False

    async def start(self, runtime) -> None:
        self.starting.set()
        await asyncio.Event().wait()

    async def stop(self) -> None:
        self.stopped = True


async def test_runtime_stopped_while_an_adapter_starts_stops_it_and_starts_no_other(
    tmp_path, tagged
):
    """`stop()` was heard only once every start had returned."""
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    app.settings.http_port = 0
    waiting, next_one = NeverStarting(), NeverStarting()
    runtime = Runtime(app, [waiting, next_one])
    task = asyncio.create_task(runtime.run())
    await asyncio.wait_for(waiting.starting.wait(), PATIENCE_S)
    runtime.stop()
    await asyncio.wait_for(task, PATIENCE_S)
    assert waiting.stopped  # what its start opened is closed
    assert not next_one.starting.is_set() and not next_one.stopped


async def test_runtime_first_tick_sweeps_corrections_past_their_retention(tmp_path, tagged):
    from sqlmodel import Session, select

    from bot.models import CorrectionRow, now_utc

    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged, correction_retention=timedelta(days=30))
    with Session(app.database) as session:
        for days in (31, 29):
            session.add(
                CorrectionRow(
                    workspace="W1", channel="C1", user="ben", text=f"{days} days ago",
                    label="problem", applies=False, created_at=now_utc() - timedelta(days=days),
                )
            )  # fmt: skip
        session.commit()
    await Runtime(app, [RecordingAdapter()]).tick()
    with Session(app.database) as session:
        assert session.exec(select(CorrectionRow.text)).all() == ["29 days ago"]


async def test_runtime_decides_events_in_one_worker_in_the_order_they_came(tmp_path, tagged):
    """One thread of its own, not asyncio's shared pool: in order, and one allocator
    arena instead of six."""
    import threading

    from bot.runtime import WORKER_THREAD

    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    handled: list[tuple[str, str]] = []
    handle = app.service.handle

    def recording(event):
        handled.append((threading.current_thread().name, event.event_id))
        return handle(event)

    app.service.handle = recording
    runtime = Runtime(app, [RecordingAdapter()])
    ids = [f"p{n}" for n in range(12)]
    await asyncio.gather(*(runtime.submit(problem(i, minutes_ago=1)) for i in ids))
    assert [event_id for _, event_id in handled] == ids
    assert {thread for thread, _ in handled} == {f"{WORKER_THREAD}_0"}


async def test_runtime_one_process_per_platform_leaves_the_others_outbox_alone(
    tmp_path, tagged, monkeypatch
):
    """`groundrules run slack` beside `groundrules run discord` on one database: the
    Slack process cannot deliver a Discord nudge, so it does not claim (and hold) it."""
    from bot import runtime as runtime_module
    from bot.models import now_utc

    url = f"sqlite:///{tmp_path}/rt.db"
    slack, discord = RecordingAdapter(), RecordingAdapter()
    slack.prefix, discord.prefix = "slack:", "discord:"
    slack_process = Runtime(make_app(url, tagged), [slack])
    discord_process = Runtime(make_app(url, tagged), [discord])
    await discord_process.submit(replace(problem("p1", minutes_ago=11), workspace="discord:42"))
    discord.fail = True  # its first attempt fails: the nudge waits in the outbox
    await discord_process.tick()

    later = now_utc() + timedelta(minutes=5)
    monkeypatch.setattr(runtime_module, "now_utc", lambda: later)
    assert await slack_process.tick() == 0
    discord.fail = False
    assert await discord_process.tick() == 1
    assert [type(a).__name__ for a in discord.delivered] == ["SendNudge"]
    assert slack.delivered == []


async def test_runtime_one_process_per_platform_fires_only_its_own_timers(tmp_path, tagged, caplog):
    """A Discord table's nudge timer is fired by the Discord process, which can deliver
    it at once; before, the Slack process fired it, could not deliver it ("no adapter")
    and the nudge waited out the outbox lease."""
    url = f"sqlite:///{tmp_path}/rt.db"
    slack, discord = RecordingAdapter(), RecordingAdapter()
    slack.prefix, discord.prefix = "slack:", "discord:"
    slack_process = Runtime(make_app(url, tagged), [slack])
    discord_process = Runtime(make_app(url, tagged), [discord])
    await discord_process.submit(replace(problem("p1", minutes_ago=11), workspace="discord:42"))
    await slack_process.submit(replace(problem("p2", minutes_ago=11), workspace="slack:T1"))

    with caplog.at_level("WARNING", logger="bot.runtime"):
        assert await slack_process.tick() == 1
    assert "no adapter" not in caplog.text
    assert [a.workspace for a in slack.delivered] == ["slack:T1"]
    assert await discord_process.tick() == 1
    assert [(type(a).__name__, a.workspace) for a in discord.delivered] == [
        ("SendNudge", "discord:42")
    ]


# --- keeping an outbox item claimed while delivering it ----------------------------------


class SlowAdapter(RecordingAdapter):
    """A platform whose first delivery waits until the test opens `gate` (a rate limit
    being waited out, say); `sending` tells when it started."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.sending = asyncio.Event()

    async def deliver(self, action):
        if not self.delivered:
            self.sending.set()
            await self.gate.wait()
        return await super().deliver(action)


@pytest.fixture
def short_lease(monkeypatch) -> timedelta:
    """A 7 s lease, renewed every 0.2 s, ours until 3.5 s before it ends. Each side is
    longer than a busy machine may stall the process: a delivery that could not renew
    for 1.5 s (a 2 s lease) lost its claim, and one given up with 0.5 s to spare was
    given up after its lease ended."""
    import bot.store
    from bot import leases

    monkeypatch.setattr(bot.store, "DELIVERY_LEASE", timedelta(seconds=7))
    monkeypatch.setattr(leases, "RENEW_EVERY", timedelta(seconds=0.2))
    monkeypatch.setattr(leases, "MARGIN", timedelta(seconds=3.5))
    return bot.store.DELIVERY_LEASE


def outbox_rows(app) -> list[OutboxRow]:
    with Session(app.database) as session:
        return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))).all())


async def test_runtime_a_slow_delivery_keeps_its_batch_claimed_for_as_long_as_it_takes(
    tmp_path, tagged, short_lease
):
    """A tick delivers three overdue nudges one after another, and the first waits
    longer than the lease. Another process's tick takes none of them meanwhile; all go
    out once, in order."""
    url = f"sqlite:///{tmp_path}/rt.db"
    slow, other = SlowAdapter(), RecordingAdapter()
    first, second = Runtime(make_app(url, tagged), [slow]), Runtime(make_app(url, tagged), [other])
    for n in range(3):
        await first.submit(replace(problem(f"p{n}", minutes_ago=11), channel=f"C{n}"))
    delivering = asyncio.create_task(first.tick())
    await asyncio.wait_for(slow.sending.wait(), PATIENCE_S)
    # Past the leases they were given, once the renewals have moved them on, another
    # process's tick claims none of them.
    past = max(row.next_attempt_at for row in outbox_rows(first.app)) + timedelta(seconds=0.5)
    await eventually(lambda: all(row.next_attempt_at > past for row in outbox_rows(first.app)))
    assert second.app.store.claim_undelivered(past) == []
    assert await second.tick() == 0
    slow.gate.set()
    assert await delivering == 3
    assert [a.channel for a in slow.delivered] == ["C0", "C1", "C2"]
    assert other.delivered == []
    assert all(row.delivered_at is not None for row in outbox_rows(first.app))


async def test_runtime_a_claim_taken_over_stops_its_delivery_quietly(
    tmp_path, tagged, short_lease, caplog
):
    """Another process took the nudge over (its lease had run out: this one could not
    renew it): the send under way stops, and nothing is marked, failed or delivered."""
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    slow = SlowAdapter()
    runtime = Runtime(app, [slow])
    await runtime.submit(problem("p1", minutes_ago=11))
    delivering = asyncio.create_task(runtime.tick())
    await asyncio.wait_for(slow.sending.wait(), PATIENCE_S)
    with Session(app.database) as session:
        [row] = session.exec(select(OutboxRow)).all()
        row.claim = "another process's"
        session.add(row)
        session.commit()
    assert await asyncio.wait_for(delivering, PATIENCE_S) == 1
    assert slow.delivered == []
    [row] = outbox_rows(app)
    assert (row.claim, row.delivered_at, row.attempts, row.last_error) == (
        "another process's", None, 0, None,
    )  # fmt: skip
    assert "no longer this process's to deliver" in caplog.text


async def test_runtime_a_lease_it_cannot_renew_is_given_up_before_it_ends(
    tmp_path, tagged, short_lease
):
    """The database does not answer the renewals: the send under way stops before the
    lease runs out, when another process may take the item over."""
    from bot.models import now_utc

    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    slow = SlowAdapter()
    runtime = Runtime(app, [slow])
    await runtime.submit(problem("p1", minutes_ago=11))

    def unreachable(claims, until):
        raise ConnectionError("the database went away")

    app.store.renew_claims = unreachable
    stopped = []
    send = slow.deliver

    async def deliver(action):
        try:
            return await send(action)
        except asyncio.CancelledError:
            stopped.append(now_utc())
            raise

    slow.deliver = deliver
    assert await asyncio.wait_for(runtime.tick(), PATIENCE_S) == 1
    assert slow.delivered == []
    [row] = outbox_rows(app)
    assert (row.delivered_at, row.attempts) == (None, 0)
    assert stopped[0] < row.next_attempt_at  # the lease it was written with
