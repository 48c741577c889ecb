"""Ground-truth tasks for the accuracy benchmark (benchmarks/accuracy.py).

Each :class:`Task` draws ``(x, y)`` from a distribution whose mutual information is known in
closed form (or, for two mixed tasks, by one-dimensional quadrature). The families follow
the design of Czyż et al. (2023), "Beyond Normal: On the Evaluation of Mutual Information
Estimators", NeurIPS, https://doi.org/10.48550/arXiv.2306.11078, rebuilt here from the
formulas:

* multivariate normal, dense (all correlations 0.5) and sparse (two signal pairs 0.8, noise
  0.1 within x and within y) from 1x1 to 25x25: ``I = ½ log(det Σx det Σy / det Σ)``;
* multivariate Student-t with dispersion Σ and ν degrees of freedom (heavy tails; ν = 1 is
  Cauchy-like): ``I = I_normal(Σ) + c(ν, dx, dy)`` (Arellano-Valle, Contreras-Reyes and
  Genton 2013, https://doi.org/10.1111/j.1467-9469.2011.00774.x), with
  ``c = g(dx) + g(dy) - g(dx + dy)`` and ``g(d) = -log Γ((ν + d)/2) + ((ν + d)/2)
  (ψ((ν + d)/2) - ψ(ν/2))`` (the ``log Γ(ν/2)`` and ``log(νπ)`` terms of the entropies cancel);
* MI-preserving maps applied to those samples: componentwise monotone (half-cube
  ``sign(t)|t|^1.5``, ``asinh``, normal CDF, the inverse CDF of a bimodal mixture, a
  "wiggly" ``t + 0.4 sin t + ...``), and non-componentwise diffeomorphisms (a spiral:
  rotation of x by an angle growing with ``|x|²``; the swiss-roll embedding of a scalar);
* additive uniform noise: ``X ~ U(0, 1)``, ``Y = X + U(0, ε)``, ``I = ε/2 - log ε`` (ε <= 1);
* discrete channels (binary and K-ary symmetric, a noisy XOR): ``I = H(Y) - H(Y | X)``;
* mixed: a class label and a Gaussian or uniform-noise observation of it; a continuous
  signal observed through a censoring (point mass at 0).

Truths are in nats.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import integrate, special, stats

__all__ = ["TASKS", "Task", "student_t_mi_correction"]

Sampler = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Task:
    """One benchmark task.

    Attributes
    ----------
    name : str
    family : str
        "normal", "student", "transform", "noise", "discrete" or "mixed".
    truth : float
        True MI in nats.
    sample : callable
        ``sample(rng, n) -> (x, y)``; integer arrays for discrete variables.
    dx, dy : int
    kind : str
        Data signature: "continuous", "discrete" or "mixed".
    """

    name: str
    family: str
    truth: float
    sample: Sampler
    dx: int
    dy: int
    kind: str = "continuous"


# --------------------------------------------------------------------------- covariances, truths


def dense_cov(dx: int, dy: int, rho: float = 0.5) -> np.ndarray:
    d = dx + dy
    return np.full((d, d), rho) + (1 - rho) * np.eye(d)


def sparse_cov(dx: int, dy: int, signal: float = 0.8, noise: float = 0.1, pairs: int = 2) -> np.ndarray:
    d = dx + dy
    cov = np.eye(d)
    cov[:dx, :dx] += noise * (1 - np.eye(dx))
    cov[dx:, dx:] += noise * (1 - np.eye(dy))
    for i in range(min(pairs, dx, dy)):
        cov[i, dx + i] = cov[dx + i, i] = signal
    return cov


def pair_cov(rho: float) -> np.ndarray:
    return np.array([[1.0, rho], [rho, 1.0]])


def normal_mi(cov: np.ndarray, dx: int) -> float:
    """MI (nats) between the first ``dx`` and the remaining coordinates of N(0, cov)."""
    ld = lambda m: np.linalg.slogdet(m)[1]  # noqa: E731
    return 0.5 * (ld(cov[:dx, :dx]) + ld(cov[dx:, dx:]) - ld(cov))


def student_t_mi_correction(df: float, dx: int, dy: int) -> float:
    """Non-Gaussian part of the MI of a multivariate Student-t (nats), >= 0."""

    def g(d: int) -> float:
        a = (df + d) / 2.0
        return -special.gammaln(a) + a * (special.psi(a) - special.psi(df / 2.0))

    return float(g(dx) + g(dy) - g(dx + dy) - g(0))


# --------------------------------------------------------------------------- samplers


def _split(sample: np.ndarray, dx: int) -> tuple[np.ndarray, np.ndarray]:
    return sample[:, :dx], sample[:, dx:]


def normal_sampler(cov: np.ndarray, dx: int) -> Sampler:
    chol = np.linalg.cholesky(cov)

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        return _split(rng.standard_normal((n, cov.shape[0])) @ chol.T, dx)

    return sample


def student_sampler(cov: np.ndarray, dx: int, df: float) -> Sampler:
    chol = np.linalg.cholesky(cov)

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        z = rng.standard_normal((n, cov.shape[0])) @ chol.T
        w = np.sqrt(df / rng.chisquare(df, size=(n, 1)))
        return _split(z * w, dx)

    return sample


def mapped(base: Sampler, fx: Callable | None, fy: Callable | None) -> Sampler:
    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        x, y = base(rng, n)
        return (fx(x) if fx else x), (fy(y) if fy else y)

    return sample


def half_cube(t: np.ndarray) -> np.ndarray:
    return np.sign(t) * np.abs(t) ** 1.5


def wiggly(t: np.ndarray) -> np.ndarray:
    # derivative >= 1 - 0.4 - 0.3 - 0.12 > 0: strictly increasing
    return t + 0.4 * np.sin(t) + 0.2 * np.sin(1.5 * t + 1.0) + 0.03 * np.sin(4.0 * t - 2.0)


def _bimodal_quantile() -> Callable[[np.ndarray], np.ndarray]:
    """Quantile function of 0.5 N(-2, 0.5²) + 0.5 N(1.5, 1), tabulated (monotone interpolation)."""
    grid = np.linspace(-6.0, 8.0, 20001)
    cdf = 0.5 * stats.norm.cdf(grid, -2.0, 0.5) + 0.5 * stats.norm.cdf(grid, 1.5, 1.0)
    return lambda u: np.interp(u, cdf, grid)


_BIMODAL_Q = _bimodal_quantile()


def bimodal(t: np.ndarray) -> np.ndarray:
    return _BIMODAL_Q(stats.norm.cdf(t))


def spiral(speed: float) -> Callable[[np.ndarray], np.ndarray]:
    """Rotate coordinates (0, 1) by ``speed * |x|²``: a diffeomorphism (|x| is preserved)."""

    def f(x: np.ndarray) -> np.ndarray:
        angle = speed * np.sum(x**2, axis=1)
        c, s = np.cos(angle), np.sin(angle)
        out = x.copy()
        out[:, 0] = c * x[:, 0] - s * x[:, 1]
        out[:, 1] = s * x[:, 0] + c * x[:, 1]
        return out

    return f


def swiss_roll(x: np.ndarray) -> np.ndarray:
    """Embed a scalar into the plane along a swiss roll (injective, so MI is preserved)."""
    t = 1.5 * np.pi * (1.0 + 2.0 * stats.norm.cdf(x[:, 0]))
    return np.column_stack([t * np.cos(t), t * np.sin(t)]) / 21.0


def additive_uniform(eps: float) -> Sampler:
    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.uniform(0.0, 1.0, n)
        return x, x + rng.uniform(0.0, eps, n)

    return sample


def symmetric_channel(levels: int, error: float) -> tuple[Sampler, float]:
    """X uniform on K levels; Y = X with prob 1 - error, else one of the other K - 1 levels."""

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.integers(0, levels, n)
        flip = rng.random(n) < error
        shift = rng.integers(1, levels, n)
        return x, np.where(flip, (x + shift) % levels, x)

    h_cond = -(1 - error) * math.log(1 - error) - error * math.log(error / (levels - 1))
    return sample, math.log(levels) - h_cond


def noisy_xor(error: float) -> tuple[Sampler, float]:
    """X = (a, b) fair bits, Y = a XOR b flipped with prob ``error``: I = log 2 - H_b(error)."""

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.integers(0, 2, (n, 2))
        y = (x[:, 0] ^ x[:, 1]) ^ (rng.random(n) < error)
        return x, y.astype(np.int64)

    h = -error * math.log(error) - (1 - error) * math.log(1 - error)
    return sample, math.log(2) - h


def class_gaussian(
    means: np.ndarray, sd: float, dy: int, weights: np.ndarray | None = None
) -> tuple[Sampler, float]:
    """Label X on K classes (uniform, or ``weights``), Y | X = c ~ N(means[c] * 1, sd² I_dy)."""
    k = len(means)
    p = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        c = rng.choice(k, size=n, p=p) if weights is not None else rng.integers(0, k, n)
        return c, means[c][:, None] + sd * rng.standard_normal((n, dy))

    # Y's law depends on the class only through the mean of every coordinate being equal, so the
    # sufficient statistic is the coordinate average; I(X; Y) = I(X; mean(Y)), 1-D quadrature.
    s = sd / math.sqrt(dy)

    def density(t: float) -> float:
        return float(np.sum(p * stats.norm.pdf(t, means, s)))

    lo, hi = means.min() - 12 * s, means.max() + 12 * s
    h_mix = integrate.quad(lambda t: -density(t) * math.log(max(density(t), 1e-300)), lo, hi, limit=400)[0]
    return sample, h_mix - 0.5 * math.log(2 * math.pi * math.e * s * s)


def class_uniform(levels: int, width: float) -> tuple[Sampler, float]:
    """X uniform on {0..K-1}, Y = X + U(0, width) with width in [1, 2]: closed form."""

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        c = rng.integers(0, levels, n)
        return c, c + rng.uniform(0.0, width, n)

    # Overlaps have density 2/(K w) on K-1 intervals of length (w - 1), 1/(K w) elsewhere.
    overlap = (levels - 1) * (width - 1.0)
    single = levels * width - 2 * overlap
    p1, p2 = 1.0 / (levels * width), 2.0 / (levels * width)
    h_y = -(single * p1 * math.log(p1) + overlap * p2 * math.log(p2))
    return sample, h_y - math.log(width)


def censored(sd: float) -> tuple[Sampler, float]:
    """X ~ N(0, 1), Y = max(X + N(0, sd²), 0): a continuous variable with a point mass at 0."""

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal(n)
        return x, np.maximum(x + sd * rng.standard_normal(n), 0.0)

    # I = I(X; 1[Y>0]) + P(Y>0) I(X; Y | Y>0); with V = X + N: I(X;Y) = H(B) - H(B|X) + E over
    # Y>0 of the Gaussian density ratio. Computed by quadrature over x.
    sv = math.sqrt(1 + sd * sd)

    def inner(x: float) -> float:
        p0 = stats.norm.cdf(-x / sd)
        term0 = p0 * math.log(p0 / 0.5) if p0 > 0 else 0.0

        def f(v: float) -> float:
            px = stats.norm.pdf(v, x, sd)
            return px * (stats.norm.logpdf(v, x, sd) - stats.norm.logpdf(v, 0.0, sv))

        term1 = integrate.quad(f, 0.0, max(x, 0.0) + 12 * sd, limit=200)[0]
        return term0 + term1

    truth = integrate.quad(lambda x: stats.norm.pdf(x) * inner(x), -9.0, 9.0, limit=200)[0]
    return sample, truth


# --------------------------------------------------------------------------- the suite


def _build() -> list[Task]:
    tasks: list[Task] = []

    def add(name, family, truth, sample, dx, dy, kind="continuous"):
        tasks.append(Task(name, family, float(truth), sample, dx, dy, kind))

    # multivariate normal
    for rho in (0.5, 0.9, 0.99):
        cov = pair_cov(rho)
        add(f"normal-1x1-rho{rho}", "normal", normal_mi(cov, 1), normal_sampler(cov, 1), 1, 1)
    for d in (2, 3, 5, 25):
        cov = dense_cov(d, d)
        add(f"normal-dense-{d}x{d}", "normal", normal_mi(cov, d), normal_sampler(cov, d), d, d)
        cov = sparse_cov(d, d)
        add(f"normal-sparse-{d}x{d}", "normal", normal_mi(cov, d), normal_sampler(cov, d), d, d)
    cov = np.eye(6)
    add("normal-independent-3x3", "normal", 0.0, normal_sampler(cov, 3), 3, 3)

    # Student-t
    for dx, dy, df, cov in (
        (1, 1, 1, np.eye(2)),
        (1, 1, 2, pair_cov(0.5)),
        (2, 2, 1, np.eye(4)),
        (2, 2, 2, np.eye(4)),
        (3, 3, 2, np.eye(6)),
        (3, 3, 3, np.eye(6)),
        (5, 5, 3, np.eye(10)),
        (5, 5, 5, np.eye(10)),
        (2, 2, 5, dense_cov(2, 2)),
        (3, 3, 5, sparse_cov(3, 3)),
        (5, 5, 3, dense_cov(5, 5)),
        (5, 5, 5, sparse_cov(5, 5)),
    ):
        shape = "identity" if np.allclose(cov, np.eye(dx + dy)) else "corr"
        truth = normal_mi(cov, dx) + student_t_mi_correction(df, dx, dy)
        add(
            f"student-{shape}-{dx}x{dy}-df{df}",
            "student",
            truth,
            student_sampler(cov, dx, df),
            dx,
            dy,
        )

    # monotone componentwise transforms (copula unchanged, MI unchanged)
    cov1 = pair_cov(0.75)
    base1 = normal_sampler(cov1, 1)
    t1 = normal_mi(cov1, 1)
    add("half-cube-1x1", "transform", t1, mapped(base1, half_cube, half_cube), 1, 1)
    add("normal-cdf-1x1", "transform", t1, mapped(base1, stats.norm.cdf, stats.norm.cdf), 1, 1)
    add("bimodal-1x1", "transform", t1, mapped(base1, bimodal, bimodal), 1, 1)
    add("wiggly-1x1", "transform", t1, mapped(base1, wiggly, wiggly), 1, 1)
    add("exp-1x1", "transform", t1, mapped(base1, np.exp, None), 1, 1)
    for d in (3, 5):
        cov = sparse_cov(d, d)
        base = normal_sampler(cov, d)
        add(
            f"half-cube-sparse-{d}x{d}",
            "transform",
            normal_mi(cov, d),
            mapped(base, half_cube, half_cube),
            d,
            d,
        )
    cov = sparse_cov(3, 3)
    add(
        "normal-cdf-3x3",
        "transform",
        normal_mi(cov, 3),
        mapped(normal_sampler(cov, 3), stats.norm.cdf, stats.norm.cdf),
        3,
        3,
    )
    cov = dense_cov(2, 2)
    add("wiggly-2x2", "transform", normal_mi(cov, 2), mapped(normal_sampler(cov, 2), wiggly, wiggly), 2, 2)
    add(
        "asinh-student-1x1-df1",
        "transform",
        student_t_mi_correction(1, 1, 1),
        mapped(student_sampler(np.eye(2), 1, 1), np.arcsinh, np.arcsinh),
        1,
        1,
    )
    add(
        "asinh-student-2x2-df1",
        "transform",
        student_t_mi_correction(1, 2, 2),
        mapped(student_sampler(np.eye(4), 2, 1), np.arcsinh, np.arcsinh),
        2,
        2,
    )

    # non-componentwise diffeomorphisms
    for d, speed in ((3, 0.5), (5, 0.5)):
        cov = np.eye(2 * d)
        cov[0, d] = cov[d, 0] = 0.8
        add(
            f"spiral-{d}x{d}",
            "transform",
            normal_mi(cov, d),
            mapped(normal_sampler(cov, d), spiral(speed), None),
            d,
            d,
        )
    add(
        "swiss-roll-2x1",
        "transform",
        t1,
        lambda rng, n: (lambda x, y: (swiss_roll(x), y))(*base1(rng, n)),
        2,
        1,
    )

    # additive uniform noise
    for eps in (0.1, 0.75):
        add(f"additive-uniform-{eps}", "noise", eps / 2 - math.log(eps), additive_uniform(eps), 1, 1)

    # discrete
    for levels, error in ((2, 0.1), (4, 0.3), (10, 0.5), (32, 0.2)):
        s, t = symmetric_channel(levels, error)
        add(f"channel-K{levels}-e{error}", "discrete", t, s, 1, 1, "discrete")
    s, t = noisy_xor(0.1)
    add("noisy-xor-2x1", "discrete", t, s, 2, 1, "discrete")

    # mixed
    for means, sd, dy, label in (
        (np.array([0.0, 2.0]), 1.0, 1, "K2"),
        (np.array([0.0, 1.0, 2.0, 3.0]), 1.0, 1, "K4"),
        (np.array([0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0]), 1.0, 1, "K8"),
        (np.array([0.0, 1.0, 2.0]), 1.0, 3, "K3-3d"),
        (np.array([0.0, 0.3, 0.6]), 1.0, 10, "K3-10d"),
        (np.array([0.0, 0.3, 0.6]), 1.0, 25, "K3-25d"),
    ):
        s, t = class_gaussian(means, sd, dy)
        add(f"class-gaussian-{label}", "mixed", t, s, 1, dy, "mixed")
    s, t = class_uniform(4, 1.5)
    add("class-uniform-K4", "mixed", t, s, 1, 1, "mixed")
    s, t = censored(0.5)
    add("censored-normal", "mixed", t, s, 1, 1, "continuous-ties")
    # integer counts stored as floats (so treated as continuous, with heavy ties)
    levels = np.arange(40)
    s, t = class_gaussian(levels.astype(float), 1.0, 1, stats.poisson.pmf(levels, 4.0))
    add(
        "poisson-float",
        "mixed",
        t,
        lambda rng, n: (lambda c, y: (c.astype(float), y))(*s(rng, n)),
        1,
        1,
        "continuous-ties",
    )
    return tasks


#: The suite, built once at import.
TASKS: list[Task] = _build()
