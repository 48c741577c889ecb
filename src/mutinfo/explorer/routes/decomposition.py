"""Section 2, information decomposition: the entropy diagram drawn to scale, and XOR.

Both endpoints work on a *distribution* given as a table of counts. The table is expanded into
samples whose empirical distribution is exactly the table
(:func:`mutinfo.explorer.generators.expand_counts`), and the plug-in estimator is applied to
them: on exact probabilities the plug-in value is the quantity itself, not an estimate. The
readouts are therefore marked ``kind = "exact"`` and carry no p-value.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query

import mutinfo as mi
from mutinfo.explorer.common import clean, readout, snippet
from mutinfo.explorer.generators import coupled_counts, expand_counts, xor_samples

__all__ = ["lens_area", "router", "venn_distance"]

router = APIRouter(prefix="/api/decomposition", tags=["decomposition"])

_PLUGIN: dict[str, Any] = {"method": "plugin", "discrete": True}
MAX_CELL = 999


def lens_area(r1: float, r2: float, d: float) -> float:
    """Area of the intersection of two discs with radii r1, r2 and centre distance d."""
    if d >= r1 + r2:
        return 0.0
    if d <= abs(r1 - r2):
        return math.pi * min(r1, r2) ** 2
    a1 = r1 * r1 * math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1))
    a2 = r2 * r2 * math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2))
    tri = 0.5 * math.sqrt(max(0.0, (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2)))
    return a1 + a2 - tri


def venn_distance(r1: float, r2: float, overlap: float, tol: float = 1e-12) -> float:
    """Centre distance at which two discs overlap by ``overlap`` (bisection; the lens area
    decreases monotonically from pi min(r)^2 at d = |r1 - r2| to 0 at d = r1 + r2)."""
    lo, hi = abs(r1 - r2), r1 + r2
    full = math.pi * min(r1, r2) ** 2
    if overlap >= full:
        return lo
    if overlap <= 0.0:
        return hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if lens_area(r1, r2, mid) > overlap:
            lo = mid
        else:
            hi = mid
        if hi - lo < tol:
            break
    return 0.5 * (lo + hi)


def _parse_counts(counts: str | None, size: int) -> np.ndarray | None:
    if counts is None or counts == "":
        return None
    try:
        values = [int(v) for v in counts.split(",")]
    except ValueError:
        raise HTTPException(
            status_code=422,
            detail=f"`counts` must be {size * size} comma-separated integers; got {counts[:80]!r}.",
        ) from None
    if len(values) != size * size:
        raise HTTPException(
            status_code=422,
            detail=f"`counts` must have size*size = {size * size} entries; got {len(values)}.",
        )
    if any(v < 0 or v > MAX_CELL for v in values):
        raise HTTPException(status_code=422, detail=f"`counts` entries must be integers in 0..{MAX_CELL}.")
    if sum(values) == 0:
        raise HTTPException(status_code=422, detail="`counts` must have a positive total; got all zeros.")
    return np.array(values, dtype=np.int64).reshape(size, size)


@lru_cache(maxsize=256)
def _venn(table_key: tuple[int, ...], size: int) -> dict[str, Any]:
    table = np.array(table_key, dtype=np.int64).reshape(size, size)
    x, y = expand_counts(table)
    hx = mi.entropy(x, **_PLUGIN)
    hy = mi.entropy(y, **_PLUGIN)
    hxy = mi.joint_entropy(x, y, **_PLUGIN)
    ixy = mi.mutual_info(x, y, **_PLUGIN)
    hx_y = mi.conditional_entropy(x, y, **_PLUGIN)
    hy_x = mi.conditional_entropy(y, x, **_PLUGIN)
    # Diagram to scale: disc areas H(X), H(Y); the lens area equals I(X;Y).
    rx, ry = math.sqrt(float(hx) / math.pi), math.sqrt(float(hy) / math.pi)
    d = venn_distance(rx, ry, max(float(ixy), 0.0))
    lens = lens_area(rx, ry, d)
    total = table.sum()
    return {
        "size": size,
        "counts": table.tolist(),
        "total": int(total),
        "p": (table / total).tolist(),
        "readouts": {
            "hx": readout(hx, kind="exact", label="H(X)"),
            "hy": readout(hy, kind="exact", label="H(Y)"),
            "hxy": readout(hxy, kind="exact", label="H(X,Y)"),
            "mi": readout(ixy, kind="exact", label="I(X;Y)"),
            "hx_given_y": readout(hx_y, kind="exact", label="H(X|Y)"),
            "hy_given_x": readout(hy_x, kind="exact", label="H(Y|X)"),
        },
        "venn": {
            "rx": rx,
            "ry": ry,
            "d": d,
            "lens_area": lens,
            "union_area": math.pi * (rx**2 + ry**2) - lens,
        },
        "snippet": snippet(
            f"""
            import numpy as np
            import mutinfo as mi
            from mutinfo.explorer.generators import expand_counts

            counts = np.array({table.tolist()})  # the table; p = counts / counts.sum()
            x, y = expand_counts(counts)  # rows whose empirical distribution is exactly the table
            opts = dict(method="plugin", discrete=True)  # plug-in on exact probabilities: no estimation
            print("H(X)   =", float(mi.entropy(x, **opts)))
            print("H(Y)   =", float(mi.entropy(y, **opts)))
            print("H(X,Y) =", float(mi.joint_entropy(x, y, **opts)))
            print("I(X;Y) =", float(mi.mutual_info(x, y, **opts)))
            print("H(X|Y) =", float(mi.conditional_entropy(x, y, **opts)))
            print("H(Y|X) =", float(mi.conditional_entropy(y, x, **opts)))
            """
        ),
    }


@router.get("/venn")
def venn(
    size: int = Query(3, ge=2, le=4, description="table is size × size"),
    coupling: float = Query(0.6, ge=0.0, le=1.0, description="weight of the diagonal (used without counts)"),
    counts: str | None = Query(
        None, max_length=400, description=f"size*size comma-separated integers 0..{MAX_CELL}, row-major"
    ),
) -> dict[str, Any]:
    """Entropies, MI and conditional entropies of a joint table, with the to-scale diagram."""
    table = _parse_counts(counts, size)
    if table is None:
        table = coupled_counts(size, coupling)
    body = dict(_venn(tuple(int(v) for v in table.ravel()), size))
    body["coupling"] = coupling if counts in (None, "") else None
    return clean(body)


@lru_cache(maxsize=128)
def _xor(flip_pct: int) -> dict[str, Any]:
    x, y, z = xor_samples(flip_pct / 100.0)
    ixy = mi.mutual_info(x, y, **_PLUGIN)
    ixz = mi.mutual_info(x, z, **_PLUGIN)
    iyz = mi.mutual_info(y, z, **_PLUGIN)
    ixy_z = mi.conditional_mutual_info(x, y, z, **_PLUGIN)
    co = float(ixy) - float(ixy_z)
    co_info = mi.Information(co, base=2, method=ixy.method, n=ixy.n, quantity="I(X;Y;Z)")
    h_b = (
        0.0 if flip_pct in (0, 100) else -sum(q * math.log2(q) for q in (flip_pct / 100, 1 - flip_pct / 100))
    )
    return {
        "flip": flip_pct / 100.0,
        "readouts": {
            "ixy": readout(ixy, kind="exact", label="I(X;Y)"),
            "ixz": readout(ixz, kind="exact", label="I(X;Z)"),
            "iyz": readout(iyz, kind="exact", label="I(Y;Z)"),
            "ixy_given_z": readout(ixy_z, kind="exact", label="I(X;Y|Z)"),
            "co_information": readout(co_info, kind="exact", label="I(X;Y;Z) = I(X;Y) - I(X;Y|Z)"),
        },
        "truth": {"ixy_given_z": 1.0 - h_b, "co_information": -(1.0 - h_b)},
        "snippet": snippet(
            f"""
            import mutinfo as mi
            from mutinfo.explorer.generators import xor_samples

            x, y, z = xor_samples(flip={flip_pct / 100.0!r})  # Z = X xor Y, flipped with this probability
            opts = dict(method="plugin", discrete=True)  # exact: the samples are the distribution
            i_xy = float(mi.mutual_info(x, y, **opts))
            i_xy_z = float(mi.conditional_mutual_info(x, y, z, **opts))
            print("I(X;Y)   =", i_xy)
            print("I(X;Z)   =", float(mi.mutual_info(x, z, **opts)))
            print("I(Y;Z)   =", float(mi.mutual_info(y, z, **opts)))
            print("I(X;Y|Z) =", i_xy_z)
            print("co-information I(X;Y;Z) =", i_xy - i_xy_z)
            """
        ),
    }


@router.get("/xor")
def xor(flip: int = Query(0, ge=0, le=50, description="percent of Z values flipped")) -> dict[str, Any]:
    """The XOR triple: pairwise independent, jointly dependent; co-information negative."""
    return clean(_xor(flip))
