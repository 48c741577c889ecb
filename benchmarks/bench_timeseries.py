"""Transfer entropy speed: continuous (KSG / Frenzel-Pompe) and discrete (plug-in).

Continuous: a linear VAR(1) pair (x drives y), TE(x -> y) with target history 1 and 3,
source history 1, k = 4, at n = 1e4 and 1e5; mutinfo's ``method="ksg1"`` (Frenzel-Pompe
conditional KSG) against infomeasure's KSG transfer entropy (``approach="ksg"``), when
installed. Discrete: a binary copy channel (flip probability 0.1) with history 1 and 3 at
n = 1e5 and 1e6; mutinfo's ``method="plugin"`` against pyinform's ``transfer_entropy``
(also plug-in, so the values must agree to rounding).

``python -m benchmarks --only bench_timeseries`` writes the table to RESULTS.md.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

import mutinfo as mi
from benchmarks.common import row, time_call

__all__ = ["run"]


def _var1(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    e = rng.normal(size=(2, n))
    x = np.zeros(n)
    y = np.zeros(n)
    for t in range(1, n):
        x[t] = 0.5 * x[t - 1] + e[0, t]
        y[t] = 0.6 * y[t - 1] + 0.4 * x[t - 1] + e[1, t]
    return x, y


def _continuous(quick: bool) -> list[dict]:
    try:
        import infomeasure as im
    except ImportError:  # optional peer
        im = None
    rng = np.random.default_rng(20261125)
    rows = []
    for n in (10**4, 10**5):
        x, y = _var1(n, rng)
        for h in (1, 3):
            repeats = 1 if (quick or n >= 10**5) else 3

            def ours(x=x, y=y, h=h) -> float:
                return float(mi.transfer_entropy(x, y, history=h, method="ksg1", base=math.e))

            t_ours = time_call(ours, repeats=repeats)
            case = f"continuous TE, n={n:.0e}, history={h}, k=4"
            if im is None:
                rows.append(row("timeseries", case, t_ours.median, "infomeasure", None, "-", "not installed"))
                continue

            def theirs(x=x, y=y, h=h) -> float:
                return float(
                    im.transfer_entropy(
                        x, y, approach="ksg", k=4, dest_hist_len=h, src_hist_len=1, prop_time=0, base="e"
                    )
                )

            t_peer = time_call(theirs, repeats=repeats)
            a, b = t_ours.result, t_peer.result
            rows.append(
                row(
                    "timeseries",
                    case,
                    t_ours.median,
                    "infomeasure ksg",
                    t_peer.median,
                    f"{a:.4f} vs {b:.4f} nats",
                    "KSG variants differ in noise/scaling; estimates of the same TE (not bit-equal)",
                )
            )
    return rows


def _copy_channel(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.integers(0, 2, n)
    y = np.roll(x, 1) ^ (rng.random(n) < 0.1).astype(np.int64)
    return x, y


def _discrete(quick: bool) -> list[dict]:
    try:
        from pyinform.transferentropy import transfer_entropy as pyinform_te
    except ImportError:  # optional peer
        pyinform_te = None
    rng = np.random.default_rng(7)
    rows = []
    for n in (10**5,) if quick else (10**5, 10**6):
        x, y = _copy_channel(n, rng)
        for h in (1, 3):
            repeats = 2 if quick else 5

            def ours(x=x, y=y, h=h) -> float:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return float(mi.transfer_entropy(x, y, history=h, method="plugin", discrete=True))

            t_ours = time_call(ours, repeats=repeats)
            case = f"discrete TE (binary), n={n:.0e}, history={h}"
            if pyinform_te is None:
                rows.append(row("timeseries", case, t_ours.median, "pyinform", None, "-", "not installed"))
                continue
            t_peer = time_call(lambda x=x, y=y, h=h: float(pyinform_te(x, y, k=h)), repeats=repeats)
            diff = abs(t_ours.result - t_peer.result)
            rows.append(
                row(
                    "timeseries",
                    case,
                    t_ours.median,
                    "pyinform",
                    t_peer.median,
                    f"abs. difference {diff:.1e} bits",
                    "both plug-in",
                )
            )
    return rows


def run(quick: bool = False) -> list[dict]:
    """Rows for ``python -m benchmarks`` (keys: benchmark, case, mutinfo_s, peer, peer_s,
    ratio, agree, notes; ratio = peer_s / mutinfo_s, > 1 when mutinfo is faster)."""
    return _continuous(quick) + _discrete(quick)


if __name__ == "__main__":
    for r in run(quick=False):
        print(r)
