"""Section 16, representation learning: InfoNCE between two views, and its ceiling log N.

Contrastive learning trains encoders so that two views of the same item score higher than
views of different items; the InfoNCE loss it minimises is (minus) a lower bound on the mutual
information between the views, and that bound can never exceed log N for batches of N pairs.

The views, the references and the InfoNCE runs are made in
:mod:`mutinfo.explorer.precompute_representation`; this module serves them: ``GET /view``
reads the stored runs (no training on page load) and computes the references with mutinfo,
``GET /train`` trains one small configuration live (needs torch; 503 with the install command
without it).

References
----------
van den Oord A, Li Y, Vinyals O (2018). Representation learning with contrastive predictive
coding. https://doi.org/10.48550/arXiv.1807.03748
Poole B, Ozair S, van den Oord A, Alemi A, Tucker G (2019). On variational bounds of mutual
information. ICML. https://doi.org/10.48550/arXiv.1905.06922
Tschannen M, Djolonga J, Rubenstein PK, Gelly S, Lucic M (2020). On mutual information
maximization for representation learning. ICLR. https://doi.org/10.48550/arXiv.1907.13625
McAllester D, Stratos K (2020). Formal limitations on the measurement of mutual information.
AISTATS. https://doi.org/10.48550/arXiv.1811.04251
"""

from __future__ import annotations

import importlib.util
import math
import textwrap
import threading
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, HTTPException, Query

import mutinfo as mi
from mutinfo.explorer.common import clean, library_warnings, readout, snippet
from mutinfo.explorer.precompute_representation import (
    BATCH_LOG2,
    DATA_SEED,
    DATASETS,
    GAUSS_DIM,
    GAUSS_TRUE_BITS,
    N_PAIRS,
    PRECOMPUTE_COMMAND,
    TRAIN_SEED,
    TRAINING,
    digit_images,
    digits_lower_record,
    gaussian_true_mi,
    load_runs,
    page_views,
    train,
)

__all__ = ["LIVE", "router", "torch_status", "view_body"]

router = APIRouter(prefix="/api/representation", tags=["representation"])

DATA_PATTERN = "^(" + "|".join(DATASETS) + ")$"
#: The "train live" button: fewer pairs and epochs so that one run takes a few seconds.
LIVE: dict[str, Any] = {"n_pairs": 800, "max_epochs": 15, "patience": 5, "log2_batch": (4, 7)}
#: Points of the Gaussian scatter and digit pairs drawn on the page.
N_SCATTER = 400
N_DIGIT_PAIRS = 4
NEURAL_EXTRA_MESSAGE = (
    'Training needs PyTorch, which the explorer extra does not install: pip install "mutinfo[neural]". '
    "The stored runs on this page were made with it and still show."
)


@lru_cache(maxsize=2)
def _references(data: str) -> dict[str, Any]:
    """Truth and library check (gaussian), or ceiling and lower reference (digits).

    The digits' lower reference (a kNN estimate in 16 dimensions, about a second) is read from
    the stored runs file when it is there; the tests recompute it and compare.
    """
    a, b = page_views(data)
    with library_warnings() as notes:
        if data == "gaussian":
            truth = gaussian_true_mi()
            estimate = mi.mutual_info(a, b, method="gaussian")
            out: dict[str, Any] = {
                "truth": {
                    "value": truth,
                    "unit": "bits",
                    "n": N_PAIRS,
                    "method": "closed form",
                    "quantity": "true I(A;B)",
                    "kind": "exact",
                },
                "library_check": readout(estimate, label="Gaussian estimate of I(A;B)"),
            }
        else:
            n_images = len(digit_images())
            out = {
                "ceiling": {
                    "value": math.log2(n_images),
                    "unit": "bits",
                    "n": n_images,
                    "method": "log2(number of images)",
                    "quantity": "ceiling on I(A;B)",
                    "kind": "exact",
                },
            }
    out["warnings"] = list(notes)
    if data == "digits":
        stored = load_runs()
        lower = stored.get("digits_reference") if stored else None
        if lower is None:
            lower = digits_lower_record()
        out["lower"] = lower["record"]
        out["warnings"] += lower["warnings"]
    return out


# ----------------------------------------------------------------------------- torch


def torch_status() -> dict[str, Any]:
    """Whether training can run here: torch importable and ``mutinfo.neural`` present."""
    if importlib.util.find_spec("torch") is None:
        return {"available": False, "message": NEURAL_EXTRA_MESSAGE}
    if importlib.util.find_spec("mutinfo.neural") is None:  # pragma: no cover - a partial install
        return {"available": False, "message": "mutinfo.neural is missing from this installation."}
    return {"available": True, "message": ""}


# ----------------------------------------------------------------------------- the view


def _verdict(run: dict[str, Any], data: str, refs: dict[str, Any]) -> str:
    n, cap, est = run["batch_size"], run["cap"], run["estimate"]
    if data == "gaussian":
        above = refs["truth"]["value"] > cap
        truth = f"the true MI is {refs['truth']['value']:.3g} bits"
    else:
        above = refs["lower"]["value"] > cap
        truth = (
            f"the digit views share more than the lower reference, {refs['lower']['value']:.2g} bits "
            "(up to its estimation error), and at most log₂ 1797 = 10.8 bits"
        )
    head = f"With batches of N = {n} the bound cannot exceed log₂ {n} = {cap:.3g} bits; {truth}."
    share = f"{est:.3g} bits, {100 * est / cap:.0f} % of the ceiling"
    if above:
        tail = (
            " The views share more than the ceiling, so the bound can only approach it: the held-out "
            f"estimate is {share}"
        )
        tail += (
            ", pinned at it: it reports the batch size, not the information in the data."
            if run["near_cap"]
            else "; a larger N lets it climb higher."
        )
    elif data == "gaussian":
        tail = (
            f" The ceiling is above the true MI, so it no longer binds: the estimate ({share}) falls short "
            "of the truth because of the critic and the finite training."
        )
    else:
        tail = (
            f" Whether the ceiling binds here is unknown (the truth lies somewhere in that bracket); the "
            f"estimate is {share}."
        )
    return head + tail


def _samples(data: str) -> dict[str, Any]:
    a, b = page_views(data)
    if data == "gaussian":
        return {"a": a[:N_SCATTER, 0].round(4).tolist(), "b": b[:N_SCATTER, 0].round(4).tolist()}
    return {
        "a": a[:N_DIGIT_PAIRS].reshape(-1, 8, 8).round(3).tolist(),
        "b": b[:N_DIGIT_PAIRS].reshape(-1, 8, 8).round(3).tolist(),
    }


def _snippet(data: str, batch: int) -> str:
    options = "\n                         ".join(
        textwrap.wrap(", ".join(f"{k}={v!r}" for k, v in TRAINING.items()), 76)
    )
    head = f"""
import math
import mutinfo as mi
from mutinfo.neural import neural_mutual_info  # needs pip install "mutinfo[neural]"
from mutinfo.explorer.precompute_representation import make_views

a, b = make_views({data!r}, {N_PAIRS}, seed={DATA_SEED})
res = neural_mutual_info(a, b, batch_size={batch}, rng={TRAIN_SEED},
                         {options})
print("InfoNCE =", float(res.estimate), "bits | held-out pairs:", res.n_valid, "| epochs:", res.epochs)
print("cap log2 N =", float(res.cap), "bits | near cap:", res.near_cap)
"""
    if data == "gaussian":
        head += f"""rho = math.sqrt(1 - 2 ** (-2 * {GAUSS_TRUE_BITS!r} / {GAUSS_DIM}))
print("true MI =", -{GAUSS_DIM} / 2 * math.log2(1 - rho**2), "bits (closed form)")
print("Gaussian estimate =", float(mi.mutual_info(a, b, method="gaussian")), "bits")
"""
    else:
        head += """from mutinfo.explorer.precompute_representation import digits_reference

print("ceiling =", math.log2(1797), "bits (which of the 1797 images)")
print("lower reference =", float(digits_reference(a, b)), "bits (KSG on 8 principal components)")
"""
    return snippet(head)


def _curve_point(run: dict[str, Any], spread: dict[str, Any] | None) -> dict[str, Any]:
    """One batch size on the ceiling plot; ``seeds`` adds the other training seeds' estimates."""
    point = {k: run[k] for k in ("batch_size", "cap", "estimate", "near_cap")}
    point["seeds"] = None
    if spread is not None:
        estimates = [run["estimate"], *spread["estimates"]]
        point["seeds"] = {
            "seeds": [TRAIN_SEED, *spread["seeds"]],
            "estimates": estimates,
            "min": min(estimates),
            "max": max(estimates),
        }
    return point


def view_body(data: str, log2_batch: int) -> dict[str, Any]:
    """Everything the representation view shows for one data set and batch size.

    The InfoNCE numbers come from :func:`load_runs` (no training happens here); the
    references are computed by mutinfo on the same views.
    """
    if log2_batch not in BATCH_LOG2:
        raise ValueError(f"`log2_batch` must be one of {list(BATCH_LOG2)}; got {log2_batch!r}.")
    batch = 2**log2_batch
    refs = _references(data)
    stored = load_runs()
    runs = stored["runs"].get(data, []) if stored else []
    selected = next((r for r in runs if r["batch_size"] == batch), None)
    spread = {e["batch_size"]: e for e in (stored or {}).get("spread", {}).get(data, [])}
    body: dict[str, Any] = {
        "data": data,
        "description": DATASETS[data],
        "log2_batch": log2_batch,
        "batch_size": batch,
        "cap": math.log2(batch),
        "n_pairs": N_PAIRS,
        "references": {k: v for k, v in refs.items() if k != "warnings"},
        "warnings": list(refs["warnings"]) + (selected["warnings"] if selected else []),
        "curve": [_curve_point(r, spread.get(r["batch_size"])) for r in runs],
        "selected": selected,
        "precomputed": None
        if stored is None
        else {k: stored[k] for k in ("command", "mutinfo_version", "torch_version", "created", "training")},
        "precompute_command": PRECOMPUTE_COMMAND,
        "torch": torch_status(),
        "live": {k: LIVE[k] for k in ("n_pairs", "max_epochs", "log2_batch")},
        "samples": _samples(data),
        "snippet": _snippet(data, batch),
    }
    if selected is not None:
        body["estimate"] = {
            "value": selected["estimate"],
            "unit": "bits",
            "n": selected["estimate_n"],
            "method": selected["method"],
            "quantity": f"InfoNCE bound, N = {batch}",
            "kind": "estimate",
        }
        body["verdict"] = _verdict(selected, data, refs)
        body["seeds"] = next(p for p in body["curve"] if p["batch_size"] == batch)["seeds"]
    else:
        body["estimate"] = None
        body["verdict"] = (
            f"No precomputed run for N = {batch}: run `{PRECOMPUTE_COMMAND}` (needs the neural extra) "
            "to make them."
        )
    return body


@router.get("/view")
def view(
    data: str = Query("gaussian", pattern=DATA_PATTERN, description="data set of the two views"),
    log2_batch: int = Query(
        6, ge=min(BATCH_LOG2), le=max(BATCH_LOG2), description="log2 of the batch size N"
    ),
) -> dict[str, Any]:
    """The stored InfoNCE runs for a data set, the selected batch size, and the references."""
    return clean(view_body(data, log2_batch))


_TRAIN_LOCK = threading.Lock()


@lru_cache(maxsize=32)
def _live(data: str, batch: int) -> dict[str, Any]:
    with _TRAIN_LOCK:
        return train(data, batch, n=LIVE["n_pairs"], max_epochs=LIVE["max_epochs"], patience=LIVE["patience"])


@router.get("/train")
def train_live(
    data: str = Query("gaussian", pattern=DATA_PATTERN, description="data set of the two views"),
    log2_batch: int = Query(
        5, ge=LIVE["log2_batch"][0], le=LIVE["log2_batch"][1], description="log2 of the batch size N"
    ),
) -> dict[str, Any]:
    """Train one small configuration now (LIVE pairs and epochs; a few seconds on a CPU).

    Answers 503 with the install command when torch is not installed.
    """
    status = torch_status()
    if not status["available"]:
        raise HTTPException(status_code=503, detail=status["message"])
    run = _live(data, 2**log2_batch)
    return clean(
        {
            "data": data,
            "log2_batch": log2_batch,
            "run": run,
            "live": {k: v for k, v in LIVE.items() if k != "log2_batch"},
        }
    )
