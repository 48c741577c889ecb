"""Scoring an inferred network against known edges: precision-recall curve, AUPR, AUROC.

Every unordered pair of distinct variables is one candidate edge; a pair is positive when
the known network links the two variables in either direction (self-loops are ignored,
since MI networks have none). A method's weights rank the candidates; pairs it pruned
(weight 0) rank last together.

References
----------
J. Davis and M. Goadrich, "The relationship between precision-recall and ROC curves",
ICML 2006. https://doi.org/10.1145/1143844.1143874
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PrecisionRecall", "score"]


@dataclass(frozen=True)
class PrecisionRecall:
    """Agreement of edge weights with a known network.

    Attributes
    ----------
    precision, recall : numpy.ndarray
        The precision-recall curve, one point per distinct weight (strongest first).
    thresholds : numpy.ndarray
        The weight at each point: edges with weight >= threshold are called.
    aupr : float
        Area under the PR curve as average precision, ``sum_k (R_k - R_{k-1}) P_k``.
    auroc : float
        Area under the ROC curve (Mann-Whitney, ties count one half).
    baseline : float
        Fraction of positive pairs: the expected AUPR of random weights.
    n_pairs, n_positive : int
        Candidate pairs and known edges among them.
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray
    aupr: float
    auroc: float
    baseline: float
    n_pairs: int
    n_positive: int


def _pairs(weights: Any) -> tuple[np.ndarray, list[str]]:
    adjacency = getattr(weights, "adjacency", weights)
    if hasattr(adjacency, "__next__") or isinstance(adjacency, (str, bytes)) or adjacency is None:
        raise TypeError(
            f"`weights` must be a square matrix of numbers or a Network; got {type(adjacency).__name__} "
            f"{adjacency!r:.60}."
        )
    try:
        if isinstance(adjacency, pd.DataFrame):
            labels = [str(c) for c in adjacency.index]
            raw = adjacency.to_numpy()
        else:
            raw = np.asarray(adjacency)
            labels = [str(j) for j in range(raw.shape[0])] if raw.ndim == 2 else []
        if raw.dtype.kind == "c":
            raise TypeError("complex numbers are not edge weights")
        w = raw.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`weights` must be a square matrix of real numbers ({exc}); got {adjacency!r:.60}."
        ) from exc
    if w.ndim != 2 or w.shape[0] != w.shape[1] or w.shape[0] < 2:
        raise ValueError(
            f"`weights` must be a square adjacency (p >= 2) or a Network; got shape {w.shape} "
            f"({adjacency!r:.40})."
        )
    off = w[~np.eye(w.shape[0], dtype=bool)]
    if not np.isfinite(off).all():  # the diagonal (NaN in a pairwise MI matrix) is ignored
        first = off[~np.isfinite(off)][0]
        raise ValueError(f"`weights` must be finite off the diagonal; got {first!r} among the pair weights.")
    return w, labels


def score(weights: Any, known_edges: Any, /) -> PrecisionRecall:
    """Precision-recall curve, AUPR and AUROC of edge weights against a known network.

    Parameters
    ----------
    weights : Network or array-like, shape (p, p)
        Inferred network (its adjacency) or any symmetric weight matrix (higher = more
        likely an edge; a DataFrame's index names the variables).
    known_edges : pandas.DataFrame or iterable of (source, target)
        Known edges by variable name (a DataFrame's first two columns, e.g. ``source`` and
        ``target``). Direction and self-loops are ignored.

    Returns
    -------
    PrecisionRecall

    Raises
    ------
    ValueError
        An edge names an unknown variable, no known edge joins two distinct variables, or a
        weight off the diagonal is NaN or infinite.
    TypeError
        ``weights`` is not a matrix of real numbers.
    """
    w, labels = _pairs(weights)
    p = w.shape[0]
    index = {name: j for j, name in enumerate(labels)}
    if isinstance(known_edges, pd.DataFrame):
        rows = known_edges.iloc[:, :2].astype(str).itertuples(index=False, name=None)
    else:
        if hasattr(known_edges, "__next__"):
            known_edges = list(known_edges)
        if isinstance(known_edges, (str, bytes)) or any(
            isinstance(e, (str, bytes)) or not hasattr(e, "__len__") or len(e) != 2 for e in known_edges
        ):
            raise ValueError(
                f"`known_edges` must be a DataFrame or pairs (source, target); got {known_edges!r:.60}."
            )
        rows = ((str(a), str(b)) for a, b in known_edges)
    truth = np.zeros((p, p), dtype=bool)
    for a, b in rows:
        if a not in index or b not in index:
            missing = a if a not in index else b
            raise ValueError(
                f"`known_edges` names {missing!r}, which is not a variable of `weights` ({labels})."
            )
        if a != b:
            truth[index[a], index[b]] = truth[index[b], index[a]] = True
    i, j = np.triu_indices(p, k=1)
    y = truth[i, j]
    s = np.nan_to_num(np.maximum(w[i, j], w[j, i]), nan=-np.inf)
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == y.shape[0]:
        raise ValueError(f"`known_edges` must mark some but not all of the {y.shape[0]} pairs; got {n_pos}.")
    order = np.argsort(-s, kind="mergesort")
    s_sorted = s[order]
    y_sorted = y[order]
    tp = np.cumsum(y_sorted)
    fp = np.cumsum(~y_sorted)
    last = np.flatnonzero(np.r_[s_sorted[1:] != s_sorted[:-1], True])  # end of each tie group
    tp, fp = tp[last].astype(float), fp[last].astype(float)
    precision = tp / (tp + fp)
    recall = tp / n_pos
    aupr = float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
    # AUROC by midranks (Mann-Whitney U / (n_pos n_neg))
    from scipy.stats import rankdata

    r = rankdata(s)
    n_neg = y.shape[0] - n_pos
    auroc = float((r[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    return PrecisionRecall(
        precision=precision,
        recall=recall,
        thresholds=s_sorted[last],
        aupr=aupr,
        auroc=auroc,
        baseline=n_pos / y.shape[0],
        n_pairs=int(y.shape[0]),
        n_positive=n_pos,
    )
