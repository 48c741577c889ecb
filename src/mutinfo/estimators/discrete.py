"""Discrete (plug-in family) estimators on integer codes. Values in nats.

STUB: the encode kernel below is a plain-numpy placeholder; the estimators are being built.
"""

from __future__ import annotations

import numpy as np

__all__ = ["encode_integers"]


def encode_integers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compact integer values to codes 0..L-1 in increasing order of value.

    Parameters
    ----------
    values : numpy.ndarray of int64, shape (n,)

    Returns
    -------
    codes : numpy.ndarray of int64, shape (n,)
        ``levels[codes] == values``.
    levels : numpy.ndarray of int64, shape (L,)
        The distinct values, sorted.
    """
    levels, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.int64, copy=False).ravel(), levels


from mutinfo.estimators._method import Method  # noqa: E402

#: Methods this module registers (name -> Method); merged by the registry.
METHODS: dict[str, Method] = {}
