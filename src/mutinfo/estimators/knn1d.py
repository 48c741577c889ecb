"""Exact KSG mutual information for one scalar x and one scalar y, on a rank grid. Nats.

The general kNN module (:mod:`mutinfo.estimators.knn`) answers arbitrary dimensions with
KD-trees. For the commonest case, two scalar variables, this module computes the *same*
numbers (the exact Kraskov-Stögbauer-Grassberger estimators with the max-norm) several
times faster, and it reuses the sorting of ``y`` when one target is scored against many
features (:func:`ksg1_1d_many`).

Algorithm
---------
1. Both columns are sorted once (:func:`mutinfo.estimators._sorted1d.argsort_exact`: numpy's
   SIMD integer sort on keys that pack a truncated order-preserving image of each value with
   its index, then an exact fix-up of colliding keys); every point gets its rank in x and y.
2. The ranks define a ``G_x x G_y`` grid of *quantile* cells: column ``c`` holds the points
   whose x-rank lies in ``[ceil(c n / G_x), ceil((c + 1) n / G_x))``, rows likewise in y.
   Points are stored cell by cell (a counting sort), so a cell is a contiguous slice.
   Quantile cells keep the occupancy even for heavy-tailed or badly scaled margins, where a
   uniform grid would pile most points into a few cells.
3. For each point the k nearest neighbours in the max-norm are found by growing a
   rectangle of cells around the point's own cell, one column or row of cells at a time,
   always on the side whose nearest outside point is closest. The search stops when that
   distance is at least the current k-th smallest distance. The bound is exact in floating
   point (it is the computed distance to the closest sorted value beyond the rectangle, and
   ``fl(a - b)`` is monotone in each argument), so the result equals a brute-force search
   bit for bit.
   The radii are stored by x-rank and by y-rank.
4. Marginal counts ``n_x``, ``n_y``: each sorted column is walked in order (so memory is read
   sequentially); a uniform histogram of the column predicts where ``v - eps`` and
   ``v + eps`` fall, and a galloping search from there, with the same distance expression
   as in step 3, settles the exact count in a few probes. Because the estimator's average
   is a sum over points, the x terms and the y terms can be summed separately.
5. Per-point digamma terms are written to arrays and summed afterwards in a fixed tree
   order, so the result does not depend on the number of threads (bit for bit). Below
   :data:`PARALLEL_MIN_N` points one pair runs on one thread; :func:`ksg1_1d_many` runs the
   columns in parallel, each on one thread, with the same arithmetic.

Nothing of size n x n is formed; memory is about a dozen arrays of length n (some 100 MB
at n = 1e6).

Ties
----
The kernels compute the exact estimator on whatever values they get, but repeated values
make the KSG estimator itself ill-defined (zero distances, counts that depend on how ties
are broken) and make the grid search slow. **Callers must check for ties first** and apply
their documented ties policy; these kernels are only called on tie-free columns.

References
----------
A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual information",
Phys. Rev. E 69, 066138 (2004). https://doi.org/10.1103/PhysRevE.69.066138
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import njit, prange

from mutinfo.estimators._sorted1d import (
    TABLE_SIZE,
    argsort_exact,
    count_terms,
    digamma,
    pairwise_sum,
    psi_table,
    quantile_starts,
    ranks,
    value_index,
)

__all__ = ["grid_shape", "ksg1_1d", "ksg1_1d_many", "ksg2_1d", "ksg2_1d_many"]

#: Target mean number of points per grid cell (tuned on Gaussian data; 2-4 are all close).
POINTS_PER_CELL = 2.0

#: Below this many points one pair runs on one thread (the result is the same either way;
#: starting threads costs more than it saves on small samples, and permutation tests call
#: the kernel many times).
PARALLEL_MIN_N = 32_768

#: Points handled per parallel work item (scratch arrays are allocated once per item).
_CHUNK = 2048


def grid_shape(n: int) -> int:
    """Number of quantile columns (and rows) of the search grid for ``n`` points."""
    return max(1, int(math.sqrt(n / POINTS_PER_CELL)))


# --------------------------------------------------------------------------- helpers


@njit(cache=True)
def _bucket_column(
    c: int,
    xs: np.ndarray,
    order_x: np.ndarray,
    ys: np.ndarray,
    rank_y: np.ndarray,
    bounds_x: np.ndarray,
    gy: int,
    start: np.ndarray,
    yr: np.ndarray,
    sx: np.ndarray,
    sy: np.ndarray,
    srx: np.ndarray,
    sry: np.ndarray,
) -> None:
    """Counting sort of grid column ``c`` into its cells ``c * gy + row``.

    Column ``c`` holds exactly the x-ranks ``bounds_x[c] .. bounds_x[c + 1] - 1``, so it
    occupies that slice of the cell-ordered arrays and columns can be filled independently.
    Point ``i`` with y-rank ``s`` lies in row ``s * gy // n``; inside a cell points keep
    their x order. Stored per slot: x value, y value, x-rank and y-rank, so that the search
    reads memory sequentially.
    """
    n = xs.shape[0]
    a = bounds_x[c]
    b = bounds_x[c + 1]
    base = c * gy
    fill = np.zeros(gy, dtype=np.int64)
    for r in range(a, b):
        s = rank_y[order_x[r]]
        yr[r] = s
        fill[s * gy // n] += 1
    pos = a
    for j in range(gy):
        start[base + j] = pos
        count = fill[j]
        fill[j] = pos
        pos += count
    for r in range(a, b):
        s = yr[r]
        row = s * gy // n
        slot = fill[row]
        fill[row] = slot + 1
        sx[slot] = xs[r]
        sy[slot] = ys[s]
        srx[slot] = r
        sry[slot] = s


@njit(cache=True)
def _bucket(
    xs: np.ndarray,
    order_x: np.ndarray,
    ys: np.ndarray,
    rank_y: np.ndarray,
    bounds_x: np.ndarray,
    gx: int,
    gy: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All grid columns, serially (see :func:`_bucket_column`); returns cell offsets and slots."""
    n = xs.shape[0]
    start = np.empty(gx * gy + 1, dtype=np.int64)
    start[gx * gy] = n
    yr = np.empty(n, dtype=np.int64)
    sx = np.empty(n, dtype=np.float64)
    sy = np.empty(n, dtype=np.float64)
    srx = np.empty(n, dtype=np.int64)
    sry = np.empty(n, dtype=np.int64)
    for c in range(gx):
        _bucket_column(c, xs, order_x, ys, rank_y, bounds_x, gy, start, yr, sx, sy, srx, sry)
    return start, sx, sy, srx, sry


@njit(cache=True)
def _scan_cell(
    a: int,
    b: int,
    self_slot: int,
    px: float,
    py: float,
    cx: np.ndarray,
    cy: np.ndarray,
    best: np.ndarray,
    best_dx: np.ndarray,
    best_dy: np.ndarray,
    k: int,
) -> None:
    """Offer the points of slots ``[a, b)`` to the sorted k-best list (ascending max-norm)."""
    for s in range(a, b):
        if s == self_slot:
            continue
        dx = abs(cx[s] - px)
        dy = abs(cy[s] - py)
        d = dx if dx > dy else dy
        if d < best[k - 1]:
            j = k - 1
            while j > 0 and best[j - 1] > d:
                best[j] = best[j - 1]
                best_dx[j] = best_dx[j - 1]
                best_dy[j] = best_dy[j - 1]
                j -= 1
            best[j] = d
            best_dx[j] = dx
            best_dy[j] = dy


@njit(cache=True)
def _point_radii(
    q_lo: int,
    q_hi: int,
    k: int,
    variant: int,
    start: np.ndarray,
    cx: np.ndarray,
    cy: np.ndarray,
    srx: np.ndarray,
    sry: np.ndarray,
    gx: int,
    gy: int,
    xs: np.ndarray,
    ys: np.ndarray,
    col_start: np.ndarray,
    row_start: np.ndarray,
    rad_x: np.ndarray,
    rad_y: np.ndarray,
) -> None:
    """Neighbour radii of the stored points ``q_lo .. q_hi - 1`` (cell order).

    Writes, indexed by the point's x-rank into ``rad_x`` and by its y-rank into ``rad_y``:
    ``variant`` 1 (KSG-1): the max-norm distance to the k-th neighbour, in both;
    ``variant`` 2 (KSG-2): the largest x (y) distance among the k nearest neighbours.
    """
    inf = np.inf
    n = xs.shape[0]
    best = np.empty(k, dtype=np.float64)
    best_dx = np.empty(k, dtype=np.float64)
    best_dy = np.empty(k, dtype=np.float64)
    for q in range(q_lo, q_hi):
        px = cx[q]
        py = cy[q]
        rx = srx[q]
        ry = sry[q]
        c0 = rx * gx // n
        r0 = ry * gy // n
        best[:] = inf
        c_lo = c0
        c_hi = c0
        r_lo = r0
        r_hi = r0
        cell = c0 * gy + r0
        _scan_cell(start[cell], start[cell + 1], q, px, py, cx, cy, best, best_dx, best_dy, k)
        while True:
            kth = best[k - 1]
            left = px - xs[col_start[c_lo] - 1] if c_lo > 0 else inf
            right = xs[col_start[c_hi + 1]] - px if c_hi + 1 < gx else inf
            down = py - ys[row_start[r_lo] - 1] if r_lo > 0 else inf
            up = ys[row_start[r_hi + 1]] - py if r_hi + 1 < gy else inf
            side = 0
            m = left
            if right < m:
                side = 1
                m = right
            if down < m:
                side = 2
                m = down
            if up < m:
                side = 3
                m = up
            if m >= kth:  # no point outside the rectangle can enter the k-best list
                break
            if side < 2:
                if side == 0:
                    c_lo -= 1
                    c = c_lo
                else:
                    c_hi += 1
                    c = c_hi
                # cells (c, r_lo..r_hi) are contiguous in storage
                _scan_cell(
                    start[c * gy + r_lo],
                    start[c * gy + r_hi + 1],
                    q,
                    px,
                    py,
                    cx,
                    cy,
                    best,
                    best_dx,
                    best_dy,
                    k,
                )
            else:
                if side == 2:
                    r_lo -= 1
                    r = r_lo
                else:
                    r_hi += 1
                    r = r_hi
                for c in range(c_lo, c_hi + 1):
                    cell = c * gy + r
                    _scan_cell(start[cell], start[cell + 1], q, px, py, cx, cy, best, best_dx, best_dy, k)
        if variant == 1:
            rad_x[rx] = best[k - 1]
            rad_y[ry] = best[k - 1]
        else:
            ex = 0.0
            ey = 0.0
            for j in range(k):
                ex = max(ex, best_dx[j])
                ey = max(ey, best_dy[j])
            rad_x[rx] = ex
            rad_y[ry] = ey


@njit(cache=True, parallel=True)
def _pair_sum(
    x: np.ndarray, y: np.ndarray, order_x: np.ndarray, order_y: np.ndarray, g: int, k: int, variant: int
) -> float:
    """Sum over points of the two digamma terms for one pair, parallel over points."""
    n = x.shape[0]
    xs = np.empty(n, dtype=np.float64)
    ys = np.empty(n, dtype=np.float64)
    rank_y = np.empty(n, dtype=np.int64)
    for r in prange(n):
        xs[r] = x[order_x[r]]
        ys[r] = y[order_y[r]]
        rank_y[order_y[r]] = r
    bounds = quantile_starts(n, g)
    # the grid, column by column in parallel (same layout as the serial _bucket)
    start = np.empty(g * g + 1, dtype=np.int64)
    start[g * g] = n
    yr = np.empty(n, dtype=np.int64)
    sx = np.empty(n, dtype=np.float64)
    sy = np.empty(n, dtype=np.float64)
    srx = np.empty(n, dtype=np.int64)
    sry = np.empty(n, dtype=np.int64)
    for c in prange(g):
        _bucket_column(c, xs, order_x, ys, rank_y, bounds, g, start, yr, sx, sy, srx, sry)
    rad_x = np.empty(n, dtype=np.float64)
    rad_y = np.empty(n, dtype=np.float64)
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    for c in prange(n_chunks):
        lo = c * _CHUNK
        hi = min(n, lo + _CHUNK)
        _point_radii(lo, hi, k, variant, start, sx, sy, srx, sry, g, g, xs, ys, bounds, bounds, rad_x, rad_y)
    tx = np.empty(n, dtype=np.float64)
    ty = np.empty(n, dtype=np.float64)
    table = psi_table(min(n + 2, TABLE_SIZE))
    cum_x, lo_x, inv_x = value_index(xs)
    cum_y, lo_y, inv_y = value_index(ys)
    for c in prange(2 * n_chunks):
        lo = (c % n_chunks) * _CHUNK
        hi = min(n, lo + _CHUNK)
        if c < n_chunks:
            count_terms(lo, hi, xs, rad_x, variant, table, cum_x, lo_x, inv_x, tx)
        else:
            count_terms(lo, hi, ys, rad_y, variant, table, cum_y, lo_y, inv_y, ty)
    return pairwise_sum(tx) + pairwise_sum(ty)


@njit(cache=True)
def _column_sum(
    xs: np.ndarray,
    order_x: np.ndarray,
    ys: np.ndarray,
    rank_y: np.ndarray,
    bounds: np.ndarray,
    g: int,
    k: int,
    variant: int,
    table: np.ndarray,
    cum_y: np.ndarray,
    lo_y: float,
    inv_y: float,
) -> float:
    """Serial version of :func:`_pair_sum` for one x column (same arithmetic, same order)."""
    n = xs.shape[0]
    start, sx, sy, srx, sry = _bucket(xs, order_x, ys, rank_y, bounds, g, g)
    rad_x = np.empty(n, dtype=np.float64)
    rad_y = np.empty(n, dtype=np.float64)
    _point_radii(0, n, k, variant, start, sx, sy, srx, sry, g, g, xs, ys, bounds, bounds, rad_x, rad_y)
    tx = np.empty(n, dtype=np.float64)
    ty = np.empty(n, dtype=np.float64)
    cum_x, lo_x, inv_x = value_index(xs)
    count_terms(0, n, xs, rad_x, variant, table, cum_x, lo_x, inv_x, tx)
    count_terms(0, n, ys, rad_y, variant, table, cum_y, lo_y, inv_y, ty)
    return pairwise_sum(tx) + pairwise_sum(ty)


@njit(cache=True)
def _pair_sum_serial(
    x: np.ndarray, y: np.ndarray, order_x: np.ndarray, order_y: np.ndarray, g: int, k: int, variant: int
) -> float:
    """:func:`_pair_sum` on one thread, for small n where thread start-up would dominate."""
    n = x.shape[0]
    xs = x[order_x]
    ys = y[order_y]
    rank_y = ranks(order_y)
    bounds = quantile_starts(n, g)
    table = psi_table(min(n + 2, TABLE_SIZE))
    cum_y, lo_y, inv_y = value_index(ys)
    return _column_sum(xs, order_x, ys, rank_y, bounds, g, k, variant, table, cum_y, lo_y, inv_y)


@njit(cache=True, parallel=True)
def _many_sums(
    X: np.ndarray, orders: np.ndarray, y: np.ndarray, order_y: np.ndarray, g: int, k: int, variant: int
) -> np.ndarray:
    """Sum of the digamma terms for every column of ``X`` against ``y``, parallel over columns.

    Each column is handled serially by one thread with the same arithmetic, in the same
    order, as :func:`_pair_sum`, so the sums are identical to the single-pair kernel's.
    """
    n, p = X.shape
    ys = y[order_y]
    rank_y = ranks(order_y)
    bounds = quantile_starts(n, g)
    table = psi_table(min(n + 2, TABLE_SIZE))
    cum_y, lo_y, inv_y = value_index(ys)
    sums = np.empty(p, dtype=np.float64)
    for j in prange(p):
        order_x = orders[:, j]
        xs = np.empty(n, dtype=np.float64)
        for r in range(n):
            xs[r] = X[order_x[r], j]
        sums[j] = _column_sum(xs, order_x, ys, rank_y, bounds, g, k, variant, table, cum_y, lo_y, inv_y)
    return sums


# --------------------------------------------------------------------------- public kernels


def _as_1d(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).reshape(-1)


def _constant(variant: int, k: int, n: int) -> float:
    c = digamma(float(k)) + digamma(float(n))
    return c - 1.0 / k if variant == 2 else c


_SORT_POOL: ThreadPoolExecutor | None = None


def _argsort_pair(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both argsorts; on a second thread for large n when numba may use several threads
    (numpy releases the GIL while sorting)."""
    global _SORT_POOL
    if x.shape[0] < PARALLEL_MIN_N or numba.get_num_threads() < 2:
        return argsort_exact(x), argsort_exact(y)
    if _SORT_POOL is None:
        _SORT_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mutinfo-sort")
    pending = _SORT_POOL.submit(argsort_exact, y)
    order_x = argsort_exact(x)
    return order_x, pending.result()


def _pair(x: np.ndarray, y: np.ndarray, k: int, variant: int) -> float:
    x = _as_1d(x)
    y = _as_1d(y)
    n = x.shape[0]
    order_x, order_y = _argsort_pair(x, y)
    kernel = _pair_sum if n >= PARALLEL_MIN_N and numba.get_num_threads() > 1 else _pair_sum_serial
    total = kernel(x, y, order_x, order_y, grid_shape(n), int(k), variant)
    return _constant(variant, k, n) - float(total) / n


def ksg1_1d(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """KSG estimator 1 of I(X; Y) for scalar x and y, max-norm, in nats.

    ``I = psi(k) + psi(n) - <psi(n_x + 1) + psi(n_y + 1)>``, where eps_i is the max-norm
    distance from point i to its k-th nearest neighbour in the joint space and n_x (n_y)
    counts the other points strictly closer than eps_i in x (y).

    Parameters
    ----------
    x, y : numpy.ndarray, shape (n,)
        Samples, float64, finite, **without repeated values** (the caller checks ties and
        applies its ties policy; see the module docstring).
    k : int
        Neighbour count, ``1 <= k < n`` (not checked here).

    Returns
    -------
    float
        The estimate in nats; not clipped (it can be slightly negative).

    Notes
    -----
    Equal to a brute-force (or KD-tree) evaluation of the same formula, bit for bit in the
    neighbour radii and counts. Runs in parallel over the numba threads; the result does not
    depend on their number. The estimator depends on the relative scale of x and y (the
    max-norm mixes them); standardising is the caller's choice.

    References
    ----------
    Kraskov, Stögbauer & Grassberger (2004), https://doi.org/10.1103/PhysRevE.69.066138
    """
    return _pair(x, y, k, 1)


def ksg2_1d(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """KSG estimator 2 of I(X; Y) for scalar x and y, max-norm, in nats.

    ``I = psi(k) - 1/k + psi(n) - <psi(n_x) + psi(n_y)>``, where eps_x,i (eps_y,i) is the
    largest x (y) distance among the k nearest max-norm neighbours of point i and n_x (n_y)
    counts the other points within that distance (inclusive) in x (y).

    Parameters, returns and the ties caveat are those of :func:`ksg1_1d`.

    References
    ----------
    Kraskov, Stögbauer & Grassberger (2004), https://doi.org/10.1103/PhysRevE.69.066138
    """
    return _pair(x, y, k, 2)


def _many(X: np.ndarray, y: np.ndarray, k: int, variant: int, chunk_bytes: int = 64 << 20) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        X = X.reshape(X.shape[0], -1)
    y = _as_1d(y)
    n, p = X.shape
    order_y = argsort_exact(y)
    g = grid_shape(n)
    out = np.empty(p, dtype=np.float64)
    width = max(1, chunk_bytes // max(1, 8 * n))
    for lo in range(0, p, width):
        block = np.asfortranarray(X[:, lo : lo + width])
        orders = np.asfortranarray(np.argsort(block, axis=0, kind="quicksort"))
        out[lo : lo + width] = _many_sums(block, orders, y, order_y, g, int(k), variant)
    return _constant(variant, k, n) - out / n


def ksg1_1d_many(X: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """KSG-1 estimates of I(X_j; Y) for every column j of ``X`` against one ``y``, in nats.

    Each entry equals :func:`ksg1_1d` ``(X[:, j], y, k)`` exactly. The sorting and grid rows
    of ``y`` are built once; columns run in parallel over the numba threads.

    Parameters
    ----------
    X : numpy.ndarray, shape (n, p)
        Features, float64, finite, each column free of ties.
    y : numpy.ndarray, shape (n,)
        Target, float64, finite, free of ties.
    k : int
        Neighbour count, ``1 <= k < n``.

    Returns
    -------
    numpy.ndarray, shape (p,)
        Estimates in nats.
    """
    return _many(X, y, k, 1)


def ksg2_1d_many(X: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """KSG-2 estimates of I(X_j; Y) for every column of ``X`` (see :func:`ksg1_1d_many`). Nats."""
    return _many(X, y, k, 2)
