"""Feature selection with mutual information: :class:`MutualInfoSelector`.

A scikit-learn selector (``SelectorMixin`` + ``BaseEstimator``) whose relevance, redundancy and
conditional terms are real MI estimates from :mod:`mutinfo.estimators` (which estimator for
which pair of kinds is listed in :mod:`mutinfo._selection_criteria`).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mutinfo._selection_criteria import CRITERIA, Engine, greedy_select
from mutinfo._validation import _show, check_base, check_n_jobs, check_rng, to_variable
from mutinfo._warnings import MutinfoWarning

__all__ = ["MutualInfoSelector"]

_FORMS = ("difference", "quotient")


class MutualInfoSelector(SelectorMixin, BaseEstimator):
    """Select features by mutual information: top-k relevance, mRMR, JMI, CMIM or JMIM.

    Greedy forward selection. With R(f) = I(f; y) and S the features chosen so far, every
    step adds the remaining feature with the largest score:

    ========== ===================================================== =========================
    criterion  score of a candidate f (R(f) alone at the first step)  reference
    ========== ===================================================== =========================
    relevance  R(f)  (plain top-k)
    mrmr       R(f) - mean_{s in S} I(f; f_s)      (difference form)   Peng et al. 2005
               R(f) / mean_{s in S} I(f; f_s)      (quotient form)
    jmi        mean_{s in S} I(f, f_s; y)                              Yang & Moody 1999;
                                                                       Brown et al. 2012
    cmim       min_{s in S} I(f; y | f_s)                              Fleuret 2004
    jmim       min_{s in S} I(f, f_s; y)                               Bennasar et al. 2015
    ========== ===================================================== =========================

    Parameters
    ----------
    k : int or "auto", default 10
        Number of features to select. An int larger than the number of features keeps all
        of them (with a warning, as ``SelectKBest`` does). ``"auto"`` stops before the first
        feature whose *gain* falls below ``threshold`` (at least one feature is kept). The
        gain estimates the new information about y the feature adds: R(f) - mean_s I(f; f_s)
        for mrmr (either form); min_s I(f; y | f_s) for jmi, cmim and jmim (the information
        f adds beyond the selected feature that explains most of it; JMI's own average would
        let a copy of a chosen feature through); R(f) at the first step and for
        relevance, which with "auto" keeps every feature with R(f) >= ``threshold``.
    criterion : {"mrmr", "relevance", "jmi", "cmim", "jmim"}, default "mrmr"
        Selection rule (table above).
    mrmr_form : {"difference", "quotient"}, default "difference"
        mRMR's MID (difference) or MIQ (quotient) form. The quotient's denominator is
        ``max(mean redundancy, 0.001 bits)``: a mean redundancy estimate at or below 0.001
        bits cannot be told from 0 (kNN estimates of independent pairs scatter around 0),
        and dividing by it would only amplify noise. Only the denominator is floored; the
        stored ``redundancy_`` is the estimate itself. Under this form a feature with
        R(f) <= 0 cannot outscore one with R(f) > 0, so its redundancy is estimated only once
        no feature with R(f) > 0 remains (the choices are those of the full computation;
        ``scores_`` and ``redundancy_`` of features never reached are NaN).
    discrete_features : "auto", bool, or array-like of bool or int, default "auto"
        Which features are discrete: "auto" applies mutinfo's rule per column (integer or
        boolean columns with at most min(256, n // 2) distinct values are discrete;
        floating-point columns are continuous), True/False forces all, a boolean mask of
        length p or an array of column indices marks the discrete ones.
    discrete_target : {"auto", True, False}, default "auto"
        Whether y is discrete (classification) or continuous (regression); "auto" as above
        (string, boolean and small-integer targets are discrete).
    n_neighbors : int, default 3
        k of the kNN estimators (KSG, Ross, Gao); 1 <= n_neighbors < n_samples.
    threshold : float, default 0.01
        Smallest gain, in units of ``base``, that ``k="auto"`` still accepts.
    base : float, default 2
        Logarithm base of ``relevance_``, ``redundancy_`` and ``scores_`` (2: bits).
    n_jobs : int, optional
        Threads for the numba kernels (-1: all cores). Results do not depend on it.
    random_state : None, int or numpy.random.Generator
        Seed for estimators that use randomness (the default estimators do not).
    progress : bool, default False
        Show a progress bar (rich) over the selection steps.

    Attributes
    ----------
    relevance_ : ndarray of shape (n_features_in_,)
        I(f_j; y) for every feature, in units of ``base`` (never clipped: independent
        features score around 0, sometimes slightly below).
    redundancy_ : ndarray of shape (n_features_in_,)
        The redundancy term the criterion subtracts from R(f), at the step a feature was
        chosen: mean_s I(f; f_s) (mrmr); R(f) - mean_s I(f; y | f_s) (jmi, Brown et al.'s
        mean of I(f; f_s) - I(f; f_s | y)); R(f) - min_s I(f; y | f_s) (cmim);
        R(f) - I(f; y | f_s*) at the minimising s* (jmim). Negative values mean synergy
        (f tells more about y together with S). 0 for the first feature and for "relevance".
        Features never chosen hold the value of the last step evaluated. Units of ``base``.
    scores_ : ndarray of shape (n_features_in_,)
        The criterion value at the step each feature was chosen (the table above; units of
        ``base``, except the quotient form of mRMR, a ratio). Features never chosen hold
        their value at the last step evaluated.
    selection_order_ : ndarray of int
        Column indices in the order they were chosen.
    ranking_ : ndarray of int, shape (n_features_in_,)
        Step at which each feature was chosen (1 = first); features never chosen get
        ``n_features_in_ + 1``, so that sorting by rank puts them last.
    gains_ : ndarray
        The gain (see ``k``) of each chosen feature, in selection order, units of ``base``.
    discrete_features_ : ndarray of bool, shape (n_features_in_,)
        Which features were treated as discrete.
    discrete_target_ : bool
        Whether y was treated as discrete.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when X had string column names.

    Notes
    -----
    Cost. Relevance is one batched call (p estimates). mRMR adds one batched call per step,
    I(f_j; f_s) of the newly chosen f_s against every remaining f_j: "one target, many
    columns", which for scalar continuous tie-free features runs through the exact 1-D KSG
    kernel with each column standardised once per fit. JMI, CMIM and JMIM estimate
    I(f_j, f_s; y) once per (remaining j, new s) pair with a two-column kNN estimator, so they
    cost about p K estimates in total; the chain rule gives I(f_j; y | f_s) from it.

    The greedy rules follow the papers; JMI's sum over S is reported as a mean (same choice
    at every step, and the score stays in units of ``base``).

    References
    ----------
    H. Peng, F. Long and C. Ding, "Feature selection based on mutual information: criteria of
    max-dependency, max-relevance, and min-redundancy", IEEE TPAMI 27, 1226 (2005).
    https://doi.org/10.1109/TPAMI.2005.159

    H. H. Yang and J. Moody, "Data visualization and feature selection: new algorithms for
    nongaussian data", NIPS 12 (1999).

    G. Brown, A. Pocock, M.-J. Zhao and M. Luján, "Conditional likelihood maximisation: a
    unifying framework for information theoretic feature selection", JMLR 13, 27 (2012).

    F. Fleuret, "Fast binary feature selection with conditional mutual information",
    JMLR 5, 1531 (2004).

    M. Bennasar, Y. Hicks and R. Setchi, "Feature selection using joint mutual information
    maximisation", Expert Syst. Appl. 42, 8520 (2015).
    https://doi.org/10.1016/j.eswa.2015.07.007

    Examples
    --------
    A duplicated feature: top-k keeps both copies, mRMR takes the independent second signal.

    >>> import numpy as np, mutinfo as mi
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(2, 2000))
    >>> X = np.column_stack([a, a + 0.2 * rng.normal(size=2000), b])
    >>> y = a + 0.7 * b + 0.3 * rng.normal(size=2000)
    >>> mi.MutualInfoSelector(2, criterion="relevance").fit(X, y).get_support().tolist()
    [True, True, False]
    >>> mi.MutualInfoSelector(2, criterion="mrmr").fit(X, y).get_support().tolist()
    [True, False, True]
    """

    def __init__(
        self,
        k: int | str = 10,
        *,
        criterion: str = "mrmr",
        mrmr_form: str = "difference",
        discrete_features: Any = "auto",
        discrete_target: Any = "auto",
        n_neighbors: int = 3,
        threshold: float = 0.01,
        base: float = 2,
        n_jobs: int | None = None,
        random_state: Any = None,
        progress: bool = False,
    ) -> None:
        self.k = k
        self.criterion = criterion
        self.mrmr_form = mrmr_form
        self.discrete_features = discrete_features
        self.discrete_target = discrete_target
        self.n_neighbors = n_neighbors
        self.threshold = threshold
        self.base = base
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    # ------------------------------------------------------------------ sklearn plumbing

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def _get_support_mask(self) -> np.ndarray:
        check_is_fitted(self, "selection_order_")
        mask = np.zeros(self.n_features_in_, dtype=bool)
        mask[self.selection_order_] = True
        return mask

    # ------------------------------------------------------------------ validation

    def _check_params(self, p: int) -> int | None:
        """Validate the parameters (the mutinfo message format); returns k (None: "auto")."""
        if self.criterion not in CRITERIA:
            raise ValueError(f"`criterion` must be one of {list(CRITERIA)}; got {_show(self.criterion)}.")
        if self.mrmr_form not in _FORMS:
            raise ValueError(f"`mrmr_form` must be one of {list(_FORMS)}; got {_show(self.mrmr_form)}.")
        dt = self.discrete_target
        if not (isinstance(dt, (bool, np.bool_)) or (isinstance(dt, str) and dt == "auto")):
            raise ValueError(
                f"`discrete_target` must be 'auto', True or False; got {_show(self.discrete_target)}."
            )
        nb = self.n_neighbors
        if isinstance(nb, bool) or not isinstance(nb, numbers.Integral):
            raise TypeError(f"`n_neighbors` must be an integer >= 1; got {_show(nb)}.")
        if nb < 1:
            raise ValueError(f"`n_neighbors` must be an integer >= 1; got {_show(nb)}.")
        th = self.threshold
        if isinstance(th, bool) or not isinstance(th, numbers.Real) or not math.isfinite(float(th)):
            raise ValueError(f"`threshold` must be a finite real number (units of `base`); got {_show(th)}.")
        if not isinstance(self.progress, (bool, np.bool_)):
            raise TypeError(f"`progress` must be True or False; got {_show(self.progress)}.")
        check_base(self.base)
        check_n_jobs(self.n_jobs)
        k = self.k
        if isinstance(k, str):
            if k != "auto":
                raise ValueError(f"`k` must be an integer >= 1 or 'auto'; got {_show(k)}.")
            return None
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(f"`k` must be an integer >= 1 or 'auto'; got {_show(k)}.")
        if k < 1:
            raise ValueError(f"`k` must be an integer >= 1 or 'auto'; got {_show(k)}.")
        if k > p:
            warnings.warn(
                f"`k` = {int(k)} is greater than the number of features ({p}): all features are kept.",
                MutinfoWarning,  # a UserWarning subclass, filterable with the mutinfo family
                stacklevel=3,
            )
            return p
        return int(k)

    def _discrete_flags(self, X: np.ndarray) -> list[Any]:
        """One 'auto'/True/False flag per column from ``discrete_features``."""
        p = X.shape[1]
        spec = self.discrete_features
        if isinstance(spec, str):
            if spec != "auto":
                raise ValueError(
                    "`discrete_features` must be 'auto', True, False, a boolean mask of length "
                    f"{p} or an array of column indices; got {_show(spec)}."
                )
            return ["auto"] * p
        if isinstance(spec, (bool, np.bool_)):
            return [bool(spec)] * p
        arr = np.asarray(spec)
        if arr.ndim == 1 and arr.size == 0:
            return [False] * p
        if arr.ndim == 1 and arr.dtype == bool and arr.shape[0] == p:
            return [bool(v) for v in arr]
        if arr.ndim == 1 and np.issubdtype(arr.dtype, np.integer) and np.all((arr >= -p) & (arr < p)):
            flags = [False] * p
            for j in arr:
                flags[int(j)] = True
            return flags
        raise ValueError(
            "`discrete_features` must be 'auto', True, False, a boolean mask of length "
            f"{p} or an array of column indices in [-{p}, {p}); got {_show(spec)}."
        )

    # ------------------------------------------------------------------ fit

    def fit(self, X: Any, y: Any) -> MutualInfoSelector:
        """Run the greedy selection on ``X`` (n_samples, n_features) and target ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features (encode strings first, e.g. with ``OrdinalEncoder``).
        y : array-like of shape (n_samples,)
            Class labels or a continuous target.

        Returns
        -------
        MutualInfoSelector
            The fitted selector.
        """
        X, y = validate_data(self, X, y, dtype="numeric", ensure_min_features=1)
        n, p = X.shape
        k = self._check_params(p)
        if n <= self.n_neighbors:
            raise ValueError(
                f"`X` must have more samples than `n_neighbors` = {self.n_neighbors}; got n_samples = {n}."
            )
        flags = self._discrete_flags(X)
        names = getattr(self, "feature_names_in_", None)
        labels = [str(names[j]) if names is not None else str(j) for j in range(p)]
        base = check_base(self.base)
        rng = check_rng(self.random_state, name="random_state")
        n_jobs = check_n_jobs(self.n_jobs)
        with _once_per_message():
            target = to_variable(y, "y", discrete=self.discrete_target)
            columns = [to_variable(X[:, j], f"X[{labels[j]!r}]", discrete=flags[j]) for j in range(p)]
            engine = Engine(columns, target, int(self.n_neighbors), rng, n_jobs)
            total = p if k is None else k
            with _progress(self.progress, total, self.criterion) as step:
                relevance = engine.relevance()
                result = greedy_select(
                    engine,
                    relevance,
                    criterion=self.criterion,
                    quotient=self.mrmr_form == "quotient",
                    k=k,
                    threshold_nats=float(self.threshold) * math.log(base),
                    step=step,
                )
        scale = 1.0 / math.log(base)
        self.relevance_ = relevance * scale
        self.redundancy_ = result.redundancy * scale
        # Quotient-form mRMR scores are ratios (unit-free); everything else is information.
        self.scores_ = np.where(result.ratio, result.scores, result.scores * scale)
        self.selection_order_ = np.asarray(result.order, dtype=np.intp)
        self.gains_ = np.asarray(result.gains) * scale
        ranking = np.full(p, p + 1, dtype=np.intp)
        ranking[self.selection_order_] = np.arange(1, len(result.order) + 1)
        self.ranking_ = ranking
        self.discrete_features_ = np.array([c.discrete for c in columns], dtype=bool)
        self.discrete_target_ = bool(target.discrete)
        return self


@contextmanager
def _once_per_message() -> Iterator[None]:
    """Record the warnings of the many estimator calls and re-emit each distinct one once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    seen: set[tuple[type, str]] = set()
    for w in caught:
        key = (w.category, str(w.message))
        if key in seen:
            continue
        seen.add(key)
        warnings.warn(w.message, stacklevel=4)  # generator, contextlib, fit, caller


@contextmanager
def _progress(show: bool, total: int, criterion: str) -> Iterator[Any]:
    """A rich progress bar over selection steps (a no-op callback when ``show`` is False)."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"{criterion} selection"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("select", total=total)

        def step(done: int) -> None:
            bar.update(task, completed=done)

        yield step
