"""Meta-test: every public callable of ``mutinfo.__all__`` against a table of bad inputs.

The callables are found by walking ``mutinfo.__all__`` (and the ``__all__`` of public
submodules such as ``mutinfo.network``), so a new public function is covered without editing
this file. Which bad inputs apply to a callable is read from its signature: data arguments
(``x``, ``y``, ``z``, ``data``, ``labels_true``, ...) get bad arrays, integer options (``k``,
``n_resamples``, ...) get zero/negative/fractional values, ``base`` gets illegal bases, and so
on. A public callable that this file cannot classify fails :func:`test_every_public_name_is_classified`
with "add an adapter" instead of being skipped silently.

For every (callable, bad input) case the outcome must be one of

* a ``ValueError``/``TypeError`` whose message names the argument and shows the value
  (or a token of it, e.g. ``nan`` or the shape), or
* for legal but degenerate input (a constant column, all-tied values, one row): a returned
  result whose numbers are finite (a documented ``-inf`` is accepted only together with a
  typed :class:`mutinfo.MutinfoWarning`), with every emitted warning a ``MutinfoWarning``.

Anything else fails: other exception types (IndexError, ZeroDivisionError, numba errors),
a silently accepted illegal input, a NaN result, a RuntimeWarning from numpy.

Run ``python tests/test_robustness_api.py`` to print the number of cases per callable (the
table in docs/reliability.md).
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

import mutinfo as mi

N = 60

# ---------------------------------------------------------------------------- valid inputs

_RNG = np.random.default_rng(20261126)
_X = _RNG.normal(size=N)
_Y = 0.8 * _X + 0.6 * _RNG.normal(size=N)
_Z = _RNG.normal(size=N)
_DATA = np.column_stack([_X, _Y, _Z, _RNG.normal(size=N)])
_LABELS_A = np.arange(N) % 3
_LABELS_B = (np.arange(N) // 2) % 3
_PVALUES = np.linspace(0.001, 0.9, 12)
_SERIES = np.zeros(N)
for _t in range(1, N):
    _SERIES[_t] = 0.5 * _SERIES[_t - 1] + _RNG.normal()
_DRIVEN = np.roll(_SERIES, 1) + 0.5 * _RNG.normal(size=N)

#: Valid value of each data argument, by parameter name. Arguments in LINKED share the row
#: count n and are cut together (one row) or against each other (mismatched lengths).
VALID_DATA: dict[str, Any] = {
    "x": _X,
    "y": _Y,
    "z": _Z,
    "data": _DATA,
    "X": _DATA,
    "labels_true": _LABELS_A,
    "labels_pred": _LABELS_B,
    "source": _DRIVEN,
    "target": _SERIES,
    "pvalues": _PVALUES,
    # a joint probability table p(x, y) (information bottleneck) and a sweep of its betas
    "p_xy": np.array([[0.2, 0.05, 0.05], [0.05, 0.2, 0.05], [0.05, 0.05, 0.1], [0.1, 0.05, 0.05]]),
    "betas": np.array([0.5, 2.0, 8.0]),
}
#: Optional keyword-only data (a conditioning set): absent from the valid baseline, tried
#: with every bad array on its own.
KEYWORD_DATA: dict[str, Any] = {"given": _Z, "condition": _Z}
#: Valid values of required options that are not data (passed by keyword).
REQUIRED_OPTIONS: dict[str, Any] = {"beta": 2.0, "n_clusters": 2}
LINKED = {"x", "y", "z", "data", "X", "labels_true", "labels_pred", "source", "target"}

#: Options that are integers with a lower bound of 1 (0, -1, 2.5 and "3" are all illegal).
POSITIVE_INT = {
    "k",
    "n_resamples",
    "n_surrogates",
    "n_null",
    "k_perm",
    "n_neighbors",
    "block_size",
    "n_clusters",
    "max_iter",
    "n_epochs",
    "n_bins",
    "batch_size",
}
#: Options that are integers >= 1 but also accept a string rule such as "auto".
POSITIVE_INT_OR_RULE = {"history", "source_history", "lag"}
#: Options that name a choice among strings.
CHOICE = {
    "method",
    "average",
    "alternative",
    "surrogate",
    "criterion",
    "engine",
    "missing",
    "mrmr_form",
    "quantity",
}
#: Finite real options: NaN is never meaningful.
REAL = {"tolerance", "threshold", "beta", "alpha"}

#: Arguments given to every call unless a case overrides them (keeps resampling cheap).
CHEAP = {"n_resamples": 19, "n_surrogates": 19, "n_null": 19}

#: Public names that are not callables taking user data: exception/warning types, result
#: containers and constants. Result dataclasses are recognised automatically.
NOT_ENTRY_POINTS = {"Information", "__version__"}


# ---------------------------------------------------------------------------- adapters


@dataclass
class Target:
    """One public entry point: how to call it with valid input, and its parameters."""

    name: str
    call: Callable[..., Any]
    data: list[str]  # data argument names, in positional order
    options: dict[str, inspect.Parameter] = field(default_factory=dict)
    valid: dict[str, Any] = field(default_factory=dict)  # overrides of VALID_DATA
    extra: dict[str, Any] = field(default_factory=dict)  # keyword arguments always passed
    legal: set[str] = field(default_factory=set)  # case labels that are legal for this target
    sklearn: bool = False  # a scikit-learn estimator: its own validation messages are accepted
    optional: set[str] = field(default_factory=set)  # data arguments whose default is None
    kwdata: list[str] = field(default_factory=list)  # optional keyword data, left out of the baseline


def _score_call(weights: Any, known_edges: Any) -> Any:
    return mi.network.score(weights, known_edges)


def _estimator_fit(cls_name: str) -> Callable[..., Any]:
    def fit(X: Any, y: Any, **params: Any) -> Any:
        est = getattr(mi, cls_name)(**params)
        return est.fit(X, y)

    return fit


#: Adapters only where a signature cannot say how to build valid input.
ADAPTERS: dict[str, dict[str, Any]] = {
    # weights is a (p, p) matrix of scores and known_edges names pairs of its variables
    "network.score": {
        "call": _score_call,
        "data": ["weights", "known_edges"],
        "valid": {
            "weights": np.abs(np.corrcoef(_DATA.T)),
            "known_edges": [(0, 1), (1, 2)],
        },
        "legal": {"known_edges=generator"},  # any iterable of pairs is documented
    },
}

#: Cases that are legal for one target although illegal elsewhere (documented behaviour).
LEGAL: dict[str, set[str]] = {
    "InformationGainTree.fit": {"X=nan"},  # NaN marks a missing value (C4.5 fractional rows)
    "fdr": {"pvalues=3-D"},  # p-values of any shape; the result keeps the shape
    "transfer_entropy": {"history=0"},  # target history 0: TE reduces to lagged MI
    "transfer_entropy_test": {"history=0"},
    "MutualInfoSelector.fit": {"k=n"},  # k counts features: more than p keeps all, with a warning
}
#: Keyword arguments for the valid baseline of a target.
EXTRA: dict[str, dict[str, Any]] = {
    "MutualInfoSelector.fit": {"k": 2},
    "information_plane": {"n_epochs": 2, "hidden": (3,)},  # a tiny MLP: the inputs are under test
}
#: Valid data that differ from VALID_DATA for one target.
VALID_FOR: dict[str, dict[str, Any]] = {"information_plane": {"x": _DATA, "y": _LABELS_A}}


def _public_objects() -> list[tuple[str, Any]]:
    found = []
    for name in mi.__all__:
        obj = getattr(mi, name)
        if inspect.ismodule(obj):
            for sub in getattr(obj, "__all__", []):
                found.append((f"{name}.{sub}", getattr(obj, sub)))
        else:
            found.append((name, obj))
    return found


def _classify(name: str, obj: Any) -> Target | str:
    """A Target for a data-taking entry point, a reason string for a non-entry point."""
    if name in NOT_ENTRY_POINTS:
        return "constant or helper without data"
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return "exception/warning type"
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
        return "result container"
    if name in ADAPTERS:
        spec = ADAPTERS[name]
        return Target(
            name=name, call=spec["call"], data=spec["data"], valid=spec["valid"], legal=spec["legal"]
        )
    if inspect.isclass(obj) and hasattr(obj, "fit"):
        init = inspect.signature(obj)
        options = {p.name: p for p in init.parameters.values()}
        full = f"{name}.fit"
        return Target(
            name=full,
            call=_estimator_fit(name),
            data=["X", "y"],
            options=options,
            valid={"y": (_X > 0).astype(int)},
            extra=EXTRA.get(full, {}),
            legal=LEGAL.get(full, set()),
            sklearn=True,
        )
    if inspect.isfunction(obj):
        sig = inspect.signature(obj)
        params = list(sig.parameters.values())
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        required = [p.name for p in params if p.kind in positional and p.default is inspect.Parameter.empty]
        # data: required positional arguments, and optional positional-only ones named like data
        data = [
            p.name
            for p in params
            if p.kind in positional
            and (p.name in VALID_DATA or p.kind is inspect.Parameter.POSITIONAL_ONLY)
            and (p.default is inspect.Parameter.empty or p.name in VALID_DATA)
            and p.name not in REQUIRED_OPTIONS
        ]
        unknown = [d for d in data if d not in VALID_DATA]
        unknown += [r for r in required if r not in VALID_DATA and r not in REQUIRED_OPTIONS]
        if unknown:
            return f"UNKNOWN data arguments {unknown}"
        options = {
            p.name: p
            for p in params
            if (p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in KEYWORD_DATA)
            or (p.kind in positional and p.name not in data)
        }
        kwdata = [
            p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name in KEYWORD_DATA
        ]
        extra = {k: v for k, v in CHEAP.items() if k in options}
        extra |= {k: v for k, v in REQUIRED_OPTIONS.items() if k in required}
        extra |= EXTRA.get(name, {})
        return Target(
            name=name,
            call=obj,
            data=data,
            options=options,
            extra=extra,
            valid=VALID_FOR.get(name, {}),
            legal=LEGAL.get(name, set()),
            optional={p.name for p in params if p.name in data and p.default is None} | set(kwdata),
            kwdata=kwdata,
        )
    return "UNKNOWN kind of public object"


# ---------------------------------------------------------------------------- cases


@dataclass
class Case:
    """One bad input: which arguments change, what is expected."""

    label: str
    changes: dict[str, Any]
    names: tuple[str, ...]  # argument names one of which the message must mention
    tokens: tuple[str, ...]  # one of these must appear in the message (the value shown)
    legal: bool = False  # legal but degenerate: a finite result is acceptable


class _Opaque:
    """An arbitrary Python object that is no number."""

    def __repr__(self) -> str:
        return "<opaque>"


def _rows(value: Any, n: int) -> Any:
    if isinstance(value, list):
        return value[:n]
    return value[:n]


def _data_cases(t: Target) -> list[Case]:
    valid = {d: t.valid.get(d, VALID_DATA.get(d)) for d in t.data}
    valid |= {d: KEYWORD_DATA[d] for d in t.kwdata}
    linked = [d for d in t.data if d in LINKED]
    cases: list[Case] = []
    for d in [*t.data, *t.kwdata]:
        v = valid[d]
        if not isinstance(v, np.ndarray):
            cases.append(Case(f"{d}=str", {d: "abc"}, (d,), ("str", "abc")))
            cases.append(Case(f"{d}=generator", {d: (e for e in v)}, (d,), ("generator", "iterator")))
            continue
        arr = v.astype(float)
        nan = arr.copy()
        nan.flat[1] = np.nan
        inf = arr.copy()
        inf.flat[2] = np.inf
        ninf = arr.copy()
        ninf.flat[min(3, ninf.size - 1)] = -np.inf  # off the diagonal of a (p, p) weight matrix
        cases += [
            Case(f"{d}=nan", {d: nan}, (d,), ("nan",)),
            Case(f"{d}=inf", {d: inf}, (d,), ("inf",)),
            Case(f"{d}=-inf", {d: ninf}, (d,), ("inf",)),
            Case(f"{d}=empty", {d: arr[:0]}, (d, *linked), ("0", "empty")),
            Case(f"{d}=3-D", {d: arr.reshape(arr.shape[0], -1, 1)}, (d,), ("3", "(")),
            Case(
                f"{d}=objects",
                {d: np.array([_Opaque() for _ in range(arr.shape[0])], dtype=object)},
                (d,),
                ("object", "opaque"),
            ),
            Case(f"{d}=str", {d: "abc"}, (d,), ("str", "abc")),
            *([Case(f"{d}=None", {d: None}, (d,), ("None",))] if d not in t.optional else []),
            Case(f"{d}=generator", {d: (e for e in arr)}, (d,), ("generator", "iterator")),
            Case(f"{d}=0-d scalar", {d: np.float64(1.5)}, (d,), ("1.5", "scalar", "shape ()")),
            Case(f"{d}=ragged list", {d: [[1.0, 2.0], [3.0]]}, (d,), ("[", "inhomogeneous", "sequence")),
            Case(f"{d}=complex", {d: arr + 1j}, (d,), ("complex",)),
        ]
        if d in linked or d in t.kwdata:
            const = np.full_like(arr, 3.0)
            # three distinct values, each repeated n / 3 times
            tied = np.floor(np.linspace(0, 3, arr.shape[0], endpoint=False))[np.argsort(arr, axis=0)]
            cases += [
                Case(f"{d}=constant", {d: const}, (d,), ("constant",), legal=True),
                Case(f"{d}=all-tied", {d: tied}, (d,), ("tie", "repeat"), legal=True),
                Case(
                    f"{d}=constant ints",
                    {d: np.zeros(arr.shape, dtype=np.int64)},
                    (d,),
                    ("constant", "discrete"),
                    legal=True,
                ),
            ]
            if len(linked) >= 2 or d in t.kwdata:
                cases.append(
                    Case(f"{d}=mismatched", {d: arr[:-1]}, tuple(linked), (str(N - 1), "length", "samples"))
                )
    if linked:
        for n_rows in (1, 2):
            cases.append(
                Case(
                    f"{n_rows} row{'s' if n_rows > 1 else ''}",
                    {d: _rows(valid[d], n_rows) for d in linked},
                    (*linked, "n", "k", "history", "lag", "samples", "rows"),
                    (str(n_rows),),
                    legal=True,
                )
            )
    return cases


def _option_cases(t: Target) -> list[Case]:
    cases: list[Case] = []
    for name in t.options:
        if name in POSITIVE_INT or name in POSITIVE_INT_OR_RULE:
            for bad in (0, -1, 2.5, "3", None if name != "block_size" else 1e9, True):
                if bad is None and name in POSITIVE_INT_OR_RULE:
                    continue
                cases.append(Case(f"{name}={bad!r}", {name: bad}, (name,), (repr(bad), str(bad))))
            if name == "k" or name == "n_neighbors":
                cases.append(Case(f"{name}=n", {name: N}, (name,), (str(N),)))
        elif name == "base":
            for bad in (0, -2, 1, math.nan, math.inf, "2", None):
                cases.append(Case(f"base={bad!r}", {"base": bad}, ("base",), (repr(bad), str(bad))))
        elif name == "n_jobs":
            for bad in (0, -2, 1.5, "2"):
                cases.append(Case(f"n_jobs={bad!r}", {"n_jobs": bad}, ("n_jobs",), (repr(bad),)))
        elif name in CHOICE:
            for bad in ("no-such-choice", 3):
                cases.append(Case(f"{name}={bad!r}", {name: bad}, (name,), (repr(bad),)))
        elif name in REAL:
            for bad in (math.nan, "0.5"):
                cases.append(Case(f"{name}={bad!r}", {name: bad}, (name,), (repr(bad), str(bad))))
        elif name in ("rng", "random_state"):
            for bad in (-1, "seed", 1.5):
                cases.append(Case(f"{name}={bad!r}", {name: bad}, (name,), (repr(bad),)))
    return cases


def cases_for(t: Target) -> list[Case]:
    """All bad-input cases that apply to ``t`` given its signature."""
    return _data_cases(t) + _option_cases(t)


def _targets() -> list[Target]:
    return [c for _, obj in _public_objects() if isinstance(c := _classify(_, obj), Target)]


# ---------------------------------------------------------------------------- checking


def _non_finite(obj: Any, depth: int = 0) -> list[str]:
    """Descriptions of non-finite numbers inside a result (a pairwise diagonal excepted)."""
    if depth > 4:
        return []
    if isinstance(obj, (bool, np.bool_, str)) or obj is None:
        return []
    if isinstance(obj, (float, int, np.number)):
        return [] if math.isfinite(float(obj)) else [repr(float(obj))]
    if isinstance(obj, pd.DataFrame):
        obj = obj.to_numpy()
    if isinstance(obj, pd.Series):
        obj = obj.to_numpy()
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "fc":
            return []
        a = obj.astype(float)
        if a.ndim == 2 and a.shape[0] == a.shape[1]:
            a = a[~np.eye(a.shape[0], dtype=bool)]  # the diagonal of a pairwise matrix is NaN by contract
        bad = a[~np.isfinite(a)]
        return [f"{bad.size} non-finite entries"] if bad.size else []
    if isinstance(obj, (tuple, list)):
        return [m for item in obj for m in _non_finite(item, depth + 1)]
    if dataclasses.is_dataclass(obj):
        return [
            m
            for f in dataclasses.fields(obj)
            if not f.name.startswith("_")
            for m in _non_finite(getattr(obj, f.name), depth + 1)
        ]
    if hasattr(obj, "get_params"):  # a fitted scikit-learn estimator: its numeric attributes
        return [
            m
            for k, v in vars(obj).items()
            if k.endswith("_") and not k.startswith("_") and isinstance(v, (np.ndarray, float))
            for m in _non_finite(v, depth + 1)
        ]
    return []


def run_case(t: Target, case: Case) -> str | None:
    """Run one case; None when the outcome is acceptable, else why it is not."""
    args = {d: t.valid.get(d, VALID_DATA.get(d)) for d in t.data}
    kwargs = dict(t.extra)
    for key, value in case.changes.items():
        if key in args:
            args[key] = value
        else:
            kwargs[key] = value
    legal = case.legal or case.label in t.legal
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = t.call(*[args[d] for d in t.data], **kwargs)
        except (ValueError, TypeError) as exc:
            message = str(exc)
            if t.sklearn:  # scikit-learn's check_array messages follow its own (tested) wording
                return None
            low = message.lower()
            if not any(re.search(rf"(?<![\w]){re.escape(nm)}(?![\w])", message) for nm in case.names):
                return f"{type(exc).__name__} does not name any of {case.names}: {message!r}"
            if not any(tok.lower() in low for tok in case.tokens):
                return f"{type(exc).__name__} does not show the value (one of {case.tokens}): {message!r}"
            return None
        except Exception as exc:  # any other exception type is the failure reported
            return f"crashed with {type(exc).__name__}: {str(exc)[:300]}"
    foreign = [w for w in caught if not issubclass(w.category, mi.MutinfoWarning)]
    typed = [w for w in caught if issubclass(w.category, mi.MutinfoWarning)]
    if not legal:
        return (
            f"accepted an illegal input silently (returned {type(result).__name__}; warnings: "
            + f"{[w.category.__name__ for w in caught]})"
        )
    if foreign:
        return f"emitted untyped warnings {[f'{w.category.__name__}: {w.message}' for w in foreign][:3]}"
    bad = _non_finite(result)
    if bad:
        values = [float(result)] if isinstance(result, float) else []
        if typed and all(v == -math.inf for v in values) and values:
            return None  # a documented -inf (differential entropy of a constant) with a typed warning
        return f"returned non-finite values {bad[:3]} (warnings: {[w.category.__name__ for w in typed]})"
    return None


# ---------------------------------------------------------------------------- tests


def test_every_public_name_is_classified():
    unknown = {
        name: reason
        for name, obj in _public_objects()
        if isinstance(reason := _classify(name, obj), str) and reason.startswith("UNKNOWN")
    }
    assert not unknown, (
        f"public names this meta-test cannot drive: {unknown}; add an adapter in ADAPTERS "
        "(or a data-argument name in VALID_DATA) in tests/test_robustness_api.py"
    )


def test_valid_calls_work():
    """The valid baseline of every target runs cleanly, so each bad case tests one change."""
    for t in _targets():
        args = [t.valid.get(d, VALID_DATA.get(d)) for d in t.data]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mi.MutinfoWarning)
            t.call(*args, **t.extra)


_ALL = [(t, c) for t in _targets() for c in cases_for(t)]


@pytest.mark.parametrize(("target", "case"), _ALL, ids=[f"{t.name}[{c.label}]" for t, c in _ALL])
def test_bad_input(target: Target, case: Case):
    problem = run_case(target, case)
    assert problem is None, f"{target.name}({case.label}): {problem}"


def case_counts() -> dict[str, int]:
    """Number of bad-input cases per public entry point."""
    return {t.name: len(cases_for(t)) for t in _targets()}


if __name__ == "__main__":
    counts = case_counts()
    width = max(map(len, counts))
    for name, count in counts.items():
        print(f"| `{name}`{' ' * (width - len(name))} | {count:4d} |")
    print(f"| total ({len(counts)} entry points) | {sum(counts.values())} |", file=sys.stdout)


def test_percentile_interval_warns_of_its_coverage():
    """Percentile bootstrap intervals under-cover biased MI estimators (benchmarks/ci_coverage.py)."""
    x = np.arange(300) % 8
    y = np.where(np.arange(300) % 3 == 0, (x + 1) % 8, x)
    res = mi.independence_test(x, y, method="plugin", n_resamples=1, rng=0)
    with pytest.warns(mi.CoverageWarning, match="percentile"):
        res.confidence_interval(method="percentile", n_resamples=20, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", mi.CoverageWarning)
        res.confidence_interval(method="subsample", n_resamples=20, rng=0)
        res.confidence_interval(method="basic", n_resamples=20, rng=0)
