"""The information bottleneck: compress X into clusters T that keep what X says about Y.

For a discrete joint distribution p(x, y) and a trade-off ``beta >= 0``, the information
bottleneck (IB) looks for a stochastic encoder p(t|x) that minimises the Lagrangian

.. math::

    \\mathcal{L}_{IB} = I(T;X) - \\beta\\, I(T;Y), \\qquad T - X - Y \\text{ a Markov chain}.

Tishby, Pereira and Bialek (1999) showed that its stationary points satisfy the
self-consistent equations

.. math::

    p(t|x) = \\frac{p(t)}{Z(x, \\beta)} \\exp\\big(-\\beta\\, D_{KL}[p(y|x)\\,\\|\\,p(y|t)]\\big),\\quad
    p(t) = \\sum_x p(x) p(t|x),\\quad
    p(y|t) = \\frac{1}{p(t)} \\sum_x p(x, y) p(t|x),

and that iterating them (a Blahut-Arimoto-like alternation) decreases the Lagrangian to a
local minimum. The deterministic IB (Strouse and Schwab 2017) replaces I(T;X) by H(T); its
fixed points are hard encoders, ``t(x) = argmax_t [log p(t) - beta D_KL(p(y|x) || p(y|t))]``.

Sweeping beta traces the IB curve I(T;Y) against I(T;X) (or H(T)): it starts at (0, 0) for
beta <= 1 and rises towards I(X;Y), which it can reach only when T has enough clusters to
keep every distinct p(y|x) apart; its horizontal limit is H(X). The optimal curve is concave
and non-decreasing; the iteration finds local optima, so :func:`ib_curve` anneals: it warm-starts
each beta from the encoder found at the previous, smaller beta, mixed with a small random
perturbation so that clusters can split at the critical betas (Slonim 2002; Zaslavsky and
Tishby 2019).

The information plane of a trained network (:func:`information_plane`) lives in
:mod:`mutinfo._information_plane` and is re-exported here.

References
----------
N. Tishby, F. C. Pereira and W. Bialek, "The information bottleneck method", Proc. 37th
Allerton Conference (1999). arXiv:physics/0004057. DOI: 10.48550/arXiv.physics/0004057

D. J. Strouse and D. J. Schwab, "The deterministic information bottleneck", Neural
Computation 29(6), 1611-1630 (2017). DOI: 10.1162/NECO_a_00961

N. Slonim, "The information bottleneck: theory and applications", PhD thesis, Hebrew
University of Jerusalem (2002).

N. Zaslavsky and N. Tishby, "Deterministic annealing and the evolution of information
bottleneck representations" (2019). https://www.nogsky.com/publication/2019-evo-ib/
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from mutinfo import _bottleneck_kernels as _k
from mutinfo._information import Information
from mutinfo._information_plane import InformationPlane, information_plane
from mutinfo._validation import check_base, check_positive_int, check_rng, prepare_variables
from mutinfo._warnings import ConvergenceWarning

__all__ = [
    "MAX_AGGLOMERATIVE",
    "BottleneckResult",
    "IBCurve",
    "InformationPlane",
    "JointDistribution",
    "ib_curve",
    "information_bottleneck",
    "information_plane",
    "joint_from_samples",
]

#: Largest |X| for which the agglomerative start is computed (its cost grows as |X|^3 |Y|).
MAX_AGGLOMERATIVE = _k.MAX_AGGLOMERATIVE

#: How far the entries of a joint may sum away from 1 (absolute) and still be accepted.
SUM_TOLERANCE = 1e-9


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --------------------------------------------------------------------------- results


class JointDistribution(NamedTuple):
    """A discrete joint distribution estimated from paired samples (:func:`joint_from_samples`).

    Attributes
    ----------
    p_xy : numpy.ndarray, shape (n_x, n_y)
        Relative frequencies; ``p_xy[i, j]`` belongs to ``x_values[i]`` and ``y_values[j]``.
    x_values, y_values : numpy.ndarray
        The distinct values of x and y, in the order of the rows and columns.
    n : int
        Number of samples counted.
    """

    p_xy: np.ndarray
    x_values: np.ndarray
    y_values: np.ndarray
    n: int


@dataclass(frozen=True, eq=False)
class BottleneckResult:
    """One solution of the (deterministic) information bottleneck at one beta.

    Attributes
    ----------
    encoder : numpy.ndarray, shape (n_x, n_clusters)
        p(t|x); each row sums to 1. Rows of x with p(x) = 0 hold p(t) (they carry no mass and
        change no quantity). With ``deterministic=True`` every row with p(x) > 0 is one-hot.
    p_t : numpy.ndarray, shape (n_clusters,)
        Cluster probabilities p(t). Clusters can end empty (p(t) = 0).
    p_y_given_t : numpy.ndarray, shape (n_clusters, n_y)
        The decoder p(y|t); rows of empty clusters are NaN (undefined).
    i_tx, i_ty, h_t : Information
        I(T;X), I(T;Y) and H(T) in units of ``base``; exact for the given joint (``n = 0``:
        no samples were involved).
    beta : float
        The trade-off parameter.
    n_iter : int
        Iterations run.
    converged : bool
        Whether the encoder stopped changing (max absolute change < ``tol``; for the
        deterministic IB, no assignment changed) before ``max_iter``.
    lagrangian : float
        I(T;X) - beta I(T;Y) (IB) or H(T) - beta I(T;Y) (deterministic IB), in units of ``base``.
    deterministic : bool
        Whether the deterministic IB was solved.
    base : float
        Logarithm base of the information quantities.
    """

    encoder: np.ndarray
    p_t: np.ndarray
    p_y_given_t: np.ndarray
    i_tx: Information
    i_ty: Information
    h_t: Information
    beta: float
    n_iter: int
    converged: bool
    lagrangian: float
    deterministic: bool
    base: float

    @property
    def n_used(self) -> int:
        """Number of clusters with p(t) > 0."""
        return int(np.count_nonzero(self.p_t > 0))

    @property
    def assignments(self) -> np.ndarray:
        """The most likely cluster of each x (``argmax_t p(t|x)``), shape (n_x,)."""
        return np.argmax(self.encoder, axis=1)

    def __repr__(self) -> str:
        kind = "DIB" if self.deterministic else "IB"
        return (
            f"BottleneckResult({kind}, beta={self.beta:g}, I(T;X)={float(self.i_tx):.6g}, "
            f"I(T;Y)={float(self.i_ty):.6g} {self.i_tx.unit}, clusters used={self.n_used}/"
            f"{self.p_t.shape[0]}, converged={self.converged})"
        )


@dataclass(frozen=True, eq=False)
class IBCurve:
    """The IB curve: solutions over increasing betas (:func:`ib_curve`).

    Attributes
    ----------
    betas : numpy.ndarray, shape (m,)
        The betas, in increasing order.
    i_tx, i_ty, h_t : numpy.ndarray, shape (m,)
        I(T;X), I(T;Y) and H(T) at each beta, in units of ``base``.
    lagrangian : numpy.ndarray, shape (m,)
        The minimised Lagrangian at each beta.
    encoders : numpy.ndarray, shape (m, n_x, n_clusters)
        p(t|x) at each beta.
    n_used : numpy.ndarray of int, shape (m,)
        Clusters with p(t) > 0 at each beta.
    converged : numpy.ndarray of bool, shape (m,)
        Whether each solve converged.
    i_xy : Information
        I(X;Y), the curve's vertical limit (reached only with enough clusters).
    h_x : Information
        H(X), the largest possible I(T;X).
    deterministic : bool
        Whether the deterministic IB was solved (then ``h_t`` equals ``i_tx``).
    base : float
        Logarithm base.
    """

    betas: np.ndarray
    i_tx: np.ndarray
    i_ty: np.ndarray
    h_t: np.ndarray
    lagrangian: np.ndarray
    encoders: np.ndarray
    n_used: np.ndarray
    converged: np.ndarray
    i_xy: Information
    h_x: Information
    deterministic: bool
    base: float

    def __len__(self) -> int:
        return int(self.betas.shape[0])

    def __repr__(self) -> str:
        kind = "DIB" if self.deterministic else "IB"
        return (
            f"IBCurve({kind}, {len(self)} betas from {self.betas[0]:g} to {self.betas[-1]:g}, "
            f"I(T;Y) up to {float(np.max(self.i_ty)):.6g} of I(X;Y)={float(self.i_xy):.6g} {self.i_xy.unit})"
        )


# --------------------------------------------------------------------------- validation


def check_joint(p_xy: Any, name: str = "p_xy") -> np.ndarray:
    """Validate a joint probability table: 2-D, real, finite, >= 0, summing to 1."""
    if isinstance(p_xy, (str, bytes, dict, set)):
        raise TypeError(
            f"`{name}` must be a 2-D array of probabilities; got {type(p_xy).__name__} {_show(p_xy)}."
        )
    try:
        arr = np.asarray(p_xy)
    except Exception as exc:  # ragged lists and other shapes numpy refuses
        raise ValueError(
            f"`{name}` must be a 2-D array of probabilities; got {_show(p_xy)} ({exc})."
        ) from None
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"`{name}` must hold real numbers; got dtype {arr.dtype} in {_show(p_xy)}.")
    if arr.ndim != 2:
        raise ValueError(
            f"`{name}` must be a 2-D array (rows x, columns y); got {arr.ndim} dimension(s): {_show(p_xy)}."
        )
    if arr.size == 0:
        raise ValueError(f"`{name}` must have at least one row and one column; got shape {arr.shape}.")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"`{name}` must contain only finite numbers; got NaN or inf in {_show(p_xy)}.")
    if (arr < 0).any():
        raise ValueError(f"`{name}` must be nonnegative; got the value {arr.min()!r} in {_show(p_xy)}.")
    total = float(arr.sum())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(
            f"`{name}` must sum to 1 (within {SUM_TOLERANCE:g}); got a sum of {total!r}. "
            "Divide by its sum, or build it with joint_from_samples(x, y)."
        )
    return arr / total


def _check_beta(beta: Any, name: str = "beta") -> float:
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise TypeError(f"`{name}` must be a real number >= 0; got {_show(beta)}.")
    value = float(beta)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"`{name}` must be a finite number >= 0; got {_show(beta)}.")
    return value


def _check_tol(tol: Any) -> float:
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not (0 < float(tol) < 1):
        raise ValueError(f"`tol` must be a number in (0, 1); got {_show(tol)}.")
    return float(tol)


def _check_init(init: Any, n_x: int, n_clusters: int) -> np.ndarray:
    arr = None
    if not isinstance(init, str):
        try:
            arr = np.asarray(init, dtype=np.float64)
        except (TypeError, ValueError):
            arr = None
    if arr is None or arr.shape != (n_x, n_clusters):
        raise ValueError(
            "`init` must be None, 'random', 'agglomerative' or an encoder p(t|x) of shape "
            f"(n_x, n_clusters) = ({n_x}, {n_clusters}); "
            f"got {_show(init) if arr is None else f'shape {arr.shape}'}."
        )
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(f"`init` must hold finite probabilities >= 0; got {_show(init)}.")
    sums = arr.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"every row of `init` must sum to 1; got row sums {_show(sums)}.")
    return arr


def _result(
    q: np.ndarray,
    prob: _k.Problem,
    beta: float,
    n_iter: int,
    converged: bool,
    deterministic: bool,
    base: float,
) -> BottleneckResult:
    p_t, p_yt_support, i_tx, i_ty, h_t = _k.summaries(q, prob)
    n_x, n_y = prob.shape
    encoder = np.tile(p_t, (n_x, 1))
    encoder[prob.rows] = q
    p_yt = np.zeros((q.shape[1], n_y))
    p_yt[:, prob.cols] = p_yt_support
    p_yt[p_t == 0] = np.nan
    log_b = math.log(base)
    info = {"base": base, "method": "dib" if deterministic else "ib", "n": 0}
    first = h_t if deterministic else i_tx
    return BottleneckResult(
        encoder=encoder,
        p_t=p_t,
        p_y_given_t=p_yt,
        i_tx=Information(i_tx / log_b, quantity="I(T;X)", **info),
        i_ty=Information(i_ty / log_b, quantity="I(T;Y)", **info),
        h_t=Information(h_t / log_b, quantity="H(T)", **info),
        beta=beta,
        n_iter=n_iter,
        converged=converged,
        lagrangian=(first - beta * i_ty) / log_b,
        deterministic=deterministic,
        base=base,
    )


# --------------------------------------------------------------------------- public


def joint_from_samples(x: Any, y: Any, /) -> JointDistribution:
    """The empirical joint distribution of two discrete samples.

    Parameters
    ----------
    x, y : array-like, shape (n,) or (n, d)
        Paired discrete samples (integers, strings, categories, booleans); a 2-D array is one
        multivariate variable whose distinct rows are its values.

    Returns
    -------
    JointDistribution
        ``p_xy`` (relative frequencies, shape (distinct x, distinct y)), ``x_values``,
        ``y_values`` and ``n``.

    Examples
    --------
    >>> from mutinfo.bottleneck import joint_from_samples
    >>> joint = joint_from_samples([0, 0, 1, 1], ["a", "b", "b", "b"])
    >>> joint.p_xy.tolist(), joint.y_values.tolist()
    ([[0.25, 0.25], [0.0, 0.5]], ['a', 'b'])
    """
    vx, vy = prepare_variables([x, y], ["x", "y"], discrete=True, warn_constant=False)
    counts = np.zeros((vx.n_levels, vy.n_levels))
    np.add.at(counts, (vx.values, vy.values), 1.0)
    return JointDistribution(counts / vx.n, np.asarray(vx.levels), np.asarray(vy.levels), vx.n)


def information_bottleneck(
    p_xy: Any,
    /,
    beta: float,
    n_clusters: int,
    *,
    deterministic: bool = False,
    max_iter: int = 10_000,
    tol: float = 1e-10,
    rng: Any = None,
    init: Any = None,
    base: float = 2,
) -> BottleneckResult:
    """Solve the information bottleneck for a discrete joint distribution at one beta.

    Parameters
    ----------
    p_xy : array-like, shape (n_x, n_y)
        Joint probabilities p(x, y): nonnegative, summing to 1 (see :func:`joint_from_samples`
        to build one from samples). Zero rows and columns are allowed.
    beta : float
        Trade-off >= 0 between compression and relevance: the weight of I(T;Y) in the
        Lagrangian. Dimensionless (the same in every ``base``).
    n_clusters : int
        Number of clusters |T| >= 1 (an upper bound: clusters may end empty).
    deterministic : bool, default False
        Solve the deterministic IB (Strouse and Schwab 2017): minimise H(T) - beta I(T;Y) with
        hard assignments.
    max_iter : int, default 10000
        Largest number of self-consistent updates.
    tol : float, default 1e-10
        Convergence threshold on the largest change of any p(t|x) between two updates.
    rng : None, int or numpy.random.Generator
        Seed of the random initial encoder (None: a fixed default seed, so runs repeat).
    init : {None, "random", "agglomerative"} or array-like, shape (n_x, n_clusters)
        Start of the iteration. None or ``"random"``: a random encoder (rows drawn from a flat
        Dirichlet with ``rng``). ``"agglomerative"``: the hard partition of the agglomerative
        IB (Slonim and Tishby 1999: merge the x whose merge loses least I(T;Y) until
        ``n_clusters`` remain; each x alone when ``n_clusters >= n_x``), a good start at
        large beta; at most 400 values of x. An array: an encoder p(t|x) (rows summing to 1),
        as :func:`ib_curve` uses to warm-start.
    base : float, default 2
        Logarithm base of I(T;X), I(T;Y), H(T) and the Lagrangian (2: bits, e: nats).

    Returns
    -------
    BottleneckResult
        The encoder, p(t), p(y|t), I(T;X), I(T;Y), H(T), iterations, convergence flag and
        Lagrangian value.

    Raises
    ------
    ValueError, TypeError
        ``p_xy`` not a 2-D nonnegative table summing to 1; ``beta`` negative or not finite;
        ``n_clusters`` < 1; a malformed ``init``.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` updates did not meet ``tol`` (the last encoder is returned, with
        ``converged=False``).

    Notes
    -----
    The updates run in log space (see the module docstring): an infinite divergence
    (p(y|t) = 0 where p(y|x) > 0) or an empty cluster gets probability exactly 0, written out
    explicitly rather than through log(0). The problem is not convex: a run finds a local
    optimum that depends on the start. For large beta from a random start, distinct x can stay
    merged in one cluster; :func:`ib_curve` (annealing from small beta) avoids most of this.
    I(T;Y) <= I(T;X) <= H(X) and I(T;Y) <= I(X;Y) hold for every encoder (data processing in
    the chain T - X - Y).

    References
    ----------
    Tishby, Pereira and Bialek (1999), arXiv:physics/0004057; Strouse and Schwab (2017),
    DOI: 10.1162/NECO_a_00961.

    Examples
    --------
    A binary symmetric channel with crossover 0.1: I(X;Y) = 1 - H2(0.1) = 0.531 bits. Two
    clusters at a large beta keep all of it.

    >>> import numpy as np
    >>> from mutinfo.bottleneck import information_bottleneck
    >>> p = np.array([[0.45, 0.05], [0.05, 0.45]])
    >>> res = information_bottleneck(p, beta=50, n_clusters=2, rng=0)
    >>> round(float(res.i_ty), 4), round(float(res.i_tx), 4)
    (0.531, 1.0)
    """
    table = check_joint(p_xy)
    beta = _check_beta(beta)
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = _check_tol(tol)
    base = check_base(base)
    if not isinstance(deterministic, (bool, np.bool_)):
        raise TypeError(f"`deterministic` must be True or False; got {_show(deterministic)}.")
    prob = _k.problem(table)
    if init is None or (isinstance(init, str) and init == "random"):
        q0 = _k.random_encoder(check_rng(rng), prob.rows.shape[0], n_clusters)
    elif isinstance(init, str) and init == "agglomerative":
        if prob.rows.shape[0] > _k.MAX_AGGLOMERATIVE:
            raise ValueError(
                f"`init`='agglomerative' needs at most {_k.MAX_AGGLOMERATIVE} values of x with p(x) > 0; "
                f"got {prob.rows.shape[0]}. Use init='random' or pass an encoder."
            )
        q0 = _k.agglomerative(prob.px, prob.pyx, n_clusters)
    else:
        q0 = _check_init(init, table.shape[0], n_clusters)[prob.rows]
    q, n_iter, converged = _k.iterate(q0, prob, beta, bool(deterministic), max_iter, tol)
    if not converged:
        warnings.warn(
            f"The {'deterministic ' if deterministic else ''}information bottleneck at beta={beta:g} did not "
            f"converge in {max_iter} updates (tolerance {tol:g}); the last encoder is returned. Near a "
            "critical beta, where clusters split, convergence is slow: raise `max_iter`.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return _result(q, prob, beta, n_iter, converged, bool(deterministic), base)


def ib_curve(
    p_xy: Any,
    /,
    betas: Any,
    n_clusters: int,
    *,
    anneal: bool = True,
    deterministic: bool = False,
    perturbation: float = 0.01,
    max_iter: int = 10_000,
    tol: float = 1e-10,
    rng: Any = None,
    base: float = 2,
) -> IBCurve:
    """The IB curve, I(T;Y) against I(T;X), over a sweep of betas.

    Parameters
    ----------
    p_xy : array-like, shape (n_x, n_y)
        Joint probabilities (see :func:`information_bottleneck`).
    betas : array-like of float, shape (m,)
        Distinct betas >= 0, finite; solved (and returned) in increasing order.
    n_clusters : int
        Number of clusters |T| >= 1.
    anneal : bool, default True
        Warm-start each beta from the previous encoder mixed with a random encoder
        (weight ``perturbation``), sweeping upwards from the smallest beta and downwards from
        the largest (see Notes). With ``False`` every beta starts from its own random
        encoder.
    deterministic : bool, default False
        Sweep the deterministic IB instead (then I(T;X) = H(T) on the curve).
    perturbation : float, default 0.01
        Weight in (0, 1) of the random encoder mixed into each warm start: it lets clusters
        split where the previous solution is a saddle.
    max_iter, tol :
        Per beta, as in :func:`information_bottleneck`.
    rng : None, int or numpy.random.Generator
        Seed for the initial encoder and the perturbations.
    base : float, default 2
        Logarithm base of the information quantities.

    Returns
    -------
    IBCurve
        Arrays ``betas``, ``i_tx``, ``i_ty``, ``h_t``, ``lagrangian``, ``encoders``,
        ``n_used``, ``converged``, and the bounds ``i_xy`` (I(X;Y)) and ``h_x`` (H(X)).

    Warns
    -----
    ConvergenceWarning
        Once, naming the betas that did not converge.

    Notes
    -----
    Annealing follows Slonim (2002) and Zaslavsky and Tishby (2019): at small beta the only
    solution is the trivial one (I(T;X) = 0, which holds for every beta <= 1); as beta grows,
    the perturbed warm start lets a cluster split where the trivial solution stops being a
    minimum, so the curve climbs through the phase transitions instead of restarting from
    scratch at every beta. The upward sweep starts from the trivial encoder (every x in one
    cluster) mixed with the perturbation. An upward sweep can get stuck with a poor split made early (and
    the hard clusters of the deterministic IB never split from a small perturbation), so a
    second sweep runs downwards from the agglomerative IB partition at the largest beta
    (Slonim and Tishby 1999; every x alone when ``n_clusters >= n_x``), where clusters merge
    as beta falls. At each beta the solution with the lower Lagrangian is kept (when
    |X| <= 400; above, the upward sweep alone), and a solution whose Lagrangian is above 0,
    the value of the trivial encoder, is replaced by the trivial encoder. The exact IB curve is concave and
    non-decreasing; the computed one is a set of local optima, close to it on small problems.

    N. Slonim and N. Tishby, "Agglomerative information bottleneck", NIPS 12 (1999).
    https://papers.nips.cc/paper/1651-agglomerative-information-bottleneck

    Examples
    --------
    >>> import numpy as np
    >>> from mutinfo.bottleneck import ib_curve
    >>> p = np.array([[0.30, 0.05], [0.20, 0.05], [0.05, 0.35]])
    >>> curve = ib_curve(p, np.geomspace(0.5, 1000, 40), n_clusters=3, rng=0)
    >>> bool(abs(curve.i_ty[-1] - curve.i_xy) < 1e-6)
    True
    """
    table = check_joint(p_xy)
    if isinstance(betas, (str, bytes)):
        raise TypeError(f"`betas` must be a 1-D array of numbers >= 0; got {_show(betas)}.")
    try:
        raw = np.asarray(betas)
    except ValueError:  # ragged
        raise ValueError(f"`betas` must be a non-empty 1-D array of numbers; got {_show(betas)}.") from None
    if raw.dtype == bool or not (
        np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
    ):
        raise TypeError(
            f"`betas` must be a 1-D array of real numbers >= 0; got {_show(betas)} (dtype {raw.dtype})."
        )
    grid = raw.astype(np.float64)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError(f"`betas` must be a non-empty 1-D array; got shape {grid.shape}: {_show(betas)}.")
    if not np.isfinite(grid).all() or (grid < 0).any():
        raise ValueError(f"`betas` must hold finite numbers >= 0; got {_show(betas)}.")
    grid = np.sort(grid)
    if (np.diff(grid) == 0).any():
        raise ValueError(f"`betas` must be distinct; got repeated values in {_show(betas)}.")
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = _check_tol(tol)
    base = check_base(base)
    if (
        isinstance(perturbation, bool)
        or not isinstance(perturbation, numbers.Real)
        or not 0 < perturbation < 1
    ):
        raise ValueError(f"`perturbation` must be a number in (0, 1); got {_show(perturbation)}.")
    generator = check_rng(rng)
    prob = _k.problem(table)
    n_x = prob.rows.shape[0]
    det = bool(deterministic)

    def solve(beta: float, start: np.ndarray) -> BottleneckResult:
        q, n_iter, converged = _k.iterate(start, prob, beta, det, max_iter, tol)
        return _result(q, prob, beta, n_iter, converged, det, base)

    def sweep(order: np.ndarray, q: np.ndarray) -> list[BottleneckResult]:
        out = []
        for beta in order:
            start = (1 - perturbation) * q + perturbation * _k.random_encoder(generator, n_x, n_clusters)
            out.append(solve(float(beta), start))
            q = out[-1].encoder[prob.rows]
        return out

    trivial = np.zeros((n_x, n_clusters))
    trivial[:, 0] = 1.0  # every x in one cluster: I(T;X) = H(T) = 0, Lagrangian 0
    if not anneal:
        results = [solve(float(b), _k.random_encoder(generator, n_x, n_clusters)) for b in grid]
    else:
        results = sweep(grid, trivial)
        if n_x <= _k.MAX_AGGLOMERATIVE:
            down = sweep(grid[::-1], _k.agglomerative(prob.px, prob.pyx, n_clusters))[::-1]
            results = [d if d.lagrangian < u.lagrangian else u for u, d in zip(results, down, strict=True)]
        # the trivial encoder is feasible at every beta: a local optimum above it is replaced
        results = [solve(r.beta, trivial) if r.lagrangian > 0 else r for r in results]
    failed = [r.beta for r in results if not r.converged]
    if failed:
        shown = ", ".join(f"{b:.4g}" for b in failed[:8]) + (" ..." if len(failed) > 8 else "")
        warnings.warn(
            f"{len(failed)} of {len(results)} betas did not converge in {max_iter} updates (beta = {shown}); "
            "their points may sit off the curve. Raise `max_iter`.",
            ConvergenceWarning,
            stacklevel=2,
        )
    log_b = math.log(base)
    bound = {"base": base, "method": "plugin", "n": 0}
    pxy_support = prob.pxy
    i_xy = _k.xlogx_ratio(pxy_support, prob.px[:, None] * prob.py[None, :])
    return IBCurve(
        betas=grid,
        i_tx=np.array([float(r.i_tx) for r in results]),
        i_ty=np.array([float(r.i_ty) for r in results]),
        h_t=np.array([float(r.h_t) for r in results]),
        lagrangian=np.array([r.lagrangian for r in results]),
        encoders=np.stack([r.encoder for r in results]),
        n_used=np.array([r.n_used for r in results], dtype=np.int64),
        converged=np.array([r.converged for r in results], dtype=bool),
        i_xy=Information(i_xy / log_b, quantity="I(X;Y)", **bound),
        h_x=Information(_k.entropy_nats(prob.px) / log_b, quantity="H(X)", **bound),
        deterministic=bool(deterministic),
        base=base,
    )
