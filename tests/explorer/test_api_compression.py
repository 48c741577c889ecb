"""API tests of section 17, compression: the information bottleneck (FastAPI TestClient)."""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import mutinfo as mi
from mutinfo.datasets import load_weather
from mutinfo.explorer.app import create_app
from mutinfo.explorer.routes.compression import PLANE_SETTINGS, compute_plane, shipped_plane

CURVE = "/api/compression/curve"
PLANE = "/api/compression/plane"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def get(client: TestClient, url: str, **params) -> dict:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def run_snippet(code: str) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), {"__name__": "__snippet__"})
    printed = {}
    for line in out.getvalue().splitlines():
        name, _, rest = line.partition(" = ")
        printed[name.strip()] = rest
    return printed


def test_curve_is_the_library_curve_on_the_weather_joint(client):
    body = get(client, CURVE)  # defaults: month -> temperature, 4 clusters, log10 beta = 1, IB
    assert body["dataset"] == "month_temperature" and body["n"] == 8760 and body["n_clusters"] == 4
    assert body["x_labels"] == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]
    assert len(body["y_labels"]) == 8 and body["log_beta"] == 1.0 and body["beta"] == pytest.approx(10.0)
    # the joint is the plug-in table of the samples: its I(X;Y) is mutinfo's plug-in MI
    weather = load_weather()
    t = weather["temperature_c"].to_numpy()
    y = np.clip(np.searchsorted(np.quantile(t, np.linspace(0, 1, 9)), t, side="right") - 1, 0, 7)
    plugin = mi.mutual_info(weather["month"].to_numpy(), y, discrete=True, method="plugin")
    assert body["i_xy"]["value"] == pytest.approx(float(plugin), abs=1e-12)
    assert body["h_x"]["value"] == pytest.approx(
        float(mi.entropy(weather["month"], method="plugin")), abs=1e-12
    )
    # the point is the curve's entry at log10 beta = 1 (the curve itself: the snippet test)
    assert body["i_ty"]["value"] == body["curve"]["i_ty"][20] and body["curve"]["log_beta"][20] == 1.0
    assert (
        body["i_tx"]["kind"] == "exact" and body["i_tx"]["unit"] == "bits" and body["i_tx"]["method"] == "ib"
    )
    # information inequalities on every point
    i_tx, i_ty = np.array(body["curve"]["i_tx"]), np.array(body["curve"]["i_ty"])
    assert (i_ty <= body["i_xy"]["value"] + 1e-9).all() and (i_ty <= i_tx + 1e-9).all()
    assert (i_tx <= body["h_x"]["value"] + 1e-9).all()
    assert body["kept"] == pytest.approx(body["i_ty"]["value"] / body["i_xy"]["value"])
    # the clusters partition the twelve months and match the encoder
    members = [m for c in body["clusters"] for m in c["members"]]
    assert sorted(members) == sorted(body["x_labels"]) and len(body["clusters"]) == body["n_used"]
    enc = np.array(body["encoder"])
    assert enc.shape == (12, 4) and np.allclose(enc.sum(axis=1), 1, atol=1e-5)


def test_seasons_emerge_at_large_beta(client):
    """Four hard clusters of months: winter and summer each one cluster (physics, not a fit)."""
    body = get(client, CURVE, log_beta=2.0, method="dib")
    groups = {frozenset(c["members"]) for c in body["clusters"]}
    assert frozenset({"Dec", "Jan", "Feb"}) in groups and frozenset({"Jun", "Jul", "Aug"}) in groups
    assert set(np.unique(body["encoder"])) == {0.0, 1.0}
    assert body["h_t"]["value"] == pytest.approx(body["i_tx"]["value"], abs=1e-12)
    soft = get(client, CURVE, log_beta=2.0, method="ib")
    assert soft["i_ty"]["value"] == pytest.approx(body["i_ty"]["value"], abs=1e-4)


def test_beta_at_one_keeps_nothing_and_more_clusters_keep_more(client):
    low = get(client, CURVE, log_beta=0.0)
    assert low["i_tx"]["value"] < 1e-6 and low["i_ty"]["value"] < 1e-6
    kept = [get(client, CURVE, clusters=k, log_beta=3.0, method="dib")["i_ty"]["value"] for k in (2, 4, 6)]
    assert kept[0] < kept[1] < kept[2] < get(client, CURVE)["i_xy"]["value"]


def test_hour_dataset_puts_the_dark_hours_together(client):
    body = get(client, CURVE, dataset="hour_irradiance", clusters=3, log_beta=1.5)
    assert body["y_labels"][0] == "dark (0 W/m²)" and len(body["x_labels"]) == 24
    night = next(c for c in body["clusters"] if "02h" in c["members"])
    assert {"01h", "03h", "04h", "22h", "23h", "24h"} <= set(night["members"])
    assert "12h" not in night["members"]


def test_log_beta_is_rounded_to_the_grid(client):
    body = get(client, CURVE, log_beta=1.02)
    assert body["index"] == 20 and body["log_beta"] == 1.0


@pytest.mark.parametrize(
    "params",
    [
        {"dataset": "iris"},
        {"clusters": 1},
        {"clusters": 7},
        {"log_beta": -0.1},
        {"log_beta": 3.5},
        {"log_beta": "nan"},
        {"method": "kmeans"},
    ],
)
def test_bad_curve_parameters_are_refused(client, params):
    response = client.get(CURVE, params=params)
    assert response.status_code == 422
    assert next(iter(params)) in response.text


def test_bad_plane_parameter_is_refused(client):
    response = client.get(PLANE, params={"activation": "sigmoid"})
    assert response.status_code == 422 and "activation" in response.text


@pytest.mark.parametrize(
    "params",
    [{}, {"dataset": "hour_irradiance", "clusters": 3, "log_beta": 1.5, "method": "dib"}],
)
def test_curve_snippet_reproduces_the_numbers(client, params):
    body = get(client, CURVE, **params)
    printed = run_snippet(body["snippet"])  # mutinfo.ib_curve with the page's arguments
    assert float(printed["I(T;X)"].split()[0]) == pytest.approx(body["i_tx"]["value"], abs=1e-12)
    assert float(printed["I(T;Y)"].split()[0]) == pytest.approx(body["i_ty"]["value"], abs=1e-12)
    assert float(printed["I(X;Y)"].split()[0]) == pytest.approx(body["i_xy"]["value"], abs=1e-12)


def test_shipped_plane_is_reproduced_by_the_library():
    """The page reads a shipped run; mutinfo.information_plane with the same settings remakes it."""
    shipped = shipped_plane()
    assert shipped["settings"]["hidden"] == list(PLANE_SETTINGS["hidden"])
    fresh = compute_plane("tanh")
    # same machine: identical; another BLAS could move the last bits of the weights (loss to 1e-6)
    for key in ("epochs", "i_tx", "i_ty", "test_accuracy", "h_x", "h_y", "n", "n_test"):
        np.testing.assert_allclose(fresh[key], shipped["tanh"][key], rtol=0, atol=1e-9, err_msg=key)
    np.testing.assert_allclose(fresh["loss"], shipped["tanh"]["loss"], rtol=1e-6)


def test_plane_view_bounds_caveat_and_snippet(client):
    body = get(client, PLANE, activation="relu")
    assert body["activation"] == "relu" and body["n"] == 1348 and body["layer_sizes"] == [12, 6, 3]
    i_tx, i_ty = np.array(body["i_tx"]), np.array(body["i_ty"])
    assert (i_tx <= math.log2(1348) + 1e-9).all() and (i_ty <= body["h_y"] + 1e-9).all()
    assert body["h_x"] == pytest.approx(math.log2(1348))
    assert "Saxe" in body["caveat"] and "10.1088/1742-5468/ab3985" in body["caveat"]
    assert "measures the binning" in body["caveat"]
    assert any("UndersampledWarning" in w for w in body["warnings"])
    assert body["test_accuracy"][-1] > 0.5
    # the snippet (ReLU, the other activation than the full comparison above) prints the final row
    printed = run_snippet(body["snippet"])
    for j in range(3):
        assert float(printed[f"layer {j + 1} I(T;X)"].split()[0]) == pytest.approx(i_tx[-1, j], abs=1e-9)
        assert float(printed[f"layer {j + 1} I(T;Y)"].split()[0]) == pytest.approx(i_ty[-1, j], abs=1e-9)
    assert float(printed["test accuracy"]) == pytest.approx(body["test_accuracy"][-1], abs=1e-12)


def test_tanh_compresses_in_the_narrowest_layer_relu_does_not():
    """What the page shows about Saxe et al.: with these settings the 3-unit tanh layer's binned
    I(T;X) peaks and then falls by more than a bit; the ReLU layer's does not fall that much."""
    drop = {}
    for act in ("tanh", "relu"):
        column = np.array(shipped_plane()[act]["i_tx"])[:, 2]
        drop[act] = column.max() - column[-1]
    assert drop["tanh"] > 1.0 and drop["relu"] < 0.5


def test_section_is_listed_as_17(client):
    sections = client.get("/api/meta").json()["sections"]
    entry = next(s for s in sections if s["id"] == "compression")
    assert entry["title"] == "17. Compression: the information bottleneck" and entry["available"]
    ids = [s["id"] for s in sections]
    assert ids.index("compression") > ids.index("genes")  # after the sections numbered before it
    assert client.get("/static/js/sections/compression.js").status_code == 200
    assert 'id="compression"' in client.get("/").text
    html = client.get("/sections/compression.html").text
    assert "<math" in html and 'class="tex"' not in html
