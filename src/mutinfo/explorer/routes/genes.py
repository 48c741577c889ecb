"""Section 15, gene regulatory networks inferred from pairwise mutual information.

Data: :func:`mutinfo.datasets.load_gene_network` (SIMULATED expression of the 11-gene myeloid
network of Krumsiek et al. 2011, DOI: 10.1371/journal.pone.0022649) and its known edges
(direction, sign and self-loops ignored: an MI network is undirected). The MI matrix is
:func:`mutinfo.pairwise` (bits, KSG-1 / Gao et al. for tied values, k = 3); the four methods of
:mod:`mutinfo.network` turn it into edge weights, and :func:`mutinfo.network.score` compares
those with the known edges (precision-recall curve, AUPR, AUROC).

The page calls the ``top_k`` strongest edges of the chosen method (only edges the method kept,
weight > 0) and shows where that call sits on the method's PR curve. ARACNE's data processing
inequality (Margolin et al. 2006, DOI: 10.1186/1471-2105-7-S1-S7) is shown on one triangle of
genes: its weakest edge is removed when it is below ``(1 - tolerance)`` times both others.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.datasets import load_gene_network, load_gene_network_edges
from mutinfo.datasets.gene_network import GENES
from mutinfo.explorer.common import clean, library_warnings, snippet

__all__ = ["METHODS", "TRIANGLES", "known_pairs", "mi_matrix", "router", "view_body"]

router = APIRouter(prefix="/api/genes", tags=["genes"])

#: Method name -> (label, function of mutinfo.network).
METHODS: dict[str, str] = {
    "relevance": "Relevance network (MI itself)",
    "aracne": "ARACNE (MI pruned by the DPI)",
    "clr": "CLR (MI against each gene's background)",
    "mrnet": "MRNET (max relevance, min redundancy)",
}
#: Triangles of genes offered for the DPI illustration.
TRIANGLES: tuple[tuple[str, str, str], ...] = (
    ("PU.1", "cJun", "EgrNab"),
    ("GATA1", "FOG1", "SCL"),
    ("C/EBPa", "Gfi1", "PU.1"),
)
#: Seed of the kNN estimator (only the tie-breaking of equal distances could use it).
SEED = 0
METHOD_PATTERN = "^(" + "|".join(METHODS) + ")$"
N_PAIRS = len(GENES) * (len(GENES) - 1) // 2


@lru_cache(maxsize=1)
def mi_matrix() -> tuple[pd.DataFrame, list[str]]:
    """The pairwise MI matrix of the shipped genes (bits) and the library's warnings."""
    data = load_gene_network()[list(GENES)]
    with library_warnings() as notes:
        matrix = mi.pairwise(data, rng=SEED)
    return matrix, list(notes)


@lru_cache(maxsize=1)
def known_pairs() -> frozenset[tuple[str, str]]:
    """Known edges as unordered gene pairs (sorted by the order of GENES), self-loops dropped."""
    order = {g: j for j, g in enumerate(GENES)}
    out = set()
    for a, b in load_gene_network_edges()[["source", "target"]].itertuples(index=False):
        if a != b:
            out.add(tuple(sorted((a, b), key=order.__getitem__)))
    return frozenset(out)


@lru_cache(maxsize=64)
def _network(method: str, tolerance: float) -> Any:
    matrix, _ = mi_matrix()
    if method == "aracne":
        return mi.network.aracne(matrix, tolerance=tolerance, precomputed=True)
    return getattr(mi.network, method)(matrix, precomputed=True)


def _triangle(index: int, tolerance: float) -> dict[str, Any]:
    matrix, _ = mi_matrix()
    genes = TRIANGLES[index]
    sides = []
    for a, b in ((genes[0], genes[1]), (genes[1], genes[2]), (genes[0], genes[2])):
        key = tuple(sorted((a, b), key=GENES.index))
        sides.append({"a": a, "b": b, "mi": float(matrix.loc[a, b]), "known": key in known_pairs()})
    weakest = min(range(3), key=lambda s: sides[s]["mi"])
    others = [sides[s]["mi"] for s in range(3) if s != weakest]
    bound = (1.0 - tolerance) * min(others)
    removed = sides[weakest]["mi"] < bound
    w = sides[weakest]
    if removed:
        why = (
            f"I({w['a']}; {w['b']}) = {w['mi']:.3f} bits is below (1 - {tolerance:g}) x "
            f"{min(others):.3f} = {bound:.3f} bits, the weaker of the two other sides: "
            f"by the data processing inequality an indirect link through the third gene "
            f"can carry no more than either step, so "
            f"ARACNE removes it as indirect."
        )
    else:
        why = (
            f"I({w['a']}; {w['b']}) = {w['mi']:.3f} bits is not below (1 - {tolerance:g}) x "
            f"{min(others):.3f} = {bound:.3f} bits, so within this tolerance it could be a direct link "
            f"and ARACNE keeps all three edges (of this triangle)."
        )
    if removed:
        why += (
            " Here that edge IS a known regulatory edge: the DPI cost a true edge (a false negative)."
            if w["known"]
            else " It is not a known edge: the pruning was right."
        )
    for s, side in enumerate(sides):
        side["removed"] = bool(removed and s == weakest)
    return {
        "genes": list(genes),
        "sides": sides,
        "weakest": weakest,
        "bound": bound,
        "removed": removed,
        "why": why,
    }


def _snippet(method: str, tolerance: float, top_k: int) -> str:
    call = (
        f"mi.network.aracne(m, tolerance={tolerance!r}, precomputed=True)"
        if method == "aracne"
        else f"mi.network.{method}(m, precomputed=True)"
    )
    return snippet(f"""
import mutinfo as mi
from mutinfo.datasets import load_gene_network, load_gene_network_edges
from mutinfo.datasets.gene_network import GENES

m = mi.pairwise(load_gene_network()[list(GENES)], rng={SEED})  # MI matrix, bits
known = load_gene_network_edges()
net = {call}
pr = mi.network.score(net, known)
print("AUPR =", pr.aupr, "| random:", pr.baseline)
print("AUROC =", pr.auroc, "| random: 0.5")
truth = {{frozenset(e) for e in known[["source", "target"]].itertuples(index=False) if e[0] != e[1]}}
top = net.edges.head({top_k})
tp = sum(frozenset((s, t)) in truth for s, t in zip(top.source, top.target))
print("precision =", tp / len(top))
print("recall =", tp / len(truth))
""")


def view_body(method: str, top_k: int, tolerance: float, triangle: int) -> dict[str, Any]:
    """Everything the genes view shows for one setting (deterministic; cached parts)."""
    matrix, notes = mi_matrix()
    net = _network(method, tolerance)
    known = known_pairs()
    pr = mi.network.score(net, load_gene_network_edges())
    edges = net.edges
    n_kept = len(edges)
    k = min(top_k, n_kept)
    called = []
    for row in edges.head(k).itertuples(index=False):
        key = tuple(sorted((row.source, row.target), key=GENES.index))
        called.append(
            {"a": key[0], "b": key[1], "weight": float(row.weight), "status": "tp" if key in known else "fp"}
        )
    called_keys = {(e["a"], e["b"]) for e in called}
    missed = [
        {"a": a, "b": b, "status": "fn"}
        for a, b in sorted(known, key=lambda e: (GENES.index(e[0]), GENES.index(e[1])))
        if (a, b) not in called_keys
    ]
    tp = sum(e["status"] == "tp" for e in called)
    precision = tp / k if k else float("nan")
    recall = tp / len(known)
    n_cells = int(load_gene_network().shape[0])
    warnings = list(notes)
    if top_k > n_kept:
        warnings.append(f"{METHODS[method]} keeps only {n_kept} edges; top {top_k} shows all {n_kept}.")
    return {
        "method": method,
        "label": METHODS[method],
        "top_k": top_k,
        "k": k,
        "n_kept": n_kept,
        "tolerance": tolerance,
        "genes": list(GENES),
        "mi": {
            "matrix": np.round(matrix.to_numpy(), 5),
            "unit": "bits",
            "n": n_cells,
            "method": "ksg1 (Gao et al. where tied), k = 3",
        },
        "edges": called,
        "missed": missed,
        "point": {"precision": precision, "recall": recall, "tp": tp, "fp": k - tp, "k": k},
        "curve": {"precision": pr.precision, "recall": pr.recall},
        "aupr": {"value": pr.aupr, "unit": "", "n": pr.n_pairs, "method": method, "random": pr.baseline},
        "auroc": {"value": pr.auroc, "unit": "", "n": pr.n_pairs, "method": method, "random": 0.5},
        "n_pairs": pr.n_pairs,
        "n_known": pr.n_positive,
        "triangle": _triangle(triangle, tolerance),
        "triangles": [list(t) for t in TRIANGLES],
        "warnings": warnings,
        "snippet": _snippet(method, tolerance, top_k),
    }


@router.get("/view")
def view(
    method: str = Query("aracne", pattern=METHOD_PATTERN, description="network inference method"),
    top_k: int = Query(12, ge=1, le=N_PAIRS, description="strongest edges called"),
    tolerance: float = Query(0.15, ge=0.0, le=0.5, description="ARACNE's DPI tolerance"),
    triangle: int = Query(0, ge=0, le=len(TRIANGLES) - 1, description="triangle of genes for the DPI"),
) -> dict[str, Any]:
    """MI heatmap, inferred network vs known edges, PR point and curve, ARACNE on a triangle."""
    return clean(view_body(method, top_k, round(tolerance, 4), triangle))
