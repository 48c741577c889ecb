"""A short load run against a live explorer server: no errors, memory does not climb.

The full run (50 clients for 30 s, a server in its own process) is
``python -m benchmarks.load_explorer``; its figures are in docs/reliability.md. This is the
same client mix at 10 clients for 5 s against a server in this process (a subprocess with
its numba warm-up would cost most of the test budget), with the "estimate" stage only.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
import psutil  # noqa: F401  (a dependency of the dask extra; the load run samples memory with it)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.load_explorer import run_load_at

from mutinfo.explorer.routes import yourdata
from mutinfo.explorer.server import BackgroundServer

pytestmark = pytest.mark.xdist_group("server")


def test_short_load_has_no_errors_and_flat_memory():
    # The clients run an asyncio loop of their own, in a fresh thread: this worker's thread may
    # already hold one (the browser tests' session Playwright does).
    with BackgroundServer() as server, ThreadPoolExecutor(max_workers=1) as pool:
        summary = pool.submit(
            run_load_at, server.url, os.getpid(), clients=10, duration_s=5.0, max_requests=3000
        ).result()
    assert summary["errors"] == 0, summary["error_samples"]
    assert summary["requests"] >= 20, summary
    assert {"slider", "upload", "analyze"} <= set(summary["by_kind"]), summary["by_kind"]
    # memory: the second half of the run adds little (uploads are capped, caches are bounded)
    assert summary["rss_end_mb"] - summary["rss_middle_mb"] < 40, summary
    assert summary["rss_max_mb"] - summary["rss_start_mb"] < 150, summary
    assert len(yourdata._STORE) <= yourdata.MAX_SESSIONS
    print({k: summary[k] for k in ("requests", "errors", "p50_ms", "p95_ms", "rss_start_mb", "rss_end_mb")})
