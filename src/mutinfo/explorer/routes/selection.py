"""Section 11, feature selection with MI: top-k by relevance against mRMR on breast-cancer data.

Both rankings come from :class:`mutinfo.MutualInfoSelector` (``criterion="relevance"`` and
``criterion="mrmr"``, k = 15) fitted once on the 30 features and the diagnosis of
:func:`mutinfo.datasets.load_breast_cancer`; the first k of each order are the selected sets.
A feature in the relevance top-k that mRMR skips is shown with the selected feature it is most
redundant with, I(f; g) in bits from ``mi.mutual_info``. The accuracy curve is 3-fold
stratified cross-validation (shuffled, ``random_state=0``) of a standardised logistic
regression on the first k features of each order, k = 1..15, computed once and cached.

References
----------
Peng H, Long F, Ding C (2005). Feature selection based on mutual information: criteria of
max-dependency, max-relevance, and min-redundancy. IEEE TPAMI 27(8), 1226-1238.
https://doi.org/10.1109/TPAMI.2005.159
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import UNIT_BASE, clean, library_warnings, snippet

__all__ = ["K_MAX", "accuracy_curve", "rankings", "router", "selection_view"]

router = APIRouter(prefix="/api/selection", tags=["selection"])

#: Largest k on the slider and in the accuracy curve.
K_MAX = 15
#: Folds of the cross-validation behind the accuracy curve.
N_FOLDS = 3


@lru_cache(maxsize=1)
def _data() -> tuple[Any, Any]:
    from mutinfo.datasets import load_breast_cancer

    frame = load_breast_cancer()
    return frame.drop(columns="diagnosis"), frame["diagnosis"]


@lru_cache(maxsize=1)
def rankings() -> dict[str, Any]:
    """Relevance of every feature and the two selection orders (first K_MAX features)."""
    X, y = _data()
    with library_warnings() as notes:
        rel = mi.MutualInfoSelector(k=K_MAX, criterion="relevance").fit(X, y)
        mrmr = mi.MutualInfoSelector(k=K_MAX, criterion="mrmr").fit(X, y)
    names = [str(c) for c in X.columns]
    return {
        "names": names,
        "relevance": rel.relevance_.copy(),
        "relevance_order": [int(j) for j in rel.selection_order_],
        "mrmr_order": [int(j) for j in mrmr.selection_order_],
        "mrmr_scores": mrmr.scores_.copy(),
        "mrmr_redundancy": mrmr.redundancy_.copy(),
        "warnings": tuple(notes),
    }


@lru_cache(maxsize=64)
def _cv_accuracy(columns: tuple[str, ...]) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _data()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    folds = StratifiedKFold(N_FOLDS, shuffle=True, random_state=0)
    return float(cross_val_score(model, X[list(columns)], y, cv=folds).mean())


@lru_cache(maxsize=1)
def accuracy_curve() -> dict[str, list[float]]:
    """Cross-validated accuracy of the first k features of each order, k = 1..K_MAX."""
    r = rankings()
    names = r["names"]
    out: dict[str, list[float]] = {"relevance": [], "mrmr": []}
    for key in out:
        order = r[f"{key}_order"]
        out[key] = [_cv_accuracy(tuple(names[j] for j in order[:k])) for k in range(1, K_MAX + 1)]
    return out


@lru_cache(maxsize=K_MAX)
def _skipped(k: int) -> list[dict[str, Any]]:
    """Features in the relevance top-k that mRMR's top-k leaves out, with their closest twin."""
    r = rankings()
    X, _ = _data()
    names = r["names"]
    chosen = r["mrmr_order"][:k]
    out = []
    for j in r["relevance_order"][:k]:
        if j in chosen:
            continue
        with library_warnings():
            pairs = [(float(mi.mutual_info(X[names[j]], X[names[g]], base=UNIT_BASE)), g) for g in chosen]
        value, g = max(pairs)
        out.append(
            {
                "feature": names[j],
                "relevance": float(r["relevance"][j]),
                "twin": names[g],
                "redundancy": value,
            }
        )
    return out


def selection_view(k: int) -> dict[str, Any]:
    """Everything the selection section shows for the first ``k`` features."""
    r = rankings()
    names, relevance = r["names"], r["relevance"]
    n = int(_data()[0].shape[0])
    top = [names[j] for j in r["relevance_order"][:k]]
    mrmr = [names[j] for j in r["mrmr_order"][:k]]

    def acc(key: str) -> dict[str, Any]:
        return {
            "value": _cv_accuracy(tuple(names[j] for j in r[f"{key}_order"][:k])),
            "unit": "accuracy",
            "n": n,
            "method": f"{N_FOLDS}-fold CV, logistic regression",
            "quantity": f"accuracy with the first {k} ({key})",
            "kind": "estimate",
        }

    order = np.argsort(-relevance, kind="stable")
    return {
        "k": k,
        "k_max": K_MAX,
        "n": n,
        "features": [
            {
                "name": names[j],
                "relevance": float(relevance[j]),
                "in_top": names[j] in top,
                "in_mrmr": names[j] in mrmr,
            }
            for j in order
        ],
        "top": top,
        "mrmr": mrmr,
        "mrmr_scores": [float(r["mrmr_scores"][j]) for j in r["mrmr_order"][:k]],
        "skipped": _skipped(k),
        "only_mrmr": [f for f in mrmr if f not in top],
        "relevance_method": "MutualInfoSelector(criterion='relevance'), mutual_info method='auto'",
        "accuracy": {"relevance": acc("relevance"), "mrmr": acc("mrmr")},
        "warnings": list(r["warnings"]),
        "snippet": snippet(
            f"""
import mutinfo as mi
from mutinfo.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

frame = load_breast_cancer()
X, y = frame.drop(columns="diagnosis"), frame["diagnosis"]
top = mi.MutualInfoSelector(k={k}, criterion="relevance").fit(X, y)
mrmr = mi.MutualInfoSelector(k={k}, criterion="mrmr").fit(X, y)
print("top-k by relevance:", list(X.columns[top.selection_order_]))
print("mRMR:", list(X.columns[mrmr.selection_order_]))
folds = StratifiedKFold({N_FOLDS}, shuffle=True, random_state=0)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
for name, sel in [("relevance", top), ("mrmr", mrmr)]:
    cols = list(X.columns[sel.selection_order_])
    print(f"accuracy {{name}} =", cross_val_score(model, X[cols], y, cv=folds).mean())
"""
        ),
    }


@router.get("/view")
def view(k: int = Query(5, ge=1, le=K_MAX, description="number of features to select")) -> dict[str, Any]:
    """Relevance of all features, the two selected sets and their accuracy at this k."""
    return clean(selection_view(k))


@router.get("/curve")
def curve() -> dict[str, Any]:
    """Cross-validated accuracy for k = 1..15 under both orders (computed once, then cached)."""
    return clean({"k": list(range(1, K_MAX + 1)), **accuracy_curve(), "folds": N_FOLDS})
