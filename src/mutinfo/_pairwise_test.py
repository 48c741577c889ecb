"""Significance for pairwise MI: a pooled permutation null and FDR control across pairs.

See :func:`pairwise_test`. Kept apart from :mod:`mutinfo.pairwise` (the matrix itself).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mutinfo._threads import numba_threads
from mutinfo._validation import _show, check_base, check_n_jobs, check_positive_int, check_rng
from mutinfo.estimators.knn1d import _constant, grid_shape
from mutinfo.inference import fdr
from mutinfo.pairwise import _pair_sums, pairwise, prepare

__all__ = ["PairwiseTest", "pairwise_test"]


@dataclass(frozen=True)
class PairwiseTest:
    """MI matrix with pooled-permutation p-values and FDR q-values (:func:`pairwise_test`).

    Attributes
    ----------
    statistic : numpy.ndarray or pandas.DataFrame, shape (p, p)
        The MI matrix of :func:`pairwise` (units of ``base``; NaN diagonal).
    pvalue, qvalue : same type and shape
        ``(1 + #{null >= I_ij}) / (1 + n_null)`` and its Benjamini-Hochberg q-value over
        the p(p - 1)/2 pairs (NaN diagonal).
    null_distribution : numpy.ndarray, shape (n_null,)
        MI of randomly chosen pairs with one column permuted (units of ``base``).
    """

    statistic: Any
    pvalue: Any
    qvalue: Any
    null_distribution: np.ndarray


def pairwise_test(
    data: Any,
    /,
    *,
    n_null: int = 999,
    method: str = "auto",
    k: int = 3,
    base: float = 2,
    n_jobs: int | None = None,
    rng: Any = None,
    **options: Any,
) -> PairwiseTest:
    """Pairwise MI with a pooled permutation null and FDR control across pairs.

    The null distribution is built from ``n_null`` random pairs (i, j) of the columns with
    the rows of X_j shuffled: each is a KSG estimate under exact independence with the
    data's own marginals. Pooling one null for all pairs (as ARACNE does; Margolin et al.
    2006) costs ``n_null`` pair estimates instead of ``n_null`` per pair; it is exact when
    the KSG null law is the same for every pair, which holds approximately for continuous
    tie-free columns of equal n (the estimator works on standardised values and its null
    spread is driven by n and k). Permuting rows keeps each column's sorted values, so the
    shuffled columns reuse the prepared sort orders.

    Parameters
    ----------
    data : array-like, shape (n, p)
        Continuous, tie-free columns (the fast KSG path of :func:`pairwise`).
    n_null : int, default 999
        Permuted pairs in the pooled null; the smallest p-value is 1 / (n_null + 1).
    method : {"auto", "ksg1", "ksg2"}
    k, base, n_jobs, rng
        As in :func:`pairwise`; ``rng`` also drives the permutations.
    **options
        Passed to :func:`pairwise` (``engine``, ``client``, ``block_size``, ``progress``).

    Returns
    -------
    PairwiseTest

    Raises
    ------
    ValueError
        A column outside the fast path (discrete, tied) or a method other than KSG.

    References
    ----------
    Margolin et al. (2006), https://doi.org/10.1186/1471-2105-7-S1-S7;
    Benjamini & Hochberg (1995), https://doi.org/10.1111/j.2517-6161.1995.tb02031.x
    """
    if "given" in options:
        raise ValueError(
            "pairwise_test pools an unconditional KSG null; `given` (conditional MI) is not "
            f"supported here; got given={_show(options['given'])}."
        )
    n_null = check_positive_int(n_null, "n_null")
    generator = check_rng(rng)
    base = check_base(base)
    n_jobs = check_n_jobs(n_jobs)
    with numba_threads(n_jobs):
        prep = prepare(data, method=method, discrete=False, k=k, base=base, rng=generator)
    if prep.variant == 0 or np.any(prep.fast < 0):
        slow = [prep.labels[j] for j in np.flatnonzero(prep.fast < 0)]
        raise ValueError(
            "`data`: pairwise_test pools a KSG null and needs continuous tie-free columns with method "
            f"'auto', 'ksg1' or 'ksg2'; got method={method!r} and columns off that path: {slow[:10]}."
        )
    statistic = pairwise(data, method=method, k=k, base=base, n_jobs=n_jobs, rng=rng, **options)
    values = np.asarray(statistic, dtype=np.float64)
    p, n = prep.p, prep.n
    first = generator.integers(0, p, n_null)
    second = (first + generator.integers(1, p, n_null)) % p  # a different column
    cols = np.concatenate([first, second])
    fc = prep.cols
    assert fc is not None  # plain MI: prepare() built the fast columns
    sorted_ = np.asfortranarray(fc.sorted_[:, cols])
    orders = np.empty((n, 2 * n_null), dtype=np.int64, order="F")
    ranks_ = np.empty((n, 2 * n_null), dtype=np.int64, order="F")
    orders[:, :n_null] = fc.orders[:, first]
    ranks_[:, :n_null] = fc.ranks_[:, first]
    for t, j in enumerate(second):
        perm = generator.permutation(n)  # shuffled column: x'[r] = x[perm[r]]
        inverse = np.empty(n, dtype=np.int64)
        inverse[perm] = np.arange(n)
        orders[:, n_null + t] = inverse[fc.orders[:, j]]
        ranks_[:, n_null + t] = fc.ranks_[perm, j]
    ii = np.arange(n_null, dtype=np.int64)
    with numba_threads(n_jobs):
        sums = _pair_sums(
            sorted_,
            orders,
            sorted_,
            ranks_,
            np.asfortranarray(fc.cums[:, cols]),
            fc.los[cols],
            fc.invs[cols],
            ii,
            ii + n_null,
            grid_shape(n),
            prep.k,
            prep.variant,
        )
    null = (_constant(prep.variant, prep.k, n) - sums / n) / math.log(base)
    ranked = np.sort(null)
    iu = np.triu_indices(p, 1)
    exceed = n_null - np.searchsorted(ranked, values[iu], side="left")
    pvals = np.full((p, p), np.nan)
    pvals[iu] = (1.0 + exceed) / (1.0 + n_null)
    pvals.T[iu] = pvals[iu]
    qvals = np.full((p, p), np.nan)
    qvals[iu] = fdr(pvals[iu])
    qvals.T[iu] = qvals[iu]
    if hasattr(statistic, "columns"):
        import pandas as pd

        pvals = pd.DataFrame(pvals, index=statistic.index, columns=statistic.columns)
        qvals = pd.DataFrame(qvals, index=statistic.index, columns=statistic.columns)
    return PairwiseTest(statistic, pvals, qvals, null)
