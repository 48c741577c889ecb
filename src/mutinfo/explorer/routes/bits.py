"""Endpoints of the "information bits stream" section.

Two bit streams are joined by a binary symmetric channel: X is a fair coin, Y copies X and
flips each bit with probability ``flip``. The true mutual information is
``1 - H_b(flip)`` bits (Cover and Thomas 2006, *Elements of Information Theory*, 2nd ed.,
section 7.1.4, doi:10.1002/047174882X). The page animates the bits arriving; the estimate it
shows after m bits is the plug-in estimate that mutinfo computes on exactly those m bits,
taken from the ``checkpoints`` list this endpoint returns.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Query
from scipy import stats

import mutinfo as mi
from mutinfo.explorer.common import (
    CI_LEVEL,
    N_CI,
    UNIT_BASE,
    clean,
    ignored_warnings,
    mi_with_test,
    readout,
    snippet,
)
from mutinfo.explorer.generators_more import MAX_BITS, binary_entropy, bit_streams

router = APIRouter(prefix="/api/bits", tags=["bits"])

#: The discrete estimator the stream uses: the plain plug-in (maximum-likelihood) estimate.
STREAM_METHOD = "plugin"
#: Most checkpoints one response carries (the spacing grows for long streams).
MAX_CHECKPOINTS = 256


def _checkpoint_spacing(n: int, every: int) -> int:
    return max(every, math.ceil(n / MAX_CHECKPOINTS))


@lru_cache(maxsize=256)
def _stream(flip: float, n: int, seed: int, every: int, n_resamples: int, test: bool) -> dict[str, Any]:
    x, y = bit_streams(flip, n, seed)
    spacing = _checkpoint_spacing(n, every)
    checkpoints = []
    for m in range(spacing, n + 1, spacing):
        # the first checkpoints have a handful of bits: the page states the small-sample
        # bias next to the estimate, so the UndersampledWarning is not repeated per point
        with ignored_warnings(mi.UndersampledWarning):
            info = mi.mutual_info(x[:m], y[:m], method=STREAM_METHOD, discrete=True, base=UNIT_BASE)
        # Likelihood-ratio (G) test: 2 m I (in nats) is approximately chi-square with
        # (2 - 1)(2 - 1) = 1 degree of freedom under independence.
        g = 2.0 * m * float(info) * math.log(UNIT_BASE)
        checkpoints.append(
            {
                "n": m,
                "value": float(info),
                "g_p_value": float(stats.chi2.sf(g, 1)),
                "matches": int(np.sum(x[:m] == y[:m])),
            }
        )
    if test:
        final = mi_with_test(x, y, n_resamples=n_resamples, seed=seed, method=STREAM_METHOD, discrete=True)
    else:  # the animation needs only the checkpoints; the page asks for the test when paused
        final = readout(mi.mutual_info(x, y, method=STREAM_METHOD, discrete=True, base=UNIT_BASE))
    truth = 1.0 - binary_entropy(flip)
    miller_madow_bits = 1.0 / (2.0 * n * math.log(UNIT_BASE))
    code = snippet(
        f"""
        import mutinfo as mi
        from mutinfo.explorer.generators_more import bit_streams, binary_entropy

        x, y = bit_streams(flip={flip!r}, n={n}, seed={seed})
        truth = 1 - binary_entropy({flip!r})  # bits, the channel's true MI
        estimate = mi.mutual_info(x, y, method="{STREAM_METHOD}", discrete=True)
        test = mi.independence_test(
            x, y, method="{STREAM_METHOD}", discrete=True, n_resamples={n_resamples}, rng={seed}
        )
        ci = test.confidence_interval({CI_LEVEL}, n_resamples={N_CI}, rng={seed})  # subsampling interval
        print(f"true MI  {{truth:.4f}} bits")
        print(f"estimate {{float(estimate):.4f}} bits (n = {{estimate.n}}, {{estimate.method}}), "
              f"p = {{test.pvalue:.3g}}, 95% CI {{float(ci.low):.4f}} to {{float(ci.high):.4f}}")
        """
    )
    return clean(
        {
            "flip": flip,
            "n": n,
            "seed": seed,
            "x": "".join(map(str, x.tolist())),
            "y": "".join(map(str, y.tolist())),
            "truth": {
                "value": truth,
                "unit": "bits",
                "quantity": "I(X;Y) = 1 - H_b(flip)",
                "kind": "exact",
                "method": "closed form",
            },
            "checkpoints": checkpoints,
            "checkpoint_spacing": spacing,
            "estimate": final,
            "matches": int(np.sum(x == y)),
            "bias_bits": miller_madow_bits,
            "notes": {
                "bias": (
                    "Under independence the plug-in estimate is biased upward by about "
                    "(2-1)(2-1)/(2n) nats (Miller 1955); this is the size of that bias in bits."
                ),
                "g_p_value": (
                    "Checkpoint p-values come from the G-test (2 n I in nats ~ chi-square, 1 df); "
                    "the final estimate's p-value is a permutation test."
                ),
            },
            "snippet": code,
        }
    )


@router.get("/stream")
def stream(
    flip: float = Query(0.1, ge=0.0, le=1.0, description="flip probability of the channel"),
    n: int = Query(512, ge=8, le=MAX_BITS, description="number of bits"),
    seed: int = Query(1, ge=0, le=2**31 - 1, description="seed of the stream"),
    every: int = Query(8, ge=1, le=MAX_BITS, description="checkpoint spacing in bits"),
    n_resamples: int = Query(199, ge=19, le=999, description="permutations for the final p-value"),
    test: bool = Query(True, description="include the permutation test and interval of all n bits"),
) -> dict[str, Any]:
    """The first ``n`` bits of both streams, the true MI and the plug-in estimates.

    ``checkpoints[i]`` is the estimate from the first ``checkpoints[i].n`` bits; ``estimate``
    is the estimate from all ``n`` bits with its permutation p-value.
    """
    return _stream(round(flip, 4), n, seed, every, n_resamples, test)
