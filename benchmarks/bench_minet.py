"""Network inference against R: mutinfo's ARACNE, CLR and MRNET beside R's parmigene.

R's ``minet`` (Meyer, Lafitte and Bontempi 2008, https://doi.org/10.1186/1471-2105-9-461)
is a Bioconductor package and is not packaged by Debian; CRAN and Bioconductor cannot be
reached from this project's machines. Debian does package ``r-cran-parmigene`` (Sales and
Romualdi 2011, https://doi.org/10.1093/bioinformatics/btr274), the parallel
reimplementation of the same three methods with a KSG mutual information estimator
(``knnmi.all``), so that is the R reference here. Install it for a session with
``apt-get install r-base-core r-cran-parmigene``; without ``Rscript`` (or without the
package) this module returns no rows and says why.

Two data sets, each with a known network:

1. the shipped 11-gene myeloid set (:func:`mutinfo.datasets.load_gene_network`, simulated
   from the Boolean model of Krumsiek et al. 2011; 2,000 cells);
2. a SynTReN-like simulation (minet's own SynTReN data cannot be had without minet):
   40 genes, 8 of them inputs, every other gene regulated by 1-2 earlier genes through Hill
   activation or repression, plus biological and measurement noise; 300 samples, seed 0.

For each, AUPR (and AUROC) against the known undirected edges of:

* mutinfo on its own MI (``mi.pairwise``, KSG-1, k = 3, nats) and parmigene on its own
  (``knnmi.all``, k = 3, which adds 1e-12 noise to break ties): the two full pipelines;
* parmigene's ARACNE/CLR/MRNET run on *mutinfo's* MI matrix, beside mutinfo's methods on
  that same matrix: this isolates the network algorithms from the MI estimators (same
  input, so the scores should agree; differences are algorithm conventions).

ARACNE is run with no tolerance on both sides (``aracne.a(mi, eps = 1e-12)``: parmigene
rejects eps = 0;
``mi.network.aracne(..., tolerance=0)``).

Known convention differences (parmigene 1.1.0's C source, ``src/inference.c``): its CLR
takes the mean and variance of each row *including* the zero diagonal, and squares the
z-score twice, so its weight is ``sqrt(z_i^4 + z_j^4)`` rather than the
``sqrt(z_i^2 + z_j^2)`` of Faith et al. (2007) that its own manual states and mutinfo
computes; rankings (hence AUPR) differ a little.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import mutinfo as mi
from benchmarks.common import row

__all__ = ["run", "syntren_like"]

_R_PROGRAM = r"""
suppressPackageStartupMessages(library(parmigene))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
expr <- as.matrix(read.csv(file.path(dir, "expr.csv"), check.names = FALSE))
t0 <- proc.time()[["elapsed"]]
m <- knnmi.all(t(expr), k = 3)
t_mi <- proc.time()[["elapsed"]] - t0
write.csv(m, file.path(dir, "r_mi.csv"), row.names = FALSE)
ours <- as.matrix(read.csv(file.path(dir, "ours_mi.csv"), check.names = FALSE))
diag(ours) <- 0
for (src in c("r", "ours")) {
  x <- if (src == "r") m else ours
  t1 <- proc.time()[["elapsed"]]
  write.csv(aracne.a(x, eps = 1e-12), file.path(dir, paste0(src, "_aracne.csv")), row.names = FALSE)
  write.csv(clr(x), file.path(dir, paste0(src, "_clr.csv")), row.names = FALSE)
  write.csv(mrnet(x), file.path(dir, paste0(src, "_mrnet.csv")), row.names = FALSE)
  if (src == "r") t_net <- proc.time()[["elapsed"]] - t1
}
cat(sprintf("%.6f %.6f\n", t_mi, t_net))
"""


def _r_available() -> str | None:
    """None when Rscript and parmigene are usable, else the reason they are not."""
    if shutil.which("Rscript") is None:
        return "Rscript not found (apt-get install r-base-core r-cran-parmigene)"
    probe = subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages(library(parmigene))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "R package parmigene not installed (apt-get install r-cran-parmigene)"
    return None


def syntren_like(n: int = 300, p: int = 40, inputs: int = 8, seed: int = 0) -> tuple[pd.DataFrame, list]:
    """Expression simulated from a random regulatory network, and its edges.

    Genes ``g0 .. g{inputs-1}`` are inputs, uniform on (0, 1). Every later gene j has 1 or 2
    regulators among the genes before it; each acts through a Hill function
    ``x^h / (K^h + x^h)`` (activation) or ``K^h / (K^h + x^h)`` (repression), h in [1, 4],
    K in [0.2, 0.8]; the target is the mean of its regulators' terms times (1 + N(0, 0.1²))
    (biological noise), and every gene gets N(0, 0.03²) measurement noise, in the spirit of
    SynTReN (Van den Bulcke et al. 2006, https://doi.org/10.1186/1471-2105-7-43).
    """
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, :inputs] = rng.uniform(0, 1, (n, inputs))
    edges = []
    for j in range(inputs, p):
        regulators = rng.choice(j, size=int(rng.integers(1, 3)), replace=False)
        terms = []
        for r in regulators:
            h, K = rng.uniform(1, 4), rng.uniform(0.2, 0.8)
            a = np.clip(X[:, r], 0, None) ** h
            act = a / (K**h + a)
            terms.append(act if rng.random() < 0.6 else 1 - act)
            edges.append((f"g{r}", f"g{j}"))
        X[:, j] = np.mean(terms, axis=0) * (1 + 0.1 * rng.standard_normal(n))
    X += 0.03 * rng.standard_normal((n, p))
    return pd.DataFrame(X, columns=[f"g{j}" for j in range(p)]), edges


def _frame(path: Path, labels: list[str]) -> pd.DataFrame:
    w = pd.read_csv(path).to_numpy(dtype=np.float64)
    return pd.DataFrame(w, index=labels, columns=labels)


def _compare(name: str, expr: pd.DataFrame, edges: list) -> list[dict]:
    net = mi.network
    labels = [str(c) for c in expr.columns]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.TiesWarning)
        mi.pairwise(expr.iloc[:, :3])  # load the numba cache before timing
        start = time.perf_counter()
        ours_mi = mi.pairwise(expr, base=np.e)
        ours_mi_s = time.perf_counter() - start
    ours_net = {"aracne": net.aracne(ours_mi, precomputed=True), "clr": net.clr(ours_mi, precomputed=True)}
    ours_net["mrnet"] = net.mrnet(ours_mi, precomputed=True)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        expr.to_csv(d / "expr.csv", index=False)
        m = ours_mi.to_numpy().copy()
        np.fill_diagonal(m, 0.0)
        pd.DataFrame(m, columns=labels).to_csv(d / "ours_mi.csv", index=False, float_format="%.17g")
        done = subprocess.run(
            ["Rscript", "-e", _R_PROGRAM, str(d)], capture_output=True, text=True, check=True
        )
        r_mi_s, r_net_s = (float(v) for v in done.stdout.split()[-2:])
        r_mi = _frame(d / "r_mi.csv", labels)
        r_on = {m_: _frame(d / f"r_{m_}.csv", labels) for m_ in ("aracne", "clr", "mrnet")}
        r_on_ours = {m_: _frame(d / f"ours_{m_}.csv", labels) for m_ in ("aracne", "clr", "mrnet")}
    off = ~np.eye(len(labels), dtype=bool)
    mi_diff = float(np.max(np.abs(ours_mi.to_numpy()[off] - r_mi.to_numpy()[off])))
    rows = []
    n_pos = net.score(ours_net["clr"], edges).n_positive
    n_pairs = len(labels) * (len(labels) - 1) // 2
    for method in ("aracne", "clr", "mrnet"):
        s_ours = net.score(ours_net[method], edges)
        s_r = net.score(r_on[method], edges)
        s_r_ours = net.score(r_on_ours[method], edges)
        same_input = np.max(np.abs(r_on_ours[method].to_numpy() - ours_net[method].adjacency.to_numpy()))
        rows.append(
            row(
                "minet",
                f"{name}: {method.upper()} (AUPR)",
                ours_mi_s,
                "R parmigene 1.1.0 (knnmi.all + " + method + ")",
                r_mi_s,
                f"AUPR mutinfo {s_ours.aupr:.3f} vs parmigene {s_r.aupr:.3f}; AUROC {s_ours.auroc:.3f} vs "
                f"{s_r.auroc:.3f}; random {s_ours.baseline:.3f}",
                f"parmigene's {method} on mutinfo's MI: AUPR {s_r_ours.aupr:.3f}, max abs weight diff "
                f"{same_input:.1e}; MI matrices differ by at most {mi_diff:.3f} nats; "
                f"{n_pos} of {n_pairs} pairs linked; times: MI matrix only (parmigene's "
                f"three methods {r_net_s:.3f} s in all)",
            )
        )
    return rows


def run(quick: bool = False) -> list[dict]:
    """Rows for the runner (see the module docstring); none when R/parmigene are missing."""
    reason = _r_available()
    if reason is not None:
        print(f"bench_minet: skipped, {reason}")
        return []
    from mutinfo.datasets import load_gene_network, load_gene_network_edges

    genes = load_gene_network().drop(columns=["cell", "time", "fate"])
    known = list(load_gene_network_edges()[["source", "target"]].itertuples(index=False, name=None))
    rows = _compare("myeloid 11 genes, n = 2,000", genes, known)
    expr, edges = syntren_like(n=150 if quick else 300)
    rows += _compare(f"SynTReN-like 40 genes, n = {expr.shape[0]}", expr, edges)
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
