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
3. **Memory.** Besides the p x p result, memory is the prepared columns (about 26 bytes
   per sample and column) plus O(n) scratch per thread; no list of all pairs is formed.
   The Dask engine cuts the prepared columns into blocks (:meth:`Prepared.take`) and
   spreads them over the workers instead of copying the table to each.
4. **Conditioning** (``given=Z``). A discrete Z splits the samples into strata; every fast
   column is prepared once per stratum, and a pair is the p(z)-weighted sum of its KSG
   estimates in the strata (the fast path again). A continuous Z sends each pair through
   :func:`mutinfo.conditional_mutual_info` (Frenzel-Pompe under "auto"); Z itself is
   validated once.

The fast path covers continuous, tie-free columns whose pair method is KSG-1 or KSG-2
(``method="auto"``, ``"ksg1"``, ``"ksg2"``). Every other pair (a discrete column, a column
with repeated values, another ``method``) is computed by :func:`mutinfo.mutual_info`
itself, so each entry equals ``mi.mutual_info(data[:, i], data[:, j], ...)`` with the
pair's method.

References
----------
A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual information",
Phys. Rev. E 69, 066138 (2004). https://doi.org/10.1103/PhysRevE.69.066138

S. Frenzel and B. Pompe, "Partial mutual information for coupling analysis of multivariate
time series", Phys. Rev. Lett. 99, 204101 (2007). https://doi.org/10.1103/PhysRevLett.99.204101
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
from mutinfo._warnings import ConstantInputWarning, SmallSampleWarning, TiesWarning
from mutinfo.estimators._sorted1d import (
    TABLE_SIZE,
    argsort_exact,
    psi_table,
    quantile_starts,
    ranks,
    value_index,
)
from mutinfo.estimators.knn1d import _column_sum, _constant, grid_shape
from mutinfo.estimators.mixed import has_repeated_rows, standardize, strata, warn_small
from mutinfo.measures import conditional_mutual_info, mutual_info

__all__ = ["pairwise"]

_FAST = {"ksg1": 1, "ksg2": 2}

#: Fast pairs handed to one numba call by the local engine (bounds the index arrays); a
#: batch is also the local engine's progress step, so it shrinks to ~1 % of the pairs down
#: to :data:`_LOCAL_BATCH_MIN`.
_LOCAL_BATCH = 16_384
_LOCAL_BATCH_MIN = 1_024


@njit(cache=True, parallel=True, nogil=True)
def _pair_sums(
    x_sorted: np.ndarray,
    x_orders: np.ndarray,
    y_sorted: np.ndarray,
    y_ranks: np.ndarray,
    y_cums: np.ndarray,
    y_los: np.ndarray,
    y_invs: np.ndarray,
    ii: np.ndarray,
    jj: np.ndarray,
    g: int,
    k: int,
    variant: int,
) -> np.ndarray:
    """Digamma-term sums of the pairs (x column ii[t], y column jj[t]), parallel over pairs.

    The x side gives sorted standardised values and argsorts, the y side sorted values,
    ranks and value index (one column per variable, Fortran order); both sides may be the
    same arrays (the local engine) or two column blocks (a Dask task). Each pair runs
    serially on one thread (:func:`_column_sum`), so a pair's sum does not depend on which
    other pairs share the call. Releases the GIL, so the threads of a multi-threaded Dask
    worker run their tasks concurrently.
    """
    n = x_sorted.shape[0]
    m = ii.shape[0]
    bounds = quantile_starts(n, g)
    table = psi_table(min(n + 2, TABLE_SIZE))
    out = np.empty(m, dtype=np.float64)
    for t in prange(m):
        i = ii[t]
        j = jj[t]
        out[t] = _column_sum(
            x_sorted[:, i],
            x_orders[:, i],
            y_sorted[:, j],
            y_ranks[:, j],
            bounds,
            g,
            k,
            variant,
            table,
            y_cums[:, j],
            y_los[j],
            y_invs[j],
        )
    return out


@dataclass
class FastColumns:
    """Sorted standardised values, argsorts, ranks and value indexes of fast-path columns.

    All of shape (n, m) in Fortran order (``cums``: (n // 4 + 2, m); ``los``, ``invs``:
    (m,)), for ``n`` samples with ``k`` neighbours. One per table, or one per stratum of a
    discrete ``given``.
    """

    n: int
    k: int
    sorted_: np.ndarray
    orders: np.ndarray
    ranks_: np.ndarray
    cums: np.ndarray
    los: np.ndarray
    invs: np.ndarray

    @classmethod
    def build(cls, values: list[np.ndarray], n: int, k: int) -> FastColumns:
        """Standardise, sort, rank and index each of the tie-free columns ``values``."""
        m = len(values)
        sorted_ = np.empty((n, m), dtype=np.float64, order="F")
        orders = np.empty((n, m), dtype=np.int64, order="F")
        ranks_ = np.empty((n, m), dtype=np.int64, order="F")
        cums = np.empty((max(1, n // 4) + 2, m), dtype=np.int64, order="F")
        los = np.empty(m, dtype=np.float64)
        invs = np.empty(m, dtype=np.float64)
        for c, col in enumerate(values):
            x = standardize(np.asarray(col, dtype=np.float64).reshape(-1, 1))[:, 0]
            order = argsort_exact(x)
            sorted_[:, c] = x[order]
            orders[:, c] = order
            ranks_[:, c] = ranks(order)
            cum, lo, inv = value_index(sorted_[:, c])
            cums[:, c] = cum
            los[c] = lo
            invs[c] = inv
        return cls(n, k, sorted_, orders, ranks_, cums, los, invs)

    def take(self, cols: np.ndarray) -> FastColumns:
        """The columns ``cols`` only (copies, Fortran order)."""
        return FastColumns(
            self.n,
            self.k,
            np.asfortranarray(self.sorted_[:, cols]),
            np.asfortranarray(self.orders[:, cols]),
            np.asfortranarray(self.ranks_[:, cols]),
            np.asfortranarray(self.cums[:, cols]),
            self.los[cols].copy(),
            self.invs[cols].copy(),
        )

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        parts = (self.sorted_, self.orders, self.ranks_, self.cums, self.los, self.invs)
        return int(sum(a.nbytes for a in parts))


def _fast_nats(x: FastColumns, y: FastColumns, ii: np.ndarray, jj: np.ndarray, variant: int) -> np.ndarray:
    """KSG estimates (nats) of the pairs (x column ii[t], y column jj[t])."""
    sums = _pair_sums(
        x.sorted_, x.orders, y.sorted_, y.ranks_, y.cums, y.los, y.invs, ii, jj, grid_shape(x.n), x.k, variant
    )
    # the same IEEE operations as mutinfo.estimators.knn1d._pair
    return _constant(variant, x.k, x.n) - sums / x.n


@dataclass
class Prepared:
    """Validated columns and their reusable per-column work (picklable, sent to workers).

    A Prepared may hold a subset of the columns (a block, for a Dask task: see
    :meth:`take`); ``index`` then maps its columns to their positions in the full table.

    Attributes
    ----------
    n, p : int
        Samples and columns (of this block).
    labels : list of str
        Column labels.
    index : numpy.ndarray of int64, shape (p,)
        Position of each column in the full table (seeds and output use it).
    fast : numpy.ndarray of int64, shape (p,)
        Position of each column in the fast arrays, or -1 for a column that goes through
        :func:`mutinfo.mutual_info` / :func:`mutinfo.conditional_mutual_info`.
    cols : FastColumns or None
        Prepared fast columns (no ``given``); None under a ``given``.
    strata : list of FastColumns
        Under a discrete ``given``: the fast columns restricted to each stratum of Z with
        at least 2 samples, in the order of Z's codes (empty otherwise).
    variant : int
        KSG variant of the fast pairs (1 or 2; 0: no fast path).
    columns : list
        The original column arrays of the other columns (None where fast).
    flags : list of bool
        Whether each column is discrete.
    pair_method : str
        Method passed to :func:`mutinfo.mutual_info` for the other pairs.
    k, base, seed : int, float, int
        Options; ``seed`` seeds each slow pair's generator as ``(seed, i, j)``.
    continuous_method : str
        Method of a pair of continuous columns ("ksg1" under "auto").
    z : numpy.ndarray or None
        The conditioning variable (``given``): joint codes (discrete) or float values
        (n, d); None for plain MI.
    z_discrete : bool
        Whether ``z`` is discrete.
    """

    n: int
    p: int
    labels: list[str]
    index: np.ndarray
    fast: np.ndarray
    cols: FastColumns | None
    strata: list[FastColumns]
    variant: int
    columns: list[Any]
    flags: list[bool]
    pair_method: str
    k: int
    base: float
    seed: int
    continuous_method: str = field(default="ksg1")
    z: np.ndarray | None = None
    z_discrete: bool = False

    def take(self, lo: int, hi: int) -> Prepared:
        """The columns ``lo .. hi - 1`` only, with their own copies of the arrays."""
        fast = self.fast[lo:hi]
        used = fast[fast >= 0]
        new_fast = np.full(hi - lo, -1, dtype=np.int64)
        new_fast[fast >= 0] = np.arange(used.shape[0])
        return Prepared(
            n=self.n,
            p=hi - lo,
            labels=self.labels[lo:hi],
            index=self.index[lo:hi].copy(),
            fast=new_fast,
            cols=None if self.cols is None else self.cols.take(used),
            strata=[s.take(used) for s in self.strata],
            variant=self.variant,
            columns=self.columns[lo:hi],
            flags=self.flags[lo:hi],
            pair_method=self.pair_method,
            k=self.k,
            base=self.base,
            seed=self.seed,
            continuous_method=self.continuous_method,
            z=self.z,
            z_discrete=self.z_discrete,
        )

    @property
    def nbytes(self) -> int:
        """Bytes of prepared arrays and raw columns held (the memory a worker needs for it)."""
        total = 0 if self.cols is None else self.cols.nbytes
        total += sum(s.nbytes for s in self.strata)
        total += sum(int(np.asarray(c).nbytes) for c in self.columns if c is not None)
        return int(total + (0 if self.z is None else self.z.nbytes))


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


def _is_names(given: Any) -> bool:
    """Whether ``given`` names columns (a string, or a list/tuple of strings)."""
    if isinstance(given, str):
        return True
    return isinstance(given, (list, tuple)) and len(given) > 0 and all(isinstance(g, str) for g in given)


def _split_given(
    given: Any, data: Any, discrete: Any, columns: list[np.ndarray], labels: list[str], flags: list[Any]
) -> tuple[Any, Any, list[np.ndarray], list[str], list[Any]]:
    """Separate the conditioning set from the data columns.

    Returns ``(z, z_flag, columns, labels, flags)``: ``z`` is None (plain MI), a pandas
    DataFrame of named data columns, or the user's own array-like; ``columns``, ``labels``
    and ``flags`` are those of the columns left for the pairs. The kind of a named ``z``
    comes from the flags of its columns; that of an array ``z`` from ``discrete`` when it
    is True or False, else "auto".
    """
    if given is None:
        return None, "auto", columns, labels, flags
    if _is_names(given):
        import pandas as pd

        names = [given] if isinstance(given, str) else list(given)
        missing = [g for g in names if g not in labels]
        if missing:
            raise ValueError(
                f"`given` must name columns of `data` (labels {_show(labels)}); got unknown "
                f"name(s) {missing[:10]}."
            )
        if len(set(names)) != len(names):
            raise ValueError(f"`given` must name each column once; got {names}.")
        where = [labels.index(g) for g in names]
        z_flags = {flags[j] for j in where}
        if len(z_flags) > 1:
            raise ValueError(
                "`discrete` must give the `given` columns one kind (all discrete or all "
                f"continuous; a conditioning set is one variable); got {[flags[j] for j in where]} "
                f"for {names}."
            )
        z = pd.DataFrame({g: columns[j] for g, j in zip(names, where)})
        keep = [j for j in range(len(columns)) if j not in set(where)]
        rest = [columns[j] for j in keep], [labels[j] for j in keep], [flags[j] for j in keep]
        return z, z_flags.pop(), *rest
    if isinstance(given, (list, tuple)) and len(given) == 0:
        raise ValueError(
            "`given` must name at least one column or be an array of samples; got an empty list."
        )
    z_columns, z_labels = _columns_of(given, "given")
    table = type(data).__module__.split(".")[0] in ("pandas", "polars", "pyarrow")
    shared = [lab for lab in z_labels if lab in labels] if table else []
    if type(given).__module__.split(".")[0] in ("pandas", "polars", "pyarrow") and shared:
        raise ValueError(
            f"`given` must not overlap the columns of `data`; got column(s) {shared[:10]} in both. "
            "Pass their names instead (given=[...]) to condition on them and leave them out of the pairs."
        )
    sizes = {c.shape[0] for c in z_columns}
    if columns and sizes != {columns[0].shape[0]}:
        raise ValueError(
            f"`given` must have one row per sample of `data` ({columns[0].shape[0]}); got "
            f"{sorted(sizes)[0]} rows."
        )
    for zc, zl in zip(z_columns, z_labels):
        for col, lab in zip(columns, labels):
            if col.dtype == zc.dtype and np.array_equal(col, zc):
                raise ValueError(
                    f"`given` must not overlap the columns of `data`; got `given` column {zl!r} "
                    f"equal to `data` column {lab!r}. Pass given=[{lab!r}] to condition on it and "
                    "leave it out of the pairs."
                )
    z_flag = bool(discrete) if isinstance(discrete, (bool, np.bool_)) else "auto"
    return given, z_flag, columns, labels, flags


def _strata(values: list[np.ndarray], codes: np.ndarray, k: int) -> tuple[list[FastColumns], int]:
    """Fast columns restricted to each stratum of ``codes`` (>= 2 samples), and the number
    of samples in strata of at most ``k`` samples (mutinfo.estimators.mixed.stratified_cmi)."""
    groups, small = strata(codes, k)
    out = [
        FastColumns.build([v[members] for v in values], members.shape[0], min(k, members.shape[0] - 1))
        for members in groups
    ]
    return out, small


def prepare(
    data: Any, *, method: str, discrete: Any, k: Any, base: float, rng: Any, given: Any = None
) -> Prepared:
    """Validate ``data`` (and ``given``) and do the per-column work once (module docstring)."""
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a string such as 'auto', 'ksg1' or 'ksg2'; got {_show(method)}.")
    columns, labels = _columns_of(data, "data")
    flags_in = _discrete_flags(discrete, len(columns))
    z_obj, z_flag, columns, labels, flags_in = _split_given(given, data, discrete, columns, labels, flags_in)
    p = len(columns)
    variables = [
        to_variable(col, f"data[{lab!r}]", discrete=fl) for col, lab, fl in zip(columns, labels, flags_in)
    ]
    if p < 2:  # after the per-column checks, so bad values are reported first
        besides = " besides the `given` ones" if given is not None else ""
        raise ValueError(
            f"`data` must have at least 2 columns (variables){besides} for pairwise MI; got {p}."
        )
    n = variables[0].n
    constant = [lab for v, lab in zip(variables, labels) if is_constant(v)]
    if constant:
        shown = ", ".join(repr(c) for c in constant[:10]) + (" ..." if len(constant) > 10 else "")
        raise ValueError(
            f"`data` columns must not be constant (they carry no information and every pair with "
            f"them is 0); got {len(constant)} constant column(s): {shown}. Drop them first."
        )
    vz = None
    if z_obj is not None:
        vz = to_variable(z_obj, "given", discrete=z_flag)
        if vz.n != n:
            raise ValueError(f"`given` must have one row per sample of `data` ({n}); got {vz.n} rows.")
        if is_constant(vz):
            warnings.warn(
                f"`given` is constant (a single value in all {n} samples): conditioning on it "
                "changes nothing, so the result is the plain pairwise MI.",
                ConstantInputWarning,
                stacklevel=3,
            )
            vz = None
    k = check_k(k, n)
    seed = int(check_rng(rng).integers(0, 2**63 - 1))
    continuous_method = "ksg1" if method == "auto" else method
    variant = _FAST.get(continuous_method, 0)
    if vz is not None and not vz.discrete:
        variant = 0  # a continuous Z: every pair through conditional_mutual_info
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
    values = [variables[j].values[:, 0] for j in fast_cols]
    cols: FastColumns | None = None
    strata: list[FastColumns] = []
    if vz is None:
        cols = FastColumns.build(values, n, k)
        if m >= 2:
            warn_small(n, k, "Pairwise mutual information estimated")
    else:
        warn_small(n, k, "Pairwise conditional mutual information estimated")
        if vz.discrete:
            strata, small = _strata(values, vz.values, k) if m >= 2 else ([], 0)
            if m < 2:
                sizes = np.bincount(vz.values)
                small = int(sizes[(sizes > 0) & (sizes <= k)].sum())
            if small:
                warnings.warn(
                    f"{small} of {n} samples lie in strata of `given` with at most k = {k} "
                    "samples; those strata used k_s = n_s - 1 neighbours (one-sample strata "
                    "contribute 0).",
                    SmallSampleWarning,
                    stacklevel=3,
                )
    return Prepared(
        n=n,
        p=p,
        labels=labels,
        index=np.arange(p, dtype=np.int64),
        fast=fast,
        cols=cols,
        strata=strata,
        variant=variant,
        # the raw columns are kept only when some pair needs mutual_info itself
        columns=list(columns) if m < p else [None] * p,
        flags=[v.discrete for v in variables],
        pair_method=method,
        k=k,
        base=base,
        seed=seed,
        continuous_method=continuous_method,
        z=None if vz is None else vz.values,
        z_discrete=bool(vz is not None and vz.discrete),
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


def _slow_value(x: Prepared, i: int, y: Prepared, j: int) -> float:
    """One pair through :func:`mutinfo.mutual_info` or :func:`mutinfo.conditional_mutual_info`
    (in units of ``base``); its generator is seeded with the pair's global positions."""
    both_continuous = not x.flags[i] and not y.flags[j]
    method = x.continuous_method if both_continuous else x.pair_method
    generator = np.random.default_rng([x.seed, int(x.index[i]), int(y.index[j])])
    if x.z is None:
        value = mutual_info(
            x.columns[i],
            y.columns[j],
            method=method,
            discrete=(x.flags[i], y.flags[j]),
            k=x.k,
            base=x.base,
            rng=generator,
            n_jobs=1,
        )
    else:
        value = conditional_mutual_info(
            x.columns[i],
            y.columns[j],
            x.z,
            method=method,
            discrete=(x.flags[i], y.flags[j], x.z_discrete),
            k=x.k,
            base=x.base,
            rng=generator,
            n_jobs=1,
        )
    return float(value)


def compute_pairs(
    x: Prepared, y: Prepared, ii: np.ndarray, jj: np.ndarray
) -> tuple[np.ndarray, list[tuple[type[Warning], str]]]:
    """Values (units of ``base``) of the pairs (column ii[t] of ``x``, column jj[t] of ``y``).

    ``x`` and ``y`` are the same Prepared on the local engine, two column blocks of it in a
    Dask task. The fast pairs go through one numba call (per stratum of a discrete
    ``given``: I(X; Y | Z) = sum_z p(z) I(X; Y | Z = z), added in the order of Z's codes as
    :func:`mutinfo.estimators.mixed.stratified_cmi` does). Also returns the distinct
    warnings the other pairs raised (category, message), so the caller can show each once
    (on a Dask worker they would otherwise stay in its log). TiesWarnings, and the
    small-strata warnings of a discrete ``given``, are dropped here: :func:`prepare`
    announces the tied columns by name and the small strata once.
    """
    out = np.empty(ii.shape[0], dtype=np.float64)
    fi = x.fast[ii]
    fj = y.fast[jj]
    is_fast = (fi >= 0) & (fj >= 0)
    if np.any(is_fast):
        a, b = fi[is_fast], fj[is_fast]
        if x.cols is not None and y.cols is not None:
            nats = _fast_nats(x.cols, y.cols, a, b, x.variant)
        else:
            nats = np.zeros(a.shape[0], dtype=np.float64)
            for sx, sy in zip(x.strata, y.strata):
                nats += sx.n / x.n * _fast_nats(sx, sy, a, b, x.variant)
        # the same IEEE division as Information.from_nats
        out[is_fast] = nats / math.log(x.base)
    seen: dict[tuple[type[Warning], str], None] = {}
    slow = np.flatnonzero(~is_fast)
    if slow.shape[0]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for t in slow:
                out[t] = _slow_value(x, int(ii[t]), y, int(jj[t]))
        for w in caught:
            if issubclass(w.category, TiesWarning):
                continue
            if (
                x.z is not None
                and issubclass(w.category, SmallSampleWarning)
                and "strata of `z`" in str(w.message)
            ):
                continue  # prepare() announced the small strata of `given` once
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
            values, notes = compute_pairs(prep, prep, ii, jj)
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
    given: Any = None,
) -> Any:
    """Mutual information I(X_i; X_j) (or I(X_i; X_j | Z)) for every pair of columns: a
    symmetric labelled matrix.

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
        Kind of each column of ``data`` (the "auto" rule of :mod:`mutinfo._validation`).
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
        Columns per block. Default: 64 locally; for Dask, chosen so a task runs ~0.5 s.
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
    given : str, list of str, or array-like of shape (n,) or (n, d), optional
        A conditioning set Z: the matrix then holds I(X_i; X_j | Z) (conditional MI) for
        every pair of the *other* columns. Names (strings) pick columns of ``data``
        (labels "0", "1", ... for a plain array), which leave the pairs; anything else is
        the samples of Z themselves, which must not repeat a column of ``data``. Z is one
        variable, all discrete or all continuous (a named Z takes its kind from
        ``discrete``; an array Z is "auto" unless ``discrete`` is True or False). Under
        ``method="auto"`` a pair of continuous columns uses ``"ksg1"``: Frenzel-Pompe for
        a continuous Z, and KSG-1 inside each stratum of a discrete Z, which takes the fast
        path (each column is sorted once per stratum); every other pair goes through
        :func:`mutinfo.conditional_mutual_info`. A constant Z warns
        (:class:`mutinfo.ConstantInputWarning`) and gives the plain MI.

    Returns
    -------
    numpy.ndarray or pandas.DataFrame, shape (p, p)
        I(X_i; X_j) (or I(X_i; X_j | Z); p then counts the columns left after a named
        ``given``) in units of ``base``; the diagonal is NaN (I(X; X) = H(X), infinite for
        a continuous variable). A DataFrame labelled by the column names when ``data`` is a
        table. Estimates are not clipped: independent pairs score around 0, some below.

    Raises
    ------
    ValueError
        Fewer than 2 columns (besides ``given``), NaN/inf, constant columns, bad ``k``,
        ``engine`` or ``block_size``; ``given`` naming unknown columns, overlapping the
        columns of ``data``, mixing kinds or of another length.
    TypeError
        ``progress`` neither a bool nor a callable; ``method`` not a string.

    Notes
    -----
    Entry (i, j) equals ``mutinfo.mutual_info(X_i, X_j, method=m, k=k, base=base)`` with
    ``m`` the pair's method (``"ksg1"`` for continuous pairs under ``"auto"``), bit for bit
    on the fast path; under ``given`` it equals
    ``mutinfo.conditional_mutual_info(X_i, X_j, Z, method=m, ...)``, also bit for bit (the
    stratified fast path adds the strata in the same order). KSG is symmetric,
    so the matrix is. Cost: about ``p² / 2`` KSG pair
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
    >>> w = x + rng.normal(size=3000)                      # X -> (Y, W): Y, W independent given X
    >>> c = mi.pairwise(np.column_stack([x, y, w]), given="0", base=np.e)
    >>> c.shape, abs(float(c[0, 1])) < 0.05                 # I(Y; W | X) = 0
    ((2, 2), True)
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
        prep = prepare(data, method=method, discrete=discrete, k=k, base=base, rng=rng, given=given)
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
