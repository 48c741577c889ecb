"""Section 17, compression: the information bottleneck.

Two views.

``GET /api/compression/curve``
    The IB curve of a real joint distribution from :func:`mutinfo.datasets.load_weather`
    (NREL TMY3, Greensboro NC, 8760 hours): X = month and Y = temperature octile, or X = hour
    of the day and Y = solar irradiance class (dark, then quintiles of the lit hours). The
    curve is :func:`mutinfo.ib_curve` (annealed, ``rng=SEED``) over the beta grid
    ``10 ** (0, 0.05, ..., 3)``; the beta slider picks one grid point and the page shows that
    solution's encoder p(t|x) (which months or hours share a cluster T).
``GET /api/compression/plane``
    The information plane of a 64-12-6-3-10 perceptron trained on the digits,
    :func:`mutinfo.information_plane` with :data:`PLANE_SETTINGS`, tanh or ReLU. Training and
    binning take seconds, so the numbers are read from ``explorer/data/compression_plane.json``,
    written by :func:`write_plane_file` (``python -m mutinfo.explorer.routes.compression``);
    ``tests/explorer/test_api_compression.py`` checks that the library reproduces the file.

The IB numbers are exact for the empirical joint of the 8760 hours (``kind = "exact"``); the
information-plane numbers are binned plug-in estimates whose caveats (Saxe et al. 2018) the
response carries in ``caveat``.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import APIRouter, Query

import mutinfo as mi
from mutinfo._information_plane import ACTIVATIONS
from mutinfo.datasets import describe, load_weather
from mutinfo.explorer.common import clean, library_warnings, snippet

__all__ = [
    "DATASETS",
    "LOG_BETAS",
    "PLANE_FILE",
    "PLANE_SETTINGS",
    "SEED",
    "compute_plane",
    "curve",
    "router",
    "shipped_plane",
    "weather_joint",
    "write_plane_file",
]

router = APIRouter(prefix="/api/compression", tags=["compression"])

#: Seed of the annealing (initial encoder and perturbations).
SEED = 0
#: Updates per beta (near a split, convergence is slow).
MAX_ITER = 20_000
#: log10 of the betas on the curve: 0, 0.05, ..., 3.
LOG_BETAS = np.round(np.arange(0, 61) * 0.05, 2)
#: dataset key -> (label, X column, Y description)
DATASETS: dict[str, tuple[str, str, str]] = {
    "month_temperature": ("Month → air temperature", "month", "temperature octile"),
    "hour_irradiance": ("Hour of day → solar irradiance", "hour", "irradiance class"),
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Settings of the shipped information plane (also the snippet's).
PLANE_SETTINGS: dict[str, Any] = {
    "hidden": (12, 6, 3),
    "n_epochs": 150,
    "n_bins": 30,
    "learning_rate": 0.02,
    "batch_size": 32,
    "record_every": 2,
    "rng": 0,
}
PLANE_FILE = Path(__file__).resolve().parents[1] / "data" / "compression_plane.json"
CAVEAT = (
    "Binned estimates (Saxe et al. 2018, doi:10.1088/1742-5468/ab3985). The network is deterministic: "
    "on 1348 distinct images its true I(T;X) is log2(1348) for any layer that keeps them apart, whatever "
    "training does. The binned value counts how many images share a bin pattern, so it measures the "
    "binning, not a loss of information; other bin widths draw other curves. The late fall of I(T;X) "
    "(the 'compression phase' of Shwartz-Ziv and Tishby 2017, arXiv:1703.00810) comes from tanh units "
    "saturating at ±1, where many images land in the same bins; with ReLU it does not appear here, "
    "although the network still learns."
)


def _y_classes(key: str) -> tuple[np.ndarray, list[str]]:
    weather = load_weather()
    if key == "month_temperature":
        t = weather["temperature_c"].to_numpy()
        edges = np.quantile(t, np.linspace(0, 1, 9))
        y = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, 7)
        labels = [f"{edges[j]:.1f} to {edges[j + 1]:.1f} °C" for j in range(8)]
        return y, labels
    g = weather["ghi_w_m2"].to_numpy()
    edges = np.quantile(g[g > 0], np.linspace(0, 1, 6))
    y = np.where(g > 0, 1 + np.clip(np.searchsorted(edges, g, side="right") - 1, 0, 4), 0)
    labels = ["dark (0 W/m²)"] + [f"{edges[j]:.0f} to {edges[j + 1]:.0f} W/m²" for j in range(5)]
    return y, labels


@lru_cache(maxsize=2)
def weather_joint(key: str) -> dict[str, Any]:
    """The empirical joint p(x, y) of one dataset choice, with its labels."""
    weather = load_weather()
    x = weather[DATASETS[key][1]].to_numpy()
    y, y_labels = _y_classes(key)
    joint = mi.joint_from_samples(x, y)
    x_labels = [MONTHS[v - 1] if key == "month_temperature" else f"{v:02d}h" for v in joint.x_values]
    return {
        "p_xy": joint.p_xy,
        "x_labels": x_labels,
        "y_labels": [y_labels[int(v)] for v in joint.y_values],
        "n": joint.n,
    }


@lru_cache(maxsize=24)
def curve(key: str, n_clusters: int, deterministic: bool) -> tuple[mi.IBCurve, list[str]]:
    """The annealed IB curve on the beta grid and the library's warnings (cached)."""
    with library_warnings() as notes:
        result = mi.ib_curve(
            weather_joint(key)["p_xy"],
            10.0**LOG_BETAS,
            n_clusters,
            deterministic=deterministic,
            rng=SEED,
            max_iter=MAX_ITER,
        )
    return result, list(notes)


def _exact(value: float, quantity: str, n: int, method: str) -> dict[str, Any]:
    return {"value": value, "unit": "bits", "n": n, "method": method, "quantity": quantity, "kind": "exact"}


def _curve_snippet(key: str, n_clusters: int, deterministic: bool, log_beta: float) -> str:
    if key == "month_temperature":
        make_y = """t = w["temperature_c"].to_numpy()
edges = np.quantile(t, np.linspace(0, 1, 9))
y = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, 7)  # temperature octile"""
    else:
        make_y = """g = w["ghi_w_m2"].to_numpy()
edges = np.quantile(g[g > 0], np.linspace(0, 1, 6))
y = np.where(g > 0, 1 + np.clip(np.searchsorted(edges, g, side="right") - 1, 0, 4), 0)  # dark, quintiles"""
    column = DATASETS[key][1]
    index = round(log_beta / 0.05)
    lines = [
        "import numpy as np",
        "import mutinfo as mi",
        "from mutinfo.datasets import load_weather",
        "",
        "w = load_weather()",
        make_y,
        f'joint = mi.joint_from_samples(w["{column}"].to_numpy(), y)',
        "betas = 10.0 ** np.round(np.arange(0, 61) * 0.05, 2)",
        f"curve = mi.ib_curve(joint.p_xy, betas, {n_clusters}, deterministic={deterministic}, rng={SEED},",
        f"                    max_iter={MAX_ITER})",
        f"i = {index}  # beta = {10.0 ** LOG_BETAS[index]:.6g}",
        'print("I(X;Y) =", float(curve.i_xy), "bits | H(X) =", float(curve.h_x), "bits")',
        'print("I(T;X) =", curve.i_tx[i], "bits")',
        'print("I(T;Y) =", curve.i_ty[i], "bits")',
        "clusters = curve.encoders[i].argmax(axis=1)",
        'print("clusters of x:", dict(zip(joint.x_values.tolist(), clusters.tolist())))',
    ]
    return snippet("\n".join(lines))


def curve_body(key: str, n_clusters: int, deterministic: bool, log_beta: float) -> dict[str, Any]:
    """Everything the IB-curve view shows for one setting."""
    joint = weather_joint(key)
    result, notes = curve(key, n_clusters, deterministic)
    index = int(np.argmin(np.abs(LOG_BETAS - log_beta)))
    method = "dib" if deterministic else "ib"
    n = joint["n"]
    encoder = result.encoders[index]
    assignment = encoder.argmax(axis=1)
    p_t = joint["p_xy"].sum(axis=1) @ encoder
    used = [int(t) for t in np.flatnonzero(p_t > 0)]
    clusters = [
        {
            "t": t,
            "p_t": float(p_t[t]),
            "members": [joint["x_labels"][i] for i in np.flatnonzero(assignment == t)],
        }
        for t in used
    ]
    kept = result.i_ty[index] / float(result.i_xy) if float(result.i_xy) > 0 else math.nan
    warnings = list(notes)
    if not result.converged[index]:
        warnings.append(
            f"The solution at beta = {result.betas[index]:.4g} did not converge in the iteration limit."
        )
    return {
        "dataset": key,
        "label": DATASETS[key][0],
        "x_labels": joint["x_labels"],
        "y_labels": joint["y_labels"],
        "y_name": DATASETS[key][2],
        "n": n,
        "n_clusters": n_clusters,
        "method": method,
        "curve": {
            "log_beta": LOG_BETAS,
            "beta": result.betas,
            "i_tx": result.i_tx,
            "i_ty": result.i_ty,
            "n_used": result.n_used,
        },
        "index": index,
        "beta": float(result.betas[index]),
        "log_beta": float(LOG_BETAS[index]),
        "i_tx": _exact(float(result.i_tx[index]), "I(T;X)", n, method),
        "i_ty": _exact(float(result.i_ty[index]), "I(T;Y)", n, method),
        "h_t": _exact(float(result.h_t[index]), "H(T)", n, method),
        "i_xy": _exact(float(result.i_xy), "I(X;Y)", n, "plugin"),
        "h_x": _exact(float(result.h_x), "H(X)", n, "plugin"),
        "kept": kept,
        "lagrangian": float(result.lagrangian[index]),
        "encoder": np.round(encoder, 6),
        "clusters": clusters,
        "n_used": int(result.n_used[index]),
        "converged": bool(result.converged[index]),
        "source": describe("weather")["citation"],
        "warnings": warnings,
        "snippet": _curve_snippet(key, n_clusters, deterministic, float(LOG_BETAS[index])),
    }


# --------------------------------------------------------------------------- information plane


def compute_plane(activation: str) -> dict[str, Any]:
    """Run :func:`mutinfo.information_plane` with :data:`PLANE_SETTINGS`; JSON-ready dict."""
    with library_warnings() as notes:
        plane = mi.information_plane(activation=activation, **PLANE_SETTINGS)
    return clean(
        {
            "activation": activation,
            "epochs": plane.epochs,
            "i_tx": plane.i_tx,
            "i_ty": plane.i_ty,
            "loss": plane.loss,
            "train_accuracy": plane.train_accuracy,
            "test_accuracy": plane.test_accuracy,
            "layer_sizes": list(plane.layer_sizes),
            "n": plane.n,
            "n_test": plane.n_test,
            "n_bins": plane.n_bins,
            "h_x": float(plane.h_x),
            "h_y": float(plane.h_y),
            "warnings": list(notes),
        }
    )


def write_plane_file(path: Path = PLANE_FILE) -> dict[str, Any]:
    """Recompute both activations and write the shipped JSON (returns what was written)."""
    settings = {k: list(v) if isinstance(v, tuple) else v for k, v in PLANE_SETTINGS.items()}
    data = {"settings": settings, "version": mi.__version__, **{a: compute_plane(a) for a in ACTIVATIONS}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    return data


@lru_cache(maxsize=1)
def shipped_plane() -> dict[str, Any]:
    """The shipped information-plane file."""
    return json.loads(PLANE_FILE.read_text(encoding="utf-8"))


def _plane_snippet(activation: str) -> str:
    s = PLANE_SETTINGS
    return snippet(f"""
import mutinfo as mi

plane = mi.information_plane(activation="{activation}", hidden={s["hidden"]}, n_epochs={s["n_epochs"]},
                             n_bins={s["n_bins"]}, learning_rate={s["learning_rate"]},
                             batch_size={s["batch_size"]}, record_every={s["record_every"]}, rng={s["rng"]})
for layer in range(len(plane.layer_sizes)):
    print(f"layer {{layer + 1}} I(T;X) =", plane.i_tx[-1, layer], "bits")
    print(f"layer {{layer + 1}} I(T;Y) =", plane.i_ty[-1, layer], "bits")
print("test accuracy =", plane.test_accuracy[-1])
""")


def plane_body(activation: str) -> dict[str, Any]:
    """The information-plane view for one activation."""
    data = shipped_plane()[activation]
    return {
        **data,
        "settings": shipped_plane()["settings"],
        "caveat": CAVEAT,
        "estimator": (
            f"each unit's activation put in {data['n_bins']} equal bins "
            + ("on [-1, 1]" if activation == "tanh" else "on [0, the layer's largest activation]")
            + f"; plug-in I on the {data['n']} training images (X = image index)"
        ),
        "snippet": _plane_snippet(activation),
    }


# --------------------------------------------------------------------------- routes

DATASET_PATTERN = "^(" + "|".join(DATASETS) + ")$"


@router.get("/curve")
def curve_view(
    dataset: str = Query("month_temperature", pattern=DATASET_PATTERN, description="joint distribution"),
    clusters: int = Query(4, ge=2, le=6, description="number of clusters |T|"),
    log_beta: float = Query(1.0, ge=0.0, le=3.0, description="log10 of beta (rounded to the 0.05 grid)"),
    method: str = Query("ib", pattern="^(ib|dib)$", description="ib or dib (deterministic)"),
) -> dict[str, Any]:
    """The IB curve of a weather joint, the solution at one beta and its clusters."""
    return clean(curve_body(dataset, clusters, method == "dib", log_beta))


@router.get("/plane")
def plane_view(
    activation: str = Query("tanh", pattern="^(tanh|relu)$", description="hidden-layer nonlinearity"),
) -> dict[str, Any]:
    """The information plane of the digits MLP (shipped run, reproduced by the library)."""
    return plane_body(activation)


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped file
    write_plane_file()
    print(f"wrote {PLANE_FILE}")
