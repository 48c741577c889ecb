"""Data generators behind sections 6-10 of the explorer (bits stream, properties, honesty).

A companion of :mod:`mutinfo.explorer.generators` (sections 1-5), kept in its own module so
that the two halves of the explorer can change independently. numpy only; no FastAPI.
Every function is deterministic in its ``seed`` (or the Generator it is given), so the
"reproduce in Python" snippets give the numbers on the screen exactly.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MAX_BITS",
    "binary_entropy",
    "bit_streams",
    "categorical_pair",
    "chain_rule_data",
    "coupled_ar",
    "coupled_ar_transfer_entropy",
    "gaussian_pair",
    "independent_pair",
    "markov_chain",
    "noisy_copy",
    "parabola_pair",
]
# Each is deterministic in ``seed`` so the explorer's "reproduce in Python" snippets give
# the numbers on screen exactly.

#: Length of the pre-drawn bit stream; every shorter stream is a prefix of it.
MAX_BITS = 4096


def bit_streams(flip: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two bit streams joined by a binary symmetric channel.

    X is a fair coin; Y copies X and flips each bit independently with probability ``flip``.
    The true mutual information is ``1 - H_b(flip)`` bits.

    Parameters
    ----------
    flip : float
        Flip (crossover) probability in [0, 1].
    n : int
        Number of bits, 1 <= n <= ``MAX_BITS``.
    seed : int
        Seed of the stream. The same uniforms decide the flips for every ``flip``, so moving
        the coupling slider changes the coupling and nothing else, and a stream of n bits is
        the first n bits of every longer stream with the same seed.

    Returns
    -------
    x, y : numpy.ndarray of int64, shape (n,)
    """
    if not 1 <= n <= MAX_BITS:
        raise ValueError(f"`n` must be an integer >= 1 and <= {MAX_BITS}; got {n!r}.")
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=MAX_BITS, dtype=np.int64)
    u = rng.random(MAX_BITS)
    y = x ^ (u < flip).astype(np.int64)
    return x[:n].copy(), y[:n].copy()


def binary_entropy(p: float) -> float:
    """Binary entropy H_b(p) in bits (0 at p = 0 and p = 1)."""
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return float(-p * np.log2(p) - (1 - p) * np.log2(1 - p))


def markov_chain(
    flip1: float, flip2: float, n: int, seed: int, *, sufficient: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Samples of a Markov chain X -> Y -> Z of bits.

    X is a fair coin; Y is X through a binary symmetric channel with flip ``flip1``.
    Ordinary chain: Z is Y through a second channel with flip ``flip2``.
    ``sufficient=True``: Y also carries an irrelevant fair bit W, Y = 2 * (X xor N1) + W
    (four levels), and Z keeps only the informative part, Z = Y // 2; then Z is a
    sufficient statistic of Y for X and I(X; Z) = I(X; Y) exactly (``flip2`` is unused).

    Returns
    -------
    x, y, z : numpy.ndarray of int64, shape (n,)
    """
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=n, dtype=np.int64)
    y_bit = x ^ (rng.random(n) < flip1).astype(np.int64)
    u2 = rng.random(n)
    w = rng.integers(0, 2, size=n, dtype=np.int64)
    if sufficient:
        y = 2 * y_bit + w
        z = y // 2
    else:
        y = y_bit
        z = y_bit ^ (u2 < flip2).astype(np.int64)
    return x, y, z


def chain_rule_data(
    relation: str, flip: float, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two bit features X1, X2 and a bit target Y for the chain-rule demo.

    ``relation``:
    - ``"xor"``: X1, X2 fair and independent, Y = X1 xor X2 (each alone says nothing);
    - ``"and"``: Y = X1 and X2;
    - ``"redundant"``: X2 is an exact copy of X1 and Y = X1 (X2 adds nothing).

    Y then passes through a binary symmetric channel with flip probability ``flip``.

    Returns
    -------
    x1, x2, y : numpy.ndarray of int64, shape (n,)
    """
    rng = np.random.default_rng(seed)
    x1 = rng.integers(0, 2, size=n, dtype=np.int64)
    x2 = rng.integers(0, 2, size=n, dtype=np.int64)
    noise = (rng.random(n) < flip).astype(np.int64)
    if relation == "xor":
        y = x1 ^ x2
    elif relation == "and":
        y = x1 & x2
    elif relation == "redundant":
        x2 = x1.copy()
        y = x1.copy()
    else:
        raise ValueError(f"`relation` must be one of 'xor', 'and', 'redundant'; got {relation!r}.")
    return x1, x2, y ^ noise


def gaussian_pair(rho: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A bivariate standard normal sample with correlation ``rho``.

    The true MI is ``-0.5 * log2(1 - rho**2)`` bits.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = rho * x + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
    return x, y


def parabola_pair(noise: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """X uniform on [-1, 1] and Y = X**2 + noise * N(0, 1): Pearson r is 0, MI is not."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = x**2 + noise * rng.standard_normal(n)
    return x, y


def categorical_pair(levels: int, flip: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A uniform categorical X with ``levels`` values and Y = (X mod 2) with its bit flipped
    with probability ``flip``.

    Y is a noisy coarsening of X: H(Y | X) = H_b(flip) while H(X | Y) is larger, and yet
    I(X; Y) = I(Y; X). Used for symmetry, I(X; X) = H(X) and I(X; Y) <= min(H(X), H(Y)).
    """
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, size=n, dtype=np.int64)
    y = (x % 2) ^ (rng.random(n) < flip).astype(np.int64)
    return x, y


def noisy_copy(sigma: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Continuous X ~ N(0, 1) and X + sigma * N(0, 1).

    As sigma -> 0 the copy becomes X itself and I -> infinity:
    I = 0.5 * log2(1 + 1 / sigma**2) bits.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, x + sigma * rng.standard_normal(n)


def independent_pair(
    kind: str, n: int, rng: np.random.Generator, *, levels: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """One independent pair (X, Y) drawn from ``rng``: the true MI is exactly 0.

    ``kind="continuous"``: two standard normal samples; ``kind="discrete"``: two uniform
    integer samples on ``levels`` values.
    """
    if kind == "continuous":
        return rng.standard_normal(n), rng.standard_normal(n)
    if kind == "discrete":
        return rng.integers(0, levels, size=n, dtype=np.int64), rng.integers(
            0, levels, size=n, dtype=np.int64
        )
    raise ValueError(f"`kind` must be 'continuous' or 'discrete'; got {kind!r}.")


def coupled_ar(coupling: float, n: int, seed: int, *, a: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A Gaussian VAR(1) in which X drives Y and Y does not drive X.

    x_t = a x_{t-1} + e_t,  y_t = a y_{t-1} + coupling * x_{t-1} + f_t, with e, f iid N(0, 1)
    and a burn-in of 200 steps (discarded).

    Returns
    -------
    x, y : numpy.ndarray of float64, shape (n,)
    """
    rng = np.random.default_rng(seed)
    burn = 200
    noise = rng.standard_normal((n + burn, 2))
    x = np.zeros(n + burn)
    y = np.zeros(n + burn)
    for t in range(1, n + burn):
        x[t] = a * x[t - 1] + noise[t, 0]
        y[t] = a * y[t - 1] + coupling * x[t - 1] + noise[t, 1]
    return x[burn:], y[burn:]


def coupled_ar_transfer_entropy(coupling: float, *, a: float = 0.5) -> float:
    """True transfer entropy X -> Y (history 1) of :func:`coupled_ar`, in bits.

    TE = 0.5 log2(Var(y_t | y_{t-1}) / Var(y_t | y_{t-1}, x_{t-1})); the second variance is 1
    and the first is 1 + coupling^2 Var(x_{t-1} | y_{t-1}) from the stationary covariance.
    """
    A = np.array([[a, 0.0], [coupling, a]])
    # stationary covariance S = A S A^T + I, solved as a linear system
    S = np.linalg.solve(np.eye(4) - np.kron(A, A), np.eye(2).ravel()).reshape(2, 2)
    var_x_given_y = S[0, 0] - S[0, 1] ** 2 / S[1, 1]
    return float(0.5 * np.log2(1.0 + coupling**2 * var_x_given_y))
