"""The kiosk in real Chromium with touch: the flow, timeouts, offline, outages, pairing, accessibility.

Each test walks a whole story (a test's setup costs more than most of its steps), and the
page's timeouts are shortened through the test app's ``KIOSK_TIMEOUTS`` so nothing waits 30 s.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from hailong import kiosks
from models import Kiosk, Rating, User
from tests.e2e.conftest import DESKTOP, KIOSK, KIOSK_PORTRAIT, screenshot
from tests.e2e.pages import AdminPage
from tests.e2e.pages_kiosk import Kiosk as KioskPage
from tests.e2e.pages_kiosk import wait_until
from tests.factories import PASSWORD

ORIENTATIONS = {"landscape": KIOSK, "portrait": KIOSK_PORTRAIT}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SLOW = "idle:600000,thanks:600000,poll:300"
AXE_SCAN = ("async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', "
            "'best-practice']}))\n"
            "    .violations.filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))")
CACHED_WEIGHT = """async () => {
    const cache = await caches.open('hailong-kiosk-v1');
    let bytes = 0;
    for (const request of await cache.keys()) bytes += (await (await cache.match(request)).arrayBuffer()).byteLength;
    return bytes;
}"""
SMALL_TARGETS = """() => [...document.querySelectorAll('button')].filter(b => b.offsetParent)
    .map(b => b.getBoundingClientRect()).filter(r => r.width < 64 || r.height < 64).length"""


def read_qr(locator) -> str:
    """Decode a QR code on screen the way a phone would: from its pixels."""
    import zxingcpp
    from PIL import Image

    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(locator.screenshot())))
    return code.text


def stored(session) -> list[Rating]:
    session.expire_all()
    return list(session.exec(select(Rating).order_by(Rating.tapped_at)))


def full_kiosk(session, world):
    """A kiosk not tied to an area, asking the criteria, with an official serving at its desk."""
    world.desk.service_area_id = None
    world.kiosk.criteria_enabled = True
    kiosks.start_serving(session, official_id=world.officials["CB01"].id, desk=world.desk)
    session.add_all([world.desk, world.kiosk])
    session.commit()


def check_screen(kiosk, name):
    """Screenshot, accessibility scan (no serious or critical violation) and 64 px targets."""
    screenshot(kiosk.page, name)
    assert kiosk.page.evaluate(AXE_SCAN) == [], name
    assert kiosk.page.evaluate(SMALL_TARGETS) == 0, name


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_every_screen_in_both_languages_is_accessible(live_server, new_context, session, world, orientation):
    full_kiosk(session, world)
    kiosk = KioskPage(new_context(ORIENTATIONS[orientation]).new_page(), live_server, SLOW).pair(world.code)
    for lang, words in (("vi", ["Không hài lòng", "Tiếp tục", "Bỏ qua", "Gửi đánh giá", "Chữ lớn"]),
                        ("en", ["Dissatisfied", "Next", "Skip", "Send rating", "Large text"])):
        kiosk.open()
        kiosk.page.evaluate(AXE.read_text())  # through DevTools: the page's CSP allows no inline <script>
        expect(kiosk.page.get_by_text("Nguyễn Thị Lan")).to_be_visible()
        if lang == "en":
            kiosk.button("English").tap()
            expect(kiosk.page.locator("html")).to_have_attribute("lang", "en")
        name = f"kiosk-{orientation}-{lang}"
        check_screen(kiosk, f"{name}-1-idle")
        kiosk.tap(words[0])
        kiosk.choice(kiosk.page.locator("[data-reason]").first.inner_text()).tap()
        check_screen(kiosk, f"{name}-2-reasons")
        kiosk.button(words[1]).tap()
        check_screen(kiosk, f"{name}-3-area")
        kiosk.button(words[2]).tap()
        check_screen(kiosk, f"{name}-4-criteria")
        kiosk.button(words[3]).tap()
        expect(kiosk.thanks()).to_be_visible()
        check_screen(kiosk, f"{name}-5-thanks")
        assert read_qr(kiosk.page.locator(".qr")) == "http://phone.example/feedback/new?unit=XA01"
        kiosk.open()
        if lang == "en":
            kiosk.button("English").tap()
        kiosk.button(words[4]).tap()
        screenshot(kiosk.page, f"{name}-6-large-text")
    kiosk.page.evaluate("document.getElementById('idle').hidden = true; "
                        "document.getElementById('unpaired').hidden = false")
    screenshot(kiosk.page, f"kiosk-{orientation}-en-7-unpaired")  # the real one (vi) is in the revocation test
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    assert [(r.level, r.reasons) for r in stored(session)] == [("dissatisfied", ["waited_too_long"])] * 2


def test_whole_flow_with_reasons_area_and_criteria(live_server, new_context, session, world):
    full_kiosk(session, world)
    kiosk = KioskPage(new_context(KIOSK).new_page(), live_server).pair(world.code)
    kiosk.tap("Không hài lòng")
    kiosk.choice("Chờ quá lâu").tap()
    kiosk.choice("Trễ hẹn trả kết quả").tap()
    expect(kiosk.choice("Chờ quá lâu")).to_have_attribute("aria-pressed", "true")
    kiosk.button("Tiếp tục").tap()
    kiosk.choice("Y tế").tap()  # one tap on an area moves on
    kiosk.choice("Không").tap()
    kiosk.choice("2 lần").tap()
    kiosk.page.get_by_role("group", name="Thái độ của cán bộ tiếp nhận?").get_by_role(
        "button", name="Hài lòng", exact=True).tap()
    with kiosk.page.expect_response(lambda r: "/ratings/batch" in r.url) as sent:
        kiosk.button("Gửi đánh giá").tap()
        expect(kiosk.thanks()).to_be_visible()
    assert sent.value.status == 200
    expect(kiosk.idle()).to_be_visible()
    [rating] = stored(session)
    assert rating.level == "dissatisfied" and rating.reasons == ["late", "waited_too_long"]
    assert rating.service_area_id == world.areas["YT"].id
    assert rating.criteria == {"on_time": False, "visits": 2, "attitude": "satisfied"}
    assert rating.official_id == world.officials["CB01"].id and rating.desk_id == world.desk.id


def test_an_abandoned_follow_up_keeps_the_rating_and_returns_to_the_faces(live_server, new_context, session, world):
    full_kiosk(session, world)
    kiosk = KioskPage(new_context(KIOSK_PORTRAIT).new_page(), live_server,
                      "idle:800,thanks:1500,poll:300,retry:200").pair(world.code)
    kiosk.tap("Không hài lòng")
    kiosk.choice("Lý do khác").tap()
    expect(kiosk.idle()).to_be_visible()  # straight back: the area and criteria are not asked of nobody
    assert kiosk.page.evaluate("document.body.dataset.screen") == "idle"
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    assert [(r.level, r.reasons, r.criteria) for r in stored(session)] == [("dissatisfied", ["other"], {})]


def test_english_returns_to_vietnamese_at_idle_and_thanks_ignore_presses(live_server, new_context, session, world):
    kiosk = KioskPage(new_context(KIOSK_PORTRAIT).new_page(), live_server,
                      "thanks:1500,poll:300,retry:200").pair(world.code)
    box = kiosk.face("Rất hài lòng").bounding_box()
    kiosk.button("English").tap()
    kiosk.button("Large text").tap()
    kiosk.tap("Satisfied")
    expect(kiosk.page.get_by_role("heading", name="Thank you for your rating!")).to_be_visible()
    kiosk.page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # where a face was
    expect(kiosk.page.get_by_text("Touch the screen again")).to_be_visible()  # held for the QR
    kiosk.page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(kiosk.face("Hài lòng")).to_be_visible()
    assert kiosk.page.evaluate("document.body.dataset.taps") == "1"  # neither touch was a rating
    expect(kiosk.button("Chữ lớn")).to_have_attribute("aria-pressed", "false")
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    assert [r.level for r in stored(session)] == ["satisfied"]


def test_offline_taps_survive_a_reload_and_arrive_exactly_once(live_server, new_context, session, world):
    context = new_context(KIOSK)
    page = context.new_page()
    urls = []
    page.on("request", lambda r: urls.append(r.url))  # no body() in a handler: it stalls the page's evaluate
    kiosk = KioskPage(page, live_server).pair(world.code).wait_offline_ready()
    assert page.evaluate(CACHED_WEIGHT) < 150 * 1024  # the page with all its assets, as the tablet keeps them
    context.set_offline(True)
    for level in ["Rất hài lòng", "Hài lòng", "Rất hài lòng", "Hài lòng", "Rất hài lòng"]:
        kiosk.rate(level)
    expect(kiosk.pending()).to_contain_text("5")
    kiosk.page.reload()
    expect(kiosk.idle()).to_be_visible()  # the service worker served the page with no network
    kiosk.rate("Rất hài lòng")
    expect(kiosk.pending()).to_contain_text("6")
    assert stored(session) == []
    context.set_offline(False)
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    ratings = stored(session)
    assert len(ratings) == 6 and len({r.client_id for r in ratings}) == 6
    assert [r.level for r in ratings].count("very_satisfied") == 4
    assert [url for url in urls if not url.startswith(live_server.url)] == []  # nothing leaves the origin


def test_server_stopped_and_restarted_while_the_queue_drains(live_server, new_context, session, world):
    context = new_context(KIOSK)
    kiosk = KioskPage(context.new_page(), live_server, "thanks:250,poll:300,retry:100,maxRetry:400,batch:3")
    kiosk.pair(world.code)
    context.set_offline(True)
    for _ in range(9):
        kiosk.rate("Hài lòng")
    with kiosk.page.expect_response(lambda r: "/ratings/batch" in r.url):
        context.set_offline(False)
    live_server.stop()  # the first batch went through; the server dies mid-drain
    kiosk.rate("Rất hài lòng")
    assert wait_until(kiosk.page, "+document.body.dataset.pending >= 1")
    live_server.start()
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    ratings = stored(session)
    assert len(ratings) == 10 and len({r.client_id for r in ratings}) == 10
    # Taps this fast are stuffing, not citizens: stored, but flagged and kept out of the figures.
    assert sum("too_close" in r.suspect_reasons for r in ratings) >= 8


def test_unpaired_browser_sees_the_pairing_screen(live_server, new_context):
    page = new_context(KIOSK).new_page()
    page.goto(f"{live_server.url}/kiosk")
    expect(page.get_by_role("heading", name="Thiết bị chưa được ghép nối")).to_be_visible()
    expect(page.get_by_role("button", name="Rất hài lòng")).to_have_count(0)
    response = page.goto(f"{live_server.url}/kiosk/pair?code=wrong")
    assert response.status == 403


def test_revoked_kiosk_stops_at_once_and_keeps_its_queue(live_server, new_context, session, world):
    context = new_context(KIOSK)
    kiosk = KioskPage(context.new_page(), live_server).pair(world.code).wait_offline_ready()
    context.set_offline(True)
    kiosk.rate("Hài lòng")
    kiosks.revoke(session, session.get(Kiosk, world.kiosk.id))
    session.commit()
    context.set_offline(False)
    expect(kiosk.unpaired()).to_be_visible()
    screenshot(kiosk.page, "kiosk-landscape-vi-7-unpaired")
    assert kiosk.queued() == 1 and stored(session) == []  # kept in the browser, not lost
    kiosk.page.reload()
    expect(kiosk.page.get_by_role("heading", name="Thiết bị chưa được ghép nối")).to_be_visible()


def test_admin_pairs_a_tablet_a_desk_official_serves_then_admin_revokes(live_server, new_context, session, world):
    desk_user = session.exec(select(User).where(User.username == "desk.xa01")).one()
    desk_user.official_id = world.officials["CB01"].id
    session.add(desk_user)
    session.commit()
    admin = AdminPage(new_context(DESKTOP).new_page(), live_server.url).login("admin.xa01", PASSWORD)
    admin.page.get_by_role("link", name="Máy đánh giá").click()
    admin.page.get_by_role("link", name="Đăng ký máy đánh giá").click()
    admin.page.get_by_label("Tên thiết bị").fill("Máy quầy 1 mới")
    admin.page.get_by_label("Quầy").select_option(label="Quầy 1")
    admin.page.get_by_role("button", name="Đăng ký và tạo mã ghép nối").click()
    qr = admin.page.get_by_role("img", name="Mã QR ghép nối thiết bị")
    screenshot(admin.page, "admin-kiosk-pairing-code")
    link = admin.page.get_by_test_id("pair-link").inner_text()
    assert read_qr(qr) == link and link.startswith(live_server.url)

    kiosk = KioskPage(new_context(KIOSK).new_page(), live_server)
    kiosk.page.goto(link)
    expect(kiosk.idle()).to_be_visible()
    kiosk.open()
    expect(kiosk.page.get_by_text("Nguyễn Thị Lan")).to_have_count(0)

    official = AdminPage(new_context(DESKTOP).new_page(), live_server.url).login("desk.xa01", PASSWORD)
    official.page.get_by_role("link", name="Đang phục vụ tại quầy").click()
    official.page.get_by_role("button", name="Tôi đang phục vụ tại quầy này").click()
    expect(official.page.get_by_text("Bạn đang phục vụ tại Quầy 1.")).to_be_visible()
    screenshot(official.page, "admin-serving")
    expect(kiosk.page.get_by_text("Nguyễn Thị Lan")).to_be_visible(timeout=5000)  # within a few seconds
    expect(kiosk.page.get_by_text("NL", exact=True)).to_be_visible()  # initials when there is no photo
    kiosk.rate("Rất hài lòng")
    assert wait_until(kiosk.page, "document.body.dataset.pending === '0'")
    assert stored(session)[0].official_id == world.officials["CB01"].id

    admin.page.goto(f"{live_server.url}/admin/kiosks")
    expect(admin.page.get_by_text("Máy quầy 1 mới")).to_be_visible()
    screenshot(admin.page, "admin-kiosks")
    admin.page.get_by_role("button", name="Thu hồi Máy quầy 1 mới").click()
    expect(admin.page.get_by_text("Đã thu hồi thiết bị Máy quầy 1 mới")).to_be_visible()
    expect(kiosk.unpaired()).to_be_visible()
