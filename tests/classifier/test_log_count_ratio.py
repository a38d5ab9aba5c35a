"""The naive-Bayes column scaling that training can put before each regression."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from training.config import load_config
from training.log_count_ratio import LogCountRatio

# columns: an n-gram only positive lines have, one every line has, one only negative
# lines have, and a dense context score
ROWS = np.array(
    [
        [1.0, 0.5, 0.0, 0.9],
        [0.7, 0.5, 0.0, 0.2],
        [0.0, 0.5, 0.8, 0.4],
        [0.0, 0.5, 0.3, 0.7],
    ]
)
TARGET = np.array([1, 1, 0, 0])


def test_telling_n_grams_are_scaled_up_and_shared_ones_down():
    scaling = LogCountRatio(power=1.0, columns=3).fit(csr_matrix(ROWS), TARGET)
    telling_positive, shared, telling_negative, context = scaling.scale_
    # add-one smoothing: (2+1)/(1) over the normalisers, which are alike here
    assert telling_positive == pytest.approx(np.log(3.0))
    assert telling_negative == pytest.approx(np.log(3.0))  # its magnitude, whichever class
    assert shared == pytest.approx(0.0)
    assert context == 1.0  # past `columns`: left as it is


def test_power_softens_the_scaling_and_transform_multiplies_each_column():
    half = LogCountRatio(power=0.5, columns=3).fit(csr_matrix(ROWS), TARGET)
    assert half.scale_[0] == pytest.approx(np.log(3.0) ** 0.5)
    scaled = half.transform(csr_matrix(ROWS)).toarray()
    assert np.allclose(scaled, ROWS * half.scale_)


def test_without_columns_every_column_is_scaled():
    scaling = LogCountRatio(power=1.0).fit(csr_matrix(ROWS), TARGET)
    assert scaling.scale_[3] != 1.0


def test_a_negative_power_in_the_config_is_refused(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[model]\nlog_count_power = -0.5\n", "utf-8")
    with pytest.raises(ValueError, match="log_count_power"):
        load_config(config)
