"""Rebuild the shipped data files from their sources (maintainers only).

Usage::

    python -m mutinfo.datasets._build weather /path/to/pvlib/data/723170TYA.CSV
    python -m mutinfo.datasets._build gene_network

The weather source file is NREL's TMY3 file for station 723170 (Greensboro Piedmont Triad
International Airport, NC), as shipped inside pvlib's wheel (``pvlib/data/723170TYA.CSV``;
get it with ``pip download --no-deps pvlib`` and unzip; pvlib is not a dependency). The gene
network files are regenerated from :func:`mutinfo.datasets.gene_network.simulate_gene_network`
with the seed recorded in ``data/gene_network.txt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from mutinfo.datasets.gene_network import EDGES, GENES, SEED, simulate_gene_network

DATA_DIR = Path(__file__).resolve().parent / "data"

# TMY3 column -> shipped column. The TMY3 format is described in Wilcox & Marion (2008),
# NREL/TP-581-43156, section 1.4; "-9900" marks a missing value.
_TMY3_COLUMNS = {
    "Dry-bulb (C)": "temperature_c",
    "Dew-point (C)": "dew_point_c",
    "RHum (%)": "relative_humidity_pct",
    "Pressure (mbar)": "pressure_mbar",
    "Wspd (m/s)": "wind_speed_m_s",
    "GHI (W/m^2)": "ghi_w_m2",
}


def build_weather(tmy3_csv: str | Path, out: Path | None = None) -> pd.DataFrame:
    """Extract the shipped weather table from a TMY3 CSV file.

    Parameters
    ----------
    tmy3_csv : path
        A TMY3 file (first line: station header; second line: column names).
    out : path, optional
        Where to write the gzipped CSV; default ``data/weather.csv.gz`` beside this module.

    Returns
    -------
    pandas.DataFrame
        The table that was written.
    """
    raw = pd.read_csv(tmy3_csv, skiprows=1)
    date = raw["Date (MM/DD/YYYY)"].str.split("/", expand=True).astype(int)
    hour = raw["Time (HH:MM)"].str.split(":", expand=True)[0].astype(int)
    table = pd.DataFrame(
        {
            "month": date[0],
            "day": date[1],
            "hour": hour,
            "source_year": date[2],
        }
    )
    for source, target in _TMY3_COLUMNS.items():
        values = raw[source]
        if (values <= -9900).any():
            raise ValueError(f"{tmy3_csv}: column {source!r} has missing values (-9900)")
        table[target] = values
    # gzip (the plain CSV is over 300 KB); mtime=0 keeps the bytes reproducible
    table.to_csv(out or DATA_DIR / "weather.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})
    return table


def build_gene_network(out_dir: Path | None = None) -> pd.DataFrame:
    """Regenerate ``gene_network.csv`` and ``gene_network_edges.csv`` from the model."""
    out_dir = out_dir or DATA_DIR
    cells = simulate_gene_network(rng=SEED)
    genes = list(GENES)
    cells[genes] = cells[genes].round(4)
    cells["time"] = cells["time"].round(3)
    cells.to_csv(out_dir / "gene_network.csv", index=False)
    pd.DataFrame(EDGES, columns=["source", "target", "sign"]).to_csv(
        out_dir / "gene_network_edges.csv", index=False
    )
    return cells


def main(argv: list[str]) -> int:
    if argv[:1] == ["weather"] and len(argv) == 2:
        build_weather(argv[1])
    elif argv == ["gene_network"]:
        build_gene_network()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
