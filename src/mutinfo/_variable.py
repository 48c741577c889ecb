"""The validated form in which data reaches the estimators.

This module sits at the bottom of the import graph: kernels, the registry and the public
functions all speak :class:`Variable`, and nothing here imports from the rest of mutinfo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Variable"]


@dataclass(frozen=True, eq=False)
class Variable:
    """One random variable (possibly multivariate) after validation.

    Attributes
    ----------
    name : str
        The argument name the user passed it as ("x", "y", "z", ...), for messages.
    values : numpy.ndarray
        Continuous: float64 array of shape (n, d), C-contiguous, all finite.
        Discrete: int64 array of shape (n,) holding joint codes 0 .. n_levels-1
        (a multivariate discrete variable is encoded row-wise into one code).
    discrete : bool
        Whether the variable is treated as discrete.
    n_levels : int
        Number of distinct observed levels (discrete), 0 for continuous.
    columns : tuple of str
        Column labels (from a DataFrame, or "0", "1", ... for arrays).
    levels : numpy.ndarray or None
        Discrete only: the original value (a row, for multivariate) of each code.
    """

    name: str
    values: np.ndarray
    discrete: bool
    n_levels: int = 0
    columns: tuple[str, ...] = ()
    levels: np.ndarray | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.values.shape[0])

    @property
    def d(self) -> int:
        """Dimension: number of columns of the original variable."""
        return (
            len(self.columns) if self.columns else (1 if self.values.ndim == 1 else int(self.values.shape[1]))
        )

    @property
    def kind(self) -> str:
        """``"discrete"`` or ``"continuous"``."""
        return "discrete" if self.discrete else "continuous"

    def take(self, index: np.ndarray) -> Variable:
        """Rows ``index`` of this variable (used by resampling; codes are kept as they are)."""
        return Variable(
            name=self.name,
            values=np.ascontiguousarray(self.values[index]),
            discrete=self.discrete,
            n_levels=self.n_levels,
            columns=self.columns,
            levels=self.levels,
        )
