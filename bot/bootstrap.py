"""Wiring in one place: settings -> classifier, engine, database, store, service."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from sqlalchemy import Engine as Database

from bot.database import make_engine
from bot.migrate import upgrade
from bot.service import Service
from bot.settings import Settings, load_settings
from bot.store import Store
from rules.classifier import Classifier
from rules.engine import Engine


@dataclass
class Groundrules:
    settings: Settings
    classifier: Classifier
    database: Database
    store: Store
    service: Service


def build_classifier(name: str) -> Classifier:
    if name == "rules":
        from rules.classifier.rule_based import RuleClassifier

        return RuleClassifier()
    raise ValueError(f"unknown classifier {name!r}")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def bootstrap(
    settings: Settings | None = None,
    *,
    classifier: Classifier | None = None,
    migrate: bool = True,
    worker: str | None = None,
) -> Groundrules:
    settings = settings or load_settings()
    classifier = classifier or build_classifier(settings.classifier)
    database = make_engine(settings.database_url)
    if migrate:
        upgrade(database)
    store = Store(database, settings.table_defaults())
    service = Service(Engine(classifier), store, worker=worker or worker_name())
    return Groundrules(settings, classifier, database, store, service)
