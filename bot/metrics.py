"""Prometheus metrics: what operators watch. Served by the HTTP adapters at /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

EVENTS = Counter(
    "groundrules_events_handled", "Events handled, by platform and kind",
    ["platform", "kind"], registry=REGISTRY,
)  # fmt: skip
DUPLICATES = Counter(
    "groundrules_events_duplicate", "Retried events skipped because already handled",
    ["platform"], registry=REGISTRY,
)  # fmt: skip
ACTIONS = Counter(
    "groundrules_actions_delivered", "Outbound actions delivered, by kind",
    ["platform", "kind"], registry=REGISTRY,
)  # fmt: skip
DELIVERY_FAILURES = Counter(
    "groundrules_delivery_failures", "Outbound actions whose delivery failed (retried later)",
    ["platform", "kind"], registry=REGISTRY,
)  # fmt: skip
UNDELIVERABLE = Counter(
    "groundrules_actions_undeliverable", "Outbound actions the platform refuses for good "
    "(set aside, not retried), by kind and the platform's reason",
    ["platform", "kind", "reason"], registry=REGISTRY,
)  # fmt: skip
EVENTS_KEPT = Gauge(
    "groundrules_events_kept", "Events waiting for the database to answer again",
    registry=REGISTRY,
)  # fmt: skip
TIMERS = Counter("groundrules_timers_fired", "Timers fired", registry=REGISTRY)
SECOND_READINGS = Counter(
    "groundrules_second_readings", "Messages read again (done), or left to the first "
    "reading for now because the second reader was busy (deferred)",
    ["outcome"], registry=REGISTRY,
)  # fmt: skip
SECOND_READING_LAG = Histogram(
    "groundrules_second_reading_lag_seconds", "From a message read again to its reading "
    "done: a reply held for it answers no problem until then (nudges are due 10 minutes on)",
    registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)  # fmt: skip
LATENCY = Histogram(
    "groundrules_handler_seconds", "Time to decide on one event (classify, load, decide, store)",
    ["platform"], registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)  # fmt: skip
