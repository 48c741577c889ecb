"""Numeric kernels of the information bottleneck (nats; no validation).

Used by :mod:`mutinfo.bottleneck`, which validates input and documents the method: the
self-consistent updates of Tishby, Pereira and Bialek (1999, arXiv:physics/0004057), their
deterministic variant (Strouse and Schwab 2017, DOI: 10.1162/NECO_a_00961), and the
agglomerative IB of Slonim and Tishby (1999) used as a start at large beta.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

__all__ = [
    "MAX_AGGLOMERATIVE",
    "Problem",
    "agglomerative",
    "entropy_nats",
    "iterate",
    "problem",
    "random_encoder",
    "summaries",
    "xlogx_ratio",
]


def xlogx_ratio(p: np.ndarray, q: np.ndarray) -> float:
    """sum p log(p / q) over entries with p > 0 (nats); q > 0 wherever p > 0."""
    mask = p > 0
    return float(np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask]))))


def entropy_nats(p: np.ndarray) -> float:
    mask = p > 0
    return float(-np.sum(p[mask] * np.log(p[mask])))


def _decoder(q: np.ndarray, px: np.ndarray, pxy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p(t) and p(y|t) for encoder q; rows of empty clusters of p(y|t) are NaN."""
    p_t = px @ q
    joint_ty = q.T @ pxy
    p_yt = np.full_like(joint_ty, np.nan)
    used = p_t > 0
    p_yt[used] = joint_ty[used] / p_t[used, None]
    return p_t, p_yt


class Problem(NamedTuple):
    pxy: np.ndarray  # support rows/columns only, float64
    px: np.ndarray
    py: np.ndarray
    pyx: np.ndarray
    rows: np.ndarray  # index of support rows in the full table
    cols: np.ndarray
    shape: tuple[int, int]


@njit(cache=True)
def _iterate_kernel(
    q0: np.ndarray,
    px: np.ndarray,
    pxy: np.ndarray,
    pyx: np.ndarray,
    beta: float,
    deterministic: bool,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, int, bool]:
    """The self-consistent updates: log p(t|x) = log p(t) - beta KL[p(y|x) || p(y|t)] + const(x).

    The KL is written as -sum_y p(y|x) log p(y|t) (the t-independent part cancels in the
    normalisation). Sums run in a fixed sequential order (deterministic). A cluster with p(t) = 0, or with
    p(y|t) = 0 for a y where p(y|x) > 0, scores -inf (probability exactly 0).
    """
    n_x, n_t = q0.shape
    n_y = pxy.shape[1]
    q = q0.copy()
    new = np.empty_like(q)
    p_t = np.empty(n_t)
    log_pt = np.empty(n_t)
    log_pyt = np.empty((n_t, n_y))
    zero = np.empty((n_t, n_y), dtype=np.bool_)
    scores = np.empty(n_t)
    for it in range(1, max_iter + 1):
        for t in range(n_t):
            acc = 0.0
            for x in range(n_x):
                acc += px[x] * q[x, t]
            p_t[t] = acc
            log_pt[t] = np.log(acc) if acc > 0 else -np.inf
            for y in range(n_y):
                joint = 0.0
                for x in range(n_x):
                    joint += q[x, t] * pxy[x, y]
                zero[t, y] = joint <= 0
                log_pyt[t, y] = np.log(joint) - log_pt[t] if joint > 0 else 0.0
        change = 0.0
        for x in range(n_x):
            top = -np.inf
            for t in range(n_t):
                score = -np.inf
                if p_t[t] > 0:
                    if beta == 0.0:
                        score = log_pt[t]
                    else:
                        cross = 0.0
                        infinite = False
                        for y in range(n_y):
                            if pyx[x, y] > 0:
                                if zero[t, y]:
                                    infinite = True
                                    break
                                cross += pyx[x, y] * log_pyt[t, y]
                        if not infinite:
                            score = log_pt[t] + beta * cross
                scores[t] = score
                if score > top:
                    top = score
            if deterministic:
                best = 0
                for t in range(n_t):
                    if scores[t] == top:
                        best = t
                        break
                for t in range(n_t):
                    new[x, t] = 1.0 if t == best else 0.0
            else:
                total = 0.0
                for t in range(n_t):
                    w = np.exp(scores[t] - top) if scores[t] > -np.inf else 0.0
                    new[x, t] = w
                    total += w
                for t in range(n_t):
                    new[x, t] /= total
            for t in range(n_t):
                d = abs(new[x, t] - q[x, t])
                if d > change:
                    change = d
        q, new = new, q
        if (deterministic and change == 0.0) or (not deterministic and change < tol):
            return q, it, True
    return q, max_iter, False


def iterate(
    q: np.ndarray,
    prob: Problem,
    beta: float,
    deterministic: bool,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, int, bool]:
    """Run the self-consistent updates from encoder q; returns (encoder, iterations, converged)."""
    out, n_iter, converged = _iterate_kernel(
        np.ascontiguousarray(q, dtype=np.float64),
        prob.px,
        np.ascontiguousarray(prob.pxy),
        np.ascontiguousarray(prob.pyx),
        float(beta),
        bool(deterministic),
        int(max_iter),
        float(tol),
    )
    return out, int(n_iter), bool(converged)


def problem(p_xy: np.ndarray) -> Problem:
    rows = np.flatnonzero(p_xy.sum(axis=1) > 0)
    cols = np.flatnonzero(p_xy.sum(axis=0) > 0)
    pxy = p_xy[np.ix_(rows, cols)]
    px = pxy.sum(axis=1)
    py = pxy.sum(axis=0)
    return Problem(pxy, px, py, pxy / px[:, None], rows, cols, p_xy.shape)


def summaries(q: np.ndarray, prob: Problem) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """p(t), p(y|t) (support columns), I(T;X), I(T;Y), H(T) in nats."""
    p_t, p_yt = _decoder(q, prob.px, prob.pxy)
    joint_tx = q * prob.px[:, None]
    i_tx = xlogx_ratio(joint_tx, prob.px[:, None] * p_t[None, :])
    joint_ty = q.T @ prob.pxy
    i_ty = xlogx_ratio(joint_ty, p_t[:, None] * prob.py[None, :])
    return p_t, p_yt, i_tx, i_ty, entropy_nats(p_t)


def random_encoder(rng: np.random.Generator, n_x: int, n_t: int) -> np.ndarray:
    return rng.dirichlet(np.ones(n_t), size=n_x)


def _kl_rows(p: np.ndarray, m: np.ndarray) -> np.ndarray:
    """sum_y p log(p / m) over the last axis, 0 log 0 = 0 (m > 0 wherever p > 0)."""
    safe_p = np.where(p > 0, p, 1.0)
    safe_m = np.where(p > 0, m, 1.0)
    return np.sum(np.where(p > 0, p * np.log(safe_p / safe_m), 0.0), axis=-1)


def agglomerative(px: np.ndarray, pyx: np.ndarray, n_clusters: int) -> np.ndarray:
    """Hard encoder of the agglomerative IB (Slonim and Tishby 1999), the beta -> infinity limit.

    Starts from every x in its own cluster and merges, n_x - n_clusters times, the pair whose
    merge loses the least I(T;Y): (w_i + w_j) times the Jensen-Shannon divergence of p(y|t_i)
    and p(y|t_j) with weights w_i/(w_i + w_j), w_j/(w_i + w_j). Ties go to the lowest pair.
    """
    n_x = px.shape[0]
    weight = px.copy()
    cond = pyx.copy()
    label = np.arange(n_x)
    alive = np.ones(n_x, dtype=bool)
    for _ in range(max(n_x - n_clusters, 0)):
        idx = np.flatnonzero(alive)
        w, c = weight[idx], cond[idx]
        total = w[:, None] + w[None, :]
        pi_a = (w[:, None] / total)[..., None]
        mix = pi_a * c[:, None, :] + (1 - pi_a) * c[None, :, :]
        js = pi_a[..., 0] * _kl_rows(c[:, None, :], mix) + (1 - pi_a[..., 0]) * _kl_rows(c[None, :, :], mix)
        cost = total * js
        cost[np.tril_indices(idx.shape[0])] = np.inf
        a, b = np.unravel_index(np.argmin(cost), cost.shape)
        i, j = idx[a], idx[b]
        cond[i] = (weight[i] * cond[i] + weight[j] * cond[j]) / (weight[i] + weight[j])
        weight[i] += weight[j]
        alive[j] = False
        label[label == j] = i
    _, dense = np.unique(label, return_inverse=True)
    encoder = np.zeros((n_x, n_clusters))
    encoder[np.arange(n_x), dense.ravel()] = 1.0
    return encoder


#: Largest |X| for which the agglomerative start is computed (its cost grows as |X|^3 |Y|).
MAX_AGGLOMERATIVE = 400
