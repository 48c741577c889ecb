"""The number type every information quantity is returned as.

An :class:`Information` is a ``float`` (so it works in arithmetic, numpy and json) that also
states its unit, the estimator that made it and the sample size it came from.
"""

from __future__ import annotations

import math

__all__ = ["Information", "unit_name"]


def unit_name(base: float) -> str:
    """Name of the information unit for a logarithm base.

    Parameters
    ----------
    base : float
        Logarithm base (2 gives bits, e gives nats, 10 gives hartleys).

    Returns
    -------
    str
        ``"bits"``, ``"nats"``, ``"hartleys"`` or ``"log<base> units"``.
    """
    if base == 2:
        return "bits"
    if math.isclose(base, math.e, rel_tol=0.0, abs_tol=1e-15):
        return "nats"
    if base == 10:
        return "hartleys"
    return f"log{base:g} units"


class Information(float):
    """An information quantity with its unit and provenance.

    Behaves exactly as the ``float`` it holds; the extra attributes are metadata.

    Attributes
    ----------
    base : float
        Logarithm base of the value.
    unit : str
        Unit name derived from ``base`` ("bits", "nats", ...).
    method : str
        Name of the estimator that produced the value (a registry name).
    n : int
        Number of samples the value was estimated from.
    quantity : str
        What was estimated, e.g. ``"I(x;y)"`` or ``"H(x)"``.
    """

    base: float
    method: str
    n: int
    quantity: str

    def __new__(cls, value: float, *, base: float, method: str, n: int, quantity: str) -> Information:
        obj = super().__new__(cls, value)
        obj.base = float(base)
        obj.method = method
        obj.n = int(n)
        obj.quantity = quantity
        return obj

    @classmethod
    def from_nats(cls, nats: float, *, base: float, method: str, n: int, quantity: str) -> Information:
        """Build from a value in nats, converting to ``base``."""
        return cls(float(nats) / math.log(base), base=base, method=method, n=n, quantity=quantity)

    @property
    def unit(self) -> str:
        """Unit name ("bits", "nats", ...)."""
        return unit_name(self.base)

    @property
    def nats(self) -> float:
        """The value in nats, as a plain float."""
        return float(self) * math.log(self.base)

    def to(self, base: float) -> Information:
        """The same quantity in another logarithm base."""
        return Information.from_nats(
            self.nats, base=base, method=self.method, n=self.n, quantity=self.quantity
        )

    def __repr__(self) -> str:
        return (
            f"Information({float(self):.6g} {self.unit}, quantity={self.quantity!r}, "
            f"method={self.method!r}, n={self.n})"
        )

    def __str__(self) -> str:
        return f"{float(self):.4g} {self.unit}"

    def __reduce__(self):  # keep metadata through pickling (Dask, multiprocessing)
        return (
            _rebuild,
            (float(self), self.base, self.method, self.n, self.quantity),
        )


def _rebuild(value: float, base: float, method: str, n: int, quantity: str) -> Information:
    return Information(value, base=base, method=method, n=n, quantity=quantity)
