"""Variational lower bounds on I(X; Y) from a critic's score matrix, in nats.

For a batch of ``B`` paired samples and a critic ``T``, ``S[i, j] = T(x_i, y_j)``. The diagonal
samples the joint distribution p(x, y); the ``B (B - 1)`` off-diagonal entries sample the
product of the marginals p(x) p(y) (x and y from different rows). With ``E_p`` the mean over
the diagonal and ``E_q`` the mean over the off-diagonal entries:

* InfoNCE (van den Oord et al. 2018; Poole et al. 2019):
  ``I >= log B + (1/B) sum_i [S_ii - log sum_j exp S_ij]``. Every term is at most ``log B``
  (``S_ii`` is one of the terms of the log-sum-exp), so the bound **cannot exceed log B**
  whatever the true MI: it is accurate only while ``I << log B``.
* NWJ (Nguyen, Wainwright and Jordan 2010; the ``f``-divergence dual of the KL divergence):
  ``I >= E_p[T] - e^{-1} E_q[e^T]``. Tight at ``T = 1 + log p(x, y) / (p(x) p(y))``; no cap,
  but the ``E_q[e^T]`` term has a variance that grows like ``e^I`` (McAllester and Stratos 2020).
* Donsker-Varadhan (DV): ``I >= E_p[T] - log E_q[e^T]``. Tighter than NWJ for the same ``T``;
  the minibatch gradient of the log term is biased.
* MINE (Belghazi et al. 2018): the DV bound, trained with the gradient of ``log E_q[e^T]``
  replaced by ``grad E_q[e^T] / m`` where ``m`` is an exponential moving average of
  ``E_q[e^T]`` over batches, which removes most of the minibatch bias. Its value is the DV value.

References
----------
van den Oord, Li and Vinyals (2018), Representation learning with contrastive predictive coding,
https://doi.org/10.48550/arXiv.1807.03748.
Poole, Ozair, van den Oord, Alemi and Tucker (2019), On variational bounds of mutual information,
ICML, https://doi.org/10.48550/arXiv.1905.06922.
Nguyen, Wainwright and Jordan (2010), Estimating divergence functionals and the likelihood ratio by
convex risk minimization, IEEE Trans. Inf. Theory 56(11), https://doi.org/10.1109/TIT.2010.2068870.
Belghazi et al. (2018), Mutual information neural estimation, ICML,
https://doi.org/10.48550/arXiv.1801.04062.
McAllester and Stratos (2020), Formal limitations on the measurement of mutual information,
AISTATS, https://doi.org/10.48550/arXiv.1811.04251.
"""

from __future__ import annotations

import math

from mutinfo.neural._torch import torch

__all__ = ["MINE_EMA_RATE", "HeldOut", "Objective", "bound_value"]

#: Weight of the newest batch in MINE's moving average of E_q[e^T].
MINE_EMA_RATE = 0.01


def _offdiag_logsumexp(scores: torch.Tensor) -> torch.Tensor:
    """log sum over the off-diagonal entries of exp(scores)."""
    eye = torch.eye(scores.shape[0], dtype=torch.bool, device=scores.device)
    return torch.logsumexp(scores.masked_fill(eye, -math.inf).reshape(-1), dim=0)


def bound_value(bound: str, scores: torch.Tensor) -> torch.Tensor:
    """Value in nats of ``bound`` ("infonce", "nwj", "dv"; "mine" is "dv") on one batch."""
    b = scores.shape[0]
    joint = scores.diagonal().mean()
    if bound == "infonce":
        return math.log(b) + (scores.diagonal() - torch.logsumexp(scores, dim=1)).mean()
    log_marginal = _offdiag_logsumexp(scores) - math.log(b * (b - 1))  # log E_q[e^T]
    if bound == "nwj":
        return joint - torch.exp(log_marginal - 1.0)
    return joint - log_marginal  # "dv", and "mine" (whose value is the DV bound)


class Objective:
    """Training objective of a bound: ``step(scores)`` gives (bound value, loss to minimise).

    For InfoNCE, NWJ and DV the loss is minus the bound on the batch. For MINE it is minus a
    surrogate with the same value whose gradient uses the moving average (Belghazi et al. 2018,
    section 3.2): ``d/dθ [E_p T - E_q e^T / m]`` with ``m`` held fixed equals
    ``grad E_p T - grad E_q e^T / m``.
    """

    def __init__(self, bound: str, ema_rate: float = MINE_EMA_RATE) -> None:
        self.bound = bound
        self.ema_rate = ema_rate
        self.log_ma: torch.Tensor | None = None  # log of the moving average of E_q[e^T]

    def step(self, scores: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The batch's bound value (nats, detached) and the loss to back-propagate."""
        if self.bound != "mine":
            value = bound_value(self.bound, scores)
            return value.detach(), -value
        b = scores.shape[0]
        joint = scores.diagonal().mean()
        log_marginal = _offdiag_logsumexp(scores) - math.log(b * (b - 1))
        current = log_marginal.detach()
        if self.log_ma is None:
            self.log_ma = current
        else:
            self.log_ma = torch.logaddexp(
                math.log1p(-self.ema_rate) + self.log_ma, math.log(self.ema_rate) + current
            )
        surrogate = joint - torch.exp(log_marginal - self.log_ma)
        return (joint - log_marginal).detach(), -surrogate


class HeldOut:
    """Accumulates a bound over the batches of a held-out set, pooling the expectations.

    Each held-out sample contributes one joint term (its own pair) exactly once. For InfoNCE
    each contributes one term ``S_ii - log sum_j exp S_ij`` over a batch of exactly ``B`` rows
    (the last batch is filled up with rows from the start, which serve only as negatives), so
    the pooled value keeps the cap ``log B``. For NWJ and DV the marginal expectation
    ``E_q[e^T]`` is pooled over every off-diagonal pair of every batch before the logarithm or
    the exponential is applied, which uses far more pairs than one batch.
    """

    def __init__(self, bound: str) -> None:
        self.bound = bound
        self.joint_sum = 0.0
        self.nce_sum = 0.0
        self.rows = 0
        self.log_sum_marginal = -math.inf
        self.pairs = 0
        self.batch_size = 0

    def add(self, scores: torch.Tensor, used_rows: int) -> None:
        """Add one batch's score matrix; only its first ``used_rows`` rows are new samples."""
        b = scores.shape[0]
        self.batch_size = b
        s = scores[:used_rows].double()
        diag = s.diagonal()  # the first used_rows diagonal entries of the full matrix
        self.joint_sum += float(diag.sum())
        self.rows += used_rows
        if self.bound == "infonce":
            self.nce_sum += float((diag - torch.logsumexp(s, dim=1)).sum())
            return
        mask = torch.zeros_like(s, dtype=torch.bool)
        mask[torch.arange(used_rows), torch.arange(used_rows)] = True
        lse = float(torch.logsumexp(s.masked_fill(mask, -math.inf).reshape(-1), dim=0))
        self.log_sum_marginal = float(torch.logaddexp(torch.tensor(self.log_sum_marginal), torch.tensor(lse)))
        self.pairs += used_rows * (b - 1)

    def value(self) -> float:
        """The pooled bound in nats."""
        if self.bound == "infonce":
            return math.log(self.batch_size) + self.nce_sum / self.rows
        joint = self.joint_sum / self.rows
        log_marginal = self.log_sum_marginal - math.log(self.pairs)
        if self.bound == "nwj":  # a diverged critic can make e^T overflow: the bound is then -inf
            return joint - math.exp(log_marginal - 1.0) if log_marginal < 700.0 else -math.inf
        return joint - log_marginal
