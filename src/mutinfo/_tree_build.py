"""Growing, pruning and applying information-gain trees (the numeric half of ``tree.py``).

Data arrive encoded: ``cat`` holds integer level codes for categorical features (-1 =
missing), ``num`` holds float64 values for continuous features (NaN = missing), ``y`` holds
class codes 0..K-1, and every sample carries a weight (1 at the root; fractions after C4.5's
treatment of missing values). Gains are in bits.

Missing values (Quinlan 1993, ch. 3)
------------------------------------
At a node with total weight W, a feature whose value is known for weight W_k has

    gain = (W_k / W) * (H(known) - Σ_b (W_b / W_k) H(b)),

and its split information counts the unknown weight as one more outcome. Samples with an
unknown value go down every branch b with their weight multiplied by W_b / W_k; at
prediction time they do the same, and the class distributions that come back are added
with those weights.

Thresholds
----------
A continuous feature's threshold is the midpoint between consecutive distinct known values
with the largest gain. With the gain ratio (C4.5), the gain is then reduced by
``log2(C) / N`` bits, C the number of candidate cut points and N the node's weight, the
minimum-description-length charge of C4.5 Release 8 (Quinlan 1996) for having searched C
thresholds; a threshold split whose charged gain is not positive is not made.

References
----------
Quinlan, J. R. (1996). Improved use of continuous attributes in C4.5. *Journal of Artificial
Intelligence Research* 4, 77-90. https://doi.org/10.1613/jair.279
Quinlan, J. R. (1986). Induction of decision trees. *Machine Learning* 1, 81-106.
https://doi.org/10.1007/BF00116251
Quinlan, J. R. (1993). *C4.5: Programs for Machine Learning*. Morgan Kaufmann.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit
from scipy import stats

__all__ = ["Node", "Params", "grow", "predict_proba", "prune_pessimistic"]

_TOL = 1e-12  # bits: gains within this of each other or of min_gain count as equal


@dataclass
class Params:
    """Growth settings, validated by the estimator."""

    ratio: bool  # select by gain ratio (C4.5) instead of gain (ID3)
    max_depth: int | None
    min_samples_split: float
    min_samples_leaf: float
    min_gain: float


@dataclass
class Node:
    """One node of a fitted tree.

    Attributes
    ----------
    counts : numpy.ndarray of float64, shape (K,)
        Weight of each class among the training samples that reached the node.
    depth : int
        0 at the root.
    feature : int
        Index of the split feature, -1 for a leaf.
    categorical : bool
        Multiway split on level codes (True) or binary threshold ``x <= threshold`` (False).
    threshold : float
        Continuous splits only.
    levels : numpy.ndarray of int64
        Categorical splits only: the level code sent to each child.
    children : list of Node
        One per branch (for a threshold: left ``<=``, then right ``>``).
    fractions : numpy.ndarray of float64
        Share of the known weight that went to each child (routes unknown values).
    gain : float
        Information gain of the split in bits (with the known-fraction factor).
    gain_ratio : float
        Gain divided by the split information.
    candidate_gains : numpy.ndarray of float64, shape (p,)
        Gain in bits of the best split on every feature, as evaluated when the node was
        grown (NaN: no admissible split on it); empty when growth stopped before
        evaluating (pure node, depth or size limits). For showing why a split won.
    """

    counts: np.ndarray
    depth: int
    feature: int = -1
    categorical: bool = False
    threshold: float = np.nan
    levels: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    children: list[Node] = field(default_factory=list)
    fractions: np.ndarray = field(default_factory=lambda: np.empty(0))
    gain: float = 0.0
    gain_ratio: float = 0.0
    candidate_gains: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def is_leaf(self) -> bool:
        """Whether the node has no children."""
        return not self.children

    @property
    def weight(self) -> float:
        """Total training weight at the node."""
        return float(self.counts.sum())

    def make_leaf(self) -> None:
        """Drop the subtree below this node."""
        self.feature = -1
        self.children = []
        self.levels = np.empty(0, np.int64)
        self.fractions = np.empty(0)
        self.gain = self.gain_ratio = 0.0


def entropy_bits(counts: np.ndarray) -> np.ndarray:
    """Entropy in bits of each row of a (..., K) array of class weights (0 for empty rows)."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(counts > 0, counts * np.log2(np.where(counts > 0, counts, 1.0)), 0.0)
        h = np.where(total > 0, np.log2(np.where(total > 0, total, 1.0)) - plogp.sum(axis=-1) / total, 0.0)
    return np.maximum(h, 0.0) if h.ndim else np.float64(max(float(h), 0.0))  # -0.0 / -1e-17 -> 0


@dataclass
class _Candidate:
    feature: int
    categorical: bool
    gain: float
    split_info: float
    threshold: float = np.nan
    levels: np.ndarray | None = None


def _class_counts(y: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(y, weights=w, minlength=k).astype(np.float64)


def _categorical_candidate(
    codes: np.ndarray, y: np.ndarray, w: np.ndarray, k: int, n_levels: int, total: float, p: Params, f: int
) -> _Candidate | None:
    known = codes >= 0
    w_known = float(w[known].sum())
    if w_known <= 0:
        return None
    table = np.bincount(codes[known] * k + y[known], weights=w[known], minlength=n_levels * k)
    table = table.reshape(n_levels, k)
    branch = table.sum(axis=1)
    present = np.flatnonzero(branch > 0)
    if present.shape[0] < 2 or np.count_nonzero(branch[present] >= p.min_samples_leaf) < 2:
        return None
    h_known = float(entropy_bits(table.sum(axis=0)))
    cond = float(np.sum(branch[present] * entropy_bits(table[present]))) / w_known
    gain = (w_known / total) * (h_known - cond)
    outcomes = np.append(branch[present], total - w_known)
    return _Candidate(f, True, gain, float(entropy_bits(outcomes)), levels=present.astype(np.int64))


@njit(cache=True)
def _entropy_bits_row(counts: np.ndarray, total: float) -> float:
    # log2(W) - Σ c log2 c / W, the same formula as entropy_bits
    if total <= 0:
        return 0.0
    s = 0.0
    for c in counts:
        if c > 0:
            s += c * math.log2(c)
    return max(math.log2(total) - s / total, 0.0)


@njit(cache=True)
def _scan_thresholds(
    v: np.ndarray, y: np.ndarray, w: np.ndarray, k: int, min_leaf: float
) -> tuple[int, float, float, float, float, float, int, float]:
    # One sorted sweep over the known values of a feature at a node. Returns the cut (index
    # into the sorted order, -1 if none is admissible) with the smallest weighted
    # conditional entropy Σ_side W_side H(side) (the first on ties), that sum, the two
    # values around the cut, the left and right weights, the number of distinct cuts, and
    # the entropy of the known classes.
    m = v.shape[0]
    order = np.argsort(v, kind="mergesort")
    class_known = np.zeros(k)
    for i in range(m):
        class_known[y[i]] += w[i]
    w_known = 0.0
    for c in range(k):
        w_known += class_known[c]
    left = np.zeros(k)
    right = np.empty(k)
    w_left = 0.0
    best, best_j, n_cuts = np.inf, -1, 0
    best_wl = 0.0
    for j in range(m - 1):
        i = order[j]
        left[y[i]] += w[i]
        w_left += w[i]
        if not v[i] < v[order[j + 1]]:
            continue
        n_cuts += 1
        w_right = w_known - w_left
        if w_left < min_leaf or w_right < min_leaf:
            continue
        for c in range(k):
            right[c] = class_known[c] - left[c]
        cond = w_left * _entropy_bits_row(left, w_left) + w_right * _entropy_bits_row(right, w_right)
        if cond < best:
            best, best_j, best_wl = cond, j, w_left
    h_known = _entropy_bits_row(class_known, w_known)
    if best_j < 0:
        return -1, 0.0, 0.0, 0.0, 0.0, 0.0, n_cuts, h_known
    lo, hi = v[order[best_j]], v[order[best_j + 1]]
    return best_j, best, lo, hi, best_wl, w_known - best_wl, n_cuts, h_known


def _threshold_candidate(
    values: np.ndarray, y: np.ndarray, w: np.ndarray, k: int, total: float, p: Params, f: int
) -> _Candidate | None:
    known = ~np.isnan(values)
    v, yk, wk = values[known], y[known], w[known]
    if v.shape[0] < 2:
        return None
    j, cond, lo, hi, w_left, w_right, n_cuts, h_known = _scan_thresholds(v, yk, wk, k, p.min_samples_leaf)
    if j < 0:
        return None
    w_known = w_left + w_right
    gain = (w_known / total) * (h_known - cond / w_known)
    if p.ratio and n_cuts > 1:  # C4.5 Release 8: charge log2(#cut points) / N bits
        gain -= math.log2(n_cuts) / total
    threshold = lo + (hi - lo) / 2.0
    if not lo <= threshold < hi:  # adjacent floats: the midpoint rounds up to hi
        threshold = lo
    outcomes = np.array([w_left, w_right, total - w_known])
    return _Candidate(f, False, gain, _entropy_bits_row(outcomes, outcomes.sum()), threshold=threshold)


def _choose(candidates: list[_Candidate], ratio: bool) -> _Candidate | None:
    useful = [c for c in candidates if c.gain > _TOL]
    if not useful:
        return None
    if not ratio:
        best = max(c.gain for c in useful)
        return next(c for c in useful if c.gain >= best - _TOL)
    # C4.5: the best gain ratio among the splits whose gain is at least the average gain
    # (a tiny split information alone must not win)
    mean_gain = sum(c.gain for c in useful) / len(useful)
    pool = [c for c in useful if c.gain >= mean_gain - _TOL and c.split_info > 0]
    best = max(c.gain / c.split_info for c in pool)
    return next(c for c in pool if c.gain / c.split_info >= best - _TOL)


def grow(
    cat: np.ndarray,
    cat_levels: np.ndarray,
    num: np.ndarray,
    kinds: np.ndarray,
    y: np.ndarray,
    k: int,
    p: Params,
    weights: np.ndarray | None = None,
) -> tuple[Node, list[Node]]:
    """Grow a tree (depth first, iteratively); returns the root and all nodes, parents first.

    Parameters
    ----------
    cat : numpy.ndarray of int64, shape (n, p)
        Level codes of the categorical features (-1: missing; other columns unused).
    cat_levels : numpy.ndarray of int64, shape (p,)
        Number of levels of each categorical feature.
    num : numpy.ndarray of float64, shape (n, p)
        Values of the continuous features (NaN: missing; other columns unused).
    kinds : numpy.ndarray of bool, shape (p,)
        True for categorical features.
    y : numpy.ndarray of int64, shape (n,)
        Class codes.
    k : int
        Number of classes.
    p : Params
    weights : numpy.ndarray of float64, shape (n,), optional
        Positive sample weights (default: all 1).
    """
    n = y.shape[0]
    rows = np.arange(n)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    root = Node(counts=_class_counts(y, weights, k), depth=0)
    nodes = [root]
    stack = [(root, rows, weights)]
    while stack:
        node, idx, w = stack.pop()
        total = node.weight
        if (
            np.count_nonzero(node.counts) <= 1
            or (p.max_depth is not None and node.depth >= p.max_depth)
            or total < p.min_samples_split
        ):
            continue
        yi = y[idx]
        candidates = []
        for f in range(kinds.shape[0]):
            if kinds[f]:
                c = _categorical_candidate(cat[idx, f], yi, w, k, int(cat_levels[f]), total, p, f)
            else:
                c = _threshold_candidate(num[idx, f], yi, w, k, total, p, f)
            if c is not None:
                candidates.append(c)
        node.candidate_gains = np.full(kinds.shape[0], np.nan)
        for c in candidates:
            node.candidate_gains[c.feature] = c.gain
        best = _choose(candidates, p.ratio)
        if best is None or best.gain <= p.min_gain + _TOL:
            continue
        node.feature = best.feature
        node.categorical = best.categorical
        node.gain = best.gain
        node.gain_ratio = best.gain / best.split_info if best.split_info > 0 else 0.0
        if best.categorical:
            codes = cat[idx, best.feature]
            missing = codes < 0
            node.levels = best.levels
            branches = [codes == level for level in best.levels]
        else:
            values = num[idx, best.feature]
            missing = np.isnan(values)
            node.threshold = best.threshold
            branches = [values <= best.threshold, values > best.threshold]  # NaN: neither
        known_w = np.array([w[b].sum() for b in branches])
        node.fractions = known_w / known_w.sum()
        pending = []
        for b, frac in zip(branches, node.fractions):
            take = b | missing
            child_w = np.where(missing[take], w[take] * frac, w[take])
            child = Node(counts=_class_counts(y[idx[take]], child_w, k), depth=node.depth + 1)
            node.children.append(child)
            nodes.append(child)
            pending.append((child, idx[take], child_w))
        stack.extend(reversed(pending))  # the first branch is grown first
    return root, nodes


def _upper_error(errors: float, n: float, confidence: float) -> float:
    # C4.5's U_CF(E, N): the upper confidence limit of the binomial error rate, i.e. the p
    # with P(Binomial(N, p) <= E) = CF, through its beta-distribution form (exact, and
    # defined for fractional E and N)
    if n <= 0:
        return 0.0
    if errors >= n:
        return 1.0
    return float(stats.beta.ppf(1.0 - confidence, errors + 1.0, n - errors))


def prune_pessimistic(nodes: list[Node], confidence: float) -> None:
    """C4.5 error-based pruning (subtree replacement), bottom-up, in place.

    A node's estimated errors as a leaf are ``N * U_CF(E, N)`` (E: training errors of its
    majority class, N: its weight); a subtree's are the sum over its leaves. The subtree
    is replaced by a leaf when the leaf's estimate is at most the subtree's + 0.1 (Quinlan
    1993, ch. 4; C4.5's subtree raising is not done).
    """
    estimate: dict[int, float] = {}
    for node in reversed(nodes):  # children before parents
        n = node.weight
        as_leaf = n * _upper_error(n - float(node.counts.max()), n, confidence)
        if node.is_leaf:
            estimate[id(node)] = as_leaf
            continue
        subtree = sum(estimate[id(c)] for c in node.children)
        if as_leaf <= subtree + 0.1:
            node.make_leaf()
            estimate[id(node)] = as_leaf
        else:
            estimate[id(node)] = subtree


def predict_proba(root: Node, cat: np.ndarray, num: np.ndarray) -> np.ndarray:
    """Class probabilities for encoded rows (-1/NaN: missing; -2: a level unseen in training).

    A leaf answers its class distribution. A missing value is sent down every branch with
    the training fractions; a categorical level with no branch at the node (unseen there)
    gets the node's own distribution, as C4.5's empty branches do.
    """
    n = cat.shape[0]
    k = root.counts.shape[0]
    out = np.zeros((n, k))
    stack = [(root, np.arange(n), np.ones(n))]
    while stack:
        node, idx, w = stack.pop()
        if idx.shape[0] == 0:
            continue
        dist = node.counts / node.counts.sum()
        if node.is_leaf:
            out[idx] += w[:, None] * dist
            continue
        if node.categorical:
            codes = cat[idx, node.feature]
            missing = codes == -1
            branches = [codes == level for level in node.levels]
            unseen = ~missing & ~np.isin(codes, node.levels)
            if unseen.any():
                out[idx[unseen]] += w[unseen, None] * dist
        else:
            values = num[idx, node.feature]
            missing = np.isnan(values)
            branches = [values <= node.threshold, values > node.threshold]
        for b, child, frac in zip(branches, node.children, node.fractions):
            take = b | missing
            stack.append((child, idx[take], np.where(missing[take], w[take] * frac, w[take])))
    return out
