"""A citizen's phone (390×844, touch): scan a poster and rate; send a PAKN with a photo and follow it.
Plus the printed poster, table card and desk receipt, screenshotted as they print."""
from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect
from sqlmodel import select

from hailong import qr
from hailong import feedback as intake
from models import Attachment, Channel, Feedback, QrCode, QrTarget, Rating
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.pages import AdminPage
from tests.e2e.pages_phone import PhonePage
from tests.factories import PASSWORD

COMPLAINTS = ("Khiếu nại (đề nghị xem xét lại một quyết định hoặc hành vi làm ảnh hưởng đến quyền lợi của ông/bà) làm "
              "theo Luật Khiếu nại, và tố cáo (báo vi phạm pháp luật của người có chức vụ) làm theo Luật Tố cáo: không "
              "gửi qua mẫu này. Vui lòng nộp tại Bộ phận tiếp công dân của Ủy ban nhân dân xã.")


def photo_file() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 60)).save(buffer, format="JPEG")
    return {"name": "duong-ngap.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_scan_a_desk_poster_and_rate_from_the_phone(live_server, new_context, session, world, lang, _):
    code = qr.create_qr(session, unit=world.unit, target=QrTarget.DESK, desk_id=world.desk.id)
    session.commit()
    phone = PhonePage(new_context(PHONE).new_page(), live_server.url, lang).scan(code.code)
    expect(phone.face("Không hài lòng")).to_be_visible()
    expect(phone.page.get_by_text("Quầy 1")).to_be_visible()
    screenshot(phone.page, f"phone-rate-{lang}")
    phone.face("Không hài lòng").tap()
    expect(phone.page.get_by_role("heading", name=_("Vì sao ông/bà chưa hài lòng?"))).to_be_visible()
    phone.reason("Trễ hẹn trả kết quả").check()
    screenshot(phone.page, f"phone-rate-reasons-{lang}")
    phone.send_rating()
    expect(phone.thanks()).to_be_visible()
    screenshot(phone.page, f"phone-rate-thanks-{lang}")
    rating = session.exec(select(Rating)).one()
    assert (rating.channel, rating.level, rating.reasons, rating.desk_id) == (
        Channel.QR, "dissatisfied", ["late"], world.desk.id)
    phone.scan(code.code)  # the same phone, the same visit
    expect(phone.page.get_by_text(_("Ông/bà đã đánh giá lần này rồi. Cảm ơn ông/bà!"))).to_be_visible()
    expect(phone.face("Rất hài lòng")).to_be_hidden()
    screenshot(phone.page, f"phone-rate-already-{lang}")
    session.expire_all()
    assert session.get(QrCode, code.id).scan_count == 2


def test_send_a_pakn_with_a_photo_and_follow_it_by_its_code(live_server, new_context, session, world, lang, _):
    phone = PhonePage(new_context(PHONE).new_page(), live_server.url, lang).open_form(world.unit.code)
    expect(phone.page.get_by_text(_(COMPLAINTS))).to_be_visible()
    screenshot(phone.page, f"phone-feedback-form-{lang}")
    phone.submit_feedback()  # nothing filled in
    too_short = _("Vui lòng mô tả nội dung (ít nhất %(n)s ký tự).") % {"n": intake.CONTENT_MIN}
    expect(phone.page.get_by_role("alert")).to_contain_text(too_short)
    screenshot(phone.page, f"phone-feedback-errors-{lang}")
    area = world.areas["HT"]
    text = {"kind": "Phản ánh", "area": area.name_en if lang == "en" else area.name_vi,
            "content": "Quầy hộ tịch yêu cầu nộp thêm bản sao không có trong quy định.",
            "Họ và tên": "Trần Văn An", "Số điện thoại": "0912 345 678", "Địa chỉ": "Thôn Trung"}
    phone.fill_feedback(photo=photo_file(), **text)
    phone.consent()
    phone.submit_feedback()
    expect(phone.tracking_code()).to_have_text(re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$"))
    code = phone.tracking_code().inner_text()
    screenshot(phone.page, f"phone-feedback-sent-{lang}")
    feedback = session.exec(select(Feedback)).one()
    assert intake.format_code(feedback.tracking_code) == code and feedback.channel == Channel.WEB
    assert session.exec(select(Attachment)).one().feedback_id == feedback.id
    phone.page.get_by_role("link", name=_("Xem tình trạng xử lý")).tap()
    expect(phone.page.get_by_role("heading", name=code)).to_be_visible()
    screenshot(phone.page, f"phone-feedback-status-{lang}")
    phone.open_form(world.unit.code)  # the same citizen sends the same text again
    phone.fill_feedback(**text)
    phone.consent()
    phone.submit_feedback()
    already = _("Phản ánh, kiến nghị này đã được tiếp nhận trước đó")
    expect(phone.page.get_by_role("heading", name=already)).to_be_visible()
    expect(phone.page.get_by_text(code)).to_be_visible()
    screenshot(phone.page, f"phone-feedback-duplicate-{lang}")


def test_printed_poster_card_and_receipt(live_server, new_context, session, world):
    code = qr.create_qr(session, unit=world.unit, target=QrTarget.DESK, desk_id=world.desk.id,
                        label="Hộ tịch, chứng thực")
    session.commit()
    admin = AdminPage(new_context(DESKTOP).new_page(), live_server.url).login("admin.xa01", PASSWORD)
    admin.page.get_by_role("link", name="Mã QR").click()
    expect(admin.page.get_by_role("cell", name=code.code)).to_be_visible()
    screenshot(admin.page, "admin-qr-list")
    admin.page.emulate_media(media="print")
    for size in ("poster", "card"):
        admin.page.goto(f"{live_server.url}/admin/qr/{code.id}/{size}")
        expect(admin.page.get_by_text(world.unit.name)).to_be_visible()
        screenshot(admin.page, f"print-{size}")
    admin.page.emulate_media(media="screen")
    admin.page.goto(f"{live_server.url}/admin/feedback/file")
    screenshot(admin.page, "admin-feedback-file")
    admin.page.get_by_label("Kiến nghị", exact=True).check()
    admin.page.get_by_label("Nội dung", exact=True).fill("Đề nghị bố trí thêm ghế chờ ở sảnh một cửa.")
    admin.page.get_by_label("Gửi ẩn danh (không để lại thông tin liên hệ)").check()
    admin.page.get_by_role("button", name="Lưu và in phiếu tiếp nhận").click()
    expect(admin.page.get_by_test_id("receipt-code")).to_have_text(re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$"))
    admin.page.emulate_media(media="print")
    screenshot(admin.page, "print-receipt")
