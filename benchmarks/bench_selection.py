"""Feature selection: mutinfo's MutualInfoSelector (mRMR, JMI) against scikit-learn and mrmr-selection.
**Quality**: 5-fold stratified cross-validated accuracy (shuffled, seed 0) of one
fixed classifier, ``RandomForestClassifier(n_estimators=100, random_state=0)``, on the k = 5,
10, 20 selected features; every selector is fitted inside each training fold only (k = 5 and
10 are the first features of the greedy k = 20 run, which is what a k = 5 or 10 run returns).
Data: scikit-learn's breast-cancer set (569 x 30); ``make_classification`` (n = 1000, 50
features: 6 informative, 10 linear combinations of them, 4 repeats, 30 noise, 2 % label flips);
and a non-linear set (n = 1000) where x0 matters only through x0^2 (y = 1 when
x0^2 + 0.8 (x1 + x2) + 0.5 e > 1.2), with 4 noisy copies of x1 and 23 noise columns. Peers:
``SelectKBest(mutual_info_classif)`` (random_state=0), ``SelectKBest(f_classif)`` and
``mrmr_classif`` of mrmr-selection with its defaults (F-statistic relevance, Pearson
redundancy). mutinfo's time is the mRMR fit, the peer's its own fit (means over folds).
**Speed**: ``make_classification`` with n = 5000, p = 500 (columns 0-9 informative, 10-19 linear
combinations of them, 480 noise columns; one cluster per class, class_sep = 2; unshuffled so
the signal columns are known), K = 20,
mutinfo mRMR (quotient form, the form mrmr-selection uses) against ``mrmr_classif`` driven by
scikit-learn's MI for both relevance (``mutual_info_classif``) and redundancy
(``mutual_info_regression`` of each remaining feature on the newly selected one). Both run on
one thread (mutinfo ``n_jobs=1``; scikit-learn's default), so the ratio compares algorithms,
not core counts. Overlap: shared features of the two selected sets. The sets can differ
because scikit-learn's MI adds random noise to the data and clips estimates at 0, and
mrmr-selection drops features whose relevance is 0 and floors the redundancy at 0.001.
Both sides' quotient form (MIQ) with its 0.001 floor favours weakly relevant columns that are
unrelated to everything chosen, so after the first few picks both take noise columns here
(the difference form, mutinfo's default, does much better: see the notes; it is not what
mrmr-selection computes).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from benchmarks.common import row, time_call

__all__ = ["run"]

KS = (5, 10, 20)


def breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    return data.data, data.target


def redundant_noisy(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=1000,
        n_features=50,
        n_informative=6,
        n_redundant=10,
        n_repeated=4,
        n_clusters_per_class=2,
        flip_y=0.02,
        shuffle=True,
        random_state=seed,
    )


def squared(n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """x0 enters only through x0^2 (no linear correlation with y); x1, x2 linearly."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = (x[:, 0] ** 2 + 0.8 * (x[:, 1] + x[:, 2]) + 0.5 * rng.normal(size=n) > 1.2).astype(int)
    copies = x[:, [1]] + 0.3 * rng.normal(size=(n, 4))
    noise = rng.normal(size=(n, 23))
    return np.column_stack([x, copies, noise]), y


# ---------------------------------------------------------------------- selectors (return an order)


def _mutinfo(criterion: str) -> Callable[[np.ndarray, np.ndarray, int], list[int]]:
    import mutinfo as mi

    def select(X: np.ndarray, y: np.ndarray, k: int) -> list[int]:
        sel = mi.MutualInfoSelector(k, criterion=criterion, n_jobs=1).fit(X, y)
        return sel.selection_order_.tolist()

    return select


def _kbest(score: str) -> Callable[[np.ndarray, np.ndarray, int], list[int]]:
    from sklearn.feature_selection import f_classif, mutual_info_classif

    def select(X: np.ndarray, y: np.ndarray, k: int) -> list[int]:
        if score == "mi":
            s = mutual_info_classif(X, y, random_state=0)
        else:
            s = np.nan_to_num(f_classif(X, y)[0])
        return np.argsort(-s, kind="stable")[:k].tolist()

    return select


def _mrmr_default(X: np.ndarray, y: np.ndarray, k: int) -> list[int]:
    from mrmr import mrmr_classif

    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    chosen = mrmr_classif(frame, pd.Series(y), K=k, show_progress=False, n_jobs=1)
    return [int(c[1:]) for c in chosen]


def _cv_quality(X: np.ndarray, y: np.ndarray, selectors: dict) -> dict[str, dict]:
    """Per selector: accuracy per k (mean over folds) and mean selection time."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    out = {name: {"acc": {k: [] for k in KS}, "time": []} for name in selectors}
    kmax = max(KS)
    for train, test in folds.split(X, y):
        for name, select in selectors.items():
            start = time.perf_counter()
            order = select(X[train], y[train], kmax)
            out[name]["time"].append(time.perf_counter() - start)
            for k in KS:
                cols = order[:k]
                clf = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)
                clf.fit(X[train][:, cols], y[train])
                out[name]["acc"][k].append(float(np.mean(clf.predict(X[test][:, cols]) == y[test])))
    return {
        name: {
            "acc": {k: float(np.mean(v)) for k, v in res["acc"].items()},
            "time": float(np.mean(res["time"])),
        }
        for name, res in out.items()
    }


# ---------------------------------------------------------------------- speed


def speed_data(n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns 0-9 informative, 10-19 linear combinations of them, the rest noise (unshuffled)."""
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=n,
        n_features=p,
        n_informative=10,
        n_redundant=10,
        n_clusters_per_class=1,
        class_sep=2.0,
        shuffle=False,
        random_state=0,
    )


def _mrmr_sklearn_mi(X: np.ndarray, y: np.ndarray, k: int) -> list[int]:
    """mrmr-selection driven by scikit-learn's MI for relevance and redundancy."""
    from mrmr import mrmr_classif
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])

    def relevance(X: pd.DataFrame, y: pd.Series) -> pd.Series:
        return pd.Series(mutual_info_classif(X.to_numpy(), y.to_numpy(), random_state=0), index=X.columns)

    def redundancy(X: pd.DataFrame, target_column: str, features: list[str]) -> pd.Series:
        values = mutual_info_regression(X[features].to_numpy(), X[target_column].to_numpy(), random_state=0)
        return pd.Series(values, index=features)

    chosen = mrmr_classif(
        frame, pd.Series(y), K=k, relevance=relevance, redundancy=redundancy, show_progress=False
    )
    return [int(c[1:]) for c in chosen]


def run(quick: bool = False) -> list[dict]:
    """Rows for the runner (see the module docstring)."""
    import mutinfo as mi

    rows: list[dict] = []
    sets = {
        "breast cancer (569 x 30)": breast_cancer(),
        "make_classification redundant + noise (1000 x 50)": redundant_noisy(),
        "x0 only through x0^2 (1000 x 30)": squared(),
    }
    selectors = {
        "mutinfo mRMR": _mutinfo("mrmr"),
        "mutinfo JMI": _mutinfo("jmi"),
        "SelectKBest(mutual_info_classif)": _kbest("mi"),
        "SelectKBest(f_classif)": _kbest("f"),
        "mrmr-selection (F-test, Pearson)": _mrmr_default,
    }
    if quick:
        sets = dict(list(sets.items())[:1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for label, (X, y) in sets.items():
            res = _cv_quality(X, y, selectors)
            ours = res["mutinfo mRMR"]
            jmi = res["mutinfo JMI"]
            for peer in list(selectors)[2:]:
                theirs = res[peer]
                accs = "; ".join(
                    f"k={k}: {ours['acc'][k]:.3f} / {jmi['acc'][k]:.3f} vs {theirs['acc'][k]:.3f}" for k in KS
                )
                rows.append(
                    row(
                        "selection",
                        f"quality: {label}",
                        ours["time"],
                        peer,
                        theirs["time"],
                        f"CV accuracy mRMR / JMI vs peer: {accs}",
                        f"JMI fit {jmi['time']:.2g} s",
                    )
                )

    n, p, k = (2000, 100, 10) if quick else (5000, 500, 20)
    X, y = speed_data(n, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = time_call(
            lambda: (
                mi.MutualInfoSelector(k, mrmr_form="quotient", n_jobs=1).fit(X, y).selection_order_.tolist()
            ),
            repeats=1 if not quick else 2,
        )
        start = time.perf_counter()
        diff = mi.MutualInfoSelector(k, n_jobs=1).fit(X, y).selection_order_.tolist()
        diff_s = time.perf_counter() - start
        start = time.perf_counter()
        theirs = _mrmr_sklearn_mi(X, y, k)
        peer_s = time.perf_counter() - start
    shared = len(set(ours.result) & set(theirs))
    signal = min(20, p)
    ours_signal = sum(j < signal for j in ours.result)
    theirs_signal = sum(j < signal for j in theirs)
    rows.append(
        row(
            "selection",
            f"speed: mRMR, n = {n}, p = {p}, K = {k} (one thread each)",
            ours.median,
            "mrmr_classif + sklearn mutual_info_classif / mutual_info_regression",
            peer_s,
            f"{shared} of {k} selected features shared; from the {signal} signal columns (0-{signal - 1}: "
            f"informative or redundant) mutinfo took {ours_signal}, the peer {theirs_signal}; "
            f"first 5 mutinfo {ours.result[:5]}, peer {theirs[:5]}",
            f"mutinfo first call {ours.first:.3g} s; mutinfo difference form (default): "
            f"{diff_s:.3g} s, {sum(j < signal for j in diff)} of {k} from the signal columns",
        )
    )
    return rows
