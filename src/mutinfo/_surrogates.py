"""Surrogate source series for the transfer-entropy significance test.

Each generator takes the source series (shape (n, d), NaN for missing points) and returns
a series of the same shape that keeps some of its properties and destroys any relation
with the target (given the target's own past):

* ``"circular_shift"``: the whole series rotated by a random offset; keeps everything about
  the source (autocorrelation, spectrum, distribution) except its alignment with the target.
* ``"block"``: the series cut into consecutive blocks that are put back in random order;
  keeps the dependence within each block.
* ``"iaaft"``: iterative amplitude-adjusted Fourier transform surrogates (Schreiber &
  Schmitz 1996), with the same values and (nearly) the same power spectrum; continuous
  series without missing points only.
* ``"shuffle"``: a random permutation of the time points; destroys the autocorrelation too,
  so it is *not* a valid null for autocorrelated data (offered for comparison).

References
----------
T. Schreiber and A. Schmitz, "Improved surrogate data for nonlinearity tests",
Phys. Rev. Lett. 77, 635 (1996). DOI: 10.1103/PhysRevLett.77.635

J. Theiler, S. Eubank, A. Longtin, B. Galdrikian and J. D. Farmer, "Testing for
nonlinearity in time series: the method of surrogate data", Physica D 58, 77 (1992).
DOI: 10.1016/0167-2789(92)90102-S
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mutinfo._information import Information

__all__ = [
    "SURROGATES",
    "TransferEntropyResult",
    "block_permutation",
    "circular_shift",
    "iaaft",
    "shuffle",
]

SURROGATES = ("circular_shift", "block", "iaaft", "shuffle")


def circular_shift(values: np.ndarray, rng: np.random.Generator, min_shift: int) -> np.ndarray:
    """Rotate the series by an offset drawn uniformly from [min_shift, n - min_shift]."""
    n = values.shape[0]
    low = max(1, min(min_shift, n // 2))
    return np.roll(values, int(rng.integers(low, n - low + 1)), axis=0)


def block_permutation(values: np.ndarray, rng: np.random.Generator, block: int) -> np.ndarray:
    """Cut into consecutive blocks of length ``block`` (the last may be shorter), permute them."""
    n = values.shape[0]
    starts = np.arange(0, n, block)
    order = rng.permutation(starts.shape[0])
    pieces = [values[starts[i] : starts[i] + block] for i in order]
    return np.concatenate(pieces, axis=0)


def shuffle(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random permutation of the time points."""
    return values[rng.permutation(values.shape[0])]


def iaaft(values: np.ndarray, rng: np.random.Generator, *, max_iter: int = 200) -> np.ndarray:
    """IAAFT surrogate of each column (Schreiber & Schmitz 1996), using numpy's real FFT.

    Starting from a random shuffle, alternately (1) impose the original Fourier amplitudes,
    keeping the current phases, and (2) impose the original values by rank ordering. Stops
    when the rank order no longer changes, or after ``max_iter`` rounds. The result has
    exactly the original values (step 2 is last) and nearly the original spectrum.
    """
    out = np.empty_like(values)
    n = values.shape[0]
    for j in range(values.shape[1]):
        column = values[:, j]
        sorted_values = np.sort(column)
        amplitudes = np.abs(np.fft.rfft(column))
        current = column[rng.permutation(n)]
        ranks = np.argsort(np.argsort(current, kind="stable"), kind="stable")
        for _ in range(max_iter):
            spectrum = np.fft.rfft(current)
            phases = np.angle(spectrum)
            shaped = np.fft.irfft(amplitudes * np.exp(1j * phases), n=n)
            new_ranks = np.argsort(np.argsort(shaped, kind="stable"), kind="stable")
            current = sorted_values[new_ranks]
            if np.array_equal(new_ranks, ranks):
                break
            ranks = new_ranks
        out[:, j] = current
    return out


@dataclass(frozen=True, eq=False)
class TransferEntropyResult:
    """Outcome of :func:`transfer_entropy_test`.

    Attributes
    ----------
    statistic : Information
        TE(source -> target) on the data.
    pvalue : float
        (b + 1) / (m + 1), b the number of surrogate estimates >= the statistic.
    null_distribution : numpy.ndarray, shape (m,)
        TE on each surrogate source, in ``unit``.
    surrogate : str
        The surrogate scheme.
    n_surrogates : int
        m.
    method : str
        Estimator used (resolved from "auto").
    base, unit : float, str
        Logarithm base and its unit name.
    n : int
        Embedded samples used by the statistic.
    lag, history, source_history : int
        The embedding (``history`` resolved when "auto" was asked for).
    """

    statistic: Information
    pvalue: float
    null_distribution: np.ndarray = field(repr=False)
    surrogate: str
    n_surrogates: int
    method: str
    base: float
    unit: str
    n: int
    lag: int
    history: int
    source_history: int

    @property
    def null_mean(self) -> Information:
        """Mean TE over the surrogates: the estimator's value when no information flows."""
        value = float(np.mean(self.null_distribution)) if self.null_distribution.size else 0.0
        return Information(value, base=self.base, method=self.method, n=self.n, quantity="E0[TE]")

    @property
    def effective(self) -> Information:
        """Effective TE: statistic minus the surrogate mean (Marschinski & Kantz 2002,
        DOI: 10.1140/epjb/e2002-00379-2); not clipped, so it can be slightly negative."""
        return Information(
            float(self.statistic) - float(self.null_mean),
            base=self.base,
            method=self.method,
            n=self.n,
            quantity="TE - E0[TE]",
        )

    def __repr__(self) -> str:
        return (
            f"TransferEntropyResult(TE = {float(self.statistic):.6g} {self.unit}, pvalue={self.pvalue:.4g}, "
            f"effective={float(self.effective):.4g}, surrogate={self.surrogate!r}, "
            f"n_surrogates={self.n_surrogates}, method={self.method!r}, n={self.n}, lag={self.lag}, "
            f"history={self.history}, source_history={self.source_history})"
        )
