"""API tests of section 14, transfer entropy vs Granger causality (FastAPI TestClient)."""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient
from statsmodels.tsa.stattools import grangercausalitytests

import mutinfo as mi
from mutinfo.explorer.app import create_app
from mutinfo.explorer.routes.causality import N_SURROGATES, TE_METHOD, VAR_MEMORY, coupled_pair

URL = "/api/causality/view"
SMALL = {"n": 500, "seed": 3}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def get(client: TestClient, **params) -> dict:
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def var1_transfer_entropy(c: float, a: float = VAR_MEMORY) -> float:
    """Exact TE(X -> Y) in nats, history 1, of x_t = a x_(t-1) + e, y_t = a y_(t-1) + c x_(t-1) + e.

    With Sigma the stationary covariance (Sigma = A Sigma A' + I), the residual variance of
    y_t given y_(t-1) is 1 + c^2 Var(x_(t-1) | y_(t-1)) against 1 given both pasts.
    """
    A = np.array([[a, 0.0], [c, a]])
    sigma = np.eye(2)
    for _ in range(2000):
        sigma = A @ sigma @ A.T + np.eye(2)
    cond_var_x = sigma[0, 0] - sigma[0, 1] ** 2 / sigma[1, 1]
    return 0.5 * math.log(1.0 + c**2 * cond_var_x)


def test_estimate_stage_matches_library_and_statsmodels(client):
    body = get(client, preset="linear", c_xy=0.3, c_yx=0.0, noise=0.1, stage="estimate", **SMALL)
    x, y = coupled_pair("linear", 0.3, 0.0, 0.1, 500, 3)
    assert body["stage"] == "estimate" and body["verdicts"] == []
    assert len(body["series"]["x"]) == 300 and body["series"]["x"][0] == pytest.approx(x[0], abs=1e-5)
    for d, (src, tgt) in zip(body["directions"], ((x, y), (y, x)), strict=True):
        te = mi.transfer_entropy(src, tgt, method=TE_METHOD, rng=3)
        assert d["te"]["value"] == pytest.approx(float(te), abs=1e-12)
        assert d["te"]["unit"] == "bits" and d["te"]["n"] == 499 and d["te"]["method"] == te.method
        assert "p_value" not in d["te"] and d["effective"] is None
        gc = grangercausalitytests(np.column_stack([tgt, src]), maxlag=[1])[1]
        f_stat, p_value, _, _ = gc[0]["ssr_ftest"]
        assert d["granger"]["F"] == pytest.approx(f_stat, rel=1e-12)
        assert d["granger"]["p_value"] == pytest.approx(p_value, rel=1e-9)
        assert d["granger"]["half_nats"] == pytest.approx(
            0.5 * math.log(gc[1][0].ssr / gc[1][1].ssr), rel=1e-12
        )
    xy, yx = body["directions"]
    assert xy["granger"]["p_value"] < 1e-4 < 0.05 < yx["granger"]["p_value"]


def test_gaussian_te_is_half_granger_and_matches_closed_form(client):
    """Barnett-Barrett-Seth on the linear preset, without observation noise."""
    n, c = 3000, 0.3
    body = get(client, preset="linear", c_xy=c, c_yx=0.0, noise=0.0, n=n, seed=5, stage="estimate")
    xy, yx = body["directions"]
    for d in (xy, yx):
        assert d["te_gaussian_nats"]["unit"] == "nats"
        # the two differ only by the Wishart bias correction of the Gaussian estimator, O(1/n)
        assert d["te_gaussian_nats"]["value"] == pytest.approx(d["granger"]["half_nats"], abs=2.0 / n)
    truth = var1_transfer_entropy(c)  # 0.052 nats
    # sampling sd of the estimate is about sqrt(2 TE / n) = 0.006 nats at n = 3000
    assert xy["te_gaussian_nats"]["value"] == pytest.approx(truth, abs=0.02)
    assert abs(yx["te_gaussian_nats"]["value"]) < 0.01


def test_full_stage_p_values_and_effective_te(client):
    body = get(client, preset="linear", c_xy=0.4, c_yx=0.0, noise=0.0, **SMALL)
    x, y = coupled_pair("linear", 0.4, 0.0, 0.0, 500, 3)
    for d, (src, tgt) in zip(body["directions"], ((x, y), (y, x)), strict=True):
        res = mi.transfer_entropy_test(
            src, tgt, surrogate="circular_shift", n_surrogates=N_SURROGATES, method=TE_METHOD, rng=3
        )
        assert d["te"]["p_value"] == pytest.approx(res.pvalue, abs=1e-12)
        assert d["te"]["n_resamples"] == N_SURROGATES
        assert d["effective"]["value"] == pytest.approx(float(res.effective), abs=1e-12)
        assert d["null_mean"] == pytest.approx(float(res.null_mean), abs=1e-12)
    xy, yx = body["directions"]
    assert xy["te"]["p_value"] <= 0.05 and yx["te"]["p_value"] > 0.05
    assert [v["id"] for v in body["verdicts"]] == ["xy", "yx"]
    assert "both TE and Granger detect it" in body["verdicts"][0]["text"]


def test_logistic_preset_granger_misses_what_te_finds(client):
    body = get(client, preset="logistic", c_xy=0.2, c_yx=0.0, noise=0.0, n=1000, seed=1)
    xy, yx = body["directions"]
    assert xy["te"]["p_value"] == pytest.approx(1 / (N_SURROGATES + 1))  # no surrogate reaches it
    assert xy["effective"]["value"] > 0.3  # bits; the kNN TE is large on the maps
    assert xy["granger"]["p_value"] > 0.05  # linear prediction sees nothing at c = 0.2
    assert yx["te"]["p_value"] > 0.05 and yx["granger"]["p_value"] > 0.05
    assert body["verdicts"][0]["detects"] and "misses" in body["verdicts"][0]["text"]


def test_observation_noise_on_the_driver_gives_spurious_reverse_flow(client):
    """The caveat the page states: seed 1, noise 0.1 shows TE(Y -> X) with no Y -> X coupling."""
    body = get(client, preset="logistic", c_xy=0.2, c_yx=0.0, noise=0.1, n=1000, seed=1)
    yx = body["directions"][1]
    assert yx["coupling"] == 0 and yx["te"]["p_value"] <= 0.05
    assert 0 < yx["effective"]["value"] < 0.1  # small next to the real X -> Y flow
    assert "although nothing flows this way" in body["verdicts"][1]["text"]


def test_both_directions_coupled_are_both_detected(client):
    body = get(client, preset="logistic", c_xy=0.15, c_yx=0.1, noise=0.0, n=800, seed=2)
    assert all(d["te"]["p_value"] <= 0.05 and d["effective"]["value"] > 0.1 for d in body["directions"])


def test_periodic_orbit_reports_undefined_granger_instead_of_failing(client):
    """Symmetric coupling 0.15 (seed 2) locks the maps onto a periodic orbit: F is 0 / 0."""
    body = get(client, preset="logistic", c_xy=0.15, c_yx=0.15, noise=0.0, n=800, seed=2, stage="estimate")
    for d in body["directions"]:
        assert d["granger"]["F"] is None and d["granger"]["p_value"] is None
        assert "perfectly" in d["granger"]["note"]
    assert any("F statistic is undefined" in w for w in body["warnings"])


@pytest.mark.parametrize(
    "params",
    [
        {"preset": "henon"},
        {"c_xy": 0.5},
        {"c_yx": -0.1},
        {"noise": 1.5},
        {"n": 100},
        {"n": 5000},
        {"seed": -1},
        {"stage": "all"},
        {"c_xy": "nan"},
    ],
)
def test_bad_query_values_are_refused(client, params):
    response = client.get(URL, params=params)
    assert response.status_code == 422
    assert next(iter(params)) in response.text


def test_generator_rejects_unknown_preset():
    with pytest.raises(ValueError, match=r"`preset` must be one of \['linear', 'logistic'\]; got 'henon'"):
        coupled_pair("henon", 0.1, 0.1, 0.0, 300, 0)


def test_snippet_reproduces_the_numbers(client):
    body = get(client, preset="logistic", c_xy=0.1, c_yx=0.05, noise=0.2, **SMALL)
    namespace: dict = {"__name__": "__snippet__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(body["snippet"], "<snippet>", "exec"), namespace)
    printed = {}
    for line in out.getvalue().splitlines():
        name, _, rest = line.partition(" = ")
        printed[name.strip()] = float(rest.split()[0])
    for d in body["directions"]:
        key = d["id"]
        assert printed[f"TE_{key}"] == pytest.approx(d["te"]["value"], abs=1e-12)
        assert printed[f"F_{key}"] == pytest.approx(d["granger"]["F"], rel=1e-12)
        assert printed[f"gaussTE_nats_{key}"] == pytest.approx(d["te_gaussian_nats"]["value"], abs=1e-12)
        assert printed[f"p_{key}"] == pytest.approx(d["te"]["p_value"], abs=1e-12)
        assert printed[f"effective_{key}"] == pytest.approx(d["effective"]["value"], abs=1e-12)


def test_section_is_listed_14th_and_linked_from_applications(client):
    sections = client.get("/api/meta").json()["sections"]
    assert sections[13]["id"] == "causality"  # the 14th; later sections follow it
    assert sections[13]["title"] == "14. Transfer entropy vs Granger causality"
    assert 'href="#causality"' in client.get("/static/sections/applications.html").text
    assert client.get("/static/js/sections/causality.js").status_code == 200
