"""The ``method="auto"`` policy for continuous and mixed data, at each of its thresholds.

``Information.method`` names the estimator that ran, so every branch is observable.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import mutinfo as mi
from mutinfo._validation import prepare_variables
from mutinfo.estimators import discrete, registry
from mutinfo.estimators._method import Options

MAX_DIM = registry.COPULA_KSG_MAX_DIM


def _gauss(n, dx, dy, rho=0.6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dx))
    y = rho * x[:, :1] + math.sqrt(1 - rho * rho) * rng.standard_normal((n, dy))
    return x, y


def test_threshold_is_ten_columns():
    assert MAX_DIM == 10


@pytest.mark.parametrize(
    ("dx", "dy", "expected"),
    [
        (1, 1, "copula_ksg"),
        (2, 1, "copula_ksg"),
        (3, 3, "copula_ksg"),
        (5, 5, "copula_ksg"),  # exactly at the threshold
        (1, 9, "copula_ksg"),
        (5, 6, "gaussian_copula"),  # one column above it
        (25, 25, "gaussian_copula"),
    ],
)
def test_continuous_mi_choice_by_dimension(dx, dy, expected):
    x, y = _gauss(300, dx, dy)
    assert dx + dy <= MAX_DIM or expected == "gaussian_copula"
    assert mi.mutual_info(x, y).method == expected


@pytest.mark.parametrize(
    ("dims", "expected"),
    [((1, 1, 1), "copula_ksg"), ((3, 3, 4), "copula_ksg"), ((3, 3, 5), "gaussian_copula")],
)
def test_continuous_cmi_counts_z_columns(dims, expected):
    rng = np.random.default_rng(1)
    x, y, z = (rng.standard_normal((300, d)) for d in dims)
    assert mi.conditional_mutual_info(x, y, z).method == expected


def test_continuous_entropy_is_kl():
    assert mi.entropy(np.random.default_rng(0).standard_normal((200, 2))).method == "kl"


def test_too_few_samples_for_a_covariance_falls_back_to_ksg():
    # gaussian methods need n >= d + 2 = 8 for 3x3 data
    x, y = _gauss(8, 3, 3)
    with pytest.warns(mi.SmallSampleWarning):
        assert mi.mutual_info(x, y).method == "copula_ksg"
    x, y = _gauss(7, 3, 3)
    with pytest.warns(mi.SmallSampleWarning):
        assert mi.mutual_info(x, y).method == "ksg1"


def test_linearly_dependent_columns_fall_back_to_ksg():
    x, y = _gauss(300, 2, 1)
    x = np.column_stack([x[:, 0], x[:, 0]])  # identical columns: singular covariance
    assert mi.mutual_info(x, y).method == "ksg1"


def test_mixed_is_mixed_ksg():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 3, 400)
    y = labels + rng.standard_normal(400)
    assert mi.mutual_info(labels, y).method == "mixed_ksg"
    assert mi.mutual_info(y, labels).method == "mixed_ksg"


def test_mixed_with_many_continuous_columns_is_gaussian_copula():
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 3, 600)
    for d, expected in ((10, "mixed_ksg"), (11, "gaussian_copula")):
        y = 0.3 * labels[:, None] + rng.standard_normal((600, d))
        assert mi.mutual_info(labels, y).method == expected
    # a class too small for a covariance in 11 dimensions: back to the kNN estimator
    labels[:5] = 3
    assert mi.mutual_info(labels, y).method == "mixed_ksg"


def test_all_discrete_branch_is_the_discrete_modules():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, 500)
    y = (x + rng.integers(0, 2, 500)) % 4
    vx, vy = prepare_variables([x, y], ["x", "y"])
    expected = discrete.auto_discrete_method("mi", (vx, vy))
    assert registry.auto_method("mi", (vx, vy), Options()) == expected
    assert mi.mutual_info(x, y).method == expected


def test_auto_is_deterministic_and_seeded_by_rng():
    x, y = _gauss(500, 2, 1)
    a, b = mi.mutual_info(x, y), mi.mutual_info(x, y)
    assert float(a) == float(b)  # rng=None is a fixed seed
    assert float(mi.mutual_info(x, y, rng=5)) == float(mi.mutual_info(x, y, rng=5))
    assert float(mi.mutual_info(x, y, rng=5)) != float(mi.mutual_info(x, y, rng=6))  # surrogates differ
    assert float(mi.mutual_info(x, y, n_jobs=1)) == float(mi.mutual_info(x, y, n_jobs=2))


def test_auto_is_exactly_invariant_to_monotone_transforms():
    x, y = _gauss(800, 2, 1)
    base = mi.mutual_info(x, y)
    warped = mi.mutual_info(np.exp(x), y**3 - 4.0)
    assert base.method == warped.method == "copula_ksg"
    assert float(warped) == pytest.approx(float(base), abs=1e-12)


def test_copula_ksg_removes_ksg_bias_on_strong_gaussian_dependence():
    # 3x3 Gaussian with canonical correlations 0.95, 0.9, 0.8: truth 2.49 nats. Plain KSG
    # (k = 3) under-reads it by roughly 0.3 nats at n = 1000 (Gao et al. 2015); the
    # surrogate calibration removes that bias. sd of one estimate ~0.04 nats.
    rng = np.random.default_rng(9)
    n, rhos = 1000, (0.95, 0.9, 0.8)
    x = rng.standard_normal((n, 3))
    y = np.column_stack(
        [r * x[:, i] + math.sqrt(1 - r * r) * rng.standard_normal(n) for i, r in enumerate(rhos)]
    )
    truth = -0.5 * sum(math.log(1 - r * r) for r in rhos)
    auto = mi.mutual_info(x, y, base=math.e)
    plain = mi.mutual_info(x, y, method="ksg1", base=math.e)
    assert auto.method == "copula_ksg"
    assert abs(float(auto) - truth) < 0.15
    assert truth - float(plain) > 0.2


def test_copula_ksg_refuses_discrete_variables():
    labels = np.repeat([0, 1], 100)
    with pytest.raises(ValueError, match="copula_ksg"):
        mi.mutual_info(labels, np.random.default_rng(0).normal(size=200), method="copula_ksg")


@pytest.mark.parametrize(
    ("repeats", "k", "expected"), [(3, 3, "copula_ksg"), (4, 3, "mixed_ksg"), (4, 5, "copula_ksg")]
)
def test_point_masses_switch_to_mixed_ksg(repeats, k, expected):
    # a value repeated more than k times makes a k-th neighbour distance 0: Gao et al. (2017)
    x, y = _gauss(300, 1, 1)
    x[:repeats, 0] = 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert mi.mutual_info(x, y, k=k).method == expected
    masses = [
        w for w in caught if issubclass(w.category, mi.TiesWarning) and "point masses" in str(w.message)
    ]
    if expected == "mixed_ksg":
        assert masses and f"`x` repeats a value {repeats} times" in str(masses[0].message)
    else:
        assert not masses  # (the kNN ties policy may still announce its own handling)


def test_point_masses_in_a_multivariate_variable_count_whole_rows():
    x, y = _gauss(300, 2, 1)
    x[:5, 0] = 0.0  # column ties only: rows still distinct
    assert mi.mutual_info(x, y).method == "copula_ksg"
    x[:5, 1] = 1.0  # now 5 identical rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.TiesWarning)
        assert mi.mutual_info(x, y).method == "mixed_ksg"


def test_censored_data_gets_the_point_mass_estimator():
    # Y = max(X + N(0, 0.25), 0): half the samples sit at exactly 0 (truth 0.589 nats,
    # benchmarks/accuracy_tasks.py); sd of the estimate at n = 2000 is ~0.02 nats.
    rng = np.random.default_rng(12)
    x = rng.standard_normal(2000)
    y = np.maximum(x + 0.5 * rng.standard_normal(2000), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.TiesWarning)
        est = mi.mutual_info(x, y, base=math.e)
    assert est.method == "mixed_ksg"
    assert abs(float(est) - 0.589) < 0.06


def test_auto_cmi_matches_gaussian_closed_form_under_monotone_maps():
    # (x, y, z) Gaussian, then x -> exp(x), z -> z^3: the copula, hence I(X;Y|Z), is unchanged.
    rng = np.random.default_rng(21)
    n = 3000
    cov = np.array([[1.0, 0.7, 0.5], [0.7, 1.0, 0.6], [0.5, 0.6, 1.0]])
    s = rng.standard_normal((n, 3)) @ np.linalg.cholesky(cov).T

    def ld(idx):
        return np.linalg.slogdet(cov[np.ix_(idx, idx)])[1]

    truth = 0.5 * (ld([0, 2]) + ld([1, 2]) - ld([0, 1, 2]) - ld([2]))  # 0.203 nats
    est = mi.conditional_mutual_info(np.exp(s[:, 0]), s[:, 1], s[:, 2] ** 3, base=math.e)
    assert est.method == "copula_ksg"
    assert abs(float(est) - truth) < 0.05  # sd of one estimate ~0.01 nats


def test_deterministic_monotone_relation_returns_plain_ksg_on_scores():
    # y = exp(x): the true MI is infinite; no Gaussian reference can be drawn, so copula_ksg
    # returns KSG on the normal scores (finite, growing like log n), as KSG on (x, x) does.
    x = np.random.default_rng(0).normal(size=500)
    est = mi.mutual_info(x, np.exp(x), base=math.e)
    assert est.method == "copula_ksg"
    assert math.isfinite(float(est))
    assert float(est) == pytest.approx(float(mi.mutual_info(x, x, method="ksg1", base=math.e)), abs=1e-12)
