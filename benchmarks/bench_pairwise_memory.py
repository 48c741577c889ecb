"""Peak memory per Dask worker of ``mi.pairwise(engine="dask")``: broadcast vs column blocks.

Until November 2026 the Dask engine broadcast all prepared columns to every worker
(``client.scatter(prep, broadcast=True)``), so each worker held about 26 bytes per sample
and column whatever the cluster size. The engine now cuts the prepared columns into blocks,
places block a on worker a mod W, and gives each task the two block futures it needs, so a
worker holds its share of the blocks plus the few it fetches for its running task.

This module measures both on a fresh ``distributed.LocalCluster`` per case (W worker
processes, one thread each, loopback): the "broadcast" rows rerun the old scheme (the same
kernel and tasks; only the data movement differs), the "blocks" rows call
``mi.pairwise(..., engine="dask")`` itself. The number reported is the largest resident set
size of each worker process sampled during the job (``psutil``, every 0.5 s from the
driver, at task boundaries) minus its size after the warm-up (import of mutinfo, numba
cache loaded), i.e. the memory the job added, and the largest sampled RSS itself. (Not
``ru_maxrss``: a LocalCluster worker is started by fork/exec from the process that runs
the cluster, here the benchmark itself holding the data, and Linux carries that process's
high-water mark into the new one, so ``ru_maxrss`` read 1.66-1.72 GB in workers whose
sampled RSS never passed 0.9 GB.) Each job is stopped after
``SECONDS`` of work (through the ``progress`` callback, which cancels the remaining tasks):
the prepared data reach the workers before the first task runs, so the peak is reached in
the first seconds; a full p = 1000 run is in ``bench_pairwise``.

Cases: p = 1000, n = 2000, W = 2 (the issue's size) and p = 2000, n = 10,000 (block size
16, W = 2 and 4), a small proxy for p = 20,000 genes at n = 10,000 cells.
A last row times whole jobs (p = 200, n = 2000, b = 16) with both schemes and the local
engine on one cluster, alternating, twice each. ``quick`` runs p = 300, n = 2000, W = 2
for memory and p = 120 for time. ``python -m benchmarks.bench_pairwise_memory [--quick]
[--time-only]`` prints each row as it is measured.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

import mutinfo as mi
from benchmarks.bench_pairwise import data as _data
from benchmarks.common import row

__all__ = ["run"]

#: Seconds of work before a job is stopped.
SECONDS = 20.0


class _Stop(Exception):
    """Raised by the progress callback to end a job early."""


def _warm_worker() -> None:
    import mutinfo as mi_worker

    mi_worker.pairwise(_data(200, 4), n_jobs=1)


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


class _Sampler:
    """Largest RSS of each worker seen so far, sampled at most every 0.5 s."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.last = 0.0
        self.high: dict[str, float] = {}

    def __call__(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self.last >= 0.5:
            self.last = now
            for w, mb in self.client.run(_rss_mb).items():
                self.high[w] = max(self.high.get(w, 0.0), mb)


def _old_task(prep: Any, task: tuple[int, int, int, int]) -> int:
    """A block task of the broadcast scheme: the whole prepared table is an argument."""
    from mutinfo._threads import numba_threads
    from mutinfo.pairwise import compute_pairs, task_pairs

    ii, jj = task_pairs(task)
    with numba_threads(1):
        compute_pairs(prep, prep, ii, jj)
    return int(ii.shape[0])


def _broadcast(client: Any, X: np.ndarray, b: int, seconds: float, sample: _Sampler) -> int:
    """The old scheme: every worker receives all prepared columns. Returns pairs done."""
    from distributed import as_completed

    from mutinfo.pairwise import block_tasks, prepare

    prep = prepare(X, method="auto", discrete="auto", k=3, base=2, rng=None)
    tasks = block_tasks(prep.p, b)
    shared = client.scatter(prep, broadcast=True, hash=False)
    futures = client.map(_old_task, [shared] * len(tasks), tasks, pure=False)
    start, done = time.perf_counter(), 0
    try:
        for future in as_completed(futures):
            done += future.result()
            sample()
            if time.perf_counter() - start > seconds:
                break
    finally:
        client.cancel(futures)
        client.cancel(shared)
    return done


def _blocks(client: Any, X: np.ndarray, b: int, seconds: float, sample: _Sampler) -> int:
    """The engine as shipped, stopped after ``seconds`` through its progress callback."""
    start = time.perf_counter()
    count = [0]

    def stop(done: int, total: int) -> None:
        count[0] = done
        sample()
        if done and time.perf_counter() - start > seconds:
            raise _Stop

    try:
        mi.pairwise(X, engine="dask", client=client, block_size=b, progress=stop)
    except _Stop:
        pass
    return count[0]


def _case(mode: str, n: int, p: int, workers: int, b: int, seconds: float) -> dict:
    from distributed import Client, LocalCluster

    X = _data(n, p, seed=1)
    prepared_mb = 26 * n * p / 1e6
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm_worker)
        before = client.run(_rss_mb)
        sample = _Sampler(client)
        start = time.perf_counter()
        done = (_broadcast if mode == "broadcast" else _blocks)(client, X, b, seconds, sample)
        elapsed = time.perf_counter() - start
        sample(force=True)
    added = [sample.high[w] - before[w] for w in before]
    return row(
        "pairwise_memory",
        f"p = {p:,}, n = {n:,}, {workers} workers x 1 thread, b = {b}: {mode}",
        elapsed,
        "",
        None,
        f"peak added per worker: max {max(added):.0f} MB, mean {np.mean(added):.0f} MB",
        f"prepared columns {prepared_mb:.0f} MB in all; "
        f"largest worker RSS {max(sample.high.values()):.0f} MB; "
        f"{done:,} pairs done before the stop",
    )


def _cpu_s() -> float:
    import psutil

    t = psutil.Process().cpu_times()
    return float(t.user + t.system)


def _timing(n: int, p: int, b: int, repeats: int) -> dict:
    """Whole jobs on one 2-worker cluster: the block scheme vs the broadcast scheme vs the
    local engine, alternating, median of ``repeats`` each. Besides wall time, the CPU time
    the job used (worker processes for Dask, this process for local): on a shared machine
    wall time follows the other jobs' load, CPU time much less."""
    import os

    import psutil
    from distributed import Client, LocalCluster

    X = _data(n, p, seed=2)
    wall: dict[str, list[float]] = {"blocks": [], "broadcast": [], "local": []}
    cpu: dict[str, list[float]] = {"blocks": [], "broadcast": [], "local": []}
    me = psutil.Process(os.getpid())
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm_worker)
        mi.pairwise(X[:, :8], n_jobs=-1)
        jobs = {
            "blocks": lambda: mi.pairwise(X, engine="dask", client=client, block_size=b),
            "broadcast": lambda: _broadcast(client, X, b, float("inf"), lambda *a, **k: None),
            "local": lambda: mi.pairwise(X, n_jobs=-1),
        }
        for _ in range(repeats):
            for name, job in jobs.items():
                remote = name != "local"
                c0 = sum(client.run(_cpu_s).values()) if remote else sum(me.cpu_times()[:2])
                start = time.perf_counter()
                job()
                wall[name].append(time.perf_counter() - start)
                c1 = sum(client.run(_cpu_s).values()) if remote else sum(me.cpu_times()[:2])
                cpu[name].append(c1 - c0)
    med = {k: float(np.median(v)) for k, v in wall.items()}
    cmed = {k: float(np.median(v)) for k, v in cpu.items()}
    pairs = p * (p - 1) // 2
    return row(
        "pairwise_memory",
        f"p = {p:,}, n = {n:,} ({pairs:,} pairs), b = {b}, 2 workers x 1 thread: blocks vs broadcast",
        med["blocks"],
        "broadcast scheme (same cluster)",
        med["broadcast"],
        f"CPU s: blocks {cmed['blocks']:.1f}, broadcast {cmed['broadcast']:.1f}, local {cmed['local']:.1f}",
        "wall s: "
        + ", ".join(f"{k} {[round(t, 1) for t in v]}" for k, v in wall.items())
        + "; CPU s: "
        + ", ".join(f"{k} {[round(t, 1) for t in v]}" for k, v in cpu.items()),
    )


def run(quick: bool = False, *, verbose: bool = False, time_only: bool = False) -> list[dict]:
    """Rows for the runner (see the module docstring); ``verbose`` prints each row."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return []
    cases = (
        [(300, 2000, 2, 16)] if quick else [(1000, 2000, 2, 12), (2000, 10_000, 2, 16), (2000, 10_000, 4, 16)]
    )
    seconds = 10.0 if quick else SECONDS
    rows = []
    for p, n, workers, b in [] if time_only else cases:
        for mode in ("broadcast", "blocks"):
            rows.append(_case(mode, n, p, workers, b, seconds))
            if verbose:
                print(rows[-1], flush=True)
    rows.append(_timing(2000, 120 if quick else 200, 16, 1 if quick else 2))
    if verbose:
        print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    import sys

    run(quick="--quick" in sys.argv, verbose=True, time_only="--time-only" in sys.argv)
