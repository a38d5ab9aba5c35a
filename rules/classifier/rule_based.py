"""The rule classifier: cue phrases matched by a registered spaCy component.

One blank English tokenizer serves both languages: its NORM attribute undoes English
contractions ("can't" -> "can not") and leaves Dutch words as they are, so the
English and Dutch cues in `cues.py` run side by side and mixed messages still work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from rules.classifier import LABELS, Classification, Previous
from rules.classifier.cues import (
    CONSENT_MESSAGES,
    CUES,
    LEADING_AGREEMENT,
    STRONG,
    WEAK,
)
from rules.classifier.linear_tokenizer import linearise
from rules.classifier.vocabulary import VOCABULARY_GROWTH, BoundedVocabulary
from rules.language import detect_language

TELLING_CUES = 3  # cue phrases shown for "Why?"
# Classification looks at the start of a message only: a 100 kB paste is not chat.
MAX_CHARS = 2000

_SLACK_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_SLACK_REF = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>")
_SPACES = re.compile(r"\s+")
Span = tuple[int, int]  # token start and end of a matched cue


def prepare(text: str) -> str:
    """Chat markup to plain words: links keep their label, mentions become @name."""
    text = text[:MAX_CHARS].replace("’", "'").replace("‘", "'")
    text = _SLACK_LINK.sub(r"\2", text)
    text = _SLACK_REF.sub(lambda m: m.group(1) + (m.group(3) or m.group(2)), text)
    return _SPACES.sub(" ", text).strip()


@Language.factory(
    "groundrules_cues",
    default_config={"threshold": 0.5},
)
def make_cue_tagger(nlp: Language, name: str, threshold: float) -> CueTagger:
    return CueTagger(nlp, name, threshold=threshold)


class CueTagger:
    """Sets `doc.cats` from cue phrases, honouring local and message-wide negations."""

    def __init__(self, nlp: Language, name: str, *, threshold: float) -> None:
        self.name = name
        self.threshold = threshold
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for label, kinds in CUES.items():
            for kind, phrases in kinds.items():
                docs = [nlp.make_doc(phrase) for phrase in phrases]
                self.matcher.add(f"{label}|{kind}", docs)

    def __call__(self, doc: Doc) -> Doc:
        spans = self.cue_spans(doc)
        question = doc.text.rstrip().endswith("?")
        doc.cats = {label: self._score(label, spans, doc, question) for label in LABELS}
        return doc

    def cue_spans(self, doc: Doc) -> dict[tuple[str, str], list[Span]]:
        """Where each kind of cue matched, by (label, kind)."""
        spans: dict[tuple[str, str], list[Span]] = {}
        for match_id, start, end in self.matcher(doc):
            label, kind = doc.vocab.strings[match_id].split("|")
            spans.setdefault((label, kind), []).append((start, end))
        return spans

    def supporting(
        self, label: str, spans: Mapping[tuple[str, str], list[Span]]
    ) -> tuple[list[Span], list[Span]] | None:
        """The strong and weak cues for `label` that count (not covered by a local
        negation); None where a global negation settles the message."""
        local = spans.get((label, "negate_local"), [])

        def kept(kind: str) -> list[tuple[int, int]]:
            return [
                span
                for span in spans.get((label, kind), [])
                if not any(_overlap(span, negation) for negation in local)
            ]

        strong, weak = kept("strong"), kept("weak")
        # A global negation ("we fixed it") settles the message unless a strong cue
        # overlaps it ("not fixed", "niet opgelost").
        for negation in spans.get((label, "negate_global"), []):
            if not any(_overlap(negation, span) for span in strong):
                return None
        return strong, weak

    def _score(self, label: str, spans, doc: Doc, question: bool) -> float:
        found = self.supporting(label, spans)
        if found is None:
            return 0.05
        strong, weak = found
        if label == "agreement" and _is_consent(doc):
            return 0.95
        if strong:
            leading = label == "agreement" and doc[0].norm_ in LEADING_AGREEMENT
            return 0.95 if leading else STRONG
        if len(weak) >= 2 or (weak and question and label in {"proposal", "concern"}):
            return WEAK
        if weak:
            return 0.3
        return 0.02


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _is_consent(doc: Doc) -> bool:
    words = doc.text.lower().strip(" .!,")
    return words in CONSENT_MESSAGES


class RuleClassifier:
    """Cue phrases in English and Dutch: transparent, fast, and the fallback."""

    name = "rules"

    def __init__(self, threshold: float = 0.5, *, vocabulary_growth: int = VOCABULARY_GROWTH):
        self.threshold = threshold
        self.nlp = spacy.blank("en")
        linearise(self.nlp)  # a word of 2,000 punctuation marks costs no second
        self.nlp.add_pipe("groundrules_cues", config={"threshold": threshold})
        self.vocabulary = BoundedVocabulary(self.nlp, vocabulary_growth)

    def _result(self, doc: Doc, text: str, lang: str | None) -> Classification:
        scores = {label: round(doc.cats[label], 4) for label in LABELS}
        labels = frozenset(label for label, score in scores.items() if score >= self.threshold)
        return Classification(labels, scores, lang or detect_language(text, fallback=""))

    def classify(
        self, text: str, *, lang: str | None = None, previous: Classification | None = None
    ) -> Classification:
        """Cue phrases read the message alone: `previous` is accepted and not used."""
        with self.vocabulary.reading():
            return self._result(self.nlp(prepare(text)), text, lang)

    def classify_many(
        self,
        texts: Iterable[str],
        *,
        lang: str | None = None,
        previous: Sequence[Previous] | None = None,
    ) -> list[Classification]:
        texts = list(texts)
        with self.vocabulary.reading():
            docs = self.nlp.pipe(prepare(text) for text in texts)
            return [self._result(doc, text, lang) for doc, text in zip(docs, texts, strict=True)]

    def reasons(
        self, text: str, label: str, *, read_after: Mapping[str, float] | None = None
    ) -> tuple[str, ...]:
        """The cue phrases that counted towards `label`, as written, in the order they
        stand; cues that overlap or touch ("is down", "down again") are shown as one."""
        tagger: CueTagger = self.nlp.get_pipe("groundrules_cues")
        with self.vocabulary.reading():
            doc = self.nlp.make_doc(prepare(text))
            found = tagger.supporting(label, tagger.cue_spans(doc))
            if found is None:
                return ()
            merged: list[list[int]] = []
            for start, end in sorted(found[0] + found[1]):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            phrases = dict.fromkeys(doc[start:end].text for start, end in merged)
        return tuple(phrases)[:TELLING_CUES]
