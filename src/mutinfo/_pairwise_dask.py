"""The Dask engine of :func:`mutinfo.pairwise`: blocks of pairs as tasks on a cluster.

Plan (numbers measured with distributed on this project's 2-core machine: about 1.5 ms of
scheduler cost per task and 30-50 ms per job):

1. The driver prepares the columns once (:func:`mutinfo.pairwise.prepare`: validation,
   standardising, sorting, ranks; per stratum under a discrete ``given``).
2. The driver times a few pairs to estimate the per-pair cost ``c`` and sets the block size
   ``b ≈ sqrt(0.5 s / c)``, so that a task of ``b²`` pairs runs for about 0.5 s, lowered
   when needed to give every worker thread at least 4 tasks. (Measured at p = 300, n = 2000
   on 2 workers x 1 thread, where driver, scheduler and workers share 2 cores: tasks of
   0.1 s cost 22-25 % more wall time than the local engine, 0.3 s 13-17 %, 0.5 s 8 %.)
3. The prepared columns are cut into blocks of ``b`` columns (:meth:`Prepared.take`) and
   block a is scattered to worker a mod W, one block at a time: no broadcast, so the
   cluster holds one copy of the table, and a worker its 1/W share. Block futures are
   passed to ``Client.submit`` *positionally* (a large array passed as a keyword argument
   of ``Client.map`` failed with an AssertionError in distributed 2026.8.0).
4. A task (a, c), a <= c, takes the two block futures and computes the pairs between them
   serially (one numba thread: the workers provide the parallelism) with exactly the
   arithmetic of the local engine; its worker fetches the block it lacks.
5. The driver keeps ``WINDOW_PER_THREAD`` tasks per worker thread in flight, each pinned
   to its worker, and submits the next task of the row-major order to a worker when one of
   its tasks finishes. A fetched block copy is dropped by distributed's active memory
   manager once no waiting task may need it, so with a window (rather than the whole job
   submitted at once) a worker holds its share plus the blocks of its few running tasks.
   The driver fills the matrix as tasks finish and releases a block once its last task is
   done.

On a multi-node cluster (dask-jobqueue, Kubernetes) nothing changes; docs/scaling.md has
the measured memory per worker.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from mutinfo._threads import numba_threads
from mutinfo.pairwise import Prepared, block_ranges, compute_pairs, task_pairs

__all__ = ["choose_block_size", "run_dask"]

#: Target run time of one task, seconds (see step 2 of the module docstring for the measurement).
TASK_SECONDS = 0.5

#: Minimum number of tasks per worker thread (load balance at the end of the job).
MIN_TASKS_PER_THREAD = 4

#: Tasks in flight per worker thread (the rest wait in the driver).
WINDOW_PER_THREAD = 2


def _run_task(left: Prepared, right: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """One block task on a worker, on one numba thread: all pairs (i, j), i < j, with i a
    column of block ``left`` and j one of block ``right`` (the same block on the diagonal).
    Returns (ii, jj, values, warnings) with ii, jj positions in the full table."""
    if left.index[0] == right.index[0]:
        li, lj = task_pairs((0, left.p, 0, left.p))
    else:
        li, lj = (a.reshape(-1) for a in np.meshgrid(np.arange(left.p), np.arange(right.p), indexing="ij"))
    with numba_threads(1):
        values, notes = compute_pairs(left, right, li, lj)
    return left.index[li], right.index[lj], values, notes


def _pair_cost(prep: Prepared) -> float:
    """Seconds per pair, measured on up to 8 pairs of the first columns (after a warm-up)."""
    q = min(prep.p - 1, 8)
    ii = np.zeros(q, dtype=np.int64)
    jj = np.arange(1, q + 1, dtype=np.int64)
    with numba_threads(1):
        compute_pairs(prep, prep, ii[:1], jj[:1])  # compile / warm caches
        start = time.perf_counter()
        compute_pairs(prep, prep, ii, jj)
        elapsed = time.perf_counter() - start
    return max(elapsed / q, 1e-7)


def choose_block_size(p: int, pair_seconds: float, threads: int) -> int:
    """Columns per block: a task of b² pairs runs ~:data:`TASK_SECONDS`, and there are at
    least :data:`MIN_TASKS_PER_THREAD` tasks per worker thread when p allows it."""
    b = max(1, round(math.sqrt(TASK_SECONDS / pair_seconds)))
    b = min(b, p)
    while b > 1:
        blocks = math.ceil(p / b)
        if blocks * (blocks + 1) // 2 >= MIN_TASKS_PER_THREAD * threads:
            break
        b -= max(1, b // 8)
    return b


def _client(client: Any) -> Any:
    from distributed import Client

    if client is None:
        try:
            from distributed import get_client

            return get_client()
        except ValueError as exc:
            raise ValueError(
                "engine='dask' needs a `client` (a distributed.Client or a scheduler address); "
                "got None and no default client is running."
            ) from exc
    if isinstance(client, str):
        return Client(client)
    if not isinstance(client, Client):
        raise TypeError(
            f"`client` must be a distributed.Client or an address string; got {type(client).__name__}."
        )
    return client


def run_dask(
    prep: Prepared, client: Any, block_size: int | None
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, list]]:
    """Yield (ii, jj, values, warnings) per finished task (see the module docstring)."""
    from distributed import as_completed

    owned = isinstance(client, str)  # a client made here from an address is closed here
    client = _client(client)
    workers = client.scheduler_info(n_workers=-1)["workers"] if _takes_n_workers(client) else None
    if workers is None:
        workers = client.scheduler_info()["workers"]
    threads = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
    b = int(block_size) if block_size is not None else choose_block_size(prep.p, _pair_cost(prep), threads)
    blocks = block_ranges(prep.p, b)
    # One block at a time, so the driver holds one extra block copy; block a goes to worker
    # a mod W (no broadcast). hash=False: a fresh key per call, so finishing one call never
    # touches another's data.
    addresses = sorted(workers)
    parts: list[Any] = [
        client.scatter(prep.take(lo, hi), workers=[addresses[a % len(addresses)]], hash=False)
        for a, (lo, hi) in enumerate(blocks)
    ]
    # Tasks (a, c), a <= c, row by row; uses[a]: tasks still to finish that read block a.
    order = [(a, c) for a in range(len(blocks)) for c in range(a, len(blocks))]
    uses = np.zeros(len(blocks), dtype=np.int64)
    for a, c in order:
        uses[a] += 1
        uses[c] += a != c
    # A window of tasks in flight per worker, not the whole job, each task pinned to the
    # worker the driver picked: distributed's active memory manager drops a fetched block
    # copy only once no *waiting* task may want it (submitting every task at once would let
    # each worker collect copies of most blocks), and the scheduler would otherwise pile
    # the tasks of one row onto the worker that holds its block. The window also keeps the
    # scheduler's graph small.
    slots = {w: WINDOW_PER_THREAD * max(1, int(workers[w].get("nthreads", 1))) for w in addresses}
    pending = iter(order)
    running: dict[Any, tuple[int, int, str]] = {}

    def submit_next(worker: str) -> Any:
        nxt = next(pending, None)
        if nxt is None:
            return None
        a, c = nxt
        future = client.submit(
            # a loose restriction: should the worker leave the cluster, the task runs elsewhere
            _run_task,
            parts[a],
            parts[c],
            pure=False,
            workers=[worker],
            allow_other_workers=True,
        )
        running[future] = (a, c, worker)
        return future

    for _ in range(max(slots.values())):
        for w in addresses:
            if slots[w] > 0:
                slots[w] -= 1
                submit_next(w)
    done_futures = as_completed(list(running))
    try:
        for future in done_futures:
            a, c, worker = running.pop(future)
            result = future.result()
            for blk in {a, c}:
                uses[blk] -= 1
                if uses[blk] == 0:
                    parts[blk] = None  # the driver's last reference: the block is freed
            following = submit_next(worker)
            if following is not None:
                done_futures.add(following)
            yield result
    finally:
        client.cancel(list(running))  # only unfinished ones remain (after an error)
        client.cancel([f for f in parts if f is not None])
        if owned:
            client.close()


def _takes_n_workers(client: Any) -> bool:
    """Whether ``Client.scheduler_info`` accepts ``n_workers`` (newer distributed lists only
    a few workers by default)."""
    import inspect

    try:
        return "n_workers" in inspect.signature(client.scheduler_info).parameters
    except (TypeError, ValueError):
        return False
