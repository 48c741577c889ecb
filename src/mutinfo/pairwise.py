"""Mutual information between every pair of columns of a table: :func:`pairwise`.

How the work is organised
-------------------------
1. **Prepare columns once.** Every column is validated (NaN, inf, empty, kinds) and, where
   it can take the fast path, standardised, sorted and ranked once; a uniform-histogram
   index of its sorted values (used to start the marginal-count searches) is built once as
   well. These per-column arrays are what pairs reuse: a pair costs only the neighbour
   search and the two marginal counts (:func:`mutinfo.estimators.knn1d._column_sum`).
2. **Blocks of pairs.** Columns are cut into blocks of ``b``; a *task* is one pair of
   blocks (a, c), a <= c, and holds the pairs (i, j), i < j, with i in a and j in c. The
   local engine runs the fast pairs of many tasks at once through a numba ``prange`` over
   pairs (both cores); the Dask engine (:mod:`mutinfo._pairwise_dask`) sends tasks to
   workers. Each pair's value is computed by the same serial arithmetic whatever the
   grouping, so the matrix is bit-identical across engines, block sizes and thread counts.
3. **Memory.** Besides the p x p result, memory is the prepared columns (about 40 bytes
   per sample and column) plus O(n) scratch per thread; no list of all pairs is formed.

The fast path covers continuous, tie-free columns whose pair method is KSG-1 or KSG-2
(``method="auto"``, ``"ksg1"``, ``"ksg2"``). Every other pair (a discrete column, a column
with repeated values, another ``method``) is computed by :func:`mutinfo.mutual_info`
itself, so each entry equals ``mi.mutual_info(data[:, i], data[:, j], ...)`` with the
pair's method.

References
----------
A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual information",
Phys. Rev. E 69, 066138 (2004). https://doi.org/10.1103/PhysRevE.69.066138
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit, prange

from mutinfo._information import unit_name
from mutinfo._threads import numba_threads
from mutinfo._validation import (
    _columns_of,
    _show,
    check_base,
    check_k,
    check_n_jobs,
    check_rng,
    is_constant,
    to_variable,
)
from mutinfo._warnings import TiesWarning
from mutinfo.estimators._sorted1d import (
    TABLE_SIZE,
    argsort_exact,
    psi_table,
    quantile_starts,
    ranks,
    value_index,
)
from mutinfo.estimators.knn1d import _column_sum, _constant, grid_shape
from mutinfo.estimators.mixed import has_repeated_rows, standardize, warn_small
from mutinfo.measures import mutual_info

__all__ = ["pairwise"]

_FAST = {"ksg1": 1, "ksg2": 2}

#: Fast pairs handed to one numba call by the local engine (bounds the index arrays); a
#: batch is also the local engine's progress step, so it shrinks to ~1 % of the pairs down
#: to :data:`_LOCAL_BATCH_MIN`.
_LOCAL_BATCH = 16_384
_LOCAL_BATCH_MIN = 1_024


@njit(cache=True, parallel=True, nogil=True)
def _pair_sums(
    sorted_: np.ndarray,
    orders: np.ndarray,
    ranks_: np.ndarray,
    cums: np.ndarray,
    los: np.ndarray,
    invs: np.ndarray,
    ii: np.ndarray,
    jj: np.ndarray,
    g: int,
    k: int,
    variant: int,
) -> np.ndarray:
    """Digamma-term sums of the pairs (ii[t], jj[t]) of prepared columns, parallel over pairs.

    ``sorted_``, ``orders``, ``ranks_``: sorted standardised values, argsorts and ranks, one column per
    variable (Fortran order); ``cums``, ``los``, ``invs``: the value index of each sorted
    column. Each pair runs serially on one thread (:func:`_column_sum`), so a pair's sum
    does not depend on which other pairs share the call. Releases the GIL, so the threads
    of a multi-threaded Dask worker run their tasks concurrently.
    """
    n = sorted_.shape[0]
    m = ii.shape[0]
    bounds = quantile_starts(n, g)
    table = psi_table(min(n + 2, TABLE_SIZE))
    out = np.empty(m, dtype=np.float64)
    for t in prange(m):
        i = ii[t]
        j = jj[t]
        out[t] = _column_sum(
            sorted_[:, i],
            orders[:, i],
            sorted_[:, j],
            ranks_[:, j],
            bounds,
            g,
            k,
            variant,
            table,
            cums[:, j],
            los[j],
            invs[j],
        )
    return out


@dataclass
class Prepared:
    """Validated columns and their reusable per-column work (picklable, sent to workers).

    Attributes
    ----------
    n, p : int
        Samples and columns.
    labels : list of str
        Column labels.
    fast : numpy.ndarray of int64, shape (p,)
        Position of each column in the fast arrays, or -1 for a column that goes through
        :func:`mutinfo.mutual_info`.
    sorted_, orders, ranks_, cums, los, invs : numpy.ndarray
        Sorted values, argsorts, ranks and value indexes of the fast columns.
    variant : int
        KSG variant of the fast pairs (1 or 2).
    columns : list
        The original column arrays of the other columns (None where fast).
    flags : list of bool
        Whether each column is discrete.
    pair_method : str
        Method passed to :func:`mutinfo.mutual_info` for the other pairs.
    k, base, seed : int, float, int
        Options; ``seed`` seeds each slow pair's generator as ``(seed, i, j)``.
    """

    n: int
    p: int
    labels: list[str]
    fast: np.ndarray
    sorted_: np.ndarray
    orders: np.ndarray
    ranks_: np.ndarray
    cums: np.ndarray
    los: np.ndarray
    invs: np.ndarray
    variant: int
    columns: list[Any]
    flags: list[bool]
    pair_method: str
    k: int
    base: float
    seed: int
    continuous_method: str = field(default="ksg1")


def _discrete_flags(discrete: Any, p: int) -> list[Any]:
    flags = ("auto", True, False)
    if isinstance(discrete, (bool, np.bool_)):
        return [bool(discrete)] * p
    if isinstance(discrete, str) and discrete == "auto":
        return ["auto"] * p
    if isinstance(discrete, Sequence) and not isinstance(discrete, str) and len(discrete) == p:
        out = list(discrete)
        for j, fl in enumerate(out):
            if fl not in flags:
                raise ValueError(
                    f"`discrete` entries must be 'auto', True or False; got {fl!r} for column {j}."
                )
        return out
    raise ValueError(
        f"`discrete` must be 'auto', True, False or a sequence of {p} such flags (one per column); "
        f"got {_show(discrete)}."
    )


def prepare(data: Any, *, method: str, discrete: Any, k: Any, base: float, rng: Any) -> Prepared:
    """Validate ``data`` and do the per-column work once (see the module docstring)."""
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a string such as 'auto', 'ksg1' or 'ksg2'; got {_show(method)}.")
    columns, labels = _columns_of(data, "data")
    p = len(columns)
    flags_in = _discrete_flags(discrete, p)
    variables = [
        to_variable(col, f"data[{lab!r}]", discrete=fl) for col, lab, fl in zip(columns, labels, flags_in)
    ]
    if p < 2:  # after the per-column checks, so bad values are reported first
        raise ValueError(f"`data` must have at least 2 columns (variables) for pairwise MI; got {p}.")
    n = variables[0].n
    constant = [lab for v, lab in zip(variables, labels) if is_constant(v)]
    if constant:
        shown = ", ".join(repr(c) for c in constant[:10]) + (" ..." if len(constant) > 10 else "")
        raise ValueError(
            f"`data` columns must not be constant (they carry no information and every pair with "
            f"them is 0); got {len(constant)} constant column(s): {shown}. Drop them first."
        )
    k = check_k(k, n)
    seed = int(check_rng(rng).integers(0, 2**63 - 1))
    continuous_method = "ksg1" if method == "auto" else method
    variant = _FAST.get(continuous_method, 0)
    fast_cols = [
        j
        for j, v in enumerate(variables)
        if variant and not v.discrete and v.d == 1 and not has_repeated_rows(v.values)
    ]
    tied = [
        labels[j]
        for j, v in enumerate(variables)
        if not v.discrete and j not in set(fast_cols) and has_repeated_rows(v.values)
    ]
    if tied:
        shown = ", ".join(repr(c) for c in tied[:10]) + (" ..." if len(tied) > 10 else "")
        warnings.warn(
            f"{len(tied)} continuous column(s) of `data` have repeated values ({shown}). No jitter "
            "was added: their pairs use the point-mass aware estimator of Gao et al. (2017) "
            "(equal to KSG-1 where no value has more than k copies), one pair at a time (slower). "
            "Pass discrete=True for genuinely discrete columns; keep more digits if the ties "
            "come from rounding.",
            TiesWarning,
            stacklevel=3,
        )
    fast = np.full(p, -1, dtype=np.int64)
    fast[fast_cols] = np.arange(len(fast_cols))
    m = len(fast_cols)
    sorted_ = np.empty((n, m), dtype=np.float64, order="F")
    orders = np.empty((n, m), dtype=np.int64, order="F")
    ranks_ = np.empty((n, m), dtype=np.int64, order="F")
    n_bins = max(1, n // 4)
    cums = np.empty((n_bins + 2, m), dtype=np.int64, order="F")
    los = np.empty(m, dtype=np.float64)
    invs = np.empty(m, dtype=np.float64)
    for c, j in enumerate(fast_cols):
        x = standardize(variables[j].values)[:, 0]
        order = argsort_exact(x)
        sorted_[:, c] = x[order]
        orders[:, c] = order
        ranks_[:, c] = ranks(order)
        cum, lo, inv = value_index(sorted_[:, c])
        cums[:, c] = cum
        los[c] = lo
        invs[c] = inv
    if m >= 2:
        warn_small(n, k, "Pairwise mutual information estimated")
    return Prepared(
        n=n,
        p=p,
        labels=labels,
        fast=fast,
        sorted_=sorted_,
        orders=orders,
        ranks_=ranks_,
        cums=cums,
        los=los,
        invs=invs,
        variant=variant,
        # the raw columns are kept only when some pair needs mutual_info itself
        columns=list(columns) if m < p else [None] * p,
        flags=[v.discrete for v in variables],
        pair_method=method,
        k=k,
        base=base,
        seed=seed,
        continuous_method=continuous_method,
    )


def block_ranges(p: int, b: int) -> list[tuple[int, int]]:
    """Column blocks ``[lo, hi)`` of size ``b`` (the last may be shorter)."""
    return [(lo, min(p, lo + b)) for lo in range(0, p, b)]


def block_tasks(p: int, b: int) -> list[tuple[int, int, int, int]]:
    """Pairs of column blocks (a <= c) as ``(a_lo, a_hi, c_lo, c_hi)``."""
    blocks = block_ranges(p, b)
    return [(*blocks[a], *blocks[c]) for a in range(len(blocks)) for c in range(a, len(blocks))]


def task_pairs(task: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i, j), i < j, of a block task, row-major."""
    a_lo, a_hi, c_lo, c_hi = task
    i, j = np.meshgrid(np.arange(a_lo, a_hi), np.arange(c_lo, c_hi), indexing="ij")
    keep = i < j
    return i[keep].astype(np.int64), j[keep].astype(np.int64)


def _slow_value(prep: Prepared, i: int, j: int) -> float:
    """One pair through :func:`mutinfo.mutual_info` (in units of ``prep.base``)."""
    both_continuous = not prep.flags[i] and not prep.flags[j]
    method = prep.continuous_method if both_continuous else prep.pair_method
    value = mutual_info(
        prep.columns[i],
        prep.columns[j],
        method=method,
        discrete=(prep.flags[i], prep.flags[j]),
        k=prep.k,
        base=prep.base,
        rng=np.random.default_rng([prep.seed, i, j]),
        n_jobs=1,
    )
    return float(value)


def compute_pairs(
    prep: Prepared, ii: np.ndarray, jj: np.ndarray
) -> tuple[np.ndarray, list[tuple[type[Warning], str]]]:
    """Values (units of ``prep.base``) of the pairs (ii[t], jj[t]); fast ones in one numba call.

    Also returns the distinct warnings the other pairs raised (category, message), so the
    caller can show each once (on a Dask worker they would otherwise stay in its log).
    TiesWarnings are dropped here: :func:`prepare` announces the tied columns by name.
    """
    out = np.empty(ii.shape[0], dtype=np.float64)
    fi = prep.fast[ii]
    fj = prep.fast[jj]
    is_fast = (fi >= 0) & (fj >= 0)
    if np.any(is_fast):
        sums = _pair_sums(
            prep.sorted_,
            prep.orders,
            prep.ranks_,
            prep.cums,
            prep.los,
            prep.invs,
            fi[is_fast],
            fj[is_fast],
            grid_shape(prep.n),
            prep.k,
            prep.variant,
        )
        nats = _constant(prep.variant, prep.k, prep.n) - sums / prep.n
        # the same IEEE division as Information.from_nats
        out[is_fast] = nats / math.log(prep.base)
    seen: dict[tuple[type[Warning], str], None] = {}
    slow = np.flatnonzero(~is_fast)
    if slow.shape[0]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for t in slow:
                out[t] = _slow_value(prep, int(ii[t]), int(jj[t]))
        for w in caught:
            if not issubclass(w.category, TiesWarning):
                seen[(w.category, str(w.message))] = None
    return out, list(seen)


def _rich_progress(total: int) -> tuple[Any, Callable[[int, int], None]]:
    """A started rich progress bar over ``total`` pairs and a ``(done, total)`` callback
    that moves it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("pairwise MI"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    )
    bar.start()
    task = bar.add_task("pairs", total=total)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def check_progress(progress: Any) -> Any:
    """Validate ``progress``: a bool or a callable ``(done, total)``."""
    if isinstance(progress, (bool, np.bool_)) or callable(progress):
        return progress
    raise TypeError(
        "`progress` must be True, False or a callable taking (pairs done, total pairs); "
        f"got {_show(progress)}."
    )


def _local(prep: Prepared, b: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, list]]:
    """Yield (ii, jj, values, warnings) for batches of block tasks, on the local numba threads."""
    tasks = block_tasks(prep.p, b)
    limit = min(_LOCAL_BATCH, max(_LOCAL_BATCH_MIN, prep.p * (prep.p - 1) // 200))
    batch_i: list[np.ndarray] = []
    batch_j: list[np.ndarray] = []
    size = 0
    for t, task in enumerate(tasks):
        i, j = task_pairs(task)
        batch_i.append(i)
        batch_j.append(j)
        size += i.shape[0]
        if size >= limit or t == len(tasks) - 1:
            ii = np.concatenate(batch_i)
            jj = np.concatenate(batch_j)
            values, notes = compute_pairs(prep, ii, jj)
            yield ii, jj, values, notes
            batch_i, batch_j, size = [], [], 0


def pairwise(
    data: Any,
    /,
    *,
    method: str = "auto",
    discrete: Any = "auto",
    k: int = 3,
    base: float = 2,
    engine: str = "local",
    client: Any = None,
    block_size: int | None = None,
    n_jobs: int | None = None,
    progress: bool | Callable[[int, int], None] = False,
    rng: Any = None,
) -> Any:
    """Mutual information I(X_i; X_j) for every pair of columns: a symmetric labelled matrix.

    Parameters
    ----------
    data : array-like, shape (n, p)
        Samples in rows, variables in columns: a 2-D array, a pandas/polars DataFrame or an
        Arrow table; p >= 2, no NaN/inf, no constant column.
    method : str, default "auto"
        Estimator for every pair. ``"auto"`` uses KSG-1 for two continuous columns (the
        plain estimator of the network-inference literature, computed on the fast path) and
        :func:`mutinfo.mutual_info`'s own ``"auto"`` policy for pairs with a discrete
        column. Any registry name is accepted (``"ksg1"``, ``"ksg2"``, ``"copula_ksg"``,
        ``"gaussian_copula"``, ...); only KSG-1/KSG-2 on tie-free continuous columns take
        the fast path.
    discrete : {"auto", True, False} or sequence of p flags
        Kind of each column (the "auto" rule of :mod:`mutinfo._validation`).
    k : int, default 3
        Neighbours for the kNN estimators (1 <= k < n).
    base : float, default 2
        Logarithm base of the results (2: bits, e: nats).
    engine : {"local", "dask"}, default "local"
        ``"local"``: numba threads on this machine. ``"dask"``: blocks of pairs become tasks
        on a ``distributed`` cluster (see :mod:`mutinfo._pairwise_dask`); same numbers.
    client : distributed.Client or str, optional
        The Dask client, or a scheduler address to connect to (``engine="dask"`` only).
    block_size : int, optional
        Columns per block. Default: 64 locally; for Dask, chosen so a task runs ~0.1 s.
    n_jobs : int, optional
        Threads for the local engine (-1: all cores). Results do not depend on it.
    progress : bool or callable, default False
        ``True``: show a progress bar (rich) over the pairs. A callable is called as
        ``progress(done, total)`` with the number of pairs finished and the total
        p(p - 1)/2, from the calling thread: once with ``done = 0`` before the work starts,
        then after every batch of pairs (local engine: ~1 % of the pairs, at least 1,024)
        or every finished task (Dask engine), ending with ``done == total``. An exception it
        raises stops the computation (unfinished Dask tasks are cancelled).
    rng : None, int or numpy.random.Generator
        Seed for estimators that use randomness (not KSG). Pair (i, j) gets its own
        generator seeded with ``(seed, i, j)``, so results do not depend on the engine.

    Returns
    -------
    numpy.ndarray or pandas.DataFrame, shape (p, p)
        I(X_i; X_j) in units of ``base``; the diagonal is NaN (I(X; X) = H(X), infinite for
        a continuous variable). A DataFrame labelled by the column names when ``data`` is a
        table. Estimates are not clipped: independent pairs score around 0, some below.

    Raises
    ------
    ValueError
        Fewer than 2 columns, NaN/inf, constant columns, bad ``k``, ``engine`` or ``block_size``.

    Notes
    -----
    Entry (i, j) equals ``mutinfo.mutual_info(X_i, X_j, method=m, k=k, base=base)`` with
    ``m`` the pair's method (``"ksg1"`` for continuous pairs under ``"auto"``), bit for bit
    on the fast path. KSG is symmetric, so the matrix is. Cost: about ``p² / 2`` KSG pair
    estimates of O(n log n) each; the per-column sorting is done once (module docstring).

    References
    ----------
    Kraskov, Stögbauer & Grassberger (2004), https://doi.org/10.1103/PhysRevE.69.066138

    Examples
    --------
    >>> import math, numpy as np, mutinfo as mi
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=3000); y = x + rng.normal(size=3000); z = rng.normal(size=3000)
    >>> m = mi.pairwise(np.column_stack([x, y, z]), base=np.e)
    >>> abs(float(m[0, 1]) - 0.5 * math.log(2)) < 0.05   # truth: 0.5 ln 2 = 0.347 nats
    True
    """
    base = check_base(base)
    if engine not in ("local", "dask"):
        raise ValueError(f"`engine` must be 'local' or 'dask'; got {_show(engine)}.")
    if block_size is not None and (
        isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size < 1
    ):
        raise ValueError(f"`block_size` must be an integer >= 1 or None; got {_show(block_size)}.")
    progress = check_progress(progress)
    if engine == "local" and client is not None:
        raise ValueError("`client` is only used with engine='dask'; got a client with engine='local'.")
    n_jobs = check_n_jobs(n_jobs)
    with numba_threads(n_jobs):
        prep = prepare(data, method=method, discrete=discrete, k=k, base=base, rng=rng)
    matrix = np.full((prep.p, prep.p), np.nan, dtype=np.float64)
    notes: dict[tuple[type[Warning], str], None] = {}
    total = prep.p * (prep.p - 1) // 2
    bar, report, results = None, None, None
    if isinstance(progress, (bool, np.bool_)):
        if progress:
            bar, report = _rich_progress(total)
    else:
        report = progress
    try:
        if report is not None:
            report(0, total)
        if engine == "local":
            results = _local(prep, int(block_size or 64))
        else:
            from mutinfo._pairwise_dask import run_dask

            results = run_dask(prep, client, block_size)
        # batches are consumed as they come, so only one batch of values is held at a time
        done = 0
        with numba_threads(n_jobs if engine == "local" else None):
            for ii, jj, values, found in results:
                matrix[ii, jj] = values
                matrix[jj, ii] = values
                notes.update(dict.fromkeys(found))
                done += int(ii.shape[0])
                if report is not None:
                    report(done, total)
    finally:
        if results is not None:
            results.close()  # the Dask engine cancels its unfinished tasks
        if bar is not None:
            bar.stop()
    for category, message in notes:
        warnings.warn(message, category, stacklevel=2)
    if type(data).__module__.split(".")[0] in ("pandas", "polars", "pyarrow") and hasattr(data, "columns"):
        import pandas as pd

        frame = pd.DataFrame(matrix, index=pd.Index(prep.labels), columns=pd.Index(prep.labels))
        frame.attrs["unit"] = unit_name(base)
        return frame
    return matrix
