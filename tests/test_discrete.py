"""Discrete estimators: closed forms, information-theory properties, kernels, the auto rule.

Tolerances come from the estimators' known bias and variance: the plug-in MI of a table with
K cells has bias (K_x - 1)(K_y - 1)/(2n) to first order (Miller 1955) and sampling sd
sqrt(Var[i(X;Y)]/n) where i is the information density log p(x,y)/(p(x)p(y)); we allow 5 sd.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, special, stats

import mutinfo as mi
from mutinfo._variable import Variable
from mutinfo.estimators import discrete as dk
from mutinfo.estimators._method import Options

E = math.e
METHODS = ("plugin", "miller_madow", "chao_shen", "nsb")


@pytest.fixture(autouse=True)
def _quiet_undersampling():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.UndersampledWarning)
        warnings.simplefilter("ignore", mi.ConstantInputWarning)
        yield


def channel(rng: np.random.Generator, q: int, e: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform X over q symbols; Y = X with probability 1 - e, else one of the others."""
    x = rng.integers(0, q, n)
    flip = rng.random(n) < e
    return x, np.where(flip, (x + rng.integers(1, q, n)) % q, x)


def channel_truth(q: int, e: float) -> tuple[float, float]:
    """True MI (nats) and the sd of the information density."""
    good, bad = math.log(q * (1 - e)), math.log(q * e / (q - 1))
    return math.log(q) + (1 - e) * math.log(1 - e) + e * math.log(e) - e * math.log(q - 1), math.sqrt(
        e * (1 - e)
    ) * abs(good - bad)


def var(codes: np.ndarray, name: str = "x") -> Variable:
    c, levels = dk.encode_integers(np.asarray(codes, dtype=np.int64))
    return Variable(name=name, values=np.ascontiguousarray(c), discrete=True, n_levels=levels.shape[0])


# --------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("q", [2, 3, 4, 8, 16, 32, 64])
def test_symmetric_channel(q: int) -> None:
    e, n = 0.2, 250_000
    x, y = channel(np.random.default_rng(q), q, e, n)
    truth, sd_i = channel_truth(q, e)
    sd = sd_i / math.sqrt(n)
    bias = (q - 1) ** 2 / (2 * n)  # first-order plug-in bias, all q^2 cells occupied here
    plugin = mi.mutual_info(x, y, discrete=True, method="plugin", base=E)
    mm = mi.mutual_info(x, y, discrete=True, method="miller_madow", base=E)
    assert abs(plugin - (truth + bias)) <= 5 * sd + 0.05 * bias
    assert abs(mm - truth) <= 5 * sd + 0.05 * bias
    assert mi.mutual_info(x, y, discrete=True).method == "miller_madow"  # n >= 10 q^2
    for method in ("chao_shen", "nsb"):
        assert abs(mi.mutual_info(x, y, discrete=True, method=method, base=E) - truth) <= 5 * sd + bias


@pytest.mark.parametrize("e", [0.01, 0.11, 0.5])
def test_binary_symmetric_channel_bits(e: float) -> None:
    n = 100_000
    x, y = channel(np.random.default_rng(7), 2, e, n)
    truth = 1 - (-(e * math.log2(e)) - (1 - e) * math.log2(1 - e))
    sd = channel_truth(2, e)[1] / math.log(2) / math.sqrt(n)
    value = mi.mutual_info(x, y, method="miller_madow")
    assert value.unit == "bits"
    assert abs(value - truth) <= 5 * sd + 1e-4


def test_xor() -> None:
    rng = np.random.default_rng(3)
    n = 40_000
    a, z = rng.integers(0, 2, n), rng.integers(0, 2, n)
    b = a ^ z
    for method in METHODS:
        i_ab = mi.mutual_info(a, b, method=method)
        assert abs(i_ab) <= 5 * math.sqrt(2) / (2 * n * math.log(2)) + 1 / (2 * n)  # chi2_1 / 2n
        i_abz = mi.conditional_mutual_info(a, b, z, method=method)
        # given z, b is a copy of a: I = H(A|Z) = 1 bit up to the 1/(2n) binomial deficit
        assert abs(i_abz - 1.0) <= 1e-3


def test_discretised_gaussian_entropy() -> None:
    edges = np.linspace(-3, 3, 25)
    p = np.diff(stats.norm.cdf(np.concatenate([[-np.inf], edges, [np.inf]])))
    truth = -np.sum(p * np.log(p))
    sd = math.sqrt(np.sum(p * np.log(p) ** 2) - truth**2)
    n = 200_000
    x = np.digitize(np.random.default_rng(11).normal(size=n), edges)
    for method in ("miller_madow", "chao_shen", "nsb"):
        h = mi.entropy(x, discrete=True, method=method, base=E)
        assert abs(h - truth) <= 5 * sd / math.sqrt(n) + 1e-4, method
    plugin = mi.entropy(x, discrete=True, method="plugin", base=E)
    assert abs(plugin - (truth - (p.size - 1) / (2 * n))) <= 5 * sd / math.sqrt(n)


@pytest.mark.parametrize("k", [2, 5, 16, 100])
def test_uniform_entropy(k: int) -> None:
    n = 50 * k
    x = np.random.default_rng(k).integers(0, k, n)
    # -log p is constant, so the error is second order: sd ~ sqrt((k - 1)/2)/n, bias -(k^2 - 1)/(12 n^2)
    tol = 5 * math.sqrt((k - 1) / 2) / n + k**2 / (12 * n**2)
    assert abs(mi.entropy(x, method="miller_madow", base=E) - math.log(k)) <= tol
    assert abs(mi.entropy(x, method="plugin", base=E) - (math.log(k) - (k - 1) / (2 * n))) <= tol
    assert mi.entropy(x, method="plugin", base=k) <= 1.0


def test_independence_is_chi_square() -> None:
    # 2 n I_plugin -> chi2 with (q-1)^2 degrees of freedom under independence
    q, n = 8, 20_000
    rng = np.random.default_rng(5)
    x, y = rng.integers(0, q, n), rng.integers(0, q, n)
    dof = (q - 1) ** 2
    plugin = mi.mutual_info(x, y, method="plugin", base=E)
    assert abs(plugin - dof / (2 * n)) <= 5 * math.sqrt(2 * dof) / (2 * n)
    assert abs(mi.mutual_info(x, y, method="miller_madow", base=E)) <= 5 * math.sqrt(2 * dof) / (2 * n)


def test_strings_and_bools_match_integers() -> None:
    rng = np.random.default_rng(2)
    x, y = channel(rng, 3, 0.3, 5000)
    names = np.array(["red", "green", "blue"])[x]
    flags = y == 1
    a = mi.mutual_info(names, flags, method="plugin")
    b = mi.mutual_info(x, (y == 1).astype(int), method="plugin")
    assert a == pytest.approx(b, abs=1e-12)


# --------------------------------------------------------------------------- formulas


def test_miller_madow_and_chao_shen_formulas() -> None:
    counts = np.array([1, 1, 2, 3, 0, 5], dtype=np.int64)
    n, m, f1 = 12, 5, 2
    p = counts[counts > 0] / n
    plugin = -np.sum(p * np.log(p))
    assert dk.entropy_from_counts(counts, "plugin") == pytest.approx(plugin, rel=1e-14)
    assert dk.entropy_from_counts(counts, "miller_madow") == pytest.approx(plugin + (m - 1) / (2 * n))
    pa = (1 - f1 / n) * p
    cs = -np.sum(pa * np.log(pa) / (1 - (1 - pa) ** n))
    assert dk.entropy_from_counts(counts, "chao_shen") == pytest.approx(cs, rel=1e-12)
    # all singletons: coverage uses f1 = n - 1 (Chao & Shen 2003)
    ones = np.ones(4, dtype=np.int64)
    pa = np.full(4, (1 - 3 / 4) / 4)
    assert dk.entropy_from_counts(ones, "chao_shen") == pytest.approx(
        -np.sum(pa * np.log(pa) / (1 - (1 - pa) ** 4))
    )


@pytest.mark.parametrize(
    ("counts", "k"), [([3, 1, 1, 0, 0, 0, 0, 0], 8), ([10, 4, 2, 1, 1], 40), ([2, 2], 2)]
)
def test_nsb_matches_quadrature(counts: list[int], k: int) -> None:
    """NSB against an independent adaptive quadrature of the same posterior over β."""
    c = np.array([v for v in counts if v > 0], dtype=float)
    n = c.sum()

    def log_weight(b: float) -> float:
        prior = k * special.polygamma(1, k * b + 1) - special.polygamma(1, b + 1)
        like = special.gammaln(k * b) - special.gammaln(n + k * b)
        like += np.sum(special.gammaln(c + b) - special.gammaln(b))
        return float(like + np.log(prior))

    def mean_h(b: float) -> float:
        tot = n + k * b
        h = special.digamma(tot + 1) - np.sum((c + b) * special.digamma(c + b + 1)) / tot
        return float(h - (k - c.size) * b * special.digamma(b + 1) / tot)

    grid = np.exp(np.linspace(-20, 14, 3001))
    ref = max(log_weight(b) for b in grid)
    w = lambda t: math.exp(log_weight(math.exp(t)) - ref) * math.exp(t)  # noqa: E731
    num = integrate.quad(lambda t: w(t) * mean_h(math.exp(t)), -20, 14, limit=400, points=[0.0])[0]
    den = integrate.quad(w, -20, 14, limit=400, points=[0.0])[0]
    got = dk.entropy_from_counts(np.array(counts), "nsb", k_cells=k)
    assert got == pytest.approx(num / den, rel=2e-4)


def test_nsb_undersampled_uniform_beats_plugin() -> None:
    k, n = 1000, 400
    x = np.random.default_rng(9).integers(0, k, n)
    nsb = dk.entropy_from_counts(np.bincount(x, minlength=k), "nsb", k_cells=k)
    plugin = dk.entropy_from_counts(np.bincount(x), "plugin")
    assert abs(nsb - math.log(k)) < 0.1 < abs(plugin - math.log(k))


# --------------------------------------------------------------------------- properties

labels = st.lists(st.integers(0, 5), min_size=2, max_size=60)


def pairs(draw_len: int = 60):
    return st.integers(2, draw_len).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(-3, 6), min_size=n, max_size=n),
            st.lists(st.integers(0, 4), min_size=n, max_size=n),
            st.lists(st.integers(0, 2), min_size=n, max_size=n),
        )
    )


def _mi(x, y, method="plugin"):
    return float(mi.mutual_info(np.array(x), np.array(y), discrete=True, method=method, base=E))


def _cmi(x, y, z, method="plugin"):
    return float(
        mi.conditional_mutual_info(
            np.array(x), np.array(y), np.array(z), discrete=True, method=method, base=E
        )
    )


@given(pairs())
def test_symmetry(data) -> None:
    x, y, _ = data
    for method in METHODS:
        assert _mi(x, y, method) == pytest.approx(_mi(y, x, method), abs=1e-12)


@given(labels)
def test_self_information_is_entropy_exactly(x) -> None:
    x = np.array(x)
    assert (
        float(mi.mutual_info(x, x, discrete=True, method="plugin"))
        == float(mi.entropy(x, discrete=True, method="plugin"))
        or len(set(x.tolist())) == 1
    )


@given(pairs(), st.permutations(list(range(5))))
def test_relabelling_invariance(data, perm) -> None:
    x, y, z = data
    y2 = [perm[v] for v in y]
    x2 = [1000 * v - 7 for v in x]
    assert _mi(x, y) == pytest.approx(_mi(x2, y2), abs=1e-12)
    assert _cmi(x, y, z) == pytest.approx(_cmi(x2, y2, z), abs=1e-12)


@given(pairs())
def test_nonnegative_plugin(data) -> None:
    x, y, z = data
    assert _mi(x, y) >= -1e-14
    assert _cmi(x, y, z) >= -1e-14


@given(pairs())
def test_chain_rule_exact_for_plugin(data) -> None:
    x1, y, x2 = data
    if len(set(x1)) == 1 or len(set(y)) == 1:
        return  # constant variables short-circuit to 0 by design (tested elsewhere)
    joint = float(
        mi.mutual_info(np.column_stack([x1, x2]), np.array(y), discrete=True, method="plugin", base=E)
    )
    assert joint == pytest.approx(_mi(x1, y) + _cmi(x2, y, x1), abs=1e-12)


@given(
    st.lists(st.integers(1, 4), min_size=2, max_size=3),
    st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=3, max_size=3),
    st.lists(st.lists(st.integers(0, 3), min_size=2, max_size=2), min_size=3, max_size=3),
)
def test_data_processing_on_exact_markov_chain(a, b, c) -> None:
    # counts(x, y, z) = a[x] b[x][y] c[y][z] with equal row sums of c makes the *empirical*
    # distribution exactly Markov X -> Y -> Z, so plug-in obeys DPI and I(X;Z|Y) = 0 exactly
    c = [[v + 1 for v in row] for row in c]
    total = max(sum(row) for row in c)
    c = [[*row[:-1], row[-1] + total - sum(row)] for row in c]
    xs, ys, zs = [], [], []
    for x, ax in enumerate(a):
        for y in range(3):
            for z in range(2):
                reps = ax * b[x][y] * c[y][z]
                xs += [x] * reps
                ys += [y] * reps
                zs += [z] * reps
    if len(set(xs)) < 2 or len(set(ys)) < 2 or len(set(zs)) < 2:
        return
    assert _mi(xs, zs) <= _mi(xs, ys) + 1e-12
    assert abs(_cmi(xs, zs, ys)) <= 1e-12


# --------------------------------------------------------------------------- kernels


@pytest.mark.parametrize(
    "values",
    [
        np.array([5, 3, 3, 9, -2, 5]),
        np.arange(10),
        np.array([7]),
        np.array([0, 2**40, -(2**40), 3]),  # wide range: sort fallback
        np.array([2**62, -(2**62), 0]),
        np.random.default_rng(0).integers(-100, 100, 100_000),
        np.random.default_rng(1).integers(0, 70_000, 100_000),  # beyond the first-scan window
    ],
)
def test_encode_integers(values: np.ndarray) -> None:
    codes, levels = dk.encode_integers(values)
    ref_levels, ref_codes = np.unique(values, return_inverse=True)
    np.testing.assert_array_equal(levels, ref_levels)
    np.testing.assert_array_equal(codes, ref_codes.ravel())
    assert codes.dtype == np.int64 and levels.dtype == np.int64


def test_encode_identity_is_a_readonly_view() -> None:
    values = np.tile(np.arange(50), 10)
    codes, levels = dk.encode_integers(values)
    assert np.shares_memory(codes, values) and not codes.flags.writeable
    np.testing.assert_array_equal(levels, np.arange(50))
    assert values.flags.writeable


def test_pair_cells_dense_and_sparse_agree() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.integers(0, 300, 5000), rng.integers(0, 400, 5000)
    dense = dk.pair_cells(a, 300, b, 400)  # 120 000 cells <= 4n + 4096? no: sparse path
    keys = a * 400 + b
    levels, counts = np.unique(keys, return_counts=True)
    np.testing.assert_array_equal(dense[0], levels // 400)
    np.testing.assert_array_equal(dense[1], levels % 400)
    np.testing.assert_array_equal(dense[2], counts)
    small = dk.pair_cells(a % 7, 7, b % 5, 5)
    ref = np.bincount((a % 7) * 5 + b % 5, minlength=35)
    np.testing.assert_array_equal(small[2], ref[ref > 0])


@pytest.mark.parametrize("quantity", ["entropy", "mi", "cmi"])
def test_bit_identical_across_thread_counts(quantity: str) -> None:
    rng = np.random.default_rng(8)
    n = 2 * dk._MIN_CHUNK + 12_345  # two chunks when two threads run
    x, y = channel(rng, 12, 0.3, n)
    z = rng.integers(-5, 40, n)
    data = {"entropy": (x,), "mi": (x, y), "cmi": (x, y, z)}[quantity]
    fn = {"entropy": mi.entropy, "mi": mi.mutual_info, "cmi": mi.conditional_mutual_info}[quantity]
    for method in METHODS:
        one = fn(*data, discrete=True, method=method, n_jobs=1)
        two = fn(*data, discrete=True, method=method, n_jobs=2)
        assert float(one) == float(two), method


# --------------------------------------------------------------------------- auto rule


def _variables(m_cells: int, n: int) -> tuple[Variable, Variable]:
    # x takes m_cells levels, y = x: exactly m_cells occupied joint cells out of m_cells^2
    x = np.arange(n) % m_cells
    return var(x, "x"), var(x, "y")


def test_auto_threshold_on_occupied_cells() -> None:
    m, r = 50, int(dk.AUTO_MM_RATIO)  # possible cells 2500 > n / r: the occupied count decides
    assert dk.auto_discrete_method("mi", _variables(m, r * m)) == "miller_madow"
    assert dk.auto_discrete_method("mi", _variables(m, r * m - 1)) == "nsb"
    assert dk.auto_discrete_method("entropy", _variables(m, r * m)[:1]) == "miller_madow"
    assert dk.auto_discrete_method("entropy", _variables(m, r * m - 1)[:1]) == "nsb"
    x, y = _variables(m, r * m)
    z = var((np.arange(r * m) // m) % 2, "z")
    assert dk.auto_discrete_method("cmi", (x, y, z)) == "nsb"  # 100 occupied (x, y, z) cells


def test_auto_shortcut_on_possible_cells() -> None:
    rng = np.random.default_rng(1)
    n = int(dk.AUTO_MM_RATIO) * 16
    x, y = var(rng.integers(0, 4, n), "x"), var(rng.integers(0, 4, n), "y")
    assert dk.auto_discrete_method("mi", (x, y)) == "miller_madow"  # n = ratio * 16 possible


def test_undersampled_warning_threshold() -> None:
    m, r = 50, int(dk.UNDERSAMPLED_RATIO)
    x = np.arange(r * m - 1) % m
    with pytest.warns(mi.UndersampledWarning, match="occupied cells"):
        mi.mutual_info(x, x + 1, discrete=True, method="plugin")
    x = np.arange(r * m) % m
    with warnings.catch_warnings():
        warnings.simplefilter("error", mi.UndersampledWarning)
        mi.mutual_info(x, x + 1, discrete=True, method="plugin")
        mi.mutual_info(x, x + 1, discrete=True, method="nsb")


def test_auto_through_public_api_is_nsb_when_undersampled() -> None:
    x, y = channel(np.random.default_rng(6), 32, 0.5, 1000)
    with pytest.warns(mi.UndersampledWarning):
        value = mi.mutual_info(x, y, discrete=True, base=E)
    truth = channel_truth(32, 0.5)[0]
    assert value.method == "nsb"
    assert abs(value - truth) <= max(0.05, 0.1 * truth) + 0.1  # NSB bias at q = 32, n = 1000: <= 0.15


def test_methods_registered() -> None:
    for name in METHODS:
        spec = dk.METHODS[name]
        assert spec.kinds == frozenset({"discrete"})
        assert spec.entropy and spec.mi and spec.cmi
        assert name == "miller_madow" or "doi.org" in spec.reference
        assert name in mi.available_methods("mi")
    assert isinstance(dk.METHODS["plugin"].entropy(var([0, 1, 1]), Options()), float)
