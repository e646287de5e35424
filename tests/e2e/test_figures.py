"""A leader reads the targets, acknowledges an alert and prints the quarterly report."""
from datetime import timedelta

from playwright.sync_api import expect

from hailong import alerts
from models import FeedbackStatus, Level, Resolution, local_date_of, utcnow
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot
from tests.e2e.pages_figures import FiguresPage
from tests.factories import PASSWORD, local
from tests.figures_data import tap, taps, ticket


def _data(session, world):
    today = local_date_of(utcnow())
    first = today.replace(day=1)
    taps(session, world, 40, Level.VERY_SATISFIED, day=first, area=world.areas["HT"], official=world.officials["CB01"],
         desk=world.desk)
    taps(session, world, 3, Level.DISSATISFIED, day=first, area=world.areas["YT"], reasons=["waited_too_long"],
         desk=world.desk)
    for i, level in enumerate([Level.DISSATISFIED, Level.SATISFIED, Level.DISSATISFIED, Level.DISSATISFIED]):
        tap(session, world, local(today.year, today.month, today.day, 0, 2 * i) if today != first else
            local(today.year, today.month, today.day, 0, 2 * i, 30), level, desk=world.desk,
            reasons=["attitude"] if level == Level.DISSATISFIED else ())
    ticket(session, world.unit, received=first, due=first, handled=first, status=FeedbackStatus.CLOSED,
           resolution=Resolution.RESOLVED, name="Lưu Thị Phượng", phone="0912345678")
    ticket(session, world.unit, received=today - timedelta(days=30), due=today - timedelta(days=3))
    session.commit()
    alerts.scan(session, [world.unit.id])
    session.commit()


def test_leader_reads_targets_acknowledges_an_alert_and_prints_the_report(live_server, new_context, session, world):
    _data(session, world)
    figures = FiguresPage(new_context(DESKTOP).new_page(), live_server.url).login("leader.xa01", PASSWORD)
    figures.dashboard(kind="month")
    expect(figures.target("satisfaction")).to_have_text("87,2%")  # 41 of 47 counted taps
    expect(figures.target("feedback_on_time")).to_have_text("50,0%")  # one on time, one open and overdue
    expect(figures.page.get_by_text("Nhiều người không hài lòng liên tiếp tại quầy")).to_be_visible()
    screenshot(figures.page, "figures-dashboard-desktop")
    figures.acknowledge_first_alert("Đã trao đổi với cán bộ quầy 1")
    expect(figures.page.get_by_text("Đã xác nhận cảnh báo.")).to_be_visible()
    expect(figures.page.get_by_text("Nhiều người không hài lòng liên tiếp tại quầy")).to_have_count(0)

    figures.pick_period("Quý")
    expect(figures.page.get_by_text("Quý:", exact=False)).to_be_visible()
    figures.report(kind="quarter")
    figures.page.emulate_media(media="print")
    expect(figures.page.get_by_role("button", name="In báo cáo")).to_be_hidden()
    screenshot(figures.page, "figures-report-print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = figures.page.pdf(path=str(SCREENSHOTS / "figures-report.pdf"), format="A4", print_background=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000


def test_dashboard_and_public_page_on_a_phone(live_server, new_context, session, world):
    _data(session, world)
    figures = FiguresPage(new_context(PHONE).new_page(), live_server.url).login("leader.xa01", PASSWORD)
    figures.dashboard(kind="month")
    expect(figures.target("satisfaction")).to_be_visible()
    width = figures.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the dashboard must not scroll sideways on a phone"
    screenshot(figures.page, "figures-dashboard-phone")
    public = figures.page
    public.goto(f"{live_server.url}/public")
    expect(public.get_by_role("heading", name="Kết quả phục vụ người dân", exact=False)).to_be_visible()
    screenshot(public, "figures-public-phone")
    assert "Lưu Thị Phượng" not in public.content() and "0912345678" not in public.content()
