"""``python -m benchmarks [--quick] [--only NAME] [--output PATH]``: run and write RESULTS.md.

Every ``benchmarks/bench_*.py`` is imported and its ``run(quick=...)`` called; the rows
(keys: benchmark, case, mutinfo_s, peer, peer_s, ratio, agree, optional notes) are written
as one Markdown table per benchmark, under a header that states the machine, the load
average before and after, and the package versions. A module that fails is reported in
the file with its error instead of stopping the run. With ``--only`` the other sections of
an existing output file are kept (each section states when it ran).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.common import ROW_KEYS, machine_info

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    """Names of the ``bench_*`` modules in this package, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))


def _fmt_seconds(value: Any) -> str:
    if value is None:
        return "-"
    value = float(value)
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2e}"


def _fmt_ratio(value: Any) -> str:
    return "-" if value is None else f"{float(value):.1f}x"


def table(rows: list[dict[str, Any]]) -> str:
    """Markdown table of benchmark rows."""
    head = "| case | mutinfo (s) | peer | peer (s) | peer / mutinfo | agreement | notes |"
    lines = [head, "|---|---:|---|---:|---:|---|---|"]
    for r in rows:
        missing = [k for k in ROW_KEYS if k not in r]
        if missing:
            raise ValueError(f"benchmark row is missing keys {missing}: {r!r}")
        lines.append(
            f"| {r['case']} | {_fmt_seconds(r['mutinfo_s'])} | {r['peer']} | {_fmt_seconds(r['peer_s'])} "
            f"| {_fmt_ratio(r['ratio'])} | {r['agree']} | {r.get('notes', '')} |"
        )
    return "\n".join(lines)


def _threading_layer(configured: Any) -> Any:
    """The threading layer numba actually used (known only after a parallel kernel ran)."""
    try:
        import numba

        return numba.threading_layer()
    except (ImportError, ValueError):
        return configured


def _old_sections(path: Path) -> dict[str, str]:
    """``## name`` sections of an existing results file, by name (for --only reruns)."""
    if not path.exists():
        return {}
    sections: dict[str, str] = {}
    name = None
    for line in path.read_text().splitlines(keepends=True):
        if line.startswith("## "):
            name = line[3:].strip()
            sections[name] = ""
        if name is not None:
            sections[name] += line
    return {k: v.rstrip("\n") + "\n" for k, v in sections.items()}  # one blank line between sections


def header(info_before: dict[str, Any], load_after: Any, quick: bool, rerun: bool = False) -> str:
    pk = info_before["packages"]
    versions = ", ".join(f"{name} {ver}" for name, ver in pk.items())
    load_before = info_before["load_average"]
    fmt_load = lambda la: "n/a" if la is None else " / ".join(f"{v:.2f}" for v in la)  # noqa: E731
    memory = info_before["memory_gb"]
    return "\n".join(
        [
            "# mutinfo benchmarks",
            "",
            f"Written by `python -m benchmarks{' --quick' if quick else ''}` on {info_before['date']}"
            + (" (sections stamped with an earlier date are kept from an earlier run)." if rerun else "."),
            "",
            f"- Machine: {info_before['cpu']}, {info_before['cores']} cores"
            + (f", {memory:.1f} GB memory" if memory else "")
            + f"; {info_before['platform']}",
            f"- numba: {info_before['numba_threads']} threads"
            + f" ({_threading_layer(info_before['numba_threading_layer'])} threading layer)",
            f"- Load average (1/5/15 min) before: {fmt_load(load_before)}; after: {fmt_load(load_after)}. "
            "Other work on the machine during the run makes every timing noisier (both sides).",
            f"- Python {info_before['python']}; {versions}",
            "- Times are wall-clock medians of several repeats after one untimed warm-up call "
            "(so numba compilation is excluded; its cost is stated in the notes where relevant). "
            "`peer / mutinfo` > 1 means mutinfo is faster.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only bench_NAME (repeatable; 'bench_' optional)"
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md", help="where to write the tables")
    args = parser.parse_args(argv)

    names = discover()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        unknown = sorted(wanted - set(names))
        if unknown:
            parser.error(f"--only: no benchmark module {unknown}; available: {names}")
        names = [n for n in names if n in wanted]

    info = machine_info()
    sections: dict[str, str] = _old_sections(args.output) if args.only else {}
    failures = 0
    for name in names:
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            rows = module.run(quick=args.quick)
            body = table(rows)
            doc = (module.__doc__ or "").strip().split("\n\n")[0]
        except Exception as exc:  # one failing benchmark must not hide the others
            failures += 1
            traceback.print_exc()
            body = f"**Failed**: `{type(exc).__name__}: {exc}`"
            doc = ""
        elapsed = time.perf_counter() - start
        short = name.removeprefix("bench_")
        stamp = f"{info['date']}{', --quick' if args.quick else ''}"
        section = f"## {short}\n\n{doc}\n\n{body}\n\n(section ran in {elapsed:.0f} s; {stamp})\n"
        print(section, flush=True)
        sections[short] = section

    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    kept = bool(args.only) and len(sections) > len(names)
    text = (
        header(info, load_after, args.quick, kept) + "\n" + "\n".join(sections[k] for k in sorted(sections))
    )
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
