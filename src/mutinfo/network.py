"""Network inference from pairwise mutual information: relevance, ARACNE, CLR, MRNET.

Each method turns a symmetric MI matrix (from :func:`mutinfo.pairwise`, or one passed with
``precomputed=True``) into edge weights between variables, returned as a :class:`Network`:
a weighted adjacency DataFrame (0 = no edge), an edge list, and a networkx graph on request.
:func:`score` compares weights with a known network (precision-recall curve, AUPR, AUROC).

Methods
-------
* **relevance**: the MI itself, kept above ``threshold`` (Butte and Kohane 2000).
* **aracne**: MI above ``threshold``, then the data processing inequality (DPI): in every
  triangle of remaining edges the weakest one is removed when it is below ``(1 - tolerance)``
  times both others (Margolin et al. 2006). All decisions use the original weights, so the
  result does not depend on the order in which triangles are visited.
* **clr**: each MI is compared with the background of both its variables:
  ``z_i = max(0, (I_ij - mean_i) / sd_i)`` over row i (diagonal excluded) and the weight is
  ``sqrt(z_i² + z_j²)`` (Faith et al. 2007).
* **mrnet**: for each variable j, a maximum-relevance minimum-redundancy ranking of the
  others, ``s = I(X_i; X_j) - mean_{s in S} I(X_i; X_s)``; the edge weight is
  ``max(s_i^j, s_j^i)`` where positive, else no edge (Meyer et al. 2007).

References
----------
A. J. Butte and I. S. Kohane, "Mutual information relevance networks", Pac. Symp.
Biocomput. 2000, 418-429. https://doi.org/10.1142/9789814447331_0040

A. A. Margolin et al., "ARACNE: an algorithm for the reconstruction of gene regulatory
networks in a mammalian cellular context", BMC Bioinformatics 7 (Suppl 1), S7 (2006).
https://doi.org/10.1186/1471-2105-7-S1-S7

J. J. Faith et al., "Large-scale mapping and validation of Escherichia coli transcriptional
regulation from a compendium of expression profiles", PLoS Biol. 5(1), e8 (2007).
https://doi.org/10.1371/journal.pbio.0050008

P. E. Meyer, K. Kontos, F. Lafitte and G. Bontempi, "Information-theoretic inference of
large transcriptional regulatory networks", EURASIP J. Bioinform. Syst. Biol. 2007, 79879.
https://doi.org/10.1155/2007/79879
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numba import njit, prange

from mutinfo._validation import _show
from mutinfo.network_scoring import PrecisionRecall, score
from mutinfo.pairwise import pairwise

__all__ = ["Network", "PrecisionRecall", "aracne", "clr", "mrnet", "relevance", "score"]


@dataclass(frozen=True)
class Network:
    """An inferred undirected network.

    Attributes
    ----------
    adjacency : pandas.DataFrame, shape (p, p)
        Symmetric edge weights (0 where there is no edge, 0 on the diagonal). Units: MI in
        ``unit`` for relevance and ARACNE; dimensionless scores for CLR and MRNET (MRNET's
        are in MI units too).
    mi : pandas.DataFrame, shape (p, p)
        The MI matrix the network was inferred from (diagonal NaN).
    method : str
        "relevance", "aracne", "clr" or "mrnet".
    unit : str
        Unit of the MI matrix ("bits", "nats", ...).
    """

    adjacency: pd.DataFrame
    mi: pd.DataFrame
    method: str
    unit: str

    @property
    def edges(self) -> pd.DataFrame:
        """Edge list (``source``, ``target``, ``weight``), strongest first, each edge once."""
        w = self.adjacency.to_numpy()
        i, j = np.triu_indices(w.shape[0], k=1)
        keep = w[i, j] > 0
        labels = self.adjacency.index.to_numpy()
        frame = pd.DataFrame({"source": labels[i[keep]], "target": labels[j[keep]], "weight": w[i, j][keep]})
        return frame.sort_values("weight", ascending=False, kind="mergesort").reset_index(drop=True)

    def to_networkx(self) -> Any:
        """The network as a ``networkx.Graph`` with a ``weight`` on every edge (needs networkx)."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(self.adjacency.index)
        for row in self.edges.itertuples(index=False):
            graph.add_edge(row.source, row.target, weight=float(row.weight))
        return graph


def _mi_frame(data: Any, precomputed: bool, options: dict[str, Any]) -> tuple[pd.DataFrame, str]:
    """The MI matrix as a labelled DataFrame, computed or checked."""
    if not isinstance(precomputed, (bool, np.bool_)):
        raise TypeError(f"`precomputed` must be True or False; got {_show(precomputed)}.")
    if not precomputed:
        matrix = pairwise(data, **options)
        if not isinstance(matrix, pd.DataFrame):
            matrix = pd.DataFrame(matrix, index=[str(j) for j in range(matrix.shape[0])])
            matrix.columns = matrix.index
        unit = matrix.attrs.get("unit", _unit(options.get("base", 2)))
        return matrix, unit
    if isinstance(data, pd.DataFrame):
        frame = data.astype(np.float64)
    else:
        arr = np.asarray(data, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise ValueError(f"`data` (precomputed) must be a square 2-D MI matrix; got shape {arr.shape}.")
        frame = pd.DataFrame(arr, index=[str(j) for j in range(arr.shape[0])])
        frame.columns = frame.index
    w = frame.to_numpy()
    if w.shape[0] != w.shape[1] or w.shape[0] < 2:
        raise ValueError(f"`data` (precomputed) must be a square MI matrix with p >= 2; got shape {w.shape}.")
    off = ~np.eye(w.shape[0], dtype=bool)
    if not np.all(np.isfinite(w[off])):
        raise ValueError("`data` (precomputed) must have finite off-diagonal entries; got NaN or inf.")
    if not np.array_equal(w[off], w.T[off]):
        raise ValueError("`data` (precomputed) must be symmetric (an MI matrix); got an asymmetric matrix.")
    return frame, str(frame.attrs.get("unit", "unknown"))


def _unit(base: float) -> str:
    from mutinfo._information import unit_name

    return unit_name(base)


def _weights(frame: pd.DataFrame) -> np.ndarray:
    """Off-diagonal MI as a float array with 0 on the diagonal."""
    w = np.array(frame.to_numpy(), dtype=np.float64)
    np.fill_diagonal(w, 0.0)
    return w


def _finish(adj: np.ndarray, frame: pd.DataFrame, method: str, unit: str) -> Network:
    np.fill_diagonal(adj, 0.0)
    labels = frame.index
    return Network(pd.DataFrame(adj, index=labels, columns=labels), frame, method, unit)


def _check_real(value: Any, name: str, *, lo: float = -math.inf, hi: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a real number; got {_show(value)}.")
    v = float(value)
    if not (lo <= v <= hi) or math.isnan(v):
        raise ValueError(f"`{name}` must be a number in [{lo}, {hi}]; got {_show(value)}.")
    return v


def relevance(data: Any, /, *, threshold: float = 0.0, precomputed: bool = False, **options: Any) -> Network:
    """Relevance network: an edge wherever I(X_i; X_j) > ``threshold`` (Butte and Kohane 2000).

    Parameters
    ----------
    data : array-like, shape (n, p), or (p, p) with ``precomputed=True``
        Samples of p variables (columns), or a symmetric MI matrix.
    threshold : float, default 0
        MI (units of the matrix) an edge must exceed.
    precomputed : bool, default False
        Whether ``data`` is already an MI matrix.
    **options
        Passed to :func:`mutinfo.pairwise` (``method``, ``k``, ``base``, ``engine``, ...).

    Returns
    -------
    Network
        Weights: the MI of each kept edge.
    """
    threshold = _check_real(threshold, "threshold")
    frame, unit = _mi_frame(data, precomputed, options)
    w = _weights(frame)
    return _finish(np.where(w > threshold, w, 0.0), frame, "relevance", unit)


@njit(cache=True, parallel=True)
def _dpi_keep(w: np.ndarray, present: np.ndarray, factor: float) -> np.ndarray:
    """Edges (i, j) not removed by the DPI in any triangle of present edges; row by row."""
    p = w.shape[0]
    keep = present.copy()
    for i in prange(p):
        for j in range(p):
            if j == i or not present[i, j]:
                continue
            wij = w[i, j]
            for m in range(p):
                if m == i or m == j or not present[i, m] or not present[j, m]:
                    continue
                if wij < factor * w[i, m] and wij < factor * w[j, m]:
                    keep[i, j] = False
                    break
    return keep


def aracne(
    data: Any,
    /,
    *,
    tolerance: float = 0.0,
    threshold: float = 0.0,
    precomputed: bool = False,
    **options: Any,
) -> Network:
    """ARACNE: relevance network pruned by the data processing inequality (Margolin et al. 2006).

    If X - Z - Y is a Markov chain, I(X; Y) <= min(I(X; Z), I(Z; Y)); so in every triangle
    the weakest edge is taken to be indirect and removed.

    Parameters
    ----------
    data : array-like, shape (n, p), or (p, p) with ``precomputed=True``
        Samples of p variables, or a symmetric MI matrix.
    tolerance : float in [0, 1), default 0
        DPI tolerance: edge (i, j) is removed when ``I_ij < (1 - tolerance) * I_im`` and
        ``I_ij < (1 - tolerance) * I_jm`` for some third variable m. 0 is the strict DPI;
        Margolin et al. used 0.15 to allow for estimation error (fewer removals).
    threshold : float, default 0
        MI an edge must exceed before the DPI step (edges at or below it are absent and do
        not take part in triangles).
    precomputed : bool, default False
        Whether ``data`` is already an MI matrix.
    **options
        Passed to :func:`mutinfo.pairwise`.

    Returns
    -------
    Network
        Weights: the MI of each surviving edge.

    Examples
    --------
    >>> import numpy as np, mutinfo as mi
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=3000); y = x + rng.normal(size=3000); z = y + rng.normal(size=3000)
    >>> net = mi.network.aracne(np.column_stack([x, y, z]))
    >>> [(e.source, e.target) for e in net.edges.itertuples()]   # x - z is indirect
    [('1', '2'), ('0', '1')]
    """
    tolerance = _check_real(tolerance, "tolerance", lo=0.0, hi=1.0)
    if tolerance >= 1.0:
        raise ValueError(f"`tolerance` must be in [0, 1); got {_show(tolerance)}.")
    threshold = _check_real(threshold, "threshold")
    frame, unit = _mi_frame(data, precomputed, options)
    w = _weights(frame)
    present = w > threshold
    np.fill_diagonal(present, False)
    keep = _dpi_keep(w, present, 1.0 - tolerance)
    keep &= keep.T  # symmetric by construction; this guards against asymmetric ties
    return _finish(np.where(keep, w, 0.0), frame, "aracne", unit)


def clr(data: Any, /, *, precomputed: bool = False, **options: Any) -> Network:
    """Context likelihood of relatedness (Faith et al. 2007).

    Each MI is scored against the MI distribution of each of its two variables:
    ``z_i = max(0, (I_ij - mean_i) / sd_i)`` with the mean and standard deviation (ddof 0)
    of row i over j != i, and the weight is ``sqrt(z_i² + z_j²)``.

    Parameters
    ----------
    data : array-like, shape (n, p), or (p, p) with ``precomputed=True``
        Samples of p >= 3 variables, or a symmetric MI matrix.
    precomputed : bool, default False
        Whether ``data`` is already an MI matrix.
    **options
        Passed to :func:`mutinfo.pairwise`.

    Returns
    -------
    Network
        Weights: dimensionless CLR scores (0 where both z are 0).
    """
    frame, unit = _mi_frame(data, precomputed, options)
    w = _weights(frame)
    p = w.shape[0]
    if p < 3:
        raise ValueError(f"`data` must have at least 3 variables for CLR (a background per row); got {p}.")
    off = ~np.eye(p, dtype=bool)
    rows = w[off].reshape(p, p - 1)
    mean = rows.mean(axis=1)
    sd = rows.std(axis=1)
    sd_safe = np.where(sd > 0, sd, 1.0)
    z = np.maximum(0.0, (w - mean[:, None]) / sd_safe[:, None])
    z[sd == 0] = 0.0
    score_ = np.sqrt(z**2 + z.T**2)
    return _finish(score_, frame, "clr", unit)


@njit(cache=True, parallel=True)
def _mrmr_scores(w: np.ndarray) -> np.ndarray:
    """s[j, i]: the mRMR score at which variable i was picked for target j."""
    p = w.shape[0]
    out = np.zeros((p, p), dtype=np.float64)
    for j in prange(p):
        chosen = np.zeros(p, dtype=np.bool_)
        chosen[j] = True
        redundancy = np.zeros(p, dtype=np.float64)
        for step in range(p - 1):
            best = -1
            best_score = -np.inf
            for i in range(p):
                if chosen[i]:
                    continue
                s = w[i, j] - (redundancy[i] / step if step > 0 else 0.0)
                if s > best_score:
                    best_score = s
                    best = i
            chosen[best] = True
            out[j, best] = best_score
            for i in range(p):
                if not chosen[i]:
                    redundancy[i] += w[i, best]
    return out


def mrnet(data: Any, /, *, precomputed: bool = False, **options: Any) -> Network:
    """MRNET: maximum relevance, minimum redundancy per variable (Meyer et al. 2007).

    For each target j the others are ranked greedily by
    ``s_i = I(X_i; X_j) - mean_{s in S} I(X_i; X_s)`` (S: those already picked; the first
    pick is the most relevant). The edge weight is ``max(s_i^j, s_j^i)`` when positive;
    otherwise there is no edge.

    Parameters
    ----------
    data : array-like, shape (n, p), or (p, p) with ``precomputed=True``
        Samples of p variables, or a symmetric MI matrix.
    precomputed : bool, default False
        Whether ``data`` is already an MI matrix.
    **options
        Passed to :func:`mutinfo.pairwise`.

    Returns
    -------
    Network
        Weights in the MI's units.
    """
    frame, unit = _mi_frame(data, precomputed, options)
    w = _weights(frame)
    s = _mrmr_scores(w)
    weight = np.maximum(s, s.T)
    return _finish(np.where(weight > 0, weight, 0.0), frame, "mrnet", unit)
