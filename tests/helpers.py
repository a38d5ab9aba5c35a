"""Test helpers: a classifier that reads labels from the text, and a chat driver."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import numpy as np
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlmodel import SQLModel

from bot.bootstrap import Groundrules
from bot.presenting import plain
from rules.actions import Outbound
from rules.classifier import LABELS, Classification
from rules.events import (
    CommandInvoked,
    ConcernAnswered,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
    ProposalAdded,
    UndoAsked,
    WhyAsked,
)
from rules.language import detect_language
from rules.understanding import SecondReading, Thresholds
from tests.standins.lifecycle import PATIENCE_S

_TAG = re.compile(
    r"#(problem|proposal|concern|agreement|maybe-problem|maybe-proposal|maybe-agreement|reaction)\b"
)
# A problem score between the bars of `DOUBTING` (a doubtful problem), and a reaction.
MAYBE_PROBLEM_SCORE = 0.6
# A proposal score under every answer bar here, that a second reading may lift.
MAYBE_PROPOSAL_SCORE = 0.3
# An agreement label scored under a consent bar (Thresholds.consent) of `CONSENTING`.
MAYBE_AGREEMENT_SCORE = 0.6


class TaggedClassifier:
    """Labels come from #problem / #proposal tags in the text, so engine tests say
    exactly what the message is, independent of any classifier's judgement.
    `#maybe-problem` scores as a doubtful problem under `DOUBTING`, `#maybe-agreement`
    as an agreement that is no consent under `CONSENTING`, and `#reaction` as a
    reaction to a problem."""

    name = "tagged"
    # A tag is certain, so every #problem is one a table asking for fewer nudges hears
    # of; #maybe-problem is a problem only under bars that say so (SURER).
    bars = Thresholds(surer=0.9)

    def classify(
        self, text: str, *, lang: str | None = None, previous: Classification | None = None
    ) -> Classification:
        tags = frozenset(_TAG.findall(text))
        labels = tags & frozenset(LABELS)
        scores = {label: 1.0 if label in labels else 0.0 for label in LABELS}
        if "maybe-problem" in tags and "problem" not in labels:
            scores["problem"] = MAYBE_PROBLEM_SCORE
        if "maybe-proposal" in tags and "proposal" not in labels:
            scores["proposal"] = MAYBE_PROPOSAL_SCORE
        if "maybe-agreement" in tags and "agreement" not in labels:
            labels |= {"agreement"}
            scores["agreement"] = MAYBE_AGREEMENT_SCORE
        reaction = 1.0 if "reaction" in tags else 0.0
        language = lang or detect_language(_TAG.sub("", text))
        return Classification(labels, scores, language, None, reaction)

    def classify_many(self, texts: Iterable[str], *, lang: str | None = None, previous=None):
        return [self.classify(text, lang=lang) for text in texts]

    def reasons(self, text: str, label: str, *, read_after=None) -> tuple[str, ...]:
        """The tag that gave `label` ("#maybe-problem" for a doubtful problem) and the
        two words after it, as they stand: reasons are the writer's own words."""
        given = {label, "maybe-problem"} if label == "problem" else {label}
        for found in _TAG.finditer(text):
            if found[1] in given:
                return (found[0], *text[found.end() :].split()[:2])
        return ()


class TaggedSecondReader:
    """A second reader (bot.service.SecondReader) that scores 1.0 for each label tagged
    `#2-<label>` and 0.0 for the rest; it keeps what it read."""

    def __init__(self, second: SecondReading) -> None:
        self.second = second
        self.read: list[str] = []
        self.threads: list[str] = []  # the thread of each reading

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        self.read += texts
        self.threads.append(threading.current_thread().name)
        return np.array(
            [[float(f"#2-{label}" in text) for label in LABELS] for text in texts], np.float32
        )


# Bars under which `#maybe-problem` is doubtful and `#reaction` confirms it.
DOUBTING = Thresholds(watch=0.9, answer=0.5, doubt=0.5, reaction=0.5)
# Bars under which `#maybe-problem` is a problem, and a doubtful one at a table that
# asked for fewer nudges; `#problem` is sure enough for any table.
SURER = Thresholds(watch=0.5, answer=0.5, doubt=0.3, reaction=0.5, surer=0.9)
# Bars under which `#maybe-agreement` is an agreement but no consent, and `#agreement`
# both.
CONSENTING = Thresholds(consent=0.8)


DAY = datetime(2026, 3, 2, tzinfo=UTC)


def forget_dialects() -> int:
    """Empty what SQLAlchemy keeps for the life of the process per dialect (per engine),
    as a bot process's end does; how many entries it held.

    A bot has an engine or two for good, a test run one per test, and two of those keep
    every dialect they met: each mapper's cache of the INSERTs and UPDATEs its flushes
    compiled (100 of them, keyed by dialect), and PostgreSQL's reflection queries, an
    `lru_cache` of 128 a method, keyed by the dialect their inspector asked through (the
    migrations' checks). Kept, they held each finished test's dialect alive, and through
    it every column type it adapted (some 350 objects a test): at the end of tests/slack
    280,000 objects, that each full collection walked for up to a second on a busy
    machine while a stand-in's event loop waited."""
    held = 0
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        cache = mapper.__dict__.get("_compiled_cache")  # made at a mapper's first flush
        if cache is not None:
            held += len(cache)
            cache.clear()
    for kind in PGDialect.__mro__:
        for method in vars(kind).values():
            if callable(getattr(method, "cache_clear", None)):
                held += method.cache_info().currsize
                method.cache_clear()
    return held


def at(clock: str, day: datetime = DAY) -> datetime:
    """ "09:14" or "09:14:05" on the test day, UTC."""
    parts = [int(p) for p in clock.split(":")]
    hours, minutes, seconds = [*parts, 0, 0][:3]
    return day + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def on_the_next_day(due: datetime, set_for: timedelta) -> bool:
    """Whether a moment set `set_for` ahead falls on the next day in UTC (the tests'
    table zone): the bot then names its day too ("tomorrow at 00:35")."""
    return due.date() != (due - set_for).date()


def _clock(message_id: str) -> datetime | None:
    """A message id that is a clock time ("09:00"): when that message was posted."""
    try:
        return at(message_id)
    except ValueError:
        return None


def statements_during(engine, step) -> list[str]:
    """Every statement the database is asked while `step()` runs."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        step()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def writes(statements: list[str]) -> list[str]:
    """Those of `statements` that change something, or take SQLite's write lock."""
    return [s for s in statements if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
            or s.split() == ["BEGIN", "IMMEDIATE"]]  # fmt: skip


@dataclass
class Chat:
    """Drives the real service like an adapter would, collecting what the bot does."""

    app: Groundrules
    workspace: str = "W1"
    channel: str = "C1"
    sent: list[tuple[datetime, Outbound]] = field(default_factory=list)
    _ids: count = field(default_factory=lambda: count(1))

    def _deliver(self, deliveries) -> list[Outbound]:
        actions = []
        for delivery in deliveries:
            self.app.store.mark_delivered(delivery.outbox_id, delivery.at)
            self.sent.append((delivery.at, delivery.action))
            actions.append(delivery.action)
        return actions

    def event_id(self) -> str:
        return f"e{next(self._ids)}"

    def say(
        self,
        user: str,
        text: str,
        when: str,
        *,
        thread: str | None = None,
        message_id: str | None = None,
        channel: str | None = None,
        reply_to: str | None = None,
    ) -> list[Outbound]:
        """`reply_to`: the message it replies to, as a Discord reply names it."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = MessagePosted(
            workspace=self.workspace, channel=channel or self.channel, at=moment,
            event_id=self.event_id(), user=user, message_id=message_id or when, text=text,
            thread_id=thread, reply_to=reply_to,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def edit(
        self,
        user: str,
        message_id: str,
        text: str,
        when: str,
        *,
        thread: str | None = None,
        reply_to: str | None = None,
    ) -> list[Outbound]:
        """As the adapters do, the edit carries when its message was posted: its id, a
        clock time in these tests (as a Slack ts or a Discord snowflake tells it)."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = MessageEdited(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, message_id=message_id, text=text, thread_id=thread,
            posted_at=_clock(message_id), reply_to=reply_to,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def delete(self, message_id: str, when: str) -> list[Outbound]:
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = MessageDeleted(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            message_id=message_id,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def leave(self, user: str, when: str) -> list[Outbound]:
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = MemberLeft(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def command(
        self,
        user: str,
        line: str,
        when: str | datetime,
        *,
        thread: str | None = None,
        edited: bool = False,
        lang: str | None = None,
    ):
        """`when`: a clock time on the test day, or any moment; `edited`: the command's
        message edited after it was sent (a Slack mention); `lang`: the language of the
        member's client (Slack's locale, Discord's)."""
        moment = at(when) if isinstance(when, str) else when
        self.tick(moment - timedelta(microseconds=1))
        name, _, args = line.lstrip("/").partition(" ")
        event = CommandInvoked(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, name=name, args=args, thread_id=thread, edited=edited, lang=lang,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def answer(
        self, user: str, round_id: str, concern: str | None, when: str, *, lang: str | None = None
    ):
        """A round's button or form; `lang`: the language it was shown in."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = ConcernAnswered(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, round_id=round_id, concern=concern, lang=lang,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def ask_why(self, user: str, problem_id: str, when: str) -> list[Outbound]:
        """ "Why?" on the nudge about `problem_id`."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = WhyAsked(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, problem_id=problem_id,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def snooze(self, user: str, problem_id: str, when: str) -> list[Outbound]:
        """ "Snooze" on the nudge about `problem_id` (the default span)."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = NudgeSnoozed(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, problem_id=problem_id,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def relabel(
        self, user: str, problem_id: str, when: str, *, has_proposal: bool = False
    ) -> list[Outbound]:
        """ "Not a problem" (or "It has a proposal") on the nudge about `problem_id` (a
        button sends no text)."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = MessageRelabelled(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, message_id=problem_id, text="",
            label="proposal" if has_proposal else "problem", applies=has_proposal,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def undo(
        self, user: str, problem_id: str, when: str, *, has_proposal: bool = False
    ) -> list[Outbound]:
        """ "Undo" under the thanks for a "Not a problem" (or "It has a proposal") about
        `problem_id`."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = UndoAsked(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, message_id=problem_id, proposes=has_proposal,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def add_proposal(
        self, user: str, problem_id: str, text: str, when: str, *,
        posted: str | None = None, thread: str | None = None,
    ) -> list[Outbound]:  # fmt: skip
        """A proposal written in the nudge's form about `problem_id`, which the adapter
        posted for its author as message `posted` (in `thread`)."""
        moment = at(when)
        self.tick(moment - timedelta(microseconds=1))
        event = ProposalAdded(
            workspace=self.workspace, channel=self.channel, at=moment, event_id=self.event_id(),
            user=user, problem_id=problem_id, text=text, message_id=posted, thread_id=thread,
        )  # fmt: skip
        return self._deliver(self.app.service.handle(event))

    def join(self, *users: str, when: str = "08:00") -> None:
        for user in users:
            event = MemberJoined(
                workspace=self.workspace, channel=self.channel, at=at(when),
                event_id=self.event_id(), user=user,
            )  # fmt: skip
            self._deliver(self.app.service.handle(event))

    def tick(self, until: datetime | str) -> list[Outbound]:
        """Fire every timer due up to `until`, each at its own due time."""
        moment = at(until) if isinstance(until, str) else until
        actions = []
        while (fired := self.app.service.fire_next_timer(moment, simulated=True)) is not None:
            actions += self._deliver(fired)
        return actions

    def of_type(self, kind: type) -> list:
        return [action for _, action in self.sent if isinstance(action, kind)]

    def texts(self) -> list[str]:
        return [plain(action) for _, action in self.sent]


def write_conversation(folder: Path, name: str, lines: list[tuple[str, list[str]]]) -> Path:
    """A written conversation (examples/tuning's format): one channel, a message a
    minute, each with its labels, and no nudges written down."""
    stamp = "2026-03-02T09:{:02d}:00Z".format
    transcript = folder / f"{name}.jsonl"
    with transcript.open("w", encoding="utf-8") as out:
        for n, (text, _) in enumerate(lines):
            line = {"ts": stamp(n), "channel": "C1", "user": "ann", "text": text, "thread": None}
            out.write(json.dumps(line) + "\n")
    labels = {stamp(n): written for n, (_, written) in enumerate(lines)}
    sidecar = {"window_minutes": 10, "language": name[:2], "labels": labels, "nudges": []}
    transcript.with_suffix(".expected.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return transcript


def write_table_conversation(
    folder: Path, lines: list[tuple[str, str, list[str]]], name: str = "en-standup"
) -> Path:
    """A written conversation among several members: one channel, a message a minute,
    each line (user, text, the labels written beside it), and no nudges written down."""
    stamp = "2026-03-02T09:{:02d}:00Z".format
    path = folder / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n, (user, text, _) in enumerate(lines):
            line = {"ts": stamp(n), "channel": "C1", "user": user, "text": text, "thread": None}
            out.write(json.dumps(line) + "\n")
    labels = {stamp(n): written for n, (_, _, written) in enumerate(lines)}
    sidecar = {"window_minutes": 10, "language": name[:2], "labels": labels, "nudges": []}
    path.with_suffix(".expected.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return path


async def eventually(check, *, timeout: float = PATIENCE_S) -> None:
    """Wait until `check()` is true: for work a platform's listener does after its
    reply (Bolt acknowledges events before its listeners finish)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"{check.__name__} stayed false for {timeout} s")
        await asyncio.sleep(0.02)


def raw_controls(output: str) -> list[str]:
    """Control characters a terminal would act on, written raw in `output` (JSON's own
    line breaks aside): C0, DEL and C1 (0x9b opens a sequence as ESC [ does)."""
    return [c for c in output if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]


def through_with_dms(runtime) -> Callable[[], int]:
    """Counts the deliveries of words typed in the bot's DM that `runtime` is through
    with (`Runtime.answering_dm`: answered, found answered already, or failed): what a
    test waits for before it shows that a delivery said nothing, rather than a sleep
    a busy machine may overrun. Returns how many so far."""
    answering_dm = runtime.answering_dm
    through = [0]

    @asynccontextmanager
    async def counted(workspace: str, answer_id: str):
        try:
            async with answering_dm(workspace, answer_id) as answering:
                yield answering
        finally:
            through[0] += 1

    runtime.answering_dm = counted
    return lambda: through[0]


def slack_texts(*nodes: object) -> list[str]:
    """What Slack shows (and parses for mentions) in blocks or a view: the text fields,
    not button values or private metadata."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and "text" in node:
                found.append(str(node["text"]))
            for key, value in node.items():
                if key not in ("value", "private_metadata"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for node in nodes:
        walk(node)
    return found
