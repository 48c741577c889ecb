"""One target against many features: n = 10,000 rows, p = 200 continuous columns, KSG-1 (k = 3).

Data (seed 0): y standard normal; column j is ``a_j y + e_j`` with Gaussian noise and a_j
spread over [0, 1.5] (a quarter of the columns independent of y). mutinfo is timed through
``mi.mutual_info_columns(X, y, method="ksg1", k=3, base=e, n_jobs=-1)`` (the default
``method="auto"``, a bias-corrected KSG on normal scores, is in the notes), scikit-learn through
``mutual_info_regression(X, y, n_neighbors=3, n_jobs=-1)`` and ennemi through
``estimate_mi(y, X, k=3)`` (which uses every core by default). Agreement: the largest
absolute difference from mutinfo over the columns, in nats, and whether the top-20 columns
are the same set.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

import mutinfo as mi
from benchmarks.common import row, time_call

__all__ = ["run"]


def data(n: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n, p) of columns with graded dependence on ``y`` (n,)."""
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(n)
    slopes = np.where(np.arange(p) % 4 == 0, 0.0, rng.uniform(0.0, 1.5, p))
    X = y[:, None] * slopes[None, :] + rng.standard_normal((n, p))
    return X, y


def _agreement(peer: np.ndarray, ours: np.ndarray, top: int = 20) -> str:
    same = set(np.argsort(-peer)[:top]) == set(np.argsort(-ours)[:top])
    return f"max abs diff {np.max(np.abs(peer - ours)):.1e} nats; top-{top} {'same' if same else 'differ'}"


def run(quick: bool = False) -> list[dict]:
    """Rows for the runner (see the module docstring)."""
    from sklearn.feature_selection import mutual_info_regression

    try:
        import ennemi
    except ImportError:  # ennemi is in the dev extra; without it its row is skipped
        ennemi = None

    n, p = (10_000, 50) if quick else (10_000, 200)
    X, y = data(n, p)
    case = f"n = {n:,}, p = {p}"
    reps = 3 if quick else 5
    ours = time_call(
        lambda: np.asarray(
            mi.mutual_info_columns(X, y, method="ksg1", k=3, base=math.e, n_jobs=-1), dtype=float
        ),
        repeats=reps,
    )
    auto = time_call(lambda: mi.mutual_info_columns(X, y, k=3, base=math.e, n_jobs=-1), repeats=2)
    values = ours.result
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = time_call(
            lambda: mutual_info_regression(X, y, n_neighbors=3, n_jobs=-1, random_state=0),
            repeats=2 if quick else 3,
        )
    rows.append(
        row(
            "columns",
            case,
            ours.median,
            "sklearn mutual_info_regression(n_jobs=-1)",
            sk.median,
            _agreement(sk.result, values),
            f"first call {ours.first:.2g} s; method='auto' {auto.median:.3g} s; "
            "sklearn clips negative estimates to 0",
        )
    )
    if ennemi is not None:
        en = time_call(
            lambda: np.asarray(ennemi.estimate_mi(y, X, k=3), dtype=float).ravel(),
            repeats=2 if quick else 3,
        )
        rows.append(
            row("columns", case, ours.median, "ennemi estimate_mi", en.median, _agreement(en.result, values))
        )
    return rows
