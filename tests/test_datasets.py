"""Shipped data sets and generators: shapes, columns, physical ranges, metadata, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mutinfo import datasets
from mutinfo.datasets import gene_network

LOADERS = {
    "weather": (datasets.load_weather, (8760, 10)),
    "breast_cancer": (datasets.load_breast_cancer, (569, 31)),
    "gene_network": (datasets.load_gene_network, (2000, 14)),
    "gene_network_edges": (datasets.load_gene_network_edges, (30, 3)),
    "digits": (datasets.load_digits_clusters, (1797, 65)),
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_shape_columns_and_no_missing(name):
    loader, shape = LOADERS[name]
    frame = loader()
    meta = datasets.describe(name)
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == shape
    assert int(meta["rows"]) == shape[0]
    # every column is documented, in order, with a unit
    assert list(frame.columns) == list(meta["columns"])
    assert all(col["unit"] for col in meta["columns"].values())
    assert not frame.isna().any().any()


@pytest.mark.parametrize("name", datasets.available())
def test_metadata_has_source_citation_licence(name):
    meta = datasets.describe(name)
    for field in ("title", "source", "citation", "licence"):
        assert isinstance(meta[field], str) and len(meta[field]) > 5, field
    assert isinstance(meta["synthetic"], bool)
    if meta["synthetic"]:
        assert "SYNTHETIC" in meta["source"] or "SIMULATED" in meta["source"]


def test_describe_rejects_unknown_name():
    with pytest.raises(ValueError, match=r"`name` must be one of .*got 'nope'"):
        datasets.describe("nope")


def test_weather_is_physical_and_consistent():
    w = datasets.load_weather()
    assert w["temperature_c"].between(-30, 45).all()
    assert w["relative_humidity_pct"].between(0, 100).all()
    assert w["pressure_mbar"].between(900, 1050).all()
    assert (w["wind_speed_m_s"] >= 0).all() and (w["ghi_w_m2"] >= 0).all()
    # dew point never exceeds air temperature (rounding to 0.1 degC in the file)
    assert (w["dew_point_c"] <= w["temperature_c"] + 0.11).all()
    # one full year of hours in calendar order
    assert w["hour"].between(1, 24).all() and (w.groupby("month").size().sum() == 8760)
    assert w.groupby("month")["day"].max().tolist() == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    # a real seasonal cycle: July is warmer than January by more than 15 degC (Greensboro, NC)
    monthly = w.groupby("month")["temperature_c"].mean()
    assert monthly[7] - monthly[1] > 15
    # humidity agrees with temperature and dew point through the Magnus formula
    # (Alduchov & Eskridge 1996, https://doi.org/10.1175/1520-0450(1996)035<0601:IMFAOS>2.0.CO;2)
    t, td = w["temperature_c"], w["dew_point_c"]
    rh = 100 * np.exp(17.625 * td / (243.04 + td)) / np.exp(17.625 * t / (243.04 + t))
    error = (rh - w["relative_humidity_pct"]).abs()
    assert error.median() < 1.0 and error.quantile(0.95) < 3.0
    # within a day humidity falls as air warms (same moisture, higher saturation pressure),
    # while over the year the two are nearly uncorrelated: a dependence Pearson's r misses
    day = w.groupby(["month", "day"])
    t_anom = t - day["temperature_c"].transform("mean")
    rh_anom = w["relative_humidity_pct"] - day["relative_humidity_pct"].transform("mean")
    assert np.corrcoef(t_anom, rh_anom)[0, 1] < -0.6
    assert abs(t.corr(w["relative_humidity_pct"])) < 0.2


def test_breast_cancer_diagnosis_labels():
    b = datasets.load_breast_cancer()
    assert b["diagnosis"].value_counts().to_dict() == {"benign": 357, "malignant": 212}
    assert (b.drop(columns="diagnosis").dtypes == np.float64).all()


def test_digits_values():
    d = datasets.load_digits_clusters()
    pixels = d.drop(columns="digit")
    assert pixels.to_numpy().min() == 0 and pixels.to_numpy().max() == 16
    assert sorted(d["digit"].unique()) == list(range(10))


def test_gene_network_edges_refer_to_columns():
    expr = datasets.load_gene_network()
    edges = datasets.load_gene_network_edges()
    genes = set(datasets.GENES)
    assert genes <= set(expr.columns)
    assert set(edges["source"]) <= genes and set(edges["target"]) <= genes
    assert set(edges["sign"]) == {-1, 1}
    assert not edges.duplicated(["source", "target"]).any()
    self_loops = edges[edges["source"] == edges["target"]]
    assert sorted(self_loops["source"]) == ["C/EBPa", "GATA1", "GATA2", "PU.1"]
    # every gene is regulated by something (each has a rule in the Boolean model)
    assert set(edges["target"]) == genes


def test_gene_network_fates_match_marker_genes():
    expr = datasets.load_gene_network()
    fates = expr["fate"].value_counts()
    for fate in ("erythrocyte", "megakaryocyte", "monocyte", "granulocyte"):
        assert fates[fate] >= 100, fate
    late = expr[expr["time"] > 6]
    means = late.groupby("fate")[list(datasets.GENES)].mean()
    assert means.loc["erythrocyte", "EKLF"] > means.loc["erythrocyte", "Fli1"]
    assert means.loc["megakaryocyte", "Fli1"] > means.loc["megakaryocyte", "EKLF"]
    assert means.loc["monocyte", "cJun"] > means.loc["monocyte", "Gfi1"]
    assert means.loc["granulocyte", "Gfi1"] > means.loc["granulocyte", "cJun"]
    assert means.loc["erythrocyte", "GATA1"] > 0.5 > means.loc["granulocyte", "GATA1"]


def test_shipped_gene_network_regenerates_exactly():
    seed = int(datasets.describe("gene_network")["seed"])
    assert seed == gene_network.SEED
    fresh = datasets.simulate_gene_network(rng=seed)
    shipped = datasets.load_gene_network()
    genes = list(datasets.GENES)
    np.testing.assert_allclose(fresh[genes].to_numpy(), shipped[genes].to_numpy(), atol=5.1e-5, rtol=0)
    assert (fresh["fate"].to_numpy() == shipped["fate"].to_numpy()).all()


def test_simulator_is_deterministic_and_seed_sensitive():
    a = datasets.simulate_gene_network(200, rng=3)
    b = datasets.simulate_gene_network(200, rng=3)
    c = datasets.simulate_gene_network(200, rng=4)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["GATA1"], c["GATA1"])


def test_coupled_logistic_known_direction():
    maps = datasets.make_coupled_logistic(3000, 0.4, rng=7)
    assert list(maps.columns) == ["x", "y"] and len(maps) == 3000
    assert maps.to_numpy().min() >= 0 and maps.to_numpy().max() <= 1
    x, y = maps["x"].to_numpy(), maps["y"].to_numpy()
    # x follows its own map exactly; y is the documented convex mix driven by x
    f = lambda v: 4.0 * v * (1 - v)  # noqa: E731
    np.testing.assert_allclose(x[1:], f(x[:-1]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(y[1:], 0.6 * f(y[:-1]) + 0.4 * f(x[:-1]), rtol=0, atol=1e-12)


def test_coupled_logistic_zero_coupling_is_two_free_maps():
    maps = datasets.make_coupled_logistic(2000, 0.0, rng=2)
    assert abs(np.corrcoef(maps["x"], maps["y"])[0, 1]) < 0.1


def test_generators_deterministic_under_seed():
    pd.testing.assert_frame_equal(
        datasets.make_coupled_logistic(100, 0.2, rng=5), datasets.make_coupled_logistic(100, 0.2, rng=5)
    )
    pd.testing.assert_frame_equal(datasets.make_lottery(100, rng=5), datasets.make_lottery(100, rng=5))
    assert not datasets.make_lottery(100, rng=5).equals(datasets.make_lottery(100, rng=6))


def test_lottery_is_uniform_on_1_to_49():
    draws = datasets.make_lottery(49_000, rng=11)["number"]
    assert draws.dtype == np.int64 and draws.min() == 1 and draws.max() == 49
    counts = np.bincount(draws, minlength=50)[1:]
    # chi-square goodness of fit, 48 degrees of freedom: 99.9% quantile is about 84
    chi2 = ((counts - 1000) ** 2 / 1000).sum()
    assert chi2 < 84


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, r"`n` must be"),
        ({"n": 10, "coupling": 1.5}, r"`coupling` must be a real number in \[0, 1\]; got 1.5"),
        ({"n": 10, "r": 5}, r"`r` must be a real number in \(0, 4\]; got 5"),
    ],
)
def test_coupled_logistic_rejects_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        datasets.make_coupled_logistic(**kwargs)


def test_loaders_return_independent_copies():
    first = datasets.load_weather()
    first.loc[0, "temperature_c"] = 999.0
    assert datasets.load_weather().loc[0, "temperature_c"] != 999.0


def test_gene_network_edges_carry_more_information_than_non_edges():
    # the simulated data must reflect the network: a relevance network (rank gene pairs by
    # MI) separates true regulatory pairs from the rest well above chance (AUROC 0.5)
    import itertools
    import warnings

    import mutinfo as mi

    expr = datasets.load_gene_network()
    edges = datasets.load_gene_network_edges()
    true_pairs = {frozenset(p) for p in zip(edges["source"], edges["target"]) if p[0] != p[1]}
    scores, labels = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)
        for a, b in itertools.combinations(datasets.GENES, 2):
            scores.append(float(mi.mutual_info(expr[a], expr[b], method="ksg1")))
            labels.append(frozenset((a, b)) in true_pairs)
    scores, labels = np.array(scores), np.array(labels)
    assert labels.sum() == 20 and (~labels).sum() == 35
    pos, neg = scores[labels], scores[~labels]
    auroc = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert auroc > 0.65
