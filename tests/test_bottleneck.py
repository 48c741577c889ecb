"""Information bottleneck: inequalities, closed forms, limits, annealing, bad input; the
information plane of a small MLP on the digits."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq

import mutinfo as mi
from mutinfo.bottleneck import (
    MAX_AGGLOMERATIVE,
    ib_curve,
    information_bottleneck,
    information_plane,
    joint_from_samples,
)

TOL = 1e-9


def h2(p: float) -> float:
    """Binary entropy in bits."""
    return 0.0 if p in (0.0, 1.0) else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def mi_bits(p: np.ndarray) -> float:
    """I(X;Y) of a joint table, written out independently of the module."""
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    m = p > 0
    return float(np.sum(p[m] * np.log2(p[m] / (px * py)[m])))


def h_bits(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-np.sum(p * np.log2(p)))


def bsc(e: float) -> np.ndarray:
    """Uniform binary X through a binary symmetric channel with crossover e."""
    return np.array([[(1 - e) / 2, e / 2], [e / 2, (1 - e) / 2]])


@st.composite
def joints(draw, max_x: int = 6, max_y: int = 5) -> np.ndarray:
    n_x = draw(st.integers(1, max_x))
    n_y = draw(st.integers(1, max_y))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(n_x * n_y, draw(st.sampled_from([0.3, 1.0, 5.0])))).reshape(n_x, n_y)
    if draw(st.booleans()) and p.size > 2:  # exact zeros, sometimes whole rows or columns
        p[rng.random(p.shape) < 0.3] = 0.0
        if p.sum() == 0:
            p[0, 0] = 1.0
        p = p / p.sum()
    return p


# --------------------------------------------------------------------------- inequalities


@given(
    p=joints(),
    beta=st.floats(0.0, 40.0),
    n_clusters=st.integers(1, 7),
    deterministic=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_information_inequalities_hold_for_every_solution(p, beta, n_clusters, deterministic, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.ConvergenceWarning)
        res = information_bottleneck(p, beta, n_clusters, deterministic=deterministic, rng=seed, max_iter=300)
    i_xy, h_x = mi_bits(p), h_bits(p.sum(axis=1))
    i_tx, i_ty, h_t = float(res.i_tx), float(res.i_ty), float(res.h_t)
    assert -TOL <= i_ty <= i_xy + TOL  # data processing: T - X - Y
    assert i_ty <= i_tx + TOL
    assert -TOL <= i_tx <= h_t + TOL
    assert i_tx <= h_x + TOL
    assert h_t <= math.log2(n_clusters) + TOL
    np.testing.assert_allclose(res.encoder.sum(axis=1), 1.0, atol=1e-12)
    assert res.p_t.sum() == pytest.approx(1.0, abs=1e-12)
    first = h_t if deterministic else i_tx
    assert res.lagrangian == pytest.approx(first - beta * i_ty, abs=1e-9)
    if deterministic:
        assert set(np.unique(res.encoder[p.sum(axis=1) > 0])) <= {0.0, 1.0}  # other rows hold p(t)
        assert i_tx == pytest.approx(h_t, abs=1e-12)
    # p(t) and p(y|t) are the marginal and decoder of the encoder
    px = p.sum(axis=1)
    np.testing.assert_allclose(res.p_t, px @ res.encoder, atol=1e-12)
    used = res.p_t > 0
    np.testing.assert_allclose(
        res.p_y_given_t[used], (res.encoder.T @ p)[used] / res.p_t[used, None], atol=1e-12
    )
    assert np.isnan(res.p_y_given_t[~used]).all()


def reference_update(q: np.ndarray, p: np.ndarray, beta: float) -> np.ndarray:
    """One IB update written plainly with numpy: p(t|x) proportional to
    p(t) exp(-beta KL[p(y|x) || p(y|t)]) (rows of p with p(x) > 0 only)."""
    px = p.sum(axis=1)
    p_t = px @ q
    p_yt = (q.T @ p) / p_t[:, None]
    p_yx = p / px[:, None]
    kl = np.zeros((p.shape[0], q.shape[1]))
    for x in range(p.shape[0]):
        for t in range(q.shape[1]):
            m = p_yx[x] > 0
            kl[x, t] = (
                np.inf if (p_yt[t, m] == 0).any() else np.sum(p_yx[x, m] * np.log(p_yx[x, m] / p_yt[t, m]))
            )
    w = p_t[None, :] * np.exp(-beta * (kl - kl.min(axis=1, keepdims=True)))
    return w / w.sum(axis=1, keepdims=True)


@given(p=joints(), beta=st.floats(0.0, 30.0), n_clusters=st.integers(1, 5), seed=st.integers(0, 100))
def test_one_compiled_update_equals_the_textbook_formula(p, beta, n_clusters, seed):
    from mutinfo import _bottleneck_kernels as k

    prob = k.problem(p)
    q = np.random.default_rng(seed).dirichlet(np.ones(n_clusters), size=prob.rows.shape[0])
    ours, _, _ = k.iterate(q, prob, beta, False, 1, 1e-300)
    np.testing.assert_allclose(ours, reference_update(q, prob.pxy, beta), rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- closed forms and limits


@pytest.mark.parametrize("e", [0.05, 0.1, 0.25])
def test_binary_symmetric_channel_curve_is_mrs_gerbers_bound(e):
    """For a doubly symmetric binary source the IB curve is known in closed form: the optimal
    T is X through a BSC(a), so I(T;X) = 1 - H2(a) and I(T;Y) = 1 - H2(a(1 - e) + (1 - a)e)
    (Mrs Gerber's lemma, Wyner and Ziv 1973)."""
    p = bsc(e)
    curve = ib_curve(p, np.geomspace(0.5, 200, 60), 2, rng=1, max_iter=20_000)
    assert curve.converged.all()
    assert curve.i_xy == pytest.approx(1 - h2(e), abs=1e-12) and curve.h_x == pytest.approx(1.0)
    moved = 0
    for r, s in zip(curve.i_tx, curve.i_ty, strict=True):
        if r < 1e-9:
            assert s < 1e-9
            continue
        if r > 1 - 1e-12:
            assert s == pytest.approx(1 - h2(e), abs=1e-6)
            continue
        a = brentq(lambda a, r=r: 1 - h2(a) - r, 1e-15, 0.5)
        assert s == pytest.approx(1 - h2(a * (1 - e) + (1 - a) * e), abs=1e-6)
        moved += 1
    assert moved >= 10  # the sweep passes through the interior of the curve
    # the first split happens at the critical beta 1 / (1 - 2e)^2 of this source
    beta_c = 1 / (1 - 2 * e) ** 2
    below, above = curve.betas < 0.95 * beta_c, curve.betas > 1.05 * beta_c
    assert (curve.i_tx[below] < 1e-6).all() and (curve.i_tx[above] > 1e-6).all()
    # a single solve at large beta keeps all of I(X;Y) with two clusters
    res = information_bottleneck(p, 1e4, 2, init="agglomerative")
    assert float(res.i_ty) == pytest.approx(1 - h2(e), abs=1e-9)


@given(p=joints(max_x=6, max_y=4), extra=st.integers(0, 2))
def test_large_beta_with_enough_clusters_recovers_i_xy(p, extra):
    n_x = p.shape[0]
    res = information_bottleneck(p, 1e6, n_x + extra, init="agglomerative")
    assert float(res.i_ty) == pytest.approx(mi_bits(p), abs=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_annealed_curve_reaches_i_xy_and_stays_below_it(seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(24)).reshape(6, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.ConvergenceWarning)
        curve = ib_curve(p, np.geomspace(0.5, 1e4, 50), 6, rng=seed)
    assert float(curve.i_xy) == pytest.approx(mi_bits(p), abs=1e-12)
    assert curve.i_ty[-1] == pytest.approx(mi_bits(p), abs=1e-6)
    assert (curve.i_ty <= curve.i_xy + TOL).all() and (curve.i_tx <= curve.h_x + TOL).all()
    assert (curve.lagrangian <= 1e-12).all()  # never worse than the trivial encoder (Lagrangian 0)
    dib = ib_curve(p, np.geomspace(0.5, 1e4, 50), 6, deterministic=True, rng=seed)
    assert (dib.lagrangian <= 1e-12).all() and dib.i_ty[-1] == pytest.approx(mi_bits(p), abs=1e-9)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9])
@pytest.mark.parametrize("deterministic", [False, True])
def test_small_beta_collapses_to_no_information(beta, deterministic):
    """For beta <= 1, I(T;X) - beta I(T;Y) >= (1 - beta) I(T;X) >= 0: the trivial encoder wins."""
    p = np.random.default_rng(3).dirichlet(np.ones(20)).reshape(5, 4)
    res = information_bottleneck(p, beta, 4, deterministic=deterministic, rng=0)
    assert float(res.i_tx) < 1e-6 and float(res.i_ty) < 1e-6
    assert res.converged


def test_curve_is_monotone_and_concave_with_slope_one_over_beta():
    """The IB curve is non-decreasing and concave, with slope dI(T;Y)/dI(T;X) = 1/beta; so the
    chord between the solutions at beta_i < beta_j has a slope in [1/beta_j, 1/beta_i]."""
    p = np.array(
        [[0.20, 0.02, 0.01], [0.12, 0.06, 0.02], [0.05, 0.10, 0.05], [0.02, 0.08, 0.12], [0.01, 0.02, 0.12]]
    )
    betas = np.geomspace(0.8, 300, 70)
    curve = ib_curve(p, betas, p.shape[0] + 1, rng=0, max_iter=20_000)
    assert curve.converged.all()
    assert (np.diff(curve.i_tx) >= -1e-7).all() and (np.diff(curve.i_ty) >= -1e-7).all()
    checked = 0
    for i in range(len(betas) - 1):
        dx = curve.i_tx[i + 1] - curve.i_tx[i]
        if dx < 1e-4:
            continue
        slope = (curve.i_ty[i + 1] - curve.i_ty[i]) / dx
        assert 1 / curve.betas[i + 1] - 1e-3 <= slope <= 1 / curve.betas[i] + 1e-3
        checked += 1
    assert checked >= 20
    # the Lagrangian of each solution is no worse than that of its neighbours' encoders
    for i in range(1, len(betas) - 1):
        for j in (i - 1, i + 1):
            other = curve.i_tx[j] - curve.betas[i] * curve.i_ty[j]
            assert curve.lagrangian[i] <= other + 1e-7


def test_deterministic_ib_gives_hard_encoders_with_i_tx_equal_to_h_t():
    rng = np.random.default_rng(5)
    p = rng.dirichlet(np.ones(40)).reshape(8, 5)
    curve = ib_curve(p, np.geomspace(0.5, 1e3, 30), 8, deterministic=True, rng=0)
    assert set(np.unique(curve.encoders)) == {0.0, 1.0}
    np.testing.assert_allclose(curve.i_tx, curve.h_t, atol=1e-12)
    assert curve.i_ty[-1] == pytest.approx(mi_bits(p), abs=1e-9)
    assert curve.i_tx[0] == 0.0 and curve.n_used[0] == 1
    # the soft IB at the same betas keeps at least as much I(T;Y) per bit of H(T) in the end
    soft = ib_curve(p, np.geomspace(0.5, 1e3, 30), 8, rng=0)
    assert soft.i_ty[-1] == pytest.approx(curve.i_ty[-1], abs=1e-6)


def test_dib_merges_identical_conditionals_at_large_beta():
    """Rows with the same p(y|x) lose nothing when merged; the DIB merges them (smaller H(T))."""
    p = np.array([[0.1, 0.1], [0.2, 0.2], [0.3, 0.05], [0.025, 0.025]])
    res = information_bottleneck(p, 100.0, 4, deterministic=True, init="agglomerative")
    t = res.assignments
    assert t[0] == t[1] == t[3] != t[2]
    assert float(res.i_ty) == pytest.approx(mi_bits(p), abs=1e-12)
    assert float(res.h_t) == pytest.approx(h2(0.35), abs=1e-12)


def test_zero_rows_and_columns_change_nothing():
    p = np.array([[0.3, 0.0, 0.1], [0.0, 0.0, 0.0], [0.1, 0.0, 0.5]])
    q = p[[0, 2]][:, [0, 2]]
    a = information_bottleneck(p, 20.0, 2, init="agglomerative")
    b = information_bottleneck(q, 20.0, 2, init="agglomerative")
    assert float(a.i_ty) == pytest.approx(float(b.i_ty), abs=1e-12)
    assert float(a.i_tx) == pytest.approx(float(b.i_tx), abs=1e-12)
    np.testing.assert_allclose(a.encoder[1], a.p_t)  # the empty row holds p(t)
    assert (a.p_y_given_t[:, 1] == 0).all()


def test_units_reproducibility_and_repr():
    p = bsc(0.2)
    bits = information_bottleneck(p, 5.0, 2, rng=7)
    nats = information_bottleneck(p, 5.0, 2, rng=7, base=math.e)
    assert float(nats.i_ty) == pytest.approx(float(bits.i_ty) * math.log(2), rel=1e-12)
    assert bits.i_ty.unit == "bits" and nats.i_ty.unit == "nats" and bits.i_ty.quantity == "I(T;Y)"
    assert nats.lagrangian == pytest.approx(bits.lagrangian * math.log(2), rel=1e-12)
    again = information_bottleneck(p, 5.0, 2, rng=7)
    np.testing.assert_array_equal(bits.encoder, again.encoder)
    c1 = ib_curve(p, [1, 2, 4, 8], 2, rng=3)
    c2 = ib_curve(p, [8, 4, 2, 1], 2, rng=3)
    np.testing.assert_array_equal(c1.betas, [1, 2, 4, 8])
    np.testing.assert_array_equal(c1.encoders, c2.encoders)
    assert "IB" in repr(bits) and "bits" in repr(c1) and len(c1) == 4


def test_no_anneal_and_convergence_warning():
    p = bsc(0.1)
    curve = ib_curve(p, [0.5, 3.0, 50.0], 2, anneal=False, rng=0)
    assert curve.i_ty[-1] <= curve.i_xy + TOL
    with pytest.warns(mi.ConvergenceWarning, match="did not converge"):
        res = information_bottleneck(p, 1.6, 2, max_iter=2, rng=0)
    assert not res.converged and res.n_iter == 2
    with pytest.warns(mi.ConvergenceWarning, match="betas did not converge"):
        ib_curve(p, [1.6, 1.7], 2, max_iter=2, rng=0)


def test_joint_from_samples():
    joint = joint_from_samples(["a", "b", "b", "c"], [1, 1, 2, 2])
    np.testing.assert_allclose(joint.p_xy, [[0.25, 0], [0.25, 0.25], [0, 0.25]])
    assert joint.x_values.tolist() == ["a", "b", "c"] and joint.y_values.tolist() == [1, 2] and joint.n == 4
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 4, 5000), rng.integers(0, 3, 5000)
    y = np.where(rng.random(5000) < 0.5, x % 3, y)
    joint = joint_from_samples(x, y)
    expected = mi.mutual_info(x, y, discrete=True, method="plugin")
    assert mi_bits(joint.p_xy) == pytest.approx(float(expected), abs=1e-12)
    two_d = joint_from_samples(np.c_[x % 2, x // 2], y)
    assert two_d.p_xy.shape == (4, 3)
    with pytest.raises(ValueError, match="same number of samples"):
        joint_from_samples([1, 2], [1, 2, 3])


# --------------------------------------------------------------------------- bad input


GOOD = bsc(0.1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"p_xy": [0.5, 0.5]}, ValueError, "`p_xy` must be a 2-D array"),
        ({"p_xy": [[0.5, 0.6]]}, ValueError, "`p_xy` must sum to 1.*1.1"),
        ({"p_xy": [[1.2, -0.2]]}, ValueError, "`p_xy` must be nonnegative.*-0.2"),
        ({"p_xy": [[np.nan, 1.0]]}, ValueError, "`p_xy` must contain only finite"),
        ({"p_xy": [["a", "b"]]}, TypeError, "`p_xy` must hold real numbers"),
        ({"p_xy": "0.5"}, TypeError, "`p_xy` must be a 2-D array"),
        ({"p_xy": np.zeros((0, 2))}, ValueError, "at least one row"),
        ({"beta": -1.0}, ValueError, "`beta` must be a finite number >= 0; got -1.0"),
        ({"beta": math.inf}, ValueError, "`beta` must be a finite"),
        ({"beta": "big"}, TypeError, "`beta` must be a real number"),
        ({"n_clusters": 0}, ValueError, "`n_clusters` must be an integer >= 1; got 0"),
        ({"n_clusters": 2.5}, TypeError, "`n_clusters`"),
        ({"max_iter": 0}, ValueError, "`max_iter`"),
        ({"tol": 0.0}, ValueError, "`tol` must be a number in"),
        ({"base": 1}, ValueError, "`base`"),
        (
            {"init": np.ones((3, 2)) / 2},
            ValueError,
            r"`init` must be .* shape \(n_x, n_clusters\) = \(2, 2\)",
        ),
        ({"init": [[1.0, 0.0], [0.5, 0.4]]}, ValueError, "every row of `init` must sum to 1"),
        ({"init": "kmeans"}, ValueError, "`init` must be None, 'random', 'agglomerative'"),
        ({"deterministic": "yes"}, TypeError, "`deterministic` must be True or False"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    args = {"p_xy": GOOD, "beta": 2.0, "n_clusters": 2} | kwargs
    p_xy = args.pop("p_xy")
    with pytest.raises(error, match=match):
        information_bottleneck(p_xy, **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"betas": []}, ValueError, "`betas` must be a non-empty 1-D"),
        ({"betas": [[1, 2]]}, ValueError, "`betas` must be a non-empty 1-D"),
        ({"betas": [1, -2]}, ValueError, "`betas` must hold finite numbers >= 0"),
        ({"betas": [1, 2, 2]}, ValueError, "`betas` must be distinct"),
        ({"betas": "1,2"}, TypeError, "`betas`"),
        ({"perturbation": 0.0}, ValueError, "`perturbation` must be a number in \\(0, 1\\); got 0.0"),
        ({"perturbation": True}, ValueError, "`perturbation`"),
    ],
)
def test_bad_curve_input_is_named(kwargs, error, match):
    args = {"betas": [1.0, 2.0], "n_clusters": 2} | kwargs
    with pytest.raises(error, match=match):
        ib_curve(GOOD, **args)


def test_agglomerative_start_has_a_size_limit():
    p = np.full((MAX_AGGLOMERATIVE + 1, 2), 1.0 / (2 * (MAX_AGGLOMERATIVE + 1)))
    with pytest.raises(ValueError, match="'agglomerative' needs at most"):
        information_bottleneck(p, 1.0, 2, init="agglomerative")


# --------------------------------------------------------------------------- information plane


@pytest.fixture(scope="module")
def planes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.UndersampledWarning)
        return {
            act: information_plane(activation=act, n_epochs=12, record_every=4, rng=0)
            for act in ("tanh", "relu")
        }


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_information_plane_respects_its_bounds(planes, act):
    plane = planes[act]
    assert plane.epochs.tolist() == [0, 4, 8, 12] and plane.i_tx.shape == (4, 3)
    assert plane.n == 1348 and plane.n_test == 449 and plane.layer_sizes == (12, 6, 3)
    assert plane.activation == act
    assert float(plane.h_x) == pytest.approx(math.log2(1348))
    assert float(plane.h_y) == pytest.approx(math.log2(10), abs=0.01)  # the digits are balanced
    assert (plane.i_ty <= float(plane.h_y) + TOL).all() and (plane.i_tx <= math.log2(plane.n) + TOL).all()
    assert (plane.i_ty <= plane.i_tx + TOL).all() and (plane.i_ty >= -TOL).all()
    # training works: held-out accuracy above chance (0.1) after 12 epochs, loss falling
    assert plane.test_accuracy[-1] > 0.2 and plane.loss[-1] < plane.loss[0]
    assert act in repr(plane)


def test_information_plane_estimates_are_mutinfos_plugin_on_the_bin_codes():
    """Recompute one layer's estimate from the same network by hand: same split, same seed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.UndersampledWarning)
        plane = information_plane(activation="tanh", hidden=(4,), n_epochs=1, n_bins=3, rng=2)
    # with 4 units and 3 bins there are at most 81 codes: I(T;X) = H(T) <= log2(81)
    assert (plane.i_tx <= math.log2(81) + TOL).all()
    np.testing.assert_allclose(plane.bin_edges[0], [-1, -1 / 3, 1 / 3, 1])


def test_information_plane_is_reproducible_and_warns_about_undersampling():
    with pytest.warns(mi.UndersampledWarning, match="binning"):
        a = information_plane(activation="relu", n_epochs=2, rng=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.UndersampledWarning)
        b = information_plane(activation="relu", n_epochs=2, rng=1)
        c = information_plane(activation="relu", n_epochs=2, rng=2)
    np.testing.assert_array_equal(a.i_tx, b.i_tx)
    np.testing.assert_array_equal(a.i_ty, b.i_ty)
    assert not np.array_equal(a.loss, c.loss)


def test_information_plane_on_given_data_and_bad_input():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = np.where(x[:, 0] > 0, "pos", "neg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.UndersampledWarning)
        plane = information_plane(x, y, hidden=(3,), n_epochs=3, n_bins=4, rng=0)
    assert plane.n == 150 and float(plane.h_y) <= 1.0 + TOL
    with pytest.raises(ValueError, match="`activation` must be one of"):
        information_plane(activation="sigmoid")
    with pytest.raises(ValueError, match="`hidden` must be a non-empty"):
        information_plane(hidden=())
    with pytest.raises(ValueError, match="`n_bins` must be an integer >= 2"):
        information_plane(n_bins=1)
    with pytest.raises(ValueError, match="`learning_rate` must be a number"):
        information_plane(learning_rate=-1.0)
    with pytest.raises(ValueError, match="`x` and `y` must be given together"):
        information_plane(x)
    with pytest.raises(ValueError, match="same number of samples"):
        information_plane(x, y[:10])
