"""The HTML report of ``mutinfo analyze --report``: offline, complete, and rendered."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import mutinfo as mi
from mutinfo.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """A table where y = x^2 + noise: MI is large for x, |Pearson r| is near 0."""
    folder = tmp_path_factory.mktemp("report")
    rng = np.random.default_rng(1)
    n = 300
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "lin": x + 0.5 * rng.normal(size=n),
            "noise": rng.normal(size=n),
            "cat": np.where(x > 0, "pos", "neg"),
            "y": x**2 + 0.2 * rng.normal(size=n),
        }
    )
    data = folder / "table.csv"
    frame.to_csv(data, index=False)
    html_path, json_path = folder / "out.html", folder / "out.json"
    argv = ["analyze", str(data), "--target", "y", "--permutations", "19", "--ci", "20", "-q"]
    result = runner.invoke(app, [*argv, "--report", str(html_path), "--json", str(json_path)])
    assert result.exit_code == 0, result.output
    return html_path, json.loads(json_path.read_text()), frame


def test_report_is_one_offline_file(analysed):
    path, _, _ = analysed
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # no external script or stylesheet: plotly.js is inlined
    assert not re.search(r"<script[^>]*\bsrc=", text)
    assert not re.search(r"<link[^>]*href=[\"']?https?:", text)
    assert "Plotly.newPlot" in text and len(text) > 1_000_000
    assert not list(path.parent.glob(".out.html.*"))  # the temporary file was renamed


def test_report_carries_the_json_numbers_command_and_version(analysed):
    path, payload, frame = analysed
    text = path.read_text(encoding="utf-8")
    assert payload["version"] == mi.__version__ and payload["n_rows"] == len(frame)
    assert f"<span id='version'>{mi.__version__}</span>" in text
    assert "mutinfo analyze" in payload["command"] and payload["command"] in text
    shown = re.findall(r"<td class='n mi'>([-0-9.]+)</td>", text)
    assert shown == [f"{row['mi_bits']:.3f}" for row in payload["ranking"]]
    for row in payload["ranking"]:
        assert f"{row['pvalue']:.3g}" in text and f"{row['qvalue']:.3g}" in text
    # the confidence intervals and |Pearson r| shown are the JSON's, row by row
    intervals = re.findall(r"<td class='n ci'>\[([-0-9.]+), ([-0-9.]+)\]</td>", text)
    assert intervals == [(f"{r['ci_low']:.3f}", f"{r['ci_high']:.3f}") for r in payload["ranking"]]
    assert payload["ci"] == {"level": 0.95, "method": "subsample", "n_resamples": 20}
    assert "subsample intervals (Politis &amp; Romano 1994" in text
    for row in payload["ranking"]:
        assert row["ci_low"] <= row["mi_bits"] <= row["ci_high"] or row["feature"] == "noise"
        if row["pearson_r"] is not None:
            r = np.corrcoef(frame[row["feature"]], frame["y"])[0, 1]
            assert row["pearson_r"] == pytest.approx(r, rel=1e-9)
    bars = json.loads(re.search(r"const MUTINFO_FIGURES = (.*?);\n", text).group(1))
    mi_trace = bars[0][1][0]
    assert bars[0][0] == "bars" and mi_trace["y"] == [round(r["mi_bits"], 6) for r in payload["ranking"]]
    assert mi_trace["error_y"]["array"] == [round(r["ci_high"] - r["mi_bits"], 6) for r in payload["ranking"]]
    # the point of the bar chart: x carries much information about y = x^2 + noise
    # although |Pearson r| is near 0 (the symmetric parabola)
    first = payload["ranking"][0]
    assert first["feature"] in {"x", "cat"} or first["mi_bits"] > 0.5
    by_name = {row["feature"]: row for row in payload["ranking"]}
    assert by_name["x"]["mi_bits"] > 0.8
    assert abs(np.corrcoef(frame["x"], frame["y"])[0, 1]) < 0.2
    assert by_name["noise"]["mi_bits"] < 0.15
    for needle in ("treated as", "discrete (2 levels)", "continuous", "Pairwise MI", "clustered"):
        assert needle in text


def test_report_unwritable_path_is_a_data_error(tmp_path, analysed):
    _, _, frame = analysed
    data = tmp_path / "t.csv"
    frame.to_csv(data, index=False)
    result = runner.invoke(
        app, ["analyze", str(data), "--target", "y", "--report", str(tmp_path / "no" / "r.html")]
    )
    assert result.exit_code == 1
    assert "`--report` could not be written" in result.output


def _browser_setup():
    """The browser tests' conftest module (its Chromium path and launch arguments)."""
    spec = importlib.util.spec_from_file_location(
        "_browser_conftest", Path(__file__).parent / "browser" / "conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_report_renders_in_chromium(analysed):
    from playwright.sync_api import sync_playwright

    setup = _browser_setup()
    chromium, args, screenshots = setup.CHROMIUM, setup.CHROMIUM_ARGS, setup.SCREENSHOTS
    path, _, _ = analysed
    errors: list[str] = []

    def drive() -> tuple[int, int, int]:
        # A fresh thread: the browser tests' session-wide Playwright keeps an asyncio loop
        # running in this worker's main thread, where the sync API refuses to start again.
        return _drive(sync_playwright, chromium, args, screenshots, path, errors)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        charts, bars, cells = pool.submit(drive).result(timeout=180)
    assert not errors, errors
    assert charts >= 6  # bars, matrix and four pair scatters
    assert bars == 2 * 4  # MI and |r| for each of the four features
    assert cells == 1


def _drive(sync_playwright, chromium, args, screenshots, path, errors: list[str]) -> tuple[int, int, int]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri())
            page.wait_for_function("document.querySelectorAll('.plot-container svg.main-svg').length >= 3")
            charts = page.evaluate("document.querySelectorAll('.chart .plot-container').length")
            bars = page.evaluate("document.querySelectorAll('#bars g.point').length")
            cells = page.evaluate("document.querySelectorAll('#matrix .heatmaplayer image').length")
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshots / "report-1280.png"), full_page=True)
        finally:
            browser.close()
    return charts, bars, cells


def test_discrete_pairs_are_count_heatmaps_and_the_target_is_on_the_y_axis():
    from mutinfo.report import render_report

    rng = np.random.default_rng(4)
    n = 400
    a = rng.integers(0, 3, size=n)
    frame = pd.DataFrame(
        {
            "a": a,
            "b": (a + rng.integers(0, 2, size=n)) % 3,
            "x": rng.normal(size=n),
            "y": a + rng.normal(size=n),
        }
    )
    ranking = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "feature": ["a", "b", "x"],
            "mi_bits": [0.5, 0.2, 0.0],
            "method": "m",
            "warnings": "",
        }
    )
    text = render_report(frame, "y", ranking, command="test")
    figures = dict(
        (name, (data, layout))
        for name, data, layout in json.loads(re.search(r"const MUTINFO_FIGURES = (.*?);\n", text).group(1))
    )
    pairs = {name: spec for name, spec in figures.items() if name.startswith("pair")}
    assert len(pairs) == 4
    shown = [
        {layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]} for _, layout in pairs.values()
    ]
    assert {"a", "b"} in shown  # b is a noisy function of a: one of the most dependent pairs
    for data, layout in pairs.values():
        x_name, y_name = layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]
        assert x_name != "y"  # a pair with the target has the target on the y-axis
        if {x_name, y_name} == {"a", "b"}:
            heat = data[0]
            assert heat["type"] == "heatmap"
            # the cells are the crosstab counts of all rows
            counts = pd.crosstab(frame[y_name], frame[x_name])
            assert heat["z"] == counts.to_numpy().tolist() and sum(map(sum, heat["z"])) == n
        else:
            assert data[0]["type"] == "scatter" and len(data[0]["x"]) == n
