"""k-nearest-neighbour estimators: Kozachenko-Leonenko, KSG-1/2, Frenzel-Pompe, mixed. Nats.

Registered methods
------------------
``kl``
    Kozachenko-Leonenko differential entropy h(X), any dimension.
``ksg1``, ``ksg2``
    Kraskov-Stögbauer-Grassberger estimators 1 and 2 of I(X; Y) for continuous, possibly
    multivariate x and y; for I(X; Y | Z) with continuous z, Frenzel-Pompe (``ksg1``) and its
    estimator-2 form (``ksg2``, Vejmelka & Paluš); a discrete z is handled by strata.
``mixed_ksg``
    Gao et al. (2017) I(X; Y) and Mesner & Shalizi (2020) I(X; Y | Z) for any mixture of
    discrete, continuous and point-mass data (:mod:`mutinfo.estimators.mixed`).
``ross``
    Ross (2014) I(X; Y) for one discrete and one continuous variable.

Geometry
--------
All distances use the **maximum norm** (Chebyshev), the norm of Kraskov et al. (2004); the
entropy formula below is their eq. (20) with the unit max-norm ball volume 2^d. Every
continuous column is divided by its standard deviation first. Mutual information is
invariant to that rescaling but the estimators are not (the max-norm compares columns with
each other), and without it a column measured in millimetres would dominate the neighbour
search. For entropy the scale is put back exactly: h(X) = h(X / s) + sum(log s).

Ties policy (applies to every estimator here)
---------------------------------------------
The KSG and KL estimators assume a density: no two samples coincide. When a continuous
variable (x, y or z) has repeated rows, mutinfo does **not** add random jitter (which would
change the answer from seed to seed and invent precision the data lack). Instead:

* ``ksg1``/``ksg2`` (MI and CMI) switch to the point-mass aware estimator of Gao et al.
  (2017) / Mesner & Shalizi (2020), :func:`mutinfo.estimators.mixed.mixed_terms`: where the
  k-th neighbour distance is 0, all samples at distance 0 are counted. Where it is positive
  the terms are those of KSG-1, so on data whose ties never reach k+1 copies the result
  equals KSG-1 exactly. The switch is announced by a :class:`mutinfo.TiesWarning`.
  This is right for genuine point masses (a discrete variable stored as floats, an atom at
  0 in a zero-inflated variable). Ties from *coarse rounding* of a continuous variable are a
  harder case: with tens of copies per value the estimate is biased upwards at moderate n
  (measured for Y = X + noise, I = 0.347 nats, y rounded to 0.07 s.d.: 0.56 at n = 1000,
  0.37 at n = 16000; rounded to 0.007 s.d.: +0.01 at n = 2000).
* ``kl``: a sample with c > k exact copies (a zero k-th neighbour distance) is given the
  cell it represents at the data's resolution: radius = half the distance to the nearest
  *different* sample, and k_i = c. For data rounded in one dimension this recovers the
  continuous entropy closely (measured bias < 0.04 nats for N(0, 1) rounded to 0.01 or 0.1,
  n = 2000); in several dimensions at coarse resolution it is biased upwards (+0.33 nats for
  a 2-D Gaussian rounded to 0.1 s.d.). For genuinely discrete values the differential
  entropy is -inf; treat such a variable as discrete (or use the histogram method).

How to avoid the warning: pass ``discrete=True`` for a variable that is genuinely discrete
(e.g. whole numbers stored as floats), use ``method="mixed_ksg"`` for data with point masses
on purpose, or keep more digits when the ties come from rounding.

Negative estimates
------------------
KSG and Frenzel-Pompe estimates are differences of averaged digamma terms whose biases
cancel only on average, so for independent (or conditionally independent) variables the
estimate fluctuates around 0 and is negative about half the time, by a few times
1/sqrt(n) nats. They are returned as they are: clipping at 0 would bias every average of
estimates upwards and hide the sampling noise that a permutation test needs to see.

References
----------
L. F. Kozachenko and N. N. Leonenko, "Sample estimate of the entropy of a random vector",
Problems Inform. Transmission 23, 95-101 (1987).

A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual information",
Phys. Rev. E 69, 066138 (2004). https://doi.org/10.1103/PhysRevE.69.066138

S. Frenzel and B. Pompe, "Partial mutual information for coupling analysis of multivariate
time series", Phys. Rev. Lett. 99, 204101 (2007). https://doi.org/10.1103/PhysRevLett.99.204101

M. Vejmelka and M. Paluš, "Inferring the directionality of coupling with conditional mutual
information", Phys. Rev. E 77, 026214 (2008). https://doi.org/10.1103/PhysRevE.77.026214

Gao et al. (2017), Mesner & Shalizi (2020) and Ross (2014): see
:mod:`mutinfo.estimators.mixed`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma

from mutinfo._variable import Variable
from mutinfo.estimators import knn1d
from mutinfo.estimators._method import Method, Options
from mutinfo.estimators._scale import safe_std
from mutinfo.estimators.mixed import (
    MIXED_DONE,
    as_2d,
    block_extents,
    count_in_boxes,
    count_within,
    embed,
    has_repeated_rows,
    knn_radius,
    mixed_cmi,
    mixed_mi,
    mixed_terms,
    ross,
    standardize,
    stratified_cmi,
    warn_small,
    warn_ties,
    workers,
)

__all__ = [
    "METHODS",
    "kl_entropy",
    "ksg_cmi",
    "ksg_mi",
    "mixed_cmi",
    "mixed_mi",
    "ross",
    "stratified_cmi",
]

_KSG_REF = "Kraskov, Stögbauer & Grassberger (2004), https://doi.org/10.1103/PhysRevE.69.066138"


# --------------------------------------------------------------------------- helpers


def _fast_1d(variant: int) -> Callable[[np.ndarray, np.ndarray, int], float] | None:
    """The exact rank-grid kernel for scalar, tie-free x and y (None: use the KD-tree path)."""
    return knn1d.ksg1_1d if variant == 1 else knn1d.ksg2_1d


# --------------------------------------------------------------------------- entropy


def kl_entropy(
    x: np.ndarray, k: int, *, n_jobs: int | None = None, name: str = "x", warn: bool = True
) -> float:
    """Kozachenko-Leonenko differential entropy in nats (max-norm, Kraskov et al. eq. 20).

    ``h = psi(n) - psi(k) + d <log(2 rho_i)> + sum_c log s_c``, where rho_i is the max-norm
    distance from sample i to its k-th nearest neighbour on standardised columns and s_c the
    column standard deviations. Ties: see the module's ties policy.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,) or (n, d)
        Continuous samples (float64, finite, not constant).
    k : int
        Neighbour count, 1 <= k < n.
    n_jobs : int, optional
        Threads for the neighbour search.
    name : str
        Argument name for warnings.
    warn : bool
        Emit Ties/SmallSample warnings.

    Returns
    -------
    float
        Differential entropy in nats (can be negative).
    """
    x = as_2d(x)
    n, d = x.shape
    if warn:
        warn_small(n, k, "Entropy estimated")
    scale = safe_std(x)  # no overflow for data near 1e300
    scale[scale == 0] = 1.0
    s = np.ascontiguousarray(x / scale)
    rho, _ = knn_radius(s, k, n_jobs)
    k_i = np.full(n, float(k))
    if has_repeated_rows(s):
        zero = rho == 0.0
        if warn:
            warn_ties(
                [name],
                f"{int(zero.sum())} samples with more than k = {k} copies used half the distance to "
                "the nearest different sample as radius (the density at the data's resolution).",
            )
        if zero.any():
            uniq, inverse, copies = np.unique(s, axis=0, return_inverse=True, return_counts=True)
            inverse = inverse.reshape(-1)
            nearest = cKDTree(uniq).query(uniq, k=2, p=np.inf, workers=workers(n_jobs))[0][:, 1]
            rho = rho.copy()
            rho[zero] = 0.5 * nearest[inverse[zero]]
            k_i[zero] = copies[inverse[zero]]
    value = digamma(n) - np.mean(digamma(k_i)) + d * np.mean(np.log(2.0 * rho)) + np.sum(np.log(scale))
    return float(value)


# --------------------------------------------------------------------------- KSG


def _ksg2_core(blocks: list[np.ndarray], k: int, n_jobs: int | None) -> float:
    """KSG estimator 2 (MI, blocks [x, y]) or its CMI form (blocks [x, y, z]); tie-free."""
    n = blocks[0].shape[0]
    joint = np.ascontiguousarray(np.hstack(blocks))
    _, idx = knn_radius(joint, k, n_jobs)
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    extents = []
    for b in blocks:
        e = np.empty(n)
        block_extents(b, idx, e)
        extents.append(e)
    if len(blocks) == 2:
        nx = count_within(blocks[0], extents[0]).astype(np.float64)
        ny = count_within(blocks[1], extents[1]).astype(np.float64)
        return float(digamma(k) - 1.0 / k + digamma(n) - np.mean(digamma(nx) + digamma(ny)))
    x, y, z = blocks
    ex, ey, ez = extents
    nxz = count_in_boxes([x, z], [ex, ez]).astype(np.float64)
    nyz = count_in_boxes([y, z], [ey, ez]).astype(np.float64)
    nz = count_within(z, ez).astype(np.float64)
    terms = digamma(nz) - ((digamma(nxz) - 1.0 / nxz) + (digamma(nyz) - 1.0 / nyz))
    return float(digamma(k) - 2.0 / k + np.mean(terms))


def ksg_mi(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    *,
    variant: int = 1,
    n_jobs: int | None = None,
    names: tuple[str, str] = ("x", "y"),
    warn: bool = True,
) -> float:
    """KSG estimate of I(X; Y) in nats for continuous x (n, dx) and y (n, dy).

    Estimator 1: ``psi(k) + psi(n) - <psi(n_x + 1) + psi(n_y + 1)>`` with n_x, n_y the other
    samples strictly closer than the joint k-th neighbour distance in x, y. Estimator 2:
    ``psi(k) - 1/k + psi(n) - <psi(n_x) + psi(n_y)>`` with n_x counting samples within (<=)
    the largest x-distance among the k neighbours. Max-norm on standardised columns; scalar
    tie-free pairs go to the exact rank-grid kernel of :mod:`mutinfo.estimators.knn1d`.
    Ties and negative values: see the module docstring.

    Parameters
    ----------
    x, y : numpy.ndarray
        Continuous samples, shape (n,) or (n, d), float64, finite.
    k : int
        Neighbour count, 1 <= k < n.
    variant : {1, 2}
        KSG estimator 1 or 2.
    n_jobs : int, optional
        Threads for the KD-tree queries.
    names : (str, str)
        Argument names for warnings.
    warn : bool
        Emit Ties/SmallSample warnings.

    Returns
    -------
    float
        I(X; Y) in nats, not clipped.
    """
    x, y = as_2d(x), as_2d(y)
    n = x.shape[0]
    if warn:
        warn_small(n, k, "Mutual information estimated")
    tied = [nm for nm, v in zip(names, (x, y)) if has_repeated_rows(v)]
    if tied:
        if warn:
            warn_ties(tied, MIXED_DONE)
        return mixed_terms(embed([(x, False), (y, False)]), k, n_jobs)
    xs, ys = standardize(x), standardize(y)
    if xs.shape[1] == 1 and ys.shape[1] == 1:
        fast = _fast_1d(variant)
        if fast is not None:
            return float(fast(xs[:, 0], ys[:, 0], k))
    if variant == 1:
        return mixed_terms([xs, ys], k, n_jobs)  # on tie-free data this is exactly KSG-1
    return _ksg2_core([xs, ys], k, n_jobs)


def ksg_cmi(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    k: int,
    *,
    variant: int = 1,
    n_jobs: int | None = None,
    names: tuple[str, str, str] = ("x", "y", "z"),
    warn: bool = True,
) -> float:
    """Frenzel-Pompe estimate of I(X; Y | Z) in nats for continuous x, y, z.

    Estimator 1 (Frenzel & Pompe 2007):
    ``psi(k) - <psi(n_xz + 1) + psi(n_yz + 1) - psi(n_z + 1)>``, counts strictly inside the
    joint k-th neighbour distance in each subspace. Estimator 2 (Vejmelka & Paluš 2008):
    ``psi(k) - 2/k + <psi(n_z) - psi(n_xz) + 1/n_xz - psi(n_yz) + 1/n_yz>``, where n_xz
    counts samples inside the rectangle given by the largest x- and z-distances among the k
    neighbours. Parameters as in :func:`ksg_mi`; ties and negative values: module docstring.

    Frenzel & Pompe derived only estimator 1 for CMI; the estimator-2 form has no published
    bias analysis and is biased upwards in our checks (+0.05 nats at n = 2000 for
    conditionally independent Gaussians, +0.036 at n = 8000). Prefer ``variant=1`` for CMI.

    Returns
    -------
    float
        I(X; Y | Z) in nats, not clipped.
    """
    x, y, z = as_2d(x), as_2d(y), as_2d(z)
    n = x.shape[0]
    if warn:
        warn_small(n, k, "Conditional mutual information estimated")
    tied = [nm for nm, v in zip(names, (x, y, z)) if has_repeated_rows(v)]
    if tied:
        if warn:
            warn_ties(tied, MIXED_DONE.replace("Gao et al. (2017)", "Mesner & Shalizi (2020)"))
        return mixed_terms(embed([(x, False), (y, False), (z, False)]), k, n_jobs)
    blocks = [standardize(x), standardize(y), standardize(z)]
    if variant == 1:
        return mixed_terms(blocks, k, n_jobs)  # tie-free: exactly Frenzel-Pompe
    return _ksg2_core(blocks, k, n_jobs)


def _pair_inner(
    x_discrete: bool, y_discrete: bool, variant: int, n_jobs: int | None
) -> Callable[[np.ndarray, np.ndarray, int], float]:
    """The MI estimator matching a pair of kinds, for use inside strata (no warnings)."""

    def inner(xs: np.ndarray, ys: np.ndarray, k: int) -> float:
        if not x_discrete and not y_discrete:
            if variant == 0:
                return mixed_mi(xs, ys, k, n_jobs=n_jobs, warn=False)
            return ksg_mi(xs, ys, k, variant=variant, n_jobs=n_jobs, warn=False)
        if x_discrete != y_discrete:
            labels, cont = (xs, ys) if x_discrete else (ys, xs)
            _, class_sizes = np.unique(labels, return_counts=True)
            if class_sizes.min() >= 2:
                return ross(np.unique(labels, return_inverse=True)[1], cont, k, n_jobs=n_jobs, warn=False)
        return mixed_mi(xs, ys, k, x_discrete=x_discrete, y_discrete=y_discrete, n_jobs=n_jobs, warn=False)

    return inner


# --------------------------------------------------------------------------- registry glue


def _kl_method(vx: Variable, opt: Options) -> float:
    return kl_entropy(vx.values, opt.k, n_jobs=opt.n_jobs, name=vx.name)


def _stratified_method(vx: Variable, vy: Variable, vz: Variable, opt: Options, variant: int) -> float:
    n = vx.n
    warn_small(n, opt.k, "Conditional mutual information estimated")
    tied = [v.name for v in (vx, vy) if not v.discrete and has_repeated_rows(v.values)]
    if tied and variant != 0:
        warn_ties(tied, "inside each stratum of `z`, " + MIXED_DONE)
    inner = _pair_inner(vx.discrete, vy.discrete, variant, opt.n_jobs)
    return stratified_cmi((vx.values, vx.discrete), (vy.values, vy.discrete), vz.values, opt.k, inner)


def _ksg_methods(variant: int) -> tuple[Callable[..., float], Callable[..., float]]:
    def mi(vx: Variable, vy: Variable, opt: Options) -> float:
        return ksg_mi(
            vx.values, vy.values, opt.k, variant=variant, n_jobs=opt.n_jobs, names=(vx.name, vy.name)
        )

    def cmi(vx: Variable, vy: Variable, vz: Variable, opt: Options) -> float:
        if vz.discrete:
            return _stratified_method(vx, vy, vz, opt, variant)
        names = (vx.name, vy.name, vz.name)
        return ksg_cmi(
            vx.values, vy.values, vz.values, opt.k, variant=variant, n_jobs=opt.n_jobs, names=names
        )

    return mi, cmi


def _ksg_accepts(variables: tuple[Variable, ...]) -> str | None:
    bad = [v.name for v in variables[:2] if v.discrete]
    if bad:
        return (
            f"KSG needs continuous x and y (z may be discrete for CMI); {', '.join(bad)} "
            "is discrete. Use method='ross' or 'mixed_ksg' for discrete-continuous pairs."
        )
    return None


def _mixed_mi_method(vx: Variable, vy: Variable, opt: Options) -> float:
    return mixed_mi(
        vx.values, vy.values, opt.k, x_discrete=vx.discrete, y_discrete=vy.discrete, n_jobs=opt.n_jobs
    )


def _mixed_cmi_method(vx: Variable, vy: Variable, vz: Variable, opt: Options) -> float:
    if vz.discrete and not (vx.discrete and vy.discrete):
        return _stratified_method(vx, vy, vz, opt, 0)
    flags = (vx.discrete, vy.discrete, vz.discrete)
    return mixed_cmi(vx.values, vy.values, vz.values, opt.k, discrete=flags, n_jobs=opt.n_jobs)


def _ross_mi_method(vx: Variable, vy: Variable, opt: Options) -> float:
    labels, cont = (vx, vy) if vx.discrete else (vy, vx)
    return ross(labels.values, cont.values, opt.k, n_jobs=opt.n_jobs)


def _ross_cmi_method(vx: Variable, vy: Variable, vz: Variable, opt: Options) -> float:
    return _stratified_method(vx, vy, vz, opt, 0)


def _ross_accepts(variables: tuple[Variable, ...]) -> str | None:
    x, y = variables[:2]
    if x.discrete == y.discrete:
        return f"Ross (2014) needs one discrete and one continuous variable; got {x.kind} x and {y.kind} y."
    if len(variables) == 3 and not variables[2].discrete:
        return (
            "Ross (2014) conditions on a discrete z only (by strata); "
            "use method='mixed_ksg' for a continuous z."
        )
    labels = x if x.discrete else y
    if len(variables) == 2:
        sizes = np.bincount(labels.values)
        sizes = sizes[sizes > 0]
        if sizes.min() < 2:
            return (
                f"every class of `{labels.name}` needs at least 2 samples; {int(np.sum(sizes < 2))} "
                "classes have 1. Merge rare classes or use method='mixed_ksg'."
            )
    return None


_KSG1_MI, _KSG1_CMI = _ksg_methods(1)
_KSG2_MI, _KSG2_CMI = _ksg_methods(2)

#: Methods this module registers (name -> Method); merged by the registry.
METHODS: dict[str, Method] = {
    "kl": Method(
        name="kl",
        summary="Kozachenko-Leonenko kNN differential entropy (max-norm)",
        kinds=frozenset({"continuous"}),
        entropy=_kl_method,
        uses_k=True,
        reference="Kozachenko & Leonenko (1987); Kraskov et al. (2004) eq. 20, "
        "https://doi.org/10.1103/PhysRevE.69.066138",
    ),
    "ksg1": Method(
        name="ksg1",
        summary="Kraskov-Stögbauer-Grassberger estimator 1 (CMI: Frenzel-Pompe), max-norm kNN",
        kinds=frozenset({"continuous", "mixed"}),
        mi=_KSG1_MI,
        cmi=_KSG1_CMI,
        accepts=_ksg_accepts,
        uses_k=True,
        reference=_KSG_REF + "; Frenzel & Pompe (2007), https://doi.org/10.1103/PhysRevLett.99.204101",
    ),
    "ksg2": Method(
        name="ksg2",
        summary="Kraskov-Stögbauer-Grassberger estimator 2 (CMI: Vejmelka-Paluš form), max-norm kNN",
        kinds=frozenset({"continuous", "mixed"}),
        mi=_KSG2_MI,
        cmi=_KSG2_CMI,
        accepts=_ksg_accepts,
        uses_k=True,
        reference=_KSG_REF + "; Vejmelka & Paluš (2008), https://doi.org/10.1103/PhysRevE.77.026214",
    ),
    "mixed_ksg": Method(
        name="mixed_ksg",
        summary="kNN MI/CMI for discrete-continuous mixtures and point masses (Gao 2017; Mesner-Shalizi)",
        kinds=frozenset({"continuous", "discrete", "mixed"}),
        mi=_mixed_mi_method,
        cmi=_mixed_cmi_method,
        uses_k=True,
        reference="Gao et al. (2017), https://doi.org/10.48550/arXiv.1709.06212; Mesner & Shalizi "
        "(2020), https://doi.org/10.1109/TIT.2020.3024886",
    ),
    "ross": Method(
        name="ross",
        summary="Ross kNN MI between a discrete and a continuous variable",
        kinds=frozenset({"mixed"}),
        mi=_ross_mi_method,
        cmi=_ross_cmi_method,
        accepts=_ross_accepts,
        uses_k=True,
        reference="Ross (2014), https://doi.org/10.1371/journal.pone.0087357",
    ),
}
