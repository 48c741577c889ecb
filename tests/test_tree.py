"""InformationGainTree: textbook trees, C4.5 missing values and pruning, accuracy, sklearn API."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

import mutinfo as mi
from mutinfo._tree_build import Node, _upper_error, prune_pessimistic

# Mitchell (1997), Table 3.2; the same Outlook/class counts as Quinlan's (1986) golf data.
_TENNIS = """\
Sunny Hot High Weak No
Sunny Hot High Strong No
Overcast Hot High Weak Yes
Rain Mild High Weak Yes
Rain Cool Normal Weak Yes
Rain Cool Normal Strong No
Overcast Cool Normal Strong Yes
Sunny Mild High Weak No
Sunny Cool Normal Weak Yes
Rain Mild Normal Weak Yes
Sunny Mild Normal Strong Yes
Overcast Mild High Strong Yes
Overcast Hot Normal Weak Yes
Rain Mild High Strong No"""
_COLUMNS = ["Outlook", "Temperature", "Humidity", "Wind"]


def _tennis() -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.DataFrame([r.split() for r in _TENNIS.splitlines()], columns=[*_COLUMNS, "Play"])
    return frame[_COLUMNS], frame["Play"]


def _h(*counts: float) -> float:
    total = sum(counts)
    return -sum(c / total * math.log2(c / total) for c in counts if c > 0)


def _child(node: Node, tree: mi.InformationGainTree, level: str) -> Node:
    levels = list(tree.categories_[node.feature])
    return node.children[list(node.levels).index(levels.index(level))]


# --------------------------------------------------------------------------- textbook trees


@pytest.mark.parametrize("criterion", ["gain", "gain_ratio"])
def test_play_tennis_builds_the_textbook_id3_tree(criterion: str) -> None:
    X, y = _tennis()
    tree = mi.InformationGainTree(criterion=criterion).fit(X, y)
    root = tree.tree_
    gain_outlook = _h(9, 5) - (5 * _h(2, 3) + 4 * _h(4, 0) + 5 * _h(3, 2)) / 14  # 0.2467 bits
    assert tree.feature_names_in_[root.feature] == "Outlook"
    assert root.gain == pytest.approx(gain_outlook, abs=1e-12)
    assert round(root.gain, 3) == 0.247
    assert root.gain_ratio == pytest.approx(gain_outlook / _h(5, 4, 5), abs=1e-12)  # 0.156
    sunny, overcast, rain = (_child(root, tree, v) for v in ("Sunny", "Overcast", "Rain"))
    assert tree.feature_names_in_[sunny.feature] == "Humidity"
    assert tree.feature_names_in_[rain.feature] == "Wind"
    assert overcast.is_leaf and overcast.counts.tolist() == [0.0, 4.0]
    assert sunny.gain == pytest.approx(_h(2, 3), abs=1e-12)  # a perfect split of 2 Yes / 3 No
    assert tree.get_depth() == 2 and tree.get_n_leaves() == 5
    gains = {  # every feature's gain at the root (Mitchell 1997: 0.246, 0.029, 0.151, 0.048)
        "Outlook": gain_outlook,
        "Temperature": _h(9, 5) - (4 * _h(2, 2) + 6 * _h(4, 2) + 4 * _h(3, 1)) / 14,
        "Humidity": _h(9, 5) - (7 * _h(3, 4) + 7 * _h(6, 1)) / 14,
        "Wind": _h(9, 5) - (8 * _h(6, 2) + 6 * _h(3, 3)) / 14,
    }
    np.testing.assert_allclose(root.candidate_gains, [gains[c] for c in _COLUMNS], rtol=0, atol=1e-12)
    assert (tree.predict(X) == y.to_numpy()).all()
    text = tree.export_text()
    assert text.splitlines()[0].startswith("Outlook  [gain 0.247 bits")
    assert "|--- Outlook = Sunny  =>  Humidity  [gain 0.971 bits" in text
    assert "|   |--- Wind = Strong -> No  (2 samples: No 2)" in text
    # total gain per feature: each split's gain times the share of samples reaching it
    expected = [gain_outlook, 0.0, 5 / 14 * _h(2, 3), 5 / 14 * _h(3, 2)]
    np.testing.assert_allclose(tree.feature_gains_, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(tree.feature_importances_, np.array(expected) / sum(expected), atol=1e-12)


def test_missing_value_follows_quinlans_worked_example() -> None:
    # Quinlan (1993), ch. 3: one Overcast case's Outlook unknown gives
    # gain = 13/14 (0.961 - 0.747) = 0.199 bits and split info 1.809 bits
    X, y = _tennis()
    X = X.astype(object)
    X.iloc[12, 0] = None  # Overcast Hot Normal Weak Yes
    # by gain Outlook (0.199) still beats Humidity (0.152); by ratio (0.110) it would not
    tree = mi.InformationGainTree(criterion="gain").fit(X, y)
    root = tree.tree_
    gain = 13 / 14 * (_h(8, 5) - (5 * _h(2, 3) + 3 * _h(3, 0) + 5 * _h(3, 2)) / 13)
    assert tree.feature_names_in_[root.feature] == "Outlook"
    assert root.gain == pytest.approx(gain, abs=1e-12) and round(root.gain, 3) == 0.199
    assert root.gain_ratio == pytest.approx(gain / _h(5, 3, 5, 1), abs=1e-12)
    assert round(_h(5, 3, 5, 1), 3) == 1.809
    sunny = _child(root, tree, "Sunny")
    assert sunny.weight == pytest.approx(5 + 5 / 13, abs=1e-12)  # the book's 5.4 cases
    # a row with Outlook unknown is answered by all branches, weighted 5/13, 3/13, 5/13
    row = pd.DataFrame([[None, "Mild", "High", "Strong"]], columns=_COLUMNS, dtype=object)
    proba = tree.predict_proba(row)[0]
    leaves = [
        tree.predict_proba(pd.DataFrame([[o, "Mild", "High", "Strong"]], columns=_COLUMNS))[0]
        for o in ("Overcast", "Rain", "Sunny")
    ]
    np.testing.assert_allclose(proba, (3 * leaves[0] + 5 * leaves[1] + 5 * leaves[2]) / 13, atol=1e-12)


def test_numeric_missing_values_fractional_routing() -> None:
    rng = np.random.default_rng(0)
    n = 600
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] > 0.3).astype(int)
    X[rng.random((n, 3)) < 0.2] = np.nan
    tree = mi.InformationGainTree(criterion="gain_ratio", pruning="pessimistic").fit(X, y)
    assert tree.tree_.feature == 0 and tree.tree_.threshold == pytest.approx(0.3, abs=0.1)
    proba = tree.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    known = ~np.isnan(X[:, 0])
    assert (tree.predict(X[known]) == y[known]).mean() > 0.97
    # rows missing the decisive feature are uncertain, not confidently wrong
    assert np.all(proba[~known].max(axis=1) < 0.9)


# --------------------------------------------------------------------------- pruning


def test_upper_confidence_limits_match_c45_book() -> None:
    # Quinlan (1993), ch. 4, CF = 25%: U(0, 6) = 0.206, U(0, 9) = 0.143, U(0, 1) = 0.750;
    # U(1, 16) = 0.157 there comes from a normal approximation (exact binomial: 0.1596)
    assert round(_upper_error(0, 6, 0.25), 3) == 0.206
    assert round(_upper_error(0, 9, 0.25), 3) == 0.143
    assert round(_upper_error(0, 1, 0.25), 3) == 0.750
    assert _upper_error(1, 16, 0.25) == pytest.approx(0.157, abs=0.004)


def test_pessimistic_pruning_replaces_the_books_subtree() -> None:
    # leaves of 6, 9 and 1 cases without errors (3.27 predicted errors) against one leaf of
    # 16 cases with 1 error (16 x 0.160 = 2.55): the subtree is replaced
    parent = Node(counts=np.array([15.0, 1.0]), depth=0, feature=0, categorical=True)
    leaves = [Node(counts=np.array(c), depth=1) for c in ([6.0, 0.0], [9.0, 0.0], [0.0, 1.0])]
    parent.children, parent.levels = leaves, np.arange(3)
    prune_pessimistic([parent, *leaves], 0.25)
    assert parent.is_leaf and parent.feature == -1
    # a split that really separates classes is kept
    keep = Node(counts=np.array([20.0, 20.0]), depth=0, feature=0, categorical=True)
    pure = [Node(counts=np.array(c), depth=1) for c in ([20.0, 0.0], [0.0, 20.0])]
    keep.children, keep.levels = pure, np.arange(2)
    prune_pessimistic([keep, *pure], 0.25)
    assert not keep.is_leaf


def test_pruning_shrinks_a_tree_grown_on_noise() -> None:
    # y depends on x0 > 0 only, with 15% of labels flipped: ID3 grows a bushy tree on the
    # noise; pessimistic pruning cuts most of it and generalises better to the clean rule
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 4))
    y = (X[:, 0] > 0).astype(int) ^ (rng.random(400) < 0.15)
    grown = mi.InformationGainTree(min_samples_leaf=2).fit(X, y)
    pruned = mi.InformationGainTree(min_samples_leaf=2, pruning="pessimistic").fit(X, y)
    assert pruned.get_n_leaves() < grown.get_n_leaves() / 3
    assert pruned.tree_.feature == 0
    X_test = rng.normal(size=(2000, 4))
    y_test = (X_test[:, 0] > 0).astype(int)
    assert (pruned.predict(X_test) == y_test).mean() > (grown.predict(X_test) == y_test).mean() + 0.03
    # C4.5's threshold charge (gain ratio) already keeps the noise out while growing
    assert mi.InformationGainTree(criterion="gain_ratio").fit(X, y).get_n_leaves() <= 4


# --------------------------------------------------------------------------- accuracy


def test_breast_cancer_accuracy_within_two_points_of_sklearn() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    for depth in (4, None):
        ours = cross_val_score(mi.InformationGainTree(max_depth=depth), X, y, cv=cv).mean()
        ref = DecisionTreeClassifier(criterion="entropy", max_depth=depth, random_state=0)
        theirs = cross_val_score(ref, X, y, cv=cv).mean()
        assert abs(ours - theirs) <= 0.02, (depth, ours, theirs)
        assert ours > 0.90


def _car_like(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Car-evaluation-like categorical data with stated rules (no noise in the returned labels).

    unacc if safety = low or persons = 2 or (buying = vhigh and maint in {vhigh, high});
    otherwise good if safety = high and lug_boot != small; otherwise acc.
    """
    grades = ["vhigh", "high", "med", "low"]
    X = pd.DataFrame(
        {
            "buying": rng.choice(grades, n),
            "maint": rng.choice(grades, n),
            "doors": rng.choice(["2", "3", "4", "5more"], n),
            "persons": rng.choice(["2", "4", "more"], n),
            "lug_boot": rng.choice(["small", "med", "big"], n),
            "safety": pd.Categorical(rng.choice(["low", "med", "high"], n)),
        }
    )
    unacc = (
        (X.safety == "low") | (X.persons == "2") | ((X.buying == "vhigh") & X.maint.isin(["vhigh", "high"]))
    )
    good = (X.safety == "high") & (X.lug_boot != "small")
    y = np.where(unacc, "unacc", np.where(good, "good", "acc"))
    return X, y


def test_categorical_rules_are_learned_and_match_sklearn() -> None:
    rng = np.random.default_rng(2)
    X, y_clean = _car_like(1500, rng)
    flip = rng.random(1500) < 0.05
    y = np.where(flip, rng.choice(["unacc", "acc", "good"], 1500), y_clean)
    tree = mi.InformationGainTree(criterion="gain_ratio", pruning="pessimistic")
    tree.fit(X[:1000], y[:1000])
    assert tree.categorical_.all()
    assert (tree.predict(X[1000:]) == y_clean[1000:]).mean() > 0.97  # against the true rule
    assert tree.feature_names_in_[np.argmin(tree.feature_importances_)] == "doors"  # irrelevant
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    ours = cross_val_score(mi.InformationGainTree(), X, y, cv=cv).mean()
    ref = make_pipeline(OneHotEncoder(), DecisionTreeClassifier(criterion="entropy", random_state=0))
    theirs = cross_val_score(ref, X, y, cv=cv).mean()
    assert abs(ours - theirs) <= 0.02, (ours, theirs)


# --------------------------------------------------------------------------- options and API


def test_grid_search_on_a_string_dataframe() -> None:
    X, y = _car_like(300, np.random.default_rng(4))
    search = GridSearchCV(
        mi.InformationGainTree(), {"criterion": ["gain", "gain_ratio"], "max_depth": [1, None]}, cv=3
    )
    search.fit(X, y)
    assert search.best_params_["max_depth"] is None  # the rules need several levels
    assert search.best_estimator_.feature_names_in_.tolist() == list(X.columns)
    assert (search.predict(X) == y).mean() > 0.95


def test_stopping_rules() -> None:
    X, y = _tennis()
    assert mi.InformationGainTree(max_depth=1).fit(X, y).get_n_leaves() == 3
    assert mi.InformationGainTree(max_depth=0).fit(X, y).tree_.is_leaf
    assert mi.InformationGainTree(min_gain=0.25).fit(X, y).tree_.is_leaf  # root gain 0.2467
    assert mi.InformationGainTree(min_gain=0.24).fit(X, y).get_depth() == 2
    assert mi.InformationGainTree(min_samples_split=15).fit(X, y).tree_.is_leaf
    leaf = mi.InformationGainTree(max_depth=0).fit(X, y)
    np.testing.assert_allclose(leaf.predict_proba(X[:1]), [[5 / 14, 9 / 14]])
    assert leaf.export_text() == "Yes  (14 samples: No 5, Yes 9)"
    assert leaf.feature_importances_.tolist() == [0.0] * 4


def test_unseen_level_gets_the_node_distribution() -> None:
    X, y = _tennis()
    tree = mi.InformationGainTree().fit(X, y)
    row = pd.DataFrame([["Fog", "Mild", "High", "Weak"]], columns=_COLUMNS)
    np.testing.assert_allclose(tree.predict_proba(row), [[5 / 14, 9 / 14]])


def test_export_text_names_and_thresholds() -> None:
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    tree = mi.InformationGainTree().fit(X, [0, 0, 1, 1])
    assert tree.export_text(feature_names=["dose"], decimals=2) == (
        "dose  [gain 1.00 bits, gain ratio 1.00, n = 4]\n"
        "|--- dose <= 1.50 -> 0  (2 samples: 0 2)\n"
        "|--- dose > 1.50 -> 1  (2 samples: 1 2)"
    )
    with pytest.raises(ValueError, match="`feature_names` must have 1 entries"):
        tree.export_text(feature_names=["a", "b"])


def test_categorical_features_option_splits_integer_codes_by_level() -> None:
    rng = np.random.default_rng(3)
    X = rng.integers(0, 4, size=(200, 2))
    y = np.isin(X[:, 0], [1, 3]).astype(int)  # not a threshold rule
    tree = mi.InformationGainTree(categorical_features=[0]).fit(X, y)
    assert tree.categorical_.tolist() == [True, False] and tree.get_depth() == 1
    assert (tree.predict(X) == y).all()


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"criterion": "entropy"}, "`criterion` must be one of"),
        ({"pruning": "reduced"}, "`pruning` must be one of"),
        ({"max_depth": -1}, "`max_depth` must be None or an integer >= 0"),
        ({"min_samples_split": 1}, "`min_samples_split` must be an integer >= 2"),
        ({"min_gain": -0.1}, "`min_gain` must be a finite number of bits >= 0"),
        ({"confidence": 1.0}, r"`confidence` must be a number in \(0, 1\)"),
        ({"categorical_features": ["nope"]}, "names unknown column 'nope'"),
    ],
)
def test_bad_parameters(params: dict, match: str) -> None:
    X, y = _tennis()
    with pytest.raises(ValueError, match=match):
        mi.InformationGainTree(**params).fit(X, y)


def test_bad_data() -> None:
    with pytest.raises(ValueError, match="infinit"):
        mi.InformationGainTree().fit(np.array([[0.0], [np.inf]]), [0, 1])
    with pytest.raises(ValueError, match="must not contain infinite values"):
        mi.InformationGainTree().fit(pd.DataFrame({"a": ["u", "v"], "b": [0.5, np.inf]}), [0, 1])
    with pytest.raises(TypeError, match="holds a dict"):
        mi.InformationGainTree().fit(np.array([[{"a": 1}], ["b"]], dtype=object), [0, 1])
    tree = mi.InformationGainTree().fit(np.zeros((4, 2)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="X has 3 features"):
        tree.predict(np.zeros((2, 3)))


@parametrize_with_checks(
    [mi.InformationGainTree(), mi.InformationGainTree(criterion="gain_ratio", pruning="pessimistic")],
    expected_failed_checks=lambda est: {},  # every applicable check passes (none listed)
)
def test_sklearn_compatible(estimator, check) -> None:
    check(estimator)


def test_sample_weight_equals_repetition() -> None:
    X, y = _tennis()
    rng = np.random.default_rng(5)
    w = rng.integers(0, 4, len(y))
    w[:3] = [0, 2, 3]
    repeated = X.loc[X.index.repeat(w)], y.loc[y.index.repeat(w)]
    for criterion in ("gain", "gain_ratio"):
        tree = mi.InformationGainTree(criterion=criterion, pruning="pessimistic")
        weighted = clone(tree).fit(X, y, sample_weight=w)
        copies = clone(tree).fit(*repeated)
        assert weighted.export_text() == copies.export_text()
        np.testing.assert_array_equal(weighted.feature_gains_, copies.feature_gains_)
    with pytest.raises(ValueError, match=r"`sample_weight` must be finite and >= 0; got -1\.0"):
        mi.InformationGainTree().fit(X, y, sample_weight=np.r_[-1.0, np.ones(13)])
