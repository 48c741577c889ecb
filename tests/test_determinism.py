"""Determinism: the same inputs and seed give bit-identical results.

Bit-identical means ``float.hex`` equality, not a tolerance: across ``n_jobs`` = 1 and 2
(numba threads), across the local and Dask engines of :func:`mutinfo.pairwise` (a 2-worker
``distributed.LocalCluster`` on 127.0.0.1, dashboard off), and across two Python processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest

import mutinfo as mi

pytestmark = pytest.mark.xdist_group("dask")  # shares the session's LocalCluster (conftest)

#: The computation run here and, verbatim, in a second process. Each entry is a float or an
#: array, returned as a list of float.hex strings.
COMPUTATION = r"""
import warnings
import numpy as np
import mutinfo as mi

def compute(n_jobs):
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(12345)
    n = 800
    x = rng.normal(size=n)
    y = np.sin(x) + 0.5 * rng.normal(size=n)
    z = x + rng.normal(size=n)
    labels = (x > 0.3).astype(int) + (y > 0).astype(int)
    rounded = np.round(y, 1)  # ties: dequantised / mixed estimators
    data = np.column_stack([x, y, z, rng.normal(size=n), x * z])
    out = {}
    for method in ("ksg1", "ksg2", "copula_ksg", "gaussian_copula", "histogram"):
        out["mi_" + method] = mi.mutual_info(x, y, method=method, n_jobs=n_jobs, rng=7)
    out["mi_auto_ties"] = mi.mutual_info(x, rounded, n_jobs=n_jobs, rng=7)
    out["mi_mixed"] = mi.mutual_info(labels, y, n_jobs=n_jobs, rng=7)
    out["mi_plugin"] = mi.mutual_info(labels, (z > 0).astype(int), method="plugin", n_jobs=n_jobs)
    out["cmi_ksg1"] = mi.conditional_mutual_info(x, y, z, method="ksg1", n_jobs=n_jobs)
    out["cmi_auto"] = mi.conditional_mutual_info(x, y, z, n_jobs=n_jobs, rng=3)
    out["h_kl"] = mi.entropy(x, method="kl", n_jobs=n_jobs)
    out["pairwise"] = mi.pairwise(data, n_jobs=n_jobs)
    out["pairwise_copula"] = mi.pairwise(data[:300], method="copula_ksg", n_jobs=n_jobs, rng=11)
    test = mi.independence_test(x[:400], y[:400], n_resamples=49, rng=5, n_jobs=n_jobs)
    out["test_null"] = test.null_distribution
    out["test_p"] = test.pvalue
    ctest = mi.independence_test(x[:300], y[:300], z[:300], n_resamples=19, rng=5, n_jobs=n_jobs)
    out["ctest_null"] = ctest.null_distribution
    out["ci"] = [test.confidence_interval(n_resamples=30, rng=2).low,
                 test.confidence_interval(n_resamples=30, rng=2).high]
    return {k: [float(v).hex() for v in np.ravel(np.asarray(val, dtype=float))] for k, val in out.items()}
"""


def _compute(n_jobs: int) -> dict[str, list[str]]:
    namespace: dict[str, Any] = {}
    exec(COMPUTATION, namespace)
    return namespace["compute"](n_jobs)


@pytest.fixture(scope="module")
def reference() -> dict[str, list[str]]:
    return _compute(1)


def test_threads_do_not_change_results(reference):
    two = _compute(2)
    differ = [k for k in reference if reference[k] != two[k]]
    assert not differ, f"n_jobs=1 and n_jobs=2 differ in {differ}"


def test_second_process_gives_the_same_bits(reference):
    script = COMPUTATION + "\nimport json, sys\njson.dump(compute(2), sys.stdout)\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    other = json.loads(done.stdout)
    differ = [k for k in reference if reference[k] != other[k]]
    assert not differ, f"a second process differs in {differ}"


def test_same_seed_same_result_different_seed_different_result():
    """The determinism above is not an accident of ignoring the seed."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    y = x + rng.normal(size=500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)
        a = mi.independence_test(x, y, n_resamples=29, rng=1).null_distribution
        b = mi.independence_test(x, y, n_resamples=29, rng=1).null_distribution
        c = mi.independence_test(x, y, n_resamples=29, rng=2).null_distribution
    assert [v.hex() for v in a] == [v.hex() for v in b]
    assert not np.array_equal(a, c)


# --------------------------------------------------------------------------- Dask engine

distributed = pytest.importorskip("distributed")


@pytest.fixture
def client(dask_client):
    return dask_client


def test_dask_engine_is_bit_identical_to_local(client):
    rng = np.random.default_rng(3)
    n = 400
    x = rng.normal(size=(n, 6))
    x[:, 1] += x[:, 0]
    x[:, 3] = np.round(x[:, 3] + x[:, 2], 1)  # ties: off the KSG fast path
    x[:, 5] = (x[:, 4] > 0).astype(float)  # a binary column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)
        for method, seed, blocks in (
            ("auto", 9, (None, 2)),
            ("copula_ksg", 9, (3,)),
            ("ksg2", None, (None,)),
        ):
            local = mi.pairwise(x, method=method, rng=seed, n_jobs=2)
            for block_size in blocks:
                remote = mi.pairwise(
                    x, method=method, rng=seed, engine="dask", client=client, block_size=block_size
                )
                assert [v.hex() for v in np.ravel(local)] == [v.hex() for v in np.ravel(remote)], (
                    method,
                    block_size,
                )
