"""Ground truth for the ``gaussian`` and ``gaussian_copula`` estimators.

Tolerances: for Gaussian data the bias-corrected estimate is unbiased, and by the delta
method its standard deviation is about ``sqrt(Σ ρ_i² / n)`` nats (ρ_i the canonical
correlations). Tests allow five such standard deviations plus 1e-3.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import mutinfo as mi
from mutinfo.estimators.gaussian import (
    copula_normalize,
    gaussian_entropy,
    gaussian_mi,
    log_det_bias,
)

E = math.e


def _canonical_sample(rng, n, dx, dy, rhos, *, mix=True):
    """Samples with canonical correlations ``rhos``.

    ``mix=True`` hides them behind random invertible linear mixings (MI-preserving, keeps
    the data jointly Gaussian); ``mix=False`` applies strictly increasing maps to every
    column instead (MI-preserving, keeps the copula Gaussian).
    """
    d = dx + dy
    cov = np.eye(d)
    for i, r in enumerate(rhos):
        cov[i, dx + i] = cov[dx + i, i] = r
    z = rng.standard_normal((n, d)) @ np.linalg.cholesky(cov).T
    if not mix:
        return np.exp(z[:, :dx]), z[:, dx:] ** 3
    ax = rng.normal(size=(dx, dx)) + 3 * np.eye(dx)
    ay = rng.normal(size=(dy, dy)) + 3 * np.eye(dy)
    return z[:, :dx] @ ax.T, z[:, dx:] @ ay.T


@pytest.mark.parametrize(
    ("dx", "dy", "rhos"),
    [
        (1, 1, [0.0]),
        (1, 1, [0.6]),
        (1, 1, [0.999]),  # 3.11 nats
        (2, 2, [0.9, 0.3]),
        (3, 5, [0.8, 0.5, 0.2]),
        (10, 10, [0.98, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]),  # 4.0 nats
    ],
)
@pytest.mark.parametrize("method", ["gaussian", "gaussian_copula"])
def test_mi_matches_closed_form(dx, dy, rhos, method):
    n = 20_000
    rng = np.random.default_rng(11)
    x, y = _canonical_sample(rng, n, dx, dy, rhos, mix=method == "gaussian")
    truth = -0.5 * sum(math.log(1 - r * r) for r in rhos)
    assert truth <= 4.1
    sd = math.sqrt(sum(r * r for r in rhos) / n)
    est = mi.mutual_info(x, y, method=method, base=E)
    assert est.method == method
    assert abs(float(est) - truth) <= 5 * sd + 1e-3


def test_entropy_matches_closed_form():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 4))
    cov = a @ a.T + np.eye(4)
    x = rng.multivariate_normal(np.zeros(4), cov, size=20_000)
    truth = 0.5 * math.log(np.linalg.det(2 * math.pi * E * cov))
    est = mi.entropy(x, method="gaussian", base=E)
    # sd of the log-det of a sample covariance ~ sqrt(2 d / n) / 2
    assert abs(float(est) - truth) <= 5 * math.sqrt(2 * 4 / 20_000) / 2


def test_cmi_matches_closed_form():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(5, 5))
    cov = a @ a.T + 0.5 * np.eye(5)
    s = rng.multivariate_normal(np.zeros(5), cov, size=30_000)
    x, y, z = s[:, :2], s[:, 2:3], s[:, 3:]

    def ld(idx):
        return np.linalg.slogdet(cov[np.ix_(idx, idx)])[1]

    truth = 0.5 * (ld([0, 1, 3, 4]) + ld([2, 3, 4]) - ld([0, 1, 2, 3, 4]) - ld([3, 4]))
    est = mi.conditional_mutual_info(x, y, z, method="gaussian", base=E)
    assert truth > 0.05
    assert abs(float(est) - truth) <= 0.02


def test_copula_is_exactly_invariant_to_monotone_transforms():
    rng = np.random.default_rng(0)
    x, y = _canonical_sample(rng, 3000, 2, 1, [0.7])
    base = mi.mutual_info(x, y, method="gaussian_copula")
    warped = mi.mutual_info(np.exp(x), np.arctan(y) ** 3 + 7, method="gaussian_copula")
    assert float(warped) == pytest.approx(float(base), abs=1e-12)
    # while the plain Gaussian estimator changes
    assert abs(float(mi.mutual_info(np.exp(x), y, method="gaussian")) - float(base)) > 0.01


def test_copula_ties_get_average_ranks():
    z = copula_normalize(np.array([[1.0], [2.0], [2.0], [3.0]]))
    assert z[1, 0] == z[2, 0] == 0.0  # rank 2.5 of 4 -> the median, score 0
    assert z[0, 0] == pytest.approx(stats.norm.ppf(1 / 5))


def test_bias_correction_centres_independent_estimates():
    rng = np.random.default_rng(7)
    n, dx, dy, reps = 100, 3, 3, 400
    corrected, plugin = [], []
    for _ in range(reps):
        x, y = rng.standard_normal((n, dx)), rng.standard_normal((n, dy))
        corrected.append(gaussian_mi(x, y))
        plugin.append(gaussian_mi(x, y, bias_correct=False))
    se = np.std(plugin) / math.sqrt(reps)
    # the plug-in is biased upwards by about dx*dy/(2n) = 0.045 nats; the correction removes it
    assert np.mean(plugin) > 0.03
    assert abs(np.mean(corrected)) < 4 * se
    assert abs(np.mean(corrected)) < 0.25 * np.mean(plugin)


def test_entropy_bias_formula_by_simulation():
    rng = np.random.default_rng(1)
    n, d = 12, 3
    logdets = [np.linalg.slogdet(np.cov(rng.standard_normal((n, d)), rowvar=False))[1] for _ in range(4000)]
    assert np.mean(logdets) == pytest.approx(log_det_bias(n, d), abs=4 * np.std(logdets) / math.sqrt(4000))
    h = np.mean([gaussian_entropy(rng.standard_normal((n, d))) for _ in range(2000)])
    assert h == pytest.approx(0.5 * d * math.log(2 * math.pi * E), abs=0.05)


def test_mixed_discrete_continuous_targets_gaussian_value():
    # Y | c ~ N(mu_c, s_c^2): the Gaussian mixed estimator targets
    # ½ log var(Y) - Σ p_c ½ log s_c², which is >= the true MI (Gaussian entropy bound on h(Y)).
    rng = np.random.default_rng(2)
    n = 30_000
    mu, sd = np.array([0.0, 1.0, 3.0]), np.array([1.0, 0.5, 2.0])
    c = rng.integers(0, 3, n)
    y = mu[c] + sd[c] * rng.standard_normal(n)
    var_y = np.mean(sd**2) + np.var(mu)
    target = 0.5 * math.log(var_y) - np.mean(np.log(sd))
    est = mi.mutual_info(c, y, method="gaussian", base=E)
    assert abs(float(est) - target) <= 0.02
    assert float(mi.mutual_info(y, c, method="gaussian", base=E)) == pytest.approx(float(est), abs=1e-12)


def test_copula_lower_bound_for_scalar_non_gaussian_copula():
    # Student-t with identity dispersion and 1 degree of freedom: uncorrelated, yet dependent
    # (true MI 0.224 nats); the Gaussian copula sees no correlation, so it sits near 0.
    rng = np.random.default_rng(4)
    n = 20_000
    w = np.sqrt(1 / rng.chisquare(1, size=n))
    x, y = rng.standard_normal(n) * w, rng.standard_normal(n) * w
    est = float(mi.mutual_info(x, y, method="gaussian_copula", base=E))
    assert est < 0.224 - 0.1
    assert abs(est) < 0.01


def test_refuses_levels_too_small_and_singular_columns():
    rng = np.random.default_rng(0)
    c = np.array([0] * 50 + [1] * 50 + [2] * 2)
    y = rng.normal(size=(102, 2))
    with pytest.raises(ValueError, match="at least d \\+ 2 = 4 samples"):
        mi.mutual_info(c, y, method="gaussian_copula")
    x = rng.normal(size=(100, 1))
    with pytest.raises(ValueError, match="linearly dependent"):
        mi.mutual_info(np.hstack([x, 2 * x]), rng.normal(size=100), method="gaussian")


def test_exact_linear_relation_is_infinite():
    x = np.random.default_rng(0).normal(size=(200, 2))
    assert math.isinf(float(mi.mutual_info(x, x @ np.array([1.0, -2.0]), method="gaussian")))
