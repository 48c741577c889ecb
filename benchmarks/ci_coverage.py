"""Coverage of bootstrap/subsample confidence intervals for discrete MI (a one-off study).

``python benchmarks/ci_coverage.py [REPS]`` draws REPS data sets (default 100) from known
joint distributions (X uniform on L symbols, Y = X with probability ``keep`` and uniform
otherwise), asks each for a nominal 0.90 interval by every method of
``IndependenceResult.confidence_interval`` (B = 200 resamples) and prints how often the
interval holds the true MI, and its mean width. Not a test (it takes a minute or two) and not a
``bench_`` module (it measures accuracy, not speed); its figures are quoted in the docstring of
``confidence_interval`` and in docs/reliability.md.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import mutinfo as mi


def joint(levels: int, keep: float) -> np.ndarray:
    """p(x, y) of a noisy copy: Y = X with probability ``keep``, else uniform."""
    p = np.full((levels, levels), (1.0 - keep) / levels**2)
    p[np.diag_indices(levels)] += keep / levels
    return p


def mi_bits(p: np.ndarray) -> float:
    """Exact I(X; Y) of a joint table, in bits."""
    px, py = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log2(p[nz] / (px @ py)[nz])))


def coverage(
    levels: int, keep: float, n: int, reps: int, estimator: str, methods: tuple[str, ...], b: int = 200
) -> tuple[float, dict[str, tuple[float, float]]]:
    """(truth, {method: (coverage, mean width)}) of nominal 0.90 intervals."""
    p = joint(levels, keep)
    truth = mi_bits(p)
    rng = np.random.default_rng(1)
    hits = dict.fromkeys(methods, 0)
    widths: dict[str, list[float]] = {m: [] for m in methods}
    flat = p.ravel()
    for r in range(reps):
        cells = rng.choice(flat.size, size=n, p=flat)
        x, y = cells // levels, cells % levels
        res = mi.independence_test(x, y, method=estimator, discrete=True, n_resamples=1, rng=r)
        for m in methods:
            ci = res.confidence_interval(0.90, method=m, n_resamples=b, rng=r)
            lo, hi = float(ci.low), float(ci.high)
            hits[m] += lo <= truth <= hi
            widths[m].append(hi - lo)
    return truth, {m: (hits[m] / reps, float(np.mean(widths[m]))) for m in methods}


def main() -> None:
    warnings.simplefilter("ignore", mi.MutinfoWarning)
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    cases = [
        (8, 0.5, 300, "plugin"),
        (8, 0.5, 300, "miller_madow"),
        (8, 0.5, 3000, "plugin"),
        (4, 0.5, 300, "plugin"),
        (8, 0.0, 300, "plugin"),
    ]
    for levels, keep, n, est in cases:
        start = time.perf_counter()
        truth, cov = coverage(levels, keep, n, reps, est, ("percentile", "basic", "subsample"))
        shown = ", ".join(f"{m} {c:.2f} (width {w:.3f})" for m, (c, w) in cov.items())
        print(
            f"{levels}x{levels}, keep {keep}, n = {n}, {est}, I = {truth:.4f} bits: {shown} "
            f"[{time.perf_counter() - start:.0f} s]",
            flush=True,
        )


if __name__ == "__main__":
    main()
