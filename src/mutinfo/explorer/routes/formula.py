"""Section 4, the formula: three views of one number, computed on the current example.

The example's continuous samples are cut into equal-width bins; on the binned data the
plug-in MI can be written three ways that must agree to rounding:

1. KL view: the sum over table cells of p(x,y) log2[p(x,y) / (p(x) p(y))] (numpy on the table);
2. entropy view: H(X) + H(Y) - H(X,Y), each from ``mi.entropy`` / ``mi.joint_entropy``;
3. pointwise view: the sample mean of the pointwise MI log2[p(x_i,y_i) / (p(x_i) p(y_i))];

and the library's own ``mi.mutual_info(..., method="plugin")`` is shown beside them. The KSG
estimate on the unbinned samples is shown too: binning is itself an estimator, and its value
moves with the number of bins.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import N_RESAMPLES, clean, library_warnings, mi_with_test, readout, snippet
from mutinfo.explorer.generators import bin_codes, relationship
from mutinfo.explorer.routes.correlation import KIND_PATTERN

__all__ = ["router", "three_views"]

router = APIRouter(prefix="/api/formula", tags=["formula"])

_PLUGIN: dict[str, Any] = {"method": "plugin", "discrete": True}


def three_views(xb: np.ndarray, yb: np.ndarray, bins: int) -> dict[str, Any]:
    """The KL sum, the expected pointwise MI and the table of a binned pair (bits)."""
    counts = np.zeros((bins, bins), dtype=np.int64)
    np.add.at(counts, (xb, yb), 1)
    p = counts / counts.sum()
    px, py = p.sum(axis=1), p.sum(axis=0)
    outer = np.outer(px, py)
    mask = p > 0
    kl = float(np.sum(p[mask] * np.log2(p[mask] / outer[mask])))
    pmi = np.log2(p[xb, yb] / (px[xb] * py[yb]))
    return {"counts": counts, "p": p, "kl": kl, "pmi": pmi, "expected_pmi": float(pmi.mean())}


@lru_cache(maxsize=256)
def _views(kind: str, n: int, noise: float, seed: int, bins: int) -> dict[str, Any]:
    x, y = relationship(kind, n=n, noise=noise, seed=seed)
    xb = bin_codes(x, bins, float(x.min()), float(x.max()))
    yb = bin_codes(y, bins, float(y.min()), float(y.max()))
    views = three_views(xb, yb, bins)
    hx = mi.entropy(xb, **_PLUGIN)
    hy = mi.entropy(yb, **_PLUGIN)
    hxy = mi.joint_entropy(xb, yb, **_PLUGIN)
    library = mi.mutual_info(xb, yb, **_PLUGIN)
    with library_warnings() as notes:
        ksg = readout(mi.mutual_info(x, y, rng=seed), label="mi.mutual_info(unbinned) (kNN)")
    entropy_form = float(hx) + float(hy) - float(hxy)
    values = [views["kl"], entropy_form, views["expected_pmi"], float(library)]
    counts_pmi, edges = np.histogram(views["pmi"], bins=30)
    as_info = lambda v, q: mi.Information(v, base=2, method="plugin", n=n, quantity=q)  # noqa: E731
    return {
        "kind": kind,
        "n": n,
        "noise": noise,
        "seed": seed,
        "bins": bins,
        "readouts": {
            "kl": readout(as_info(views["kl"], "KL sum"), label="Σ p log2 p/(p(x)p(y))"),
            "entropy": readout(as_info(entropy_form, "H(X)+H(Y)-H(X,Y)"), label="H(X) + H(Y) − H(X,Y)"),
            "pmi": readout(as_info(views["expected_pmi"], "mean PMI"), label="mean pointwise MI"),
            "library": readout(library, label="mi.mutual_info(binned, method='plugin')"),
            "ksg": ksg,
            "hx": readout(hx, label="H(X) binned"),
            "hy": readout(hy, label="H(Y) binned"),
            "hxy": readout(hxy, label="H(X,Y) binned"),
        },
        "warnings": notes,
        "max_disagreement": float(max(values) - min(values)),
        "pmi_hist": {"counts": counts_pmi, "edges": edges},
        "pmi_negative_share": float(np.mean(views["pmi"] < 0)),
        "table": views["p"],
        "snippet": snippet(
            f"""
import numpy as np
import mutinfo as mi
from mutinfo.explorer.generators import bin_codes, relationship

x, y = relationship({kind!r}, n={n}, noise={noise!r}, seed={seed})
xb = bin_codes(x, {bins}, x.min(), x.max())  # {bins} equal-width bins on the sample range
yb = bin_codes(y, {bins}, y.min(), y.max())
counts = np.zeros(({bins}, {bins})); np.add.at(counts, (xb, yb), 1)
p = counts / counts.sum(); px, py = p.sum(1), p.sum(0)
nz = p > 0
kl = np.sum(p[nz] * np.log2(p[nz] / np.outer(px, py)[nz]))          # view 1: KL divergence
opts = dict(method="plugin", discrete=True)
ent = float(mi.entropy(xb, **opts) + mi.entropy(yb, **opts) - mi.joint_entropy(xb, yb, **opts))  # view 2
pmi = np.log2(p[xb, yb] / (px[xb] * py[yb]))                      # view 3: pointwise MI
print("KL view:      ", kl)
print("entropy view: ", ent)
print("mean PMI view:", pmi.mean())
print("mutinfo plug-in on the bins:", float(mi.mutual_info(xb, yb, **opts)))
res = mi.independence_test(x, y, n_resamples={N_RESAMPLES}, rng={seed})
print("mutinfo KSG on the raw samples:", float(res.statistic), "permutation p =", res.pvalue)
"""
        ),
    }


@lru_cache(maxsize=256)
def _ksg_test(kind: str, n: int, noise: float, seed: int) -> dict[str, Any]:
    x, y = relationship(kind, n=n, noise=noise, seed=seed)
    return mi_with_test(x, y, seed=seed, ci_resamples=None, label="mi.mutual_info(unbinned) (kNN)")


@router.get("/views")
def views(
    kind: str = Query("quadratic", pattern=KIND_PATTERN, description="relationship"),
    n: int = Query(500, ge=50, le=5000, description="sample size"),
    noise: float = Query(0.2, ge=0.0, le=2.0, description="noise standard deviation"),
    seed: int = Query(1, ge=0, le=2**31 - 1, description="random seed"),
    bins: int = Query(8, ge=2, le=30, description="equal-width bins per axis"),
    stage: str = Query("full", pattern="^(estimate|full)$", description="'estimate' skips the kNN test"),
) -> dict[str, Any]:
    """KL, entropy and pointwise views of the binned MI, the library's value and KSG."""
    noise = round(noise, 4)
    body = dict(_views(kind, n, noise, seed, bins))
    if stage == "full":
        body["readouts"] = {**body["readouts"], "ksg": _ksg_test(kind, n, noise, seed)}
    body["stage"] = stage
    return clean(body)
