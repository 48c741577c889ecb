"""Browser tests of the explorer frame and sections 1-5 (Playwright + Debian chromium).

Each test opens a section, moves its controls (keyboard included), checks that the displayed
numbers change and equal what mutinfo returns for the same inputs, and saves screenshots at
desktop and phone widths under artifacts/screenshots/. The ``page`` fixture fails a test on any
console error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import mutinfo as mi
from mutinfo.explorer.generators import bin_codes, expand_counts, landscape, relationship

from .conftest import open_section, renders, shoot, value, wait_render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PLUGIN = {"method": "plugin", "discrete": True}


def wait_change(page, testid: str, old: float, timeout: float = 90_000) -> float:
    """Wait until a readout's data-value differs from ``old``; return the new value."""
    page.wait_for_function(
        f"""(() => {{ const n = document.querySelector('[data-testid="{testid}"]');
            return n && n.dataset.value !== '' && Number(n.dataset.value) !== {old!r}; }})()""",
        timeout=timeout,
    )
    return value(page, testid)


def draws(page, section_id: str) -> int:
    """How many first-stage redraws (chart and estimate) a section has made."""
    return int(page.evaluate(f"Number(document.getElementById({section_id!r}).dataset.draws || 0)"))


def settle(page, section_id: str, before: int) -> None:
    wait_render(page, section_id, before)


def press(page, selector: str, key: str, section_id: str) -> None:
    """Focus a control, press a key, and wait for the section to finish redrawing."""
    before = renders(page, section_id)
    page.focus(selector)
    page.keyboard.press(key)
    settle(page, section_id, before)


def hb(q: float) -> float:
    return 0.0 if q in (0.0, 1.0) else -(q * math.log2(q) + (1 - q) * math.log2(1 - q))


# ------------------------------------------------------------------ frame
def test_frame_contents_and_version(page, screenshot_dir):
    page.goto(page.base_url + "/")
    page.wait_for_function("document.body.dataset.booted === '1'")
    assert page.text_content('[data-testid="version"]').strip().endswith(mi.__version__)
    links = page.locator("#toc-list a")
    manifest = json.loads(
        (Path(mi.__file__).parent / "explorer" / "static" / "sections" / "manifest.json").read_text()
    )
    assert links.count() == len(manifest) >= 10
    # every control in my sections has an accessible label
    for sid in ("intro", "decomposition", "correlation", "formula", "landscape"):
        page.evaluate(f"MI.start({sid!r})")
    page.wait_for_function("document.getElementById('landscape').dataset.state === 'ready'")
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('#intro, #decomposition, #correlation, #formula, #landscape')]
           .flatMap(s => [...s.querySelectorAll('input, select, button')])
           .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                        && !c.textContent.trim())
           .map(c => c.outerHTML.slice(0, 80))"""
    )
    assert unlabeled == []


def test_frame_phone_contents_toggle_and_version_warning(phone_page):
    phone_page.goto(phone_page.base_url + "/?s=intro&noise=0.3&v=0.0.1")
    phone_page.wait_for_function("document.body.dataset.booted === '1'")
    warning = phone_page.locator("#mi-version-warning")
    assert warning.is_visible() and "0.0.1" in warning.text_content()
    assert not phone_page.locator("#toc").is_visible()  # collapsed on a phone
    phone_page.focus(".toc-toggle")
    phone_page.keyboard.press("Enter")  # keyboard operable
    assert phone_page.locator("#toc").is_visible()
    assert phone_page.get_attribute(".toc-toggle", "aria-expanded") == "true"
    phone_page.click("#toc-list a[href='#formula']")
    assert not phone_page.locator("#toc").is_visible()
    phone_page.wait_for_function("document.getElementById('formula').dataset.state === 'ready'")
    # the shared state of another section was applied to it, not to the one navigated to
    assert phone_page.input_value("#intro-noise") == "0.3"


def test_share_link_with_out_of_range_value_is_refused_not_clamped(page):
    open_section(page, "correlation", query="?s=correlation&kind=spiral&noise=9&n=300&seed=2")
    notice = page.text_content("#mi-version-warning")
    assert "Ignored noise=9" in notice and "Ignored kind=spiral" in notice
    assert page.input_value("#corr-noise") == "0.2"  # the default, not the maximum
    assert page.input_value("#corr-kind") == "quadratic"
    assert page.input_value("#corr-n") == "300"  # valid values are still applied


# ------------------------------------------------------------------ section 1
def test_intro_parabola_guess_then_compute(page, phone_page, screenshot_dir):
    open_section(page, "intro")
    assert page.is_hidden('[data-testid="intro-mi"]')  # guess first
    r0 = value(page, "intro-pearson")
    page.fill("#intro-guess-input", "0.5")
    before = renders(page, "intro")
    page.click('[data-testid="intro-reveal"]')
    settle(page, "intro", before)
    assert page.is_visible('[data-testid="intro-mi"]')
    assert "You guessed 0.5 bits" in page.text_content('[data-testid="intro-guess-result"]')
    # keyboard: one step of the noise slider
    press(page, "#intro-noise", "ArrowRight", "intro")
    noise, n, seed = float(page.input_value("#intro-noise")), int(page.input_value("#intro-n")), 1
    assert noise == pytest.approx(0.12)
    x, y = relationship("quadratic", n=n, noise=noise, seed=seed)
    assert value(page, "intro-pearson") != r0
    assert value(page, "intro-pearson") == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)
    assert value(page, "intro-mi") == pytest.approx(float(mi.mutual_info(x, y, rng=seed)), abs=1e-12)
    assert abs(value(page, "intro-pearson")) < 0.3 and value(page, "intro-mi") > 0.5
    text = page.text_content('[data-testid="intro-mi-detail"]')
    assert f"n = {n}" in text and "permutation p" in text
    shoot(page, "intro", screenshot_dir)
    open_section(phone_page, "intro")
    shoot(phone_page, "intro", screenshot_dir)


# ------------------------------------------------------------------ section 2
def test_decomposition_table_coupling_and_xor(page, phone_page, screenshot_dir):
    open_section(page, "decomposition")
    page.wait_for_function("document.querySelector('[data-testid=\"xor-co\"]').dataset.value !== undefined")
    mi0 = value(page, "decomp-mi")
    # coupling to 1 with the End key: Y copies X on 3 values -> I = H(X) = log2 3
    page.focus("#decomp-coupling")
    page.keyboard.press("End")
    assert wait_change(page, "decomp-mi", mi0) == pytest.approx(math.log2(3), abs=1e-12)
    assert value(page, "decomp-hx-given-y") == pytest.approx(0.0, abs=1e-12)
    # edit one cell of the table: numbers equal mutinfo's plug-in on the expanded table
    mi1 = value(page, "decomp-mi")
    page.fill('[data-testid="decomp-cell-0-1"]', "200")
    page.keyboard.press("Tab")
    wait_change(page, "decomp-mi", mi1)
    cells = page.eval_on_selector_all(".decomp-table input", "els => els.map(e => Number(e.value))")
    x, y = expand_counts(np.array(cells).reshape(3, 3))
    assert value(page, "decomp-mi") == pytest.approx(float(mi.mutual_info(x, y, **PLUGIN)), abs=1e-12)
    assert value(page, "decomp-hxy") == pytest.approx(float(mi.joint_entropy(x, y, **PLUGIN)), abs=1e-12)
    assert value(page, "decomp-hy-given-x") == pytest.approx(
        float(mi.conditional_entropy(y, x, **PLUGIN)), abs=1e-12
    )
    # an out-of-range count is refused with a message, not silently changed
    shown = value(page, "decomp-mi")
    page.fill('[data-testid="decomp-cell-1-1"]', "1500")
    page.keyboard.press("Tab")
    alert = page.locator("#decomposition .mi-error.api")
    alert.wait_for(state="visible")
    assert "0 to 999" in alert.text_content() and '"1500"' in alert.text_content()
    assert value(page, "decomp-mi") == shown
    page.fill('[data-testid="decomp-cell-1-1"]', "293")
    page.keyboard.press("Tab")
    alert.wait_for(state="hidden")
    # the diagram is to scale: overlap circle distance is consistent (lens area = MI) -> checked in API
    # tests; here check the bar: its middle segment's share equals I / H(X,Y)
    share = page.evaluate("parseFloat(document.querySelector('.venn-bar .bi').style.width) / 100")
    assert share == pytest.approx(value(page, "decomp-mi") / value(page, "decomp-hxy"), rel=1e-6)
    # size select
    mi2 = value(page, "decomp-mi")
    page.select_option("#decomp-size", "4")
    wait_change(page, "decomp-mi", mi2)
    assert page.locator(".decomp-table input").count() == 16
    # XOR: keyboard on the flip slider
    assert value(page, "xor-ixy-given-z") == pytest.approx(1.0, abs=1e-12)
    assert value(page, "xor-co") == pytest.approx(-1.0, abs=1e-12)
    page.focus("#xor-flip")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    target = 1 - hb(0.10)
    page.wait_for_function(
        "Math.abs(Number(document.querySelector('[data-testid=\"xor-ixy-given-z\"]').dataset.value)"
        f" - {target!r}) < 1e-9"
    )
    new = value(page, "xor-ixy-given-z")
    assert new == pytest.approx(1 - hb(0.10), abs=1e-12)
    assert value(page, "xor-ixy") == pytest.approx(0.0, abs=1e-12)
    shoot(page, "decomposition", screenshot_dir)
    open_section(phone_page, "decomposition")
    shoot(phone_page, "decomposition", screenshot_dir)


# ------------------------------------------------------------------ section 3
def test_correlation_controls_and_library_agreement(page, phone_page, screenshot_dir):
    open_section(page, "correlation")
    mi0 = value(page, "corr-mi")
    # four controls changed in quick succession: the view redraws once, for the final state
    before = renders(page, "correlation")
    page.select_option("#corr-kind", "circle")
    page.focus("#corr-noise")
    page.keyboard.press("ArrowLeft")  # 0.2 -> 0.18
    page.focus("#corr-n")
    page.keyboard.press("PageDown")  # a larger step down
    page.fill("#corr-seed", "7")
    page.keyboard.press("Enter")
    settle(page, "correlation", before)
    page.wait_for_function(
        "document.getElementById('correlation').dataset.busy === '0' && location.search.includes('seed=7')"
    )
    assert value(page, "corr-mi") != mi0
    kind = page.input_value("#corr-kind")
    noise, n = float(page.input_value("#corr-noise")), int(page.input_value("#corr-n"))
    assert (kind, noise) == ("circle", pytest.approx(0.18)) and n < 500
    x, y = relationship(kind, n=n, noise=noise, seed=7)
    assert value(page, "corr-pearson") == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)
    assert value(page, "corr-spearman") == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    test = mi.independence_test(x, y, n_resamples=199, rng=7)
    assert value(page, "corr-mi") == pytest.approx(float(test.statistic), abs=1e-12)
    pvalue = float(page.get_attribute('[data-testid="corr-mi"]', "data-pvalue"))
    assert pvalue == pytest.approx(test.pvalue)
    text = page.text_content('[data-testid="corr-mi"]')
    assert "bits" in text and f"n = {n}" in text and test.statistic.method in text
    assert value(page, "corr-mi-null") == pytest.approx(float(test.null_mean), abs=1e-12)
    verdicts = page.text_content('[data-testid="corr-verdicts"]')
    assert "MI" in verdicts and "Pearson" in verdicts
    # share link: opening it reproduces the same numbers
    page.click('[data-testid="correlation-share"]')
    url = page.input_value('[data-testid="correlation-share-url"]')
    assert (
        "s=correlation" in url and "kind=circle" in url and "seed=7" in url and f"v={mi.__version__}" in url
    )
    shown = value(page, "corr-mi")
    shoot(page, "correlation", screenshot_dir)
    phone_page.goto(url)
    phone_page.wait_for_function("document.getElementById('correlation').dataset.state === 'ready'")
    assert phone_page.input_value("#corr-kind") == "circle"
    assert value(phone_page, "corr-mi") == shown
    shoot(phone_page, "correlation", screenshot_dir)


# ------------------------------------------------------------------ section 4
def test_formula_views_agree_and_follow_bins(page, phone_page, screenshot_dir):
    open_section(page, "formula")
    lib0 = value(page, "formula-library")
    press(page, "#formula-bins", "ArrowRight", "formula")  # 8 -> 9
    bins = int(page.input_value("#formula-bins"))
    assert bins == 9
    lib = value(page, "formula-library")
    assert lib != lib0
    x, y = relationship("quadratic", n=500, noise=0.2, seed=1)
    xb, yb = bin_codes(x, bins, x.min(), x.max()), bin_codes(y, bins, y.min(), y.max())
    assert lib == pytest.approx(float(mi.mutual_info(xb, yb, **PLUGIN)), abs=1e-12)
    for view in ("formula-kl", "formula-entropy", "formula-pmi"):
        assert value(page, view) == pytest.approx(lib, abs=1e-9)
    assert value(page, "formula-ksg") == pytest.approx(float(mi.mutual_info(x, y, rng=1)), abs=1e-12)
    assert page.locator("#formula math").count() >= 5  # MathML rendered in place
    before = renders(page, "formula")
    page.select_option("#formula-kind", "independent")
    settle(page, "formula", before)
    assert value(page, "formula-library") < lib
    shoot(page, "formula", screenshot_dir)
    open_section(phone_page, "formula")
    shoot(phone_page, "formula", screenshot_dir)


# ------------------------------------------------------------------ section 5
def test_landscape_presets_noise_and_grid(page, phone_page, screenshot_dir):
    open_section(page, "landscape")
    values = {}
    for preset in ("line", "clusters", "checkerboard", "independent"):
        before = draws(page, "landscape")
        page.select_option("#land-preset", preset)
        page.wait_for_function(
            f"Number(document.getElementById('landscape').dataset.draws || 0) > {before}"
            f" && document.querySelector('#land-preset').value === {preset!r}"
        )
        values[preset] = value(page, "land-binned")
        assert value(page, "land-sum") == pytest.approx(values[preset], abs=1e-9)
    assert values["independent"] < min(values["line"], values["clusters"], values["checkerboard"])
    press(page, "#land-noise", "ArrowRight", "landscape")  # 0.03 -> 0.04
    press(page, "#land-grid", "Home", "landscape")  # 20 -> 4
    noise, grid, n = (float(page.input_value("#land-noise")), int(page.input_value("#land-grid")),
                      int(page.input_value("#land-n")))  # fmt: skip
    assert (noise, grid) == (pytest.approx(0.04), 4)
    x, y = landscape("independent", n=n, noise=noise, seed=1)
    xb, yb = bin_codes(x, grid, x.min(), x.max()), bin_codes(y, grid, y.min(), y.max())
    assert value(page, "land-binned") == pytest.approx(float(mi.mutual_info(xb, yb, **PLUGIN)), abs=1e-12)
    assert value(page, "land-knn") == pytest.approx(float(mi.mutual_info(x, y, rng=1)), abs=1e-12)
    page.select_option("#land-preset", "circle")
    page.wait_for_function("document.getElementById('landscape').dataset.busy === '0'")
    shoot(page, "landscape", screenshot_dir)
    open_section(phone_page, "landscape")
    shoot(phone_page, "landscape", screenshot_dir)


def test_anchor_link_starts_only_the_sections_in_view(page):
    """A link ending in #section must not start every section above it while the fragments
    load (the browser re-jumps to the anchor as each arrives)."""
    page.goto(f"{page.base_url}/#compression")
    page.wait_for_function("document.body.dataset.booted === '1'", timeout=90_000)
    page.wait_for_function("document.getElementById('compression').dataset.state === 'ready'", timeout=90_000)
    states = page.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('.mi-section'))"
        ".map((e) => [e.id, e.dataset.state]))"
    )
    early = ["intro", "decomposition", "correlation", "realworld", "selection", "clustering", "genes"]
    assert all(states[s] == "pending" for s in early), states
    assert page.evaluate("window.scrollY") > 5000
