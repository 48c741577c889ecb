"""Small real data sets shipped with mutinfo, and generators with a known answer.

Every data set has a metadata record (:func:`describe`) with its title, source, citation,
licence, whether it is synthetic, and the unit of every column. The records live in
``mutinfo/datasets/data/<name>.txt`` beside the data files.

==================  ======================================  =========  ==========
name                loader                                  rows       synthetic
==================  ======================================  =========  ==========
weather             :func:`load_weather`                    8760       no (NREL TMY3)
breast_cancer       :func:`load_breast_cancer`              569        no (UCI)
gene_network        :func:`load_gene_network`               2000       yes (published model)
gene_network_edges  :func:`load_gene_network_edges`         30         no (published rules)
digits              :func:`load_digits_clusters`            1797       no (UCI)
coupled_logistic    :func:`make_coupled_logistic`           any        yes
lottery             :func:`make_lottery`                    any        yes
==================  ======================================  =========  ==========
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mutinfo.datasets._base import read_csv, read_metadata
from mutinfo.datasets.gene_network import GENES, simulate_gene_network
from mutinfo.datasets.generators import make_coupled_logistic, make_lottery

__all__ = [
    "GENES",
    "available",
    "describe",
    "load_breast_cancer",
    "load_digits_clusters",
    "load_gene_network",
    "load_gene_network_edges",
    "load_weather",
    "make_coupled_logistic",
    "make_lottery",
    "simulate_gene_network",
]

_NAMES = (
    "weather",
    "breast_cancer",
    "gene_network",
    "gene_network_edges",
    "digits",
    "coupled_logistic",
    "lottery",
)


def available() -> list[str]:
    """Names accepted by :func:`describe`."""
    return list(_NAMES)


def describe(name: str) -> dict[str, Any]:
    """Metadata of a shipped data set or generator.

    Parameters
    ----------
    name : str
        One of :func:`available`.

    Returns
    -------
    dict
        ``name``, ``title``, ``source``, ``citation``, ``licence``, ``synthetic`` (bool),
        ``notes`` and ``columns`` (``{column: {"unit": ..., "description": ...}}``), plus
        ``rows`` for fixed tables and ``seed`` for the simulated gene network.

    Examples
    --------
    >>> from mutinfo.datasets import describe
    >>> describe("weather")["columns"]["temperature_c"]["unit"]
    'degC'
    """
    if name not in _NAMES:
        raise ValueError(f"`name` must be one of {list(_NAMES)}; got {name!r}.")
    return read_metadata(name)


def load_weather() -> pd.DataFrame:
    """Hourly weather for a typical year at Greensboro, NC (NREL TMY3 station 723170).

    Returns
    -------
    pandas.DataFrame
        8760 rows (one per hour) with ``month``, ``day``, ``hour`` (1-24, hour ending, local
        standard time), ``source_year``, ``temperature_c`` (degC), ``dew_point_c`` (degC),
        ``relative_humidity_pct`` (%), ``pressure_mbar`` (mbar), ``wind_speed_m_s`` (m/s)
        and ``ghi_w_m2`` (W/m^2). No missing values.

    Notes
    -----
    Real measurements compiled by NREL into a typical meteorological year (each month from
    one real year; see ``describe("weather")``). US public domain.

    References
    ----------
    Wilcox S, Marion W (2008). Users Manual for TMY3 Data Sets. NREL/TP-581-43156.
    https://doi.org/10.2172/928611

    Examples
    --------
    >>> from mutinfo.datasets import load_weather
    >>> load_weather().shape
    (8760, 10)
    """
    return read_csv("weather.csv.gz")


def load_breast_cancer() -> pd.DataFrame:
    """Breast Cancer Wisconsin (Diagnostic): 30 features and the diagnosis of 569 cases.

    Returns
    -------
    pandas.DataFrame
        30 float columns named as in scikit-learn (``"mean radius"``, ...) and
        ``diagnosis`` (``"malignant"`` or ``"benign"``; 212 and 357 rows).

    Notes
    -----
    Read from the copy inside scikit-learn. Licence CC BY 4.0 (UCI).

    References
    ----------
    Street WN, Wolberg WH, Mangasarian OL (1993). Nuclear feature extraction for breast
    tumor diagnosis. Proc. SPIE 1905, 861-870. https://doi.org/10.1117/12.148698
    """
    from sklearn.datasets import load_breast_cancer as _sk_load

    bunch = _sk_load()
    frame = pd.DataFrame(bunch.data, columns=list(bunch.feature_names))
    frame["diagnosis"] = pd.Series(bunch.target_names[bunch.target], dtype="str")
    return frame


def load_digits_clusters() -> pd.DataFrame:
    """Handwritten digits (8x8 images) with their true class, for clustering examples.

    Returns
    -------
    pandas.DataFrame
        1797 rows; 64 int64 columns ``pixel_<row>_<col>`` (counts 0-16) and ``digit``
        (int64, 0-9).

    References
    ----------
    Alpaydin E, Kaynak C (1998). Optical Recognition of Handwritten Digits. UCI Machine
    Learning Repository. https://doi.org/10.24432/C50P49
    """
    from sklearn.datasets import load_digits as _sk_load

    bunch = _sk_load()
    columns = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]
    frame = pd.DataFrame(bunch.data.astype("int64"), columns=columns)
    frame["digit"] = bunch.target.astype("int64")
    return frame


def load_gene_network() -> pd.DataFrame:
    """SIMULATED expression of the Krumsiek et al. (2011) 11-gene myeloid network.

    The cells are simulated from a published network model (not measured); the true
    regulatory edges are :func:`load_gene_network_edges`. The model and its constants are
    in :mod:`mutinfo.datasets.gene_network`; :func:`simulate_gene_network` regenerates this
    table exactly with ``rng=describe("gene_network")["seed"]``.

    Returns
    -------
    pandas.DataFrame
        2000 rows: ``cell``, ``time``, the 11 genes of :data:`GENES` (arbitrary units)
        and ``fate``.

    References
    ----------
    Krumsiek J, Marr C, Schroeder T, Theis FJ (2011). Hierarchical differentiation of
    myeloid progenitors is encoded in the transcription factor network. PLoS ONE 6(8):
    e22649. https://doi.org/10.1371/journal.pone.0022649
    """
    return read_csv("gene_network.csv")


def load_gene_network_edges() -> pd.DataFrame:
    """The 30 directed, signed edges of the Krumsiek et al. (2011) network.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (gene names as in :data:`GENES`) and ``sign``
        (+1 activation, -1 inhibition). Four rows are self-regulation.
    """
    return read_csv("gene_network_edges.csv")
