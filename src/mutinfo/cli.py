"""The ``mutinfo`` command line: analyses of a data file, the estimator list, the explorer.

Exit codes: 0 success; 1 a data or runtime error (the message says what and why);
2 a usage error (unknown option, bad option value, unknown column or method; the message
lists the valid choices); 130 interrupted with Ctrl-C (one line, no traceback, no
half-written output file).

Commands
--------
``mutinfo demo``
    Rank the breast-cancer features by mutual information with the diagnosis.
``mutinfo analyze DATA --target COLUMN``
    Rank the columns of a table by MI with a target, optionally with permutation p-values,
    FDR q-values and subsample confidence intervals; CSV, JSON and offline HTML outputs.
``mutinfo matrix DATA`` / ``select DATA --target COL`` / ``network DATA`` / ``te DATA``
    Pairwise MI, MI feature selection, network edge list, transfer entropy.
``mutinfo methods``
    List the estimators in the registry with one line each.
``mutinfo explore [DATA]``
    Start the interactive explorer (needs the ``explorer`` extra), DATA preloaded.

Data files are read by :mod:`mutinfo._cli_io` (CSV/TSV, Parquet, Feather/Arrow, Excel;
the type from the extension, ``--sep`` overrides). Progress bars and notes go to standard
error and are silenced by ``--quiet``; results go to standard output and to the files
named by the options, which are written atomically. What the commands share (messages,
options, progress bars, loading, writing) is in :mod:`mutinfo._cli_shared`.
"""

from __future__ import annotations

import json
import shlex
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table
from typer.core import TyperGroup

import mutinfo as mi
from mutinfo._cli_shared import (
    EXIT_INTERRUPTED,
    Base,
    K,
    Method,
    NJobs,
    Quiet,
    Seed,
    Sep,
    Stages,
    bar,
    check_base,
    check_jobs,
    check_method,
    check_or_fail,
    console,
    correlation,
    errors,
    fail,
    known_columns,
    library_bars_on_stderr,
    load_table,
    note,
    print_frame,
    print_ranking,
    ranking_table,
    split_names,
    usage,
    warned,
    write_frame,
    write_text,
)
from mutinfo.datasets import describe, load_breast_cancer
from mutinfo.estimators.registry import METHODS
from mutinfo.report import mi_column, unit_label

__all__ = ["EXIT_INTERRUPTED", "app", "main"]


class _Interruptible(TyperGroup):
    """Every command: Ctrl-C prints one line and exits with 130 instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            errors.print(
                "interrupted (Ctrl-C): stopped; no partially written output file was left.",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(code=EXIT_INTERRUPTED) from None


app = typer.Typer(
    name="mutinfo",
    help="Mutual information you can see, trust and use.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Interruptible,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"mutinfo {mi.__version__}", highlight=False)
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
    method: Method = "auto",
    k: K = 3,
    base: Base = "2",
    seed: Seed = 0,
    n_jobs: NJobs = None,
    quiet: Quiet = False,
) -> None:
    """Rank breast-cancer features by mutual information with the diagnosis (bits; --base e: nats).

    Uses the Breast Cancer Wisconsin (Diagnostic) data shipped with mutinfo (569 cases).
    Pearson |r| with the 0/1 diagnosis is shown beside each MI for comparison.

    Example: ``mutinfo demo --top 5`` prints the five most informative features; the
    size and concavity measures lead, each with more than half a bit of the 0.95 bits
    that the diagnosis holds.
    """
    check_method(method)
    check_jobs(n_jobs)
    log_base = check_base(base, quiet)
    unit = unit_label(log_base)
    data = load_breast_cancer()
    diagnosis = data["diagnosis"]
    malignant = (diagnosis == "malignant").to_numpy(dtype=float)
    features = [c for c in data.columns if c != "diagnosis"]
    rows: list[tuple[str, float, float]] = []
    used_method = method
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", mi.MutinfoWarning)
            with bar(quiet, "I(feature; diagnosis)", len(features)) as update:
                for done, name in enumerate(features, start=1):
                    value = mi.mutual_info(
                        data[name], diagnosis, method=method, k=k, rng=seed, n_jobs=n_jobs, base=log_base
                    )
                    r = float(np.corrcoef(data[name].to_numpy(), malignant)[0, 1])
                    rows.append((name, float(value), abs(r)))
                    used_method = value.method
                    update(done, len(features))
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from exc
    warned(caught, quiet)

    h_diag = float(mi.entropy(diagnosis, base=log_base))
    rows.sort(key=lambda row: row[1], reverse=True)
    meta = describe("breast_cancer")
    table = Table(
        title=f"What each feature tells about the diagnosis ({len(data)} cases)",
        caption=(
            f"MI estimator: {used_method}, k={k}. H(diagnosis) = {h_diag:.3f} {unit} is the most any "
            "feature can tell.\n"
            f"Data: {meta['title']} (Street et al. 1993; UCI, {meta['licence'].split(' (')[0]})."
        ),
    )
    table.add_column("rank", justify="right")
    table.add_column("feature")
    table.add_column(f"MI ({unit})", justify="right")
    table.add_column("share of H", justify="right")
    table.add_column("Pearson |r|", justify="right")
    for rank, (name, value, r) in enumerate(rows[:top], start=1):
        table.add_row(str(rank), name, f"{value:.3f}", f"{value / h_diag:.0%}", f"{r:.2f}")
    console.print(table)


class Kind(str, Enum):
    """How ``analyze`` treats the kind of every column (``discrete=`` of the library)."""

    auto = "auto"
    discrete = "discrete"
    continuous = "continuous"


_KIND_FLAG = {Kind.auto: "auto", Kind.discrete: True, Kind.continuous: False}


@app.command()
def analyze(
    data: Annotated[Path, typer.Argument(help="Table: .csv .tsv .parquet .feather .arrow .xlsx (.gz ok).")],
    target: Annotated[str, typer.Option("--target", "-t", help="Column to explain.")],
    columns: Annotated[
        str | None, typer.Option(help="Comma-separated feature columns; default: all others.")
    ] = None,
    permutations: Annotated[
        int, typer.Option(min=0, help="Shuffles per feature for a p-value (0: no test).")
    ] = 0,
    fdr: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="False-discovery rate for the 'significant' flag.")
    ] = 0.05,
    ci: Annotated[
        int, typer.Option(min=0, help="Subsamples for a 95% confidence interval per feature (0: none).")
    ] = 0,
    method: Method = "auto",
    k: K = 3,
    kind: Annotated[
        Kind, typer.Option(help="Column kinds: auto-detected, or force all discrete / continuous.")
    ] = Kind.auto,
    base: Base = "2",
    seed: Seed = 0,
    n_jobs: NJobs = None,
    sep: Sep = None,
    top: Annotated[int, typer.Option(min=1, help="Rows to print (the output file has all).")] = 20,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the ranking as CSV.")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a self-contained offline HTML report here.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the ranking as JSON here.")] = None,
    timings: Annotated[bool, typer.Option(help="Print wall and CPU seconds per stage (stderr).")] = False,
    quiet: Quiet = False,
) -> None:
    """Rank the columns of a table by mutual information with a target column (bits by default).

    Missing values are an error (mutinfo never drops rows silently): clean the table first.
    With --permutations N each feature gets a permutation p-value (smallest possible
    1/(N+1)) and a Benjamini-Hochberg q-value over all features; --ci B adds a 95%
    subsample confidence interval (B half-size subsamples, Politis & Romano 1994).
    Pearson r and Spearman rho are shown beside MI for contrast. --base e gives nats
    (the CSV/JSON column is then mi_nats and the JSON states "unit": "nats").

    Example: ``mutinfo analyze data.csv --target y --permutations 199 --ci 100 --report
    y.html --json y.json`` prints the ranking and writes an offline HTML report and the JSON.
    """
    stage = Stages()
    check_method(method)
    check_jobs(n_jobs)
    log_base = check_base(base, quiet)
    with stage("read"):
        frame = load_table(data, sep, quiet)
    known_columns(frame, [target], "--target", data)
    if columns is None:
        features = [c for c in frame.columns if c != target]
    else:
        features = known_columns(frame, split_names(columns) or [], "--columns", data)
        if target in features:
            raise usage(f"`--columns` must not include the target; got {target!r}.")
    if not features:
        raise fail(f"{data.name} has no feature column besides the target {target!r}.")
    flag = _KIND_FLAG[kind]
    from mutinfo.report import column_kinds

    with stage("detect"):
        check_or_fail(frame, [*features, target], target)
        try:
            kinds = column_kinds(frame[[*features, target]], flag)
        except (ValueError, TypeError) as exc:
            raise fail(str(exc)) from exc
    groups: dict[str, list[str]] = {}
    for name, decided in kinds.items():
        groups.setdefault(decided.split(" (")[0], []).append(name if name != target else f"{name} (target)")
    for decided, names in groups.items():
        note(f"{decided}: {', '.join(names)}", quiet)

    options: dict[str, Any] = {
        "method": method,
        "k": k,
        "rng": seed,
        "discrete": flag,
        "n_jobs": n_jobs,
        "base": log_base,
    }
    records: list[dict[str, Any]] = []
    notes: dict[str, list[str]] = {}
    y = frame[target]

    def collect(name: str, caught: list[warnings.WarningMessage]) -> list[str]:
        for w in caught:
            notes.setdefault(str(w.message), []).append(name)
        return sorted({w.category.__name__ for w in caught})

    try:
        with stage("mi"), bar(quiet, f"I(feature; {target})", len(features)) as update:
            for done, name in enumerate(features, start=1):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", mi.MutinfoWarning)
                    value = mi.mutual_info(frame[name], y, **options)
                records.append(
                    {
                        "feature": name,
                        "kind": kinds[name],
                        "mi": float(value),
                        "pearson_r": correlation(frame[name], y, ranks=False),
                        "spearman_rho": correlation(frame[name], y, ranks=True),
                        "n": int(value.n),
                        "method": value.method,
                        "warnings": collect(name, caught),
                    }
                )
                update(done, len(features))
        if permutations or ci:
            label = " and ".join(
                [f"{permutations} permutations"] * bool(permutations) + [f"{ci} subsamples"] * bool(ci)
            )
            with stage("permutations"), bar(quiet, f"{label} per feature", len(features)) as update:
                for done, record in enumerate(records, start=1):
                    name = record["feature"]
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always", mi.MutinfoWarning)
                        # with --ci alone one shuffle is drawn only to get the resampling
                        # engine; its p-value is not reported
                        test = mi.independence_test(
                            frame[name], y, n_resamples=max(permutations, 1), **options
                        )
                        if permutations:
                            record["pvalue"] = float(test.pvalue)
                        if ci:
                            interval = test.confidence_interval(0.95, n_resamples=ci, rng=seed)
                            record["ci_low"] = float(interval.low)
                            record["ci_high"] = float(interval.high)
                    extra = collect(name, caught)
                    record["warnings"] = sorted(set(record["warnings"]) | set(extra))
                    update(done, len(features))
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from exc

    ranking = ranking_table(records, permutations, ci, fdr, log_base)
    print_ranking(ranking, data, frame, target, k, seed, permutations, ci, fdr, top, log_base)
    for message, names in notes.items():
        shown = ", ".join(dict.fromkeys(names))
        note(f"warning ({shown}): {message}", quiet, "yellow")

    command = shlex.join(
        ["mutinfo", "analyze", str(data), "--target", target]
        + (["--columns", columns] if columns is not None else [])
        + (["--permutations", str(permutations), "--fdr", str(fdr)] if permutations else [])
        + (["--ci", str(ci)] if ci else [])
        + ["--method", method, "--k", str(k), "--kind", kind.value, "--seed", str(seed)]
        + (["--base", base.strip()] if log_base != 2 else [])
        + (["--sep", sep] if sep is not None else [])
    )
    with stage("write"):
        if output is not None:
            write_frame(ranking, output, "--output", quiet)
        if json_out is not None:
            payload = {
                "command": command,
                "version": mi.__version__,
                "target": target,
                "n_rows": len(frame),
                "base": log_base,
                "unit": unit_label(log_base),
                "mi_column": mi_column(log_base),
                "permutations": permutations,
                "fdr": fdr if permutations else None,
                "ci": {"level": 0.95, "method": "subsample", "n_resamples": ci} if ci else None,
                "ranking": json.loads(ranking.to_json(orient="records", double_precision=15)),
            }
            text = json.dumps(payload, indent=2)
            write_text(json_out, "--json", lambda h: h.write(text), quiet, "")
    if report is not None:
        from mutinfo.report import render_report

        with stage("report"):
            try:
                with (
                    warnings.catch_warnings(record=True) as caught,
                    bar(quiet, "report: pairwise MI", None) as update,
                ):
                    warnings.simplefilter("always", mi.MutinfoWarning)
                    page = render_report(
                        frame,
                        target,
                        ranking,
                        command=command,
                        kinds=kinds,
                        discrete=flag,
                        method=method,
                        k=k,
                        seed=seed,
                        permutations=permutations,
                        ci=ci,
                        n_jobs=n_jobs,
                        progress=update,
                        base=log_base,
                    )
            except (ValueError, TypeError) as exc:
                raise fail(str(exc)) from exc
            warned(caught, quiet)
            write_text(report, "--report", lambda h: h.write(page), quiet, "")
    if timings:
        errors.print(stage.line(), highlight=False, soft_wrap=True)


@app.command()
def matrix(
    data: Annotated[Path, typer.Argument(help="Table: .csv .tsv .parquet .feather .arrow .xlsx.")],
    columns: Annotated[str | None, typer.Option(help="Comma-separated columns; default: all.")] = None,
    method: Method = "auto",
    k: K = 3,
    base: Base = "2",
    seed: Seed = 0,
    n_jobs: NJobs = None,
    sep: Sep = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the matrix as CSV.")] = None,
    quiet: Quiet = False,
) -> None:
    """Pairwise mutual information (bits; --base e: nats) between the columns of a table.

    Example: ``mutinfo matrix data.csv --columns a,b,c --out mi.csv`` writes the 3 x 3
    matrix (the diagonal is empty); without --out a table is printed. The CSV's first
    column is named by the unit (``column (bits)``, ``column (nats)``, ...).
    """
    check_method(method)
    check_jobs(n_jobs)
    log_base = check_base(base, quiet)
    unit = unit_label(log_base)
    frame = load_table(data, sep, quiet)
    names = known_columns(frame, split_names(columns) or list(frame.columns), "--columns", data)
    if len(names) < 2:
        raise usage(f"`--columns` must name at least 2 columns; got {names}.")
    check_or_fail(frame, names)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", mi.MutinfoWarning)
            with bar(quiet, "pairwise MI", None) as update:
                result = mi.pairwise(
                    frame[names], method=method, k=k, rng=seed, n_jobs=n_jobs, progress=update, base=log_base
                )
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from exc
    warned(caught, quiet)
    label = f"column ({unit})"
    shown = result.reset_index(names=label)
    shown[label] = shown[label].astype(str)
    if out is not None:
        write_frame(shown, out, "--out", quiet)
    else:
        print_frame(shown, f"Pairwise MI ({unit}) for {data.name} ({len(frame)} rows)")


@app.command()
def select(
    data: Annotated[Path, typer.Argument(help="Table: .csv .tsv .parquet .feather .arrow .xlsx.")],
    target: Annotated[str, typer.Option("--target", "-t", help="Column to explain.")],
    k: Annotated[int, typer.Option("--k", min=1, help="How many features to select.")] = 10,
    criterion: Annotated[str, typer.Option(help="relevance, mrmr, jmi, cmim or jmim.")] = "mrmr",
    base: Base = "2",
    seed: Seed = 0,
    n_jobs: NJobs = None,
    sep: Sep = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the selected columns (and target) as CSV.")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Select k feature columns greedily by a mutual-information criterion.

    Example: ``mutinfo select data.csv --target y --k 5 --criterion mrmr --out chosen.csv``
    prints the five chosen columns in selection order with their scores (bits; with
    --base e nats) and writes those columns and the target to chosen.csv.
    """
    from mutinfo._selection_criteria import CRITERIA

    check_jobs(n_jobs)
    log_base = check_base(base, quiet)
    slug = mi_column(log_base).removeprefix("mi_")
    frame = load_table(data, sep, quiet)
    known_columns(frame, [target], "--target", data)
    if criterion not in CRITERIA:
        raise usage(f"`--criterion` must be one of {list(CRITERIA)}; got {criterion!r}.")
    features = [c for c in frame.columns if c != target]
    if k > len(features):
        raise usage(f"`--k` must be at most the number of features ({len(features)}); got {k}.")
    check_or_fail(frame, [*features, target], target)
    text = [str(c) for c in features if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise fail(f"`select` needs numeric feature columns (encode categories first); got text in {text}.")
    try:
        selector = mi.MutualInfoSelector(
            k, criterion=criterion, random_state=seed, n_jobs=n_jobs, progress=not quiet, base=log_base
        )
        with warnings.catch_warnings(record=True) as caught, library_bars_on_stderr(quiet):
            warnings.simplefilter("always", mi.MutinfoWarning)
            selector.fit(frame[features], frame[target])
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from exc
    warned(caught, quiet)
    order = [int(i) for i in selector.selection_order_]
    chosen = pd.DataFrame(
        {
            "step": np.arange(1, len(order) + 1),
            "feature": [str(features[i]) for i in order],
            f"score_{slug}": [float(selector.scores_[i]) for i in order],
            f"relevance_{slug}": [float(selector.relevance_[i]) for i in order],
        }
    )
    print_frame(chosen, f"{criterion} selection of {k} features for {target} ({unit_label(log_base)})")
    if out is not None:
        write_frame(frame[[features[i] for i in order] + [target]], out, "--out", quiet)


class NetworkMethod(str, Enum):
    """Network inference rules of :mod:`mutinfo.network`."""

    aracne = "aracne"
    clr = "clr"
    mrnet = "mrnet"


@app.command()
def network(
    data: Annotated[Path, typer.Argument(help="Table: .csv .tsv .parquet .feather .arrow .xlsx.")],
    method: Annotated[NetworkMethod, typer.Option(help="Inference rule.")] = NetworkMethod.aracne,
    columns: Annotated[str | None, typer.Option(help="Comma-separated columns; default: all.")] = None,
    base: Base = "2",
    seed: Seed = 0,
    n_jobs: NJobs = None,
    sep: Sep = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the edge list as CSV.")] = None,
    quiet: Quiet = False,
) -> None:
    """Infer a dependence network between columns and print its edge list.

    Example: ``mutinfo network genes.csv --method aracne --out edges.csv`` keeps the
    edges ARACNE does not explain by a stronger indirect path (weights are MI in bits,
    or the --base unit, for aracne and mrnet; unitless z-scores for clr).
    """
    import mutinfo.network as net

    check_jobs(n_jobs)
    log_base = check_base(base, quiet)
    frame = load_table(data, sep, quiet)
    names = known_columns(frame, split_names(columns) or list(frame.columns), "--columns", data)
    if len(names) < 2:
        raise usage(f"`--columns` must name at least 2 columns; got {names}.")
    check_or_fail(frame, names)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", mi.MutinfoWarning)
            with bar(quiet, "pairwise MI", None) as update:
                result = getattr(net, method.value)(
                    frame[names], rng=seed, n_jobs=n_jobs, progress=update, base=log_base
                )
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from exc
    warned(caught, quiet)
    edges = result.edges.copy()
    edges["source"] = edges["source"].astype(str)
    edges["target"] = edges["target"].astype(str)
    weights = "z-scores, no unit" if method is NetworkMethod.clr else unit_label(log_base)
    print_frame(edges, f"{method.value} network of {data.name}: {len(edges)} edges (weights: {weights})")
    if out is not None:
        write_frame(edges, out, "--out", quiet)


@app.command()
def te(
    data: Annotated[Path, typer.Argument(help="Table with one time series per column, rows in time order.")],
    source: Annotated[str, typer.Option("--source", "-s", help="Column that may drive the target.")],
    target: Annotated[str, typer.Option("--target", "-t", help="Column that may be driven.")],
    lag: Annotated[int, typer.Option(min=1, help="Source lag in samples.")] = 1,
    history: Annotated[int, typer.Option(min=1, help="Target history length.")] = 1,
    surrogates: Annotated[int, typer.Option(min=1, help="Surrogate series for the p-value.")] = 199,
    base: Base = "2",
    seed: Seed = 0,
    n_jobs: NJobs = None,
    sep: Sep = None,
    quiet: Quiet = False,
) -> None:
    """Transfer entropy from one column to another (bits; --base e: nats), with a surrogate p-value.

    Example: ``mutinfo te series.csv --source x --target y --lag 2 --surrogates 99``
    estimates TE(x -> y) with x lagged by 2 samples and tests it against 99
    circular-shift surrogates of x (smallest possible p: 1/100).
    """
    check_jobs(n_jobs)
    log_base = check_base(base, quiet)
    frame = load_table(data, sep, quiet)
    known_columns(frame, [source, target], "--source/--target", data)
    if source == target:
        raise usage(f"`--source` and `--target` must differ; got {source!r} twice.")
    check_or_fail(frame, [source, target])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", mi.MutinfoWarning)
            # the library takes no progress callback here: an open-ended bar shows it is working
            with bar(quiet, f"TE with {surrogates} surrogates", None):
                result = mi.transfer_entropy_test(
                    frame[source],
                    frame[target],
                    lag=lag,
                    history=history,
                    n_surrogates=surrogates,
                    rng=seed,
                    n_jobs=n_jobs,
                    base=log_base,
                )
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from exc
    warned(caught, quiet)
    console.print(
        f"TE({source} -> {target}) = {float(result.statistic):.4f} {unit_label(log_base)}, "
        f"p = {result.pvalue:.3g} ({result.n_surrogates} {result.surrogate} surrogates; "
        f"lag {result.lag}, history {result.history}, n = {result.n}, {result.method})",
        highlight=False,
    )


@app.command()
def methods() -> None:
    """List the estimators: registry name, the data they take, and one line each.

    Example: ``mutinfo methods`` lists ksg1, plugin, gaussian, ...; pass a name as
    ``--method ksg1`` to the other commands or ``method="ksg1"`` in Python.
    """
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
    console.print(table)


@app.command()
def explore(
    data: Annotated[
        Path | None, typer.Argument(help="Optional table to preload into the 'your data' section.")
    ] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="TCP port; default: a free one.")] = None,
    host: Annotated[str, typer.Option(help="Interface to bind; the default stays on this machine.")] = (
        "127.0.0.1"
    ),
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the explorer in a web browser.")
    ] = True,
    sep: Sep = None,
    quiet: Quiet = False,
) -> None:
    """Start the interactive explorer (a local web app) until Ctrl+C.

    Example: ``mutinfo explore data.csv`` opens the explorer with data.csv already loaded
    in its "Analyse your own data" section (the same size limits as an upload apply).
    A --host other than loopback is warned about on stderr (the server has no login).
    """
    try:
        from mutinfo.explorer.limits import ExposedServerWarning
        from mutinfo.explorer.server import serve
    except ImportError as exc:
        raise fail(
            "the explorer is not available: "
            f"{exc}. Install the explorer extra with `pip install 'mutinfo[explorer]'` "
            "(or run `make demo`, which sets it up)."
        ) from exc
    if data is not None:
        from mutinfo.explorer.routes import yourdata

        frame = load_table(data, sep, quiet)
        try:
            yourdata.preload(frame, data.name)
        except ValueError as exc:
            raise fail(str(exc)) from exc
        note(f"preloaded {data.name} ({len(frame)} rows) into the 'your data' section", quiet)
    try:
        with warnings.catch_warnings():
            # serve() also logs a non-loopback host as one plain line on stderr; the typed
            # warning would repeat it with a source line
            warnings.simplefilter("ignore", ExposedServerWarning)
            serve(host=host, port=port, open_browser=browser)
    except (ValueError, OSError) as exc:
        raise fail(str(exc)) from exc


def main() -> None:
    """Run the command line (``python -m mutinfo``)."""
    app(prog_name="mutinfo")


if __name__ == "__main__":  # pragma: no cover
    main()
