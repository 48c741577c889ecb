"""``mutinfo explore DATA``: the table given on the command line is loaded into section 9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mutinfo as mi
from mutinfo.explorer.routes import yourdata

from .conftest import open_section, shoot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_preloaded_table_is_analysed_without_an_upload(page, screenshot_dir, monkeypatch):
    rng = np.random.default_rng(2)
    n = 200
    a = rng.normal(size=n)
    table = pd.DataFrame({"a": a, "noise": rng.normal(size=n), "label": (a > 0).astype(int)})
    monkeypatch.setattr(yourdata, "_PRELOAD", {})  # the session server shares this module
    yourdata.preload(table, "given.csv")
    open_section(page, "yourdata")
    page.wait_for_function(
        "document.querySelector('[data-testid=\"yd-status\"]').textContent.includes('scored against')",
        timeout=90_000,
    )
    assert page.text_content('[data-testid="yd-status"]').startswith("given.csv: scored against label")
    assert page.input_value("#yd-target") == "label"
    top = float(page.get_attribute('[data-testid="yd-top"]', "data-value"))
    # the page computes on the preloaded rows: a determines label = [a > 0], so the top
    # feature is a with MI near H(label), as the library gives for the same columns
    expected = float(mi.mutual_info(table["a"].to_numpy(), table["label"].to_numpy(), discrete=(False, True)))
    assert top == pytest.approx(expected, rel=1e-6)
    assert page.text_content('[data-testid="yd-top"]').startswith("a:")
    shoot(page, "yourdata", screenshot_dir, "preloaded")
