"""Issue 12, walked case by case as an elderly citizen and a phone user meet it (one test per case)."""
from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect
from sqlmodel import func, select

from models import Attachment, Feedback, Rating
from tests.e2e.conftest import KIOSK, KIOSK_PORTRAIT, PHONE, screenshot
from tests.e2e.pages_kiosk import Kiosk, wait_until
from tests.e2e.pages_phone import PhonePage
from tests.e2e.test_citizen_pages import AXE, AXE_SCAN, MODERATE
from tests.e2e.test_kiosk import full_kiosk, stored
from tests.workflow_helpers import file_ticket

CONTACT = {"Họ và tên": "Trần Văn An", "Số điện thoại": "0912 345 678", "Địa chỉ": "Thôn Trung"}


def shot(page, name):
    screenshot(page, name)


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 60)).save(buffer, format="JPEG")
    return {"name": "duong-ngap.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_case_01_the_kiosk_forgets_english_and_large_text(live_server, new_context, session, world):
    kiosk = Kiosk(new_context(KIOSK).new_page(), live_server, "idle:1200,thanks:400,poll:300").pair(world.code)
    kiosk.button("English").tap()
    kiosk.button("Large text").tap()
    expect(kiosk.page.locator("html")).to_have_attribute("lang", "en")
    expect(kiosk.face("Hài lòng")).to_be_visible()  # nobody touched it: back to Vietnamese, normal size
    expect(kiosk.page.locator("html")).to_have_attribute("lang", "vi")
    expect(kiosk.button("Chữ lớn")).to_have_attribute("aria-pressed", "false")


def test_case_02_a_citizen_who_walks_away_never_blocks_or_joins_the_next(live_server, new_context, session, world):
    full_kiosk(session, world)
    kiosk = Kiosk(new_context(KIOSK).new_page(), live_server,
                  "idle:1500,thanks:400,poll:300,retry:200").pair(world.code)
    kiosk.tap("Không hài lòng")
    kiosk.choice("Chờ quá lâu").tap()  # then walks away
    for screen in ("reasons",):
        expect(kiosk.button("Làm lại")).to_be_visible()
        assert kiosk.screen() == screen
    expect(kiosk.idle()).to_be_visible()  # straight back to the faces, the area and criteria not asked of nobody
    kiosk.tap("Rất hài lòng")  # the next citizen
    expect(kiosk.page.get_by_role("heading", name="Ông/bà đến làm thủ tục thuộc lĩnh vực nào?")).to_be_visible()
    expect(kiosk.button("Làm lại")).to_be_visible()
    kiosk.button("Bỏ qua").tap()
    expect(kiosk.button("Làm lại")).to_be_visible()  # on the criteria too
    kiosk.button("Làm lại").tap()  # changed their mind: the unfinished rating is dropped
    expect(kiosk.idle()).to_be_visible()
    kiosk.tap("Hài lòng")
    kiosk.button("Bỏ qua").tap()
    kiosk.button("Gửi đánh giá").tap()
    kiosk.thanked()
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    ratings = stored(session)
    assert [(r.level, r.reasons) for r in ratings] == [("dissatisfied", ["waited_too_long"]), ("satisfied", [])]


def test_case_03_the_thanks_screen_waits_for_the_qr_and_a_touch_holds_it(live_server, new_context, session, world):
    kiosk = Kiosk(new_context(KIOSK).new_page(), live_server,
                  "idle:30000,thanks:4000,held:600000,poll:300").pair(world.code)
    kiosk.tap("Hài lòng")
    expect(kiosk.thanks()).to_be_visible()
    kiosk.page.locator(".qr-box figcaption").tap()  # a citizen gets the phone out
    expect(kiosk.page.get_by_text("Chạm lần nữa để về trang đầu")).to_be_visible()
    held_at = kiosk.page.evaluate("performance.now()")
    assert wait_until(kiosk.page, f"performance.now() > {held_at} + 5000")  # well past the thanks screen's 4 s
    assert kiosk.screen() == "thanks"  # still there for the QR
    shot(kiosk.page, "kiosk-case03-thanks-held")
    kiosk.page.locator("#thanks").tap()
    expect(kiosk.idle()).to_be_visible()


def test_case_04_a_lost_code_has_a_place_to_be_typed(live_server, new_context, session, world):
    ticket = file_ticket(session, world)
    code = ticket.tracking_code
    phone = new_context(PHONE).new_page()
    phone.goto(f"{live_server.url}/")
    phone.get_by_label("Mã tra cứu").fill(f" {code[:5].lower()} {code[5:].lower().replace('0', 'o')} ")
    phone.get_by_role("button", name="Tra cứu").tap()
    expect(phone.get_by_role("heading", name=f"{code[:5]}-{code[5:]}")).to_be_visible()
    phone.get_by_role("link", name="Tra cứu mã khác").tap()
    expect(phone).to_have_url(re.compile(r"/feedback$"))
    phone.get_by_label("Mã tra cứu").fill("AAAAA-AAAA1")
    with phone.expect_response(re.compile(r"/feedback/AAAAA-AAAA1$")) as wrong:
        phone.get_by_role("button", name="Tra cứu").tap()
    assert wrong.value.status == 404
    expect(phone.get_by_role("alert")).to_contain_text("trong tin nhắn")  # not only "phiếu hẹn"
    expect(phone.get_by_label("Mã tra cứu")).to_have_attribute("aria-invalid", "true")
    shot(phone, "phone-case04-wrong-code")
    phone.get_by_label("Mã tra cứu").fill(code)
    phone.get_by_role("button", name="Tra cứu").tap()
    expect(phone.get_by_role("heading", name=f"{code[:5]}-{code[5:]}")).to_be_visible()
    phone.goto(f"{live_server.url}/feedback/new?unit={world.unit.code}")  # where the kiosk's QR leads
    phone.get_by_role("link", name="Đã gửi rồi? Tra cứu bằng mã").tap()
    expect(phone.get_by_label("Mã tra cứu")).to_be_visible()


def test_case_05_a_photo_survives_errors_and_every_error_shows_at_once(live_server, new_context, session, world):
    phone = PhonePage(new_context(PHONE).new_page(), live_server.url).open_form(world.unit.code)
    phone.page.get_by_label(re.compile("Ảnh kèm theo")).set_input_files(photo())
    phone.page.get_by_label("Nội dung", exact=True).fill("Đường vào trụ sở xã bị ngập nước sau mưa.")
    phone.page.get_by_label("Họ và tên", exact=True).fill("Trần Văn An")
    phone.submit_feedback()
    summary = phone.page.locator("#error-summary")
    expect(summary).to_be_focused()
    for text in ("Vui lòng nhập địa chỉ", "Vui lòng nhập số điện thoại", "Cần đánh dấu đồng ý"):
        expect(summary).to_contain_text(text)  # consent in the same round as the rest
    expect(phone.page.get_by_text("Đã giữ lại 1 ảnh")).to_be_visible()
    shot(phone.page, "phone-case05-errors")
    summary.get_by_role("link", name=re.compile("Vui lòng nhập địa chỉ")).tap()
    address = phone.page.get_by_label("Địa chỉ", exact=True)
    expect(address).to_be_focused()
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_have_accessible_description(re.compile("Vui lòng nhập địa chỉ"))
    address.fill("Thôn Trung")
    phone.page.get_by_label("Số điện thoại", exact=True).fill("0912 345 678")
    phone.consent()
    phone.submit_feedback()
    expect(phone.tracking_code()).to_be_visible()
    assert count(session, Feedback) == 1 and count(session, Attachment) == 1  # the photo was not chosen twice


def test_case_06_one_voice_ong_ba_and_a_short_consent(live_server, new_context, session, world):
    from hailong import qr
    from models import QrTarget

    desk = qr.create_qr(session, unit=world.unit, target=QrTarget.DESK, desk_id=world.desk.id)
    session.commit()
    phone = new_context(PHONE).new_page()
    for address in (f"/feedback/new?unit={world.unit.code}", f"/q/{desk.code}", "/feedback", "/feedback/new"):
        phone.goto(f"{live_server.url}{address}")
        text = phone.locator("body").inner_text()
        assert not re.search(r"\b[Bb]ạn\b", text), address
    phone.goto(f"{live_server.url}/feedback/new?unit={world.unit.code}")
    consent = phone.get_by_label(re.compile("Tôi đồng ý"))
    label = phone.locator("label.consent").inner_text()
    assert len(label.split()) <= 35 and "Luật" not in label  # one short sentence; the law is one tap away
    expect(phone.get_by_text("Chỉ cần đánh dấu khi ông/bà để lại thông tin liên hệ.")).to_be_visible()
    expect(phone.get_by_text("Luật Bảo vệ dữ liệu cá nhân", exact=False)).to_be_hidden()
    phone.get_by_text("Dữ liệu được giữ thế nào?").tap()
    expect(phone.get_by_text(re.compile("Luật Bảo vệ dữ liệu cá nhân"))).to_be_visible()
    expect(consent).not_to_be_checked()


def test_case_07_phones_fit_targets_are_big_and_links_keep_the_query(live_server, new_context, session, world):
    phone = new_context(PHONE).new_page()
    phone.goto(f"{live_server.url}/public?lang=en")
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    for name in ("Tiếng Việt", "English"):
        assert phone.get_by_role("link", name=name, exact=True).bounding_box()["height"] >= 44
    phone.goto(f"{live_server.url}/feedback/new?unit={world.unit.code}&area=YT&lang=vi")
    assert phone.get_by_text("Phản ánh, kiến nghị là gì?").bounding_box()["height"] >= 44
    phone.get_by_role("link", name="English", exact=True).tap()
    expect(phone).to_have_url(re.compile(r"unit=XA01&area=YT&lang=en$"))
    expect(phone.get_by_label("Service area")).to_have_value("YT")
    kiosk = Kiosk(new_context(KIOSK).new_page(), live_server, "idle:600000,thanks:400,poll:300",
                  lang="en").pair(world.code)
    kiosk.open()
    expect(kiosk.face("Satisfied")).to_be_visible()


def test_case_08_staff_counter_favicon_and_portrait_faces(live_server, new_context, session, world):
    context = new_context(KIOSK_PORTRAIT)
    kiosk = Kiosk(context.new_page(), live_server,
                  "idle:600000,thanks:300,poll:300,retry:200,maxRetry:400").pair(world.code)
    tops = [kiosk.face(name).locator("svg").bounding_box()["y"]
            for name in ("Rất hài lòng", "Hài lòng", "Không hài lòng")]
    assert max(tops) - min(tops) < 1, tops
    shot(kiosk.page, "kiosk-case08-portrait")
    kiosk.rate("Hài lòng")
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    expect(kiosk.pending()).to_be_hidden()
    context.set_offline(True)
    kiosk.rate("Hài lòng")
    expect(kiosk.pending()).to_have_text("1 lượt chờ gửi")  # waiting AND offline: staff may see it
    kiosk.button("English").tap()
    expect(kiosk.pending()).to_have_text("1 tap waiting to be sent")  # not "1 taps"
    context.set_offline(False)
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    expect(kiosk.pending()).to_be_hidden()
    response = kiosk.page.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert count(session, Rating) == 2


def test_case_09_refused_sends_do_not_count_and_a_limited_send_keeps_the_text(live_server, new_context, session, world):
    live_server.app.config["FEEDBACK_SUBMIT_LIMIT"] = "2/minute"
    phone = PhonePage(new_context(PHONE).new_page(), live_server.url)
    for _ in range(4):  # refused: the phone number has a typo
        phone.open_form(world.unit.code)
        phone.fill_feedback(kind="Phản ánh", area="Hộ tịch", content="Đèn đường thôn Trung hỏng.",
                            **CONTACT | {"Số điện thoại": "09"})
        phone.consent()
        phone.submit_feedback()
        expect(phone.page.locator("#error-summary")).to_be_visible()
    for index in range(3):
        phone.open_form(world.unit.code)
        text = f"Đèn đường thôn Trung hỏng đoạn số {index + 1}."
        phone.fill_feedback(kind="Phản ánh", area="Hộ tịch", content=text, **CONTACT)
        phone.consent()
        phone.submit_feedback()
        if index < 2:
            expect(phone.tracking_code()).to_be_visible()
    expect(phone.page.get_by_role("heading", name=re.compile("Có quá nhiều yêu cầu"))).to_be_visible()
    expect(phone.page.get_by_label("Nội dung", exact=True)).to_have_value("Đèn đường thôn Trung hỏng đoạn số 3.")
    expect(phone.page.get_by_label("Họ và tên", exact=True)).to_have_value("Trần Văn An")
    shot(phone.page, "phone-case09-limited")
    assert count(session, Feedback) == 2


def test_case_10_public_speaks_plainly_and_formats_numbers_in_the_locale(live_server, new_context, session, world):
    phone = new_context(PHONE).new_page()
    phone.goto(f"{live_server.url}/public")
    text = phone.locator("main").inner_text()
    for jargon in ("tin cậy", "ít dữ liệu", "đáng ngờ"):
        assert jargon not in text
    expect(phone.locator("#interval-note")).to_contain_text("95 trong 100 lần")
    axis = phone.locator("figure.chart svg").inner_html()
    assert "10,0%" in axis and "10.0%" not in axis
    phone.goto(f"{live_server.url}/public?lang=en")
    assert "10.0%" in phone.locator("figure.chart svg").inner_html()


def test_case_11_axe_finds_no_scroll_box_main_or_h1_issue(live_server, new_context, session, world):
    from tests import survey_data

    survey_data.published(session, world.unit, "health")
    phone = new_context(PHONE).new_page()
    phone.goto(f"{live_server.url}/public?lang=en")
    phone.evaluate(AXE.read_text())  # through DevTools: the CSP allows no inline <script>
    assert phone.evaluate(AXE_SCAN, MODERATE) == []
    phone.goto(f"{live_server.url}/survey/y-te")
    phone.locator(".survey-nav [data-action=next]").tap()
    expect(phone.locator(".step.question.current")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    full_kiosk(session, world)
    kiosk = Kiosk(new_context(KIOSK).new_page(), live_server, "idle:600000,thanks:600000,poll:300").pair(world.code)
    kiosk.tap("Không hài lòng")
    expect(kiosk.page.get_by_role("main")).to_have_count(1)  # the follow-up screen is the page's main
    kiosk.page.evaluate(AXE.read_text())  # through DevTools: the CSP allows no inline <script>
    assert kiosk.page.evaluate(AXE_SCAN, ["landmark-one-main", "page-has-heading-one", "region"]) == []
