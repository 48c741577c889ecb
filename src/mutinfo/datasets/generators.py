"""Synthetic data with a known answer: coupled maps with a known driver, and a lottery.

Both generators are labelled synthetic in their metadata (:func:`mutinfo.datasets.describe`).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from mutinfo._validation import check_positive_int, check_rng

__all__ = ["make_coupled_logistic", "make_lottery"]


def _logistic(r: float, v: float) -> float:
    return r * v * (1.0 - v)


def make_coupled_logistic(
    n: int = 1000,
    coupling: float = 0.3,
    rng: Any = None,
    *,
    r: float = 4.0,
    burn_in: int = 1000,
) -> pd.DataFrame:
    """Two logistic maps, X driving Y and never the reverse.

    .. math::

        x_{t+1} = f(x_t), \\qquad y_{t+1} = (1 - c)\\, f(y_t) + c\\, f(x_t),
        \\qquad f(v) = r v (1 - v)

    Parameters
    ----------
    n : int, default 1000
        Number of time steps returned (rows).
    coupling : float in [0, 1], default 0.3
        The coupling ``c`` from X to Y. ``0`` gives two independent chaotic maps (the
        transfer entropy in both directions is zero); as ``c`` grows, X -> Y carries
        information and Y -> X still carries none. Near ``c = 1`` Y copies X with a
        one-step delay (and the two synchronise), which hides the direction again.
    rng : None, int or numpy.random.Generator
        Seed or generator for the two starting values (uniform on (0, 1)).
    r : float in (0, 4], default 4.0
        Logistic parameter; 4 is fully chaotic.
    burn_in : int >= 0, default 1000
        Steps discarded before the first returned row, so the start is forgotten.

    Returns
    -------
    pandas.DataFrame
        Columns ``x`` (the driver) and ``y`` (the driven map), dimensionless, in [0, 1];
        one row per time step.

    Notes
    -----
    Unidirectionally coupled logistic maps are a standard test of directed measures; the
    true direction is X -> Y by construction. Transfer entropy: Schreiber T (2000),
    Measuring information transfer, Phys. Rev. Lett. 85, 461,
    https://doi.org/10.1103/PhysRevLett.85.461 ; coupled logistic maps as a test case:
    Hahs DW, Pethel SD (2011), Phys. Rev. Lett. 107, 128701,
    https://doi.org/10.1103/PhysRevLett.107.128701

    Examples
    --------
    >>> from mutinfo.datasets import make_coupled_logistic
    >>> maps = make_coupled_logistic(500, 0.4, rng=1)
    >>> maps.shape
    (500, 2)
    """
    n = check_positive_int(n, "n")
    if (
        not isinstance(coupling, numbers.Real)
        or isinstance(coupling, bool)
        or not 0.0 <= float(coupling) <= 1.0
    ):
        raise ValueError(f"`coupling` must be a real number in [0, 1]; got {coupling!r}.")
    if not isinstance(r, numbers.Real) or isinstance(r, bool) or not 0.0 < float(r) <= 4.0:
        raise ValueError(f"`r` must be a real number in (0, 4]; got {r!r}.")
    burn_in = check_positive_int(burn_in, "burn_in", minimum=0)
    gen = check_rng(rng)
    c, r = float(coupling), float(r)
    x, y = (float(v) for v in gen.uniform(0.0, 1.0, size=2))
    xs = np.empty(n)
    ys = np.empty(n)
    for t in range(burn_in + n):
        if t >= burn_in:
            xs[t - burn_in] = x
            ys[t - burn_in] = y
        fx = _logistic(r, x)
        x, y = fx, (1.0 - c) * _logistic(r, y) + c * fx
    return pd.DataFrame({"x": xs, "y": ys})


def make_lottery(n: int = 1000, rng: Any = None) -> pd.DataFrame:
    """Lottery numbers: independent uniform draws from 1..49.

    A partner that is independent of everything by construction (for example of the
    weather), so its true mutual information with any other column is exactly zero and
    an estimate shows only the estimator's bias and noise.

    Parameters
    ----------
    n : int, default 1000
        Number of draws (rows).
    rng : None, int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        One column ``number`` (int64 in 1..49, each with probability 1/49; entropy
        log2(49) = 5.615 bits).

    Examples
    --------
    >>> from mutinfo.datasets import make_lottery
    >>> make_lottery(3, rng=0)["number"].between(1, 49).all()
    np.True_
    """
    n = check_positive_int(n, "n")
    gen = check_rng(rng)
    return pd.DataFrame({"number": gen.integers(1, 50, size=n, dtype=np.int64)})
