"""Nudge precision and recall: what people feel of the classifier.

Two measurements of ground rule 1 (a problem not answered by a proposal gets a nudge):

* `Conversations` replays each corpus batch as a conversation, in line order, with
  a window of N messages instead of minutes (the corpus has no clock). It is cheap
  enough to search a grid of the engine's watch/answer bars.
* `replay` runs the real bot (bootstrap + console Replay, SQLite in memory) over a
  held-out example conversation and returns the nudges it sends, to compare with the
  hand-written expected nudges beside it, and the agreements it offers to record
  (ground rule 3), to compare with those its own consensus rule offers on the
  conversation's hand-written labels (`training.gold`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rules.actions import Outbound, SendNudge, SuggestAgreement, WordToProposer
from rules.classifier import Classifier
from rules.understanding import Thresholds
from training.dataset import Example

if TYPE_CHECKING:
    from bot.service import SecondReader

Nudge = tuple[str, str, str]  # (channel, user, problem_ts)
# (channel, thread_ts or "", proposer, the proposal as the suggestion quotes it)
Suggestion = tuple[str, str, str, str]
# The word to a proposer that some of a larger table agree (rules/consensus.py): the same.
Word = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class NudgeScore:
    expected: int
    sent: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.sent if self.sent else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        return self.f_beta(1.0)

    def f_beta(self, beta: float) -> float:
        """Precision and recall in one number; beta < 1 weighs precision more."""
        p, r = self.precision, self.recall
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0

    def __add__(self, other: NudgeScore) -> NudgeScore:
        return NudgeScore(
            self.expected + other.expected, self.sent + other.sent, self.right + other.right
        )


def interval(
    parts: Sequence[NudgeScore],
    statistic: Callable[[NudgeScore], float],
    *,
    level: float = 0.95,
    draws: int = 2000,
    seed: int = 13,
) -> tuple[float, float]:
    """The `level` interval of `statistic` (precision, recall) over the parts' total, by
    resampling whole parts with replacement: a part is one conversation, because
    whether a nudge is right depends on the rest of its conversation, so its nudges are
    not independent of each other. The same parts and seed give the same interval."""
    if not parts:
        raise ValueError("no conversations to resample")
    counts = np.array([(part.expected, part.sent, part.right) for part in parts])
    picks = np.random.default_rng(seed).integers(0, len(parts), size=(draws, len(parts)))
    values = [statistic(NudgeScore(*(int(n) for n in total))) for total in counts[picks].sum(1)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def compare(expected: Iterable, sent: Iterable) -> NudgeScore:
    expected, sent = set(expected), set(sent)
    return NudgeScore(len(expected), len(sent), len(expected & sent))


# --- the corpus as conversations ------------------------------------------------------


class Conversations:
    """The examples as conversations: each batch in line (id) order, one after another.

    A message is a watched problem when it is a problem and not a proposal (a message
    that is both answers itself); a proposal among the next `window` messages of the
    same batch answers it. Vectorised, so a grid of bars is cheap to search. A team's
    corrections come without their conversation (and may not say whether they propose
    something): they are left out.
    """

    def __init__(self, examples: Sequence[Example], window: int) -> None:
        self.order = np.array(
            sorted(
                (i for i, example in enumerate(examples) if example.in_conversation),
                key=lambda i: examples[i].id,
            ),
            dtype=int,
        )
        batch = np.array([examples[i].batch for i in self.order])
        self.window = window
        # later[k]: the message k places on is in the same batch
        self.later = [
            np.concatenate([batch[k:] == batch[:-k], np.zeros(k, dtype=bool)])
            if k < len(batch)
            else np.zeros(len(batch), dtype=bool)
            for k in range(1, window + 1)
        ]
        self.gold = self.nudged(
            np.array([examples[i].has("problem") for i in self.order]),
            np.array([examples[i].has("proposal") for i in self.order]),
        )

    def nudged(self, problem: np.ndarray, proposal: np.ndarray) -> np.ndarray:
        """Which messages (in conversation order) get a nudge."""
        answered = np.zeros(len(problem), dtype=bool)
        for k, same in enumerate(self.later, start=1):
            answered[:-k] |= proposal[k:] & same[:-k]
        return problem & ~proposal & ~answered

    def simulate(
        self, problem: Sequence[float], proposal: Sequence[float], bars: Thresholds
    ) -> NudgeScore:
        """Nudges with these scores and bars, against nudges with the gold labels."""
        sent = self.nudged(
            np.asarray(problem)[self.order] >= bars.watch,
            np.asarray(proposal)[self.order] >= bars.answer,
        )
        return NudgeScore(int(self.gold.sum()), int(sent.sum()), int((sent & self.gold).sum()))


# --- the real bot on the example conversations ------------------------------------------


class _Collect:
    """A replay output that keeps the first nudge for each problem, every offer to
    record an agreement, and every word to a proposer that some agree."""

    def __init__(self) -> None:
        self.nudges: list[Nudge] = []
        self.suggestions: list[Suggestion] = []
        self.words: list[Word] = []

    def show(self, action: Outbound, at: datetime) -> None:
        if isinstance(action, SendNudge) and not action.again:
            self.nudges.append((action.channel, action.user, action.problem_id))
        elif isinstance(action, SuggestAgreement):
            where = (action.channel, action.thread_id or "")
            self.suggestions.append((*where, action.proposer, action.proposal))
        elif isinstance(action, WordToProposer):
            where = (action.channel, action.thread_id or "")
            self.words.append((*where, action.user or "", action.proposal))

    def note(self, text: str) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Sidecar:
    """What the writer wrote beside a conversation (<name>.expected.json)."""

    expected: frozenset[Nudge]
    window: timedelta
    language: str
    labels: Mapping[str, Sequence[str]]  # each message's ts -> its labels


def read_sidecar(conversation: Path) -> Sidecar:
    written = json.loads(conversation.with_suffix(".expected.json").read_text("utf-8"))
    return Sidecar(
        frozenset((n["channel"], n["user"], n["problem_ts"]) for n in written["nudges"]),
        timedelta(minutes=int(written["window_minutes"])),
        str(written.get("language") or conversation.stem.split("-", 1)[0]),
        written.get("labels", {}),
    )


@dataclass(frozen=True, slots=True)
class Replayed:
    """What the real bot did over one transcript that a measurement compares."""

    nudges: frozenset[Nudge]
    suggestions: frozenset[Suggestion]
    words: frozenset[Word] = frozenset()


def replay(
    classifier: Classifier,
    conversation: Path,
    bars: Thresholds,
    *,
    nudges: str = "normal",
    second_reading: bool = True,
    reader: SecondReader | None = None,
    roster_from_start: bool = False,
    quiet_hours: bool = False,
) -> Replayed:
    """What the real bot does over one transcript with this classifier and these bars:
    the nudges it sends, the agreements it offers to record and its words to proposers;
    every table nudged as readily as `nudges` says (/nudges: normal, fewer, off); with
    the bot's own second reading (the shipped encoder, beside the trained classifier),
    `reader`'s, or none. The table is whoever has posted so far, or, with
    `roster_from_start`, everyone who posts in the transcript, as a synced roster.
    Quiet hours (`GROUNDRULES_QUIET_HOURS`) only with `quiet_hours`: they move a nudge
    due in the night to its end, and the expected nudges were written for which problems
    deserve one, not when; a conversation's clock is its writers' (times as written)."""
    from adapters.console.replay import Replay
    from bot.bootstrap import bootstrap
    from bot.settings import Settings

    window = read_sidecar(conversation).window
    settings = Settings(
        database_url="sqlite://",
        problem_window=window,
        nudges=nudges,
        second_reading=second_reading and reader is None,
        **({} if quiet_hours else {"quiet_hours": "off"}),
    )
    app = bootstrap(settings, classifier=classifier)
    try:
        app.service.engine.thresholds = bars
        if second_reading and reader is not None:
            app.service.reader, app.service.engine.second = reader, reader.second
        output = _Collect()
        player = Replay(app, output)
        if roster_from_start:
            _join_every_poster(app, conversation, player.workspace)
        with conversation.open(encoding="utf-8") as lines:
            player.run(lines)
        return Replayed(
            frozenset(output.nudges), frozenset(output.suggestions), frozenset(output.words)
        )
    finally:
        app.database.dispose()


def nudged_alone(
    classifier: Classifier,
    lines: Sequence[Example],
    bars: Thresholds,
    *,
    second_reading: bool = True,
    reader: SecondReader | None = None,
    window: int = 10,
) -> list[bool]:
    """Whether the real bot, as it runs (by default with its second reading, a normal
    table; `reader`'s, if given), nudges the writer of each line posted alone in a
    channel: a probe's single messages read as the bot would meet them, not only as
    labels."""
    sent = []
    with tempfile.TemporaryDirectory() as folder:
        for n, line in enumerate(lines):
            conversation = Path(folder) / f"{line.lang}-{n:05d}.jsonl"
            posted = {"ts": "2026-03-03T10:00:00Z", "channel": "C-probe", "user": "U-writer",
                      "text": line.text, "thread": None}  # fmt: skip
            conversation.write_text(json.dumps(posted) + "\n", encoding="utf-8")
            expected = {"window_minutes": window, "language": line.lang, "nudges": []}
            conversation.with_suffix(".expected.json").write_text(
                json.dumps(expected), encoding="utf-8"
            )
            replayed = replay(
                classifier, conversation, bars, second_reading=second_reading, reader=reader
            )
            sent.append(bool(replayed.nudges))
    return sent


def _join_every_poster(app, conversation: Path, workspace: str) -> None:
    """Everyone who posts in the transcript joins their channel just before it starts."""
    from adapters.console.transcript import TranscriptLine, read_transcript
    from rules.events import MemberJoined

    with conversation.open(encoding="utf-8") as lines:
        posted = [line for line in read_transcript(lines) if isinstance(line, TranscriptLine)]
    if not posted:
        return
    start = posted[0].at - timedelta(seconds=1)
    for channel, user in sorted({(line.channel, line.user) for line in posted}):
        joined = MemberJoined(
            workspace=workspace, channel=channel, at=start, event_id=f"joined:{channel}:{user}",
            user=user,
        )  # fmt: skip
        app.service.handle(joined)
