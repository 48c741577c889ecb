"""Endpoints of the "analyse your own data" section.

A CSV is uploaded (``POST /api/yourdata/upload``, at most :data:`MAX_BYTES`, enforced while
reading), parsed in memory and kept in an in-memory table under a random token; nothing is
written to disk (the multipart body is parsed by :func:`mutinfo.explorer.limits.read_upload`,
never spooled to a temporary file), and at most :data:`MAX_SESSIONS` uploads taking at most
:data:`MAX_STORE_BYTES` together are held (the oldest is dropped first). The app's
:class:`~mutinfo.explorer.limits.ServerSettings` can change these limits; the module
constants are the defaults.
``GET /api/yourdata/analyze`` ranks the columns by MI with a chosen target, with permutation
p-values and Benjamini-Hochberg q-values, and computes the MI matrix;
``GET /api/yourdata/download`` returns the ranking as CSV with formula-like cells escaped
(OWASP "CSV injection").

Missing values: each MI is computed on the rows where both columns are present, and the
ranking reports that n per feature; no value is filled in or invented.
"""

from __future__ import annotations

import csv
import io
import secrets
import threading
from collections import OrderedDict
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

import mutinfo as mi
from mutinfo.explorer import limits as _server_limits
from mutinfo.explorer.common import UNIT_BASE, clean, mi_with_test, readout, recorded_warnings, snippet
from mutinfo.explorer.routes.realworld import fdr_qvalues

router = APIRouter(prefix="/api/yourdata", tags=["yourdata"])

#: Largest upload accepted, in bytes (20 MB).
MAX_BYTES = _server_limits.DEFAULT_MAX_UPLOAD_BYTES
#: Most uploads held in memory at once (the oldest is dropped first) ...
MAX_SESSIONS = _server_limits.DEFAULT_MAX_UPLOADS
#: ... and the most memory their parsed tables may take together, in bytes (pandas' deep
#: ``memory_usage``); the newest upload is always kept.
MAX_STORE_BYTES = 512 * 1024 * 1024
#: Limits that keep one analysis interactive; larger tables belong to ``mutinfo analyze``.
MAX_ROWS = _server_limits.DEFAULT_MAX_ROWS
MAX_COLUMNS = _server_limits.DEFAULT_MAX_COLUMNS
MIN_ROWS = 10
#: Most work one analysis may take, in row-estimates (rows x MI estimates, see :func:`_work`).
#: A continuous pair costs about 6 µs of CPU per row (KSG, measured at n = 10^4 and 5 x 10^4
#: on the project's test machine), so this is about :data:`WORK_SECONDS` s of CPU: no request
#: computes for minutes (a Python thread cannot be stopped once started; see
#: :mod:`mutinfo.explorer.limits`). 50 000 rows x 2 columns with 99 shuffles still fit.
MAX_WORK = 6_000_000
WORK_SECONDS = 36
#: What a pair of discrete columns costs per row relative to a continuous pair.
DISCRETE_WEIGHT = 0.02
#: The fixed cost of one estimate (validation, dispatch), in rows: ~3.5 ms of CPU measured at n = 100.
CALL_ROWS = 600
#: Most analysis results cached, all uploads together (each seed or resample count is one),
#: so that a client cycling through seeds cannot grow the server's memory without bound.
MAX_RESULTS = 64

_STORE: OrderedDict[str, dict[str, Any]] = OrderedDict()
_RESULTS: dict[tuple[str, str, int, int, bool], dict[str, Any]] = {}
_LOCK = threading.Lock()


def _limits(request: Request | None = None) -> dict[str, int]:
    """The limits in force: the app's settings where set, else this module's defaults."""
    settings = getattr(request.app.state, "settings", None) if request is not None else None

    def pick(name: str, default: int) -> int:
        value = getattr(settings, name, None)
        return default if value is None else int(value)

    return {
        "max_bytes": pick("max_upload_bytes", MAX_BYTES),
        "max_rows": pick("max_rows", MAX_ROWS),
        "max_columns": pick("max_columns", MAX_COLUMNS),
        "min_rows": MIN_ROWS,
        "max_sessions": pick("max_uploads", MAX_SESSIONS),
    }


@router.get("/limits")
def limits(request: Request) -> dict[str, int]:
    """The upload and analysis limits (the page states them)."""
    return _limits(request)


def _delimiter(text: str) -> str:
    """The column separator: the first of ",", ";", tab that splits the header, else ","."""
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _parse(raw: bytes, filename: str, lim: dict[str, int] | None = None) -> pd.DataFrame:
    lim = _limits() if lim is None else lim
    max_rows, max_columns = lim["max_rows"], lim["max_columns"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HTTPException(
            status_code=400, detail=f"`file` must be UTF-8 text (a CSV); byte {exc.start} is not valid UTF-8."
        ) from None
    if not text.strip():
        raise HTTPException(status_code=400, detail="`file` is empty; upload a CSV with a header row.")
    if "\x00" in text:
        raise HTTPException(
            status_code=400,
            detail=f"`file` contains NUL bytes (first at character {text.index(chr(0))}): binary data, "
            "or text saved as UTF-16/UTF-32; save it as a UTF-8 CSV.",
        )
    sep = _delimiter(text)
    try:
        header = next(csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=sep))
    except (csv.Error, StopIteration) as exc:
        raise HTTPException(status_code=400, detail=f"`file` has no readable header row: {exc}") from None
    if len(header) > max_columns:  # checked on the header, before the whole table is parsed
        raise HTTPException(
            status_code=413,
            detail=f"`file` may have at most {max_columns} columns here; got {len(header)}. "
            "Use `mutinfo analyze` for wider tables.",
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise HTTPException(
            status_code=400, detail=f"`file` has repeated column names {repeated}; make them unique."
        )
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise HTTPException(status_code=400, detail=f"`file` could not be read as CSV: {exc}") from None
    if not isinstance(table.index, pd.RangeIndex):
        # pandas takes extra leading fields as an index when every row is longer than the
        # header; that would shift every column silently
        raise HTTPException(
            status_code=400,
            detail=f"`file` rows have more fields than its header ({table.shape[1]} names); "
            "name every column in the header.",
        )
    table.attrs["sep"] = sep
    if table.shape[1] < 2:
        raise HTTPException(
            status_code=400,
            detail=f"`file` needs at least 2 columns (a target and a feature); got {table.shape[1]}.",
        )
    if table.shape[1] > max_columns:
        raise HTTPException(
            status_code=413,
            detail=f"`file` may have at most {max_columns} columns here; got {table.shape[1]}. "
            "Use `mutinfo analyze` for wider tables.",
        )
    if len(table) < MIN_ROWS:
        raise HTTPException(
            status_code=400, detail=f"`file` needs at least {MIN_ROWS} data rows; got {len(table)}."
        )
    if len(table) > max_rows:
        raise HTTPException(
            status_code=413,
            detail=f"`file` may have at most {max_rows} rows here; got {len(table)}. "
            "Use `mutinfo analyze` for larger tables.",
        )
    if len(set(map(str, table.columns))) != table.shape[1]:
        raise HTTPException(status_code=400, detail="`file` has repeated column names; make them unique.")
    table.columns = [str(c) for c in table.columns]
    # the quick "estimate" stage (every feature with any target, and the MI matrix) must fit
    cost = _work(table, None, 0, full=False)
    if cost > MAX_WORK:
        raise HTTPException(
            status_code=413,
            detail=f"`file` is too large to analyse here: {len(table)} rows x {table.shape[1]} columns "
            f"need about {cost:.3g} row-estimates of MI for the matrix alone, more than the explorer's "
            f"{MAX_WORK:.3g} (about {WORK_SECONDS} s of computing). Use fewer rows or columns, or "
            "`mutinfo analyze` for this table.",
        )
    return table


def _work(table: pd.DataFrame, target: str | None, n_resamples: int, full: bool) -> float:
    """Cost of an analysis in row-estimates: rows x MI estimates, weighted by kind.

    A pair with a continuous column costs 1 per row (k-nearest-neighbour estimators); a pair
    of discrete columns costs :data:`DISCRETE_WEIGHT` (a contingency table). Each estimate
    also has a fixed cost, counted as :data:`CALL_ROWS` more rows. The "full" stage
    repeats each estimate with ``target`` ``n_resamples`` times for the permutation test.
    With ``target`` None, the most expensive target is assumed.
    """
    names = list(table.columns)
    discrete = {name: _column(table[name].dropna())[1] for name in names}

    def weight(a: str, b: str) -> float:
        return DISCRETE_WEIGHT if discrete[a] and discrete[b] else 1.0

    matrix = sum(weight(a, b) for a, b in combinations(names, 2))
    targets = names if target is None else [target]
    ranking = max(sum(weight(a, t) for a in names if a != t) for t in targets)
    return (len(table) + CALL_ROWS) * (matrix + ranking * ((n_resamples + 1) if full else 1))


def _describe(table: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for name in table.columns:
        col = table[name]
        out.append(
            {
                "name": name,
                "dtype": str(col.dtype),
                "missing": int(col.isna().sum()),
                "distinct": int(col.nunique()),
            }
        )
    return out


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "a CSV file, at most 20 MB",
                        }
                    },
                }
            }
        },
    }
}


@router.post("/upload", openapi_extra=_UPLOAD_BODY)
async def upload(request: Request) -> dict[str, Any]:
    """Read a CSV into memory and return its token and column summary.

    The multipart body is parsed as it streams in (:func:`mutinfo.explorer.limits.read_upload`):
    the file's bytes go to memory only, and reading stops once they pass the size limit.
    """
    lim = _limits(request)
    try:
        filename, raw = await _server_limits.read_upload(
            request.headers, request.stream(), field="file", max_bytes=lim["max_bytes"]
        )
    except _server_limits.UploadError as exc:
        raise HTTPException(status_code=exc.status, detail=str(exc)) from None
    size = len(raw)
    table = await run_in_threadpool(_parse, raw, filename or "upload.csv", lim)  # keep the loop free
    del raw
    memory = int(await run_in_threadpool(lambda: table.memory_usage(deep=True).sum()))
    token = secrets.token_urlsafe(16)
    with _LOCK:
        _STORE[token] = {
            "table": table,
            "filename": filename or "upload.csv",
            "bytes": size,
            "memory": memory,
        }
        while len(_STORE) > lim["max_sessions"] or (
            len(_STORE) > 1 and sum(e["memory"] for e in _STORE.values()) > MAX_STORE_BYTES
        ):
            old, _ = _STORE.popitem(last=False)
            for key in [key for key in _RESULTS if key[0] == old]:
                del _RESULTS[key]
    return {
        "token": token,
        "filename": filename,
        "bytes": size,
        "rows": len(table),
        "columns": _describe(table),
        "limits": lim,
        "note": "Kept in this server's memory only, for this session; nothing is written to disk.",
    }


def _table(token: str) -> pd.DataFrame:
    with _LOCK:
        entry = _STORE.get(token)
    if entry is None:
        raise HTTPException(
            status_code=404,
            detail=(
                "`token` is unknown or has expired (uploads are kept in memory only); upload the file again."
            ),
        )
    return entry["table"]


def _column(col: pd.Series) -> tuple[np.ndarray, bool]:
    """Values and whether the column is discrete (text/bool/categorical or few integers)."""
    if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
        return col.astype(str).to_numpy(dtype=object), True
    values = col.to_numpy(dtype=float)
    whole = np.all(np.equal(np.mod(values, 1), 0))
    return values, bool(whole and col.nunique() <= min(20, len(col) // 2))


def _pair(table: pd.DataFrame, a: str, b: str) -> tuple[np.ndarray, np.ndarray, tuple[bool, bool]]:
    both = table[[a, b]].dropna()
    xa, da = _column(both[a])
    xb, db = _column(both[b])
    return xa, xb, (da, db)


def _remember(token: str, key: tuple[str, str, int, int, bool], value: dict[str, Any]) -> None:
    """Cache a result while its upload is held; at most :data:`MAX_RESULTS`, oldest dropped first."""
    with _LOCK:
        if token in _STORE:
            _RESULTS[key] = value
            while len(_RESULTS) > MAX_RESULTS:
                del _RESULTS[next(iter(_RESULTS))]


def _matrix(token: str, table: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """MI between every pair of columns (cached per upload; it does not depend on the target)."""
    key = (token, "", 0, 0, False)
    with _LOCK:
        hit = _RESULTS.get(key)
    if hit is not None:
        return hit["columns"], hit["matrix"]
    names = list(table.columns)
    matrix = np.full((len(names), len(names)), np.nan)
    for i, j in combinations(range(len(names)), 2):
        a, b, flags = _pair(table, names[i], names[j])
        if len(a) >= MIN_ROWS:
            matrix[i, j] = matrix[j, i] = float(mi.mutual_info(a, b, discrete=flags, base=UNIT_BASE))
    _remember(token, key, {"columns": names, "matrix": matrix})
    return names, matrix


def _analyze(token: str, target: str, n_resamples: int, seed: int, full: bool = True) -> dict[str, Any]:
    key = (token, target, n_resamples, seed, full)
    with _LOCK:
        hit = _RESULTS.get(key)
    if hit is not None:
        return hit
    table = _table(token)
    if target not in table.columns:
        raise HTTPException(
            status_code=422,
            detail=f"`target` must be one of the columns {list(table.columns)}; got {target!r}.",
        )
    cost = _work(table, target, n_resamples, full)
    if cost > MAX_WORK:
        quick = _work(table, target, 0, False)
        per_shuffle = (_work(table, target, 1, True) - quick) or 1.0
        most = int((MAX_WORK - quick) // per_shuffle)
        raise HTTPException(
            status_code=422,
            detail=f"`n_resamples` = {n_resamples} is too many for this table here: {len(table)} rows need "
            f"about {cost:.3g} row-estimates of MI, more than the explorer's {MAX_WORK:.3g} (about "
            f"{WORK_SECONDS} s of computing); at most {max(most, 0)} shuffles fit. Choose fewer, or use "
            "`mutinfo analyze`.",
        )
    rows, notes = [], []
    with recorded_warnings() as records:
        for name in table.columns:
            if name == target:
                continue
            x, y, flags = _pair(table, name, target)
            if len(x) < MIN_ROWS:
                notes.append(f"{name}: fewer than {MIN_ROWS} rows with both values; skipped.")
                continue
            if full:
                rec = mi_with_test(
                    x, y, n_resamples=n_resamples, seed=seed, ci_resamples=None, discrete=flags
                )
            else:
                rec = readout(mi.mutual_info(x, y, discrete=flags, base=UNIT_BASE, rng=seed))
            rows.append({"feature": name, "kind": "discrete" if flags[0] else "continuous", "mi": rec})
        q, q_note = None, "q-values follow with the permutation tests."
        if full and rows:
            q, q_note = fdr_qvalues(np.array([r["mi"]["p_value"] for r in rows]))
        for i, row in enumerate(rows):
            row["q_value"] = None if q is None else float(q[i])
        rows.sort(key=lambda r: -r["mi"]["value"])
        names, matrix = _matrix(token, table)
    code = snippet(
        f"""
        import numpy as np
        import pandas as pd
        import mutinfo as mi

        table = pd.read_csv("your_file.csv", sep={table.attrs.get("sep", ",")!r})
        target = {target!r}

        def column(col):  # the explorer's rule: text/bool or <= 20 whole-number levels is discrete
            if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
                return col.astype(str).to_numpy(dtype=object), True
            v = col.to_numpy(dtype=float)
            return v, bool(np.all(v % 1 == 0) and col.nunique() <= min(20, len(col) // 2))

        results = {{}}
        for name in table.columns.drop(target):
            both = table[[name, target]].dropna()  # rows where both values are present
            (x, dx), (y, dy) = column(both[name]), column(both[target])
            estimate = mi.mutual_info(x, y, discrete=(dx, dy), rng={seed})
            p = mi.independence_test(x, y, discrete=(dx, dy), n_resamples={n_resamples}, rng={seed}).pvalue
            results[name] = (float(estimate), p)
            print(f"{{name:20s}} {{float(estimate):.4f}} bits "
                  f"(n = {{estimate.n}}, {{estimate.method}}), p = {{p:.3g}}")
        """
    )
    result = clean(
        {
            "target": target,
            "stage": "full" if full else "estimate",
            "n_resamples": n_resamples,
            "ranking": rows,
            "q_note": q_note,
            "columns": names,
            "matrix": matrix,
            "notes": notes,
            "warnings": sorted({f"{r.category.__name__}: {r.message}" for r in records}),
            "snippet": code,
        }
    )
    _remember(token, key, result)
    return result


@router.get("/analyze")
def analyze(
    token: str = Query(..., min_length=8, max_length=64, description="token from the upload"),
    target: str = Query(..., min_length=1, max_length=200, description="target column"),
    n_resamples: int = Query(99, ge=19, le=999, description="permutations per p-value"),
    seed: int = Query(0, ge=0, le=2**31 - 1),
    stage: Literal["estimate", "full"] = Query("full", description="'estimate': values only (fast)"),
) -> dict[str, Any]:
    """MI of every column with ``target`` (p and q values) and the MI matrix."""
    return _analyze(token, target, n_resamples, seed, stage == "full")


@router.get("/example")
def example() -> Response:
    """An example CSV to try the upload with: 600 hours of the shipped weather record.

    The hours are a seeded sample (``numpy.random.default_rng(0)``) of
    :func:`mutinfo.datasets.load_weather`, with the hour of day, month and five measurements.
    """
    from mutinfo import datasets

    table = datasets.load_weather()
    rows = np.sort(np.random.default_rng(0).choice(len(table), size=600, replace=False))
    columns = [
        "month",
        "hour",
        "temperature_c",
        "relative_humidity_pct",
        "pressure_mbar",
        "wind_speed_m_s",
        "ghi_w_m2",
    ]
    text = table.iloc[rows][columns].to_csv(index=False)
    return Response(
        content=text,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="weather_example.csv"'},
    )


def _safe_cell(value: Any) -> str:
    """A CSV cell that spreadsheets will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@router.get("/download")
def download(
    token: str = Query(..., min_length=8, max_length=64),
    target: str = Query(..., min_length=1, max_length=200),
    n_resamples: int = Query(99, ge=19, le=999),
    seed: int = Query(0, ge=0, le=2**31 - 1),
) -> Response:
    """The ranking as a CSV file (feature names escaped against formula injection)."""
    result = _analyze(token, target, n_resamples, seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["feature", "kind", "mi_bits", "n", "method", "p_value", "n_resamples", "q_value"])
    for row in result["ranking"]:
        m = row["mi"]
        writer.writerow(
            [
                _safe_cell(row["feature"]),
                row["kind"],
                repr(m["value"]),
                m["n"],
                _safe_cell(m["method"]),
                repr(m["p_value"]),
                m["n_resamples"],
                "" if row["q_value"] is None else repr(row["q_value"]),
            ]
        )
    name = "".join(ch if ch.isalnum() else "_" for ch in target)[:40]
    return Response(
        content=buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="mi_ranking_{name}.csv"'},
    )


#: A table handed over by ``mutinfo explore DATA`` (CSV text and file name), or empty.
_PRELOAD: dict[str, str] = {}


def preload(table: pd.DataFrame, filename: str) -> None:
    """Offer ``table`` to the page as if it had been uploaded (``mutinfo explore DATA``).

    The page fetches it from ``GET /api/yourdata/preloaded`` and uploads it through the
    ordinary path, so the same parsing and limits apply; the default limits are checked
    here first, so that a table the page would refuse fails on the command line.

    Raises
    ------
    ValueError
        The table breaks an upload limit (size, rows, columns).
    """
    raw = table.to_csv(index=False).encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise ValueError(
            f"`DATA` is larger than the explorer's {MAX_BYTES // (1024 * 1024)} MB upload limit "
            f"as CSV ({len(raw)} bytes); use `mutinfo analyze` for it."
        )
    try:
        _parse(raw, filename)
    except HTTPException as exc:
        raise ValueError(f"`DATA` cannot be preloaded into the explorer: {exc.detail}") from None
    _PRELOAD.clear()
    _PRELOAD.update({"filename": filename, "csv": raw.decode("utf-8")})


@router.get("/preloaded")
def preloaded() -> dict[str, Any]:
    """The table given to ``mutinfo explore DATA``, if any (``preloaded`` false otherwise)."""
    if not _PRELOAD:
        return {"preloaded": False}
    return {"preloaded": True, "filename": _PRELOAD["filename"], "csv": _PRELOAD["csv"]}
