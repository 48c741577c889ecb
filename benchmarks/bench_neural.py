"""Neural MI bounds (InfoNCE, NWJ, MINE, DV) against KSG and the Gaussian copula: bias, spread, time.

Tasks with a closed-form truth: x and y d-dimensional (d = 5, 20) with independent standard
normal components and corr(x_k, y_k) = rho, chosen for I(X; Y) = 1, 2, 4, 8 nats; and a
non-Gaussian version of the d = 5 tasks, every y component cubed (a monotone map of each
column, so the MI is unchanged, but the data are heavy-tailed and the dependence is no longer
linear). n = 5000 rows per sample, 3 seeds (a new sample and a new training seed each).

Estimators: ``mutinfo.neural.neural_mutual_info`` with one setting for every task (separable
critic, one hidden layer of 256 units, embedding 32, batch 256, Adam 5e-4, at most 100 epochs,
patience 10, 20 % held out, one torch thread), ``mi.mutual_info(method="ksg1")`` (k = 3, on
all n rows) and ``method="gaussian_copula"``. ``bias`` is the mean over seeds of estimate minus
truth, ``std`` the standard deviation over seeds (nats); times are the median seconds of one
estimate (training and held-out evaluation for the neural bounds). The column ``InfoNCE with
the true critic`` is the InfoNCE bound at batch 256 with the exact log density ratio as the
critic (Monte Carlo, 200 batches): the part of InfoNCE's bias that belongs to the bound
itself, not to training. The full table is written to benchmarks/NEURAL.md; the rows here
summarise it per task.
"""

from __future__ import annotations

import datetime as _dt
import math
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import mutinfo as mi
from benchmarks.common import machine_info, row

__all__ = ["run"]

HERE = Path(__file__).resolve().parent
BOUNDS = ("infonce", "nwj", "mine", "dv")
PEERS = ("ksg1", "gaussian_copula")
SETTINGS: dict[str, Any] = {
    "critic": "separable",
    "hidden": (256,),
    "embed_dim": 32,
    "batch_size": 256,
    "learning_rate": 5e-4,
    "max_epochs": 100,
    "patience": 10,
    "validation_fraction": 0.2,
    "n_jobs": 1,
}


def _rho(d: int, mi_nats: float) -> float:
    return math.sqrt(1.0 - math.exp(-2.0 * mi_nats / d))


def sample(d: int, mi_nats: float, n: int, seed: int, cubed: bool) -> tuple[np.ndarray, np.ndarray]:
    """n rows of (x, y) with I(X; Y) = mi_nats; y's components cubed when ``cubed``."""
    rho = _rho(d, mi_nats)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = rho * x + math.sqrt(1.0 - rho**2) * rng.normal(size=(n, d))
    return x, y**3 if cubed else y


def infonce_with_true_critic(d: int, mi_nats: float, batch: int, reps: int, seed: int = 0) -> float:
    """InfoNCE (nats) at ``batch`` with the exact critic log p(y|x)/p(y), averaged over ``reps`` batches."""
    rho = _rho(d, mi_nats)
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(reps):
        x = rng.normal(size=(batch, d))
        y = rho * x + math.sqrt(1.0 - rho**2) * rng.normal(size=(batch, d))
        cross = 2.0 * rho * (x @ y.T) - rho**2 * (x**2).sum(1)[:, None] - rho**2 * (y**2).sum(1)[None, :]
        s = cross / (2.0 * (1.0 - rho**2))  # the constant -d/2 log(1 - rho^2) cancels in InfoNCE
        top = s.max(axis=1, keepdims=True)
        lse = top[:, 0] + np.log(np.exp(s - top).sum(axis=1))
        values.append(math.log(batch) + float(np.mean(np.diag(s) - lse)))
    return float(np.mean(values))


def _estimate(name: str, x: np.ndarray, y: np.ndarray, seed: int) -> tuple[float, float, dict[str, Any]]:
    """(estimate in nats, seconds, extra info) of one estimator on one sample."""
    start = time.perf_counter()
    extra: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if name in BOUNDS:
            from mutinfo.neural import neural_mutual_info

            r = neural_mutual_info(x, y, bound=name, base=math.e, rng=seed, **SETTINGS)
            value = float(r.estimate)
            extra = {"epochs": r.epochs, "near_cap": r.near_cap}
        else:
            value = float(mi.mutual_info(x, y, method=name, base=math.e, n_jobs=1))
    extra["warnings"] = sorted({type(w.message).__name__ for w in caught})
    return value, time.perf_counter() - start, extra


def _fmt(values: list[float], truth: float) -> tuple[str, float, float]:
    arr = np.asarray(values)
    bias = float(arr.mean() - truth)
    std = float(arr.std(ddof=1)) if arr.size > 1 else float("nan")
    return f"{bias:+.2f} ± {std:.2f}", bias, std


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Run every task; write benchmarks/NEURAL.md; return one summary row per task."""
    n = 2000 if quick else 5000
    seeds = (1, 2, 3)
    levels = (1.0, 8.0) if quick else (1.0, 2.0, 4.0, 8.0)
    tasks = [(f"Gaussian d={d}", d, m, False) for d in (5, 20) for m in levels]
    tasks += [(f"cubed Gaussian d={5}", 5, m, True) for m in levels]
    names = (*BOUNDS, *PEERS)
    table_lines = [
        "| task | truth (nats) | InfoNCE with the true critic | "
        + " | ".join(f"{nm} bias ± std" for nm in names)
        + " | "
        + " | ".join(f"{nm} s" for nm in names)
        + " |",
        "|---|---:|---:|" + "---:|" * (2 * len(names)),
    ]
    rows = []
    started = time.perf_counter()
    load_before = machine_info()["load_average"]
    for label, d, truth, cubed in tasks:
        results: dict[str, list[float]] = {nm: [] for nm in names}
        seconds: dict[str, list[float]] = {nm: [] for nm in names}
        notes: set[str] = set()
        for seed in seeds:
            x, y = sample(d, truth, n, seed, cubed)
            for nm in names:
                value, secs, extra = _estimate(nm, x, y, seed)
                results[nm].append(value)
                seconds[nm].append(secs)
                if extra.get("near_cap"):
                    notes.add(f"{nm} near its cap log 256 = {math.log(256):.2f}")
                for w in extra["warnings"]:
                    notes.add(f"{nm}: {w}")
        ceiling = infonce_with_true_critic(d, truth, SETTINGS["batch_size"], reps=20 if quick else 200)
        cells = {nm: _fmt(results[nm], truth) for nm in names}
        times = {nm: float(np.median(seconds[nm])) for nm in names}
        table_lines.append(
            f"| {label}, I = {truth:g} | {truth:g} | {ceiling:.2f} | "
            + " | ".join(cells[nm][0] for nm in names)
            + " | "
            + " | ".join(f"{times[nm]:.2f}" for nm in names)
            + " |"
        )
        summary = "; ".join(f"{nm} {cells[nm][0]}" for nm in names)
        rows.append(
            row(
                "neural",
                f"{label}, I = {truth:g} nats, n = {n}",
                times["infonce"],
                "ksg1 (k = 3)",
                times["ksg1"],
                f"bias ± std (nats): {summary}",
                "; ".join(sorted(notes)) + ("; " if notes else "") + "full table: NEURAL.md",
            )
        )
        print(table_lines[-1], flush=True)
    _write(table_lines, n, seeds, quick, time.perf_counter() - started, load_before)
    return rows


def _write(
    table_lines: list[str], n: int, seeds: tuple[int, ...], quick: bool, elapsed: float, before: Any
) -> None:
    info = machine_info()
    fmt_load = lambda la: "n/a" if la is None else " / ".join(f"{v:.2f}" for v in la)  # noqa: E731
    versions = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    try:
        import torch

        versions += f", torch {torch.__version__}"
    except ImportError:  # the neural columns would have failed already
        pass
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    doc = (__doc__ or "").strip()
    text = "\n".join(
        [
            "# Neural MI bounds: bias, spread and time",
            "",
            f"Written by `python -m benchmarks --only neural{' --quick' if quick else ''}` on {stamp} "
            f"({elapsed:.0f} s); n = {n}, seeds {list(seeds)}.",
            "",
            f"- Machine: {info['cpu']}, {info['cores']} cores; load average (1/5/15 min) before the run "
            f"{fmt_load(before)}, after it {fmt_load(info['load_average'])} (other work on the machine "
            "slows every timing).",
            f"- Python {info['python']}; {versions}",
            "",
            doc,
            "",
            *table_lines,
            "",
        ]
    )
    (HERE / "NEURAL.md").write_text(text)
