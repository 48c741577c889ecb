"""API tests for sections 11-13: feature selection, clustering agreement, information-gain trees."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import mutinfo as mi
from mutinfo.explorer.app import create_app
from mutinfo.explorer.routes.trees import tennis


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def h2(*counts: float) -> float:
    total = sum(counts)
    return -sum(c / total * math.log2(c / total) for c in counts if c)


def test_meta_lists_the_three_sections_after_applications(client):
    body = client.get("/api/meta").json()
    ids = [s["id"] for s in body["sections"]]
    i = ids.index("applications")
    assert ids[i + 1 : i + 4] == ["selection", "clustering", "trees"]
    titles = {s["id"]: s["title"] for s in body["sections"]}
    assert titles["trees"] == "13. Decision trees and information gain"
    for name in ("selection", "clustering", "trees"):
        assert client.get(f"/static/sections/{name}.html").status_code == 200
        assert client.get(f"/static/js/sections/{name}.js").status_code == 200


# ---------------------------------------------------------------- selection
def test_selection_sets_match_the_library_and_mrmr_skips_size_copies(client):
    from mutinfo.datasets import load_breast_cancer

    body = client.get("/api/selection/view", params={"k": 5}).json()
    frame = load_breast_cancer()
    X, y = frame.drop(columns="diagnosis"), frame["diagnosis"]
    rel = mi.MutualInfoSelector(k=5, criterion="relevance").fit(X, y)
    mrmr = mi.MutualInfoSelector(k=5, criterion="mrmr").fit(X, y)
    assert body["top"] == list(X.columns[rel.selection_order_])
    assert body["mrmr"] == list(X.columns[mrmr.selection_order_])
    # relevance is sorted, in bits, and equals the selector's relevance_
    values = [f["relevance"] for f in body["features"]]
    assert values == sorted(values, reverse=True) and len(values) == 30
    by_name = dict(zip(X.columns, rel.relevance_, strict=True))
    assert all(f["relevance"] == pytest.approx(by_name[f["name"]], rel=1e-12) for f in body["features"])
    # the size triplet: relevance keeps several of radius/perimeter/area, mRMR keeps one
    size = {"worst perimeter", "worst area", "worst radius"}
    assert len(size & set(body["top"])) >= 2 and len(size & set(body["mrmr"])) == 1
    skipped = {s["feature"]: s for s in body["skipped"]}
    assert set(skipped) == set(body["top"]) - set(body["mrmr"])
    twin = skipped["worst area"]
    assert twin["twin"] == "worst perimeter"
    # redundancy in bits, far above the feature's relevance (H(diagnosis) < 1 bit)
    assert twin["redundancy"] > 1.0 > h2(212, 357) > twin["relevance"]
    for key in ("relevance", "mrmr"):
        acc = body["accuracy"][key]
        assert {"value", "unit", "n", "method", "quantity", "kind"} <= set(acc)
        assert 0.85 < acc["value"] <= 1.0 and acc["n"] == 569


def test_selection_k_changes_the_sets_and_curve_is_consistent(client):
    small = client.get("/api/selection/view", params={"k": 1}).json()
    large = client.get("/api/selection/view", params={"k": 8}).json()
    assert len(small["top"]) == 1 and len(large["mrmr"]) == 8
    assert small["top"] == large["top"][:1] and small["skipped"] == []  # both start with the most relevant
    curve = client.get("/api/selection/curve").json()
    assert curve["k"] == list(range(1, 16)) and len(curve["mrmr"]) == len(curve["relevance"]) == 15
    assert curve["relevance"][7] == pytest.approx(large["accuracy"]["relevance"]["value"], abs=1e-12)
    assert curve["mrmr"][7] == pytest.approx(large["accuracy"]["mrmr"]["value"], abs=1e-12)
    # at the first step both orders are the same single feature
    assert curve["relevance"][0] == curve["mrmr"][0]


@pytest.mark.parametrize("k", [0, 16, "x"])
def test_selection_bad_k_is_422(client, k):
    response = client.get("/api/selection/view", params={"k": k})
    assert response.status_code == 422 and "k" in response.text


# ---------------------------------------------------------------- clustering
def test_clustering_scores_match_the_library(client):
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    from mutinfo.datasets import load_digits_clusters

    body = client.get("/api/clustering/view", params={"k": 10, "seed": 3}).json()
    frame = load_digits_clusters()
    X, digits = frame.drop(columns="digit").to_numpy(float), frame["digit"].to_numpy()
    labels = KMeans(n_clusters=10, n_init=1, random_state=0).fit_predict(X)
    assert body["kmeans"]["nmi"]["value"] == pytest.approx(
        mi.normalized_mutual_info(digits, labels), abs=1e-12
    )
    assert body["kmeans"]["nmi"]["value"] == pytest.approx(
        normalized_mutual_info_score(digits, labels), abs=1e-9
    )
    assert body["kmeans"]["ami"]["value"] == pytest.approx(
        adjusted_mutual_info_score(digits, labels), abs=1e-9
    )
    table = np.array(body["contingency"])
    assert table.shape == (10, 10) and table.sum() == 1797
    assert (table.sum(axis=1) == np.bincount(digits)).all()
    # plug-in MI in bits from the contingency table
    p = table / table.sum()
    pa, pb = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    nz = p > 0
    assert body["kmeans"]["mi"]["value"] == pytest.approx(
        float((p[nz] * np.log2(p[nz] / (pa @ pb)[nz])).sum()), abs=1e-9
    )
    assert body["kmeans"]["mi"]["unit"] == "bits"


def test_clustering_random_labels_nmi_positive_ami_near_zero(client):
    body = client.get("/api/clustering/view", params={"k": 20, "seed": 0}).json()
    rnd = body["random"]
    # E[plug-in MI] of independent labelings ~ (R-1)(C-1)/(2 n ln 2) = 9*19/(2*1797*ln2) ~ 0.069 bits
    expected = 9 * 19 / (2 * 1797 * math.log(2))
    assert 0.5 * expected < rnd["mi"]["value"] < 1.5 * expected
    assert rnd["nmi"]["value"] > 0.01
    assert abs(rnd["ami"]["value"]) < 0.01
    assert body["kmeans"]["ami"]["value"] > 0.5


def test_clustering_k_changes_and_curve(client):
    a = client.get("/api/clustering/view", params={"k": 2}).json()
    b = client.get("/api/clustering/view", params={"k": 12}).json()
    assert np.array(a["contingency"]).shape == (10, 2) and np.array(b["contingency"]).shape == (10, 12)
    assert a["kmeans"]["nmi"]["value"] < b["kmeans"]["nmi"]["value"]
    curve = client.get("/api/clustering/curve").json()
    assert curve["k"] == list(range(2, 21))
    assert curve["nmi"][10] == pytest.approx(b["kmeans"]["nmi"]["value"], abs=1e-12)
    assert all(n >= a_ for n, a_ in zip(curve["nmi"], curve["ami"], strict=True))


@pytest.mark.parametrize("params", [{"k": 1}, {"k": 21}, {"seed": -1}])
def test_clustering_bad_input_is_422(client, params):
    response = client.get("/api/clustering/view", params=params)
    assert response.status_code == 422 and next(iter(params)) in response.text


# ---------------------------------------------------------------- trees
def test_tree_root_gains_are_quinlans(client):
    body = client.get("/api/trees/view", params={"data": "tennis", "step": 0}).json()
    gains = {c["feature"]: c["gain"] for c in body["node"]["candidates"]}
    h = h2(9, 5)
    # H(play) - H(play | feature), by hand from Quinlan's Table 1
    outlook = h - (5 / 14 * h2(2, 3) + 4 / 14 * 0 + 5 / 14 * h2(3, 2))
    humidity = h - (7 / 14 * h2(3, 4) + 7 / 14 * h2(6, 1))
    wind = h - (8 / 14 * h2(6, 2) + 6 / 14 * h2(3, 3))
    temperature = h - (4 / 14 * h2(2, 2) + 6 / 14 * h2(4, 2) + 4 / 14 * h2(3, 1))
    expected = {"outlook": outlook, "humidity": humidity, "wind": wind, "temperature": temperature}
    assert gains == pytest.approx(expected, abs=1e-12)
    assert body["node"]["chosen"] == "outlook" == max(gains, key=gains.get)
    assert body["node"]["gain"]["value"] == pytest.approx(outlook, abs=1e-12)
    assert body["node"]["entropy"] == pytest.approx(h, abs=1e-12)
    assert body["n_steps"] == 3


def test_tree_steps_grow_to_the_librarys_tree(client):
    frame = tennis()
    tree = mi.InformationGainTree().fit(frame.drop(columns="play"), frame["play"])
    texts = [client.get("/api/trees/view", params={"step": s}).json() for s in range(4)]
    assert [b["node"]["chosen"] for b in texts[:3]] == ["outlook", "wind", "humidity"]
    assert texts[1]["node"]["path"] == ["outlook = rain"]
    assert texts[1]["node"]["gain"]["value"] == pytest.approx(h2(3, 2), abs=1e-12)
    # each step adds lines; the last equals the library's export_text
    lengths = [len(b["text"].splitlines()) for b in texts]
    assert lengths == sorted(lengths) and len(set(lengths)) == 4
    assert texts[3]["text"] == tree.export_text() and texts[3]["done"] and texts[3]["node"] is None
    assert texts[0]["text"] == "yes  (14 samples: no 5, yes 9)"  # no split yet: one leaf
    assert texts[1]["text"].count("|---") == 3  # the root split alone: three leaves


def test_tree_cancer_thresholds_and_step_clamped(client):
    body = client.get("/api/trees/view", params={"data": "cancer", "step": 0}).json()
    gains = [c["gain"] for c in body["node"]["candidates"]]
    assert body["node"]["chosen"] == body["features"][int(np.argmax(gains))]
    last = client.get("/api/trees/view", params={"data": "cancer", "step": 50}).json()
    assert last["step"] == last["n_steps"] and last["done"]


@pytest.mark.parametrize("params", [{"data": "iris"}, {"step": -1}, {"step": 51}])
def test_tree_bad_input_is_422(client, params):
    response = client.get("/api/trees/view", params=params)
    assert response.status_code == 422 and next(iter(params)) in response.text


def test_views_are_fast_once_warm(client):
    for path, params in [
        ("/api/selection/view", {"k": 6}),
        ("/api/clustering/view", {"k": 10, "seed": 5}),
        ("/api/trees/view", {"step": 2}),
    ]:
        client.get(path, params=params)
        start = time.perf_counter()
        client.get(path, params=params)
        assert time.perf_counter() - start < 0.3, path
