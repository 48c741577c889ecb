"""The MI computations and the greedy search behind :class:`mutinfo.MutualInfoSelector`.

Everything here works in nats on validated :class:`~mutinfo._variable.Variable` columns;
the estimator class in :mod:`mutinfo.selection` converts to the user's ``base``.

Estimators (all real MI estimators of :mod:`mutinfo.estimators`, chosen per pair of kinds)
-----------------------------------------------------------------------------------------
* continuous with continuous: KSG-1 (Kraskov et al. 2004). Scalar, tie-free columns against a
  scalar, tie-free target go through the batched exact 1-D kernel
  :func:`mutinfo.estimators.knn1d.ksg1_1d_many`, with every column standardised once per fit
  and reused in every iteration; other pairs go through :func:`mutinfo.mutual_info` with
  ``method="ksg1"`` (its ties policy applies).
* discrete with continuous: Ross (2014), or Gao et al. (2017) ``"mixed_ksg"`` when a class
  has fewer than 2 samples or the continuous side mixes in discrete columns. Scalar,
  tie-free columns against class labels whose classes all exceed k samples use a sorted
  sweep (:func:`ross_sorted`) that gives the Ross estimate bit for bit without a KD-tree.
* discrete with discrete: the bias-corrected plug-in chosen by ``method="auto"``.

Per-pair quantities of the conditional criteria use the joint variable (f_j, f_s):
I(f_j, f_s; y) is estimated once per pair and I(f_j; y | f_s) = I(f_j, f_s; y) - I(f_s; y)
(chain rule), so JMI, CMIM and JMIM read the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import digamma

from mutinfo._threads import numba_threads
from mutinfo._validation import is_constant
from mutinfo._variable import Variable
from mutinfo.estimators import knn1d
from mutinfo.estimators.mixed import count_within, has_repeated_rows, standardize, warn_small
from mutinfo.measures import mutual_info

__all__ = ["CRITERIA", "QUOTIENT_FLOOR_NATS", "Engine", "GreedyResult", "greedy_select"]

#: Criteria accepted by the selector.
CRITERIA = ("relevance", "mrmr", "jmi", "cmim", "jmim")

#: Smallest mean redundancy used as the denominator of the quotient form of mRMR
#: (0.001 bits in nats): a redundancy estimate at or below it is indistinguishable from 0.
QUOTIENT_FLOOR_NATS = 1e-3 * math.log(2.0)


def _class_sizes_ok(codes: np.ndarray) -> bool:
    """Whether every class of discrete codes has at least 2 samples (Ross needs it)."""
    sizes = np.bincount(codes)
    sizes = sizes[sizes > 0]
    return bool(sizes.size and sizes.min() >= 2)


class Engine:
    """MI between validated columns and targets, in nats, reusing per-column work.

    Parameters
    ----------
    columns : list of Variable
        The p features, each a scalar variable.
    target : Variable
        The target y.
    k : int
        Neighbours of the kNN estimators.
    rng : numpy.random.Generator
        Passed to estimators that use randomness.
    n_jobs : int or None
        Threads for the numba kernels.
    """

    def __init__(
        self, columns: list[Variable], target: Variable, k: int, rng: np.random.Generator, n_jobs: int | None
    ) -> None:
        self.columns = columns
        self.target = target
        self.k = k
        self.rng = rng
        self.n_jobs = n_jobs
        self.n = target.n
        warn_small(self.n, k, "Mutual information estimated")
        # Per-column work done once: which columns the batched 1-D kernel takes, and their
        # standardised values (Fortran order, so a column block is contiguous per column).
        self.fast = np.array(
            [
                (not v.discrete) and v.d == 1 and not is_constant(v) and not has_repeated_rows(v.values)
                for v in columns
            ],
            dtype=bool,
        )
        self.z = np.zeros((self.n, len(columns)), dtype=np.float64, order="F")
        for j in np.flatnonzero(self.fast):
            self.z[:, j] = standardize(columns[j].values)[:, 0]
        self.target_fast = (
            (not target.discrete)
            and target.d == 1
            and not is_constant(target)
            and not has_repeated_rows(target.values)
        )

    # ------------------------------------------------------------------ one pair

    def _pair(self, a: np.ndarray, a_discrete: bool, b: Variable, *, a_mixed: bool = False) -> float:
        """I(a; b) in nats through :func:`mutinfo.mutual_info` with the documented method.

        ``a`` holds values (codes when discrete); ``a_mixed`` marks a continuous ``a`` that
        contains discrete columns (point masses), which only ``"mixed_ksg"`` handles.
        """
        if a_discrete and b.discrete:
            method = "auto"
        elif a_discrete != b.discrete:
            labels_ok = _class_sizes_ok(a) if a_discrete else _class_sizes_ok(b.values)
            method = "ross" if labels_ok and not a_mixed else "mixed_ksg"
        else:
            method = "mixed_ksg" if a_mixed else "ksg1"
        value = mutual_info(
            a,
            b.values,
            method=method,
            discrete=(a_discrete, b.discrete),
            k=self.k,
            base=math.e,
            rng=self.rng,
            n_jobs=self.n_jobs,
        )
        return float(value)

    # ------------------------------------------------------------------ batches

    def against(self, target: Variable, candidates: np.ndarray, *, target_fast: bool) -> np.ndarray:
        """I(f_j; target) for the candidate columns j, in nats (one batched call where possible)."""
        out = np.empty(candidates.shape[0], dtype=np.float64)
        if candidates.size == 0:
            return out
        done = np.zeros(candidates.shape[0], dtype=bool)
        if target_fast:
            sel = np.flatnonzero(self.fast[candidates])
            if sel.size:
                block = np.asfortranarray(self.z[:, candidates[sel]])
                t = standardize(target.values)[:, 0]
                with numba_threads(self.n_jobs):
                    out[sel] = knn1d.ksg1_1d_many(block, t, self.k)
                done[sel] = True
        elif target.discrete and not is_constant(target) and _all_classes_exceed(target.values, self.k):
            sel = np.flatnonzero(self.fast[candidates])
            with numba_threads(self.n_jobs):
                for i in sel:
                    out[i] = ross_sorted(self.z[:, candidates[i]], target.values, self.k)
            done[sel] = True
        for i in np.flatnonzero(~done):
            col = self.columns[candidates[i]]
            out[i] = self._pair(col.values, col.discrete, target)
        return out

    def relevance(self) -> np.ndarray:
        """I(f_j; y) for every column, in nats."""
        return self.against(self.target, np.arange(len(self.columns)), target_fast=self.target_fast)

    def redundancy(self, s: int, candidates: np.ndarray) -> np.ndarray:
        """I(f_j; f_s) for the candidates j against the selected column s, in nats."""
        return self.against(self.columns[s], candidates, target_fast=bool(self.fast[s]))

    def joint(self, s: int, candidates: np.ndarray) -> np.ndarray:
        """I(f_j, f_s; y) for the candidates j (one two-column variable per pair), in nats."""
        out = np.empty(candidates.shape[0], dtype=np.float64)
        vs = self.columns[s]
        for i, j in enumerate(candidates):
            vj = self.columns[j]
            if vj.discrete and vs.discrete:
                out[i] = self._pair(_codes(np.column_stack([vj.values, vs.values])), True, self.target)
            else:
                values = np.column_stack([_as_float(vj), _as_float(vs)])
                out[i] = self._pair(values, False, self.target, a_mixed=vj.discrete or vs.discrete)
        return out


def _all_classes_exceed(codes: np.ndarray, k: int) -> bool:
    """Whether every class of discrete codes has more than k samples."""
    sizes = np.bincount(codes)
    return bool(sizes[sizes > 0].min() > k)


def ross_sorted(x: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Ross (2014) I(X; Y) in nats for one standardised, tie-free column and class codes.

    The same numbers as :func:`mutinfo.estimators.mixed.ross_mi` (classes of more than k
    samples, no repeated values), with its KD-tree query replaced by a sorted sweep: in one
    dimension the k nearest class members of a point are among the k on either side of it in
    the class's sorted order, so the k-th neighbour distance is the k-th smallest of those 2k
    differences (the same floating-point ``|x_j - x_i|`` the tree computes). The counts m_i
    come from :func:`mutinfo.estimators.mixed.count_within`, as there.
    """
    n = x.shape[0]
    order = np.lexsort((x, labels))
    v = x[order]
    lab = labels[order]
    cand = np.full((n, 2 * k), np.inf)
    idx = np.arange(n)
    for j in range(1, k + 1):
        left = idx[j:]
        same = lab[left] == lab[left - j]
        cand[left[same], j - 1] = v[left[same]] - v[left[same] - j]
        right = idx[:-j]
        same = lab[right] == lab[right + j]
        cand[right[same], k + j - 1] = v[right[same] + j] - v[right[same]]
    d_sorted = np.partition(cand, k - 1, axis=1)[:, k - 1]
    d = np.empty(n)
    d[order] = d_sorted
    m = count_within(x.reshape(n, 1), np.nextafter(d, 0.0)).astype(np.float64) + 1.0
    sizes = np.bincount(labels)
    value = (
        digamma(n)
        - np.mean(digamma(sizes[labels].astype(np.float64)))
        + np.mean(digamma(np.full(n, float(k))))
    )
    value -= np.mean(digamma(m))
    return float(value)


def _as_float(v: Variable) -> np.ndarray:
    """The values of a scalar variable as a float column (discrete codes as numbers)."""
    return np.asarray(v.values, dtype=np.float64).reshape(v.n)


def _codes(values: np.ndarray) -> np.ndarray:
    """Joint integer codes 0..L-1 of the rows of a 2-D integer array."""
    _, codes = np.unique(values, axis=0, return_inverse=True)
    return codes.astype(np.int64).ravel()


@dataclass
class GreedyResult:
    """What the greedy search found (nats, except quotient-form scores, which are ratios)."""

    order: list[int] = field(default_factory=list)
    scores: np.ndarray = field(default_factory=lambda: np.empty(0))
    redundancy: np.ndarray = field(default_factory=lambda: np.empty(0))
    gains: list[float] = field(default_factory=list)
    ratio: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))


def greedy_select(
    engine: Engine,
    relevance: np.ndarray,
    *,
    criterion: str,
    quotient: bool,
    k: int | None,
    threshold_nats: float,
    step: Callable[[int], None] | None = None,
) -> GreedyResult:
    """Forward selection by ``criterion``; ``k=None`` stops when the best gain < threshold.

    At every step each remaining candidate f gets a score; the largest wins (ties: the lowest
    column index). With S the selected set, R(f) = I(f; y), C(f, s) = I(f; y | f_s):

    * relevance: R(f)
    * mrmr: R(f) - mean_s I(f; f_s) (difference) or R(f) / max(mean_s I(f; f_s), floor)
    * jmi: mean_s I(f, f_s; y) = mean_s [R(s) + C(f, s)]
    * cmim: min_s C(f, s)
    * jmim: min_s I(f, f_s; y)

    with R(f) alone at the first step. The gain used by the stopping rule is the new
    information the criterion credits f with: R - mean redundancy (mrmr, both forms), mean_s
    C (jmi), min_s C (cmim), C(f, s*) at the minimising s* (jmim), R (relevance, first step).
    The redundancy recorded is R(f) - gain (0 at the first step).
    """
    p = relevance.shape[0]
    remaining = np.ones(p, dtype=bool)
    red_sum = np.zeros(p)
    cmi_sum = np.zeros(p)
    cmi_min = np.full(p, np.inf)
    joint_min = np.full(p, np.inf)
    joint_arg_cmi = np.zeros(p)
    scores = np.full(p, np.nan)
    redund = np.full(p, np.nan)
    result = GreedyResult()
    limit = p if k is None else min(k, p)
    score_now = relevance.copy()
    gain_now = relevance.copy()
    shared_now = np.zeros(p)
    ratio = np.zeros(p, dtype=bool)  # scores that are quotient-form ratios (not information)
    red_done = np.zeros(p, dtype=np.int64)  # quotient mRMR: selected features summed into red_sum
    waiting = np.zeros(p, dtype=bool)  # quotient mRMR: redundancy not yet estimated
    while len(result.order) < limit:
        cand = np.flatnonzero(remaining)
        best = int(cand[np.argmax(score_now[cand])])  # argmax: first (lowest index) of ties
        gain = float(gain_now[best])
        if k is None and result.order and gain < threshold_nats:
            break
        result.order.append(best)
        result.gains.append(gain)
        remaining[best] = False
        scores[best] = score_now[best]
        redund[best] = shared_now[best]
        if step is not None:
            step(len(result.order))
        cand = np.flatnonzero(remaining)
        if cand.size == 0 or len(result.order) >= limit:
            break
        m = len(result.order)
        if criterion == "relevance":
            continue
        if criterion == "mrmr":
            if quotient:
                # A candidate with R > 0 scores > 0 and one with R <= 0 scores <= 0, so the
                # latter cannot win while the former exist: their redundancy is estimated only
                # when they become candidates (lazily, in selection order, so the sums and the
                # choices equal those of the eager computation).
                live = cand[relevance[cand] > 0]
                if live.size == 0:
                    live = cand
                for t, s in enumerate(result.order):
                    need = live[red_done[live] <= t]
                    if need.size:
                        red_sum[need] += engine.redundancy(s, need)
                        red_done[need] = t + 1
                waiting[cand] = red_done[cand] < m
                score_now[waiting] = -np.inf
            else:
                red_sum[cand] += engine.redundancy(best, cand)
                live = cand
            mean = red_sum[live] / m
            gain_now[live] = relevance[live] - mean
            shared_now[live] = mean
            if quotient:
                score_now[live] = relevance[live] / np.maximum(mean, QUOTIENT_FLOOR_NATS)
                ratio[live] = True
            else:
                score_now[live] = gain_now[live]
            continue
        joint = engine.joint(best, cand)
        cmi = joint - relevance[best]
        cmi_min[cand] = np.minimum(cmi_min[cand], cmi)
        gain_now[cand] = cmi_min[cand]
        if criterion == "jmi":
            cmi_sum[cand] += cmi
            score_now[cand] = (cmi_sum[cand] + sum(relevance[s] for s in result.order)) / m
            shared = relevance[cand] - cmi_sum[cand] / m
        elif criterion == "cmim":
            score_now[cand] = cmi_min[cand]
            shared = relevance[cand] - cmi_min[cand]
        else:  # jmim
            lower = joint < joint_min[cand]
            joint_min[cand] = np.where(lower, joint, joint_min[cand])
            joint_arg_cmi[cand] = np.where(lower, cmi, joint_arg_cmi[cand])
            score_now[cand] = joint_min[cand]
            shared = relevance[cand] - joint_arg_cmi[cand]
        shared_now[cand] = shared
    # Features never chosen keep the value of the last evaluated step.
    rest = remaining
    scores[rest] = score_now[rest]
    redund[rest] = shared_now[rest]
    scores[waiting] = np.nan  # never evaluated (quotient mRMR, R <= 0): no score to report
    redund[waiting] = np.nan
    result.scores = scores
    result.redundancy = redund
    result.ratio = ratio
    return result
