"""Bad input for the whole public API: one error format, typed warnings, every table library.

Every error must name the argument in backticks and show the value received, e.g.
``ValueError: `k` must be an integer >= 1 and < n (n = 10); got 10.`` A function that takes
data and is added to ``mutinfo.__all__`` later is picked up by ``test_new_public_functions_
reject_bad_data`` automatically; give it a call adapter in ``DATA_FUNCTIONS`` for the full set.
"""

from __future__ import annotations

import inspect
import math
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import mutinfo as mi

N = 60
_rng = np.random.default_rng(0)
X = _rng.normal(size=N)
Y = X + _rng.normal(size=N)
Z = Y + _rng.normal(size=N)
LABELS = _rng.integers(0, 3, N)


def _call(f: Callable[..., Any], n_data: int, **fixed: Any) -> Callable[..., Any]:
    """Adapter: ``call(bad, **options)`` puts ``bad`` in the first data slot, good data after."""
    good = (X, Y, Z)

    def call(first: Any, *, slot: int = 0, **options: Any) -> Any:
        data = list(good[:n_data])
        data[slot] = first
        return f(*data, **{**fixed, **options})

    call.n_data = n_data  # type: ignore[attr-defined]
    return call


#: Public functions taking data, with how many data arguments they take.
DATA_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "entropy": _call(mi.entropy, 1),
    "joint_entropy": _call(mi.joint_entropy, 2),
    "conditional_entropy": _call(mi.conditional_entropy, 2),
    "mutual_info": _call(mi.mutual_info, 2),
    "conditional_mutual_info": _call(mi.conditional_mutual_info, 3),
    "independence_test": _call(mi.independence_test, 2, n_resamples=9),
    "independence_test_given_z": _call(mi.independence_test, 3, n_resamples=9),
}
ARG_NAMES = ("x", "y", "z")
FUNCS = sorted(DATA_FUNCTIONS)
#: Public callables that take no data (or that have their own tests below). The bottleneck
#: functions take a joint probability table (or optional samples) and required non-data
#: arguments; tests/test_robustness_api.py feeds them its bad-input battery.
NOT_DATA = {"available_methods", "fdr", "ib_curve", "information_bottleneck", "information_plane"}


def _check_message(exc: BaseException, name: str, shown: str | None) -> None:
    """The message names the argument in backticks and contains the value received."""
    message = str(exc)
    # the argument, possibly with a column subscript: `x` or `X['age']`
    assert re.search(rf"`{re.escape(name)}(\[[^`]*\])?`", message), message
    if shown is not None:
        assert shown in message, message


def _generator() -> Any:
    return (float(v) for v in X)


class _Thing:
    def __repr__(self) -> str:
        return "<Thing 7>"


# bad data: (id, value factory, expected exception, text that must appear in the message)
BAD_DATA: list[tuple[str, Callable[[], Any], type[Exception], str | None]] = [
    ("nan", lambda: np.where(np.arange(N) == 3, np.nan, X), ValueError, "nan"),
    ("inf", lambda: np.where(np.arange(N) == 5, np.inf, X), ValueError, "inf"),
    ("neg_inf", lambda: np.where(np.arange(N) == 5, -np.inf, X), ValueError, "-inf"),
    ("empty", lambda: np.array([]), ValueError, "empty"),
    ("empty_2d", lambda: np.empty((0, 2)), ValueError, "empty"),
    ("no_columns", lambda: np.empty((N, 0)), ValueError, "(60, 0)"),
    ("three_d", lambda: np.zeros((N, 2, 2)), ValueError, "(60, 2, 2)"),
    ("scalar", lambda: np.float64(3.25), ValueError, "3.25"),
    ("python_scalar", lambda: 3.25, ValueError, "3.25"),
    ("generator", _generator, TypeError, "generator"),
    ("objects", lambda: np.array([_Thing()] * N, dtype=object), TypeError, "<Thing 7>"),
    ("none_in_objects", lambda: np.array(["a", None] * (N // 2), dtype=object), ValueError, "None"),
    ("complex", lambda: X + 1j, TypeError, "complex"),
    ("string", lambda: "abc", TypeError, "'abc'"),
    ("dict", lambda: {"a": 1}, TypeError, "{'a': 1}"),
    ("ragged", lambda: [[1.0, 2.0], [3.0]] * (N // 2), TypeError, None),
]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize(("case", "make", "error", "shown"), BAD_DATA, ids=[b[0] for b in BAD_DATA])
def test_bad_data_in_first_argument(
    func: str, case: str, make: Callable[[], Any], error: type[Exception], shown: str | None
) -> None:
    with pytest.raises(error) as info:
        DATA_FUNCTIONS[func](make())
    _check_message(info.value, "x", shown)


@pytest.mark.parametrize("func", [f for f in FUNCS if DATA_FUNCTIONS[f].n_data >= 2])
def test_bad_data_in_later_arguments_names_them(func: str) -> None:
    call = DATA_FUNCTIONS[func]
    for slot in range(1, call.n_data):
        with pytest.raises(ValueError) as info:
            call(np.where(np.arange(N) == 2, np.nan, X), slot=slot)
        _check_message(info.value, ARG_NAMES[slot], "nan")


@pytest.mark.parametrize("func", [f for f in FUNCS if DATA_FUNCTIONS[f].n_data >= 2])
def test_mismatched_lengths(func: str) -> None:
    with pytest.raises(ValueError) as info:
        DATA_FUNCTIONS[func](X[:-1])
    _check_message(info.value, "x", "59")
    assert "60" in str(info.value) and "same number of samples" in str(info.value)


@pytest.mark.parametrize("func", FUNCS)
def test_strings_cannot_be_continuous(func: str) -> None:
    words = np.array(["red", "green", "blue"] * (N // 3))
    with pytest.raises(TypeError) as info:
        DATA_FUNCTIONS[func](words, discrete=False)
    _check_message(info.value, "x", "'red'")


# (option, value, exception, shown value); k cases use continuous data, where k is used
BAD_OPTIONS: list[tuple[str, Any, type[Exception], str]] = [
    ("k", 0, ValueError, "got 0"),
    ("k", N, ValueError, f"got {N}"),
    ("k", N + 5, ValueError, f"got {N + 5}"),
    ("k", 1.5, TypeError, "got 1.5"),
    ("k", "3", TypeError, "got '3'"),
    ("k", True, TypeError, "got True"),
    ("base", 1, ValueError, "got 1"),
    ("base", 0, ValueError, "got 0"),
    ("base", -2, ValueError, "got -2"),
    ("base", math.inf, ValueError, "got inf"),
    ("base", "e", TypeError, "got 'e'"),
    ("base", None, TypeError, "got None"),
    ("method", "bogus", ValueError, "got 'bogus'"),
    ("method", 3, TypeError, "got 3"),
    ("rng", -1, ValueError, "got -1"),
    ("rng", "seed", TypeError, "got 'seed'"),
    ("n_jobs", 0, ValueError, "got 0"),
    ("n_jobs", 1.5, TypeError, "got 1.5"),
    ("discrete", "maybe", ValueError, "got 'maybe'"),
    ("discrete", 2, ValueError, "got 2"),
    ("discrete", (True, True, True, True), ValueError, "4 entries"),
]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize(
    ("option", "value", "error", "shown"), BAD_OPTIONS, ids=[f"{o}={v!r}" for o, v, _, _ in BAD_OPTIONS]
)
def test_bad_options(func: str, option: str, value: Any, error: type[Exception], shown: str) -> None:
    with pytest.raises(error) as info:
        DATA_FUNCTIONS[func](X, **{option: value})
    _check_message(info.value, option, shown)
    assert info.value.args[0].endswith("."), info.value


@pytest.mark.parametrize("value", [0, -3, 2.5, "9", None])
@pytest.mark.parametrize("func", ["independence_test", "independence_test_given_z"])
def test_bad_n_resamples(func: str, value: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        DATA_FUNCTIONS[func](X, n_resamples=value)
    _check_message(info.value, "n_resamples", repr(value))


@pytest.mark.parametrize("value", [0, N, 2.5])
def test_bad_k_perm(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        DATA_FUNCTIONS["independence_test_given_z"](X, k_perm=value)
    _check_message(info.value, "k_perm", repr(value))


@pytest.mark.parametrize("value", ["greater_than", "two_sided", None])
def test_bad_alternative(value: Any) -> None:
    with pytest.raises(ValueError) as info:
        DATA_FUNCTIONS["independence_test"](X, alternative=value)
    _check_message(info.value, "alternative", repr(value))


# --------------------------------------------------------------------------- degenerate but legal


@pytest.mark.parametrize("func", ["mutual_info", "conditional_mutual_info", "independence_test"])
@pytest.mark.parametrize("slot", [0, 1])
@pytest.mark.parametrize("kind", ["continuous", "discrete"])
def test_constant_input_warns_and_gives_zero(func: str, slot: int, kind: str) -> None:
    constant = np.full(N, 2.5) if kind == "continuous" else np.full(N, 4)
    with pytest.warns(mi.ConstantInputWarning, match=f"`{ARG_NAMES[slot]}` is constant"):
        out = DATA_FUNCTIONS[func](constant, slot=slot)
    value = out.statistic if isinstance(out, mi.IndependenceResult) else out
    assert float(value) == 0.0
    if isinstance(out, mi.IndependenceResult):
        assert out.pvalue == 1.0


def test_constant_z_reduces_cmi_to_mi() -> None:
    with pytest.warns(mi.ConstantInputWarning, match="`z` is constant"):
        cmi = mi.conditional_mutual_info(X, Y, np.zeros(N))
    assert float(cmi) == float(mi.mutual_info(X, Y))
    with pytest.warns(mi.ConstantInputWarning, match="`z` is constant"):
        res = mi.independence_test(X, Y, np.zeros(N), n_resamples=9)
    assert float(res.statistic) == float(mi.mutual_info(X, Y)) and res.scheme == "permutation"


def test_constant_entropy_is_zero_or_minus_infinity() -> None:
    assert float(mi.entropy(np.full(N, 3))) == 0.0
    assert float(mi.entropy(np.full(N, 3.0), discrete=False)) == -math.inf


def test_tiny_sample_warns_for_knn() -> None:
    with pytest.warns(mi.SmallSampleWarning, match="n = 8"):
        mi.mutual_info(X[:8], Y[:8], method="ksg1")
    with pytest.warns(mi.SmallSampleWarning):
        mi.conditional_mutual_info(X[:8], Y[:8], Z[:8], method="ksg1")
    with pytest.warns(mi.SmallSampleWarning):
        mi.entropy(X[:8])


def test_tiny_sample_warns_once_in_a_permutation_test() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mi.independence_test(X[:8], Y[:8], method="ksg1", n_resamples=49)
    kinds = [w.category for w in caught]
    assert kinds.count(mi.SmallSampleWarning) == 1, kinds  # not once per resample


def test_tiny_discrete_sample_warns_undersampled() -> None:
    with pytest.warns(mi.UndersampledWarning):
        mi.mutual_info(np.arange(8) % 4, np.arange(8) % 3, method="plugin", discrete=True)


def test_no_warning_for_ordinary_input() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", mi.MutinfoWarning)
        mi.mutual_info(X, Y)
        mi.independence_test(X, Y, n_resamples=9)


# --------------------------------------------------------------------------- table libraries


def _frames() -> dict[str, tuple[Any, Any]]:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    return {
        "pandas_series": (pd.Series(X, name="a"), pd.Series(Y, name="b")),
        "pandas_frame": (pd.DataFrame({"a": X}), pd.DataFrame({"b": Y})),
        "polars_series": (pl.Series("a", X), pl.Series("b", Y)),
        "polars_frame": (pl.DataFrame({"a": X}), pl.DataFrame({"b": Y})),
        "arrow_array": (pa.array(X), pa.array(Y)),
        "arrow_chunked": (pa.chunked_array([X[:30], X[30:]]), pa.chunked_array([Y])),
        "arrow_table": (pa.table({"a": X}), pa.table({"b": Y})),
        "list": (X.tolist(), Y.tolist()),
    }


@pytest.mark.parametrize(
    "library",
    [
        "pandas_series",
        "pandas_frame",
        "polars_series",
        "polars_frame",
        "arrow_array",
        "arrow_chunked",
        "arrow_table",
        "list",
    ],
)
def test_table_libraries_give_the_numpy_value(library: str) -> None:
    a, b = _frames()[library]
    assert float(mi.mutual_info(a, b)) == float(mi.mutual_info(X, Y))
    assert float(mi.entropy(a)) == float(mi.entropy(X))
    res = mi.independence_test(a, b, n_resamples=19, rng=1)
    ref = mi.independence_test(X, Y, n_resamples=19, rng=1)
    assert res.pvalue == ref.pvalue and res.null_distribution.tobytes() == ref.null_distribution.tobytes()


def test_categorical_tables_match_codes() -> None:
    import pandas as pd
    import polars as pl

    words = np.array(["lo", "mid", "hi"])[LABELS]
    other = (LABELS + (_rng.random(N) < 0.3)) % 3
    # same partition, other code order: equal up to summation order
    ref = pytest.approx(float(mi.mutual_info(LABELS, other)), rel=1e-12)
    assert float(mi.mutual_info(pd.Series(words, dtype="category"), other)) == ref
    assert float(mi.mutual_info(pl.Series(words).cast(pl.Categorical), other)) == ref
    assert float(mi.mutual_info(words.tolist(), other)) == ref


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_missing_values_in_tables_are_rejected(library: str) -> None:
    import pandas as pd
    import polars as pl

    values = [1, 2, None, 1] * (N // 4)
    data = pd.Series(values, dtype="Int64", name="col") if library == "pandas" else pl.Series("col", values)
    with pytest.raises(ValueError) as info:
        mi.mutual_info(data, LABELS)
    _check_message(info.value, "x", None)
    assert re.search("missing|nan|NaN|None", str(info.value))


# --------------------------------------------------------------------------- FDR input


@pytest.mark.parametrize(
    ("value", "error", "shown"),
    [
        ([0.1, np.nan], ValueError, "nan"),
        ([0.1, 1.5], ValueError, "1.5"),
        ([-0.1, 0.5], ValueError, "-0.1"),
        ([], ValueError, "empty"),
        (0.3, ValueError, "0.3"),
        (["a", "b"], TypeError, "'a'"),
        ((p for p in [0.1]), TypeError, "generator"),
    ],
)
def test_fdr_bad_pvalues(value: Any, error: type[Exception], shown: str) -> None:
    with pytest.raises(error) as info:
        mi.fdr(value)
    _check_message(info.value, "pvalues", shown)


@pytest.mark.parametrize(
    ("option", "value"), [("method", "bonferroni"), ("alpha", 0), ("alpha", 1.2), ("alpha", "0.05")]
)
def test_fdr_bad_options(option: str, value: Any) -> None:
    with pytest.raises(ValueError) as info:
        mi.fdr([0.01, 0.2], **{option: value})
    _check_message(info.value, option, repr(value))


# --------------------------------------------------------------------------- the API surface


def _takes_data(obj: Any) -> bool:
    if not inspect.isfunction(obj):
        return False
    params = inspect.signature(obj).parameters.values()
    return any(p.kind is inspect.Parameter.POSITIONAL_ONLY for p in params)


NEW_FUNCTIONS = sorted(
    name
    for name in mi.__all__
    if _takes_data(getattr(mi, name))
    and name not in NOT_DATA
    and name not in {f.removesuffix("_given_z") for f in DATA_FUNCTIONS}
)


def test_registered_functions_exist() -> None:
    for name in DATA_FUNCTIONS:
        assert name.removesuffix("_given_z") in mi.__all__


@pytest.mark.parametrize("name", NEW_FUNCTIONS or ["<none>"])
def test_new_public_functions_reject_bad_data(name: str) -> None:
    """Functions added to the API later must reject NaN, 3-D and generator data clearly."""
    if name == "<none>":
        assert not NEW_FUNCTIONS
        return
    func = getattr(mi, name)
    params = [
        p
        for p in inspect.signature(func).parameters.values()
        if p.kind is inspect.Parameter.POSITIONAL_ONLY and p.default is inspect.Parameter.empty
    ]
    good = [LABELS.copy() for _ in params]
    first = params[0].name
    for bad, shown in (
        (np.where(np.arange(N) == 3, np.nan, X), "nan"),
        (np.zeros((N, 2, 2)), "(60, 2, 2)"),
        (_generator(), "generator"),
    ):
        with pytest.raises((ValueError, TypeError)) as info:
            func(bad, *good[1:])
        _check_message(info.value, first, shown)
