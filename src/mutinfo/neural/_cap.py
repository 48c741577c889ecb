"""InfoNCE's cap log(batch_size): when an estimate counts as near it, and the warning (no torch)."""

from __future__ import annotations

import math
import warnings

from mutinfo._information import unit_name
from mutinfo._warnings import EstimatorCapWarning

__all__ = ["NEAR_CAP_FRACTION", "NEAR_CAP_NATS", "is_near_cap", "warn_near_cap"]

#: An InfoNCE estimate is near its cap when within this fraction of log(batch_size) ...
NEAR_CAP_FRACTION = 0.1
#: ... or within this many nats of it, whichever is larger.
NEAR_CAP_NATS = 0.1


def is_near_cap(estimate_nats: float, batch_size: int) -> bool:
    """Whether an InfoNCE estimate (nats) is within 10 % or 0.1 nat of ``log(batch_size)``."""
    cap = math.log(batch_size)
    return estimate_nats >= cap - max(NEAR_CAP_FRACTION * cap, NEAR_CAP_NATS)


def warn_near_cap(estimate_nats: float, batch_size: int, base: float, hint: str, stacklevel: int) -> None:
    """Emit the :class:`EstimatorCapWarning` for an InfoNCE estimate near ``log(batch_size)``."""
    scale, unit = math.log(base), unit_name(base)
    warnings.warn(
        f"InfoNCE estimated {estimate_nats / scale:.4g} {unit}, within 10 % of its cap "
        f"log(batch_size) = log({batch_size}) = {math.log(batch_size) / scale:.4g} {unit}: InfoNCE "
        f"cannot exceed log N, so the true MI may be much larger. {hint}",
        EstimatorCapWarning,
        stacklevel=stacklevel + 1,
    )
