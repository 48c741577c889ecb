"""Kernels for clustering agreement: MI, conditional entropies and expected MI of a table.

All functions take the occupied cells of a contingency table (row code, column code, count)
and/or its margins, and return **nats**. Floating-point sums run serially in a fixed order,
or over a per-task output array that is summed afterwards, so results do not depend on the
number of threads.

Expected mutual information
---------------------------
Under the permutation model (margins fixed, labels shuffled), the count of cell (i, j) is
hypergeometric: ``n_ij ~ Hyp(N, a_i, b_j)``, so (Vinh, Epps & Bailey 2010, eq. 24a)

    E[I] = Σ_i Σ_j Σ_k P(n_ij = k) (k / N) log(N k / (a_i b_j)).

Each inner sum is computed exactly without factorials: unnormalised weights ``w_k`` start at
1 at the mode ``floor((a + 1)(b + 1) / (N + 2))`` and move outwards by the ratio of
successive hypergeometric probabilities

    P(k + 1) / P(k) = (a - k)(b - k) / ((k + 1)(N - a - b + k + 1)),

stopping on each side when a weight falls below 2**-60 of the running total (the
distribution is log-concave, so the rest of that tail is smaller still) or at the end of the
support. Dividing by the total of the weights makes the probabilities sum to one by
construction, so no log-gamma differences of huge numbers enter (they cost a relative error
of about 1e-16 * log N! per term). The cost is O(sd) per cell instead of O(min(a, b)).
Cells depend only on their margins ``(a_i, b_j)``, so equal margins are grouped and each
distinct pair is computed once, weighted by its multiplicity (an all-singletons labelling of
n samples costs one pair, not n**2).

References
----------
Vinh, N. X., Epps, J., & Bailey, J. (2010). Information theoretic measures for clusterings
comparison: variants, properties, normalization and correction for chance. *Journal of
Machine Learning Research* 11, 2837-2854. https://jmlr.org/papers/v11/vinh10a.html
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

__all__ = ["conditional_entropies", "expected_mutual_info", "mi_from_cells", "small_label_table"]

#: Labels below this (on both sides) are counted by :func:`small_label_table` in one pass.
SMALL_LABELS = 256
_MIN_CHUNK = 1 << 21  # samples per chunk below which one thread counts (see _PARALLEL_STEPS)

_TAIL = 2.0**-60  # relative weight below which a tail of the hypergeometric sum stops
# Threads are woken only for several milliseconds of work each: a parallel region waits for
# its slowest thread, and on a busy machine (other processes on the cores) that wait costs
# far more than a short serial loop (measured: NMI at n = 1e6 took 7 ms on one thread and
# over 100 ms on two with the cores oversubscribed).
_PARALLEL_STEPS = 1e6  # estimated recurrence steps above which the pairs run on all threads


@njit(cache=True)
def mi_from_cells(ca: np.ndarray, cb: np.ndarray, cnt: np.ndarray, na: np.ndarray, nb: np.ndarray) -> float:
    """Plug-in MI (nats) of a table: Σ (c / N) log(c N / (a b)) over occupied cells."""
    n = 0
    for j in range(cnt.shape[0]):
        n += cnt[j]
    fn = float(n)
    s = 0.0
    for j in range(cnt.shape[0]):
        c = float(cnt[j])
        s += c * math.log(c * fn / (float(na[ca[j]]) * float(nb[cb[j]])))
    return s / fn


@njit(cache=True)
def conditional_entropies(
    ca: np.ndarray, cb: np.ndarray, cnt: np.ndarray, na: np.ndarray, nb: np.ndarray
) -> tuple[float, float]:
    """``(H(A|B), H(B|A))`` in nats; every term is >= 0, so both are >= 0 exactly."""
    n = 0
    for j in range(cnt.shape[0]):
        n += cnt[j]
    h_a_given_b = 0.0
    h_b_given_a = 0.0
    for j in range(cnt.shape[0]):
        c = float(cnt[j])
        h_a_given_b += c * math.log(float(nb[cb[j]]) / c)
        h_b_given_a += c * math.log(float(na[ca[j]]) / c)
    return h_a_given_b / n, h_b_given_a / n


@njit(cache=True)
def _small_table_chunk(
    x: np.ndarray, y: np.ndarray, cap: int, start: int, stop: int
) -> tuple[bool, np.ndarray]:
    # counts of x * cap + y while every label lies in [0, cap). Blocks of 4096: first a
    # branch-free maximum over the block (as unsigned, so negative labels are huge), then
    # the plain counting loop; the first block out of range stops the chunk
    t = np.zeros(cap * cap, np.int32)  # a chunk holds < 2**31 samples (checked by the caller)
    limit = np.uint64(cap)
    for s in range(start, stop, 4096):
        e = min(s + 4096, stop)
        hi = np.uint64(0)
        for i in range(s, e):
            hi = max(hi, max(np.uint64(x[i]), np.uint64(y[i])))
        if hi >= limit:
            return False, t
        for i in range(s, e):
            t[x[i] * cap + y[i]] += 1
    return True, t


@njit(parallel=True, cache=True)
def _small_table(x: np.ndarray, y: np.ndarray, cap: int, n_chunks: int) -> tuple[bool, np.ndarray]:
    n = x.shape[0]
    tables = np.zeros((n_chunks, cap * cap), np.int32)
    oks = np.zeros(n_chunks, np.bool_)
    for c in prange(n_chunks):
        ok, t = _small_table_chunk(x, y, cap, c * n // n_chunks, (c + 1) * n // n_chunks)
        oks[c] = ok
        tables[c] = t
    out = np.zeros(cap * cap, np.int64)
    for c in range(n_chunks):  # integer merge: exact, independent of the thread count
        out += tables[c]
    return bool(oks.all()), out


def small_label_table(x: np.ndarray, y: np.ndarray, n_threads: int) -> np.ndarray | None:
    """The dense ``SMALL_LABELS x SMALL_LABELS`` table of two int64 label vectors, or None.

    One parallel pass that counts and range-checks at once, for the usual case of cluster
    labels 0..L-1 with L <= 256 (no separate encoding pass). Returns None as soon as a
    label outside ``[0, SMALL_LABELS)`` is met; the caller then takes the general path.
    """
    n = x.shape[0]
    chunks = max(1, min(n_threads, n // _MIN_CHUNK), -(-n // (2**31 - 1)))
    if chunks == 1:
        ok, table = _small_table_chunk(x, y, SMALL_LABELS, 0, n)
        return table.astype(np.int64).reshape(SMALL_LABELS, SMALL_LABELS) if ok else None
    ok, table = _small_table(x, y, SMALL_LABELS, chunks)
    return table.reshape(SMALL_LABELS, SMALL_LABELS) if ok else None


@njit(cache=True)
def _cell_emi(a: int, b: int, n: int) -> float:
    # E[(k / N) log(N k / (a b))] for k ~ Hyp(N, a, b), by the recurrence from the mode
    lo = max(0, a + b - n)
    hi = min(a, b)
    mode = (a + 1) * (b + 1) // (n + 2)
    mode = min(max(mode, lo), hi)
    fn = float(n)
    scale = fn / (float(a) * float(b))
    rest = float(n - a - b)
    total = 1.0
    acc = 0.0
    if mode > 0:
        acc = mode * math.log(mode * scale)
    w = 1.0
    k = mode
    while k < hi:  # upwards
        w *= (float(a - k) * float(b - k)) / (float(k + 1) * (rest + k + 1.0))
        k += 1
        total += w
        acc += w * (k * math.log(k * scale))
        if w < _TAIL * total:
            break
    w = 1.0
    k = mode
    while k > lo:  # downwards
        w *= (float(k) * (rest + k)) / (float(a - k + 1) * float(b - k + 1))
        k -= 1
        total += w
        if k > 0:
            acc += w * (k * math.log(k * scale))
        if w < _TAIL * total:
            break
    return acc / (total * fn)


@njit(parallel=True, cache=True)
def _emi_pairs(ua: np.ndarray, ma: np.ndarray, ub: np.ndarray, mb: np.ndarray, n: int) -> np.ndarray:
    ra = ua.shape[0]
    rb = ub.shape[0]
    out = np.empty(ra * rb, np.float64)
    for p in prange(ra * rb):
        i = p // rb
        j = p - i * rb
        out[p] = float(ma[i]) * float(mb[j]) * _cell_emi(ua[i], ub[j], n)
    return out


@njit(cache=True)
def _emi_pairs_serial(ua: np.ndarray, ma: np.ndarray, ub: np.ndarray, mb: np.ndarray, n: int) -> np.ndarray:
    # the same per-pair values as _emi_pairs (identical arithmetic), without waking threads
    ra = ua.shape[0]
    rb = ub.shape[0]
    out = np.empty(ra * rb, np.float64)
    for p in range(ra * rb):
        i = p // rb
        j = p - i * rb
        out[p] = float(ma[i]) * float(mb[j]) * _cell_emi(ua[i], ub[j], n)
    return out


def expected_mutual_info(na: np.ndarray, nb: np.ndarray) -> float:
    """Expected plug-in MI (nats) of two labellings with margins ``na`` and ``nb``.

    Exact under the permutation (hypergeometric) model to double precision; see the module
    docstring for the recurrence. Parallel over distinct margin pairs; the per-pair results
    are summed serially in a fixed order, so the value is the same for any thread count.

    Parameters
    ----------
    na, nb : numpy.ndarray of int64
        Row and column margins (all > 0); both sum to N.

    Returns
    -------
    float
        E[I] in nats (0 when either labelling has a single cluster).
    """
    na = np.asarray(na, dtype=np.int64)
    nb = np.asarray(nb, dtype=np.int64)
    if na.shape[0] <= 1 or nb.shape[0] <= 1:
        return 0.0
    n = int(na.sum())
    ua, ma = np.unique(na, return_counts=True)
    ub, mb = np.unique(nb, return_counts=True)
    args = (ua.astype(np.int64), ma.astype(np.int64), ub.astype(np.int64), mb.astype(np.int64), n)
    # about 20 sd steps per cell (sd <= sqrt(a b / N)); threads pay off only for real work
    steps = 20.0 * float(ma @ np.sqrt(ua)) * float(mb @ np.sqrt(ub)) / math.sqrt(n)
    terms = _emi_pairs(*args) if steps > _PARALLEL_STEPS else _emi_pairs_serial(*args)
    return float(_ordered_sum(terms))


@njit(cache=True)
def _ordered_sum(values: np.ndarray) -> float:
    s = 0.0
    for v in values:
        s += v
    return s
