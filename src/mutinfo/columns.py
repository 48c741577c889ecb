"""Mutual information of every column of a table with one target: ``mutual_info_columns``.

This is the workhorse of feature ranking: I(X_j; y) for j = 1..p. Each column is an
ordinary scalar variable, so every value equals what :func:`mutinfo.mutual_info` returns
for that column and ``y`` with the same options. Where both sides are continuous, tie-free
and the method is a KSG estimator, the columns go through the batched 1-D kernel of
:mod:`mutinfo.estimators.knn1d`, which sorts ``y`` once and runs the columns in parallel;
every other column (discrete, constant, with ties, or another ``method``) is passed to
:func:`mutinfo.mutual_info` itself.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from mutinfo._information import Information, unit_name
from mutinfo._threads import numba_threads
from mutinfo._validation import (
    _columns_of,
    check_base,
    check_k,
    check_n_jobs,
    check_rng,
    check_same_length,
    is_constant,
    to_variable,
)
from mutinfo._variable import Variable
from mutinfo.estimators import knn1d, registry
from mutinfo.estimators._method import Options
from mutinfo.estimators.mixed import has_repeated_rows, standardize, warn_small
from mutinfo.measures import mutual_info

__all__ = ["mutual_info_columns"]

_FAST_VARIANTS = {"ksg1": 1, "ksg2": 2}


def _is_table(X: Any) -> bool:
    """Whether ``X`` is a labelled table (pandas, polars or Arrow) whose labels we keep."""
    module = type(X).__module__.split(".")[0]
    return module in ("pandas", "polars", "pyarrow") and hasattr(X, "columns")


def _split_discrete(discrete: Any, p: int) -> tuple[list[Any], Any]:
    """Per-column flags for X and the flag for y from the ``discrete`` argument."""
    flags = ("auto", True, False)
    if isinstance(discrete, (bool, np.bool_)) or (isinstance(discrete, str) and discrete == "auto"):
        flag = discrete if isinstance(discrete, str) else bool(discrete)
        return [flag] * p, flag
    if isinstance(discrete, Sequence) and not isinstance(discrete, str) and len(discrete) == 2:
        x_spec, y_flag = discrete
        if y_flag not in flags:
            raise ValueError(f"`discrete` for y must be 'auto', True or False; got {y_flag!r}.")
        if isinstance(x_spec, (bool, np.bool_)) or (isinstance(x_spec, str) and x_spec == "auto"):
            return [x_spec if isinstance(x_spec, str) else bool(x_spec)] * p, y_flag
        if isinstance(x_spec, Sequence) and not isinstance(x_spec, str) and len(x_spec) == p:
            x_flags = list(x_spec)
            for j, fl in enumerate(x_flags):
                if fl not in flags:
                    raise ValueError(
                        f"`discrete` entries for X must be 'auto', True or False; got {fl!r} for column {j}."
                    )
            return x_flags, y_flag
        raise ValueError(
            f"`discrete` for X must be 'auto', True, False or a sequence of {p} such flags "
            f"(one per column); got {x_spec!r}."
        )
    raise ValueError(
        "`discrete` must be 'auto', True, False or a pair (for_X, for_y) where for_X may list "
        f"one flag per column; got {discrete!r}."
    )


def mutual_info_columns(
    X: Any,
    y: Any,
    /,
    *,
    discrete: Any = "auto",
    k: int = 3,
    base: float = 2,
    method: str = "auto",
    n_jobs: int | None = None,
    rng: Any = None,
) -> np.ndarray | Any:
    """Mutual information I(X_j; y) of every column of ``X`` with one target ``y``.

    Parameters
    ----------
    X : array-like, shape (n, p) or (n,)
        Features: a 2-D array, a pandas/polars DataFrame or an Arrow table. Unlike in
        :func:`mutinfo.mutual_info`, the columns are **separate** scalar variables here.
    y : array-like, shape (n,)
        Target (continuous or discrete; a 2-D ``y`` is one multivariate variable).
    discrete : {"auto", True, False} or (for_X, for_y)
        Kind of the variables: one flag for everything, or a pair whose first entry may
        itself be a sequence of p flags (one per column). The "auto" rule is that of
        :mod:`mutinfo._validation` (integer, boolean and string columns with few levels are
        discrete; floating-point columns are continuous).
    k : int, default 3
        Neighbours for the kNN estimators (1 <= k < n).
    base : float, default 2
        Logarithm base of the results (2: bits, e: nats).
    method : str, default "auto"
        Estimator for every column, as in :func:`mutinfo.mutual_info`.
    n_jobs : int, optional
        Threads for the numba kernels (-1: all cores). Results do not depend on it.
    rng : None, int or numpy.random.Generator
        Seed for estimators that use randomness (KSG does not).

    Returns
    -------
    numpy.ndarray or pandas.Series
        p values, each an :class:`~mutinfo.Information` in units of ``base`` (an object
        array; ``np.asarray(result, dtype=float)`` gives plain floats). When ``X`` is a
        table the result is a pandas Series indexed by its column names.

    Notes
    -----
    Every entry equals ``mutinfo.mutual_info(X[:, j], y, ...)`` with the same options,
    including its warnings (constant columns give 0 with a ConstantInputWarning; columns
    with ties follow the ties policy of :mod:`mutinfo.estimators.knn`). The speed comes from
    the continuous, tie-free columns whose method resolves to ``"ksg1"`` or ``"ksg2"``:
    ``y`` is standardised and sorted once and the columns run in parallel through
    :func:`mutinfo.estimators.knn1d.ksg1_1d_many`. Other methods, including what
    ``method="auto"`` picks for continuous pairs (see :mod:`mutinfo.estimators.registry`),
    run column by column through :func:`mutinfo.mutual_info`; pass ``method="ksg1"`` for
    the fastest ranking of many continuous features. Estimates are never clipped, so
    independent columns score around 0, sometimes below.

    References
    ----------
    A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual information",
    Phys. Rev. E 69, 066138 (2004). https://doi.org/10.1103/PhysRevE.69.066138

    Examples
    --------
    >>> import numpy as np, mutinfo as mi
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(5000, 3)); y = X[:, 0] + 0.5 * rng.normal(size=5000)
    >>> scores = mi.mutual_info_columns(X, y)
    >>> int(np.argmax(np.asarray(scores, dtype=float)))
    0
    """
    base = check_base(base)
    if not isinstance(method, str):
        raise TypeError(
            f"`method` must be a string, one of {registry.available_methods('mi')}; got {method!r}."
        )
    columns, labels = _columns_of(X, "X")
    p = len(columns)
    x_flags, y_flag = _split_discrete(discrete, p)
    vy = to_variable(y, "y", discrete=y_flag)
    n = vy.n
    variables = [
        to_variable(col, f"X[{label!r}]", discrete=fl) for col, label, fl in zip(columns, labels, x_flags)
    ]
    if variables:
        check_same_length(variables[0], vy)
    n_jobs = check_n_jobs(n_jobs)
    values: list[Information | None] = [None] * p

    fast = _fast_columns(variables, vy, method, k, rng, n_jobs)
    if fast:
        variant = fast[0][1]
        check_k(k, n)
        warn_small(n, int(k), "Mutual information estimated")
        idx = [j for j, _ in fast]
        block = np.empty((n, len(idx)), dtype=np.float64, order="F")
        for c, j in enumerate(idx):
            block[:, c] = standardize(variables[j].values)[:, 0]
        ys = standardize(vy.values)[:, 0]
        kernel = knn1d.ksg1_1d_many if variant == 1 else knn1d.ksg2_1d_many
        with numba_threads(n_jobs):
            nats = kernel(block, ys, int(k))
        name = "ksg1" if variant == 1 else "ksg2"
        for c, j in enumerate(idx):
            values[j] = Information.from_nats(float(nats[c]), base=base, method=name, n=n, quantity="I(x;y)")

    for j in range(p):
        if values[j] is None:
            values[j] = mutual_info(
                columns[j],
                y,
                method=method,
                discrete=(variables[j].discrete, vy.discrete),
                k=k,
                base=base,
                rng=rng,
                n_jobs=n_jobs,
            )

    out = np.empty(p, dtype=object)
    out[:] = values
    if _is_table(X):
        import pandas as pd

        return pd.Series(out, index=pd.Index(labels), name=f"I(x;y) in {unit_name(base)}")
    return out


def _fast_columns(
    variables: list[Variable], vy: Variable, method: str, k: Any, rng: Any, n_jobs: int | None
) -> list[tuple[int, int]]:
    """(column index, KSG variant) of the columns that the batched 1-D kernel can take."""
    if vy.discrete or vy.d != 1 or is_constant(vy) or not variables:
        return []
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        return []  # the per-column path raises the uniform error
    if not 1 <= int(k) < vy.n:
        return []
    if has_repeated_rows(vy.values):
        return []
    options = Options(k=int(k), rng=check_rng(rng), n_jobs=n_jobs)
    chosen: list[tuple[int, int]] = []
    for j, v in enumerate(variables):
        if v.discrete or v.d != 1 or is_constant(v):
            continue
        try:
            spec = registry.resolve("mi", method, (v, vy), options)
        except (ValueError, TypeError):
            return []  # let the per-column path raise its message
        if spec.name not in _FAST_VARIANTS or has_repeated_rows(v.values):
            continue
        chosen.append((j, _FAST_VARIANTS[spec.name]))
    variants = {vt for _, vt in chosen}
    return chosen if len(variants) == 1 else []
