"""Durable timers with several bot processes on one database: each fires exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlmodel import Session, func, select

from bot.models import TimerRow
from rules.actions import SendNudge
from tests.conftest import make_app
from tests.helpers import Chat, at

PROBLEMS = 120


# Each problem nudged at its own time, its timer done: one person's would wait their turn
# (rules.pacing), their timers moved on, pending still.
EACH_ON_TIME = {"nudge_pacing": timedelta(0)}


def seed_problems(app) -> None:
    chat = Chat(app)
    for n in range(PROBLEMS):
        minute, second = divmod(n, 60)
        chat.say(f"user{n % 7}", f"#problem broken thing {n}", f"09:{minute:02d}:{second:02d}",
                 message_id=f"m{n}", channel=f"C{n % 5}")  # fmt: skip


def run_tickers(apps, now) -> Counter:
    fired: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(apps))

    def ticker(app) -> None:
        start.wait()
        while (deliveries := app.service.fire_next_timer(now)) is not None:
            with lock:
                for d in deliveries:
                    if isinstance(d.action, SendNudge):
                        fired[(d.action.channel, d.action.problem_id)] += 1

    threads = [threading.Thread(target=ticker, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return fired


def assert_each_fired_once(first, fired: Counter) -> None:
    assert len(fired) == PROBLEMS
    assert set(fired.values()) == {1}
    with Session(first.database) as session:
        pending = session.exec(
            select(func.count()).select_from(TimerRow).where(TimerRow.fired_at.is_(None))
        ).one()
        workers = session.exec(select(TimerRow.fired_by).distinct()).all()
    assert pending == 0
    return workers


def test_two_tickers_on_postgresql_fire_each_timer_exactly_once(postgres_url, tagged):
    first = make_app(postgres_url, tagged, **EACH_ON_TIME)
    second = make_app(postgres_url, tagged, **EACH_ON_TIME)
    first.service.worker, second.service.worker = "ticker-a", "ticker-b"
    seed_problems(first)
    fired = run_tickers([first, second], at("09:30"))
    workers = assert_each_fired_once(first, fired)
    # both really worked (SKIP LOCKED let them share), not one after the other
    assert set(workers) == {"ticker-a", "ticker-b"}


def test_two_tickers_on_one_sqlite_file_fire_each_timer_exactly_once(tmp_path, tagged):
    url = f"sqlite:///{tmp_path}/shared.db"
    first, second = make_app(url, tagged, **EACH_ON_TIME), make_app(url, tagged, **EACH_ON_TIME)
    first.service.worker, second.service.worker = "ticker-a", "ticker-b"
    seed_problems(first)
    fired = run_tickers([first, second], at("09:30"))
    assert_each_fired_once(first, fired)


def test_a_timer_not_yet_due_does_not_fire(app):
    chat = Chat(app)
    chat.say("ben", "#problem broken", "09:00")
    assert app.service.fire_next_timer(at("09:10") - timedelta(seconds=1)) is None
    assert app.service.fire_next_timer(at("09:10")) is not None


def test_a_process_per_platform_fires_only_its_platforms_timers(database_url, tagged):
    """`groundrules run slack` beside `groundrules run discord`: each fires the timers of
    its own workspaces, which it can deliver; the console and a replay fire them all."""
    slack, discord = make_app(database_url, tagged), make_app(database_url, tagged)
    Chat(slack, workspace="slack:T1").say("ben", "#problem the VPN is down", "09:00")
    Chat(discord, workspace="discord:42").say("ben", "#problem the VPN is down", "09:01")
    Chat(discord, workspace="discord:42_%").say("ann", "#problem lights are out", "09:02")

    def fired(app, prefixes) -> list[str]:
        deliveries = app.service.fire_due_timers(at("10:00"), prefixes=prefixes)
        return [delivery.action.workspace for delivery in deliveries]

    assert fired(slack, ["slack:"]) == ["slack:T1"]
    assert fired(slack, ["slack:"]) == []
    assert fired(discord, ["discord:42_"]) == ["discord:42_%"]  # "_" is no wildcard
    assert fired(discord, None) == ["discord:42"]
    for app in (slack, discord):
        app.database.dispose()
