"""``--base``: every command that prints information quantities gives them in the unit asked for.

The closed-form truth: an information quantity in base b is the same quantity in bits times
log_b(2); for nats, times ln 2. So a run with ``--base e`` must equal the bits run times ln 2
to rounding (the same seed draws the same noise, neighbours and permutations), and its unit
must be named in the table, the JSON, the CSV and the report.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mutinfo.cli import app
from mutinfo.report import mi_column, unit_label

runner = CliRunner()
WIDE = {"COLUMNS": "200"}
LN2 = math.log(2)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """y depends on x (linearly and through a sign), not on noise; 200 rows, no ties."""
    rng = np.random.default_rng(3)
    n = 200
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "sign": (x > 0).astype(int),
            "noise": rng.normal(size=n),
            "y": 0.8 * x + 0.6 * rng.normal(size=n),
        }
    )
    path = tmp_path_factory.mktemp("base") / "t.csv"
    frame.to_csv(path, index=False)
    return path


def _analyze(table, tmp_path, *extra: str) -> dict:
    out = tmp_path / f"r{len(list(tmp_path.iterdir()))}.json"
    argv = ["analyze", str(table), "-t", "y", "--permutations", "9", "--ci", "5", "-q", "--json", str(out)]
    result = runner.invoke(app, [*argv, *extra], env=WIDE)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_unit_names_and_columns():
    assert [unit_label(b) for b in (2, math.e, 10, 3, 0.5)] == [
        "bits",
        "nats",
        "hartleys",
        "log3 units",
        "log0.5 units",
    ]
    assert [mi_column(b) for b in (2, math.e, 10, 3)] == ["mi_bits", "mi_nats", "mi_hartleys", "mi_log3"]


def test_analyze_nats_are_bits_times_ln2_and_the_json_says_nats(table, tmp_path):
    bits = _analyze(table, tmp_path)
    nats = _analyze(table, tmp_path, "--base", "e")
    assert (bits["unit"], bits["base"], bits["mi_column"]) == ("bits", 2.0, "mi_bits")
    assert (nats["unit"], nats["base"], nats["mi_column"]) == ("nats", math.e, "mi_nats")
    assert "--base e" in nats["command"] and "--base" not in bits["command"]
    assert [r["feature"] for r in nats["ranking"]] == [r["feature"] for r in bits["ranking"]]
    for b, n in zip(bits["ranking"], nats["ranking"], strict=True):
        assert "mi_bits" not in n and "mi_nats" not in b
        assert n["mi_nats"] == pytest.approx(b["mi_bits"] * LN2, rel=0, abs=1e-12)
        assert n["ci_low"] == pytest.approx(b["ci_low"] * LN2, rel=0, abs=1e-12)
        assert n["ci_high"] == pytest.approx(b["ci_high"] * LN2, rel=0, abs=1e-12)
        # a change of unit rescales the statistic and every shuffle alike: same p-values
        assert n["pvalue"] == b["pvalue"]
    # and the estimates are real ones: x carries the most, noise about nothing
    assert nats["ranking"][0]["feature"] == "x" and nats["ranking"][0]["mi_nats"] > 0.3


def test_analyze_table_and_csv_name_the_unit(table, tmp_path):
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["analyze", str(table), "-t", "y", "--base", "10", "-o", str(out)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "MI (hartleys)" in result.output and "bits" not in result.output
    assert "mi_hartleys" in pd.read_csv(out).columns


def test_a_decimal_e_is_read_as_e_and_other_bases_keep_their_own_unit(table, tmp_path):
    exact = _analyze(table, tmp_path, "--base", "e")
    typed = runner.invoke(app, ["analyze", str(table), "-t", "y", "--base", "2.71828"], env=WIDE)
    assert typed.exit_code == 0, typed.output
    assert "read as e" in typed.output and "MI (nats)" in typed.output
    near = _analyze(table, tmp_path, "--base", "2.71828")
    assert [r["mi_nats"] for r in near["ranking"]] == [r["mi_nats"] for r in exact["ranking"]]
    other = _analyze(table, tmp_path, "--base", "2.7")
    assert other["unit"] == "log2.7 units" and other["base"] == 2.7
    for e, o in zip(exact["ranking"], other["ranking"], strict=True):
        assert o["mi_log2.7"] == pytest.approx(e["mi_nats"] / math.log(2.7), rel=0, abs=1e-12)


def test_matrix_nats_are_bits_times_ln2(table, tmp_path):
    frames = {}
    for base in ("2", "e"):
        out = tmp_path / f"m{base}.csv"
        result = runner.invoke(app, ["matrix", str(table), "--base", base, "-q", "--out", str(out)])
        assert result.exit_code == 0, result.output
        frames[base] = pd.read_csv(out, index_col=0)
    assert frames["2"].index.name == "column (bits)" and frames["e"].index.name == "column (nats)"
    bits, nats = frames["2"].to_numpy(), frames["e"].to_numpy()
    assert np.isnan(np.diag(nats)).all()
    assert np.allclose(nats, bits * LN2, rtol=0, atol=1e-12, equal_nan=True)
    shown = runner.invoke(app, ["matrix", str(table), "--base", "e", "-q"], env=WIDE)
    assert shown.exit_code == 0 and "Pairwise MI (nats)" in shown.output


def test_report_says_nats(table, tmp_path):
    page, out = tmp_path / "r.html", tmp_path / "r.json"
    argv = ["analyze", str(table), "-t", "y", "--base", "e", "-q", "--report", str(page), "--json", str(out)]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    payload = json.loads(out.read_text())
    assert "<th>MI (nats)</th>" in text
    assert "Mutual information is in <span id='unit'>nats</span> (natural logarithms" in text
    assert '"title": {"text": "MI (nats)"}' in text  # the bar chart's axis
    assert '"colorbar": {"title": {"text": "nats"}}' in text  # the matrix heatmap
    assert "Pairwise MI (nats), clustered" in text
    # past the inlined plotly.js, "bits" is left only in the note on converting units
    body = text.split("</script></head>", 1)[1]
    assert body.count("bits") == 1 and "1 nat = 1/ln 2 = 1.443 bits" in body
    shown = re.findall(r"<td class='n mi'>([-0-9.]+)</td>", text)
    assert shown == [f"{r['mi_nats']:.3f}" for r in payload["ranking"]]


def test_te_select_network_in_nats(table, tmp_path):
    values = {}
    for base in ("2", "e"):
        te = runner.invoke(
            app, ["te", str(table), "-s", "x", "-t", "y", "--surrogates", "9", "--base", base, "-q"], env=WIDE
        )
        assert te.exit_code == 0, te.output
        values[base] = float(re.search(r"= (-?[0-9.]+) (bits|nats),", te.output).group(1))
        assert f"{unit_label(math.e if base == 'e' else 2.0)}," in te.output
    assert values["e"] == pytest.approx(values["2"] * LN2, abs=1e-4)  # printed to 4 decimals
    chosen = runner.invoke(app, ["select", str(table), "-t", "y", "--k", "2", "--base", "e", "-q"], env=WIDE)
    assert chosen.exit_code == 0, chosen.output
    assert "score_nats" in chosen.output and "relevance_nats" in chosen.output
    edges = {}
    for base in ("2", "e"):
        out = tmp_path / f"e{base}.csv"
        argv = ["network", str(table), "--base", base, "-q", "--out", str(out)]
        result = runner.invoke(app, argv, env=WIDE)
        assert result.exit_code == 0, result.output
        assert f"weights: {'nats' if base == 'e' else 'bits'}" in result.output
        edges[base] = pd.read_csv(out)
    assert np.allclose(edges["e"]["weight"], edges["2"]["weight"] * LN2, rtol=0, atol=1e-12)


@pytest.mark.parametrize("value", ["0", "1", "-2", "abc", "nan"])
@pytest.mark.parametrize("command", ["analyze", "matrix", "select", "network", "te", "demo"])
def test_bad_base_exits_2_naming_the_option_rule_and_value(table, command, value):
    argv = {
        "analyze": ["analyze", str(table), "-t", "y"],
        "matrix": ["matrix", str(table)],
        "select": ["select", str(table), "-t", "y", "--k", "1"],
        "network": ["network", str(table)],
        "te": ["te", str(table), "-s", "x", "-t", "y"],
        "demo": ["demo"],
    }[command]
    result = runner.invoke(app, [*argv, f"--base={value}"], env=WIDE)
    assert result.exit_code == 2, result.output
    assert f"`--base` must be a number > 0 and != 1 (2 = bits, e = nats, 10 = hartleys); got {value!r}." in (
        result.output
    )
