"""mutual_info_columns: one target against many features."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

import mutinfo as mi


def table(n: int = 1500, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Continuous features of decreasing relevance to y, plus an independent one."""
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(n)
    X = np.column_stack([y + s * rng.standard_normal(n) for s in (0.3, 1.0, 3.0)] + [rng.standard_normal(n)])
    return X, y


def per_column(X, y, **kw) -> list[float]:
    return [float(mi.mutual_info(X[:, j], y, **kw)) for j in range(X.shape[1])]


@pytest.mark.parametrize("method", ["auto", "ksg1", "ksg2"])
@pytest.mark.parametrize("base", [2, math.e])
def test_equals_mutual_info_for_every_column(method: str, base: float) -> None:
    X, y = table()
    got = mi.mutual_info_columns(X, y, method=method, base=base, k=4)
    assert isinstance(got, np.ndarray) and got.shape == (4,)
    assert all(isinstance(v, mi.Information) for v in got)
    assert all(v.base == base for v in got)
    # the batched kernel is the same arithmetic as the single-pair path: exactly equal
    assert [float(v) for v in got] == per_column(X, y, method=method, base=base, k=4)
    # and the ranking follows the noise levels
    assert np.argsort(-np.asarray(got, dtype=float))[:3].tolist() == [0, 1, 2]


def test_mixed_kinds_of_columns_follow_mutual_info() -> None:
    """Discrete, tied, constant and non-KSG cases go through mutual_info itself."""
    rng = np.random.default_rng(1)
    n = 1200
    y = rng.standard_normal(n)
    frame = pd.DataFrame(
        {
            "cont": y + rng.standard_normal(n),
            "rounded": np.round(y + rng.standard_normal(n), 1),  # ties -> mixed KSG + warning
            "level": (y > 0).astype(np.int64) + rng.integers(0, 2, n),  # discrete integer
            "flat": np.full(n, 3.0),  # constant -> 0 with a warning
            "noise": rng.standard_normal(n),
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mi.mutual_info_columns(frame, y)
    kinds = {type(w.message) for w in caught}
    assert mi.TiesWarning in kinds and mi.ConstantInputWarning in kinds
    assert isinstance(got, pd.Series)
    assert got.index.tolist() == list(frame.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)
        expected = [float(mi.mutual_info(frame[c], y)) for c in frame.columns]
    assert got.astype(float).tolist() == expected
    assert float(got["flat"]) == 0.0
    assert got["level"].method != "ksg1"  # a discrete-continuous estimator was used


def test_discrete_target_and_per_column_flags() -> None:
    rng = np.random.default_rng(2)
    n = 1000
    labels = rng.integers(0, 3, n)
    X = np.column_stack([labels + 0.5 * rng.standard_normal(n), rng.integers(0, 4, n).astype(float)])
    got = mi.mutual_info_columns(X, labels, discrete=([False, True], True))
    expected = [
        float(mi.mutual_info(X[:, 0], labels, discrete=(False, True))),
        float(mi.mutual_info(X[:, 1], labels, discrete=(True, True))),
    ]
    assert [float(v) for v in got] == expected
    assert got[0] > 0.3  # the informative column


def test_labels_kept_for_pandas_and_polars() -> None:
    X, y = table(600)
    names = ["alpha", "beta", "gamma", "delta"]
    pdf = pd.DataFrame(X, columns=names)
    s = mi.mutual_info_columns(pdf, y)
    assert s.index.tolist() == names
    assert s.name == "I(x;y) in bits"
    plf = pl.DataFrame({nm: X[:, j] for j, nm in enumerate(names)})
    s2 = mi.mutual_info_columns(plf, pd.Series(y, name="target"))
    assert s2.index.tolist() == names
    assert s2.astype(float).tolist() == s.astype(float).tolist()


def test_thread_count_does_not_change_results() -> None:
    X, y = table(4000, seed=5)
    one = mi.mutual_info_columns(X, y, n_jobs=1)
    two = mi.mutual_info_columns(X, y, n_jobs=2)
    assert [float(v) for v in one] == [float(v) for v in two]


def test_ground_truth_gaussian_columns() -> None:
    """Each column is Gaussian with correlation rho_j to y: I_j = -log2(1 - rho_j^2) / 2 bits.
    n = 8000: KSG-1 standard deviation ~0.012 bits, so 0.05 bits is about four of them."""
    rng = np.random.default_rng(6)
    n = 8000
    y = rng.standard_normal(n)
    rhos = [0.0, 0.3, 0.6, 0.9]
    X = np.column_stack([r * y + math.sqrt(1 - r * r) * rng.standard_normal(n) for r in rhos])
    got = np.asarray(mi.mutual_info_columns(X, y), dtype=float)
    truth = [-0.5 * math.log2(1 - r * r) for r in rhos]
    assert got == pytest.approx(truth, abs=0.05)


def test_one_dimensional_X_is_one_column() -> None:
    X, y = table(500)
    got = mi.mutual_info_columns(X[:, 0], y)
    assert got.shape == (1,) and float(got[0]) == float(mi.mutual_info(X[:, 0], y))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"k": 0}, ValueError, r"`k` must be an integer >= 1 and < n \(n = 50\); got 0"),
        ({"k": 2.5}, TypeError, r"`k` must be an integer"),
        ({"base": 1}, ValueError, r"`base` must be a finite number > 0 and != 1"),
        ({"discrete": "yes"}, ValueError, r"`discrete` must be 'auto', True, False or a pair"),
        ({"discrete": ([True], "auto")}, ValueError, r"sequence of 4 such flags"),
        ({"method": "nope"}, ValueError, r"`method` must be one of"),
        ({"n_jobs": 0}, ValueError, r"`n_jobs` must be None, -1 or an integer >= 1"),
    ],
)
def test_bad_options_name_the_argument(kwargs, error, match) -> None:
    X, y = table(50)
    with pytest.raises(error, match=match):
        mi.mutual_info_columns(X, y, **kwargs)


def test_bad_data_names_the_argument() -> None:
    X, y = table(50)
    with pytest.raises(ValueError, match="same number of samples"):
        mi.mutual_info_columns(X, y[:-1])
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="finite"):
        mi.mutual_info_columns(X, y)
