"""Issue 10's defects, each a regression test named after it: how each PAKN counts (DESIGN.md)."""
from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlmodel import select

from hailong import exports, qd766, workflow
from hailong.figures import Period, Rate, feedback_figures, status_against
from hailong.i18n import percent
from models import CalendarDay, Extension, Level, local_date_of, utcnow
from tests.factories import local
from tests import workflow_helpers
from tests.workflow_helpers import calendar

Q4 = Period(date(2026, 10, 1), date(2026, 12, 31))
MONDAY = local(2026, 10, 5, 9)  # received on a Monday: classify by 12/10, resolve by 19/10


_serial = itertools.count(1)


def file_ticket(session, world, **kwargs):
    content = f"Đường ngõ số {next(_serial)} ngập nước mỗi khi mưa, đề nghị xã sửa cống thoát nước."
    return workflow_helpers.file_ticket(session, world, content=content, **kwargs)


def accepted(session, world, **kwargs):
    content = f"Đèn đường ngõ số {next(_serial)} hỏng đã hai tuần, đề nghị xã thay bóng đèn mới."
    return workflow_helpers.accepted(session, world, content=content, **kwargs)


def figures(session, world, today=date(2026, 12, 31), period=Q4):
    return feedback_figures(session, [world.unit.id], period, today=today)


def at(day: date, hour: int = 10):
    return local(day.year, day.month, day.day, hour)


def test_late_extension_stays_late(login, app, session, world):
    ticket = accepted(session, world, now=MONDAY)
    due, leader, handler = ticket.due_date, world.users["leader"], world.users["handler"]
    new_due = calendar(session, world).add_working_days(due, 16)
    workflow.request_extension(session, ticket, leader, new_due=new_due, reason="Cần khảo sát hiện trường.",
                               apology="UBND xã xin lỗi ông/bà.", signer_name="Vũ Đức Thắng", signer_title="Chủ tịch",
                               calendar=calendar(session, world), now=at(due + timedelta(days=16)))
    session.commit()
    extension = session.exec(select(Extension).where(Extension.feedback_id == ticket.id)).one()
    assert extension.approved_at is not None and extension.new_due_date == new_due  # letter and appointment made
    assert (ticket.due_date, ticket.rescheduled_to) == (due, new_due)
    workflow.answer(session, ticket, handler, body="Đã xử lý.", now=at(new_due - timedelta(days=1)))
    session.commit()
    result = figures(session, world)
    assert (result.handled, result.handled_on_time) == (1, 0)
    ticket.status = "in_progress"  # back open, to see the inbox badge
    ticket.handled_date = None
    session.commit()
    page = login("leader.xa01").get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    assert page.count(f"Quá hạn, đã hẹn lại {new_due:%d/%m/%Y}") == 2  # the badge and beside the due date
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    status = app.test_client().get(f"/feedback/{code}").get_data(as_text=True)
    assert f"{new_due:%d/%m/%Y}" in status  # the citizen is given the new appointment


def test_refused_complaint_not_counted(session, world):
    ticket = file_ticket(session, world, now=MONDAY)
    workflow.reject(session, ticket, world.users["leader"], reason="complaint", now=at(date(2026, 10, 6)))
    missing = file_ticket(session, world, now=MONDAY)
    workflow.reject(session, missing, world.users["leader"], reason="missing_info", now=at(date(2026, 10, 6)))
    session.commit()
    result = figures(session, world)
    assert (result.received, result.rejected, result.set_apart) == (1, 1, 1)
    assert (result.handled, result.handled_on_time) == (1, 1)  # only the refusal for missing information


def test_late_transfer_is_late(session, world):
    ticket = file_ticket(session, world, now=MONDAY)
    eighth_day = calendar(session, world).add_working_days(ticket.received_date, 8)
    workflow.transfer(session, ticket, world.users["leader"], body_name="Phòng Tài nguyên và Môi trường",
                      transferred_on=eighth_day, now=at(eighth_day))
    session.commit()
    result = figures(session, world)
    assert (result.transferred, result.handled, result.handled_on_time) == (1, 1, 0)
    assert result.on_time_rate.value == 0


def test_paused_ticket_not_overdue(session, world):
    ticket = accepted(session, world, now=MONDAY)
    workflow.wait_for_citizen(session, ticket, world.users["handler"], reason="Bổ sung số hồ sơ.",
                              now=at(date(2026, 10, 7)))
    session.commit()
    result = figures(session, world, today=ticket.due_date + timedelta(days=20))
    assert result.open_overdue == 0


def test_unclassified_past_deadline_is_overdue(session, world):
    ticket = file_ticket(session, world, now=MONDAY)
    assert figures(session, world, today=ticket.classify_due).open_overdue == 0
    result = figures(session, world, today=ticket.classify_due + timedelta(days=1))
    assert result.open_overdue == 1 and result.on_time_rate.value == 0
    # Classified late but answered by its due date: on time, and no longer overdue once classified.
    workflow.accept(session, ticket, world.users["leader"], assignee_id=world.users["handler"].id,
                    now=at(ticket.classify_due + timedelta(days=2)))
    session.commit()
    assert figures(session, world, today=ticket.classify_due + timedelta(days=3)).open_overdue == 0


def test_reopen_keeps_dissatisfied_rating(session, world):
    ticket = accepted(session, world, now=MONDAY)
    handler = world.users["handler"]
    workflow.answer(session, ticket, handler, body="Đã xử lý.", now=at(date(2026, 10, 9)))
    workflow.rate_handling(session, ticket, level="dissatisfied", now=at(date(2026, 10, 9), 15))
    workflow.close(session, ticket, handler, resolution="resolved", now=at(date(2026, 10, 12)))
    happy = accepted(session, world, now=MONDAY)
    workflow.answer(session, happy, handler, body="Đã xử lý.", now=at(date(2026, 10, 9)))
    workflow.rate_handling(session, happy, level="satisfied", now=at(date(2026, 10, 9), 15))
    session.commit()
    assert qd766.group5(session, [world.unit.id], Q4.start, Q4.end, date(2026, 10, 13))["5.3"].numerator == 1
    workflow.reopen(session, ticket, proof="5678", reason="Chưa được giải quyết.", now=at(date(2026, 10, 13)))
    session.commit()
    assert ticket.citizen_level == Level.DISSATISFIED
    satisfaction = qd766.group5(session, [world.unit.id], Q4.start, Q4.end, date(2026, 10, 14))["5.3"]
    assert (satisfaction.numerator, satisfaction.denominator) == (1, 2)


def test_not_yet_due_is_not_a_failure(session, world):
    ticket = accepted(session, world, now=MONDAY)
    accepted(session, world, now=MONDAY)  # open, due on 19/10: not yet due on 14/10
    handler = world.users["handler"]
    workflow.answer(session, ticket, handler, body="Đã xử lý.", now=at(date(2026, 10, 8)))
    workflow.close(session, ticket, handler, resolution="resolved", now=at(date(2026, 10, 9)))
    session.commit()
    result = figures(session, world, today=date(2026, 10, 14))
    assert (result.resolved_rate.numerator, result.resolved_rate.denominator) == (1, 1)
    assert figures(session, world, today=date(2026, 10, 20)).resolved_rate.denominator == 2


def test_rate_is_cut_not_rounded(app):
    rate = Rate(2243, 2362)
    with app.test_request_context("/?lang=vi"):
        assert percent(rate.value) == "94,9%"
        assert percent(0.953) == "95,3%" and percent(1.0) == "100,0%"
    assert status_against(rate, 0.95) != "pass"


def test_public_shows_published_answers(client, session, world):
    now = utcnow() - timedelta(days=3)
    ticket = accepted(session, world, now=now)
    workflow.answer(session, ticket, world.users["handler"], body="UBND xã đã nạo vét cống thoát nước.", now=now)
    session.commit()
    page = client.get("/public").get_data(as_text=True)
    assert "UBND xã đã nạo vét cống thoát nước." in page
    assert "Chưa có trả lời nào được công khai." not in page


def test_day_off_moves_open_deadlines(login, app, session, world):
    today = local_date_of(utcnow())
    ticket = file_ticket(session, world)
    closed = file_ticket(session, world)
    workflow.transfer(session, closed, world.users["leader"], body_name="Phòng Tư pháp", transferred_on=today)
    session.commit()
    cal = calendar(session, world)
    classify_due, due, closed_due = ticket.classify_due, ticket.due_date, closed.due_date
    day_off = cal.add_working_days(today, 2)
    response = login("admin.xa01").post("/admin/settings/holidays",
                                             data={"day": day_off.isoformat(), "working": "0", "note": "Nghỉ thêm"})
    assert response.status_code == 303
    assert session.exec(select(CalendarDay)).one().day == day_off
    session.refresh(ticket)
    session.refresh(closed)
    cal = calendar(session, world)
    assert ticket.classify_due == cal.add_working_days(classify_due, 1)
    assert ticket.due_date == cal.add_working_days(due, 1)
    assert closed.due_date == closed_due  # handled: its deadline is history


def test_qd766_group5_in_api_report_and_xlsx(login, app, client, session, world):
    today = local_date_of(utcnow())
    month = Period.month_of(today)
    start = utcnow() - timedelta(days=min(3, today.day - 1))
    late = accepted(session, world, now=start)
    on_time = accepted(session, world, now=start)
    workflow.answer(session, on_time, world.users["handler"], body="Đã xử lý.", now=start + timedelta(hours=2))
    workflow.rate_handling(session, on_time, level="dissatisfied", now=start + timedelta(hours=3))
    session.commit()
    group = qd766.group5(session, [world.unit.id], month.start, month.end, today)
    assert (group["5.2"].numerator, group["5.2"].denominator) == (2, 2)  # the open one is within 15 working days
    assert (group["5.3"].numerator, group["5.3"].denominator) == (1, 2)  # the dissatisfied one is out
    assert group["5.3"].score == 3.0 and group["5.2"].score == 6.0
    body = client.get(f"/api/v1/stats?unit={world.unit.code}&from={month.start}&to={month.end}").get_json()
    assert body["qd766"]["5.3"] == {"numerator": 1, "denominator": 2, "ratio": 0.5, "score": 3.0, "max_score": 6.0}
    assert set(body["qd766"]) == {"5.2", "5.3", "5.4"}
    assert body["feedback"]["handling_satisfaction_rate"] == 0.5  # one definition: 5.3
    page = login("leader.xa01").get("/admin/reports?kind=month").get_data(as_text=True)
    assert 'data-indicator="5.3"' in page and "Quyết định 766/QĐ-TTg" in page and "Cổng Dịch vụ công quốc gia" in page
    assert late.status == "in_progress"
    client = login("leader.xa01")
    with client.get("/admin/reports.xlsx?kind=month") as response:
        sheet = load_workbook(io.BytesIO(response.data), read_only=True)["QĐ 766"]
        rows = list(sheet.iter_rows(min_row=exports.HEADER_ROW, values_only=True))  # under the title block
    assert rows[0][:6] == ("Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Điểm tối đa")
    assert [row[1:6] for row in rows if str(row[0]).startswith("5.3")] == [(1, 2, 0.5, 3.0, 6.0)]
    assert any("Cổng Dịch vụ công quốc gia" in str(row[0]) for row in rows)


def test_dashboard_overdue_list_counts_like_the_figures(session, world):
    from hailong import reporting

    unclassified = file_ticket(session, world, now=MONDAY)
    paused = accepted(session, world, now=MONDAY)
    workflow.wait_for_citizen(session, paused, world.users["handler"], reason="Bổ sung.", now=at(date(2026, 10, 7)))
    late = accepted(session, world, now=MONDAY)
    session.commit()
    today = late.due_date + timedelta(days=1)
    listed = [ticket.id for ticket, _area in reporting.overdue(session, [world.unit.id], today)]
    assert listed == [unclassified.id, late.id]
    assert figures(session, world, today=today).open_overdue == len(listed)
