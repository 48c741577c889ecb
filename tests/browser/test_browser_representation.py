"""Browser test of section 16, representation learning and InfoNCE's ceiling (Playwright + chromium).

Opens the section, moves the batch-size slider with the keyboard and checks that the drawn point
and the readouts follow it with the stored run's numbers and mutinfo's references, switches to
the digits, trains one small run live, and saves screenshots at 1280 and 390 px under
artifacts/screenshots/. The ``page`` fixture fails on console errors.
"""

from __future__ import annotations

import math

import pytest

import mutinfo as mi
from mutinfo.explorer import precompute_representation as pre
from mutinfo.explorer.routes import representation as rep

from .conftest import open_section, renders, shoot, value, wait_render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SID = "representation"


def press(page, selector: str, key: str) -> None:
    before = renders(page, SID)
    page.focus(selector)
    page.keyboard.press(key)
    wait_render(page, SID, before)


def stored(data: str, batch: int) -> dict:
    runs = pre.load_runs()
    assert runs is not None, "representation_runs.json is missing"
    return next(r for r in runs["runs"][data] if r["batch_size"] == batch)


def selected_point(page) -> tuple[float, float]:
    """The x (N) and y (bits) of the highlighted point in the ceiling plot."""
    xy = page.evaluate(
        """(() => { const d = document.getElementById('rep-ceiling').data;
                   const t = d[d.length - 1]; return [t.x[0], t.y[0]]; })()"""
    )
    return float(xy[0]), float(xy[1])


def check_shown(page, data: str) -> None:
    batch = 2 ** int(page.input_value("#rep-batch"))
    run = stored(data, batch)
    assert value(page, "rep-cap") == pytest.approx(math.log2(batch), abs=1e-12)
    assert value(page, "rep-estimate") == run["estimate"]
    text = page.text_content('[data-testid="rep-estimate"]')
    assert "bits" in text and f"n = {run['estimate_n']}" in text
    assert selected_point(page) == (batch, run["estimate"])
    others = next(e for e in pre.load_runs()["spread"][data] if e["batch_size"] == batch)["estimates"]
    node = '[data-testid="rep-estimate"]'
    assert float(page.get_attribute(node, "data-seed-min")) == min(run["estimate"], *others)
    assert float(page.get_attribute(node, "data-seed-max")) == max(run["estimate"], *others)
    assert page.text_content('[data-testid="rep-batch-n"]') == f"N = {batch}"
    # the training curve drawn is the stored one
    drawn = page.evaluate("document.getElementById('rep-curve').data[1].y")
    assert drawn == pytest.approx(run["valid_curve"], abs=1e-12)


def test_representation_slider_digits_live_training_and_screenshots(page, phone_page, screenshot_dir):
    open_section(page, SID)
    assert page.input_value("#rep-data") == "gaussian" and page.input_value("#rep-batch") == "6"
    check_shown(page, "gaussian")
    a, b = pre.make_views("gaussian")
    assert value(page, "rep-truth") == pytest.approx(pre.gaussian_true_mi(), abs=1e-12)
    assert value(page, "rep-truth-sub") == pytest.approx(
        float(mi.mutual_info(a, b, method="gaussian")), abs=1e-12
    )
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('#representation .mi-controls input,'
                                          + '#representation .mi-controls select')]
           .filter(c => !(c.labels && c.labels.length)).map(c => c.outerHTML.slice(0, 80))"""
    )
    assert unlabeled == []
    # train one small run live at the default N = 64
    page.click('[data-testid="rep-train"]')
    page.wait_for_function(
        "document.querySelector('#representation [data-testid=\"rep-train-status\"]').dataset.value",
        timeout=60_000,
    )
    live = float(page.get_attribute('[data-testid="rep-train-status"]', "data-value"))
    assert 0 < live <= 6.0 + 1e-9  # held-out InfoNCE at N = 64 is at most log2 64 bits
    again = pre.train("gaussian", 64, n=rep.LIVE["n_pairs"], max_epochs=rep.LIVE["max_epochs"], patience=5)
    assert live == again["estimate"]  # the number shown is the library's, for the live settings
    assert page.evaluate("document.getElementById('rep-curve').data.length") == 4  # + the live curve
    assert "held-out pairs" in page.text_content('[data-testid="rep-train-status"]')
    shoot(page, SID, screenshot_dir, "gaussian")

    # keyboard: the slider to its smallest N; the point moves down to the ceiling of 2 bits
    press(page, "#rep-batch", "Home")
    assert page.input_value("#rep-batch") == "2"
    check_shown(page, "gaussian")
    assert page.get_attribute('[data-testid="rep-estimate"]', "data-near-cap") == "1"
    assert "pinned" in page.text_content('[data-testid="rep-verdict"]')
    press(page, "#rep-batch", "ArrowRight")
    assert page.input_value("#rep-batch") == "3"
    check_shown(page, "gaussian")
    assert page.is_disabled('[data-testid="rep-train"]')  # live training takes N from 16 to 128

    # the digits: bracket between the lower reference and log2 1797
    before = renders(page, SID)
    page.select_option("#rep-data", "digits")
    wait_render(page, SID, before)
    check_shown(page, "digits")
    da, db = pre.make_views("digits")
    assert value(page, "rep-truth") == pytest.approx(float(pre.digits_reference(da, db)), abs=1e-12)
    assert value(page, "rep-truth-sub") == pytest.approx(math.log2(1797), abs=1e-12)
    assert page.evaluate("document.getElementById('rep-views').data.length") == 2 * rep.N_DIGIT_PAIRS
    assert page.locator("#representation table").count() >= 1
    shoot(page, SID, screenshot_dir, "digits")

    # share link reproduces the view on a phone
    page.click('[data-testid="representation-share"]')
    url = page.input_value('[data-testid="representation-share-url"]')
    assert "s=representation" in url and "data=digits" in url and "log2_batch=3" in url
    phone_page.goto(url)
    phone_page.wait_for_function("document.getElementById('representation').dataset.state === 'ready'")
    assert phone_page.input_value("#rep-data") == "digits"
    assert value(phone_page, "rep-estimate") == stored("digits", 8)["estimate"]
    # nothing wider than the phone: the formula scrolls inside its own box
    assert phone_page.evaluate(
        "(() => { const el = document.getElementById('representation');"
        " return el.scrollWidth <= el.clientWidth + 1; })()"
    )
    shoot(phone_page, SID, screenshot_dir, "digits")
