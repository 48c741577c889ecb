"""Rounded data: boundary ties and lattice dequantisation (the documented ties policy)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import mutinfo as mi
from mutinfo.datasets import load_breast_cancer
from mutinfo.estimators.dequantize import dequantize, lattice_step


@pytest.mark.parametrize("method", ["ross", "mixed_ksg"])
def test_boundary_ties_do_not_inflate_real_data(method: str) -> None:
    # "worst radius" has 457 distinct values in 569 rows (measurements rounded to 0.01):
    # ties sit exactly at k-th neighbour distances. Counting k_i = k there instead of
    # 1 + the samples strictly inside the ball gave 0.827 bits; breaking the ties with
    # tiny noise (and scikit-learn) gives 0.655.
    data = load_breast_cancer()
    x = data["worst radius"].to_numpy()
    labels = data["diagnosis"].to_numpy()
    assert np.unique(x).size < x.size
    tied = float(mi.mutual_info(labels, x, method=method))
    jittered = np.mean(
        [
            float(
                mi.mutual_info(
                    labels, x + np.random.default_rng(s).uniform(-1e-7, 1e-7, x.size), method=method
                )
            )
            for s in range(3)
        ]
    )
    assert abs(tied - jittered) < 0.03, (tied, jittered)


def test_lattice_step_detects_rounding_only() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=2000)
    assert lattice_step(x) is None  # no repeats
    assert lattice_step(np.round(x, 1)) == pytest.approx(0.1)
    zero_inflated = np.where(rng.random(2000) < 0.3, 0.0, x)
    assert lattice_step(zero_inflated) is None  # an atom, not a grid


def test_dequantize_keeps_values_in_their_cells_and_repeats() -> None:
    x = np.round(np.random.default_rng(1).normal(size=(500, 2)), 1)
    a, steps = dequantize(x, np.random.default_rng(3))
    b, _ = dequantize(x, np.random.default_rng(3))
    assert steps == [pytest.approx(0.1), pytest.approx(0.1)]
    assert np.array_equal(a, b)
    assert np.allclose(np.round(a, 1), x)
    assert np.unique(a[:, 0]).size == 500


@pytest.mark.parametrize(("decimals", "tol"), [(2, 0.03), (1, 0.05)])
def test_auto_on_rounded_mixed_data_matches_unrounded(decimals: int, tol: float) -> None:
    # A class label and a Gaussian rounded to 0.01 or 0.1: values repeat more than k times,
    # where the point-mass rule of Gao et al. reads 0.07 nats instead of 0.22. Dequantising
    # is exact for lattice data: I(X + U; Y) = I(X; Y).
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 2, 3000)
    x = rng.normal(size=3000) + 1.5 * labels
    exact = float(mi.mutual_info(labels, x, base=np.e))
    with pytest.warns(mi.TiesWarning, match="grid"):
        rounded = mi.mutual_info(labels, np.round(x, decimals), base=np.e)
    assert rounded.method == "dequantized"
    assert abs(float(rounded) - exact) < tol, (float(rounded), exact)


def test_auto_on_rounded_gaussians_near_truth() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=4000)
    y = 0.8 * x + 0.6 * rng.normal(size=4000)
    truth = -0.5 * np.log(1 - 0.64)
    with pytest.warns(mi.TiesWarning):
        value = mi.mutual_info(np.round(x, 1), np.round(y, 1), base=np.e)
    assert value.method == "dequantized"
    assert abs(float(value) - truth) < 0.1 * truth


def test_atoms_off_the_grid_keep_the_point_mass_rule() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=2000)
    y = np.where(rng.random(2000) < 0.4, 0.0, x + rng.normal(size=2000))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = mi.mutual_info(x, y)
    assert value.method == "mixed_ksg"
    assert any(issubclass(w.category, mi.TiesWarning) for w in caught)
