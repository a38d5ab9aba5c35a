"""`groundrules explain`: why the trained classifier read a message as it did, for people.

Shows each label's score against its bar and the few features that moved it most,
with their weight on the logit (log-odds): "+1.2" pushes towards the label, "-0.8"
away from it. For a team asking "why did the bot think that was a problem?", and for
whoever corrects the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clause_reading import Clause, likeliest_proposal
from rules.classifier import LABELS
from rules.classifier.explain import Explanation, Reason
from rules.classifier.trained import TrainedClassifier
from rules.understanding import CLAUSE_BAR, READ_AGAIN, SecondReading, Thresholds

if TYPE_CHECKING:
    from bot.service import SecondReader

SHOWN_CHARACTERS = 100  # of a message quoted in the header
# The analyzer's markers, as a person would say them.
_MARKERS = {"<s>": "[start]", "</s>": "[end]", "xxcaps": "[SHOUTING]"}


FEATURE_CHARACTERS = 40  # of one feature: a 10 kB "word" (a pasted hash) is not shown whole


def describe(reason: Reason) -> str:
    if reason.kind == "context":
        return "the message before"
    if reason.kind == "characters":
        return f"the letters of “{one_line(reason.text, FEATURE_CHARACTERS)}”"
    words = " ".join(_MARKERS.get(word, word) for word in reason.text.split(" "))
    return f"“{one_line(words, FEATURE_CHARACTERS)}”"


@dataclass(frozen=True, slots=True)
class SecondOpinion:
    """The second reading as the bot runs it: its bars (the operator's settings applied)
    and the encoder's own scores of the message explained."""

    reading: SecondReading
    scores: Mapping[str, float]
    # The clause likeliest to propose, if the message has several (bot.clause_reading).
    clause: Clause | None = None


def second_opinion(
    reader: SecondReader | None,
    reading: SecondReading | None,
    text: str,
    classifier: TrainedClassifier | None = None,
) -> SecondOpinion | None:
    """The second reading of `text` as the bot would take it (with `classifier`, its
    clauses too, as of a problem watched); None without one."""
    if reader is None or reading is None:
        return None
    scores = dict(zip(LABELS, reader.scores([text])[0].tolist(), strict=True))
    clause = None
    if classifier is not None:
        lang = classifier.classify(text).lang
        clause = likeliest_proposal(classifier, reader, text, lang)
    return SecondOpinion(reading, scores, clause)


def explain_message(
    classifier: TrainedClassifier,
    engine: Thresholds,
    text: str,
    *,
    after: str | None = None,
    top: int = 5,
    second: SecondOpinion | None = None,
) -> str:
    """`text` explained as the bot reads it: after `after` (the message before it in
    its thread or channel), if any; `engine` the bars the bot runs with; `second` the
    second reading, when the bot reads again what a nudge hangs on."""
    previous = None if after is None else classifier.classify(after)
    explanations = classifier.explain(text, previous=previous)
    in_context = next(iter(explanations.values())).in_context
    bars = {label: classifier.bar(label, in_context=in_context) for label in LABELS}
    read = classifier.classify(text, previous=previous)
    return render(
        text,
        explanations,
        bars,
        engine,
        top=top,
        after=after,
        second=second,
        dissent=read.dissent,
        consent=read.consent,
    )


def render(
    text: str,
    explanations: Mapping[str, Explanation],
    bars: Mapping[str, float],
    engine: Thresholds,
    *,
    top: int = 5,
    after: str | None = None,
    second: SecondOpinion | None = None,
    dissent: str | None = None,
    consent: str | None = None,
) -> str:
    """The explanation as lines of text: per label its score, bar and top reasons; then
    the dissent or consent guard's verdict and the second reading, if any."""
    read = f"read after “{one_line(after)}”" if after is not None else "read alone"
    lines = [f"“{one_line(text)}” ({read})"]
    for label in LABELS:
        found = explanations[label]
        bar = bars[label]
        verdict = "yes" if found.score >= bar else "no"
        bars_said = f"bar {bar:.2f}{_nudge_bar(label, engine)}"
        lines.append(f"  {label:<10} {found.score:.2f}  {verdict:<3} ({bars_said})")
        if found.wordless:
            lines.append("      a message without a letter names no problem and proposes nothing")
            continue
        shown = found.reasons[:top]
        for reason in shown:
            lines.append(f"      {reason.weight:+.2f}  {describe(reason)}")
        rest = sum(reason.weight for reason in found.reasons[top:])
        if len(found.reasons) > top:
            lines.append(f"      {rest:+.2f}  {len(found.reasons) - top} other features")
        lines.append(f"      {found.bias:+.2f}  the model's starting point")
    if dissent is not None:
        lines += [
            f"  dissent guard: “{one_line(dissent, FEATURE_CHARACTERS)}” states dissent, so the",
            "      message is concern and no agreement, whatever the model scored",
        ]
    if consent is not None:
        lines += [
            f"  consent guard: “{one_line(consent, FEATURE_CHARACTERS)}” is a negated objection",
            "      and all the message says, so it is agreement and no concern, whatever the",
            "      model scored",
        ]
    if second is not None:
        first = {label: explanations[label].score for label in READ_AGAIN}
        lines += _second_reading(first, second)
    return "\n".join(lines)


def _second_reading(first: Mapping[str, float], second: SecondOpinion) -> list[str]:
    """What decides once the message is read again (rules.problems.on_reread): both
    readings combined, each weighing its share, held to the second reading's bars."""
    own = ", ".join(f"{label} {second.scores[label]:.2f}" for label in READ_AGAIN)
    combined = second.reading.combined(first, second.scores)
    bars = second.reading.bars
    problem = f"a nudge from {bars.watch:.2f}"
    if bars.doubt is not None:
        problem += f", from {bars.doubt:.2f} only if someone reacts to it"
    proposal = f"it answers a problem from {bars.answer:.2f}"
    lines = [
        f"  second reading, by the encoder: {own}",
        "      a problem watched, or a reply that may answer one, is read again, and both",
        f"      readings decide together, the encoder's counting for {second.reading.weight:.0%}:",
        f"      problem    {combined['problem']:.2f}  ({problem})",
        f"      proposal   {combined['proposal']:.2f}  ({proposal})",
    ]
    if (clause := second.clause) is not None:
        shown = one_line(clause.text, FEATURE_CHARACTERS)
        lines += [
            f"      the clause likeliest to propose, “{shown}”: {clause.proposal:.2f}",
            f"      (a problem that proposes in a clause of its own from {CLAUSE_BAR:.2f} gets",
            "      no nudge)",
        ]
    return lines


def as_json(explanations: Mapping[str, Explanation], *, top: int = 5) -> dict:
    """Per label: its top reasons as [kind, text, weight]; for `classify --explain`."""
    return {
        label: [
            [reason.kind, reason.text, round(reason.weight, 4)]
            for reason in explanations[label].reasons[:top]
        ]
        for label in LABELS
    }


def one_line(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """A message on one line, cut at `limit` characters: a pasted log stays readable."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _nudge_bar(label: str, engine: Thresholds) -> str:
    """The engine's bar where it differs in meaning: nudges watch problems above
    `watch` and take proposals above `answer` as the answer."""
    if label == "problem" and engine.watch is not None:
        return f"; a nudge watches it from {engine.watch:.2f}"
    if label == "proposal" and engine.answer is not None:
        return f"; it answers a problem from {engine.answer:.2f}"
    return ""
