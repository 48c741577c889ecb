"""MutualInfoSelector: known relevant / redundant / synergistic features, the numbers behind
the choices, the scikit-learn contract, and bad parameters."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import mutinfo as mi
from mutinfo.selection import MutualInfoSelector


def duplicated(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """y = a + 0.7 b + noise; column 1 is a near-copy of column 0, column 3 is pure noise."""
    rng = np.random.default_rng(seed)
    a, b, c = rng.normal(size=(3, n))
    X = np.column_stack([a, a + 0.05 * rng.normal(size=n), b, c])
    y = a + 0.7 * b + 0.3 * rng.normal(size=n)
    return X, y


def xor(n: int = 4000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Binary features; y = a XOR b with P(b = 1) = 0.3, so that
    I(a; y) = 1 - H(0.3) = 0.119 bits, I(b; y) = 0 and I(a, b; y) = H(y) = 1 bit;
    two decoys are noisy copies of y (flipped with probability 0.36: 0.057 bits each,
    more than b alone, less than a); four more columns are fair coins."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, n)
    b = (rng.random(n) < 0.3).astype(np.int64)
    y = a ^ b
    decoys = [y ^ (rng.random(n) < 0.36) for _ in range(2)]
    noise = rng.integers(0, 2, (n, 4))
    X = np.column_stack([a, b, *decoys, noise]).astype(np.int64)
    return X, y


# ---------------------------------------------------------------------- what gets chosen


def test_mrmr_drops_a_duplicate_that_top_k_keeps() -> None:
    X, y = duplicated()
    top = MutualInfoSelector(2, criterion="relevance").fit(X, y)
    assert top.get_support().tolist() == [True, True, False, False]
    for form in ("difference", "quotient"):
        sel = MutualInfoSelector(2, criterion="mrmr", mrmr_form=form).fit(X, y)
        assert sel.selection_order_.tolist() == [0, 2], form


def test_mrmr_drops_a_duplicate_for_a_class_target() -> None:
    X, y = duplicated()
    labels = (y > 0).astype(int)
    assert MutualInfoSelector(2, criterion="relevance").fit(X, labels).selection_order_.tolist() == [0, 1]
    assert MutualInfoSelector(2, criterion="mrmr").fit(X, labels).selection_order_.tolist() == [0, 2]


@pytest.mark.parametrize("criterion", ["jmi", "cmim", "jmim"])
def test_conditional_criteria_find_the_xor_partner(criterion: str) -> None:
    X, y = xor()
    sel = MutualInfoSelector(2, criterion=criterion).fit(X, y)
    assert sel.discrete_features_.all() and sel.discrete_target_
    assert sel.selection_order_.tolist() == [0, 1]
    # I(a, b; y) = H(y): y is a function of (a, b); H(y) with P(y=1) = 0.5*0.3 + 0.5*0.7 = 0.5.
    if criterion != "cmim":
        assert abs(sel.scores_[1] - 1.0) < 0.01


@pytest.mark.parametrize("criterion", ["relevance", "mrmr"])
def test_marginal_criteria_miss_the_xor_partner(criterion: str) -> None:
    X, y = xor()
    sel = MutualInfoSelector(2, criterion=criterion).fit(X, y)
    assert sel.selection_order_[0] == 0
    assert sel.selection_order_[1] in (2, 3)  # a decoy, not b (column 1)
    truth = 1 - (-(0.3 * math.log2(0.3) + 0.7 * math.log2(0.7)))
    assert abs(sel.relevance_[0] - truth) < 0.02  # plug-in sd ~ 0.006 bits at n = 4000
    assert abs(sel.relevance_[1]) < 0.01


def test_auto_stops_when_the_gain_is_noise() -> None:
    X, y = duplicated(n=4000)
    # Noise columns have gains of 0 +- ~0.01 bits (KSG at n = 4000); 0.05 bits clears them.
    # Columns 0 and 1 carry the same signal (either may come first); then b, then stop.
    sel = MutualInfoSelector("auto", criterion="mrmr", threshold=0.05).fit(X, y)
    assert (
        len(sel.selection_order_) == 2 and sel.selection_order_[0] in (0, 1) and sel.selection_order_[1] == 2
    )
    assert np.all(sel.gains_ >= 0.05)
    jmi = MutualInfoSelector("auto", criterion="jmi", threshold=0.05).fit(X, y)
    assert jmi.selection_order_.tolist() == sel.selection_order_.tolist()
    rel = MutualInfoSelector("auto", criterion="relevance", threshold=0.05).fit(X, y)
    assert sorted(rel.selection_order_.tolist()) == [0, 1, 2]


# ---------------------------------------------------------------------- the numbers


def test_relevance_and_redundancy_are_the_library_estimates() -> None:
    X, y = duplicated(n=1500)
    sel = MutualInfoSelector(3, criterion="mrmr").fit(X, y)
    for j in range(4):
        assert sel.relevance_[j] == pytest.approx(float(mi.mutual_info(X[:, j], y, method="ksg1")), abs=1e-12)
    first, second = sel.selection_order_[:2]
    red = float(mi.mutual_info(X[:, second], X[:, first], method="ksg1"))
    assert sel.redundancy_[second] == pytest.approx(red, abs=1e-12)
    assert sel.scores_[second] == pytest.approx(sel.relevance_[second] - red, abs=1e-12)
    assert sel.redundancy_[first] == 0.0 and sel.scores_[first] == sel.relevance_[first]


def test_class_relevance_is_the_ross_estimate() -> None:
    X, y = duplicated(n=1200)
    labels = np.digitize(y, [-1.0, 0.0, 1.0])  # 4 classes
    X = np.column_stack([X, np.round(X[:, 2], 1)])  # a tied column takes the general path
    sel = MutualInfoSelector(2, criterion="relevance", n_neighbors=4).fit(X, labels)
    for j in range(X.shape[1]):
        truth = float(mi.mutual_info(X[:, j], labels, method="ross", k=4))
        assert sel.relevance_[j] == pytest.approx(truth, abs=1e-12), j


def test_jmi_score_is_the_joint_mi_estimate() -> None:
    X, y = xor(n=2000)
    sel = MutualInfoSelector(2, criterion="jmi").fit(X, y)
    joint = float(mi.mutual_info(X[:, [1, 0]], y, discrete=True))
    assert sel.scores_[1] == pytest.approx(joint, abs=1e-12)


def test_quotient_form_divides_by_the_floored_mean_redundancy() -> None:
    X, y = duplicated(n=1500)
    sel = MutualInfoSelector(3, criterion="mrmr", mrmr_form="quotient").fit(X, y)
    s = sel.selection_order_[1]
    assert sel.scores_[s] == pytest.approx(sel.relevance_[s] / max(sel.redundancy_[s], 1e-3), rel=1e-12)
    one = MutualInfoSelector(1, criterion="mrmr", mrmr_form="quotient").fit(X, y)
    np.testing.assert_allclose(one.scores_, one.relevance_, rtol=1e-12)  # one step: relevance only


def test_quotient_mrmr_equals_a_brute_force_run() -> None:
    # Five noise columns: some have R <= 0, whose redundancy the selector skips while it can.
    X, y = duplicated(n=800, seed=4)
    X = np.column_stack([X, np.random.default_rng(5).normal(size=(800, 5))])
    sel = MutualInfoSelector(6, criterion="mrmr", mrmr_form="quotient").fit(X, y)
    rel = np.array([float(mi.mutual_info(X[:, j], y, method="ksg1")) for j in range(9)])
    order = [int(np.argmax(rel))]
    while len(order) < 6:
        rest = [j for j in range(9) if j not in order]
        red = [np.mean([float(mi.mutual_info(X[:, j], X[:, s], method="ksg1")) for s in order]) for j in rest]
        score = [rel[j] / max(r, 1e-3) for j, r in zip(rest, red)]
        order.append(rest[int(np.argmax(score))])
    assert sel.selection_order_.tolist() == order
    assert (rel <= 0).any() and np.isnan(sel.scores_[rel <= 0]).any()


def test_base_scales_every_information_attribute() -> None:
    X, y = duplicated(n=1000)
    bits = MutualInfoSelector(3, criterion="jmi").fit(X, y)
    nats = MutualInfoSelector(3, criterion="jmi", base=math.e).fit(X, y)
    assert nats.selection_order_.tolist() == bits.selection_order_.tolist()
    for name in ("relevance_", "redundancy_", "scores_", "gains_"):
        np.testing.assert_allclose(getattr(nats, name), getattr(bits, name) * math.log(2), rtol=1e-12)


def test_greedy_prefix_ranking_and_thread_count() -> None:
    X, y = duplicated(n=1000)
    long = MutualInfoSelector(4, criterion="cmim", n_jobs=1).fit(X, y)
    short = MutualInfoSelector(2, criterion="cmim", n_jobs=2).fit(X, y)
    assert short.selection_order_.tolist() == long.selection_order_[:2].tolist()
    np.testing.assert_array_equal(short.relevance_, long.relevance_)  # bit-identical for any n_jobs
    assert sorted(long.ranking_.tolist()) == [1, 2, 3, 4]
    assert short.ranking_[short.selection_order_].tolist() == [1, 2]
    assert (short.ranking_[~short.get_support()] == X.shape[1] + 1).all()


def test_mixed_features_and_forced_kinds() -> None:
    rng = np.random.default_rng(3)
    n = 1500
    g = rng.integers(0, 3, n)
    x = rng.normal(size=n)
    y = (g == 2) + (x > 0.5) + 0  # a label depending on both
    X = np.column_stack([g, x, rng.normal(size=n)]).astype(float)
    mask = MutualInfoSelector(2, discrete_features=[True, False, False]).fit(X, y)
    idx = MutualInfoSelector(2, discrete_features=[0]).fit(X, y)
    assert mask.discrete_features_.tolist() == [True, False, False]
    assert set(mask.selection_order_.tolist()) == {0, 1}
    np.testing.assert_array_equal(mask.relevance_, idx.relevance_)
    for criterion in ("jmi", "cmim", "jmim"):
        sel = MutualInfoSelector(2, criterion=criterion, discrete_features=[0]).fit(X, y)
        assert set(sel.selection_order_.tolist()) == {0, 1}, criterion


# ---------------------------------------------------------------------- scikit-learn


@parametrize_with_checks(
    [MutualInfoSelector(), MutualInfoSelector(2, criterion="jmi")],
    expected_failed_checks=lambda est: {},  # every applicable check passes (none listed)
)
def test_sklearn_compatible(estimator, check) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mi.MutinfoWarning)  # tiny, tied check data
        warnings.filterwarnings("ignore", message="`k` = .* is greater than the number of features")
        check(estimator)


def test_pipeline_grid_search_clone_and_names() -> None:
    X, y = duplicated(n=600)
    labels = (y > 0).astype(int)
    frame = pd.DataFrame(X, columns=["a", "a_copy", "b", "noise"])
    sel = MutualInfoSelector(2).fit(frame, labels)
    names = sel.get_feature_names_out().tolist()
    assert names == frame.columns[np.sort(sel.selection_order_)].tolist()
    assert len(names) == 2 and "b" in names and "noise" not in names
    assert sel.transform(frame).shape == (600, 2)
    pipe = make_pipeline(MutualInfoSelector(criterion="relevance"), LogisticRegression())
    grid = GridSearchCV(pipe, {"mutualinfoselector__k": [1, 2]}, cv=3).fit(X, labels)
    assert grid.best_params_["mutualinfoselector__k"] in (1, 2)
    twin = clone(sel)
    assert twin.get_params() == sel.get_params() and not hasattr(twin, "selection_order_")


def test_k_larger_than_p_keeps_everything_with_a_warning() -> None:
    X, y = duplicated(n=300)
    with pytest.warns(UserWarning, match=r"`k` = 10 is greater than the number of features \(4\)"):
        sel = MutualInfoSelector().fit(X, y)
    assert sel.get_support().all()


def test_progress_bar_runs() -> None:
    X, y = duplicated(n=300)
    sel = MutualInfoSelector(3, progress=True).fit(X, y)
    assert len(sel.selection_order_) == 3


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"k": 0}, ValueError, r"`k` must be an integer >= 1 or 'auto'; got 0\."),
        ({"k": "all"}, ValueError, r"`k` must be an integer >= 1 or 'auto'; got 'all'\."),
        ({"k": 2.5}, TypeError, r"`k` must be an integer >= 1 or 'auto'; got 2\.5\."),
        ({"criterion": "mim"}, ValueError, r"`criterion` must be one of \[.*\]; got 'mim'\."),
        ({"mrmr_form": "ratio"}, ValueError, r"`mrmr_form` must be one of .*; got 'ratio'\."),
        ({"discrete_target": 1}, ValueError, r"`discrete_target` must be 'auto', True or False; got 1\."),
        ({"discrete_features": "yes"}, ValueError, r"`discrete_features` must be .*; got 'yes'\."),
        ({"discrete_features": [7]}, ValueError, r"`discrete_features` must be .*; got \[7\]\."),
        ({"n_neighbors": 0}, ValueError, r"`n_neighbors` must be an integer >= 1; got 0\."),
        ({"n_neighbors": 2.0}, TypeError, r"`n_neighbors` must be an integer >= 1; got 2\.0\."),
        ({"threshold": float("nan")}, ValueError, r"`threshold` must be a finite real number"),
        ({"base": 1}, ValueError, r"`base` must be a finite number > 0 and != 1"),
        ({"n_jobs": 0}, ValueError, r"`n_jobs` must be None, -1 or an integer >= 1; got 0\."),
        ({"progress": "yes"}, TypeError, r"`progress` must be True or False; got 'yes'\."),
    ],
)
def test_bad_parameters_name_the_parameter(params: dict, error: type, match: str) -> None:
    X, y = duplicated(n=200)
    with pytest.raises(error, match=match):
        MutualInfoSelector(**{"k": 2, **params}).fit(X, y)


def test_too_few_samples_for_the_neighbours() -> None:
    X, y = duplicated(n=3)
    with pytest.raises(ValueError, match=r"more samples than `n_neighbors` = 3; got n_samples = 3\."):
        MutualInfoSelector(2).fit(X, y)


def test_constant_feature_scores_zero_with_one_warning() -> None:
    X, y = duplicated(n=500)
    X = np.column_stack([X, np.full(500, 2.5)])
    with pytest.warns(mi.ConstantInputWarning) as record:
        sel = MutualInfoSelector(3, criterion="jmi").fit(X, y)
    assert sel.relevance_[4] == 0.0 and 4 not in sel.selection_order_
    messages = [str(w.message) for w in record if issubclass(w.category, mi.ConstantInputWarning)]
    assert len(messages) == len(set(messages))  # each distinct message once, not once per step
