"""A fast slice of the accuracy suite (benchmarks/accuracy_tasks.py) for ``method="auto"``.

The criterion is the benchmark's: the mean estimate over the seeds must lie within
``max(0.05 nats, 10 % of the truth)`` of the truth. The slice covers every family of the
suite (Gaussian up to 25x25, heavy tails, monotone and non-componentwise transforms, additive
noise, discrete, mixed and point masses) at n = 2000 with two seeds. The full suite runs
with ``python benchmarks/accuracy.py`` (results in benchmarks/ACCURACY.md).
"""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import mutinfo as mi

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from accuracy_tasks import TASKS

BY_NAME = {t.name: t for t in TASKS}
SLICE = [
    "normal-sparse-3x3",
    "normal-dense-25x25",
    "student-identity-1x1-df1",
    "student-corr-3x3-df5",
    "student-corr-5x5-df3",
    "half-cube-sparse-5x5",
    "bimodal-1x1",
    "swiss-roll-2x1",
    "additive-uniform-0.1",
    "class-gaussian-K4",
    "censored-normal",
    "channel-K4-e0.3",
]


def _mean_estimate(name: str, method: str, n: int = 2000, seeds: tuple[int, ...] = (0, 1)) -> float:
    task = BY_NAME[name]
    values = []
    for seed in seeds:
        x, y = task.sample(np.random.default_rng(7919 * (seed + 1)), n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mi.TiesWarning)
            values.append(float(mi.mutual_info(x, y, method=method, base=math.e, rng=seed)))
    return float(np.mean(values))


@pytest.mark.parametrize("name", SLICE)
def test_auto_passes(name):
    truth = BY_NAME[name].truth
    estimate = _mean_estimate(name, "auto")
    assert abs(estimate - truth) <= max(0.05, 0.1 * truth), (name, estimate, truth)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("normal-sparse-3x3", "ksg1"),  # KSG under-reads strong dependence in 6 dimensions
        ("student-identity-1x1-df1", "gaussian_copula"),  # uncorrelated yet dependent
        ("swiss-roll-2x1", "gaussian_copula"),  # non-monotone embedding
    ],
)
def test_criterion_is_discriminating(name, method):
    truth = BY_NAME[name].truth
    estimate = _mean_estimate(name, method)
    assert abs(estimate - truth) > max(0.05, 0.1 * truth), (name, method, estimate, truth)
