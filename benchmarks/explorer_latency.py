"""Slider-to-redraw latency of the explorer in a real browser (a benchmark, not a test).

``python -m benchmarks.explorer_latency [--steps 20] [--output PATH]``

For each view it starts the explorer (uvicorn, 127.0.0.1, free port) and Debian's chromium
(Playwright), focuses one slider and presses a key ``--steps`` times, each time to a value not
seen before (so no server cache helps) until the end of the slider's range, where it turns
round (the decomposition view's exact values are cheap either way). Latency is measured inside
the page, from the
``keydown`` event to the moment the view has redrawn its chart and estimate (``MI.drawn`` or
``MI.rendered``, whichever comes first; a key press fires at once, without the drag debounce), and, as a
second column, to the moment every number including the permutation p-value is in
(``MI.rendered``; this includes the views' 200 ms quiet period before the slow stage).
It prints a Markdown table with p50/p95 per view and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

#: (section id, slider selector, key that moves it to an unseen value)
VIEWS: list[tuple[str, str, str]] = [
    ("intro", "#intro-noise", "ArrowRight"),
    ("decomposition", "#decomp-coupling", "ArrowLeft"),
    ("correlation", "#corr-noise", "ArrowRight"),
    ("formula", "#formula-bins", "ArrowRight"),
    ("landscape", "#land-noise", "ArrowRight"),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _server():
    import uvicorn

    from mutinfo.explorer.app import create_app
    from mutinfo.explorer.server import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[idx]


def measure(steps: int) -> list[dict[str, object]]:
    from playwright.sync_api import sync_playwright

    server, thread, url = _server()
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(url + "/")
            page.wait_for_function("document.body.dataset.booted === '1'")
            page.evaluate(
                "document.addEventListener('keydown', () => { window.__t0 = performance.now(); }, true)"
            )
            for section, selector, key in VIEWS:
                if page.locator(f"section#{section}[data-loaded='1']").count() == 0:
                    continue
                page.evaluate(f"MI.start({section!r})")
                page.locator(f"section#{section}").scroll_into_view_if_needed()
                page.wait_for_function(f"document.getElementById({section!r}).dataset.state === 'ready'")
                redraw, full = [], []
                for _ in range(steps):
                    before = page.evaluate(f"Number(document.getElementById({section!r}).dataset.renders||0)")
                    page.focus(selector)
                    old = page.input_value(selector)
                    page.keyboard.press(key)
                    if page.input_value(selector) == old:  # at the end of the range: turn round
                        key = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}[key]
                        page.keyboard.press(key)
                    page.wait_for_function(
                        f"(() => {{ const e = document.getElementById({section!r});"
                        f" return Number(e.dataset.renders||0) > {before} && e.dataset.busy === '0'; }})()"
                    )
                    t = page.evaluate(
                        f"""(() => {{ const e = document.getElementById({section!r});
                            const drawn = Number(e.dataset.drawnAt || Infinity);
                            const done = Number(e.dataset.renderedAt);
                            const first = drawn > window.__t0 ? Math.min(drawn, done) : done;
                            return [first - window.__t0, done - window.__t0]; }})()"""
                    )
                    redraw.append(t[0])
                    full.append(t[1])
                rows.append(
                    {
                        "view": section,
                        "control": selector,
                        "steps": steps,
                        "redraw_p50": statistics.median(redraw),
                        "redraw_p95": _percentile(redraw, 95),
                        "full_p50": statistics.median(full),
                        "full_p95": _percentile(full, 95),
                    }
                )
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return rows


def table(rows: list[dict[str, object]]) -> str:
    load = os.getloadavg()
    lines = [
        "# Explorer interaction latency (slider change -> redraw, real Chromium)",
        "",
        f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f};"
        f" Python {sys.version.split()[0]}. Target: redraw p95 <= 150 ms at default sizes.",
        "",
        "| view | control | steps | redraw p50 (ms) | redraw p95 (ms)"
        " | all numbers p50 (ms) | all numbers p95 (ms) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['view']} | `{r['control']}` | {r['steps']} | {r['redraw_p50']:.0f} | {r['redraw_p95']:.0f}"
            f" | {r['full_p50']:.0f} | {r['full_p95']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="slider steps per view (default 20)")
    parser.add_argument("--output", type=Path, default=None, help="also write the table to this file")
    args = parser.parse_args(argv)
    text = table(measure(args.steps))
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
