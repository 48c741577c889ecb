"""Where the shipped data files live, and how their metadata files are read.

Every data set ``<name>`` has a plain-text ``data/<name>.txt`` beside its CSV. The text file
is both the human-readable record (source, citation, licence) and the machine-readable
metadata behind :func:`mutinfo.datasets.describe`. Its format is a list of ``key: value``
fields; a line that starts with whitespace continues the previous field, and a field named
``column <name>`` gives that column's unit and meaning as ``unit | description``.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import pandas as pd

__all__ = ["data_path", "read_csv", "read_metadata"]


def data_path(filename: str) -> Any:
    """A ``Traversable`` for a file shipped in ``mutinfo/datasets/data``."""
    return resources.files("mutinfo.datasets").joinpath("data").joinpath(filename)


@functools.lru_cache(maxsize=8)
def _read_cached(filename: str) -> pd.DataFrame:
    compression = "gzip" if filename.endswith(".gz") else None
    with data_path(filename).open("rb") as handle:
        return pd.read_csv(handle, compression=compression)


def read_csv(filename: str) -> pd.DataFrame:
    """Read a shipped CSV (plain or ``.gz``) into a new DataFrame.

    The parsed file is cached (the files never change while installed); every call
    returns its own deep copy, so callers may modify the result freely.
    """
    return _read_cached(filename).copy(deep=True)


def _parse_fields(text: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0].isspace():
            if not fields:
                raise ValueError(f"metadata line {lineno} continues a field but none has started")
            key, value = fields[-1]
            fields[-1] = (key, f"{value} {raw.strip()}".strip())
            continue
        key, sep, value = raw.partition(":")
        if not sep:
            raise ValueError(f"metadata line {lineno} has no `key: value` form: {raw!r}")
        fields.append((key.strip(), value.strip()))
    return fields


def read_metadata(name: str) -> dict[str, Any]:
    """Parse ``data/<name>.txt`` into the dictionary :func:`describe` returns.

    Returns
    -------
    dict
        ``name``, ``title``, ``source``, ``citation``, ``licence``, ``synthetic`` (bool),
        ``notes`` (str, may be empty) and ``columns``: ``{column: {"unit", "description"}}``
        in file order. Any other field is kept under its own key.
    """
    text = data_path(f"{name}.txt").read_text(encoding="utf-8")
    meta: dict[str, Any] = {"name": name, "notes": "", "columns": {}}
    for key, value in _parse_fields(text):
        if key.startswith("column "):
            column = key[len("column ") :].strip()
            unit, _, description = value.partition("|")
            meta["columns"][column] = {"unit": unit.strip(), "description": description.strip()}
        elif key == "synthetic":
            meta["synthetic"] = value.lower() in {"yes", "true"}
        else:
            meta[key] = value
    for required in ("title", "source", "citation", "licence", "synthetic"):
        if required not in meta:
            raise ValueError(f"metadata file {name}.txt lacks the required field {required!r}")
    return meta
