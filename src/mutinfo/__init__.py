"""mutinfo: mutual information you can see, trust and use.

The flat public API. Every information quantity takes ``base`` (2 = bits by default) and
returns an :class:`Information` (a float that states its unit, estimator and sample size).
"""

from __future__ import annotations

from mutinfo import network
from mutinfo._information import Information
from mutinfo._pairwise_test import PairwiseTest, pairwise_test
from mutinfo._results import ConfidenceInterval, IndependenceResult
from mutinfo._warnings import (
    ConstantInputWarning,
    ConvergenceWarning,
    CoverageWarning,
    EstimatorCapWarning,
    MutinfoWarning,
    NonStationaryWarning,
    SmallSampleWarning,
    TiesWarning,
    TrainingWarning,
    UndersampledWarning,
)
from mutinfo.bottleneck import (
    BottleneckResult,
    IBCurve,
    InformationPlane,
    ib_curve,
    information_bottleneck,
    information_plane,
    joint_from_samples,
)
from mutinfo.cluster import (
    adjusted_mutual_info,
    homogeneity_completeness_v_measure,
    normalized_mutual_info,
    variation_of_information,
)
from mutinfo.columns import mutual_info_columns
from mutinfo.estimators.registry import available_methods
from mutinfo.inference import fdr, independence_test
from mutinfo.measures import (
    conditional_entropy,
    conditional_mutual_info,
    entropy,
    joint_entropy,
    mutual_info,
)
from mutinfo.pairwise import pairwise
from mutinfo.timeseries import (
    TransferEntropyResult,
    active_information_storage,
    lagged_mutual_info,
    transfer_entropy,
    transfer_entropy_test,
)

__version__ = "0.1.0"

__all__ = [
    "BottleneckResult",
    "ConfidenceInterval",
    "ConstantInputWarning",
    "ConvergenceWarning",
    "CoverageWarning",
    "EstimatorCapWarning",
    "IBCurve",
    "IndependenceResult",
    "Information",
    "InformationGainTree",
    "InformationPlane",
    "MutinfoWarning",
    "MutualInfoSelector",
    "NonStationaryWarning",
    "PairwiseTest",
    "SmallSampleWarning",
    "TiesWarning",
    "TrainingWarning",
    "TransferEntropyResult",
    "UndersampledWarning",
    "__version__",
    "active_information_storage",
    "adjusted_mutual_info",
    "available_methods",
    "conditional_entropy",
    "conditional_mutual_info",
    "entropy",
    "fdr",
    "homogeneity_completeness_v_measure",
    "ib_curve",
    "independence_test",
    "information_bottleneck",
    "information_plane",
    "joint_entropy",
    "joint_from_samples",
    "lagged_mutual_info",
    "mutual_info",
    "mutual_info_columns",
    "network",
    "normalized_mutual_info",
    "pairwise",
    "pairwise_test",
    "transfer_entropy",
    "transfer_entropy_test",
    "variation_of_information",
]

# Public names whose modules import scikit-learn (seconds): loaded on first use only.
_LAZY = {"InformationGainTree": "mutinfo.tree", "MutualInfoSelector": "mutinfo.selection"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mutinfo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
