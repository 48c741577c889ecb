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
    if isinstance(adjacency, pd.DataFrame):
        labels = [str(c) for c in adjacency.index]
        w = adjacency.to_numpy(dtype=np.float64)
    else:
        w = np.asarray(adjacency, dtype=np.float64)
        labels = [str(j) for j in range(w.shape[0])] if w.ndim == 2 else []
    if w.ndim != 2 or w.shape[0] != w.shape[1] or w.shape[0] < 2:
        raise ValueError(f"`weights` must be a square adjacency (p >= 2) or a Network; got shape {w.shape}.")
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
        An edge names an unknown variable, or no known edge joins two distinct variables.
    """
    w, labels = _pairs(weights)
    p = w.shape[0]
    index = {name: j for j, name in enumerate(labels)}
    if isinstance(known_edges, pd.DataFrame):
        rows = known_edges.iloc[:, :2].astype(str).itertuples(index=False, name=None)
    else:
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
