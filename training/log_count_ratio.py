"""Naive-Bayes feature scaling for a linear model (Wang & Manning, 2012: "NBSVM").

Each n-gram column is multiplied by |r| ** power, where r is the log of how much more
often the n-gram occurs in positive lines than in negative ones (add-one smoothed,
counted once per line). The logistic regression after it then pays less, under its L2
penalty, to lean on n-grams that already tell the classes apart, and more to lean on
ones that do not. Because the scaling is per column, it folds into the weights: the
shipped component scores with `coef * scale` and never sees this step.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.base import BaseEstimator, TransformerMixin


class LogCountRatio(TransformerMixin, BaseEstimator):
    """Scale the first `columns` columns by |log-count ratio| ** `power`; the rest (dense
    context scores) are left as they are."""

    def __init__(self, power: float = 0.5, columns: int | None = None, alpha: float = 1.0):
        self.power = power
        self.columns = columns
        self.alpha = alpha

    def fit(self, matrix: csr_matrix, target: np.ndarray) -> LogCountRatio:
        target = np.asarray(target)
        present = (matrix > 0).astype(np.float64).tocsr()
        positive = self.alpha + np.asarray(present[target == 1].sum(axis=0)).ravel()
        negative = self.alpha + np.asarray(present[target == 0].sum(axis=0)).ravel()
        ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
        scale = np.abs(ratio) ** self.power
        columns = matrix.shape[1] if self.columns is None else self.columns
        scale[columns:] = 1.0
        self.scale_ = scale
        return self

    def transform(self, matrix: csr_matrix) -> csr_matrix:
        return (matrix @ diags(self.scale_)).tocsr()
