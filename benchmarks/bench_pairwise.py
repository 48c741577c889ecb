"""Pairwise MI matrices, the Dask engine, and network inference on the shipped gene network.

Rows:

1. ``pairwise`` vs ennemi: p = 100 continuous columns, n = 2000 (4950 pairs), KSG-1 with
   k = 3, ``mi.pairwise(X, base=e, n_jobs=-1)`` against ``ennemi.pairwise_mi(X, k=3)``
   (which standardises and adds low-amplitude noise, then runs the pairs in a process
   pool). Agreement: largest absolute difference in nats.
2. ``pairwise`` at scale: p = 1000, n = 2000 (499,500 pairs) on the local engine
   (numba threads on all cores) and on a 2-worker ``distributed.LocalCluster`` (one
   thread each, loopback); pairs/s, peak memory per worker, Dask overhead vs local.
   ``quick`` uses p = 200.
3. ``network``: AUPR and AUROC of relevance, ARACNE, CLR and MRNET on the simulated
   Krumsiek et al. (2011) 11-gene data (:func:`mutinfo.datasets.load_gene_network`)
   against its known edges, beside a random ranking (AUPR = fraction of linked pairs) and
   a correlation network (absolute Pearson r; also CLR on it).

Data for 1-2 (seed 0): a Gaussian AR(1) chain over the columns, ``X_j = 0.6 X_{j-1} + e_j``.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

import mutinfo as mi
from benchmarks.common import row, time_call

__all__ = ["run"]


def data(n: int, p: int, seed: int = 0) -> np.ndarray:
    """(n, p) Gaussian chain: each column depends on the previous one."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] += 0.6 * X[:, j - 1]
    return X


def _vs_ennemi(quick: bool) -> list[dict]:
    try:
        import ennemi
    except ImportError:
        return []
    n, p = (2000, 40) if quick else (2000, 100)
    X = data(n, p)
    ours = time_call(lambda: mi.pairwise(X, base=math.e, n_jobs=-1), repeats=2 if quick else 3)
    peer = time_call(lambda: np.asarray(ennemi.pairwise_mi(X, k=3)), repeats=1)
    iu = np.triu_indices(p, 1)
    diff = float(np.max(np.abs(ours.result[iu] - peer.result[iu])))
    return [
        row(
            "pairwise",
            f"p = {p}, n = {n:,} ({len(iu[0]):,} pairs), KSG-1 k = 3",
            ours.median,
            "ennemi.pairwise_mi",
            peer.median,
            f"max abs diff {diff:.1e} nats",
            f"mutinfo first call {ours.first:.2f} s (numba cache load); ennemi adds 1e-10-scale noise",
        )
    ]


def _warm_worker() -> None:
    import mutinfo as mi_worker

    mi_worker.pairwise(data(200, 4), n_jobs=1)


def _worker_rss_mb() -> float:
    # not ru_maxrss: a LocalCluster worker is forked/exec'd from this process and Linux
    # carries this process's high-water mark into it (see bench_pairwise_memory)
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def _at_scale(quick: bool) -> list[dict]:
    n, p = (2000, 200) if quick else (2000, 1000)
    X = data(n, p, seed=1)
    pairs = p * (p - 1) // 2
    mi.pairwise(X[:, :8], n_jobs=-1)  # load the numba cache
    start = time.perf_counter()
    local = mi.pairwise(X, n_jobs=-1)
    local_s = time.perf_counter() - start
    rows = [
        row(
            "pairwise",
            f"p = {p}, n = {n:,} ({pairs:,} pairs), local engine",
            local_s,
            "",
            None,
            "",
            f"{pairs / local_s:,.0f} pairs/s on all cores (numba threads)",
        )
    ]
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        return rows
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        # every worker imports mutinfo and loads the numba cache before the timed run
        client.run(_warm_worker)
        start = time.perf_counter()
        remote = mi.pairwise(X, engine="dask", client=client)
        dask_s = time.perf_counter() - start
        peaks = client.run(_worker_rss_mb)
    same = np.array_equal(remote, local, equal_nan=True)
    rows.append(
        row(
            "pairwise",
            f"p = {p}, n = {n:,} ({pairs:,} pairs), Dask 2 workers x 1 thread",
            dask_s,
            "local engine",
            local_s,
            f"bit-identical: {same}",
            f"{pairs / dask_s:,.0f} pairs/s; Dask overhead {100 * (dask_s / local_s - 1):+.0f} % vs local; "
            f"worker RSS after the job {max(peaks.values()):.0f} MB (bench_pairwise_memory: peaks)",
        )
    )
    return rows


def _networks() -> list[dict]:
    from mutinfo.datasets import load_gene_network, load_gene_network_edges

    genes = load_gene_network().drop(columns=["cell", "time", "fate"])
    edges = load_gene_network_edges()
    net = mi.network
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.TiesWarning)
        mi_time = time_call(lambda: mi.pairwise(genes), repeats=3)
    matrix = mi_time.result
    corr_time = time_call(lambda: genes.corr().abs(), repeats=3)
    corr = corr_time.result
    corr_score = net.score(net.relevance(corr, precomputed=True), edges)
    corr_clr = net.score(net.clr(corr, precomputed=True), edges)
    rows = []
    for fn in (net.relevance, net.aracne, net.clr, net.mrnet):
        timing = time_call(lambda fn=fn: fn(matrix, precomputed=True), repeats=3)
        s = net.score(timing.result, edges)
        rows.append(
            row(
                "network",
                f"gene network (11 genes, n = 2,000): {fn.__name__}",
                mi_time.median + timing.median,
                "abs(Pearson r) network",
                corr_time.median,
                f"AUPR {s.aupr:.3f} (abs r {corr_score.aupr:.3f}, CLR on abs r {corr_clr.aupr:.3f}, "
                f"random {s.baseline:.3f}); AUROC {s.auroc:.3f} (abs r {corr_score.auroc:.3f}, random 0.5)",
                f"{s.n_positive} of {s.n_pairs} gene pairs are linked; time = MI matrix + method",
            )
        )
    return rows


def run(quick: bool = False) -> list[dict]:
    """Rows for the runner (see the module docstring)."""
    return [*_vs_ennemi(quick), *_networks(), *_at_scale(quick)]


if __name__ == "__main__":
    import sys

    for r in run(quick="--quick" in sys.argv):
        print(r)
