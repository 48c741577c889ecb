"""Thread-count control for numba kernels."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import numba

__all__ = ["numba_threads", "resolve_n_jobs"]


def resolve_n_jobs(n_jobs: int | None) -> int:
    """Number of threads for ``n_jobs`` (None: numba's configured default, -1: all cores)."""
    available = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None:
        return numba.get_num_threads()
    if n_jobs == -1:
        return available
    return max(1, min(int(n_jobs), available, os.cpu_count() or 1))


@contextlib.contextmanager
def numba_threads(n_jobs: int | None) -> Iterator[int]:
    """Run the enclosed kernels with ``n_jobs`` threads, restoring the previous count after."""
    previous = numba.get_num_threads()
    count = resolve_n_jobs(n_jobs)
    numba.set_num_threads(count)
    try:
        yield count
    finally:
        numba.set_num_threads(previous)
