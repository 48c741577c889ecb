"""Pairwise conditional MI, mi.pairwise(data, given=...): closed forms, parity, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import mutinfo as mi


def _gaussian_cmi(cov: np.ndarray, x: int, y: int, z: list[int]) -> float:
    """I(X; Y | Z) in nats for a Gaussian vector: 0.5 ln(|S_xz| |S_yz| / (|S_z| |S_xyz|))."""

    def det(idx: list[int]) -> float:
        return float(np.linalg.det(cov[np.ix_(idx, idx)])) if idx else 1.0

    return 0.5 * math.log(det([x, *z]) * det([y, *z]) / (det(z) * det([x, y, *z])))


def test_gaussian_chain_and_closed_form_continuous_given():
    # columns 0..2 are x, y, w; column 3 is z. X <- Z -> Y (a fork: same CMI as a chain),
    # W = X + Z + noise, so I(X; W | Z) > 0 and I(Y; W | Z) = 0.
    cov_rng = np.random.default_rng(0)
    n = 2000
    z = cov_rng.normal(size=n)
    x = z + cov_rng.normal(size=n)
    y = z + cov_rng.normal(size=n)
    w = 0.8 * x + z + cov_rng.normal(size=n)
    A = np.array([[1, 0, 0, 1], [0, 1, 0, 1], [0.8, 0, 1, 1.8], [0, 0, 0, 1]])  # (x, y, w, z) = A e
    cov = A @ A.T
    frame = pd.DataFrame({"x": x, "y": y, "w": w, "z": z})
    plain = mi.pairwise(frame[["x", "y", "w"]], base=math.e)
    cond = mi.pairwise(frame, given="z", base=math.e)
    assert list(cond.columns) == ["x", "y", "w"] and cond.attrs["unit"] == "nats"
    assert plain.loc["x", "y"] == pytest.approx(_gaussian_cmi(cov, 0, 1, []), abs=0.06)  # 0.5 ln(4/3)
    assert plain.loc["x", "y"] > 0.1
    for a, b, ia, ib in [("x", "y", 0, 1), ("x", "w", 0, 2), ("y", "w", 1, 2)]:
        truth = _gaussian_cmi(cov, ia, ib, [3])
        assert cond.loc[a, b] == pytest.approx(truth, abs=0.06), (a, b, truth)
        assert cond.loc[b, a] == cond.loc[a, b]
    assert _gaussian_cmi(cov, 0, 1, [3]) == pytest.approx(0.0, abs=1e-12)
    # every entry is conditional_mutual_info itself (same estimator, same arithmetic)
    ref = mi.conditional_mutual_info(x, w, z, method="ksg1", base=math.e)
    assert cond.loc["x", "w"] == float(ref)
    # an array given equals the named one
    as_array = mi.pairwise(frame[["x", "y", "w"]].to_numpy(), given=z, base=math.e)
    assert np.array_equal(as_array, cond.to_numpy(), equal_nan=True)


def test_discrete_xor():
    rng = np.random.default_rng(1)
    n = 4000
    a = rng.integers(0, 2, n)
    b = rng.integers(0, 2, n)
    frame = pd.DataFrame({"a": a, "b": b, "xor": a ^ b})
    plain = mi.pairwise(frame[["a", "b"]])
    cond = mi.pairwise(frame, given="xor")
    assert abs(plain.loc["a", "b"]) < 0.01  # independent bits
    assert cond.loc["a", "b"] == pytest.approx(1.0, abs=0.01)  # 1 bit given the parity
    assert cond.shape == (2, 2)


def test_discrete_given_fast_path_matches_stratified_cmi_and_closed_form():
    # within stratum s, (x, y) Gaussian with correlation rho_s; I(X;Y|Z) = sum p_s I_s
    rng = np.random.default_rng(2)
    rhos, probs = [0.0, 0.6, 0.9], [0.5, 0.3, 0.2]
    n = 3000
    z = rng.choice(3, size=n, p=probs)
    x = rng.normal(size=n)
    rho = np.asarray(rhos)[z]
    y = rho * x + np.sqrt(1 - rho**2) * rng.normal(size=n)
    u = rng.normal(size=n)  # independent of everything
    X = np.column_stack([x, y, u])
    cond = mi.pairwise(X, given=z, base=math.e)
    truth = sum(p * -0.5 * math.log(1 - r**2) for p, r in zip(probs, rhos))
    assert cond[0, 1] == pytest.approx(truth, abs=0.05)
    assert abs(cond[0, 2]) < 0.05 and abs(cond[1, 2]) < 0.05
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        ref = float(mi.conditional_mutual_info(X[:, i], X[:, j], z, method="ksg1", base=math.e))
        assert cond[i, j] == ref  # the strata are summed in the same order: bit for bit
    # blocks and threads do not change the values
    again = mi.pairwise(X, given=z, base=math.e, block_size=1, n_jobs=1)
    assert np.array_equal(again, cond, equal_nan=True)


def test_small_strata_and_mixed_columns():
    rng = np.random.default_rng(3)
    n = 400
    z = np.r_[np.zeros(n - 3, dtype=int), [1, 1, 2]]  # a 2-sample and a 1-sample stratum
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {"x": x, "y": x + rng.normal(size=n), "label": (x > 0).astype(int) + rng.integers(0, 2, n), "z": z}
    )
    with pytest.warns(mi.SmallSampleWarning, match="strata of `given`"):
        cond = mi.pairwise(frame, given=["z"], rng=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mi.conditional_mutual_info(frame["x"], frame["y"], z, method="ksg1")
        assert cond.loc["x", "y"] == float(ref)
        again = mi.pairwise(frame, given=["z"], rng=5)
    assert again.equals(cond)  # the slow pairs' generators repeat
    assert cond.loc["x", "label"] > 0.3


def test_constant_given_warns_and_gives_plain_mi():
    X = np.random.default_rng(4).normal(size=(300, 3))
    with pytest.warns(mi.ConstantInputWarning, match="`given` is constant"):
        cond = mi.pairwise(X, given=np.ones(300))
    assert np.array_equal(cond, mi.pairwise(X), equal_nan=True)


@pytest.mark.parametrize(
    ("given", "kwargs", "match"),
    [
        ("q", {}, r"`given` must name columns of `data`.*\['q'\]"),
        (["a", "a"], {}, "each column once"),
        (["a", "b"], {}, "at least 2 columns .*besides the `given`"),
        ([], {}, "empty list"),
        (["a", "b"], {"discrete": [True, False, False]}, "one kind"),
        ("frame_a", {}, r"must not overlap.*\['a'\]"),
        ("array_b", {}, "equal to `data` column 'b'"),
        ("short", {}, "one row per sample"),
        ("nan", {}, "finite"),
    ],
)
def test_bad_given(given, kwargs, match):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    special = {
        "frame_a": frame[["a"]],
        "array_b": frame["b"].to_numpy(),
        "short": rng.normal(size=49),
        "nan": np.r_[np.nan, rng.normal(size=49)],
    }
    with pytest.raises(ValueError, match=match):
        mi.pairwise(frame, given=special.get(given, given) if isinstance(given, str) else given, **kwargs)


def test_pairwise_test_rejects_given():
    X = np.random.default_rng(6).normal(size=(100, 3))
    with pytest.raises(ValueError, match="`given`"):
        mi.pairwise_test(X, n_null=10, given="0")
