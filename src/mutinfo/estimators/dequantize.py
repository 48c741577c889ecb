"""Dequantisation of rounded (lattice-valued) continuous data before a kNN estimate. Nats.

Measured data are rounded: temperatures to 0.1 degC, humidity to whole percent, lengths to
0.01 mm. Rounding makes values repeat, and repeated values make k-th neighbour distances 0,
where kNN estimators either break (KSG) or switch to a point-mass rule (Gao et al. 2017)
that is consistent for genuine atoms but badly biased at practical n when the "atoms" are
just a fine grid (for a class label and a unit Gaussian rounded to 0.01 at n = 3000, each
value repeating about five times: 0.07 nats instead of 0.22).

For a column X that takes values on a lattice ``a + δ Z`` the fix is exact, not a jitter
heuristic: with U ~ Uniform(-δ/2, δ/2) independent of everything, ``X + U`` determines X
(round it back) and U, so

    I(X + U; Y) = I(X, U; Y) = I(X; Y),

the mutual information of the data *as given* (and likewise for CMI). ``X + U`` has a
density, so the tie-free estimator applies. The noise is drawn from ``options.rng``, so
results repeat exactly for a given ``rng`` (``rng=None`` is a fixed default seed); the
``"auto"`` policy says so in a :class:`~mutinfo.TiesWarning`.

A column is on a lattice when every gap between its sorted distinct values is an integer
multiple (to 1e-6 relative) of the smallest gap and the grid has at most
:data:`MAX_GRID_POINTS` points over the column's range. Zero-inflated or otherwise atomic
columns that are not on a lattice keep the point-mass rule (``mixed_ksg``).
"""

from __future__ import annotations

import numpy as np

from mutinfo._variable import Variable
from mutinfo.estimators import combined, knn
from mutinfo.estimators._method import Method, Options, signature_kind

__all__ = ["MAX_GRID_POINTS", "METHODS", "dequantize", "lattice_step"]

#: Largest number of grid points over a column's range for it to count as rounded data.
MAX_GRID_POINTS = 10_000_000


def lattice_step(column: np.ndarray) -> float | None:
    """The grid step δ of a column whose values all lie on ``a + δ Z``, else None.

    Parameters
    ----------
    column : numpy.ndarray of float64, shape (n,)

    Returns
    -------
    float or None
        δ (> 0) when the column is lattice-valued with at least one repeated value.
    """
    levels = np.unique(column)
    if levels.shape[0] < 2 or levels.shape[0] == column.shape[0]:
        return None
    gaps = np.diff(levels)
    step = float(gaps.min())
    if step <= 0 or (levels[-1] - levels[0]) / step > MAX_GRID_POINTS:
        return None
    multiples = gaps / step
    if np.all(np.abs(multiples - np.round(multiples)) <= 1e-6 * np.maximum(multiples, 1.0)):
        return step
    return None


def dequantize(values: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[float | None]]:
    """Spread each lattice-valued column uniformly over its grid cells.

    Parameters
    ----------
    values : numpy.ndarray of float64, shape (n, d)
    rng : numpy.random.Generator

    Returns
    -------
    (numpy.ndarray, list)
        The new values (a copy; columns not on a lattice are unchanged) and the step found
        for each column (None where the column was left as it was).
    """
    out = np.array(values, dtype=np.float64, copy=True)
    steps: list[float | None] = []
    for j in range(out.shape[1]):
        step = lattice_step(out[:, j])
        steps.append(step)
        if step is not None:
            out[:, j] += rng.uniform(-0.5 * step, 0.5 * step, size=out.shape[0])
    return out, steps


def has_lattice_ties(v: Variable) -> bool:
    """True for a continuous variable with a repeated value in a lattice-valued column."""
    return not v.discrete and any(lattice_step(v.values[:, j]) is not None for j in range(v.values.shape[1]))


def _spread(variables: tuple[Variable, ...], options: Options) -> tuple[tuple[Variable, ...], Options]:
    noise_rng, inner_rng = options.rng.spawn(2)
    spread = []
    for v in variables:
        if v.discrete:
            spread.append(v)
            continue
        values, _ = dequantize(v.values, noise_rng)
        spread.append(Variable(name=v.name, values=values, discrete=False, columns=v.columns))
    inner = Options(k=options.k, bins=options.bins, rng=inner_rng, n_jobs=options.n_jobs)
    return tuple(spread), inner


def _inner(variables: tuple[Variable, ...]) -> Method:
    if signature_kind(variables) == "continuous":
        return combined.METHODS["copula_ksg"]
    return knn.METHODS["mixed_ksg"]


def _mi(x: Variable, y: Variable, options: Options) -> float:
    (sx, sy), inner = _spread((x, y), options)
    return float(_inner((sx, sy)).mi(sx, sy, inner))


def _cmi(x: Variable, y: Variable, z: Variable, options: Options) -> float:
    (sx, sy, sz), inner = _spread((x, y, z), options)
    return float(_inner((sx, sy, sz)).cmi(sx, sy, sz, inner))


def _accepts(variables: tuple[Variable, ...]) -> str | None:
    if not any(has_lattice_ties(v) for v in variables):
        return "no continuous variable has repeated values on a grid (nothing to dequantise)."
    return None


METHODS: dict[str, Method] = {
    "dequantized": Method(
        name="dequantized",
        summary=(
            "rounded (lattice-valued) continuous columns spread uniformly over their grid "
            "cells, then copula_ksg (continuous) or mixed_ksg (mixed); exact: I(X+U;Y) = I(X;Y)"
        ),
        kinds=frozenset({"continuous", "mixed"}),
        mi=_mi,
        cmi=_cmi,
        accepts=_accepts,
        uses_k=True,
        reference=(
            "Gao et al. (2017), https://doi.org/10.48550/arXiv.1709.06212 (the point-mass rule "
            "this avoids on rounded data)"
        ),
    ),
}
