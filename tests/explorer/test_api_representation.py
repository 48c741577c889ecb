"""API tests of section 16, representation learning and InfoNCE's ceiling (FastAPI TestClient).

The stored runs (``representation_runs.json``) are checked against their own invariants
(InfoNCE <= log2 N) and one configuration is trained again with ``mutinfo.neural`` through the
page's "reproduce in Python" snippet, which must print the stored numbers.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import mutinfo as mi
from mutinfo.explorer import precompute_representation as pre
from mutinfo.explorer.app import create_app
from mutinfo.explorer.routes import representation as rep

VIEW = "/api/representation/view"
TRAIN = "/api/representation/train"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def get(client: TestClient, url: str = VIEW, **params) -> dict:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def gaussian_mi_from_covariance(rho: float, dim: int) -> float:
    """I(A;B) in bits from the joint covariance, 1/2 log2(det S_A det S_B / det S) (no shortcut)."""
    eye = np.eye(dim)
    joint = np.block([[eye, rho * eye], [rho * eye, eye]])
    logdet = lambda m: np.linalg.slogdet(m)[1]  # noqa: E731
    return 0.5 * (logdet(eye) + logdet(eye) - logdet(joint)) / math.log(2)


def test_gaussian_view_truth_cap_and_library_check(client):
    body = get(client, data="gaussian", log2_batch=5)
    assert body["batch_size"] == 32 and body["cap"] == pytest.approx(5.0, abs=1e-12)
    a, b = pre.make_views("gaussian")
    # the generator's correlation, measured, is the one the closed form assumes
    rho = np.mean([np.corrcoef(a[:, j], b[:, j])[0, 1] for j in range(pre.GAUSS_DIM)])
    rho_true = math.sqrt(1 - 2 ** (-2 * pre.GAUSS_TRUE_BITS / pre.GAUSS_DIM))
    assert rho == pytest.approx(rho_true, abs=0.01)
    truth = body["references"]["truth"]
    assert truth["kind"] == "exact" and truth["unit"] == "bits"
    assert truth["value"] == pytest.approx(gaussian_mi_from_covariance(rho_true, pre.GAUSS_DIM), abs=1e-9)
    assert truth["value"] == pytest.approx(6.0, abs=1e-9)
    check = body["references"]["library_check"]
    assert check["value"] == pytest.approx(float(mi.mutual_info(a, b, method="gaussian")), abs=1e-12)
    assert check["method"] == "gaussian" and check["n"] == pre.N_PAIRS
    assert check["value"] == pytest.approx(truth["value"], abs=0.15)  # sd about 0.04 bits at n = 3000
    assert len(body["samples"]["a"]) == rep.N_SCATTER
    assert body["samples"]["a"][0] == pytest.approx(a[0, 0], abs=1e-4)


def test_digit_views_bracket_and_reference(client):
    body = get(client, data="digits", log2_batch=9)
    a, b = pre.make_views("digits")
    assert a.shape == b.shape == (pre.N_PAIRS, 64)
    # two independent augmentations of the same images: alike, never identical, and more alike than
    # views of different images
    same = np.corrcoef(a.ravel(), b.ravel())[0, 1]
    other = np.corrcoef(a.ravel(), np.roll(b, 1, axis=0).ravel())[0, 1]
    assert not np.allclose(a, b) and same > 0.6 and other < same - 0.2
    ceiling = body["references"]["ceiling"]
    assert ceiling["value"] == pytest.approx(math.log2(1797), abs=1e-12) and ceiling["kind"] == "exact"
    lower = body["references"]["lower"]
    assert lower["value"] == pytest.approx(float(pre.digits_reference(a, b)), abs=1e-12)
    assert lower["method"] == "ksg1" and lower["n"] == pre.N_PAIRS
    assert 1.0 < lower["value"] < ceiling["value"]
    assert len(body["samples"]["a"]) == rep.N_DIGIT_PAIRS and len(body["samples"]["a"][0]) == 8


def test_views_are_reproducible_and_validated():
    a1, b1 = pre.make_views("digits", 50, seed=4)
    a2, b2 = pre.make_views("digits", 50, seed=4)
    assert np.array_equal(a1, a2) and np.array_equal(b1, b2)
    assert not np.array_equal(a1, pre.make_views("digits", 50, seed=5)[0])
    with pytest.raises(ValueError, match=r"`data` must be one of \['digits', 'gaussian'\]; got 'cifar'"):
        pre.make_views("cifar")
    with pytest.raises(ValueError, match=r"`n` must be an integer >= 2; got 1"):
        pre.make_views("gaussian", 1)


@pytest.mark.parametrize("data", ["gaussian", "digits"])
def test_stored_runs_respect_the_ceiling(client, data):
    body = get(client, data=data, log2_batch=4)
    curve = body["curve"]
    assert [r["batch_size"] for r in curve] == [2**k for k in pre.BATCH_LOG2]
    for r in curve:
        assert r["cap"] == pytest.approx(math.log2(r["batch_size"]), abs=1e-12)
        # each held-out batch term is at most log N, so the mean is too; for every training seed
        seeds = r["seeds"]
        assert seeds["seeds"] == [0, *pre.SPREAD_SEEDS] and seeds["estimates"][0] == r["estimate"]
        assert all(e <= r["cap"] + 1e-9 for e in seeds["estimates"])
        assert (
            seeds["min"]
            == min(seeds["estimates"])
            <= r["estimate"]
            <= seeds["max"]
            == max(seeds["estimates"])
        )
    selected = body["selected"]
    assert selected["batch_size"] == 16 and len(selected["train_curve"]) == selected["epochs"]
    assert len(selected["valid_curve"]) == selected["epochs"]
    assert body["estimate"]["value"] == selected["estimate"] and body["estimate"]["unit"] == "bits"
    assert body["seeds"] == curve[2]["seeds"]
    assert body["precomputed"]["training"] == pre.TRAINING
    # the true MI (6 bits; for the digits more than the lower reference) is above log2 4 and log2 8:
    # there the bound ends close under the ceiling
    for r in curve[:2]:
        assert r["estimate"] > 0.75 * r["cap"]
    estimates = [r["estimate"] for r in curve]
    assert estimates == sorted(estimates)  # a larger batch never reported less here
    if data == "gaussian":
        assert curve[0]["near_cap"] and curve[1]["near_cap"]  # both within 10 % of the cap
        assert curve[0]["seeds"]["min"] > 0.85 * curve[0]["cap"]  # pinned whatever the seed
        assert max(estimates) < body["references"]["truth"]["value"] + 0.2
        assert max(estimates) > 5.0  # at N = 512 most of the 6 bits are found
    else:
        # InfoNCE is a lower bound too: its best value must not contradict the exact ceiling
        assert max(estimates) < body["references"]["ceiling"]["value"]


def run_snippet(code: str, namespace: dict | None = None) -> dict[str, str]:
    namespace = {"__name__": "__snippet__"} if namespace is None else namespace
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<snippet>", "exec"), namespace)
    printed = {}
    for line in out.getvalue().splitlines():
        name, _, rest = line.partition(" = ")
        printed[name.strip()] = rest.split()[0]
    return printed


def test_snippet_retrains_the_stored_run(client):
    """A cheap stored configuration (Gaussian, N = 256), trained again, gives the stored numbers."""
    pytest.importorskip("torch")
    body = get(client, data="gaussian", log2_batch=8)
    namespace: dict = {"__name__": "__snippet__"}
    printed = run_snippet(body["snippet"], namespace)
    assert float(printed["InfoNCE"]) == pytest.approx(body["estimate"]["value"], abs=1e-6)
    assert float(printed["cap log2 N"]) == pytest.approx(8.0, abs=1e-12)
    assert float(printed["true MI"]) == pytest.approx(body["references"]["truth"]["value"], abs=1e-12)
    assert float(printed["Gaussian estimate"]) == pytest.approx(
        body["references"]["library_check"]["value"], abs=1e-12
    )
    # the whole training curve too
    res = namespace["res"]
    assert res.epochs == body["selected"]["epochs"] and res.best_epoch == body["selected"]["best_epoch"]
    np.testing.assert_allclose(res.valid_curve, body["selected"]["valid_curve"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.train_curve, body["selected"]["train_curve"], rtol=0, atol=1e-6)


def test_digits_snippet_prints_the_references(client):
    body = get(client, data="digits", log2_batch=3)
    code = body["snippet"]
    assert "batch_size=8" in code and "make_views('digits', 3000, seed=0)" in code
    # run only the reference lines (training is covered by the Gaussian snippet test)
    lines = [line for line in code.splitlines() if "neural_mutual_info" not in line and "res." not in line]
    lines = [line for line in lines if not line.startswith(" ")]
    printed = run_snippet("\n".join(lines))
    assert float(printed["ceiling"]) == pytest.approx(body["references"]["ceiling"]["value"], abs=1e-12)
    assert float(printed["lower reference"]) == pytest.approx(body["references"]["lower"]["value"], abs=1e-12)


def test_live_training_is_small_and_capped(client):
    pytest.importorskip("torch")
    body = get(client, TRAIN, data="gaussian", log2_batch=7)
    run = body["run"]
    assert run["n_pairs"] == rep.LIVE["n_pairs"] and run["batch_size"] == 128
    assert 1 <= run["epochs"] <= rep.LIVE["max_epochs"] and len(run["valid_curve"]) == run["epochs"]
    assert run["estimate"] <= run["cap"] + 1e-9 and run["cap"] == pytest.approx(7.0)
    assert run["estimate"] > 1.0  # 6 bits are there to find; a few epochs find some of them


def test_without_torch_the_page_still_renders_and_says_why(client, monkeypatch):
    real = rep.importlib.util.find_spec
    monkeypatch.setattr(
        rep.importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    body = get(client, data="gaussian", log2_batch=6)
    assert body["torch"]["available"] is False and 'pip install "mutinfo[neural]"' in body["torch"]["message"]
    assert body["estimate"]["value"] == body["selected"]["estimate"]  # the stored run still shows
    response = client.get(TRAIN, params={"data": "gaussian", "log2_batch": 5})
    assert response.status_code == 503 and "mutinfo[neural]" in response.json()["detail"]


def test_without_the_stored_runs_the_page_says_how_to_make_them(client, monkeypatch):
    monkeypatch.setattr(rep, "load_runs", lambda: None)
    body = get(client, data="gaussian", log2_batch=6)
    assert body["curve"] == [] and body["selected"] is None and body["estimate"] is None
    assert "python -m mutinfo.explorer.precompute_representation" in body["verdict"]
    assert body["references"]["truth"]["value"] == pytest.approx(6.0, abs=1e-9)  # still computed


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (VIEW, {"data": "cifar"}),
        (VIEW, {"log2_batch": 1}),
        (VIEW, {"log2_batch": 10}),
        (VIEW, {"log2_batch": "six"}),
        (TRAIN, {"log2_batch": 2}),
        (TRAIN, {"log2_batch": 8}),
        (TRAIN, {"data": "noise"}),
    ],
)
def test_bad_query_values_are_refused(client, url, params):
    response = client.get(url, params=params)
    assert response.status_code == 422
    assert next(iter(params)) in response.text


def test_view_body_rejects_batch_sizes_off_the_grid():
    with pytest.raises(ValueError, match=r"`log2_batch` must be one of \[2, 3, 4, 5, 6, 7, 8, 9\]; got 10"):
        rep.view_body("gaussian", 10)


def test_section_is_listed_16th(client):
    sections = client.get("/api/meta").json()["sections"]
    entry = next(s for s in sections if s["id"] == "representation")
    assert sections.index(entry) == 15 and entry["title"] == "16. Representation learning: InfoNCE"
    assert entry["available"]
    html = client.get("/sections/representation.html").text
    assert html.count("<math") == 2 and 'class="tex"' not in html
    assert "arXiv:1907.13625" in html and "arXiv:1807.03748" in html
