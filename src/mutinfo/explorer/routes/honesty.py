"""Endpoints of the estimator-honesty gallery.

Estimates are not the quantity. These endpoints put mutinfo's estimates beside closed-form
truths: a bivariate Gaussian with correlation rho has I = -0.5 log2(1 - rho^2) bits (Cover and
Thomas 2006, doi:10.1002/047174882X, eq. 8.56), and independent data has I = 0. They show the
KSG estimate (Kraskov, Stögbauer and Grassberger 2004, doi:10.1103/PhysRevE.69.066138)
converging as n grows, the plug-in's upward bias floor on independent discrete data, about
(Bx-1)(By-1)/(2n) nats (Miller 1955; Paninski 2003, doi:10.1162/089976603321780272), the
sensitivity to k, and negative kNN estimates, which mutinfo never clips.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import UNIT_BASE, clean, snippet
from mutinfo.explorer.generators_more import gaussian_pair, independent_pair

router = APIRouter(prefix="/api/honesty", tags=["honesty"])

KSG = "ksg1"
PLUGIN = "plugin"
#: Sample sizes of the convergence and bias-floor curves.
NS = (100, 200, 500, 1000, 2000, 5000)
#: Neighbour counts of the k-sensitivity sweep.
KS = (1, 2, 3, 5, 10, 20, 50)

Seed = Query(0, ge=0, le=2**31 - 1, description="seed")


def gaussian_truth(rho: float) -> float:
    """MI in bits of a bivariate normal with correlation ``rho``."""
    return -0.5 * math.log2(1.0 - rho**2)


def _summary(values: list[float]) -> dict[str, Any]:
    arr = np.asarray(values, dtype=float)
    return {
        "values": arr,
        "mean": float(arr.mean()),
        "sd": float(arr.std(ddof=1)) if arr.size > 1 else 0.0,
        "fraction_negative": float(np.mean(arr < 0)),
    }


@lru_cache(maxsize=64)
def _convergence(rho: float, k: int, reps: int, seed: int) -> dict[str, Any]:
    rows = []
    for n in NS:
        values = [
            float(mi.mutual_info(*gaussian_pair(rho, n, seed + r), method=KSG, k=k, base=UNIT_BASE))
            for r in range(reps)
        ]
        rows.append({"n": n, **_summary(values)})
    code = snippet(
        f"""
        import numpy as np
        import mutinfo as mi
        from mutinfo.explorer.generators_more import gaussian_pair

        truth = -0.5 * np.log2(1 - {rho!r} ** 2)  # bits
        means = {{}}
        for n in {NS!r}:
            values = [float(mi.mutual_info(*gaussian_pair({rho!r}, n, {seed} + r), method="{KSG}", k={k}))
                      for r in range({reps})]
            means[n] = float(np.mean(values))
            print(n, round(truth, 4), means[n], np.std(values, ddof=1))
        """
    )
    return clean(
        {
            "rho": rho,
            "k": k,
            "reps": reps,
            "method": KSG,
            "unit": "bits",
            "truth": gaussian_truth(rho),
            "rows": rows,
            "snippet": code,
        }
    )


@router.get("/convergence")
def convergence(
    rho: float = Query(0.6, ge=-0.95, le=0.95, description="correlation of the Gaussian pair"),
    k: int = Query(3, ge=1, le=20),
    reps: int = Query(4, ge=2, le=10, description="independent samples per n"),
    seed: int = Seed,
) -> dict[str, Any]:
    """KSG estimates of a Gaussian pair's MI at growing n, beside the closed-form truth."""
    return _convergence(round(rho, 4), k, reps, seed)


@lru_cache(maxsize=64)
def _floor(k: int, levels: int, reps: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    rows = []
    for n in NS:
        ksg, plug = [], []
        for _ in range(reps):
            x, y = independent_pair("continuous", n, rng)
            ksg.append(float(mi.mutual_info(x, y, method=KSG, k=k, base=UNIT_BASE)))
            a, b = independent_pair("discrete", n, rng, levels=levels)
            plug.append(float(mi.mutual_info(a, b, method=PLUGIN, discrete=True, base=UNIT_BASE)))
        rows.append(
            {
                "n": n,
                "ksg": _summary(ksg),
                "plugin": _summary(plug),
                "miller_madow_bits": (levels - 1) ** 2 / (2.0 * n * math.log(2)),
            }
        )
    code = snippet(
        f"""
        import numpy as np
        import mutinfo as mi
        from mutinfo.explorer.generators_more import independent_pair

        rng = np.random.default_rng({seed})
        ksg_means, plug_means = {{}}, {{}}
        for n in {NS!r}:  # independent data: the true MI is 0 at every n
            ksg, plug = [], []
            for _ in range({reps}):
                x, y = independent_pair("continuous", n, rng)
                ksg.append(float(mi.mutual_info(x, y, method="{KSG}", k={k})))
                a, b = independent_pair("discrete", n, rng, levels={levels})
                plug.append(float(mi.mutual_info(a, b, method="{PLUGIN}", discrete=True)))
            ksg_means[n], plug_means[n] = float(np.mean(ksg)), float(np.mean(plug))
            bias = ({levels} - 1) ** 2 / (2 * n * np.log(2))  # Miller's bias, in bits
            print(n, np.mean(ksg), min(ksg), np.mean(plug), round(bias, 5))
        """
    )
    return clean(
        {
            "k": k,
            "levels": levels,
            "reps": reps,
            "unit": "bits",
            "methods": {"continuous": KSG, "discrete": PLUGIN},
            "truth": 0.0,
            "rows": rows,
            "snippet": code,
        }
    )


@router.get("/floor")
def floor(
    k: int = Query(3, ge=1, le=20),
    levels: int = Query(4, ge=2, le=16, description="levels per discrete variable"),
    reps: int = Query(8, ge=2, le=20, description="independent samples per n"),
    seed: int = Seed,
) -> dict[str, Any]:
    """Estimates on independent data (truth 0): the plug-in's bias floor, KSG's scatter."""
    return _floor(k, levels, reps, seed)


@lru_cache(maxsize=64)
def _ksweep(rho: float, n: int, seed: int) -> dict[str, Any]:
    x, y = gaussian_pair(rho, n, seed)
    xi, yi = gaussian_pair(0.0, n, seed + 1)
    rows = []
    for k in KS:
        if k >= n:
            continue
        dep = mi.mutual_info(x, y, method=KSG, k=k, base=UNIT_BASE)
        ind = mi.mutual_info(xi, yi, method=KSG, k=k, base=UNIT_BASE)
        rows.append({"k": k, "dependent": float(dep), "independent": float(ind)})
    code = snippet(
        f"""
        import mutinfo as mi
        from mutinfo.explorer.generators_more import gaussian_pair

        x, y = gaussian_pair({rho!r}, {n}, {seed})
        xi, yi = gaussian_pair(0.0, {n}, {seed + 1})  # independent: truth 0
        sweep = {{}}
        for k in {tuple(r["k"] for r in rows)!r}:
            sweep[k] = (float(mi.mutual_info(x, y, method="{KSG}", k=k)),
                        float(mi.mutual_info(xi, yi, method="{KSG}", k=k)))
            print(k, *sweep[k])
        """
    )
    return clean(
        {
            "rho": rho,
            "n": n,
            "method": KSG,
            "unit": "bits",
            "truth": gaussian_truth(rho),
            "rows": rows,
            "snippet": code,
        }
    )


@router.get("/ksweep")
def ksweep(
    rho: float = Query(0.6, ge=-0.95, le=0.95),
    n: int = Query(500, ge=60, le=5000),
    seed: int = Seed,
) -> dict[str, Any]:
    """KSG estimates for k = 1..50 on one dependent and one independent sample."""
    return _ksweep(round(rho, 4), n, seed)
