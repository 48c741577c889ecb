"""Peak memory of the main estimators at n = 1e5 and 1e6, and of pairwise at p = 1000.

Each case runs in a fresh interpreter: the data are built and a small warm-up call loads the
numba caches, then the process's resident-set high-water mark is reset (Linux
``/proc/self/clear_refs``), the call runs once, and two figures are read: the RSS peak above
the baseline (everything, numba's allocations included) and the tracemalloc peak of a second,
identical call (Python and numpy allocations only). ``bytes / sample`` is the RSS figure
divided by n: flat from n = 1e5 to 1e6 means memory linear in n (no n x n matrix anywhere).

Run: ``python -m benchmarks --only memory`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import row

ROOT = Path(__file__).resolve().parent.parent

_SCRIPT = """
import json, math, time, tracemalloc, warnings
import numpy as np
import mutinfo as mi
warnings.simplefilter("ignore")

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) * 1024.0
    return float("nan")

rng = np.random.default_rng(0)
{setup}
call = lambda: {call}
warm = {warm}
warm()
with open("/proc/self/clear_refs", "w") as fh:  # reset VmHWM to the current RSS
    fh.write("5")
base = status("VmRSS:")
t0 = time.perf_counter()
value = call()
seconds = time.perf_counter() - t0
peak = status("VmHWM:")
tracemalloc.start()
call()
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({{"extra": peak - base, "traced": traced, "seconds": seconds, "base": base}}))
"""

_PAIR = "x = rng.normal(size={n}); y = np.sin(x) + rng.normal(size={n})"
_DISCRETE = "x = rng.integers(0, 16, {n}); y = (x + rng.integers(0, 4, {n})) % 16"

#: (label, setup with {n}, call, warm-up call, n values)
CASES: list[tuple[str, str, str, str]] = [
    (
        "plug-in MI, 16 x 16 levels",
        _DISCRETE,
        "mi.mutual_info(x, y, method='plugin')",
        "lambda: mi.mutual_info(x[:1000], y[:1000], method='plugin')",
    ),
    (
        "KSG-1 MI, 1-D pair",
        _PAIR,
        "mi.mutual_info(x, y, method='ksg1')",
        "lambda: mi.mutual_info(x[:1000], y[:1000], method='ksg1')",
    ),
    (
        "copula-KSG MI, 1-D pair",
        _PAIR,
        "mi.mutual_info(x, y, method='copula_ksg')",
        "lambda: mi.mutual_info(x[:1000], y[:1000], method='copula_ksg')",
    ),
    (
        "Gaussian MI, 1-D pair",
        _PAIR,
        "mi.mutual_info(x, y, method='gaussian')",
        "lambda: mi.mutual_info(x[:1000], y[:1000], method='gaussian')",
    ),
    (
        "histogram MI, 1-D pair",
        _PAIR,
        "mi.mutual_info(x, y, method='histogram')",
        "lambda: mi.mutual_info(x[:1000], y[:1000], method='histogram')",
    ),
    ("KL entropy, 1-D", _PAIR, "mi.entropy(x, method='kl')", "lambda: mi.entropy(x[:1000], method='kl')"),
]

_PAIRWISE = "data = rng.normal(size=({n}, {p})); data[:, 1::2] += data[:, ::2]"


def _measure(setup: str, call: str, warm: str) -> dict[str, float]:
    script = _SCRIPT.format(setup=setup, call=call, warm=warm)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=1800, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(b: float) -> str:
    return f"{b / 2**20:.1f} MB"


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows of the memory table (``mutinfo_s`` is the time of the measured call)."""
    sizes = (10_000, 100_000) if quick else (100_000, 1_000_000)
    # the cases run in subprocesses; one small parallel call here lets the results header
    # report the threading layer numba really uses (it is known only after a parallel kernel)
    import numpy as np

    import mutinfo as mi

    rng = np.random.default_rng(0)
    mi.mutual_info(rng.normal(size=2000), rng.normal(size=2000), method="ksg1", n_jobs=-1)
    rows: list[dict[str, Any]] = []
    for label, setup, call, warm in CASES:
        per_n = []
        for n in sizes:
            m = _measure(setup.format(n=n), call, warm)
            per_n.append(m["extra"] / n)
            rows.append(
                row(
                    "memory",
                    f"{label}, n = {n:,}",
                    m["seconds"],
                    "RSS peak above baseline",
                    None,
                    _mb(m["extra"]),
                    f"{m['extra'] / n:.0f} bytes/sample; tracemalloc peak {_mb(m['traced'])}; "
                    f"input {_mb(16 * n)}",
                )
            )
        growth = per_n[1] / per_n[0] if per_n[0] > 0 else float("nan")
        rows[-1]["notes"] += f"; bytes/sample x{growth:.2f} from n = {sizes[0]:,}"
    p = 200 if quick else 1000
    for n in (500,) if not quick else (250,):
        m = _measure(
            _PAIRWISE.format(n=n, p=p),
            "mi.pairwise(data, n_jobs=-1)",
            "lambda: mi.pairwise(data[:, :4], n_jobs=-1)",
        )
        pairs = p * (p - 1) // 2
        rows.append(
            row(
                "memory",
                f"pairwise KSG-1, p = {p}, n = {n} ({pairs:,} pairs), local engine",
                m["seconds"],
                "RSS peak above baseline",
                None,
                _mb(m["extra"]),
                f"tracemalloc peak {_mb(m['traced'])}; result matrix {_mb(8 * p * p)}; "
                f"input {_mb(8 * n * p)}",
            )
        )
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
