"""Endpoints of the real-world examples section, on the data sets shipped with mutinfo.

* Weather: hourly temperature and relative humidity of a typical meteorological year at
  Greensboro, NC (NREL TMY3; Wilcox and Marion 2008, doi:10.2172/928611), next to simulated
  lottery draws that are independent of the weather by construction.
* Medical diagnosis: the 30 features of the Wisconsin diagnostic breast-cancer data (Street,
  Wolberg and Mangasarian 1993, doi:10.1117/12.148698) ranked by MI with the diagnosis, with
  permutation p-values, Benjamini-Hochberg q-values (doi:10.1111/j.2517-6161.1995.tb02031.x)
  and the Pearson ranking beside them.
* Gene expression: pairwise MI between the 11 genes of the simulated Krumsiek et al. (2011)
  myeloid network (doi:10.1371/journal.pone.0022649), the top-k pairs scored against the
  known regulatory edges (a relevance network: Butte and Kohane 2000,
  doi:10.1142/9789814447331_0040).

Warnings the library raises on this data (for example about tied values) are passed to the
page in ``warnings`` rather than hidden.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from itertools import combinations
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Query
from scipy import stats

import mutinfo as mi
from mutinfo import datasets
from mutinfo.explorer.common import UNIT_BASE, clean, mi_with_test, readout, recorded_warnings, snippet

router = APIRouter(prefix="/api/realworld", tags=["realworld"])

Seed = Query(0, ge=0, le=2**31 - 1, description="seed")
Resamples = Query(99, ge=19, le=999, description="permutations per p-value")


def _caught(records: list[warnings.WarningMessage]) -> list[str]:
    seen: list[str] = []
    for r in records:
        text = f"{r.category.__name__}: {r.message}"
        if text not in seen:
            seen.append(text)
    return seen


def fdr_qvalues(p_values: np.ndarray) -> tuple[np.ndarray | None, str]:
    """Benjamini-Hochberg q-values from mutinfo, or None with the reason when it has none."""
    fdr = getattr(mi, "fdr", None)
    if fdr is None:
        return None, "mutinfo has no FDR function yet (mi.fdr); q-values are not shown."
    result = fdr(p_values)
    q = getattr(result, "qvalues", result)
    return np.asarray(q, dtype=float), "Benjamini-Hochberg q-values from mi.fdr."


def _estimate_or_test(
    x: Any, y: Any, *, full: bool, n_resamples: int, seed: int, **options: Any
) -> dict[str, Any]:
    """A readout: the estimate alone (``full=False``, fast) or with its permutation test."""
    if full:
        return mi_with_test(x, y, n_resamples=n_resamples, seed=seed, ci_resamples=None, **options)
    return readout(mi.mutual_info(x, y, base=UNIT_BASE, rng=seed, **options))


Stage = Query("full", description="'estimate': values only (fast); 'full': with permutation tests")

# ----------------------------------------------------------------------------- weather


@lru_cache(maxsize=32)
def _weather(n: int, month: int, seed: int, n_resamples: int, full: bool) -> dict[str, Any]:
    table = datasets.load_weather()
    if month:
        table = table[table["month"] == month]
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(table), size=min(n, len(table)), replace=False))
    temp = table["temperature_c"].to_numpy(dtype=float)[rows]
    humid = table["relative_humidity_pct"].to_numpy(dtype=float)[rows]
    lottery = datasets.make_lottery(len(rows), rng=seed)["number"].to_numpy()
    with recorded_warnings() as records:
        test = {"full": full, "n_resamples": n_resamples, "seed": seed}
        th = _estimate_or_test(temp, humid, discrete=False, **test)
        tl = _estimate_or_test(temp, lottery, discrete=(False, True), **test)
    r_th = stats.pearsonr(temp, humid)
    r_tl = stats.pearsonr(temp, lottery)
    code = snippet(
        f"""
        import numpy as np
        import mutinfo as mi
        from mutinfo.datasets import load_weather, make_lottery

        table = load_weather()
        table = table[table["month"] == {month}] if {month} else table  # 0: the whole year
        rows = np.sort(np.random.default_rng({seed}).choice(len(table), size={len(rows)}, replace=False))
        temp = table["temperature_c"].to_numpy(dtype=float)[rows]
        humid = table["relative_humidity_pct"].to_numpy(dtype=float)[rows]
        lottery = make_lottery({len(rows)}, rng={seed})["number"].to_numpy()
        i_th = mi.mutual_info(temp, humid, discrete=False, rng={seed})
        i_tl = mi.mutual_info(temp, lottery, discrete=(False, True), rng={seed})
        test = dict(n_resamples={n_resamples}, rng={seed})
        p_th = mi.independence_test(temp, humid, discrete=False, **test).pvalue
        p_tl = mi.independence_test(temp, lottery, discrete=(False, True), **test).pvalue
        print(f"I(temperature; humidity) = {{float(i_th):.3f}} bits ({{i_th.method}}), p = {{p_th:.3g}}")
        print(f"I(temperature; lottery)  = {{float(i_tl):.3f}} bits ({{i_tl.method}}), p = {{p_tl:.3g}}")
        """
    )
    show = rows[: min(len(rows), 600)]
    idx = np.searchsorted(rows, show)
    return clean(
        {
            "n": len(rows),
            "month": month,
            "temperature_humidity": {**th, "quantity": "I(temperature; humidity)"},
            "temperature_lottery": {**tl, "quantity": "I(temperature; lottery)"},
            "pearson": {
                "temperature_humidity": float(r_th.statistic),
                "temperature_lottery": float(r_tl.statistic),
            },
            "scatter": {"temperature": temp[idx], "humidity": humid[idx], "lottery": lottery[idx]},
            "source": datasets.describe("weather"),
            "warnings": _caught(records),
            "snippet": code,
        }
    )


@router.get("/weather")
def weather(
    n: int = Query(1000, ge=50, le=8760, description="hours sampled from the year"),
    month: int = Query(0, ge=0, le=12, description="0 for the whole year, else one month"),
    seed: int = Seed,
    n_resamples: int = Resamples,
    stage: Literal["estimate", "full"] = Stage,
) -> dict[str, Any]:
    """MI of temperature with humidity (dependent) and with lottery draws (independent)."""
    return {**_weather(n, month, seed, n_resamples, stage == "full"), "stage": stage}


# ----------------------------------------------------------------------------- medical


@lru_cache(maxsize=16)
def _medical(k: int, n_resamples: int, seed: int, full: bool) -> dict[str, Any]:
    table = datasets.load_breast_cancer()
    diagnosis = table["diagnosis"].to_numpy()
    malignant = (diagnosis == "malignant").astype(float)
    features = [c for c in table.columns if c != "diagnosis"]
    rows = []
    with recorded_warnings() as records:
        for name in features:
            x = table[name].to_numpy(dtype=float)
            rec = _estimate_or_test(
                x, diagnosis, full=full, n_resamples=n_resamples, seed=seed, k=k, discrete=(False, True)
            )
            r = stats.pearsonr(x, malignant)
            rows.append(
                {"feature": name, "mi": rec, "pearson_r": float(r.statistic), "pearson_p": float(r.pvalue)}
            )
    q, q_note = None, "q-values follow with the permutation tests."
    if full:
        q, q_note = fdr_qvalues(np.array([row["mi"]["p_value"] for row in rows]))
    for i, row in enumerate(rows):
        row["q_value"] = None if q is None else float(q[i])
    by_mi = sorted(rows, key=lambda r: -r["mi"]["value"])
    pearson_order = sorted(
        features, key=lambda f: -abs(next(r["pearson_r"] for r in rows if r["feature"] == f))
    )
    for rank, row in enumerate(by_mi, start=1):
        row["mi_rank"] = rank
        row["pearson_rank"] = pearson_order.index(row["feature"]) + 1
    rho = stats.spearmanr([r["mi_rank"] for r in by_mi], [r["pearson_rank"] for r in by_mi]).statistic
    code = snippet(
        f"""
        import mutinfo as mi
        from mutinfo.datasets import load_breast_cancer

        table = load_breast_cancer()
        y = table["diagnosis"].to_numpy()
        results = {{}}
        for name in table.columns.drop("diagnosis"):
            x = table[name].to_numpy(dtype=float)
            estimate = mi.mutual_info(x, y, k={k}, discrete=(False, True), rng={seed})
            test = mi.independence_test(
                x, y, k={k}, discrete=(False, True), n_resamples={n_resamples}, rng={seed}
            )
            p = test.pvalue
            results[name] = (float(estimate), p)
            print(f"{{name:25s}} {{float(estimate):.4f}} bits ({{estimate.method}}), p = {{p:.3g}}")
        """
    )
    return clean(
        {
            "n": len(table),
            "k": k,
            "n_resamples": n_resamples,
            "ranking": by_mi,
            "q_note": q_note,
            "rank_agreement_spearman": float(rho),
            "smallest_possible_p": 1.0 / (n_resamples + 1),
            "source": datasets.describe("breast_cancer"),
            "warnings": _caught(records),
            "snippet": code,
        }
    )


@router.get("/medical")
def medical(
    k: int = Query(3, ge=1, le=20),
    # 30 features x (n_resamples + 1) KSG estimates: 999 took over 5 min on a busy 2-core
    # machine (benchmarks/load_explorer.py --worst-case), so the bound is 199 here
    n_resamples: int = Query(99, ge=19, le=199, description="permutations per p-value"),
    seed: int = Seed,
    stage: Literal["estimate", "full"] = Stage,
) -> dict[str, Any]:
    """Breast-cancer features ranked by MI with the diagnosis, Pearson ranking beside."""
    return {**_medical(k, n_resamples, seed, stage == "full"), "stage": stage}


# ----------------------------------------------------------------------------- genes


@lru_cache(maxsize=16)
def _gene_scores(
    k: int, method: str
) -> tuple[np.ndarray, list[dict[str, Any]], set[frozenset[str]], list[str]]:
    """Pairwise MI between the genes (the expensive part, independent of ``top``)."""
    table = datasets.load_gene_network()
    edges = datasets.load_gene_network_edges()
    genes = list(datasets.GENES)
    known = {frozenset((s, t)) for s, t in zip(edges["source"], edges["target"]) if s != t}
    matrix = np.zeros((len(genes), len(genes)))
    pairs = []
    with recorded_warnings() as records:
        for i, j in combinations(range(len(genes)), 2):
            a = table[genes[i]].to_numpy(dtype=float)
            b = table[genes[j]].to_numpy(dtype=float)
            info = mi.mutual_info(a, b, method=method, k=k, discrete=False, base=UNIT_BASE)
            matrix[i, j] = matrix[j, i] = float(info)
            pairs.append(
                {
                    "a": genes[i],
                    "b": genes[j],
                    "mi": readout(info, label=f"I({genes[i]}; {genes[j]})"),
                    "known": frozenset((genes[i], genes[j])) in known,
                }
            )
    pairs.sort(key=lambda p: -p["mi"]["value"])
    return matrix, pairs, known, _caught(records)


@lru_cache(maxsize=64)
def _genes(k: int, top: int, method: str) -> dict[str, Any]:
    matrix, pairs, known, caught = _gene_scores(k, method)
    genes = list(datasets.GENES)
    hits = np.cumsum([p["known"] for p in pairs])
    precision = [float(hits[m - 1] / m) for m in range(1, len(pairs) + 1)]
    top = min(top, len(pairs))
    code = snippet(
        f"""
        from itertools import combinations
        import mutinfo as mi
        from mutinfo.datasets import GENES, load_gene_network, load_gene_network_edges

        table, edges = load_gene_network(), load_gene_network_edges()
        known = {{frozenset(e) for e in zip(edges["source"], edges["target"]) if e[0] != e[1]}}
        scores = sorted(
            ((float(mi.mutual_info(table[a].to_numpy(float), table[b].to_numpy(float),
                                   method="{method}", k={k}, discrete=False)), a, b)
             for a, b in combinations(GENES, 2)),
            reverse=True,
        )
        hits = sum(frozenset((a, b)) in known for _, a, b in scores[:{top}])
        print(f"precision of the top {top} pairs: {{hits / {top}:.3f}}")
        for value, a, b in scores[:5]:
            print(f"{{a}} - {{b}}: {{value:.3f}} bits")
        """
    )
    return clean(
        {
            "genes": genes,
            "n": pairs[0]["mi"]["n"],
            "k": k,
            "method": pairs[0]["mi"]["method"],
            "unit": "bits",
            "matrix": matrix,
            "pairs": pairs,
            "top": top,
            "precision_at_top": precision[top - 1],
            "precision_curve": precision,
            "baseline_precision": len(known) / len(pairs),
            "known_pairs": sorted(sorted(p) for p in known),
            "n_known_pairs": len(known),
            "source": datasets.describe("gene_network"),
            "warnings": caught,
            "snippet": code,
        }
    )


@router.get("/genes")
def genes(
    k: int = Query(3, ge=1, le=20),
    top: int = Query(10, ge=1, le=55, description="how many top-MI pairs to call edges"),
    method: Literal["ksg1", "gaussian_copula"] = Query("ksg1", description="estimator"),
) -> dict[str, Any]:
    """Pairwise MI between the 11 genes; top pairs scored against the known network."""
    return _genes(k, top, method)
