"""Significance tests, confidence intervals and false-discovery-rate control for MI.

* :func:`independence_test`: a permutation test of X ⫫ Y, or a conditional permutation
  test of X ⫫ Y | Z, with the MI (CMI) estimate itself as the statistic. Its result
  carries a :meth:`~mutinfo.IndependenceResult.confidence_interval` method.
* :func:`fdr`: Benjamini-Hochberg / Benjamini-Yekutieli adjusted p-values (q-values) for
  many tests at once (for example one test per feature).

The resampling schemes themselves live in :mod:`mutinfo._resampling`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Literal

import numpy as np

from mutinfo._information import Information, unit_name
from mutinfo._resampling import Engine, null_nats
from mutinfo._results import ConfidenceInterval, IndependenceResult
from mutinfo._threads import numba_threads
from mutinfo._validation import (
    DiscreteSpec,
    check_base,
    check_k,
    check_n_jobs,
    check_positive_int,
    check_rng,
    is_constant,
    prepare_variables,
)
from mutinfo.estimators import registry
from mutinfo.estimators._method import Options

__all__ = ["ConfidenceInterval", "IndependenceResult", "fdr", "independence_test"]

_ALTERNATIVES = ("greater", "less", "two-sided")
_FDR_METHODS = ("bh", "by")

#: Relative tolerance under which a null value counts as tied with the observed statistic.
#: Permuted data sets often give *the same* estimate up to floating-point summation order
#: (for example a plug-in MI from a permuted table with the same cell counts); counting such
#: near-ties as "at least as extreme" keeps the test conservative (cf. scipy.stats).
TIE_RTOL = 1e-10


def _pvalue(observed: float, null: np.ndarray, alternative: str) -> float:
    """Monte Carlo p-value (b + 1) / (m + 1), with near-ties counted against rejection."""
    m = null.shape[0]
    tol = TIE_RTOL * max(1.0, abs(observed))
    greater = (np.count_nonzero(null >= observed - tol) + 1) / (m + 1)
    less = (np.count_nonzero(null <= observed + tol) + 1) / (m + 1)
    if alternative == "greater":
        return float(greater)
    if alternative == "less":
        return float(less)
    return float(min(1.0, 2.0 * min(greater, less)))


def independence_test(
    x: Any,
    y: Any,
    /,
    z: Any = None,
    *,
    method: str = "auto",
    discrete: DiscreteSpec = "auto",
    k: int = 3,
    bins: int | str | None = None,
    base: float = 2,
    n_resamples: int = 999,
    k_perm: int = 5,
    rng: Any = None,
    n_jobs: int | None = None,
    alternative: str = "greater",
) -> IndependenceResult:
    """Permutation test of independence (X ⫫ Y) or conditional independence (X ⫫ Y | Z).

    The statistic is the MI estimate I(X;Y) (the CMI estimate I(X;Y|Z) when ``z`` is given)
    from the chosen estimator. Its null distribution is built by re-estimating on data in
    which y has been shuffled in a way that destroys only the dependence under test:

    * no ``z``: y is permuted uniformly (exact test of independence for any estimator);
    * discrete ``z``: y is permuted within each stratum of z (exact test of conditional
      independence: given the strata, all within-stratum permutations are equally likely
      under H0);
    * continuous ``z``: the local permutation scheme of Runge (2018): each row receives the
      y of one of its ``k_perm`` nearest neighbours in z (max-norm), drawn without
      repetition, so Y's dependence on Z is approximately kept. Rows whose neighbours are
      all taken get the nearest free row, so y is always a true permutation (no duplicated
      rows, which would break kNN estimators). This test is approximate: it is calibrated
      when z varies little within a neighbourhood of ``k_perm`` rows.

    The data are validated and the estimator resolved once; each resample is a single
    kernel call.

    Parameters
    ----------
    x, y : array-like, shape (n,) or (n, d)
        Paired samples; a 2-D array is one multivariate variable.
    z : array-like, shape (n,) or (n, d), optional
        Conditioning variable. Positional or keyword.
    method : str, default "auto"
        Estimator registry name (see :func:`mutinfo.available_methods`). "auto" is the
        policy of :func:`mutinfo.mutual_info`, so ``statistic`` equals the value
        ``mutual_info`` returns for the same arguments. Any estimator gives a valid test
        (a bias common to the data and the shuffles cancels); for continuous data
        ``method="ksg1"`` is several times faster than the bias-calibrated "auto" choice
        (both give exact tests).
    discrete : {"auto", True, False} or one entry per variable
        Kind of each variable, as in :func:`mutinfo.mutual_info`.
    k : int, default 3
        Neighbours for kNN estimators (1 <= k < n).
    bins : int or str, optional
        Bin count or rule for the histogram estimator.
    base : float, default 2
        Logarithm base of the statistic and null distribution (2: bits).
    n_resamples : int, default 999
        Number of shuffles m (>= 1). The smallest attainable p-value is 1 / (m + 1).
    k_perm : int, default 5
        Neighbourhood size of the local permutation scheme (continuous ``z`` only;
        1 <= k_perm < n). Runge (2018) recommends 5 to 10.
    rng : None, int or numpy.random.Generator
        Source of all randomness (None: a fixed default seed). The same ``rng`` gives
        bit-identical results.
    n_jobs : int, optional
        Threads for the numba kernels (-1: all cores). Results do not depend on it.
    alternative : {"greater", "less", "two-sided"}, default "greater"
        "greater" rejects for a statistic larger than the null values: the test of
        dependence. "less" and "two-sided" are for diagnostics (e.g. a statistic
        suspiciously below its null distribution).

    Returns
    -------
    IndependenceResult
        ``statistic`` (an :class:`~mutinfo.Information`), ``pvalue``,
        ``null_distribution`` (in the unit of ``base``), ``null_mean``, ``effective``
        (statistic minus null mean) and ``confidence_interval()``.

    Notes
    -----
    The p-value is (b + 1) / (m + 1), with b the number of null values at least as extreme
    as the observed statistic; null values within a relative 1e-10 of it count as extreme
    (conservative under floating-point ties). Including the observed data set in the count
    makes the test exact: P(p <= α) <= α under H0 for any m (Phipson & Smyth 2010).

    A constant x or y carries no information: the statistic is exactly 0 and the p-value 1,
    after a :class:`~mutinfo.ConstantInputWarning`. A constant z is dropped (I(X;Y|Z) =
    I(X;Y)).

    References
    ----------
    B. Phipson and G. K. Smyth, "Permutation p-values should never be zero", Stat. Appl.
    Genet. Mol. Biol. 9(1), 2010. DOI: 10.2202/1544-6115.1585

    J. Runge, "Conditional independence testing based on a nearest-neighbor estimator of
    conditional mutual information", AISTATS 2018. DOI: 10.48550/arXiv.1709.01447

    Examples
    --------
    >>> import numpy as np, mutinfo as mi
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=300); y = x**2 + 0.5 * rng.normal(size=300)
    >>> res = mi.independence_test(x, y, n_resamples=199, rng=0)
    >>> res.pvalue   # 1 / 200: no shuffle reaches the observed MI
    0.005
    """
    base = check_base(base)
    n_resamples = check_positive_int(n_resamples, "n_resamples")
    check_positive_int(k_perm, "k_perm")  # checked against n only when the local scheme uses it
    if not isinstance(alternative, str) or alternative not in _ALTERNATIVES:
        raise ValueError(f"`alternative` must be one of {list(_ALTERNATIVES)}; got {alternative!r}.")
    generator = check_rng(rng)
    jobs = check_n_jobs(n_jobs)

    if z is None:
        variables = tuple(prepare_variables([x, y], ["x", "y"], discrete=discrete))
        label = "I(x;y)"
    else:
        variables = tuple(prepare_variables([x, y, z], ["x", "y", "z"], discrete=discrete))
        label = "I(x;y|z)"
    n = variables[0].n
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        check_k(k, n)  # raises the uniform TypeError

    if is_constant(variables[0]) or is_constant(variables[1]):
        return _constant_result(label, base, n, n_resamples, alternative)

    scheme = "permutation"
    quantity = "mi"
    if len(variables) == 3:
        if is_constant(variables[2]):
            variables = variables[:2]
        else:
            quantity = "cmi"
            scheme = "stratified" if variables[2].discrete else "local"
            if scheme == "local":
                k_perm = check_k(k_perm, n, name="k_perm")

    provisional = Options(k=int(k), bins=bins, rng=generator, n_jobs=jobs)
    spec = registry.resolve(quantity, method, variables, provisional)
    options = Options(k=check_k(k, n) if spec.uses_k else int(k), bins=bins, rng=generator, n_jobs=jobs)
    engine = Engine(spec=spec, quantity=quantity, variables=variables, options=options)

    with numba_threads(jobs):
        observed = engine.estimate()
    null = null_nats(engine, scheme, n_resamples, generator, k_perm=k_perm)
    pvalue = _pvalue(observed, null, alternative)

    log_base = math.log(base)
    statistic = Information.from_nats(observed, base=base, method=spec.name, n=n, quantity=label)
    return IndependenceResult(
        statistic=statistic,
        pvalue=pvalue,
        null_distribution=null / log_base,
        n_resamples=n_resamples,
        method=spec.name,
        base=base,
        unit=unit_name(base),
        n=n,
        alternative=alternative,
        scheme=scheme,
        _engine=engine,
    )


def _constant_result(label: str, base: float, n: int, m: int, alternative: str) -> IndependenceResult:
    """The exact answer when x or y is constant: statistic 0, every null value 0, p = 1."""
    null = np.zeros(m, dtype=np.float64)
    pvalue = _pvalue(0.0, null, alternative)
    return IndependenceResult(
        statistic=Information(0.0, base=base, method="constant", n=n, quantity=label),
        pvalue=pvalue,
        null_distribution=null,
        n_resamples=m,
        method="constant",
        base=base,
        unit=unit_name(base),
        n=n,
        alternative=alternative,
        scheme="permutation",
        _engine=None,
    )


# --------------------------------------------------------------------------- FDR


def fdr(pvalues: Any, /, *, method: Literal["bh", "by"] | str = "bh", alpha: float | None = None) -> Any:
    """False-discovery-rate adjusted p-values (q-values), or the rejections at level ``alpha``.

    All entries of ``pvalues`` form one family, whatever its shape.

    Parameters
    ----------
    pvalues : array-like of float in [0, 1]
        p-values, any shape (a pandas Series keeps its index).
    method : {"bh", "by"}, default "bh"
        "bh": Benjamini-Hochberg, controls the FDR for independent or positively dependent
        tests. "by": Benjamini-Yekutieli, valid under any dependence (q-values larger by
        the factor sum_{i<=m} 1/i).
    alpha : float in (0, 1), optional
        The one design choice: without ``alpha`` the function returns q-values (floats);
        with ``alpha`` it returns the boolean mask ``q <= alpha`` of rejected hypotheses.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Same shape as ``pvalues``: q-values (float64) when ``alpha`` is None, else booleans.

    Notes
    -----
    The q-value of the i-th smallest of m p-values is min_{j >= i} m p_(j) / j (times the
    BY factor), capped at 1; rejecting every hypothesis with q <= α controls the FDR at α.
    Computed by :func:`scipy.stats.false_discovery_control`.

    References
    ----------
    Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate", J. R. Stat. Soc. B
    57(1), 1995. DOI: 10.1111/j.2517-6161.1995.tb02031.x

    Y. Benjamini and D. Yekutieli, "The control of the false discovery rate in multiple
    testing under dependency", Ann. Statist. 29(4), 2001. DOI: 10.1214/aos/1013699998

    Examples
    --------
    >>> import mutinfo as mi
    >>> mi.fdr([0.01, 0.04, 0.03, 0.20]).round(4)   # 0.04 * 4 / 3 for the middle two
    array([0.04  , 0.0533, 0.0533, 0.2   ])
    >>> mi.fdr([0.01, 0.04, 0.03, 0.20], alpha=0.05)
    array([ True, False, False, False])
    """
    from scipy.stats import false_discovery_control

    if not isinstance(method, str) or method not in _FDR_METHODS:
        raise ValueError(f"`method` must be one of {list(_FDR_METHODS)}; got {method!r}.")
    if alpha is not None and (
        isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not (0.0 < float(alpha) < 1.0)
    ):
        raise ValueError(f"`alpha` must be None or a number strictly between 0 and 1; got {alpha!r}.")
    series = None
    if type(pvalues).__module__.split(".")[0] == "pandas":
        import pandas as pd

        if isinstance(pvalues, pd.Series):
            series = pvalues
    p = _pvalue_array(pvalues)
    q = false_discovery_control(p.ravel(), method=method).reshape(p.shape)
    out = q if alpha is None else q <= float(alpha)
    if series is not None:
        import pandas as pd

        return pd.Series(out, index=series.index, name=series.name)
    return out


def _pvalue_array(pvalues: Any) -> np.ndarray:
    """Validate p-values: a non-empty numeric array with every entry in [0, 1]."""
    if hasattr(pvalues, "__next__") or isinstance(pvalues, (str, bytes, dict, set)):
        raise TypeError(
            f"`pvalues` must be an array-like of numbers; got {type(pvalues).__name__} {pvalues!r:.80}."
        )
    try:
        raw = np.asarray(pvalues)
        if raw.dtype.kind == "c":
            raise TypeError("complex numbers are not p-values")
        p = raw.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`pvalues` must be an array-like of numbers ({exc}); got {pvalues!r:.80}.") from exc
    if p.ndim == 0:
        raise ValueError(f"`pvalues` must be an array of p-values, not a scalar; got {pvalues!r}.")
    if p.size == 0:
        raise ValueError(f"`pvalues` must contain at least one p-value; got an empty array, shape {p.shape}.")
    bad = ~((p >= 0.0) & (p <= 1.0))  # also catches NaN
    if bad.any():
        first = p.ravel()[np.flatnonzero(bad.ravel())[0]]
        raise ValueError(
            f"`pvalues` must lie in [0, 1] (no NaN); got {int(bad.sum())} invalid entries, first {first!r}."
        )
    return p
