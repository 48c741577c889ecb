"""The record each estimator module uses to register its methods with the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mutinfo._variable import Variable

__all__ = ["Method", "Options", "signature_kind"]


@dataclass(frozen=True)
class Options:
    """Estimator options, validated at the public edge.

    Attributes
    ----------
    k : int
        Number of nearest neighbours (kNN methods).
    bins : int or str or None
        Histogram bin count or rule name (histogram method).
    rng : numpy.random.Generator
        The only source of randomness an estimator may use.
    n_jobs : int or None
        Thread count for numba kernels (None: numba's default, -1: all cores).
    """

    k: int = 3
    bins: int | str | None = None
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))
    n_jobs: int | None = None


EntropyFn = Callable[[Variable, Options], float]
MIFn = Callable[[Variable, Variable, Options], float]
CMIFn = Callable[[Variable, Variable, Variable, Options], float]


def signature_kind(variables: tuple[Variable, ...]) -> str:
    """``"discrete"``, ``"continuous"`` or ``"mixed"`` for a tuple of variables."""
    kinds = {v.discrete for v in variables}
    if kinds == {True}:
        return "discrete"
    if kinds == {False}:
        return "continuous"
    return "mixed"


@dataclass(frozen=True)
class Method:
    """One estimator as seen by the registry.

    Attributes
    ----------
    name : str
        Registry name, the value users pass as ``method=``.
    summary : str
        One line for docs, error messages and the explorer.
    kinds : frozenset of str
        Data signatures accepted: any of "discrete", "continuous", "mixed".
    entropy, mi, cmi : callable or None
        Implementations returning nats; None when the method does not estimate that quantity.
    accepts : callable or None
        Finer check on the variables; returns None when acceptable, else the reason.
    uses_k : bool
        Whether the method uses the ``k`` option (so ``k < n`` is enforced).
    reference : str
        Citation with DOI.
    """

    name: str
    summary: str
    kinds: frozenset[str]
    entropy: EntropyFn | None = None
    mi: MIFn | None = None
    cmi: CMIFn | None = None
    accepts: Callable[[tuple[Variable, ...]], str | None] | None = None
    uses_k: bool = False
    reference: str = ""
