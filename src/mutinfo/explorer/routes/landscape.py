"""Section 5, the joint distribution landscape: p(x,y), p(x)p(y) and their log ratio on a grid.

The samples of a preset are binned on a fine equal-width grid over their range; the three maps
are the binned joint distribution, the product of its marginals, and the pointwise log ratio
log2[p(x,y) / (p(x)p(y))]. The binned MI is the p(x,y)-weighted sum of that last map; it is
computed by ``mi.mutual_info(..., method="plugin")`` on the bin codes (and agrees with the
explicit sum). Binned plug-in estimates carry an upward bias of about
(Bx - 1)(By - 1) / (2 n ln 2) bits (Miller 1955), which is shown; the KSG estimate on the
unbinned samples, with its permutation test, is shown beside it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import N_RESAMPLES, clean, library_warnings, mi_with_test, readout, snippet
from mutinfo.explorer.generators import LANDSCAPES, bin_codes, landscape
from mutinfo.explorer.routes.formula import three_views

__all__ = ["router"]

router = APIRouter(prefix="/api/landscape", tags=["landscape"])

PRESET_PATTERN = "^(" + "|".join(LANDSCAPES) + ")$"


@lru_cache(maxsize=64)
def _data(preset: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return landscape(preset, n=n, noise=noise, seed=seed)


@lru_cache(maxsize=256)
def _knn_estimate(preset: str, n: int, noise: float, seed: int) -> tuple[dict[str, Any], tuple[str, ...]]:
    x, y = _data(preset, n, noise, seed)
    with library_warnings() as notes:
        record = readout(mi.mutual_info(x, y, rng=seed), label="I(X;Y) kNN, unbinned")
    return record, tuple(notes)


@lru_cache(maxsize=256)
def _knn_test(preset: str, n: int, noise: float, seed: int) -> dict[str, Any]:
    x, y = _data(preset, n, noise, seed)
    return mi_with_test(x, y, seed=seed, ci_resamples=None, label="I(X;Y) kNN, unbinned")


@lru_cache(maxsize=256)
def _map(preset: str, n: int, noise: float, seed: int, grid: int) -> dict[str, Any]:
    x, y = _data(preset, n, noise, seed)
    lo_x, hi_x, lo_y, hi_y = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    xb, yb = bin_codes(x, grid, lo_x, hi_x), bin_codes(y, grid, lo_y, hi_y)
    views = three_views(xb, yb, grid)
    p = views["p"]
    px, py = p.sum(axis=1), p.sum(axis=0)
    product = np.outer(px, py)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(p > 0, np.log2(p / product), np.nan)
    contribution = np.where(p > 0, p * np.nan_to_num(log_ratio), 0.0)
    binned = mi.mutual_info(xb, yb, method="plugin", discrete=True)
    bx, by = int(np.count_nonzero(px)), int(np.count_nonzero(py))
    bias = (bx - 1) * (by - 1) / (2.0 * n * math.log(2.0))
    order = np.argsort(contribution.ravel())[::-1][:8]
    top = [
        {
            "x_bin": int(i // grid),
            "y_bin": int(i % grid),
            "p": float(p.flat[i]),
            "product": float(product.flat[i]),
            "log_ratio": float(log_ratio.flat[i]),
            "contribution": float(contribution.flat[i]),
        }
        for i in order
    ]
    # Heatmaps are indexed [y][x] for plotting (rows = y bins).
    return {
        "preset": preset,
        "description": LANDSCAPES[preset],
        "n": n,
        "noise": noise,
        "seed": seed,
        "grid": grid,
        "x_edges": np.linspace(lo_x, hi_x, grid + 1),
        "y_edges": np.linspace(lo_y, hi_y, grid + 1),
        "joint": p.T,
        "product": product.T,
        "log_ratio": log_ratio.T,
        "contribution": contribution.T,
        "weighted_sum": float(contribution.sum()),
        "binned": readout(binned, label=f"I(X;Y) binned {grid}×{grid}, plug-in"),
        "bias_estimate": bias,
        "occupied": {"x_bins": bx, "y_bins": by},
        "top_cells": top,
        "snippet": snippet(
            f"""
import numpy as np
import mutinfo as mi
from mutinfo.explorer.generators import bin_codes, landscape

x, y = landscape({preset!r}, n={n}, noise={noise!r}, seed={seed})
xb = bin_codes(x, {grid}, x.min(), x.max())
yb = bin_codes(y, {grid}, y.min(), y.max())
counts = np.zeros(({grid}, {grid})); np.add.at(counts, (xb, yb), 1)
p = counts / counts.sum(); product = np.outer(p.sum(1), p.sum(0))
nz = p > 0
weighted_sum = np.sum(p[nz] * np.log2(p[nz] / product[nz]))  # MI as the weighted sum of the map
print("weighted sum of the log-ratio map:", weighted_sum)
print("mutinfo plug-in on the grid:", float(mi.mutual_info(xb, yb, method="plugin", discrete=True)))
res = mi.independence_test(x, y, n_resamples={N_RESAMPLES}, rng={seed})
print("mutinfo kNN on the raw samples:", float(res.statistic), res.statistic.method, "p =", res.pvalue)
"""
        ),
    }


@router.get("/map")
def landscape_map(
    preset: str = Query("circle", pattern=PRESET_PATTERN, description="landscape preset"),
    noise: float = Query(0.03, ge=0.0, le=0.3, description="noise standard deviation on both axes"),
    n: int = Query(1000, ge=100, le=5000, description="sample size"),
    seed: int = Query(1, ge=0, le=2**31 - 1, description="random seed"),
    grid: int = Query(20, ge=4, le=40, description="grid cells per axis"),
    stage: str = Query("full", pattern="^(estimate|full)$", description="'estimate' skips the kNN test"),
) -> dict[str, Any]:
    """The three maps, the binned MI as their weighted sum, and the kNN estimate with its test."""
    noise = round(noise, 4)
    body = dict(_map(preset, n, noise, seed, grid))
    body["knn"], notes = _knn_estimate(preset, n, noise, seed)
    if stage == "full":
        body["knn"] = _knn_test(preset, n, noise, seed)
    body["warnings"] = list(notes)
    body["stage"] = stage
    return clean(body)
