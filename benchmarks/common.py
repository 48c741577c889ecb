"""Timing, memory and machine-description helpers shared by the benchmark modules."""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ROW_KEYS",
    "Timing",
    "machine_info",
    "peak_memory_mb",
    "row",
    "time_call",
]

#: Keys every benchmark row carries (``notes`` is optional).
ROW_KEYS = ("benchmark", "case", "mutinfo_s", "peer", "peer_s", "ratio", "agree")


@dataclass(frozen=True)
class Timing:
    """Wall-clock timing of one call.

    Attributes
    ----------
    median : float
        Median seconds over ``times`` (the warm-up call excluded).
    times : list of float
        Seconds of each timed repeat.
    first : float or None
        Seconds of the warm-up call (includes numba compilation or cache loading), or None
        when no warm-up was made.
    result : Any
        The value the last call returned.
    """

    median: float
    times: list[float] = field(default_factory=list)
    first: float | None = None
    result: Any = None


def time_call(fn: Callable[[], Any], *, repeats: int = 5, warmup: bool = True) -> Timing:
    """Median wall-clock time of ``fn()`` over ``repeats`` calls, after one warm-up call.

    Parameters
    ----------
    fn : callable
        Called with no arguments.
    repeats : int
        Timed calls (at least 1).
    warmup : bool
        Make one untimed call first (its duration is kept in ``Timing.first``), so that
        just-in-time compilation and cold caches do not enter the median.

    Returns
    -------
    Timing
    """
    first = None
    result = None
    if warmup:
        start = time.perf_counter()
        result = fn()
        first = time.perf_counter() - start
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return Timing(median=statistics.median(times), times=times, first=first, result=result)


def row(
    benchmark: str,
    case: str,
    mutinfo_s: float | None,
    peer: str,
    peer_s: float | None,
    agree: str,
    notes: str = "",
) -> dict[str, Any]:
    """One result row; ``ratio`` is peer time / mutinfo time (> 1: mutinfo is faster)."""
    ratio = None if peer_s is None or mutinfo_s is None or mutinfo_s <= 0 else peer_s / mutinfo_s
    return {
        "benchmark": benchmark,
        "case": case,
        "mutinfo_s": mutinfo_s,
        "peer": peer,
        "peer_s": peer_s,
        "ratio": ratio,
        "agree": agree,
        "notes": notes,
    }


def peak_memory_mb(setup: str, call: str, *, timeout: float = 600.0) -> dict[str, float]:
    """Peak resident memory of ``call`` in a fresh interpreter, in MB.

    ``setup`` runs first (imports, data, a small warm-up call); the resident set size after
    it is the baseline. Then ``call`` runs and the process's high-water mark (Linux
    ``VmHWM``) is read. Numba's allocations bypass ``tracemalloc``, so the operating
    system's count is the honest one.

    Returns
    -------
    dict
        ``baseline_mb`` (after setup), ``peak_mb`` (high-water mark) and ``extra_mb``
        (their difference: what the call itself needed at its peak, beyond the input).
    """
    script = (
        f"{setup}\n"
        "def _status(key):\n"
        "    with open('/proc/self/status') as fh:\n"
        "        for line in fh:\n"
        "            if line.startswith(key):\n"
        "                return int(line.split()[1]) / 1024.0\n"
        "import json as _json\n"
        "_base = _status('VmRSS:')\n"
        f"{call}\n"
        "print(_json.dumps({'baseline_mb': _base, 'peak_mb': _status('VmHWM:')}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,  # so that `benchmarks` is importable
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["extra_mb"] = data["peak_mb"] - data["baseline_mb"]
    return data


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024.0**2
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    """CPU model, cores, memory, load, Python and package versions, and the date (UTC)."""
    try:
        import numba

        threads = numba.config.NUMBA_NUM_THREADS
        layer = numba.config.THREADING_LAYER
    except Exception:  # pragma: no cover - numba is a dependency
        threads, layer = None, None
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "numba_threads": threads,
        "numba_threading_layer": layer,
        "load_average": load,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {
            name: _version(name) for name in ("mutinfo", "numpy", "scipy", "numba", "scikit-learn", "ennemi")
        },
    }
