"""Scalar x, scalar y, continuous: KSG-1 (k = 3) at n = 1e4, 1e5, 1e6 against scikit-learn and ennemi.

Data: bivariate Gaussian with rho = 0.6 (true MI 0.2231 nats), seed 0. mutinfo is timed
through the public call ``mi.mutual_info(x, y, method="ksg1", k=3, base=e)`` (validation,
tie check, standardisation and the exact rank-grid kernel of ``mutinfo.estimators.knn1d``,
on all cores); the kernel alone and the default ``method="auto"`` (``copula_ksg``: KSG on
normal scores plus a Gaussian-surrogate bias correction, so two KSG runs) are in the notes.
Peers: ``sklearn.feature_selection.mutual_info_regression(x[:, None], y, n_neighbors=3)``
and ``ennemi.estimate_mi(y, x, k=3)``.
Agreement is the peer's value minus mutinfo's, in nats. mutinfo's value is the exact KSG-1
of the standardised data (tests/test_knn1d.py checks it against a KD-tree evaluation to
1e-9); scikit-learn first adds noise of relative size 1e-10 to every value and clips at 0,
ennemi rescales to unit variance, so both should agree to about 1e-6 or better. The last
rows give the peak memory of one call at n = 1e6, measured in a fresh process.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

import mutinfo as mi
from benchmarks.common import peak_memory_mb, row, time_call
from mutinfo.estimators import knn1d

__all__ = ["run"]

RHO = 0.6
TRUTH = -0.5 * math.log(1 - RHO**2)


def data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Bivariate Gaussian sample with correlation ``RHO``."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = RHO * x + math.sqrt(1 - RHO**2) * rng.standard_normal(n)
    return x, y


_SETUP = (
    "import math, numpy as np, mutinfo as mi\n"
    "from benchmarks.bench_knn1d import data\n"
    "x, y = data({n})\n"
    "float(mi.mutual_info(x[:50_000], y[:50_000], method='ksg1', k=3, base=math.e))\n"
)
_SETUP_SK = (
    "import numpy as np\n"
    "from sklearn.feature_selection import mutual_info_regression\n"
    "from benchmarks.bench_knn1d import data\n"
    "x, y = data({n})\n"
    "mutual_info_regression(x[:50_000, None], y[:50_000], n_neighbors=3, random_state=0)\n"
)


def run(quick: bool = False) -> list[dict]:
    """Rows for the runner (see the module docstring)."""
    from sklearn.feature_selection import mutual_info_regression

    try:
        import ennemi
    except ImportError:  # ennemi is in the dev extra; without it its rows are skipped
        ennemi = None

    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    rows: list[dict] = []
    for n in sizes:
        x, y = data(n)
        reps = 3 if quick else (7 if n <= 10_000 else 5)
        peer_reps = 2 if quick else 3
        ours = time_call(
            lambda x=x, y=y: float(mi.mutual_info(x, y, method="ksg1", k=3, base=math.e)), repeats=reps
        )
        auto = time_call(lambda x=x, y=y: float(mi.mutual_info(x, y, k=3, base=math.e)), repeats=3)
        xs, ys = x / x.std(), y / y.std()
        kernel = time_call(lambda xs=xs, ys=ys: knn1d.ksg1_1d(xs, ys, 3), repeats=reps)
        value = ours.result
        case = f"n = {n:,}"
        base_note = (
            f"mutinfo ksg1 = {value:.6f} nats (truth {TRUTH:.4f}); kernel alone {kernel.median:.3g} s; "
            f"first call {ours.first:.2g} s; method='auto' {auto.median:.3g} s = {auto.result:.6f} nats"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sk = time_call(
                lambda x=x, y=y: float(
                    mutual_info_regression(x[:, None], y, n_neighbors=3, random_state=0)[0]
                ),
                repeats=peer_reps,
                warmup=n < 1_000_000,
            )
        rows.append(
            row(
                "knn1d",
                case,
                ours.median,
                "sklearn mutual_info_regression",
                sk.median,
                f"{sk.result - value:+.1e} nats",
                base_note,
            )
        )
        if ennemi is not None:
            en = time_call(
                lambda x=x, y=y: float(np.asarray(ennemi.estimate_mi(y, x, k=3)).ravel()[0]),
                repeats=peer_reps,
                warmup=n < 1_000_000,
            )
            rows.append(
                row(
                    "knn1d",
                    case,
                    ours.median,
                    "ennemi estimate_mi",
                    en.median,
                    f"{en.result - value:+.1e} nats",
                )
            )

    n_mem = 100_000 if quick else 1_000_000
    mem = peak_memory_mb(
        _SETUP.format(n=n_mem), "float(mi.mutual_info(x, y, method='ksg1', k=3, base=math.e))"
    )
    notes = f"process peak {mem['peak_mb']:.0f} MB; input arrays {2 * 8 * n_mem / 2**20:.0f} MB"
    rows.append(
        row(
            "knn1d",
            f"peak memory, n = {n_mem:,}",
            None,
            "mutinfo (MB above baseline)",
            None,
            f"{mem['extra_mb']:.0f} MB",
            notes,
        )
    )
    if not quick:
        mem_sk = peak_memory_mb(
            _SETUP_SK.format(n=n_mem),
            "mutual_info_regression(x[:, None], y, n_neighbors=3, random_state=0)",
        )
        rows.append(
            row(
                "knn1d",
                f"peak memory, n = {n_mem:,}",
                None,
                "sklearn (MB above baseline)",
                None,
                f"{mem_sk['extra_mb']:.0f} MB",
                f"process peak {mem_sk['peak_mb']:.0f} MB",
            )
        )
    return rows
