"""Wiring in one place: settings -> classifier, engine, database, store, service."""

from __future__ import annotations

import functools
import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine as Database
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_delay,
    wait_exponential,
)

from bot.database import make_engine, reason, will_not_heal
from bot.default_nights import held_for_new_defaults
from bot.migrate import upgrade, upgrade_apart
from bot.service import SecondReader, Service
from bot.settings import Settings, load_settings
from bot.store import Store
from bot.table_zones import reviews_at_nine
from rules.classifier import Classifier
from rules.engine import Engine
from rules.understanding import BAR_NAMES, SecondReading, Thresholds

log = logging.getLogger(__name__)


@dataclass
class Groundrules:
    settings: Settings
    classifier: Classifier
    database: Database
    store: Store
    service: Service
    second_reader: SecondReader | None = None


def build_classifier(name: str) -> Classifier:
    if name == "rules":
        from rules.classifier.rule_based import RuleClassifier

        return RuleClassifier()
    if name == "trained":
        from rules.classifier.trained import TrainedClassifier

        return TrainedClassifier.load()
    raise ValueError(f"unknown classifier {name!r}")


def engine_thresholds(settings: Settings, classifier: Classifier) -> Thresholds:
    """The settings' bars win; else the ones the classifier was tuned with (if any)."""
    return _tuned(classifier).where_set(_chosen(settings))


def second_reading_bars(
    settings: Settings, classifier: Classifier, second: SecondReading
) -> SecondReading:
    """The second reading's own bars (bars.json), each moved as the settings moved the
    first reading's (SecondReading.following): a GROUNDRULES_*_THRESHOLD holds on both."""
    return second.following(_tuned(classifier), _chosen(settings))


def _tuned(classifier: Classifier) -> Thresholds:
    return getattr(classifier, "bars", Thresholds())


def _chosen(settings: Settings) -> Thresholds:
    """The bars the settings set (GROUNDRULES_*_THRESHOLD); None where unset."""
    return Thresholds(**{name: getattr(settings, f"{name}_threshold") for name in BAR_NAMES})


def second_reader(settings: Settings, classifier: Classifier) -> SecondReader | None:
    """The shipped encoder (rules/classifier/encoder/), to read again what a nudge hangs
    on: only beside the trained classifier, whose scores its bars were tuned with."""
    if not settings.second_reading:
        return None
    if classifier.name != "trained":
        log.warning(
            "no second reading: it reads beside the trained classifier, not %r", classifier.name
        )
        return None
    try:
        reader = _shipped_encoder()
    except FileNotFoundError as missing:
        log.warning("no second reading: %s", missing)
        return None
    if reader.second is None:
        log.warning("no second reading: the encoder has no bars (bars.json)")
        return None
    return reader


@functools.cache
def _shipped_encoder() -> SecondReader:
    """One copy per process: it reads, it keeps no state (a replay per conversation,
    as `make eval` runs, shares it)."""
    from rules.classifier.encoder import EncoderReader

    return EncoderReader.load()


def wait_for_database(database: Database, *, patience: float = 60) -> None:
    """A container may start before its database accepts connections: wait up to
    `patience` seconds for one that may yet, saying why (again only when the reason
    changes). One that never will (`will_not_heal`: no such database, file or role, a
    wrong password) is raised at once, for the command line to name in one line."""
    said: list[str] = []

    def waiting(state: RetryCallState) -> None:
        why = reason(state.outcome.exception())  # type: ignore[union-attr, arg-type]
        if not said or said[-1] != why:
            log.warning("database not reachable yet: %s; waiting up to %g s", why, patience)
            said.append(why)

    for attempt in Retrying(
        retry=retry_if_exception(
            lambda error: isinstance(error, OperationalError) and not will_not_heal(error)
        ),
        wait=wait_exponential(multiplier=0.5, max=5),
        stop=stop_after_delay(patience),
        reraise=True,
        before_sleep=waiting,
    ):
        with attempt, database.connect() as connection:
            connection.execute(text("SELECT 1"))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def bootstrap(
    settings: Settings | None = None,
    *,
    classifier: Classifier | None = None,
    migrate: bool = True,
    migrate_apart: bool = False,
    worker: str | None = None,
    wait: bool = True,
    started_at: datetime | None = None,
    applies_defaults: bool = True,
) -> Groundrules:
    """`migrate_apart`: bring the schema up to date in a child process, so that a
    long-running bot never holds Alembic (`bot.migrate.upgrade_apart`). `wait`: for a
    database that does not answer yet, up to a minute (a container's, at start-up); a
    command run by hand does not wait. `started_at`: now, unless a test says when.
    `applies_defaults`: GROUNDRULES_TIMEZONE and _QUIET_HOURS are the bot's, and the
    timers they hold are set for them; not for a command run beside the bot on its
    database (`groundrules spool replay`), from a shell that may set others."""
    settings = settings or load_settings()
    classifier = classifier or build_classifier(settings.classifier)
    database = make_engine(settings.database_url)
    if wait:
        wait_for_database(database)
    if migrate:
        (upgrade_apart if migrate_apart else upgrade)(database)
    if applies_defaults:
        # GROUNDRULES_TIMEZONE may have changed since the reviews to come were scheduled.
        reviews_at_nine(database, settings.timezone, settings.quiet_hours)
        # ... and GROUNDRULES_QUIET_HOURS: what the old night held waits for its end.
        held_for_new_defaults(
            database, settings.timezone, settings.quiet_hours, started_at or datetime.now(UTC)
        )
    store = Store(database, settings.table_defaults())
    reader = second_reader(settings, classifier)
    engine = Engine(
        classifier,
        engine_thresholds(settings, classifier),
        second=None if reader is None else second_reading_bars(settings, classifier, reader.second),
    )
    if settings.nudges == "fewer" and not engine.fewer_helps:
        log.warning(
            "GROUNDRULES_NUDGES=fewer nudges as often as normal: the %s classifier has no "
            "surer bar (set GROUNDRULES_SURER_THRESHOLD, or use the trained classifier)",
            classifier.name,
        )
    service = Service(engine, store, worker=worker or worker_name(), reader=reader)
    return Groundrules(settings, classifier, database, store, service, reader)
