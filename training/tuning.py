"""Choose the engine's watch and answer bars on written conversations, apart from the
held-out evaluation set (examples/tuning/, not examples/conversations/).

The corpus is not a conversation: its batches answer 88% of problems within three
lines, which makes a lenient answer bar look cheap. Real chat is full of reactions and
questions between a problem and its proposal, so the bars are chosen where that
happens, on transcripts with hand-written expected nudges.

The nudges follow the rule in DESIGN.md exactly (the same one the engine applies):
a problem is answered by a later proposal in the same channel within the window, at
the top level or in the problem's own thread; a message that is both answers itself;
a problem replied in a thread whose problem still waits joins it (rules/problems.py).

The conversations can be training data too (config `tuning_folds`): conversation-shaped
lines teach the model more about chat than corpus lines do. Then each conversation is
scored for the bars by a model fitted without it (`out_of_fold_scores`), so the bars
are still chosen on predictions for text the scoring model never saw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from adapters.console.transcript import TranscriptError, TranscriptLine, read_transcript
from rules.classifier import LABELS
from rules.classifier.normalise import has_own_words
from rules.conversation import Line, previous_indexes
from rules.understanding import Thresholds
from training.dataset import Example, ordered
from training.nudges import Nudge, NudgeScore, read_sidecar

Scores = Mapping[str, Sequence[float]]  # per label (and "reaction"): one score per line
Scorer = Callable[[list[str], list[int | None]], Scores]


@dataclass(frozen=True, slots=True)
class Conversation:
    name: str
    lines: tuple[TranscriptLine, ...]
    window: timedelta
    expected: frozenset[Nudge]
    lang: str
    labels: tuple[tuple[str, ...], ...]  # per line, as the writer labelled it

    def examples(self) -> list[Example]:
        """The lines as training examples: one batch, in the order they were posted."""
        batch = f"tuning-{self.name}"
        return [
            Example(f"{batch}-{n:04d}", line.text, self.lang, labels, "conversation", batch)
            for n, (line, labels) in enumerate(zip(self.lines, self.labels, strict=True), 1)
        ]


def load(folder: Path) -> list[Conversation]:
    """Each transcript with its hand-written labels and nudges; a malformed line is an
    error."""
    conversations = []
    for path in sorted(folder.glob("*.jsonl")):
        lines = []
        with path.open(encoding="utf-8") as transcript:
            for item in read_transcript(transcript):
                if isinstance(item, TranscriptError):
                    raise ValueError(f"{path}: {item}")
                lines.append(item)
        sidecar = read_sidecar(path)
        written = sidecar.labels
        unknown = {label for labels in written.values() for label in labels} - set(LABELS)
        if unknown or set(written) != {line.ts for line in lines}:
            raise ValueError(f"{path}: labels must name every message once, with known labels")
        conversations.append(
            Conversation(
                path.stem,
                tuple(lines),
                sidecar.window,
                sidecar.expected,
                sidecar.language,
                tuple(ordered(written[line.ts]) for line in lines),
            )
        )
    return conversations


def out_of_fold_scores(
    conversations: Sequence[Conversation],
    folds: int,
    fit_without: Callable[[list[Conversation]], Scorer],
) -> list[Scores]:
    """Each conversation's scores from a model fitted without it: `folds` folds, every
    `folds`-th conversation in name order in one (so each holds both languages).
    `fit_without(learnt)` fits on everything else plus the `learnt` conversations and
    returns its scorer, which is used before the next fit."""
    scored: dict[int, Scores] = {}
    folds = max(1, min(folds, len(conversations)))
    for fold in range(folds):
        learnt = [c for i, c in enumerate(conversations) if i % folds != fold]
        score = fit_without(learnt)
        for i in range(fold, len(conversations), folds):
            scored[i] = _read(conversations[i], score)
    return [scored[i] for i in range(len(conversations))]


def score_each(conversations: Sequence[Conversation], score: Scorer) -> list[Scores]:
    """Each conversation's scores from one model."""
    return [_read(conversation, score) for conversation in conversations]


def _read(conversation: Conversation, score: Scorer) -> Scores:
    return score([line.text for line in conversation.lines], previous(conversation))


def nudges(
    conversation: Conversation,
    problem: Sequence[float],
    proposal: Sequence[float],
    bars: Thresholds,
    reaction: Sequence[float] | None = None,
) -> frozenset[Nudge]:
    """The nudges the engine sends with these bars, given each line's scores."""
    doubting = bars.doubt is not None and bars.reaction is not None and reaction is not None
    reactions = reaction if doubting else [0.0] * len(conversation.lines)
    waiting: list[TranscriptLine] = []
    nudged: list[TranscriptLine] = []  # still answered from their own thread
    doubtful: list[TranscriptLine] = []  # nudged only if someone reacts in time
    sent: set[Nudge] = set()
    lines = zip(conversation.lines, problem, proposal, reactions, strict=True)
    for line, p_problem, p_proposal, p_reaction in lines:
        ended = [w for w in waiting + doubtful if line.at > w.at + conversation.window]
        for watch in ended:  # windows that ended before this line
            if watch in waiting:
                sent.add((watch.channel, watch.user, watch.ts))
                waiting.remove(watch)
                nudged.append(watch)
            else:
                doubtful.remove(watch)  # nobody took it up
        is_proposal = p_proposal >= bars.answer
        if is_proposal:
            waiting = [w for w in waiting if not _answers(line, w, top_level=True)]
            doubtful = [w for w in doubtful if not _answers(line, w, top_level=True)]
            nudged = [w for w in nudged if not _answers(line, w, top_level=False)]
        elif doubting and p_reaction >= bars.reaction:
            confirmed = [w for w in doubtful if _reacts_to(line, w)]
            doubtful = [w for w in doubtful if w not in confirmed]
            waiting += confirmed
        # A thread holds one waiting problem: a reply adding to it joins it.
        joins = line.thread is not None and any(
            _own_thread(w) == line.thread and w.channel == line.channel for w in waiting + nudged
        )
        if is_proposal or joins:
            continue
        if p_problem >= bars.watch:
            waiting.append(line)
        elif doubting and p_problem >= bars.doubt:
            doubtful.append(line)
    sent |= {(w.channel, w.user, w.ts) for w in waiting}
    return frozenset(sent)


def _reacts_to(line: TranscriptLine, watch: TranscriptLine) -> bool:
    """Another member's line in the doubtful problem's conversation."""
    if line.channel != watch.channel or line.user == watch.user:
        return False
    if line.thread is None:
        return watch.thread is None
    return line.thread in (watch.ts, watch.thread)


def _own_thread(line: TranscriptLine) -> str:
    return line.thread or line.ts


def _answers(proposal: TranscriptLine, watch: TranscriptLine, *, top_level: bool) -> bool:
    """A proposal answers in the problem's own thread, or (while its window is open)
    at the channel's top level."""
    if proposal.channel != watch.channel:
        return False
    if proposal.thread is None:
        return top_level
    return proposal.thread == _own_thread(watch)


def previous(conversation: Conversation) -> list[int | None]:
    """Each line's previous message, as the bot finds it (rules.conversation)."""
    return previous_indexes(
        Line(
            conversation.name,
            line.channel,
            line.ts,
            line.thread,
            wordless=not has_own_words(line.text),
        )
        for line in conversation.lines
    )


def measure(
    conversations: Sequence[Conversation], scored: Sequence[Scores], bars: Thresholds
) -> NudgeScore:
    """The nudges these bars send over the conversations, against the expected ones."""
    total = NudgeScore(0, 0, 0)
    for conversation, scores in zip(conversations, scored, strict=True):
        got = nudges(
            conversation, scores["problem"], scores["proposal"], bars, scores.get("reaction")
        )
        total = total + NudgeScore(
            len(conversation.expected), len(got), len(got & conversation.expected)
        )
    return total


def coarse(grid: Sequence[float]) -> Sequence[float]:
    """Every 0.05 of the grid: the doubt, reaction and surer bars are searched on it."""
    return grid[:: max(1, round(0.05 / (grid[1] - grid[0])))] if len(grid) > 1 else grid


def choose_bars(
    conversations: Sequence[Conversation],
    scored: Sequence[Scores],
    grid: Sequence[float],
    beta: float,
    min_precision: float | None = None,
) -> tuple[Thresholds, NudgeScore]:
    """The bars that reach `min_precision` with the most recall (a false nudge costs
    more than a missed one); if no pair reaches it, the best F-beta.

    The watch and answer bars are chosen first; then, when the scores hold a
    "reaction" column, the doubt and reaction bars, if a pair of them does better.
    `scored`: each conversation's scores (`score_each`, `out_of_fold_scores`).
    """

    def key(total: NudgeScore) -> tuple:
        precise = min_precision is not None and total.precision >= min_precision
        return (precise, total.recall if precise else total.f_beta(beta), total.precision)

    pairs = [Thresholds(watch=w, answer=a) for w in grid for a in grid]
    best = max(
        ((key(t := measure(conversations, scored, bars)), bars, t) for bars in pairs),
        key=lambda b: b[0],
    )
    if all("reaction" in scores for scores in scored):
        bars = best[1]
        doubts = [
            replace(bars, doubt=d, reaction=r)
            for d in coarse(grid)
            if d < bars.watch
            for r in coarse(grid)
        ]
        for candidate in doubts:
            total = measure(conversations, scored, candidate)
            if key(total) > best[0]:
                best = (key(total), candidate, total)
    return best[1], best[2]


def choose_surer(
    conversations: Sequence[Conversation],
    scored: Sequence[Scores],
    bars: Thresholds,
    grid: Sequence[float],
    beta: float,
) -> tuple[float, NudgeScore] | None:
    """The watch bar of a table that asked for fewer, surer nudges (/nudges fewer),
    with the nudges it sends: the other bars as chosen, the bar on the coarse grid
    above `bars.watch` with the best F-beta (ties: the lower bar). A problem scored
    from `bars.watch` up to it is then doubtful: nudged only if someone reacts.

    With the doubt path on, a higher watch bar costs less recall than it would
    without, which `choose_bars` (watch before doubt) cannot see.

    None without a doubt path (no doubt or reaction bar, or scores without a
    "reaction" column): "fewer" would only drop nudges nobody could confirm.
    """
    doubting = bars.doubt is not None and bars.reaction is not None and bars.watch is not None
    if not doubting or not all("reaction" in scores for scores in scored):
        return None
    above = [w for w in coarse(grid) if w > bars.watch]
    if not above:
        return None
    measured = [(w, measure(conversations, scored, replace(bars, watch=w))) for w in above]
    return max(measured, key=lambda m: (m[1].f_beta(beta), -m[0]))
