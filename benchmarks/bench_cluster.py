"""Clustering agreement: NMI and AMI against scikit-learn at n = 1e6 and 1e7, 50 x 30 clusters.

``run(quick=False)`` times the public calls ``mi.normalized_mutual_info`` and
``mi.adjusted_mutual_info`` (validation included, int64 labels) against
``sklearn.metrics.normalized_mutual_info_score`` / ``adjusted_mutual_info_score`` on two
dependent labellings with 50 and 30 clusters, and checks that the values agree to 1e-10.
Wall times are medians after one warm-up call. The notes give CPU seconds (summed over
threads, spin-waiting included) and mutinfo's wall and CPU time on one numba thread. On a
machine whose cores are shared with other work, wall times of both sides stretch by the
load, and a parallel region additionally waits for its slowest (descheduled) thread; the
ratio of CPU seconds, scikit-learn's (single-threaded) against mutinfo's on one thread,
is then the comparison that does not depend on the load. ``quick``: n = 1e6 only.

Run ``python -m benchmarks --only bench_cluster`` (or this module) for the table.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import mutinfo as mi
from mutinfo._threads import numba_threads

__all__ = ["run"]

TOLERANCE = 1e-10


def _labels(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.integers(0, 50, n)
    y = (x + rng.integers(0, 7, n)) % 30
    return x, y


def _time(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds over ``repeats`` calls (no warm-up here) and the value."""
    walls, cpus = [], []
    value = None
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        value = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), value


def run(quick: bool = False) -> list[dict]:
    """NMI and AMI timings against scikit-learn.

    Parameters
    ----------
    quick : bool
        Only n = 1e6 (fewer repeats).

    Returns
    -------
    list of dict
        Rows with the keys of :data:`benchmarks.common.ROW_KEYS` plus ``notes``;
        ``ratio = peer_s / mutinfo_s``; ``agree`` states the absolute difference.
    """
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    pairs = [
        ("nmi", mi.normalized_mutual_info, normalized_mutual_info_score),
        ("ami", mi.adjusted_mutual_info, adjusted_mutual_info_score),
    ]
    rng = np.random.default_rng(20261125)
    warm_x, warm_y = _labels(1000, rng)
    for _, ours, _ in pairs:  # load the numba caches outside the timings
        ours(warm_x, warm_y)
    rows = []
    for n in (10**6,) if quick else (10**6, 10**7):
        x, y = _labels(n, rng)
        for name, ours, theirs in pairs:
            ours(x, y)
            t_ours, c_ours, v_ours = _time(lambda f=ours, x=x, y=y: f(x, y), 5 if quick else 7)
            with numba_threads(1):
                ours(x, y)
                t_one, c_one, _ = _time(lambda f=ours, x=x, y=y: f(x, y), 5)
            peer_repeats = 1 if (n >= 10**7 or quick) else 3
            t_peer, c_peer, v_peer = _time(lambda g=theirs, x=x, y=y: g(x, y), peer_repeats)
            diff = abs(float(v_ours) - float(v_peer))
            rows.append(
                {
                    "benchmark": "cluster",
                    "case": f"{name.upper()}, 50x30 clusters, n={n:.0e}",
                    "mutinfo_s": t_ours,
                    "peer": f"sklearn {theirs.__name__}",
                    "peer_s": t_peer,
                    "ratio": t_peer / t_ours,
                    "agree": f"{'yes' if diff <= TOLERANCE else 'NO'} (|diff| = {diff:.1e})",
                    "notes": (
                        f"value {float(v_ours):.6f}; CPU s: mutinfo {c_ours:.3f}, sklearn {c_peer:.2f}; "
                        f"mutinfo on 1 thread: {t_one:.3f} s wall, {c_one:.3f} s CPU "
                        f"(sklearn CPU / this: {c_peer / max(c_one, 1e-9):.0f}x)"
                    ),
                }
            )
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
