"""Section 12, clustering agreement: k-means on the digits against the true digit labels.

k-means is scikit-learn's ``KMeans(n_clusters=k, n_init=1, random_state=0)`` on the 64 pixel
counts of :func:`mutinfo.datasets.load_digits_clusters` (1797 images, 10 digits). Agreement
with the digit labels is ``mi.normalized_mutual_info`` (arithmetic mean normalisation) and
``mi.adjusted_mutual_info``; the plug-in MI behind them is
``mi.mutual_info(..., discrete=True, method="plugin")``.
The "random labels" readouts score k uniformly random cluster labels (seeded) against the same
digits: NMI stays above 0, AMI is about 0, because AMI subtracts the expected MI of random
labelings with the same cluster sizes (Vinh, Epps and Bailey 2010).

References
----------
Vinh NX, Epps J, Bailey J (2010). Information theoretic measures for clusterings comparison:
variants, properties, normalization and correction for chance. JMLR 11, 2837-2854.
https://www.jmlr.org/papers/v11/vinh10a.html
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo.explorer.common import UNIT_BASE, clean, library_warnings, readout, snippet

__all__ = ["K_MAX", "K_MIN", "clustering_view", "kmeans_labels", "router"]

router = APIRouter(prefix="/api/clustering", tags=["clustering"])

K_MIN, K_MAX = 2, 20


@lru_cache(maxsize=1)
def _data() -> tuple[np.ndarray, np.ndarray]:
    from mutinfo.datasets import load_digits_clusters

    frame = load_digits_clusters()
    return frame.drop(columns="digit").to_numpy(np.float64), frame["digit"].to_numpy()


@lru_cache(maxsize=K_MAX)
def kmeans_labels(k: int) -> np.ndarray:
    """k-means cluster labels of the digits (n_init=1, random_state=0)."""
    from sklearn.cluster import KMeans

    X, _ = _data()
    return KMeans(n_clusters=k, n_init=1, random_state=0).fit_predict(X)


def _random_labels(k: int, seed: int) -> np.ndarray:
    _, digits = _data()
    return np.random.default_rng(seed).integers(0, k, size=digits.shape[0])


def _ratio(value: float, n: int, method: str, quantity: str) -> dict[str, Any]:
    return {
        "value": float(value),
        "unit": "ratio",
        "n": n,
        "method": method,
        "quantity": quantity,
        "kind": "exact",
    }


@lru_cache(maxsize=64)
def _scores(k: int, seed: int | None) -> dict[str, Any]:
    """NMI, AMI and plug-in MI of k-means (seed None) or random labels (seed) vs the digits."""
    _, digits = _data()
    labels = kmeans_labels(k) if seed is None else _random_labels(k, seed)
    n = int(digits.shape[0])
    with library_warnings() as notes:
        nmi = mi.normalized_mutual_info(digits, labels)
        ami = mi.adjusted_mutual_info(digits, labels)
        info = mi.mutual_info(digits, labels, discrete=True, method="plugin", base=UNIT_BASE)
    return {
        "nmi": _ratio(nmi, n, "normalized_mutual_info (arithmetic)", "NMI"),
        "ami": _ratio(ami, n, "adjusted_mutual_info (arithmetic)", "AMI"),
        "mi": readout(info, kind="exact", label="plug-in I(digit; cluster)"),
        "warnings": list(notes),
    }


@lru_cache(maxsize=1)
def _curve() -> dict[str, list[float]]:
    ks = list(range(K_MIN, K_MAX + 1))
    return {
        "k": ks,
        "nmi": [_scores(k, None)["nmi"]["value"] for k in ks],
        "ami": [_scores(k, None)["ami"]["value"] for k in ks],
    }


def clustering_view(k: int, seed: int) -> dict[str, Any]:
    """Scores at this k, the contingency table, and the random-labels comparison."""
    _, digits = _data()
    labels = kmeans_labels(k)
    table = np.zeros((10, k), dtype=np.int64)
    np.add.at(table, (digits, labels), 1)
    km = _scores(k, None)
    rnd = _scores(k, seed)
    return {
        "k": k,
        "seed": seed,
        "n": int(digits.shape[0]),
        "kmeans": km,
        "random": rnd,
        "contingency": table,
        "digits": list(range(10)),
        "warnings": km["warnings"] + rnd["warnings"],
        "snippet": snippet(
            f"""
import numpy as np
import mutinfo as mi
from mutinfo.datasets import load_digits_clusters
from sklearn.cluster import KMeans

frame = load_digits_clusters()
X, digits = frame.drop(columns="digit").to_numpy(float), frame["digit"].to_numpy()
labels = KMeans(n_clusters={k}, n_init=1, random_state=0).fit_predict(X)
print("NMI k-means =", mi.normalized_mutual_info(digits, labels))
print("AMI k-means =", mi.adjusted_mutual_info(digits, labels))
print("I(digit; cluster) =", float(mi.mutual_info(digits, labels, discrete=True, method="plugin")), "bits")
noise = np.random.default_rng({seed}).integers(0, {k}, size=len(digits))  # random labels
print("NMI random =", mi.normalized_mutual_info(digits, noise))
print("AMI random =", mi.adjusted_mutual_info(digits, noise))
"""
        ),
    }


@router.get("/view")
def view(
    k: int = Query(10, ge=K_MIN, le=K_MAX, description="number of k-means clusters"),
    seed: int = Query(0, ge=0, le=2**31 - 1, description="seed of the random labels"),
) -> dict[str, Any]:
    """NMI, AMI and MI of k-means and of random labels against the digits, with the contingency table."""
    return clean(clustering_view(k, seed))


@router.get("/curve")
def curve() -> dict[str, Any]:
    """NMI and AMI of k-means against the digits for k = 2..20 (computed once, then cached)."""
    return clean(_curve())
