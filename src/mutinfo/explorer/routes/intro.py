"""Section 1, the key insight: a parabola with Pearson r near 0 and a large MI."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mutinfo.explorer.common import clean
from mutinfo.explorer.routes.correlation import relationship_view

__all__ = ["router"]

router = APIRouter(prefix="/api/intro", tags=["intro"])


@router.get("/parabola")
def parabola(
    noise: float = Query(0.1, ge=0.0, le=2.0, description="noise standard deviation on Y"),
    n: int = Query(500, ge=50, le=5000, description="sample size"),
    seed: int = Query(1, ge=0, le=2**31 - 1, description="random seed"),
    stage: str = Query("full", pattern="^(estimate|full)$", description="'estimate' skips the MI test"),
) -> dict[str, Any]:
    """Y = X² + noise: points, Pearson r with p-value, and the MI estimate with its test."""
    return clean(relationship_view("quadratic", n, round(noise, 4), seed, stage))
