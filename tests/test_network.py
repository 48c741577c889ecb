"""Tests for mutinfo.network: ARACNE, CLR, MRNET, relevance networks and scoring."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import mutinfo as mi
from mutinfo.datasets import load_gene_network, load_gene_network_edges

net = mi.network


def _chain(n: int = 2000, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = x + rng.normal(size=n)
    z = y + rng.normal(size=n)
    return np.column_stack([x, y, z])


def _edges(network: net.Network) -> set[frozenset[str]]:
    return {frozenset((e.source, e.target)) for e in network.edges.itertuples()}


def test_chain_aracne_removes_the_indirect_edge():
    # X -> Y -> Z: I(X;Z) = 0.5 ln(3/2) < I(X;Y) = 0.5 ln 2 < I(Y;Z) = 0.5 ln 3 (nats)
    data = _chain()
    rel = net.relevance(data, base=math.e)
    assert _edges(rel) == {frozenset("01"), frozenset("12"), frozenset("02")}
    assert rel.adjacency.loc["0", "2"] == pytest.approx(0.5 * math.log(1.5), abs=0.07)
    ara = net.aracne(data, base=math.e)
    assert _edges(ara) == {frozenset("01"), frozenset("12")}
    assert ara.adjacency.loc["0", "1"] == rel.adjacency.loc["0", "1"]  # weights are the MI
    assert ara.unit == "nats"


def test_star_aracne_keeps_only_hub_edges():
    rng = np.random.default_rng(4)
    n = 2000
    hub = rng.normal(size=n)
    leaves = [hub + rng.normal(size=n) for _ in range(4)]
    frame = pd.DataFrame({"hub": hub, **{f"leaf{j}": v for j, v in enumerate(leaves)}})
    ara = net.aracne(frame)
    assert _edges(ara) == {frozenset(("hub", f"leaf{j}")) for j in range(4)}
    g = ara.to_networkx()
    assert g.number_of_edges() == 4 and dict(g.degree())["hub"] == 4
    # leaves share information only through the hub: relevance keeps those 6 edges too
    assert len(_edges(net.relevance(frame, threshold=0.05))) == 10


def test_aracne_tolerance_on_a_precomputed_matrix():
    w = np.array([[0.0, 1.0, 0.9], [1.0, 0.0, 0.95], [0.9, 0.95, 0.0]])
    strict = net.aracne(w, precomputed=True)
    assert strict.adjacency.to_numpy()[0, 2] == 0.0 and strict.adjacency.to_numpy()[0, 1] == 1.0
    # 0.9 >= 0.8 * 0.95: within the tolerance, the edge stays
    loose = net.aracne(w, precomputed=True, tolerance=0.2)
    assert loose.adjacency.to_numpy()[0, 2] == 0.9
    # a threshold above 0.9 removes that edge before the DPI
    assert _edges(net.aracne(w, precomputed=True, threshold=0.92)) == {frozenset("01"), frozenset("12")}


def test_clr_matches_its_formula():
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 1, size=(5, 5))
    w = (a + a.T) / 2
    np.fill_diagonal(w, np.nan)
    got = net.clr(w, precomputed=True).adjacency.to_numpy()
    for i in range(5):
        for j in range(5):
            if i == j:
                assert got[i, j] == 0
                continue
            zs = []
            for r in (i, j):
                row = np.delete(w[r], r)
                zs.append(max(0.0, (w[i, j] - row.mean()) / row.std()))
            assert got[i, j] == pytest.approx(math.hypot(*zs), rel=1e-12)


def test_mrnet_by_hand():
    # I(0;1) = 1, I(0;2) = 0.8, I(1;2) = 0.9. Target 0: picks 1 (s = 1), then 2 (0.8 - 0.9 < 0).
    # Target 1: 0 (1), then 2 (0.9 - 0.8 = 0.1). Target 2: 1 (0.9), then 0 (0.8 - 1 < 0).
    w = np.array([[0.0, 1.0, 0.8], [1.0, 0.0, 0.9], [0.8, 0.9, 0.0]])
    got = net.mrnet(w, precomputed=True).adjacency.to_numpy()
    assert got[0, 1] == 1.0 and got[1, 2] == 0.9
    assert got[0, 2] == 0.0  # both scores negative: no edge


def test_score_perfect_reversed_and_by_hand():
    labels = ["a", "b", "c", "d"]
    truth = [("a", "b"), ("c", "d")]
    w = pd.DataFrame(np.zeros((4, 4)), index=labels, columns=labels)
    for (x, y), v in zip(
        [("a", "b"), ("c", "d"), ("a", "c"), ("b", "d"), ("a", "d"), ("b", "c")], range(6, 0, -1)
    ):
        w.loc[x, y] = w.loc[y, x] = v
    perfect = net.score(w, truth)
    assert perfect.aupr == 1.0 and perfect.auroc == 1.0 and perfect.baseline == pytest.approx(2 / 6)
    reversed_ = net.score(-w, truth)
    assert reversed_.auroc == 0.0
    assert reversed_.aupr == pytest.approx(0.5 * (1 / 5) + 0.5 * (2 / 6))
    # one positive first, then a negative, then the other positive: AP = 0.5 * 1 + 0.5 * 2/3
    w2 = w.copy()
    w2.loc["c", "d"] = w2.loc["d", "c"] = 3.5
    r = net.score(w2, truth)
    assert r.aupr == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert r.auroc == pytest.approx(7 / 8)
    with pytest.raises(ValueError, match="'z'"):
        net.score(w, [("a", "z")])


def test_gene_network_methods_beat_random():
    genes = load_gene_network().drop(columns=["cell", "time", "fate"])
    edges = load_gene_network_edges()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.TiesWarning)
        matrix = mi.pairwise(genes)
    scores = {}
    for f in (net.relevance, net.aracne, net.clr, net.mrnet):
        result = net.score(f(matrix, precomputed=True), edges)
        scores[f.__name__] = result
        # 22 of 55 pairs are linked (baseline 0.4); random AUPR sd is ~0.07 here
        assert result.aupr > result.baseline + 0.2
        assert result.auroc > 0.65
    assert scores["mrnet"].aupr > scores["relevance"].aupr


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "match"),
    [
        (np.array([[0, 1.0], [0.5, 0]]), {"precomputed": True}, ValueError, "symmetric"),
        (np.array([[0, np.nan], [np.nan, 0]]), {"precomputed": True}, ValueError, "finite"),
        (np.zeros((3, 4)), {"precomputed": True}, ValueError, "square"),
        (np.eye(3), {"precomputed": True, "tolerance": 1.0}, ValueError, "`tolerance`"),
        (np.eye(3), {"precomputed": True, "threshold": "x"}, TypeError, "`threshold`"),
    ],
)
def test_bad_input(data, kwargs, error, match):
    with pytest.raises(error, match=match):
        net.aracne(data, **kwargs)


def test_clr_needs_three_variables():
    with pytest.raises(ValueError, match="at least 3"):
        net.clr(np.array([[0, 1.0], [1.0, 0]]), precomputed=True)


@pytest.mark.parametrize("method", ["relevance", "aracne", "clr", "mrnet"])
@pytest.mark.parametrize(
    ("data", "kwargs", "match"),
    [
        (np.column_stack([np.arange(40.0), np.ones(40), np.arange(40.0) ** 0.5]), {}, "constant column"),
        (
            np.column_stack([np.arange(40.0), np.r_[np.inf, np.arange(39.0)], np.arange(40.0) ** 2]),
            {},
            "finite",
        ),
        (np.arange(40.0)[:, None], {}, "at least 2 columns"),
        (np.eye(1), {"precomputed": True}, "p >= 2"),
        (
            pd.DataFrame({"a": np.arange(40.0), "b": np.arange(40.0) ** 0.5, "c": np.arange(40.0) ** 2}),
            {"given": pd.DataFrame({"a": np.arange(40.0)})},
            "overlap",
        ),
    ],
)
def test_bad_raw_data_for_every_method(method, data, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(net, method)(data, **kwargs)


def test_conditional_network_removes_the_shared_cause():
    # a fork Y <- X -> Z: Y and Z are linked marginally, not given X
    rng = np.random.default_rng(7)
    n = 1500
    x = rng.normal(size=n)
    frame = pd.DataFrame({"x": x, "y": x + rng.normal(size=n), "z": x + rng.normal(size=n)})
    plain = net.relevance(frame[["y", "z"]], threshold=0.05)
    given = net.relevance(frame, given="x", threshold=0.05)
    assert _edges(plain) == {frozenset(("y", "z"))}
    assert _edges(given) == set() and list(given.adjacency.index) == ["y", "z"]
