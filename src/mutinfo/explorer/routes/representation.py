"""Section 16, representation learning: InfoNCE between two views, and its ceiling log N.

Contrastive learning trains encoders so that two views of the same item score higher than
views of different items; the InfoNCE loss it minimises is (minus) a lower bound on the mutual
information between the views, and that bound can never exceed log N for batches of N pairs
(van den Oord, Li and Vinyals 2018, arXiv:1807.03748; Poole et al. 2019, arXiv:1905.06922).

Two data sets, each a pair of views (:func:`make_views`):

* ``gaussian``: correlated Gaussian vectors in :data:`GAUSS_DIM` dimensions whose true MI,
  :data:`GAUSS_TRUE_BITS` bits, is known in closed form (:func:`gaussian_true_mi`).
* ``digits``: the 8x8 handwritten digits of :func:`mutinfo.datasets.load_digits_clusters`,
  each drawn image augmented twice, independently (:func:`augment_digits`). No closed form:
  the page brackets the MI between the exact ceiling log2(1797) (the views share at most
  *which* image they came from) and a lower reference (:func:`digits_reference`).

The InfoNCE estimates for each batch size come from :func:`precompute`, which runs
``mutinfo.neural.neural_mutual_info`` with fixed seeds and writes :data:`RUNS_FILE`
(``python -m mutinfo.explorer.routes.representation``); the page serves that file, and the
tests re-run one configuration and compare. torch (the ``neural`` extra) is needed only to
train: without it the page still shows the stored runs and says so.
"""

from __future__ import annotations

import importlib.util
import json
import math
import textwrap
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query

import mutinfo as mi
from mutinfo.explorer.common import clean, library_warnings, readout, snippet

__all__ = [
    "BATCH_LOG2",
    "DATASETS",
    "GAUSS_DIM",
    "GAUSS_TRUE_BITS",
    "LIVE",
    "N_PAIRS",
    "RUNS_FILE",
    "TRAINING",
    "augment_digits",
    "digits_reference",
    "gaussian_true_mi",
    "load_runs",
    "make_views",
    "precompute",
    "router",
    "torch_status",
    "train",
    "view_body",
]

router = APIRouter(prefix="/api/representation", tags=["representation"])

#: Data set name -> one-line description for the page.
DATASETS: dict[str, str] = {
    "gaussian": (
        "Gaussian toy: view A ~ N(0, I) in 5 dimensions, view B = rho A + sqrt(1 - rho^2) E with E ~ N(0, I) "
        "independent; rho is set so that the true MI is 6 bits."
    ),
    "digits": (
        "Handwritten digits (UCI, 1797 images of 8x8 pixels, doi:10.24432/C50P49): an image is drawn at "
        "random and augmented twice, independently (each pixel hidden with probability 0.2, then Gaussian "
        "noise of SD 0.1 of full intensity added): view A and view B."
    ),
}
DATA_PATTERN = "^(" + "|".join(DATASETS) + ")$"
#: log2 of the batch sizes of the precomputed runs: N = 4, 8, ..., 512.
BATCH_LOG2: tuple[int, ...] = (2, 3, 4, 5, 6, 7, 8, 9)
#: Pairs (A, B) per data set; 20 % of them are held out, so every batch size fits the held-out set.
N_PAIRS = 3000
#: Seed of the views (data) and of training (initialisation, split, batch order).
DATA_SEED = 0
TRAIN_SEED = 0
#: Dimensions of each Gaussian view and the true MI between the views, in bits.
GAUSS_DIM = 5
GAUSS_TRUE_BITS = 6.0
#: Digit augmentation: probability that a pixel is hidden, SD of the added noise (full scale = 1).
MASK_PROB = 0.2
NOISE_SD = 0.1
#: Principal components of the clean digits onto which both views are projected for the
#: lower reference (:func:`digits_reference`), and its kNN estimator.
REF_COMPONENTS = 8
REF_METHOD = "ksg1"
#: Training options of every precomputed run (``neural_mutual_info`` keywords besides batch_size).
TRAINING: dict[str, Any] = {
    "bound": "infonce",
    "critic": "separable",
    "hidden": [128, 128],
    "embed_dim": 32,
    "learning_rate": 1e-3,
    "max_epochs": 100,
    "validation_fraction": 0.2,
    "patience": 10,
    "base": 2,
    "n_jobs": 1,
}
#: The "train live" button: fewer pairs and epochs so that one run takes a few seconds.
LIVE: dict[str, Any] = {"n_pairs": 800, "max_epochs": 15, "patience": 5, "log2_batch": (4, 7)}
#: Where :func:`precompute` writes the runs and the page reads them.
RUNS_FILE = Path(__file__).resolve().parents[1] / "data" / "representation_runs.json"
PRECOMPUTE_COMMAND = "python -m mutinfo.explorer.routes.representation"
#: Points of the Gaussian scatter and digit pairs drawn on the page.
N_SCATTER = 400
N_DIGIT_PAIRS = 4
NEURAL_EXTRA_MESSAGE = (
    'Training needs PyTorch, which the explorer extra does not install: pip install "mutinfo[neural]". '
    "The stored runs below were made with it and still show."
)


# ----------------------------------------------------------------------------- data


def _gaussian_rho(dim: int, bits: float) -> float:
    # I = -(dim / 2) log2(1 - rho^2)  =>  rho^2 = 1 - 2^(-2 bits / dim)
    return math.sqrt(1.0 - 2.0 ** (-2.0 * bits / dim))


def gaussian_true_mi(dim: int = GAUSS_DIM, rho: float | None = None, *, base: float = 2) -> float:
    """The exact MI between the two Gaussian views, ``-(dim / 2) log(1 - rho^2)``.

    Parameters
    ----------
    dim : int
        Dimensions of each view (the coordinates are independent pairs).
    rho : float, optional
        Correlation of each coordinate pair; defaults to the one giving :data:`GAUSS_TRUE_BITS`.
    base : float, default 2
        Logarithm base (2: bits).

    Returns
    -------
    float
        I(A; B) in the unit of ``base``.

    Notes
    -----
    For jointly Gaussian vectors, I(A; B) = -1/2 log det(I - R^2) with R the diagonal
    cross-correlation (Cover and Thomas 2006, Elements of Information Theory, 2nd ed., ch. 8,
    doi:10.1002/047174882X).
    """
    r = _gaussian_rho(dim, GAUSS_TRUE_BITS) if rho is None else rho
    return -0.5 * dim * math.log(1.0 - r * r) / math.log(base)


@lru_cache(maxsize=1)
def _digit_images() -> np.ndarray:
    """The 1797 digit images as floats in [0, 1], shape (1797, 8, 8), read-only."""
    from mutinfo.datasets import load_digits_clusters

    frame = load_digits_clusters()
    images = frame.drop(columns="digit").to_numpy(dtype=float).reshape(-1, 8, 8) / 16.0
    images.setflags(write=False)
    return images


def augment_digits(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random augmentation of each image: pixels hidden at random, then Gaussian noise.

    Parameters
    ----------
    images : numpy.ndarray, shape (m, 8, 8)
        Intensities in [0, 1].
    rng : numpy.random.Generator
        Source of the mask and the noise.

    Returns
    -------
    numpy.ndarray, shape (m, 64)
        Each pixel set to 0 with probability :data:`MASK_PROB`, then N(0, NOISE_SD^2) added
        (intensity units; values may leave [0, 1]).
    """
    keep = rng.random(images.shape) >= MASK_PROB
    noisy = images * keep + rng.normal(0.0, NOISE_SD, images.shape)
    return noisy.reshape(len(images), -1)


def make_views(data: str, n: int = N_PAIRS, *, seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Two views of the same items: ``n`` pairs (A_i, B_i).

    Parameters
    ----------
    data : {"gaussian", "digits"}
        The data set (module docstring and :data:`DATASETS`).
    n : int
        Number of pairs.
    seed : int
        Seed of everything random in the views.

    Returns
    -------
    a, b : numpy.ndarray, shape (n, 5) for "gaussian", (n, 64) for "digits"

    Raises
    ------
    ValueError
        For an unknown ``data`` or ``n < 2``.
    """
    if data not in DATASETS:
        raise ValueError(f"`data` must be one of {sorted(DATASETS)}; got {data!r}.")
    if n < 2:
        raise ValueError(f"`n` must be an integer >= 2; got {n!r}.")
    rng = np.random.default_rng(seed)
    if data == "gaussian":
        rho = _gaussian_rho(GAUSS_DIM, GAUSS_TRUE_BITS)
        a = rng.standard_normal((n, GAUSS_DIM))
        b = rho * a + math.sqrt(1.0 - rho * rho) * rng.standard_normal((n, GAUSS_DIM))
        return a, b
    images = _digit_images()[rng.integers(0, len(_digit_images()), n)]
    return augment_digits(images, rng), augment_digits(images, rng)


@lru_cache(maxsize=1)
def _principal_axes() -> tuple[np.ndarray, np.ndarray]:
    clean_images = _digit_images().reshape(len(_digit_images()), -1)
    mean = clean_images.mean(axis=0)
    _, _, vt = np.linalg.svd(clean_images - mean, full_matrices=False)
    return mean, vt[:REF_COMPONENTS].T


def digits_reference(a: np.ndarray, b: np.ndarray, *, rng: int = DATA_SEED) -> mi.Information:
    """Lower reference for I(A; B) on the digits: KSG MI of the views' leading principal components.

    Both views are projected onto the :data:`REF_COMPONENTS` leading principal axes of the
    1797 clean images (a fixed linear map), and ``mi.mutual_info(..., method="ksg1")``
    estimates the MI of the projections, in bits.

    Notes
    -----
    A function of each view cannot carry more information than the view (data processing
    inequality), so the true MI of the projections is below the true I(A; B). The KSG
    estimate itself is biased downward at high MI in several dimensions (Kraskov, Stoegbauer
    and Grassberger 2004, doi:10.1103/PhysRevE.69.066138), so this is a lower reference, not
    the answer.
    """
    mean, axes = _principal_axes()
    return mi.mutual_info((a - mean) @ axes, (b - mean) @ axes, method=REF_METHOD, rng=rng)


@lru_cache(maxsize=2)
def _views(data: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`make_views` at the page's settings, computed once (read-only arrays)."""
    a, b = make_views(data)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _digits_lower() -> dict[str, Any]:
    """The digits' lower reference as a readout record, with mutinfo's warnings (if any)."""
    a, b = _views("digits")
    with library_warnings() as notes:
        value = digits_reference(a, b)
    record = readout(value, label=f"I(PCA{REF_COMPONENTS}(A); PCA{REF_COMPONENTS}(B))")
    return {"record": record, "warnings": list(notes)}


@lru_cache(maxsize=2)
def _references(data: str) -> dict[str, Any]:
    """Truth and library check (gaussian), or ceiling and lower reference (digits).

    The digits' lower reference (a kNN estimate in 16 dimensions, about a second) is read from
    :data:`RUNS_FILE` when it is there; the tests recompute it and compare.
    """
    a, b = _views(data)
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
            n_images = len(_digit_images())
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
            lower = _digits_lower()
        out["lower"] = lower["record"]
        out["warnings"] += lower["warnings"]
    return out


# ----------------------------------------------------------------------------- training


def torch_status() -> dict[str, Any]:
    """Whether training can run here: torch importable and ``mutinfo.neural`` present."""
    if importlib.util.find_spec("torch") is None:
        return {"available": False, "message": NEURAL_EXTRA_MESSAGE}
    if importlib.util.find_spec("mutinfo.neural") is None:  # pragma: no cover - a partial install
        return {"available": False, "message": "mutinfo.neural is missing from this installation."}
    return {"available": True, "message": ""}


def train(
    data: str,
    batch_size: int,
    *,
    n: int = N_PAIRS,
    max_epochs: int = TRAINING["max_epochs"],
    patience: int = TRAINING["patience"],
) -> dict[str, Any]:
    """Train InfoNCE on one data set at one batch size (``mutinfo.neural.neural_mutual_info``).

    Parameters
    ----------
    data : {"gaussian", "digits"}
        Views from :func:`make_views` (``n`` pairs, seed :data:`DATA_SEED`).
    batch_size : int
        Pairs per batch N; the bound is capped at log2 N bits.
    n, max_epochs, patience : int
        Pairs, the epoch limit and the early-stopping patience; the other options are
        :data:`TRAINING`, the seed :data:`TRAIN_SEED`.

    Returns
    -------
    dict
        ``batch_size``, ``estimate`` (held-out bound, bits), ``estimate_n`` (pairs used,
        as ``estimate.n``), ``n_train``, ``n_valid``, ``best_epoch``, ``method``, ``cap``
        (log2 N bits), ``near_cap``, ``epochs``, ``train_curve`` and ``valid_curve`` (bits per
        epoch), ``seconds``, ``warnings`` (mutinfo's, e.g. EstimatorCapWarning) and the options
        used.

    Raises
    ------
    ImportError
        Without torch (``pip install "mutinfo[neural]"``).
    """
    from mutinfo.neural import neural_mutual_info

    a, b = make_views(data, n)
    options = dict(TRAINING, max_epochs=max_epochs, patience=patience)
    with library_warnings() as notes:
        res = neural_mutual_info(a, b, batch_size=batch_size, rng=TRAIN_SEED, **options)
    return {
        "batch_size": int(res.batch_size),
        "estimate": float(res.estimate),
        "estimate_n": int(res.estimate.n),
        "n_train": int(res.n_train),
        "n_valid": int(res.n_valid),
        "best_epoch": int(res.best_epoch),
        "method": res.estimate.method,
        "cap": float(res.cap),
        "near_cap": bool(res.near_cap),
        "epochs": int(res.epochs),
        "train_curve": [float(v) for v in np.asarray(res.train_curve)],
        "valid_curve": [float(v) for v in np.asarray(res.valid_curve)],
        "seconds": float(res.seconds),
        "warnings": list(notes),
        "n_pairs": n,
        "options": options,
    }


def precompute(path: Path = RUNS_FILE, *, batch_log2: tuple[int, ...] = BATCH_LOG2) -> dict[str, Any]:
    """Train every (data set, batch size) configuration and write the runs to ``path`` (JSON).

    The page serves this file; the tests re-run one configuration with :func:`train` and
    compare. Takes minutes on two CPU cores (the smallest batches dominate).
    """
    import torch

    runs: dict[str, list[dict[str, Any]]] = {}
    for data in DATASETS:
        runs[data] = []
        for k in batch_log2:
            record = train(data, 2**k)
            runs[data].append(record)
            print(
                f"{data} N={2**k}: {record['estimate']:.4f} bits (cap {record['cap']:.3f}), "
                f"{record['epochs']} epochs, {record['seconds']:.1f} s",
                flush=True,
            )
    body = {
        "command": PRECOMPUTE_COMMAND,
        "mutinfo_version": mi.__version__,
        "torch_version": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "n_pairs": N_PAIRS,
        "data_seed": DATA_SEED,
        "train_seed": TRAIN_SEED,
        "training": TRAINING,
        "created": time.strftime("%Y-%m-%d", time.gmtime()),
        "runs": runs,
        "digits_reference": _digits_lower(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    _stored.cache_clear()
    return body


@lru_cache(maxsize=1)
def _stored(path: str, mtime: float) -> dict[str, Any] | None:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_runs(path: Path = RUNS_FILE) -> dict[str, Any] | None:
    """The precomputed runs (:func:`precompute`'s JSON), or None when the file is missing."""
    if not path.is_file():
        return None
    return _stored(str(path), path.stat().st_mtime)


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
    a, b = _views(data)
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
from mutinfo.explorer.routes.representation import make_views

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
        head += """from mutinfo.explorer.routes.representation import digits_reference

print("ceiling =", math.log2(1797), "bits (which of the 1797 images)")
print("lower reference =", float(digits_reference(a, b)), "bits (KSG on 8 principal components)")
"""
    return snippet(head)


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
    body: dict[str, Any] = {
        "data": data,
        "description": DATASETS[data],
        "log2_batch": log2_batch,
        "batch_size": batch,
        "cap": math.log2(batch),
        "n_pairs": N_PAIRS,
        "references": {k: v for k, v in refs.items() if k != "warnings"},
        "warnings": list(refs["warnings"]) + (selected["warnings"] if selected else []),
        "curve": [
            {
                "batch_size": r["batch_size"],
                "cap": r["cap"],
                "estimate": r["estimate"],
                "near_cap": r["near_cap"],
            }
            for r in runs
        ],
        "selected": selected,
        "precomputed": None
        if stored is None
        else {k: stored[k] for k in ("command", "mutinfo_version", "torch_version", "created", "training")},
        "torch": torch_status(),
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


if __name__ == "__main__":  # pragma: no cover - the data-making script
    precompute()
