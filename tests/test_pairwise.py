"""Tests for mutinfo.pairwise: equality with mutual_info per pair, invariances, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import mutinfo as mi
from mutinfo._pairwise_dask import TASK_SECONDS, choose_block_size
from mutinfo.pairwise import block_tasks, task_pairs


def _chain(n: int, p: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    for j in range(1, p, 2):
        X[:, j] += X[:, j - 1]
    return X


@pytest.mark.parametrize("method", ["auto", "ksg1", "ksg2"])
def test_equals_mutual_info_for_every_pair(method):
    X = _chain(600, 6, 0)
    M = mi.pairwise(X, method=method, k=4, base=math.e)
    pair_method = "ksg1" if method == "auto" else method
    for i in range(6):
        assert math.isnan(M[i, i])
        for j in range(i + 1, 6):
            ref = float(mi.mutual_info(X[:, i], X[:, j], method=pair_method, k=4, base=math.e))
            assert M[i, j] == ref  # bit for bit: the same kernel arithmetic
            assert M[j, i] == ref


def test_gaussian_closed_form():
    # I = -0.5 ln(1 - rho^2) nats; KSG-1 at n = 2000 has sd ~0.02 nats and bias < 0.01 here
    rng = np.random.default_rng(3)
    n, rho = 2000, 0.6
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    z = rng.normal(size=n)
    M = mi.pairwise(np.column_stack([x, y, z]), base=math.e)
    assert M[0, 1] == pytest.approx(-0.5 * math.log(1 - rho**2), abs=0.07)
    assert abs(M[0, 2]) < 0.07 and abs(M[1, 2]) < 0.07


def test_blocks_threads_and_units_do_not_change_values():
    X = _chain(500, 9, 1)
    ref = mi.pairwise(X, base=2)
    for kwargs in ({"block_size": 2}, {"block_size": 1, "n_jobs": 1}, {"block_size": 50, "n_jobs": -1}):
        assert np.array_equal(mi.pairwise(X, **kwargs), ref, equal_nan=True)
    nats = mi.pairwise(X, base=math.e)
    np.testing.assert_allclose(nats / math.log(2), ref, rtol=1e-14)


def test_dataframe_keeps_labels_and_mixed_columns_match_mutual_info():
    rng = np.random.default_rng(2)
    n = 400
    a = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "a": a,
            "b": a + rng.normal(size=n),
            "label": (a > 0).astype(int) + rng.integers(0, 2, n),  # discrete, 3 levels
            "rounded": np.round(a + 0.5 * rng.normal(size=n), 1),  # continuous with ties
        }
    )
    with pytest.warns(mi.TiesWarning, match="'rounded'"):
        M = mi.pairwise(frame, k=3)
    assert isinstance(M, pd.DataFrame)
    assert list(M.index) == list(frame.columns) == list(M.columns)
    assert M.attrs["unit"] == "bits"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for x, y in [("a", "label"), ("b", "rounded")]:  # deterministic estimators
            flags = [frame[c].dtype.kind == "i" for c in (x, y)]
            method = "auto" if any(flags) else "ksg1"
            ref = mi.mutual_info(frame[x], frame[y], method=method, discrete=tuple(flags), k=3)
            assert M.loc[x, y] == float(ref) == M.loc[y, x]
        # label x rounded: "auto" dequantises the rounded column with noise from the pair's
        # own generator, so the value matches mutual_info up to that noise (sd ~0.02 bits)
        ref = mi.mutual_info(frame["label"], frame["rounded"], discrete=(True, False), k=3)
        assert M.loc["label", "rounded"] == pytest.approx(float(ref), abs=0.08)
        again = mi.pairwise(frame, k=3)
    assert again.equals(M)  # the per-pair generators repeat
    assert M.loc["a", "label"] > 0.3  # the label is a function of a plus a coin


def test_other_methods_go_through_mutual_info():
    X = _chain(300, 4, 5)
    M = mi.pairwise(X, method="gaussian")
    ref = float(mi.mutual_info(X[:, 0], X[:, 1], method="gaussian"))
    assert M[0, 1] == ref
    assert M[0, 1] == pytest.approx(0.5 * math.log2(2), abs=0.15)  # rho^2 = 1/2: 0.5 bit


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "match"),
    [
        (np.zeros((50, 1)) + np.arange(50)[:, None], {}, ValueError, "at least 2 columns"),
        (np.column_stack([np.arange(50.0), np.r_[np.nan, np.arange(49.0)]]), {}, ValueError, "NaN"),
        (np.column_stack([np.arange(50.0), np.ones(50)]), {}, ValueError, "constant column"),
        (np.random.default_rng(0).normal(size=(10, 3)), {"k": 10}, ValueError, "`k`"),
        (np.random.default_rng(0).normal(size=(10, 3)), {"engine": "spark"}, ValueError, "`engine`"),
        (np.random.default_rng(0).normal(size=(10, 3)), {"block_size": 0}, ValueError, "`block_size`"),
        (np.random.default_rng(0).normal(size=(10, 3)), {"method": 3}, TypeError, "`method`"),
        (np.random.default_rng(0).normal(size=(10, 3)), {"discrete": [True]}, ValueError, "`discrete`"),
    ],
)
def test_bad_input(data, kwargs, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=match):
            mi.pairwise(data, **kwargs)


def test_block_tasks_cover_every_pair_once():
    p, b = 11, 3
    seen = np.zeros((p, p), dtype=int)
    for task in block_tasks(p, b):
        i, j = task_pairs(task)
        assert np.all(i < j)
        np.add.at(seen, (i, j), 1)
    assert np.array_equal(seen, np.triu(np.ones((p, p), dtype=int), 1))


def test_block_size_rule():
    # 1 ms per pair -> b = round(sqrt(TASK_SECONDS / 0.001)) (22 at 0.5 s) when p is large
    assert choose_block_size(10_000, 1e-3, 2) == round(math.sqrt(TASK_SECONDS / 1e-3))
    assert choose_block_size(10_000, TASK_SECONDS / 100, 2) == 10
    # small p: shrink until every worker thread gets >= 4 tasks
    b = choose_block_size(40, 1e-4, 4)
    blocks = math.ceil(40 / b)
    assert blocks * (blocks + 1) // 2 >= 16


def test_progress_bar_runs():
    X = _chain(200, 4, 7)
    assert np.array_equal(mi.pairwise(X, progress=True), mi.pairwise(X), equal_nan=True)


def test_progress_callback_counts_every_pair():
    X = _chain(120, 60, 8)  # 1,770 pairs in tasks of <= 100: two local batches (>= 1,024, rest)
    calls: list[tuple[int, int]] = []
    M = mi.pairwise(X, block_size=10, progress=lambda done, total: calls.append((done, total)))
    assert np.array_equal(M, mi.pairwise(X), equal_nan=True)
    assert calls[0] == (0, 1770) and calls[-1] == (1770, 1770)
    assert len(calls) == 3
    done = [c[0] for c in calls]
    assert done == sorted(done) and all(t == 1770 for _, t in calls)


def test_progress_callback_errors():
    X = _chain(100, 4, 9)
    with pytest.raises(TypeError, match=r"`progress`.*callable"):
        mi.pairwise(X, progress="yes")

    def stop(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mi.pairwise(X, progress=stop)


def test_pairwise_test_pooled_null_and_fdr():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 8))
    X[:, 1] += X[:, 0]  # I = 0.5 ln 2 nats: far beyond the null
    result = mi.pairwise_test(X, n_null=999, rng=1, base=math.e)
    assert np.array_equal(result.statistic, mi.pairwise(X, base=math.e), equal_nan=True)
    # smallest p = 1/1000; BH over 28 pairs gives q = 28/1000
    assert result.pvalue[0, 1] == pytest.approx(1 / 1000) and result.qvalue[0, 1] == pytest.approx(0.028)
    # the null is KSG-1 under independence: mean ~0, sd ~0.03 nats at n = 500
    assert abs(result.null_distribution.mean()) < 0.02
    assert 0.01 < result.null_distribution.std() < 0.08
    iu = np.triu_indices(8, 1)
    others = result.pvalue[iu][1:]  # the 27 independent pairs: roughly uniform p-values
    assert 0.25 < others.mean() < 0.75
    assert np.all(result.qvalue[iu] >= result.pvalue[iu])
    with pytest.warns(mi.TiesWarning), pytest.raises(ValueError, match="tie-free"):
        mi.pairwise_test(np.round(X, 1), n_null=10)


def test_polars_and_arrow_tables_keep_names():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    X = _chain(300, 3, 9)
    ref = mi.pairwise(X)
    for table in (
        pl.DataFrame({"u": X[:, 0], "v": X[:, 1], "w": X[:, 2]}),
        pa.table({"u": X[:, 0], "v": X[:, 1], "w": X[:, 2]}),
    ):
        M = mi.pairwise(table)
        assert list(M.columns) == ["u", "v", "w"]
        assert np.array_equal(M.to_numpy(), ref, equal_nan=True)


@pytest.mark.parametrize("given", [None, "strata"])
def test_column_blocks_give_the_same_pairs(given):
    # what a Dask task sees: two blocks of the prepared table, each with its own arrays
    from mutinfo.pairwise import compute_pairs, prepare

    X = _chain(300, 9, 11)
    z = np.random.default_rng(0).integers(0, 3, 300) if given else None
    prep = prepare(X, method="auto", discrete="auto", k=3, base=2, rng=0, given=z)
    full = mi.pairwise(X, given=z)
    left, right = prep.take(0, 4), prep.take(4, 9)
    shared = 0 if prep.z is None else prep.z.nbytes  # each block carries Z
    assert left.nbytes + right.nbytes == prep.nbytes + shared
    li, lj = (a.reshape(-1) for a in np.meshgrid(np.arange(4), np.arange(5), indexing="ij"))
    values, _ = compute_pairs(left, right, li, lj)
    assert np.array_equal(values, full[left.index[li], right.index[lj]])


def test_pairwise_test_passes_progress_on():
    X = _chain(150, 5, 12)
    calls: list[tuple[int, int]] = []
    mi.pairwise_test(X, n_null=20, rng=0, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 10) and calls[-1] == (10, 10)
