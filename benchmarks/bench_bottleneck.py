"""Information bottleneck: the IB curve's quality and cost against embo.

``run(quick=False)`` computes the IB curve of three joint distributions with
``mi.ib_curve`` (annealed, two sweeps, default tolerances) and with embo (Piasini et al.,
https://pypi.org/project/embo/, its ``InformationBottleneck.beta_iter``: random restarts at
each beta, its default 3 restarts and 100 iterations, rtol 1e-3) on the same betas and the
same |T| = |X|. Cases:

* a binary symmetric channel (crossover 0.1), where the optimal curve is known in closed form
  (Mrs Gerber's lemma: I(T;X) = 1 - H2(a), I(T;Y) = 1 - H2(a * e)); the column ``agree``
  gives each method's largest distance below that curve;
* the weather joints of the explorer (month -> temperature octile, hour -> irradiance class;
  :mod:`mutinfo.explorer.routes.compression`), where no closed form exists; both methods
  minimise the Lagrangian I(T;X) - beta I(T;Y) at each beta, so ``agree`` counts at how many
  betas each found the lower value (differences above 1e-6 bits) and by how much.

Times are wall seconds of one whole curve (61 betas, 10^0 .. 10^3). The tolerances differ:
mutinfo iterates each beta until no p(t|x) moves by 1e-10 (up to 10000 updates, two sweeps),
embo until its cost changes by less than 1e-3 relative (up to 100 updates, three restarts).
embo is optional: when it is not installed, the peer columns say so. Run ``python -m benchmarks --only
bench_bottleneck``.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

import mutinfo as mi
from benchmarks.common import row

__all__ = ["run"]

BETAS = 10.0 ** (np.arange(61) * 0.05)


def _h2(p: float) -> float:
    return 0.0 if p <= 0 or p >= 1 else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def _bsc_gap(i_tx: np.ndarray, i_ty: np.ndarray, e: float) -> float:
    """Largest distance of the points below the exact BSC curve (bits)."""
    from scipy.optimize import brentq

    worst = 0.0
    for r, s in zip(i_tx, i_ty, strict=True):
        r = min(max(float(r), 0.0), 1.0)
        if r <= 1e-12:
            exact = 0.0
        elif r >= 1 - 1e-12:
            exact = 1 - _h2(e)
        else:
            a = brentq(lambda a, r=r: 1 - _h2(a) - r, 1e-15, 0.5)
            exact = 1 - _h2(a * (1 - e) + (1 - a) * e)
        worst = max(worst, exact - float(s))
    return worst


def _lagrangian_tally(ours: np.ndarray, theirs: np.ndarray, tol: float = 1e-6) -> str:
    """Compare I(T;X) - beta I(T;Y) at each beta (lower is better: both methods minimise it)."""
    diff = ours - theirs
    better, worse = int((diff < -tol).sum()), int((diff > tol).sum())
    return (
        f"Lagrangian at the same beta: mutinfo lower at {better} betas "
        f"(by up to {max(0.0, -diff.min()):.2g} bits), "
        f"embo lower at {worse} (by up to {max(0.0, diff.max()):.2g} bits)"
    )


def _embo_curve(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    try:
        from embo import InformationBottleneck
    except ImportError:
        return None
    np.random.seed(0)  # noqa: NPY002 - embo draws its restarts from numpy's global generator
    px = p.sum(axis=1)
    py = p.sum(axis=0)
    pyx_c = p.T / px
    start = time.perf_counter()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = [InformationBottleneck.beta_iter(1, b, px, py, pyx_c, px.size, 3, 100) for b in BETAS]
    seconds = time.perf_counter() - start
    i_tx, i_ty = np.array([o[0] for o in out]), np.array([o[1] for o in out])
    return i_tx, i_ty, seconds


def _cases() -> list[tuple[str, np.ndarray]]:
    from mutinfo.explorer.routes.compression import weather_joint

    e = 0.1
    bsc = np.array([[(1 - e) / 2, e / 2], [e / 2, (1 - e) / 2]])
    return [
        ("BSC(0.1), 2 clusters", bsc),
        ("weather month -> temperature (12 x 8), 12 clusters", weather_joint("month_temperature")["p_xy"]),
        ("weather hour -> irradiance (24 x 6), 24 clusters", weather_joint("hour_irradiance")["p_xy"]),
    ]


def run(quick: bool = False) -> list[dict]:
    """IB curves of mutinfo and embo on the same betas.

    Parameters
    ----------
    quick : bool
        Only the binary symmetric channel.

    Returns
    -------
    list of dict
        Rows with the keys of :data:`benchmarks.common.ROW_KEYS` plus ``notes``.
    """
    rows = []
    cases = _cases()[:1] if quick else _cases()
    for name, p in cases:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", mi.ConvergenceWarning)
            curve = mi.ib_curve(p, BETAS, p.shape[0], rng=0)
        ours_s = time.perf_counter() - start
        peer = _embo_curve(p)
        not_converged = int((~curve.converged).sum())
        notes = f"mutinfo: {not_converged} of {len(BETAS)} betas hit max_iter" if caught else ""
        if name.startswith("BSC"):
            agree = f"below exact curve: mutinfo {_bsc_gap(curve.i_tx, curve.i_ty, 0.1):.1e} bits"
            if peer is not None:
                agree += f", embo {_bsc_gap(peer[0], peer[1], 0.1):.1e} bits"
        elif peer is None:
            agree = f"max I(T;Y) {curve.i_ty.max():.4f} of I(X;Y) {float(curve.i_xy):.4f} bits"
        else:
            agree = _lagrangian_tally(curve.lagrangian, peer[0] - BETAS * peer[1])
        rows.append(
            row(
                "bottleneck",
                name,
                ours_s,
                "embo 1.1.0 (beta_iter, 3 restarts)" if peer is not None else "embo (not installed)",
                None if peer is None else peer[2],
                agree,
                notes,
            )
        )
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run():
        print(r)
