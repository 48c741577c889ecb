"""API tests of section 15, gene regulatory networks from MI (FastAPI TestClient)."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import mutinfo as mi
from mutinfo.datasets import load_gene_network, load_gene_network_edges
from mutinfo.datasets.gene_network import GENES
from mutinfo.explorer.app import create_app
from mutinfo.explorer.routes.genes import METHODS, N_PAIRS, SEED, TRIANGLES, known_pairs, mi_matrix

URL = "/api/genes/view"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def get(client: TestClient, **params) -> dict:
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_heatmap_is_the_library_pairwise_matrix(client):
    body = get(client)
    assert body["genes"] == list(GENES) and body["mi"]["unit"] == "bits" and body["mi"]["n"] == 2000
    m = mi.pairwise(load_gene_network()[list(GENES)], rng=SEED)
    shown = np.array([[np.nan if v is None else v for v in row] for row in body["mi"]["matrix"]])
    off = ~np.eye(len(GENES), dtype=bool)
    np.testing.assert_allclose(shown[off], m.to_numpy()[off], atol=1e-5)
    assert np.isnan(shown[~off]).all()
    assert any("TiesWarning" in w for w in body["warnings"])


@pytest.mark.parametrize("method", sorted(METHODS))
def test_scores_and_pr_point_match_the_library(client, method):
    body = get(client, method=method, top_k=10, tolerance=0.15)
    matrix, _ = mi_matrix()
    kwargs = {"tolerance": 0.15} if method == "aracne" else {}
    net = getattr(mi.network, method)(matrix, precomputed=True, **kwargs)
    pr = mi.network.score(net, load_gene_network_edges())
    assert body["aupr"]["value"] == pytest.approx(pr.aupr, abs=1e-12)
    assert body["auroc"]["value"] == pytest.approx(pr.auroc, abs=1e-12)
    assert body["aupr"]["random"] == pytest.approx(pr.baseline) and body["auroc"]["random"] == 0.5
    assert body["n_pairs"] == N_PAIRS == 55 and body["n_known"] == len(known_pairs()) == 20
    # every method beats random on this network (AUPR random = 20 / 55)
    assert pr.aupr > pr.baseline + 0.2 and pr.auroc > 0.65
    # the called edges are the method's strongest, labelled against the known set by hand
    top = net.edges.head(10)
    truth = {frozenset(e) for e in known_pairs()}
    assert [frozenset((e["a"], e["b"])) for e in body["edges"]] == [
        frozenset(p) for p in zip(top.source, top.target, strict=True)
    ]
    tp = sum(frozenset(p) in truth for p in zip(top.source, top.target, strict=True))
    pt = body["point"]
    assert (pt["tp"], pt["fp"], pt["k"]) == (tp, len(top) - tp, len(top))
    assert pt["precision"] == pytest.approx(tp / len(top)) and pt["recall"] == pytest.approx(tp / 20)
    assert all((e["status"] == "tp") == (frozenset((e["a"], e["b"])) in truth) for e in body["edges"])
    assert len(body["missed"]) == 20 - tp and all(e["status"] == "fn" for e in body["missed"])
    # the point lies on the PR curve's recall range and the curve ends at recall <= 1
    assert max(body["curve"]["recall"]) <= 1.0


def test_more_edges_raise_recall_and_cap_at_what_the_method_keeps(client):
    recalls = [get(client, method="relevance", top_k=k)["point"]["recall"] for k in (5, 20, 55)]
    assert recalls[0] <= recalls[1] <= recalls[2] == 1.0
    body = get(client, method="aracne", top_k=55, tolerance=0.0)
    assert body["k"] == body["n_kept"] < 55
    assert any("keeps only" in w for w in body["warnings"])


def test_dpi_triangle_chain_removes_the_indirect_edge_only_without_tolerance(client):
    """GATA1 - FOG1 - SCL: FOG1-SCL is not a known edge and is the weakest side by a hair."""
    strict = get(client, triangle=1, tolerance=0.0)["triangle"]
    assert strict["genes"] == list(TRIANGLES[1])
    weakest = strict["sides"][strict["weakest"]]
    assert {weakest["a"], weakest["b"]} == {"FOG1", "SCL"} and not weakest["known"]
    assert strict["removed"] and weakest["removed"] and "pruning was right" in strict["why"]
    loose = get(client, triangle=1, tolerance=0.15)["triangle"]
    assert not loose["removed"] and not any(s["removed"] for s in loose["sides"])
    # the bound is (1 - tolerance) times the weaker of the two other sides
    others = [s["mi"] for j, s in enumerate(loose["sides"]) if j != loose["weakest"]]
    assert loose["bound"] == pytest.approx(0.85 * min(others))
    # ARACNE on the whole matrix agrees with the triangle's verdict
    net = get(client, method="aracne", triangle=1, tolerance=0.0, top_k=55)
    called = {frozenset((e["a"], e["b"])) for e in net["edges"]}
    assert frozenset(("FOG1", "SCL")) not in called


def test_dpi_can_prune_a_true_edge(client):
    tri = get(client, triangle=0, tolerance=0.15)["triangle"]
    w = tri["sides"][tri["weakest"]]
    assert tri["removed"] and w["known"] and {w["a"], w["b"]} == {"PU.1", "EgrNab"}
    assert "false negative" in tri["why"]


@pytest.mark.parametrize(
    "params",
    [
        {"method": "pearson"},
        {"top_k": 0},
        {"top_k": 56},
        {"tolerance": -0.1},
        {"tolerance": 0.9},
        {"tolerance": "nan"},
        {"triangle": 3},
    ],
)
def test_bad_query_values_are_refused(client, params):
    response = client.get(URL, params=params)
    assert response.status_code == 422
    assert next(iter(params)) in response.text


def test_snippet_reproduces_the_numbers(client):
    body = get(client, method="clr", top_k=15)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(body["snippet"], "<snippet>", "exec"), {"__name__": "__snippet__"})
    printed = {}
    for line in out.getvalue().splitlines():
        name, _, rest = line.partition(" = ")
        printed[name.strip()] = float(rest.split()[0])
    assert printed["AUPR"] == pytest.approx(body["aupr"]["value"], abs=1e-12)
    assert printed["AUROC"] == pytest.approx(body["auroc"]["value"], abs=1e-12)
    assert printed["precision"] == pytest.approx(body["point"]["precision"], abs=1e-12)
    assert printed["recall"] == pytest.approx(body["point"]["recall"], abs=1e-12)


def test_section_is_listed_15th(client):
    sections = client.get("/api/meta").json()["sections"]
    assert sections[14] == {
        **sections[14],
        "id": "genes",
        "title": "15. Gene regulatory networks from MI",
    }
    assert client.get("/static/js/sections/genes.js").status_code == 200
    assert 'id="genes"' in client.get("/").text
