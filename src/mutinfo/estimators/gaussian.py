"""Gaussian closed-form and Gaussian-copula estimators. Values are returned in nats.

``gaussian``
    Treats the data as jointly Gaussian and evaluates the closed forms on the sample
    covariance ``S`` (divisor ``n - 1``)::

        h(X)       = ½ log det(2πe S_X)
        I(X; Y)    = ½ log(det S_X det S_Y / det S_XY)
        I(X; Y | Z) = h(XZ) + h(YZ) - h(XYZ) - h(Z)

    Exact in expectation for Gaussian data after the bias correction below; for other data it
    measures only the linear (second-order) dependence.

``gaussian_copula``
    Replaces every continuous column by its normal scores ``Φ⁻¹(r / (n + 1))``, with ``r`` the
    rank of the value (ties get the average of the ranks they span, so equal values keep
    equal scores and no random jitter is used), then applies ``gaussian``. The estimate is
    therefore invariant to strictly increasing transforms of each column, and exact (up to
    sampling error) whenever the copula of the data is Gaussian: for instance for any
    componentwise monotone transform of a multivariate normal. For a scalar ``x`` and ``y``
    it is (in the large-sample limit) a *lower bound* on the true MI: once both marginals are
    standard normal, the joint law with the largest entropy at a given correlation is the
    bivariate normal, so ``I = h(Zx) + h(Zy) - h(Zx, Zy) >= -½ log(1 - ρ²)``. For
    multivariate ``x`` or ``y`` the bound need not hold, because the normal scores of a
    vector are normal column by column but not jointly.

Mixed data (one variable discrete, the other continuous)
    Following Ince et al. (2017), ``I(X; Y) = h(Y) - Σ_x p(x) h(Y | X = x)`` with every
    entropy a bias-corrected Gaussian entropy of (for ``gaussian_copula``: the copula-
    normalised) ``Y``. Each level of the discrete variable needs at least ``d + 2``
    samples, where ``d`` is the dimension of the continuous variable.

Bias correction
    With ``S`` the sample covariance of ``n`` Gaussian samples in ``d`` dimensions,
    ``(n - 1) S`` is Wishart with ``n - 1`` degrees of freedom, so (Ince et al. 2017,
    eq. 7; Goodman 1963)::

        E[log det S] = log det Σ + Σ_{i=1..d} ψ((n - i) / 2) + d log(2 / (n - 1))

    We subtract this known offset from every plug-in log-determinant, which makes each
    Gaussian entropy unbiased for Gaussian data. The MI correction is the combination of
    the entropy corrections; it removes the upward bias of the plug-in MI (about
    ``dx·dy / (2n)`` nats at independence), so independent data give estimates centred on
    0, and therefore sometimes slightly negative. Estimates are never clipped.

References
----------
Ince, R. A. A., Giordano, B. L., Kayser, C., Rousselet, G. A., Gross, J. and Schyns, P. G.
(2017). A statistical framework for neuroimaging data analysis based on mutual information
estimated via a Gaussian copula. Human Brain Mapping 38(3), 1541-1573.
https://doi.org/10.1002/hbm.23471

Goodman, N. R. (1963). The distribution of the determinant of a complex Wishart
distributed matrix. Annals of Mathematical Statistics 34(1), 178-180.
https://doi.org/10.1214/aoms/1177704251
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import special, stats

from mutinfo._variable import Variable
from mutinfo._warnings import ConstantInputWarning
from mutinfo.estimators._method import Method, Options
from mutinfo.estimators._scale import scaled_centred

__all__ = [
    "METHODS",
    "copula_normalize",
    "gaussian_cmi",
    "gaussian_entropy",
    "gaussian_mi",
    "gaussian_mixed_mi",
    "log_det_bias",
]

_LOG_2PI_E = math.log(2.0 * math.pi * math.e)


# --------------------------------------------------------------------------- building blocks


def copula_normalize(values: np.ndarray) -> np.ndarray:
    """Normal scores of each column: ``Φ⁻¹(rank / (n + 1))``.

    Parameters
    ----------
    values : numpy.ndarray, shape (n,) or (n, d)

    Returns
    -------
    numpy.ndarray of float64, same shape
        Each column has (up to ties) the quantiles of a standard normal. Ties receive the
        average rank of the run they form, hence equal scores; no jitter is added.
    """
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[0]
    ranks = stats.rankdata(values, method="average", axis=0)
    return special.ndtri(ranks / (n + 1.0))


def log_det_bias(n: int, d: int) -> float:
    """``E[log det S] - log det Σ`` for the sample covariance of ``n`` Gaussian samples.

    Parameters
    ----------
    n : int
        Sample size (must exceed ``d``).
    d : int
        Dimension.

    Returns
    -------
    float
        ``Σ_{i=1..d} ψ((n - i) / 2) + d log(2 / (n - 1))`` (negative: the plug-in
        log-determinant, hence the Gaussian entropy, is biased downwards).
    """
    if d == 0:
        return 0.0
    i = np.arange(1, d + 1, dtype=np.float64)
    return float(np.sum(special.psi((n - i) / 2.0)) + d * math.log(2.0 / (n - 1.0)))


def _covariance(values: np.ndarray) -> tuple[np.ndarray, float]:
    """The centred data whose Gram matrix / (n - 1) is the sample covariance, with columns
    scaled by powers of two (exact; no overflow at 1e300 nor underflow at 1e-300), and the
    log-determinant of that scaling: log det S = log det S(returned) + the float. MI and CMI
    are ratios of determinants in which the scaling cancels.

    The covariance matrix itself is never formed: log-determinants come from a QR
    factorisation of the data (:func:`_log_det`), which keeps a near-deterministic relation
    (y = x + 1e-9 noise, 1 - r² = 1e-18) resolvable where ``X^T X`` would round it away."""
    centred, e = scaled_centred(values)
    return centred, 2.0 * math.log(2.0) * float(np.sum(e))


#: A column whose distance from the span of the previous ones is below this fraction of its
#: norm is linearly dependent on them: exact relations leave a residual of rounding size
#: (about 1e-16), which must not be read as a finite MI of ~50 bits. A Gaussian MI above about
#: 43 bits per dependent column (residual below 1e-13) therefore reads as +inf.
_SINGULAR_RESIDUAL = 1e-13


def _log_det(centred: np.ndarray, idx: np.ndarray | slice) -> float:
    """log det of the sample covariance of some columns of ``centred`` (from its QR
    factorisation: det = prod R_ii² / (n - 1)^d); -inf when the columns are linearly
    dependent at float64 resolution (see ``_SINGULAR_RESIDUAL``)."""
    block = centred[:, idx]
    n, d = block.shape
    if d == 0:
        return 0.0
    norms = np.sqrt(np.einsum("ij,ij->j", block, block))
    if n < d or not np.all(norms > 0):
        return -math.inf
    diag = np.abs(np.diag(np.linalg.qr(block, mode="r")))
    if np.any(diag <= _SINGULAR_RESIDUAL * norms):
        return -math.inf
    return 2.0 * float(np.sum(np.log(diag))) - d * math.log(n - 1.0)


def _entropy_from_logdet(logdet: float, n: int, d: int, bias_correct: bool) -> float:
    if bias_correct:
        logdet -= log_det_bias(n, d)
    return 0.5 * (d * _LOG_2PI_E + logdet)


# --------------------------------------------------------------------------- estimators on arrays


def gaussian_entropy(values: np.ndarray, *, bias_correct: bool = True) -> float:
    """Differential entropy (nats) of Gaussian data with the sample covariance of ``values``.

    Parameters
    ----------
    values : numpy.ndarray, shape (n, d)
    bias_correct : bool, default True
        Remove the known Wishart bias of the log-determinant (module Notes).

    Returns
    -------
    float
        ``½ log det(2πe S)`` minus the bias; ``-inf`` for a singular covariance.
    """
    values = np.asarray(values, dtype=np.float64).reshape(values.shape[0], -1)
    n, d = values.shape
    cov, log_scale = _covariance(values)
    logdet = _log_det(cov, slice(None)) + log_scale
    return _entropy_from_logdet(logdet, n, d, bias_correct)


def gaussian_mi(x: np.ndarray, y: np.ndarray, *, bias_correct: bool = True) -> float:
    """Gaussian MI (nats) ``½ log(det S_X det S_Y / det S_XY)``, optionally bias-corrected.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, dx)
    y : numpy.ndarray, shape (n, dy)
    bias_correct : bool, default True

    Returns
    -------
    float
        ``+inf`` when the joint covariance is singular while the marginal ones are not
        (an exact linear relation between ``x`` and ``y``).
    """
    n = x.shape[0]
    x = x.reshape(n, -1)
    y = y.reshape(n, -1)
    dx, dy = x.shape[1], y.shape[1]
    cov, _ = _covariance(np.hstack([x, y]))
    ix, iy = np.arange(dx), np.arange(dx, dx + dy)
    ldx, ldy, ldxy = _log_det(cov, ix), _log_det(cov, iy), _log_det(cov, np.arange(dx + dy))
    if ldxy == -math.inf:
        return math.inf
    value = 0.5 * (ldx + ldy - ldxy)
    if bias_correct:
        value -= 0.5 * (log_det_bias(n, dx) + log_det_bias(n, dy) - log_det_bias(n, dx + dy))
    return value


def gaussian_cmi(x: np.ndarray, y: np.ndarray, z: np.ndarray, *, bias_correct: bool = True) -> float:
    """Gaussian conditional MI (nats) ``h(XZ) + h(YZ) - h(XYZ) - h(Z)``.

    Parameters
    ----------
    x, y, z : numpy.ndarray, shapes (n, dx), (n, dy), (n, dz)
    bias_correct : bool, default True

    Returns
    -------
    float
        ``+inf`` when ``x`` and ``y`` are exactly linearly related given ``z``.
    """
    n = x.shape[0]
    x, y, z = x.reshape(n, -1), y.reshape(n, -1), z.reshape(n, -1)
    dx, dy, dz = x.shape[1], y.shape[1], z.shape[1]
    cov, _ = _covariance(np.hstack([x, y, z]))
    ix = np.arange(dx)
    iy = np.arange(dx, dx + dy)
    iz = np.arange(dx + dy, dx + dy + dz)
    ld_xz = _log_det(cov, np.concatenate([ix, iz]))
    ld_yz = _log_det(cov, np.concatenate([iy, iz]))
    ld_xyz = _log_det(cov, np.arange(dx + dy + dz))
    ld_z = _log_det(cov, iz)
    if ld_xz == -math.inf or ld_yz == -math.inf:
        # X (or Y) is a linear function of Z: given Z it is constant, so I(X; Y | Z) = 0 exactly
        # (the CMI of a constant), where the log-det formula would read -inf + inf
        warnings.warn(
            "`x` or `y` is an exact linear function of `z` at float64 resolution (for the Gaussian "
            "copula: of its ranks): given z it is constant, so I(x; y | z) = 0. Data that are "
            "only nearly determined by z need a kNN method (e.g. 'ksg1') to show their CMI.",
            ConstantInputWarning,
            stacklevel=2,
        )
        return 0.0
    if ld_xyz == -math.inf:
        return math.inf
    value = 0.5 * (ld_xz + ld_yz - ld_xyz - ld_z)
    if bias_correct:
        value -= 0.5 * (
            log_det_bias(n, dx + dz)
            + log_det_bias(n, dy + dz)
            - log_det_bias(n, dx + dy + dz)
            - log_det_bias(n, dz)
        )
    return value


def gaussian_mixed_mi(codes: np.ndarray, y: np.ndarray, *, bias_correct: bool = True) -> float:
    """MI (nats) between a discrete variable and a Gaussian-modelled continuous one.

    ``I = h(Y) - Σ_c p(c) h(Y | c)`` with Gaussian entropies (Ince et al. 2017, eq. 10).

    Parameters
    ----------
    codes : numpy.ndarray of int64, shape (n,)
        Level codes 0..L-1 of the discrete variable; every level needs ``>= dy + 2`` samples.
    y : numpy.ndarray, shape (n, dy)
    bias_correct : bool, default True
        Correct every entropy with its own sample size.

    Returns
    -------
    float
    """
    n = y.shape[0]
    y = y.reshape(n, -1)
    value = gaussian_entropy(y, bias_correct=bias_correct)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes)
    start = 0
    for count in counts:
        if count == 0:
            continue
        rows = order[start : start + count]
        start += count
        value -= (count / n) * gaussian_entropy(y[rows], bias_correct=bias_correct)
    return value


# --------------------------------------------------------------------------- registry adapters


def _continuous_values(v: Variable, copula: bool) -> np.ndarray:
    return copula_normalize(v.values) if copula else v.values


def _accepts(variables: tuple[Variable, ...]) -> str | None:
    """Reason the Gaussian methods cannot take ``variables``, or None."""
    n = variables[0].n
    continuous = [v for v in variables if not v.discrete]
    discrete = [v for v in variables if v.discrete]
    if len(variables) == 3 and discrete:
        return "conditional MI with discrete variables is not implemented for the Gaussian methods."
    d_total = sum(v.d for v in continuous)
    if len(discrete) == 0 and n < d_total + 2:
        return (
            f"the joint covariance needs n >= d + 2 samples (d = {d_total}); got n = {n}. "
            "Use more samples or a kNN method."
        )
    if discrete:
        (dv,) = discrete
        (cv,) = continuous
        counts = np.bincount(dv.values)
        counts = counts[counts > 0]
        smallest = int(counts.min())
        if smallest < cv.d + 2:
            return (
                f"every level of `{dv.name}` needs at least d + 2 = {cv.d + 2} samples to estimate "
                f"the covariance of `{cv.name}` within it; the smallest level has {smallest}. "
                "Use method='ross' or 'mixed_ksg'."
            )
    for v in continuous:
        if v.d > 0 and _log_det(_covariance(v.values)[0], slice(None)) == -math.inf:
            return (
                f"the columns of `{v.name}` are linearly dependent (singular covariance); drop "
                "redundant columns."
            )
    return None


def _make(copula: bool):
    def entropy(x: Variable, options: Options) -> float:
        return gaussian_entropy(x.values)

    def mi(x: Variable, y: Variable, options: Options) -> float:
        if x.discrete:
            return gaussian_mixed_mi(x.values, _continuous_values(y, copula))
        if y.discrete:
            return gaussian_mixed_mi(y.values, _continuous_values(x, copula))
        return gaussian_mi(_continuous_values(x, copula), _continuous_values(y, copula))

    def cmi(x: Variable, y: Variable, z: Variable, options: Options) -> float:
        return gaussian_cmi(*(_continuous_values(v, copula) for v in (x, y, z)))

    return entropy, mi, cmi


_g_entropy, _g_mi, _g_cmi = _make(copula=False)
_c_entropy, _c_mi, _c_cmi = _make(copula=True)

_INCE = "Ince et al. (2017), Hum. Brain Mapp. 38:1541, https://doi.org/10.1002/hbm.23471"

#: Methods this module registers (name -> Method); merged by the registry.
METHODS: dict[str, Method] = {
    "gaussian": Method(
        name="gaussian",
        summary="Closed form for jointly Gaussian data from the sample covariance, bias-corrected.",
        kinds=frozenset({"continuous", "mixed"}),
        entropy=_g_entropy,
        mi=_g_mi,
        cmi=_g_cmi,
        accepts=_accepts,
        reference=_INCE,
    ),
    "gaussian_copula": Method(
        name="gaussian_copula",
        summary=(
            "Gaussian closed form on rank-based normal scores: invariant to monotone transforms, "
            "exact for Gaussian copulas, a lower bound for scalar x and y."
        ),
        kinds=frozenset({"continuous", "mixed"}),
        entropy=None,
        mi=_c_mi,
        cmi=_c_cmi,
        accepts=_accepts,
        reference=_INCE,
    ),
}
