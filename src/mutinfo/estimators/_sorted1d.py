"""Primitives on sorted columns for the 1-D kNN kernels: sorting, counting, digamma. Numba.

Used by :mod:`mutinfo.estimators.knn1d`. Everything here is exact: guesses only decide
where a search starts, never its answer.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "TABLE_SIZE",
    "argsort_exact",
    "count_terms",
    "digamma",
    "pairwise_sum",
    "psi_int",
    "psi_table",
    "quantile_starts",
    "ranks",
    "side_count",
    "value_index",
]


@njit(cache=True)
def digamma(x: float) -> float:
    """Digamma function for x > 0, to about 1e-15.

    psi(x) = psi(x + 1) - 1/x moves the argument to x >= 10, where the asymptotic series
    (Abramowitz & Stegun 6.3.18) truncated after the x^-12 term is accurate to machine
    precision.
    """
    result = 0.0
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    # ln x - 1/(2x) - sum B_2j / (2j x^2j), j = 1..6
    series = inv2 * (
        1.0 / 12.0
        - inv2
        * (
            1.0 / 120.0
            - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))
        )
    )
    return result + math.log(x) - 0.5 * inv - series


@njit(cache=True)
def quantile_starts(n: int, g: int) -> np.ndarray:
    """First sorted position of each of ``g`` quantile slabs (plus ``n`` at the end)."""
    starts = np.empty(g + 1, dtype=np.int64)
    for c in range(g + 1):
        starts[c] = (c * n + g - 1) // g
    return starts


@njit(cache=True)
def ranks(order: np.ndarray) -> np.ndarray:
    """Rank of every point given its argsort."""
    n = order.shape[0]
    rank = np.empty(n, dtype=np.int64)
    for r in range(n):
        rank[order[r]] = r
    return rank


@njit(cache=True, nogil=True)
def _packed_keys(x: np.ndarray, idx_bits: int) -> np.ndarray:
    """uint64 keys whose order is the order of ``x``: the top bits of an order-preserving
    image of each float, with the point's index in the low ``idx_bits`` bits."""
    n = x.shape[0]
    bits = x.view(np.uint64)
    sign = np.uint64(1) << np.uint64(63)
    shift = np.uint64(idx_bits)
    keys = np.empty(n, dtype=np.uint64)
    for i in range(n):
        u = bits[i]
        u = ~u if (u & sign) != np.uint64(0) else (u | sign)
        keys[i] = ((u >> shift) << shift) | np.uint64(i)
    return keys


@njit(cache=True, nogil=True)
def _unpack_order(keys: np.ndarray, x: np.ndarray, idx_bits: int) -> np.ndarray:
    """Indices from sorted packed keys, with runs of equal truncated keys re-sorted by value."""
    n = keys.shape[0]
    shift = np.uint64(idx_bits)
    mask = (np.uint64(1) << shift) - np.uint64(1)
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        order[i] = np.int64(keys[i] & mask)
    i = 0
    while i < n:
        high = keys[i] >> shift
        j = i + 1
        while j < n and (keys[j] >> shift) == high:
            j += 1
        if j - i > 1:  # the dropped low bits may order these differently
            if j - i <= 64:
                for a in range(i + 1, j):
                    idx = order[a]
                    v = x[idx]
                    b = a
                    while b > i and x[order[b - 1]] > v:
                        order[b] = order[b - 1]
                        b -= 1
                    order[b] = idx
            else:
                run = order[i:j].copy()
                sub = np.argsort(x[run], kind="mergesort")
                for a in range(j - i):
                    order[i + a] = run[sub[a]]
        i = j
    return order


def argsort_exact(x: np.ndarray) -> np.ndarray:
    """Indices that sort the finite float64 array ``x`` (ascending; equal values in index
    order, except that -0.0 sorts before 0.0 for n >= 4096).

    Sorting uint64 keys that pack a truncated order-preserving image of the value with the
    index is several times faster than ``np.argsort`` on floats (numpy sorts 64-bit integers
    with SIMD); values that collide after truncation are put in order exactly afterwards.
    """
    n = x.shape[0]
    idx_bits = max(1, int(n - 1).bit_length())
    if n < 4096 or idx_bits > 40:
        return np.argsort(x, kind="stable")
    keys = _packed_keys(x, idx_bits)
    keys.sort()
    return _unpack_order(keys, x, idx_bits)


@njit(cache=True, inline="always")
def _inside(d: float, radius: float, closed: bool) -> bool:
    return d <= radius if closed else d < radius


@njit(cache=True)
def side_count(sv: np.ndarray, r: int, radius: float, closed: bool, guess: int, step_dir: int) -> int:
    """Number of consecutive positions r + step_dir * (1, 2, ...) within ``radius`` of ``sv[r]``.

    The distance is ``step_dir * (sv[j] - sv[r])``, the same subtraction as in the neighbour
    search, and it is monotone along the sorted array, so a bracket found by galloping from
    ``guess`` (a prediction of the answer) is closed by a branch-free bisection. A good guess
    (the previous point's answer, rescaled) brings the work down to a few probes.
    """
    v = sv[r]
    top = (sv.shape[0] - 1 - r) if step_dir > 0 else r  # largest possible count
    g = min(max(guess, 0), top)
    if g > 0 and _inside(step_dir * (sv[r + step_dir * g] - v), radius, closed):
        lo = g  # inside
        step = 1
        while True:
            hi = lo + step
            if hi > top:
                hi = top + 1
                break
            if not _inside(step_dir * (sv[r + step_dir * hi] - v), radius, closed):
                break
            lo = hi
            step *= 2
    else:
        hi = g if g > 0 else top + 1  # outside (or past the end)
        lo = 0
        if g > 0:
            step = 1
            while True:
                cand = hi - step
                if cand <= 0:
                    break
                if _inside(step_dir * (sv[r + step_dir * cand] - v), radius, closed):
                    lo = cand
                    break
                hi = cand
                step *= 2
        elif top >= 1:
            # no guess: gallop up from 0
            step = 1
            while True:
                cand = lo + step
                if cand > top:
                    break
                if not _inside(step_dir * (sv[r + step_dir * cand] - v), radius, closed):
                    hi = cand
                    break
                lo = cand
                step *= 2
    # lo is inside (or 0), hi is outside (or top + 1); bisect without branches
    base = lo
    length = hi - lo
    while length > 1:
        half = length // 2
        if _inside(step_dir * (sv[r + step_dir * (base + half)] - v), radius, closed):
            base += half
        length -= half
    return base


@njit(cache=True)
def psi_table(size: int) -> np.ndarray:
    """psi(m) for m = 0 .. size - 1 (entry 0 unused)."""
    table = np.zeros(size, dtype=np.float64)
    for m in range(1, size):
        table[m] = digamma(float(m))
    return table


@njit(cache=True, inline="always")
def psi_int(m: int, table: np.ndarray) -> float:
    return table[m] if m < table.shape[0] else digamma(float(m))


TABLE_SIZE = 2048


@njit(cache=True)
def value_index(sv: np.ndarray) -> tuple[np.ndarray, float, float]:
    """A uniform histogram over the sorted values ``sv``: ``cum[b]`` is the first position
    whose value is >= ``lo + b / inv_h``. It turns a value into a guess of its position
    in O(1) (exactness comes from the search that follows)."""
    n = sv.shape[0]
    n_bins = max(1, n // 4)
    lo = sv[0]
    width = sv[n - 1] - lo
    inv_h = n_bins / width if width > 0 else 0.0
    cum = np.empty(n_bins + 2, dtype=np.int64)
    pos = 0
    for b in range(n_bins + 1):
        edge = lo + b / inv_h if inv_h > 0 else lo
        while pos < n and sv[pos] < edge:
            pos += 1
        cum[b] = pos
    cum[n_bins + 1] = n
    return cum, lo, inv_h


@njit(cache=True, inline="always")
def _position_guess(t: float, cum: np.ndarray, lo: float, inv_h: float) -> float:
    """Interpolated position of the value ``t`` in the sorted column indexed by ``cum``."""
    n_bins = cum.shape[0] - 2
    u = (t - lo) * inv_h
    if u <= 0.0:
        return 0.0
    if u >= n_bins:
        return float(cum[n_bins + 1])
    b = int(u)
    return cum[b] + (u - b) * (cum[b + 1] - cum[b])


@njit(cache=True)
def count_terms(
    lo_pos: int,
    hi_pos: int,
    sorted_v: np.ndarray,
    rad: np.ndarray,
    variant: int,
    table: np.ndarray,
    cum: np.ndarray,
    lo: float,
    inv_h: float,
    out: np.ndarray,
) -> None:
    """Digamma terms of the marginal counts for sorted positions ``lo_pos .. hi_pos - 1``.

    A uniform-histogram index predicts where ``v +- eps`` falls (within a point or two for
    smooth densities), and :func:`side_count` settles the exact count from there, so the
    result never depends on the quality of the guess.
    KSG-1: psi(n_v + 1) with n_v = #{j != i : |v_j - v_i| < eps_i};
    KSG-2: psi(n_v) with n_v = #{j != i : |v_j - v_i| <= eps_v,i}.
    """
    closed = variant != 1
    for r in range(lo_pos, hi_pos):
        radius = rad[r]
        v = sorted_v[r]
        guess_right = int(_position_guess(v + radius, cum, lo, inv_h)) - r - 1
        guess_left = r - int(_position_guess(v - radius, cum, lo, inv_h) + 0.5)
        right = side_count(sorted_v, r, radius, closed, guess_right, 1)
        left = side_count(sorted_v, r, radius, closed, guess_left, -1)
        if variant == 1:
            out[r] = psi_int(right + left + 1, table)
        else:
            out[r] = psi_int(right + left, table)


@njit(cache=True)
def pairwise_sum(a: np.ndarray) -> float:
    """Sum in a fixed tree order (blocks of 64, then pairwise): accurate and thread-independent."""
    n = a.shape[0]
    n_blocks = (n + 63) // 64
    partial = np.zeros(max(n_blocks, 1), dtype=np.float64)
    for b in range(n_blocks):
        s = 0.0
        for i in range(b * 64, min(n, b * 64 + 64)):
            s += a[i]
        partial[b] = s
    m = n_blocks
    while m > 1:
        half = (m + 1) // 2
        for i in range(m // 2):
            partial[i] = partial[2 * i] + partial[2 * i + 1]
        if m % 2 == 1:
            partial[m // 2] = partial[m - 1]
        m = half
    return partial[0]
