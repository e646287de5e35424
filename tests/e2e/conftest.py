"""Browser tests in real Chromium (Debian's), through Playwright.

The app runs in a thread on a free local port against the test database; each
audience gets its own browser context: a touch tablet for the kiosk, a phone, a desk PC.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import expect
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
KIOSK = {"viewport": {"width": 1280, "height": 800}, "has_touch": True}
KIOSK_PORTRAIT = {"viewport": {"width": 800, "height": 1280}, "has_touch": True}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"

# Every wait is for a state (a row, a screen, a text); on a loaded 2-core machine a state can take
# longer than Playwright's 5 s default to arrive, never a reason to fail. A state that never comes
# still fails, after 20 s.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(params=["vi", "en"])
def lang(request) -> str:
    """The citizen's language: a test that takes it runs once in Vietnamese and once in English."""
    return request.param


def words(lang: str):
    """gettext in ``lang`` from the compiled catalogue (msgids are the Vietnamese wording): tests name
    buttons and headings by the Vietnamese text and read the English one from the same catalogue the app
    uses, so no label is written twice. Data (area names, survey questions) passes through unchanged."""
    return Translations.load(str(TRANSLATIONS), [lang]).gettext if lang != "vi" else str


@pytest.fixture
def _(lang):
    return words(lang)


class Gate:
    """The WSGI app behind a gate that ``close`` shuts only once the requests inside it are done.

    Stopping the server ends its accept loop, not the threads already serving a page's kept-alive connection: a
    page's poll could still reach the database while the next test's reset truncates it (a deadlock seen under
    load). A closed gate answers 503 (the kiosk treats it like a lost network) and never calls the app."""

    def __init__(self, app):
        self.app = app
        self.open = True
        self.active = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            if not self.open:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Connection", "close")])
                return [b"stopped"]
            self.active += 1
        try:
            response = self.app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                getattr(response, "close", lambda: None)()
        finally:
            with self.changed:
                self.active -= 1
                self.changed.notify_all()

    def close(self, timeout: float = 30):
        with self.changed:
            self.open = False
            self.changed.wait_for(lambda: self.active == 0, timeout)


class LiveServer:
    """The app served from a background thread; ``stop`` and ``start`` simulate an outage."""

    def __init__(self, app):
        self.app = app
        self.gate = Gate(app)
        self.server = make_server("127.0.0.1", 0, self.gate, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = None

    def start(self):
        self.gate.open = True
        if self.server is None:
            self.server = make_server("127.0.0.1", self.port, self.gate, threaded=True)
        # Polled every 50 ms, not every 500: each test's teardown waits for the poll to see the shutdown.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self):
        self.gate.close()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        self.server = None


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    server.start()
    yield server
    if server.server is not None:
        server.stop()


@pytest.fixture
def new_context(browser):
    contexts, violations = [], []

    def watch(page):
        # The Content-Security-Policy silently disables what it blocks: every refusal fails the test.
        page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)

    def make(profile: dict, **extra):
        context = browser.new_context(**profile, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **extra)
        context.set_default_timeout(20_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert violations == [], violations


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/screenshots for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
