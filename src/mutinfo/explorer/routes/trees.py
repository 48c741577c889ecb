"""Section 13, decision trees and information gain: an ID3 tree grown one split at a time.

The tree is :class:`mutinfo.InformationGainTree` (``criterion="gain"``) fitted on Quinlan's
play-tennis table (14 days, 4 categorical features) or on four features of the breast-cancer
data (continuous, threshold splits, ``max_depth=3``). The fitted tree's internal nodes are
taken in breadth-first order; step s shows the tree with its first s splits made and the
node split next, with ``candidate_gains``: the best information gain in bits on every feature
at that node, as the tree computed it. The split chosen is the largest of them.

References
----------
Quinlan, J. R. (1986). Induction of decision trees. *Machine Learning* 1, 81-106.
https://doi.org/10.1007/BF00116251
"""

from __future__ import annotations

import copy
from collections import deque
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import clean, snippet

__all__ = ["DATASETS", "fitted_tree", "router", "tennis", "tree_view"]

router = APIRouter(prefix="/api/trees", tags=["trees"])

#: Breast-cancer columns used by the "cancer" data set, and its depth limit.
CANCER_FEATURES = ["worst perimeter", "worst concave points", "mean texture", "worst smoothness"]
CANCER_DEPTH = 3
DATASETS = {
    "tennis": "Play tennis (Quinlan 1986): 14 days, 4 categorical features",
    "cancer": f"Breast cancer: 4 continuous features, threshold splits, max_depth={CANCER_DEPTH}",
}

_TENNIS = {
    "outlook": "sunny sunny overcast rain rain rain overcast sunny sunny rain sunny overcast overcast rain",
    "temperature": "hot hot hot mild cool cool cool mild cool mild mild mild hot mild",
    "humidity": "high high high high normal normal normal high normal normal normal high normal high",
    "wind": "weak strong weak weak weak strong strong weak weak weak strong strong weak strong",
    "play": "no no yes yes yes no yes no yes yes yes yes yes no",
}


def tennis() -> pd.DataFrame:
    """Quinlan's (1986, Table 1) play-tennis table: 14 rows, 4 features and ``play``."""
    return pd.DataFrame({name: words.split() for name, words in _TENNIS.items()})


def _data(name: str) -> tuple[pd.DataFrame, pd.Series]:
    if name == "tennis":
        frame = tennis()
        return frame.drop(columns="play"), frame["play"]
    from mutinfo.datasets import load_breast_cancer

    frame = load_breast_cancer()
    return frame[CANCER_FEATURES], frame["diagnosis"]


@lru_cache(maxsize=len(DATASETS))
def fitted_tree(name: str) -> mi.InformationGainTree:
    """The fully grown tree for a data set (cached)."""
    X, y = _data(name)
    depth = CANCER_DEPTH if name == "cancer" else None
    return mi.InformationGainTree(criterion="gain", max_depth=depth).fit(X, y)


def _conditions(tree: mi.InformationGainTree, node: Any) -> list[str]:
    name = str(tree.feature_names_in_[node.feature])
    if node.categorical:
        return [f"{name} = {tree.categories_[node.feature][lv]}" for lv in node.levels]
    return [f"{name} <= {node.threshold:.3f}", f"{name} > {node.threshold:.3f}"]


@lru_cache(maxsize=len(DATASETS))
def _splits(name: str) -> list[tuple[Any, list[str]]]:
    """Internal nodes in breadth-first order, each with the path of conditions leading to it."""
    tree = fitted_tree(name)
    out = []
    queue = deque([(tree.tree_, [])])
    while queue:
        node, path = queue.popleft()
        if node.is_leaf:
            continue
        out.append((node, path))
        for cond, child in zip(_conditions(tree, node), node.children, strict=True):
            queue.append((child, [*path, cond]))
    return out


def _partial_text(name: str, step: int) -> str:
    """export_text of the tree with only its first ``step`` splits (breadth-first) made."""
    tree = fitted_tree(name)
    splits = _splits(name)
    if step >= len(splits):
        return tree.export_text()
    clone = copy.deepcopy(tree)
    clone_splits = []
    queue = deque([clone.tree_])
    while queue:
        node = queue.popleft()
        if not node.is_leaf:
            clone_splits.append(node)
            queue.extend(node.children)
    for node in clone_splits[step:]:
        node.make_leaf()
    return clone.export_text()


def _entropy_bits(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum())


def tree_view(name: str, step: int) -> dict[str, Any]:
    """The tree after ``step`` splits and the candidate gains at the node split next."""
    tree = fitted_tree(name)
    splits = _splits(name)
    n_steps = len(splits)
    step = min(step, n_steps)
    X, _ = _data(name)
    features = [str(c) for c in tree.feature_names_in_]
    body: dict[str, Any] = {
        "data": name,
        "description": DATASETS[name],
        "step": step,
        "n_steps": n_steps,
        "n": int(X.shape[0]),
        "features": features,
        "classes": [str(c) for c in tree.classes_],
        "text": _partial_text(name, step),
        "full_text": tree.export_text(),
        "done": step == n_steps,
        "node": None,
    }
    if step < n_steps:
        node, path = splits[step]
        gains = node.candidate_gains
        body["node"] = {
            "path": path,
            "depth": int(node.depth),
            "n": float(node.weight),
            "counts": node.counts,
            "entropy": _entropy_bits(node.counts),
            "candidates": [
                {"feature": f, "gain": float(g) if np.isfinite(g) else None}
                for f, g in zip(features, gains, strict=True)
            ],
            "chosen": features[node.feature],
            "gain": {
                "value": float(node.gain),
                "unit": "bits",
                "n": float(node.weight),
                "method": "plug-in (InformationGainTree, criterion='gain')",
                "quantity": f"gain of {features[node.feature]}",
                "kind": "exact",
            },
        }
    load = (
        "from mutinfo.explorer.routes.trees import tennis\n\n"
        'frame = tennis()\nX, y = frame.drop(columns="play"), frame["play"]\n'
        'tree = mi.InformationGainTree(criterion="gain").fit(X, y)'
        if name == "tennis"
        else "from mutinfo.datasets import load_breast_cancer\n\n"
        f'frame = load_breast_cancer()\nX, y = frame[{CANCER_FEATURES!r}], frame["diagnosis"]\n'
        f'tree = mi.InformationGainTree(criterion="gain", max_depth={CANCER_DEPTH}).fit(X, y)'
    )
    body["snippet"] = snippet(
        "import mutinfo as mi\n"
        + load
        + f"""
print(tree.export_text())
# the splits in breadth-first order; step {step} shows the node split next
nodes, queue = [], [tree.tree_]
while queue:
    node = queue.pop(0)
    if node.children:
        nodes.append(node)
        queue.extend(node.children)
if {step} < len(nodes):
    node = nodes[{step}]
    for name, gain in zip(tree.feature_names_in_, node.candidate_gains):
        print(f"gain {{name}} =", gain)
"""
    )
    return body


@router.get("/view")
def view(
    data: str = Query("tennis", pattern="^(tennis|cancer)$", description="data set"),
    step: int = Query(0, ge=0, le=50, description="number of splits made so far"),
) -> dict[str, Any]:
    """The tree grown so far, and the information gain of every feature at the next node."""
    return clean(tree_view(data, step))
