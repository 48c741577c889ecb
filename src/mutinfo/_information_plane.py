"""The information plane of a small multilayer perceptron trained on real data.

A network is trained with minibatch SGD (numpy only); after every recorded epoch the
activations T of each hidden layer on the training images are *binned* (each unit's value
put into one of ``n_bins`` equal-width bins) and the vector of bin indices becomes one
discrete code per image. Then, with mutinfo's plug-in discrete estimator,

* I(T;X) = ``mutual_info(code, image_index)``, with X the index of the training image (all
  1797 digit images are distinct, so X is a uniform variable over n values and
  I(T;X) <= log2(n)); since T is a function of X it equals H(T);
* I(T;Y) = ``mutual_info(code, label)``, bounded by H(Y) = log2(10) for balanced digits.

This is the estimator of Shwartz-Ziv and Tishby (2017). Read its numbers with care:

* the network is deterministic, so the true I(T;X) of continuous activations is infinite
  (or log n on a finite set of distinct inputs); the binned value measures how many inputs
  share a bin pattern, i.e. the *binning*, not a compression of information. Other bin
  widths give other curves;
* Saxe et al. (2018) showed that the "compression phase" (I(T;X) falling late in training)
  comes from tanh saturation: activations pile up at +-1 and share bins. With ReLU
  (``activation="relu"``) it generally does not appear, while generalisation is similar;
* with up to n distinct codes for n samples, plug-in I(T;Y) is biased upwards (an
  :class:`~mutinfo.UndersampledWarning` summarises where).

References
----------
R. Shwartz-Ziv and N. Tishby, "Opening the black box of deep neural networks via
information" (2017). arXiv:1703.00810. DOI: 10.48550/arXiv.1703.00810

A. M. Saxe et al., "On the information bottleneck theory of deep learning", J. Stat. Mech.
(2019) 124020 (ICLR 2018). DOI: 10.1088/1742-5468/ab3985
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from mutinfo._information import Information
from mutinfo._validation import check_base, check_positive_int, check_rng, check_same_length, to_variable
from mutinfo._warnings import UndersampledWarning
from mutinfo.measures import entropy, mutual_info

__all__ = ["ACTIVATIONS", "InformationPlane", "information_plane"]

#: Hidden-layer nonlinearities offered.
ACTIVATIONS = ("tanh", "relu")


@dataclass(frozen=True, eq=False)
class InformationPlane:
    """I(T;X) and I(T;Y) per hidden layer over training (:func:`information_plane`).

    Attributes
    ----------
    epochs : numpy.ndarray of int, shape (m,)
        The recorded epochs (0 = before training).
    i_tx, i_ty : numpy.ndarray, shape (m, n_layers)
        Binned plug-in estimates of I(T;X) and I(T;Y) per epoch and hidden layer, in units of
        ``base``.
    loss : numpy.ndarray, shape (m,)
        Mean training cross-entropy (nats) at each recorded epoch.
    train_accuracy, test_accuracy : numpy.ndarray, shape (m,)
        Accuracy on the training and held-out images.
    layer_sizes : tuple of int
        Units per hidden layer.
    activation : str
        ``"tanh"`` or ``"relu"``.
    n_bins : int
        Bins per unit.
    bin_edges : list of numpy.ndarray
        Per layer, the bin edges used (tanh: [-1, 1]; relu: [0, largest activation of that
        layer over all recorded epochs]).
    n : int
        Training images (the samples behind every estimate).
    n_test : int
        Held-out images behind ``test_accuracy``.
    h_x : Information
        log(n): the largest I(T;X) (X uniform over n distinct images).
    h_y : Information
        Plug-in H(Y) of the training labels: the largest I(T;Y).
    base : float
        Logarithm base.
    """

    epochs: np.ndarray
    i_tx: np.ndarray
    i_ty: np.ndarray
    loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    layer_sizes: tuple[int, ...]
    activation: str
    n_bins: int
    bin_edges: list[np.ndarray]
    n: int
    n_test: int
    h_x: Information
    h_y: Information
    base: float

    def __repr__(self) -> str:
        return (
            f"InformationPlane({self.activation}, layers={self.layer_sizes}, {len(self.epochs)} epochs, "
            f"n={self.n}, {self.n_bins} bins, final test accuracy={self.test_accuracy[-1]:.3f})"
        )


def _load(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    if x is None and y is None:
        from mutinfo.datasets import load_digits_clusters

        frame = load_digits_clusters()
        return frame.drop(columns="digit").to_numpy(np.float64) / 16.0, frame["digit"].to_numpy()
    if x is None or y is None:
        raise ValueError("`x` and `y` must be given together (or neither, for the digits); got only one.")
    vx = to_variable(x, "x", discrete=False)
    vy = to_variable(y, "y", discrete=True)
    n = check_same_length(vx, vy)
    if n < 4:
        raise ValueError(f"`x` and `y` must have at least 4 samples; got {n}.")
    return vx.values.reshape(n, -1), vy.values


def _forward(
    weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray, act: str
) -> list[np.ndarray]:
    """Activations of every layer (hidden ones through ``act``; the last are logits)."""
    outs = [x]
    for j, (w, b) in enumerate(zip(weights, biases)):
        z = outs[-1] @ w + b
        if j < len(weights) - 1:
            z = np.tanh(z) if act == "tanh" else np.maximum(z, 0.0)
        outs.append(z)
    return outs


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sgd_epoch(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    x: np.ndarray,
    onehot: np.ndarray,
    act: str,
    lr: float,
    batch: int,
    gen: np.random.Generator,
) -> None:
    order = gen.permutation(x.shape[0])
    for start in range(0, x.shape[0], batch):
        idx = order[start : start + batch]
        outs = _forward(weights, biases, x[idx], act)
        delta = (_softmax(outs[-1]) - onehot[idx]) / idx.shape[0]  # d loss / d logits
        for j in range(len(weights) - 1, -1, -1):
            grad_w = outs[j].T @ delta
            grad_b = delta.sum(axis=0)
            if j > 0:
                back = delta @ weights[j].T
                delta = back * (1.0 - outs[j] ** 2) if act == "tanh" else back * (outs[j] > 0)
            weights[j] -= lr * grad_w
            biases[j] -= lr * grad_b


def _codes(h: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """One integer code per row: the pattern of bin indices of its units."""
    bins = np.digitize(h, edges[1:-1])
    return np.unique(bins, axis=0, return_inverse=True)[1].ravel()


def information_plane(
    x: Any = None,
    y: Any = None,
    /,
    *,
    activation: str = "tanh",
    hidden: tuple[int, ...] = (12, 6, 3),
    n_epochs: int = 150,
    n_bins: int = 30,
    learning_rate: float = 0.02,
    batch_size: int = 32,
    test_fraction: float = 0.25,
    record_every: int = 1,
    rng: Any = None,
    base: float = 2,
) -> InformationPlane:
    """Train a small MLP and estimate I(T;X), I(T;Y) of every hidden layer over the epochs.

    Parameters
    ----------
    x, y : array-like, optional
        Features (n, d) and class labels (n,). Default: scikit-learn's copy of the UCI digits
        (1797 8x8 images, pixels scaled to [0, 1], labels 0-9).
    activation : {"tanh", "relu"}, default "tanh"
        Hidden-layer nonlinearity (the output is a softmax).
    hidden : tuple of int, default (12, 6, 3)
        Units per hidden layer.
    n_epochs : int, default 150
        Training epochs (one pass of minibatch SGD over the training images each).
    n_bins : int, default 30
        Equal-width bins per unit (Shwartz-Ziv and Tishby used 30 on [-1, 1]).
    learning_rate : float, default 0.02
        SGD step size.
    batch_size : int, default 32
        Minibatch size.
    test_fraction : float, default 0.25
        Share of the images held out for the test accuracy (a seeded shuffle).
    record_every : int, default 1
        Estimate every this many epochs (epoch 0 and the last are always recorded).
    rng : None, int or numpy.random.Generator
        Seed of the split, the weights and the minibatch order: equal seeds repeat exactly.
    base : float, default 2
        Logarithm base of the estimates (2: bits).

    Returns
    -------
    InformationPlane
        Per recorded epoch and hidden layer, I(T;X) and I(T;Y); loss and accuracies.

    Warns
    -----
    UndersampledWarning
        Once, when binned codes have fewer than 4 samples per occupied cell of (T, Y) (the
        usual case for wide layers): plug-in I(T;Y) is biased upwards there.

    Notes
    -----
    A layer whose activations all fall in one bin pattern has I(T;X) = I(T;Y) = 0 exactly.
    I(T;X) is computed as the plug-in ``mutinfo.mutual_info(code, index, discrete=True,
    method="plugin")``; it equals H(T) because T is a function of X. It measures the bin
    occupancy of a deterministic map, not a compression of information, and whether it falls
    late in training depends on the activation (Saxe et al. 2018): see the module docstring.

    References
    ----------
    Shwartz-Ziv and Tishby (2017), arXiv:1703.00810; Saxe et al. (2018),
    DOI: 10.1088/1742-5468/ab3985.

    Examples
    --------
    >>> import math
    >>> from mutinfo.bottleneck import information_plane
    >>> plane = information_plane(activation="relu", n_epochs=3, rng=0)
    >>> bool((plane.i_ty <= plane.h_y + 1e-9).all() and (plane.i_tx <= math.log2(plane.n) + 1e-9).all())
    True
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {list(ACTIVATIONS)}; got {activation!r}.")
    if isinstance(hidden, (int, np.integer)) or not hasattr(hidden, "__len__") or len(hidden) == 0:
        raise ValueError(f"`hidden` must be a non-empty tuple of layer sizes >= 1; got {hidden!r}.")
    sizes = tuple(check_positive_int(h, "hidden") for h in hidden)
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    n_bins = check_positive_int(n_bins, "n_bins", minimum=2)
    batch_size = check_positive_int(batch_size, "batch_size")
    record_every = check_positive_int(record_every, "record_every")
    for name, value in (("learning_rate", learning_rate), ("test_fraction", test_fraction)):
        upper = 1.0 if name == "test_fraction" else math.inf
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) < upper:
            raise ValueError(f"`{name}` must be a number in (0, {upper:g}); got {value!r}.")
    base = check_base(base)
    gen = check_rng(rng)
    data, labels = _load(x, y)
    order = gen.permutation(data.shape[0])
    n_test = round(float(test_fraction) * data.shape[0])
    test, train = order[:n_test], order[n_test:]
    if train.shape[0] < 2 or n_test < 1:
        raise ValueError(
            f"`test_fraction` leaves {train.shape[0]} training and {n_test} test samples; need >= 2 and >= 1."
        )
    xtr, ytr, xte, yte = data[train], labels[train], data[test], labels[test]
    n_classes = int(labels.max()) + 1
    onehot = np.eye(n_classes)[ytr]
    dims = (data.shape[1], *sizes, n_classes)
    weights = [gen.normal(0.0, 1.0 / math.sqrt(a), size=(a, b)) for a, b in itertools.pairwise(dims)]
    biases = [np.zeros(b) for b in dims[1:]]

    epochs, hidden_acts, loss, acc_tr, acc_te = [], [], [], [], []
    for epoch in range(n_epochs + 1):
        if epoch > 0:
            _sgd_epoch(weights, biases, xtr, onehot, activation, float(learning_rate), batch_size, gen)
        if epoch % record_every and epoch != n_epochs:
            continue
        outs = _forward(weights, biases, xtr, activation)
        probs = _softmax(outs[-1])
        epochs.append(epoch)
        hidden_acts.append([o.astype(np.float32) for o in outs[1:-1]])
        loss.append(float(-np.mean(np.log(probs[np.arange(ytr.shape[0]), ytr] + 1e-300))))
        acc_tr.append(float(np.mean(probs.argmax(axis=1) == ytr)))
        acc_te.append(float(np.mean(_forward(weights, biases, xte, activation)[-1].argmax(axis=1) == yte)))

    if activation == "tanh":
        edges = [np.linspace(-1.0, 1.0, n_bins + 1) for _ in sizes]
    else:
        tops = [max(float(acts[j].max()) for acts in hidden_acts) for j in range(len(sizes))]
        edges = [np.linspace(0.0, top if top > 0 else 1.0, n_bins + 1) for top in tops]
    index = np.arange(ytr.shape[0])
    i_tx = np.empty((len(epochs), len(sizes)))
    i_ty = np.empty_like(i_tx)
    undersampled = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UndersampledWarning)
        for e, acts in enumerate(hidden_acts):
            for j, h in enumerate(acts):
                code = _codes(h, edges[j])
                if code.max() == 0:  # every image in one bin pattern (e.g. a dead ReLU layer)
                    i_tx[e, j] = i_ty[e, j] = 0.0
                    continue
                i_tx[e, j] = mutual_info(code, index, discrete=True, method="plugin", base=base)
                i_ty[e, j] = mutual_info(code, ytr, discrete=True, method="plugin", base=base)
    for w in caught:
        if issubclass(w.category, UndersampledWarning):
            undersampled += 1
        else:  # pass every other warning on unchanged
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if undersampled:
        warnings.warn(
            f"{undersampled} of the {2 * i_tx.size} binned estimates had fewer than 4 training images per "
            f"occupied cell (n = {ytr.shape[0]}): there plug-in I(T;X) and I(T;Y) are biased upwards and the "
            "numbers describe the binning of this training set (Shwartz-Ziv and Tishby's estimator), "
            "not a property of the network.",
            UndersampledWarning,
            stacklevel=2,
        )
    h_y = entropy(ytr, discrete=True, method="plugin", base=base)
    info = {"base": base, "method": "plugin", "n": int(ytr.shape[0])}
    return InformationPlane(
        epochs=np.asarray(epochs, dtype=np.int64),
        i_tx=i_tx,
        i_ty=i_ty,
        loss=np.asarray(loss),
        train_accuracy=np.asarray(acc_tr),
        test_accuracy=np.asarray(acc_te),
        layer_sizes=sizes,
        activation=activation,
        n_bins=n_bins,
        bin_edges=edges,
        n=int(ytr.shape[0]),
        n_test=int(yte.shape[0]),
        h_x=Information(math.log(ytr.shape[0]) / math.log(base), quantity="log n", **info),
        h_y=Information(float(h_y), quantity="H(Y)", **info),
        base=base,
    )
