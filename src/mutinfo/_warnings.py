"""Typed warnings for legal but degenerate input.

Every warning mutinfo emits derives from :class:`MutinfoWarning`, so users can filter
them as a family (``warnings.simplefilter("ignore", mi.MutinfoWarning)``) or one by one.
"""

from __future__ import annotations

__all__ = [
    "ConstantInputWarning",
    "ConvergenceWarning",
    "CoverageWarning",
    "EstimatorCapWarning",
    "MutinfoWarning",
    "NonStationaryWarning",
    "SmallSampleWarning",
    "TiesWarning",
    "TrainingWarning",
    "UndersampledWarning",
]


class MutinfoWarning(UserWarning):
    """Base class of all warnings emitted by mutinfo."""


class TiesWarning(MutinfoWarning):
    """Continuous data contains repeated values; the documented ties policy was applied."""


class SmallSampleWarning(MutinfoWarning):
    """The sample is too small for the estimate to be trusted (it is still returned)."""


class ConstantInputWarning(MutinfoWarning):
    """A variable is constant: it carries no information, so MI with it is exactly zero."""


class UndersampledWarning(MutinfoWarning):
    """A discrete distribution has many more cells than samples; expect a large bias."""


class ConvergenceWarning(MutinfoWarning):
    """An iterative algorithm stopped at its iteration limit before meeting its tolerance."""


class CoverageWarning(MutinfoWarning):
    """A confidence-interval method is known to cover the truth less often than its nominal level."""


class EstimatorCapWarning(MutinfoWarning):
    """An estimate sits near a hard upper cap of its estimator (e.g. InfoNCE's log N)."""


class NonStationaryWarning(MutinfoWarning):
    """A time series looks non-stationary (e.g. a strong trend); lagged estimates assume stationarity."""


class TrainingWarning(MutinfoWarning):
    """Training of a neural estimator went wrong (e.g. diverged); the result says what it still holds."""
