"""A self-contained, offline HTML report of a mutual-information analysis.

:func:`write_report` turns a ranking (as built by ``mutinfo analyze``) and its table into
one HTML file: the data summary and the column-kind decisions, the MI ranking with
confidence intervals, p- and q-values where computed, MI (in bits, or the unit of the
logarithm base the analysis used) beside |Pearson r| per feature, the pairwise MI matrix
in a hierarchical-clustering order, scatter plots of the most dependent pairs, the method
in plain words, and the command and version that made it.
plotly.js is inlined from the installed ``plotly`` package, so the file needs no network.
Every number in the ranking is taken from the ranking table itself, so the report shows
exactly what ``mutinfo analyze --json`` writes.

References
----------
Kraskov, Stoegbauer & Grassberger (2004), Estimating mutual information,
Phys. Rev. E 69, 066138. https://doi.org/10.1103/PhysRevE.69.066138

Politis & Romano (1994), Large sample confidence regions based on subsamples under
minimal assumptions, Ann. Statist. 22(4). https://doi.org/10.1214/aos/1176325770
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import mutinfo as mi
from mutinfo._cli_io import atomic_write
from mutinfo._information import unit_name
from mutinfo._validation import to_variable

__all__ = ["column_kinds", "mi_column", "pearson_abs", "render_report", "unit_label", "write_report"]

#: At most this many columns (the target and the best-ranked features) enter the matrix.
MAX_MATRIX_COLUMNS = 25
#: Scatter plots of this many most dependent pairs.
TOP_PAIRS = 4
#: Points drawn per scatter plot (a fixed, seeded subsample of larger tables).
MAX_POINTS = 2000


def column_kinds(frame: pd.DataFrame, discrete: Any = "auto") -> dict[str, str]:
    """The kind mutinfo treats each column as: ``"discrete (L levels)"`` or ``"continuous"``.

    The decision is the library's own (:func:`mutinfo._validation.to_variable`), so the
    report states what the estimators actually did.
    """
    kinds: dict[str, str] = {}
    for name in frame.columns:
        var = to_variable(frame[name], str(name), discrete=discrete)
        kinds[str(name)] = f"discrete ({var.n_levels} levels)" if var.discrete else "continuous"
    return kinds


def pearson_abs(x: pd.Series, y: pd.Series) -> float:
    """|Pearson r| of two columns; NaN when either is non-numeric or constant."""
    if not (pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y)):
        return float("nan")
    a = x.to_numpy(dtype=float)
    b = y.to_numpy(dtype=float)
    if np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(abs(np.corrcoef(a, b)[0, 1]))


def _cluster_order(matrix: pd.DataFrame) -> list[str]:
    """Leaves order of an average-linkage clustering on the distance max(MI) - MI."""
    names = list(matrix.columns)
    if len(names) < 3:
        return names
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    values = matrix.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, np.nan)
    top = np.nanmax(values) if np.isfinite(values).any() else 0.0
    dist = np.where(np.isfinite(values), top - values, top)
    dist = np.maximum(dist, 0.0)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    order = leaves_list(linkage(squareform(dist, checks=False), method="average"))
    return [names[i] for i in order]


def _fmt(value: Any, spec: str = ".3f") -> str:
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return "&ndash;"
    if isinstance(value, (float, np.floating)):
        return format(float(value), spec)
    return html.escape(str(value))


class _Figures:
    """Plotly figures of the page, drawn together once the whole page is laid out.

    Drawing each chart from an inline script while the page is still being parsed sizes
    a chart in a grid before its neighbours exist (the first scatter then spans the whole
    row and is cropped when the others arrive); one script at the end avoids that.
    """

    def __init__(self) -> None:
        self.specs: list[tuple[str, list[dict], dict]] = []

    def add(self, div_id: str, traces: list[dict], layout: dict) -> str:
        base = {"margin": {"l": 64, "r": 24, "t": 48, "b": 60}, "template": None, "autosize": True}
        base.update(layout)
        self.specs.append((div_id, traces, base))
        return f'<div id="{div_id}" class="chart"></div>'

    def script(self) -> str:
        payload = json.dumps(self.specs, allow_nan=False).replace("</", "<\\/")
        return (
            f"<script>const MUTINFO_FIGURES = {payload};\n"
            "window.addEventListener('DOMContentLoaded', function () {"
            "for (const [id, data, layout] of MUTINFO_FIGURES) "
            "Plotly.newPlot(id, data, layout, {responsive: true, displaylogo: false});});</script>"
        )


def _clean(values: Any) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 6) for v in np.asarray(values, dtype=float)]


def unit_label(base: float) -> str:
    """Name of the information unit of logarithm base ``base``, as the CLI and report print it:
    the library's own name (:func:`mutinfo._information.unit_name`), so that the printed unit
    and ``Information.unit`` always agree.

    Parameters
    ----------
    base : float
        Logarithm base, > 0 and != 1 (not checked here).

    Returns
    -------
    str
        "bits" (base 2), "nats" (base e), "hartleys" (base 10, also called bans) or
        "logB units" (any other base B, written with ``:g``, e.g. "log3 units").
    """
    return unit_name(base)


def mi_column(base: float) -> str:
    """Name of the MI column of a ranking in base ``base``: ``mi_bits``, ``mi_nats``,
    ``mi_hartleys`` or ``mi_log<B>`` (e.g. ``mi_log3``)."""
    label = unit_label(base)
    return f"mi_{label}" if label in ("bits", "nats", "hartleys") else f"mi_log{base:g}"


def _points(values: pd.Series) -> list[Any]:
    return [v if isinstance(v, str) else (None if pd.isna(v) else float(v)) for v in values.tolist()]


def _pair_figure(
    frame: pd.DataFrame,
    a: str,
    b: str,
    value: float,
    take: np.ndarray,
    kinds: dict[str, str],
    unit: str = "bits",
) -> tuple[list[dict], dict]:
    """Traces and layout for one dependent pair: b against a.

    Two discrete columns get a heatmap of their counts over all rows (a scatter would
    pile every row onto a few grid points); otherwise a scatter of the sampled rows.
    """
    layout: dict[str, Any] = {
        "title": {"text": f"I({a}; {b}) = {value:.3f} {unit}", "font": {"size": 14}},
        "xaxis": {"title": {"text": a}, "automargin": True},
        "yaxis": {"title": {"text": b}, "automargin": True},
        "height": 360,
        "margin": {"l": 56, "r": 16, "t": 44, "b": 52},
    }
    if kinds.get(a, "").startswith("discrete") and kinds.get(b, "").startswith("discrete"):
        counts = pd.crosstab(frame[b], frame[a])
        trace = {
            "type": "heatmap",
            "x": [str(v) for v in counts.columns],
            "y": [str(v) for v in counts.index],
            "z": counts.to_numpy().tolist(),
            "colorscale": "Blues",
            "reversescale": True,  # plotly's Blues runs dark to light: more rows, darker cell
            "colorbar": {"title": {"text": "rows"}},
            "hovertemplate": f"{html.escape(a)} %{{x}}, {html.escape(b)} %{{y}}: %{{z}} rows<extra></extra>",
        }
        layout["xaxis"]["type"] = layout["yaxis"]["type"] = "category"
        return [trace], layout
    for axis, name in (("xaxis", a), ("yaxis", b)):
        if kinds.get(name, "").startswith("discrete"):
            # levels in sorted order, not a number line with 0.5 ticks
            layout[axis].update(type="category", categoryorder="category ascending")
    trace = {
        "type": "scatter",
        "mode": "markers",
        "x": _points(frame[a].iloc[take]),
        "y": _points(frame[b].iloc[take]),
        "marker": {"size": 4, "opacity": 0.5},
        "hovertemplate": f"{html.escape(a)} %{{x}}<br>{html.escape(b)} %{{y}}<extra></extra>",
    }
    return [trace], layout


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}.chart{width:100%;min-height:360px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
.grid .chart{min-width:0}code{background:#f4f4f4;padding:.1rem .3rem}.note{color:#555}
"""


#: How each named unit relates to the others, for the method text.
_UNIT_NOTE = {
    "bits": " (logarithms to base 2; 1 bit = ln 2 = 0.693 nats)",
    "nats": " (natural logarithms; 1 nat = 1/ln 2 = 1.443 bits)",
    "hartleys": " (logarithms to base 10, also called bans; 1 hartley = log2 10 = 3.322 bits)",
}


def _summary(frame: pd.DataFrame, target: str, features: list[str], kinds: dict[str, str]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(c))}{' (target)' if c == target else ''}</td>"
        f"<td>{html.escape(str(frame[c].dtype))}</td><td class='n'>{frame[c].nunique()}</td>"
        f"<td>{html.escape(kinds.get(str(c), '?'))}</td></tr>"
        for c in frame.columns
        if c == target or str(c) in features
    )
    return (
        f"<p>{len(frame)} rows; target <code>{html.escape(target)}</code>; "
        f"{len(features)} feature columns.</p><table><tr><th>column</th><th>dtype</th>"
        f"<th>distinct values</th><th>treated as</th></tr>{rows}</table>"
    )


def _ranking_table(ranking: pd.DataFrame, pearson: dict[str, float], base: float = 2) -> str:
    has_p = "pvalue" in ranking.columns
    has_ci = "ci_low" in ranking.columns
    has_rho = "spearman_rho" in ranking.columns
    unit, column = html.escape(unit_label(base)), mi_column(base)
    head = f"<tr><th>rank</th><th>feature</th><th>MI ({unit})</th>"
    head += f"<th>95% CI ({unit})</th>" if has_ci else ""
    head += "<th>p</th><th>q (BH)</th>" if has_p else ""
    head += "<th>|Pearson r|</th>" + ("<th>|Spearman &rho;|</th>" if has_rho else "")
    head += "<th>estimator</th><th>warnings</th></tr>"
    body = ""
    for row, value in zip(ranking.itertuples(index=False), ranking[column], strict=True):
        name = str(row.feature)
        body += (
            f"<tr><td class='n'>{row.rank}</td><td>{html.escape(name)}</td><td class='n mi'>{value:.3f}</td>"
        )
        if has_ci:
            body += f"<td class='n ci'>[{row.ci_low:.3f}, {row.ci_high:.3f}]</td>"
        if has_p:
            mark = " *" if bool(getattr(row, "significant", False)) else ""
            body += f"<td class='n'>{row.pvalue:.3g}</td><td class='n'>{row.qvalue:.3g}{mark}</td>"
        body += f"<td class='n'>{_fmt(pearson[name], '.2f')}</td>"
        if has_rho:
            body += f"<td class='n'>{_fmt(abs(row.spearman_rho), '.2f')}</td>"
        body += f"<td>{html.escape(str(row.method))}</td><td>{html.escape(str(row.warnings or ''))}</td></tr>"
    return f"<table id='ranking'>{head}{body}</table>"


def render_report(
    frame: pd.DataFrame,
    target: str,
    ranking: pd.DataFrame,
    *,
    command: str,
    kinds: dict[str, str] | None = None,
    discrete: Any = "auto",
    method: str = "auto",
    k: int = 3,
    seed: int = 0,
    permutations: int = 0,
    ci: int = 0,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    base: float = 2,
) -> str:
    """The report as an HTML string (see :func:`write_report` for the arguments)."""
    import plotly.offline

    if kinds is None:
        kinds = column_kinds(frame, discrete)
    features = [str(f) for f in ranking["feature"]]
    if "pearson_r" in ranking.columns:
        pairs = zip(ranking["feature"], ranking["pearson_r"], strict=True)
        pearson = {str(f): abs(float(r)) for f, r in pairs}
    else:
        pearson = {f: pearson_abs(frame[f], frame[target]) for f in features}
    unit, column = unit_label(base), mi_column(base)
    if column not in ranking.columns:
        raise ValueError(
            f"`ranking` must have the MI column {column!r} for base={base:g}; "
            f"got columns {list(ranking.columns)}."
        )
    figures = _Figures()

    # bar chart: MI (left axis, with its confidence interval) beside |Pearson r| (right axis)
    mi_bar: dict[str, Any] = {
        "type": "bar",
        "name": f"MI ({unit})",
        "x": features,
        "y": _clean(ranking[column]),
        "offsetgroup": "mi",
    }
    if "ci_low" in ranking.columns:
        mi_bar["error_y"] = {
            "type": "data",
            "symmetric": False,
            "array": _clean(ranking["ci_high"] - ranking[column]),
            "arrayminus": _clean(ranking[column] - ranking["ci_low"]),
        }
    ends = ranking[["ci_low", "ci_high"]] if "ci_low" in ranking.columns else ranking[[column]]
    finite = ends.to_numpy(dtype=float)[np.isfinite(ends.to_numpy(dtype=float))]
    high = 1.1 * max(float(finite.max()) if finite.size else 0.0, 1e-3)
    low = min(1.1 * float(finite.min()) if finite.size else 0.0, 0.0)
    bars = figures.add(
        "bars",
        [
            mi_bar,
            {
                "type": "bar",
                "name": "|Pearson r|",
                "x": features,
                "y": _clean([pearson[f] for f in features]),
                "yaxis": "y2",
                "offsetgroup": "r",
            },
        ],
        {
            "barmode": "group",
            "title": {"text": f"What each feature tells about {target}"},
            "yaxis": {"title": {"text": f"MI ({unit})"}, "range": [low, high], "zeroline": True},
            # |r| in [0, 1] on its own axis, scaled so that both zeros are on one line
            "yaxis2": {
                "title": {"text": "|Pearson r|"},
                "overlaying": "y",
                "side": "right",
                "range": [low / high, 1.0],
                "tickmode": "array",
                "tickvals": [0, 0.25, 0.5, 0.75, 1],
                "showgrid": False,
            },
            "legend": {"orientation": "h", "y": -0.2},
            "margin": {"l": 64, "r": 64, "t": 48, "b": 80},
        },
    )

    # pairwise matrix in clustering order
    columns = [target, *features[: MAX_MATRIX_COLUMNS - 1]]
    matrix = mi.pairwise(
        frame[columns],
        discrete=discrete,
        method=method,
        k=k,
        rng=seed,
        n_jobs=n_jobs,
        base=base,
        progress=progress if progress is not None else False,
    )
    matrix.index = matrix.columns = [str(c) for c in columns]
    order = _cluster_order(matrix)
    ordered = matrix.loc[order, order]
    heat = figures.add(
        "matrix",
        [
            {
                "type": "heatmap",
                "x": order,
                "y": order,
                "z": [_clean(r) for r in ordered.to_numpy()],
                "colorscale": "Viridis",
                "colorbar": {"title": {"text": unit}},
                "hovertemplate": f"%{{y}} and %{{x}}: %{{z:.3f}} {html.escape(unit)}<extra></extra>",
            }
        ],
        {
            "title": {"text": f"Pairwise MI ({unit}), clustered"},
            "height": 600,
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"automargin": True},
        },
    )

    # scatter plots of the top pairs; a pair with the target has the target on the y-axis
    values = matrix.to_numpy(dtype=float)
    pairs = [
        (values[i, j], columns[j], columns[i]) if i == 0 else (values[i, j], columns[i], columns[j])
        for i in range(len(columns))
        for j in range(i + 1, len(columns))
        if np.isfinite(values[i, j])
    ]
    pairs.sort(key=lambda p: -p[0])
    rng = np.random.default_rng(seed)
    take = np.sort(rng.choice(len(frame), size=min(len(frame), MAX_POINTS), replace=False))
    shown = f"{len(take)} of {len(frame)} rows" if len(take) < len(frame) else f"{len(frame)} rows"
    scatters = [
        figures.add(f"pair{index}", *_pair_figure(frame, a, b, value, take, kinds, unit))
        for index, (value, a, b) in enumerate(pairs[:TOP_PAIRS])
    ]

    used = ", ".join(sorted(set(map(str, ranking["method"]))))
    method_html = (
        f"<p>Estimator: <code>{html.escape(used)}</code> (requested <code>{html.escape(method)}</code>, "
        f"k = {k}, seed = {seed}). Mutual information is in <span id='unit'>{html.escape(unit)}</span>"
        f"{_UNIT_NOTE.get(unit, f' (logarithms to base {base:g})')}: 0 means the feature tells nothing "
        "about the target; it is not bounded by 1 and, unlike Pearson r, it also sees non-linear "
        "and non-monotonic dependence.</p><ul>"
        "<li>Estimates from a sample are noisy and, for the kNN (Kraskov et al. 2004, "
        "doi:10.1103/PhysRevE.69.066138) and plug-in estimators, biased; small values near 0 are "
        "not evidence of dependence on their own.</li>"
        + (
            f"<li>p-values come from {permutations} permutations of each feature (smallest possible "
            f"{1 / (permutations + 1):.3g}); q-values are Benjamini-Hochberg adjusted over all "
            "features; * marks q at or below the false-discovery rate.</li>"
            if permutations
            else "<li>No significance test was run; rerun with <code>--permutations N</code> "
            "for p-values.</li>"
        )
        + (
            f"<li>95% confidence intervals are subsample intervals (Politis &amp; Romano 1994, "
            f"doi:10.1214/aos/1176325770): the estimate is recomputed on {ci} random halves of "
            "the rows, drawn without replacement, and the spread of those estimates around their "
            "mean, scaled to the full sample, gives the interval. When the true MI is 0 the "
            "interval is conservative.</li>"
            if ci
            else "<li>No confidence intervals were computed; rerun with <code>--ci 200</code> for them.</li>"
        )
        + "<li>Each MI is with one feature at a time: redundancy between features is visible only in "
        "the matrix, not in the ranking.</li><li>Rows with missing values are never dropped; such "
        "tables are rejected.</li></ul>"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>mutinfo report: {html.escape(target)}</title><style>{_CSS}</style>"
        f"<script>{plotly.offline.get_plotlyjs()}</script></head><body>"
        f"<h1>What the columns tell about <code>{html.escape(target)}</code></h1>"
        f"<h2>Data and decisions</h2>{_summary(frame, target, features, kinds)}"
        f"<h2>Ranking</h2>{_ranking_table(ranking, pearson, base)}"
        f"<h2>MI versus |Pearson r|</h2>{bars}"
        f"<h2>Pairwise MI</h2><p class='note'>Target and up to {MAX_MATRIX_COLUMNS - 1} best-ranked "
        f"features, ordered by average-linkage clustering.</p>{heat}"
        f"<h2>Most dependent pairs</h2><p class='note'>{shown} drawn per scatter plot; a pair of "
        "discrete columns is shown as a heatmap of its counts over all rows.</p>"
        f"<div class='grid'>{''.join(scatters)}</div>"
        f"<h2>Method and caveats</h2>{method_html}"
        f"<h2>Provenance</h2><p>Made by <code id='command'>{html.escape(command)}</code> with "
        f"mutinfo <span id='version'>{html.escape(mi.__version__)}</span>.</p>"
        f"{figures.script()}</body></html>"
    )


def write_report(
    path: str | os.PathLike[str], frame: pd.DataFrame, target: str, ranking: pd.DataFrame, **kwargs: Any
) -> Path:
    """Write the report to ``path`` atomically (a temporary file, then a rename).

    Parameters
    ----------
    path : path-like
        Output HTML file.
    frame : pandas.DataFrame
        The analysed table.
    target : str
        Target column.
    ranking : pandas.DataFrame
        Columns ``rank, feature, <MI>, method, warnings`` and optionally
        ``ci_low, ci_high`` (same unit), ``pvalue, qvalue, significant``, ``pearson_r,
        spearman_rho`` (as built by ``mutinfo analyze``). ``<MI>`` is ``mi_column(base)``:
        ``mi_bits`` for the default base 2, ``mi_nats`` for base e, ...
    **kwargs
        ``command`` (str, required), ``kinds``, ``discrete``, ``method``, ``k``, ``seed``,
        ``permutations``, ``ci`` (subsamples behind the intervals), ``n_jobs``,
        ``progress`` (a ``(done, total)`` callback for the pairwise matrix), ``base``
        (logarithm base of the ranking and of the matrix; default 2, bits): see
        :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    text = render_report(frame, target, ranking, **kwargs)
    atomic_write(path, lambda handle: handle.write(text))
    return path
