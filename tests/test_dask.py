"""The Dask engine of mutinfo.pairwise on a real 2-worker LocalCluster (loopback only)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import mutinfo as mi

distributed = pytest.importorskip("distributed")


pytestmark = pytest.mark.xdist_group("dask")


@pytest.fixture
def client(dask_client):
    return dask_client


def _data(n: int, p: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    for j in range(1, p):
        X[:, j] += 0.7 * X[:, j - 1]
    return X


def test_continuous_parity_bit_identical(client):
    X = _data(500, 14, 0)
    local = mi.pairwise(X)
    for block_size in (None, 3, 14):
        remote = mi.pairwise(X, engine="dask", client=client, block_size=block_size)
        assert np.array_equal(remote, local, equal_nan=True)


def test_mixed_table_parity_and_warnings(client):
    rng = np.random.default_rng(1)
    n = 300
    a = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "a": a,
            "b": a + rng.normal(size=n),
            "label": (a > 0).astype(int),
            "rounded": np.round(a + rng.normal(size=n), 1),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = mi.pairwise(frame, rng=7)
    with pytest.warns(mi.TiesWarning, match="'rounded'"):
        remote = mi.pairwise(frame, engine="dask", client=client, rng=7, block_size=2)
    pd.testing.assert_frame_equal(remote, local)


def test_address_string_and_networks(client):
    X = _data(400, 6, 2)
    by_address = mi.pairwise(X, engine="dask", client=client.scheduler.address)
    assert np.array_equal(by_address, mi.pairwise(X), equal_nan=True)
    ara_remote = mi.network.aracne(X, engine="dask", client=client)
    ara_local = mi.network.aracne(X)
    pd.testing.assert_frame_equal(ara_remote.adjacency, ara_local.adjacency)


def test_bad_client(client):
    X = _data(100, 3, 3)
    with pytest.raises(TypeError, match="`client`"):
        mi.pairwise(X, engine="dask", client=42)
    with pytest.raises(ValueError, match="`client`"):
        mi.pairwise(X, engine="local", client=client)


def test_progress_callback_per_task(client):
    X = _data(200, 9, 4)
    calls: list[tuple[int, int]] = []
    remote = mi.pairwise(
        X, engine="dask", client=client, block_size=3, progress=lambda d, t: calls.append((d, t))
    )
    assert np.array_equal(remote, mi.pairwise(X), equal_nan=True)
    # 3 blocks of 3 columns: 6 tasks (3 diagonal of 3 pairs, 3 off-diagonal of 9)
    assert calls[0] == (0, 36) and calls[-1] == (36, 36) and len(calls) == 7
    steps = sorted(b - a for (a, _), (b, _) in itertools.pairwise(calls))
    assert steps == [3, 3, 3, 9, 9, 9]


def test_given_parity_bit_identical(client):
    rng = np.random.default_rng(5)
    X = _data(300, 7, 5)
    strata = rng.integers(0, 3, 300)  # discrete Z: the stratified fast path
    local = mi.pairwise(X, given=strata)
    remote = mi.pairwise(X, engine="dask", client=client, given=strata, block_size=2)
    assert np.array_equal(remote, local, equal_nan=True)
    frame = pd.DataFrame(X[:, :4], columns=list("abcd"))  # continuous named Z: per pair
    local = mi.pairwise(frame, given=["d"])
    remote = mi.pairwise(frame, engine="dask", client=client, given=["d"], block_size=1)
    pd.testing.assert_frame_equal(remote, local)
