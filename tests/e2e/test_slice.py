"""The foundation's slice: a tap on the kiosk reaches the stats API and the leader's dashboard."""
from playwright.sync_api import expect
from sqlmodel import select

from models import Rating
from tests.e2e.conftest import KIOSK, DESKTOP, screenshot
from tests.e2e.pages import AdminPage
from tests.e2e.pages_kiosk import Kiosk
from tests.factories import PASSWORD


def test_tap_a_face_and_find_it_in_stats_and_dashboard(live_server, new_context, session, world):
    kiosk = Kiosk(new_context(KIOSK).new_page(), live_server, "idle:600000,thanks:600000,poll:300").pair(world.code)
    screenshot(kiosk.page, "slice-kiosk-question")
    with kiosk.page.expect_response(lambda r: "/api/v1/ratings" in r.url and r.request.method == "POST") as sent:
        kiosk.tap("Rất hài lòng")
        expect(kiosk.thanks()).to_be_visible()
    assert sent.value.status in (200, 201)
    screenshot(kiosk.page, "slice-kiosk-thanks")
    assert [r.level for r in session.exec(select(Rating)).all()] == ["very_satisfied"]
    stats = kiosk.page.request.get(f"{live_server.url}/api/v1/stats?unit={world.unit.code}").json()
    assert stats["ratings"]["very_satisfied"] == 1 and stats["ratings"]["satisfaction_rate"] == 1.0

    admin = AdminPage(new_context(DESKTOP).new_page(), live_server.url).login("leader.xa01", PASSWORD)
    expect(admin.page.get_by_test_id("target-satisfaction")).to_have_text("100,0%")
    expect(admin.page.get_by_text("Trên 1 (1/1)").first).to_be_visible()
    screenshot(admin.page, "slice-dashboard")
