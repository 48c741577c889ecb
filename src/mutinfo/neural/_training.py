"""Training loop of the neural bounds: split, standardise, train, stop early, evaluate held out.

Everything here takes validated numpy arrays and returns nats; the public edge
(:func:`mutinfo.neural.neural_mutual_info`) checks arguments and converts units.

Reproducibility: all randomness comes from the numpy Generator passed in. It draws the
train/validation split and one 63-bit seed for a private ``torch.Generator`` that initialises
the critic and shuffles the batches; the global torch seed is never read or changed. The
loop runs with ``torch.use_deterministic_algorithms(True)`` and a fixed torch thread count
(both restored afterwards), so on CPU one process repeats a run bit for bit.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from mutinfo.neural._bounds import HeldOut, Objective
from mutinfo.neural._critics import build_critic
from mutinfo.neural._torch import torch

__all__ = ["Fit", "fit_bound", "split_sizes", "torch_settings"]


@dataclass(frozen=True)
class Fit:
    """Outcome of one training run (values in nats)."""

    estimate: float
    train_curve: np.ndarray
    valid_curve: np.ndarray
    epochs: int
    best_epoch: int
    batch_size: int
    n_train: int
    n_valid: int
    seconds: float
    diverged: bool


def split_sizes(n: int, validation_fraction: float) -> tuple[int, int]:
    """(n_train, n_valid): ``n_valid = round(n * validation_fraction)``."""
    n_valid = round(n * validation_fraction)
    return n - n_valid, n_valid


@contextlib.contextmanager
def torch_settings(n_threads: int | None) -> Iterator[None]:
    """Deterministic algorithms and ``n_threads`` intra-op threads, restored on exit."""
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(deterministic)
        torch.set_num_threads(threads)


def resolve_threads(n_jobs: int | None) -> int | None:
    """torch thread count for ``n_jobs`` (None: leave torch's setting, -1: all cores)."""
    if n_jobs is None:
        return None
    if n_jobs == -1:
        return os.cpu_count() or 1
    return int(n_jobs)


def _standardise(values: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Centre and scale each column by the training rows' mean and standard deviation."""
    mean = values[train].mean(axis=0)
    std = values[train].std(axis=0)
    std[std == 0] = 1.0  # a column constant on the training rows carries nothing; leave it at 0
    return (values - mean) / std


def _held_out(critic: torch.nn.Module, bound: str, x: torch.Tensor, y: torch.Tensor, b: int) -> float:
    """The bound on the held-out rows, in batches of exactly ``b`` rows (see :class:`HeldOut`)."""
    n = x.shape[0]
    acc = HeldOut(bound)
    with torch.no_grad():
        for start in range(0, n, b):
            used = min(b, n - start)
            idx = torch.arange(start, start + b) % n  # the last batch wraps to the first rows
            acc.add(critic(x[idx], y[idx]), used)
    return acc.value()


def fit_bound(
    x: np.ndarray,
    y: np.ndarray,
    *,
    bound: str,
    critic: str,
    hidden: Sequence[int],
    embed_dim: int,
    batch_size: int,
    max_epochs: int,
    learning_rate: float,
    validation_fraction: float,
    patience: int,
    rng: np.random.Generator,
    n_jobs: int | None,
    on_epoch: Callable[[int, float, float], None] | None = None,
) -> Fit:
    """Train a critic for ``bound`` on a training split and return the held-out bound.

    Parameters
    ----------
    x, y : numpy.ndarray, shape (n, dx) and (n, dy)
        Finite float samples, rows paired.
    bound : {"infonce", "nwj", "mine", "dv"}
    critic : {"separable", "concat"}
    hidden, embed_dim, batch_size, max_epochs, learning_rate, validation_fraction, patience
        As in :func:`mutinfo.neural.neural_mutual_info` (validated there).
    rng : numpy.random.Generator
        Source of the split and of the torch seed.
    n_jobs : int or None
        torch threads (None: unchanged, -1: all cores).
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, train_value, valid_value)`` (nats) after each epoch.

    Returns
    -------
    Fit
        The held-out bound at the epoch with the best held-out value (the critic is the one
        early stopping keeps), the curves, and the sizes.
    """
    start_time = time.perf_counter()
    n = x.shape[0]
    n_train, n_valid = split_sizes(n, validation_fraction)
    order = rng.permutation(n)
    train, valid = order[:n_train], order[n_train:]
    seed = int(rng.integers(0, 2**63 - 1))
    xs = _standardise(np.asarray(x, dtype=np.float64), train).astype(np.float32)
    ys = _standardise(np.asarray(y, dtype=np.float64), train).astype(np.float32)
    with torch_settings(resolve_threads(n_jobs)):
        generator = torch.Generator().manual_seed(seed)
        xt, yt = torch.from_numpy(xs[train]), torch.from_numpy(ys[train])
        xv, yv = torch.from_numpy(xs[valid]), torch.from_numpy(ys[valid])
        net = build_critic(critic, x.shape[1], y.shape[1], hidden, embed_dim, generator)
        optimiser = torch.optim.Adam(net.parameters(), lr=learning_rate)
        objective = Objective(bound)
        steps = n_train // batch_size  # the rows left over change every epoch with the shuffle
        train_curve: list[float] = []
        valid_curve: list[float] = []
        best, best_epoch, best_state, waited = -math.inf, 0, copy.deepcopy(net.state_dict()), 0
        diverged = False
        for epoch in range(1, max_epochs + 1):
            perm = torch.randperm(n_train, generator=generator)
            total = 0.0
            for s in range(steps):
                idx = perm[s * batch_size : (s + 1) * batch_size]
                value, loss = objective.step(net(xt[idx], yt[idx]))
                if not torch.isfinite(loss):
                    diverged = True
                    break
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
                total += float(value)
            if diverged:
                break
            held = _held_out(net, bound, xv, yv, batch_size)
            train_curve.append(total / steps)
            valid_curve.append(held)
            if on_epoch is not None:
                on_epoch(epoch, train_curve[-1], held)
            if held > best:
                best, best_epoch, waited = held, epoch, 0
                best_state = copy.deepcopy(net.state_dict())
            else:
                waited += 1
                if waited >= patience:
                    break
        net.load_state_dict(best_state)
    return Fit(
        estimate=best if best_epoch > 0 else math.nan,
        train_curve=np.asarray(train_curve),
        valid_curve=np.asarray(valid_curve),
        epochs=len(valid_curve),
        best_epoch=best_epoch,
        batch_size=batch_size,
        n_train=n_train,
        n_valid=n_valid,
        seconds=time.perf_counter() - start_time,
        diverged=diverged,
    )
