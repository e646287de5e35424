"""Rating a dossier from its receipt on a 390 px phone, in real Chromium."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from hailong import dossiers
from models import Rating, local_date_of, utcnow
from tests.dossier_data import csv_bytes, register_rows
from tests.e2e.conftest import PHONE, screenshot


def test_rate_a_dossier_on_a_phone(live_server, new_context, session, world):
    start = local_date_of(utcnow()) - timedelta(days=20)
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(register_rows(5, start=start)))
    session.commit()
    page = new_context(PHONE).new_page()
    page.goto(f"{live_server.url}/d")
    page.get_by_label(re.compile("Mã hồ sơ trên giấy tiếp nhận")).fill("h01-0004")
    page.get_by_role("button", name="Tìm hồ sơ").tap()
    expect(page.get_by_role("heading", name=re.compile("hài lòng với việc giải quyết hồ sơ"))).to_be_visible()
    expect(page.get_by_text("Đã trả kết quả trễ hẹn")).to_be_visible()
    reasons = page.get_by_role("group", name=re.compile("Nếu chưa hài lòng"))
    expect(reasons).to_be_hidden()
    page.get_by_role("radiogroup", name="Mức độ hài lòng").get_by_role("radio", name="Không hài lòng").tap()
    expect(reasons).to_be_visible()
    page.get_by_label("Trễ hẹn trả kết quả").check()
    page.get_by_text("Trả lời thêm về hồ sơ").tap()
    page.get_by_role("group", name=re.compile("mấy lần")).get_by_label("2 lần").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(page, "dossier-rate-phone")
    page.get_by_role("button", name="Gửi đánh giá").tap()
    expect(page.get_by_role("heading", name=re.compile("Cảm ơn"))).to_be_visible()
    screenshot(page, "dossier-thanks-phone")
    rating = session.exec(select(Rating)).one()
    assert (rating.dossier_code, rating.level, rating.reasons, rating.criteria) == (
        "H01-0004", "dissatisfied", ["late"], {"visits": 2})
