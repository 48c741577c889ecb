"""Endpoints of the applications index: one entry per machine-learning use of MI.

Each entry states what the application does with MI, corrects the usual overstatement, and
names the mutinfo function that implements it, checked live (``available``) so the page
never links to something that is not there. Two misconceptions get a live check:

* NMI on random labels is above 0; AMI corrects for chance (Vinh, Epps and Bailey 2010,
  JMLR 11:2837-2854, https://jmlr.org/papers/v11/vinh10a.html).
* InfoNCE cannot exceed log(batch size) (van den Oord, Li and Vinyals 2018,
  arXiv:1807.03748; Poole et al. 2019, http://proceedings.mlr.press/v97/poole19a.html).
"""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import clean, snippet

router = APIRouter(prefix="/api/applications", tags=["applications"])

#: The applications, in the brief's order. ``functions`` are public names in ``mutinfo``
#: (``"neural.name"``: in the optional ``mutinfo.neural``, which needs torch); ``section``
#: is the explorer section that shows the application at work, if there is one.
ENTRIES: list[dict[str, Any]] = [
    {
        "id": "selection",
        "title": "Feature selection (top-k MI, mRMR)",
        "what": (
            "Score each feature by its MI with the target and keep the best; mRMR also penalises "
            "features that repeat what the chosen ones already say, using MI between features."
        ),
        "careful": (
            "Ranking by I(X_j; Y) one feature at a time misses features that only help together "
            "(XOR) and keeps redundant copies; greedy criteria (mRMR, JMI, CMIM) address the "
            "second, none guarantees the best subset."
        ),
        "functions": ["MutualInfoSelector", "mutual_info", "conditional_mutual_info"],
        "section": "selection",
        "reference": "Peng, Long and Ding 2005, doi:10.1109/TPAMI.2005.159",
    },
    {
        "id": "nmi",
        "title": "Clustering agreement (NMI, AMI)",
        "what": "NMI divides I(U; V) between two labelings by an average of their entropies, giving 0..1.",
        "careful": (
            "NMI is not adjusted for chance: two unrelated labelings with many clusters score "
            "above 0 (see the live check). Adjusted MI subtracts the expected MI under random "
            "labelings; prefer it when the number of clusters varies."
        ),
        "functions": ["normalized_mutual_info", "adjusted_mutual_info"],
        "section": "clustering",
        "reference": "Vinh, Epps and Bailey 2010, JMLR 11:2837",
    },
    {
        "id": "trees",
        "title": "Decision trees (information gain)",
        "what": (
            "ID3 and C4.5 split on the feature with the largest information gain, the MI between "
            "the split and the label in the node (C4.5 divides by the split's entropy)."
        ),
        "careful": (
            "scikit-learn's trees and random forests use the Gini criterion unless you ask for "
            "criterion='entropy'; their feature_importances_ are mean decrease in impurity, "
            "which is MI-based only with the entropy criterion."
        ),
        "functions": ["InformationGainTree"],
        "section": "trees",
        "reference": "Quinlan 1986, doi:10.1007/BF00116251",
    },
    {
        "id": "infonce",
        "title": "Representation learning (InfoNCE)",
        "what": (
            "Contrastive methods (CPC, SimCLR, CLIP) train encoders with the InfoNCE loss, whose "
            "negative is a lower bound on the MI between two views."
        ),
        "careful": (
            "The bound cannot exceed log(batch size): with 256 negatives it tops out at 8 bits, "
            "whatever the true MI. And maximising MI alone does not explain good representations "
            "(Tschannen et al., ICLR 2020)."
        ),
        "functions": ["neural.neural_mutual_info", "mutual_info"],
        "section": "representation",
        "reference": "van den Oord, Li and Vinyals 2018, arXiv:1807.03748",
    },
    {
        "id": "bottleneck",
        "title": "Information bottleneck",
        "what": (
            "Find a representation T of X that keeps I(T; Y) high while making I(T; X) small; "
            "the trade-off is set by a multiplier beta."
        ),
        "careful": (
            "The claim that deep networks generalise because of a compression phase is contested: "
            "Saxe et al. (ICLR 2018) found the compression depends on the activation function and "
            "on how MI is estimated."
        ),
        "functions": ["information_bottleneck", "ib_curve"],
        "section": "compression",
        "reference": "Tishby, Pereira and Bialek 1999, arXiv:physics/0004057",
    },
    {
        "id": "transfer",
        "title": "Transfer entropy and Granger causality",
        "what": (
            "Transfer entropy I(Y_future; X_past | Y_past) measures how much the past of X adds to "
            "predicting Y beyond Y's own past."
        ),
        "careful": (
            "It is directed predictive information, not causation: a hidden common driver or the "
            "wrong lag produce transfer entropy without any causal link. For Gaussian processes it "
            "equals Granger causality divided by 2 (Barnett, Barrett and Seth 2009, "
            "doi:10.1103/PhysRevLett.103.238701)."
        ),
        "functions": ["transfer_entropy"],
        "section": "causality",
        "reference": "Schreiber 2000, doi:10.1103/PhysRevLett.85.461",
    },
]


def function_available(name: str) -> bool:
    """Whether ``mi.<name>`` can be called in this installation (without importing torch).

    ``"neural.<name>"`` lives in :mod:`mutinfo.neural`, which needs the optional torch: it is
    available when both the module and torch are installed.
    """
    if name.startswith("neural."):
        return (
            importlib.util.find_spec("mutinfo.neural") is not None
            and importlib.util.find_spec("torch") is not None
        )
    return hasattr(mi, name)


@router.get("/index")
def index() -> dict[str, Any]:
    """The applications, each with its mutinfo functions and whether they exist yet."""
    entries = []
    for entry in ENTRIES:
        functions = [
            {"name": f"mi.{name}", "available": function_available(name)} for name in entry["functions"]
        ]
        entries.append({**entry, "functions": functions, "built": all(f["available"] for f in functions)})
    return {"version": mi.__version__, "entries": entries}


@lru_cache(maxsize=64)
def _nmi(n: int, clusters: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, clusters, size=n)
    b = rng.integers(0, clusters, size=n)
    if hasattr(mi, "normalized_mutual_info") and hasattr(mi, "adjusted_mutual_info"):
        source = "mutinfo"
        nmi = float(mi.normalized_mutual_info(a, b))
        ami = float(mi.adjusted_mutual_info(a, b))
        calls = "mi.normalized_mutual_info(a, b), mi.adjusted_mutual_info(a, b)"
        imports = "import mutinfo as mi"
    else:
        from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

        source = "scikit-learn (mutinfo's NMI/AMI are not built yet)"
        nmi = float(normalized_mutual_info_score(a, b))
        ami = float(adjusted_mutual_info_score(a, b))
        calls = "normalized_mutual_info_score(a, b), adjusted_mutual_info_score(a, b)"
        imports = "from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score"
    raw = mi.mutual_info(a, b, method="plugin", discrete=True)
    code = snippet(
        f"""
        import numpy as np
        import mutinfo as mi
        {imports}

        rng = np.random.default_rng({seed})
        a = rng.integers(0, {clusters}, size={n})  # two unrelated random labelings
        b = rng.integers(0, {clusters}, size={n})
        nmi, ami = {calls}
        print(f"NMI = {{nmi:.4f}}, AMI = {{ami:.4f}}, "
              f"plug-in I = {{float(mi.mutual_info(a, b, method='plugin', discrete=True)):.4f}} bits")
        """
    )
    return clean(
        {
            "n": n,
            "clusters": clusters,
            "seed": seed,
            "nmi": nmi,
            "ami": ami,
            "source": source,
            "mi": {
                "value": float(raw),
                "unit": raw.unit,
                "n": raw.n,
                "method": raw.method,
                "quantity": "I(a; b)",
            },
            "snippet": code,
        }
    )


@router.get("/nmi")
def nmi_random_labels(
    n: int = Query(200, ge=20, le=20000, description="items"),
    clusters: int = Query(10, ge=2, le=100, description="clusters per labeling"),
    seed: int = Query(0, ge=0, le=2**31 - 1),
) -> dict[str, Any]:
    """NMI and AMI of two independent random labelings (truth: no agreement)."""
    return _nmi(n, clusters, seed)


@router.get("/infonce-cap")
def infonce_cap(
    batch: int = Query(256, ge=2, le=65536, description="batch size N"),
    true_mi: float = Query(10.0, ge=0.0, le=64.0, description="true MI in bits"),
) -> dict[str, Any]:
    """The most an InfoNCE estimate can say with batch size N: min(true MI, log2 N) at best."""
    cap = math.log2(batch)
    return {
        "batch": batch,
        "true_mi_bits": true_mi,
        "cap_bits": cap,
        "best_possible_bits": min(true_mi, cap),
        "available": function_available("neural.neural_mutual_info"),
        "note": (
            "InfoNCE with N samples per batch is at most log N, so a true MI above log2 N bits is "
            "reported as at most log2 N. This is arithmetic, not an estimate."
        ),
        "snippet": snippet(
            f"""
            import math

            batch, true_mi = {batch}, {true_mi!r}  # batch size N and the true MI in bits
            cap = math.log2(batch)  # InfoNCE <= log N whatever the critic
            best = min(true_mi, cap)
            print(f"cap = {{cap}} bits; the best InfoNCE can report = {{best}} bits")
            """
        ),
    }


def _granger_bits(target: np.ndarray, source: np.ndarray) -> float:
    """Granger causality source -> target (lag 1) in bits: log of the residual-variance ratio.

    GC = ln(var(restricted residual) / var(full residual)) nats (Geweke 1982,
    doi:10.1080/01621459.1982.10477803), fitted by least squares with an intercept.
    """
    y = target[1:]
    restricted = np.column_stack([np.ones(len(y)), target[:-1]])
    full = np.column_stack([restricted, source[:-1]])
    r1 = y - restricted @ np.linalg.lstsq(restricted, y, rcond=None)[0]
    r2 = y - full @ np.linalg.lstsq(full, y, rcond=None)[0]
    return float(np.log2(np.sum(r1**2) / np.sum(r2**2)))


@lru_cache(maxsize=64)
def _te_granger(coupling: float, n: int, seed: int) -> dict[str, Any]:
    from mutinfo.explorer.generators_more import coupled_ar, coupled_ar_transfer_entropy

    x, y = coupled_ar(coupling, n, seed)
    rows = []
    for label, source, target in (("X → Y", x, y), ("Y → X", y, x)):
        te_gauss = mi.conditional_mutual_info(target[1:], source[:-1], target[:-1], method="gaussian")
        te_knn = mi.conditional_mutual_info(target[1:], source[:-1], target[:-1])
        rows.append(
            {
                "direction": label,
                "te_gaussian": {
                    "value": float(te_gauss),
                    "unit": te_gauss.unit,
                    "n": te_gauss.n,
                    "method": te_gauss.method,
                    "quantity": f"TE {label}",
                },
                "te_knn": {
                    "value": float(te_knn),
                    "unit": te_knn.unit,
                    "n": te_knn.n,
                    "method": te_knn.method,
                    "quantity": f"TE {label}",
                },
                "granger_half_bits": _granger_bits(target, source) / 2.0,
                "truth": coupled_ar_transfer_entropy(coupling) if label == "X → Y" else 0.0,
            }
        )
    code = snippet(
        f"""
        import numpy as np
        import mutinfo as mi
        from mutinfo.explorer.generators_more import coupled_ar

        x, y = coupled_ar({coupling!r}, {n}, {seed})  # x drives y with strength {coupling!r}
        # transfer entropy X -> Y with history 1: I(y_t ; x_(t-1) | y_(t-1))
        te_gauss = mi.conditional_mutual_info(y[1:], x[:-1], y[:-1], method="gaussian")
        te_auto = mi.conditional_mutual_info(y[1:], x[:-1], y[:-1])
        # Granger causality X -> Y: log residual-variance ratio of two least-squares fits
        Y = y[1:]
        R = np.column_stack([np.ones(len(Y)), y[:-1]])
        F = np.column_stack([R, x[:-1]])
        res_r = Y - R @ np.linalg.lstsq(R, Y, rcond=None)[0]
        res_f = Y - F @ np.linalg.lstsq(F, Y, rcond=None)[0]
        granger_half = np.log2(np.sum(res_r**2) / np.sum(res_f**2)) / 2
        print(f"TE X->Y: gaussian {{float(te_gauss):.4f}}, {{te_auto.method}} {{float(te_auto):.4f}} bits; "
              f"Granger/2 = {{granger_half:.4f}} bits")
        """
    )
    return clean({"coupling": coupling, "n": n, "seed": seed, "unit": "bits", "rows": rows, "snippet": code})


@router.get("/te-granger")
def te_granger(
    coupling: float = Query(0.4, ge=0.0, le=1.0, description="how strongly x_(t-1) drives y_t"),
    n: int = Query(1000, ge=100, le=5000, description="time steps"),
    seed: int = Query(0, ge=0, le=2**31 - 1),
) -> dict[str, Any]:
    """Transfer entropy (mutinfo's conditional MI) beside Granger causality / 2, both directions."""
    return _te_granger(round(coupling, 4), n, seed)
