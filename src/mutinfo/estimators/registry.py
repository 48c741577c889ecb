"""Method name -> estimator, and the documented ``method="auto"`` policy.

Every public information function resolves its ``method=`` argument here, so the set of
estimators and the automatic choice are written down in exactly one place.

The ``"auto"`` policy
---------------------
(kept in :func:`auto_method`; tests exercise it at each threshold)

* all variables discrete: the discrete module's bias-corrected choice (see
  :func:`mutinfo.estimators.discrete.auto_discrete_method`).
* all continuous, entropy: ``"kl"`` (Kozachenko-Leonenko).
* all continuous, MI and CMI, with x, y (and z) having at most
  :data:`COPULA_KSG_MAX_DIM` = 10 columns together: ``"copula_ksg"``, KSG on rank normal
  scores minus the KSG bias measured on a matched Gaussian surrogate
  (:mod:`mutinfo.estimators.combined`).
* all continuous, more than 10 columns: ``"gaussian_copula"`` (bias-corrected Gaussian MI of the
  normal scores).
* all continuous, at most 10 columns, but some variable has *point masses* (a value, or row,
  repeated more than ``k`` times, so that k-th neighbour distances can be 0):
  ``"mixed_ksg"`` (Gao et al. 2017), which is built for them. (Fewer repeats are harmless:
  normal scores give tied values equal scores.)
* a continuous variable repeats values more than ``k`` times *on a grid* (rounded data,
  whole numbers stored as floats): ``"dequantized"`` -- each lattice-valued column is spread
  uniformly over its grid cells, which leaves the MI of the data as given exactly unchanged
  (I(X + U; Y) = I(X; Y) when X is lattice-valued), then ``copula_ksg`` (continuous) or
  ``mixed_ksg`` (mixed). The point-mass rule of ``mixed_ksg`` is kept for atoms that are not
  on a grid (zero-inflated measurements). See :mod:`mutinfo.estimators.dequantize`.
* all continuous, but fewer than d + 2 samples or linearly dependent columns (no Gaussian
  reference possible): ``"ksg1"``.
* mixed discrete/continuous: ``"mixed_ksg"`` (Ross 2014 for one label and one continuous
  variable, Gao et al. 2017 otherwise); but MI of a label with more than 10 continuous
  columns, every class having at least d + 2 samples: ``"gaussian_copula"`` (Ince et al.'s
  ``H(Y) - Σ p(x) H(Y | x)`` on normal scores).

Why (evidence: benchmarks/ACCURACY.md, 53 tasks x n in {1000, 3000, 10000}):

* Rank normal scores make every estimate invariant to monotone changes of each column and
  remove heavy tails, the two things that slow kNN estimators most (Czyż et al. 2023,
  https://doi.org/10.48550/arXiv.2306.11078).
* KSG's main failure is a downward bias that grows with dimension and with the MI itself
  (Gao, Ver Steeg and Galstyan 2015, https://doi.org/10.48550/arXiv.1411.2003): 0.55 nats
  of 1.2 for a sparse 5x5 Gaussian at n = 1000. The same bias appears on a Gaussian sample
  with the data's normal-score correlation, where the truth is known, so it is measured
  there and subtracted. For Gaussian copulas this returns the Gaussian-copula MI (Ince et
  al. 2017, https://doi.org/10.1002/hbm.23471) up to noise; for other copulas (Student-t
  tails, swiss roll, additive noise) it keeps KSG's view of the extra dependence, which the
  Gaussian copula misses entirely (e.g. 0.22 nats read as 0.00 for a 1x1 Student-t, df = 1).
* Up to 10 columns the calibrated KSG still adds what the Gaussian copula misses: for a
  5x5 Student-t with dense dispersion (df = 3, truth 0.89 nats) it reads 0.82-0.86 where the
  Gaussian copula reads 0.55-0.60, and it stays within 0.05 nats of the truth on every 5x5
  Gaussian-copula task. Beyond that the kNN searches (two per estimate) take from seconds to
  minutes at n = 10000, and KSG's reading of non-Gaussian dependence is mostly bias, so the
  Gaussian copula, exact for Gaussian copulas in any dimension and O(n d²), is used alone.
  Its blind spot there: dependence not carried by rank correlations.
* Mixed pairs: Ross/Gao pass every low-dimensional mixed task of the suite at all n; the
  Gaussian-copula version of Ince et al. is a lower bound there (for a scalar y) that misses
  up to 12 % (uniform-noise classes). With a 25-dimensional y, Ross/Gao lose 20 % to kNN
  bias and take seconds, while the Gaussian copula is within 2 % in milliseconds.
"""

from __future__ import annotations

import warnings

import numpy as np

from mutinfo._variable import Variable
from mutinfo._warnings import TiesWarning
from mutinfo.estimators import combined, dequantize, discrete, gaussian, histogram, knn, neural_methods
from mutinfo.estimators._method import Method, Options, signature_kind

__all__ = ["METHODS", "auto_method", "available_methods", "resolve"]

METHODS: dict[str, Method] = {
    **discrete.METHODS,
    **knn.METHODS,
    **gaussian.METHODS,
    **combined.METHODS,
    **dequantize.METHODS,
    **histogram.METHODS,
    **neural_methods.METHODS,  # torch imported lazily; never chosen by "auto"
}

_QUANTITY_ATTR = {"entropy": "entropy", "mi": "mi", "cmi": "cmi"}


def available_methods(quantity: str | None = None) -> list[str]:
    """Registry names, optionally only those estimating ``quantity`` ("entropy", "mi", "cmi")."""
    names = sorted(METHODS)
    if quantity is None:
        return ["auto", *names]
    if not isinstance(quantity, str) or quantity not in _QUANTITY_ATTR:
        raise ValueError(f"`quantity` must be None or one of {sorted(_QUANTITY_ATTR)}; got {quantity!r}.")
    return ["auto", *(n for n in names if getattr(METHODS[n], _QUANTITY_ATTR[quantity]) is not None)]


def auto_method(quantity: str, variables: tuple[Variable, ...], options: Options) -> str:
    """The method ``"auto"`` stands for, given the quantity and the data.

    Parameters
    ----------
    quantity : {"entropy", "mi", "cmi"}
    variables : tuple of Variable
    options : Options

    Returns
    -------
    str
        A registry name.
    """
    kind = signature_kind(variables)
    if kind == "discrete":
        return discrete.auto_discrete_method(quantity, variables)
    if kind == "continuous":
        if quantity == "entropy":
            return "kl"
        if gaussian.METHODS["gaussian_copula"].accepts(variables) is not None:
            return "ksg1"  # too few samples for a covariance, or linearly dependent columns
        if sum(v.d for v in variables) > COPULA_KSG_MAX_DIM:
            return "gaussian_copula"
        repeats = {v.name: _largest_repeat(v.values) for v in variables}
        k = max(options.k, 1)  # an invalid k is reported later, by the k check
        massed = {name: r for name, r in repeats.items() if r > k}
        if massed and all(dequantize.has_lattice_ties(v) for v in variables if v.name in massed):
            shown = ", ".join(f"`{name}` repeats a value {r} times" for name, r in massed.items())
            warnings.warn(
                f"{shown} (more than k = {k}) on a grid of rounded values: method='auto' spreads "
                "each rounded value uniformly over its grid cell (noise from `rng`), which leaves "
                "the MI of the data as given unchanged, then estimates ('dequantized'). Pass "
                "discrete=True for a variable that is genuinely categorical.",
                TiesWarning,
                stacklevel=4,
            )
            return "dequantized"
        if massed:  # point masses: a k-th neighbour distance can be 0
            shown = ", ".join(f"`{name}` repeats a value {r} times" for name, r in massed.items())
            warnings.warn(
                f"{shown} (more than k = {k}): method='auto' treats these as point masses "
                "and uses 'mixed_ksg' (Gao et al. 2017), which counts the samples at distance 0. "
                "Pass discrete=True for a variable that is genuinely discrete.",
                TiesWarning,
                stacklevel=4,
            )
            return "mixed_ksg"
        return "copula_ksg"
    continuous_columns = sum(v.d for v in variables if not v.discrete)
    if (
        continuous_columns > COPULA_KSG_MAX_DIM
        and gaussian.METHODS["gaussian_copula"].accepts(variables) is None
    ):
        return "gaussian_copula"
    k = max(options.k, 1)
    rounded = [
        v
        for v in variables
        if not v.discrete and _largest_repeat(v.values) > k and dequantize.has_lattice_ties(v)
    ]
    if rounded:
        warnings.warn(
            f"{', '.join(f'`{v.name}`' for v in rounded)} repeats rounded values more than k = {k} "
            "times: method='auto' spreads each rounded value uniformly over its grid cell (noise "
            "from `rng`; the MI of the data as given is unchanged), then uses 'mixed_ksg' "
            "('dequantized').",
            TiesWarning,
            stacklevel=4,
        )
        return "dequantized"
    return "mixed_ksg"


def _largest_repeat(values: np.ndarray) -> int:
    """How many times the most repeated row of a continuous variable occurs."""
    if values.shape[1] == 1:
        s = np.sort(values[:, 0])
        edges = np.flatnonzero(np.diff(s)) + 1
        runs = np.diff(np.concatenate(([0], edges, [s.shape[0]])))
        return int(runs.max())
    return int(np.unique(values, axis=0, return_counts=True)[1].max())


#: Largest total dimension (x, y and z columns) for which "auto" runs ``copula_ksg``;
#: above it "auto" is ``gaussian_copula`` (see the module docstring for the evidence).
COPULA_KSG_MAX_DIM = 10


def resolve(quantity: str, method: str, variables: tuple[Variable, ...], options: Options) -> Method:
    """Look up ``method`` for ``quantity`` and check it accepts ``variables``.

    Raises
    ------
    ValueError
        Unknown method name, or a method that cannot take this kind of data.
    """
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a string, one of {available_methods(quantity)}; got {method!r}.")
    name = auto_method(quantity, variables, options) if method == "auto" else method
    if name not in METHODS or getattr(METHODS[name], _QUANTITY_ATTR[quantity]) is None:
        raise ValueError(
            f"`method` must be one of {available_methods(quantity)} for this quantity; got {method!r}."
        )
    spec = METHODS[name]
    kind = signature_kind(variables)
    if kind not in spec.kinds:
        kinds = ", ".join(f"{v.name}: {v.kind}" for v in variables)
        raise ValueError(
            f"`method` {name!r} accepts {sorted(spec.kinds)} data; got {kind} data ({kinds}). "
            "Use method='auto' or force the kinds with `discrete=`."
        )
    if spec.accepts is not None:
        reason = spec.accepts(variables)
        if reason is not None:
            raise ValueError(f"`method` {name!r} cannot take this data: {reason}")
    return spec
