"""Mixed discrete/continuous kNN estimators: Gao et al. (2017), Mesner & Shalizi, Ross (2014).

Truths come from numerical integration (scipy.integrate.quad) of class-conditional Gaussian
mixtures, with or without an atom. Tolerances are ``|bias| + 4 sd`` measured over 12 seeds
at the same n and k (numbers in the comments); seeds are fixed.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

import mutinfo as mi
from mutinfo._validation import to_variable
from mutinfo._variable import Variable
from mutinfo.estimators import knn, mixed

K = 3
P = np.array([0.2, 0.3, 0.5])
MU = np.array([-1.5, 0.0, 1.5])


def mi_var(values: np.ndarray, name: str) -> Variable:
    return to_variable(values, name, discrete=True)


def mixture_mi(p: np.ndarray, mu: np.ndarray) -> float:
    """I(X; Y) in nats for X ~ p and Y | X = c ~ N(mu_c, 1): h(Y) - h(N(0, 1))."""

    def dens(y: float) -> float:
        return float(np.sum(p * stats.norm.pdf(y, mu)))

    h = integrate.quad(lambda y: -dens(y) * math.log(dens(y)), -20, 20, limit=200)[0]
    return h - 0.5 * math.log(2 * math.pi * math.e)


def atom_mixture_mi(p: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    """Y | X = c is 0 with probability w_c, else N(mu_c, 1): atom part + continuous part."""
    wbar = float(np.sum(p * w))
    total = float(np.sum(p * w * np.log(w / wbar)))

    def g(y: float) -> float:
        return float(np.sum(p * (1 - w) * stats.norm.pdf(y, mu)))

    for c in range(len(p)):

        def f(y: float, c: int = c) -> float:
            return float((1 - w[c]) * stats.norm.pdf(y, mu[c]))

        total += p[c] * integrate.quad(lambda y: f(y) * math.log(f(y) / g(y)), -20, 20, limit=200)[0]
    return total


TRUTH = mixture_mi(P, MU)  # 0.4165 nats


def draw(seed: int, n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    c = rng.choice(3, size=n, p=P)
    return c, MU[c] + rng.normal(size=n)


# --------------------------------------------------------------------------- MI


@pytest.mark.parametrize("method", ["ross", "mixed_ksg"])
def test_class_conditional_gaussians(method: str) -> None:
    # measured (n = 2000): bias -0.003, sd 0.016 for both
    c, y = draw(30)
    got = mi.mutual_info(c, y, method=method, base=math.e)
    assert got.method == method
    assert float(got) == pytest.approx(TRUTH, abs=0.07)


def test_ross_equals_gao_when_classes_exceed_k() -> None:
    # With every class larger than k the two estimators are the same sum (see ross_mi).
    c, y = draw(31, 900)
    y2 = np.column_stack([y, np.random.default_rng(1).normal(size=900)])
    for values in (y, y2):
        assert knn.ross(c, values, K) == pytest.approx(knn.mixed_mi(c, values, K, x_discrete=True), abs=1e-12)
    assert float(mi.mutual_info(c, y, method="ross")) == pytest.approx(
        float(mi.mutual_info(y, c, method="ross")), abs=1e-15
    )


def test_discrete_codes_as_floats_warn_and_match_truth() -> None:
    # X in {0, 1, 2} stored as floats: continuous by type, but with ties. ksg1 switches to the
    # point-mass estimator, warns, and lands on the mixture truth (same bias/sd as above).
    c, y = draw(32)
    with pytest.warns(mi.TiesWarning, match="discrete=True"):
        got = mi.mutual_info(c.astype(float), y, method="ksg1", base=math.e)
    assert math.isfinite(float(got))
    assert float(got) == pytest.approx(TRUTH, abs=0.07)
    # and the same number as declaring x discrete and using Ross
    ross = mi.mutual_info(c, y, method="ross", base=math.e)
    assert float(got) == pytest.approx(float(ross), abs=0.02)


def test_atoms_use_the_zero_distance_rule() -> None:
    # Zero-inflated Y: many exact copies of (c, 0), so k-th neighbour distances are 0 and
    # Gao's rule (count every sample at distance 0) applies. Measured: bias +0.005, sd 0.017.
    w = np.array([0.6, 0.3, 0.1])
    truth = atom_mixture_mi(P, MU, w)  # 0.346 nats
    rng = np.random.default_rng(33)
    c = rng.choice(3, size=2000, p=P)
    y = MU[c] + rng.normal(size=2000)
    y[rng.uniform(size=2000) < w[c]] = 0.0
    embedded = mixed.embed([(c, True), (y[:, None], False)])
    rho, _ = mixed.knn_radius(np.hstack(embedded), K, None)
    assert (rho == 0).sum() > 500  # the rule is exercised
    assert knn.mixed_mi(c, y, K, x_discrete=True) == pytest.approx(truth, abs=0.08)
    with pytest.warns(mi.TiesWarning):
        assert knn.ksg_mi(c.astype(float), y, K) == pytest.approx(truth, abs=0.08)


def test_two_discrete_variables_approach_plug_in() -> None:
    # Binary symmetric channel, flip 0.1: I = log 2 - H_b(0.1). Every point is a point mass,
    # so the estimator is a digamma form of the plug-in. Measured: bias -0.006, sd 0.022.
    rng = np.random.default_rng(34)
    x = rng.integers(0, 2, size=2000)
    y = x ^ (rng.uniform(size=2000) < 0.1)
    truth = math.log(2) + 0.1 * math.log(0.1) + 0.9 * math.log(0.9)
    assert float(mi.mutual_info(x, y, method="mixed_ksg", base=math.e)) == pytest.approx(truth, abs=0.1)


def test_ross_rejections_and_small_classes() -> None:
    c, y = draw(35, 300)
    c = c.copy()
    c[0] = 7  # a class with one sample
    with pytest.raises(ValueError, match="at least 2 samples"):
        mi.mutual_info(c, y, method="ross")
    with pytest.raises(ValueError, match=r"accepts \['mixed'\] data; got continuous"):
        mi.mutual_info(y, y + 1.0, method="ross")
    # the method's own check, which the registry consults after the kind check, states the rule
    reason = knn.METHODS["ross"].accepts((mi_var(c, "x"), mi_var(c, "y")))
    assert reason is not None and "one discrete and one continuous" in reason
    c[1] = 7  # now two samples: allowed, with k_c = 1 and a warning
    with pytest.warns(mi.SmallSampleWarning, match="classes with at most k"):
        value = mi.mutual_info(c, y, method="ross")
    assert math.isfinite(float(value))


# --------------------------------------------------------------------------- CMI


def test_mesner_shalizi_cmi_continuous_z() -> None:
    # X discrete independent of Z ~ N(0,1); Y = Z + mu_X + e, so I(X;Y|Z) = I(X; mu_X + e).
    # Measured (n = 2000): bias +0.005, sd 0.016.
    rng = np.random.default_rng(36)
    c = rng.choice(3, size=2000, p=P)
    z = rng.normal(size=2000)
    y = z + MU[c] + rng.normal(size=2000)
    got = mi.conditional_mutual_info(c, y, z, method="mixed_ksg", base=math.e)
    assert float(got) == pytest.approx(TRUTH, abs=0.075)


def test_mixed_cmi_conditional_independence() -> None:
    # X discrete and Y both driven by Z only: I(X;Y|Z) = 0. Measured: bias -0.001, sd 0.011.
    rng = np.random.default_rng(37)
    z = rng.normal(size=2000)
    c = (z + 0.3 * rng.normal(size=2000) > 0).astype(int)
    y = z + rng.normal(size=2000)
    assert float(mi.mutual_info(c, y, method="mixed_ksg", base=math.e)) > 0.1
    assert float(mi.conditional_mutual_info(c, y, z, method="mixed_ksg", base=math.e)) == pytest.approx(
        0.0, abs=0.05
    )


@pytest.mark.parametrize("method", ["ross", "mixed_ksg"])
def test_stratified_cmi_discrete_z(method: str) -> None:
    # Z in {0, 1}: the class-conditional shift exists only when Z = 0, so
    # I(X;Y|Z) = P(Z=0) * TRUTH. Measured: bias +0.003, sd 0.018.
    rng = np.random.default_rng(38)
    z = rng.integers(0, 2, size=2000)
    c = rng.choice(3, size=2000, p=P)
    y = np.where(z == 0, MU[c], 0.0) + rng.normal(size=2000)
    truth = float(np.mean(z == 0)) * TRUTH
    got = mi.conditional_mutual_info(c, y, z, method=method, base=math.e)
    assert float(got) == pytest.approx(truth, abs=0.08)


def test_stratum_size_rule() -> None:
    rng = np.random.default_rng(39)
    x = rng.normal(size=400)
    y = x + rng.normal(size=400)
    z = np.zeros(400, dtype=int)
    z[:200] = 1
    z[0] = 2  # a one-sample stratum: contributes 0
    z[1:3] = 3  # a two-sample stratum: k_s = 1
    with pytest.warns(mi.SmallSampleWarning, match="3 of 400 samples"):
        got = knn.stratified_cmi(
            (x, False), (y, False), z, K, lambda a, b, k: knn.ksg_mi(a, b, k, warn=False)
        )
    big = [np.flatnonzero(z == s) for s in (0, 1)]
    expected = sum(len(m) / 400 * knn.ksg_mi(x[m], y[m], K, warn=False) for m in big)
    expected += 2 / 400 * knn.ksg_mi(x[1:3], y[1:3], 1, warn=False)
    assert got == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------- primitives


def test_counts_match_brute_force_with_ties() -> None:
    rng = np.random.default_rng(40)
    for d in (1, 2):
        a = np.round(rng.normal(size=(300, d)), 1)
        dist = np.max(np.abs(a[:, None, :] - a[None, :, :]), axis=2)
        r = rng.choice([0.0, 0.1, 0.25, np.nextafter(0.2, 0)], size=300)
        assert np.array_equal(mixed.count_within(a, r), (dist <= r[:, None]).sum(1) - 1)
        b = rng.normal(size=(300, 2))
        db = np.max(np.abs(b[:, None, :] - b[None, :, :]), axis=2)
        rb = rng.uniform(0, 0.6, size=300)
        want = ((dist <= r[:, None]) & (db <= rb[:, None])).sum(1) - 1
        assert np.array_equal(mixed.count_in_boxes([a, b], [r, rb]), want)


def test_tie_helpers() -> None:
    a = np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 2.0]])
    assert mixed.has_repeated_rows(a)
    assert not mixed.has_repeated_rows(a[:2])
    assert list(mixed.duplicate_counts(a)) == [1, 0, 1]
    gap_blocks = mixed.embed([(np.array([0, 1, 1]), True), (a, False)])
    spread = gap_blocks[1].max(axis=0) - gap_blocks[1].min(axis=0)
    assert gap_blocks[0][1, 0] - gap_blocks[0][0, 0] > spread.max()  # categories never neighbours


def test_no_ties_warning_for_mixed_method() -> None:
    c, y = draw(41, 500)
    with warnings.catch_warnings():
        warnings.simplefilter("error", mi.TiesWarning)
        mi.mutual_info(c.astype(float), y, method="mixed_ksg")
