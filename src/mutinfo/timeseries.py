"""Information flow in time series: transfer entropy, lagged MI, active information storage.

Transfer entropy from a source X to a target Y (Schreiber 2000), with a source-target delay
``u = lag``, target history length ``k = history`` and source history length
``l = source_history`` (Wibral et al. 2013):

.. math::

    TE_{X \\to Y} = I\\big(Y_t ;\\ X_{t-u}, \\ldots, X_{t-u-l+1} \\mid Y_{t-1}, \\ldots, Y_{t-k}\\big)

It is a conditional mutual information of delay-embedded copies of the series, so it is
estimated by the same registry estimators as :func:`mutinfo.conditional_mutual_info`
(plug-in and bias-corrected discrete estimators, Frenzel-Pompe kNN, Gaussian, ...). For
jointly Gaussian processes it equals half the Granger log-ratio statistic (Barnett, Barrett
and Seth 2009). Conditional TE adds the past of other series ``W`` to the condition, at lags
1 .. m with m = ``condition_history`` (default max(k, u + l): the window of both pasts and
one step beyond the oldest source value, where a common driver of that value acts).

Significance (:func:`transfer_entropy_test`) compares the estimate with estimates on
surrogate sources (see :mod:`mutinfo._surrogates`); circular shifts and block permutations
keep the source's autocorrelation, which a plain shuffle destroys.

References
----------
T. Schreiber, "Measuring information transfer", Phys. Rev. Lett. 85, 461 (2000).
DOI: 10.1103/PhysRevLett.85.461

M. Wibral et al., "Measuring information-transfer delays", PLoS ONE 8, e55809 (2013).
DOI: 10.1371/journal.pone.0055809

L. Barnett, A. B. Barrett and A. K. Seth, "Granger causality and transfer entropy are
equivalent for Gaussian variables", Phys. Rev. Lett. 103, 238701 (2009).
DOI: 10.1103/PhysRevLett.103.238701

J. T. Lizier, M. Prokopenko and A. Y. Zomaya, "Local measures of information storage in
complex distributed computation", Information Sciences 208, 39 (2012).
DOI: 10.1016/j.ins.2012.04.016

M. Ragwitz and H. Kantz, "Markov models from data by simple nonlinear time series
predictors in delay embedding spaces", Phys. Rev. E 65, 056201 (2002).
DOI: 10.1103/PhysRevE.65.056201
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from mutinfo import _surrogates
from mutinfo._embedding import (
    MIN_EMBEDDED,
    Series,
    check_embedded,
    check_history,
    check_lag,
    embed,
    joint_variable,
    prepare_series,
    ragwitz_history,
    usable_rows,
)
from mutinfo._information import Information, unit_name
from mutinfo._surrogates import TransferEntropyResult
from mutinfo._validation import _show, check_base, check_n_jobs, check_positive_int, check_rng, is_constant
from mutinfo._variable import Variable
from mutinfo._warnings import ConstantInputWarning
from mutinfo.inference import _pvalue
from mutinfo.measures import _estimate

__all__ = [
    "TransferEntropyResult",
    "active_information_storage",
    "lagged_mutual_info",
    "transfer_entropy",
    "transfer_entropy_test",
]

#: Largest target history tried by ``history="auto"``.
AUTO_MAX_HISTORY = 6
#: Neighbours averaged by the Ragwitz predictor of ``history="auto"``.
RAGWITZ_NEIGHBOURS = 4


# --------------------------------------------------------------------------- estimation


def _cmi(
    y: Variable,
    x: Variable,
    z: Variable | None,
    *,
    method: str,
    k: int,
    rng: Any,
    n_jobs: Any,
    base: float,
    label: str,
    warn: bool = True,
) -> Information:
    """I(y; x | z) on validated variables, with the constant cases of the measures module."""
    if is_constant(y) or is_constant(x):
        if warn:
            which = y.name if is_constant(y) else x.name
            warnings.warn(
                f"`{which}` is constant over the embedded samples: it carries no information, so the "
                "quantity is 0.",
                ConstantInputWarning,
                stacklevel=4,
            )
        return Information(0.0, base=base, method="constant", n=y.n, quantity=label)
    common = dict(method=method, k=k, bins=None, rng=rng, n_jobs=n_jobs, base=base, label=label)
    if z is None or is_constant(z):
        return _estimate("mi", (y, x), **common)
    return _estimate("cmi", (y, x, z), **common)


@dataclass(frozen=True)
class _Design:
    """Which lags of which series enter a transfer-entropy estimate."""

    target_lags: list[int]
    source_lags: list[int]
    condition_lags: list[int]

    @property
    def max_lag(self) -> int:
        return max([*self.target_lags, *self.source_lags, *self.condition_lags, 0])


def _z_variable(
    target: Series, condition: Series | None, design: _Design, rows: np.ndarray
) -> Variable | None:
    parts = [embed(target.values, rows, design.target_lags)] if design.target_lags else []
    kinds = {target.discrete} if parts else set()
    if condition is not None:
        parts.append(embed(condition.values, rows, design.condition_lags))
        kinds.add(condition.discrete)
    if not parts:
        return None
    if len(kinds) > 1:
        raise ValueError(
            f"`target` is {'discrete' if target.discrete else 'continuous'} and `condition` is not: the "
            "conditioning set of a transfer entropy must be of one kind. Force both with `discrete=`."
        )
    return joint_variable(np.hstack(parts), "past", kinds.pop())


def _te_once(
    source: Series,
    target: Series,
    condition: Series | None,
    design: _Design,
    *,
    method: str,
    k: int,
    rng: Any,
    n_jobs: Any,
    base: float,
    warn: bool = True,
) -> Information:
    masks = [target.missing, source.missing]
    lag_sets = [[0, *design.target_lags], design.source_lags]
    if condition is not None:
        masks.append(condition.missing)
        lag_sets.append(design.condition_lags)
    rows = usable_rows(target.n, design.max_lag, masks, lag_sets)
    check_embedded(target, design.max_lag, rows.shape[0], "this lag and history")
    y = joint_variable(embed(target.values, rows, [0]), "target", target.discrete)
    x = joint_variable(embed(source.values, rows, design.source_lags), "source_past", source.discrete)
    z = _z_variable(target, condition, design, rows)
    return _cmi(
        y, x, z, method=method, k=k, rng=rng, n_jobs=n_jobs, base=base, label="TE(source->target)", warn=warn
    )


def _setup(
    source: Any,
    target: Any,
    condition: Any,
    lag: Any,
    history: Any,
    source_history: Any,
    discrete: Any,
    missing: str,
    condition_history: Any = None,
) -> tuple[Series, Series, Series | None, _Design]:
    names = ["source", "target"] + (["condition"] if condition is not None else [])
    data = [source, target] + ([condition] if condition is not None else [])
    series = prepare_series(data, names, discrete, missing)
    src, tgt = series[0], series[1]
    cond = series[2] if condition is not None else None
    lag = check_lag(lag, "lag", minimum=1)
    source_history = check_lag(source_history, "source_history", minimum=1)
    history = check_history(history, "history")
    if history == "auto":
        history = ragwitz_history(tgt, AUTO_MAX_HISTORY, RAGWITZ_NEIGHBOURS)
    span = (
        max(history, lag + source_history)
        if condition_history is None
        else check_lag(condition_history, "condition_history", minimum=1)
    )
    design = _Design(
        target_lags=list(range(1, history + 1)),
        source_lags=list(range(lag, lag + source_history)),
        condition_lags=list(range(1, span + 1)) if cond is not None else [],
    )
    return src, tgt, cond, design


_TE_PARAMS = """
    source, target : array-like, shape (n,) or (n, d)
        The two series, sampled at the same times. pandas objects keep their index; a
        datetime index must be regular (see ``missing``).
    lag : int >= 1, default 1
        Source-target delay u: the source enters at times t - u, ..., t - u - l + 1.
    history : int >= 0 or "auto", default 1
        Target history k (past values Y_{t-1}, ..., Y_{t-k}). ``0`` drops the target's past:
        the statistic is then the lagged MI I(Y_t ; X_{t-u}, ...), not a transfer entropy
        (it counts the target's self-prediction as "transfer"; for comparison with lagged
        correlation analyses). ``"auto"`` picks k in
        1 .. AUTO_MAX_HISTORY (= 6) minimising the Ragwitz-Kantz criterion: the mean squared
        error of predicting Y_t by the mean of the next values of its RAGWITZ_NEIGHBOURS (= 4)
        nearest neighbours (max-norm) in the k-dimensional delay space of the standardised
        target (continuous targets only).
    source_history : int >= 1, default 1
        Source history l.
    condition : array-like, shape (n,) or (n, d), optional
        Other series W to condition on (conditional TE); each column is embedded at lags
        1 .. ``condition_history``.
    condition_history : int >= 1, optional
        Past length of ``condition`` (default max(k, u + l), one step beyond the oldest
        source value, where a common driver of that value acts).
    method : str, default "auto"
        Registry name of the conditional-MI estimator (see :func:`mutinfo.available_methods`).
    discrete : {"auto", True, False} or one entry per series
        Kind of each series (source, target[, condition]).
    k : int, default 4
        Neighbours for kNN estimators (Kraskov's TE default).
    base : float, default 2
        Logarithm base of the result (2: bits).
    rng : None, int or numpy.random.Generator
        Seed (None: a fixed default seed, so results repeat).
    n_jobs : int, optional
        Threads for the numba kernels; results do not depend on it.
    missing : {"raise", "omit"}, default "raise"
        ``"raise"``: NaN values or gaps in a datetime index are errors. ``"omit"``: they are
        placed on the time grid as missing points and every time t whose embedded vectors
        touch one is left out (nothing is filled in). An array holding NaN is a float
        array, which ``discrete="auto"`` treats as continuous: pass ``discrete=True`` for
        categorical series with gaps."""


def transfer_entropy(
    source: Any,
    target: Any,
    /,
    *,
    lag: int = 1,
    history: int | str = 1,
    source_history: int = 1,
    condition: Any = None,
    condition_history: int | None = None,
    method: str = "auto",
    discrete: Any = "auto",
    k: int = 4,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
    missing: str = "raise",
) -> Information:
    """Transfer entropy TE(source -> target) (module docstring for the definition).

    Parameters
    ----------{params}

    Returns
    -------
    Information
        The estimate in units of ``base`` (``.method`` names the estimator, ``.n`` the
        number of embedded samples). Not clipped: kNN estimates of a zero TE can be slightly
        negative. Use :func:`transfer_entropy_test` for significance.

    Examples
    --------
    >>> import numpy as np, mutinfo as mi
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 2, 20_000)
    >>> y = np.roll(x, 1) ^ (rng.random(20_000) < 0.1)   # copy with 10 % flips
    >>> round(float(mi.transfer_entropy(x, y)), 2)       # 1 - H_b(0.1) = 0.531 bits
    0.53
    """
    base = check_base(base)
    src, tgt, cond, design = _setup(
        source, target, condition, lag, history, source_history, discrete, missing, condition_history
    )
    return _te_once(
        src, tgt, cond, design, method=method, k=k, rng=check_rng(rng), n_jobs=check_n_jobs(n_jobs), base=base
    )


transfer_entropy.__doc__ = transfer_entropy.__doc__.format(params=_TE_PARAMS)


def transfer_entropy_test(
    source: Any,
    target: Any,
    /,
    *,
    lag: int = 1,
    history: int | str = 1,
    source_history: int = 1,
    condition: Any = None,
    condition_history: int | None = None,
    surrogate: str = "circular_shift",
    n_surrogates: int = 199,
    block: int | None = None,
    method: str = "auto",
    discrete: Any = "auto",
    k: int = 4,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
    missing: str = "raise",
) -> TransferEntropyResult:
    """Surrogate test of H0: the source's past adds nothing about the target's present.

    The source series is replaced by ``n_surrogates`` surrogates that keep its own
    structure but not its alignment with the target; the TE is re-estimated on each with
    the same estimator, and p = (b + 1) / (m + 1).

    Parameters
    ----------{params}
    surrogate : {{"circular_shift", "block", "iaaft", "shuffle"}}, default "circular_shift"
        ``"circular_shift"``: rotate the source by an offset uniform in [s, n - s],
        s = max(n // 10, u + l); valid for autocorrelated series. ``"block"``: permute
        blocks of ``block`` time points. ``"iaaft"``: IAAFT surrogates (same values, same
        spectrum; continuous sources without missing points). ``"shuffle"``: permute time
        points; destroys the source's autocorrelation, so for autocorrelated data it is
        not a valid null (kept for comparison; see the tests).
    n_surrogates : int >= 1, default 199
        m; the smallest attainable p-value is 1 / (m + 1).
    block : int, optional
        Block length for ``"block"`` (default: max(u + l, n // 10), ten blocks), 1 <= block < n.

    Returns
    -------
    TransferEntropyResult
        Statistic, p-value, null distribution and effective TE.

    Notes
    -----
    Measured level (``tests/test_timeseries.py``): 300 pairs of independent AR(1) series
    (phi = 0.9, n = 1000), gaussian TE, 39 surrogates, nominal alpha = 0.05. With
    ``history=1`` circular shifts reject 0.060, blocks hold it too, and so does the shuffle
    (0.057): the target's own past whitens an AR(1) target, so the statistic's null law
    does not depend on the source's autocorrelation. Without the target's past
    (``history=0``, the lagged MI) circular shifts reject 0.050 and blocks 0.033, while the
    shuffle rejects 0.50, ten times the nominal level. Whenever the target history may be
    too short, use a surrogate that keeps the source's autocorrelation.
    """
    base = check_base(base)
    if surrogate not in _surrogates.SURROGATES:
        raise ValueError(
            f"`surrogate` must be one of {list(_surrogates.SURROGATES)}; got {_show(surrogate)}."
        )
    m = check_positive_int(n_surrogates, "n_surrogates")
    generator = check_rng(rng)
    n_jobs = check_n_jobs(n_jobs)
    src, tgt, cond, design = _setup(
        source, target, condition, lag, history, source_history, discrete, missing, condition_history
    )
    n = src.n
    reach = design.source_lags[-1]
    if block is None:
        block = max(reach, n // 10)
    block = check_positive_int(block, "block")
    if surrogate == "block" and block >= n:
        raise ValueError(f"`block` must be an integer >= 1 and < n (n = {n}); got {block}.")
    if surrogate == "iaaft" and (src.discrete or src.missing.any()):
        raise ValueError(
            "`surrogate` 'iaaft' needs a continuous source without missing points; got a "
            f"{'discrete' if src.discrete else 'continuous'} source"
            f"{' with missing points' if src.missing.any() else ''}. Use 'circular_shift' or 'block'."
        )
    observed = _te_once(src, tgt, cond, design, method=method, k=k, rng=generator, n_jobs=n_jobs, base=base)
    used = observed.method if observed.method != "constant" else method

    def draw() -> np.ndarray:
        if surrogate == "circular_shift":
            return _surrogates.circular_shift(src.values, generator, max(n // 10, reach))
        if surrogate == "block":
            return _surrogates.block_permutation(src.values, generator, block)
        if surrogate == "iaaft":
            return _surrogates.iaaft(src.values, generator)
        return _surrogates.shuffle(src.values, generator)

    null = np.empty(m)
    for i in range(m):
        fake = Series(name=src.name, values=draw(), discrete=src.discrete, index=src.index)
        null[i] = float(
            _te_once(
                fake, tgt, cond, design, method=used, k=k, rng=generator, n_jobs=n_jobs, base=base, warn=False
            )
        )
    return TransferEntropyResult(
        statistic=observed,
        pvalue=_pvalue(float(observed), null, "greater"),
        null_distribution=null,
        surrogate=surrogate,
        n_surrogates=m,
        method=observed.method,
        base=base,
        unit=unit_name(base),
        n=observed.n,
        lag=design.source_lags[0],
        history=len(design.target_lags),
        source_history=len(design.source_lags),
    )


transfer_entropy_test.__doc__ = transfer_entropy_test.__doc__.format(params=_TE_PARAMS)


def active_information_storage(
    x: Any,
    /,
    *,
    history: int | str = 1,
    method: str = "auto",
    discrete: Any = "auto",
    k: int = 4,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
    missing: str = "raise",
) -> Information:
    """Active information storage A(X) = I(X_t ; X_{t-1}, ..., X_{t-k}) (Lizier et al. 2012).

    How much of the present of a series its own past of length ``k = history`` predicts.

    Parameters
    ----------
    x : array-like, shape (n,) or (n, d)
        The series.
    history : int >= 1 or "auto", default 1
        Past length k; ``"auto"``: the Ragwitz criterion (see :func:`transfer_entropy`).
    method, discrete, k, base, rng, n_jobs, missing
        As in :func:`transfer_entropy`.

    Returns
    -------
    Information
        A(X) in units of ``base``.
    """
    base = check_base(base)
    (series,) = prepare_series([x], ["x"], discrete, missing)
    h = check_history(history, "history")
    if h == 0:
        raise ValueError(
            "`history` must be an integer >= 1 or 'auto' (a past of length 0 stores nothing); got 0."
        )
    if h == "auto":
        h = ragwitz_history(series, AUTO_MAX_HISTORY, RAGWITZ_NEIGHBOURS)
    lags = list(range(1, h + 1))
    rows = usable_rows(series.n, h, [series.missing], [[0, *lags]])
    check_embedded(series, h, rows.shape[0], f"history = {h}")
    present = joint_variable(embed(series.values, rows, [0]), "x", series.discrete)
    past = joint_variable(embed(series.values, rows, lags), "x_past", series.discrete)
    return _cmi(
        present,
        past,
        None,
        method=method,
        k=k,
        rng=check_rng(rng),
        n_jobs=check_n_jobs(n_jobs),
        base=base,
        label="AIS(x)",
    )


def lagged_mutual_info(
    x: Any,
    y: Any,
    /,
    *,
    lags: Any = range(-10, 11),
    method: str = "auto",
    discrete: Any = "auto",
    k: int = 3,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
    missing: str = "raise",
) -> Any:
    """The MI cross-correlogram: I(X_t ; Y_{t+τ}) for each lag τ.

    A positive τ pairs X with *later* values of Y (X leads), a negative τ with earlier ones.
    Each lag uses the n - |τ| overlapping pairs (fewer with ``missing="omit"``).

    Parameters
    ----------
    x, y : array-like, shape (n,) or (n, d)
        The two series, sampled at the same times.
    lags : iterable of int, default range(-10, 11)
        The lags τ; each |τ| <= n - 10.
    method, discrete, k, base, rng, n_jobs, missing
        As in :func:`mutinfo.mutual_info` and :func:`transfer_entropy`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``lag``; columns ``mi`` (in units of ``base``; ``attrs["unit"]`` names
        it), ``n`` (pairs used), ``method``, and ``time_lag`` (τ times the sampling step) when
        the input has a datetime index.
    """
    import pandas as pd

    base = check_base(base)
    sx, sy = prepare_series([x, y], ["x", "y"], discrete, missing)
    n = sx.n
    try:
        given = list(lags)
        taus = [int(t) for t in given]
    except (TypeError, ValueError):
        raise TypeError(f"`lags` must be an iterable of integers; got {_show(lags)}.") from None
    if not taus:
        raise ValueError(f"`lags` must contain at least one lag; got {_show(lags)}.")
    if any(t != g for t, g in zip(taus, given)) or max(abs(t) for t in taus) > n - MIN_EMBEDDED:
        raise ValueError(
            f"`lags` must be integers with |lag| <= n - {MIN_EMBEDDED} (n = {n}); got {_show(lags)}."
        )
    generator, threads = check_rng(rng), check_n_jobs(n_jobs)
    values, counts, methods = [], [], []
    for tau in taus:
        t = np.arange(max(0, -tau), min(n, n - tau))
        keep = ~(sx.missing[t] | sy.missing[t + tau])
        t = t[keep]
        check_embedded(sx, abs(tau), t.shape[0], f"lag {tau}")
        vx = joint_variable(sx.values[t], "x", sx.discrete)
        vy = joint_variable(sy.values[t + tau], "y", sy.discrete)
        est = _cmi(
            vx, vy, None, method=method, k=k, rng=generator, n_jobs=threads, base=base, label="I(x_t;y_t+lag)"
        )
        values.append(float(est))
        counts.append(int(t.shape[0]))
        methods.append(est.method)
    frame = pd.DataFrame({"mi": values, "n": counts, "method": methods}, index=pd.Index(taus, name="lag"))
    index = sx.index if sx.index is not None else sy.index
    if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex)) and index.shape[0] > 1:
        frame["time_lag"] = np.asarray(taus) * (index[1] - index[0])
    frame.attrs.update(unit=unit_name(base), base=base, quantity="I(x_t; y_t+lag)")
    return frame
