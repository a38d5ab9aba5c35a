"""The engine's first step: what an event means (a message's labels, a command's parse)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from rules.classifier import Classification
from rules.events import CommandInvoked, Event, MessageEdited, MessagePosted
from rules.fingerprints import message_fingerprint
from rules.grammar import CommandSpec, Parsed, UnknownCommand, UsageError


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The bars for acting, apart from the classifier's own label thresholds.

    A nudge needs a higher bar than a label (a false nudge annoys a whole team), and a
    proposal answers at a lower one (a missed proposal also causes a false nudge).
    None means: use the classifier's labels as they are.
    """

    watch: float | None = None
    answer: float | None = None
    # A problem score from `doubt` up to `watch` is a doubtful problem: it is watched
    # quietly and nudged only if another member reacts to it as to a problem (a
    # reaction score of at least `reaction`) while its window is open. None: off.
    doubt: float | None = None
    reaction: float | None = None
    # The watch bar of a table that asked for fewer, surer nudges (/nudges fewer): a
    # problem scored from `watch` up to it is treated there as a doubtful one. None:
    # such a table is nudged like any other.
    surer: float | None = None
    # The agreement score at which a reply counts as consent to the proposal before it,
    # a bar above the label's: an "on it" or "perfect, thank you" the model is unsure of
    # is no table agreeing (training/RESULTS.md, "Consent, a bar above agreement").
    # None: the agreement label.
    consent: float | None = None

    def where_set(self, chosen: Thresholds) -> Thresholds:
        """These bars, with each one `chosen` sets (not None) in its place."""
        return Thresholds(
            **{
                name: getattr(self, name)
                if getattr(chosen, name) is None
                else getattr(chosen, name)
                for name in BAR_NAMES
            }
        )


# What a second reading revisits: the two labels a nudge hangs on.
READ_AGAIN = ("problem", "proposal")
# A watched problem one of whose clauses reads as a proposal this surely (both readings
# averaged: bot.clause_reading) proposed something itself. Above the answer bar: the
# likeliest of several clauses is high by chance more often than one whole message
# (training/RESULTS.md, "Clauses read one by one"). Only for the message's own problem:
# a reply's clause answers nobody else's.
CLAUSE_BAR = 0.80


@dataclass(frozen=True, slots=True)
class SecondReading:
    """A slower, better model's second reading of the messages a nudge hangs on.

    A problem, once watched, is read again, and so is a reply that may answer a waiting
    problem (one scoring at least `answer_from` as a proposal: under the answer bar, and
    above it too where it `checks_answers`).
    The two readings' problem and proposal scores are combined, each weighing its share,
    and held to `bars` (the two models err in different places: training/RESULTS.md).
    """

    bars: Thresholds
    answer_from: float
    # The second reading's share of the combined score. A half (a plain average) lets no
    # first score under 2 * watch - 1 reach the watch bar, however sure the second
    # reading is (training/RESULTS.md, "The second reading weighed more").
    weight: float = 0.5
    # A message the first reading scores from this as a problem, under its doubt bar, is
    # watched quietly too, so that it is read again: the second reading finds problems
    # the first scores low. None: read from the first reading's doubt bar.
    read_from: float | None = None
    # A reply the first reading takes for a proposal is read again too before it answers
    # a waiting problem: a reply that only looks like an offer ("ok, I'll wait then")
    # would otherwise answer it, and its author never hears from the bot. False: such a
    # reply answers at once, on the first reading alone.
    checks_answers: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"the second reading's weight must be within 0..1, not {self.weight}")

    def first_bars(self, first: Thresholds) -> Thresholds:
        """The first reading's bars while this one reads again: its doubt bar down to
        `read_from`. Not where doubting is off (no doubt bar, or one at or above the
        watch bar): there no message waits for a reaction, nor for this reading."""
        if self.read_from is None or not _doubting(first):
            return first
        return replace(first, doubt=min(first.doubt, self.read_from))

    def may_answer(self, message: Message) -> bool:
        """A reply the first reading does not take for a proposal but the second might
        (or one it does take for a proposal, held for this reading: `holds_answer`): read
        again if a problem it could answer waits."""
        score = message.classification.scores.get("proposal", 0.0)
        held = self.holds_answer(message)
        return (held or not message.is_proposal) and score >= self.answer_from

    def holds_answer(self, message: Message) -> bool:
        """A proposal that answers nothing until this reading has read it again."""
        return (
            self.checks_answers and message.is_proposal and isinstance(message.event, MessagePosted)
        )

    def combined(self, first: Mapping[str, float], second: Mapping[str, float]) -> dict[str, float]:
        """The problem and proposal scores the engine acts on once both readings are in."""
        own = 1.0 - self.weight
        return {
            label: own * first.get(label, 0.0) + self.weight * second.get(label, 0.0)
            for label in READ_AGAIN
        }

    def following(self, tuned: Thresholds, chosen: Thresholds) -> SecondReading:
        """These bars where an operator chose some of the first reading's (`chosen`, None
        where not; `tuned`: the ones the classifier came with): each chosen one moves its
        bar here in proportion (0 stays 0, 1 stays 1, the tuned value leaves it as it
        is), so that a lower watch bar nudges more on both readings. Doubting is off here
        when it is off in the first reading (no doubt bar, or one at or above the watch
        bar): then no reread makes a problem wait for someone to react to it."""
        moved = {
            name: _moved(getattr(self.bars, name), getattr(tuned, name), getattr(chosen, name))
            for name in BAR_NAMES
        }
        if not _doubting(tuned.where_set(chosen)):
            moved["doubt"] = None
        return replace(self, bars=Thresholds(**moved))


def _doubting(bars: Thresholds) -> bool:
    """Whether a problem under the watch bar may wait for a reaction: a doubt bar under
    the watch bar."""
    return bars.doubt is not None and bars.watch is not None and bars.doubt < bars.watch


def _moved(own: float | None, tuned: float | None, chosen: float | None) -> float | None:
    """The second reading's bar `own` after the first reading's moved from `tuned` to
    `chosen`: by the same share of the way towards 0 or towards 1."""
    if chosen is None or chosen == tuned:
        return own
    if own is None or tuned is None:
        return chosen
    if chosen < tuned:
        return round(own * chosen / tuned, 4)
    return round(own + (1 - own) * (chosen - tuned) / (1 - tuned), 4)


# The bars by name, as a trained model's meta and the settings give them.
BAR_NAMES = ("watch", "answer", "doubt", "reaction", "surer", "consent")


def describe_bars(bars: Thresholds) -> str:
    """ "watch=0.72 answer=0.56 doubt=0.5 reaction=0.6", the bars that are set."""
    return " ".join(
        f"{name}={value}" for name in BAR_NAMES if (value := getattr(bars, name)) is not None
    )


def stance_of(result: Classification, consent: float | None = None) -> str | None:
    """The side a reply takes on the proposal before it: "concern", "agree" (an
    agreement score of at least `consent`; None: the agreement label) or None. A concern
    outweighs consent in the same message ("fine, as long as …")."""
    if "concern" in result.labels:
        return "concern"
    if consent is None:
        return "agree" if "agreement" in result.labels else None
    return "agree" if result.scores.get("agreement", 0.0) >= consent else None


@dataclass(frozen=True, slots=True)
class Message:
    """A posted or edited message with the classifier's judgement."""

    event: MessagePosted | MessageEdited
    # The judgement itself; the next message of the conversation is read after it.
    classification: Classification
    is_proposal: bool
    is_problem: bool  # a problem that still needs a proposal: it opens a watch
    is_doubtful_problem: bool = False  # perhaps a problem: watched until someone reacts
    is_reaction: bool = False  # reads as a reaction to a problem just raised
    # A problem over the surer bar: a table that asked for fewer nudges watches only
    # these as problems, and the rest of `is_problem` as doubtful ones.
    is_sure_problem: bool = False
    # The text-alone scores of the message it was read after (None: read alone), kept
    # with a watch so that "Why?" explains the very score the bot acted on.
    read_after: Mapping[str, float] | None = None
    # Set for a problem (sure or doubtful): the table may have said such a message was
    # not a problem before (rules.fingerprints).
    fingerprint: str | None = None
    # The side it takes on the proposal before it (rules.consensus): "concern", "agree"
    # or None. A concern outweighs consent in the same message ("fine, as long as …").
    stance: str | None = None

    def problem_at(self, nudges: str) -> tuple[bool, bool]:
        """(a problem, a doubtful problem) at a table that is nudged this readily
        (TableSettings.nudges)."""
        if nudges == "off":
            return False, False
        if nudges == "fewer":
            return self.is_sure_problem, self.is_doubtful_problem or (
                self.is_problem and not self.is_sure_problem
            )
        return self.is_problem, self.is_doubtful_problem

    @property
    def labels(self) -> frozenset[str]:
        return self.classification.labels

    @property
    def lang(self) -> str:
        return self.classification.lang

    @classmethod
    def of(
        cls,
        event: MessagePosted | MessageEdited,
        result: Classification,
        thresholds: Thresholds = Thresholds(),
        *,
        read_after: Mapping[str, float] | None = None,
    ) -> Message:
        def passes(label: str, bar: float | None) -> bool:
            if bar is None:
                return label in result.labels
            return result.scores.get(label, 0.0) >= bar

        proposal = passes("proposal", thresholds.answer)
        problem = passes("problem", thresholds.watch) and not proposal
        doubtful = (
            thresholds.doubt is not None
            and thresholds.watch is not None
            and not (problem or proposal)
            and result.scores.get("problem", 0.0) >= thresholds.doubt
        )
        reaction = (
            thresholds.reaction is not None
            and result.reaction is not None
            and result.reaction >= thresholds.reaction
        )
        sure = problem and (
            thresholds.surer is None or result.scores.get("problem", 0.0) >= thresholds.surer
        )
        return cls(
            event,
            result,
            proposal,
            problem,
            doubtful,
            reaction,
            is_sure_problem=sure,
            read_after=read_after,
            fingerprint=message_fingerprint(event.text) if problem or doubtful else None,
            stance=stance_of(result, thresholds.consent),
        )


@dataclass(frozen=True, slots=True)
class Command:
    """A command with its parse and the language to answer in when the table has none
    (`lang`: what its member wrote, else their client's, else the name's)."""

    event: CommandInvoked
    spec: CommandSpec | None
    parsed: Parsed | UsageError | UnknownCommand
    lang: str | None
    # The form or button it came from, if not typed: an agreement's form is read again,
    # as a typed command is, once the table's day is known (rules.engine).
    form: Event | None = None
    # The language its words or a Dutch name show (grammar.command_language), without the
    # client's: an answer to a round follows the round's language before the client's.
    written: str | None = None


Understood = Message | Command | Event
