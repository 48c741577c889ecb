"""Browser test of section 17, compression: the information bottleneck (Playwright + chromium).

Opens the section, moves the beta slider (keyboard) and the other controls, checks that the
star moves along the curve and that the displayed numbers equal mutinfo's for the same inputs,
toggles tanh/ReLU in the information plane, and saves screenshots at 1280 and 390 px under
artifacts/screenshots/. The ``page`` fixture fails on console errors.
"""

from __future__ import annotations

import pytest

from mutinfo.explorer.routes.compression import LOG_BETAS, curve, shipped_plane

from .conftest import open_section, renders, shoot, value, wait_render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SID = "compression"


def press(page, selector: str, key: str) -> None:
    before = renders(page, SID)
    page.focus(selector)
    page.keyboard.press(key)
    wait_render(page, SID, before)


def star(page) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            "(() => { const d = document.getElementById('cp-curve').data; const s = d[d.length - 1];"
            " return [s.x[0], s.y[0]]; })()"
        )
    )


def check_curve_against_library(page) -> None:
    dataset = page.input_value("#cp-dataset")
    k = int(page.input_value("#cp-clusters"))
    log_beta = float(page.input_value("#cp-beta"))
    deterministic = page.input_value("#cp-method") == "dib"
    result, _ = curve(dataset, k, deterministic)
    i = int(abs(LOG_BETAS - log_beta).argmin())
    assert value(page, "cp-itx") == pytest.approx(result.i_tx[i], abs=1e-12)
    assert value(page, "cp-ity") == pytest.approx(result.i_ty[i], abs=1e-12)
    assert value(page, "cp-ht") == pytest.approx(result.h_t[i], abs=1e-12)
    assert star(page) == pytest.approx((result.i_tx[i], result.i_ty[i]), abs=1e-12)
    assert "bits" in page.text_content('[data-testid="cp-itx"]')


def test_compression_slider_curve_plane_and_screenshots(page, phone_page, screenshot_dir):
    open_section(page, SID)
    check_curve_against_library(page)
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('#compression .mi-controls input, #compression .mi-controls select')]
           .filter(c => !(c.labels && c.labels.length)).map(c => c.outerHTML.slice(0, 80))"""
    )
    assert unlabeled == []
    # the four seasons at log10 beta = 1 (winter and summer months together)
    text = page.text_content('[data-testid="cp-clusters-text"]')
    assert "{Jan, Feb, Dec}" in text and "{Jun, Jul, Aug}" in text
    # the caveat is on the page next to the information plane
    caveat = page.text_content('[data-testid="cp-caveat"]')
    assert "Saxe et al. 2018" in caveat and "measures the binning" in caveat
    assert (
        page.locator("#cp-plane .main-svg").count() >= 1
        and page.locator("#cp-encoder .main-svg").count() >= 1
    )
    shoot(page, SID, screenshot_dir, "tanh")

    # keyboard on the beta slider: the star moves down the curve, I(T;Y) falls
    before_star, before_ity = star(page), value(page, "cp-ity")
    for _ in range(6):
        press(page, "#cp-beta", "ArrowLeft")
    assert float(page.input_value("#cp-beta")) == pytest.approx(0.7)
    assert star(page) != before_star and value(page, "cp-ity") < before_ity
    check_curve_against_library(page)
    press(page, "#cp-beta", "Home")  # beta = 1: nothing kept
    assert value(page, "cp-itx") < 1e-6 and value(page, "cp-ity") < 1e-6
    press(page, "#cp-beta", "End")
    check_curve_against_library(page)

    # deterministic IB and another joint distribution
    before = renders(page, SID)
    page.select_option("#cp-method", "dib")
    wait_render(page, SID, before)
    check_curve_against_library(page)
    before = renders(page, SID)
    page.select_option("#cp-dataset", "hour_irradiance")
    wait_render(page, SID, before)
    check_curve_against_library(page)
    assert "dark" in page.text_content('[data-testid="cp-source"]')

    # ReLU information plane: the numbers are the shipped run's
    before = renders(page, SID)
    page.select_option("#cp-activation", "relu")
    wait_render(page, SID, before)
    relu = shipped_plane()["relu"]
    assert value(page, "cp-plane-last") == pytest.approx(relu["i_tx"][-1][2], abs=1e-12)
    assert value(page, "cp-accuracy") == pytest.approx(relu["test_accuracy"][-1], abs=1e-12)
    assert "relu" in page.evaluate("document.getElementById('cp-plane').layout.title.text")
    assert page.locator("#compression table").count() >= 2
    shoot(page, SID, screenshot_dir, "relu")

    # the share link reproduces the view on a phone
    page.click('[data-testid="compression-share"]')
    url = page.input_value('[data-testid="compression-share-url"]')
    assert "s=compression" in url and "activation=relu" in url and "method=dib" in url
    shown = value(page, "cp-ity")
    # the link's query without its "#compression" jump: while the fragments above load one by
    # one, the jump target drags every earlier section through the viewport and starts them all
    # (core.js), which on a loaded machine can time out other sections' requests
    query = "?" + url.split("?", 1)[1].split("#", 1)[0]
    open_section(phone_page, SID, query)
    assert phone_page.input_value("#cp-dataset") == "hour_irradiance"
    assert value(phone_page, "cp-ity") == shown
    shoot(phone_page, SID, screenshot_dir, "dib")
