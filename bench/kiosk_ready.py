"""How long a kiosk left mid-way takes to be ready for the next citizen, with the real timeouts.

    .venv/bin/python bench/kiosk_ready.py

For each way a citizen walks away (faces left in English and large text, the reasons, the
area, the extra questions, the thanks screen, and the thanks screen held by a touch) it
measures, inside the page, from the citizen's last touch to the faces shown again in
Vietnamese at normal size. Takes about five minutes: it waits the real 30 s / 20 s / 120 s.
"""
from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from hailong import create_app  # noqa: E402
from kiosk.views import TIMEOUTS  # noqa: E402
from tests.conftest import test_config  # noqa: E402
from tests.e2e.conftest import CHROMIUM, KIOSK, LiveServer  # noqa: E402
from tests.factories import world  # noqa: E402

# Marks the last touch, then waits for the faces in Vietnamese at normal size.
MARK = "() => { window.__touched = performance.now(); }"
READY = """() => document.body.dataset.screen === 'idle' && document.documentElement.lang === 'vi'
    && !document.body.classList.contains('large') && (performance.now() - window.__touched)"""


def ready_after(page, touch) -> float:
    touch()
    page.evaluate(MARK)
    return page.wait_for_function(READY, timeout=300_000, polling=50).json_value() / 1000


def button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def cases(page):
    """(case, what the citizen does last) in the order they are measured."""
    def faces():
        button(page, "English").tap()
        button(page, "Large text").tap()

    def reasons():
        button(page, "Không hài lòng").tap()
        button(page, "Chờ quá lâu").tap()

    def area():
        button(page, "Hài lòng").tap()

    def criteria():
        button(page, "Hài lòng").tap()
        button(page, "Bỏ qua").tap()
        button(page, "Có").tap()

    def thanks():
        button(page, "Hài lòng").tap()
        button(page, "Bỏ qua").tap()
        button(page, "Gửi đánh giá").tap()

    def held():
        thanks()
        page.locator("#thanks").tap()

    return [("faces (English, large text)", faces), ("reasons", reasons), ("area", area),
            ("extra questions", criteria), ("thanks", thanks), ("thanks held by a touch", held)]


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(test_config(f"sqlite:///{tmp}/bench.sqlite", upload_dir=f"{tmp}/uploads"))
        SQLModel.metadata.create_all(app.extensions["db_engine"])
        with Session(app.extensions["db_engine"]) as session:
            place = world(session)
            place.desk.service_area_id = None  # asks the area
            place.kiosk.criteria_enabled = True  # and the extra questions
            session.add_all([place.desk, place.kiosk])
            session.commit()
            token = place.code  # a pairing code (single use)
        server = LiveServer(app)
        server.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_context(**KIOSK, locale="vi-VN", bypass_csp=True).new_page()  # see kiosk_budget.py
                page.goto(f"{server.url}/kiosk/pair?code={token}")
                page.wait_for_function("document.body.dataset.screen === 'idle'")
                print(f"Timeouts: {TIMEOUTS}")
                for name, touch in cases(page):
                    print(f"  {name:30s} ready for the next citizen after {ready_after(page, touch):6.1f} s",
                          flush=True)
                browser.close()
        finally:
            server.stop()
            app.extensions["db_engine"].dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
