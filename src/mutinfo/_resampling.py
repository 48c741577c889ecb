"""Resampling machinery behind :mod:`mutinfo.inference`: null schemes and interval schemes.

Everything here works on validated :class:`~mutinfo._variable.Variable` objects and an
already resolved estimator (:class:`~mutinfo.estimators._method.Method`), so a test with
999 resamples costs 999 kernel calls and no re-validation.

Null schemes (what is shuffled under the null hypothesis)
---------------------------------------------------------
* ``"permutation"``: I(X;Y), rows of y permuted uniformly at random.
* ``"stratified"``: I(X;Y|Z) with discrete Z, y permuted within each stratum of z, which
  keeps the joint law of (Y, Z) and of (X, Z) and breaks only the X-Y link given Z.
* ``"local"``: I(X;Y|Z) with continuous Z, the local permutation scheme of Runge (2018):
  each row takes the y of one of its ``k_perm`` nearest neighbours in z (max-norm), drawn
  without repetition; see :func:`local_permutation`.

Interval schemes
----------------
* ``"subsample"``: subsampling without replacement (Politis & Romano 1994) of half the
  rows, with the finite-population scaling of the delete-d jackknife (Wu 1990); valid for
  every estimator because no row is ever duplicated.
* ``"basic"`` and ``"percentile"``: the nonparametric bootstrap (rows drawn with
  replacement); only for all-discrete data, because duplicated rows put zero distances
  into kNN estimators and bias them without bound.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit

from mutinfo._threads import numba_threads
from mutinfo._variable import Variable
from mutinfo._warnings import MutinfoWarning
from mutinfo.estimators._method import Method, Options

__all__ = [
    "CI_METHODS",
    "Engine",
    "interval_nats",
    "local_permutation",
    "null_nats",
    "stratified_permutation",
    "z_neighbours",
]

#: Interval schemes accepted by ``confidence_interval(method=...)``.
CI_METHODS = ("subsample", "basic", "percentile")


@dataclass(frozen=True, eq=False)
class Engine:
    """A resolved estimator bound to validated data: everything a resample needs.

    Attributes
    ----------
    spec : Method
        The registry entry (already resolved from ``"auto"``).
    quantity : {"mi", "cmi"}
        Which kernel of ``spec`` is called.
    variables : tuple of Variable
        ``(x, y)`` or ``(x, y, z)``, validated once.
    options : Options
        Estimator options (k, bins, rng, n_jobs).
    """

    spec: Method
    quantity: str
    variables: tuple[Variable, ...]
    options: Options

    @property
    def n(self) -> int:
        """Number of rows."""
        return self.variables[0].n

    @property
    def kernel(self) -> Callable[..., float]:
        """The estimator function for ``quantity`` (returns nats)."""
        return getattr(self.spec, self.quantity)

    def estimate(self, variables: tuple[Variable, ...] | None = None) -> float:
        """The estimate in nats on ``variables`` (default: the original data)."""
        return float(self.kernel(*(variables or self.variables), self.options))

    def estimate_rows(self, rows: np.ndarray) -> float:
        """The estimate in nats on the rows ``rows`` of all variables jointly."""
        return self.estimate(tuple(v.take(rows) for v in self.variables))


#: Below this many rows a resampling loop runs its kernels on one thread when ``n_jobs`` is
#: None: each kernel call then takes microseconds, and starting a parallel region costs more
#: than it saves (results are identical for every thread count, so this only affects speed).
SERIAL_BELOW = 4096


def loop_threads(n_jobs: int | None, n: int) -> int | None:
    """Thread count for the kernels inside a resampling loop over data of ``n`` rows."""
    if n_jobs is None and n < SERIAL_BELOW:
        return 1
    return n_jobs


# --------------------------------------------------------------------------- null schemes


def stratified_permutation(strata: np.ndarray, order: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random permutation of rows that maps every row to a row of the same stratum.

    Parameters
    ----------
    strata : numpy.ndarray of int64, shape (n,)
        Stratum code of each row (the discrete z).
    order : numpy.ndarray of int64, shape (n,)
        ``np.argsort(strata, kind="stable")``, computed once per test.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        ``perm`` such that ``strata[perm] == strata`` and ``perm`` is uniform among such
        permutations.
    """
    shuffled = np.lexsort((rng.random(strata.shape[0]), strata))
    perm = np.empty_like(order)
    perm[order] = shuffled
    return perm


def z_neighbours(z: np.ndarray, k_perm: int) -> np.ndarray:
    """Indices of the ``k_perm`` nearest rows of each row in z (max-norm, the row itself included).

    Uses a KD-tree, so memory stays O(n * k_perm).
    """
    from scipy.spatial import cKDTree

    _, idx = cKDTree(z).query(z, k=k_perm, p=np.inf)
    return np.ascontiguousarray(np.asarray(idx, dtype=np.int64).reshape(z.shape[0], k_perm))


@njit(cache=True)
def _local_permutation_kernel(
    neighbours: np.ndarray, z: np.ndarray, visit: np.ndarray, keys: np.ndarray, out: np.ndarray
) -> int:
    """Runge's restricted shuffle, made a true permutation; returns the number of fallbacks."""
    n, kp = neighbours.shape
    d = z.shape[1]
    used = np.zeros(n, dtype=np.bool_)
    fallbacks = 0
    for t in range(n):
        i = visit[t]
        ranks = np.argsort(keys[t])
        chosen = -1
        for r in range(kp):
            j = neighbours[i, ranks[r]]
            if not used[j]:
                chosen = j
                break
        if chosen < 0:
            # every one of the k_perm neighbours is taken: use the nearest free row instead
            fallbacks += 1
            best = np.inf
            for j in range(n):
                if used[j]:
                    continue
                dist = 0.0
                for c in range(d):
                    diff = abs(z[j, c] - z[i, c])
                    if diff > dist:
                        dist = diff
                if dist < best:
                    best = dist
                    chosen = j
        used[chosen] = True
        out[i] = chosen
    return fallbacks


def local_permutation(neighbours: np.ndarray, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw of the local permutation scheme for a continuous conditioning variable.

    Rows are visited in random order; row ``i`` takes the y of a random one of its
    ``k_perm`` nearest neighbours in z that no earlier row has taken (Runge 2018,
    Algorithm 1). Runge's scheme falls back to a neighbour that is already taken when all
    are, which duplicates a y value; duplicated rows give zero distances that break kNN
    estimators, so here row ``i`` takes the *nearest free row* in z instead. The result is
    therefore always a true permutation, and it differs from Runge's only for the few rows
    whose neighbourhood is exhausted.

    Parameters
    ----------
    neighbours : numpy.ndarray of int64, shape (n, k_perm)
        From :func:`z_neighbours`.
    z : numpy.ndarray of float64, shape (n, d)
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of int64, shape (n,)

    References
    ----------
    J. Runge, "Conditional independence testing based on a nearest-neighbor estimator of
    conditional mutual information", AISTATS 2018. DOI: 10.48550/arXiv.1709.01447
    """
    n, kp = neighbours.shape
    visit = rng.permutation(n).astype(np.int64)
    keys = rng.random((n, kp))
    out = np.empty(n, dtype=np.int64)
    _local_permutation_kernel(neighbours, z, visit, keys, out)
    return out


def null_nats(
    engine: Engine,
    scheme: str,
    n_resamples: int,
    rng: np.random.Generator,
    *,
    k_perm: int = 5,
) -> np.ndarray:
    """Estimates (nats) under the null for ``n_resamples`` shuffles of y.

    Only y is shuffled; x (and z) keep their rows, so each resample is one kernel call on
    ``(x, y[perm], ...)``. Warnings are emitted once by the observed statistic, so the
    identical ones from the resamples are silenced.
    """
    variables = engine.variables
    vy = variables[1]
    n = engine.n
    out = np.empty(n_resamples, dtype=np.float64)
    if scheme == "stratified":
        strata = variables[2].values
        order = np.argsort(strata, kind="stable")

        def draw() -> np.ndarray:
            return stratified_permutation(strata, order, rng)

    elif scheme == "local":
        z = variables[2].values
        neighbours = z_neighbours(z, k_perm)

        def draw() -> np.ndarray:
            return local_permutation(neighbours, z, rng)

    else:

        def draw() -> np.ndarray:
            return rng.permutation(n)

    kernel = engine.kernel
    options = engine.options
    with warnings.catch_warnings(), numba_threads(loop_threads(options.n_jobs, n)):
        warnings.simplefilter("ignore", MutinfoWarning)
        for r in range(n_resamples):
            shuffled = vy.take(draw())
            out[r] = kernel(variables[0], shuffled, *variables[2:], options)
    return out


# --------------------------------------------------------------------------- intervals


def subsample_size(n: int) -> int:
    """Subsample size b = floor(n / 2) used by the ``"subsample"`` interval.

    Half-samples make the finite-population factor sqrt(b / (n - b)) equal to 1, and they
    centre the interval on the jackknife bias-corrected estimate for estimators whose bias
    is c / n (plug-in and KSG alike): the subsample bias 2c/n minus the full-sample bias c/n
    is exactly the full-sample bias, which the interval then subtracts.
    """
    return n // 2


def interval_nats(
    engine: Engine,
    statistic: float,
    confidence_level: float,
    method: str,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[float, float, list[tuple[type[Warning], str]]]:
    """Two-sided interval (nats) for the estimated quantity.

    Returns
    -------
    low, high : float
        Interval end points in nats.
    caught : list of (category, message)
        The first mutinfo warning of each category raised by the resampled estimates, for
        re-emission (once per category, not once per resample).
    """
    n = engine.n
    alpha = 1.0 - confidence_level
    estimates = np.empty(n_resamples, dtype=np.float64)
    if method == "subsample":
        b = subsample_size(n)

        def rows() -> np.ndarray:
            return np.sort(rng.permutation(n)[:b])

    else:

        def rows() -> np.ndarray:
            return np.sort(rng.integers(0, n, size=n))

    with (
        warnings.catch_warnings(record=True) as record,
        numba_threads(loop_threads(engine.options.n_jobs, subsample_size(n) if method == "subsample" else n)),
    ):
        warnings.simplefilter("always", MutinfoWarning)
        for r in range(n_resamples):
            estimates[r] = engine.estimate_rows(rows())
    caught: dict[type[Warning], str] = {}
    for w in record:
        if issubclass(w.category, MutinfoWarning):
            caught.setdefault(w.category, str(w.message))  # the first of each kind only
        else:  # not ours: let it through unchanged
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    found = list(caught.items())
    q_low, q_high = np.quantile(estimates, [alpha / 2.0, 1.0 - alpha / 2.0])
    if method == "percentile":
        return float(q_low), float(q_high), found
    if method == "basic":
        return 2.0 * statistic - float(q_high), 2.0 * statistic - float(q_low), found
    # subsample: the root sqrt(n)(T_n - θ) is approximated by
    # sqrt(b n / (n - b)) (T_b - c) (Politis & Romano 1994; Wu 1990's finite-population factor),
    # with c = T_n for all-discrete data and c = mean(T_b) otherwise (see recentre()).
    b = subsample_size(n)
    scale = math.sqrt(b / (n - b))
    centre = float(np.mean(estimates)) if recentre(engine) else statistic
    return (
        statistic - scale * (float(q_high) - centre),
        statistic - scale * (float(q_low) - centre),
        found,
    )


def recentre(engine: Engine) -> bool:
    """Whether the subsample root is centred at the subsample mean instead of at T_n.

    Centring at T_n (the textbook root) makes the interval subtract the half-sample
    estimate of the bias, E*[T_b] - T_n. For smooth plug-in functionals of counts that
    estimate is stable and the correction is worth having. For kNN and other continuous
    estimators it is not: E*[T_b] - T_n fluctuates from data set to data set by about half
    the standard error of T_n (KSG, Gaussian data, n = 400: SD 0.024 nats against 0.045),
    and those intervals under-cover (about 0.8 for a nominal 0.9). Centring at the
    subsample mean keeps only the spread, so there the interval is centred on T_n.
    Measured (90% intervals, 100 data sets, B = 60): plug-in on an 8 x 8 table with
    n = 300 covers 0.85 centred at T_n and 0.53 recentred (the bias is then as large as
    the standard error); KSG on a Gaussian with n = 400 covers 0.76 centred at T_n and
    0.90 recentred.
    """
    return not all(v.discrete for v in engine.variables)
