"""Neighbour-search primitives and the mixed (point-mass aware) kNN estimators. Nats.

This module holds what every kNN estimator of :mod:`mutinfo.estimators.knn` needs:

* :func:`standardize`, :func:`has_repeated_rows`, :func:`embed` (data preparation),
* :func:`count_within`: for each point, how many *other* points lie within a per-point
  max-norm radius (sorted binary search in 1-D, a KD-tree otherwise),
* :func:`mixed_terms`: the Gao et al. (2017) / Mesner & Shalizi (2020) estimator of I(X; Y)
  and I(X; Y | Z) for data that may contain point masses (repeated values, discrete codes),
* :func:`ross_mi`: Ross (2014) for one discrete and one continuous variable,
* the array-level entry points :func:`mixed_mi`, :func:`mixed_cmi`, :func:`ross` and
  :func:`stratified_cmi` (I(X; Y | Z) by strata of a discrete z), with their warnings.

The ties policy that decides *when* these are used is documented once, in
:mod:`mutinfo.estimators.knn`.

Conventions
-----------
All distances use the maximum norm, on columns divided by their standard deviation. A
discrete variable (integer codes) becomes one column ``code * gap`` where ``gap`` exceeds
every possible distance between standardised continuous rows: two samples of different
categories are never neighbours of each other unless a category has too few members, and
no order among the codes is implied.

References
----------
W. Gao, S. Kannan, S. Oh and P. Viswanath, "Estimating mutual information for
discrete-continuous mixtures", NeurIPS 2017. https://doi.org/10.48550/arXiv.1709.06212

O. C. Mesner and C. R. Shalizi, "Conditional mutual information estimation for mixed,
discrete and continuous data", IEEE Trans. Inf. Theory 67, 464-484 (2021).
https://doi.org/10.1109/TIT.2020.3024886

B. C. Ross, "Mutual information between discrete and continuous data sets",
PLoS ONE 9, e87357 (2014). https://doi.org/10.1371/journal.pone.0087357
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable

import numpy as np
from numba import njit, prange
from scipy.spatial import cKDTree
from scipy.special import digamma

from mutinfo._threads import resolve_n_jobs
from mutinfo._warnings import SmallSampleWarning, TiesWarning
from mutinfo.estimators._scale import safe_std

__all__ = [
    "MIXED_DONE",
    "SMALL_N",
    "as_2d",
    "block_extents",
    "count_in_boxes",
    "count_within",
    "duplicate_counts",
    "embed",
    "has_repeated_rows",
    "knn_radius",
    "mixed_cmi",
    "mixed_mi",
    "mixed_terms",
    "ross",
    "ross_mi",
    "standardize",
    "strata",
    "stratified_cmi",
    "warn_small",
    "warn_ties",
    "workers",
]

#: Points per leaf of the counting KD-tree.
_LEAF = 16


# --------------------------------------------------------------------------- preparation


def workers(n_jobs: int | None) -> int:
    """``workers=`` argument for cKDTree from an ``n_jobs`` option (None: numba's count)."""
    return resolve_n_jobs(n_jobs)


def standardize(a: np.ndarray) -> np.ndarray:
    """Copy of ``a`` (n, d) with every column divided by its standard deviation (ddof 0).

    Constant columns are left as they are (their distances are all zero anyway). Dividing
    by a positive number keeps every tie and every ordering, and MI is invariant to it; the
    kNN estimators are not (the max-norm mixes the columns), so they all work on this scale.
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    scale = safe_std(a)  # no overflow for data near 1e300
    scale[scale == 0] = 1.0
    return np.ascontiguousarray(a / scale)


def has_repeated_rows(a: np.ndarray) -> bool:
    """True when two rows of ``a`` (n,) or (n, d) are identical."""
    a = np.asarray(a)
    if a.ndim == 1 or a.shape[1] == 1:
        s = np.sort(a.reshape(-1))
        return bool(np.any(s[1:] == s[:-1]))
    order = np.lexsort(a.T[::-1])
    s = a[order]
    return bool(np.any(np.all(s[1:] == s[:-1], axis=1)))


def duplicate_counts(a: np.ndarray) -> np.ndarray:
    """For each row, how many *other* rows are identical to it (int64, shape (n,))."""
    a = np.asarray(a)
    if a.ndim == 1:
        a = a[:, None]
    _, inverse, counts = np.unique(a, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.reshape(-1)].astype(np.int64) - 1


def embed(blocks: list[tuple[np.ndarray, bool]]) -> list[np.ndarray]:
    """Standardised float blocks for the max-norm: continuous columns scaled, codes spread.

    Parameters
    ----------
    blocks : list of (values, discrete)
        Continuous values (n, d) float64, or discrete codes (n,) int64.

    Returns
    -------
    list of numpy.ndarray
        One (n, d_b) float64 array per block. A discrete block becomes ``code * gap`` with
        ``gap`` larger than the diameter of every standardised continuous block.
    """
    out: list[np.ndarray | None] = []
    diameter = 0.0
    for values, discrete in blocks:
        if discrete:
            out.append(None)
            continue
        s = standardize(values)
        diameter = max(diameter, float(np.max(s.max(axis=0) - s.min(axis=0))))
        out.append(s)
    gap = 2.0 * diameter + 1.0
    result = []
    for (values, discrete), s in zip(blocks, out):
        if discrete:
            result.append(np.ascontiguousarray(values.reshape(-1, 1).astype(np.float64) * gap))
        else:
            result.append(s)
    return result


# --------------------------------------------------------------------------- counting


@njit(parallel=True, cache=True)
def _count_sorted_1d(s: np.ndarray, v: np.ndarray, r: np.ndarray, out: np.ndarray) -> None:
    """out[i] = #{j != i : |s_j - v_i| <= r_i}; ``s`` is ``v`` sorted (v_i is in s)."""
    m = s.shape[0]
    for i in prange(v.shape[0]):
        vi = v[i]
        ri = r[i]
        lo = 0
        hi = m
        while lo < hi:  # first j with vi - s[j] <= ri (monotone in j)
            mid = (lo + hi) // 2
            if vi - s[mid] <= ri:
                hi = mid
            else:
                lo = mid + 1
        first = lo
        hi = m
        while lo < hi:  # first j with s[j] - vi > ri
            mid = (lo + hi) // 2
            if s[mid] - vi > ri:
                hi = mid
            else:
                lo = mid + 1
        out[i] = lo - first - 1


@njit(cache=True)
def _build_tree(points: np.ndarray, leaf: int) -> tuple:
    """Counting KD-tree: median splits on the widest dimension, exact bounding boxes.

    Returns the point order and, per node, its slice [start, stop) of that order, children
    (-1 for leaves) and bounding box. A node whose points are all identical stays a leaf.
    """
    n, d = points.shape
    cap = 4 * (n // leaf + 1) + 1
    perm = np.arange(n)
    start = np.empty(cap, dtype=np.int64)
    stop = np.empty(cap, dtype=np.int64)
    left = np.full(cap, -1, dtype=np.int64)
    right = np.full(cap, -1, dtype=np.int64)
    lo = np.empty((cap, d))
    hi = np.empty((cap, d))
    stack = np.empty(cap, dtype=np.int64)
    start[0], stop[0], stack[0] = 0, n, 0
    used, top = 1, 1
    while top > 0:
        top -= 1
        node = stack[top]
        s, e = start[node], stop[node]
        best, width = 0, 0.0
        for c in range(d):
            mn, mx = np.inf, -np.inf
            for t in range(s, e):
                v = points[perm[t], c]
                mn = min(mn, v)
                mx = max(mx, v)
            lo[node, c], hi[node, c] = mn, mx
            if mx - mn > width:
                best, width = c, mx - mn
        if e - s <= leaf or width == 0.0:
            continue
        values = np.empty(e - s)
        for t in range(s, e):
            values[t - s] = points[perm[t], best]
        segment = perm[s:e][np.argsort(values)]
        perm[s:e] = segment
        mid = s + (e - s) // 2
        left[node], right[node] = used, used + 1
        start[used], stop[used], start[used + 1], stop[used + 1] = s, mid, mid, e
        stack[top], stack[top + 1] = used, used + 1
        used += 2
        top += 2
    return perm, start[:used], stop[:used], left[:used], right[:used], lo[:used], hi[:used]


@njit(parallel=True, cache=True)
def _tree_count(
    tp: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    q: np.ndarray,
    radii: np.ndarray,
    out: np.ndarray,
) -> None:
    """out[i] = #{rows t of tp : |tp[t, c] - q[i, c]| <= radii[i, c] for every column c}.

    Whole nodes inside the box are counted from their size, nodes outside are skipped. The
    box tests are exact in floating point: fl(p - v) is monotone in p, so a bounding box
    inside (outside) the query box implies every point in it is.
    """
    d = q.shape[1]
    for i in prange(q.shape[0]):
        stack = np.empty(128, dtype=np.int64)
        stack[0] = 0
        top = 1
        total = 0
        while top > 0:
            top -= 1
            node = stack[top]
            inside = True
            outside = False
            for c in range(d):
                v, r = q[i, c], radii[i, c]
                if lo[node, c] - v > r or v - hi[node, c] > r:
                    outside = True
                    break
                if v - lo[node, c] > r or hi[node, c] - v > r:
                    inside = False
            if outside:
                continue
            if inside:
                total += stop[node] - start[node]
            elif left[node] < 0:
                for t in range(start[node], stop[node]):
                    ok = True
                    for c in range(d):
                        if abs(tp[t, c] - q[i, c]) > radii[i, c]:
                            ok = False
                            break
                    if ok:
                        total += 1
            else:
                stack[top] = left[node]
                stack[top + 1] = right[node]
                top += 2
        out[i] = total


def _count_boxes_tree(values: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Other rows inside each row's box; ``radii`` is (n, d), one radius per column."""
    perm, start, stop, left, right, lo, hi = _build_tree(values, _LEAF)
    out = np.empty(values.shape[0], dtype=np.int64)
    tp = np.ascontiguousarray(values[perm])
    _tree_count(tp, start, stop, left, right, lo, hi, values, np.ascontiguousarray(radii), out)
    return out - 1


@njit(parallel=True, cache=True)
def block_extents(v: np.ndarray, idx: np.ndarray, out: np.ndarray) -> None:
    """out[i] = max over the neighbours idx[i, :] of the max-norm distance to point i in ``v``."""
    d = v.shape[1]
    for i in prange(v.shape[0]):
        e = 0.0
        for a in range(idx.shape[1]):
            j = idx[i, a]
            for c in range(d):
                t = abs(v[j, c] - v[i, c])
                if t > e:
                    e = t
        out[i] = e


def count_within(values: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """For each row i, the number of other rows j with ``max_c |v_jc - v_ic| <= radii[i]``.

    A strict inequality ``< eps`` is obtained by passing ``np.nextafter(eps, 0)``: no double
    lies between the two, so the counts are exact. One column: binary search on the sorted
    values; several: a counting KD-tree that adds whole nodes inside the ball by their size
    (both O(n log n) in practice, whatever the counts are). Parallel over rows.
    """
    radii = np.ascontiguousarray(radii, dtype=np.float64)
    if values.shape[1] == 1:
        v = np.ascontiguousarray(values[:, 0])
        out = np.empty(v.shape[0], dtype=np.int64)
        _count_sorted_1d(np.sort(v), v, radii, out)
        return out
    return _count_boxes_tree(values, np.repeat(radii[:, None], values.shape[1], axis=1))


def count_in_boxes(blocks: list[np.ndarray], radii: list[np.ndarray]) -> np.ndarray:
    """For each row i, the number of other rows within ``radii[b][i]`` in every block b.

    With one block this is :func:`count_within`; with several (the rectangles of KSG
    estimator 2 for CMI) each column gets its block's radius in the counting KD-tree.
    """
    if len(blocks) == 1:
        return count_within(blocks[0], radii[0])
    joint = np.ascontiguousarray(np.hstack(blocks))
    per_column = np.column_stack([np.repeat(r[:, None], b.shape[1], axis=1) for b, r in zip(blocks, radii)])
    return _count_boxes_tree(joint, per_column)


def knn_radius(joint: np.ndarray, k: int, n_jobs: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Max-norm distance to the k-th nearest other point, and the k+1 neighbour indices.

    The query includes the point itself (distance 0), so column k of the sorted distances is
    the k-th neighbour's distance even when duplicates make the order of zeros arbitrary.
    """
    tree = cKDTree(joint)
    dist, idx = tree.query(joint, k=k + 1, p=np.inf, workers=workers(n_jobs))
    return np.ascontiguousarray(dist[:, k]), idx


# --------------------------------------------------------------------------- estimators


def mixed_terms(blocks: list[np.ndarray], k: int, n_jobs: int | None) -> float:
    """Gao / Mesner-Shalizi estimate from embedded blocks [x, y] (MI) or [x, y, z] (CMI).

    Let rho_i be the max-norm distance from sample i to its k-th nearest neighbour in the
    joint space.

    * rho_i > 0: every subspace count n_S,i is the number of other samples *strictly* closer
      than rho_i in subspace S (KSG estimator 1 / Frenzel-Pompe), and k_i is 1 + the number
      strictly closer in the joint space: k on tie-free data, fewer when several samples are
      tied at distance rho_i (rounded data), which keeps k_i and the n_S,i consistent.
    * rho_i = 0 (a point mass with more than k copies): k_i is the number of other samples
      at distance 0 in the joint space and n_S,i the number at distance 0 in S (Gao et al.).

    MI:  psi(n) + <psi(k_i) - psi(n_x,i + 1) - psi(n_y,i + 1)>
    CMI: <psi(k_i) - psi(n_xz,i + 1) - psi(n_yz,i + 1) + psi(n_z,i + 1)>

    On tie-free data every rho_i is positive and this is exactly KSG-1 (Frenzel-Pompe); for a
    discrete x and continuous y with more than k samples per class it equals Ross (2014).
    Digamma replaces Gao et al.'s logarithms of the counts (as in Mesner & Shalizi's CMI form);
    the two agree as counts grow, and the digamma form keeps the KSG-1 bias cancellation.

    Returns
    -------
    float
        Nats.
    """
    n = blocks[0].shape[0]
    joint = np.ascontiguousarray(np.hstack(blocks))
    rho, _ = knn_radius(joint, k, n_jobs)
    zero = rho == 0.0
    radius = np.where(zero, 0.0, np.nextafter(rho, 0.0))
    # rho_i > 0: k_i = 1 + the number of samples strictly inside the joint ball, the same
    # convention as the marginal counts. Without ties that is exactly k (KSG-1); with values
    # tied at distance rho_i it is smaller, and using k there would inflate the estimate.
    k_i = count_within(joint, radius).astype(np.float64) + 1.0
    if zero.any():
        k_i[zero] = duplicate_counts(joint)[zero]

    def sub(parts: list[np.ndarray]) -> np.ndarray:
        values = parts[0] if len(parts) == 1 else np.ascontiguousarray(np.hstack(parts))
        return count_within(values, radius).astype(np.float64)

    if len(blocks) == 2:
        x, y = blocks
        # x and y enter through one commutative sum, so swapping them gives the identical number
        terms = digamma(k_i) - (digamma(sub([x]) + 1.0) + digamma(sub([y]) + 1.0))
        return float(digamma(n) + np.mean(terms))
    x, y, z = blocks
    terms = digamma(k_i) - (digamma(sub([x, z]) + 1.0) + digamma(sub([y, z]) + 1.0)) + digamma(sub([z]) + 1.0)
    return float(np.mean(terms))


def ross_mi(labels: np.ndarray, y: np.ndarray, k: int, n_jobs: int | None) -> tuple[float, int]:
    """Ross (2014) estimate of I(X; Y) for discrete codes ``labels`` and continuous ``y``.

    For sample i of class c (N_c members): d_i is the max-norm distance to its k_c-th nearest
    neighbour *within the class*, with k_c = min(k, N_c - 1); m_i is 1 + the number of samples of
    the whole data set strictly closer than d_i, and k_i is 1 + the number of class members
    strictly closer (k_i = k_c on tie-free data; smaller when values tie at distance d_i). Then

        I = psi(n) - <psi(N_c)> + <psi(k_i)> - <psi(m_i)>.

    A class needs at least 2 samples (checked by the caller). Point masses in ``y``: when
    d_i = 0, k_c is replaced by the number of other class members at distance 0 and m_i by
    1 + the number of other samples at distance 0 (the rule of Gao et al. 2017), so the
    estimate equals :func:`mixed_terms` on the same data whenever every N_c > k.

    Returns
    -------
    (float, int)
        The estimate in nats, and the number of samples whose class was smaller than k + 1
        (they used k_c < k).
    """
    ys = standardize(y)
    n = ys.shape[0]
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    sizes = np.bincount(labels)
    radius = np.empty(n)
    k_i = np.empty(n)
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for c in np.flatnonzero(sizes):
        members = order[starts[c] : starts[c + 1]]
        kc = int(min(k, sizes[c] - 1))
        within = np.ascontiguousarray(ys[members])
        d, _ = knn_radius(within, kc, n_jobs)
        zero = d == 0.0
        r = np.where(zero, 0.0, np.nextafter(d, 0.0))
        # 1 + class members strictly inside d_i (= k_c without ties), matching m_i's convention
        kk = count_within(within, r).astype(np.float64) + 1.0
        if zero.any():
            kk[zero] = duplicate_counts(within)[zero]
        radius[members] = r
        k_i[members] = kk
    m = count_within(ys, radius).astype(np.float64) + 1.0
    value = digamma(n) - np.mean(digamma(sizes[labels].astype(np.float64))) + np.mean(digamma(k_i))
    value -= np.mean(digamma(m))
    return float(value), int(np.sum(sizes[labels] <= k))


#: Below this many samples (or below 5 k) a kNN estimate gets a SmallSampleWarning.
SMALL_N = 20


# --------------------------------------------------------------------------- warnings


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _user_stacklevel() -> int:
    """``stacklevel`` that points a warning at the first caller outside mutinfo."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


def as_2d(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return np.ascontiguousarray(a[:, None] if a.ndim == 1 else a)


def warn_small(n: int, k: int, what: str) -> None:
    if n < SMALL_N or n < 5 * k:
        warnings.warn(
            f"{what} from n = {n} samples with k = {k}: kNN estimates need n >= {SMALL_N} and "
            f"n >= 5 k to be trusted (bias and variance are large); the value is still returned.",
            SmallSampleWarning,
            stacklevel=_user_stacklevel(),
        )


def warn_ties(names: list[str], what: str) -> None:
    joined = ", ".join(f"`{nm}`" for nm in names)
    warnings.warn(
        f"{joined} {'has' if len(names) == 1 else 'have'} repeated values, which a density-based "
        f"kNN estimator assumes away. No jitter was added: {what} "
        "If a variable is genuinely discrete pass discrete=True for it; if the ties come from "
        "rounding, keep more digits (see the ties policy in mutinfo.estimators.knn).",
        TiesWarning,
        stacklevel=_user_stacklevel(),
    )


#: What the ties policy did, for TiesWarning messages.
MIXED_DONE = (
    "the point-mass aware estimator of Gao et al. (2017) was used "
    "(equal to KSG-1 where no point has more than k copies)."
)


# --------------------------------------------------------------------------- mixed


def _block(values: np.ndarray, discrete: bool) -> tuple[np.ndarray, bool]:
    return (np.asarray(values, dtype=np.int64).reshape(-1), True) if discrete else (as_2d(values), False)


def mixed_mi(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    *,
    x_discrete: bool = False,
    y_discrete: bool = False,
    n_jobs: int | None = None,
    warn: bool = True,
) -> float:
    """Gao et al. (2017) estimate of I(X; Y) in nats for any discrete/continuous mixture.

    Discrete variables are integer codes (n,), continuous ones float arrays; repeated values
    are point masses by design, so no TiesWarning is emitted. See
    :func:`mutinfo.estimators.mixed.mixed_terms` for the formula.
    """
    if warn:
        warn_small(len(x), k, "Mutual information estimated")
    return mixed_terms(embed([_block(x, x_discrete), _block(y, y_discrete)]), k, n_jobs)


def mixed_cmi(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    k: int,
    *,
    discrete: tuple[bool, bool, bool] = (False, False, False),
    n_jobs: int | None = None,
    warn: bool = True,
) -> float:
    """Mesner & Shalizi (2020) estimate of I(X; Y | Z) in nats for any mixture (no strata)."""
    if warn:
        warn_small(len(x), k, "Conditional mutual information estimated")
    blocks = embed([_block(v, f) for v, f in zip((x, y, z), discrete)])
    return mixed_terms(blocks, k, n_jobs)


def ross(labels: np.ndarray, y: np.ndarray, k: int, *, n_jobs: int | None = None, warn: bool = True) -> float:
    """Ross (2014) estimate of I(X; Y) in nats, discrete codes ``labels`` vs continuous ``y``.

    Every class needs at least 2 samples; classes of at most k samples use k_c = N_c - 1
    (with a SmallSampleWarning). Formula and point-mass rule:
    :func:`mutinfo.estimators.mixed.ross_mi`.
    """
    y = as_2d(y)
    if warn:
        warn_small(y.shape[0], k, "Mutual information estimated")
    value, small = ross_mi(labels, y, k, n_jobs)
    if warn and small:
        warnings.warn(
            f"{small} samples belong to classes with at most k = {k} members; those classes used "
            "k_c = (class size - 1) neighbours, which raises the variance.",
            SmallSampleWarning,
            stacklevel=_user_stacklevel(),
        )
    return value


def strata(codes: np.ndarray, k: int) -> tuple[list[np.ndarray], int]:
    """The strata of a discrete ``z`` that hold at least 2 samples, and the number of samples in
    strata of at most ``k`` samples.

    Parameters
    ----------
    codes : numpy.ndarray of int, shape (n,)
        Non-negative stratum codes.
    k : int
        Neighbour count of the estimator run inside each stratum.

    Returns
    -------
    members : list of numpy.ndarray of int
        Row indices of each stratum with n_s >= 2, in increasing code order (rows in their
        original order within a stratum).
    small : int
        Samples in strata of n_s <= k (one-sample strata included), for the SmallSampleWarning.
    """
    sizes = np.bincount(codes)
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    members: list[np.ndarray] = []
    small = 0
    for s in np.flatnonzero(sizes):
        n_s = int(sizes[s])
        if n_s <= k:
            small += n_s
        if n_s > 1:
            members.append(order[starts[s] : starts[s + 1]])
    return members, small


def stratified_cmi(
    x: tuple[np.ndarray, bool],
    y: tuple[np.ndarray, bool],
    z_codes: np.ndarray,
    k: int,
    inner: Callable[[np.ndarray, np.ndarray, int], float],
    *,
    warn: bool = True,
) -> float:
    """I(X; Y | Z) = sum_z p(z) I(X; Y | Z = z) for a discrete z, in nats.

    ``inner(x_s, y_s, k_s)`` estimates the MI inside one stratum. Minimum stratum size: a
    stratum needs k + 1 samples for k neighbours. A stratum of 2..k samples uses
    k_s = n_s - 1 (SmallSampleWarning); a stratum of one sample contributes 0, because the
    conditional distribution it represents is a single point, whose MI is 0. No stratum is
    left out of the weights p(z) = n_s / n.
    """
    codes = np.asarray(z_codes, dtype=np.int64).reshape(-1)
    n = codes.shape[0]
    groups, small = strata(codes, k)
    total = 0.0
    for members in groups:
        n_s = members.shape[0]
        value = inner(x[0][members], y[0][members], min(k, n_s - 1))
        total += n_s / n * value
    if warn and small:
        warnings.warn(
            f"{small} of {n} samples lie in strata of `z` with at most k = {k} samples; those "
            "strata used k_s = n_s - 1 neighbours (one-sample strata contribute 0).",
            SmallSampleWarning,
            stacklevel=_user_stacklevel(),
        )
    return float(total)
