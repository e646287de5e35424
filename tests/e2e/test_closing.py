"""A leader closes the quarter from the report page; a tap that arrives later shows as "sau khi chốt"
beside the issued figures, and the issued report still prints what was sent."""
import uuid
from datetime import date

from playwright.sync_api import expect

from models import Level
from tests.e2e.conftest import DESKTOP, screenshot
from tests.e2e.pages_figures import FiguresPage
from tests.factories import PASSWORD, local
from tests.figures_data import taps


def test_a_leader_closes_the_quarter_and_a_late_tap_shows_beside_it(live_server, new_context, session, world):
    taps(session, world, 30, Level.SATISFIED, day=date(2026, 8, 10))
    session.commit()
    figures = FiguresPage(new_context(DESKTOP).new_page(), live_server.url).login("leader.xa01", PASSWORD)
    figures.report(kind="quarter", year=2026, n=3)
    closing = figures.page.get_by_test_id("closing")
    closing.get_by_label("Số báo cáo").fill("125/BC-UBND")
    closing.get_by_label("Ngày ban hành").fill("2026-10-05")
    closing.get_by_role("button", name="Chốt số liệu").click()
    expect(figures.page.get_by_text("Đã chốt số liệu. Báo cáo đã ban hành được lưu nguyên để in lại.")).to_be_visible()
    expect(closing.get_by_role("heading", name="Đã chốt số liệu kỳ này")).to_be_visible()

    late = {"id": str(uuid.uuid4()), "level": "dissatisfied", "tapped_at": local(2026, 9, 30, 16).isoformat()}
    response = figures.page.request.post(f"{live_server.url}/api/v1/ratings", data=late,
                                         headers={"Authorization": f"Bearer {world.token}"})
    assert response.status == 201
    figures.report(kind="quarter", year=2026, n=3)
    expect(figures.page.get_by_test_id("late-arrivals")).to_contain_text("1 lượt đánh giá")
    row = figures.page.get_by_test_id("closing-difference").get_by_role("row", name="Lượt đánh giá được tính")
    expect(row).to_contain_text("30")
    expect(row).to_contain_text("31")
    screenshot(figures.page, "closing-report-after-a-late-tap")

    figures.page.get_by_role("link", name="Xem và in lại báo cáo đã ban hành").click()
    issued = figures.page.get_by_test_id("issued-report")
    expect(issued).to_contain_text("Số: 125/BC-UBND")
    expect(issued.get_by_role("row", name="07/2026")).to_be_visible()
    expect(issued).to_contain_text("100,0%")  # 30 of 30: the late dissatisfied tap is not in it
    screenshot(figures.page, "closing-issued-report")
