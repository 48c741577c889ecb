"""Discrete MI: speed against scikit-learn, and the simulation behind the ``"auto"`` rule.

``run(quick=False)`` times the public call ``mi.mutual_info(x, y, method="plugin",
base=e)`` (validation included, int64 input, ``discrete="auto"``), with all of numba's
threads and with one (a busy machine can make the parallel path the slower one), against
``sklearn.metrics.mutual_info_score`` on two label vectors with 50 and 30 levels, at
n = 1e5, 1e6, 1e7 (``quick``: 1e5 and 1e6), and checks that both agree to 1e-12 nats.

``auto_rule_table(reps=10)`` reproduces the simulation quoted in
:func:`mutinfo.estimators.discrete.auto_discrete_method`: q-ary symmetric channels
(q = 2..64; error rates 0.05, 0.15, 0.3, 0.9 (q - 1)/q; n = 1000, 3000, 10000), the mean estimate
of every discrete method against the closed form
``I = log q - H_b(e) - e log(q - 1)`` (nats), with the target ``|mean - truth| <=
max(0.05, 0.1 truth)``.

Run ``python -m benchmarks.bench_discrete`` for both tables.
"""

from __future__ import annotations

import math
import statistics
import time
import warnings

import numba
import numpy as np

import mutinfo as mi
from mutinfo._threads import numba_threads
from mutinfo.estimators import discrete as dk

__all__ = ["auto_rule_table", "run"]

_METHODS = ("plugin", "miller_madow", "chao_shen", "nsb")


def _labels(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.integers(0, 50, n)
    y = (x + rng.integers(0, 7, n)) % 30  # dependent: about 1.76 nats
    return x, y


def _median_time(fn, repeats: int) -> tuple[float, float]:
    """Median wall time and median process CPU time (all threads) of ``fn()``, seconds."""
    walls, cpus = [], []
    for _ in range(repeats):
        cpu0, start = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu0)
    return statistics.median(walls), statistics.median(cpus)


def run(quick: bool = False) -> list[dict]:
    """Time mutinfo's plug-in MI against ``sklearn.metrics.mutual_info_score``.

    Parameters
    ----------
    quick : bool
        Only n = 1e5 and 1e6, fewer repeats.

    Returns
    -------
    list of dict
        Rows ``{"benchmark", "case", "mutinfo_s", "peer", "peer_s", "ratio", "agree"}``:
        median wall times in seconds, ``ratio = peer_s / mutinfo_s`` (how many times faster
        mutinfo is) and whether the two values agree within 1e-12 nats; plus
        ``mutinfo_cpu_s`` and ``peer_cpu_s``, the median CPU seconds summed over threads
        (a check on wall times taken on a busy machine).
    """
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(20231125)
    sizes = (10**5, 10**6) if quick else (10**5, 10**6, 10**7)
    rows = []
    with warnings.catch_warnings():  # compile outside the timings (tiny, undersampled table)
        warnings.simplefilter("ignore")
        mi.mutual_info(*_labels(1000, rng), method="plugin")
    for n in sizes:
        x, y = _labels(n, rng)
        repeats = 3 if quick else (7 if n < 10**7 else 5)
        ours = float(mi.mutual_info(x, y, method="plugin", base=math.e))
        theirs = float(mutual_info_score(x, y))
        (t_peer, c_peer) = _median_time(lambda x=x, y=y: mutual_info_score(x, y), max(3, repeats // 2))
        for threads in (numba.config.NUMBA_NUM_THREADS, 1):
            with numba_threads(threads):  # the whole call, validation included
                (t_ours, c_ours) = _median_time(
                    lambda x=x, y=y: mi.mutual_info(x, y, method="plugin", base=math.e), repeats
                )
            rows.append(
                {
                    "benchmark": "discrete_mi",
                    "case": f"labels 50x30, n={n:.0e}, {threads} thread{'s' if threads > 1 else ''}",
                    "mutinfo_s": t_ours,
                    "peer": "sklearn.metrics.mutual_info_score",
                    "peer_s": t_peer,
                    "ratio": t_peer / t_ours,
                    "agree": abs(ours - theirs) <= 1e-12,
                    "mutinfo_cpu_s": c_ours,
                    "peer_cpu_s": c_peer,
                }
            )
    return rows


def _channel(rng: np.random.Generator, q: int, e: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.integers(0, q, n)
    flip = rng.random(n) < e
    y = np.where(flip, (x + rng.integers(1, q, n)) % q, x)
    return x, y


def channel_mi(q: int, e: float) -> float:
    """MI (nats) of the q-ary symmetric channel with uniform input and error rate ``e``."""
    if e == 0:
        return math.log(q)
    return math.log(q) + (1 - e) * math.log(1 - e) + e * math.log(e) - e * math.log(q - 1)


def _estimate(x: np.ndarray, y: np.ndarray, q: int, method: str) -> tuple[float, int]:
    ca, cb, cnt = dk.pair_cells(x, q, y, q)
    na = np.bincount(ca, weights=cnt, minlength=q).astype(np.int64)
    nb = np.bincount(cb, weights=cnt, minlength=q).astype(np.int64)
    if method == "plugin":
        value = dk._mi_cells(ca, cb, cnt, na, nb)
    else:
        value = dk._term(na, method, q) + dk._term(nb, method, q) - dk._term(cnt, method, q * q)
    return float(value), int(cnt.shape[0])


def auto_rule_table(reps: int = 10) -> list[dict]:
    """Mean error of every discrete method on symmetric channels (see the module docstring).

    Returns
    -------
    list of dict
        One row per (q, n, e): ``q, n, e, truth, n_per_occupied`` (mean samples per occupied
        joint cell) and, per method, ``err_<method>`` (mean estimate - truth, nats) and
        ``ok_<method>`` (within max(0.05, 10 %)).
    """
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for q in (2, 4, 8, 16, 32, 64):
            for n in (1000, 3000, 10000):
                for e in (0.05, 0.15, 0.3, 0.9 * (q - 1) / q):
                    rng = np.random.default_rng([q, n, round(1000 * e)])
                    truth = channel_mi(q, e)
                    values: dict[str, list[float]] = {m: [] for m in _METHODS}
                    occupied = []
                    for _ in range(reps):
                        x, y = _channel(rng, q, e, n)
                        for m in _METHODS:
                            v, occ = _estimate(x, y, q, m)
                            values[m].append(v)
                        occupied.append(occ)
                    row = {"q": q, "n": n, "e": e, "truth": truth, "n_per_occupied": n / np.mean(occupied)}
                    tol = max(0.05, 0.1 * truth)
                    for m in _METHODS:
                        err = float(np.mean(values[m])) - truth
                        row[f"err_{m}"] = err
                        row[f"ok_{m}"] = abs(err) <= tol
                    rows.append(row)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
    for row in auto_rule_table():
        marks = " ".join(f"{m}:{row[f'err_{m}']:+.3f}{'*' if row[f'ok_{m}'] else ' '}" for m in _METHODS)
        print(f"q={row['q']:2d} n={row['n']:5d} e={row['e']:.2f} n/m={row['n_per_occupied']:6.1f} {marks}")
