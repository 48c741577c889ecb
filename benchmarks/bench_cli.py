"""``mutinfo analyze`` end to end on a 100,000 x 50 table of mixed kinds: seconds per stage.

The table (seeded, ``numpy.random.default_rng(0)``) has a continuous target ``y`` and 50
features: 30 continuous (10 depend on ``y`` linearly or through a sine, 20 are noise), 8
small-integer columns (4 are binned copies of signal columns), 5 text categories (2 depend on
``y``), 4 booleans (2 depend on ``y``), 2 date-times (one drifts with ``y``, converted to
seconds by the CLI) and 1 column of ISO date text. It is written once as Parquet (the CSV of
the same table is timed for the read stage alone). The command runs in a fresh interpreter,
as a user would start it, with ``--timings``, and the stage times it prints are the rows:
read, detect (kinds, checks), mi (one estimate per feature), permutations (per feature: a
permutation test with 4 shuffles and a subsample interval from 4 half-samples), write
(JSON) and report (pairwise matrix of the target and 24 best features, HTML). ``total`` is
the process's wall time including Python start-up and imports. There is no peer: no other
tool does this in one command.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import row

__all__ = ["make_table", "run"]


def make_table(n: int, seed: int = 0) -> pd.DataFrame:
    """The mixed table described in the module docstring (n rows, 50 features + y)."""
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    columns: dict[str, object] = {}
    for j in range(10):
        signal = (
            y + (0.5 + 0.2 * j) * rng.normal(size=n)
            if j % 2 == 0
            else np.sin(2 * y) + 0.5 * rng.normal(size=n)
        )
        columns[f"signal{j}"] = signal
    for j in range(20):
        columns[f"noise{j}"] = rng.normal(size=n)
    for j in range(4):
        columns[f"level{j}"] = np.digitize(columns[f"signal{j}"], [-1.0, 0.0, 1.0]).astype(np.int64)
    for j in range(4):
        columns[f"count{j}"] = rng.poisson(3.0, size=n)
    words = np.array(["alpha", "beta", "gamma", "delta"])
    for j in range(2):
        columns[f"label{j}"] = words[np.digitize(y + 0.8 * rng.normal(size=n), [-0.7, 0.0, 0.7])]
    for j in range(3):
        columns[f"text{j}"] = rng.choice(words, size=n)
    for j in range(2):
        columns[f"flag{j}"] = (y + rng.normal(size=n)) > 0
    for j in range(2):
        columns[f"bool{j}"] = rng.random(n) < 0.3
    start = pd.Timestamp("2020-01-01")
    columns["stamp_drift"] = start + pd.to_timedelta(np.argsort(np.argsort(y + rng.normal(size=n))), "h")
    columns["stamp_noise"] = start + pd.to_timedelta(rng.permutation(n), "min")
    days = start + pd.to_timedelta(rng.integers(0, 3650, size=n), "D")
    columns["day_text"] = days.strftime("%Y-%m-%d")
    columns["y"] = y
    return pd.DataFrame(columns)


def _analyze(
    path: Path, out: Path, permutations: int, ci: int
) -> tuple[dict[str, tuple[float, float]], float]:
    """(wall s, CPU s) per stage as printed by ``--timings``, and the process's wall time."""
    argv = [sys.executable, "-m", "mutinfo", "analyze", str(path), "--target", "y"]
    argv += ["--permutations", str(permutations), "--ci", str(ci), "--method", "auto"]
    argv += ["--json", str(out / "r.json"), "--report", str(out / "r.html"), "--timings", "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"mutinfo analyze failed ({done.returncode}): {done.stderr[-2000:]}")
    line = next(s for s in done.stderr.splitlines() if s.startswith("timings:"))
    found = re.findall(r"(\w+) ([0-9.]+) s \(cpu ([0-9.]+) s\)", line)
    stages = {name: (float(sec), float(cpu)) for name, sec, cpu in found}
    return stages, wall


def run(quick: bool = False) -> list[dict]:
    """Rows for the runner: one per stage of one ``mutinfo analyze`` run, and the total."""
    n = 20_000 if quick else 100_000
    # few shuffles: each costs a full estimate per feature (about 1 s at 100k rows), so the
    # stage grows linearly with --permutations and --ci from what is shown here
    permutations, ci = 4, 4
    table = make_table(n)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        parquet, csv = out / "table.parquet", out / "table.csv"
        table.to_parquet(parquet)
        table.to_csv(csv, index=False)
        start = time.perf_counter()
        pd.read_csv(csv)
        csv_read = time.perf_counter() - start
        # warm-up: compiles or loads the numba caches, so the timed run is a user's second run
        _analyze_small = make_table(2000)
        _analyze_small.to_parquet(out / "small.parquet")
        _analyze(out / "small.parquet", out, 1, 2)
        stages, wall = _analyze(parquet, out, permutations, ci)
        size = f"{n // 1000}k x 50"
        what = {
            "read": f"read Parquet ({parquet.stat().st_size / 1e6:.1f} MB); the CSV "
            f"({csv.stat().st_size / 1e6:.0f} MB) reads in {csv_read:.2f} s with pandas",
            "detect": "column kinds, date-time conversion, missing/category/constant checks",
            "mi": "one MI estimate per feature (auto estimator)",
            "permutations": f"{permutations} permutations + {ci} half-size subsamples per feature",
            "write": "JSON",
            "report": "pairwise MI of the target and 24 best features, clustering, HTML",
        }
        load = os.getloadavg()[0]
        for name, (seconds, cpu) in stages.items():
            notes = f"{what.get(name, '')}; process CPU {cpu:.2f} s (all threads), load average {load:.1f}"
            rows.append(row("cli", f"analyze {size}: {name}", seconds, "-", None, "-", notes))
        rows.append(
            row("cli", f"analyze {size}: total", wall, "-", None, "-", "process wall time incl. start-up")
        )
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run(quick="--quick" in sys.argv):
        print(f"{r['case']:40s} {r['mutinfo_s']:9.2f} s  {r['notes']}")
