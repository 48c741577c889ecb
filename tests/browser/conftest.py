"""Fixtures for the browser tests: a live explorer server and a Chromium page.

The server is uvicorn in a background thread on a free 127.0.0.1 port (one per test session);
the browser is Debian's chromium driven by Playwright's sync API (Playwright's own browser
download is not used). The ``page`` fixture fails the test on any console error or uncaught
page error. Screenshots go to ``artifacts/screenshots/`` (git-ignored).

Browser tests are marked ``browser`` and grouped with ``@pytest.mark.xdist_group("browser")``
so that ``pytest -n 2 --dist loadgroup`` runs them on one worker.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MUTINFO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class LiveServer:
    """uvicorn serving the explorer in a daemon thread."""

    def __init__(self) -> None:
        import uvicorn

        from mutinfo.explorer.app import create_app
        from mutinfo.explorer.limits import ServerSettings
        from mutinfo.explorer.server import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The pages are under test here, not the deadline (tests/explorer/test_server_limits.py
        # covers it): a first load of a heavy section on a busy CI machine may pass 30 s.
        app = create_app(ServerSettings(request_timeout_s=180.0))
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the explorer server did not start within 30 s")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make chromium` installs Debian's package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class ConsoleErrors(list):
    """Console errors and page errors seen by a page."""


def _page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors = ConsoleErrors()

    def _console(msg) -> None:
        if msg.type == "error":
            errors.append(f"console.{msg.type}: {msg.text}")

    page.on("console", _console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.console_errors = errors
    page.base_url = live_server.url
    page.set_default_timeout(60_000)
    return context, page, errors


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop-size (1280 x 900) page; the test fails on any console error."""
    context, page, errors = _page(browser, live_server, DESKTOP)
    yield page
    context.close()
    assert not errors, "console errors on the page:\n" + "\n".join(errors)


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh phone-size (390 x 844) page; the test fails on any console error."""
    context, page, errors = _page(browser, live_server, PHONE)
    yield page
    context.close()
    assert not errors, "console errors on the phone page:\n" + "\n".join(errors)


def open_section(page, section_id: str, query: str = "", timeout: float = 90_000) -> object:
    """Load the explorer (optionally with a share-link query), scroll to a section and wait
    until it has rendered once. Returns the section's locator."""
    url = f"{page.base_url}/{query}"
    page.goto(url)
    page.wait_for_function("document.body.dataset.booted === '1'", timeout=timeout)
    page.evaluate(f"MI.start({section_id!r})")
    section = page.locator(f"section#{section_id}")
    section.scroll_into_view_if_needed()
    page.wait_for_function(
        f"document.getElementById({section_id!r}).dataset.state === 'ready'", timeout=timeout
    )
    return section


def renders(page, section_id: str) -> int:
    """How many times a section has finished a redraw."""
    return int(page.evaluate(f"Number(document.getElementById({section_id!r}).dataset.renders || 0)"))


def wait_render(page, section_id: str, before: int, timeout: float = 90_000) -> None:
    """Wait until the section finished a redraw after ``before`` renders and is not busy."""
    page.wait_for_function(
        f"(() => {{ const el = document.getElementById({section_id!r});"
        f" return Number(el.dataset.renders || 0) > {before} && el.dataset.busy === '0'; }})()",
        timeout=timeout,
    )


def value(page, testid: str) -> float:
    """The raw number behind a readout (its ``data-value`` attribute)."""
    return float(page.get_attribute(f'[data-testid="{testid}"]', "data-value"))


def shoot(page, section_id: str, screenshot_dir: Path, label: str = "") -> Path:
    """Screenshot one section at the current viewport; returns the file path."""
    width = page.viewport_size["width"]
    name = f"{section_id}{'-' + label if label else ''}-{width}.png"
    path = screenshot_dir / name
    page.evaluate("document.body.classList.add('no-sticky')")
    page.locator(f"section#{section_id}").screenshot(path=str(path))
    return path
