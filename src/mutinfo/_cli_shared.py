"""What the commands of :mod:`mutinfo.cli` share: consoles, messages, options, progress bars,
loading a data file, writing outputs, and the pieces of the ``analyze`` ranking.

Kept apart from the commands so that :mod:`mutinfo.cli` reads as the list of commands.
Messages go to standard error (:data:`errors`), results to standard output
(:data:`console`); a data error exits with 1, a usage error with 2 (:func:`fail`,
:func:`usage`).
"""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import mutinfo as mi
from mutinfo._cli_io import DataError, atomic_write, check_columns, convert_times, parse_sep, read_table
from mutinfo.report import mi_column, unit_label

#: Exit status after Ctrl-C (128 + SIGINT, the shell convention).
EXIT_INTERRUPTED = 130

console = Console()
errors = Console(stderr=True)


# Options shared by several commands.
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bars or notes on stderr (errors still print).")
]
Sep = Annotated[
    str | None,
    typer.Option(help="Column separator (',', ';', 'tab', ...): read DATA as delimited text."),
]
NJobs = Annotated[
    int | None,
    typer.Option("--n-jobs", "-j", help="Threads for the estimators (-1: all cores); same results."),
]
Seed = Annotated[int, typer.Option(min=0, help="Seed of all randomness: the same seed repeats the run.")]
Method = Annotated[str, typer.Option(help="Estimator name (see `mutinfo methods`).")]
K = Annotated[int, typer.Option(min=1, help="Neighbours for kNN estimators.")]
Base = Annotated[
    str,
    typer.Option(
        help="Logarithm base of the information unit: 2 bits, e nats, 10 hartleys (any number > 0, != 1)."
    ),
]


def fail(message: str) -> typer.Exit:
    """Print an error in the house style and return the exit (code 1) to raise."""
    errors.print(Text("error: ", style="bold red") + Text(message), highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def usage(message: str) -> typer.Exit:
    """Print a usage error (a bad column or option value) and return the exit (code 2)."""
    errors.print(Text("usage error: ", style="bold red") + Text(message), highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def note(message: str, quiet: bool, style: str = "") -> None:
    if not quiet:
        errors.print(Text(message, style=style), highlight=False, soft_wrap=True)


def progress_bar(quiet: bool) -> Progress:
    """A rich progress bar on stderr (nothing at all with ``quiet``)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        # a bar only on a terminal: redirected stderr gets no control codes or blank lines
        disable=quiet or not errors.is_terminal,
    )


@contextlib.contextmanager
def bar(quiet: bool, description: str, total: int | None) -> Iterator[Callable[[int, int], None]]:
    """A progress bar and its ``(done, total)`` callback (the form ``mi.pairwise`` calls)."""
    with progress_bar(quiet) as progress:
        task = progress.add_task(description, total=total)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextlib.contextmanager
def library_bars_on_stderr(quiet: bool) -> Iterator[None]:
    """Route the library's own rich progress bars (global console) to stderr meanwhile."""
    import rich

    shared = rich.get_console()
    saved = dict(shared.__dict__)
    rich.reconfigure(stderr=True, quiet=quiet)
    try:
        yield
    finally:
        shared.__dict__ = saved


def check_method(method: str) -> str:
    choices = mi.available_methods("mi")
    if method not in choices:
        raise usage(f"`--method` must be one of {choices}; got {method!r}.")
    return method


def check_base(text: str, quiet: bool = False) -> float:
    """The ``--base`` value as a float: ``e`` (any case) is Euler's number, otherwise a number
    > 0 and != 1; anything else is a usage error (exit 2).

    A decimal that agrees with e = 2.718281828... to every digit typed, at least three
    decimals (``2.718``, ``2.71828``), is read as e itself, with a note on stderr: the
    output is then labelled nats and equals the ``e`` result exactly.
    """
    rule = "a number > 0 and != 1 (2 = bits, e = nats, 10 = hartleys)"
    cleaned = text.strip()
    if cleaned.lower() == "e":
        return math.e
    try:
        base = float(cleaned)
    except ValueError:
        raise usage(f"`--base` must be {rule}; got {text!r}.") from None
    if not math.isfinite(base) or base <= 0 or base == 1:
        raise usage(f"`--base` must be {rule}; got {text!r}.")
    digits = len(cleaned.partition(".")[2]) if "e" not in cleaned.lower() else 0
    if base != math.e and digits >= 3 and abs(base - math.e) < 10.0**-digits:
        note(f"note: --base {cleaned} read as e = {math.e!r} (nats)", quiet)
        return math.e
    return base


def check_jobs(n_jobs: int | None) -> int | None:
    if n_jobs is not None and (n_jobs == 0 or n_jobs < -1):
        raise usage(f"`--n-jobs` must be -1 (all cores) or an integer >= 1; got {n_jobs}.")
    return n_jobs


def load_table(data: Path, sep: str | None, quiet: bool) -> pd.DataFrame:
    """Read DATA, convert date-times (saying so); data problems exit with 1."""
    try:
        separator = parse_sep(sep)
    except ValueError as exc:
        raise usage(str(exc)) from exc
    try:
        with bar(quiet, f"reading {data.name}", None):  # open-ended: no row count in advance
            frame = read_table(data, separator)
    except DataError as exc:
        raise fail(str(exc)) from exc
    frame, notes = convert_times(frame)
    for text in notes:
        note(f"note: {text}", quiet)
    return frame


def known_columns(frame: pd.DataFrame, names: list[str], option: str, data: Path) -> list[str]:
    """Check that every name is a column of ``frame``; unknown names are a usage error."""
    unknown = [name for name in names if name not in frame.columns]
    if unknown:
        raise usage(
            f"`{option}` must name columns of {data.name}; got unknown {unknown} "
            f"(valid choices: {[str(c) for c in frame.columns]})."
        )
    return names


def split_names(value: str | None) -> list[str] | None:
    return None if value is None else [c.strip() for c in value.split(",") if c.strip()]


def check_or_fail(frame: pd.DataFrame, names: list[str], target: str | None = None) -> None:
    try:
        check_columns(frame, names, target=target)
    except DataError as exc:
        raise fail(str(exc)) from exc


def write_text(path: Path, option: str, write: Callable[[Any], None], quiet: bool, what: str) -> None:
    try:
        atomic_write(path, write)
    except OSError as exc:
        raise fail(f"`{option}` could not be written ({str(path)!r}): {exc}") from exc
    note(f"wrote {what}{path}", quiet)


def write_frame(frame: pd.DataFrame, out: Path, option: str, quiet: bool) -> None:
    write_text(out, option, lambda h: frame.to_csv(h, index=False), quiet, f"{len(frame)} rows to ")


def format_cell(value: object, digits: int) -> str:
    if isinstance(value, float):
        return "-" if np.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def print_frame(frame: pd.DataFrame, title: str, digits: int = 3) -> None:
    table = Table(title=title)
    for column in frame.columns:
        numeric = pd.api.types.is_float_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*[format_cell(v, digits) for v in row])
    console.print(table)


def warned(caught: list[warnings.WarningMessage], quiet: bool) -> None:
    for message in dict.fromkeys(str(w.message) for w in caught):
        note(f"warning: {message}", quiet, "yellow")


def correlation(x: pd.Series, y: pd.Series, ranks: bool) -> float:
    """Pearson r (Spearman rho with ``ranks``: Pearson r of average ranks); NaN for text or
    constant columns."""
    if not all(pd.api.types.is_numeric_dtype(c) or pd.api.types.is_bool_dtype(c) for c in (x, y)):
        return float("nan")
    a, b = x.astype(float), y.astype(float)
    if ranks:
        a, b = a.rank(), b.rank()
    a, b = a.to_numpy(), b.to_numpy()
    if np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


class Stages:
    """Wall-clock and CPU seconds per stage of ``analyze`` (printed with ``--timings``).

    CPU time is this process's, summed over its threads: on a busy machine it shows the
    work done where the wall time also counts the waiting.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - start_cpu

    def line(self) -> str:
        """``timings: read 0.123 s (cpu 0.120 s), ...``."""
        parts = [f"{name} {sec:.3f} s (cpu {self.cpu[name]:.3f} s)" for name, sec in self.seconds.items()]
        return "timings: " + ", ".join(parts)


def ranking_table(
    records: list[dict[str, Any]], permutations: int, ci: int, fdr: float, base: float = 2
) -> pd.DataFrame:
    """The ranking table: one row per feature, best first (ties keep the input order).

    The records hold the MI under the key ``mi``; the table names that column by the unit
    (:func:`mutinfo.report.mi_column`: ``mi_bits`` for base 2, ``mi_nats`` for base e).
    """
    column = mi_column(base)
    ranking = pd.DataFrame(records).rename(columns={"mi": column})
    ranking = ranking.sort_values(column, ascending=False, kind="stable")
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    ranking["warnings"] = [";".join(w) for w in ranking["warnings"]]
    if permutations:
        ranking["qvalue"] = mi.fdr(ranking["pvalue"].to_numpy())
        ranking["significant"] = ranking["qvalue"] <= fdr
    order = ["rank", "feature", "kind", column]
    order += ["ci_low", "ci_high"] if ci else []
    order += ["pvalue", "qvalue", "significant"] if permutations else []
    order += ["pearson_r", "spearman_rho", "n", "method", "warnings"]
    return ranking[order].reset_index(drop=True)


def print_ranking(
    ranking: pd.DataFrame,
    data: Path,
    frame: pd.DataFrame,
    target: str,
    k: int,
    seed: int,
    permutations: int,
    ci: int,
    fdr: float,
    top: int,
    base: float = 2,
) -> None:
    caption = f"Estimator: {', '.join(sorted(set(ranking['method'])))}; k={k}, seed={seed}."
    if permutations:
        caption += f" p: {permutations} permutations; q: Benjamini-Hochberg; * q <= {fdr:g}."
    if ci:
        caption += f" 95% CI: {ci} half-size subsamples."
    table = Table(title=f"I(feature; {target}) for {data.name} ({len(frame)} rows)", caption=caption)
    unit = unit_label(base)
    for column, justify in (("rank", "right"), ("feature", "left"), (f"MI ({unit})", "right")):
        table.add_column(column, justify=justify)
    if ci:
        table.add_column(f"95% CI ({unit})", justify="right")
    if permutations:
        table.add_column("p", justify="right")
        table.add_column("q", justify="right")
    table.add_column("Pearson r", justify="right")
    table.add_column("Spearman", justify="right")
    head = ranking.head(top)
    for row, value in zip(head.itertuples(index=False), head[mi_column(base)], strict=True):
        cells = [str(row.rank), str(row.feature), f"{value:.3f}"]
        if ci:
            cells.append(f"[{row.ci_low:.3f}, {row.ci_high:.3f}]")
        if permutations:
            cells += [f"{row.pvalue:.3g}", f"{row.qvalue:.3g}{' *' if row.significant else ''}"]
        cells += [format_cell(row.pearson_r, 2), format_cell(row.spearman_rho, 2)]
        table.add_row(*cells)
    console.print(table)
