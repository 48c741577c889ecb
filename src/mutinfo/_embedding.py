"""Time-series input checks and delay embedding for :mod:`mutinfo.timeseries`.

A series arrives as an array, list, pandas Series/DataFrame (one column per dimension) and
is turned into a :class:`Series`: its values on a regular time grid, with missing time
points marked, and its kind (discrete codes or continuous values). Embedding then builds,
for every usable time t, the vector of past values at the requested lags, and drops the
times whose vector touches a missing point (only when the user chose ``missing="omit"``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from mutinfo._validation import _show, check_positive_int, to_variable
from mutinfo._variable import Variable
from mutinfo._warnings import NonStationaryWarning

__all__ = [
    "MIN_EMBEDDED",
    "Series",
    "as_series",
    "check_embedded",
    "check_history",
    "check_lag",
    "embed",
    "joint_variable",
    "prepare_series",
    "ragwitz_history",
    "series_flags",
    "usable_rows",
    "warn_trend",
]

#: Fewest embedded samples (time points left after the longest lag) an estimate is made from.
MIN_EMBEDDED = 10

_MISSING = ("raise", "omit")


@dataclass(frozen=True, eq=False)
class Series:
    """A validated time series on a regular grid.

    Attributes
    ----------
    name : str
        Argument name, for messages.
    values : numpy.ndarray, shape (n, d)
        Continuous: float64 values. Discrete: float64 holding integer codes 0..L-1 of the
        joint level of a row. Missing time points are NaN in both cases.
    discrete : bool
        Kind of the series.
    index : pandas.Index or None
        The time index on the regular grid (``None`` for plain arrays).
    """

    name: str
    values: np.ndarray
    discrete: bool
    index: Any = None

    @property
    def n(self) -> int:
        """Number of time points (including missing ones)."""
        return int(self.values.shape[0])

    @property
    def missing(self) -> np.ndarray:
        """Boolean mask of missing time points, shape (n,)."""
        return np.isnan(self.values).any(axis=1)


def _check_missing(missing: Any) -> str:
    if missing not in _MISSING:
        raise ValueError(f"`missing` must be one of {list(_MISSING)}; got {_show(missing)}.")
    return str(missing)


def _regular_grid(index: Any, name: str, missing: str) -> tuple[Any, np.ndarray | None]:
    """Positions of each row on a regular grid, or None when the index is already regular.

    Only datetime-like indexes (DatetimeIndex, TimedeltaIndex, PeriodIndex) are checked for
    gaps: the grid step is their smallest positive spacing.
    """
    import pandas as pd

    if not isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex, pd.PeriodIndex)):
        return index, None
    if isinstance(index, pd.PeriodIndex):
        index = index.to_timestamp()
    if index.shape[0] < 2:
        return index, None
    ticks = index.asi8
    steps = np.diff(ticks)
    if (steps <= 0).any():
        row = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise ValueError(
            f"`{name}` must have a strictly increasing time index; got {index[row]!r} at row {row} "
            f"after {index[row - 1]!r}."
        )
    step = int(steps.min())
    if (steps == step).all():
        return index, None
    if missing == "raise":
        row = int(np.flatnonzero(steps != step)[0]) + 1
        raise ValueError(
            f"`{name}` must be sampled on a regular time grid (step {pd.Timedelta(step)}); got a gap of "
            f"{pd.Timedelta(int(steps[row - 1]))} before {index[row]!r} (row {row}). Pass "
            "missing='omit' to put the gaps on the grid as missing points (embedded vectors "
            "touching them are left out), or resample the series first."
        )
    if (steps % step).any():
        row = int(np.flatnonzero(steps % step)[0]) + 1
        raise ValueError(
            f"`{name}` time stamps must lie on a regular grid of step {pd.Timedelta(step)} for "
            f"missing='omit'; got {index[row]!r} (row {row}), off the grid."
        )
    positions = (ticks - ticks[0]) // step
    grid = pd.DatetimeIndex(ticks[0] + step * np.arange(positions[-1] + 1), tz=getattr(index, "tz", None))
    if isinstance(index, pd.TimedeltaIndex):
        grid = pd.TimedeltaIndex(ticks[0] + step * np.arange(positions[-1] + 1))
    return grid, positions


def as_series(obj: Any, name: str, *, discrete: Any = "auto", missing: str = "raise") -> Series:
    """Validate one time series (see the module docstring).

    Parameters
    ----------
    obj : array-like, shape (n,) or (n, d)
        The series; a pandas object keeps its index.
    name : str
        Argument name for messages.
    discrete : {"auto", True, False}
        Kind, decided as in :func:`mutinfo._validation.to_variable` on the observed points.
    missing : {"raise", "omit"}
        ``"raise"``: NaN values or gaps in a datetime index are errors. ``"omit"``: they are
        kept on the time grid as missing points, and every embedded vector touching one is
        left out of the estimate (never filled in).

    Returns
    -------
    Series
    """
    import pandas as pd

    missing = _check_missing(missing)
    index = obj.index if isinstance(obj, (pd.Series, pd.DataFrame)) else None
    data = obj
    mask = None
    if missing == "omit":
        frame = pd.DataFrame(np.asarray(obj) if index is None else obj)
        if frame.shape[0] == 0:
            raise ValueError(f"`{name}` must contain at least one sample; got an empty input of 0 rows.")
        mask = frame.isna().to_numpy().any(axis=1)
        data = frame.loc[~mask] if index is not None else frame.to_numpy()[~mask]
        if mask.all():
            raise ValueError(
                f"`{name}` must have at least one observed time point; got all {mask.size} missing."
            )
    var = to_variable(data, name, discrete=discrete)
    observed = var.values.astype(np.float64).reshape(var.n, -1)
    if mask is not None:
        full = np.full((mask.shape[0], observed.shape[1]), np.nan)
        full[~mask] = observed
        observed = full
    if index is not None:
        index, positions = _regular_grid(index, name, missing)
        if positions is not None:
            grid = np.full((positions[-1] + 1, observed.shape[1]), np.nan)
            grid[positions] = observed
            observed = grid
    return Series(name=name, values=np.ascontiguousarray(observed), discrete=var.discrete, index=index)


def check_lag(value: Any, name: str, *, minimum: int) -> int:
    """A lag or history length: an integer >= ``minimum``."""
    return check_positive_int(value, name, minimum=minimum)


def usable_rows(n: int, max_lag: int, masks: list[np.ndarray], lag_sets: list[list[int]]) -> np.ndarray:
    """Times t >= max_lag whose embedded vectors (at the given lags) avoid every missing point.

    ``masks[i]`` marks the missing points of series i, embedded at lags ``lag_sets[i]``
    (lag 0 is the present value).
    """
    t = np.arange(max_lag, n)
    keep = np.ones(t.shape[0], dtype=bool)
    for mask, lags in zip(masks, lag_sets):
        if mask.any():
            for lag in lags:
                keep &= ~mask[t - lag]
    return t[keep]


def embed(values: np.ndarray, rows: np.ndarray, lags: list[int]) -> np.ndarray:
    """The matrix [values[t - lag] for lag in lags] for each t in ``rows``, shape (len(rows), d*len(lags))."""
    return np.ascontiguousarray(np.hstack([values[rows - lag] for lag in lags]))


def joint_variable(matrix: np.ndarray, name: str, discrete: bool) -> Variable:
    """A :class:`Variable` from an embedded matrix (discrete: one joint code per row)."""
    columns = tuple(str(j) for j in range(matrix.shape[1]))
    if not discrete:
        return Variable(
            name=name, values=np.ascontiguousarray(matrix, dtype=np.float64), discrete=False, columns=columns
        )
    codes = matrix.astype(np.int64)
    radix = codes.max(axis=0) + 1 if codes.shape[0] else np.ones(codes.shape[1], dtype=np.int64)
    cells = 1.0
    for r in radix:
        cells *= float(r)
    if cells >= 2.0**62:  # mixed-radix code would overflow: sort the rows instead
        levels, inverse = np.unique(codes, axis=0, return_inverse=True)
        return Variable(
            name=name,
            values=inverse.astype(np.int64).ravel(),
            discrete=True,
            n_levels=int(levels.shape[0]),
            columns=columns,
        )
    joint = codes[:, 0].copy()
    for j in range(1, codes.shape[1]):
        joint *= radix[j]
        joint += codes[:, j]
    if cells <= 4 * codes.shape[0] + 1024:  # table lookup, O(n + cells)
        seen = np.zeros(int(cells), dtype=bool)
        seen[joint] = True
        rank = np.cumsum(seen) - 1
        inverse = rank[joint]
        n_levels = int(rank[-1]) + 1 if seen.size else 0
    else:
        uniques, inverse = np.unique(joint, return_inverse=True)
        n_levels = int(uniques.shape[0])
    return Variable(
        name=name,
        values=np.ascontiguousarray(inverse, dtype=np.int64).ravel(),
        discrete=True,
        n_levels=n_levels,
        columns=columns,
    )


def ragwitz_history(series: Series, max_history: int, neighbours: int) -> int:
    """History k in 1 .. ``max_history`` minimising the Ragwitz-Kantz prediction error.

    Each value X_t (standardised) is predicted by the mean of X_{s} over the ``neighbours``
    nearest other times s (max-norm) in the delay space (X_{t-1}, ..., X_{t-k}); the k with
    the smallest mean squared error wins (the first on ties). Ragwitz M, Kantz H (2002),
    Phys. Rev. E 65, 056201, DOI: 10.1103/PhysRevE.65.056201.
    """
    from scipy.spatial import cKDTree

    from mutinfo.estimators._scale import scaled_centred

    if series.discrete:
        raise ValueError(
            "`history` 'auto' (Ragwitz criterion) needs a continuous target; got a discrete one."
        )
    if series.missing.any():
        raise ValueError("`history` 'auto' needs a target without missing points; pass an integer history.")
    # centred and scaled by powers of two first: a plain std squares the data, which
    # overflows near 1e300 and underflows near 1e-300
    values, _ = scaled_centred(series.values)
    scale = values.std(axis=0)
    values = values / np.where(scale > 0, scale, 1.0)
    rows = np.arange(max_history, series.n)
    if rows.shape[0] <= neighbours + 1:
        raise ValueError(
            f"`{series.name}` is too short for history='auto': needs n > "
            f"{max_history + neighbours + 1}; got n = {series.n}."
        )
    future = values[rows]
    errors = []
    r = neighbours
    for h in range(1, max_history + 1):
        past = embed(values, rows, list(range(1, h + 1)))
        tree = cKDTree(past)
        _, idx = tree.query(past, k=r + 1, p=np.inf)
        own = idx == np.arange(rows.shape[0])[:, None]
        # drop the point itself (or, under ties, the last neighbour) to keep r neighbours
        drop = np.where(own.any(axis=1), own.argmax(axis=1), r)
        keep = np.ones_like(idx, dtype=bool)
        keep[np.arange(idx.shape[0]), drop] = False
        nearest = idx[keep].reshape(idx.shape[0], r)
        prediction = future[nearest].mean(axis=1)
        errors.append(float(np.mean((prediction - future) ** 2)))
    return int(np.argmin(errors)) + 1


# --------------------------------------------------------------------------- several series


def series_flags(discrete: Any, names: list[str]) -> list[Any]:
    """One ``discrete`` flag per series from a single flag or a per-series sequence."""
    if isinstance(discrete, (bool, np.bool_)) or discrete == "auto":
        return [discrete] * len(names)
    flags = list(discrete) if isinstance(discrete, (list, tuple)) else None
    if flags is None or len(flags) != len(names):
        raise ValueError(
            f"`discrete` must be 'auto', True, False or one entry per series ({', '.join(names)}); "
            f"got {_show(discrete)}."
        )
    return flags


def prepare_series(data: list[Any], names: list[str], discrete: Any, missing: str) -> list[Series]:
    """Validate several series together: same length, same time index, trend screen."""
    flags = series_flags(discrete, names)
    out = [as_series(obj, nm, discrete=fl, missing=missing) for obj, nm, fl in zip(data, names, flags)]
    lengths = {s.name: s.n for s in out}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"`{k}` has {v}" for k, v in lengths.items())
        raise ValueError(f"`{'`, `'.join(lengths)}` must have the same number of time points; got {shown}.")
    for s in out:
        warn_trend(s)
    indexed = [s for s in out if s.index is not None]
    for s in indexed[1:]:
        if not s.index.equals(indexed[0].index):
            raise ValueError(
                f"`{s.name}` and `{indexed[0].name}` must share the same time index; got indexes that "
                f"differ (first {s.index[0]!r} vs {indexed[0].index[0]!r}). Align them first."
            )
    return out


#: Share of a continuous series' variance explained by a straight-line trend above which a
#: :class:`~mutinfo.NonStationaryWarning` is emitted.
TREND_R2_WARN = 0.5


def warn_trend(series: Series) -> None:
    """Warn when a linear time trend explains most of a continuous series' variance.

    A cheap screen, not a test: stationary series, even strongly autocorrelated ones (AR(1)
    with phi = 0.9, n = 1000), give R² near 0, while deterministic trends and many random
    walks exceed 0.5. Transfer entropy and lagged MI pool all time points, so a trend makes
    any two series look dependent.
    """
    from mutinfo.estimators._scale import scaled_centred

    if series.discrete or series.n < 3:
        return
    observed = ~series.missing
    t = np.flatnonzero(observed).astype(np.float64)
    values = series.values[observed]
    if t.shape[0] < 3:
        return
    tc = t - t.mean()
    vc, _ = scaled_centred(values)  # R² is scale-free; powers of two keep 1e±300 data finite
    denom = (tc @ tc) * (vc * vc).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = np.where(denom > 0, (tc @ vc) ** 2 / np.where(denom > 0, denom, 1.0), 0.0)
    if float(r2.max()) > TREND_R2_WARN:
        warnings.warn(
            f"`{series.name}` has a linear trend explaining {float(r2.max()):.0%} of its variance: it looks "
            "non-stationary, and lagged information estimates assume stationarity (detrend or "
            "difference it first).",
            NonStationaryWarning,
            stacklevel=4,
        )


def check_history(value: Any, name: str) -> int | str:
    """A history length: an integer >= 0 or ``"auto"``."""
    if isinstance(value, str) and value == "auto":
        return "auto"
    return check_lag(value, name, minimum=0)


def check_embedded(series: Series, max_lag: int, rows: int, what: str) -> None:
    """Refuse an estimate from fewer than :data:`MIN_EMBEDDED` embedded samples."""
    if rows < MIN_EMBEDDED:
        raise ValueError(
            f"`{series.name}` is too short for {what}: the estimate needs at least {MIN_EMBEDDED} "
            f"usable time points after the longest lag ({max_lag}), i.e. n >= {max_lag + MIN_EMBEDDED} "
            f"without missing points; got n = {series.n} and {rows} usable."
        )
