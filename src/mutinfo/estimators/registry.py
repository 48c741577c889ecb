"""Method name -> estimator, and the documented ``method="auto"`` policy.

Every public information function resolves its ``method=`` argument here, so the set of
estimators and the automatic choice are written down in exactly one place.

The ``"auto"`` policy
---------------------
(kept in :func:`auto_method`; tests exercise it at each threshold)

* all variables discrete: the discrete module's bias-corrected choice (see
  :func:`mutinfo.estimators.discrete.auto_discrete_method`).
* all continuous: see :func:`auto_method`.
* mixed discrete/continuous: see :func:`auto_method`.
"""

from __future__ import annotations

from mutinfo._variable import Variable
from mutinfo.estimators import combined, discrete, gaussian, histogram, knn
from mutinfo.estimators._method import Method, Options, signature_kind

__all__ = ["METHODS", "auto_method", "available_methods", "resolve"]

METHODS: dict[str, Method] = {
    **discrete.METHODS,
    **knn.METHODS,
    **gaussian.METHODS,
    **combined.METHODS,
    **histogram.METHODS,
}

_QUANTITY_ATTR = {"entropy": "entropy", "mi": "mi", "cmi": "cmi"}


def available_methods(quantity: str | None = None) -> list[str]:
    """Registry names, optionally only those estimating ``quantity`` ("entropy", "mi", "cmi")."""
    names = sorted(METHODS)
    if quantity is None:
        return ["auto", *names]
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
        if sum(v.d for v in variables) <= COPULA_KSG_MAX_DIM:
            return "copula_ksg"
        return "gaussian_copula"
    return "mixed_ksg"


#: Largest total dimension (x, y and z columns) for which "auto" runs ``copula_ksg``;
#: above it "auto" is ``gaussian_copula``.
COPULA_KSG_MAX_DIM = 6


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
