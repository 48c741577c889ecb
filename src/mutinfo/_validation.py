"""The single edge where user input is checked and converted.

Every public function passes its data and options through the helpers here, so that every
error has one format: it names the argument, states the rule and shows the value received::

    ValueError: `k` must be an integer >= 1 and < n (n = 10); got 10.

Data conversion
---------------
numpy arrays, lists, pandas Series/DataFrame, polars Series/DataFrame and pyarrow
Array/ChunkedArray/Table are accepted. A 1-D input is one scalar variable; a 2-D input of
shape (n, d) is *one* d-dimensional variable (never d separate variables).

Discrete detection (``discrete="auto"``)
----------------------------------------
A column is treated as discrete when its dtype is bool, string/object, or categorical, or
when it has an integer dtype with at most ``min(MAX_AUTO_LEVELS, n // 2)`` distinct values
(and at least one repeat). Floating-point columns are always continuous under ``"auto"``,
even when they hold whole numbers: pass ``discrete=True`` for those. A multivariate
variable is discrete only when all its columns are. Pass ``discrete=True``/``False`` to force
the choice for every variable, or one entry per variable, e.g. ``discrete=(True, "auto")``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import numpy as np

from mutinfo._variable import Variable
from mutinfo._warnings import ConstantInputWarning
from mutinfo.estimators.discrete import encode_integers

__all__ = [
    "MAX_AUTO_LEVELS",
    "DiscreteSpec",
    "check_base",
    "check_k",
    "check_n_jobs",
    "check_positive_int",
    "check_rng",
    "check_same_length",
    "prepare_variables",
    "to_variable",
]

#: Largest number of distinct integer values that ``discrete="auto"`` treats as categories.
MAX_AUTO_LEVELS = 256

DiscreteFlag = bool | Literal["auto"]
DiscreteSpec = DiscreteFlag | Sequence[DiscreteFlag]


def _show(value: Any) -> str:
    """Short repr of a received value for an error message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --------------------------------------------------------------------------- options


def check_base(base: Any) -> float:
    """Validate a logarithm base: a finite real number > 0 and != 1."""
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"`base` must be a real number > 0 and != 1 (2 = bits); got {_show(base)}.")
    b = float(base)
    if not math.isfinite(b) or b <= 0 or b == 1:
        raise ValueError(f"`base` must be a finite number > 0 and != 1 (2 = bits); got {_show(base)}.")
    return b


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Validate an integer option ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer >= {minimum}; got {_show(value)}.")
    if value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}; got {_show(value)}.")
    return int(value)


def check_k(k: Any, n: int, *, name: str = "k") -> int:
    """Validate a neighbour count: an integer with ``1 <= k < n``."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer >= 1 and < n (n = {n}); got {_show(k)}.")
    if k < 1 or k >= n:
        raise ValueError(f"`{name}` must be an integer >= 1 and < n (n = {n}); got {_show(k)}.")
    return int(k)


def check_n_jobs(n_jobs: Any) -> int | None:
    """Validate ``n_jobs``: None, -1 (all cores) or a positive integer."""
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"`n_jobs` must be None, -1 or an integer >= 1; got {_show(n_jobs)}.")
    if n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"`n_jobs` must be None, -1 or an integer >= 1; got {_show(n_jobs)}.")
    return int(n_jobs)


def check_rng(rng: Any, *, default_seed: int | None = 0, name: str = "rng") -> np.random.Generator:
    """Turn ``rng`` into a numpy Generator.

    ``None`` gives a Generator seeded with ``default_seed`` so that results repeat exactly
    unless the caller asks otherwise (pass ``default_seed=None`` for fresh entropy).
    ``name`` is the argument named in error messages (e.g. ``"random_state"``).
    """
    if rng is None:
        return np.random.default_rng(default_seed)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (numbers.Integral, np.random.SeedSequence)) and not isinstance(rng, bool):
        if isinstance(rng, numbers.Integral) and rng < 0:
            raise ValueError(f"`{name}` must be None, a seed >= 0 or a numpy Generator; got {_show(rng)}.")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.RandomState):
        return np.random.default_rng(rng.randint(0, 2**31 - 1))
    raise TypeError(f"`{name}` must be None, a seed >= 0 or a numpy Generator; got {_show(rng)}.")


def check_same_length(*variables: Variable) -> int:
    """All variables must have the same number of samples; returns it."""
    lengths = {v.name: v.n for v in variables}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(f"`{'`, `'.join(lengths)}` must have the same number of samples; got {shown}.")
    return next(iter(lengths.values()))


# --------------------------------------------------------------------------- data


def _columns_of(obj: Any, name: str) -> tuple[list[np.ndarray], list[str]]:
    """Split any supported container into 1-D column arrays and their labels."""
    module = type(obj).__module__.split(".")[0]
    if isinstance(obj, Iterator) or hasattr(obj, "__next__"):
        raise TypeError(
            f"`{name}` must be an array-like (numpy, list, pandas, polars or Arrow); "
            f"got an iterator/generator {_show(obj)}. Wrap it in list() or np.asarray()."
        )
    if isinstance(obj, (str, bytes, dict, set)):
        raise TypeError(f"`{name}` must be an array-like of samples; got {type(obj).__name__} {_show(obj)}.")
    if module == "pandas":
        import pandas as pd

        if isinstance(obj, pd.Series):
            return [_pandas_column(obj, name)], [str(obj.name) if obj.name is not None else "0"]
        if isinstance(obj, pd.DataFrame):
            return (
                [_pandas_column(obj.iloc[:, j], name) for j in range(obj.shape[1])],
                [str(c) for c in obj.columns],
            )
        if isinstance(obj, pd.Index):
            return [_pandas_column(obj.to_series(), name)], [str(obj.name or "0")]
    if module == "polars":
        import polars as pl

        if isinstance(obj, pl.Series):
            return [_polars_column(obj)], [obj.name or "0"]
        if isinstance(obj, pl.DataFrame):
            return [_polars_column(obj.get_column(c)) for c in obj.columns], list(obj.columns)
    if module == "pyarrow":
        import pyarrow as pa

        if isinstance(obj, (pa.Table, pa.RecordBatch)):
            frame = obj.to_pandas()
            return (
                [_pandas_column(frame.iloc[:, j], name) for j in range(frame.shape[1])],
                [str(c) for c in frame.columns],
            )
        if isinstance(obj, (pa.Array, pa.ChunkedArray)):
            return [_pandas_column(obj.to_pandas(), name)], ["0"]
    try:
        arr = np.asarray(obj)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"`{name}` could not be converted to an array ({exc}); got {_show(obj)}.") from exc
    if arr.ndim == 0:
        raise ValueError(f"`{name}` must be 1-D (n,) or 2-D (n, d); got a 0-d scalar {_show(obj)}.")
    if arr.ndim > 2:
        raise ValueError(f"`{name}` must be 1-D (n,) or 2-D (n, d); got shape {arr.shape}.")
    if arr.ndim == 1:
        return [arr], ["0"]
    if arr.shape[1] == 0:
        raise ValueError(f"`{name}` must have at least one column; got shape {arr.shape}.")
    return [arr[:, j] for j in range(arr.shape[1])], [str(j) for j in range(arr.shape[1])]


def _pandas_column(col: Any, name: str) -> np.ndarray:
    import pandas as pd

    if isinstance(col.dtype, pd.CategoricalDtype):
        if col.isna().any():
            raise ValueError(
                f"`{name}` must not contain missing values; column {col.name!r} has "
                f"{int(col.isna().sum())} missing categorical entries."
            )
        return col.astype(object).to_numpy()
    if pd.api.types.is_bool_dtype(col.dtype):
        if col.isna().any():
            raise ValueError(f"`{name}` must not contain missing values; column {col.name!r} has some.")
        return col.to_numpy(dtype=bool)
    if pd.api.types.is_integer_dtype(col.dtype):
        if col.isna().any():
            raise ValueError(f"`{name}` must not contain missing values; column {col.name!r} has some.")
        return col.to_numpy(dtype=np.int64)
    if pd.api.types.is_float_dtype(col.dtype):
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_string_dtype(col.dtype) or col.dtype == object:
        values = col.to_numpy(dtype=object)
        return values
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        raise TypeError(
            f"`{name}` column {col.name!r} has a datetime dtype; convert it to numbers "
            "(e.g. hour of day) or to categories first."
        )
    return col.to_numpy()


def _polars_column(col: Any) -> np.ndarray:
    import polars as pl

    if col.dtype in (pl.Categorical, pl.Enum) or col.dtype == pl.Utf8:
        return np.asarray(col.cast(pl.Utf8).to_list(), dtype=object)
    return col.to_numpy()


def _column_kind(col: np.ndarray, name: str, label: str) -> str:
    """Natural kind of one column: 'bool', 'string', 'integer' or 'float'."""
    kind = col.dtype.kind
    if kind == "b":
        return "bool"
    if kind in "iu":
        return "integer"
    if kind == "f":
        return "float"
    if kind in "USO":
        if kind == "O":
            for value in col:
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    raise ValueError(
                        f"`{name}` must not contain missing values; column {label!r} holds {value!r}."
                    )
                if not isinstance(value, (str, bytes, bool, numbers.Integral, np.str_)):
                    raise TypeError(
                        f"`{name}` column {label!r} has object dtype with a value of type "
                        f"{type(value).__name__} ({_show(value)}); only numbers, strings, "
                        "booleans and categoricals are supported."
                    )
        return "string"
    if kind == "c":
        raise TypeError(
            f"`{name}` column {label!r} is complex; only real numbers are supported; "
            f"got {_show(col[0])} first."
        )
    raise TypeError(f"`{name}` column {label!r} has unsupported dtype {col.dtype}.")


def _encode_column(col: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..L-1 and the level of each code for one discrete column."""
    if kind == "integer":
        return encode_integers(col.astype(np.int64, copy=False))
    if kind == "bool":
        return encode_integers(col.astype(np.int64))
    if kind == "float":
        levels, codes = np.unique(col, return_inverse=True)
        return codes.astype(np.int64, copy=False), levels
    levels, codes = np.unique(col.astype(str), return_inverse=True)
    return codes.astype(np.int64, copy=False), levels


def _joint_codes(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, int]:
    """Combine per-column codes into one code per row (only observed combinations)."""
    if len(codes) == 1:
        return codes[0], sizes[0]
    total = 1.0
    for s in sizes:
        total *= s
    if total < 2**62:
        joint = np.zeros(codes[0].shape[0], dtype=np.int64)
        for c, s in zip(codes, sizes):
            joint = joint * s + c
        compact, n_levels = encode_integers(joint)[0], None
        n_levels = int(compact.max()) + 1 if compact.size else 0
        return compact, n_levels
    _, inverse = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
    inverse = inverse.ravel().astype(np.int64)
    return inverse, int(inverse.max()) + 1


def to_variable(obj: Any, name: str, *, discrete: DiscreteFlag = "auto") -> Variable:
    """Validate one data argument and convert it to a :class:`Variable`.

    Parameters
    ----------
    obj : array-like
        The user's data.
    name : str
        The argument name, used in every message.
    discrete : {"auto", True, False}
        Whether to treat the variable as discrete (see the module docstring for "auto").

    Raises
    ------
    TypeError
        Unsupported container or dtype (iterators, complex, arbitrary objects).
    ValueError
        Empty input, NaN/inf, missing values, wrong dimensionality.
    """
    if discrete not in ("auto", True, False):
        raise ValueError(
            f"`discrete` entries must be 'auto', True or False; got {_show(discrete)} for `{name}`."
        )
    columns, labels = _columns_of(obj, name)
    if len(columns) == 0:
        raise ValueError(f"`{name}` must have at least one column; got a table with 0 columns.")
    n = columns[0].shape[0]
    if n == 0:
        raise ValueError(f"`{name}` must contain at least one sample; got an empty input of {n} rows.")
    kinds = [_column_kind(c, name, lab) for c, lab in zip(columns, labels)]

    encoded: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # id(column) -> codes, levels

    def looks_discrete(col: np.ndarray, kind: str) -> bool:
        if kind in ("bool", "string"):
            return True
        if kind == "integer":
            limit = min(MAX_AUTO_LEVELS, n // 2)
            encoded[id(col)] = encode_integers(col.astype(np.int64, copy=False))  # reused below
            levels = encoded[id(col)][1]
            return 1 <= levels.shape[0] <= max(limit, 1) and levels.shape[0] < n
        return False

    if discrete == "auto":
        is_discrete = all(looks_discrete(c, k) for c, k in zip(columns, kinds))
    else:
        is_discrete = bool(discrete)

    if not is_discrete:
        for col, kind, label in zip(columns, kinds, labels):
            if kind == "string":
                raise TypeError(
                    f"`{name}` column {label!r} holds strings/categories, which cannot be "
                    f"continuous; pass discrete=True (or 'auto') for this variable; got {_show(col[0])} "
                    "first."
                )
        values = np.empty((n, len(columns)), dtype=np.float64)
        for j, col in enumerate(columns):
            values[:, j] = col
        finite = np.isfinite(values)
        if not finite.all():
            bad = np.argwhere(~finite)
            row, colj = bad[0]
            raise ValueError(
                f"`{name}` must contain only finite values (no NaN or inf); got "
                f"{bad.shape[0]} non-finite entries, first {float(values[row, colj])!r} at row {row}"
                + (f", column {labels[colj]!r}." if len(labels) > 1 else ".")
            )
        return Variable(name=name, values=np.ascontiguousarray(values), discrete=False, columns=tuple(labels))

    codes: list[np.ndarray] = []
    sizes: list[int] = []
    levels_list: list[np.ndarray] = []
    for col, kind, label in zip(columns, kinds, labels):
        if kind == "float" and not np.isfinite(col).all():
            bad = np.flatnonzero(~np.isfinite(col))
            raise ValueError(
                f"`{name}` must contain only finite values (no NaN or inf); column {label!r} "
                f"has {bad.shape[0]} non-finite entries, first {float(col[bad[0]])!r} at row {bad[0]}."
            )
        c, lev = encoded.pop(id(col)) if id(col) in encoded else _encode_column(col, kind)
        codes.append(c)
        sizes.append(int(lev.shape[0]))
        levels_list.append(lev)
    joint, n_levels = _joint_codes(codes, sizes)
    levels = levels_list[0] if len(levels_list) == 1 else None
    return Variable(
        name=name, values=joint, discrete=True, n_levels=n_levels, columns=tuple(labels), levels=levels
    )


def _discrete_flags(discrete: DiscreteSpec, names: Sequence[str]) -> list[DiscreteFlag]:
    if isinstance(discrete, (bool, np.bool_)) or discrete == "auto":
        return [discrete if discrete == "auto" else bool(discrete)] * len(names)
    if isinstance(discrete, str) or not isinstance(discrete, (Sequence, np.ndarray)):
        raise ValueError(
            f"`discrete` must be 'auto', True, False or one such entry per variable; got {_show(discrete)}."
        )
    flags = list(discrete)
    if len(flags) != len(names):
        raise ValueError(
            f"`discrete` must have one entry per variable ({', '.join(names)}: {len(names)}); "
            f"got {len(flags)} entries {_show(discrete)}."
        )
    return flags


def prepare_variables(
    data: Sequence[Any],
    names: Sequence[str],
    *,
    discrete: DiscreteSpec = "auto",
    warn_constant: bool = True,
    stacklevel: int = 3,
) -> list[Variable]:
    """Validate several data arguments together (same length, discrete flags per variable).

    A constant variable is legal; it triggers a :class:`ConstantInputWarning` here (MI with a
    constant is exactly 0) unless ``warn_constant`` is False. ``stacklevel`` points the
    warning at the user's call (3: the caller of the public function that called this).
    """
    flags = _discrete_flags(discrete, names)
    variables = [to_variable(obj, nm, discrete=fl) for obj, nm, fl in zip(data, names, flags)]
    check_same_length(*variables)
    if warn_constant:
        for v in variables:
            if is_constant(v):
                warnings.warn(
                    f"`{v.name}` is constant (a single value in all {v.n} samples): it carries "
                    "no information, so any mutual information with it is 0.",
                    ConstantInputWarning,
                    stacklevel=stacklevel,
                )
    return variables


def is_constant(v: Variable) -> bool:
    """True when every sample of ``v`` is the same (all columns)."""
    if v.discrete:
        return v.n_levels <= 1
    return bool(np.all(v.values.max(axis=0) == v.values.min(axis=0)))
