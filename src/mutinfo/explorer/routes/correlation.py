"""Section 3, correlation vs MI: one relationship at a time, three measures side by side.

Pearson r and Spearman ρ come from scipy with permutation p-values
(:func:`mutinfo.explorer.generators.correlation_test`); MI is ``mi.independence_test`` on the
same samples (the statistic is the ``method="auto"`` estimate, KSG for continuous data), with
its permutation p-value and a subsampling interval. The same seed drives the data and the
shuffles, so a share link reproduces every number.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import (
    ALPHA,
    N_CI,
    N_RESAMPLES,
    clean,
    library_warnings,
    mi_test_snippet,
    mi_with_test,
    readout,
    snippet,
)
from mutinfo.explorer.generators import RELATIONSHIPS, correlation_test, relationship

__all__ = ["relationship_view", "router"]

router = APIRouter(prefix="/api/correlation", tags=["correlation"])

KIND_PATTERN = "^(" + "|".join(RELATIONSHIPS) + ")$"


def _verdicts(pearson_p: float, spearman_p: float, mi_p: float, r: float) -> list[dict[str, Any]]:
    """The bottom line as outcomes of the current run (at level ALPHA)."""
    lin, mono, dep = pearson_p < ALPHA, spearman_p < ALPHA, mi_p < ALPHA
    out = [
        {
            "id": "pearson",
            "detects": lin,
            "text": f"Pearson r = {r:+.3f}: "
            + ("a linear trend is detectable" if lin else "no linear trend detectable")
            + f" (p = {pearson_p:.3g}).",
        },
        {
            "id": "spearman",
            "detects": mono,
            "text": "Spearman ρ: "
            + ("a monotone trend is detectable" if mono else "no monotone trend detectable")
            + f" (p = {spearman_p:.3g}).",
        },
        {
            "id": "mi",
            "detects": dep,
            "text": "MI: "
            + ("dependence detected" if dep else "no dependence detected at this n")
            + f" (p = {mi_p:.3g}).",
        },
    ]
    if dep and not lin:
        summary = "Correlation misses a dependence that MI finds: r ≈ 0 does not mean independent."
    elif dep and lin:
        summary = "Both see it here: the relationship has a linear component."
    elif lin and not dep:
        summary = "Pearson flags a trend that the MI test does not at this n (MI estimates need more data)."
    else:
        summary = "Nothing detected by any measure: consistent with independence (it does not prove it)."
    out.append({"id": "summary", "detects": dep, "text": summary})
    return out


@lru_cache(maxsize=64)
def _data(kind: str, n: int, noise: float, seed: int) -> tuple[Any, Any]:
    return relationship(kind, n=n, noise=noise, seed=seed)


@lru_cache(maxsize=256)
def _estimate(kind: str, n: int, noise: float, seed: int) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The MI estimate alone, with the typed warnings the library raised for these data."""
    x, y = _data(kind, n, noise, seed)
    with library_warnings() as notes:
        record = readout(mi.mutual_info(x, y, rng=seed), label="I(X;Y)")
    return record, tuple(notes)


@lru_cache(maxsize=256)
def _uncertainty(kind: str, n: int, noise: float, seed: int) -> dict[str, Any]:
    """The same estimate with its permutation test and interval (slow; no warning capture:
    the estimate above already reported the warnings these data raise)."""
    x, y = _data(kind, n, noise, seed)
    return mi_with_test(x, y, seed=seed)


def relationship_view(kind: str, n: int, noise: float, seed: int, stage: str = "full") -> dict[str, Any]:
    """Everything the correlation view shows for one setting (deterministic; parts cached).

    ``stage="estimate"`` leaves out the MI permutation test and interval (the slow part), so
    the page can redraw at once and fill in the uncertainty from a second request.
    """
    x, y = _data(kind, n, noise, seed)
    r, p_r = correlation_test(x, y, kind="pearson", n_resamples=N_RESAMPLES, seed=seed)
    rho, p_rho = correlation_test(x, y, kind="spearman", n_resamples=N_RESAMPLES, seed=seed)
    mi_record, notes = _estimate(kind, n, noise, seed)
    if stage == "full":
        mi_record = _uncertainty(kind, n, noise, seed)
    body: dict[str, Any] = {
        "kind": kind,
        "description": RELATIONSHIPS[kind],
        "n": n,
        "noise": noise,
        "seed": seed,
        "alpha": ALPHA,
        "stage": stage,
        "pearson": {"value": r, "p_value": p_r, "n": n, "method": "pearson", "n_resamples": N_RESAMPLES},
        "spearman": {
            "value": rho,
            "p_value": p_rho,
            "n": n,
            "method": "spearman",
            "n_resamples": N_RESAMPLES,
        },
        "mi": mi_record,
        "warnings": list(notes),
        "verdicts": _verdicts(p_r, p_rho, mi_record["p_value"], r) if stage == "full" else [],
        "points": {"x": x.round(5).tolist(), "y": y.round(5).tolist()},
        "snippet": snippet(
            f"""
import mutinfo as mi
from mutinfo.explorer.generators import correlation_test, relationship

x, y = relationship({kind!r}, n={n}, noise={noise!r}, seed={seed})
r, p_r = correlation_test(x, y, kind="pearson", n_resamples={N_RESAMPLES}, seed={seed})
rho, p_rho = correlation_test(x, y, kind="spearman", n_resamples={N_RESAMPLES}, seed={seed})
print("Pearson r =", r, "p =", p_r)
print("Spearman rho =", rho, "p =", p_rho)
"""
            + mi_test_snippet(seed=seed, ci_resamples=N_CI)
        ),
    }
    return body


@router.get("/view")
def view(
    kind: str = Query("quadratic", pattern=KIND_PATTERN, description="relationship"),
    n: int = Query(500, ge=50, le=5000, description="sample size"),
    noise: float = Query(0.2, ge=0.0, le=2.0, description="noise standard deviation"),
    seed: int = Query(1, ge=0, le=2**31 - 1, description="random seed"),
    stage: str = Query("full", pattern="^(estimate|full)$", description="'estimate' skips the MI test"),
) -> dict[str, Any]:
    """Scatter points, Pearson r, Spearman ρ and MI with permutation p-values."""
    return clean(relationship_view(kind, n, round(noise, 4), seed, stage))
