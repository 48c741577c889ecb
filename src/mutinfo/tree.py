"""Information-gain decision trees (ID3 and C4.5) with the scikit-learn classifier API.

:class:`InformationGainTree` grows a tree whose every split is chosen by the information it
gives about the class: the gain ``I(split; class) = H(class) - H(class | split)`` in bits
(ID3, Quinlan 1986), or that gain divided by the split's own entropy, the gain ratio (C4.5,
Quinlan 1993). Categorical features (strings, booleans, pandas categoricals) get one branch
per level; continuous features get binary thresholds. Missing values (NaN, None, pandas NA)
are handled as C4.5 does, with fractional weights (see :mod:`mutinfo._tree_build`).

References
----------
Quinlan, J. R. (1986). Induction of decision trees. *Machine Learning* 1, 81-106.
https://doi.org/10.1007/BF00116251
Quinlan, J. R. (1993). *C4.5: Programs for Machine Learning*. Morgan Kaufmann.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from mutinfo._tree_build import Node, Params, grow, predict_proba, prune_pessimistic

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def _validate_data(
        estimator: Any, /, X: Any = "no_validation", y: Any = "no_validation", **kw: Any
    ) -> Any:
        return estimator._validate_data(X, y, **kw)


__all__ = ["InformationGainTree"]

_CRITERIA = ("gain", "gain_ratio")
_PRUNING = (None, "pessimistic")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_))


class InformationGainTree(ClassifierMixin, BaseEstimator):
    """Decision tree grown by information gain (ID3) or gain ratio (C4.5).

    Parameters
    ----------
    criterion : {"gain", "gain_ratio"}
        ``"gain"``: the split with the largest information gain (ID3). ``"gain_ratio"``:
        among the splits whose gain is at least the average gain of all useful splits at
        the node, the one with the largest gain / split information (C4.5); this stops
        many-valued categorical features from winning on their number of levels alone.
    max_depth : int or None
        Deepest level a split may create (the root is depth 0); None: no limit.
    min_samples_split : int
        A node with fewer (weighted) samples is not split (>= 2).
    min_samples_leaf : int
        A threshold split must leave at least this weight on both sides; a categorical
        split needs at least two branches with this weight (C4.5's MINOBJS; >= 1).
    min_gain : float
        A split must gain more than this many bits (>= 0): pre-pruning.
    pruning : {None, "pessimistic"}
        ``"pessimistic"``: C4.5's error-based post-pruning (subtree replacement) at
        confidence ``confidence``; None: keep the grown tree.
    confidence : float
        C4.5's confidence factor CF in (0, 1): smaller prunes harder (C4.5 default 0.25).
    categorical_features : "auto" or array-like of int, str or bool
        Which features get multiway splits. "auto": columns whose values are not numbers
        (strings, booleans, categoricals, objects) are categorical, numeric columns are
        continuous. Otherwise indices, column names or a boolean mask. Integer-coded
        categories in a numeric array must be named here to be split by level.

    Attributes
    ----------
    classes_ : numpy.ndarray
        Class labels, sorted.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of str
        Column names, when ``X`` had string column names.
    categorical_ : numpy.ndarray of bool
        Which features were treated as categorical.
    categories_ : list of numpy.ndarray or None
        The levels of each categorical feature (None for continuous features).
    tree_ : Node
        The root of the fitted tree (see :class:`mutinfo._tree_build.Node`): each node has
        its class weights ``counts``, its split (``feature``, ``threshold`` or ``levels``,
        ``children``), the split's ``gain`` in bits and ``gain_ratio``, and
        ``candidate_gains``, the best gain on every feature at that node.
    feature_gains_ : numpy.ndarray of float64
        Total information gain of each feature in bits: the sum over the splits on it of
        the split's gain times the fraction of the training weight reaching the node.
    feature_importances_ : numpy.ndarray of float64
        ``feature_gains_`` normalised to sum to 1 (all zeros for a single-leaf tree).

    Notes
    -----
    The gain of a split is the plug-in mutual information between the branch taken and the
    class, computed from the (weighted) training samples at the node; it is never negative
    and never adjusted for the number of branches (hence ``"gain_ratio"``). A threshold is
    the midpoint between consecutive distinct training values, chosen by gain on each
    feature; with ``"gain_ratio"`` its gain is then charged ``log2(C) / N`` bits for the C
    candidate cut points searched (C4.5 Release 8, Quinlan 1996). Ties go to the
    first feature (and the first threshold) in column order, so fits are deterministic.

    References
    ----------
    Quinlan, J. R. (1986). Induction of decision trees. *Machine Learning* 1, 81-106.
    https://doi.org/10.1007/BF00116251
    Quinlan, J. R. (1993). *C4.5: Programs for Machine Learning*. Morgan Kaufmann.
    Quinlan, J. R. (1996). Improved use of continuous attributes in C4.5. *JAIR* 4, 77-90.
    https://doi.org/10.1613/jair.279

    Examples
    --------
    >>> import pandas as pd
    >>> import mutinfo as mi
    >>> X = pd.DataFrame({"sky": ["sun", "sun", "rain", "rain"], "wind": ["y", "n", "y", "n"]})
    >>> tree = mi.InformationGainTree().fit(X, ["go", "go", "stay", "stay"])
    >>> print(tree.export_text())
    sky  [gain 1.000 bits, gain ratio 1.000, n = 4]
    |--- sky = rain -> stay  (2 samples: stay 2)
    |--- sky = sun -> go  (2 samples: go 2)
    """

    def __init__(
        self,
        *,
        criterion: str = "gain",
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        min_gain: float = 0.0,
        pruning: str | None = None,
        confidence: float = 0.25,
        categorical_features: Any = "auto",
    ) -> None:
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_gain = min_gain
        self.pruning = pruning
        self.confidence = confidence
        self.categorical_features = categorical_features

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"allow_nan": True}

    # ------------------------------------------------------------------ validation

    def _params(self) -> Params:
        if self.criterion not in _CRITERIA:
            raise ValueError(f"`criterion` must be one of {_CRITERIA}; got {self.criterion!r}.")
        if self.pruning not in _PRUNING:
            raise ValueError(f"`pruning` must be one of {_PRUNING}; got {self.pruning!r}.")
        if self.max_depth is not None and (
            isinstance(self.max_depth, bool)
            or not isinstance(self.max_depth, numbers.Integral)
            or self.max_depth < 0
        ):
            raise ValueError(f"`max_depth` must be None or an integer >= 0; got {self.max_depth!r}.")
        for name, minimum in (("min_samples_split", 2), ("min_samples_leaf", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
                raise ValueError(f"`{name}` must be an integer >= {minimum}; got {value!r}.")
        if not _is_number(self.min_gain) or not 0 <= float(self.min_gain) < math.inf:
            raise ValueError(f"`min_gain` must be a finite number of bits >= 0; got {self.min_gain!r}.")
        if not _is_number(self.confidence) or not 0 < float(self.confidence) < 1:
            raise ValueError(f"`confidence` must be a number in (0, 1); got {self.confidence!r}.")
        return Params(
            ratio=self.criterion == "gain_ratio",
            max_depth=None if self.max_depth is None else int(self.max_depth),
            min_samples_split=float(self.min_samples_split),
            min_samples_leaf=float(self.min_samples_leaf),
            min_gain=float(self.min_gain),
        )

    def _check_X(self, X: Any, *, y: Any = "no_validation", reset: bool) -> tuple[Any, list[str] | None]:
        """Validated 2-D array (object or numeric dtype), with y when given, and the dtypes of
        a DataFrame's columns (None for other inputs)."""
        dtypes = None
        if hasattr(X, "dtypes") and hasattr(X, "columns"):  # pandas DataFrame
            dtypes = [str(t) for t in X.dtypes]
        kw = {"reset": reset, "dtype": None, "ensure_all_finite": "allow-nan", "accept_sparse": False}
        with_y = not (isinstance(y, str) and y == "no_validation")
        if with_y:  # y=None gets scikit-learn's "requires y to be passed" message
            arr, y = _validate_data(self, X, y, y_numeric=False, **kw)
        else:
            arr = _validate_data(self, X, **kw)
        if arr.dtype.kind in "USV":
            arr = arr.astype(object)
        if arr.dtype.kind not in "biufO":
            raise ValueError(
                f"`X` must hold numbers, strings, booleans or categories; got dtype {arr.dtype}."
            )
        if arr.dtype.kind == "f" and np.isinf(arr).any():
            raise ValueError("`X` must not contain infinite values (NaN marks a missing value); got inf.")
        if arr.dtype == object:
            for j in range(arr.shape[1]):
                for v in arr[:, j]:
                    if not (_is_missing(v) or isinstance(v, (str, bytes, bool, np.bool_)) or _is_number(v)):
                        raise TypeError(
                            f"`X` argument must be a string, boolean or number in every cell (or missing); "
                            f"column {self._name(j)!r} holds a {type(v).__name__} {v!r:.60}."
                        )
        return ((arr, y) if with_y else arr), dtypes

    def _categorical_mask(self, arr: np.ndarray, dtypes: list[str] | None) -> np.ndarray:
        p = arr.shape[1]
        spec = self.categorical_features
        if isinstance(spec, str) and spec == "auto":
            mask = np.zeros(p, bool)
            for j in range(p):
                if dtypes is not None and (
                    dtypes[j] in ("category", "bool", "boolean") or dtypes[j] == "string"
                ):
                    mask[j] = True
                elif arr.dtype == object:
                    mask[j] = any(not _is_number(v) and not _is_missing(v) for v in arr[:, j])
                elif arr.dtype.kind == "b":
                    mask[j] = True
            return mask
        spec = np.asarray(spec)
        if spec.dtype.kind == "b":
            if spec.shape != (p,):
                raise ValueError(
                    f"`categorical_features` as a mask must have {p} entries; got {spec.shape[0]}."
                )
            return spec.copy()
        mask = np.zeros(p, bool)
        names = list(getattr(self, "feature_names_in_", []))
        for item in spec.ravel().tolist():
            if isinstance(item, str):
                if item not in names:
                    raise ValueError(
                        f"`categorical_features` names unknown column {item!r}; columns: {names}."
                    )
                mask[names.index(item)] = True
            elif isinstance(item, numbers.Integral) and -p <= item < p:
                mask[item] = True
            else:
                raise ValueError(
                    f"`categorical_features` must hold column indices in [0, {p}) or names; got {item!r}."
                )
        return mask

    def _encode(self, arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Level codes (-1 missing, -2 unseen) and float values (NaN missing) per column."""
        n, p = arr.shape
        cat = np.full((n, p), -1, np.int64)
        num = np.full((n, p), np.nan)
        for j in range(p):
            col = arr[:, j]
            if self.categorical_[j]:
                lookup = self._lookups[j]
                cat[:, j] = [-1 if _is_missing(v) else lookup.get(v, -2) for v in col]
            elif arr.dtype == object:
                try:
                    num[:, j] = [np.nan if _is_missing(v) else float(v) for v in col]
                except (TypeError, ValueError) as exc:
                    raise ValueError(
                        f"`X` column {self._name(j)!r} is continuous but holds a non-numeric value ({exc}); "
                        "name it in `categorical_features` to split it by level."
                    ) from exc
            else:
                num[:, j] = col.astype(np.float64)
        return cat, num

    # ------------------------------------------------------------------ fit / predict

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> InformationGainTree:
        """Grow (and optionally prune) the tree.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features: numbers, strings, booleans, categoricals; NaN/None for missing.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights; an integer weight w acts exactly as w copies of the row,
            and rows of weight 0 are left out (their classes stay in ``classes_``). All
            counts, gains, size limits and pruning use the weights.

        Returns
        -------
        InformationGainTree
            The fitted estimator.
        """
        params = self._params()
        (arr, y_arr), dtypes = self._check_X(X, y=y, reset=True)
        check_classification_targets(y_arr)
        self.classes_, y_codes = np.unique(y_arr, return_inverse=True)
        y_codes = y_codes.astype(np.int64).ravel()
        weights = self._sample_weight(sample_weight, y_codes.shape[0])
        if not np.all(weights > 0):
            keep = weights > 0
            arr, y_codes, weights = arr[keep], y_codes[keep], weights[keep]
        self.categorical_ = self._categorical_mask(arr, dtypes)
        self.categories_: list[np.ndarray | None] = []
        self._lookups: list[dict[Any, int]] = []
        for j in range(arr.shape[1]):
            if self.categorical_[j]:
                present = [v for v in arr[:, j] if not _is_missing(v)]
                levels = sorted(set(present), key=lambda v: (type(v).__name__, v))
                self.categories_.append(np.array(levels, dtype=object))
                self._lookups.append({v: i for i, v in enumerate(levels)})
            else:
                self.categories_.append(None)
                self._lookups.append({})
        cat, num = self._encode(arr)
        if np.isinf(num).any():
            raise ValueError("`X` must not contain infinite values (NaN marks a missing value); got inf.")
        cat_levels = np.array([len(lk) for lk in self._lookups], dtype=np.int64)
        self.tree_, nodes = grow(
            cat, cat_levels, num, self.categorical_, y_codes, self.classes_.shape[0], params, weights
        )
        if self.pruning == "pessimistic":
            prune_pessimistic(nodes, float(self.confidence))
        self._set_importances()
        return self

    @staticmethod
    def _sample_weight(sample_weight: Any, n: int) -> np.ndarray:
        if sample_weight is None:
            return np.ones(n)
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.ndim == 0:
            w = np.full(n, float(w))
        if w.shape != (n,):
            raise ValueError(f"`sample_weight` must have shape ({n},); got shape {w.shape}.")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            bad = float(w[~(np.isfinite(w) & (w >= 0))][0])
            raise ValueError(f"`sample_weight` must be finite and >= 0; got {bad!r}.")
        if not np.any(w > 0):
            raise ValueError("`sample_weight` must have at least one positive entry; got all zeros.")
        return w

    def _nodes(self) -> list[Node]:
        out, stack = [], [self.tree_]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(node.children)
        return out

    def _set_importances(self) -> None:
        gains = np.zeros(self.n_features_in_)
        total = self.tree_.weight
        for node in self._nodes():
            if not node.is_leaf:
                gains[node.feature] += node.gain * node.weight / total
        self.feature_gains_ = gains
        s = gains.sum()
        self.feature_importances_ = gains / s if s > 0 else np.zeros_like(gains)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities: the class distribution of the leaf (leaves) each row reaches.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; rows sum to 1.
        """
        check_is_fitted(self, "tree_")
        arr, _ = self._check_X(X, reset=False)
        cat, num = self._encode(arr)
        return predict_proba(self.tree_, cat, num)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each row (the first class in ``classes_`` on ties)."""
        check_is_fitted(self, "tree_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def get_depth(self) -> int:
        """Depth of the fitted tree (0 for a single leaf)."""
        check_is_fitted(self, "tree_")
        return max(node.depth for node in self._nodes())

    def get_n_leaves(self) -> int:
        """Number of leaves of the fitted tree."""
        check_is_fitted(self, "tree_")
        return sum(node.is_leaf for node in self._nodes())

    # ------------------------------------------------------------------ text export

    def _name(self, j: int, names: Any = None) -> str:
        if names is not None:
            return str(names[j])
        if hasattr(self, "feature_names_in_"):
            return str(self.feature_names_in_[j])
        return f"x{j}"

    def export_text(self, feature_names: Any = None, *, decimals: int = 3) -> str:
        """The tree as indented text, each split with its information gain in bits.

        Parameters
        ----------
        feature_names : sequence of str, optional
            Names for the features (default: the DataFrame's column names, else x0, x1, ...).
        decimals : int
            Digits after the point for gains and thresholds.

        Returns
        -------
        str
            One line per branch: ``|--- feature = level -> class  (n samples: per class)``
            for leaves, and the split's gain (bits), gain ratio and weight after a branch
            that leads to another split.
        """
        check_is_fitted(self, "tree_")
        if feature_names is not None and len(feature_names) != self.n_features_in_:
            raise ValueError(
                f"`feature_names` must have {self.n_features_in_} entries; got {len(feature_names)}."
            )
        d = int(decimals)

        def number(x: float) -> str:
            return f"{x:.{d}f}" if x != round(x) else f"{round(x)}"

        def split_text(node: Node) -> str:
            return (
                f"{self._name(node.feature, feature_names)}  [gain {node.gain:.{d}f} bits, "
                f"gain ratio {node.gain_ratio:.{d}f}, n = {number(node.weight)}]"
            )

        def leaf_text(node: Node) -> str:
            label = self.classes_[int(np.argmax(node.counts))]
            parts = ", ".join(f"{c} {number(w)}" for c, w in zip(self.classes_, node.counts) if w > 0)
            return f"{label}  ({number(node.weight)} samples: {parts})"

        def branches(node: Node) -> list[tuple[str, Node]]:
            name = self._name(node.feature, feature_names)
            if node.categorical:
                conditions = [f"{name} = {self.categories_[node.feature][lv]}" for lv in node.levels]
            else:
                t = f"{node.threshold:.{d}f}"
                conditions = [f"{name} <= {t}", f"{name} > {t}"]
            return list(zip(conditions, node.children))

        root = self.tree_
        if root.is_leaf:
            return leaf_text(root)
        lines = [split_text(root)]
        stack = [(cond, child, 0) for cond, child in reversed(branches(root))]
        while stack:  # depth first, branches in order, each subtree under its branch line
            cond, child, indent = stack.pop()
            prefix = "|   " * indent + "|--- "
            if child.is_leaf:
                lines.append(f"{prefix}{cond} -> {leaf_text(child)}")
            else:
                lines.append(f"{prefix}{cond}  =>  {split_text(child)}")
                stack.extend((c, g, indent + 1) for c, g in reversed(branches(child)))
        return "\n".join(lines)
