"""Reading tables and writing results for the command line (:mod:`mutinfo.cli`).

Kept apart from the commands so that the rules for files live in one place:

* the file type comes from the extension (``.csv``/``.txt`` comma, ``.tsv``/``.tab`` tab,
  ``.gz``/``.bz2``/``.xz``/``.zip`` compression on those, ``.parquet``/``.pq``,
  ``.feather``/``.arrow``/``.ipc``, ``.xlsx``/``.xlsm``); a separator given by the user
  (``--sep``) overrides it and reads the file as delimited text;
* date-time columns are converted to seconds since 1970-01-01 UTC and the conversion is
  reported (mutual information is unchanged by a strictly monotone transform of a variable,
  so the conversion loses nothing the estimators use), durations to seconds;
* a problem with the data (missing file, empty file, binary junk, no rows, missing values,
  a constant target, a text column with nearly one category per row) raises
  :class:`DataError` with a message that names the file or column, the rule and what was
  found; the command turns it into exit status 1;
* results are written to a temporary file in the destination folder and renamed into place
  (:func:`atomic_write`), so an interrupted or failed run never leaves a half-written file.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

__all__ = [
    "DataError",
    "atomic_write",
    "check_columns",
    "convert_times",
    "file_kind",
    "parse_sep",
    "read_table",
]

TEXT_SUFFIXES = {".csv": ",", ".txt": ",", ".tsv": "\t", ".tab": "\t"}
COMPRESSION_SUFFIXES = {".gz", ".bz2", ".xz", ".zip", ".zst"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
ARROW_SUFFIXES = {".feather", ".arrow", ".ipc"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
#: Every extension :func:`read_table` understands (for messages).
KNOWN = sorted({*TEXT_SUFFIXES, *PARQUET_SUFFIXES, *ARROW_SUFFIXES, *EXCEL_SUFFIXES})

#: A text column is refused when it has more than this many distinct values and more
#: than half as many as rows: as a category it would be nearly one level per row.
MAX_SMALL_LEVELS = 20

_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$",
)


class DataError(ValueError):
    """A data problem the user must fix (the command exits with status 1)."""


def parse_sep(value: str | None) -> str | None:
    """The separator a user typed: one character, or the words ``tab``/``\\t``/``space``."""
    if value is None:
        return None
    words = {"tab": "\t", "\\t": "\t", "space": " ", "comma": ",", "semicolon": ";"}
    sep = words.get(value.lower(), value)
    if len(sep) != 1:
        raise ValueError(f"`--sep` must be one character or one of {sorted(words)}; got {value!r}.")
    return sep


def file_kind(path: Path, sep: str | None = None) -> tuple[str, str | None]:
    """``(kind, separator)`` of a data file: kind is text, parquet, arrow or excel.

    A separator given by the user makes any file delimited text. Otherwise the last
    suffix decides (a compression suffix is looked through for text files).
    """
    if sep is not None:
        return "text", sep
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES:
        return "text", TEXT_SUFFIXES[last]
    if last in PARQUET_SUFFIXES:
        return "parquet", None
    if last in ARROW_SUFFIXES:
        return "arrow", None
    if last in EXCEL_SUFFIXES:
        return "excel", None
    if last == ".xls":
        raise DataError(
            f"`DATA` {path.name!r} is an old-style .xls workbook, which mutinfo does not read; "
            "save it as .xlsx or .csv."
        )
    raise DataError(
        f"`DATA` must have one of the extensions {KNOWN} (optionally compressed: "
        f"{sorted(COMPRESSION_SUFFIXES)}), or give `--sep` to read it as delimited text; "
        f"got {path.name!r}."
    )


def _looks_binary(path: Path) -> bool:
    """True when the first 8 KiB of an uncompressed text file hold a NUL byte."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    return b"\x00" in head


def read_table(path: Path, sep: str | None = None) -> pd.DataFrame:
    """Read a data file into a DataFrame (the type from the extension; ``sep`` overrides).

    Parameters
    ----------
    path : pathlib.Path
        The data file.
    sep : str, optional
        Column separator; when given the file is read as delimited text whatever its
        extension.

    Returns
    -------
    pandas.DataFrame
        Columns with string names, at least one row.

    Raises
    ------
    DataError
        Missing, empty, unreadable or binary file, an unknown extension, no rows, or an
        Excel file without ``openpyxl`` installed.
    """
    if not path.is_file():
        raise DataError(f"`DATA` must be an existing file; got {str(path)!r}.")
    if path.stat().st_size == 0:
        raise DataError(f"`DATA` is empty (0 bytes): {str(path)!r}.")
    kind, delimiter = file_kind(path, sep)
    compressed = path.suffix.lower() in COMPRESSION_SUFFIXES
    if kind == "text" and not compressed and _looks_binary(path):
        raise DataError(
            f"`DATA` {path.name!r} does not look like a text table (it contains NUL bytes); "
            f"name it by its real type ({', '.join(KNOWN)}) or convert it to CSV."
        )
    if kind == "excel" and importlib.util.find_spec("openpyxl") is None:
        raise DataError(
            f"reading the Excel file {path.name!r} needs the openpyxl package: "
            "`pip install openpyxl` (or `pip install 'mutinfo[excel]'`), or save it as CSV."
        )
    try:
        if kind == "text":
            frame = pd.read_csv(path, sep=delimiter)
        elif kind == "parquet":
            frame = pd.read_parquet(path)
        elif kind == "arrow":
            frame = _read_arrow(path)
        else:
            frame = pd.read_excel(path, sheet_name=0)
    except ImportError as exc:
        raise DataError(f"`DATA` {path.name!r} needs a package that is missing: {exc}") from exc
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"`DATA` could not be read as a {kind} table ({str(path)!r}): {reason}") from exc
    except Exception as exc:  # pyarrow and openpyxl raise their own error types on bad files
        raise DataError(
            f"`DATA` could not be read as a {kind} table ({str(path)!r}): {type(exc).__name__}: {exc}"
        ) from exc
    if frame.shape[1] == 0:
        raise DataError(f"`DATA` {path.name!r} has no columns.")
    if len(frame) == 0:
        raise DataError(f"`DATA` {path.name!r} has a header but no data rows.")
    frame.columns = [str(c) for c in frame.columns]
    if len(set(frame.columns)) != frame.shape[1]:
        repeated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
        raise DataError(f"`DATA` {path.name!r} has repeated column names {repeated}; make them unique.")
    return frame


def _read_arrow(path: Path) -> pd.DataFrame:
    """Feather v1/v2 or an Arrow IPC file; an Arrow IPC stream as a fallback."""
    import pyarrow as pa
    import pyarrow.feather as feather

    try:
        return feather.read_table(path).to_pandas()
    except pa.ArrowInvalid:
        with pa.OSFile(str(path), "rb") as source:
            return pa.ipc.open_stream(source).read_all().to_pandas()


def convert_times(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Date-times to seconds since 1970-01-01 UTC, durations to seconds; say what was done.

    Columns of a datetime dtype, and text columns whose every value is an ISO 8601 date
    or date-time (``2024-03-01``, ``2024-03-01 12:00:00``, ``2024-03-01T12:00Z``), are
    converted. Time-zone-aware values are taken in UTC; naive ones as they are.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The table (a copy where something changed) and one note per converted column.
    """
    notes: list[str] = []
    out = frame
    for name in frame.columns:
        col = frame[name]
        converted = None
        if isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(col):
            converted, what = _seconds(col), "date-time"
        elif pd.api.types.is_timedelta64_dtype(col):
            converted, what = col.dt.total_seconds(), "duration"
        elif col.dtype == object or pd.api.types.is_string_dtype(col):
            present = col.dropna()
            if len(present) and all(isinstance(v, str) and _ISO_DATE.match(v.strip()) for v in present):
                try:
                    parsed = pd.to_datetime(col, format="ISO8601", utc=True)
                except (ValueError, TypeError):
                    parsed = None
                if parsed is not None:
                    converted, what = _seconds(parsed), "date-time text"
        if converted is not None:
            if out is frame:
                out = frame.copy()
            out[name] = converted.astype(float)
            unit = "seconds" if what == "duration" else "seconds since 1970-01-01 UTC"
            notes.append(
                f"column {name!r} holds {what} values; converted to {unit} (a monotone map, "
                "so its mutual information with any column is unchanged)."
            )
    return out, notes


def _seconds(col: pd.Series) -> pd.Series:
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_convert("UTC").dt.tz_localize(None)
    stamps = col.astype("datetime64[ns]")
    seconds = (stamps - pd.Timestamp("1970-01-01")).dt.total_seconds()
    return seconds.where(col.notna())


def _is_text(col: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col))


def check_columns(frame: pd.DataFrame, names: Sequence[str], *, target: str | None = None) -> None:
    """Refuse columns the estimators cannot use honestly; every message names the column.

    Raises
    ------
    DataError
        A column with no values, a column with missing values (mutinfo never drops rows),
        a text column with more than ``max(20, n/2)`` distinct values (nearly one category
        per row: its plug-in MI with anything is close to the other column's entropy
        whatever the relation), or a constant target.
    """
    n = len(frame)
    for name in names:
        col = frame[name]
        missing = int(col.isna().sum())
        if missing == n:
            raise DataError(f"column {name!r} has no values (all {n} rows are missing); drop it.")
        if missing:
            rows = [int(i) + 1 for i in np.flatnonzero(col.isna().to_numpy())[:5]]
            raise DataError(
                f"column {name!r} has {missing} missing values (NaN/empty; first in data rows "
                f"{rows}, counting from 1); mutinfo never drops rows silently: fill or remove "
                "them, or leave the column out with --columns."
            )
        if _is_text(col):
            levels = int(col.nunique())
            if levels > MAX_SMALL_LEVELS and levels > n / 2:
                raise DataError(
                    f"column {name!r} is text with {levels} distinct values in {n} rows: as a "
                    "category with nearly one level per row its MI with any column is close to "
                    "that column's entropy whatever the relation, so it cannot be analysed; "
                    "leave it out with --columns, or convert it to numbers."
                )
    if target is not None and frame[target].nunique() <= 1:
        value = frame[target].iloc[0]
        raise DataError(
            f"`--target` column {target!r} is constant (every row is {value!r}); no column can "
            "carry information about it."
        )


def atomic_write(path: Path, write: Callable[[IO[str]], None]) -> None:
    """Write a text file through a temporary file in the same folder, then rename it.

    ``write`` gets the open temporary file. Whatever stops it (an error, Ctrl-C), the
    temporary file is removed and ``path`` is untouched, so no half-written file is left.

    Raises
    ------
    OSError
        The folder is missing or not writable.
    """
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
