"""Accuracy benchmark: mutinfo's estimators against known truths (benchmarks/accuracy_tasks.py).

A *cell* is one (task, n) pair, n in {1000, 3000, 10000}. An estimator passes a cell when the
mean of its estimates over the seeds lies within ``max(0.05 nats, 10 % of the truth)`` of the
truth; a refusal (an error) or a cell not run counts as a failure. Estimators compared:

* ``auto``            ``mi.mutual_info(x, y)`` with every default (the policy under test);
* ``ksg1``            plain KSG estimator 1, k = 3, on the raw data (continuous tasks only;
                      not run for a joint dimension above 12, where one call at n = 10000 takes
                      minutes and, per Czyż et al. 2023, fails anyway);
* ``gaussian``        closed form on the raw data;
* ``gaussian_copula`` closed form on rank normal scores;
* ``sklearn``         ``mutual_info_regression`` / ``mutual_info_classif`` (k = 3) where it
                      applies: scalar x and y.

Run ``python benchmarks/accuracy.py`` (5-8 minutes on two busy cores) to print the pass counts
and write benchmarks/ACCURACY.md; ``--quick`` runs n = 1000 with two seeds.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mutinfo as mi
from accuracy_tasks import TASKS, Task

ESTIMATORS = ("auto", "ksg1", "gaussian", "gaussian_copula", "sklearn")
KSG_MAX_DIM = 12


def passes(mean: float | None, truth: float) -> bool:
    """The pass criterion of a cell."""
    return mean is not None and math.isfinite(mean) and abs(mean - truth) <= max(0.05, 0.1 * truth)


def _discrete_flags(task: Task) -> tuple[bool, bool]:
    if task.kind == "discrete":
        return True, True
    if task.kind == "mixed":
        return True, False
    return False, False


def _mutinfo(method: str) -> Callable[[Task, np.ndarray, np.ndarray, int], float | None]:
    def run(task: Task, x: np.ndarray, y: np.ndarray, seed: int) -> float | None:
        if method == "ksg1" and (task.kind != "continuous" and task.kind != "continuous-ties"):
            return None
        if method == "ksg1" and task.dx + task.dy > KSG_MAX_DIM:
            return None
        kwargs = {} if method == "auto" else {"discrete": _discrete_flags(task)}
        try:
            return float(mi.mutual_info(x, y, method=method, base=math.e, rng=seed, **kwargs))
        except (ValueError, TypeError):
            return None

    return run


def _sklearn(task: Task, x: np.ndarray, y: np.ndarray, seed: int) -> float | None:
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

    if task.dx != 1 or task.dy != 1:
        return None
    x2 = np.asarray(x).reshape(-1, 1)
    if task.kind == "discrete":
        return float(mutual_info_classif(x2, y, discrete_features=True, random_state=seed)[0])
    if task.kind == "mixed":  # x is the label
        return float(
            mutual_info_classif(np.asarray(y).reshape(-1, 1), x, n_neighbors=3, random_state=seed)[0]
        )
    return float(mutual_info_regression(x2, y, n_neighbors=3, random_state=seed)[0])


RUNNERS = {
    "auto": _mutinfo("auto"),
    "ksg1": _mutinfo("ksg1"),
    "gaussian": _mutinfo("gaussian"),
    "gaussian_copula": _mutinfo("gaussian_copula"),
    "sklearn": _sklearn,
}


def evaluate(quick: bool = False, tasks: list[Task] | None = None) -> list[dict]:
    """One record per (task, n) with the mean estimate and time of every estimator."""
    sizes = (1000,) if quick else (1000, 3000, 10000)
    seeds = (0, 1) if quick else (0, 1, 2)
    records = []
    for task in tasks or TASKS:
        for n in sizes:
            values: dict[str, list[float | None]] = {e: [] for e in ESTIMATORS}
            times: dict[str, float] = dict.fromkeys(ESTIMATORS, 0.0)
            for seed in seeds:
                x, y = task.sample(np.random.default_rng(10_000 * n + seed), n)
                for name in ESTIMATORS:
                    start = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        values[name].append(RUNNERS[name](task, x, y, seed))
                    times[name] += time.perf_counter() - start
            means = {
                e: (None if any(v is None for v in vals) else float(np.mean(vals)))
                for e, vals in values.items()
            }
            records.append(
                {
                    "task": task.name,
                    "family": task.family,
                    "kind": task.kind,
                    "dims": f"{task.dx}x{task.dy}",
                    "n": n,
                    "truth": task.truth,
                    "mean": means,
                    "pass": {e: passes(m, task.truth) for e, m in means.items()},
                    "seconds": {e: t / len(seeds) for e, t in times.items()},
                }
            )
            print(_line(records[-1]), flush=True)
    return records


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _line(r: dict) -> str:
    cells = " ".join(f"{e}={_fmt(r['mean'][e])}{'*' if r['pass'][e] else ' '}" for e in ESTIMATORS)
    return f"{r['task']:26s} n={r['n']:5d} truth={r['truth']:.3f} {cells}"


def run(quick: bool = False) -> list[dict]:
    """Rows in the shared benchmark format (one per cell; ``agree``: auto passes the cell)."""
    rows = []
    for r in evaluate(quick):
        peer = "sklearn" if r["mean"]["sklearn"] is not None else "ksg1"
        peer_s = r["seconds"][peer] if r["mean"][peer] is not None else float("nan")
        rows.append(
            {
                "benchmark": "accuracy",
                "case": f"{r['task']} ({r['dims']}) n={r['n']}",
                "mutinfo_s": r["seconds"]["auto"],
                "peer": peer,
                "peer_s": peer_s,
                "ratio": peer_s / r["seconds"]["auto"] if r["seconds"]["auto"] > 0 else float("nan"),
                "agree": r["pass"]["auto"],
                "notes": f"truth={r['truth']:.4f} nats; "
                + "; ".join(f"{e}={_fmt(r['mean'][e])}" for e in ESTIMATORS),
            }
        )
    return rows


def summarize(records: list[dict]) -> dict[str, tuple[int, int, int]]:
    """Per estimator: cells passed, cells it could take, and all cells.

    "Could take": every cell for auto; continuous cells for ksg1 (including the 50-column
    ones it is not run on); cells the estimator did not refuse for the others.
    """
    out = {}
    for e in ESTIMATORS:
        if e == "auto":
            takes = records
        elif e == "ksg1":
            takes = [r for r in records if r["kind"] in ("continuous", "continuous-ties")]
        else:
            takes = [r for r in records if r["mean"][e] is not None]
        out[e] = (sum(r["pass"][e] for r in records), len(takes), len(records))
    return out


def write_markdown(records: list[dict], path: Path, seconds: float) -> None:
    summary = summarize(records)
    families = sorted({r["family"] for r in records})
    lines = [
        "# Accuracy against known truths",
        "",
        "Generated by `python benchmarks/accuracy.py` (tasks: `benchmarks/accuracy_tasks.py`). A cell is",
        "one (task, n); it passes when the mean estimate over 3 seeds is within max(0.05 nats, 10 %) of",
        "the truth. Refusals count as failures. `ksg1` is plain KSG (k = 3) on raw data, counted over",
        f"continuous cells only and not run above a joint dimension of {KSG_MAX_DIM} (counted as failures).",
        f"Total run time {seconds / 60:.1f} min on this machine.",
        "",
        "| estimator | passed | cells it takes | all cells |",
        "|---|---|---|---|",
    ]
    lines += [f"| {e} | {p} | {t} | {a} |" for e, (p, t, a) in summary.items()]
    lines += ["", "## By family (passed / cells where the estimator ran)", ""]
    lines += ["| family | " + " | ".join(ESTIMATORS) + " |", "|---" * (len(ESTIMATORS) + 1) + "|"]
    for fam in families:
        rs = [r for r in records if r["family"] == fam]
        cells = []
        for e in ESTIMATORS:
            ran = [r for r in rs if r["mean"][e] is not None]
            cells.append(f"{sum(r['pass'][e] for r in ran)} / {len(ran)}")
        lines.append(f"| {fam} | " + " | ".join(cells) + " |")
    lines += ["", "## Cells (mean estimate in nats; * = pass)", ""]
    lines += ["| task | dims | n | truth | " + " | ".join(ESTIMATORS) + " | auto s |"]
    lines += ["|---" * (len(ESTIMATORS) + 5) + "|"]
    for r in records:
        cells = [f"{_fmt(r['mean'][e])}{' *' if r['pass'][e] else ''}" for e in ESTIMATORS]
        lines.append(
            f"| {r['task']} | {r['dims']} | {r['n']} | {r['truth']:.3f} | "
            + " | ".join(cells)
            + f" | {r['seconds']['auto']:.2f} |"
        )
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    start = time.perf_counter()
    records = evaluate(quick)
    seconds = time.perf_counter() - start
    for e, (p, t, a) in summarize(records).items():
        print(f"{e:16s} passed {p:4d} of {t:4d} cells it takes ({a} cells in all)")
    if not quick:
        write_markdown(records, Path(__file__).resolve().parent / "ACCURACY.md", seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
