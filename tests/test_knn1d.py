"""The exact 1-D KSG kernels (mutinfo.estimators.knn1d) against brute force and peers.

The reference below evaluates the KSG formulas with scipy's cKDTree (max-norm, p=inf), the
way Kraskov et al. (2004) define them: eps_i is the k-th neighbour distance in the joint
space, n_x / n_y count the other points strictly closer than eps_i (KSG-1), or within the
per-axis extents of the k neighbours (KSG-2). The kernel must agree to 1e-9 nats; in
practice only the summation order differs, so the gap is ~1e-13.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial import cKDTree
from scipy.special import digamma

from mutinfo._threads import numba_threads
from mutinfo.estimators import _sorted1d, knn1d

EXACT = 1e-9


def reference_ksg(x: np.ndarray, y: np.ndarray, k: int, variant: int = 1) -> float:
    """KSG-1/2 in nats by KD-tree, written independently of the kernel under test."""
    n = x.shape[0]
    xy = np.column_stack([x, y])
    dist, idx = cKDTree(xy).query(xy, k=k + 1, p=np.inf)
    tx, ty = cKDTree(x[:, None]), cKDTree(y[:, None])
    if variant == 1:
        r = np.nextafter(dist[:, -1], 0)  # strictly closer than eps_i
        nx = tx.query_ball_point(x[:, None], r, p=np.inf, return_length=True) - 1
        ny = ty.query_ball_point(y[:, None], r, p=np.inf, return_length=True) - 1
        return float(digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1)))
    neighbours = idx[:, 1:]
    ex = np.abs(x[neighbours] - x[:, None]).max(axis=1)
    ey = np.abs(y[neighbours] - y[:, None]).max(axis=1)
    nx = tx.query_ball_point(x[:, None], ex, p=np.inf, return_length=True) - 1
    ny = ty.query_ball_point(y[:, None], ey, p=np.inf, return_length=True) - 1
    return float(digamma(k) - 1.0 / k + digamma(n) - np.mean(digamma(nx) + digamma(ny)))


def gaussian_pair(n: int, rho: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = rho * x + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
    return x, y


@pytest.mark.parametrize("k", [1, 3, 7])
@pytest.mark.parametrize("rho", [0.0, 0.6, 0.99])
@pytest.mark.parametrize("seed", [0, 1])
def test_ksg1_equals_kdtree_reference(k: int, rho: float, seed: int) -> None:
    x, y = gaussian_pair(2000, rho, seed)
    assert knn1d.ksg1_1d(x, y, k) == pytest.approx(reference_ksg(x, y, k), abs=EXACT)


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("rho", [0.0, 0.9])
def test_ksg2_equals_kdtree_reference(k: int, rho: float) -> None:
    x, y = gaussian_pair(1500, rho, 7)
    assert knn1d.ksg2_1d(x, y, k) == pytest.approx(reference_ksg(x, y, k, variant=2), abs=EXACT)


@pytest.mark.parametrize(
    "make",
    [
        # heavy tails: most points in a narrow core, a few very far out
        lambda r: (r.standard_cauchy(1500), r.standard_cauchy(1500)),
        # wildly different scales (the max-norm is then dominated by x)
        lambda r: (1e6 * r.standard_normal(1500), 1e-6 * r.standard_normal(1500)),
        # a noisy deterministic curve and skewed margins
        lambda r: (r.lognormal(size=1500), None),
        # clusters: two far-apart blobs
        lambda r: (np.concatenate([r.normal(0, 1, 750), r.normal(1e4, 1e-3, 750)]), None),
    ],
    ids=["cauchy", "scales", "lognormal-curve", "clusters"],
)
def test_exact_on_awkward_shapes(make) -> None:
    rng = np.random.default_rng(3)
    x, y = make(rng)
    if y is None:
        y = np.sin(x) + 0.1 * rng.standard_normal(x.shape[0])
    for k in (1, 3, 10):
        assert knn1d.ksg1_1d(x, y, k) == pytest.approx(reference_ksg(x, y, k), abs=EXACT)
        assert knn1d.ksg2_1d(x, y, k) == pytest.approx(reference_ksg(x, y, k, 2), abs=EXACT)


@given(
    st.integers(min_value=2, max_value=60).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(min_value=1, max_value=n - 1),
            st.integers(min_value=0, max_value=2**32 - 1),
        )
    )
)
def test_exact_for_any_small_sample(args: tuple[int, int, int]) -> None:
    n, k, seed = args
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = x**2 + rng.uniform(-1, 1, n)
    assert knn1d.ksg1_1d(x, y, k) == pytest.approx(reference_ksg(x, y, k), abs=EXACT)
    assert knn1d.ksg2_1d(x, y, k) == pytest.approx(reference_ksg(x, y, k, 2), abs=EXACT)


def test_matches_sklearn_core_on_its_own_input() -> None:
    """scikit-learn's KSG core (no scaling, no noise) on the same data; it clips at 0."""
    sk = pytest.importorskip("sklearn.feature_selection._mutual_info")
    for rho, k in [(0.6, 3), (0.9, 5), (0.3, 2)]:
        x, y = gaussian_pair(3000, rho, 11)
        ours = knn1d.ksg1_1d(x, y, k)
        assert ours > 0.01  # away from sklearn's clipping at 0
        assert sk._compute_mi_cc(x, y, k) == pytest.approx(ours, abs=EXACT)


def test_matches_sklearn_public_function_after_its_preprocessing() -> None:
    """mutual_info_regression scales by the std and adds 1e-10-scale noise from random_state;
    re-creating that input exactly, our kernel gives sklearn's number."""
    from sklearn.feature_selection import mutual_info_regression
    from sklearn.utils import check_random_state

    x, y = gaussian_pair(2500, 0.6, 5)
    expected = mutual_info_regression(x[:, None], y, n_neighbors=3, random_state=42)[0]
    rng = check_random_state(42)
    xs = x / x.std()
    xs = xs + 1e-10 * max(1.0, np.mean(np.abs(xs))) * rng.standard_normal(size=(x.shape[0], 1))[:, 0]
    ys = y / y.std()
    ys = ys + 1e-10 * max(1.0, np.mean(np.abs(ys))) * rng.standard_normal(size=y.shape[0])
    assert knn1d.ksg1_1d(xs, ys, 3) == pytest.approx(expected, abs=EXACT)


@pytest.mark.parametrize("rho", [0.0, 0.6, 0.9])
def test_gaussian_ground_truth(rho: float) -> None:
    """I = -log(1 - rho^2) / 2 nats. At n = 20,000 the KSG-1 standard deviation is about
    0.005 nats and its bias for a bivariate Gaussian is below 0.005 (Kraskov et al. 2004,
    Fig. 4), so 0.02 nats is four standard deviations."""
    truth = -0.5 * np.log1p(-(rho**2))
    x, y = gaussian_pair(20_000, rho, 2)
    assert knn1d.ksg1_1d(x, y, 3) == pytest.approx(truth, abs=0.02)
    assert knn1d.ksg2_1d(x, y, 3) == pytest.approx(truth, abs=0.02)


def test_bit_identical_for_any_thread_count() -> None:
    n = knn1d.PARALLEL_MIN_N + 7_000  # large enough for the parallel path
    x, y = gaussian_pair(n, 0.5, 4)
    results = []
    for threads in (1, 2):
        with numba_threads(threads):
            assert numba.get_num_threads() == min(threads, numba.config.NUMBA_NUM_THREADS)
            results.append((knn1d.ksg1_1d(x, y, 3), knn1d.ksg2_1d(x, y, 3)))
    assert results[0] == results[1]
    # the column-parallel batch runs each column serially: the same numbers again
    both = np.column_stack([x, y[::-1]])
    with numba_threads(2):
        assert knn1d.ksg1_1d_many(both, y, 3)[0] == results[1][0]
        assert knn1d.ksg2_1d_many(both, y, 3)[0] == results[1][1]


def test_order_of_samples_and_of_arguments_does_not_matter() -> None:
    x, y = gaussian_pair(3000, 0.7, 9)
    base = knn1d.ksg1_1d(x, y, 4)
    perm = np.random.default_rng(0).permutation(x.shape[0])
    assert knn1d.ksg1_1d(x[perm], y[perm], 4) == base
    assert knn1d.ksg1_1d(y, x, 4) == base


def test_many_equals_single_column_calls() -> None:
    rng = np.random.default_rng(8)
    n = 1200
    y = rng.standard_normal(n)
    X = np.column_stack(
        [y + s * rng.standard_normal(n) for s in (0.1, 0.5, 1.0, 3.0)] + [rng.uniform(size=n)]
    )
    for k in (1, 3):
        many = knn1d.ksg1_1d_many(X, y, k)
        assert many.tolist() == [knn1d.ksg1_1d(X[:, j], y, k) for j in range(X.shape[1])]
        many2 = knn1d.ksg2_1d_many(X, y, k)
        assert many2.tolist() == [knn1d.ksg2_1d(X[:, j], y, k) for j in range(X.shape[1])]
    # chunking over columns (a tiny chunk budget) changes nothing
    assert knn1d._many(X, y, 3, 1, chunk_bytes=1).tolist() == knn1d.ksg1_1d_many(X, y, 3).tolist()


def test_smallest_samples() -> None:
    # n = 2, k = 1: eps = max(1, 2.5) = 2.5 for both points, so n_x = 1 (|dx| = 1 < 2.5) and
    # n_y = 0 (|dy| = 2.5 is not < 2.5): I = psi(1) + psi(2) - (psi(2) + psi(1)) = 0 exactly
    x, y = np.array([0.0, 1.0]), np.array([0.5, -2.0])
    assert knn1d.ksg1_1d(x, y, 1) == 0.0
    # KSG-2: eps_x = 1, eps_y = 2.5, both counts 1: I = psi(1) - 1 + psi(2) - 2 psi(1) = 0
    assert knn1d.ksg2_1d(x, y, 1) == pytest.approx(0.0, abs=1e-15)
    x, y = gaussian_pair(6, 0.5, 1)
    assert knn1d.ksg1_1d(x, y, 5) == pytest.approx(reference_ksg(x, y, 5), abs=EXACT)


def test_digamma_matches_scipy() -> None:
    for v in [0.25, 1.0, 2.0, 3.5, 9.99, 10.0, 57.0, 1e3, 1e6, 1e9]:
        assert _sorted1d.digamma(v) == pytest.approx(float(digamma(v)), abs=1e-14, rel=1e-14)


@pytest.mark.parametrize(
    "make",
    [
        lambda r: r.standard_normal(50_000),
        lambda r: 1.0 + 1e-13 * r.standard_normal(50_000),  # collide after key truncation
        lambda r: np.round(r.standard_normal(50_000), 2),  # long runs of equal values
        lambda r: -np.abs(r.standard_cauchy(50_000)),
    ],
    ids=["normal", "near-equal", "ties", "negative-cauchy"],
)
def test_packed_key_argsort_sorts_exactly(make) -> None:
    x = make(np.random.default_rng(0))
    order = _sorted1d.argsort_exact(x)
    assert np.array_equal(np.sort(order), np.arange(x.shape[0]))
    assert np.array_equal(x[order], np.sort(x))
