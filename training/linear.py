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
from spacy.language import Language

from rules.classifier import LABELS
from rules.classifier.trained import LinearTextcat, blank_pipeline, normalise
from training.config import Config
from training.dataset import Example


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


@dataclass
class Fitted:
    """The scikit-learn objects of one fit, and the pipeline they were copied into."""

    nlp: Language
    words: TfidfVectorizer
    chars: TfidfVectorizer
    models: dict[str, LogisticRegression | None]  # None: a label the data never varies
    char_weight: float

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """scikit-learn's own probabilities (tests check the component reproduces them)."""
        matrix = design_matrix(
            self.nlp, texts, self.words, self.chars, fit=False, char_weight=self.char_weight
        )
        columns = [
            model.predict_proba(matrix)[:, 1] if model is not None else np.full(len(texts), np.nan)
            for model in self.models.values()
        ]
        return np.stack(columns, axis=1)


def fit(examples: Sequence[Example], config: Config, *, scratch: bool = False) -> Language:
    """A fitted pipeline (no thresholds yet: see training.thresholds).

    `scratch`: fit into a pipeline reused by every scratch fit of this process, for
    models that score and are thrown away (cross-validation folds): building spaCy's
    English tokenizer is the slowest part of a small fit. The next scratch fit
    overwrites it.
    """
    return fit_models(examples, config, scratch=scratch).nlp


def fit_models(examples: Sequence[Example], config: Config, *, scratch: bool = False) -> Fitted:
    """Fit with scikit-learn, then copy the parameters into a spaCy pipeline."""
    if not examples:
        raise ValueError("nothing to train on")
    features = config.features
    shape = (features.word_ngrams, features.char_ngrams, features.sublinear_tf)
    nlp = _scratch_pipeline(*shape) if scratch else blank_pipeline(*shape)
    words, chars = vectorizer(config), vectorizer(config)
    texts = [e.text for e in examples]
    matrix = design_matrix(nlp, texts, words, chars, fit=True, char_weight=features.char_weight)
    weights = np.zeros((matrix.shape[1], len(LABELS)))
    bias = np.zeros(len(LABELS))
    models: dict[str, LogisticRegression | None] = {}
    for j, label in enumerate(LABELS):
        target = np.array([example.has(label) for example in examples], dtype=int)
        if target.min() == target.max():
            # A label the data never (or always) shows: its prior, smoothed.
            bias[j] = math.log((target.sum() + 0.5) / (len(target) - target.sum() + 0.5))
            models[label] = None
            continue
        model = LogisticRegression(
            C=config.model.C,
            class_weight=config.model.class_weight,
            max_iter=config.model.max_iter,
            solver="lbfgs",
            random_state=config.seed,
        )
        model.fit(matrix, target)
        weights[:, j] = model.coef_[0]
        bias[j] = model.intercept_[0]
        models[label] = model
    weights[len(words.vocabulary_) :] *= features.char_weight
    textcat: LinearTextcat = nlp.get_pipe("textcat")
    textcat.set_model(
        words=_by_index(words.vocabulary_),
        word_idf=words.idf_,
        chars=_by_index(chars.vocabulary_),
        char_idf=chars.idf_,
        weights=weights,
        bias=bias,
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
    return Fitted(nlp, words, chars, models, features.char_weight)


@cache
def _scratch_pipeline(
    word_ngrams: tuple[int, int], char_ngrams: tuple[int, int], sublinear_tf: bool
) -> Language:
    return blank_pipeline(word_ngrams, char_ngrams, sublinear_tf)


def _by_index(vocabulary: dict[str, int]) -> list[str]:
    return [feature for feature, _ in sorted(vocabulary.items(), key=lambda item: item[1])]


def predict(nlp: Language, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Each label's probability for each text, through the whole pipeline."""
    docs = nlp.pipe(normalise(text) for text in texts)
    rows = np.array([[doc.cats[label] for label in LABELS] for doc in docs]).reshape(-1, 4)
    return {label: rows[:, j] for j, label in enumerate(LABELS)}
