"""The `mutinfo` command line, through typer's CliRunner, and the README example."""

from __future__ import annotations

import contextlib
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mutinfo as mi
from mutinfo.cli import app
from mutinfo.estimators.registry import METHODS

runner = CliRunner()
README = Path(__file__).resolve().parents[1] / "README.md"


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"mutinfo {mi.__version__}"


def test_no_arguments_shows_help_as_usage_error():
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    for command in ("demo", "methods", "explore"):
        assert command in result.output


def test_methods_lists_every_registry_name():
    result = runner.invoke(app, ["methods"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in ["auto", *METHODS]:
        assert re.search(rf"│ {re.escape(name)}\s+│", result.output), name


def test_demo_prints_a_ranked_table_in_bits():
    result = runner.invoke(app, ["demo", "--top", "5"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "MI (bits)" in result.output and "Pearson |r|" in result.output
    rows = re.findall(r"│\s+(\d+) │ (.+?)\s+│\s+([0-9.]+) │\s+(\d+)% │\s+([0-9.]+) │", result.output)
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5]
    bits = [float(r[2]) for r in rows]
    assert bits == sorted(bits, reverse=True)
    # H(diagnosis) = h(212/569) = 0.953 bits bounds every MI with the diagnosis; the best
    # single features (size and concavity) are known to separate the classes well
    h = -(212 / 569) * math.log2(212 / 569) - (357 / 569) * math.log2(357 / 569)
    assert all(0.3 < b < h for b in bits)
    assert any(("worst" in r[1] or "mean" in r[1]) for r in rows)


@pytest.mark.parametrize(
    "argv",
    [["demo", "--bogus"], ["demo", "--top", "0"], ["demo", "--top", "many"], ["explore", "--port", "0"]],
)
def test_usage_errors_exit_2(argv):
    result = runner.invoke(app, argv)
    assert result.exit_code == 2


def test_unknown_method_is_a_usage_error_listing_the_choices():
    result = runner.invoke(app, ["demo", "--method", "no_such_method"], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "`--method` must be one of" in result.output
    assert "no_such_method" in result.output and "'ksg1'" in result.output


def test_explore_help():
    result = runner.invoke(app, ["explore", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--port", "--host", "--no-browser"):
        assert option in result.output


def test_explore_passes_options_to_the_server(monkeypatch):
    server = pytest.importorskip("mutinfo.explorer.server")
    calls = []
    monkeypatch.setattr(server, "serve", lambda **kw: calls.append(kw))
    result = runner.invoke(app, ["explore", "--port", "8765", "--no-browser"])
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": 8765, "open_browser": False}]


def test_explore_without_the_explorer_says_how_to_install(monkeypatch):
    # None in sys.modules makes the import fail, as on an install without the extra
    monkeypatch.setitem(sys.modules, "mutinfo.explorer.server", None)
    result = runner.invoke(app, ["explore", "--no-browser"])
    assert result.exit_code == 1
    assert "explorer" in result.output and "pip install 'mutinfo[explorer]'" in result.output


def test_python_dash_m_runs_the_same_app():
    done = subprocess.run(
        [sys.executable, "-m", "mutinfo", "--version"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"mutinfo {mi.__version__}"


def _readme_example() -> tuple[str, str]:
    text = README.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code, "README needs a ```python example"
    shown = re.search(r"```text\n(.*?)```", text[code.end() :], re.S)
    assert shown, "README needs the example's ```text output after it"
    return code.group(1), shown.group(1)


def test_readme_example_prints_the_claimed_numbers():
    code, shown = _readme_example()
    assert len(code.strip().splitlines()) <= 5
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    printed = out.getvalue()
    claimed = [float(v) for v in re.findall(r"-?\d+\.\d+", shown)]
    got = [float(v) for v in re.findall(r"-?\d+\.\d+", printed)]
    assert len(got) == len(claimed) == 2, printed
    # the truth is the closed form -0.5 log2(1 - rho^2) for rho = 0.8, exactly as printed
    assert claimed[1] == round(-0.5 * math.log2(1 - 0.8**2), 3)
    assert got[1] == claimed[1]
    # the README shows what the code prints: the same words, and the estimate within 0.01
    # bits (room for estimator refinements smaller than that; a larger change must update
    # the README)
    assert re.sub(r"\d+\.\d+", "#", printed.strip()) == re.sub(r"\d+\.\d+", "#", shown.strip())
    assert abs(got[0] - claimed[0]) <= 0.01
    # and the estimate is near the truth: KSG's standard deviation at n = 5000 and
    # I = 0.51 nats is about 0.01 nats (Kraskov et al. 2004, doi:10.1103/PhysRevE.69.066138);
    # its bias here is of the same order
    assert abs(got[0] - got[1]) < 0.05


@pytest.fixture
def table_csv(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    n = 600
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "signal": x,
            "noise": rng.normal(size=n),
            "target": 0.8 * x + 0.6 * rng.normal(size=n),
        }
    )
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    return path


def test_analyze_ranks_and_writes_csv(table_csv, tmp_path):
    import pandas as pd

    out = tmp_path / "ranking.csv"
    result = runner.invoke(
        app, ["analyze", str(table_csv), "--target", "target", "-o", str(out)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    ranking = pd.read_csv(out)
    assert ranking["feature"].tolist() == ["signal", "noise"]
    assert ranking["rank"].tolist() == [1, 2]
    # truth: 0.737 bits for signal (rho = 0.8) and 0 for noise; KSG sd at n = 600 is ~0.03
    assert abs(ranking.loc[0, "mi_bits"] - (-0.5 * math.log2(1 - 0.64))) < 0.12
    assert abs(ranking.loc[1, "mi_bits"]) < 0.1
    assert "signal" in result.output and "MI (bits)" in result.output


def test_analyze_with_permutations_gives_p_and_q(table_csv, tmp_path):
    import pandas as pd

    out = tmp_path / "ranking.csv"
    argv = ["analyze", str(table_csv), "-t", "target", "--permutations", "19", "-o", str(out)]
    result = runner.invoke(app, argv, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    ranking = pd.read_csv(out).set_index("feature")
    # 19 shuffles: the smallest attainable p-value is 1/20
    assert ranking.loc["signal", "pvalue"] == pytest.approx(0.05)
    assert ranking.loc["noise", "pvalue"] > 0.05
    assert (ranking["qvalue"] >= ranking["pvalue"]).all()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--target", "nope"], "`--target` must name columns of table.csv; got unknown ['nope']"),
        (["--target", "target", "--columns", "signal,bogus"], "got unknown ['bogus']"),
        (["--target", "target", "--columns", "signal,target"], "must not include the target"),
        (["--target", "target", "--method", "nope"], "`--method` must be one of"),
        (["--target", "target", "--n-jobs", "0"], "`--n-jobs` must be -1"),
        (["--target", "target", "--sep", "ab"], "`--sep` must be one character"),
    ],
)
def test_analyze_usage_errors_exit_2(table_csv, argv, message):
    result = runner.invoke(app, ["analyze", str(table_csv), *argv], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    if "unknown" in message:
        assert "valid choices: ['signal', 'noise', 'target']" in " ".join(result.output.split())


def test_analyze_missing_file_and_missing_values_exit_1(tmp_path):
    result = runner.invoke(app, ["analyze", str(tmp_path / "absent.csv"), "-t", "y"])
    assert result.exit_code == 1 and "`DATA` must be an existing file" in result.output
    path = tmp_path / "gaps.csv"
    path.write_text("x,y\n1.0,2.0\n,3.0\n2.5,1.0\n4.0,0.5\n5.0,7.0\n")
    result = runner.invoke(app, ["analyze", str(path), "-t", "y"])
    assert result.exit_code == 1
    assert "NaN" in result.output or "missing" in result.output


def test_analyze_requires_target():
    result = runner.invoke(app, ["analyze", "whatever.csv"])
    assert result.exit_code == 2
