"""Entropy, mutual information and conditional mutual information: the public functions.

Each function validates its input once (``mutinfo._validation``), resolves ``method=`` through
the registry (``mutinfo.estimators.registry``), runs the kernel in nats and returns an
:class:`~mutinfo.Information` in the requested ``base``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from mutinfo._information import Information
from mutinfo._threads import numba_threads
from mutinfo._validation import (
    DiscreteSpec,
    check_base,
    check_k,
    check_n_jobs,
    check_rng,
    is_constant,
    prepare_variables,
)
from mutinfo._variable import Variable
from mutinfo._warnings import ConstantInputWarning
from mutinfo.estimators import registry
from mutinfo.estimators._method import Options

__all__ = [
    "conditional_entropy",
    "conditional_mutual_info",
    "entropy",
    "joint_entropy",
    "mutual_info",
]


def _options(k: Any, bins: Any, rng: Any, n_jobs: Any, n: int, uses_k: bool) -> Options:
    return Options(
        k=check_k(k, n) if uses_k else int(k) if isinstance(k, int) else 3,
        bins=bins,
        rng=check_rng(rng),
        n_jobs=check_n_jobs(n_jobs),
    )


def _prepare(
    data: list[Any], names: list[str], discrete: DiscreteSpec, n_jobs: Any, *, warn_constant: bool = True
) -> list[Variable]:
    """Validate the data arguments, running the encoding kernels under ``n_jobs`` threads."""
    with numba_threads(check_n_jobs(n_jobs)):
        return prepare_variables(data, names, discrete=discrete, warn_constant=warn_constant, stacklevel=4)


def _estimate(
    quantity: str,
    variables: tuple[Variable, ...],
    *,
    method: str,
    k: Any,
    bins: Any,
    rng: Any,
    n_jobs: Any,
    base: float,
    label: str,
) -> Information:
    n = variables[0].n
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        check_k(k, n)  # raises the uniform TypeError
    provisional = Options(k=int(k), bins=bins, rng=check_rng(rng), n_jobs=check_n_jobs(n_jobs))
    spec = registry.resolve(quantity, method, variables, provisional)
    options = _options(k, bins, rng, n_jobs, n, spec.uses_k)
    fn = getattr(spec, quantity)
    with numba_threads(options.n_jobs):
        nats = float(fn(*variables, options))
    return Information.from_nats(nats, base=base, method=spec.name, n=n, quantity=label)


def entropy(
    x: Any,
    /,
    *,
    method: str = "auto",
    discrete: DiscreteSpec = "auto",
    k: int = 3,
    bins: int | str | None = None,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
) -> Information:
    """Entropy H(X) of a discrete variable or differential entropy h(X) of a continuous one.

    Parameters
    ----------
    x : array-like, shape (n,) or (n, d)
        Samples. A 2-D array is one d-dimensional variable.
    method : str, default "auto"
        Registry name (see :func:`mutinfo.available_methods`); "auto" follows the policy
        documented in :mod:`mutinfo.estimators.registry`.
    discrete : {"auto", True, False}
        Whether ``x`` is discrete (see :mod:`mutinfo._validation` for the "auto" rule).
    k : int, default 3
        Neighbours for kNN methods (1 <= k < n).
    bins : int or str, optional
        Bin count or rule for the histogram method.
    base : float, default 2
        Logarithm base of the result (2: bits, e: nats).
    rng : None, int or numpy.random.Generator
        Seed for estimators that use randomness (None: a fixed default seed).
    n_jobs : int, optional
        Threads for the numba kernels (-1: all cores).

    Returns
    -------
    Information
        A float in units of ``base`` (``.unit`` names it). Differential entropy can be
        negative; a constant continuous variable has h = -inf
        (with a :class:`~mutinfo.ConstantInputWarning`).

    Examples
    --------
    >>> import numpy as np, mutinfo as mi
    >>> x = np.random.default_rng(0).integers(0, 8, 100_000)
    >>> round(float(mi.entropy(x)), 2)   # log2(8) = 3 bits
    3.0
    """
    base = check_base(base)
    (vx,) = _prepare([x], ["x"], discrete, n_jobs, warn_constant=False)
    if is_constant(vx):
        if not vx.discrete:
            _warn_constant_continuous(vx)
        value = 0.0 if vx.discrete else -math.inf
        return Information(value, base=base, method="constant", n=vx.n, quantity="H(x)")
    return _estimate(
        "entropy", (vx,), method=method, k=k, bins=bins, rng=rng, n_jobs=n_jobs, base=base, label="H(x)"
    )


def _warn_constant_continuous(v: Variable) -> None:
    """A constant continuous variable has differential entropy -inf: say so, typed."""
    warnings.warn(
        f"`{v.name}` is continuous and constant (a single value in all {v.n} samples): its "
        "differential entropy is -inf. Pass discrete=True if it is a category (entropy 0).",
        ConstantInputWarning,
        stacklevel=3,
    )


def _join(a: Variable, b: Variable, name: str) -> Variable:
    """One variable holding the columns of ``a`` and ``b`` (both of the same kind)."""
    if a.discrete != b.discrete:
        raise ValueError(
            f"`{a.name}` is {a.kind} and `{b.name}` is {b.kind}: a joint entropy of mixed "
            "discrete/continuous variables is not defined. Force one kind with `discrete=`."
        )
    columns = tuple(f"{a.name}.{c}" for c in a.columns) + tuple(f"{b.name}.{c}" for c in b.columns)
    if not a.discrete:
        values = np.ascontiguousarray(np.hstack([a.values, b.values]))
        return Variable(name=name, values=values, discrete=False, columns=columns)
    joint = a.values * np.int64(max(b.n_levels, 1)) + b.values
    levels, codes = np.unique(joint, return_inverse=True)
    return Variable(
        name=name,
        values=codes.astype(np.int64).ravel(),
        discrete=True,
        n_levels=int(levels.shape[0]),
        columns=columns,
    )


def joint_entropy(
    x: Any,
    y: Any,
    /,
    *,
    method: str = "auto",
    discrete: DiscreteSpec = "auto",
    k: int = 3,
    bins: int | str | None = None,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
) -> Information:
    """Joint entropy H(X, Y) of two variables of the same kind.

    Parameters are those of :func:`entropy`; ``discrete`` may give one entry per variable.

    Returns
    -------
    Information
        H(X, Y) in units of ``base``.
    """
    base = check_base(base)
    vx, vy = _prepare([x, y], ["x", "y"], discrete, n_jobs, warn_constant=False)
    joint = _join(vx, vy, "(x, y)")
    if is_constant(joint):
        if not joint.discrete:
            _warn_constant_continuous(joint)
        value = 0.0 if joint.discrete else -math.inf
        return Information(value, base=base, method="constant", n=joint.n, quantity="H(x,y)")
    return _estimate(
        "entropy", (joint,), method=method, k=k, bins=bins, rng=rng, n_jobs=n_jobs, base=base, label="H(x,y)"
    )


def mutual_info(
    x: Any,
    y: Any,
    /,
    *,
    method: str = "auto",
    discrete: DiscreteSpec = "auto",
    k: int = 3,
    bins: int | str | None = None,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
) -> Information:
    """Mutual information I(X; Y) between two variables (discrete, continuous or mixed).

    Parameters
    ----------
    x, y : array-like, shape (n,) or (n, d)
        Paired samples; a 2-D array is one multivariate variable.
    method : str, default "auto"
        Registry name (see :func:`mutinfo.available_methods`).
    discrete : {"auto", True, False} or a pair of them
        Kind of each variable; one value for both or ``(for_x, for_y)``.
    k : int, default 3
        Neighbours for kNN methods (1 <= k < n).
    bins : int or str, optional
        Bin count or rule for the histogram method.
    base : float, default 2
        Logarithm base of the result (2: bits, e: nats).
    rng : None, int or numpy.random.Generator
        Seed for estimators that use randomness (None: a fixed default seed).
    n_jobs : int, optional
        Threads for the numba kernels (-1: all cores). Results do not depend on it.

    Returns
    -------
    Information
        The estimate in units of ``base``. Estimates are never clipped: bias-corrected and kNN
        estimates of a small true MI can be slightly negative, which is honest sampling
        noise (the true MI is >= 0).

    Examples
    --------
    >>> import numpy as np, mutinfo as mi
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=20_000); y = 0.6 * x + 0.8 * rng.normal(size=20_000)
    >>> truth = -0.5 * np.log2(1 - 0.6**2)   # 0.3219 bits
    >>> abs(float(mi.mutual_info(x, y)) - truth) < 0.02
    True
    """
    base = check_base(base)
    vx, vy = _prepare([x, y], ["x", "y"], discrete, n_jobs)
    if is_constant(vx) or is_constant(vy):
        return Information(0.0, base=base, method="constant", n=vx.n, quantity="I(x;y)")
    return _estimate(
        "mi", (vx, vy), method=method, k=k, bins=bins, rng=rng, n_jobs=n_jobs, base=base, label="I(x;y)"
    )


def conditional_entropy(
    x: Any,
    y: Any,
    /,
    *,
    method: str = "auto",
    discrete: DiscreteSpec = "auto",
    k: int = 3,
    bins: int | str | None = None,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
) -> Information:
    """Conditional entropy H(X | Y) = H(X) - I(X; Y).

    Computed through the identity above with the same ``method`` for both terms, which keeps
    it defined when X and Y are of different kinds. Parameters as in :func:`mutual_info`.

    Returns
    -------
    Information
        H(X | Y) in units of ``base`` (differential, and possibly negative, for continuous X).
    """
    h = entropy(
        x,
        method=method,
        discrete=discrete if not isinstance(discrete, (list, tuple)) else discrete[0],
        k=k,
        bins=bins,
        base=base,
        rng=rng,
        n_jobs=n_jobs,
    )
    i = mutual_info(x, y, method=method, discrete=discrete, k=k, bins=bins, base=base, rng=rng, n_jobs=n_jobs)
    return Information(
        float(h) - float(i), base=h.base, method=f"{h.method}-{i.method}", n=h.n, quantity="H(x|y)"
    )


def conditional_mutual_info(
    x: Any,
    y: Any,
    z: Any,
    /,
    *,
    method: str = "auto",
    discrete: DiscreteSpec = "auto",
    k: int = 3,
    bins: int | str | None = None,
    base: float = 2,
    rng: Any = None,
    n_jobs: int | None = None,
) -> Information:
    """Conditional mutual information I(X; Y | Z).

    Parameters
    ----------
    x, y, z : array-like, shape (n,) or (n, d)
        Paired samples; ``z`` is the conditioning variable (2-D for several).
    discrete : {"auto", True, False} or a triple of them
        Kind of each variable; one value for all or ``(for_x, for_y, for_z)``.

    Other parameters are those of :func:`mutual_info`.

    Returns
    -------
    Information
        I(X; Y | Z) in units of ``base``; never clipped (kNN estimates can dip below 0).
    """
    base = check_base(base)
    vx, vy, vz = _prepare([x, y, z], ["x", "y", "z"], discrete, n_jobs)
    if is_constant(vx) or is_constant(vy):
        return Information(0.0, base=base, method="constant", n=vx.n, quantity="I(x;y|z)")
    if is_constant(vz):
        value = mutual_info(
            x,
            y,
            method=method,
            discrete=(discrete if not isinstance(discrete, (list, tuple)) else tuple(discrete[:2])),
            k=k,
            bins=bins,
            base=base,
            rng=rng,
            n_jobs=n_jobs,
        )
        return Information(float(value), base=base, method=value.method, n=vx.n, quantity="I(x;y|z)")
    return _estimate(
        "cmi",
        (vx, vy, vz),
        method=method,
        k=k,
        bins=bins,
        rng=rng,
        n_jobs=n_jobs,
        base=base,
        label="I(x;y|z)",
    )
