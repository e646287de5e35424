"""The kiosk as a citizen and the staff see it: roles and names, not CSS."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import words

# Short timeouts so the tests never wait the real 30 s; the test app's config carries them to the page.
FAST = "idle:1500,thanks:400,poll:300,retry:200,maxRetry:1000"


def wait_until(page, predicate: str, timeout_ms: int = 30_000) -> bool:
    """Wait in the page until ``predicate`` (a JS expression, or a function that may be async) is true.
    The whole loop is one evaluate compiled by DevTools: Playwright's wait_for_function compiles its
    predicate with eval, which the page's Content-Security-Policy (rightly) refuses."""
    function = predicate if "=>" in predicate.split("{")[0] else f"() => ({predicate})"
    return page.evaluate(f"""async () => {{
        const predicate = {function};
        const end = Date.now() + {timeout_ms};
        while (Date.now() < end) {{
            if (await predicate()) return true;
            await new Promise(resolve => setTimeout(resolve, 50));
        }}
        return false;
    }}""")


# Records every screen the kiosk shows (``body[data-screen]``), so a test can wait on "the thank-you screen was
# shown" even when it lasted 250 ms and a loaded machine looked too late to see it.
WATCH_SCREENS = """() => {
    if (window.hlScreens) return;
    window.hlScreens = [];
    new MutationObserver(() => window.hlScreens.push(document.body.dataset.screen))
        .observe(document.body, {attributes: true, attributeFilter: ['data-screen']});
}"""
THANKS_SHOWN = "(window.hlScreens || []).filter(s => s === 'thanks').length"


class Kiosk:
    """The kiosk tablet: opened with ``?lang=`` when a language is given; buttons are named in that language."""

    def __init__(self, page: Page, server, timeouts: str = FAST, lang: str = ""):
        self.page = page
        self.base_url = server.url
        server.app.config["KIOSK_TIMEOUTS"] = {k: int(v) for k, v in (p.split(":") for p in timeouts.split(","))}
        self.lang = lang
        self._ = words(lang or "vi")

    @property
    def url(self) -> str:
        return f"{self.base_url}/kiosk" + (f"?lang={self.lang}" if self.lang else "")

    def pair(self, code: str) -> "Kiosk":
        self.page.goto(f"{self.base_url}/kiosk/pair?code={code}")
        expect(self.page).to_have_url(re.compile(r"/kiosk$"))  # the code is gone from the address bar
        return self.open()

    def open(self) -> "Kiosk":
        self.page.goto(self.url)
        expect(self.idle()).to_be_visible()
        self.watch()
        return self

    def watch(self) -> int:
        """Record the screens shown from now on (kept until the page reloads); how many thank-yous so far."""
        self.page.evaluate(WATCH_SCREENS)
        return self.page.evaluate(THANKS_SHOWN)

    def thanked(self, before: int = 0):
        """Wait until the thank-you screen has been shown (more than ``before`` times), however briefly."""
        assert wait_until(self.page, f"() => {THANKS_SHOWN} > {before}"), "the thank-you screen never came"

    def wait_offline_ready(self) -> "Kiosk":
        """Wait until the service worker is active and has cached the page (so reloads work offline).
        Active, not controlling this page: a page that loaded while the worker was still activating stays
        uncontrolled until its next load, and that next load (the offline reload) is the one that counts."""
        ready = wait_until(self.page, """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            if (!registration || !registration.active) return false;
            const keys = await (await caches.open('hailong-kiosk-v1')).keys();
            return keys.some(r => r.url.endsWith('/kiosk')) && keys.some(r => r.url.includes('kiosk.js'));
        }""")
        assert ready, "the service worker did not take control and cache the kiosk"
        return self

    def idle(self):
        return self.page.get_by_role("heading", name=re.compile("có hài lòng|satisfied with"))

    def face(self, label: str):
        return self.page.get_by_role("button", name=self._(label), exact=True)

    def tap(self, label: str):
        self.face(label).tap()

    def choice(self, label: str):
        return self.page.get_by_role("button", name=self._(label), exact=True)

    def button(self, label: str):
        return self.page.get_by_role("button", name=self._(label), exact=True)

    def group(self, label: str):
        return self.page.get_by_role("group", name=self._(label))

    def thanks(self):
        return self.page.get_by_role("heading", name=re.compile("Cảm ơn|Thank you"))

    def unpaired(self):
        return self.page.get_by_role("heading", name=re.compile("chưa được ghép nối|not paired"))

    def pending(self):
        return self.page.get_by_role("status")

    def screen(self) -> str:
        return self.page.evaluate("document.body.dataset.screen")

    def rate(self, label: str):
        """One whole satisfied/very satisfied visit: tap, thanks, back to idle."""
        before = self.watch()
        self.tap(label)
        self.thanked(before)
        expect(self.idle()).to_be_visible()

    def queued(self) -> int:
        return int(self.page.evaluate("document.body.dataset.pending || '0'"))
