"""Shared test configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutinfo",
    deadline=None,
    max_examples=int(os.environ.get("MUTINFO_HYPOTHESIS_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile("mutinfo")


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A real 2-worker ``distributed.LocalCluster`` on 127.0.0.1, one per test process.

    The scheduler's plain HTTP routes listen on loopback on a free port; the Bokeh dashboard
    is off. Modules that use it are in ``xdist_group("dask")``, so one worker starts it once.
    """
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
