"""Critic networks T(x, y) for the variational bounds.

A critic maps a batch of ``B`` x rows and ``B`` y rows to the ``B x B`` score matrix
``S[i, j] = T(x_i, y_j)``: the diagonal holds the paired (joint) samples, the off-diagonal
entries pair x and y from different rows, i.e. samples of the product of the marginals.

* ``"separable"``: ``T(x, y) = g(x) . h(y)``, two MLP encoders and a dot product. The whole
  matrix costs two encoder passes (``O(B)`` network evaluations), so large batches are cheap.
* ``"concat"``: ``T(x, y) = MLP([x, y])``, one network on the concatenated pair; it can
  represent any log density ratio but needs ``B^2`` evaluations per batch. Its first layer is
  linear, so it is split as ``W_x x + W_y y + b`` and the ``B^2`` sums are formed by
  broadcasting before the first non-linearity (the same function, fewer multiplications).

Weights are initialised from an explicit ``torch.Generator`` (never the global seed):
uniform on ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` for weights and biases.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from mutinfo.neural._torch import torch

__all__ = ["ConcatCritic", "SeparableCritic", "build_critic"]

nn = torch.nn


def _linear(n_in: int, n_out: int, generator: torch.Generator, *, bias: bool = True) -> torch.nn.Linear:
    layer = torch.nn.utils.skip_init(nn.Linear, n_in, n_out, bias=bias)  # no draw from the global RNG
    bound = 1.0 / math.sqrt(n_in)
    with torch.no_grad():
        nn.init.uniform_(layer.weight, -bound, bound, generator=generator)
        if bias:
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    return layer


def _mlp(sizes: Sequence[int], generator: torch.Generator) -> torch.nn.Sequential:
    """Linear layers between consecutive ``sizes``, ReLU between them (none after the last)."""
    layers: list[torch.nn.Module] = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(_linear(n_in, n_out, generator))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class SeparableCritic(nn.Module):
    """``T(x, y) = g(x) . h(y)`` with MLP encoders ``g``, ``h`` of output size ``embed_dim``."""

    def __init__(
        self, dx: int, dy: int, hidden: Sequence[int], embed_dim: int, generator: torch.Generator
    ) -> None:
        super().__init__()
        self.g = _mlp([dx, *hidden, embed_dim], generator)
        self.h = _mlp([dy, *hidden, embed_dim], generator)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Score matrix of shape ``(len(x), len(y))``."""
        return self.g(x) @ self.h(y).T


class ConcatCritic(nn.Module):
    """``T(x, y) = MLP([x, y])`` evaluated on every (x_i, y_j) pair of a batch."""

    def __init__(self, dx: int, dy: int, hidden: Sequence[int], generator: torch.Generator) -> None:
        super().__init__()
        first = hidden[0]
        # the first layer of an MLP on [x, y]: W [x; y] + b = (W_x x + b) + W_y y
        fan_in = dx + dy
        self.wx = _linear(dx, first, generator)
        self.wy = _linear(dy, first, generator, bias=False)
        bound = 1.0 / math.sqrt(fan_in)
        with torch.no_grad():  # same scale as one layer with fan_in = dx + dy
            nn.init.uniform_(self.wx.weight, -bound, bound, generator=generator)
            nn.init.uniform_(self.wx.bias, -bound, bound, generator=generator)
            nn.init.uniform_(self.wy.weight, -bound, bound, generator=generator)
        self.rest = _mlp([first, *hidden[1:], 1], generator)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Score matrix of shape ``(len(x), len(y))``."""
        a = self.wx(x)[:, None, :] + self.wy(y)[None, :, :]
        return self.rest(torch.relu(a)).squeeze(-1)


def build_critic(
    kind: str, dx: int, dy: int, hidden: Sequence[int], embed_dim: int, generator: torch.Generator
) -> torch.nn.Module:
    """The critic named ``kind`` ("separable" or "concat"), initialised from ``generator``."""
    if kind == "separable":
        return SeparableCritic(dx, dy, hidden, embed_dim, generator)
    if kind == "concat":
        return ConcatCritic(dx, dy, hidden, generator)
    raise ValueError(f"unknown critic {kind!r}")  # the public edge has checked it already
