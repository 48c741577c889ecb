"""Load test of the explorer server (a benchmark, not a test; loopback only; it stops by itself).

``python -m benchmarks.load_explorer [--clients 50] [--duration 30] [--max-requests 50000]
[--think 0] [--full-fraction 0.25]``
``python -m benchmarks.load_explorer --worst-case``

Load mode starts ``uvicorn`` with :func:`mutinfo.explorer.app.create_app` in a subprocess on
127.0.0.1 and a free port, warms every endpoint of the mix up once (imports, numba caches),
then runs ``--clients`` concurrent clients (``httpx.AsyncClient``) for ``--duration`` seconds or
``--max-requests`` requests, whichever ends first. Each client loops over a weighted mix that
mimics the page: slider views with a new float value each time (so the server's caches miss),
three "estimate" stages for every "full" one (with its permutation test; ``--full-fraction``),
and with ``--think`` seconds of pause on average between a client's requests; small CSV uploads
followed by an analysis of the upload; and the page and a static file. It reports requests,
errors (any answer other than 200, or a transport error), p50/p95/max latency per request
kind and overall, and the server's resident memory (psutil) sampled every 0.5 s: at the
start, middle and end of the run, its maximum, and the least-squares slope over the second
half in MB per minute. The server is stopped at the end (terminate, then kill after 10 s).

Worst-case mode calls every GET endpoint once with all its numeric parameters at their
declared maxima (strings at their defaults), one at a time, with a 60 s server deadline
(after a 504 it waits until the computation has really ended), and reports the slowest:
what the parameter bounds allow a single request to cost. The "your data" endpoints get a
5 000-row, 4-column upload.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["LoadResult", "run_load", "run_load_at", "run_worst_case", "start_server", "stop_server"]

#: Slider views: (path, {float parameter: (low, high)}, fixed parameters, has a stage)
SLIDERS: list[tuple[str, dict[str, tuple[float, float]], dict[str, Any], bool]] = [
    ("/api/intro/parabola", {"noise": (0.0, 2.0)}, {}, True),
    ("/api/correlation/view", {"noise": (0.0, 2.0)}, {"kind": "sine"}, True),
    ("/api/formula/views", {"noise": (0.0, 2.0)}, {"bins": 10}, True),
    ("/api/landscape/map", {"noise": (0.0, 0.3)}, {}, True),
    ("/api/decomposition/venn", {"coupling": (0.0, 1.0)}, {}, False),
    ("/api/bits/stream", {"flip": (0.0, 1.0)}, {"test": "false"}, False),
    ("/api/properties/symmetry", {"flip": (0.0, 0.5)}, {}, False),
    ("/api/honesty/ksweep", {"rho": (-0.95, 0.95)}, {}, False),
]
#: Weights of the request kinds in the mix.
MIX = {"slider": 0.75, "upload": 0.15, "page": 0.10}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[idx]


def start_server(env: dict[str, str] | None = None, timeout_s: float = 120.0) -> tuple[subprocess.Popen, str]:
    """Start the explorer with uvicorn in a subprocess on 127.0.0.1; return (process, base URL)."""
    import httpx

    from mutinfo.explorer.server import free_port

    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "mutinfo.explorer.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(
        cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the explorer server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(url + "/api/meta", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"the explorer server did not answer within {timeout_s} s")


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server subprocess (kill it after 10 s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _csv(rng: random.Random, rows: int = 200) -> bytes:
    lines = ["x,y,noise,group"]
    for _ in range(rows):
        x = rng.gauss(0, 1)
        lines.append(f"{x:.5f},{x * x + rng.gauss(0, 0.3):.5f},{rng.gauss(0, 1):.5f},{rng.randrange(4)}")
    return ("\n".join(lines) + "\n").encode()


@dataclass
class LoadResult:
    """What one load run measured (latencies in seconds, memory in MB)."""

    clients: int
    duration_s: float
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    rss: list[tuple[float, float]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    server_cpu_s: float = float("nan")

    def summary(self) -> dict[str, Any]:
        """Requests, errors, latency percentiles and memory figures as plain numbers."""
        every = [t for values in self.latencies.values() for t in values]
        mem = [m for _, m in self.rss]
        half = [(t, m) for t, m in self.rss if t >= self.duration_s / 2]
        slope = float("nan")
        if len(half) >= 3:
            ts, ms = zip(*half, strict=True)
            t_mean, m_mean = statistics.fmean(ts), statistics.fmean(ms)
            den = sum((t - t_mean) ** 2 for t in ts)
            if den > 0:
                slope = 60 * sum((t - t_mean) * (m - m_mean) for t, m in half) / den

        def at(frac: float) -> float:
            if not self.rss:
                return float("nan")
            target = frac * self.duration_s
            return min(self.rss, key=lambda tm: abs(tm[0] - target))[1]

        return {
            "clients": self.clients,
            "duration_s": round(self.duration_s, 1),
            "requests": self.requests,
            "errors": self.errors,
            "errors_by_status": dict(sorted(self.statuses.items())),
            "server_cpu_s": round(self.server_cpu_s, 1),
            "server_cpu_share": round(self.server_cpu_s / self.duration_s, 2) if self.duration_s else None,
            "server_cpu_ms_per_request": round(1000 * self.server_cpu_s / self.requests, 1)
            if self.requests
            else None,
            "error_samples": self.error_samples[:5],
            "requests_per_s": round(self.requests / self.duration_s, 1) if self.duration_s else None,
            "p50_ms": round(1000 * _percentile(every, 50), 1),
            "p95_ms": round(1000 * _percentile(every, 95), 1),
            "max_ms": round(1000 * max(every), 1) if every else None,
            "by_kind": {
                kind: {
                    "requests": len(values),
                    "p50_ms": round(1000 * _percentile(values, 50), 1),
                    "p95_ms": round(1000 * _percentile(values, 95), 1),
                }
                for kind, values in sorted(self.latencies.items())
            },
            "rss_start_mb": round(at(0.0), 1),
            "rss_middle_mb": round(at(0.5), 1),
            "rss_end_mb": round(at(1.0), 1),
            "rss_max_mb": round(max(mem), 1) if mem else None,
            "rss_slope_second_half_mb_per_min": round(slope, 2),
        }


async def _client(
    idx: int,
    url: str,
    result: LoadResult,
    stop_at: float,
    max_requests: int,
    http: Any,
    full_fraction: float,
    think_s: float,
) -> None:
    rng = random.Random(1000 + idx)

    async def call(kind: str, method: str, path: str, **kwargs: Any) -> Any:
        if result.requests >= max_requests:
            return None
        result.requests += 1
        t0 = time.perf_counter()
        try:
            response = await http.request(method, url + path, **kwargs)
        except Exception as exc:  # a transport error is an error of the run
            result.errors += 1
            result.statuses[type(exc).__name__] = result.statuses.get(type(exc).__name__, 0) + 1
            result.error_samples.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            return None
        result.latencies.setdefault(kind, []).append(time.perf_counter() - t0)
        if response.status_code != 200:
            result.errors += 1
            code = str(response.status_code)
            result.statuses[code] = result.statuses.get(code, 0) + 1
            result.error_samples.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
            return None
        return response

    while time.monotonic() < stop_at and result.requests < max_requests:
        if think_s > 0:  # a person between two slider moves (uniform on 0..2 x think_s)
            await asyncio.sleep(min(rng.uniform(0, 2 * think_s), max(0.0, stop_at - time.monotonic())))
            if time.monotonic() >= stop_at:
                break
        pick = rng.random()
        if pick < MIX["slider"]:
            path, floats, fixed, staged = SLIDERS[rng.randrange(len(SLIDERS))]
            params = {**fixed, **{k: round(rng.uniform(*bounds), 4) for k, bounds in floats.items()}}
            if staged:
                params["stage"] = "full" if rng.random() < full_fraction else "estimate"
            await call("slider", "GET", path, params=params)
        elif pick < MIX["slider"] + MIX["upload"]:
            up = await call("upload", "POST", "/api/yourdata/upload", files={"file": ("load.csv", _csv(rng))})
            if up is not None:
                params = {"token": up.json()["token"], "target": "y", "stage": "estimate", "seed": idx}
                await call("analyze", "GET", "/api/yourdata/analyze", params=params)
        else:
            await call("page", "GET", rng.choice(["/", "/static/css/style.css", "/api/meta"]))


async def _sample_rss(pid: int, result: LoadResult, t0: float, stop: asyncio.Event) -> None:
    import psutil

    proc = psutil.Process(pid)
    cpu0 = sum(proc.cpu_times()[:2])
    while not stop.is_set():
        result.rss.append((time.monotonic() - t0, proc.memory_info().rss / 2**20))
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            pass
    result.rss.append((time.monotonic() - t0, proc.memory_info().rss / 2**20))
    result.server_cpu_s = sum(proc.cpu_times()[:2]) - cpu0


async def _warm_up(url: str, full: bool = True) -> None:
    import httpx

    rng = random.Random(0)
    async with httpx.AsyncClient(timeout=300) as http:
        for path, floats, fixed, staged in SLIDERS:
            params = {**fixed, **{k: round(rng.uniform(*b), 4) for k, b in floats.items()}}
            for stage in (("estimate", "full") if full else ("estimate",)) if staged else (None,):
                await http.get(url + path, params={**params, **({"stage": stage} if stage else {})})
        up = await http.post(url + "/api/yourdata/upload", files={"file": ("w.csv", _csv(rng))})
        await http.get(
            url + "/api/yourdata/analyze",
            params={"token": up.json()["token"], "target": "y", "stage": "estimate"},
        )


async def _run(
    url: str,
    pid: int,
    clients: int,
    duration_s: float,
    max_requests: int,
    full_fraction: float,
    think_s: float,
) -> LoadResult:
    import httpx

    await _warm_up(url, full=full_fraction > 0)
    result = LoadResult(clients=clients, duration_s=duration_s)
    stop = asyncio.Event()
    t0 = time.monotonic()
    sampler = asyncio.ensure_future(_sample_rss(pid, result, t0, stop))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        tasks = [
            asyncio.ensure_future(
                _client(i, url, result, t0 + duration_s, max_requests, http, full_fraction, think_s)
            )
            for i in range(clients)
        ]
        # every client stops starting requests at the deadline; a hard cap ends stragglers
        done, pending = await asyncio.wait(tasks, timeout=duration_s + 150)
        for task in pending:
            task.cancel()
            result.errors += 1
            result.error_samples.append("a client was still waiting 150 s after the end")
        for task in done:
            if task.exception() is not None:
                result.errors += 1
                result.error_samples.append(f"client crashed: {task.exception()!r}")
    result.duration_s = time.monotonic() - t0
    stop.set()
    await sampler
    return result


def run_load(
    *,
    clients: int = 50,
    duration_s: float = 30.0,
    max_requests: int = 50_000,
    full_fraction: float = 0.25,
    think_s: float = 0.0,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Start a server, run the load, stop the server; return :meth:`LoadResult.summary`.

    ``full_fraction`` is the share of slider requests that ask for the "full" stage (with
    its permutation test) rather than the quick "estimate"; ``think_s`` the mean pause of
    a client between two requests (0: each client sends its next request at once).
    """
    proc, url = start_server(env)
    try:
        result = asyncio.run(_run(url, proc.pid, clients, duration_s, max_requests, full_fraction, think_s))
    finally:
        stop_server(proc)
    return result.summary()


def run_load_at(
    url: str,
    pid: int,
    *,
    clients: int = 10,
    duration_s: float = 5.0,
    max_requests: int = 5_000,
    full_fraction: float = 0.0,
    think_s: float = 0.0,
) -> dict[str, Any]:
    """Run the load against a server that is already running (its process id ``pid``)."""
    return asyncio.run(_run(url, pid, clients, duration_s, max_requests, full_fraction, think_s)).summary()


def _max_params(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    params = {}
    for p in parameters:
        schema = p["schema"]
        if schema.get("type") in ("integer", "number") and "maximum" in schema:
            params[p["name"]] = schema["maximum"]
    return params


def run_worst_case(*, timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """Time every GET endpoint once with its numeric parameters at their maxima.

    A request past the server's deadline (``timeout_s``) is answered 504 while its
    computation goes on; ``finished_after_s`` is when the server was free again.
    """
    import httpx

    proc, url = start_server(
        {"MUTINFO_EXPLORER_REQUEST_TIMEOUT_S": str(timeout_s), "MUTINFO_EXPLORER_MAX_ABANDONED": "1"}
    )
    rows = []
    try:
        spec = httpx.get(url + "/openapi.json", timeout=30).json()
        rng = random.Random(0)
        up = httpx.post(
            url + "/api/yourdata/upload", files={"file": ("w.csv", _csv(rng, rows=50_000 // 10))}, timeout=120
        ).json()
        for path, ops in spec["paths"].items():
            op = ops.get("get")
            if op is None:
                continue
            params = _max_params(op.get("parameters", []))
            if path.startswith("/api/yourdata/") and any(
                p["name"] == "token" for p in op.get("parameters", [])
            ):
                params.update(token=up["token"], target="y")
            t0 = time.perf_counter()
            response = httpx.get(url + path, params=params, timeout=timeout_s + 30)
            seconds = time.perf_counter() - t0
            finished = seconds
            if response.status_code == 504:
                # the computation goes on after the deadline; the server answers 503 until it ends
                while time.perf_counter() - t0 < 1800:
                    if httpx.get(url + "/api/meta", timeout=30).status_code == 200:
                        break
                    time.sleep(0.5)
                finished = time.perf_counter() - t0
            rows.append(
                {
                    "path": path,
                    "status": response.status_code,
                    "seconds": round(seconds, 2),
                    "finished_after_s": round(finished, 2),
                    "params": params,
                }
            )
            print(f"{seconds:8.2f} s ({finished:.1f})  {response.status_code}  {path}  {params}", flush=True)
    finally:
        stop_server(proc)
    return sorted(rows, key=lambda r: -r["seconds"])


def _load_avg() -> str:
    try:
        return " / ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover - not on this platform
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a client's requests, s")
    parser.add_argument(
        "--full-fraction", type=float, default=0.25, help="share of slider requests with the permutation test"
    )
    parser.add_argument(
        "--worst-case", action="store_true", help="time each endpoint at its maximum parameters"
    )
    parser.add_argument("--output", type=Path, help="write the JSON result here")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 500 or not 0 < args.duration <= 600 or args.max_requests < 1:
        parser.error("--clients must be 1..500, --duration 0..600 s, --max-requests >= 1")
    load_before = _load_avg()
    if args.worst_case:
        out: Any = {"worst_case": run_worst_case()}
    else:
        out = run_load(
            clients=args.clients,
            duration_s=args.duration,
            max_requests=args.max_requests,
            full_fraction=args.full_fraction,
            think_s=args.think,
        )
    out = {
        "load_average_before": load_before,
        "load_average_after": _load_avg(),
        "cpus": os.cpu_count(),
        **out,
    }
    text = json.dumps(out, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    if not args.worst_case and out["errors"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
