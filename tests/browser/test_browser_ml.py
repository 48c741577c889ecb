"""Browser tests of sections 11-13: feature selection, clustering agreement, information-gain trees.

Each test opens a section, moves its controls with the keyboard (and buttons), waits for the
redraw, and checks the displayed numbers (``data-value``) against mutinfo for the same inputs.
The ``page`` fixtures fail a test on any console error. Screenshots at 1280 and 390 px go to
artifacts/screenshots/.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mutinfo as mi
from mutinfo.datasets import load_breast_cancer, load_digits_clusters
from mutinfo.explorer.routes.trees import tennis

from .conftest import open_section, renders, shoot, value, wait_render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def press(page, selector: str, key: str, box: str, times: int = 1) -> None:
    before = renders(page, box)
    page.focus(selector)
    for _ in range(times):
        page.keyboard.press(key)
    wait_render(page, box, before)


def items(page, testid: str) -> list[str]:
    return page.eval_on_selector_all(f'[data-testid="{testid}"] li', "els => els.map(e => e.dataset.feature)")


def test_selection_k_slider_sets_and_accuracy(page, screenshot_dir):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    open_section(page, "selection")
    page.wait_for_selector("#sel-curve-table table", state="attached")
    assert len(items(page, "sel-top")) == 5
    first = value(page, "sel-acc-top")
    press(page, "#sel-k", "ArrowRight", "selection")  # k = 6
    frame = load_breast_cancer()
    X, y = frame.drop(columns="diagnosis"), frame["diagnosis"]
    top = list(X.columns[mi.MutualInfoSelector(k=6, criterion="relevance").fit(X, y).selection_order_])
    mrmr = list(X.columns[mi.MutualInfoSelector(k=6, criterion="mrmr").fit(X, y).selection_order_])
    assert items(page, "sel-top") == top and items(page, "sel-mrmr") == mrmr
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    assert value(page, "sel-acc-top") == pytest.approx(
        cross_val_score(model, X[top], y, cv=folds).mean(), abs=1e-12
    )
    assert value(page, "sel-acc-top") != first
    # the redundant size features mRMR skips are struck through and explained
    struck = page.eval_on_selector_all(
        '[data-testid="sel-top"] li.redundant', "els => els.map(e => e.dataset.feature)"
    )
    assert set(struck) == set(top) - set(mrmr) and "worst area" in struck
    area = page.get_attribute('[data-testid="sel-skipped"] li[data-feature="worst area"]', "data-value")
    assert float(area) == float(mi.mutual_info(X["worst area"], X["worst perimeter"]))
    shoot(page, "selection", screenshot_dir)


def test_clustering_k_slider_and_random_labels(page, screenshot_dir):
    from sklearn.cluster import KMeans

    open_section(page, "clustering")
    page.wait_for_selector("#clu-curve-table table", state="attached")
    press(page, "#clu-k", "ArrowLeft", "clustering", times=2)  # k = 8
    frame = load_digits_clusters()
    X, digits = frame.drop(columns="digit").to_numpy(float), frame["digit"].to_numpy()
    labels = KMeans(n_clusters=8, n_init=1, random_state=0).fit_predict(X)
    assert value(page, "clu-nmi") == mi.normalized_mutual_info(digits, labels)
    assert value(page, "clu-ami") == mi.adjusted_mutual_info(digits, labels)
    before = value(page, "clu-rand-ami")
    n = renders(page, "clustering")
    page.fill("#clu-seed", "7")
    page.press("#clu-seed", "Enter")
    wait_render(page, "clustering", n)
    noise = np.random.default_rng(7).integers(0, 8, size=len(digits))
    assert value(page, "clu-rand-nmi") == mi.normalized_mutual_info(digits, noise) > 0.003
    assert value(page, "clu-rand-ami") == mi.adjusted_mutual_info(digits, noise) != before
    assert abs(value(page, "clu-rand-ami")) < 0.01
    shoot(page, "clustering", screenshot_dir)


def test_trees_next_split_keyboard_and_data(page, screenshot_dir):
    open_section(page, "trees")
    assert page.get_attribute('[data-testid="tree-node"]', "data-chosen") == "outlook"
    h = -(9 / 14 * math.log2(9 / 14) + 5 / 14 * math.log2(5 / 14))
    assert value(page, "tree-gain") == pytest.approx(h - 10 / 14 * 0.9709505944546686, abs=1e-12)
    n = renders(page, "trees")
    page.click('[data-testid="tree-next"]')
    wait_render(page, "trees", n)
    assert page.get_attribute('[data-testid="tree-node"]', "data-chosen") == "wind"
    assert value(page, "tree-gain") == pytest.approx(0.9709505944546686, abs=1e-12)
    press(page, "#tree-step", "End", "trees")
    frame = tennis()
    tree = mi.InformationGainTree().fit(frame.drop(columns="play"), frame["play"])
    assert page.text_content('[data-testid="tree-text"]') == tree.export_text()
    assert page.is_disabled('[data-testid="tree-next"]')
    press(page, "#tree-step", "ArrowLeft", "trees")
    assert page.get_attribute('[data-testid="tree-node"]', "data-chosen") == "humidity"
    shoot(page, "trees", screenshot_dir)
    n = renders(page, "trees")
    page.select_option("#tree-data", "cancer")
    wait_render(page, "trees", n)
    assert page.input_value("#tree-step") == "0"
    assert page.get_attribute('[data-testid="tree-node"]', "data-chosen") == "worst perimeter"
    shoot(page, "trees", screenshot_dir, "cancer")


def test_ml_sections_on_a_phone(phone_page, screenshot_dir):
    page = phone_page
    open_section(page, "trees")
    for sid in ("selection", "clustering", "trees"):
        page.evaluate(f"MI.start({sid!r})")
        page.wait_for_function(f"document.getElementById({sid!r}).dataset.state === 'ready'")
        width = page.evaluate(f"document.getElementById({sid!r}).scrollWidth")
        assert width <= 390, f"{sid} overflows the phone width ({width} px)"
        shoot(page, sid, screenshot_dir)
