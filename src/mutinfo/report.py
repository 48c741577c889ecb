"""A self-contained, offline HTML report of a mutual-information analysis.

:func:`write_report` turns a ranking (as built by ``mutinfo analyze``) and its table into
one HTML file: the data summary and the column-kind decisions, the MI ranking with p- and
q-values where computed, MI (bits) beside |Pearson r| per feature, the pairwise MI matrix
in a hierarchical-clustering order, scatter plots of the most dependent pairs, the method
in plain words, and the command and version that made it. plotly.js is inlined from the
installed ``plotly`` package, so the file needs no network.

References
----------
Kraskov, Stoegbauer & Grassberger (2004), Estimating mutual information,
Phys. Rev. E 69, 066138. https://doi.org/10.1103/PhysRevE.69.066138
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import mutinfo as mi
from mutinfo._validation import to_variable

__all__ = ["column_kinds", "pearson_abs", "write_report"]

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
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "&ndash;"
    if isinstance(value, (float, np.floating)):
        return format(float(value), spec)
    return html.escape(str(value))


def _figure(div_id: str, traces: list[dict], layout: dict) -> str:
    base = {"margin": {"l": 60, "r": 20, "t": 40, "b": 60}, "template": None}
    base.update(layout)
    return (
        f'<div id="{div_id}" class="chart"></div>\n<script>Plotly.newPlot({json.dumps(div_id)}, '
        f"{json.dumps(traces, allow_nan=False)}, {json.dumps(base, allow_nan=False)}, "
        '{"responsive": true, "displaylogo": false});</script>'
    )


def _clean(values: Any) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 6) for v in np.asarray(values, dtype=float)]


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}.chart{width:100%;min-height:420px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
code{background:#f4f4f4;padding:.1rem .3rem}.note{color:#555}
"""


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
) -> str:
    """The report as an HTML string (see :func:`write_report` for the arguments)."""
    import plotly.offline

    if kinds is None:
        kinds = column_kinds(frame, discrete)
    features = [str(f) for f in ranking["feature"]]
    pearson = {f: pearson_abs(frame[f], frame[target]) for f in features}

    # data summary and decisions
    rows = "".join(
        f"<tr><td>{html.escape(str(c))}{' (target)' if c == target else ''}</td>"
        f"<td>{html.escape(str(frame[c].dtype))}</td><td class='n'>{frame[c].nunique()}</td>"
        f"<td>{html.escape(kinds.get(str(c), '?'))}</td></tr>"
        for c in frame.columns
        if c == target or str(c) in features
    )
    summary = (
        f"<p>{len(frame)} rows; target <code>{html.escape(target)}</code>; "
        f"{len(features)} feature columns.</p><table><tr><th>column</th><th>dtype</th>"
        f"<th>distinct values</th><th>treated as</th></tr>{rows}</table>"
    )

    # ranking table
    has_p = "pvalue" in ranking.columns
    head = "<tr><th>rank</th><th>feature</th><th>MI (bits)</th><th>|Pearson r|</th>"
    head += "<th>p</th><th>q (BH)</th>" if has_p else ""
    head += "<th>estimator</th><th>warnings</th></tr>"
    body = ""
    for row in ranking.itertuples(index=False):
        body += (
            f"<tr><td class='n'>{row.rank}</td><td>{html.escape(str(row.feature))}</td>"
            f"<td class='n mi'>{row.mi_bits:.3f}</td>"
            f"<td class='n'>{_fmt(pearson[str(row.feature)], '.2f')}</td>"
        )
        if has_p:
            body += f"<td class='n'>{row.pvalue:.3g}</td><td class='n'>{row.qvalue:.3g}</td>"
        body += f"<td>{html.escape(str(row.method))}</td><td>{html.escape(str(row.warnings or ''))}</td></tr>"
    ranking_html = f"<table id='ranking'>{head}{body}</table>"

    # bar chart: MI vs |Pearson r|
    bars = _figure(
        "bars",
        [
            {"type": "bar", "name": "MI (bits)", "x": features, "y": _clean(ranking["mi_bits"])},
            {
                "type": "bar",
                "name": "|Pearson r|",
                "x": features,
                "y": _clean([pearson[f] for f in features]),
            },
        ],
        {"barmode": "group", "title": {"text": f"What each feature tells about {target}"}},
    )

    # pairwise matrix in clustering order
    columns = [target, *features[: MAX_MATRIX_COLUMNS - 1]]
    matrix = mi.pairwise(frame[columns], discrete=discrete, method=method, k=k, rng=seed)
    matrix.index = matrix.columns = [str(c) for c in columns]
    order = _cluster_order(matrix)
    ordered = matrix.loc[order, order]
    heat = _figure(
        "matrix",
        [
            {
                "type": "heatmap",
                "x": order,
                "y": order,
                "z": [_clean(r) for r in ordered.to_numpy()],
                "colorscale": "Viridis",
                "colorbar": {"title": {"text": "bits"}},
            }
        ],
        {
            "title": {"text": "Pairwise MI (bits), clustered"},
            "height": 600,
            "yaxis": {"autorange": "reversed"},
        },
    )

    # scatter plots of the top pairs
    values = matrix.to_numpy(dtype=float)
    pairs = [
        (values[i, j], columns[i], columns[j])
        for i in range(len(columns))
        for j in range(i + 1, len(columns))
        if np.isfinite(values[i, j])
    ]
    pairs.sort(key=lambda p: -p[0])
    rng = np.random.default_rng(seed)
    take = np.sort(rng.choice(len(frame), size=min(len(frame), MAX_POINTS), replace=False))
    scatters = []
    for index, (bits, a, b) in enumerate(pairs[:TOP_PAIRS]):
        xa, yb = frame[a].iloc[take], frame[b].iloc[take]
        scatters.append(
            _figure(
                f"pair{index}",
                [
                    {
                        "type": "scatter",
                        "mode": "markers",
                        "x": [v if isinstance(v, str) else float(v) for v in xa.tolist()],
                        "y": [v if isinstance(v, str) else float(v) for v in yb.tolist()],
                        "marker": {"size": 4, "opacity": 0.5},
                    }
                ],
                {
                    "title": {"text": f"{a} vs {b}: {bits:.3f} bits"},
                    "xaxis": {"title": {"text": a}},
                    "yaxis": {"title": {"text": b}},
                    "height": 360,
                },
            )
        )

    used = ", ".join(sorted(set(map(str, ranking["method"]))))
    method_html = (
        f"<p>Estimator: <code>{html.escape(used)}</code> (requested <code>{html.escape(method)}</code>, "
        f"k = {k}, seed = {seed}). Mutual information is in bits: 0 means the feature tells nothing "
        "about the target; it is not bounded by 1 and, unlike Pearson r, it also sees non-linear "
        "and non-monotonic dependence.</p><ul>"
        "<li>Estimates from a sample are noisy and, for the kNN (Kraskov et al. 2004, "
        "doi:10.1103/PhysRevE.69.066138) and plug-in estimators, biased; small values near 0 are "
        "not evidence of dependence on their own.</li>"
        + (
            f"<li>p-values come from {permutations} permutations of each feature (smallest possible "
            f"{1 / (permutations + 1):.3g}); q-values are Benjamini-Hochberg adjusted over all features.</li>"
            if permutations
            else "<li>No significance test was run; rerun with <code>--permutations N</code> "
            "for p-values.</li>"
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
        f"<h2>Data and decisions</h2>{summary}"
        f"<h2>Ranking</h2>{ranking_html}"
        f"<h2>MI versus |Pearson r|</h2>{bars}"
        f"<h2>Pairwise MI</h2><p class='note'>Target and up to {MAX_MATRIX_COLUMNS - 1} best-ranked "
        f"features, ordered by average-linkage clustering.</p>{heat}"
        f"<h2>Most dependent pairs</h2><div class='grid'>{''.join(scatters)}</div>"
        f"<h2>Method and caveats</h2>{method_html}"
        f"<h2>Provenance</h2><p>Made by <code id='command'>{html.escape(command)}</code> with "
        f"mutinfo <span id='version'>{html.escape(mi.__version__)}</span>.</p>"
        "</body></html>"
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
        Columns ``rank, feature, mi_bits, method, warnings`` and optionally
        ``pvalue, qvalue`` (as built by ``mutinfo analyze``).
    **kwargs
        ``command`` (str, required), ``kinds``, ``discrete``, ``method``, ``k``, ``seed``,
        ``permutations``: see :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    text = render_report(frame, target, ranking, **kwargs)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
