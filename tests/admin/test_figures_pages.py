"""The back-office figure pages: who may use them (and who may not), exports and the public pages."""
import io
import uuid
from datetime import datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from hailong.exports import HEADER_ROW
from hailong.feedback import format_code
from models import (
    LOCAL_TZ, Alert, FeedbackEvent, FeedbackStatus, Level, Resolution, Role, Target, User, local_date_of, utcnow,
)
from tests import factories
from tests.factories import PASSWORD, local, today
from tests.figures_data import tap, taps, ticket


def this_month():
    return today().replace(day=1)



@pytest.fixture
def data(session, world):
    """Taps in two areas this month, a few tickets with citizens' names and phones, a public reply."""
    taps(session, world, 20, Level.VERY_SATISFIED, day=this_month(), area=world.areas["HT"],
         official=world.officials["CB01"], desk=world.desk)
    taps(session, world, 5, Level.DISSATISFIED, day=this_month(), area=world.areas["YT"], reasons=["late"])
    answered = ticket(session, world.unit, received=this_month(), due=this_month(), handled=this_month(),
                      status=FeedbackStatus.CLOSED, resolution=Resolution.RESOLVED, name="Lưu Thị Phượng",
                      phone="0912345678", area=world.areas["HT"], content="Ông Lưu Văn Tám ở thôn Đông phản ánh")
    ticket(session, world.unit, received=this_month() - timedelta(days=40), due=this_month() - timedelta(days=20),
           name="Đặng Văn Khoa", phone="0987654321")
    session.flush()
    session.add(FeedbackEvent(feedback_id=answered.id, kind="answered", public=True,
                              body="UBND xã đã sửa xong đoạn đường bị hỏng."))
    session.commit()
    return world


def viewer_of_province(session, world):
    """A province holding the test commune and a second commune, and a viewer at the province."""
    return factories.province_staff(session, world, Role.VIEWER, "tinh.viewer", "Cán bộ tỉnh")


# --- who may not --------------------------------------------------------------------------------

BACK_OFFICE_GETS = ["/admin", "/admin/reports", "/admin/reports.xlsx", "/admin/exports/register.csv",
                    "/admin/exports/ratings.xlsx", "/admin/exports/tickets.csv", "/admin/me", "/admin/officials/1"]


@pytest.mark.parametrize("url", BACK_OFFICE_GETS)
def test_strangers_are_sent_to_login(login, client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["handler", "desk"])
@pytest.mark.parametrize("url", ["/admin/reports", "/admin/reports.xlsx", "/admin/exports/register.csv",
                                 "/admin/exports/ratings.xlsx", "/admin/exports/tickets.xlsx"])
def test_desk_officials_and_handlers_get_no_reports_or_exports(login, client, world, role, url):
    assert login(world.users[role]).get(url).status_code == 403


@pytest.mark.parametrize(("role", "landing"), [("handler", "/admin/tickets"), ("desk", "/admin/tickets"),
                                               ("leader", "/admin/"), ("viewer", "/admin/"), ("admin", "/admin/")])
def test_each_role_lands_where_its_work_is(client, world, role, landing):
    response = client.post("/admin/login", data={"username": world.users[role].username, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert client.get(landing).status_code == 200
    if role in ("handler", "desk"):  # the dashboard is not theirs: it sends them to their inbox
        assert client.get("/admin").headers["Location"].endswith(landing)


@pytest.mark.parametrize("role", ["viewer", "handler", "desk"])
def test_only_leaders_and_admins_open_another_officials_page(login, client, world, role):
    official = world.officials["CB01"]
    assert login(world.users[role]).get(f"/admin/officials/{official.id}").status_code == 403


@pytest.mark.parametrize("role", ["leader", "handler", "desk"])
def test_an_account_without_an_official_is_told_so_without_a_404(login, client, world, role):
    world_user = world.users[role]
    assert world_user.official_id is None
    login(world_user, client=client)
    assert "Số liệu của tôi" not in client.get("/admin/tickets").get_data(as_text=True)
    response = client.get("/admin/me", follow_redirects=True)
    assert response.status_code == 200 and "chưa gắn với cán bộ nào" in response.get_data(as_text=True)


def test_an_official_sees_their_figures_and_reasons(login, client, session, data):
    user = data.users["desk"]
    user.official_id = data.officials["CB01"].id
    session.add(user)
    tap(session, data, local(this_month().year, this_month().month, 1, 10), Level.DISSATISFIED,
        official=data.officials["CB01"],
        reasons=["attitude"])
    session.commit()
    page = login(user).get("/admin/me").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page and "Thái độ không tốt, gây phiền hà, sách nhiễu" in page
    assert "95,2%" in page  # 20 of 21


def test_a_leader_of_another_commune_cannot_open_this_communes_official(login, client, session, world):
    other = factories.world(session, code="XA09")
    assert login(other.users["leader"]).get(f"/admin/officials/{world.officials['CB01'].id}").status_code == 404


@pytest.mark.parametrize("role", ["admin", "viewer", "handler", "desk"])
def test_only_a_leader_acknowledges_an_alert(login, client, session, world, role):
    alert = _alert(session, world)
    response = login(world.users[role]).post(f"/admin/alerts/{alert.id}/acknowledge", data={"comment": "ok"})
    assert response.status_code == 403
    session.refresh(alert)
    assert alert.acknowledged_at is None


def test_acknowledging_needs_the_csrf_token_and_a_comment(login, csrf_app, session, world):
    alert = _alert(session, world)
    client = login(world.users["leader"], app=csrf_app)
    assert client.post(f"/admin/alerts/{alert.id}/acknowledge", data={"comment": "Đã nhắc nhở"}).status_code == 400
    dashboard = client.get("/admin").get_data(as_text=True)
    token = dashboard.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(f"/admin/alerts/{alert.id}/acknowledge", data={"comment": " ", "csrf_token": token})
    session.refresh(alert)
    assert alert.acknowledged_at is None
    response = client.post(f"/admin/alerts/{alert.id}/acknowledge",
                           data={"comment": "Đã nhắc nhở quầy 1", "csrf_token": token})
    assert response.status_code == 303
    session.refresh(alert)
    assert alert.acknowledged_at is not None and alert.comment == "Đã nhắc nhở quầy 1"
    assert alert.acknowledged_by_id == world.users["leader"].id


def _alert(session, world) -> Alert:
    alert = Alert(unit_id=world.unit.id, kind="kiosk_silent", key=f"test:{uuid.uuid4()}", kiosk_id=world.kiosk.id,
                  local_date=today(), starts_at=utcnow(), details={"kiosk": "Kiosk 1"})
    session.add(alert)
    session.commit()
    return alert


# --- many units ---------------------------------------------------------------------------------


def test_a_commune_user_sees_only_its_own_commune(login, client, session, data):
    _viewer, other = viewer_of_province(session, data)
    client = login(data.users["leader"], client=client)
    assert client.get(f"/admin?unit={other.unit.code}").status_code == 403
    assert client.get("/admin/reports?unit=TINH").status_code == 403
    assert "So sánh các xã" not in client.get("/admin").get_data(as_text=True)


def test_a_province_viewer_compares_its_communes(login, client, session, data):
    viewer, other = viewer_of_province(session, data)
    taps(session, other, 3, Level.DISSATISFIED, day=this_month())
    session.commit()
    page = login(viewer, client=client).get("/admin?kind=month").get_data(as_text=True)
    assert "So sánh các xã" in page and data.unit.name in page and other.unit.name in page
    assert "80,0%" in page and "0,0%" in page  # 20 of 25 in the first commune, 0 of 3 in the second
    # Judged against each commune's own targets, the ones missing most first: the first commune misses
    # satisfaction (80%) and on time (1 of 2 with the overdue one); the second set itself no satisfaction floor.
    target = session.exec(select(Target).where(Target.unit_id == other.unit.id, Target.year == today().year,
                                               Target.code == "satisfaction")).one()
    target.value = 0.0
    session.commit()
    page = client.get("/admin?kind=month").get_data(as_text=True)
    table = page[page.index('data-testid="communes"'):]
    assert "1/2 xã chưa đạt ít nhất một chỉ tiêu" in page
    assert table.index(data.unit.name) < table.index(other.unit.name)
    first_row = table[table.index(data.unit.name):table.index(other.unit.name)]
    assert first_row.count("Chưa đạt") == 2 and "Chưa đạt" not in table[table.index(other.unit.name):].split("</tr>")[0]
    book = load_workbook(io.BytesIO(_download(client, "/admin/reports.xlsx?kind=month")), read_only=True)
    compared = {row[0]: row for row in book["So sánh các xã"].iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert compared[data.unit.name][1:4] == (0.8, "Chưa đạt", 25) and compared[data.unit.name][-2] == 2
    assert compared[other.unit.name][1:4] == (0.0, "Đạt", 3) and compared[other.unit.name][-2] == 0
    assert login(viewer, client=client).get(f"/admin?unit={other.unit.code}").status_code == 200
    foreign = factories.world(session, code="XA77")
    assert client.get(f"/admin?unit={foreign.unit.code}").status_code == 403


# --- reports and exports ---------------------------------------------------------------------------


def test_dashboard_shows_the_four_targets_and_the_overdue_ticket(login, client, data):
    page = login(data.users["leader"]).get("/admin?kind=month").get_data(as_text=True)
    for label in ("Người dân hài lòng với việc giải quyết thủ tục hành chính",
                  "Hài lòng với dịch vụ y tế, giáo dục công",
                  "PAKN thuộc thẩm quyền được xử lý dứt điểm", "PAKN được xử lý đúng hạn"):
        assert label in page
    assert "80,0%" in page and "ít dữ liệu" in page  # 20 of 25, fewer than 30 answers
    assert "Quá hạn" in page and "T0000" in page  # the tracking code of the overdue ticket


def test_bad_period_is_a_clear_422(login, client, world):
    response = login(world.users["leader"]).get("/admin?kind=custom&from=2026-06-30&to=2026-06-01")
    assert response.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu" in response.get_data(as_text=True)


def test_report_xlsx_sums_match(login, client, data):
    response = login(data.users["leader"]).get("/admin/reports.xlsx?kind=month")
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    areas = list(book["Theo lĩnh vực"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert sum(row[1] for row in areas) == 25 and sum(row[4] for row in areas) == 5
    targets = {row[0]: row for row in book["Chỉ tiêu"].iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    satisfaction = targets["Người dân hài lòng với việc giải quyết thủ tục hành chính"]
    assert satisfaction[1:5] == (0.95, 0.8, 20, 25)
    register = {row[0]: row[1] if len(row) > 1 else None
                for row in book["Sổ PAKN"].iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert register["Tiếp nhận"] == 1 and register["Quá hạn chưa xử lý"] == 1
    months = list(book["Theo tháng"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert sum(row[1] for row in months) == 25


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_hide_personal_data_from_a_viewer(login, client, data, fmt):
    url = f"/admin/exports/register.{fmt}?kind=year&year={today().year}"
    viewer_body = _download(login(data.users["viewer"]), url)
    leader_body = _download(login(data.users["leader"]), url)
    viewer_text, leader_text = _text(viewer_body, fmt), _text(leader_body, fmt)
    for secret in ("Lưu Thị Phượng", "0912345678", "Lưu Văn Tám"):
        assert secret not in viewer_text
        assert secret in leader_text


def test_ratings_export_has_every_tap_and_marks_suspect_ones(login, client, session, data):
    tap(session, data, local(this_month().year, this_month().month, 1, 9, 0, 1), Level.SATISFIED,
        suspect_reasons=["too_close"])
    session.commit()
    response = login(data.users["viewer"]).get("/admin/exports/ratings.xlsx?kind=month")
    rows = _table(response.data)
    header, body = rows[0], rows[1:]
    assert len(body) == 26 and "dossier_code" not in header
    suspect = [row for row in body if row[header.index("suspect")]]
    assert len(suspect) == 1 and suspect[0][header.index("suspect_reasons")] == "too_close"


def _download(client, url: str) -> bytes:
    # A CSV export streams: closing the response ends its request (and its database transaction).
    with client.get(url) as response:
        assert response.status_code == 200
        return response.data


def _table(body: bytes) -> list[tuple]:
    """The header and rows of an export's sheet, under its title block."""
    return list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(min_row=HEADER_ROW, values_only=True))


def _text(body: bytes, fmt: str) -> str:
    if fmt == "csv":
        return body.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(str(cell) for row in book.active.iter_rows(values_only=True) for cell in row)


def test_printable_report_has_every_section(login, client, data):
    page = login(data.users["viewer"]).get("/admin/reports?kind=quarter").get_data(as_text=True)
    for heading in ("1. Kết quả so với chỉ tiêu kế hoạch", "2. Tình hình tiếp nhận, xử lý PAKN",
                    "3. Chỉ số PAKN theo Quyết định 766/QĐ-TTg", "4. Mức độ hài lòng theo lĩnh vực", "6. Theo tháng"):
        assert heading in page
    assert "<svg" in page and "<script" not in page.split("<article")[1].split("</article>")[0]


# --- the public pages never show who wrote in ---------------------------------------------------------


def test_public_pages_and_api_show_no_citizen_identity(client, session, data):
    page = client.get("/public").get_data(as_text=True)
    assert "UBND xã đã sửa xong đoạn đường bị hỏng." in page and "80,0%" in page
    desks = client.get("/public/desks").get_data(as_text=True)
    api = client.get(f"/api/v1/stats?unit={data.unit.code}&from={this_month()}&to={today()}").get_data(as_text=True)
    from models import Feedback

    secrets = set()
    for feedback in session.exec(select(Feedback)):
        secrets.update(filter(None,
                              [feedback.name, feedback.phone, feedback.email, feedback.address, feedback.content]))
    for user in session.exec(select(User)):
        secrets.update(filter(None, [user.full_name, user.phone, user.email, user.username]))
    assert secrets
    for body in (page, desks, api, client.get(f"/public?unit={data.unit.code}").get_data(as_text=True)):
        for secret in secrets:
            assert secret not in body


def test_public_desks_name_who_serves(client, session, world):
    world.desk.official_id = world.officials["CB01"].id
    session.add(world.desk)
    session.commit()
    page = client.get("/public/desks").get_data(as_text=True)
    assert "Quầy 1" in page and "Nguyễn Thị Lan" in page


def test_public_page_for_an_unknown_unit_is_404(client, world):
    assert client.get("/public?unit=NOPE").status_code == 404


def test_stats_api_feedback_part_is_complete(client, data):
    body = client.get(f"/api/v1/stats?unit={data.unit.code}&from={this_month()}&to={today()}").json
    assert set(body["feedback"]) >= {"received", "within_competence", "transferred", "rejected", "resolved",
                                     "resolved_rate", "on_time_rate", "open_overdue"}
    assert body["feedback"]["received"] == 1 and body["feedback"]["open_overdue"] == 1
    assert body["feedback"]["on_time_rate"] == 0.5  # one handled on time, one still open and overdue
    assert body["sector"] == {"total": 5, "satisfied": 0, "satisfaction_rate": 0.0}


def test_dashboard_in_english(login, client, data):
    page = login(data.users["leader"]).get("/admin?kind=month&lang=en").get_data(as_text=True)
    assert "Administrative reform targets" in page and "80.0%" in page


def test_province_scale_loader_writes_exact_totals(app, session):
    """The bulk loader (COPY on PostgreSQL) on a tiny province: counts as asked, totals exact."""
    from hailong import scale, totals
    from models import Feedback, Rating
    from sqlmodel import func

    counts = scale.load_province(session, communes=2, ratings=600, tickets=120, log=lambda _line: None)
    assert counts == {"communes": 2, "ratings": 600, "tickets": 120}
    assert session.exec(select(func.count()).select_from(Rating)).one() == 600
    assert session.exec(select(func.count()).select_from(Feedback)).one() == 120
    assert totals.drift(session) == []
    for row in session.exec(select(Rating)).all():  # the stored text reads back as the moments generated
        opened = datetime.combine(row.local_date, time(7, 30), LOCAL_TZ)
        assert opened <= row.tapped_at < opened + timedelta(hours=9) and row.sent_at == row.tapped_at
        assert row.received_at - row.tapped_at == timedelta(seconds=2)
        assert local_date_of(row.tapped_at) == row.local_date
    assert scale.load_province(session, communes=2, ratings=600, tickets=120, log=lambda _line: None) == {}


def test_register_reads_as_the_office_keeps_it_and_the_tickets_export_has_every_field(login, client, session, data):
    late = ticket(session, data.unit, received=this_month(), due=this_month(), handled=this_month() + timedelta(days=1),
                  status=FeedbackStatus.TRANSFERRED, within=False)
    late.transferred_to = "UBND huyện"
    session.commit()
    leader = login(data.users["leader"])
    rows = _table(_download(leader, "/admin/exports/register.xlsx?kind=month"))
    header, body = rows[0], {row[2]: dict(zip(rows[0], row, strict=False)) for row in rows[1:]}
    assert header[:4] == ("Đơn vị", "Số vào sổ", "Mã tra cứu", "Ngày tiếp nhận") and "Người gửi" in header
    resolved = next(row for row in body.values() if row["Người gửi"] == "Lưu Thị Phượng")
    assert (resolved["Kết quả xử lý"], resolved["Thời hạn"], resolved["Thuộc thẩm quyền"]) == (
        "Đã giải quyết dứt điểm", "Đúng hạn", "Có")
    transferred = body[format_code(late.tracking_code)]
    assert (transferred["Kết quả xử lý"], transferred["Thời hạn"]) == ("Chuyển UBND huyện", "Quá hạn")
    raw = _table(_download(leader, "/admin/exports/tickets.xlsx?kind=month"))
    assert {"handled_on_time", "classified_at", "citizen_rated_at"} <= set(raw[0]) and len(raw) == len(rows)
    english = _download(leader, "/admin/exports/register.csv?kind=month&lang=en").decode("utf-8-sig")
    assert english.startswith("Unit,") and "Resolved for good" in english


def test_spreadsheets_read_as_an_office_forwards_them(login, client, session, data):
    """Title block, percent rates with counts, real date cells, names not codes, codes with their dash;
    control characters in a name (a NUL too, where the database keeps one) are dropped, never a 500."""
    nul = "\x00" if session.get_bind().dialect.name == "sqlite" else ""  # PostgreSQL never stores a NUL
    nasty = ticket(session, data.unit, received=this_month(), due=this_month(), name=f"Lê\x07{nul}Văn\x1b =Ba",
                   content='=HYPERLINK("http://evil.example","Bấm")', area=data.areas["HT"])
    session.commit()
    leader = login(data.users["leader"])
    book = load_workbook(io.BytesIO(_download(leader, "/admin/exports/register.xlsx?kind=month")))
    sheet = book.active
    assert sheet["A1"].value == "Sổ theo dõi phản ánh, kiến nghị" and data.unit.name in sheet["A2"].value
    now = today()
    assert f"Tháng {now.month} năm {now.year}" in sheet["A3"].value and sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    header = [cell.value for cell in sheet[HEADER_ROW]]
    row = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[header.index("Người gửi")].value == "LêVăn =Ba")
    cells = dict(zip(header, row, strict=True))
    assert cells["Mã tra cứu"].value == f"{nasty.tracking_code[:5]}-{nasty.tracking_code[5:]}"
    assert cells["Ngày tiếp nhận"].is_date and cells["Ngày tiếp nhận"].number_format == "dd/mm/yyyy"
    assert cells["Lĩnh vực"].value == data.areas["HT"].name_vi and cells["Đơn vị"].value == data.unit.name
    assert cells["Nội dung"].data_type == "s" and cells["Nội dung"].value.startswith("'=HYPERLINK")
    assert sheet.column_dimensions["C"].width >= 11
    csv_text = _download(leader, "/admin/exports/register.csv?kind=month").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and not {"\x00", "\x07", "\x1b"} & set(csv_text)

    report = load_workbook(io.BytesIO(leader.get("/admin/reports.xlsx?kind=quarter").data))
    quarter = (today().month - 1) // 3
    assert f"Quý {('I', 'II', 'III', 'IV')[quarter]} năm {today().year}" in report["Chỉ tiêu"]["A3"].value
    targets = report["Chỉ tiêu"]
    result = targets.cell(HEADER_ROW + 1, 3)
    assert result.number_format == "0.0%" and result.value == 0.8 and targets.cell(HEADER_ROW + 1, 4).value == 20
    assert targets.cell(HEADER_ROW + 1, 7).value == "Ít dữ liệu (dưới 30)"  # 25 taps
    register = {r[0].value: r for r in report["Sổ PAKN"].iter_rows(min_row=HEADER_ROW + 1)}
    assert register["Tiếp nhận"][1].value == 3 and register["Tiếp nhận"][2].value is None  # a count is no rate
    month = next(r for r in report["Theo tháng"].iter_rows(min_row=HEADER_ROW + 1) if r[0].value == f"{today():%m/%Y}")
    assert month[3].number_format == "0.0%" and month[3].value == 0.8 and month[1].value == 25


def test_report_cover_names_the_quarter_in_the_document_form(login, client, data):
    page = login(data.users["leader"]).get("/admin/reports?kind=quarter").get_data(as_text=True)
    quarter = ("I", "II", "III", "IV")[(today().month - 1) // 3]
    assert f"Kết quả đánh giá sự hài lòng và xử lý phản ánh, kiến nghị Quý {quarter} năm {today().year}" in page
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "/BC-UBND", "Nơi nhận:",
                 f"tháng {today().month if today().month > 2 else f'{today().month:02d}'} năm {today().year}"):
        assert text in page
    assert "Quý · từ" not in page
