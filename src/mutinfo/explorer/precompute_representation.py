"""Two views of the same data, and InfoNCE trained on them: the runs behind explorer section 16.

The representation-learning page (:mod:`mutinfo.explorer.routes.representation`) shows, for
each batch size N, what InfoNCE reports about the mutual information between two views. Its
numbers come from here:

* :func:`make_views`: the two data sets. ``gaussian``: correlated Gaussian vectors whose true
  MI is known in closed form (:func:`gaussian_true_mi`). ``digits``: the 8x8 handwritten
  digits of :func:`mutinfo.datasets.load_digits_clusters`, each drawn image augmented twice,
  independently (:func:`augment_digits`).
* :func:`digits_reference`: a lower reference for the digits, which have no closed form.
* :func:`train`: one InfoNCE run with ``mutinfo.neural.neural_mutual_info`` (needs torch, the
  ``neural`` extra), fixed seeds and one torch thread, so a run repeats bit for bit on CPU.
* :func:`precompute`: every (data set, batch size) run, written to :data:`RUNS_FILE`, which the
  page serves (training on page load would take minutes). Remake it with::

      python -m mutinfo.explorer.precompute_representation

  (about five minutes on two CPU cores). The tests re-run one configuration and compare.

References
----------
van den Oord A, Li Y, Vinyals O (2018). Representation learning with contrastive predictive
coding. https://doi.org/10.48550/arXiv.1807.03748
Poole B, Ozair S, van den Oord A, Alemi A, Tucker G (2019). On variational bounds of mutual
information. ICML. https://doi.org/10.48550/arXiv.1905.06922
"""

from __future__ import annotations

import json
import math
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

import mutinfo as mi
from mutinfo.explorer.common import library_warnings, readout

__all__ = [
    "BATCH_LOG2",
    "DATASETS",
    "GAUSS_DIM",
    "GAUSS_TRUE_BITS",
    "N_PAIRS",
    "RUNS_FILE",
    "TRAINING",
    "augment_digits",
    "digit_images",
    "digits_lower_record",
    "digits_reference",
    "gaussian_true_mi",
    "load_runs",
    "make_views",
    "page_views",
    "precompute",
    "seed_spread",
    "train",
]

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
#: log2 of the batch sizes of the precomputed runs: N = 4, 8, ..., 512.
BATCH_LOG2: tuple[int, ...] = (2, 3, 4, 5, 6, 7, 8, 9)
#: Pairs (A, B) per data set; 20 % of them are held out, so every batch size fits the held-out set.
N_PAIRS = 3000
#: Seed of the views (data) and of training (initialisation, split, batch order).
DATA_SEED = 0
TRAIN_SEED = 0
#: Other training seeds, run to show how much the estimate moves with the training randomness.
SPREAD_SEEDS: tuple[int, ...] = (1, 2)
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
#: Where :func:`precompute` writes the runs and the page reads them.
RUNS_FILE = Path(__file__).resolve().parent / "data" / "representation_runs.json"
PRECOMPUTE_COMMAND = "python -m mutinfo.explorer.precompute_representation"


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
def digit_images() -> np.ndarray:
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
    images = digit_images()[rng.integers(0, len(digit_images()), n)]
    return augment_digits(images, rng), augment_digits(images, rng)


@lru_cache(maxsize=1)
def _principal_axes() -> tuple[np.ndarray, np.ndarray]:
    clean_images = digit_images().reshape(len(digit_images()), -1)
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
def page_views(data: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`make_views` at the page's settings, computed once (read-only arrays)."""
    a, b = make_views(data)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def digits_lower_record() -> dict[str, Any]:
    """The digits' lower reference as a readout record, with mutinfo's warnings (if any)."""
    a, b = page_views("digits")
    with library_warnings() as notes:
        value = digits_reference(a, b)
    record = readout(value, label=f"I(PCA{REF_COMPONENTS}(A); PCA{REF_COMPONENTS}(B))")
    return {"record": record, "warnings": list(notes)}


# ----------------------------------------------------------------------------- training


def train(
    data: str,
    batch_size: int,
    *,
    n: int = N_PAIRS,
    max_epochs: int = TRAINING["max_epochs"],
    patience: int = TRAINING["patience"],
    seed: int = TRAIN_SEED,
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
        :data:`TRAINING`.
    seed : int
        Training seed (initial weights, split, batch order); the views keep :data:`DATA_SEED`.

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
        res = neural_mutual_info(a, b, batch_size=batch_size, rng=seed, **options)
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


def seed_spread(batch_log2: tuple[int, ...] = BATCH_LOG2) -> dict[str, list[dict[str, Any]]]:
    """The same runs with the other training seeds :data:`SPREAD_SEEDS` (same views).

    Returns ``{data: [{"batch_size", "seeds", "estimates"}, ...]}``: how much the held-out
    estimate moves when only the training randomness (initial weights, split, batch order)
    changes.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for data in DATASETS:
        out[data] = []
        for k in batch_log2:
            estimates = [train(data, 2**k, seed=seed)["estimate"] for seed in SPREAD_SEEDS]
            out[data].append({"batch_size": 2**k, "seeds": list(SPREAD_SEEDS), "estimates": estimates})
            print(f"{data} N={2**k}: other seeds {estimates}", flush=True)
    return out


def precompute(path: Path = RUNS_FILE, *, batch_log2: tuple[int, ...] = BATCH_LOG2) -> dict[str, Any]:
    """Train every (data set, batch size) configuration and write the runs to ``path`` (JSON).

    The page serves this file; the tests re-run one configuration with :func:`train` and
    compare. Takes about a quarter of an hour on two CPU cores (three seeds per configuration;
    the smallest batches dominate).
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
        "digits_reference": digits_lower_record(),
        "spread": seed_spread(batch_log2),
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


if __name__ == "__main__":  # pragma: no cover - the data-making script
    precompute()
