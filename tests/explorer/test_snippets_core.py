"""Each view's "reproduce in Python" snippet, run as is, gives the numbers the API returned."""

from __future__ import annotations

import contextlib
import io

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from mutinfo.explorer.app import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def run(code: str) -> tuple[dict, dict[str, float]]:
    """Execute a snippet in a fresh namespace; return it and the ``name = number`` lines printed."""
    namespace: dict = {"__name__": "__snippet__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), namespace)
    printed = {}
    for line in out.getvalue().splitlines():
        if " = " in line:
            name, _, value = line.partition(" = ")
            with contextlib.suppress(ValueError):
                printed[name.strip()] = float(value.split()[0])
    return namespace, printed


def test_snippet_venn(client):
    body = client.get("/api/decomposition/venn", params={"size": 3, "counts": "7,1,0,2,9,3,0,1,5"}).json()
    _, printed = run(body["snippet"])
    r = body["readouts"]
    expected = {
        "H(X)": r["hx"], "H(Y)": r["hy"], "H(X,Y)": r["hxy"], "I(X;Y)": r["mi"],
        "H(X|Y)": r["hx_given_y"], "H(Y|X)": r["hy_given_x"],
    }  # fmt: skip
    assert set(expected) <= set(printed)
    for name, readout in expected.items():
        assert printed[name] == readout["value"], name  # bit-identical


def test_snippet_xor(client):
    body = client.get("/api/decomposition/xor", params={"flip": 12}).json()
    _, printed = run(body["snippet"])
    r = body["readouts"]
    assert printed["I(X;Y|Z)"] == r["ixy_given_z"]["value"]
    assert printed["I(X;Y)"] == r["ixy"]["value"]
    assert printed["co-information I(X;Y;Z)"] == r["co_information"]["value"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/correlation/view", {"kind": "circle", "n": 200, "noise": 0.1, "seed": 5}),
        ("/api/intro/parabola", {"n": 200, "noise": 0.3, "seed": 2}),
    ],
)
def test_snippet_correlation_and_intro(client, path, params):
    body = client.get(path, params=params).json()
    ns, _ = run(body["snippet"])
    assert ns["r"] == body["pearson"]["value"] and ns["p_r"] == body["pearson"]["p_value"]
    assert ns["rho"] == body["spearman"]["value"] and ns["p_rho"] == body["spearman"]["p_value"]
    assert float(ns["res"].statistic) == body["mi"]["value"]
    assert ns["res"].statistic.method == body["mi"]["method"]
    assert ns["res"].pvalue == body["mi"]["p_value"]
    assert [float(ns["ci"].low), float(ns["ci"].high)] == body["mi"]["ci"]


def test_snippet_formula(client):
    body = client.get("/api/formula/views", params={"kind": "step", "n": 300, "bins": 5, "seed": 2}).json()
    ns, _ = run(body["snippet"])
    r = body["readouts"]
    assert float(ns["kl"]) == r["kl"]["value"]
    assert float(ns["ent"]) == r["entropy"]["value"]
    assert float(ns["pmi"].mean()) == r["pmi"]["value"]
    assert float(ns["res"].statistic) == r["ksg"]["value"] and ns["res"].pvalue == r["ksg"]["p_value"]


def test_snippet_landscape(client):
    params = {"preset": "checkerboard", "n": 400, "grid": 8, "noise": 0.02, "seed": 3}
    body = client.get("/api/landscape/map", params=params).json()
    ns, _ = run(body["snippet"])
    assert float(ns["weighted_sum"]) == pytest.approx(body["weighted_sum"], abs=1e-12)
    assert float(ns["res"].statistic) == body["knn"]["value"]
    assert ns["res"].pvalue == body["knn"]["p_value"]
