"""Registry entries for the neural bounds: ``method="infonce" | "nwj" | "mine"``.

These let ``mutual_info(x, y, method="infonce")`` run a neural bound with fixed, documented
settings; :func:`mutinfo.neural.neural_mutual_info` exposes every option and the training
curves. torch is imported only when an estimate runs (importing mutinfo stays light), and a
missing torch gives an ImportError naming the extra: ``pip install "mutinfo[neural]"``.
``method="auto"`` never chooses these (see :mod:`mutinfo.estimators.registry`).

Settings used through the registry: separable critic, hidden layers (128, 128), embedding 32,
20 % of the rows held out, ``batch_size = min(256, held-out rows)``, Adam with learning rate
1e-3, at most 200 epochs with patience 10, seeded from the call's ``rng``, torch threads from
``n_jobs``. The value is the bound on the held-out rows (in nats here; the public function
converts to ``base``).
"""

from __future__ import annotations

import math

from mutinfo._variable import Variable
from mutinfo.estimators._method import Method, MIFn, Options

__all__ = ["METHODS", "MIN_SAMPLES", "REGISTRY_SETTINGS"]

#: Fewest rows the registry route accepts (10 held-out rows, so a batch of at least 10).
MIN_SAMPLES = 50

#: The training settings of the registry route (``batch_size`` is capped by the held-out rows).
REGISTRY_SETTINGS: dict[str, object] = {
    "critic": "separable",
    "hidden": (128, 128),
    "embed_dim": 32,
    "batch_size": 256,
    "max_epochs": 200,
    "learning_rate": 1e-3,
    "validation_fraction": 0.2,
    "patience": 10,
}


def _accepts(variables: tuple[Variable, ...]) -> str | None:
    n = variables[0].n
    if n < MIN_SAMPLES:
        return (
            f"the neural bounds need at least {MIN_SAMPLES} samples (a training and a held-out "
            f"split); got n = {n}."
        )
    return None


def _neural(bound: str) -> MIFn:
    def mi(x: Variable, y: Variable, options: Options) -> float:
        from mutinfo.neural._cap import is_near_cap, warn_near_cap
        from mutinfo.neural._training import fit_bound, split_sizes  # imports torch here, not before

        settings = dict(REGISTRY_SETTINGS)
        n_train, n_valid = split_sizes(x.n, float(settings["validation_fraction"]))
        batch_size = min(int(settings["batch_size"]), n_train, n_valid)
        settings["batch_size"] = batch_size
        fit = fit_bound(x.values, y.values, bound=bound, rng=options.rng, n_jobs=options.n_jobs, **settings)
        if bound == "infonce" and is_near_cap(fit.estimate, batch_size):
            hint = "Use mutinfo.neural.neural_mutual_info with a larger batch_size, or method='nwj' / 'mine'."
            warn_near_cap(fit.estimate, batch_size, math.e, hint, stacklevel=4)
        return fit.estimate

    mi.__name__ = f"_{bound}_mi"
    return mi


_REFS = {
    "infonce": "van den Oord et al. 2018, https://doi.org/10.48550/arXiv.1807.03748; "
    "Poole et al. 2019, https://doi.org/10.48550/arXiv.1905.06922",
    "nwj": "Nguyen, Wainwright and Jordan 2010, https://doi.org/10.1109/TIT.2010.2068870",
    "mine": "Belghazi et al. 2018, https://doi.org/10.48550/arXiv.1801.04062",
}

_SUMMARIES = {
    "infonce": "Neural InfoNCE lower bound (torch); low variance, never above log(min(256, n/5)).",
    "nwj": "Neural NWJ lower bound (torch); no cap, high variance at high MI.",
    "mine": "Neural MINE (Donsker-Varadhan, moving-average gradient; torch); no cap, high variance.",
}

METHODS: dict[str, Method] = {
    name: Method(
        name=name,
        summary=_SUMMARIES[name],
        kinds=frozenset({"continuous"}),
        mi=_neural(name),
        accepts=_accepts,
        reference=_REFS[name],
    )
    for name in ("infonce", "nwj", "mine")
}
