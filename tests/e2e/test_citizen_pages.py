"""Every citizen page on a 390 px phone, in Vietnamese and English: it fits, its controls are
big enough for old fingers, zoom is allowed and axe finds nothing serious, critical, or the
moderate issues a citizen meets (a scroll box out of reach of the keyboard, no main, no h1)."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from hailong import qr
from models import QrTarget
from tests import survey_data
from tests.e2e.conftest import PHONE, screenshot
from tests.workflow_helpers import file_ticket

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
MODERATE = ["scrollable-region-focusable", "landmark-one-main", "page-has-heading-one", "meta-viewport",
            "meta-viewport-large", "region", "landmark-unique", "landmark-no-duplicate-main", "heading-order"]
AXE_SCAN = """async (moderate) => (await axe.run(document)).violations
    .filter(v => ['serious', 'critical'].includes(v.impact) || moderate.includes(v.id))
    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target).join(' '))"""
# Controls and links that stand alone (not a word inside a sentence) must be 44 px tall.
SMALL_TARGETS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, select, input:not([type=hidden]), textarea, summary')) {
    if (!el.getClientRects().length || el.closest('[hidden], .trap') || el.classList.contains('skip')) continue;
    const box = el.matches('input[type=checkbox], input[type=radio]') ? (el.closest('label') || el) : el;
    const text = el.closest('p, li, td, dd, figcaption, span.hint');
    if (el.matches('a') && text && text.textContent.trim() !== el.textContent.trim()) continue;
    const r = box.getBoundingClientRect();
    if (r.height < 44) out.push((el.textContent.trim() || el.name || el.id).slice(0, 30) + ' ' + Math.round(r.height));
  }
  return out;
}"""


def pages(live_server, session, world) -> list[tuple[str, str]]:
    """(name, address) of every page a citizen can reach from a poster, the kiosk's QR or the home page."""
    desk = qr.create_qr(session, unit=world.unit, target=QrTarget.DESK, desk_id=world.desk.id)
    survey_data.published(session, world.unit, "health")
    ticket = file_ticket(session, world)
    session.commit()
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    return [("home", "/"), ("lookup", "/feedback"), ("status", f"/feedback/{code}"),
            ("wrong-code", "/feedback/AAAAA-AAAA1"), ("form", f"/feedback/new?unit={world.unit.code}&area=YT"),
            ("pick-unit", "/feedback/new"), ("rate", f"/q/{desk.code}"), ("survey", "/survey/y-te"),
            ("public", "/public"), ("public-desks", "/public/desks")]


def desk_code(session) -> str:
    from models import QrCode

    return session.exec(select(QrCode).order_by(QrCode.id)).first().code


def check(page, name: str) -> list[str]:
    """What is wrong with the page on screen, as readable lines (empty when it is fine)."""
    screenshot(page, name)
    problems = []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > 390:
        problems.append(f"{name}: {width} px wide")
    viewport = page.evaluate("document.querySelector('meta[name=viewport]')?.content")
    if viewport is None or "user-scalable=no" in viewport or "maximum-scale" in viewport:
        problems.append(f"{name}: zoom disabled")
    page.evaluate(AXE.read_text())  # through DevTools: the CSP allows no inline <script>
    problems += [f"{name}: axe {v}" for v in page.evaluate(AXE_SCAN, MODERATE)]
    problems += [f"{name}: small {t}" for t in page.evaluate(SMALL_TARGETS)]
    return problems


def test_every_citizen_page_fits_a_phone_and_passes_axe(live_server, new_context, session, world, lang, _):
    page = new_context(PHONE).new_page()
    problems = []
    for name, address in pages(live_server, session, world):
        joiner = "&" if "?" in address else "?"
        page.goto(f"{live_server.url}{address}{joiner}lang={lang}")
        expect(page.locator("h1").first).to_be_visible()
        problems += check(page, f"phone-{lang}-{name}")
    page.goto(f"{live_server.url}/feedback/new?unit={world.unit.code}&lang={lang}")
    page.locator("form button[type=submit]").last.tap()  # nothing filled in: every error at once
    expect(page.locator("#error-summary")).to_be_focused()
    problems += check(page, f"phone-{lang}-form-errors")
    page.goto(f"{live_server.url}/survey/y-te?lang={lang}")
    page.locator(".survey-nav [data-action=next]").tap()  # past the intro, on the first question
    expect(page.locator(".step.question.current")).to_be_visible()
    problems += check(page, f"phone-{lang}-survey-question")
    page.goto(f"{live_server.url}/r/{desk_code(session)}?lang={lang}")
    page.locator("button.face-dissatisfied").tap()  # the reasons, then the thanks
    expect(page.locator("input[name=reasons]").first).to_be_visible()
    problems += check(page, f"phone-{lang}-rate-reasons")
    page.locator("form button[type=submit]").tap()
    expect(page.locator("h1")).to_contain_text(re.compile(_("Cảm ơn")))
    problems += check(page, f"phone-{lang}-rate-thanks")
    page.goto(f"{live_server.url}/feedback/new?unit={world.unit.code}&lang={lang}")
    page.locator("input[name=kind]").first.check()
    page.locator("#content").fill("Đèn đường ở thôn Trung không sáng đã một tuần.")
    page.locator("#anonymous").check()
    page.locator("form button[type=submit]").last.tap()
    expect(page.get_by_test_id("tracking-code")).to_be_visible()
    problems += check(page, f"phone-{lang}-sent")
    assert not problems, "\n".join(problems)
