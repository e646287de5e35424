"""Rough edges an official stumbled on: the dashboard's overdue list, "Không rõ" among officials, the audit log."""
import re
from datetime import timedelta

from hailong import reporting, workdays, workflow
from hailong.figures import Period
from models import Level, utcnow
from tests.factories import today
from tests.figures_data import taps
from tests.workflow_helpers import file_ticket



def test_dashboard_overdue_list_is_linked_dashed_and_counted_in_working_days(login, app, session, world):
    received = utcnow() - timedelta(days=30)
    ticket = file_ticket(session, world, now=received)
    workflow.accept(session, ticket, world.users["leader"], assignee_id=world.users["handler"].id, now=received)
    session.commit()
    calendar = workdays.calendar_for(session, world.unit.id)
    expected = -workflow.deadline(calendar, ticket, today()).days_left
    assert 0 < expected < (today() - ticket.due_date).days  # working days are fewer than calendar days
    page = login("leader.xa01").get("/admin").get_data(as_text=True)
    overdue = page.split('id="overdue-h"')[1]
    assert f'href="/admin/tickets/{ticket.id}"' in overdue
    assert f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}" in overdue
    assert re.search(rf'data-testid="overdue-days">{expected}<', overdue)
    badge = login("leader.xa01").get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    assert f"Quá hạn {expected} ngày làm việc" in badge


def test_taps_without_an_official_are_shown_but_never_ranked(session, world):
    day = today().replace(day=1)
    taps(session, world, 40, Level.VERY_SATISFIED, day=day)  # no official: "Không rõ"
    taps(session, world, 35, Level.DISSATISFIED, day=day, official=world.officials["CB01"])
    session.commit()
    rows = reporting.breakdowns(session, [world.unit.id], Period(day, today()))["official"]
    unknown = next(r for r in rows if r.key is None)
    named = next(r for r in rows if r.key == world.officials["CB01"].id)
    assert unknown.label == "Không rõ" and unknown.rank is None and named.rank == 1
    assert rows[-1] is unknown


def test_audit_log_reads_in_words(login, app, session, world):
    ticket = file_ticket(session, world)
    workflow.add_note(session, ticket, world.users["leader"], body="Gọi lại cho người dân.")
    session.commit()
    client = login("leader.xa01")
    client.get(f"/admin/tickets/{ticket.id}")  # a view of personal data
    workflow.accept(session, ticket, world.users["leader"], assignee_id=world.users["handler"].id)
    session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    log = page.split("<h1>")[1]
    assert "Xem thông tin cá nhân của người gửi" in log and "PAKN: ghi chú nội bộ" in log
    assert "PAKN: tiếp nhận xử lý và giao cán bộ" in log and "giao cho: Test handler" in log
    assert ">view_personal_data<" not in log and ">feedback.note<" not in log and '{"' not in log
