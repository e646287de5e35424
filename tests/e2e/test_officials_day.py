"""An official's day in Chromium: each role starts where its work is, every paper prints on one sheet,
and "new PAKN → answered → closed" is counted in clicks."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from hailong import workflow
from models import Feedback, Official, ReplyTemplate
from tests.e2e.conftest import DESKTOP, SCREENSHOTS, screenshot
from tests.e2e.pages_workflow import BackOffice
from tests.factories import PASSWORD
from tests.workflow_helpers import accepted, calendar, file_ticket

LANDINGS = {"handler": ("/admin/tickets", "Phản ánh, kiến nghị"), "desk": ("/admin/tickets", "Phản ánh, kiến nghị"),
            "leader": ("/admin/", "Chỉ tiêu cải cách hành chính"),
            "viewer": ("/admin/", "Chỉ tiêu cải cách hành chính"),
            "admin": ("/admin/", "Chỉ tiêu cải cách hành chính")}


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_starts_from_its_landing_page(live_server, new_context, world, role, lang, _):
    path, heading = LANDINGS[role]
    office = BackOffice(new_context(DESKTOP).new_page(), live_server.url, lang).login(f"{role}.xa01", PASSWORD)
    expect(office.page.get_by_role("heading", name=re.compile("^" + re.escape(_(heading))))).to_be_visible()
    assert office.page.url == live_server.url + path
    expect(office.page.locator("html")).to_have_attribute("lang", lang)
    # Not linked to an official: no "Số liệu của tôi", and nothing that leads to a 404
    expect(office.page.get_by_role("link", name=_("Số liệu của tôi"))).to_have_count(0)


def _papers(session, world) -> dict[str, str]:
    chairman = Official(unit_id=world.unit.id, code="CT", full_name="Vũ Đức Thắng", title="Chủ tịch UBND xã")
    session.add(chairman)
    session.flush()
    leader = world.users["leader"]
    leader.official_id = chairman.id
    session.add(leader)
    long_text = ("Đường liên thôn từ thôn Đông sang thôn Tây bị sụt lún nhiều đoạn, trời mưa ngập sâu, xe máy "
                 "đi lại rất nguy hiểm; người dân đã nhiều lần báo thôn nhưng chưa được sửa. ") * 3
    moved = file_ticket(session, world, content="Đèn đường quốc lộ qua xã hỏng đã hai tháng, đề nghị sửa.")
    refused = file_ticket(session, world, content="Tôi khiếu nại quyết định xử phạt số 12 của xã.")
    answered = accepted(session, world, content=long_text)
    late = accepted(session, world, content="Cấp lại giấy khai sinh cho con tôi bị mất.")
    workflow.transfer(session, moved, leader, body_name="Sở Giao thông vận tải tỉnh",
                      transferred_on=moved.received_date)
    workflow.reject(session, refused, leader, reason="complaint")
    workflow.answer(session, answered, leader, body="UBND xã đã giao Ban quản lý dự án khảo sát, dự kiến vá các đoạn "
                                                    "sụt lún trong tháng tới bằng nguồn vốn duy tu năm nay.")
    workflow.request_extension(session, late, leader,
                               new_due=calendar(session, world).add_working_days(late.due_date, 5),
                               reason="Cần xác minh với UBND xã nơi đăng ký khai sinh trước đây.",
                               apology="UBND xã thành thật xin lỗi Ông/Bà vì sự chậm trễ này.",
                               signer_name="x", signer_title="x", calendar=calendar(session, world))
    session.commit()
    return {"receipt-A4": f"/admin/feedback/{answered.id}/receipt?size=A4",
            "receipt-A5": f"/admin/feedback/{answered.id}/receipt",
            "receipt-A6": f"/admin/feedback/{answered.id}/receipt?size=A6",
            "apology": f"/admin/tickets/{late.id}/apology",
            "transfer": f"/admin/tickets/{moved.id}/papers/transfer",
            "refusal": f"/admin/tickets/{refused.id}/papers/refusal",
            "answer": f"/admin/tickets/{answered.id}/papers/answer",
            "report": "/admin/reports?kind=quarter"}


def test_every_paper_prints_on_one_sheet(live_server, new_context, session, world):
    urls = _papers(session, world)
    office = BackOffice(new_context(DESKTOP).new_page(), live_server.url).login("leader.xa01", PASSWORD)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in urls.items():
        office.page.goto(live_server.url + url)
        expect(office.page.get_by_test_id("doc-nation").first).to_be_visible()
        nation = office.page.get_by_test_id("doc-nation").first
        motto = office.page.get_by_test_id("doc-motto").first
        line = float(nation.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert nation.bounding_box()["height"] < line * 1.5 and motto.bounding_box()["height"] < line * 1.5, name
        office.page.emulate_media(media="print")
        screenshot(office.page, f"paper-{name}-print")
        pdf = office.page.pdf(prefer_css_page_size=True, print_background=True)
        (SCREENSHOTS / f"paper-{name}.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        if name != "report":  # the report runs on; its cover is in the document form
            assert pages == 1, (name, pages)
        office.page.emulate_media(media="screen")


def test_new_pakn_to_closed_in_few_clicks(live_server, new_context, session, world, lang, _):
    """Desk files, leader accepts and assigns, handler answers from a template and closes: clicks counted."""
    session.add(ReplyTemplate(unit_id=world.unit.id, name="Đã khắc phục", status="in_progress",
                              body="UBND xã trả lời phản ánh {ma_tra_cuu}: đã nạo vét cống, hết ngập."))
    session.commit()
    clicks = []

    def click(locator, why):
        clicks.append(why)
        locator.click()

    def choose(locator, why, **option):
        clicks.append(why)
        locator.select_option(**option)

    desk = BackOffice(new_context(DESKTOP).new_page(), live_server.url, lang).login("desk.xa01", PASSWORD)
    page = desk.page
    expect(page.get_by_role("heading", name=_("Phản ánh, kiến nghị"))).to_be_visible()
    click(page.get_by_role("link", name=_("Tiếp nhận PAKN")), "desk: open the form")
    page.get_by_label(_("Họ và tên")).fill("Lê Văn Bình")
    page.get_by_label(_("Số điện thoại")).fill("0912345678")
    page.get_by_label(_("Địa chỉ")).fill("Thôn Đông")
    page.get_by_role("textbox",
                     name=_("Nội dung")).fill("Cống thoát nước trước nhà văn hoá thôn Đông bị tắc, mưa là ngập.")
    consent = _("Người dân đã được đọc và đồng ý với nội dung trên")
    click(page.get_by_role("checkbox", name=consent), "desk: the citizen's consent")
    click(page.get_by_role("button", name=_("Lưu và in phiếu tiếp nhận")), "desk: save")
    expect(page.get_by_test_id("receipt-code")).to_be_visible()
    ticket = session.exec(select(Feedback)).one()
    register = f"{ticket.register_number}/{ticket.register_year}"

    leader = BackOffice(new_context(DESKTOP).new_page(), live_server.url, lang).login("leader.xa01", PASSWORD)
    click(leader.page.get_by_role("link", name=_("Phản ánh, kiến nghị")), "leader: inbox")
    click(leader.page.get_by_role("link", name=register, exact=True), "leader: open the ticket")
    choose(leader.page.get_by_label(_("Cán bộ xử lý")), "leader: choose the handler", label="Test handler")
    click(leader.page.get_by_role("button", name=_("Tiếp nhận và giao")), "leader: accept and assign")
    leader.expect_flash("Đã tiếp nhận xử lý và giao cán bộ.")

    handler = BackOffice(new_context(DESKTOP).new_page(), live_server.url, lang).login("handler.xa01", PASSWORD)
    expect(handler.page.get_by_role("heading", name=_("Phản ánh, kiến nghị"))).to_be_visible()  # landed on the inbox
    expect(handler.page.locator("body")).to_have_attribute("data-shortcuts", "on")
    handler.page.keyboard.press("j")  # the keyboard: first row, then open it
    handler.page.keyboard.press("Enter")
    expect(handler.status()).to_have_text(_("Đang xử lý"))
    choose(handler.page.get_by_label(_("Mẫu trả lời")), "handler: choose a template", label="Đã khắc phục")
    # The template fills the answer by script: on a loaded machine a click can come first and send it empty.
    expect(handler.page.get_by_label(_("Nội dung trả lời (công khai)"))).not_to_be_empty()
    click(handler.page.get_by_test_id("answer-and-close"), "handler: answer and close")
    expect(handler.status()).to_have_text(_("Đã kết thúc"))
    screenshot(handler.page, f"clicks-closed-{lang}")
    print(f"\nclicks new PAKN → closed: {len(clicks)}: " + "; ".join(clicks))
    assert len(clicks) <= 12


def test_an_official_with_a_photo_appears_on_the_kiosk_and_public_desks(live_server, new_context, world, tmp_path):
    from PIL import Image

    face = tmp_path / "chan-dung.jpg"
    image = Image.new("RGB", (900, 1200), (214, 180, 150))
    for x in range(300, 600):  # something face-like to see the square crop keep the upper middle
        for y in range(250, 650, 4):
            image.putpixel((x, y), (90, 60, 40))
    image.save(face, format="JPEG")
    admin = BackOffice(new_context(DESKTOP).new_page(), live_server.url).login("admin.xa01", PASSWORD)
    page = admin.page
    page.goto(f"{live_server.url}/admin/settings/officials")
    page.get_by_label("Mã cán bộ").fill("CB02")
    page.get_by_label("Họ tên").fill("Trần Văn Bình")
    page.get_by_label("Chức danh").fill("Công chức Địa chính - Xây dựng")
    page.get_by_label("Quầy đang phục vụ").select_option(label="1. Quầy 1")
    page.get_by_label("Ảnh chân dung").set_input_files(str(face))
    page.get_by_role("button", name="Thêm", exact=True).click()
    row = page.get_by_test_id("officials").get_by_role("row").filter(has_text="Trần Văn Bình")
    expect(row).to_contain_text("Đang công tác")
    expect(row.locator("img")).to_have_js_property("naturalWidth", 256)
    screenshot(page, "officials-list")

    public = new_context(DESKTOP).new_page()
    public.goto(f"{live_server.url}/public/desks")
    desk_row = public.get_by_role("row").filter(has_text="Trần Văn Bình")
    expect(desk_row.locator("img")).to_have_js_property("naturalWidth", 256)
    screenshot(public, "public-desks")

    from tests.e2e.conftest import KIOSK
    from tests.e2e.pages_kiosk import Kiosk

    kiosk = Kiosk(new_context(KIOSK).new_page(), live_server).pair(world.code)
    expect(kiosk.page.locator("#serving-name")).to_have_text("Trần Văn Bình")
    expect(kiosk.page.locator("#serving-avatar img")).to_have_js_property("naturalWidth", 256)
    screenshot(kiosk.page, "kiosk-serving")
