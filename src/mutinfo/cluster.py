"""Agreement between two clusterings (partitions) of the same samples.

Every function here builds one contingency table and reads all its quantities from the
occupied cells and the two margins (never an n x n array). Integer arrays with labels in
0..255, the usual output of a clustering, are counted in a single range-checked pass
(:func:`mutinfo.estimators._emi.small_label_table`); everything else is validated and
encoded by :mod:`mutinfo._validation` and counted by the kernels of
:mod:`mutinfo.estimators.discrete`. Counts are integers, so both paths give the same table.

Values equal scikit-learn's (``sklearn.metrics.normalized_mutual_info_score``,
``adjusted_mutual_info_score``, ``homogeneity_completeness_v_measure``) to 1e-10, including
its conventions for degenerate labellings (a single cluster, all singletons, one sample),
which each function's Notes spell out. One deliberate difference: empty labellings raise a
``ValueError`` here (scikit-learn returns 1.0).

Labels may be integers, strings, booleans or categoricals (numpy, lists, pandas, polars,
Arrow), 1-D and non-empty, with the standard messages otherwise. Floating-point labels are
accepted only when every value is a whole number (``1.0``), because fractional values are
almost always continuous data passed by mistake.

References
----------
Vinh, N. X., Epps, J., & Bailey, J. (2010). Information theoretic measures for clusterings
comparison: variants, properties, normalization and correction for chance. *Journal of
Machine Learning Research* 11, 2837-2854. https://jmlr.org/papers/v11/vinh10a.html
Strehl, A., & Ghosh, J. (2002). Cluster ensembles: a knowledge reuse framework for combining
multiple partitions. *Journal of Machine Learning Research* 3, 583-617.
https://doi.org/10.1162/153244303321897735
Meila, M. (2007). Comparing clusterings: an information based distance. *Journal of
Multivariate Analysis* 98(5), 873-895. https://doi.org/10.1016/j.jmva.2006.11.013
Rosenberg, A., & Hirschberg, J. (2007). V-measure: a conditional entropy-based external
cluster evaluation measure. *Proc. EMNLP-CoNLL 2007*, 410-420.
https://aclanthology.org/D07-1043/
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from mutinfo._information import Information
from mutinfo._validation import check_base, check_same_length, to_variable
from mutinfo._variable import Variable
from mutinfo.estimators._emi import (
    conditional_entropies,
    expected_mutual_info,
    mi_from_cells,
    small_label_table,
)
from mutinfo.estimators.discrete import entropy_from_counts, pair_cells

__all__ = [
    "adjusted_mutual_info",
    "homogeneity_completeness_v_measure",
    "normalized_mutual_info",
    "variation_of_information",
]

_AVERAGES = ("min", "geometric", "arithmetic", "max")
_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class _Table:
    """The occupied cells and margins of the contingency table of two labellings."""

    n: int
    ca: np.ndarray  # row (labels_true) code of each occupied cell
    cb: np.ndarray  # column (labels_pred) code of each occupied cell
    cnt: np.ndarray  # count of each occupied cell (> 0)
    na: np.ndarray  # row margins (> 0)
    nb: np.ndarray  # column margins (> 0)

    @property
    def h_true(self) -> float:
        """Plug-in entropy of ``labels_true`` in nats (0.0 exactly for one cluster)."""
        return 0.0 if self.na.shape[0] <= 1 else entropy_from_counts(self.na, "plugin")

    @property
    def h_pred(self) -> float:
        """Plug-in entropy of ``labels_pred`` in nats (0.0 exactly for one cluster)."""
        return 0.0 if self.nb.shape[0] <= 1 else entropy_from_counts(self.nb, "plugin")

    @property
    def mi(self) -> float:
        """Plug-in MI in nats (0.0 exactly when either side has one cluster)."""
        if self.na.shape[0] <= 1 or self.nb.shape[0] <= 1:
            return 0.0
        return float(mi_from_cells(self.ca, self.cb, self.cnt, self.na, self.nb))

    @property
    def identical(self) -> bool:
        """Whether the two partitions are the same up to renaming of the clusters."""
        k = self.cnt.shape[0]
        return k == self.na.shape[0] == self.nb.shape[0]


def _labels(obj: Any, name: str) -> Variable:
    v = to_variable(obj, name, discrete=True)
    if v.d != 1:
        raise ValueError(
            f"`{name}` must be a 1-D array of labels (n,); got {v.d} columns {list(v.columns)[:5]}."
        )
    levels = v.levels
    if levels is not None and levels.dtype.kind == "f" and not np.all(levels == np.round(levels)):
        bad = float(levels[levels != np.round(levels)][0])
        raise ValueError(
            f"`{name}` must hold discrete labels (integers, strings, booleans or categories); "
            f"got fractional float values such as {bad!r}. Bin continuous data first."
        )
    return v


def _small_int_table(labels_true: Any, labels_pred: Any) -> _Table | None:
    # fast path for the usual input, two int arrays of labels 0..255: one counting pass
    # (the general path encodes each side first); None when it does not apply
    arrays = (labels_true, labels_pred)
    if not all(isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype.kind in "iu" for a in arrays):
        return None
    if labels_true.shape[0] != labels_pred.shape[0] or labels_true.shape[0] == 0:
        return None  # the general path raises the standard message
    x, y = (np.ascontiguousarray(a, dtype=np.int64) for a in arrays)
    table = small_label_table(x, y, numba.get_num_threads())
    if table is None:
        return None
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    ri, ci = np.nonzero(table)  # row-major: ordered like pair_cells
    row_code = np.cumsum(rows > 0) - 1
    col_code = np.cumsum(cols > 0) - 1
    return _Table(
        n=int(x.shape[0]),
        ca=row_code[ri],
        cb=col_code[ci],
        cnt=table[ri, ci],
        na=rows[rows > 0],
        nb=cols[cols > 0],
    )


def _table(labels_true: Any, labels_pred: Any) -> _Table:
    fast = _small_int_table(labels_true, labels_pred)
    if fast is not None:
        return fast
    u = _labels(labels_true, "labels_true")
    v = _labels(labels_pred, "labels_pred")
    n = check_same_length(u, v)
    ca, cb, cnt = pair_cells(u.values, u.n_levels, v.values, v.n_levels)
    na = np.bincount(ca, weights=cnt, minlength=u.n_levels).astype(np.int64)
    nb = np.bincount(cb, weights=cnt, minlength=v.n_levels).astype(np.int64)
    return _Table(n=n, ca=ca, cb=cb, cnt=cnt, na=na, nb=nb)


def _check_average(average: Any) -> str:
    if not isinstance(average, str) or average not in _AVERAGES:
        raise ValueError(f"`average` must be one of {', '.join(map(repr, _AVERAGES))}; got {average!r}.")
    return average


def _average(h_true: float, h_pred: float, average: str) -> float:
    # the generalised mean of the two entropies (Vinh et al. 2010, Table 2)
    if average == "min":
        return min(h_true, h_pred)
    if average == "geometric":
        return math.sqrt(h_true * h_pred)
    if average == "arithmetic":
        return (h_true + h_pred) / 2.0
    return max(h_true, h_pred)


def normalized_mutual_info(labels_true: Any, labels_pred: Any, /, *, average: str = "arithmetic") -> float:
    """Normalised mutual information between two clusterings, in [0, 1].

    ``NMI = I(U; V) / mean(H(U), H(V))`` with the generalised mean chosen by ``average``
    (Strehl & Ghosh 2002 used the geometric mean; ``"arithmetic"`` equals the V-measure).

    NMI is **not adjusted for chance**: two independent random labellings give NMI > 0, and
    the more clusters (relative to n) the larger it gets, so NMI favours fine partitions
    (Vinh, Epps & Bailey 2010). Compare clusterings with different numbers of clusters with
    :func:`adjusted_mutual_info` instead.

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n,)
        Cluster labels (integers, strings, booleans, categoricals); label names do not matter.
    average : {"arithmetic", "min", "geometric", "max"}
        Generalised mean of the two entropies in the denominator.

    Returns
    -------
    float
        Unitless score: 1 for identical partitions, 0 when the contingency table has zero MI.

    Notes
    -----
    Degenerate cases follow scikit-learn: both labellings with a single cluster (including
    n = 1) give 1.0; otherwise zero MI (e.g. one side a single cluster) gives 0.0.

    References
    ----------
    Strehl, A., & Ghosh, J. (2002). *JMLR* 3, 583-617. https://doi.org/10.1162/153244303321897735
    Vinh, N. X., Epps, J., & Bailey, J. (2010). *JMLR* 11, 2837-2854.
    https://jmlr.org/papers/v11/vinh10a.html

    Examples
    --------
    >>> import mutinfo as mi
    >>> mi.normalized_mutual_info([0, 0, 1, 1], ["b", "b", "a", "a"])
    1.0
    """
    average = _check_average(average)
    t = _table(labels_true, labels_pred)
    if t.na.shape[0] == t.nb.shape[0] == 1:
        return 1.0
    mi = t.mi
    if mi == 0.0:
        return 0.0
    return float(mi / _average(t.h_true, t.h_pred, average))


def adjusted_mutual_info(labels_true: Any, labels_pred: Any, /, *, average: str = "arithmetic") -> float:
    """Mutual information between two clusterings adjusted for chance.

    ``AMI = (I - E[I]) / (mean(H(U), H(V)) - E[I])`` where ``E[I]`` is the expected MI of two
    random labellings with the same cluster sizes (the hypergeometric permutation model;
    Vinh, Epps & Bailey 2010, eq. 24a). AMI is 1 for identical partitions, about 0 on
    average for independent ones, and can be negative.

    ``E[I]`` is computed exactly (to double precision) by a recurrence over the
    hypergeometric probabilities from each cell's mode outwards, in parallel over cells
    (see :mod:`mutinfo.estimators._emi`).

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n,)
        Cluster labels (integers, strings, booleans, categoricals).
    average : {"arithmetic", "min", "geometric", "max"}
        Generalised mean of the two entropies in the denominator.

    Returns
    -------
    float
        Unitless score, at most 1.

    Notes
    -----
    Degenerate cases follow scikit-learn: both labellings with a single cluster (including
    n = 1) give 1.0; exactly one with a single cluster gives 0.0. As scikit-learn does, the
    numerator and the denominator are kept at least machine epsilon away from zero with
    their sign, so that 0/0 cases (where ``E[I]`` equals the normaliser) give a finite
    number. Identical partitions give exactly 1.0 (in scikit-learn, 1 up to rounding).

    One labelling of all singletons (n clusters of one) makes ``I = E[I] = H(other)``
    exactly, so the numerator is 0 and, with ``average="min"``, so is the denominator.
    Here ``E[I]`` is set to ``I`` instead of being computed, and scikit-learn's guard then
    gives what it gives in exact arithmetic: eps / eps = 1.0 for ``"min"``, about 0 for
    the other averages. (scikit-learn computes both terms, and its ``"min"`` result is
    rounding noise divided by rounding noise: values such as -1.0, 0.5 or 3.0 for
    labellings of a few dozen samples.)

    References
    ----------
    Vinh, N. X., Epps, J., & Bailey, J. (2010). *JMLR* 11, 2837-2854.
    https://jmlr.org/papers/v11/vinh10a.html

    Examples
    --------
    >>> import mutinfo as mi
    >>> mi.adjusted_mutual_info([0, 0, 1, 1], [0, 0, 1, 1])
    1.0
    """
    average = _check_average(average)
    t = _table(labels_true, labels_pred)
    ra, rb = t.na.shape[0], t.nb.shape[0]
    if ra == rb == 1:
        return 1.0
    if ra == 1 or rb == 1:
        return 0.0
    if t.identical:
        return 1.0
    if ra == t.n or rb == t.n:
        # one side all singletons: I = H(other side) for every permutation, so E[I] = I
        # exactly; computing both would leave only rounding noise in 0/0 (average="min")
        mi = emi = t.h_pred if ra == t.n else t.h_true
    else:
        mi, emi = t.mi, expected_mutual_info(t.na, t.nb)
    denominator = _average(t.h_true, t.h_pred, average) - emi
    numerator = mi - emi
    # scikit-learn's guard: keep the sign, stay at least eps away from zero
    denominator = min(denominator, -_EPS) if denominator < 0 else max(denominator, _EPS)
    numerator = min(numerator, -_EPS) if numerator < 0 else max(numerator, _EPS)
    return float(numerator / denominator)


def variation_of_information(labels_true: Any, labels_pred: Any, /, *, base: float = 2) -> Information:
    """Variation of information: a metric distance between two clusterings.

    ``VI(U, V) = H(U | V) + H(V | U) = H(U) + H(V) - 2 I(U; V)`` (Meila 2007). It is 0 only
    for identical partitions, symmetric, obeys the triangle inequality, and is at most
    ``log n``. Computed from the table's cells as the sum of the two conditional entropies,
    each a sum of non-negative terms (so it is never negative by rounding).

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n,)
        Cluster labels.
    base : float
        Logarithm base of the result (2: bits, e: nats).

    Returns
    -------
    Information
        VI in the unit of ``base`` (``quantity="VI(labels_true,labels_pred)"``).

    References
    ----------
    Meila, M. (2007). Comparing clusterings: an information based distance. *J. Multivariate
    Anal.* 98(5), 873-895. https://doi.org/10.1016/j.jmva.2006.11.013

    Examples
    --------
    >>> import mutinfo as mi
    >>> float(mi.variation_of_information([0, 0, 1, 1], [0, 1, 0, 1]))  # 1 bit + 1 bit
    2.0
    """
    base = check_base(base)
    t = _table(labels_true, labels_pred)
    h_u_given_v, h_v_given_u = conditional_entropies(t.ca, t.cb, t.cnt, t.na, t.nb)
    return Information.from_nats(
        h_u_given_v + h_v_given_u,
        base=base,
        method="plugin",
        n=t.n,
        quantity="VI(labels_true,labels_pred)",
    )


def homogeneity_completeness_v_measure(
    labels_true: Any, labels_pred: Any, /, *, beta: float = 1.0
) -> tuple[float, float, float]:
    """Homogeneity, completeness and V-measure of a clustering against true classes.

    Homogeneity ``h = I(C; K) / H(C)`` (each cluster holds one class), completeness
    ``c = I(C; K) / H(K)`` (each class sits in one cluster), and their weighted harmonic mean
    ``V = (1 + beta) h c / (beta h + c)`` (Rosenberg & Hirschberg 2007). With ``beta = 1``
    V equals NMI with the arithmetic mean. Like NMI, none of them is adjusted for chance.

    Parameters
    ----------
    labels_true : array-like of shape (n,)
        Class labels C.
    labels_pred : array-like of shape (n,)
        Cluster labels K.
    beta : float
        Weight of completeness against homogeneity (>= 0); > 1 favours completeness.

    Returns
    -------
    tuple of float
        ``(homogeneity, completeness, v_measure)``, unitless in [0, 1].

    Notes
    -----
    As in scikit-learn, a zero entropy makes its ratio 1.0 (a single class is trivially
    homogeneous) and ``h + c = 0`` gives V = 0. ``beta = 0`` gives V = h, also where
    c = 0 (scikit-learn divides by zero there).

    References
    ----------
    Rosenberg, A., & Hirschberg, J. (2007). V-measure: a conditional entropy-based external
    cluster evaluation measure. *Proc. EMNLP-CoNLL*, 410-420. https://aclanthology.org/D07-1043/

    Examples
    --------
    >>> import mutinfo as mi
    >>> mi.homogeneity_completeness_v_measure([0, 0, 1, 1], [0, 0, 0, 0])
    (0.0, 1.0, 0.0)
    """
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not (0 <= float(beta) < math.inf):
        raise ValueError(f"`beta` must be a finite real number >= 0; got {beta!r}.")
    beta = float(beta)
    t = _table(labels_true, labels_pred)
    mi = t.mi
    h_true, h_pred = t.h_true, t.h_pred
    homogeneity = mi / h_true if h_true else 1.0
    completeness = mi / h_pred if h_pred else 1.0
    if homogeneity + completeness == 0.0:
        v = 0.0
    elif beta == 0.0:
        v = homogeneity  # the harmonic mean with all weight on h (also when c = 0)
    else:
        v = (1 + beta) * homogeneity * completeness / (beta * homogeneity + completeness)
    return float(homogeneity), float(completeness), float(v)
