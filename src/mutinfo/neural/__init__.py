"""Neural variational bounds on mutual information: InfoNCE, NWJ, MINE and Donsker-Varadhan.

A critic network ``T(x, y)`` is trained to maximise a lower bound on I(X; Y); the bound,
evaluated on held-out samples with the trained critic, is the estimate. These estimators scale
to high-dimensional x and y where kNN estimators lose accuracy, but each bound has a documented
limit, and the result states it:

* **InfoNCE** can never exceed ``log(batch_size)`` nats (``NeuralMIResult.cap``); near the cap
  the true MI may be far larger (an :class:`~mutinfo.EstimatorCapWarning` says so). Low
  variance; accurate only while the MI is well below ``log(batch_size)``.
* **NWJ**, **MINE** and **DV** have no cap, but their variance grows exponentially with the true
  MI (McAllester and Stratos 2020): at several nats they are noisy and usually low.

Importing this module does not import torch; the first estimate does (install with
``pip install "mutinfo[neural]"``).

References
----------
van den Oord, Li and Vinyals (2018), https://doi.org/10.48550/arXiv.1807.03748.
Poole et al. (2019), On variational bounds of mutual information, https://doi.org/10.48550/arXiv.1905.06922.
Nguyen, Wainwright and Jordan (2010), https://doi.org/10.1109/TIT.2010.2068870.
Belghazi et al. (2018), Mutual information neural estimation, https://doi.org/10.48550/arXiv.1801.04062.
McAllester and Stratos (2020), Formal limitations on the measurement of mutual information,
https://doi.org/10.48550/arXiv.1811.04251.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mutinfo._information import Information
from mutinfo._validation import (
    check_base,
    check_n_jobs,
    check_positive_int,
    check_rng,
    is_constant,
    prepare_variables,
)
from mutinfo._warnings import TrainingWarning
from mutinfo.neural._cap import is_near_cap, warn_near_cap

__all__ = ["BOUNDS", "CRITICS", "NeuralMIResult", "neural_mutual_info"]

#: Bound names accepted by ``bound=``, with one line each.
BOUNDS: dict[str, str] = {
    "infonce": "InfoNCE (contrastive); low variance, capped at log(batch_size)",
    "nwj": "Nguyen-Wainwright-Jordan (f-divergence dual); uncapped, high variance at high MI",
    "mine": "Donsker-Varadhan trained with MINE's moving-average gradient; uncapped, high variance",
    "dv": "Donsker-Varadhan with plain minibatch gradients; uncapped, high variance",
}

#: Critic names accepted by ``critic=``.
CRITICS: dict[str, str] = {
    "separable": "g(x) . h(y): two MLP encoders and a dot product (cheap for large batches)",
    "concat": "MLP([x, y]) on every pair of a batch (more flexible, batch_size^2 evaluations)",
}


@dataclass(frozen=True)
class NeuralMIResult:
    """The outcome of :func:`neural_mutual_info`.

    Attributes
    ----------
    estimate : Information
        The bound on the held-out samples, in units of ``base`` (``estimate.method`` is the
        bound name). A lower bound on the true MI up to sampling noise.
    bound : str
        "infonce", "nwj", "mine" or "dv".
    critic : str
        "separable" or "concat".
    cap : float
        Largest value the bound can take, in units of ``base``: ``log(batch_size)`` for
        InfoNCE, ``math.inf`` for the others.
    near_cap : bool
        InfoNCE only: the estimate is within 10 % (or 0.1 nat) of the cap, so the true MI
        may be much larger than the estimate.
    train_curve, valid_curve : numpy.ndarray
        Bound value per epoch in units of ``base``: mean over the training batches, and on
        the held-out samples.
    epochs : int
        Epochs run (early stopping may end before ``max_epochs``).
    best_epoch : int
        The epoch whose critic gave ``estimate`` (the best held-out value).
    batch_size : int
        Samples per batch (InfoNCE's ``N``).
    n_train, n_valid : int
        Sizes of the training and held-out splits.
    seconds : float
        Wall-clock seconds of the training and evaluation.
    """

    estimate: Information
    bound: str
    critic: str
    cap: float
    near_cap: bool
    train_curve: np.ndarray = field(repr=False)
    valid_curve: np.ndarray = field(repr=False)
    epochs: int
    best_epoch: int
    batch_size: int
    n_train: int
    n_valid: int
    seconds: float

    @property
    def unit(self) -> str:
        """Unit of the estimate, cap and curves ("bits", "nats", ...)."""
        return self.estimate.unit

    def __str__(self) -> str:
        cap = "no cap" if math.isinf(self.cap) else f"cap {self.cap:.4g} {self.unit}"
        flag = ", NEAR THE CAP: the true MI may be larger" if self.near_cap else ""
        return (
            f"{self.bound} ({self.critic} critic): {float(self.estimate):.4g} {self.unit} held out "
            f"({cap}{flag}); {self.epochs} epochs, best {self.best_epoch}; "
            f"n_train={self.n_train}, n_valid={self.n_valid}, batch_size={self.batch_size}"
        )


def _choice(value: Any, name: str, options: dict[str, str]) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"`{name}` must be one of {sorted(options)}; got {value!r}.")
    return value


def _hidden(hidden: Any) -> tuple[int, ...]:
    rule = "`hidden` must be a non-empty sequence of integers >= 1 (units per hidden layer)"
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (Sequence, np.ndarray)):
        raise TypeError(f"{rule}; got {hidden!r}.")
    sizes = list(hidden)
    bad = [h for h in sizes if isinstance(h, bool) or not isinstance(h, numbers.Integral) or h < 1]
    if not sizes or bad:
        raise ValueError(f"{rule}; got {hidden!r}.")
    return tuple(int(h) for h in sizes)


def _real_in(value: Any, name: str, rule: str, ok: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number {rule}; got {value!r}.")
    v = float(value)
    if not math.isfinite(v) or not ok(v):
        raise ValueError(f"`{name}` must be a real number {rule}; got {value!r}.")
    return v


def neural_mutual_info(
    x: Any,
    y: Any,
    /,
    *,
    bound: str = "infonce",
    critic: str = "separable",
    hidden: Sequence[int] = (128, 128),
    embed_dim: int = 32,
    batch_size: int = 256,
    max_epochs: int = 200,
    learning_rate: float = 1e-3,
    validation_fraction: float = 0.2,
    patience: int = 10,
    base: float = 2,
    rng: Any = None,
    progress: bool = False,
    n_jobs: int | None = None,
) -> NeuralMIResult:
    """Estimate I(X; Y) for continuous x and y by training a variational lower bound.

    The rows are split at random into a training set and a held-out set
    (``validation_fraction``). Both variables are standardised (each column centred and scaled
    by the training rows' mean and standard deviation). A critic is trained with Adam on
    shuffled batches of ``batch_size`` rows to maximise the bound; after every epoch the bound
    is evaluated on the held-out rows, training stops when that value has not improved for
    ``patience`` epochs, and the best held-out value is returned.

    Parameters
    ----------
    x, y : array-like, shape (n,) or (n, d)
        Paired continuous samples; a 2-D array is one multivariate variable. Integer data are
        used as numbers (these estimators are for continuous variables).
    bound : {"infonce", "nwj", "mine", "dv"}, default "infonce"
        The variational bound (see Notes).
    critic : {"separable", "concat"}, default "separable"
        ``"separable"``: ``T(x, y) = g(x) . h(y)`` with two MLP encoders of output size
        ``embed_dim``; ``"concat"``: one MLP on ``[x, y]``, evaluated on all
        ``batch_size**2`` pairs of a batch.
    hidden : sequence of int, default (128, 128)
        Units of each hidden layer (ReLU) of the encoders or of the MLP.
    embed_dim : int, default 32
        Output size of the separable critic's encoders (unused by ``"concat"``).
    batch_size : int, default 256
        Rows per batch, at least 2 and at most the size of each split. InfoNCE's estimate can
        never exceed ``log(batch_size)`` nats.
    max_epochs : int, default 200
        Upper limit on passes over the training rows.
    learning_rate : float, default 1e-3
        Adam step size (> 0).
    validation_fraction : float, default 0.2
        Share of rows held out (0 < f < 1); ``round(n * f)`` rows.
    patience : int, default 10
        Epochs without a better held-out value before training stops.
    base : float, default 2
        Logarithm base of the result (2: bits, e: nats).
    rng : None, int or numpy.random.Generator
        Seeds the split, the initial weights and the batch order (None: a fixed default
        seed). The same ``rng`` and ``n_jobs`` give a bit-identical result on CPU.
    progress : bool, default False
        Show a progress bar over epochs with the latest held-out value.
    n_jobs : int, optional
        torch CPU threads during training (None: torch's current setting, -1: all cores).

    Returns
    -------
    NeuralMIResult
        ``estimate`` (an :class:`~mutinfo.Information` in units of ``base``), the cap, the
        training and held-out curves, and the sizes.

    Raises
    ------
    ImportError
        torch is not installed (``pip install "mutinfo[neural]"``).
    ValueError, TypeError
        Bad data or options; the message names the argument.

    Warns
    -----
    EstimatorCapWarning
        InfoNCE's estimate is within 10 % (or 0.1 nat) of ``log(batch_size)``.
    ConstantInputWarning
        x or y is constant; the estimate is 0 and nothing is trained.

    Notes
    -----
    With ``S[i, j] = T(x_i, y_j)`` on a batch of B rows (diagonal: joint pairs; off-diagonal:
    pairs from the product of the marginals), in nats:

    * InfoNCE: ``log B + mean_i [S_ii - log sum_j exp S_ij] <= log B``.
    * NWJ: ``mean_i S_ii - e^{-1} mean_{i != j} exp S_ij``.
    * DV: ``mean_i S_ii - log mean_{i != j} exp S_ij``; "mine" trains the same bound with the
      gradient of the log term taken against a moving average (rate 0.01) of
      ``mean exp S_ij`` (Belghazi et al. 2018), and reports its DV value.

    On the held-out rows InfoNCE uses batches of exactly B rows (each row scored once) and NWJ
    and DV pool ``mean exp S_ij`` over all off-diagonal pairs of those batches. The returned
    value is the best of the per-epoch held-out values, so it carries a small upward
    selection effect; with a few hundred held-out rows it is far smaller than the bounds'
    own downward bias. Any distribution-free lower bound on MI from N samples is at most
    about ``log N`` (McAllester and Stratos 2020); NWJ and DV escape InfoNCE's hard cap only
    at the price of a variance that grows like ``e^I``.

    References
    ----------
    van den Oord, Li and Vinyals (2018), https://doi.org/10.48550/arXiv.1807.03748.
    Poole, Ozair, van den Oord, Alemi and Tucker (2019), https://doi.org/10.48550/arXiv.1905.06922.
    Nguyen, Wainwright and Jordan (2010), https://doi.org/10.1109/TIT.2010.2068870.
    Belghazi et al. (2018), https://doi.org/10.48550/arXiv.1801.04062.
    McAllester and Stratos (2020), https://doi.org/10.48550/arXiv.1811.04251.

    Examples
    --------
    >>> import numpy as np
    >>> from mutinfo.neural import neural_mutual_info
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(3000, 2)); y = 0.8 * x + 0.6 * rng.normal(size=(3000, 2))
    >>> truth = -np.log(1 - 0.8**2)            # 2 components x 0.51 nats = 1.02 nats
    >>> r = neural_mutual_info(x, y, base=np.e, hidden=(64,), rng=0)
    >>> abs(r.estimate - truth) < 0.15 and r.estimate < r.cap
    True
    """
    bound = _choice(bound, "bound", BOUNDS)
    critic = _choice(critic, "critic", CRITICS)
    hidden = _hidden(hidden)
    embed_dim = check_positive_int(embed_dim, "embed_dim")
    batch_size = check_positive_int(batch_size, "batch_size", minimum=2)
    max_epochs = check_positive_int(max_epochs, "max_epochs")
    patience = check_positive_int(patience, "patience")
    learning_rate = _real_in(learning_rate, "learning_rate", "> 0", lambda v: v > 0)
    fraction = _real_in(
        validation_fraction, "validation_fraction", "strictly between 0 and 1", lambda v: 0 < v < 1
    )
    base = check_base(base)
    generator = check_rng(rng)
    n_jobs = check_n_jobs(n_jobs)
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"`progress` must be True or False; got {progress!r}.")
    vx, vy = prepare_variables([x, y], ["x", "y"], discrete=False, stacklevel=3)
    n = vx.n
    from mutinfo.neural._training import split_sizes  # imports torch (clear ImportError if absent)

    n_train, n_valid = split_sizes(n, fraction)
    if batch_size > min(n_train, n_valid):
        raise ValueError(
            f"`batch_size` must be an integer >= 2 and <= the size of each split (n = {n} with "
            f"validation_fraction = {fraction:g}: {n_train} training, {n_valid} held-out rows); "
            f"got {batch_size}."
        )
    cap_nats = math.log(batch_size) if bound == "infonce" else math.inf
    scale = math.log(base)
    if is_constant(vx) or is_constant(vy):  # warned by prepare_variables; MI is exactly 0
        zero = Information(0.0, base=base, method="constant", n=n, quantity="I(x;y)")
        return NeuralMIResult(
            estimate=zero,
            bound=bound,
            critic=critic,
            cap=cap_nats / scale,
            near_cap=False,
            train_curve=np.empty(0),
            valid_curve=np.empty(0),
            epochs=0,
            best_epoch=0,
            batch_size=batch_size,
            n_train=n_train,
            n_valid=n_valid,
            seconds=0.0,
        )
    fit = _fit(
        vx.values,
        vy.values,
        bound,
        critic,
        hidden,
        embed_dim,
        batch_size,
        max_epochs,
        learning_rate,
        fraction,
        patience,
        generator,
        n_jobs,
        progress,
    )
    near = bound == "infonce" and is_near_cap(fit.estimate, batch_size)
    if near:
        hint = "Increase batch_size, or use bound='nwj' or 'mine' (uncapped, but noisy at high MI)."
        warn_near_cap(fit.estimate, batch_size, base, hint, stacklevel=2)
    return NeuralMIResult(
        estimate=Information.from_nats(fit.estimate, base=base, method=bound, n=n, quantity="I(x;y)"),
        bound=bound,
        critic=critic,
        cap=cap_nats / scale,
        near_cap=near,
        train_curve=fit.train_curve / scale,
        valid_curve=fit.valid_curve / scale,
        epochs=fit.epochs,
        best_epoch=fit.best_epoch,
        batch_size=batch_size,
        n_train=fit.n_train,
        n_valid=fit.n_valid,
        seconds=fit.seconds,
    )


def _fit(
    x: np.ndarray,
    y: np.ndarray,
    bound: str,
    critic: str,
    hidden: tuple[int, ...],
    embed_dim: int,
    batch_size: int,
    max_epochs: int,
    learning_rate: float,
    fraction: float,
    patience: int,
    rng: np.random.Generator,
    n_jobs: int | None,
    progress: bool,
) -> Any:
    """Run the training loop, with a rich progress bar over epochs when ``progress``."""
    from mutinfo.neural._training import fit_bound

    def run(on_epoch: Any) -> Any:
        return fit_bound(
            x,
            y,
            bound=bound,
            critic=critic,
            hidden=hidden,
            embed_dim=embed_dim,
            batch_size=batch_size,
            max_epochs=max_epochs,
            learning_rate=learning_rate,
            validation_fraction=fraction,
            patience=patience,
            rng=rng,
            n_jobs=n_jobs,
            on_epoch=on_epoch,
        )

    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn(f"{bound} training"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[held]}"),
            TimeElapsedColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task("train", total=max_epochs, held="")

            def on_epoch(epoch: int, train_value: float, valid_value: float) -> None:
                bar.update(task, completed=epoch, held=f"held-out {valid_value:.3f} nats")

            fit = run(on_epoch)
    else:
        fit = run(None)
    if fit.diverged or fit.best_epoch == 0:
        what = "diverged (a non-finite loss)" if fit.diverged else "gave no finite held-out value"
        warnings.warn(
            f"{bound} training {what} after {fit.epochs} complete epochs; the "
            f"estimate is the best held-out value before that (epoch {fit.best_epoch}"
            + ("" if fit.best_epoch else ": none, so it is NaN")
            + "). Lower learning_rate, or use bound='infonce', whose loss stays bounded.",
            TrainingWarning,
            stacklevel=3,
        )
    return fit
