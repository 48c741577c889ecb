"""Sections 6-10: each "reproduce in Python" snippet, run as is, gives the API's numbers exactly."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from mutinfo.explorer.app import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def run(code: str, cwd: Path | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> dict:
    """Execute a snippet in a fresh namespace (its printing swallowed); return the namespace."""
    if cwd is not None and monkeypatch is not None:
        monkeypatch.chdir(cwd)
    namespace: dict = {"__name__": "__snippet__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


def test_bits_snippet(client):
    body = client.get("/api/bits/stream", params={"flip": 0.2, "n": 256, "seed": 3}).json()
    ns = run(body["snippet"])
    assert float(ns["estimate"]) == body["estimate"]["value"]
    assert ns["test"].pvalue == body["estimate"]["p_value"]
    assert [float(ns["ci"].low), float(ns["ci"].high)] == body["estimate"]["ci"]
    assert ns["truth"] == body["truth"]["value"]
    # the last checkpoint is the same estimate on the same 256 bits
    assert body["checkpoints"][-1]["value"] == body["estimate"]["value"]


@pytest.mark.parametrize("kind", ["continuous", "discrete"])
def test_nonnegativity_snippet(client, kind):
    body = client.get("/api/properties/nonnegativity", params={"kind": kind, "n": 100, "reps": 30}).json()
    ns = run(body["snippet"])
    assert ns["estimates"].tolist() == body["estimates"]


def test_symmetry_snippet(client):
    body = client.get("/api/properties/symmetry", params={"levels": 6, "flip": 0.2, "n": 500}).json()
    ns = run(body["snippet"])
    for name in ("i_xy", "i_yx", "h_x_given_y", "h_y_given_x"):
        assert float(ns[name]) == body[name]["value"], name
    assert ns["p_xy"] == body["i_xy"]["p_value"]


def test_independence_snippet(client):
    body = client.get(
        "/api/properties/independence", params={"noise": 0.2, "n": 200, "n_resamples": 49}
    ).json()
    ns = run(body["snippet"])
    assert ns["r"] == body["pearson"]["r"]
    assert float(ns["estimate"]) == body["mi"]["value"]
    assert ns["test"].pvalue == body["mi"]["p_value"]
    assert float(ns["control"]) == body["control"]["value"]
    assert ns["control_test"].pvalue == body["control"]["p_value"]
    assert [float(ns["control_ci"].low), float(ns["control_ci"].high)] == body["control"]["ci"]


def test_self_information_snippets(client):
    body = client.get("/api/properties/self", params={"kind": "discrete", "levels": 5, "n": 400}).json()
    ns = run(body["snippet"])
    for name in ("i_xx", "h_x", "i_xy", "h_y"):
        assert float(ns[name]) == body[name]["value"], name
    body = client.get("/api/properties/self", params={"kind": "continuous", "n": 300}).json()
    ns = run(body["snippet"])
    assert [ns["noisy"][s["sigma"]] for s in body["noisy_copy"]] == [s["value"] for s in body["noisy_copy"]]
    assert [ns["itself"][s["n"]] for s in body["self"]] == [s["value"] for s in body["self"]]
    assert float(ns["h_narrow"]) == body["h_narrow"]["value"]


@pytest.mark.parametrize("sufficient", [False, True])
def test_dpi_snippet(client, sufficient):
    params = {"flip1": 0.15, "flip2": 0.2, "sufficient": sufficient, "n": 800, "n_resamples": 49}
    body = client.get("/api/properties/dpi", params=params).json()
    ns = run(body["snippet"])
    assert float(ns["i_xy"]) == body["i_xy"]["value"]
    assert float(ns["i_xz"]) == body["i_xz"]["value"]
    assert (ns["p_xy"], ns["p_xz"]) == (body["i_xy"]["p_value"], body["i_xz"]["p_value"])
    assert [float(ns["ci_xz"].low), float(ns["ci_xz"].high)] == body["i_xz"]["ci"]


@pytest.mark.parametrize("relation", ["xor", "redundant"])
def test_chain_snippet(client, relation):
    body = client.get("/api/properties/chain", params={"relation": relation, "n": 700}).json()
    ns = run(body["snippet"])
    assert float(ns["i_joint"]) == body["i_joint"]["value"]
    assert float(ns["i_x1"]) == body["i_x1"]["value"]
    assert float(ns["i_x2_given_x1"]) == body["i_x2_given_x1"]["value"]
    assert (ns["p_x1"], ns["p_x2_given_x1"]) == (body["i_x1"]["p_value"], body["i_x2_given_x1"]["p_value"])


def test_honesty_snippets(client):
    conv = client.get("/api/honesty/convergence", params={"rho": 0.5, "reps": 2}).json()
    ns = run(conv["snippet"])
    assert [ns["means"][r["n"]] for r in conv["rows"]] == [r["mean"] for r in conv["rows"]]
    floor = client.get("/api/honesty/floor", params={"reps": 2, "levels": 3}).json()
    ns = run(floor["snippet"])
    assert [ns["ksg_means"][r["n"]] for r in floor["rows"]] == [r["ksg"]["mean"] for r in floor["rows"]]
    assert [ns["plug_means"][r["n"]] for r in floor["rows"]] == [r["plugin"]["mean"] for r in floor["rows"]]
    ks = client.get("/api/honesty/ksweep", params={"rho": 0.3, "n": 200}).json()
    ns = run(ks["snippet"])
    assert [list(ns["sweep"][r["k"]]) for r in ks["rows"]] == [
        [r["dependent"], r["independent"]] for r in ks["rows"]
    ]


def test_weather_snippet(client):
    body = client.get(
        "/api/realworld/weather", params={"n": 200, "month": 7, "n_resamples": 19, "seed": 2}
    ).json()
    ns = run(body["snippet"])
    assert float(ns["i_th"]) == body["temperature_humidity"]["value"]
    assert float(ns["i_tl"]) == body["temperature_lottery"]["value"]
    assert (ns["p_th"], ns["p_tl"]) == (
        body["temperature_humidity"]["p_value"],
        body["temperature_lottery"]["p_value"],
    )


def test_medical_snippet(client):
    body = client.get("/api/realworld/medical", params={"n_resamples": 19}).json()
    ns = run(body["snippet"])
    for row in body["ranking"]:
        assert ns["results"][row["feature"]] == (row["mi"]["value"], row["mi"]["p_value"]), row["feature"]


def test_genes_snippet(client):
    body = client.get("/api/realworld/genes", params={"top": 7, "method": "gaussian_copula"}).json()
    ns = run(body["snippet"])
    assert [s[0] for s in ns["scores"]] == [p["mi"]["value"] for p in body["pairs"]]
    assert ns["hits"] / 7 == body["precision_at_top"]


def test_yourdata_snippet(client, tmp_path, monkeypatch):
    rng = np.random.default_rng(5)
    x = rng.normal(size=120)
    csv = "a,b,label\n" + "\n".join(
        f"{x[i]:.6f},{rng.normal():.6f},{'yes' if x[i] > 0 else 'no'}" for i in range(120)
    )
    (tmp_path / "your_file.csv").write_text(csv)
    token = client.post("/api/yourdata/upload", files={"file": ("d.csv", csv.encode(), "text/csv")}).json()[
        "token"
    ]
    body = client.get(
        "/api/yourdata/analyze", params={"token": token, "target": "label", "n_resamples": 19}
    ).json()
    ns = run(body["snippet"], tmp_path, monkeypatch)
    for row in body["ranking"]:
        assert ns["results"][row["feature"]] == (row["mi"]["value"], row["mi"]["p_value"]), row["feature"]


def test_applications_snippets(client):
    body = client.get("/api/applications/nmi", params={"n": 150, "clusters": 7, "seed": 4}).json()
    ns = run(body["snippet"])
    assert (ns["nmi"], ns["ami"]) == (body["nmi"], body["ami"])
    body = client.get("/api/applications/te-granger", params={"coupling": 0.3, "n": 400}).json()
    ns = run(body["snippet"])
    row = body["rows"][0]
    assert float(ns["te_gauss"]) == row["te_gaussian"]["value"]
    assert float(ns["te_auto"]) == row["te_knn"]["value"]
    assert ns["granger_half"] == pytest.approx(row["granger_half_bits"], rel=1e-12)
    body = client.get("/api/applications/infonce-cap", params={"batch": 512, "true_mi": 4.5}).json()
    ns = run(body["snippet"])
    assert (ns["cap"], ns["best"]) == (body["cap_bits"], body["best_possible_bits"])
