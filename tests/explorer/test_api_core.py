"""API tests for the explorer frame and sections 1-5 (FastAPI TestClient, no browser)."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import mutinfo as mi
from mutinfo.explorer.app import create_app
from mutinfo.explorer.generators import bin_codes, landscape, relationship
from mutinfo.explorer.routes.decomposition import lens_area, venn_distance

READOUT_KEYS = {"value", "unit", "n", "method", "quantity", "kind"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def hb(q: float) -> float:
    return 0.0 if q in (0.0, 1.0) else -(q * math.log2(q) + (1 - q) * math.log2(1 - q))


def assert_readout(r: dict, *, estimate: bool) -> None:
    assert READOUT_KEYS <= set(r), r
    assert r["unit"] == "bits"
    assert r["method"] and isinstance(r["n"], int) and r["n"] > 0
    assert r["kind"] == ("estimate" if estimate else "exact")


# ---------------------------------------------------------------- frame
def test_meta_lists_ten_sections_in_order(client):
    body = client.get("/api/meta").json()
    assert body["version"] == mi.__version__
    ids = [s["id"] for s in body["sections"]]
    assert ids[:10] == [  # later sections (11+) are checked by their own test files
        "intro", "decomposition", "correlation", "formula", "landscape",
        "bits", "properties", "realworld", "yourdata", "applications",
    ]  # fmt: skip
    available = {s["id"]: s["available"] for s in body["sections"]}
    assert all(available[i] for i in ("intro", "decomposition", "correlation", "formula", "landscape"))
    assert "plugin" in body["methods"]


def test_static_page_plotly_and_core_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and 'class="mi-section" id="correlation"' in page.text
    plotly = client.get("/vendor/plotly.min.js")
    assert plotly.status_code == 200 and "plotly" in plotly.text[:500].lower()
    assert client.get("/static/js/core.js").status_code == 200
    assert client.get("/static/sections/manifest.json").status_code == 200
    assert client.get("/favicon.ico").status_code == 200


def test_fragment_latex_becomes_mathml(client):
    text = client.get("/sections/formula.html").text
    assert 'class="tex"' not in text  # every formula converted
    assert text.count("<math ") >= 5 and "<mfrac>" in text


def test_unknown_fragment_is_404_with_message(client):
    r = client.get("/sections/nope.html")
    assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_tex_endpoint_and_its_bounds(client):
    ok = client.get("/api/meta/tex", params={"latex": r"\frac{a}{b}", "display": True})
    assert ok.status_code == 200 and 'display="block"' in ok.json()["mathml"]
    assert client.get("/api/meta/tex", params={"latex": ""}).status_code == 422
    assert client.get("/api/meta/tex", params={"latex": "x" * 2001}).status_code == 422


# ---------------------------------------------------------------- section 2
def test_venn_geometry_overlap_area_equals_mi():
    for r1, r2, target in [(1.0, 1.0, 0.5), (1.0, 0.5, 0.2), (0.8, 1.2, 1e-3)]:
        d = venn_distance(r1, r2, target)
        assert lens_area(r1, r2, d) == pytest.approx(target, abs=1e-9)
    assert venn_distance(1.0, 0.5, math.pi * 0.25) == pytest.approx(0.5)  # containment
    assert venn_distance(1.0, 1.0, 0.0) == pytest.approx(2.0)  # disjoint


def test_venn_independent_table_has_zero_mi(client):
    body = client.get("/api/decomposition/venn", params={"size": 3, "counts": "1,2,3,2,4,6,3,6,9"}).json()
    r = body["readouts"]
    for key in r:
        assert_readout(r[key], estimate=False)
    assert r["mi"]["value"] == pytest.approx(0.0, abs=1e-12)
    px = np.array([1, 2, 3]) / 6
    h = -np.sum(px * np.log2(px))
    assert r["hx"]["value"] == pytest.approx(h, abs=1e-12)
    assert r["hxy"]["value"] == pytest.approx(2 * h, abs=1e-12)
    assert body["venn"]["d"] == pytest.approx(body["venn"]["rx"] + body["venn"]["ry"])


def test_venn_copy_table_and_identities(client):
    body = client.get(
        "/api/decomposition/venn", params={"size": 4, "counts": "5,0,0,0,0,5,0,0,0,0,5,0,0,0,0,5"}
    )
    r = body.json()["readouts"]
    assert r["mi"]["value"] == pytest.approx(2.0, abs=1e-12)
    assert r["hx_given_y"]["value"] == pytest.approx(0.0, abs=1e-12)
    coupled = client.get("/api/decomposition/venn", params={"size": 2, "coupling": 0.5}).json()
    r = coupled["readouts"]
    assert r["hx"]["value"] + r["hy"]["value"] - r["hxy"]["value"] == pytest.approx(
        r["mi"]["value"], abs=1e-12
    )
    assert r["hx"]["value"] - r["hx_given_y"]["value"] == pytest.approx(r["mi"]["value"], abs=1e-12)
    # coupling 0.5 on 2x2: p(diag) = 3/8 each -> I = 1 - H_b(1/4)
    assert r["mi"]["value"] == pytest.approx(1 - hb(0.25), abs=1e-12)
    assert coupled["venn"]["lens_area"] == pytest.approx(r["mi"]["value"], abs=1e-9)


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"size": 2, "counts": "1,2,3"}, "size*size = 4"),
        ({"size": 2, "counts": "1,2,3,x"}, "comma-separated integers"),
        ({"size": 2, "counts": "1,2,3,-1"}, "0..999"),
        ({"size": 2, "counts": "0,0,0,0"}, "positive total"),
        ({"size": 5}, "size"),
        ({"size": 3, "coupling": 1.5}, "coupling"),
        ({"size": "three"}, "size"),
    ],
)
def test_venn_bad_parameters_are_422_with_message(client, params, needle):
    r = client.get("/api/decomposition/venn", params=params)
    assert r.status_code == 422
    assert needle in str(r.json()["detail"])


@pytest.mark.parametrize("flip", [0, 10, 25])
def test_xor_matches_closed_form(client, flip):
    r = client.get("/api/decomposition/xor", params={"flip": flip}).json()["readouts"]
    truth = 1 - hb(flip / 100)
    assert r["ixy"]["value"] == pytest.approx(0.0, abs=1e-12)
    assert r["ixz"]["value"] == pytest.approx(0.0, abs=1e-12)
    assert r["ixy_given_z"]["value"] == pytest.approx(truth, abs=1e-12)
    assert r["co_information"]["value"] == pytest.approx(-truth, abs=1e-12)
    assert client.get("/api/decomposition/xor", params={"flip": 51}).status_code == 422


# ---------------------------------------------------------------- sections 1 and 3
def test_correlation_full_response_matches_library(client):
    params = {"kind": "quadratic", "n": 300, "noise": 0.1, "seed": 1}
    body = client.get("/api/correlation/view", params=params).json()
    assert_readout(body["mi"], estimate=True)
    assert {"p_value", "n_resamples", "ci", "ci_level"} <= set(body["mi"])
    x, y = relationship("quadratic", n=300, noise=0.1, seed=1)
    # the statistic is the estimate with the view's seed as rng (some estimators use randomness)
    assert body["mi"]["value"] == pytest.approx(float(mi.mutual_info(x, y, rng=1)), abs=1e-12)
    assert body["mi"]["method"] == mi.mutual_info(x, y, rng=1).method
    estimate = client.get("/api/correlation/view", params={**params, "stage": "estimate"}).json()
    assert estimate["mi"]["value"] == body["mi"]["value"]  # both stages show the same number
    # the parabola hides from Pearson: population r = 0, sampling sd of r here ~ sqrt(1.57 / n) = 0.072
    assert abs(body["pearson"]["value"]) < 4 * 0.072
    assert body["mi"]["p_value"] <= 0.01  # ...but not from MI
    assert body["mi"]["ci"][0] <= body["mi"]["value"] <= body["mi"]["ci"][1]
    assert len(body["points"]["x"]) == 300
    ids = [v["id"] for v in body["verdicts"]]
    assert ids == ["pearson", "spearman", "mi", "summary"]
    assert "misses" in body["verdicts"][-1]["text"]


def test_correlation_estimate_stage_skips_the_test(client):
    body = client.get(
        "/api/correlation/view", params={"kind": "linear", "n": 200, "stage": "estimate"}
    ).json()
    assert "p_value" not in body["mi"] and body["verdicts"] == []
    assert body["pearson"]["value"] > 0.8 and body["pearson"]["p_value"] == pytest.approx(1 / 200)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "spiral"}, "kind"),
        ({"n": 10}, "n"),
        ({"n": 100000}, "n"),
        ({"noise": -0.1}, "noise"),
        ({"noise": "lots"}, "noise"),
        ({"seed": -1}, "seed"),
        ({"stage": "half"}, "stage"),
    ],
)
def test_correlation_bad_parameters_are_422(client, params, field):
    r = client.get("/api/correlation/view", params=params)
    assert r.status_code == 422
    assert any(field in d["loc"] for d in r.json()["detail"])


def test_intro_parabola(client):
    body = client.get("/api/intro/parabola", params={"n": 300, "noise": 0.1, "seed": 2}).json()
    assert body["kind"] == "quadratic" and abs(body["pearson"]["value"]) < 4 * 0.072
    assert body["mi"]["value"] > 0.5 and body["mi"]["p_value"] <= 0.01
    assert client.get("/api/intro/parabola", params={"noise": 3}).status_code == 422


# ---------------------------------------------------------------- section 4
def test_formula_three_views_agree_with_library(client):
    body = client.get("/api/formula/views", params={"kind": "sine", "n": 400, "bins": 6, "seed": 3}).json()
    r = body["readouts"]
    assert body["max_disagreement"] < 1e-9
    x, y = relationship("sine", n=400, noise=0.2, seed=3)
    xb, yb = bin_codes(x, 6, x.min(), x.max()), bin_codes(y, 6, y.min(), y.max())
    lib = float(mi.mutual_info(xb, yb, method="plugin", discrete=True))
    for key in ("kl", "entropy", "pmi", "library"):
        assert r[key]["value"] == pytest.approx(lib, abs=1e-9)
    assert r["ksg"]["value"] == pytest.approx(float(mi.mutual_info(x, y, rng=3)), abs=1e-12)
    assert "p_value" in r["ksg"]
    assert sum(body["pmi_hist"]["counts"]) == 400
    assert client.get("/api/formula/views", params={"bins": 1}).status_code == 422


# ---------------------------------------------------------------- section 5
def test_landscape_weighted_sum_is_the_binned_mi(client):
    body = client.get("/api/landscape/map", params={"preset": "clusters", "n": 500, "grid": 10}).json()
    assert body["weighted_sum"] == pytest.approx(body["binned"]["value"], abs=1e-9)
    assert sum(c["contribution"] for c in body["top_cells"]) <= body["weighted_sum"] + 1e-12
    assert len(body["joint"]) == 10 and len(body["joint"][0]) == 10
    assert np.nansum(np.array(body["joint"], dtype=float)) == pytest.approx(1.0)
    x, y = landscape("clusters", n=500, noise=0.03, seed=1)
    assert body["knn"]["value"] == pytest.approx(float(mi.mutual_info(x, y, rng=1)), abs=1e-12)
    assert body["knn"]["p_value"] <= 0.01


def test_landscape_independent_grid_sits_at_the_bias_floor(client):
    body = client.get(
        "/api/landscape/map", params={"preset": "independent", "n": 2000, "grid": 8, "noise": 0.05}
    ).json()
    # plug-in bias ~ (Bx-1)(By-1)/(2 n ln 2) = 0.0177 bits; sd of the estimate is of the same order
    assert 0.0 < body["binned"]["value"] < 4 * body["bias_estimate"]
    assert body["knn"]["p_value"] > 0.01


@pytest.mark.parametrize("params", [{"preset": "spiral"}, {"noise": 0.5}, {"grid": 100}, {"n": 50}])
def test_landscape_bad_parameters_are_422(client, params):
    assert client.get("/api/landscape/map", params=params).status_code == 422


def test_library_warnings_reach_the_page(client):
    # an independent grid without noise is genuinely discrete: mutinfo says so (TiesWarning)
    params = {"preset": "independent", "noise": 0.0, "n": 100, "grid": 8}
    for stage in ("estimate", "full", "full"):  # the cached second answer keeps its warning
        body = client.get("/api/landscape/map", params={**params, "stage": stage}).json()
        assert any(w.startswith("TiesWarning") for w in body["warnings"]), body["warnings"]
    clean = client.get("/api/landscape/map", params={**params, "noise": 0.05}).json()
    assert clean["warnings"] == []


# ---------------------------------------------------------------- server and packaging
def test_generators_import_without_fastapi():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None\n"
        "from mutinfo.explorer.generators import relationship, landscape, expand_counts\n"
        "x, y = relationship('circle', n=10, seed=0); print(len(x))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "10"


def test_serve_validates_port_and_free_port_is_usable():
    import socket

    from mutinfo.explorer.server import free_port, serve

    for bad in (0, 70000, "8000", True):
        with pytest.raises(ValueError, match=r"`port` must be an integer in 1\.\.65535"):
            serve(port=bad, open_browser=False)
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # it really is free
