"""Rating a dossier from its receipt on a 390 px phone, in real Chromium."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from hailong import dossiers
from models import Rating, local_date_of, utcnow
from tests.dossier_data import csv_bytes, register_rows
from tests.e2e.conftest import PHONE, screenshot


def test_rate_a_dossier_on_a_phone(live_server, new_context, session, world, lang, _):
    start = local_date_of(utcnow()) - timedelta(days=20)
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(register_rows(5, start=start)))
    session.commit()
    page = new_context(PHONE).new_page()
    page.goto(f"{live_server.url}/d?lang={lang}")
    page.get_by_label(_("Mã hồ sơ trên giấy tiếp nhận hồ sơ và hẹn trả kết quả")).fill("h01-0004")
    page.get_by_role("button", name=_("Tìm hồ sơ")).tap()
    question = _("Ông/bà có hài lòng với việc giải quyết hồ sơ này không?")
    expect(page.get_by_role("heading", name=question)).to_be_visible()
    expect(page.get_by_text(_("Đã trả kết quả trễ hẹn"))).to_be_visible()
    reasons = page.get_by_role("group", name=_("Nếu chưa hài lòng, vì sao? (không bắt buộc)"))
    expect(reasons).to_be_hidden()
    page.get_by_role("radiogroup", name=_("Mức độ hài lòng")).get_by_role("radio", name=_("Không hài lòng")).tap()
    expect(reasons).to_be_visible()
    page.get_by_label(_("Trễ hẹn trả kết quả")).check()
    page.get_by_text(_("Trả lời thêm về hồ sơ (không bắt buộc)")).tap()
    page.get_by_role("group", name=_("Ông/bà đã phải đến nộp, bổ sung hồ sơ mấy lần?")).get_by_label(_("2 lần")).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(page, f"dossier-rate-phone-{lang}")
    page.get_by_role("button", name=_("Gửi đánh giá")).tap()
    expect(page.get_by_role("heading", name=re.compile(_("Cảm ơn")))).to_be_visible()
    screenshot(page, f"dossier-thanks-phone-{lang}")
    rating = session.exec(select(Rating)).one()
    assert (rating.dossier_code, rating.level, rating.reasons, rating.criteria) == (
        "H01-0004", "dissatisfied", ["late"], {"visits": 2})
