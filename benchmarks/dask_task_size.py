"""Dask overhead against the local engine for a few task sizes (p = 300, n = 2000).

Run: ``python -m benchmarks.dask_task_size [seconds ...]`` (default 0.1 0.3 0.5). Each size
starts a fresh 2-worker LocalCluster on 127.0.0.1; the local engine is timed just before.
One run per size: compare ratios only, on a quiet machine.
"""

from __future__ import annotations

import sys
import time

import numpy as np


def measure(task_seconds: float, p: int = 300, n: int = 2000) -> tuple[float, float, bool]:
    """(local seconds, Dask seconds, bit-identical) for one task size."""
    from distributed import Client, LocalCluster

    import mutinfo as mi
    import mutinfo._pairwise_dask as engine
    from benchmarks.bench_pairwise import data

    engine.TASK_SECONDS = task_seconds
    x = data(n, p)
    mi.pairwise(x[:, :20])  # compile and warm up
    start = time.perf_counter()
    local = mi.pairwise(x)
    t_local = time.perf_counter() - start
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        mi.pairwise(x[:, :20], engine="dask", client=client)
        start = time.perf_counter()
        remote = mi.pairwise(x, engine="dask", client=client)
        t_dask = time.perf_counter() - start
    return t_local, t_dask, bool(np.array_equal(local, remote, equal_nan=True))


def main() -> None:
    sizes = [float(s) for s in sys.argv[1:]] or [0.1, 0.3, 0.5]
    for s in sizes:
        t_local, t_dask, same = measure(s)
        print(
            f"task {s:.2f} s: local {t_local:.1f} s, dask {t_dask:.1f} s, "
            f"overhead {100 * (t_dask / t_local - 1):+.0f} %, bit-identical {same}",
            flush=True,
        )


if __name__ == "__main__":
    main()
