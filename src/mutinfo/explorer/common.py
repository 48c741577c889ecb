"""Helpers shared by the explorer's route modules.

Every number the explorer shows travels as a *readout* record (:func:`readout`): the value
with its unit, sample size, estimator and, for estimates, its uncertainty. Route modules
build responses with these helpers so that all sections speak the same JSON.
"""

from __future__ import annotations

import math
import textwrap
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

import mutinfo as mi

__all__ = [
    "ALPHA",
    "CI_LEVEL",
    "N_CI",
    "N_RESAMPLES",
    "UNIT_BASE",
    "clean",
    "ignored_warnings",
    "library_warnings",
    "mi_test_snippet",
    "mi_with_test",
    "readout",
    "recorded_warnings",
    "snippet",
]

#: Every readout is in bits.
UNIT_BASE = 2


def clean(obj: Any) -> Any:
    """``obj`` with numpy scalars/arrays made plain and non-finite floats made ``None``.

    JSON has no NaN or infinity; a non-finite value is sent as ``null`` and the route says why
    in a ``note`` field next to it.
    """
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return clean(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else None
    return obj


_WARN_LOCK = threading.RLock()


@contextmanager
def recorded_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """``warnings.catch_warnings(record=True)`` with every warning recorded, under the lock
    that :func:`library_warnings` holds.

    ``catch_warnings`` saves and restores the process-global warning state, so two threads
    inside it at once restore each other's state in the wrong order (one thread's record
    list can end up installed for the whole process). Every block that changes the warning
    state in the explorer goes through this lock.
    """
    with _WARN_LOCK, warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        yield records


@contextmanager
def ignored_warnings(*categories: type[Warning]) -> Iterator[None]:
    """Ignore ``categories`` inside the block, under the lock of :func:`recorded_warnings`."""
    with _WARN_LOCK, warnings.catch_warnings():
        for category in categories:
            warnings.simplefilter("ignore", category)
        yield


@contextmanager
def library_warnings() -> Iterator[list[str]]:
    """Collect mutinfo's typed warnings raised inside the block, for the page to show.

    Yields a list that is filled, when the block exits, with one ``"Name: message"`` string per
    distinct warning. ``warnings.catch_warnings`` is process-global, so the block holds a
    (re-entrant) lock: computations that record warnings run one at a time.
    """
    messages: list[str] = []
    with _WARN_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mi.MutinfoWarning)
        yield messages
    seen = dict.fromkeys(
        f"{w.category.__name__}: {w.message}" for w in caught if issubclass(w.category, mi.MutinfoWarning)
    )
    messages.extend(seen)


def readout(
    info: mi.Information,
    *,
    kind: str = "estimate",
    p_value: float | None = None,
    n_resamples: int | None = None,
    ci: tuple[float, float] | None = None,
    ci_level: float | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """The JSON record of one information readout.

    Parameters
    ----------
    info : Information
        The library's result (its unit, n and method are copied).
    kind : {"estimate", "exact"}
        "exact" when the number is the quantity itself (plug-in on a given distribution),
        "estimate" when it is estimated from samples.
    p_value, n_resamples : optional
        Permutation test of independence behind the estimate.
    ci, ci_level : optional
        Interval for the estimate and its level.
    label : str, optional
        What the number is, for the page (defaults to the library's ``quantity``).

    Returns
    -------
    dict
        ``value`` (float, in ``unit``), ``unit`` ("bits"), ``n``, ``method``, ``quantity``,
        ``kind``, and ``p_value``, ``n_resamples``, ``ci``, ``ci_level`` when given.
    """
    record: dict[str, Any] = {
        "value": float(info),
        "unit": info.unit,
        "n": int(info.n),
        "method": info.method,
        "quantity": label or info.quantity,
        "kind": kind,
    }
    if p_value is not None:
        record["p_value"] = float(p_value)
        record["n_resamples"] = int(n_resamples) if n_resamples is not None else None
    if ci is not None:
        record["ci"] = [float(ci[0]), float(ci[1])]
        record["ci_level"] = ci_level
    return record


#: Resamples of the permutation test and of the subsampling interval at default sizes.
N_RESAMPLES = 199
N_CI = 100
CI_LEVEL = 0.95
#: Significance level used for the words "detected" / "not detected".
ALPHA = 0.05


def mi_with_test(
    x: np.ndarray,
    y: np.ndarray,
    *,
    seed: int,
    n_resamples: int = N_RESAMPLES,
    ci_resamples: int | None = N_CI,
    label: str = "I(X;Y)",
    **options: Any,
) -> dict[str, Any]:
    """MI estimate with its permutation p-value and (optionally) a subsampling interval.

    The statistic is ``mi.independence_test(...).statistic`` (identical to
    ``mi.mutual_info`` with the same options); the interval is the result's
    ``confidence_interval(CI_LEVEL, n_resamples=ci_resamples, rng=seed)``.
    """
    test = mi.independence_test(x, y, n_resamples=n_resamples, rng=seed, base=UNIT_BASE, **options)
    ci = None
    if ci_resamples:
        interval = test.confidence_interval(CI_LEVEL, n_resamples=ci_resamples, rng=seed)
        ci = (float(interval.low), float(interval.high))
    record = readout(
        test.statistic,
        p_value=float(test.pvalue),
        n_resamples=n_resamples,
        ci=ci,
        ci_level=CI_LEVEL if ci else None,
        label=label,
    )
    record["null_mean"] = float(test.null_mean)
    return record


def snippet(code: str) -> str:
    """Dedent and strip a snippet template (kept a function so all snippets look alike)."""
    return textwrap.dedent(code).strip() + "\n"


def mi_test_snippet(
    x: str = "x",
    y: str = "y",
    *,
    seed: int,
    n_resamples: int = N_RESAMPLES,
    ci_resamples: int | None = N_CI,
    options: str = "",
) -> str:
    """Snippet lines reproducing :func:`mi_with_test` (leaves ``res`` and ``ci`` defined)."""
    extra = f", {options}" if options else ""
    lines = [
        f"res = mi.independence_test({x}, {y}, n_resamples={n_resamples}, rng={seed}{extra})",
        'print("I(X;Y) =", res.statistic, "| estimator:", res.statistic.method, "| n =", res.statistic.n)',
        'print("permutation p-value:", res.pvalue)',
    ]
    if ci_resamples:
        lines[1:1] = [f"ci = res.confidence_interval({CI_LEVEL}, n_resamples={ci_resamples}, rng={seed})"]
        lines.append('print("95% interval:", float(ci.low), "to", float(ci.high), "bits")')
    return "\n".join(lines)
