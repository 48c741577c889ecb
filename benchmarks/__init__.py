"""Side-by-side benchmarks of mutinfo against its peers (scikit-learn, ennemi, ...).

Run ``python -m benchmarks [--quick] [--only NAME]``: every ``benchmarks/bench_*.py`` module
exposes ``run(quick: bool) -> list[dict]``; the runner collects the rows and writes
``benchmarks/RESULTS.md`` with the machine, the package versions and one table per
benchmark. Timings are medians of repeats after a warm-up call (numba compile time is
excluded from the medians and reported separately). They are never asserted in tests.
"""
