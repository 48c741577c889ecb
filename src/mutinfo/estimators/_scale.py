"""Column scaling that neither overflows nor underflows, for data from 1e-300 to 1e300.

A standard deviation computed as ``sqrt(mean(x**2))`` squares the data: values of 1e200
overflow to inf and values of 1e-200 underflow to 0. Dividing each column by a power of
two first is exact in binary floating point (only the exponent changes), so the scaled
columns have magnitudes near 1, their statistics are computed safely, and the power is
multiplied back (or, for log-determinants, added as ``2 e log 2``) at the end.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pow2_exponents", "safe_std", "scaled_centred"]


def pow2_exponents(values: np.ndarray) -> np.ndarray:
    """Per column, the exponent e with ``max |column| / 2**e`` in [0.5, 1) (0 for a zero column).

    Parameters
    ----------
    values : numpy.ndarray, shape (n, d), finite

    Returns
    -------
    numpy.ndarray of int, shape (d,)
    """
    if values.shape[0] == 0:
        return np.zeros(values.shape[1:], dtype=np.int64)
    peak = np.maximum(np.abs(values.max(axis=0)), np.abs(values.min(axis=0)))  # no |values| copy
    return np.frexp(peak)[1].astype(np.int64)  # frexp(0) gives exponent 0


def _times_pow2(values: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``values * 2**-e`` per column; exact (a power-of-two factor only moves the exponent).

    The factor is applied in two halves so that neither overflows (subnormal data have
    exponents down to -1073, whose 2**1073 is not a float)."""
    half = e // 2
    return values * np.exp2(-half.astype(np.float64)) * np.exp2(-(e - half).astype(np.float64))


def safe_std(values: np.ndarray) -> np.ndarray:
    """Population standard deviation of each column, exact in scale for any finite magnitude.

    Parameters
    ----------
    values : numpy.ndarray, shape (n, d), finite

    Returns
    -------
    numpy.ndarray of float64, shape (d,)
        Same as ``values.std(axis=0)`` wherever that neither overflows nor underflows.
    """
    values = np.asarray(values, dtype=np.float64)
    e = pow2_exponents(values)
    return np.ldexp(_times_pow2(values, e).std(axis=0), e)


def scaled_centred(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centred columns divided by powers of two so that each has magnitude about 1.

    Parameters
    ----------
    values : numpy.ndarray, shape (n, d), finite

    Returns
    -------
    centred : numpy.ndarray, shape (n, d)
        ``(values - mean) / 2**e`` column by column.
    e : numpy.ndarray of int, shape (d,)
        The exponents; the covariance of ``values`` is ``diag(2**e) C diag(2**e)`` with C
        the covariance of ``centred``, so ``log det`` grows by ``2 log(2) sum(e)``.
    """
    values = np.asarray(values, dtype=np.float64)
    e1 = pow2_exponents(values)
    centred = _times_pow2(values, e1)
    centred -= centred.mean(axis=0)
    e2 = pow2_exponents(centred)
    return _times_pow2(centred, e2), e1 + e2
