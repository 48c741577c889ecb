"""Histogram method: closed forms with tolerances from sampling sd and the binning bias.

With bin width Δ the binned entropy obeys H(X_Δ) + log Δ = h(X) + Δ² J / 24 + o(Δ²), where J
is the Fisher information of location (∫ f'²/f; 1/σ² for a Gaussian). For the bivariate
Gaussian this makes the binned MI I - (Δx² + Δy²) ρ² / (24 (1 - ρ²)). Sampling sd is
sqrt(Var[-log f(X)] / n) for entropy (1/2 for a Gaussian) and sqrt(Var[i(X;Y)] / n) for MI
(ρ² for the bivariate Gaussian); tests allow 5 sd plus the binning term.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

import mutinfo as mi
from mutinfo.estimators import histogram as hist

E = math.e


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.UndersampledWarning)
        yield


def gaussian_pair(rng: np.random.Generator, rho: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(size=n)
    return x, rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)


@pytest.mark.parametrize("n", [2_000, 50_000])
def test_gaussian_differential_entropy(n: int) -> None:
    x = np.random.default_rng(n).normal(size=n)
    _, width, _ = hist.bin_edges(x, 1)
    h = mi.entropy(x, method="histogram", base=E)
    truth = 0.5 * math.log(2 * math.pi * E)
    assert abs(h - truth) <= 5 * math.sqrt(0.5 / n) + width**2 / 24


def test_bivariate_entropy() -> None:
    n = 40_000
    xy = np.random.default_rng(1).normal(size=(n, 2))
    widths = [hist.bin_edges(xy[:, j], 2)[1] for j in range(2)]
    truth = math.log(2 * math.pi * E)
    h = mi.entropy(xy, method="histogram", base=E)
    assert abs(h - truth) <= 5 * math.sqrt(1.0 / n) + sum(w**2 for w in widths) / 24 + 0.01


@pytest.mark.parametrize("rho", [0.0, 0.6, 0.9])
def test_gaussian_mi(rho: float) -> None:
    n = 50_000
    x, y = gaussian_pair(np.random.default_rng(int(rho * 10)), rho, n)
    wx, wy = hist.bin_edges(x, 2)[1], hist.bin_edges(y, 2)[1]
    truth = -0.5 * math.log(1 - rho**2)
    binning = (wx**2 + wy**2) * rho**2 / (24 * (1 - rho**2))
    value = mi.mutual_info(x, y, method="histogram", base=E)
    # 5 sd of the information density, the binning loss, and the Miller-Madow residual
    # (second order, here measured below 0.01 nats at rho = 0)
    assert abs(value - (truth - binning)) <= 5 * max(rho, 0.05) / math.sqrt(n) + 0.01
    assert value.method == "histogram"


def test_mixed_label_and_gaussian() -> None:
    n, sigma = 30_000, 0.8
    rng = np.random.default_rng(3)
    label = rng.integers(0, 3, n)
    signal = label + sigma * rng.normal(size=n)

    def mixture(t: float) -> float:
        return float(np.mean([stats.norm.pdf(t, m, sigma) for m in range(3)]))

    h_mix = -integrate.quad(lambda t: mixture(t) * math.log(mixture(t)), -8, 10, limit=200)[0]
    truth = h_mix - 0.5 * math.log(2 * math.pi * E * sigma**2)
    width = hist.bin_edges(signal, 1)[1]
    value = mi.mutual_info(signal, label, method="histogram", base=E)
    # |binning term| <= Δ²/(24 σ²) since a mixture's Fisher information is at most 1/σ²;
    # Var[i] <= E[i²] <= (log 3)²
    assert abs(value - truth) <= 5 * math.log(3) / math.sqrt(n) + width**2 / (24 * sigma**2) + 0.01


def test_cmi_gaussian_chain() -> None:
    # X -> Y -> Z Gaussian chain: I(X;Z|Y) = 0 and I(X;Y|Z) = I(X;Y) - I(X;Z)
    n = 40_000
    rng = np.random.default_rng(5)
    x, y = gaussian_pair(rng, 0.8, n)
    z = 0.7 * y + math.sqrt(1 - 0.49) * rng.normal(size=n)
    i_xz_y = mi.conditional_mutual_info(x, z, y, method="histogram", base=E)
    i_xy_z = mi.conditional_mutual_info(x, y, z, method="histogram", base=E)
    truth = -0.5 * math.log(1 - 0.64) + 0.5 * math.log(1 - 0.56**2)
    # three continuous dimensions make coarse bins: the binning loss is the main error here
    assert abs(i_xz_y) <= 0.08
    assert abs(i_xy_z - truth) <= 0.15 * truth + 0.05


def test_integer_bins_and_scott() -> None:
    x, y = gaussian_pair(np.random.default_rng(6), 0.6, 20_000)
    a = mi.mutual_info(x, y, method="histogram", bins=16)
    b = mi.mutual_info(x, y, method="histogram", bins="scott")
    c = mi.mutual_info(x, y, method="histogram")
    truth = -0.5 * math.log2(1 - 0.36)
    for value in (a, b, c):
        assert abs(value - truth) < 0.05
    assert float(a) != float(c)
    assert hist.bin_edges(x, 1, 16)[2] == 16


def test_bin_rule_rate() -> None:
    x = np.random.default_rng(0).normal(size=8_000)
    lo, width, count = hist.bin_edges(x, 1)
    iqr = np.subtract(*np.percentile(x, [75, 25]))
    assert count == math.ceil((x.max() - x.min()) / (2 * iqr * 8_000 ** (-1 / 3)))
    assert lo == x.min() and width * count == pytest.approx(x.max() - x.min())
    heavy = np.random.default_rng(0).standard_cauchy(size=400)
    assert hist.bin_edges(heavy, 1)[2] == 20  # capped at ceil(sqrt(n))
    assert hist.bin_edges(np.zeros(10), 1) == (0.0, 0.0, 1)


@pytest.mark.parametrize(
    ("bins", "error"), [(0, ValueError), ("auto", ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_bad_bins(bins, error) -> None:
    x, y = gaussian_pair(np.random.default_rng(0), 0.5, 100)
    with pytest.raises(error, match="`bins` must be None, 'fd', 'scott' or an integer >= 1; got"):
        mi.mutual_info(x, y, method="histogram", bins=bins)


def test_discrete_data_is_refused() -> None:
    with pytest.raises(ValueError, match="accepts"):
        mi.mutual_info([0, 1, 0, 1] * 10, [1, 1, 0, 0] * 10, method="histogram", discrete=True)


def test_thread_count_does_not_change_result() -> None:
    x, y = gaussian_pair(np.random.default_rng(9), 0.5, 2_200_000)  # two chunks on two threads
    one = mi.mutual_info(x, y, method="histogram", n_jobs=1)
    two = mi.mutual_info(x, y, method="histogram", n_jobs=2)
    assert float(one) == float(two)
