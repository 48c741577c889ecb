"""Tests of mutinfo.inference: calibration, power, p-value arithmetic, repeatability, intervals, FDR.

Tolerances
----------
* Calibration: under H0 the permutation p-value is exactly valid, and with m = 39 resamples
  P(p <= 0.05) = 2/40 = 0.05 exactly (alpha (m + 1) is an integer), so the rejection count
  over N independent data sets is Binomial(N, <= 0.05). With N = 600 its standard deviation
  is 0.0089, so the band [0.03, 0.07] is about +-2.2 SD around 0.05 (the lower end also
  allows for the conservative handling of exact ties). m = 39 rather than 99 keeps the
  test fast; the p-value grid is coarser but the size is still exact.
* Coverage: over R = 100 repetitions the coverage count of a 90% interval is roughly
  Binomial(100, 0.9) (SD 0.03); the bands leave about 4 SD below and room for the
  conservative side, plus estimator bias for KSG.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.stats

import mutinfo as mi
from mutinfo.inference import TIE_RTOL, _pvalue

ALPHA = 0.05


def _rejection_rate(pvalues: list[float]) -> float:
    return float(np.mean(np.asarray(pvalues) <= ALPHA))


# --------------------------------------------------------------------------- calibration


def test_calibration_discrete_plugin() -> None:
    rng = np.random.default_rng(20261125)
    pvalues = []
    for _ in range(600):
        x = rng.integers(0, 4, 100)
        y = rng.integers(0, 4, 100)
        res = mi.independence_test(x, y, method="plugin", n_resamples=39, rng=rng)
        pvalues.append(res.pvalue)
    rate = _rejection_rate(pvalues)
    assert 0.03 <= rate <= 0.07, rate
    # the p-values are (b + 1) / 40 on a grid and roughly uniform under H0
    assert 0.4 <= float(np.mean(pvalues)) <= 0.6


def test_calibration_continuous_ksg() -> None:
    rng = np.random.default_rng(7)
    pvalues = []
    for _ in range(600):
        x = rng.normal(size=100)
        y = rng.standard_t(3, size=100)
        res = mi.independence_test(x, y, method="ksg1", n_resamples=39, rng=rng)
        pvalues.append(res.pvalue)
    rate = _rejection_rate(pvalues)
    assert 0.03 <= rate <= 0.07, rate


def _chain_discrete(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    x = rng.integers(0, 3, n)
    z = np.where(rng.random(n) < 0.7, x, rng.integers(0, 3, n))
    y = np.where(rng.random(n) < 0.7, z, rng.integers(0, 3, n))
    return x, y, z


def test_conditional_calibration_discrete_z_chain() -> None:
    # X -> Z -> Y: X and Y are dependent, but independent given Z
    rng = np.random.default_rng(11)
    pvalues = []
    marginal = []
    for _ in range(300):
        x, y, z = _chain_discrete(rng, 150)
        res = mi.independence_test(x, y, z, method="plugin", n_resamples=19, rng=rng)
        assert res.scheme == "stratified"
        pvalues.append(res.pvalue)
        if len(marginal) < 20:
            marginal.append(mi.independence_test(x, y, method="plugin", n_resamples=19, rng=rng).pvalue)
    rate = _rejection_rate(pvalues)
    assert 0.02 <= rate <= 0.09, rate  # N = 300: SD 0.0126
    # without conditioning the same data are clearly dependent
    assert max(marginal) <= ALPHA


def _chain_continuous(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    x = rng.normal(size=n)
    z = x + 0.7 * rng.normal(size=n)
    y = z + 0.7 * rng.normal(size=n)
    return x, y, z


def test_conditional_calibration_continuous_z_chain() -> None:
    # the local permutation scheme is approximate: a looser band (N = 300: SD 0.0126). The
    # Gaussian CMI estimator is used here because it is fast; the scheme is what is tested.
    rng = np.random.default_rng(12)
    pvalues = []
    for _ in range(300):
        res = mi.independence_test(*_chain_continuous(rng, 100), method="gaussian", n_resamples=19, rng=rng)
        assert res.scheme == "local"
        pvalues.append(res.pvalue)
    rate = _rejection_rate(pvalues)
    assert 0.015 <= rate <= 0.09, rate


def test_conditional_calibration_continuous_z_chain_ksg() -> None:
    # the same with the kNN CMI estimator, fewer data sets: it must not be anti-conservative
    rng = np.random.default_rng(14)
    pvalues = [
        mi.independence_test(*_chain_continuous(rng, 100), method="ksg1", n_resamples=19, rng=rng).pvalue
        for _ in range(80)
    ]
    assert _rejection_rate(pvalues) <= 0.125  # 10 of 80; the expected count is 4 (SD 1.9)


def test_conditional_test_detects_direct_link() -> None:
    rng = np.random.default_rng(13)
    n = 300
    z = rng.normal(size=n)
    x = z + rng.normal(size=n)
    y = z + 0.8 * x + rng.normal(size=n)
    res = mi.independence_test(x, y, z, method="ksg1", n_resamples=99, rng=0)
    assert res.pvalue == pytest.approx(0.01)


# --------------------------------------------------------------------------- power


def test_power_on_nonmonotone_dependence_where_pearson_fails() -> None:
    rng = np.random.default_rng(3)
    mi_rejects = 0
    pearson_rejects = 0
    n_sets = 20
    for _ in range(n_sets):
        x = rng.normal(size=500)
        y = x**2 + 0.5 * rng.normal(size=500)
        mi_rejects += mi.independence_test(x, y, method="ksg1", n_resamples=99, rng=rng).pvalue <= ALPHA
        pearson_rejects += scipy.stats.pearsonr(x, y).pvalue <= ALPHA
    assert mi_rejects == n_sets  # power 1.0
    assert pearson_rejects < n_sets / 2  # Pearson misses it in most data sets


# --------------------------------------------------------------------------- p-value arithmetic


def test_pvalue_is_b_plus_one_over_m_plus_one() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=80)
    y = 0.2 * x + rng.normal(size=80)
    for alternative in ("greater", "less", "two-sided"):
        res = mi.independence_test(x, y, method="ksg1", n_resamples=57, rng=1, alternative=alternative)
        null = res.null_distribution
        stat = float(res.statistic)
        assert null.shape == (57,)
        greater = (np.count_nonzero(null >= stat) + 1) / 58
        less = (np.count_nonzero(null <= stat) + 1) / 58
        expected = {"greater": greater, "less": less, "two-sided": min(1.0, 2 * min(greater, less))}
        assert res.pvalue == expected[alternative]


def test_pvalue_counts_near_ties_as_extreme() -> None:
    observed = 0.3
    null = np.array([0.1, observed * (1 - TIE_RTOL / 10), observed, 0.2, 0.5])
    # b = 3: the exact tie, the floating-point near-tie and 0.5
    assert _pvalue(observed, null, "greater") == 4 / 6
    assert _pvalue(observed, null, "less") == 5 / 6
    assert _pvalue(observed, np.array([observed * (1 - 1e-6)]), "greater") == 1 / 2


def test_smallest_pvalue_and_units() -> None:
    rng = np.random.default_rng(6)
    x = rng.integers(0, 3, 300)
    y = (x + (rng.random(300) < 0.1)) % 3
    res_bits = mi.independence_test(x, y, method="plugin", n_resamples=199, rng=2)
    res_nats = mi.independence_test(x, y, method="plugin", n_resamples=199, rng=2, base=math.e)
    assert res_bits.pvalue == 1 / 200
    assert res_bits.unit == "bits" and res_nats.unit == "nats"
    assert float(res_bits.statistic) == pytest.approx(float(mi.mutual_info(x, y, method="plugin")))
    np.testing.assert_allclose(res_nats.null_distribution, res_bits.null_distribution * math.log(2))
    assert res_bits.effective == pytest.approx(float(res_bits.statistic) - res_bits.null_distribution.mean())
    # plug-in bias at independence is about (3 - 1)(3 - 1) / (2 n) nats
    assert res_nats.null_mean == pytest.approx(4 / 600, rel=0.35)
    text = repr(res_bits)
    assert "pvalue=0.005" in text and "bits" in text and "plugin" in text


def test_constant_input_gives_zero_and_pvalue_one() -> None:
    x = np.ones(50)
    y = np.random.default_rng(0).normal(size=50)
    with pytest.warns(mi.ConstantInputWarning, match="`x` is constant"):
        res = mi.independence_test(x, y, n_resamples=19)
    assert float(res.statistic) == 0.0 and res.pvalue == 1.0
    ci = res.confidence_interval()
    assert float(ci.low) == float(ci.high) == 0.0


# --------------------------------------------------------------------------- repeatability


def test_same_rng_bit_identical_and_different_rng_differs() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(size=120)
    y = np.sin(x) + rng.normal(size=120)
    a = mi.independence_test(x, y, method="ksg1", n_resamples=49, rng=42)
    b = mi.independence_test(x, y, method="ksg1", n_resamples=49, rng=np.random.default_rng(42))
    c = mi.independence_test(x, y, method="ksg1", n_resamples=49, rng=43)
    assert a.null_distribution.tobytes() == b.null_distribution.tobytes()
    assert a.pvalue == b.pvalue and float(a.statistic) == float(b.statistic)
    assert not np.array_equal(a.null_distribution, c.null_distribution)
    ca, cb = a.confidence_interval(n_resamples=30, rng=1), b.confidence_interval(n_resamples=30, rng=1)
    assert (float(ca.low), float(ca.high)) == (float(cb.low), float(cb.high))


def test_randomised_estimator_repeats_exactly() -> None:
    # method="auto" on continuous data draws Gaussian surrogates from `rng` inside each estimate
    rng = np.random.default_rng(18)
    x = rng.normal(size=150)
    y = x + rng.normal(size=150)
    a = mi.independence_test(x, y, n_resamples=19, rng=5)
    b = mi.independence_test(x, y, n_resamples=19, rng=5)
    assert a.null_distribution.tobytes() == b.null_distribution.tobytes()
    assert float(a.statistic) == float(mi.mutual_info(x, y, rng=5))
    first = a.confidence_interval(n_resamples=20, rng=1)
    again = a.confidence_interval(n_resamples=20, rng=1)
    assert (float(first.low), float(first.high)) == (float(again.low), float(again.high))


@pytest.mark.parametrize("with_z", [False, True])
def test_n_jobs_does_not_change_results(with_z: bool) -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(size=200)
    z = x + rng.normal(size=200)
    y = z + rng.normal(size=200)
    args = (x, y, z) if with_z else (x, y)
    one = mi.independence_test(*args, method="ksg1", n_resamples=29, rng=3, n_jobs=1)
    two = mi.independence_test(*args, method="ksg1", n_resamples=29, rng=3, n_jobs=2)
    assert one.null_distribution.tobytes() == two.null_distribution.tobytes()
    assert float(one.statistic) == float(two.statistic) and one.pvalue == two.pvalue


def test_conditional_schemes_respect_z() -> None:
    from mutinfo._resampling import local_permutation, stratified_permutation, z_neighbours

    rng = np.random.default_rng(10)
    strata = rng.integers(0, 5, 200)
    order = np.argsort(strata, kind="stable")
    perm = stratified_permutation(strata, order, rng)
    assert np.array_equal(np.sort(perm), np.arange(200))
    assert np.array_equal(strata[perm], strata)
    assert not np.array_equal(perm, np.arange(200))

    z = rng.normal(size=(300, 1))
    neighbours = z_neighbours(z, 5)
    perm = local_permutation(neighbours, z, rng)
    assert np.array_equal(np.sort(perm), np.arange(300))  # a true permutation: no duplicated rows
    in_hood = np.array([perm[i] in neighbours[i] for i in range(300)])
    assert in_hood.mean() > 0.85  # almost every row takes a y from its k_perm neighbourhood
    assert np.median(np.abs(z[perm, 0] - z[:, 0])) < 0.05


# --------------------------------------------------------------------------- confidence intervals


def _coverage(draw, truth: float, method: str, *, reps: int = 100, ci_method: str = "subsample") -> float:
    rng = np.random.default_rng(2024)
    hits = 0
    for _ in range(reps):
        x, y = draw(rng)
        res = mi.independence_test(x, y, method=method, n_resamples=1, base=math.e, rng=rng)
        ci = res.confidence_interval(0.90, method=ci_method, n_resamples=60, rng=rng)
        assert ci.low <= ci.high and ci.confidence_level == 0.90 and ci.method == ci_method
        hits += ci.low <= truth <= ci.high
    return hits / reps


def _bsc(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.integers(0, 2, 400)
    return x, x ^ (rng.random(400) < 0.1)


BSC_TRUTH = math.log(2) + 0.1 * math.log(0.1) + 0.9 * math.log(0.9)  # nats


def _noisy_copy(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # 8 x 8 table, n = 300: the plug-in bias (about 0.1 nats) is as large as its standard error
    x = rng.integers(0, 8, 300)
    return x, np.where(rng.random(300) < 0.5, x, rng.integers(0, 8, 300))


_JOINT = np.full((8, 8), 0.5 / 64) + np.diag(np.full(8, 0.5 / 8))
NOISY_COPY_TRUTH = float((_JOINT * np.log(_JOINT * 64)).sum())  # nats


@pytest.mark.parametrize("ci_method", ["subsample", "basic"])
def test_coverage_discrete_plugin(ci_method: str) -> None:
    cover = _coverage(_bsc, BSC_TRUTH, "plugin", ci_method=ci_method)
    assert 0.80 <= cover <= 0.98, cover


def test_coverage_discrete_plugin_needs_its_bias_correction() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.UndersampledWarning)
        cover = _coverage(_noisy_copy, NOISY_COPY_TRUTH, "plugin")
        uncorrected = _coverage(_noisy_copy, NOISY_COPY_TRUTH, "plugin", ci_method="percentile")
    assert 0.78 <= cover <= 0.98, cover
    assert uncorrected < 0.6, uncorrected  # the plug-in bias pushes percentile intervals off the truth


def test_coverage_gaussian_ksg() -> None:
    rho = 0.6

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.normal(size=400)
        return x, rho * x + math.sqrt(1 - rho**2) * rng.normal(size=400)

    cover = _coverage(draw, -0.5 * math.log(1 - rho**2), "ksg1")
    assert 0.80 <= cover <= 0.98, cover


def test_interval_arguments_and_kinds() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    res = mi.independence_test(x, x + rng.normal(size=60), method="ksg1", n_resamples=9)
    with pytest.raises(ValueError, match=r"`method` 'basic'.*all-discrete.*x: continuous"):
        res.confidence_interval(method="basic")
    with pytest.raises(ValueError, match=r"`confidence_level`.*got 1\.5"):
        res.confidence_interval(1.5)
    with pytest.raises(ValueError, match=r"`method` must be one of.*got 'bca'"):
        res.confidence_interval(method="bca")
    with pytest.raises(ValueError, match=r"`n_resamples` must be an integer >= 1; got 0"):
        res.confidence_interval(n_resamples=0)
    with pytest.warns(mi.SmallSampleWarning):
        tiny = mi.independence_test(x[:7], x[:7] ** 3 + rng.normal(size=7), method="ksg1", n_resamples=9)
    with pytest.raises(ValueError, match=r"b = n // 2 = 3 rows, which must exceed k = 3.*got n = 7"):
        tiny.confidence_interval()
    ci = res.confidence_interval(0.8, n_resamples=50)
    assert "80%" in repr(ci) and ci.low.unit == "bits"


def test_interval_for_conditional_mi_contains_estimate() -> None:
    rng = np.random.default_rng(4)
    x, y, z = _chain_discrete(rng, 600)
    y = np.where(rng.random(600) < 0.5, x, y)  # add a direct X-Y link
    res = mi.independence_test(x, y, z, method="plugin", n_resamples=19, rng=0)
    ci = res.confidence_interval(n_resamples=100, rng=0)
    assert ci.low < float(res.statistic) < ci.high
    assert ci.low > 0


# --------------------------------------------------------------------------- FDR


def test_fdr_matches_definition_and_scipy() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.20, 0.001])
    m = p.size
    order = np.argsort(p)
    raw = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(raw[::-1])[::-1]
    expected = np.empty(m)
    expected[order] = np.minimum(q_sorted, 1)
    np.testing.assert_allclose(mi.fdr(p), expected, rtol=1e-12)
    by = mi.fdr(p, method="by")
    np.testing.assert_allclose(by, np.minimum(expected * sum(1 / i for i in range(1, m + 1)), 1), rtol=1e-12)
    np.testing.assert_array_equal(mi.fdr(p, alpha=0.05), expected <= 0.05)
    assert mi.fdr(p, alpha=0.05).dtype == bool


def test_fdr_keeps_shape_and_pandas_index() -> None:
    import pandas as pd

    p = np.array([[0.01, 0.5], [0.02, 0.03]])
    q = mi.fdr(p)
    assert q.shape == (2, 2)
    np.testing.assert_allclose(q.ravel(), mi.fdr(p.ravel()))
    s = pd.Series([0.01, 0.5, 0.02], index=["a", "b", "c"], name="p")
    out = mi.fdr(s, alpha=0.05)
    assert list(out.index) == ["a", "b", "c"] and out.name == "p"
    assert out.tolist() == [True, False, True]


def test_fdr_controls_false_discoveries_on_permutation_pvalues() -> None:
    # 40 null features and 10 real ones: BH at 0.1 keeps the real ones and few false ones
    rng = np.random.default_rng(21)
    n = 200
    target = rng.normal(size=n)
    pvalues = []
    for j in range(50):
        feature = 0.5 * rng.normal(size=n) + (np.abs(target) if j < 10 else 0.0)
        pvalues.append(mi.independence_test(feature, target, method="ksg1", n_resamples=99, rng=rng).pvalue)
    rejected = mi.fdr(pvalues, alpha=0.1)
    assert rejected[:10].all()
    assert rejected[10:].sum() <= 4
