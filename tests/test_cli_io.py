"""Data files on the command line: formats, --sep, date-times, every data error path,
Ctrl-C and atomic writes, --quiet, --seed and --n-jobs, and ``explore DATA``."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import mutinfo as mi
from mutinfo import _cli_io
from mutinfo.cli import EXIT_INTERRUPTED, app

runner = CliRunner()
WIDE = {"COLUMNS": "200"}
RHO = 0.8
TRUTH = -0.5 * math.log2(1 - RHO**2)  # I(signal; y) in bits for a bivariate normal


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """signal and y are bivariate normal (rho = 0.8); noise is independent; grp is 3 levels."""
    rng = np.random.default_rng(11)
    n = 400
    signal_ = rng.normal(size=n)
    return pd.DataFrame(
        {
            "signal": signal_,
            "noise": rng.normal(size=n),
            "grp": rng.choice(["a", "b", "c"], size=n),
            "y": RHO * signal_ + math.sqrt(1 - RHO**2) * rng.normal(size=n),
        }
    )


def _analyze_json(path: Path, tmp: Path, *extra: str) -> dict:
    out = tmp / f"{path.name}.json"
    result = runner.invoke(app, ["analyze", str(path), "-t", "y", "--json", str(out), "-q", *extra], env=WIDE)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_every_format_gives_the_same_ranking(frame, tmp_path):
    import pyarrow as pa

    paths = {
        "csv": tmp_path / "t.csv",
        "tsv": tmp_path / "t.tsv",
        "gz": tmp_path / "t.csv.gz",
        "parquet": tmp_path / "t.parquet",
        "feather": tmp_path / "t.feather",
        "arrow": tmp_path / "t.arrow",
        "xlsx": tmp_path / "t.xlsx",
    }
    frame.to_csv(paths["csv"], index=False)
    frame.to_csv(paths["tsv"], sep="\t", index=False)
    frame.to_csv(paths["gz"], index=False)
    frame.to_parquet(paths["parquet"])
    frame.to_feather(paths["feather"])
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(str(paths["arrow"]), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)  # an IPC *stream*: the reader's fallback path
    frame.to_excel(paths["xlsx"], index=False)
    results = {name: _analyze_json(path, tmp_path) for name, path in paths.items()}
    reference = results["parquet"]["ranking"]
    assert reference[0]["feature"] == "signal"
    # the estimate is near the closed form (KSG sd at n = 400 is about 0.04 bits)
    assert abs(reference[0]["mi_bits"] - TRUTH) < 0.15
    for name, payload in results.items():
        ranking = payload["ranking"]
        assert [r["feature"] for r in ranking] == [r["feature"] for r in reference], name
        for got, want in zip(ranking, reference, strict=True):
            assert got["mi_bits"] == pytest.approx(want["mi_bits"], rel=1e-9, abs=1e-12), name
            assert got["kind"] == want["kind"], name


def test_sep_overrides_the_extension(frame, tmp_path):
    semi = tmp_path / "t.dat"
    frame.to_csv(semi, sep=";", index=False)
    unknown = runner.invoke(app, ["analyze", str(semi), "-t", "y"])
    assert unknown.exit_code == 1
    assert "`DATA` must have one of the extensions" in _flat(unknown.output) and "--sep" in unknown.output
    ok = _analyze_json(semi, tmp_path, "--sep", ";")
    tabbed = tmp_path / "t2.csv"
    frame.to_csv(tabbed, sep="\t", index=False)
    also = _analyze_json(tabbed, tmp_path, "--sep", "tab")
    assert [r["mi_bits"] for r in ok["ranking"]] == pytest.approx([r["mi_bits"] for r in also["ranking"]])
    assert "--sep" in ok["command"]


def test_dates_are_converted_and_said(tmp_path):
    rng = np.random.default_rng(5)
    n = 300
    stamps = pd.Timestamp("2024-01-01", tz="Europe/Paris") + pd.to_timedelta(
        np.sort(rng.uniform(0, 1e7, n)), "s"
    )
    y = np.sin(np.arange(n) / 40) + 0.1 * rng.normal(size=n)
    table = pd.DataFrame({"when": stamps, "y": y})
    parquet = tmp_path / "d.parquet"
    table.to_parquet(parquet)
    result = runner.invoke(app, ["analyze", str(parquet), "-t", "y"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "column 'when' holds date-time values; converted to seconds since 1970-01-01 UTC" in _flat(
        result.output
    )
    # the MI is that of the seconds (a monotone map of the time stamps)
    seconds = (stamps.tz_convert("UTC").tz_localize(None) - pd.Timestamp("1970-01-01")).total_seconds()
    expected = float(mi.mutual_info(np.asarray(seconds, dtype=float), y, rng=0))
    text = tmp_path / "d.csv"
    table.assign(when=stamps.strftime("%Y-%m-%dT%H:%M:%S%z")).to_csv(text, index=False)
    payload = _analyze_json(text, tmp_path)
    assert payload["ranking"][0]["mi_bits"] == pytest.approx(expected, rel=1e-9)
    quiet = runner.invoke(app, ["analyze", str(text), "-t", "y", "--quiet"], env=WIDE)
    assert quiet.exit_code == 0 and "converted" not in quiet.output


def _write(path: Path, content: bytes | str) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "argv", "message"),
    [
        ("absent.csv", None, [], "`DATA` must be an existing file"),
        ("empty.csv", "", [], "`DATA` is empty (0 bytes)"),
        ("header.csv", "a,y\n", [], "has a header but no data rows"),
        (
            "junk.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            [],
            "contains NUL bytes",
        ),
        ("junk.parquet", b"\x00\x01not parquet\xff" * 20, [], "could not be read as a parquet table"),
        ("junk.feather", b"\x00\x01not arrow\xff" * 20, [], "could not be read as a arrow table"),
        ("junk.xlsx", b"PK\x03\x04 not a zip" * 20, [], "could not be read as a excel table"),
        ("old.xls", b"\xd0\xcf\x11\xe0", [], "old-style .xls workbook"),
        ("t.json", "{}", [], "`DATA` must have one of the extensions"),
        ("nan.csv", "a,y\n,1\n,2\n,3\n,4\n", [], "column 'a' has no values (all 4 rows are missing)"),
        ("holes.csv", "a,y\n1,1\n,2\n3,3\n4,4\n", [], "column 'a' has 1 missing values"),
        ("const.csv", "a,y\n1,5\n2,5\n3,5\n4,5\n", [], "`--target` column 'y' is constant"),
    ],
)
def test_data_errors_exit_1_with_the_reason(tmp_path, name, content, argv, message):
    path = tmp_path / name
    if content is not None:
        _write(path, content)
    result = runner.invoke(app, ["analyze", str(path), "-t", "y", *argv], env=WIDE)
    assert result.exit_code == 1, result.output
    assert message in _flat(result.output)
    assert "Traceback" not in result.output


def test_huge_category_count_is_refused(tmp_path):
    n = 200
    ids = [f"id{i:04d}" for i in range(n)]
    path = tmp_path / "ids.csv"
    pd.DataFrame({"ident": ids, "x": np.arange(n) % 7, "y": np.arange(n) % 3}).to_csv(path, index=False)
    result = runner.invoke(app, ["analyze", str(path), "-t", "y"], env=WIDE)
    assert result.exit_code == 1
    assert "column 'ident' is text with 200 distinct values in 200 rows" in _flat(result.output)
    # leaving it out is the documented way round, and then the analysis runs
    ok = runner.invoke(app, ["analyze", str(path), "-t", "y", "--columns", "x"], env=WIDE)
    assert ok.exit_code == 0, ok.output


def test_the_same_checks_guard_the_other_commands(tmp_path):
    path = _write(tmp_path / "nan.csv", "a,b,y\n,1,1\n,2,2\n,3,3\n,4,1\n")
    for argv in (["matrix", str(path)], ["network", str(path)], ["select", str(path), "-t", "y", "--k", "1"]):
        result = runner.invoke(app, argv, env=WIDE)
        assert result.exit_code == 1 and "column 'a' has no values" in result.output, argv
    te = runner.invoke(app, ["te", str(path), "-s", "a", "-t", "y"], env=WIDE)
    assert te.exit_code == 1 and "column 'a' has no values" in te.output


def test_excel_without_openpyxl_says_how_to_install(frame, tmp_path, monkeypatch):
    path = tmp_path / "t.xlsx"
    frame.head(20).to_excel(path, index=False)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # find_spec then reports it missing
    result = runner.invoke(app, ["analyze", str(path), "-t", "y"], env=WIDE)
    assert result.exit_code == 1
    assert "`pip install openpyxl`" in result.output


def test_progress_and_notes_stay_off_stdout(frame, tmp_path):
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["analyze", str(path), "-t", "y", "--json", str(out), "--timings"], env=WIDE)
    assert result.exit_code == 0
    assert "wrote" in result.stderr and "timings: read" in result.stderr
    assert "continuous: signal, noise, y (target)" in result.stderr
    assert "wrote" not in result.stdout and "timings" not in result.stdout
    assert "I(feature; y)" in result.stdout
    quiet = runner.invoke(app, ["analyze", str(path), "-t", "y", "--json", str(out), "-q"], env=WIDE)
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_seed_repeats_the_run_and_n_jobs_does_not_change_it(frame, tmp_path):
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    argv = ["--permutations", "19", "--ci", "10", "--seed", "7"]
    first = _analyze_json(path, tmp_path, *argv)
    again = _analyze_json(path, tmp_path, *argv, "--n-jobs", "2")
    assert first["ranking"] == again["ranking"]
    other = _analyze_json(path, tmp_path, "--permutations", "19", "--ci", "10", "--seed", "8")
    assert [r["ci_low"] for r in other["ranking"]] != [r["ci_low"] for r in first["ranking"]]
    by_name = {r["feature"]: r for r in first["ranking"]}
    assert by_name["signal"]["ci_low"] < by_name["signal"]["mi_bits"] < by_name["signal"]["ci_high"]
    assert by_name["signal"]["ci_low"] < TRUTH < by_name["signal"]["ci_high"]
    assert by_name["signal"]["pvalue"] == pytest.approx(1 / 20)  # the smallest p with 19 shuffles
    assert all(r["significant"] == (r["qvalue"] <= 0.05) for r in first["ranking"])
    assert first["ci"] == {"level": 0.95, "method": "subsample", "n_resamples": 10}
    for command in (["matrix", str(path), "--columns", "signal,noise,y"], ["network", str(path)]):
        one = runner.invoke(app, [*command, "--n-jobs", "1", "-q"], env=WIDE)
        two = runner.invoke(app, [*command, "--n-jobs", "2", "-q"], env=WIDE)
        assert one.exit_code == two.exit_code == 0 and one.stdout == two.stdout, command


def test_ctrl_c_exits_130_with_one_line(frame, tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mi, "mutual_info", interrupted)
    result = runner.invoke(app, ["analyze", str(path), "-t", "y", "--quiet"], env=WIDE)
    assert result.exit_code == EXIT_INTERRUPTED
    assert result.stderr.strip().count("\n") == 0 and "interrupted (Ctrl-C)" in result.stderr
    assert "Traceback" not in result.output


def test_interrupted_write_leaves_no_file(frame, tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out" / "ranking.csv"
    out.parent.mkdir()
    real = pd.DataFrame.to_csv

    def half_then_ctrl_c(self, target=None, *args, **kwargs):
        if hasattr(target, "write"):
            text = real(self, None, *args, **kwargs)
            target.write(text[: len(text) // 2])
            target.flush()
            raise KeyboardInterrupt
        return real(self, target, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_ctrl_c)
    result = runner.invoke(app, ["analyze", str(path), "-t", "y", "-o", str(out)], env=WIDE)
    assert result.exit_code == EXIT_INTERRUPTED
    assert list(out.parent.iterdir()) == []  # neither the output nor its temporary file


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path):
    path = tmp_path / "keep.txt"
    path.write_text("old contents")

    def writer(handle):
        handle.write("new, half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _cli_io.atomic_write(path, writer)
    assert path.read_text() == "old contents" and [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    _cli_io.atomic_write(path, lambda handle: handle.write("done"))
    assert path.read_text() == "done"


@pytest.mark.slow
def test_sigint_in_a_real_process(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "big.csv"
    pd.DataFrame(rng.normal(size=(3000, 6)), columns=[*"abcde", "y"]).to_csv(path, index=False)
    out = tmp_path / "r.json"
    argv = ["analyze", str(path), "-t", "y", "--permutations", "5000", "--json", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mutinfo", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # wait until the column kinds are printed (imports done, the work under way)
        deadline = time.monotonic() + 120
        while "(target)" not in proc.stderr.readline():
            assert proc.poll() is None and time.monotonic() < deadline, "analyze did not start"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted (Ctrl-C)")
    assert "Traceback" not in stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


def test_explore_preloads_data(frame, tmp_path, monkeypatch):
    server = pytest.importorskip("mutinfo.explorer.server")
    from fastapi.testclient import TestClient

    from mutinfo.explorer.app import create_app
    from mutinfo.explorer.routes import yourdata

    calls = []
    monkeypatch.setattr(server, "serve", lambda **kw: calls.append(kw))
    monkeypatch.setattr(yourdata, "_PRELOAD", {})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    client = TestClient(create_app())
    assert client.get("/api/yourdata/preloaded").json() == {"preloaded": False}
    result = runner.invoke(app, ["explore", str(path), "--no-browser", "--host", "0.0.0.0"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "0.0.0.0", "port": None, "open_browser": False}]
    body = client.get("/api/yourdata/preloaded").json()
    assert body["preloaded"] and body["filename"] == "t.parquet"
    uploaded = client.post(
        "/api/yourdata/upload", files={"file": (body["filename"], body["csv"].encode(), "text/csv")}
    )
    assert uploaded.status_code == 200, uploaded.text
    assert [c["name"] for c in uploaded.json()["columns"]] == list(frame.columns)
    wide = tmp_path / "wide.csv"
    pd.DataFrame(np.zeros((20, 40)), columns=[f"c{i}" for i in range(40)]).to_csv(wide, index=False)
    refused = runner.invoke(app, ["explore", str(wide), "--no-browser"], env=WIDE)
    assert refused.exit_code == 1 and "cannot be preloaded" in refused.output


def test_polars_tables_through_the_library_api(frame):
    pl = pytest.importorskip("polars")
    numeric = frame[["signal", "noise", "y"]]
    table = pl.from_pandas(numeric)
    # mutual_info: polars Series give the pandas/numpy value exactly
    assert float(mi.mutual_info(table["signal"], table["y"])) == float(
        mi.mutual_info(numeric["signal"].to_numpy(), numeric["y"].to_numpy())
    )
    assert abs(float(mi.mutual_info(table["signal"], table["y"])) - TRUTH) < 0.15
    # a string column: polars Utf8 is discrete like pandas object
    grp = pl.Series("grp", frame["grp"].tolist())
    by_pandas = float(mi.mutual_info(frame["grp"], frame["y"]))
    assert float(mi.mutual_info(grp, table["y"])) == pytest.approx(by_pandas, rel=1e-12)
    # pairwise keeps the column names
    matrix = mi.pairwise(table)
    assert list(matrix.columns) == list(matrix.index) == ["signal", "noise", "y"]
    expected = mi.pairwise(numeric)
    assert np.allclose(matrix.to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True)
    # mutual_info_columns: a Series indexed by the polars column names
    scores = mi.mutual_info_columns(table.select(["signal", "noise"]), table["y"])
    assert list(scores.index) == ["signal", "noise"]
    # each entry is mutual_info of that column (pairwise's "auto" may pick a faster estimator)
    single = float(mi.mutual_info(numeric["signal"], numeric["y"]))
    assert float(scores["signal"]) == pytest.approx(single, rel=1e-9)


def test_parse_sep_words():
    assert _cli_io.parse_sep("tab") == "\t" and _cli_io.parse_sep("\\t") == "\t"
    assert _cli_io.parse_sep(";") == ";" and _cli_io.parse_sep(None) is None
    with pytest.raises(ValueError, match="`--sep` must be one character"):
        _cli_io.parse_sep("::")


def test_written_files_are_world_readable(frame, tmp_path):
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["analyze", str(path), "-t", "y", "-o", str(out), "-q"])
    assert result.exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o644


def test_explore_warns_when_not_on_loopback(monkeypatch, caplog, recwarn):
    pytest.importorskip("mutinfo.explorer.server")
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    argv = ["explore", "--no-browser", "--host", "0.0.0.0", "--port", "8799"]
    with caplog.at_level("WARNING", logger="mutinfo.explorer"):
        exposed = runner.invoke(app, argv, env=WIDE)
    assert exposed.exit_code == 0, exposed.output
    assert started == [{"host": "0.0.0.0", "port": 8799, "log_level": "warning"}]
    # one plain log line (stderr when logging is not configured), no repeated typed warning
    assert [r.message for r in caplog.records if "reachable from other machines" in r.message]
    assert not [w for w in recwarn if "reachable" in str(w.message)]
    caplog.clear()
    local = runner.invoke(app, ["explore", "--no-browser", "--port", "8799"], env=WIDE)
    assert local.exit_code == 0 and not caplog.records
