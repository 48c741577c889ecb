"""The ``mutinfo`` command line: a demo analysis, the estimator list, and the explorer.

Exit codes: 0 success, 1 a data or runtime error (the message says what and why),
2 a usage error (unknown option, bad option value, unknown column; the message lists
the valid choices).

Commands
--------
``mutinfo demo``
    Rank the breast-cancer features by mutual information with the diagnosis.
``mutinfo analyze DATA --target COLUMN``
    Rank the columns of a CSV/TSV/Parquet table by MI with a target, optionally with
    permutation p-values and FDR q-values, and write the table as CSV.
    ``--report out.html`` writes an offline HTML report (:mod:`mutinfo.report`).
``mutinfo matrix DATA`` / ``select DATA --target COL`` / ``network DATA`` / ``te DATA``
    Pairwise MI, MI feature selection, network edge list, transfer entropy.
``mutinfo methods``
    List the estimators in the registry with one line each.
``mutinfo explore``
    Start the interactive explorer (needs the ``explorer`` extra).
``mutinfo --version``
    Print the version.
"""

from __future__ import annotations

import json
import shlex
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import mutinfo as mi
from mutinfo.datasets import describe, load_breast_cancer
from mutinfo.estimators.registry import METHODS

__all__ = ["app", "main"]

app = typer.Typer(
    name="mutinfo",
    help="Mutual information you can see, trust and use.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_console = Console()
_errors = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    """Print an error in the house style and return the exit (code 1) to raise."""
    _errors.print(Text("error: ", style="bold red") + Text(message), highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def _version(value: bool) -> None:
    if value:
        _console.print(f"mutinfo {mi.__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True),
    ] = False,
) -> None:
    """Mutual information you can see, trust and use."""


@app.command()
def demo(
    top: Annotated[int, typer.Option(min=1, max=30, help="How many features to show.")] = 10,
    method: Annotated[str, typer.Option(help="Estimator name (see `mutinfo methods`).")] = "auto",
    k: Annotated[int, typer.Option(min=1, help="Neighbours for kNN estimators.")] = 3,
) -> None:
    """Rank breast-cancer features by mutual information with the diagnosis (bits).

    Uses the Breast Cancer Wisconsin (Diagnostic) data shipped with mutinfo (569 cases).
    Pearson |r| with the 0/1 diagnosis is shown beside each MI for comparison.
    """
    data = load_breast_cancer()
    diagnosis = data["diagnosis"]
    malignant = (diagnosis == "malignant").to_numpy(dtype=float)
    features = [c for c in data.columns if c != "diagnosis"]
    rows: list[tuple[str, float, float]] = []
    used_method = method
    try:
        with _progress() as progress:
            task = progress.add_task("I(feature; diagnosis)", total=len(features))
            for name in features:
                value = mi.mutual_info(data[name], diagnosis, method=method, k=k)
                r = float(np.corrcoef(data[name].to_numpy(), malignant)[0, 1])
                rows.append((name, float(value), abs(r)))
                used_method = value.method
                progress.advance(task)
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc)) from exc

    h_diag = float(mi.entropy(diagnosis))
    rows.sort(key=lambda row: row[1], reverse=True)
    meta = describe("breast_cancer")
    table = Table(
        title=f"What each feature tells about the diagnosis ({len(data)} cases)",
        caption=(
            f"MI estimator: {used_method}, k={k}. H(diagnosis) = {h_diag:.3f} bits is the most any "
            "feature can tell.\n"
            f"Data: {meta['title']} (Street et al. 1993; UCI, {meta['licence'].split(' (')[0]})."
        ),
    )
    table.add_column("rank", justify="right")
    table.add_column("feature")
    table.add_column("MI (bits)", justify="right")
    table.add_column("share of H", justify="right")
    table.add_column("Pearson |r|", justify="right")
    for rank, (name, bits, r) in enumerate(rows[:top], start=1):
        table.add_row(str(rank), name, f"{bits:.3f}", f"{bits / h_diag:.0%}", f"{r:.2f}")
    _console.print(table)


class Kind(str, Enum):
    """How ``analyze`` treats the kind of every column (``discrete=`` of the library)."""

    auto = "auto"
    discrete = "discrete"
    continuous = "continuous"


_KIND_FLAG = {Kind.auto: "auto", Kind.discrete: True, Kind.continuous: False}


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_errors,
        transient=True,
    )


def _read_table(path: Path) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file; a missing or unreadable file is a data error."""
    if not path.is_file():
        raise _fail(f"`DATA` must be an existing file; got {str(path)!r}.")
    suffixes = "".join(path.suffixes[-2:]).lower()
    try:
        if suffixes.endswith(".parquet"):
            return pd.read_parquet(path)
        sep = "\t" if ".tsv" in suffixes or ".tab" in suffixes else ","
        return pd.read_csv(path, sep=sep)
    except (ValueError, OSError, ImportError) as exc:
        raise _fail(f"`DATA` could not be read as a table ({str(path)!r}): {exc}") from exc


@app.command()
def analyze(
    data: Annotated[Path, typer.Argument(help="Table to analyse: .csv, .tsv or .parquet (.gz allowed).")],
    target: Annotated[str, typer.Option("--target", "-t", help="Column to explain.")],
    columns: Annotated[
        str | None, typer.Option(help="Comma-separated feature columns; default: all others.")
    ] = None,
    permutations: Annotated[
        int, typer.Option(min=0, help="Shuffles per feature for a p-value (0: no test).")
    ] = 0,
    method: Annotated[str, typer.Option(help="Estimator name (see `mutinfo methods`).")] = "auto",
    k: Annotated[int, typer.Option(min=1, help="Neighbours for kNN estimators.")] = 3,
    kind: Annotated[
        Kind, typer.Option(help="Column kinds: auto-detected, or force all discrete / continuous.")
    ] = Kind.auto,
    seed: Annotated[int, typer.Option(min=0, help="Seed for estimators and permutations.")] = 0,
    top: Annotated[int, typer.Option(min=1, help="Rows to print (the output file has all).")] = 20,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the ranking as CSV.")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a self-contained offline HTML report here.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the ranking as JSON here.")] = None,
) -> None:
    """Rank the columns of a table by mutual information with a target column (bits).

    Missing values are an error (mutinfo never drops rows silently): clean the table first.
    With --permutations N each feature gets a permutation p-value (smallest possible
    1/(N+1)) and a Benjamini-Hochberg q-value over all features.

    Example: ``mutinfo analyze data.csv --target y --permutations 199 --report y.html
    --json y.json`` prints the ranking and writes an offline HTML report and the JSON.
    """
    frame = _read_table(data)
    if target not in frame.columns:
        raise _fail(
            f"`--target` must be a column of {data.name}; got {target!r} (columns: {list(frame.columns)})."
        )
    if columns is None:
        features = [c for c in frame.columns if c != target]
    else:
        features = [c.strip() for c in columns.split(",") if c.strip()]
        missing = [c for c in features if c not in frame.columns]
        if missing:
            raise _fail(f"`--columns` must name columns of {data.name}; got unknown {missing}.")
        if target in features:
            raise _fail(f"`--columns` must not include the target; got {target!r}.")
    if not features:
        raise _fail(f"{data.name} has no feature column besides the target {target!r}.")

    records: list[dict[str, object]] = []
    notes: dict[str, list[str]] = {}
    flag = _KIND_FLAG[kind]
    try:
        with _progress() as progress:
            task = progress.add_task(f"I(feature; {target})", total=len(features))
            for name in features:
                options = {"method": method, "k": k, "rng": seed, "discrete": flag}
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", mi.MutinfoWarning)
                    if permutations:
                        test = mi.independence_test(
                            frame[name], frame[target], n_resamples=permutations, **options
                        )
                        value, pvalue = test.statistic, float(test.pvalue)
                    else:
                        value = mi.mutual_info(frame[name], frame[target], **options)
                        pvalue = float("nan")
                kinds = sorted({w.category.__name__ for w in caught})
                for w in caught:
                    notes.setdefault(str(w.message), []).append(str(name))
                records.append(
                    {
                        "feature": name,
                        "mi_bits": float(value),
                        "pvalue": pvalue,
                        "method": value.method,
                        "warnings": ";".join(kinds),
                    }
                )
                progress.advance(task)
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc)) from exc

    ranking = pd.DataFrame(records).sort_values("mi_bits", ascending=False, kind="stable")
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    if permutations:
        ranking["qvalue"] = mi.fdr(ranking["pvalue"].to_numpy())
    else:
        ranking = ranking.drop(columns="pvalue")

    table = Table(
        title=f"I(feature; {target}) for {data.name} ({len(frame)} rows)",
        caption=f"Estimator: {', '.join(sorted(set(ranking['method'])))}; k={k}, seed={seed}."
        + (f" p: {permutations} permutations; q: Benjamini-Hochberg." if permutations else ""),
    )
    for column, justify in (("rank", "right"), ("feature", "left"), ("MI (bits)", "right")):
        table.add_column(column, justify=justify)
    if permutations:
        table.add_column("p", justify="right")
        table.add_column("q", justify="right")
    for row in ranking.head(top).itertuples(index=False):
        cells = [str(row.rank), str(row.feature), f"{row.mi_bits:.3f}"]
        if permutations:
            cells += [f"{row.pvalue:.3g}", f"{row.qvalue:.3g}"]
        table.add_row(*cells)
    _console.print(table)
    for message, names in notes.items():
        shown = ", ".join(dict.fromkeys(names))
        _errors.print(Text("warning ", style="yellow") + Text(f"({shown}): {message}"), soft_wrap=True)
    if output is not None:
        try:
            ranking.to_csv(output, index=False)
        except OSError as exc:
            raise _fail(f"`--output` could not be written ({str(output)!r}): {exc}") from exc
        _errors.print(f"wrote {len(ranking)} rows to {output}", highlight=False)
    command = shlex.join(
        ["mutinfo", "analyze", str(data), "--target", target]
        + (["--columns", columns] if columns is not None else [])
        + (["--permutations", str(permutations)] if permutations else [])
        + ["--method", method, "--k", str(k), "--kind", kind.value, "--seed", str(seed)]
    )
    if json_out is not None:
        payload = {
            "command": command,
            "version": mi.__version__,
            "target": target,
            "n_rows": len(frame),
            "ranking": json.loads(ranking.to_json(orient="records")),
        }
        _atomic_write(json_out, json.dumps(payload, indent=2), "--json")
        _errors.print(f"wrote {json_out}", highlight=False)
    if report is not None:
        from mutinfo.report import write_report

        try:
            write_report(
                report,
                frame,
                target,
                ranking,
                command=command,
                discrete=flag,
                method=method,
                k=k,
                seed=seed,
                permutations=permutations,
            )
        except OSError as exc:
            raise _fail(f"`--report` could not be written ({str(report)!r}): {exc}") from exc
        except (ValueError, TypeError) as exc:
            raise _fail(str(exc)) from exc
        _errors.print(f"wrote {report}", highlight=False)


def _atomic_write(path: Path, text: str, option: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _fail(f"`{option}` could not be written ({str(path)!r}): {exc}") from exc


def _usage(message: str) -> typer.Exit:
    """Print a usage error (a bad column or option value) and return the exit (code 2)."""
    _errors.print(Text("usage error: ", style="bold red") + Text(message), highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _columns(frame: pd.DataFrame, names: list[str], option: str, data: Path) -> list[str]:
    """Check that every name is a column of ``frame``; unknown names are a usage error."""
    unknown = [name for name in names if name not in frame.columns]
    if unknown:
        raise _usage(
            f"`{option}` must name columns of {data.name}; got unknown {unknown} "
            f"(valid choices: {[str(c) for c in frame.columns]})."
        )
    return names


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [c.strip() for c in value.split(",") if c.strip()]


def _write_frame(frame: pd.DataFrame, out: Path, option: str) -> None:
    _atomic_write(out, frame.to_csv(index=False), option)
    _errors.print(f"wrote {len(frame)} rows to {out}", highlight=False)


def _cell(value: object, digits: int) -> str:
    if isinstance(value, float):
        return "-" if np.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def _print_frame(frame: pd.DataFrame, title: str, digits: int = 3) -> None:
    table = Table(title=title)
    for column in frame.columns:
        numeric = pd.api.types.is_float_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*[_cell(v, digits) for v in row])
    _console.print(table)


@app.command()
def matrix(
    data: Annotated[Path, typer.Argument(help="Table: .csv, .tsv or .parquet.")],
    columns: Annotated[str | None, typer.Option(help="Comma-separated columns; default: all.")] = None,
    method: Annotated[str, typer.Option(help="Estimator name (see `mutinfo methods`).")] = "auto",
    k: Annotated[int, typer.Option(min=1, help="Neighbours for kNN estimators.")] = 3,
    seed: Annotated[int, typer.Option(min=0, help="Seed for the estimators.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the matrix as CSV.")] = None,
) -> None:
    """Pairwise mutual information (bits) between the columns of a table.

    Example: ``mutinfo matrix data.csv --columns a,b,c --out mi.csv`` writes the 3 x 3
    matrix (the diagonal is empty); without --out a table is printed.
    """
    frame = _read_table(data)
    names = _columns(frame, _split(columns) or list(frame.columns), "--columns", data)
    if len(names) < 2:
        raise _usage(f"`--columns` must name at least 2 columns; got {names}.")
    try:
        result = mi.pairwise(frame[names], method=method, k=k, rng=seed)
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc)) from exc
    shown = result.reset_index(names="column")
    shown["column"] = shown["column"].astype(str)
    if out is not None:
        _write_frame(shown, out, "--out")
    else:
        _print_frame(shown, f"Pairwise MI (bits) for {data.name} ({len(frame)} rows)")


@app.command()
def select(
    data: Annotated[Path, typer.Argument(help="Table: .csv, .tsv or .parquet.")],
    target: Annotated[str, typer.Option("--target", "-t", help="Column to explain.")],
    k: Annotated[int, typer.Option("--k", min=1, help="How many features to select.")] = 10,
    criterion: Annotated[str, typer.Option(help="relevance, mrmr, jmi, cmim or jmim.")] = "mrmr",
    seed: Annotated[int, typer.Option(min=0, help="Seed for the estimators.")] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the selected columns (and target) as CSV.")
    ] = None,
) -> None:
    """Select k feature columns greedily by a mutual-information criterion.

    Example: ``mutinfo select data.csv --target y --k 5 --criterion mrmr --out chosen.csv``
    prints the five chosen columns in selection order with their scores (bits) and writes
    those columns and the target to chosen.csv.
    """
    from mutinfo._selection_criteria import CRITERIA

    frame = _read_table(data)
    _columns(frame, [target], "--target", data)
    if criterion not in CRITERIA:
        raise _usage(f"`--criterion` must be one of {list(CRITERIA)}; got {criterion!r}.")
    features = [c for c in frame.columns if c != target]
    if k > len(features):
        raise _usage(f"`--k` must be at most the number of features ({len(features)}); got {k}.")
    text = [str(c) for c in features if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise _fail(f"`select` needs numeric feature columns (encode categories first); got text in {text}.")
    try:
        selector = mi.MutualInfoSelector(k, criterion=criterion, random_state=seed)
        selector.fit(frame[features], frame[target])
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc)) from exc
    order = [int(i) for i in selector.selection_order_]
    chosen = pd.DataFrame(
        {
            "step": np.arange(1, len(order) + 1),
            "feature": [str(features[i]) for i in order],
            "score_bits": [float(selector.scores_[i]) for i in order],
            "relevance_bits": [float(selector.relevance_[i]) for i in order],
        }
    )
    _print_frame(chosen, f"{criterion} selection of {k} features for {target}")
    if out is not None:
        _write_frame(frame[[features[i] for i in order] + [target]], out, "--out")


class NetworkMethod(str, Enum):
    """Network inference rules of :mod:`mutinfo.network`."""

    aracne = "aracne"
    clr = "clr"
    mrnet = "mrnet"


@app.command()
def network(
    data: Annotated[Path, typer.Argument(help="Table: .csv, .tsv or .parquet.")],
    method: Annotated[NetworkMethod, typer.Option(help="Inference rule.")] = NetworkMethod.aracne,
    columns: Annotated[str | None, typer.Option(help="Comma-separated columns; default: all.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed for the estimators.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the edge list as CSV.")] = None,
) -> None:
    """Infer a dependence network between columns and print its edge list.

    Example: ``mutinfo network genes.csv --method aracne --out edges.csv`` keeps the
    edges ARACNE does not explain by a stronger indirect path (weights in bits for
    aracne; scores for clr and mrnet).
    """
    import mutinfo.network as net

    frame = _read_table(data)
    names = _columns(frame, _split(columns) or list(frame.columns), "--columns", data)
    if len(names) < 2:
        raise _usage(f"`--columns` must name at least 2 columns; got {names}.")
    try:
        result = getattr(net, method.value)(frame[names], rng=seed)
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc)) from exc
    edges = result.edges.copy()
    edges["source"] = edges["source"].astype(str)
    edges["target"] = edges["target"].astype(str)
    _print_frame(edges, f"{method.value} network of {data.name}: {len(edges)} edges")
    if out is not None:
        _write_frame(edges, out, "--out")


@app.command()
def te(
    data: Annotated[Path, typer.Argument(help="Table with one time series per column, rows in time order.")],
    source: Annotated[str, typer.Option("--source", "-s", help="Column that may drive the target.")],
    target: Annotated[str, typer.Option("--target", "-t", help="Column that may be driven.")],
    lag: Annotated[int, typer.Option(min=1, help="Source lag in samples.")] = 1,
    history: Annotated[int, typer.Option(min=1, help="Target history length.")] = 1,
    surrogates: Annotated[int, typer.Option(min=1, help="Surrogate series for the p-value.")] = 199,
    seed: Annotated[int, typer.Option(min=0, help="Seed for surrogates and estimators.")] = 0,
) -> None:
    """Transfer entropy from one column to another (bits), with a surrogate p-value.

    Example: ``mutinfo te series.csv --source x --target y --lag 2 --surrogates 99``
    estimates TE(x -> y) with x lagged by 2 samples and tests it against 99
    circular-shift surrogates of x (smallest possible p: 1/100).
    """
    frame = _read_table(data)
    _columns(frame, [source, target], "--source/--target", data)
    if source == target:
        raise _usage(f"`--source` and `--target` must differ; got {source!r} twice.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", mi.MutinfoWarning)
            result = mi.transfer_entropy_test(
                frame[source],
                frame[target],
                lag=lag,
                history=history,
                n_surrogates=surrogates,
                rng=seed,
            )
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc)) from exc
    for message in dict.fromkeys(str(w.message) for w in caught):
        _errors.print(Text("warning: ", style="yellow") + Text(message), soft_wrap=True)
    _console.print(
        f"TE({source} -> {target}) = {float(result.statistic):.4f} bits, "
        f"p = {result.pvalue:.3g} ({result.n_surrogates} {result.surrogate} surrogates; "
        f"lag {result.lag}, history {result.history}, n = {result.n}, {result.method})",
        highlight=False,
    )


@app.command()
def methods() -> None:
    """List the estimators: registry name, the data they take, and one line each."""
    table = Table(title="mutinfo estimators (pass the name as method=...)")
    table.add_column("name")
    table.add_column("data")
    table.add_column("estimates")
    table.add_column("summary")
    table.add_row("auto", "any", "H, I, CMI", "Chooses an estimator from the data (the documented policy).")
    for name in sorted(METHODS):
        spec = METHODS[name]
        estimates = [label for label, fn in (("H", spec.entropy), ("I", spec.mi), ("CMI", spec.cmi)) if fn]
        table.add_row(name, ", ".join(sorted(spec.kinds)), ", ".join(estimates), spec.summary)
    _console.print(table)


@app.command()
def explore(
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="TCP port; default: a free one.")] = None,
    host: Annotated[str, typer.Option(help="Interface to bind; the default stays on this machine.")] = (
        "127.0.0.1"
    ),
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the explorer in a web browser.")
    ] = True,
) -> None:
    """Start the interactive explorer (a local web app) until Ctrl+C."""
    try:
        from mutinfo.explorer.server import serve
    except ImportError as exc:
        raise _fail(
            "the explorer is not available: "
            f"{exc}. Install the explorer extra with `pip install 'mutinfo[explorer]'` "
            "(or run `make demo`, which sets it up)."
        ) from exc
    try:
        serve(host=host, port=port, open_browser=browser)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from exc


def main() -> None:
    """Run the command line (``python -m mutinfo``)."""
    app(prog_name="mutinfo")


if __name__ == "__main__":  # pragma: no cover
    main()
