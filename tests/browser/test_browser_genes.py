"""Browser test of section 15, gene regulatory networks from MI (Playwright + chromium).

Opens the section, moves every control (keyboard included), checks that the displayed numbers
change and equal mutinfo's values for the same inputs, and saves screenshots at 1280 and
390 px under artifacts/screenshots/. The ``page`` fixture fails on console errors.
"""

from __future__ import annotations

import pytest

import mutinfo as mi
from mutinfo.datasets import load_gene_network_edges
from mutinfo.explorer.routes.genes import known_pairs, mi_matrix

from .conftest import open_section, renders, shoot, value, wait_render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SID = "genes"


def press(page, selector: str, key: str) -> None:
    before = renders(page, SID)
    page.focus(selector)
    page.keyboard.press(key)
    wait_render(page, SID, before)


def check_against_library(page) -> None:
    method = page.input_value("#gn-method")
    k = int(page.input_value("#gn-topk"))
    tolerance = round(float(page.input_value("#gn-tolerance")), 4)
    matrix, _ = mi_matrix()
    kwargs = {"tolerance": tolerance} if method == "aracne" else {}
    net = getattr(mi.network, method)(matrix, precomputed=True, **kwargs)
    pr = mi.network.score(net, load_gene_network_edges())
    assert value(page, "gn-aupr") == pytest.approx(pr.aupr, abs=1e-12)
    assert value(page, "gn-auroc") == pytest.approx(pr.auroc, abs=1e-12)
    top = net.edges.head(k)
    truth = {frozenset(e) for e in known_pairs()}
    tp = sum(frozenset(p) in truth for p in zip(top.source, top.target, strict=True))
    assert value(page, "gn-precision") == pytest.approx(tp / len(top), abs=1e-12)
    assert value(page, "gn-recall") == pytest.approx(tp / len(truth), abs=1e-12)
    assert "random" in page.text_content('[data-testid="gn-aupr"]')


def test_genes_controls_library_agreement_and_screenshots(page, phone_page, screenshot_dir):
    open_section(page, SID)
    check_against_library(page)
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('#genes .mi-controls input, #genes .mi-controls select')]
           .filter(c => !(c.labels && c.labels.length)).map(c => c.outerHTML.slice(0, 80))"""
    )
    assert unlabeled == []
    # the graph distinguishes the three kinds of edge by line style, not colour alone
    dashes = page.evaluate(
        "document.getElementById('gn-graph').data.filter(t => t.mode === 'lines').map(t => t.line.dash)"
    )
    assert dashes == ["dot", "dash", "solid"]
    # the default triangle: the DPI removes the true PU.1 - EgrNab edge
    assert page.get_attribute('[data-testid="gn-triangle-why"]', "data-removed") == "1"
    assert "false negative" in page.text_content('[data-testid="gn-triangle-why"]')
    shoot(page, SID, screenshot_dir, "aracne")

    # keyboard: one more edge moves recall up or precision down
    r0, p0 = value(page, "gn-recall"), value(page, "gn-precision")
    press(page, "#gn-topk", "ArrowRight")
    assert int(page.input_value("#gn-topk")) == 13
    assert (value(page, "gn-recall"), value(page, "gn-precision")) != (r0, p0)
    check_against_library(page)

    # the GATA1 - FOG1 - SCL triangle: strict DPI removes the indirect FOG1 - SCL edge
    before = renders(page, SID)
    page.select_option("#gn-triangle", "1")
    wait_render(page, SID, before)
    assert page.get_attribute('[data-testid="gn-triangle-why"]', "data-removed") == "0"
    before = renders(page, SID)
    page.focus("#gn-tolerance")
    page.keyboard.press("Home")
    wait_render(page, SID, before)
    page.wait_for_function("document.getElementById('genes').dataset.busy === '0'")
    assert float(page.input_value("#gn-tolerance")) == 0.0
    assert page.get_attribute('[data-testid="gn-triangle-why"]', "data-removed") == "1"
    assert "pruning was right" in page.text_content('[data-testid="gn-triangle-why"]')
    check_against_library(page)

    # another method
    aupr0 = value(page, "gn-aupr")
    before = renders(page, SID)
    page.select_option("#gn-method", "mrnet")
    wait_render(page, SID, before)
    page.wait_for_function("document.getElementById('genes').dataset.busy === '0'")
    assert value(page, "gn-aupr") != aupr0
    check_against_library(page)
    assert page.locator("#genes table").count() >= 2
    shoot(page, SID, screenshot_dir, "mrnet")

    # share link reproduces the numbers on a phone
    page.click('[data-testid="genes-share"]')
    url = page.input_value('[data-testid="genes-share-url"]')
    assert "s=genes" in url and "method=mrnet" in url
    shown = value(page, "gn-aupr")
    phone_page.goto(url)
    phone_page.wait_for_function("document.getElementById('genes').dataset.state === 'ready'")
    assert phone_page.input_value("#gn-method") == "mrnet"
    assert value(phone_page, "gn-aupr") == shown
    shoot(phone_page, SID, screenshot_dir, "mrnet")
