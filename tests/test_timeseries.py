"""Transfer entropy, lagged MI, active information storage and surrogate tests."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import solve_discrete_lyapunov
from scipy.signal import lfilter

import mutinfo as mi
from mutinfo import _surrogates
from mutinfo.datasets import make_coupled_logistic
from mutinfo.estimators.gaussian import log_det_bias


def _hb(e: float) -> float:
    return -e * math.log2(e) - (1 - e) * math.log2(1 - e)


def _var1(n: int, a: np.ndarray, seed: int) -> np.ndarray:
    """Columns x, y of a VAR(1) z_t = A z_{t-1} + e_t with unit-variance noise, started stationary."""
    rng = np.random.default_rng(seed)
    z = np.empty((n + 500, 2))
    z[0] = 0.0
    noise = rng.normal(size=z.shape)
    for t in range(1, z.shape[0]):
        z[t] = a @ z[t - 1] + noise[t]
    return z[500:]


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    return lfilter([1.0], [1.0, -phi], rng.normal(size=n + 300))[300:]


# --------------------------------------------------------------------------- discrete truth


def test_binary_copy_channel_matches_closed_form() -> None:
    rng = np.random.default_rng(1)
    n, e = 20_000, 0.1
    x = rng.integers(0, 2, n)
    y = np.roll(x, 1) ^ (rng.random(n) < e).astype(int)
    y[0] = 0
    forward = mi.transfer_entropy(x, y)
    backward = mi.transfer_entropy(y, x)
    # Miller-Madow on 8 cells: bias O(1e-4) bits; sampling sd about 0.005 bits at n = 2e4
    assert abs(float(forward) - (1 - _hb(e))) < 0.02
    assert abs(float(backward)) < 0.002
    assert forward.unit == "bits" and forward.n == n - 1
    # the delay must match: at lag 2 the copy carries nothing
    assert abs(float(mi.transfer_entropy(x, y, lag=2))) < 0.002


# --------------------------------------------------------------------------- Gaussian truth

A = np.array([[0.5, 0.0], [0.4, 0.6]])  # x drives y: y_t = 0.6 y_{t-1} + 0.4 x_{t-1} + e


def _te_truth_history1(a: np.ndarray) -> float:
    """0.5 log(var(Y_t | Y_{t-1}) / var(Y_t | Y_{t-1}, X_{t-1})) in nats, unit noise."""
    g0 = solve_discrete_lyapunov(a, np.eye(2))
    g1 = a @ g0  # cov(z_t, z_{t-1})
    v_restricted = g0[1, 1] - g1[1, 1] ** 2 / g0[1, 1]
    return 0.5 * math.log(v_restricted / 1.0)


def test_gaussian_var1_matches_closed_form_and_granger() -> None:
    from statsmodels.tsa.stattools import grangercausalitytests

    z = _var1(20_000, A, seed=2)
    x, y = z[:, 0], z[:, 1]
    truth = _te_truth_history1(A)
    te = mi.transfer_entropy(x, y, method="gaussian", base=math.e)
    # sd of the estimate: rho (1 - rho^2) / sqrt(n) = 0.0023 nats; 4 sd
    assert abs(float(te) - truth) < 0.01
    assert abs(float(mi.transfer_entropy(y, x, method="gaussian", base=math.e))) < 0.005
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = grangercausalitytests(np.column_stack([y, x]), maxlag=1)
    f, _, df_denom, df_num = result[1][0]["ssr_ftest"]
    log_ratio = math.log1p(f * df_num / df_denom)  # log(RSS_restricted / RSS_unrestricted)
    m = x.shape[0] - 1
    correction = 0.5 * (log_det_bias(m, 2) + log_det_bias(m, 2) - log_det_bias(m, 3) - log_det_bias(m, 1))
    # TE = Granger / 2 exactly on the same data (the gaussian method also removes its O(1/n) bias)
    assert float(te) == pytest.approx(0.5 * log_ratio - correction, rel=1e-9)


def test_gaussian_var1_ksg_looser() -> None:
    z = _var1(4000, A, seed=3)
    truth = _te_truth_history1(A)
    te = mi.transfer_entropy(z[:, 0], z[:, 1], method="ksg1", base=math.e)
    # KSG in 3 dimensions: sd about 0.006 nats, small downward bias; 0.03 nats is ~5 sd
    assert abs(float(te) - truth) < 0.03


def test_conditional_te_removes_a_common_driver() -> None:
    rng = np.random.default_rng(4)
    n = 5000
    w = rng.normal(size=n)
    x = np.empty(n)
    y = np.empty(n)
    x[0], y[:2] = 0.0, 0.0
    x[1:] = 0.9 * w[:-1] + 0.4 * rng.normal(size=n - 1)
    y[2:] = 0.9 * w[:-2] + 0.4 * rng.normal(size=n - 2)
    plain = mi.transfer_entropy(x, y, method="gaussian")
    conditioned = mi.transfer_entropy(x, y, condition=w, method="gaussian")
    assert float(plain) > 0.3  # x_{t-1} is a noisy copy of w_{t-2}, which drives y_t
    assert abs(float(conditioned)) < 0.01


# --------------------------------------------------------------------------- non-linear coupling


def test_nonlinear_coupling_te_finds_direction_granger_does_not() -> None:
    from statsmodels.tsa.stattools import grangercausalitytests

    maps = make_coupled_logistic(2000, 0.1, rng=3)
    x, y = maps["x"].to_numpy(), maps["y"].to_numpy()
    forward = mi.transfer_entropy_test(x, y, method="ksg1", n_surrogates=199, rng=0)
    backward = mi.transfer_entropy_test(y, x, method="ksg1", n_surrogates=99, rng=0)
    assert forward.pvalue < 0.01  # measured 0.005 = 1/200, the smallest attainable
    assert float(forward.effective) > 0.5  # measured 0.98 bits
    assert backward.pvalue > 0.05  # measured 0.77
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        granger = grangercausalitytests(np.column_stack([y, x]), maxlag=1)
    assert granger[1][0]["ssr_ftest"][1] > 0.05  # measured p = 0.43: linear Granger misses it


# --------------------------------------------------------------------------- calibration


def test_surrogate_calibration_and_shuffle_miscalibration() -> None:
    """300 independent AR(1) pairs (phi = 0.9, n = 1000), gaussian TE, 39 surrogates each.

    history=0 (the lagged MI I(Y_t; X_{t-1})): circular shifts keep the source's
    autocorrelation and hold the level; a time shuffle does not (spurious lagged
    correlation between autocorrelated series). history=1: the target's own past whitens
    an AR(1) target, so there even the shuffle holds its level (checked too).
    """
    alpha, m, sets = 0.05, 39, 300
    rejections = {"circular_h0": 0, "shuffle_h0": 0, "circular_h1": 0}
    for s in range(sets):
        rng = np.random.default_rng(10_000 + s)
        x, y = _ar1(1000, 0.9, rng), _ar1(1000, 0.9, rng)
        for key, surrogate, history in (
            ("circular_h0", "circular_shift", 0),
            ("shuffle_h0", "shuffle", 0),
            ("circular_h1", "circular_shift", 1),
        ):
            res = mi.transfer_entropy_test(
                x, y, history=history, method="gaussian", surrogate=surrogate, n_surrogates=m, rng=s
            )
            rejections[key] += res.pvalue <= alpha
    rates = {key: v / sets for key, v in rejections.items()}
    assert 0.02 <= rates["circular_h0"] <= 0.08, rates
    assert 0.02 <= rates["circular_h1"] <= 0.08, rates
    assert rates["shuffle_h0"] > 0.3, rates  # measured about 0.5: badly miscalibrated


def test_block_surrogates_hold_level_on_autocorrelated_pairs() -> None:
    rejections = 0
    sets = 100
    for s in range(sets):
        rng = np.random.default_rng(20_000 + s)
        x, y = _ar1(1000, 0.9, rng), _ar1(1000, 0.9, rng)
        res = mi.transfer_entropy_test(
            x, y, history=0, method="gaussian", surrogate="block", n_surrogates=39, rng=s
        )
        rejections += res.pvalue <= 0.05
    # binomial(100, 0.05): 0..12 covers 99.9 %
    assert rejections <= 12


def test_result_object() -> None:
    z = _var1(1000, A, seed=5)
    res = mi.transfer_entropy_test(z[:, 0], z[:, 1], method="gaussian", n_surrogates=49, rng=1)
    assert res.pvalue == pytest.approx(1 / 50)
    assert res.null_distribution.shape == (49,)
    assert float(res.effective) == pytest.approx(float(res.statistic) - res.null_distribution.mean())
    assert res.surrogate == "circular_shift" and res.method == "gaussian" and res.unit == "bits"
    assert "TransferEntropyResult" in repr(res)
    again = mi.transfer_entropy_test(z[:, 0], z[:, 1], method="gaussian", n_surrogates=49, rng=1)
    np.testing.assert_array_equal(res.null_distribution, again.null_distribution)


# --------------------------------------------------------------------------- surrogates


def test_iaaft_keeps_values_and_spectrum() -> None:
    rng = np.random.default_rng(6)
    x = np.exp(_ar1(2048, 0.8, rng))[:, None]  # skewed, autocorrelated
    s = _surrogates.iaaft(x, np.random.default_rng(0))
    np.testing.assert_array_equal(np.sort(s[:, 0]), np.sort(x[:, 0]))
    assert not np.array_equal(s, x)
    p_x = np.abs(np.fft.rfft(x[:, 0])) ** 2
    p_s = np.abs(np.fft.rfft(s[:, 0])) ** 2
    p_shuffled = np.abs(np.fft.rfft(rng.permutation(x[:, 0]))) ** 2

    def smooth(p: np.ndarray) -> np.ndarray:
        return np.convolve(p[1:], np.ones(32) / 32, mode="valid")

    err_iaaft = np.abs(np.log(smooth(p_s) / smooth(p_x))).mean()
    err_shuffle = np.abs(np.log(smooth(p_shuffled) / smooth(p_x))).mean()
    assert err_iaaft < 0.1 < err_shuffle


def test_iaaft_test_runs_and_rejects_for_real_coupling() -> None:
    z = _var1(800, A, seed=7)
    res = mi.transfer_entropy_test(z[:, 0], z[:, 1], surrogate="iaaft", method="gaussian", n_surrogates=19)
    assert res.pvalue == pytest.approx(1 / 20)


def test_circular_and_block_keep_values() -> None:
    v = np.arange(100.0)[:, None]
    rng = np.random.default_rng(0)
    shifted = _surrogates.circular_shift(v, rng, 10)
    offset = int(shifted[0, 0])
    assert 10 <= 100 - offset <= 90
    np.testing.assert_array_equal(shifted[:, 0], np.roll(v[:, 0], 100 - offset))
    blocks = _surrogates.block_permutation(v, rng, 10)
    np.testing.assert_array_equal(np.sort(blocks[:, 0]), v[:, 0])
    assert all(np.all(np.diff(blocks[i : i + 10, 0]) == 1) for i in range(0, 100, 10))


# --------------------------------------------------------------------------- AIS, lagged MI, history search


def test_active_information_storage_ar1() -> None:
    rng = np.random.default_rng(8)
    phi = 0.8
    x = _ar1(20_000, phi, rng)
    ais = mi.active_information_storage(x, method="gaussian", base=math.e)
    assert abs(float(ais) - (-0.5 * math.log(1 - phi**2))) < 0.01


def test_history_auto_picks_ar2_order() -> None:
    rng = np.random.default_rng(9)
    y = lfilter([1.0], [1.0, -0.5, 0.4], rng.normal(size=3000))[200:]  # AR(2)
    x = rng.normal(size=y.shape[0])
    res = mi.transfer_entropy_test(x, y, history="auto", method="gaussian", n_surrogates=9)
    assert res.history == 2
    one = mi.active_information_storage(y, history=1, method="gaussian")
    auto = mi.active_information_storage(y, history="auto", method="gaussian")
    assert float(auto) > float(one) + 0.05


def test_lagged_mutual_info_peaks_at_delay_and_keeps_time_index() -> None:
    rng = np.random.default_rng(10)
    n = 3000
    x = rng.normal(size=n)
    y = np.roll(x, 3) + 0.5 * rng.normal(size=n)
    index = pd.date_range("2024-01-01", periods=n, freq="h")
    out = mi.lagged_mutual_info(pd.Series(x, index=index), pd.Series(y, index=index), lags=range(-5, 6))
    assert list(out.index) == list(range(-5, 6)) and out.index.name == "lag"
    assert int(out["mi"].idxmax()) == 3
    truth = 0.5 * math.log2(1 + 1 / 0.25)
    assert abs(out.loc[3, "mi"] - truth) < 0.05
    assert out.loc[3, "time_lag"] == pd.Timedelta(hours=3)
    assert out.loc[-5, "n"] == n - 5 and out.attrs["unit"] == "bits"


# --------------------------------------------------------------------------- bad input


def test_bad_input_errors_name_argument_and_rule() -> None:
    x = np.random.default_rng(0).normal(size=50)
    with pytest.raises(ValueError, match="same number of time points"):
        mi.transfer_entropy(x, x[:40])
    with pytest.raises(ValueError, match="`target` is too short"):
        mi.transfer_entropy(x[:12], x[:12], history=5)
    bad = x.copy()
    bad[7] = np.nan
    with pytest.raises(ValueError, match="`source` must contain only finite values"):
        mi.transfer_entropy(bad, x)
    with pytest.raises(ValueError, match="`lag` must be an integer >= 1"):
        mi.transfer_entropy(x, x, lag=0)
    with pytest.raises(ValueError, match="`surrogate` must be one of"):
        mi.transfer_entropy_test(x, x, surrogate="phase")
    with pytest.raises(ValueError, match="`missing` must be one of"):
        mi.transfer_entropy(x, x, missing="fill")
    with pytest.raises(ValueError, match="`lags` must be integers"):
        mi.lagged_mutual_info(x, x, lags=[45])
    with pytest.raises(ValueError, match="'iaaft' needs a continuous source"):
        mi.transfer_entropy_test(x > 0, x > 0.1, surrogate="iaaft")


def test_nan_omit_drops_only_touched_vectors() -> None:
    z = _var1(500, A, seed=11)
    x, y = z[:, 0].copy(), z[:, 1].copy()
    x[100] = np.nan
    with pytest.raises(ValueError, match="finite"):
        mi.transfer_entropy(x, y, method="gaussian")
    te = mi.transfer_entropy(x, y, method="gaussian", missing="omit")
    # x_{t-1} is missing only for t = 101: one of the 499 embedded samples goes
    assert te.n == 498
    keep = np.r_[1:101, 102:500]
    ref = mi.conditional_mutual_info(y[keep], x[keep - 1], y[keep - 1], method="gaussian")
    assert float(te) == pytest.approx(float(ref), rel=1e-12)


def test_datetime_gaps_raise_or_are_omitted() -> None:
    z = _var1(300, A, seed=12)
    index = pd.date_range("2024-01-01", periods=301, freq="D").delete(150)
    x, y = pd.Series(z[:, 0], index=index), pd.Series(z[:, 1], index=index)
    with pytest.raises(ValueError, match="regular time grid"):
        mi.transfer_entropy(x, y)
    te = mi.transfer_entropy(x, y, method="gaussian", missing="omit")
    assert te.n == 298  # 301 grid days, 300 embedded times, minus the gap day and the day after
    other = pd.Series(z[:, 1], index=pd.date_range("2023-01-01", periods=300, freq="D"))
    with pytest.raises(ValueError, match="same time index"):
        mi.transfer_entropy(pd.Series(z[:, 0], index=other.index + pd.Timedelta(days=1)), other)


def test_trend_warns_but_stationary_series_does_not() -> None:
    rng = np.random.default_rng(13)
    n = 1000
    stationary = _ar1(n, 0.9, rng)
    trend = 0.01 * np.arange(n) + rng.normal(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("error", mi.NonStationaryWarning)
        mi.transfer_entropy(stationary, _ar1(n, 0.9, rng), method="gaussian")
    with pytest.warns(mi.NonStationaryWarning, match="`target` has a linear trend"):
        mi.transfer_entropy(stationary, trend, method="gaussian")


def test_discrete_conditional_te_and_kind_rules() -> None:
    rng = np.random.default_rng(14)
    n = 20_000
    w = rng.integers(0, 2, n)
    x = np.roll(w, 1)  # x_t = w_{t-1}
    y = np.roll(w, 2) ^ (rng.random(n) < 0.1).astype(int)  # y_t = w_{t-2}, 10 % flips
    plain = mi.transfer_entropy(x, y)
    conditioned = mi.transfer_entropy(x, y, condition=w)
    assert abs(float(plain) - (1 - _hb(0.1))) < 0.02
    assert abs(float(conditioned)) < 0.005
    with pytest.raises(ValueError, match="conditioning set of a transfer entropy must be of one kind"):
        mi.transfer_entropy(x, y, condition=rng.normal(size=n))
    with pytest.raises(TypeError, match="`lags` must be an iterable of integers"):
        mi.lagged_mutual_info(x, y, lags=5)
    with pytest.raises(ValueError, match="`lags` must be integers"):
        mi.lagged_mutual_info(x, y, lags=[0.5])
