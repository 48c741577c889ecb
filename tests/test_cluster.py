"""Clustering agreement: parity with scikit-learn, closed forms, degenerate cases, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from sklearn.metrics.cluster._expected_mutual_info_fast import expected_mutual_information

import mutinfo as mi
from mutinfo.estimators._emi import (
    _emi_pairs,
    _emi_pairs_serial,
    _small_table,
    expected_mutual_info,
    small_label_table,
)

AVERAGES = ("min", "geometric", "arithmetic", "max")
TOL = 1e-10


def _random_labelings(seed: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random pairs with every kind of degenerate member mixed in."""
    rng = np.random.default_rng(seed)
    out = []
    for t in range(count):
        n = int(rng.integers(1, 80))
        x = rng.integers(0, int(rng.integers(1, 12)), n)
        y = rng.integers(0, int(rng.integers(1, 12)), n)
        kind = t % 6
        if kind == 1:
            y = np.zeros(n, np.int64)  # single cluster
        elif kind == 2:
            y = (3 * x + 1) % 17  # a relabelling of x
        elif kind == 3:
            x, y = np.arange(n), rng.permutation(n)  # both all singletons
        elif kind == 4:
            x, y = np.zeros(n, np.int64), np.full(n, 5)  # both one cluster
        out.append((x, y))
    return out


def _singletons_with_min(x: np.ndarray, y: np.ndarray, average: str) -> bool:
    # the one 0/0 case where scikit-learn's value is rounding noise (see adjusted_mutual_info)
    n = x.shape[0]
    sizes = (np.unique(x).shape[0], np.unique(y).shape[0])
    return average == "min" and n in sizes and sizes != (n, n) and 1 not in sizes


@pytest.mark.parametrize("average", AVERAGES)
def test_nmi_ami_match_sklearn_on_random_labelings(average: str) -> None:
    for x, y in _random_labelings(0, 120):
        assert mi.normalized_mutual_info(x, y, average=average) == pytest.approx(
            skm.normalized_mutual_info_score(x, y, average_method=average), abs=TOL
        )
        if _singletons_with_min(x, y, average):
            continue
        assert mi.adjusted_mutual_info(x, y, average=average) == pytest.approx(
            skm.adjusted_mutual_info_score(x, y, average_method=average), abs=TOL
        )


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 3.0])
def test_homogeneity_completeness_v_match_sklearn(beta: float) -> None:
    for x, y in _random_labelings(1, 80):
        ours = mi.homogeneity_completeness_v_measure(x, y, beta=beta)
        if beta == 0.0 and ours[1] == 0.0 < ours[0]:  # scikit-learn divides by zero here
            assert ours[2] == ours[0]
            continue
        theirs = skm.homogeneity_completeness_v_measure(x, y, beta=beta)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)


def test_larger_tables_match_sklearn() -> None:
    # sparse (sort) path of the table: 400 x 300 possible cells for 2000 samples
    rng = np.random.default_rng(2)
    x = rng.integers(0, 400, 2000)
    y = (x // 2 + rng.integers(0, 40, 2000)) % 300
    for average in AVERAGES:
        assert mi.adjusted_mutual_info(x, y, average=average) == pytest.approx(
            skm.adjusted_mutual_info_score(x, y, average_method=average), abs=TOL
        )
        assert mi.normalized_mutual_info(x, y, average=average) == pytest.approx(
            skm.normalized_mutual_info_score(x, y, average_method=average), abs=TOL
        )


def test_degenerate_conventions() -> None:
    one = [7]
    assert mi.normalized_mutual_info(one, ["a"]) == 1.0
    assert mi.adjusted_mutual_info(one, ["a"]) == 1.0
    assert mi.homogeneity_completeness_v_measure(one, ["a"]) == (1.0, 1.0, 1.0)
    single, split = np.zeros(6), np.arange(6)
    assert mi.normalized_mutual_info(single, single + 3) == 1.0
    assert mi.adjusted_mutual_info(single, single + 3) == 1.0
    assert mi.normalized_mutual_info(single, split) == 0.0
    assert mi.adjusted_mutual_info(split, single) == 0.0
    assert mi.homogeneity_completeness_v_measure(split, single) == (0.0, 1.0, 0.0)
    for average in AVERAGES:  # identical partitions, any naming
        assert mi.adjusted_mutual_info(split, split[::-1], average=average) == 1.0
        assert mi.normalized_mutual_info(split, split[::-1], average=average) == pytest.approx(1.0, abs=1e-15)
    # all singletons against a coarser partition: E[I] = I, so the numerator is 0
    coarse = np.array([0, 0, 1, 1, 1, 2])
    assert mi.adjusted_mutual_info(split, coarse, average="min") == 1.0  # eps / eps
    assert abs(mi.adjusted_mutual_info(split, coarse, average="max")) < 1e-14


def test_string_and_pandas_labels_equal_integer_labels() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, 300)
    y = (x + rng.integers(0, 3, 300)) % 4
    names = np.array(["ant", "bee", "cat", "dog", "eel"])
    as_strings = names[x].tolist()
    as_category = pd.Series(pd.Categorical(names[y]))
    assert mi.adjusted_mutual_info(as_strings, as_category) == pytest.approx(
        mi.adjusted_mutual_info(x, y), abs=1e-15
    )
    assert mi.normalized_mutual_info(as_strings, y.astype(float)) == pytest.approx(
        mi.normalized_mutual_info(x, y), abs=1e-15
    )
    assert mi.normalized_mutual_info(x.astype(bool), y == 1) == pytest.approx(
        skm.normalized_mutual_info_score(x.astype(bool), y == 1), abs=TOL
    )


def test_nmi_not_adjusted_for_chance_but_ami_is() -> None:
    # independent random labellings with many clusters: NMI well above 0, AMI about 0
    rng = np.random.default_rng(4)
    nmis, amis = [], []
    for _ in range(20):
        x = rng.integers(0, 20, 200)
        y = rng.integers(0, 20, 200)
        nmis.append(mi.normalized_mutual_info(x, y))
        amis.append(mi.adjusted_mutual_info(x, y))
    assert np.mean(nmis) > 0.2
    # E[AMI] = 0 under the permutation model; sd of one AMI here is about 0.01-0.02
    assert abs(np.mean(amis)) < 0.02


def test_variation_of_information_closed_forms() -> None:
    # two independent fair bits: VI = H(U|V) + H(V|U) = 2 bits
    assert float(mi.variation_of_information([0, 0, 1, 1], [0, 1, 0, 1])) == pytest.approx(2.0, abs=1e-15)
    vi = mi.variation_of_information(np.arange(8), np.zeros(8), base=math.e)
    assert vi.unit == "nats" and float(vi) == pytest.approx(math.log(8), abs=1e-15)
    assert float(mi.variation_of_information(["a", "b", "a"], [2, 1, 2])) == 0.0
    # VI = H(U) + H(V) - 2 I(U;V), and it is a metric (triangle inequality)
    rng = np.random.default_rng(5)
    u, v, w = (rng.integers(0, k, 500) for k in (3, 5, 7))

    def h(labels: np.ndarray) -> float:  # plug-in entropy in nats
        p = np.unique(labels, return_counts=True)[1] / labels.shape[0]
        return float(-(p * np.log(p)).sum())

    vi_uv = mi.variation_of_information(u, v, base=math.e)
    assert float(vi_uv) == pytest.approx(h(u) + h(v) - 2 * skm.mutual_info_score(u, v), abs=1e-12)
    vi_vw = mi.variation_of_information(v, w)
    vi_uw = mi.variation_of_information(u, w)
    assert float(mi.variation_of_information(u, v)) <= float(vi_uw) + float(vi_vw) + 1e-12


def test_expected_mi_matches_sklearn_and_closed_form() -> None:
    rng = np.random.default_rng(6)
    for n, ra, rb in [(10, 3, 4), (200, 7, 5), (5000, 50, 30), (40, 40, 40)]:
        x = rng.integers(0, ra, n)
        y = rng.integers(0, rb, n)
        na = np.unique(x, return_counts=True)[1]
        nb = np.unique(y, return_counts=True)[1]
        theirs = expected_mutual_information(skm.cluster.contingency_matrix(x, y, sparse=True), n)
        assert expected_mutual_info(na, nb) == pytest.approx(theirs, rel=1e-11, abs=1e-14)
    # a singleton side: I = H(other) for every permutation, so E[I] = H(other)
    nb = np.array([3, 5, 2])
    p = nb / nb.sum()
    assert expected_mutual_info(np.ones(10, np.int64), nb) == pytest.approx(-(p * np.log(p)).sum(), abs=1e-14)


def test_expected_mi_parallel_equals_serial_bitwise() -> None:
    rng = np.random.default_rng(7)
    ua = np.unique(rng.integers(1, 5000, 40)).astype(np.int64)
    ub = np.unique(rng.integers(1, 5000, 25)).astype(np.int64)
    ma = np.ones(ua.shape[0], np.int64)
    mb = np.ones(ub.shape[0], np.int64)
    n = int(max(ua.sum(), ub.sum()))  # margins need not sum to n for the per-pair kernel
    par = _emi_pairs(ua, ma, ub, mb, n)
    ser = _emi_pairs_serial(ua, ma, ub, mb, n)
    assert np.array_equal(par, ser)


def test_large_n_matches_sklearn() -> None:
    rng = np.random.default_rng(8)
    n = 200_000
    x = rng.integers(0, 50, n)
    y = (x + rng.integers(0, 7, n)) % 30
    assert mi.adjusted_mutual_info(x, y) == pytest.approx(skm.adjusted_mutual_info_score(x, y), abs=TOL)
    assert mi.normalized_mutual_info(x, y) == pytest.approx(skm.normalized_mutual_info_score(x, y), abs=TOL)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: mi.normalized_mutual_info([0, 1], [0, 1], average="mean"),
            ValueError,
            "`average` must be one of",
        ),
        (lambda: mi.adjusted_mutual_info([0, 1], [0, 1, 1]), ValueError, "same number of samples"),
        (lambda: mi.adjusted_mutual_info([], []), ValueError, "at least one sample"),
        (
            lambda: mi.normalized_mutual_info([0.5, 1.0], [0, 1]),
            ValueError,
            "fractional float values such as 0.5",
        ),
        (lambda: mi.normalized_mutual_info([0, np.nan], [0, 1]), ValueError, "finite"),
        (
            lambda: mi.normalized_mutual_info(np.zeros((4, 2)), [0, 1, 0, 1]),
            ValueError,
            "must be a 1-D array",
        ),
        (lambda: mi.homogeneity_completeness_v_measure([0], [0], beta=-1), ValueError, "`beta` must be"),
        (lambda: mi.variation_of_information([0], [0], base=1), ValueError, "`base`"),
        (lambda: mi.adjusted_mutual_info(iter([0, 1]), [0, 1]), TypeError, "iterator"),
    ],
)
def test_bad_input(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_one_pass_path_and_general_path_agree() -> None:
    # int arrays with labels in [0, 256) take one counting pass; anything else is encoded
    # first. Both must give the same table (and sklearn's values)
    rng = np.random.default_rng(9)
    x = rng.integers(0, 40, 70_000)
    y = (x + rng.integers(0, 5, 70_000)) % 25
    reference = skm.adjusted_mutual_info_score(x, y)
    variants = [
        (x, y),
        (x.astype(np.int32), y.astype(np.uint8)),
        (x + 300, y),  # out of range on the right: general path
        (x - 20, y),  # negative labels: general path
        (x, (y * 11).astype(np.int64) + 250),  # crosses 256 inside the array
        (x.tolist(), y),  # not an ndarray
    ]
    for a, b in variants:
        assert mi.adjusted_mutual_info(a, b) == pytest.approx(reference, abs=TOL)
    # the parallel table kernel (normally only for n >= 2**22) counts exactly the same
    np.testing.assert_array_equal(_small_table(x, y, 256, 3)[1], small_label_table(x, y, 1).ravel())
    single = mi.normalized_mutual_info(x[:1000], y[:1000])
    assert single == pytest.approx(skm.normalized_mutual_info_score(x[:1000], y[:1000]), abs=TOL)


def test_expected_mi_against_40_digit_reference() -> None:
    """E[I] for margins with n = 1e6 against a 40-digit sum.

    The reference was computed with mpmath (mp.dps = 40) as the sum over every cell and
    every k within 80 sd of the mode (the rest is below 1e-300) of
    exp(lgamma terms) * (k / N) * log(N k / (a b)); that script::

        lg = mp.loggamma
        base = lg(a + 1) + lg(b + 1) + lg(N - a + 1) + lg(N - b + 1) - lg(N + 1)
        p = mp.e ** (base - lg(k + 1) - lg(a - k + 1) - lg(b - k + 1) - lg(N - a - b + k + 1))
        s += p * mp.mpf(k) / N * mp.log(mp.mpf(N) * k / (a * b))

    scikit-learn's log-gamma differences of numbers near 1e7 leave it 2.3e-8 off here.
    """
    na = np.array([600000, 300000, 99000, 1000])
    nb = np.array([500000, 450000, 49990, 10])
    reference = 4.181391543723392e-06
    assert expected_mutual_info(na, nb) == pytest.approx(reference, rel=1e-11)
