"""Fit the shipped model: TF-IDF word + character n-grams, logistic regression per label.

scikit-learn does the fitting; the result is copied as plain arrays into the spaCy
component of `rules.classifier.trained`, which scores without scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from spacy.language import Language

from rules.classifier import LABELS
from rules.classifier.normalise import normalise
from rules.classifier.trained import LinearTextcat, Scored, blank_pipeline
from training.config import Config
from training.dataset import Example, previous_lines
from training.log_count_ratio import LogCountRatio

# One label's fitted model; a pipeline when log-count scaling comes before the regression.
LabelModel = LogisticRegression | Pipeline


def vectorizer(config: Config) -> TfidfVectorizer:
    """TF-IDF over pre-analysed n-gram lists (the analyzer is the component's)."""
    return TfidfVectorizer(
        analyzer=list,  # each document already is its list of n-grams
        min_df=config.features.min_df,
        sublinear_tf=config.features.sublinear_tf,
        dtype=np.float64,
    )


def design_matrix(
    nlp: Language,
    texts: Sequence[str],
    words: TfidfVectorizer,
    chars: TfidfVectorizer,
    *,
    fit: bool,
    char_weight: float,
) -> csr_matrix:
    """Rows of [word block | character block × char_weight].

    The weight scales a block before regularisation, so the model leans on words
    more than on character n-grams; afterwards it is folded into the weights, and
    the component computes plain TF-IDF blocks.
    """
    textcat: LinearTextcat = nlp.get_pipe("textcat")
    docs = list(nlp.tokenizer.pipe(normalise(text) for text in texts))
    word_lists, char_lists = textcat.features(docs)
    if fit:
        word_block, char_block = words.fit_transform(word_lists), chars.fit_transform(char_lists)
    else:
        word_block, char_block = words.transform(word_lists), chars.transform(char_lists)
    return hstack([word_block, char_block * char_weight]).tocsr()


def has_previous(previous_scores: np.ndarray) -> np.ndarray:
    """Which lines have a line before them (a row of NaN: none)."""
    return ~np.isnan(previous_scores).any(axis=1)


@dataclass
class Fitted:
    """The scikit-learn objects of one fit, and the pipeline they were copied into."""

    nlp: Language
    words: TfidfVectorizer
    chars: TfidfVectorizer
    models: dict[str, LabelModel | None]  # None: a label the data never varies
    in_context: dict[str, LabelModel | None] | None
    char_weight: float
    context_scale: float
    context_labels: tuple[str, ...]
    reaction: LabelModel | None = None

    def reaction_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """scikit-learn's own probabilities of the reaction head."""
        if self.reaction is None:
            raise ValueError("no reaction head was fitted")
        matrix = design_matrix(
            self.nlp, texts, self.words, self.chars, fit=False, char_weight=self.char_weight
        )
        return self.reaction.predict_proba(matrix)[:, 1]

    def probabilities(
        self, texts: Sequence[str], previous_scores: np.ndarray | None = None
    ) -> np.ndarray:
        """scikit-learn's own probabilities (tests check the component reproduces them):
        for lines with `previous_scores`, the in-context head's when it was fitted."""
        matrix = design_matrix(
            self.nlp, texts, self.words, self.chars, fit=False, char_weight=self.char_weight
        )
        result = _probabilities(self.models, matrix)
        if self.in_context is not None and previous_scores is not None:
            rows = has_previous(previous_scores)
            dense = csr_matrix(np.nan_to_num(previous_scores) * self.context_scale)
            read = _probabilities(self.in_context, hstack([matrix, dense]).tocsr())
            for j, label in enumerate(LABELS):
                if label in self.context_labels:
                    result[rows, j] = read[rows, j]
        return result


def fit(
    examples: Sequence[Example],
    config: Config,
    *,
    scratch: bool = False,
    previous_scores: np.ndarray | None = None,
) -> Language:
    """A fitted pipeline (no thresholds yet: see training.thresholds).

    `previous_scores`: for each example, the text-alone scores of the line before it
    (NaN: none), from models that did not see that line; with them an in-context head
    is fitted too, on the lines that have one. `scratch`: fit into a pipeline reused
    by every scratch fit of this process, for models that score and are thrown away
    (cross-validation folds): building spaCy's English tokenizer is the slowest part
    of a small fit. The next scratch fit overwrites it.
    """
    return fit_models(examples, config, scratch=scratch, previous_scores=previous_scores).nlp


def fit_models(
    examples: Sequence[Example],
    config: Config,
    *,
    scratch: bool = False,
    previous_scores: np.ndarray | None = None,
) -> Fitted:
    """Fit with scikit-learn, then copy the parameters into a spaCy pipeline."""
    if not examples:
        raise ValueError("nothing to train on")
    features = config.features
    shape = (features.word_ngrams, features.char_ngrams, features.sublinear_tf, features.negation)
    nlp = _scratch_pipeline(*shape) if scratch else blank_pipeline(*shape)
    words, chars = vectorizer(config), vectorizer(config)
    texts = [e.text for e in examples]
    matrix = design_matrix(nlp, texts, words, chars, fit=True, char_weight=features.char_weight)
    width = matrix.shape[1]
    weights, bias, models = _fit_head(matrix, examples, config, text_columns=width)
    in_context = previous_weights = None
    if previous_scores is not None and has_previous(previous_scores).any():
        scale = config.context.scale
        rows = np.flatnonzero(has_previous(previous_scores))
        dense = csr_matrix(previous_scores[rows] * scale)
        read = config.context.labels
        both, context_bias, in_context = _fit_head(
            hstack([matrix[rows], dense]).tocsr(),
            [examples[i] for i in rows],
            config,
            read,
            text_columns=width,
            tol=config.context.tol,
        )
        for j, label in enumerate(LABELS):
            if label not in read:  # read as alone: the same column, no context weight
                both[:width, j], both[width:, j], context_bias[j] = weights[:, j], 0.0, bias[j]
        weights = np.hstack([weights, both[:width]])
        bias = np.concatenate([bias, context_bias])
        previous_weights = both[width:] * scale  # the component reads unscaled scores
    reaction = None
    if config.context.reaction:
        column, reaction_bias, reaction = _fit_target(
            matrix, follows_problem(examples), config, text_columns=width
        )
        weights = np.hstack([weights, column[:, np.newaxis]])
        bias = np.append(bias, reaction_bias)
    weights[len(words.vocabulary_) :] *= features.char_weight
    textcat: LinearTextcat = nlp.get_pipe("textcat")
    textcat.set_model(
        words=_by_index(words.vocabulary_),
        word_idf=words.idf_,
        chars=_by_index(chars.vocabulary_),
        char_idf=chars.idf_,
        weights=weights,
        bias=bias,
        previous_weights=previous_weights,
        reaction=config.context.reaction,
    )
    nlp.meta.update(
        {
            "name": "groundrules_textcat",
            "version": "1.0.0",
            "description": "Problem / proposal / concern / agreement in English and Dutch chat",
            "license": "MIT",
            "author": "Groundrules",
        }
    )
    return Fitted(
        nlp,
        words,
        chars,
        models,
        in_context,
        features.char_weight,
        config.context.scale,
        config.context.labels,
        reaction,
    )


def follows_problem(examples: Sequence[Example]) -> np.ndarray:
    """For each line: does it follow a problem line (one that is not also a proposal)
    in its conversation? What the reaction head learns."""
    before = previous_lines(examples)
    return np.array(
        [
            b is not None and examples[b].has("problem") and not examples[b].has("proposal")
            for b in before
        ],
        dtype=int,
    )


def _probabilities(models: dict[str, LabelModel | None], matrix) -> np.ndarray:
    columns = [
        model.predict_proba(matrix)[:, 1] if model is not None else np.full(matrix.shape[0], np.nan)
        for model in models.values()
    ]
    return np.stack(columns, axis=1)


def _fit_head(
    matrix: csr_matrix,
    examples: Sequence[Example],
    config: Config,
    labels: Sequence[str] = LABELS,
    *,
    text_columns: int,
    tol: float | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, LabelModel | None]]:
    """One L2 logistic regression per label in `labels` (the others' columns stay
    zero), each on the lines that say whether it applies (Example.knows): (weights per
    column, biases, the models); `tol`: where to stop (None: scikit-learn's default)."""
    weights = np.zeros((matrix.shape[1], len(LABELS)))
    bias = np.zeros(len(LABELS))
    models: dict[str, LabelModel | None] = {}
    for j, label in enumerate(LABELS):
        if label not in labels:
            models[label] = None
            continue
        known = [i for i, example in enumerate(examples) if example.knows(label)]
        rows = matrix if len(known) == len(examples) else matrix[known]
        target = np.array([examples[i].has(label) for i in known], dtype=int)
        weights[:, j], bias[j], models[label] = _fit_target(
            rows, target, config, text_columns=text_columns, tol=tol
        )
    return weights, bias, models


def _fit_target(
    matrix: csr_matrix,
    target: np.ndarray,
    config: Config,
    *,
    text_columns: int,
    tol: float | None = None,
) -> tuple[np.ndarray, float, LabelModel | None]:
    """One L2 logistic regression, after log-count scaling of the first `text_columns`
    columns when the config asks for it: (weights on the unscaled columns, bias, the
    model)."""
    if target.min() == target.max():
        # A target the data never (or always) shows: its prior, smoothed.
        prior = math.log((target.sum() + 0.5) / (len(target) - target.sum() + 0.5))
        return np.zeros(matrix.shape[1]), prior, None
    regression = LogisticRegression(
        C=config.model.C,
        class_weight=config.model.class_weight,
        max_iter=config.model.max_iter,
        solver="lbfgs",
        random_state=config.seed,
        **({} if tol is None else {"tol": tol}),
    )
    if not config.model.log_count_power:
        regression.fit(matrix, target)
        return regression.coef_[0], float(regression.intercept_[0]), regression
    model = make_pipeline(LogCountRatio(config.model.log_count_power, text_columns), regression)
    model.fit(matrix, target)
    weights = regression.coef_[0] * model[0].scale_
    return weights, float(regression.intercept_[0]), model


@cache
def _scratch_pipeline(
    word_ngrams: tuple[int, int], char_ngrams: tuple[int, int], sublinear_tf: bool, negation: bool
) -> Language:
    return blank_pipeline(word_ngrams, char_ngrams, sublinear_tf, negation)


def _by_index(vocabulary: dict[str, int]) -> list[str]:
    return [feature for feature, _ in sorted(vocabulary.items(), key=lambda item: item[1])]


def predict(
    nlp: Language, texts: Sequence[str], previous: Sequence[int | None] | None = None
) -> dict[str, np.ndarray]:
    """Each label's probability for each text; `previous[i]`: the index among `texts`
    of the message before text i (None: it opens its conversation)."""
    return by_label(_score(nlp, texts, previous).scores)


def predict_scored(
    nlp: Language, texts: Sequence[str], previous: Sequence[int | None] | None = None
) -> Scored:
    """Scores, text-alone scores and which texts were read in context."""
    return _score(nlp, texts, previous)


def _score(nlp: Language, texts: Sequence[str], previous: Sequence[int | None] | None) -> Scored:
    textcat: LinearTextcat = nlp.get_pipe("textcat")
    docs = list(nlp.tokenizer.pipe(normalise(text) for text in texts))
    if not docs:
        empty = np.zeros((0, len(LABELS)))
        return Scored(empty, empty, np.zeros(0, dtype=bool))
    return textcat.score_batch(docs, previous if previous is not None else [None] * len(docs))


def nudge_scores(
    nlp: Language, texts: Sequence[str], previous: Sequence[int | None] | None = None
) -> dict[str, np.ndarray]:
    """What the nudge rule reads: each label's scores, and the reaction head's."""
    scored = _score(nlp, texts, previous)
    scores = by_label(scored.scores)
    if scored.reaction is not None:
        scores["reaction"] = scored.reaction
    return scores


def by_label(rows: np.ndarray) -> dict[str, np.ndarray]:
    """Columns of a scores array by label."""
    return {label: rows[:, j] for j, label in enumerate(LABELS)}
