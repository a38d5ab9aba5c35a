"""The trained classifier: TF-IDF word and character n-grams, one logistic regression
per label, run by a registered spaCy component ("groundrules_textcat").

Why this model: measured against spaCy's own `textcat_multilabel` (bag-of-words and
ensemble) on batches of the corpus nobody trained on, it was the most accurate and the
best calibrated, and it is fast (training/RESULTS.md). Character n-grams carry typos,
inflections and Dutch compounds ("roosterwijziging", "zorgverzekeraar") that a word
model would have to see whole.

The model is fitted with scikit-learn in `training/`, but shipped as plain arrays
(`weights.npz`, `vocab.npz`): loading needs neither pickle nor scikit-learn, and the
transform below reproduces scikit-learn's TfidfVectorizer + LogisticRegression exactly
(tests/classifier checks the two agree). The pipeline lives in `rules/classifier/model/`
and loads offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import spacy
from spacy.attrs import IS_SPACE, IS_UPPER, LENGTH, NORM
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import minibatch

from rules.classifier import LABELS, Classification, Previous
from rules.classifier.char_index import CharIndex
from rules.classifier.consent import consent_in, may_consent
from rules.classifier.dissent import dissent_in, may_dissent
from rules.classifier.linear_tokenizer import linearise
from rules.classifier.negation import MODALS, NEGATORS, SUFFIXES, mark_negated
from rules.classifier.normalise import normalise
from rules.classifier.vocabulary import VOCABULARY_GROWTH, BoundedVocabulary
from rules.classifier.word_index import WordIndex
from rules.language import detect_language
from rules.understanding import BAR_NAMES, Thresholds

if TYPE_CHECKING:
    from rules.classifier.explain import Explanation

MODEL_DIR = Path(__file__).resolve().parent / "model"
FACTORY = "groundrules_textcat"
BATCH = 256
# Left out of the shipped pipeline: rebuilt at load (faster, and a few MB less to hold).
SHIPPED_WITHOUT = ["tokenizer", "vocab"]
CACHE_WORDS = 20_000  # words whose character n-gram ids are kept (about 2 MB)
CHAR_ID = np.dtype(np.int32)
# Shipped and held half-width, so that the encoder fits beside it in the 25 MB the
# model may take, and in the bot's memory: scores move by under 0.001
# (tests/classifier/test_trained.py). Rows are widened as a batch reads them.
WEIGHT_TYPE = np.float16
# The vocabulary as arrays (`WordIndex.arrays`, `CharIndex.arrays`): no strings to parse.
VOCAB_FILE = "vocab.npz"

_READ = [NORM, IS_SPACE, IS_UPPER, LENGTH]
_NORM_AND_SPACE = [NORM, IS_SPACE]
# An exclamation mark is not read. Of the corpus's lines that end in one, 1% are
# problems (20% of all lines): its writers used it for cheers and thanks, so the model
# learnt that "!" unmakes a problem, and "De koffieautomaat is stuk!" scored 0.25
# against 0.75 without it. Real people exclaim their problems too. Read out, the
# label average precision on dev and on the tuning conversations stayed within
# ±0.01, and adding "!" to a problem no longer moves its score (training/RESULTS.md).
EXCLAMATION = hash_string("!")
CAPS = "xxcaps"  # one word feature for each shouted word ("STILL broken")
# Labels a message without a single letter ("?", "🙃", "212") cannot carry. Of the
# corpus's 33 such lines none is a problem and one a proposal (a reply pasted on its
# quote's line, which the model reads as empty); the model never saw a bare "?" and
# scored it 0.90 as a proposal, so that it "answered" the problem before it.
NEEDS_WORDS = ("problem", "proposal")
_LETTER = re.compile(r"[^\W\d_]")
# The scores a message stating dissent is given at most and at least: under and over
# every bar the labels and consent are held to.
DISSENT_AGREEMENT, DISSENT_CONCERN = 0.05, 0.95
# And a message consenting by a negated objection alone (`consent.py`), at least and at
# most: over and under them.
CONSENT_AGREEMENT, CONSENT_CONCERN = 0.95, 0.05
_AGREEMENT, _CONCERN = LABELS.index("agreement"), LABELS.index("concern")


@dataclass(frozen=True, slots=True)
class Analyzer:
    """Message -> the n-gram strings the model weighs, from spaCy's tokens.

    Words are token norms (English contractions undone: "can't" -> "can not") between
    start and end markers, so "<s> agreed </s>" (the whole message) differs from
    "agreed" inside a sentence. Characters are n-grams of each padded word. With
    `negation`, a negated modal reads as one word ("can~not": `negation.py`).
    """

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    negation: bool = False

    def read(self, doc: Doc) -> tuple[list[str], int]:
        """The doc's token norms (spaces left out) and how many words are shouted.

        Read as arrays, not Token objects: this runs for every message.
        """
        strings = doc.vocab.strings
        norms: list[str] = []
        shouted = 0
        for norm, space, upper, length in doc.to_array(_READ).tolist():
            if not space and norm != EXCLAMATION:
                norms.append(strings[norm])
                # Shouting ("STILL broken", "AGAIN") is a sign of a complaint.
                shouted += upper and length > 2
        return (mark_negated(norms) if self.negation else norms), shouted

    def words(self, norms: Sequence[str], shouted: int) -> list[str]:
        tokens = ["<s>", *norms, "</s>"]
        low, high = self.word_ngrams
        features: list[str] = tokens if low == 1 else []
        grams = tokens
        for n in range(2, high + 1):
            grams = [f"{gram} {token}" for gram, token in zip(grams, tokens[n - 1 :], strict=False)]
            if n >= low:
                features = features + grams
        return features + [CAPS] * shouted

    def chars(self, norms: Sequence[str]) -> list[str]:
        features: list[str] = []
        for norm in norms:
            features += self.token_chars(norm)
        return features

    def token_chars(self, norm: str) -> list[str]:
        low, high = self.char_ngrams
        padded = f" {norm} "
        size = len(padded)
        return [
            padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)
        ]


class LinearTextcat:
    """Sets `doc.cats` from a linear model over TF-IDF word and character n-grams.

    Two blocks of features, each TF-IDF weighted and L2-normalised on its own (as two
    scikit-learn TfidfVectorizers would), then logistic regressions per label: one
    head reads the text alone; a second (when trained) also reads the text-alone
    scores of the previous message in the conversation, so that "fine by me" after a
    proposal and "same here" after a complaint are read as replies. A message with no
    known previous message is read by the first head. Context is given as
    `doc._.previous_cats` (a mapping of those scores); the text-alone scores are left
    in `doc._.own_cats`.
    """

    def __init__(
        self,
        name: str,
        *,
        labels: Sequence[str],
        word_ngrams: tuple[int, int],
        char_ngrams: tuple[int, int],
        sublinear_tf: bool,
        negation: bool = False,
    ) -> None:
        self.name = name
        self.labels = tuple(labels)
        self._needing_words = [i for i, label in enumerate(self.labels) if label in NEEDS_WORDS]
        self.analyzer = Analyzer(tuple(word_ngrams), tuple(char_ngrams), negation)
        self.sublinear_tf = sublinear_tf
        # The word n-grams are held only as numbers (`WordIndex`), the characters as
        # hashes (`CharIndex`), looked up once per new word.
        self._chars = CharIndex.of([])
        self.word_idf = np.zeros(0, dtype=np.float64)
        self.char_idf = np.zeros(0, dtype=np.float64)
        self.weights = np.zeros((0, len(self.labels)), dtype=np.float64)
        self.bias = np.zeros(len(self.labels), dtype=np.float64)
        self.previous_weights: np.ndarray | None = None
        self.reads_reaction = False
        self._words = WordIndex.of({}, self.analyzer.word_ngrams)
        self._char_cache: dict[str, bytes] = {}

    # --- the model -----------------------------------------------------------------

    @property
    def reads_context(self) -> bool:
        return self.previous_weights is not None

    @property
    def word_index(self) -> WordIndex:
        """The word n-grams, by number; their feature ids come before the characters'."""
        return self._words

    @property
    def char_index(self) -> CharIndex:
        """The character n-grams, by hash; their ids count from 0 after the words'."""
        return self._chars

    def set_model(self, *, words: Sequence[str], chars: Sequence[str], **parameters) -> None:
        """Install fitted parameters, the vocabulary given as n-gram strings in
        feature-id order (as training has it); the rest as `install` takes them."""
        vocabulary = {feature: i for i, feature in enumerate(words)}
        word_index = WordIndex.of(vocabulary, self.analyzer.word_ngrams)
        self.install(word_index, CharIndex.of(chars), **parameters)

    def install(
        self,
        words: WordIndex,
        chars: CharIndex,
        *,
        word_idf: np.ndarray,
        char_idf: np.ndarray,
        weights: np.ndarray,
        bias: np.ndarray,
        previous_weights: np.ndarray | None = None,
        reaction: bool = False,
    ) -> None:
        """Install fitted parameters.

        `weights` rows are the words, then the characters; its columns the text-alone
        head, then (with `previous_weights`) the in-context head's text part, then
        (with `reaction`) one column for the reaction head. `previous_weights` rows
        are the previous message's text-alone scores, one per label; its columns the
        in-context head's labels.
        """
        heads = 1 if previous_weights is None else 2
        labels = len(self.labels)
        width = heads * labels + int(reaction)
        if weights.shape != (words.count + len(chars), width) or bias.shape != (width,):
            raise ValueError(f"weights have shape {weights.shape}, not one row a feature")
        if previous_weights is not None and previous_weights.shape != (labels, labels):
            raise ValueError(f"previous weights have shape {previous_weights.shape}")
        self._words = words
        self._chars = chars
        # Weights as given: the shipped float16 ones are held so (`_block` widens the
        # rows it reads); training's float64 arrays are kept as they come.
        self.word_idf = np.asarray(word_idf)
        self.char_idf = np.asarray(char_idf)
        self.weights = np.asarray(weights)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.previous_weights = (
            None if previous_weights is None else np.asarray(previous_weights, dtype=np.float64)
        )
        self.reads_reaction = reaction
        self._char_cache = {}

    def features(self, docs: Sequence[Doc]) -> tuple[list[list[str]], list[list[str]]]:
        """The raw n-grams of each doc: (words, characters). Training reads these."""
        words, chars = [], []
        for doc in docs:
            norms, shouted = self.analyzer.read(doc)
            words.append(self.analyzer.words(norms, shouted))
            chars.append(self.analyzer.chars(norms))
        return words, chars

    def score_batch(
        self, docs: Sequence[Doc], previous: Sequence[Mapping[str, float] | int | None]
    ) -> Scored:
        """Scores, text-alone scores, and which rows were read in context.

        `previous[i]` is the previous message's text-alone scores, or the index of
        another doc of this batch, or None. Text-alone scores are rounded to 4 places
        before they serve as context, as they are when kept between calls. A doc
        without a letter scores 0 for the labels in NEEDS_WORDS.
        """
        logits, wordless = self.text_logits(docs)
        labels = len(self.labels)
        own = self._without_words(_sigmoid(logits[:, :labels]), wordless)
        reaction = _sigmoid(logits[:, -1]) if self.reads_reaction else None
        in_context = np.array([before is not None for before in previous], dtype=bool)
        if self.previous_weights is None or not in_context.any():
            return Scored(own, own, np.zeros(len(docs), dtype=bool), reaction)
        context = np.zeros((len(docs), labels))
        rounded = np.round(own, 4)
        for i, before in enumerate(previous):
            if isinstance(before, int):
                if not 0 <= before < len(docs) or before == i:
                    raise ValueError(f"message {i} cannot follow message {before}")
                context[i] = rounded[before]
            elif before is not None:
                context[i] = [before[label] for label in self.labels]
        read = _sigmoid(logits[:, labels : 2 * labels] + context @ self.previous_weights)
        read = self._without_words(read, wordless)
        return Scored(np.where(in_context[:, np.newaxis], read, own), own, in_context, reaction)

    def _without_words(self, scores: np.ndarray, wordless: np.ndarray) -> np.ndarray:
        """`scores` with the labels that need words set to 0 on the wordless rows."""
        if wordless.any():
            scores[np.ix_(wordless, self._needing_words)] = 0.0
        return scores

    def text_logits(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        """The logits every head gets from the text, one row per doc, and which docs
        have no letter (NEEDS_WORDS).

        The same numbers as TF-IDF of `features` followed by the logistic regressions,
        computed from vocabulary ids: word n-grams are found by number for the whole
        batch (`WordIndex`), and a word's character n-grams are looked up once and
        cached, since chat repeats its words.
        """
        index, read = self._words, self.analyzer.read
        start, end = index.numbers(["<s>", "</s>"])
        numbers: list[int] = []
        lengths: list[int] = []
        shouted_per_doc: list[int] = []
        char_parts: list[bytes] = []
        char_counts: list[int] = []
        wordless: list[bool] = []
        read_docs = [read(doc) for doc in docs]
        char_ids = self._char_ids({norm for norms, _ in read_docs for norm in norms})
        for doc, (norms, shouted) in zip(docs, read_docs, strict=True):
            wordless.append(is_wordless(norms, doc))
            numbers += [start, *index.numbers(norms), end]
            lengths.append(len(norms) + 2)
            shouted_per_doc.append(shouted)
            parts = [char_ids[norm] for norm in norms]
            char_parts += parts
            char_counts.append(sum(map(len, parts)) // CHAR_ID.itemsize)
        n_docs = len(docs)
        doc_numbers = np.arange(n_docs)
        word_docs, word_ids = index.find(
            np.array(numbers, dtype=np.int64), np.repeat(doc_numbers, lengths)
        )
        caps = index.feature(CAPS)
        if caps is not None and any(shouted_per_doc):
            shouting = np.repeat(doc_numbers, shouted_per_doc)
            word_docs = np.concatenate([word_docs, shouting])
            word_ids = np.concatenate([word_ids, np.full(len(shouting), caps)])
        logits = np.tile(self.bias, (n_docs, 1))
        logits += self._block(word_docs, word_ids, n_docs, self.word_idf, 0)
        chars = np.frombuffer(b"".join(char_parts), dtype=CHAR_ID)
        char_docs = np.repeat(doc_numbers, char_counts)
        logits += self._block(char_docs, chars, n_docs, self.char_idf, index.count)
        return logits, np.array(wordless, dtype=bool)

    def _char_ids(self, norms: set[str]) -> dict[str, bytes]:
        """Each word's character n-gram ids, as the bytes of a CHAR_ID array: one
        small object per word, and a batch's are joined with one `bytes.join`. (A numpy
        array per word fragmented the heap: scoring the bench's 20,000 messages grew
        RSS by 28 MB, against 8 MB now.) Words not cached are looked up together, one
        hash search for the batch, and cached while there is room."""
        cache = self._char_cache
        found = {norm: ids for norm in norms if (ids := cache.get(norm)) is not None}
        new = [norm for norm in norms if norm not in found]
        if new:
            looked_up = self._chars.features_in_groups(
                [self.analyzer.token_chars(norm) for norm in new]
            )
            for norm, ids in zip(new, looked_up, strict=True):
                found[norm] = ids = ids.astype(CHAR_ID).tobytes()
                if len(cache) < CACHE_WORDS:
                    cache[norm] = ids
        return found

    def _block(
        self, docs: np.ndarray, ids: np.ndarray, n_docs: int, idf: np.ndarray, offset: int
    ) -> np.ndarray:
        """One feature block's contribution to the logits: its TF-IDF values (`tfidf`),
        each feature's weights scaled by its value and summed per doc."""
        logits = np.zeros((n_docs, self.weights.shape[1]))
        if not len(ids):
            return logits
        doc, feature, values = self.tfidf(docs, ids, n_docs, idf)
        # `take`, not indexing: numpy then copies each row whole (four times as fast).
        rows = self.weights.take(feature + offset, axis=0)
        if rows.dtype == np.float16:  # held half-width; numpy's float16 sums are slow
            rows = rows.astype(np.float32)
        # In the rows' own precision: a mixed product would widen them again.
        weighted = rows * values[:, np.newaxis].astype(rows.dtype)
        starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
        logits[doc[starts]] = np.add.reduceat(weighted, starts, axis=0)
        return logits

    def tfidf(
        self, docs: np.ndarray, ids: np.ndarray, n_docs: int, idf: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One block's TF-IDF, L2-normalised per doc: (doc, feature, value) for each
        distinct feature of each doc, in doc order.

        `docs[i]` is the doc that holds feature `ids[i]`; sorting (doc, feature) pairs
        counts each feature once per doc.
        """
        size = len(idf)
        # What np.unique(..., return_counts=True) finds, with keys of 32 bits where they
        # fit: a batch's sort then takes a third of the time.
        key = np.int32 if n_docs * size <= np.iinfo(np.int32).max else np.int64
        keys = np.sort(docs.astype(key) * size + ids.astype(key, copy=False))
        first = np.empty(len(keys), dtype=bool)
        first[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        at = np.flatnonzero(first)
        counts = np.diff(np.append(at, len(keys)))
        doc, feature = np.divmod(keys[at], size)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = 1.0 + np.log(tf)
        values = tf * idf[feature]
        values /= np.sqrt(np.bincount(doc, values * values, minlength=n_docs))[doc]
        return doc, feature, values

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = BATCH) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            scored = self.score_batch(batch, [doc._.previous_cats for doc in batch])
            rows = zip(batch, scored.scores.tolist(), scored.own.tolist(), strict=True)
            for doc, row, own_row in rows:
                doc.cats = dict(zip(self.labels, row, strict=True))
                doc._.own_cats = dict(zip(self.labels, own_row, strict=True))
                yield doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        vocab = {f"words.{name}": array for name, array in self._words.arrays().items()}
        vocab |= {f"chars.{name}": array for name, array in self._chars.arrays().items()}
        np.savez_compressed(path / VOCAB_FILE, **vocab)
        context = {} if self.previous_weights is None else {"previous": self.previous_weights}
        if self.reads_reaction:
            context["reaction"] = np.array(True)
        np.savez_compressed(
            path / "weights.npz",
            word_idf=self.word_idf.astype(np.float32),
            char_idf=self.char_idf.astype(np.float32),
            weights=self.weights.astype(WEIGHT_TYPE),
            bias=self.bias,
            **context,
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LinearTextcat:
        path = Path(path)
        # Plain arrays only: allow_pickle=False keeps loading free of code execution.
        with (
            np.load(path / VOCAB_FILE, allow_pickle=False) as vocab,
            np.load(path / "weights.npz", allow_pickle=False) as arrays,
        ):
            word_idf = arrays["word_idf"]
            words = WordIndex.from_arrays(
                {
                    name.removeprefix("words."): vocab[name]
                    for name in vocab.files
                    if name.startswith("words.")
                },
                self.analyzer.word_ngrams,
                count=len(word_idf),
            )
            chars = CharIndex(vocab["chars.text"], vocab["chars.lengths"])
            self.install(
                words,
                chars,
                word_idf=word_idf,
                char_idf=arrays["char_idf"],
                weights=arrays["weights"],
                bias=arrays["bias"],
                previous_weights=arrays.get("previous"),
                reaction=bool(arrays.get("reaction", False)),
            )
        return self


def is_wordless(norms: Sequence[str], doc: Doc) -> bool:
    """Whether a doc has no letter (NEEDS_WORDS), given its token norms.

    A norm has a letter only where the text has one; the text is built (a cost per
    doc) only for the few whose norms have none ("US$" reads "$").
    """
    return not any(map(_LETTER.search, norms)) and _LETTER.search(doc.text) is None


class Scored(NamedTuple):
    scores: np.ndarray  # one row per doc, one column per label
    own: np.ndarray  # the text-alone head's
    in_context: np.ndarray  # per doc: read by the in-context head
    reaction: np.ndarray | None = None  # per doc: the reaction head's, if trained


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


for _extension in ("previous_cats", "own_cats"):
    if not Doc.has_extension(_extension):
        Doc.set_extension(_extension, default=None)


@Language.factory(
    FACTORY,
    default_config={
        "labels": list(LABELS),
        "word_ngrams": [1, 2],
        "char_ngrams": [2, 5],
        "sublinear_tf": True,
        "negation": False,
    },
)
def make_linear_textcat(
    nlp: Language,
    name: str,
    labels: list[str],
    word_ngrams: list[int],
    char_ngrams: list[int],
    sublinear_tf: bool,
    negation: bool,
) -> LinearTextcat:
    return LinearTextcat(
        name,
        labels=labels,
        word_ngrams=(word_ngrams[0], word_ngrams[1]),
        char_ngrams=(char_ngrams[0], char_ngrams[1]),
        sublinear_tf=sublinear_tf,
        negation=negation,
    )


def blank_pipeline(
    word_ngrams: tuple[int, int] = (1, 3),
    char_ngrams: tuple[int, int] = (2, 5),
    sublinear_tf: bool = True,
    negation: bool = False,
) -> Language:
    """An unfitted pipeline: spaCy's English tokenizer (it serves Dutch too) + the model."""
    nlp = spacy.blank("en")
    nlp.add_pipe(
        FACTORY,
        name="textcat",
        config={
            "labels": list(LABELS),
            "word_ngrams": list(word_ngrams),
            "char_ngrams": list(char_ngrams),
            "sublinear_tf": sublinear_tf,
            "negation": negation,
        },
    )
    return nlp


class TrainedClassifier:
    """The shipped model behind the `Classifier` protocol.

    `thresholds` are per-label bars for `labels` (defaults: the ones chosen on held-out
    predictions, stored in the model's meta: one set for messages read in context,
    one for messages read alone; given ones apply to both). `bars` are the
    recommended engine Thresholds.
    """

    name = "trained"

    def __init__(
        self,
        nlp: Language,
        thresholds: Mapping[str, float] | None = None,
        *,
        vocabulary_growth: int = VOCABULARY_GROWTH,
    ) -> None:
        self.nlp = nlp
        linearise(nlp)  # a word of 2,000 punctuation marks costs no second
        self.vocabulary = BoundedVocabulary(nlp, vocabulary_growth)
        meta = nlp.meta.get("groundrules", {})
        chosen = {**meta.get("thresholds", {}), **(thresholds or {})}
        alone = {**meta.get("thresholds_alone", chosen), **(thresholds or {})}
        self.thresholds = {label: _bar(chosen.get(label, 0.5)) for label in LABELS}
        self.alone_thresholds = {label: _bar(alone.get(label, 0.5)) for label in LABELS}
        bars = meta.get("bars", {})
        self.bars = Thresholds(**{name: _bar(bars.get(name)) for name in BAR_NAMES})

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        thresholds: Mapping[str, float] | None = None,
        vocabulary_growth: int = VOCABULARY_GROWTH,
    ) -> TrainedClassifier:
        """The pipeline in `path` (default: the one shipped in rules/classifier/model/)."""
        directory = Path(path) if path is not None else MODEL_DIR
        if not (directory / "config.cfg").is_file():
            raise FileNotFoundError(f"no trained pipeline in {directory}: run `make train`")
        # The tokenizer is spaCy's stock English one, rebuilt from the config; the
        # strings training saw are not needed (the tokenizer adds what it meets).
        nlp = spacy.load(directory, exclude=SHIPPED_WITHOUT)
        return cls(nlp, thresholds, vocabulary_growth=vocabulary_growth)

    @property
    def textcat(self) -> LinearTextcat:
        return self.nlp.get_pipe("textcat")

    def classify(
        self, text: str, *, lang: str | None = None, previous: Classification | None = None
    ) -> Classification:
        return self.classify_many([text], lang=lang, previous=[previous])[0]

    def classify_many(
        self,
        texts: Iterable[str],
        *,
        lang: str | None = None,
        previous: Sequence[Previous] | None = None,
    ) -> list[Classification]:
        texts = list(texts)
        before = [None] * len(texts) if previous is None else list(previous)
        if len(before) != len(texts):
            raise ValueError(f"{len(before)} previous messages for {len(texts)} texts")
        context = [b.own_scores if isinstance(b, Classification) else b for b in before]
        for i, c in enumerate(context):
            if isinstance(c, int) and not 0 <= c < i:
                raise ValueError(f"message {i} cannot follow message {c}")
        # The docs are read inside; only numbers leave.
        with self.vocabulary.reading():
            return self._classify(texts, context, lang)

    def _classify(
        self, texts: list[str], context: list[Previous], lang: str | None
    ) -> list[Classification]:
        results: list[Classification] = []
        # The tokenizer and the model directly: a chat message needs no Doc.cats.
        normalised = [normalise(text) for text in texts]
        docs = self.nlp.tokenizer.pipe(normalised)
        for start, batch in enumerate(minibatch(docs, size=BATCH)):
            offset = start * BATCH
            # Indexes are into the whole call; one into an earlier batch becomes the
            # text-alone scores already found for it.
            window = [
                (c - offset if c >= offset else results[c].own_scores) if isinstance(c, int) else c
                for c in context[offset : offset + len(batch)]
            ]
            scored = self.textcat.score_batch(batch, window)
            # Rounded as score_batch rounds the context it reads within a batch, so a
            # message scores the same whether its previous one came in this call or not.
            reported = np.round(scored.scores, 4)
            reactions = (
                [None] * len(batch)
                if scored.reaction is None
                else np.round(scored.reaction, 4).tolist()
            )
            dissent = [
                dissent_of(doc) if may_dissent(normalised[offset + i]) else None
                for i, doc in enumerate(batch)
            ]
            # Dissent outweighs: a message it is found in is not read for consent.
            consent = [
                consent_of(doc)
                if dissent[i] is None and may_consent(normalised[offset + i])
                else None
                for i, doc in enumerate(batch)
            ]
            overrule_dissent(reported, dissent)
            overrule_consent(reported, consent)
            rows = zip(
                reported.tolist(),
                np.round(scored.own, 4).tolist(),
                scored.in_context.tolist(),
                reactions,
                strict=True,
            )
            label_sets = self._label_sets(reported, scored.in_context)
            for i, (row, own_row, in_context, reaction) in enumerate(rows):
                text = texts[offset + i]
                # What the next message reads of this one stays the model's reading, as
                # the in-context head was fitted on: the guards judge this one alone.
                own = in_context or dissent[i] is not None or consent[i] is not None
                results.append(
                    Classification(
                        label_sets[i],
                        dict(zip(LABELS, row, strict=True)),
                        lang or detect_language(text, fallback=""),
                        dict(zip(LABELS, own_row, strict=True)) if own else None,
                        reaction,
                        dissent[i],
                        consent[i],
                    )
                )
        return results

    def explain(
        self, text: str, *, previous: Classification | None = None
    ) -> dict[str, Explanation]:
        """Why each label scored as it did (rules.classifier.explain), for `text` read
        after `previous` as `classify` reads it."""
        from rules.classifier.explain import explain

        with self.vocabulary.reading():
            doc = self.nlp.tokenizer(normalise(text))
            before = None if previous is None else previous.own_scores
            return explain(self.textcat, doc, before)

    def reasons(
        self, text: str, label: str, *, read_after: Mapping[str, float] | None = None
    ) -> tuple[str, ...]:
        """The words that weighed most towards `label` (the Classifier protocol), from
        the exact explanation of the score (rules.classifier.explain)."""
        from rules.classifier.explain import explain, telling_words

        with self.vocabulary.reading():
            doc = self.nlp.tokenizer(normalise(text))
            found = explain(self.textcat, doc, read_after)[label]
            negation = self.textcat.analyzer.negation
            return telling_words(found, _as_written(doc, text, negation=negation))

    def bar(self, label: str, *, in_context: bool) -> float:
        """The threshold a label's score is held against, by the head that read it."""
        return (self.thresholds if in_context else self.alone_thresholds)[label]

    def _label_sets(self, reported: np.ndarray, in_context: np.ndarray) -> list[frozenset[str]]:
        """Each row's labels: its scores, as reported, against the bars of the head
        that read it."""
        bars = np.where(
            in_context[:, np.newaxis],
            [self.thresholds[label] for label in LABELS],
            [self.alone_thresholds[label] for label in LABELS],
        )
        passed = reported >= bars
        return [_LABEL_SETS[mask] for mask in (passed @ _LABEL_BITS).tolist()]


def _as_written(doc: Doc, text: str, *, negation: bool = False) -> dict[str, str]:
    """Token norm -> the word as its writer wrote it, for the words a person may be
    shown: words with a letter, "doesn't" whole for its "n't", and none that
    normalising made up (a placeholder for a link or a name, digits read as 0). With
    `negation`, a negated modal ("can~not") is shown with the negation that follows
    it ("can't", "kan niet"), or alone when words stand between them."""
    spelled: dict[str, str] = {}
    for token in doc:
        word = token.text
        if token.i > 0 and ("'" in word or "’" in word) and not doc[token.i - 1].whitespace_:
            word = doc[token.i - 1].text + word  # a contraction: "does" + "n't"
        if _LETTER.search(word) and word in text:
            spelled.setdefault(token.norm_, word)
        if negation and token.norm_ in MODALS:
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is not None and following.norm_ in NEGATORS:
                word += token.whitespace_ + following.text  # "ca" + "n't", "kan niet"
            if word in text:
                for suffix in SUFFIXES:
                    spelled.setdefault(f"{token.norm_}~{suffix}", word)
    return spelled


def dissent_of(doc: Doc) -> str | None:
    """The words of a message stating dissent in its writer's own voice (`dissent.py`),
    or None. Read token by token: only for the few that `may_dissent`."""
    return dissent_in(_guarded_norms(doc))


def consent_of(doc: Doc) -> str | None:
    """The negated objection a message consents by and says nothing else (`consent.py`),
    or None. Read token by token: only for the few that `may_consent`."""
    return consent_in(_guarded_norms(doc))


def _guarded_norms(doc: Doc) -> list[str]:
    """A doc's token norms, spaces left out, as the guards read them (read as an array)."""
    strings = doc.vocab.strings
    return [strings[norm] for norm, space in doc.to_array(_NORM_AND_SPACE).tolist() if not space]


def overrule_dissent(scores: np.ndarray, dissent: Sequence[str | None]) -> None:
    """Rows of `scores` whose message states dissent, in place: no agreement, and
    concern (data/ANNOTATION.md, rule 67), whatever the model read into their words."""
    _overrule(scores, dissent, DISSENT_AGREEMENT, DISSENT_CONCERN)


def overrule_consent(scores: np.ndarray, consent: Sequence[str | None]) -> None:
    """Rows of `scores` whose message consents by a negated objection alone, in place:
    agreement, and no concern (data/ANNOTATION.md, rules 20 and 67)."""
    _overrule(scores, consent, CONSENT_AGREEMENT, CONSENT_CONCERN)


def _overrule(
    scores: np.ndarray, found: Sequence[str | None], agreement: float, concern: float
) -> None:
    """The agreement and concern scores of the rows a guard `found` words in, in place:
    at least a bound over 0.5, at most one under it, whatever the model scored."""
    rows = [i for i, words in enumerate(found) if words is not None]
    if not rows:
        return
    for column, bound in ((_AGREEMENT, agreement), (_CONCERN, concern)):
        towards = np.maximum if bound > 0.5 else np.minimum
        scores[rows, column] = towards(scores[rows, column], bound)


# Every set of labels, by the bit mask of which labels it holds.
_LABEL_BITS = np.array([1 << i for i in range(len(LABELS))])
_LABEL_SETS = [
    frozenset(label for i, label in enumerate(LABELS) if mask >> i & 1)
    for mask in range(1 << len(LABELS))
]


def _bar(value: float | None) -> float | None:
    """A threshold as written in meta.json (spaCy's JSON reader can add float noise)."""
    return None if value is None else round(float(value), 6)
