"""Browser test of section 14, transfer entropy vs Granger causality (Playwright + chromium).

Opens the section, moves every control (keyboard included), checks that the displayed numbers
change and equal mutinfo's / statsmodels' values for the same inputs, and saves screenshots at
1280 and 390 px under artifacts/screenshots/. The ``page`` fixture fails on console errors.
"""

from __future__ import annotations

import math

import pytest

import mutinfo as mi
from mutinfo.explorer.routes.causality import N_SURROGATES, TE_METHOD, coupled_pair, granger_test

from .conftest import open_section, renders, shoot, value, wait_render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SID = "causality"


def press(page, selector: str, key: str) -> None:
    before = renders(page, SID)
    page.focus(selector)
    page.keyboard.press(key)
    wait_render(page, SID, before)


def controls(page) -> tuple[str, float, float, float, int, int]:
    return (
        page.input_value("#te-preset"),
        float(page.input_value("#te-cxy")),
        float(page.input_value("#te-cyx")),
        float(page.input_value("#te-noise")),
        int(page.input_value("#te-n")),
        int(page.input_value("#te-seed")),
    )


def check_against_library(page, *, with_tests: bool = True) -> None:
    preset, c_xy, c_yx, noise, n, seed = controls(page)
    x, y = coupled_pair(preset, round(c_xy, 4), round(c_yx, 4), round(noise, 4), n, seed)
    for key, src, tgt in (("xy", x, y), ("yx", y, x)):
        node = f'[data-testid="te-{key}"]'
        if with_tests:
            res = mi.transfer_entropy_test(
                src, tgt, surrogate="circular_shift", n_surrogates=N_SURROGATES, method=TE_METHOD, rng=seed
            )
            assert value(page, f"te-{key}") == pytest.approx(float(res.statistic), abs=1e-12)
            assert float(page.get_attribute(node, "data-pvalue")) == pytest.approx(res.pvalue, abs=1e-12)
            assert value(page, f"te-{key}-effective") == pytest.approx(float(res.effective), abs=1e-12)
        text = page.text_content(node)
        assert "bits" in text and f"n = {n - 1}" in text and TE_METHOD in text
        gc = granger_test(src, tgt)
        assert value(page, f"te-{key}-granger") == pytest.approx(gc["F"], rel=1e-9)
        gnode = f'[data-testid="te-gauss-{key}"]'
        assert float(page.get_attribute(gnode, "data-granger-half")) == pytest.approx(
            gc["half_nats"], rel=1e-9
        )
        gauss = mi.transfer_entropy(src, tgt, method="gaussian", base=math.e)
        assert value(page, f"te-gauss-{key}") == pytest.approx(float(gauss), abs=1e-12)


def test_causality_controls_library_agreement_and_screenshots(page, phone_page, screenshot_dir):
    # reachable from the applications section
    open_section(page, "applications")
    assert page.locator("#applications a[href='#causality']").count() >= 1
    assert page.locator("[data-testid='app-link-transfer']").get_attribute("href") == "#causality"
    open_section(page, SID)
    check_against_library(page)
    # every control has an accessible label
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('#causality .mi-controls input, #causality .mi-controls select')]
           .filter(c => !(c.labels && c.labels.length)).map(c => c.outerHTML.slice(0, 80))"""
    )
    assert unlabeled == []
    # linear preset: Gaussian TE equals Granger / 2 up to the O(1/n) bias correction
    for key in ("xy", "yx"):
        node = f'[data-testid="te-gauss-{key}"]'
        half = float(page.get_attribute(node, "data-granger-half"))
        assert value(page, f"te-gauss-{key}") == pytest.approx(half, abs=2.0 / 1000)
    shoot(page, SID, screenshot_dir, "linear")

    # keyboard: coupling Y -> X one step up; the Y -> X readouts change
    yx0, gyx0 = value(page, "te-yx"), value(page, "te-yx-granger")
    press(page, "#te-cyx", "ArrowRight")
    assert float(page.input_value("#te-cyx")) == pytest.approx(0.05)
    assert value(page, "te-yx") != yx0 and value(page, "te-yx-granger") != gyx0
    check_against_library(page)

    # the non-linear preset, weaker noise, shorter series, another seed, coupling X -> Y down
    before = renders(page, SID)
    page.select_option("#te-preset", "logistic")
    page.focus("#te-noise")
    page.keyboard.press("ArrowLeft")  # 0.1 -> 0.05
    page.keyboard.press("ArrowLeft")  # -> 0
    page.focus("#te-cxy")
    page.keyboard.press("ArrowLeft")  # 0.3 -> 0.25
    page.keyboard.press("ArrowLeft")  # -> 0.2
    page.focus("#te-cyx")
    page.keyboard.press("Home")  # -> 0
    page.focus("#te-n")
    page.keyboard.press("PageDown")
    page.fill("#te-seed", "2")
    page.keyboard.press("Enter")
    wait_render(page, SID, before)
    page.wait_for_function(
        "document.getElementById('causality').dataset.busy === '0' && location.search.includes('seed=2')"
    )
    preset, c_xy, c_yx, noise, n, seed = controls(page)
    assert (preset, c_xy, c_yx, noise, seed) == ("logistic", pytest.approx(0.2), 0.0, 0.0, 2) and n < 1000
    check_against_library(page)
    # Granger misses the non-linear coupling that TE finds
    assert page.get_attribute('[data-testid="te-verdict-xy"]', "data-detects") == "1"
    assert float(page.get_attribute('[data-testid="te-xy-granger"]', "data-pvalue")) > 0.05
    assert "misses" in page.text_content('[data-testid="te-verdict-xy"]')
    assert page.locator("#causality table").count() >= 1
    shoot(page, SID, screenshot_dir, "logistic")

    # share link reproduces the numbers on a phone
    page.click('[data-testid="causality-share"]')
    url = page.input_value('[data-testid="causality-share-url"]')
    assert "s=causality" in url and "preset=logistic" in url and "seed=2" in url
    shown = value(page, "te-xy")
    phone_page.goto(url)
    phone_page.wait_for_function("document.getElementById('causality').dataset.state === 'ready'")
    assert phone_page.input_value("#te-preset") == "logistic"
    assert value(phone_page, "te-xy") == shown
    shoot(phone_page, SID, screenshot_dir, "logistic")
