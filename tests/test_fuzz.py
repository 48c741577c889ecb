"""Hypothesis fuzzing of the estimators: shapes, dtypes, scales 1e-300..1e300, ties, categories.

Every method of :func:`mutinfo.available_methods` (the neural bounds excepted: they train a
network per call) is fed generated data. A call must either return a finite number or raise a
ValueError/TypeError that names the argument at fault (mostly "`method` ... cannot take this
data"); every warning it emits must be a typed :class:`mutinfo.MutinfoWarning` (no numpy
RuntimeWarning from an overflow or a log(0)). The one documented non-finite value, the
differential entropy -inf of a constant continuous variable, must come with a
:class:`mutinfo.ConstantInputWarning`.

Row-order invariance is asserted where it is exact in theory and in floating point up to
summation order: the discrete plug-in family (integer contingency counts: bit-identical),
Kozachenko-Leonenko, KSG-1/KSG-2 on tie-free data, the Gaussian closed form and the histogram
(all up to summation order, relative 1e-9).

The number of examples run per test is printed with ``pytest -s`` (the counts in
docs/reliability.md come from that).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

import mutinfo as mi

NEURAL = {"infonce", "nwj", "mine"}
METHODS = {q: [m for m in mi.available_methods(q) if m not in NEURAL] for q in ("entropy", "mi", "cmi")}
DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float32", "float64"]
#: How many generated examples each test ran (printed at the end of the session).
EXAMPLES: Counter[str] = Counter()


@st.composite
def columns(draw: Any, n: int) -> np.ndarray:
    """One column of n samples: a dtype, a scale, and a tie structure."""
    dtype = draw(st.sampled_from(DTYPES))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    ties = draw(st.sampled_from(["none", "heavy", "many categories"]))
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        if ties == "heavy":
            return rng.integers(0, 3, n).astype(dtype)
        if ties == "many categories":
            levels = rng.integers(info.min, info.max, size=max(2, n - 1), endpoint=True, dtype=np.int64)
            return levels[rng.integers(0, levels.shape[0], n)].astype(dtype)
        return rng.integers(info.min, info.max, n, endpoint=True, dtype=np.int64).astype(dtype)
    exponent = draw(st.integers(-30, 30) if dtype == "float32" else st.integers(-300, 300))
    values = rng.normal(size=n)
    if ties == "heavy":
        values = np.round(values)  # a handful of values, each repeated many times
    elif ties == "many categories":
        values = np.round(values * n / 4)
    return (values * 10.0**exponent).astype(dtype)


def _call(fn: Any, *args: Any, **kwargs: Any) -> tuple[float | None, list[warnings.WarningMessage]]:
    """Run an estimator; (value, warnings), value None when it refused with a clear error.

    The Gaussian closed forms return +inf for an exact linear relation (the true Gaussian MI);
    that is accepted here only after checking that the data are collinear at float64
    resolution (correlation determinant below 1e-12, on normal scores for the copula).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            message = str(exc)
            assert "`" in message, f"error without a named argument: {message!r}"
            return None, list(caught)
    if float(value) == math.inf and value.method in ("gaussian", "gaussian_copula"):
        columns = [np.asarray(a, dtype=np.float64).reshape(len(a), -1) for a in args]
        joint = np.hstack(columns)
        if value.method == "gaussian_copula":
            joint = rankdata(joint, axis=0)
        joint = joint / np.abs(joint).max(axis=0)  # no overflow at 1e300
        assert np.linalg.det(np.corrcoef(joint.T)) < 1e-10, "+inf from data that are not collinear"
        return None, list(caught)
    return float(value), list(caught)


def _check(value: float | None, caught: list[warnings.WarningMessage], what: str) -> None:
    untyped = [
        f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, mi.MutinfoWarning)
    ]
    assert not untyped, f"{what}: untyped warnings {untyped[:3]}"
    if value is None:
        return
    if value == -math.inf and any(issubclass(w.category, mi.ConstantInputWarning) for w in caught):
        return  # differential entropy of a constant: documented, with a typed warning
    assert math.isfinite(value), f"{what}: non-finite result {value!r} from finite input"


@given(data=st.data(), n=st.integers(2, 60))
def test_entropy_every_method(data: Any, n: int) -> None:
    EXAMPLES["entropy"] += 1
    x = data.draw(columns(n))
    for method in METHODS["entropy"]:
        value, caught = _call(mi.entropy, x, method=method)
        _check(value, caught, f"entropy(method={method!r}, dtype={x.dtype}, n={n})")


@given(data=st.data(), n=st.integers(2, 60))
def test_mutual_info_every_method(data: Any, n: int) -> None:
    EXAMPLES["mutual_info"] += 1
    x = data.draw(columns(n))
    y = data.draw(columns(n))
    if data.draw(st.booleans()):  # a dependent pair half of the time
        y = x.copy()
        y[::3] = x[::-1][::3]  # strongly dependent, and tied exactly as x is
    for method in METHODS["mi"]:
        value, caught = _call(mi.mutual_info, x, y, method=method)
        _check(value, caught, f"mutual_info(method={method!r}, {x.dtype}/{y.dtype}, n={n})")


@settings(max_examples=40)
@given(data=st.data(), n=st.integers(3, 50))
def test_conditional_mutual_info_every_method(data: Any, n: int) -> None:
    EXAMPLES["conditional_mutual_info"] += 1
    x, y, z = (data.draw(columns(n)) for _ in range(3))
    for method in METHODS["cmi"]:
        value, caught = _call(mi.conditional_mutual_info, x, y, z, method=method)
        _check(value, caught, f"cmi(method={method!r}, {x.dtype}/{y.dtype}/{z.dtype}, n={n})")


@settings(max_examples=30)
@given(data=st.data(), n=st.integers(8, 60), p=st.integers(2, 5))
def test_pairwise_tables(data: Any, n: int, p: int) -> None:
    EXAMPLES["pairwise"] += 1
    frame = pd.DataFrame({f"c{j}": data.draw(columns(n)) for j in range(p)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            matrix = mi.pairwise(frame)
        except ValueError as exc:
            assert "`data`" in str(exc) or "`k`" in str(exc), str(exc)
            return
    _check(None, list(caught), "pairwise")
    values = matrix.to_numpy()
    off = values[~np.eye(p, dtype=bool)]
    assert np.isfinite(off).all(), f"pairwise: non-finite off-diagonal entries {off}"
    assert np.array_equal(values, values.T, equal_nan=True)


@settings(max_examples=30)
@given(data=st.data(), n=st.integers(8, 60))
def test_independence_test(data: Any, n: int) -> None:
    EXAMPLES["independence_test"] += 1
    x = data.draw(columns(n))
    y = data.draw(columns(n))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = mi.independence_test(x, y, n_resamples=9, rng=0)
        except ValueError as exc:
            assert "`" in str(exc), str(exc)
            return
    _check(float(res.statistic), list(caught), "independence_test")
    assert 0.0 < res.pvalue <= 1.0
    assert np.isfinite(res.null_distribution).all()


@settings(max_examples=20)
@given(data=st.data(), n=st.integers(50, 3000))
def test_huge_category_counts(data: Any, n: int) -> None:
    """Thousands of string categories, up to one per sample: every discrete method stays
    finite, and plug-in MI obeys 0 <= I(X; Y) <= min(H(X), H(Y)) (to rounding)."""
    EXAMPLES["huge category counts"] += 1
    seed = data.draw(st.integers(0, 2**32 - 1))
    levels = data.draw(st.integers(2, n))
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, n).astype(str)
    y = np.where(rng.random(n) < 0.5, x, rng.integers(0, levels, n).astype(str))
    for method in ("plugin", "miller_madow", "chao_shen", "nsb", "auto"):
        value, caught = _call(mi.mutual_info, x, y, method=method)
        _check(value, caught, f"mutual_info(method={method!r}, {levels} categories, n={n})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)
        i = float(mi.mutual_info(x, y, method="plugin"))
        hx, hy = float(mi.entropy(x, method="plugin")), float(mi.entropy(y, method="plugin"))
    assert -1e-9 <= i <= min(hx, hy) + 1e-9, (i, hx, hy)


# --------------------------------------------------------------------------- row order


@given(data=st.data(), n=st.integers(2, 200), levels=st.integers(1, 300))
def test_plugin_family_is_exactly_invariant_to_row_order(data: Any, n: int, levels: int) -> None:
    EXAMPLES["row order, discrete"] += 1
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, n)
    y = (x + rng.integers(0, 3, n)) % max(levels, 1)
    perm = rng.permutation(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)
        for method in ("plugin", "miller_madow", "chao_shen", "nsb"):
            a = mi.mutual_info(x, y, method=method, discrete=True)
            b = mi.mutual_info(x[perm], y[perm], method=method, discrete=True)
            assert float(a) == float(b), (method, float(a), float(b))


@settings(max_examples=40)
@given(data=st.data(), n=st.integers(10, 150))
def test_continuous_estimators_invariant_to_row_order(data: Any, n: int) -> None:
    EXAMPLES["row order, continuous"] += 1
    seed = data.draw(st.integers(0, 2**32 - 1))
    exponent = data.draw(st.integers(-300, 300))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 10.0**exponent
    y = x + rng.normal(size=n) * 10.0**exponent
    perm = rng.permutation(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)
        for method in ("ksg1", "ksg2", "gaussian", "histogram"):
            a = float(mi.mutual_info(x, y, method=method))
            b = float(mi.mutual_info(x[perm], y[perm], method=method))
            assert a == pytest.approx(b, rel=1e-9, abs=1e-12), (method, a, b)
        for method in ("kl", "gaussian"):
            a = float(mi.entropy(x, method=method))
            b = float(mi.entropy(x[perm], method=method))
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (method, a, b)


@pytest.fixture(scope="module", autouse=True)
def _report_examples() -> Any:
    yield
    if EXAMPLES:
        print("\nfuzz examples run:", dict(EXAMPLES), "total", sum(EXAMPLES.values()))
