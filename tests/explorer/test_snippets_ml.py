"""Sections 11-13: each "reproduce in Python" snippet, run as is, prints the numbers the API returned."""

from __future__ import annotations

import contextlib
import io
import warnings

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from mutinfo.explorer.app import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def run(code: str) -> tuple[dict, str, dict[str, float]]:
    """Execute a snippet; return its namespace, its output and the ``name = number`` lines."""
    namespace: dict = {"__name__": "__snippet__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<snippet>", "exec"), namespace)
    printed = {}
    for line in out.getvalue().splitlines():
        if " = " in line:
            name, _, value = line.partition(" = ")
            with contextlib.suppress(ValueError):
                printed[name.strip()] = float(value.split()[0])
    return namespace, out.getvalue(), printed


def test_snippet_selection(client):
    body = client.get("/api/selection/view", params={"k": 4}).json()
    _, text, printed = run(body["snippet"])
    assert f"top-k by relevance: {body['top']!r}" in text
    assert f"mRMR: {body['mrmr']!r}" in text
    assert printed["accuracy relevance"] == pytest.approx(body["accuracy"]["relevance"]["value"], abs=1e-12)
    assert printed["accuracy mrmr"] == pytest.approx(body["accuracy"]["mrmr"]["value"], abs=1e-12)


def test_snippet_clustering(client):
    body = client.get("/api/clustering/view", params={"k": 7, "seed": 11}).json()
    _, _, printed = run(body["snippet"])
    assert printed["NMI k-means"] == pytest.approx(body["kmeans"]["nmi"]["value"], abs=1e-12)
    assert printed["AMI k-means"] == pytest.approx(body["kmeans"]["ami"]["value"], abs=1e-12)
    assert printed["I(digit; cluster)"] == pytest.approx(body["kmeans"]["mi"]["value"], abs=1e-12)
    assert printed["NMI random"] == pytest.approx(body["random"]["nmi"]["value"], abs=1e-12)
    assert printed["AMI random"] == pytest.approx(body["random"]["ami"]["value"], abs=1e-12)


@pytest.mark.parametrize(("data", "step"), [("tennis", 1), ("cancer", 2)])
def test_snippet_trees(client, data, step):
    body = client.get("/api/trees/view", params={"data": data, "step": step}).json()
    _, text, printed = run(body["snippet"])
    assert body["full_text"] in text
    for cand in body["node"]["candidates"]:
        key = f"gain {cand['feature']}"
        if cand["gain"] is None:
            assert printed[key] != printed[key]  # NaN: the feature was used on the path
        else:
            assert printed[key] == pytest.approx(cand["gain"], abs=1e-12)
