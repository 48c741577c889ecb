"""API tests for sections 6-10 and the estimator-honesty gallery (FastAPI TestClient).

Numbers are checked against closed forms where one exists, with tolerances from the
estimator's known bias and sampling spread; bad input must give a 4xx with a message.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import mutinfo as mi
from mutinfo.explorer.app import create_app
from mutinfo.explorer.generators_more import (
    MAX_BITS,
    binary_entropy,
    bit_streams,
    chain_rule_data,
    coupled_ar_transfer_entropy,
    markov_chain,
)
from mutinfo.explorer.routes import yourdata

READOUT_KEYS = {"value", "unit", "n", "method", "quantity"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def assert_readout(r: dict, *, tested: bool = False) -> None:
    assert READOUT_KEYS <= set(r), r
    assert r["unit"] == "bits"
    assert isinstance(r["n"], int) and r["n"] > 0
    assert isinstance(r["method"], str) and r["method"]
    if tested:
        assert 0 < r["p_value"] <= 1 and r["n_resamples"] >= 19


def assert_4xx(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    text = (
        detail
        if isinstance(detail, str)
        else " ".join(str(d.get("msg", d)) + str(d.get("loc")) for d in detail)
    )
    for word in words:
        assert word in text, text


# ------------------------------------------------------------------------------- bits


def test_bits_stream_prefix_and_checkpoints(client):
    body = client.get("/api/bits/stream", params={"flip": 0.1, "n": 512, "seed": 1}).json()
    x, y = bit_streams(0.1, 512, 1)
    assert body["x"] == "".join(map(str, x)) and body["y"] == "".join(map(str, y))
    # a shorter stream is a prefix of a longer one with the same seed
    x2, _ = bit_streams(0.1, 64, 1)
    assert np.array_equal(x2, x[:64])
    assert body["truth"]["value"] == pytest.approx(1 - binary_entropy(0.1), abs=1e-15)
    for cp in body["checkpoints"][::7]:
        m = cp["n"]
        expected = mi.mutual_info(x[:m], y[:m], method="plugin", discrete=True)
        assert cp["value"] == float(expected)
        assert cp["matches"] == int(np.sum(x[:m] == y[:m]))
    assert_readout(body["estimate"], tested=True)
    assert body["estimate"]["method"] == "plugin"


def test_bits_estimate_converges_to_channel_capacity(client):
    # plug-in on a 2x2 table: sd of the estimate ~ sqrt(Var / n); at n = 4096 and flip 0.2 the
    # error is well under 0.03 bits (bias (1/(2n ln 2)) ~ 2e-4, sd ~ 0.01)
    body = client.get("/api/bits/stream", params={"flip": 0.2, "n": MAX_BITS, "seed": 7}).json()
    assert len(body["checkpoints"]) <= 256
    assert body["estimate"]["value"] == pytest.approx(1 - binary_entropy(0.2), abs=0.03)


def test_bits_without_test_is_the_same_estimate(client):
    params = {"flip": 0.3, "n": 128, "seed": 2}
    quick = client.get("/api/bits/stream", params={**params, "test": False}).json()
    full = client.get("/api/bits/stream", params=params).json()
    assert "p_value" not in quick["estimate"] and 0 < full["estimate"]["p_value"] <= 1
    assert quick["estimate"]["value"] == full["estimate"]["value"]
    assert quick["checkpoints"] == full["checkpoints"]


def test_bits_bad_parameters(client):
    assert_4xx(client.get("/api/bits/stream", params={"flip": 1.5}), 422, "flip")
    assert_4xx(client.get("/api/bits/stream", params={"n": MAX_BITS + 1}), 422, "n")
    assert_4xx(client.get("/api/bits/stream", params={"seed": "abc"}), 422, "seed")


# ------------------------------------------------------------------------------- properties


def test_nonnegativity_plugin_bias_matches_miller(client):
    body = client.get(
        "/api/properties/nonnegativity", params={"kind": "discrete", "n": 400, "reps": 200}
    ).json()
    assert body["min"] >= 0  # the plug-in estimate is a KL divergence of empirical distributions
    assert body["fraction_negative"] == 0
    # mean of 200 replicates vs Miller's first-order bias 9/(2n ln 2) = 0.0162 bits; the
    # replicate sd is about the bias itself, so the mean's sd is ~0.0012: allow 0.004
    assert body["mean"] == pytest.approx(body["bias_bits"], abs=0.004)
    assert body["bias_bits"] == pytest.approx(9 / (2 * 400 * math.log(2)))


def test_nonnegativity_ksg_goes_below_zero_unclipped(client):
    body = client.get(
        "/api/properties/nonnegativity", params={"kind": "continuous", "n": 200, "reps": 100}
    ).json()
    assert body["method"] == "ksg1"
    assert 0.2 < body["fraction_negative"] < 0.8  # KSG scatters around 0 on independent data
    assert body["min"] < 0 and min(body["estimates"]) == body["min"]
    assert abs(body["mean"]) < 3 * body["sd"] / math.sqrt(100) + 0.01
    assert sum(body["histogram"]["counts"]) == 100


def test_symmetry_exact(client):
    body = client.get("/api/properties/symmetry", params={"levels": 6, "flip": 0.1}).json()
    assert body["i_xy"]["value"] == pytest.approx(body["i_yx"]["value"], abs=1e-12)
    # Y = X mod 2 (noisy) says less about X than X says about Y
    assert body["h_x_given_y"]["value"] > body["h_y_given_x"]["value"] + 1
    for key in ("i_xy", "i_yx", "h_x_given_y", "h_y_given_x"):
        assert_readout(body[key])


def test_independence_parabola(client):
    body = client.get(
        "/api/properties/independence", params={"noise": 0.05, "n": 300, "n_resamples": 99}
    ).json()
    assert abs(body["pearson"]["r"]) < 0.2
    assert body["mi"]["value"] > 1.0 and body["mi"]["p_value"] == pytest.approx(0.01)
    assert_readout(body["mi"], tested=True)
    assert_readout(body["control"], tested=True)
    assert body["control"]["p_value"] > 0.01  # an independent control is not the most extreme


def test_self_information_discrete_and_continuous(client):
    body = client.get("/api/properties/self", params={"kind": "discrete", "levels": 8, "n": 2000}).json()
    assert body["i_xx"]["value"] == pytest.approx(body["h_x"]["value"], abs=1e-12)
    assert body["h_x"]["value"] == pytest.approx(3.0, abs=0.02)
    assert body["i_xy"]["value"] <= body["bound"] + 1e-12
    body = client.get("/api/properties/self", params={"kind": "continuous", "n": 1000}).json()
    values = [s["value"] for s in body["noisy_copy"]]
    assert values == sorted(values)  # the estimate grows as the copy gets better
    # KSG on (x, x) is psi(n) - psi(k) nats: finite for finite n, growing like log n
    for row in body["self"]:
        assert row["value"] == pytest.approx(row["psi_form"], rel=1e-9)
    assert body["h_narrow"]["value"] < 0
    # KL estimate at n = 1000: sd ~ 0.03 bits, plus this sample's own spread (its sd is 0.98)
    assert body["h_narrow"]["value"] == pytest.approx(body["h_narrow_truth"], abs=0.2)


@pytest.mark.parametrize(("flip1", "flip2"), [(0.1, 0.1), (0.05, 0.3)])
def test_dpi_truths_and_estimates(client, flip1, flip2):
    body = client.get("/api/properties/dpi", params={"flip1": flip1, "flip2": flip2, "n": 5000}).json()
    through = flip1 * (1 - flip2) + flip2 * (1 - flip1)
    assert body["i_xz"]["truth"] == pytest.approx(1 - binary_entropy(through))
    assert body["i_xz"]["truth"] < body["i_xy"]["truth"]
    # plug-in at n = 5000 on 2x2: sd ~ 0.01 bits, bias ~ 1e-4
    assert body["i_xy"]["value"] == pytest.approx(body["i_xy"]["truth"], abs=0.04)
    assert body["i_xz"]["value"] == pytest.approx(body["i_xz"]["truth"], abs=0.04)
    assert_readout(body["i_xy"], tested=True)


def test_dpi_sufficient_statistic_gives_equality(client):
    body = client.get("/api/properties/dpi", params={"flip1": 0.2, "sufficient": True, "n": 3000}).json()
    assert body["i_xz"]["truth"] == body["i_xy"]["truth"]
    # Z = Y // 2 keeps every bit of Y about X; the plug-in I(X;Y) counts the junk bit's cells
    # too, so it can only be larger on the sample
    assert body["i_xy"]["value"] >= body["i_xz"]["value"] - 1e-12
    _, y, z = markov_chain(0.2, 0.1, 3000, 0, sufficient=True)
    assert np.array_equal(z, y // 2)


@pytest.mark.parametrize("relation", ["xor", "and", "redundant"])
def test_chain_rule_exact_for_plugin(client, relation):
    body = client.get("/api/properties/chain", params={"relation": relation, "flip": 0.05, "n": 4000}).json()
    assert abs(body["gap"]) < 1e-9
    t = {k: body[k]["truth"] for k in ("i_joint", "i_x1", "i_x2_given_x1")}
    assert t["i_joint"] == pytest.approx(t["i_x1"] + t["i_x2_given_x1"], abs=1e-12)
    if relation == "redundant":
        assert t["i_x2_given_x1"] == 0 and abs(body["i_x2_given_x1"]["value"]) < 1e-9
        assert body["i_x2_given_x1"]["p_value"] == 1.0  # a copy adds nothing, whatever the shuffle
    if relation == "xor":
        assert t["i_x1"] == 0 and body["i_x1"]["value"] < 0.01
        assert body["i_x2_given_x1"]["p_value"] == pytest.approx(1 / 200)  # no shuffle comes close
    assert body["i_joint"]["value"] == pytest.approx(t["i_joint"], abs=0.03)
    x1, _, y = chain_rule_data(relation, 0.05, 4000, 0)
    assert body["i_x1"]["value"] == float(mi.mutual_info(x1, y, method="plugin", discrete=True))


def test_properties_bad_parameters(client):
    assert_4xx(client.get("/api/properties/nonnegativity", params={"kind": "mixed"}), 422, "kind")
    assert_4xx(client.get("/api/properties/nonnegativity", params={"reps": 5000}), 422, "reps")
    assert_4xx(client.get("/api/properties/chain", params={"relation": "or"}), 422, "relation")
    assert_4xx(client.get("/api/properties/dpi", params={"flip1": -0.1}), 422, "flip1")
    assert_4xx(client.get("/api/properties/self", params={"n": 10}), 422, "n")


# ------------------------------------------------------------------------------- honesty


def test_honesty_convergence_and_floor(client):
    conv = client.get("/api/honesty/convergence", params={"rho": 0.6, "reps": 4}).json()
    truth = -0.5 * math.log2(1 - 0.36)
    assert conv["truth"] == pytest.approx(truth)
    last = conv["rows"][-1]
    # KSG at n = 5000: bias well below 0.01 bits, sd ~ 0.015 per sample (mean of 4)
    assert last["n"] == 5000 and last["mean"] == pytest.approx(truth, abs=0.04)
    floor = client.get("/api/honesty/floor", params={"reps": 6, "levels": 4}).json()
    ksg_values = [v for r in floor["rows"] for v in r["ksg"]["values"]]
    assert min(ksg_values) < 0  # negative estimates are kept
    for r in floor["rows"]:
        assert r["plugin"]["mean"] > 0
        # plug-in mean tracks Miller's 9/(2n ln2) within a factor 2 once n >= 500
        if r["n"] >= 500:
            assert 0.4 * r["miller_madow_bits"] < r["plugin"]["mean"] < 2.0 * r["miller_madow_bits"]


def test_honesty_ksweep(client):
    body = client.get("/api/honesty/ksweep", params={"rho": 0.8, "n": 500}).json()
    assert [r["k"] for r in body["rows"]] == [1, 2, 3, 5, 10, 20, 50]
    dep = {r["k"]: r["dependent"] for r in body["rows"]}
    # one sample of n = 500: its own MI scatters by ~0.1 bits around the truth at rho = 0.8,
    # and all k see the same sample; larger k bias strong dependence downwards
    assert dep[3] == pytest.approx(body["truth"], abs=0.25)
    assert dep[50] < dep[1]
    assert all(abs(r["independent"]) < 0.12 for r in body["rows"])
    assert_4xx(client.get("/api/honesty/ksweep", params={"rho": 1.0}), 422, "rho")


# ------------------------------------------------------------------------------- real world


def test_weather_staged(client):
    params = {"n": 300, "n_resamples": 19, "seed": 1}
    quick = client.get("/api/realworld/weather", params={**params, "stage": "estimate"}).json()
    full = client.get("/api/realworld/weather", params=params).json()
    assert "p_value" not in quick["temperature_humidity"]
    for key in ("temperature_humidity", "temperature_lottery"):
        assert quick[key]["value"] == full[key]["value"]
        assert_readout(full[key], tested=True)
    assert full["temperature_humidity"]["value"] > full["temperature_lottery"]["value"]
    assert full["temperature_humidity"]["p_value"] == pytest.approx(1 / 20)
    assert "Wilcox" in full["source"]["citation"]
    assert_4xx(client.get("/api/realworld/weather", params={"month": 13}), 422, "month")


def test_medical_ranking_with_fdr(client):
    body = client.get("/api/realworld/medical", params={"n_resamples": 19}).json()
    ranking = body["ranking"]
    assert len(ranking) == 30 and body["n"] == 569
    values = [r["mi"]["value"] for r in ranking]
    assert values == sorted(values, reverse=True)
    assert {r["pearson_rank"] for r in ranking} == set(range(1, 31))
    qs = np.array([r["q_value"] for r in ranking])
    ps = np.array([r["mi"]["p_value"] for r in ranking])
    assert np.all(qs >= ps - 1e-12)
    assert np.allclose(np.sort(qs), np.sort(np.asarray(mi.fdr(ps))))
    assert ranking[0]["feature"].startswith(("worst", "mean"))  # size features lead


def test_genes_precision(client):
    body = client.get("/api/realworld/genes", params={"top": 10}).json()
    assert len(body["genes"]) == 11 and len(body["pairs"]) == 55
    matrix = np.array(body["matrix"])
    assert np.allclose(matrix, matrix.T)
    hits = sum(p["known"] for p in body["pairs"][:10])
    assert body["precision_at_top"] == hits / 10
    assert body["precision_at_top"] > body["baseline_precision"]  # better than a random guess
    assert body["precision_curve"][-1] == pytest.approx(body["baseline_precision"])
    assert_4xx(client.get("/api/realworld/genes", params={"top": 0}), 422, "top")
    assert_4xx(client.get("/api/realworld/genes", params={"method": "plugin"}), 422, "method")


# ------------------------------------------------------------------------------- your data


def _upload(client, text: str | bytes, name: str = "data.csv"):
    content = text.encode() if isinstance(text, str) else text
    return client.post("/api/yourdata/upload", files={"file": (name, content, "text/csv")})


def _table(n: int = 80, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    rows = [f"{x[i]:.5f},{rng.normal():.5f},{'hi' if x[i] > 0 else 'lo'},{i % 3}" for i in range(n)]
    return "signal,noise,label,group\n" + "\n".join(rows)


def test_upload_analyze_download(client):
    up = _upload(client, _table())
    assert up.status_code == 200
    body = up.json()
    assert body["rows"] == 80 and [c["name"] for c in body["columns"]] == [
        "signal",
        "noise",
        "label",
        "group",
    ]
    params = {"token": body["token"], "target": "label", "n_resamples": 19}
    quick = client.get("/api/yourdata/analyze", params={**params, "stage": "estimate"}).json()
    result = client.get("/api/yourdata/analyze", params=params).json()
    assert [r["feature"] for r in quick["ranking"]] == [r["feature"] for r in result["ranking"]]
    top = result["ranking"][0]
    assert top["feature"] == "signal" and top["mi"]["p_value"] == pytest.approx(1 / 20)
    assert all(r["q_value"] is not None for r in result["ranking"])
    assert_readout(top["mi"], tested=True)
    matrix = np.array(result["matrix"], dtype=float)
    assert matrix.shape == (4, 4) and np.all(np.isnan(np.diag(matrix)))
    csv = client.get("/api/yourdata/download", params=params)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("feature,kind,mi_bits,n,method,p_value")
    assert lines[1].startswith("signal,")


def test_download_escapes_formula_cells(client):
    text = "=cmd|' /C calc'!A0,+x,@y,-z,target\n" + "\n".join(
        f"{i % 5},{i % 7},{(i * 3) % 4},{i % 2},{i % 3}" for i in range(60)
    )
    token = _upload(client, text).json()["token"]
    csv = client.get(
        "/api/yourdata/download", params={"token": token, "target": "target", "n_resamples": 19}
    ).text
    cells = [line.split(",")[0] for line in csv.strip().splitlines()[1:]]
    assert all(not c.lstrip('"').startswith(("=", "+", "-", "@")) for c in cells), cells
    assert any(c.lstrip('"').startswith("'=") for c in cells)


def test_missing_values_use_pairwise_rows(client):
    rows = [f"{i},{'' if i % 4 == 0 else i * 2},{i % 2}" for i in range(60)]
    token = _upload(client, "a,b,t\n" + "\n".join(rows)).json()["token"]
    result = client.get(
        "/api/yourdata/analyze", params={"token": token, "target": "t", "n_resamples": 19}
    ).json()
    n_by_feature = {r["feature"]: r["mi"]["n"] for r in result["ranking"]}
    assert n_by_feature == {"a": 60, "b": 45}


def test_upload_rejections(client, monkeypatch):
    assert_4xx(_upload(client, ""), 400, "empty")
    assert_4xx(_upload(client, b"\xff\xfe\x00bad"), 400, "UTF-8")
    assert_4xx(_upload(client, "only\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11"), 400, "2 columns")
    assert_4xx(_upload(client, "a,b\n1,2\n3,4"), 400, "at least")
    assert_4xx(_upload(client, 'a,b\n1,"2\n3,4'), 400, "CSV")
    monkeypatch.setattr(yourdata, "MAX_BYTES", 1000)
    assert_4xx(_upload(client, "a,b\n" + "1,2\n" * 600), 413, "limit")


def test_upload_limits_and_tokens(client, monkeypatch):
    monkeypatch.setattr(yourdata, "MAX_ROWS", 50)
    assert_4xx(_upload(client, _table(60)), 413, "rows")
    monkeypatch.undo()
    wide = (
        ",".join(f"c{i}" for i in range(40))
        + "\n"
        + "\n".join(",".join("1" for _ in range(40)) for _ in range(20))
    )
    assert_4xx(_upload(client, wide), 413, "columns")
    assert_4xx(
        client.get("/api/yourdata/analyze", params={"token": "nonexistent-token", "target": "a"}),
        404,
        "token",
    )
    token = _upload(client, _table()).json()["token"]
    assert_4xx(client.get("/api/yourdata/analyze", params={"token": token, "target": "nope"}), 422, "target")
    # the store keeps at most MAX_SESSIONS uploads; the oldest goes first
    for _ in range(yourdata.MAX_SESSIONS):
        _upload(client, _table(20))
    assert token not in yourdata._STORE
    assert len(yourdata._STORE) <= yourdata.MAX_SESSIONS
    limits = client.get("/api/yourdata/limits").json()
    assert limits["max_bytes"] == 20 * 1024 * 1024


def test_example_csv_uploads(client):
    text = client.get("/api/yourdata/example").text
    assert text.startswith("month,hour,temperature_c")
    assert _upload(client, text).json()["rows"] == 600


# ------------------------------------------------------------------------------- applications


def test_applications_index_is_honest_about_availability(client):
    body = client.get("/api/applications/index").json()
    ids = [e["id"] for e in body["entries"]]
    assert ids == ["selection", "nmi", "trees", "infonce", "bottleneck", "transfer"]
    for entry in body["entries"]:
        for fn in entry["functions"]:
            name = fn["name"].removeprefix("mi.")
            if name.startswith("neural."):  # optional extra: module and torch installed
                expected = all(importlib.util.find_spec(m) is not None for m in ("mutinfo.neural", "torch"))
            else:
                expected = hasattr(mi, name)
            assert fn["available"] == expected
    text = {e["id"]: e["careful"] for e in body["entries"]}
    assert "Gini" in text["trees"] and "not adjusted for chance" in text["nmi"]
    assert "log(batch size)" in text["infonce"] and "not causation" in text["transfer"]
    sections = {e["id"]: e.get("section") for e in body["entries"]}
    assert sections == {
        "selection": "selection",
        "nmi": "clustering",
        "trees": "trees",
        "infonce": "representation",
        "bottleneck": "compression",
        "transfer": "causality",
    }
    manifest_ids = {s["id"] for s in client.get("/api/meta").json()["sections"]}
    assert set(sections.values()) <= manifest_ids


def test_nmi_positive_on_random_labels(client):
    body = client.get("/api/applications/nmi", params={"n": 200, "clusters": 20}).json()
    assert body["nmi"] > 0.1  # chance agreement inflates NMI with many clusters
    assert abs(body["ami"]) < 0.05
    assert body["mi"]["value"] > 0 and body["mi"]["method"] == "plugin"


def test_infonce_cap(client):
    body = client.get("/api/applications/infonce-cap", params={"batch": 1024, "true_mi": 12}).json()
    assert body["cap_bits"] == 10 and body["best_possible_bits"] == 10
    assert_4xx(client.get("/api/applications/infonce-cap", params={"batch": 1}), 422, "batch")


def test_transfer_entropy_matches_granger(client):
    body = client.get("/api/applications/te-granger", params={"coupling": 0.5, "n": 3000}).json()
    forward, backward = body["rows"]
    truth = coupled_ar_transfer_entropy(0.5)
    assert forward["truth"] == truth
    # Gaussian TE equals Granger / 2 up to the estimator's small-sample correction
    assert forward["te_gaussian"]["value"] == pytest.approx(forward["granger_half_bits"], abs=0.01)
    # sd of the estimate ~ sqrt(2 TE / n) nats ~ 0.015 bits
    assert forward["te_gaussian"]["value"] == pytest.approx(truth, abs=0.05)
    assert abs(backward["te_gaussian"]["value"]) < 0.02
    assert forward["te_knn"]["value"] > backward["te_knn"]["value"]


def test_recorded_warnings_blocks_in_threads_keep_their_own_records():
    """``catch_warnings`` is process-global: unlocked blocks in two threads restore each
    other's state out of order. Through the explorer's lock each block gets its own warnings
    and the process's warning state is unchanged afterwards."""
    import threading
    import time
    import warnings

    from mutinfo.explorer.common import recorded_warnings

    before = (list(warnings.filters), warnings.showwarning)
    seen: dict[int, list[str]] = {}

    def worker(i: int) -> None:
        with recorded_warnings() as records:
            warnings.warn(f"thread {i}", mi.SmallSampleWarning, stacklevel=1)
            time.sleep(0.01 * (i % 3))
        seen[i] = [str(r.message) for r in records]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {i: [f"thread {i}"] for i in range(8)}
    assert (list(warnings.filters), warnings.showwarning) == before
