"""Endpoints of the "six properties" section, one live demonstration per property.

Each endpoint computes the property's quantities with mutinfo on a sample drawn by a seeded
generator from :mod:`mutinfo.explorer.generators`, returns the closed-form truth beside the
estimate where one exists, and a snippet that reproduces the numbers. Definitions and
identities follow Cover and Thomas 2006, *Elements of Information Theory*, 2nd ed., ch. 2
(doi:10.1002/047174882X); the plug-in bias is Miller 1955 ("Note on the bias of information
estimates"); the kNN estimator is Kraskov, Stögbauer and Grassberger 2004
(doi:10.1103/PhysRevE.69.066138).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Query
from scipy import special, stats

import mutinfo as mi
from mutinfo.explorer.common import CI_LEVEL, N_CI, UNIT_BASE, clean, mi_with_test, readout, snippet
from mutinfo.explorer.generators_more import (
    binary_entropy,
    categorical_pair,
    chain_rule_data,
    independent_pair,
    markov_chain,
    noisy_copy,
    parabola_pair,
)

router = APIRouter(prefix="/api/properties", tags=["properties"])

#: Registry names used here: plain plug-in for discrete data, KSG-1 for continuous data.
PLUGIN = "plugin"
KSG = "ksg1"

#: Shuffles behind the p-values of the symmetry and chain-rule demos.
N_CHAIN_RESAMPLES = 199

Seed = Query(0, ge=0, le=2**31 - 1, description="seed of the sample")
Resamples = Query(199, ge=19, le=999, description="permutations for the p-value")


def _histogram(values: np.ndarray, bins: int = 24) -> dict[str, list[float]]:
    counts, edges = np.histogram(values, bins=bins)
    return {"counts": counts.tolist(), "edges": edges.tolist()}


def _entropy_bits(pmf: np.ndarray, axes: tuple[int, ...]) -> float:
    """Entropy in bits of the marginal of ``pmf`` on ``axes``."""
    drop = tuple(a for a in range(pmf.ndim) if a not in axes)
    p = pmf.sum(axis=drop).ravel() if drop else pmf.ravel()
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


# ----------------------------------------------------------------------------- 1 non-negativity


@lru_cache(maxsize=64)
def _nonnegativity(kind: str, n: int, reps: int, levels: int, k: int, seed: int) -> dict[str, Any]:
    method = KSG if kind == "continuous" else PLUGIN
    rng = np.random.default_rng(seed)
    estimates = np.empty(reps)
    for r in range(reps):
        x, y = independent_pair(kind, n, rng, levels=levels)
        estimates[r] = mi.mutual_info(x, y, method=method, k=k, discrete=kind == "discrete")
    bias_bits = (levels - 1) ** 2 / (2.0 * n * math.log(2)) if kind == "discrete" else None
    options = f", k={k}" if kind == "continuous" else ", discrete=True"
    code = snippet(
        f"""
        import numpy as np
        import mutinfo as mi
        from mutinfo.explorer.generators_more import independent_pair

        rng = np.random.default_rng({seed})
        estimates = []
        for _ in range({reps}):  # {reps} independent samples: the true MI is 0 every time
            x, y = independent_pair("{kind}", {n}, rng, levels={levels})
            estimates.append(float(mi.mutual_info(x, y, method="{method}"{options})))
        estimates = np.array(estimates)
        print(f"mean {{estimates.mean():.5f}} bits, {{(estimates < 0).mean():.0%}} below zero, "
              f"min {{estimates.min():.5f}}")
        """
    )
    return clean(
        {
            "kind": kind,
            "method": method,
            "unit": "bits",
            "n": n,
            "reps": reps,
            "truth": 0.0,
            "estimates": estimates,
            "mean": float(estimates.mean()),
            "sd": float(estimates.std(ddof=1)),
            "min": float(estimates.min()),
            "max": float(estimates.max()),
            "fraction_negative": float(np.mean(estimates < 0)),
            "histogram": _histogram(estimates),
            "bias_bits": bias_bits,
            "notes": (
                "The true MI of every sample is exactly 0. The plug-in estimate cannot go below 0 "
                "and sits about (Bx-1)(By-1)/(2n) nats above it (Miller 1955); the KSG estimate "
                "scatters around 0, so some estimates are negative. mutinfo returns them as they are."
            ),
            "snippet": code,
        }
    )


@router.get("/nonnegativity")
def nonnegativity(
    kind: Literal["continuous", "discrete"] = Query("continuous", description="data type"),
    n: int = Query(200, ge=20, le=5000),
    reps: int = Query(200, ge=10, le=500, description="independent samples"),
    levels: int = Query(4, ge=2, le=16, description="levels per variable (discrete)"),
    k: int = Query(3, ge=1, le=20, description="neighbours (KSG)"),
    seed: int = Seed,
) -> dict[str, Any]:
    """Sampling distribution of an MI estimator on independent data (true MI = 0)."""
    return _nonnegativity(kind, n, reps, levels, min(k, n - 1), seed)


# ----------------------------------------------------------------------------- 2 symmetry


@lru_cache(maxsize=64)
def _symmetry(levels: int, flip: float, n: int, seed: int) -> dict[str, Any]:
    x, y = categorical_pair(levels, flip, n, seed)
    opts = {"method": PLUGIN, "discrete": True, "base": UNIT_BASE}
    i_xy = mi.mutual_info(x, y, **opts)
    i_yx = mi.mutual_info(y, x, **opts)
    h_x_given_y = mi.conditional_entropy(x, y, **opts)
    h_y_given_x = mi.conditional_entropy(y, x, **opts)
    p_xy = mi.independence_test(x, y, n_resamples=N_CHAIN_RESAMPLES, rng=seed, **opts).pvalue
    code = snippet(
        f"""
        import mutinfo as mi
        from mutinfo.explorer.generators_more import categorical_pair

        x, y = categorical_pair({levels}, {flip!r}, {n}, {seed})
        opts = dict(method="{PLUGIN}", discrete=True)
        i_xy = mi.mutual_info(x, y, **opts)
        i_yx = mi.mutual_info(y, x, **opts)
        h_x_given_y = mi.conditional_entropy(x, y, **opts)
        h_y_given_x = mi.conditional_entropy(y, x, **opts)
        p_xy = mi.independence_test(x, y, n_resamples={N_CHAIN_RESAMPLES}, rng={seed}, **opts).pvalue
        print(i_xy, i_yx, h_x_given_y, h_y_given_x, p_xy)
        """
    )
    return clean(
        {
            "i_xy": readout(i_xy, label="I(X;Y)", p_value=p_xy, n_resamples=N_CHAIN_RESAMPLES),
            "i_yx": readout(i_yx, label="I(Y;X)"),
            "h_x_given_y": readout(h_x_given_y, label="H(X|Y)"),
            "h_y_given_x": readout(h_y_given_x, label="H(Y|X)"),
            "difference": float(i_xy) - float(i_yx),
            "snippet": code,
        }
    )


@router.get("/symmetry")
def symmetry(
    levels: int = Query(4, ge=2, le=8, description="levels of X"),
    flip: float = Query(0.1, ge=0.0, le=0.5, description="noise on Y"),
    n: int = Query(1000, ge=20, le=20000),
    seed: int = Seed,
) -> dict[str, Any]:
    """I(X;Y) and I(Y;X) on the same sample, beside the unequal conditional entropies."""
    return _symmetry(levels, round(flip, 4), n, seed)


# ----------------------------------------------------------------------------- 3 zero iff independence


@lru_cache(maxsize=64)
def _independence(noise: float, n: int, seed: int, n_resamples: int) -> dict[str, Any]:
    x, y = parabola_pair(noise, n, seed)
    pearson = stats.pearsonr(x, y)
    test = mi.independence_test(x, y, method=KSG, n_resamples=n_resamples, rng=seed, base=UNIT_BASE)
    info = mi.mutual_info(x, y, method=KSG, base=UNIT_BASE)
    # the control: the same x beside an independent shuffle of y (true MI = 0)
    y_shuffled = np.random.default_rng(seed + 1).permutation(y)
    control = mi_with_test(x, y_shuffled, n_resamples=n_resamples, seed=seed, method=KSG)
    idx = np.random.default_rng(0).permutation(n)[: min(n, 400)]
    code = snippet(
        f"""
        import numpy as np
        from scipy import stats
        import mutinfo as mi
        from mutinfo.explorer.generators_more import parabola_pair

        x, y = parabola_pair({noise!r}, {n}, {seed})  # y = x^2 + noise, x symmetric around 0
        r, r_p = stats.pearsonr(x, y)
        estimate = mi.mutual_info(x, y, method="{KSG}")
        test = mi.independence_test(x, y, method="{KSG}", n_resamples={n_resamples}, rng={seed})
        y_shuffled = np.random.default_rng({seed + 1}).permutation(y)  # independent control
        control = mi.mutual_info(x, y_shuffled, method="{KSG}")
        control_test = mi.independence_test(
            x, y_shuffled, method="{KSG}", n_resamples={n_resamples}, rng={seed}
        )
        control_ci = control_test.confidence_interval({CI_LEVEL}, n_resamples={N_CI}, rng={seed})
        print(f"Pearson r = {{r:.3f}} (p = {{r_p:.3g}})")
        print(f"MI = {{float(estimate):.3f}} bits (p = {{test.pvalue:.3g}}); "
              f"control {{float(control):.3f}} bits (p = {{control_test.pvalue:.3g}})")
        """
    )
    return clean(
        {
            "pearson": {"r": float(pearson.statistic), "p_value": float(pearson.pvalue), "n": n},
            "mi": readout(info, p_value=float(test.pvalue), n_resamples=n_resamples, label="I(X;Y)"),
            "null_histogram": _histogram(np.asarray(test.null_distribution, dtype=float)),
            "control": {**control, "quantity": "I(X; shuffled Y)"},
            "scatter": {"x": x[idx], "y": y[idx]},
            "snippet": code,
        }
    )


@router.get("/independence")
def independence(
    noise: float = Query(0.1, ge=0.0, le=2.0, description="noise sd around the parabola"),
    n: int = Query(300, ge=30, le=3000),
    seed: int = Seed,
    n_resamples: int = Resamples,
) -> dict[str, Any]:
    """Y = X² + noise: Pearson r near 0, MI clearly above its permutation null."""
    return _independence(round(noise, 4), n, seed, n_resamples)


# ----------------------------------------------------------------------------- 4 I(X;X) = H(X)

#: Noise levels of the continuous "almost a copy" series.
SIGMAS = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001)
#: Sample sizes of the continuous I(X;X) series.
SELF_NS = (100, 300, 1000, 3000, 10000)


@lru_cache(maxsize=64)
def _self_information(kind: str, levels: int, flip: float, n: int, k: int, seed: int) -> dict[str, Any]:
    if kind == "discrete":
        x, y = categorical_pair(levels, flip, n, seed)
        opts = {"method": PLUGIN, "discrete": True, "base": UNIT_BASE}
        i_xx = mi.mutual_info(x, x, **opts)
        h_x = mi.entropy(x, **opts)
        i_xy = mi.mutual_info(x, y, **opts)
        h_y = mi.entropy(y, **opts)
        code = snippet(
            f"""
            import mutinfo as mi
            from mutinfo.explorer.generators_more import categorical_pair

            x, y = categorical_pair({levels}, {flip!r}, {n}, {seed})
            opts = dict(method="{PLUGIN}", discrete=True)
            i_xx, h_x = mi.mutual_info(x, x, **opts), mi.entropy(x, **opts)
            i_xy, h_y = mi.mutual_info(x, y, **opts), mi.entropy(y, **opts)
            print(f"I(X;X) = {{float(i_xx):.4f}}, H(X) = {{float(h_x):.4f}} bits")
            print(f"I(X;Y) = {{float(i_xy):.4f}} <= min(H(X), H(Y)) = {{min(h_x, h_y):.4f}} bits")
            """
        )
        return clean(
            {
                "kind": kind,
                "i_xx": readout(i_xx, label="I(X;X)"),
                "h_x": readout(h_x, label="H(X)"),
                "i_xy": readout(i_xy, label="I(X;Y)"),
                "h_y": readout(h_y, label="H(Y)"),
                "bound": min(float(h_x), float(h_y)),
                "h_x_truth": math.log2(levels),
                "snippet": code,
            }
        )
    series = []
    for s in SIGMAS:
        a, b = noisy_copy(s, n, seed)
        est = mi.mutual_info(a, b, method=KSG, k=k, base=UNIT_BASE)
        series.append({"sigma": s, "value": float(est), "truth": 0.5 * math.log2(1 + 1 / s**2)})
    self_series = []
    for m in SELF_NS:
        a, _ = noisy_copy(1.0, m, seed)
        est = mi.mutual_info(a, a.copy(), method=KSG, k=min(k, m - 1), base=UNIT_BASE)
        # with y = x exactly, KSG-1 reduces to psi(n) - psi(k) nats: finite, growing like log n
        closed = (special.digamma(m) - special.digamma(min(k, m - 1))) / math.log(2)
        self_series.append({"n": m, "value": float(est), "psi_form": float(closed)})
    narrow, _ = noisy_copy(1.0, n, seed)
    narrow = 0.05 * narrow
    h_narrow = mi.entropy(narrow, base=UNIT_BASE)
    code = snippet(
        f"""
        import mutinfo as mi
        from mutinfo.explorer.generators_more import noisy_copy

        noisy = {{}}  # Y = X + sigma * noise; true I = 0.5 log2(1 + 1/sigma^2)
        for sigma in {SIGMAS!r}:
            x, y = noisy_copy(sigma, {n}, {seed})
            noisy[sigma] = float(mi.mutual_info(x, y, method="{KSG}", k={k}))
        itself = {{}}  # I(X;X): the estimate keeps growing with n (the quantity is infinite)
        for m in {SELF_NS!r}:
            x, _ = noisy_copy(1.0, m, {seed})
            itself[m] = float(mi.mutual_info(x, x.copy(), method="{KSG}", k=min({k}, m - 1)))
        x, _ = noisy_copy(1.0, {n}, {seed})
        h_narrow = mi.entropy(0.05 * x)
        print(noisy)
        print(itself)
        print("h(0.05 X) =", float(h_narrow), "bits (negative)")
        """
    )
    return clean(
        {
            "kind": kind,
            "n": n,
            "k": k,
            "method": KSG,
            "unit": "bits",
            "noisy_copy": series,
            "self": self_series,
            "h_narrow": readout(h_narrow, label="h(0.05 X)"),
            "h_narrow_truth": 0.5 * math.log2(2 * math.pi * math.e * 0.05**2),
            "snippet": code,
        }
    )


@router.get("/self")
def self_information(
    kind: Literal["discrete", "continuous"] = Query("discrete", description="data type"),
    levels: int = Query(4, ge=2, le=16, description="levels of X (discrete)"),
    flip: float = Query(0.1, ge=0.0, le=0.5, description="noise on Y = X mod 2 (discrete)"),
    n: int = Query(1000, ge=50, le=5000),
    k: int = Query(3, ge=1, le=20),
    seed: int = Seed,
) -> dict[str, Any]:
    """I(X;X) = H(X) for discrete X; for continuous X it is infinite (shown by its estimates)."""
    return _self_information(kind, levels, round(flip, 4), n, k, seed)


# ----------------------------------------------------------------------------- 5 data processing


@lru_cache(maxsize=64)
def _dpi(flip1: float, flip2: float, sufficient: bool, n: int, seed: int, n_resamples: int) -> dict[str, Any]:
    x, y, z = markov_chain(flip1, flip2, n, seed, sufficient=sufficient)
    opts = {"method": PLUGIN, "discrete": True}
    i_xy = mi_with_test(x, y, n_resamples=n_resamples, seed=seed, **opts)
    i_xz = mi_with_test(x, z, n_resamples=n_resamples, seed=seed, **opts)
    through = flip1 if sufficient else flip1 * (1 - flip2) + flip2 * (1 - flip1)
    code = snippet(
        f"""
        import mutinfo as mi
        from mutinfo.explorer.generators_more import markov_chain, binary_entropy

        x, y, z = markov_chain({flip1!r}, {flip2!r}, {n}, {seed}, sufficient={sufficient})
        opts = dict(method="{PLUGIN}", discrete=True)
        i_xy, i_xz = mi.mutual_info(x, y, **opts), mi.mutual_info(x, z, **opts)
        test_xy = mi.independence_test(x, y, n_resamples={n_resamples}, rng={seed}, **opts)
        test_xz = mi.independence_test(x, z, n_resamples={n_resamples}, rng={seed}, **opts)
        p_xy, p_xz = test_xy.pvalue, test_xz.pvalue
        ci_xy = test_xy.confidence_interval({CI_LEVEL}, n_resamples={N_CI}, rng={seed})
        ci_xz = test_xz.confidence_interval({CI_LEVEL}, n_resamples={N_CI}, rng={seed})
        t_xy, t_xz = 1 - binary_entropy({flip1!r}), 1 - binary_entropy({through!r})  # truths, bits
        print(f"I(X;Y) = {{float(i_xy):.4f}} bits (truth {{t_xy:.4f}}), p = {{p_xy:.3g}}")
        print(f"I(X;Z) = {{float(i_xz):.4f}} bits (truth {{t_xz:.4f}}), p = {{p_xz:.3g}}")
        """
    )
    return clean(
        {
            "i_xy": {**i_xy, "quantity": "I(X;Y)", "truth": 1 - binary_entropy(flip1)},
            "i_xz": {**i_xz, "quantity": "I(X;Z)", "truth": 1 - binary_entropy(through)},
            "sufficient": sufficient,
            "holds_for_truth": 1 - binary_entropy(through) <= 1 - binary_entropy(flip1) + 1e-12,
            "holds_for_estimates": i_xz["value"] <= i_xy["value"] + 1e-12,
            "snippet": code,
        }
    )


@router.get("/dpi")
def dpi(
    flip1: float = Query(0.1, ge=0.0, le=0.5, description="flip probability X -> Y"),
    flip2: float = Query(0.1, ge=0.0, le=0.5, description="flip probability Y -> Z"),
    sufficient: bool = Query(False, description="Z keeps exactly the part of Y that is about X"),
    n: int = Query(2000, ge=50, le=20000),
    seed: int = Seed,
    n_resamples: int = Resamples,
) -> dict[str, Any]:
    """Markov chain X -> Y -> Z of bits: I(X;Z) <= I(X;Y), equal when Z is sufficient."""
    return _dpi(round(flip1, 4), round(flip2, 4), sufficient, n, seed, n_resamples)


# ----------------------------------------------------------------------------- 6 chain rule


def _chain_truth(relation: str, flip: float) -> dict[str, float]:
    pmf = np.zeros((2, 2, 2))
    for a in (0, 1):
        for b in (0, 1):
            if relation == "redundant" and b != a:
                continue
            weight = 0.5 if relation == "redundant" else 0.25
            f = a ^ b if relation == "xor" else a & b if relation == "and" else a
            pmf[a, b, f] += weight * (1 - flip)
            pmf[a, b, 1 - f] += weight * flip
    h = lambda *axes: _entropy_bits(pmf, axes)  # noqa: E731
    return {
        "i_joint": h(0, 1) + h(2) - h(0, 1, 2),
        "i_x1": h(0) + h(2) - h(0, 2),
        "i_x2": h(1) + h(2) - h(1, 2),
        "i_x2_given_x1": h(0, 1) + h(0, 2) - h(0, 1, 2) - h(0),
    }


@lru_cache(maxsize=64)
def _chain(relation: str, flip: float, n: int, seed: int) -> dict[str, Any]:
    x1, x2, y = chain_rule_data(relation, flip, n, seed)
    opts = {"method": PLUGIN, "discrete": True, "base": UNIT_BASE}
    i_joint = mi.mutual_info(np.column_stack([x1, x2]), y, **opts)
    i_x1 = mi.mutual_info(x1, y, **opts)
    i_x2 = mi.mutual_info(x2, y, **opts)
    i_x2_given_x1 = mi.conditional_mutual_info(x2, y, x1, **opts)
    truth = _chain_truth(relation, flip)
    # permutation tests: I(X1;Y) against shuffles of y; I(X2;Y|X1) against shuffles of y
    # within each value of x1 (an exact test of conditional independence for discrete x1)
    tests = {
        "seed": seed,
        "n_resamples": N_CHAIN_RESAMPLES,
        "ci_resamples": None,
        "method": PLUGIN,
        "discrete": True,
    }
    p_x1 = mi_with_test(x1, y, **tests)["p_value"]
    p_x2_given_x1 = mi_with_test(x2, y, z=x1, **tests)["p_value"]
    code = snippet(
        f"""
        import numpy as np
        import mutinfo as mi
        from mutinfo.explorer.generators_more import chain_rule_data

        x1, x2, y = chain_rule_data("{relation}", {flip!r}, {n}, {seed})
        opts = dict(method="{PLUGIN}", discrete=True)
        i_joint = mi.mutual_info(np.column_stack([x1, x2]), y, **opts)
        i_x1 = mi.mutual_info(x1, y, **opts)
        i_x2_given_x1 = mi.conditional_mutual_info(x2, y, x1, **opts)
        test = dict(n_resamples={N_CHAIN_RESAMPLES}, rng={seed}, **opts)
        p_x1 = mi.independence_test(x1, y, **test).pvalue
        p_x2_given_x1 = mi.independence_test(x2, y, x1, **test).pvalue  # shuffles y within x1
        print(f"I(X1,X2;Y) = {{float(i_joint):.4f}} bits")
        print(f"I(X1;Y) + I(X2;Y|X1) = {{float(i_x1):.4f}} + {{float(i_x2_given_x1):.4f}} "
              f"= {{float(i_x1) + float(i_x2_given_x1):.4f}} bits")
        """
    )
    return clean(
        {
            "relation": relation,
            "i_joint": {**readout(i_joint, label="I(X1,X2;Y)"), "truth": truth["i_joint"]},
            "i_x1": {
                **readout(i_x1, label="I(X1;Y)", p_value=p_x1, n_resamples=N_CHAIN_RESAMPLES),
                "truth": truth["i_x1"],
            },
            "i_x2": {**readout(i_x2, label="I(X2;Y)"), "truth": truth["i_x2"]},
            "i_x2_given_x1": {
                **readout(
                    i_x2_given_x1, label="I(X2;Y|X1)", p_value=p_x2_given_x1, n_resamples=N_CHAIN_RESAMPLES
                ),
                "truth": truth["i_x2_given_x1"],
            },
            "sum": float(i_x1) + float(i_x2_given_x1),
            "gap": float(i_joint) - (float(i_x1) + float(i_x2_given_x1)),
            "snippet": code,
        }
    )


@router.get("/chain")
def chain(
    relation: Literal["xor", "and", "redundant"] = Query("redundant", description="how Y depends on X1, X2"),
    flip: float = Query(0.05, ge=0.0, le=0.5, description="noise on Y"),
    n: int = Query(2000, ge=50, le=20000),
    seed: int = Seed,
) -> dict[str, Any]:
    """Chain rule I(X1,X2;Y) = I(X1;Y) + I(X2;Y|X1) on a sample, with exact truths."""
    return _chain(relation, round(flip, 4), n, seed)
