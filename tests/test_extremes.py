"""Numerical extremes: near-deterministic relations (10 to 30 bits) and near-zero MI.

No overflow, no log(0), no catastrophic cancellation: every result is finite (or the
documented +inf of an exact relation) and, where the estimator can reach the truth, close
to it. Where it cannot, the test says why and checks the estimator's own ceiling instead:

* discrete plug-in family: exact for a uniform sample (each symbol equally often), so
  12 and 16 bits are reproduced to 1e-9 (plug-in) or within the known bias correction;
* Gaussian closed form: I = -½ log2(1 - r²) up to 30 bits (y = x + 1e-9 noise) thanks to a
  QR factorisation of the data instead of the rounded covariance matrix;
* kNN (KSG, mixed, copula-KSG): capped near log2(n) bits by construction (k-th neighbour
  counts cannot resolve more), so they must be finite, large, and below that cap;
* near-zero MI: exactly independent designs give 0 within 1e-12 (no cancellation noise in
  H(X) + H(Y) - H(X, Y)); independent samples give small estimates of either sign.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import mutinfo as mi

RNG = np.random.default_rng(2026)


@pytest.fixture(autouse=True)
def _no_untyped_warnings():
    """Any warning must be a typed MutinfoWarning (a numpy RuntimeWarning means an overflow)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    untyped = [
        f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, mi.MutinfoWarning)
    ]
    assert not untyped, untyped


def _uniform_symbols(bits: int, copies: int) -> np.ndarray:
    """Each of 2**bits symbols exactly ``copies`` times, shuffled: plug-in H = bits exactly."""
    return RNG.permutation(np.repeat(np.arange(2**bits), copies))


@pytest.mark.parametrize(
    ("method", "tolerance"),
    [("plugin", 1e-9), ("chao_shen", 1e-9), ("miller_madow", 0.02), ("nsb", 0.02), ("auto", 0.02)],
)
def test_twelve_bits_discrete(method: str, tolerance: float) -> None:
    x = _uniform_symbols(12, 64)  # n = 262144
    value = float(mi.mutual_info(x, x, method=method, discrete=True))
    assert math.isfinite(value)
    assert value == pytest.approx(12.0, abs=tolerance)
    nats = float(mi.mutual_info(x, x, method=method, discrete=True, base=math.e))
    assert nats == pytest.approx(value * math.log(2.0), rel=1e-12)


def test_sixteen_bits_plugin() -> None:
    x = _uniform_symbols(16, 8)  # n = 524288
    y = (x * 7919) % 2**16  # a bijection: I(X; Y) = H(X) = 16 bits
    assert float(mi.mutual_info(x, y, method="plugin", discrete=True)) == pytest.approx(16.0, abs=1e-9)
    assert float(mi.entropy(x, method="plugin", discrete=True)) == pytest.approx(16.0, abs=1e-9)


def test_thirty_bits_gaussian_closed_form() -> None:
    n = 100_000
    x = RNG.normal(size=n)
    y = x + 1e-9 * RNG.normal(size=n)
    truth = 0.5 * math.log2(1.0 + 1e18)  # 29.897 bits
    assert float(mi.mutual_info(x, y, method="gaussian")) == pytest.approx(truth, abs=0.02)
    # scale does not matter: the same relation at 1e-300 and 1e300
    for scale in (1e-300, 1e300):
        value = float(mi.mutual_info(x * scale, y * scale, method="gaussian"))
        assert value == pytest.approx(truth, abs=0.02)


def test_exact_relation_is_infinite_not_rounding_noise() -> None:
    x = RNG.normal(size=10_000)
    assert float(mi.mutual_info(x, 3.0 * x - 1.0, method="gaussian")) == math.inf
    assert float(mi.mutual_info(x, np.exp(x), method="gaussian_copula")) == math.inf


@pytest.mark.parametrize("method", ["ksg1", "ksg2", "mixed_ksg", "copula_ksg", "auto"])
def test_knn_estimators_near_their_ceiling(method: str) -> None:
    n = 20_000
    x = RNG.normal(size=n)
    y = x + 1e-9 * RNG.normal(size=n)
    value = float(mi.mutual_info(x, y, method=method))
    # truth is ~29.9 bits; k-th neighbour counts resolve at most about log2(n) = 14.3 bits
    assert math.isfinite(value)
    assert 10.0 < value < math.log2(n) + 1.0


def test_entropy_extremes() -> None:
    n = 50_000
    x = RNG.normal(size=n)
    truth = 0.5 * math.log2(2 * math.pi * math.e)
    for scale_exp in (-300, 0, 300):
        shift = scale_exp * math.log2(10.0)
        for method, tol in (("kl", 0.05), ("gaussian", 0.01)):
            value = float(mi.entropy(x * 10.0**scale_exp, method=method))
            assert value == pytest.approx(truth + shift, abs=tol), (method, scale_exp)
    # a class of probability 1e-6: p log p terms far from log(0)
    s = np.zeros(10**6, dtype=np.int64)
    s[0] = 1
    p = 1e-6
    exact = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
    assert float(mi.entropy(s, method="plugin")) == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("method", ["plugin", "chao_shen"])
def test_exactly_independent_design_gives_zero(method: str) -> None:
    a = np.repeat(np.arange(8), 8 * 500)
    b = np.tile(np.arange(8), 8 * 500)  # every (a, b) cell equally often: I = 0 exactly
    assert abs(float(mi.mutual_info(a, b, method=method))) < 1e-12


@pytest.mark.parametrize(
    ("method", "tolerance"),
    [("ksg1", 0.06), ("ksg2", 0.06), ("copula_ksg", 0.06), ("gaussian", 1e-3), ("gaussian_copula", 1e-3)],
)
def test_independent_samples_near_zero(method: str, tolerance: float) -> None:
    n = 20_000
    x, y = RNG.normal(size=n), RNG.normal(size=n)
    value = float(mi.mutual_info(x, y, method=method))
    assert math.isfinite(value) and abs(value) < tolerance


def test_conditional_near_deterministic_given_z() -> None:
    n = 20_000
    z, a, b = RNG.normal(size=(3, n))
    x, y = z + 1e-9 * a, z + 1e-9 * b  # independent given z: I(X; Y | Z) = 0
    for method in ("ksg1", "ksg2", "copula_ksg"):
        assert abs(float(mi.conditional_mutual_info(x, y, z, method=method))) < 0.05
    assert abs(float(mi.conditional_mutual_info(x, y, z, method="gaussian"))) < 1e-3
    # identical ranks: for the Gaussian copula x is a function of z, constant given z: CMI 0
    with pytest.warns(mi.ConstantInputWarning, match="linear function of `z`"):
        assert float(mi.conditional_mutual_info(x, y, z, method="gaussian_copula")) == 0.0


def test_extreme_bases_stay_finite() -> None:
    x = _uniform_symbols(10, 4)
    bits = float(mi.entropy(x, method="plugin", discrete=True))
    near_one = float(mi.entropy(x, method="plugin", discrete=True, base=1.0 + 1e-12))
    huge = float(mi.entropy(x, method="plugin", discrete=True, base=1e300))
    assert near_one == pytest.approx(bits * math.log(2.0) / math.log(1.0 + 1e-12), rel=1e-9)
    assert huge == pytest.approx(bits * math.log(2.0) / math.log(1e300), rel=1e-12)


@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_transfer_entropy_history_search_at_extreme_scales(scale: float) -> None:
    """The Ragwitz history search and the trend screen standardise the series: at 1e±300 a
    plain standard deviation overflows or underflows (it squares the data)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=600)
    y = np.r_[0.0, 0.8 * x[:-1]] + 0.3 * rng.normal(size=600)
    reference = mi.transfer_entropy(x, y, history="auto")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        scaled = mi.transfer_entropy(x * scale, y * scale, history="auto")
    assert float(scaled) == float(reference) and float(reference) > 1.0
