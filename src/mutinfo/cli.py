"""The ``mutinfo`` command line: a demo analysis, the estimator list, and the explorer.

Exit codes: 0 success, 1 a data or runtime error (the message says what and why),
2 a usage error (unknown option, bad option value; reported by Click).

Commands
--------
``mutinfo demo``
    Rank the breast-cancer features by mutual information with the diagnosis.
``mutinfo methods``
    List the estimators in the registry with one line each.
``mutinfo explore``
    Start the interactive explorer (needs the ``explorer`` extra).
``mutinfo --version``
    Print the version.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
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
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=_errors,
            transient=True,
        ) as progress:
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
