"""The `matrix`, `select`, `network` and `te` commands: outputs, exit codes and messages."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mutinfo.cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """x drives sq = x^2 and lin = x + noise; noise is independent of everything."""
    rng = np.random.default_rng(3)
    n = 300
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "sq": x**2 + 0.1 * rng.normal(size=n),
            "lin": x + 0.5 * rng.normal(size=n),
            "noise": rng.normal(size=n),
        }
    )
    path = tmp_path_factory.mktemp("cli") / "t.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """y(t) = 0.3 y(t-1) + 0.8 x(t-2) + noise: x drives y at lag 2, not the reverse."""
    rng = np.random.default_rng(4)
    n = 400
    x = rng.normal(size=n)
    y = rng.normal(size=n) * 0.3
    for t in range(2, n):
        y[t] += 0.3 * y[t - 1] + 0.8 * x[t - 2]
    path = tmp_path_factory.mktemp("te") / "ts.csv"
    pd.DataFrame({"x": x, "y": y}).to_csv(path, index=False)
    return path


def test_matrix_csv_is_symmetric_with_an_empty_diagonal(table, tmp_path):
    out = tmp_path / "m.csv"
    result = runner.invoke(app, ["matrix", str(table), "--out", str(out)])
    assert result.exit_code == 0, result.output
    m = pd.read_csv(out, index_col="column (bits)")
    assert list(m.index) == list(m.columns) == ["x", "sq", "lin", "noise"]
    values = m.to_numpy()
    assert np.isnan(np.diag(values)).all()
    assert np.allclose(values, values.T, equal_nan=True)
    # x determines sq up to small noise: far more than 1 bit; noise shares almost nothing
    assert m.loc["x", "sq"] > 1.5 and abs(m.loc["x", "noise"]) < 0.15
    assert not list(tmp_path.glob(".m.csv*"))


def test_matrix_prints_a_table(table):
    result = runner.invoke(app, ["matrix", str(table), "--columns", "x,lin"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert re.search(r"│ x\s+│\s+-\s+│\s+[0-9.]+ │", result.output)


def test_select_mrmr_skips_the_redundant_copy(table):
    argv = ["select", str(table), "--target", "sq", "--k", "2", "--criterion", "mrmr"]
    result = runner.invoke(app, argv, env=WIDE)
    assert result.exit_code == 0, result.output
    steps = re.findall(r"│\s*(\d)\s*│\s*(\w+)\s*│", result.output)
    # x first (most relevant); lin is then mostly a noisy copy of x (redundancy ~1 bit
    # against relevance ~0.35 bit), so mRMR prefers the independent column
    assert steps == [("1", "x"), ("2", "noise")]


def test_select_writes_the_chosen_columns(table, tmp_path):
    out = tmp_path / "s.csv"
    argv = ["select", str(table), "--target", "sq", "--k", "2", "--criterion", "relevance"]
    result = runner.invoke(app, [*argv, "--out", str(out)], env=WIDE)
    assert result.exit_code == 0, result.output
    chosen = pd.read_csv(out)
    # relevance alone takes the two columns that carry information about sq = x^2
    assert list(chosen.columns) == ["x", "lin", "sq"]
    assert len(chosen) == 300


def test_network_aracne_edge_list(table, tmp_path):
    out = tmp_path / "e.csv"
    result = runner.invoke(app, ["network", str(table), "--method", "aracne", "--out", str(out)], env=WIDE)
    assert result.exit_code == 0, result.output
    edges = pd.read_csv(out)
    pairs = {frozenset(p) for p in zip(edges["source"], edges["target"], strict=True)}
    assert frozenset({"x", "sq"}) in pairs and frozenset({"x", "lin"}) in pairs
    # ARACNE removes sq - lin: it is explained by the stronger path through x
    assert frozenset({"sq", "lin"}) not in pairs


def test_te_finds_the_direction(series):
    forward = runner.invoke(
        app, ["te", str(series), "-s", "x", "-t", "y", "--lag", "2", "--surrogates", "19"]
    )
    assert forward.exit_code == 0, forward.output
    bits = float(re.search(r"= ([-0-9.]+) bits, p = ([0-9.e-]+)", forward.output).group(1))
    p = float(re.search(r"p = ([0-9.e-]+)", forward.output).group(1))
    assert bits > 0.5 and p == pytest.approx(1 / 20)
    backward = runner.invoke(
        app, ["te", str(series), "-s", "y", "-t", "x", "--lag", "2", "--surrogates", "19"]
    )
    assert backward.exit_code == 0, backward.output
    assert float(re.search(r"= ([-0-9.]+) bits", backward.output).group(1)) < 0.2


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["select", "{t}", "--target", "nope"], "valid choices: ['x', 'sq', 'lin', 'noise']"),
        (["select", "{t}", "--target", "x", "--criterion", "best"], "`--criterion` must be one of"),
        (["select", "{t}", "--target", "x", "--k", "9"], "`--k` must be at most"),
        (["matrix", "{t}", "--columns", "x,zz"], "got unknown ['zz']"),
        (["matrix", "{t}", "--columns", "x"], "at least 2 columns"),
        (["network", "{t}", "--columns", "x,q"], "got unknown ['q']"),
        (["te", "{t}", "--source", "x", "--target", "w"], "got unknown ['w']"),
        (["te", "{t}", "--source", "x", "--target", "x"], "must differ"),
        (["network", "{t}", "--method", "magic"], "magic"),
    ],
)
def test_usage_errors_exit_2_and_list_choices(table, argv, needle):
    result = runner.invoke(app, [a.format(t=table) for a in argv], env=WIDE)
    assert result.exit_code == 2, result.output
    assert needle in " ".join(result.output.split()).replace("' ,", "',")


def test_data_errors_exit_1(tmp_path):
    missing = runner.invoke(app, ["matrix", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "`DATA` must be an existing file" in missing.output
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"\x00\x01not a parquet file\xff" * 10)
    result = runner.invoke(app, ["network", str(junk)])
    assert result.exit_code == 1 and "could not be read" in result.output
    text = tmp_path / "text.csv"
    pd.DataFrame({"a": ["u", "v"] * 5, "y": np.arange(10.0)}).to_csv(text, index=False)
    result = runner.invoke(app, ["select", str(text), "--target", "y", "--k", "1"])
    assert result.exit_code == 1 and "got text in ['a']" in result.output
    holes = tmp_path / "holes.csv"
    pd.DataFrame({"a": [1.0, np.nan, 2.0, 3.0], "b": [1.0, 2.0, 3.0, 4.0]}).to_csv(holes, index=False)
    result = runner.invoke(app, ["matrix", str(holes)])
    assert result.exit_code == 1
    assert "column 'a' has 1 missing values (NaN/empty; first in data rows [2]" in result.output


@pytest.mark.parametrize(
    "command", ["demo", "analyze", "matrix", "select", "network", "te", "methods", "explore"]
)
def test_help_has_a_worked_example(command):
    result = runner.invoke(app, [command, "--help"], env=WIDE)
    assert result.exit_code == 0
    assert "Example:" in result.output and f"mutinfo {command}" in result.output
