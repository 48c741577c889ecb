"""Data generators and small helpers behind every explorer view (numpy/scipy only).

Each view of the explorer draws its data here, so that its "reproduce in Python" snippet can
call the very same function with the same seed and get the same numbers::

    from mutinfo.explorer.generators import relationship
    x, y = relationship("quadratic", n=500, noise=0.2, seed=1)

This module imports neither FastAPI nor anything else from the explorer's server side.
Everything is deterministic given ``seed`` (``numpy.random.default_rng(seed)``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = [
    "LANDSCAPES",
    "RELATIONSHIPS",
    "bin_codes",
    "correlation_test",
    "coupled_counts",
    "expand_counts",
    "landscape",
    "relationship",
    "xor_samples",
]

#: Relationship kinds offered by the correlation view, with a one-line description.
RELATIONSHIPS: dict[str, str] = {
    "linear": "y = x + noise",
    "quadratic": "y = x² + noise (a parabola, symmetric about x = 0)",
    "sine": "y = sin(3πx) + noise (periodic)",
    "circle": "points on the unit circle, noise on both coordinates",
    "step": "y = sign(x) + noise (a threshold)",
    "exponential": "y = exp(3x) / 10 + noise (monotone, not linear)",
    "heteroscedastic": "y = (0.1 + |x|)·ε + noise: only the spread of y depends on x",
    "independent": "y drawn independently of x",
}

#: Presets of the joint-distribution landscape view.
LANDSCAPES: dict[str, str] = {
    "line": "y close to x",
    "circle": "a ring around the centre",
    "clusters": "four clusters, each x-range paired with its own y-range",
    "checkerboard": "only the 'black' squares of a 4×4 board are occupied",
    "independent": "an independent grid: x and y each on 4 levels, drawn independently",
}


def _check_choice(name: str, value: str, options: dict[str, str]) -> None:
    if value not in options:
        raise ValueError(f"`{name}` must be one of {sorted(options)}; got {value!r}.")


def relationship(
    kind: str, *, n: int = 500, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Samples (x, y) from one of the :data:`RELATIONSHIPS`.

    Parameters
    ----------
    kind : str
        A key of :data:`RELATIONSHIPS`.
    n : int, default 500
        Number of samples.
    noise : float, default 0.2
        Standard deviation of the Gaussian noise added to y (and, for "circle", to x).
    seed : int, default 0
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    x, y : numpy.ndarray of float64, shape (n,)
        x is uniform on [-1, 1] except for "circle".
    """
    _check_choice("kind", kind, RELATIONSHIPS)
    rng = np.random.default_rng(seed)
    if kind == "circle":
        theta = rng.uniform(0.0, 2.0 * math.pi, n)
        eps = rng.normal(size=(2, n))
        return np.cos(theta) + noise * eps[0], np.sin(theta) + noise * eps[1]
    x = rng.uniform(-1.0, 1.0, n)
    eps = rng.normal(size=n)
    if kind == "linear":
        f = x
    elif kind == "quadratic":
        f = x**2
    elif kind == "sine":
        f = np.sin(3.0 * math.pi * x)
    elif kind == "step":
        f = np.where(x >= 0.0, 1.0, -1.0)
    elif kind == "exponential":
        f = np.exp(3.0 * x) / 10.0
    elif kind == "heteroscedastic":
        f = (0.1 + np.abs(x)) * rng.normal(size=n)
    else:  # independent
        f = rng.uniform(-1.0, 1.0, n)
    return x, f + noise * eps


def landscape(
    preset: str, *, n: int = 2000, noise: float = 0.05, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Samples (x, y) on roughly the unit square from one of the :data:`LANDSCAPES`.

    Parameters
    ----------
    preset : str
        A key of :data:`LANDSCAPES`.
    n : int, default 2000
    noise : float, default 0.05
        Standard deviation of Gaussian noise added to both coordinates.
    seed : int, default 0

    Returns
    -------
    x, y : numpy.ndarray of float64, shape (n,)
    """
    _check_choice("preset", preset, LANDSCAPES)
    rng = np.random.default_rng(seed)
    if preset == "line":
        x = rng.uniform(0.0, 1.0, n)
        y = x.copy()
    elif preset == "circle":
        theta = rng.uniform(0.0, 2.0 * math.pi, n)
        x, y = 0.5 + 0.35 * np.cos(theta), 0.5 + 0.35 * np.sin(theta)
    elif preset == "clusters":
        centres = np.array([[0.15, 0.6], [0.4, 0.15], [0.65, 0.85], [0.85, 0.4]])
        which = rng.integers(0, 4, n)
        x, y = centres[which, 0] + 0.04 * rng.normal(size=n), centres[which, 1] + 0.04 * rng.normal(size=n)
    elif preset == "checkerboard":
        i = rng.integers(0, 4, n)
        j = (2 * rng.integers(0, 2, n) + (i % 2)) % 4  # same parity as i: a "black" square
        x, y = (i + rng.uniform(0, 1, n)) / 4.0, (j + rng.uniform(0, 1, n)) / 4.0
    else:  # independent grid
        levels = np.array([0.125, 0.375, 0.625, 0.875])
        x, y = levels[rng.integers(0, 4, n)], levels[rng.integers(0, 4, n)]
    eps = rng.normal(size=(2, n))
    return x + noise * eps[0], y + noise * eps[1]


def bin_codes(values: np.ndarray, bins: int, lo: float, hi: float) -> np.ndarray:
    """Equal-width bin index (0..bins-1) of each value on [lo, hi]; values outside go to the
    first or last bin (they are kept, not dropped)."""
    edges = np.linspace(lo, hi, bins + 1)
    return np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1).astype(np.int64)


def expand_counts(counts: np.ndarray) -> tuple[np.ndarray, ...]:
    """Samples whose empirical distribution is exactly the table ``counts``.

    Cell ``counts[i, j, ...]`` becomes that many rows ``(i, j, ...)``. Any plug-in estimate on
    these samples is the exact quantity of the distribution ``counts / counts.sum()``: no
    sampling is involved.

    Parameters
    ----------
    counts : array-like of non-negative int, any number of dimensions

    Returns
    -------
    tuple of numpy.ndarray of int64
        One array of codes per table axis, each of length ``counts.sum()``.
    """
    table = np.asarray(counts, dtype=np.int64)
    if table.size == 0 or np.any(table < 0) or table.sum() <= 0:
        raise ValueError(f"`counts` must be non-negative with a positive total; got {table.tolist()}.")
    flat = np.repeat(np.arange(table.size), table.ravel())
    return tuple(np.asarray(a, dtype=np.int64) for a in np.unravel_index(flat, table.shape))


def coupled_counts(size: int, coupling: float, total: int = 1200) -> np.ndarray:
    """A size × size count table mixing the diagonal (weight ``coupling``) with the uniform.

    ``coupling = 0`` gives independence (I = 0); ``coupling = 1`` makes Y = X
    (I = log2(size) bits). Counts are rounded to integers; the table *is* the distribution.
    """
    p = (1.0 - coupling) / size**2 + coupling * np.eye(size) / size
    return np.rint(p * total).astype(np.int64)


def xor_samples(flip: float = 0.0, total: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, Y fair independent bits and Z = X xor Y, flipped with probability ``flip``.

    Returned as expanded counts (see :func:`expand_counts`), so plug-in values are exact for
    the distribution with ``flip`` rounded to a multiple of 1 / (total / 4).
    """
    per_cell = total // 4
    wrong = round(flip * per_cell)
    counts = np.zeros((2, 2, 2), dtype=np.int64)
    for xv in (0, 1):
        for yv in (0, 1):
            counts[xv, yv, xv ^ yv] = per_cell - wrong
            counts[xv, yv, 1 - (xv ^ yv)] = wrong
    return expand_counts(counts)  # type: ignore[return-value]


def correlation_test(
    x: np.ndarray, y: np.ndarray, *, kind: str = "pearson", n_resamples: int = 199, seed: int = 0
) -> tuple[float, float]:
    """Pearson r or Spearman ρ with a two-sided permutation p-value.

    The statistic comes from :func:`scipy.stats.pearsonr` / :func:`scipy.stats.spearmanr`;
    the p-value is (b + 1) / (m + 1), b the number of the m shuffles of y whose |statistic|
    is at least the observed one (the same convention as :func:`mutinfo.independence_test`).

    Returns
    -------
    statistic, pvalue : float
    """
    if kind not in ("pearson", "spearman"):
        raise ValueError(f"`kind` must be 'pearson' or 'spearman'; got {kind!r}.")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if kind == "spearman":
        observed = float(stats.spearmanr(x, y).statistic)
        x, y = stats.rankdata(x), stats.rankdata(y)
    else:
        observed = float(stats.pearsonr(x, y).statistic)
    rng = np.random.default_rng(seed)
    xc = (x - x.mean()) / np.linalg.norm(x - x.mean())
    yc = (y - y.mean()) / np.linalg.norm(y - y.mean())
    shuffled = rng.permuted(np.broadcast_to(yc, (n_resamples, yc.size)), axis=1)
    null = shuffled @ xc
    extreme = np.abs(null) >= abs(observed) * (1.0 - 1e-10)
    return observed, float((extreme.sum() + 1) / (n_resamples + 1))
