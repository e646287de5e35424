"""Ticket rules: deadlines by the Vietnamese calendar, legal and illegal moves, the audit trail."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hailong import workflow
from hailong.errors import Conflict, DomainError, ValidationError
from models import AuditLog, CalendarDay, FeedbackEvent, OutboxMessage
from tests.factories import local
from tests.workflow_helpers import accepted, calendar, file_ticket


@pytest.mark.parametrize("received, classify_due, due", [
    # Tết 2026 (Mon 16/2..Fri 20/2 off, weekends around it).
    ((2026, 2, 13), date(2026, 2, 27), date(2026, 3, 6)),
    # Tết 2027 (Thu 4/2..Wed 10/2 off).
    ((2027, 2, 3), date(2027, 2, 17), date(2027, 2, 24)),
    # Giỗ Tổ observed Mon 27/4, 30/4 and 1/5 2026.
    ((2026, 4, 24), date(2026, 5, 6), date(2026, 5, 13)),
    # 2/9/2026 with 31/8 swapped for the make-up Saturday 22/8.
    ((2026, 8, 28), date(2026, 9, 9), date(2026, 9, 16)),
    # Received on the national make-up Saturday itself: day one is Mon 24/8.
    # 24(1)..28(5), then 31/8, 1/9, 2/9 off: 3(6) 4(7) 7(8) 8(9) 9(10).
    ((2026, 8, 22), date(2026, 8, 28), date(2026, 9, 9)),
])
def test_ticket_deadlines_follow_the_calendar(session, world, received, classify_due, due):
    ticket = file_ticket(session, world, now=local(*received))
    assert (ticket.received_date, ticket.classify_due, ticket.due_date) == (date(*received), classify_due, due)


def test_the_administrators_make_up_saturday_moves_the_deadline(session, world):
    session.add(CalendarDay(unit_id=world.unit.id, day=date(2026, 10, 10), working=True, note="Làm bù"))
    session.commit()
    ticket = file_ticket(session, world, now=local(2026, 10, 9))
    # Sat 10/10(1) 12(2) 13(3) 14(4) 15(5) … 22(10); without the swap it would be 16/10 and 23/10.
    assert (ticket.classify_due, ticket.due_date) == (date(2026, 10, 15), date(2026, 10, 22))


def test_waiting_over_tet_pushes_the_due_date_by_the_working_days_paused(session, world):
    ticket = accepted(session, world, now=local(2026, 2, 2))
    assert ticket.due_date == date(2026, 2, 23)  # 3..13/2 are nine working days, then Tết, Mon 23/2 the tenth
    handler = world.users["handler"]
    workflow.wait_for_citizen(session, ticket, handler, reason="Cần ảnh chụp hiện trường.", now=local(2026, 2, 12))
    # Paused Thu 12/2 → Tue 24/2: Fri 13/2, Mon 23/2, Tue 24/2 are working days (Tết in between is not).
    paused = workflow.resume(session, ticket, handler, calendar=calendar(session, world), now=local(2026, 2, 24))
    assert paused == 3
    assert ticket.due_date == date(2026, 2, 26)


def test_due_soon_and_overdue_count_working_days(session, world):
    ticket = accepted(session, world, now=local(2026, 2, 13))  # due Fri 6/3/2026
    cal = calendar(session, world)
    assert workflow.deadline(cal, ticket, date(2026, 3, 2)).state == "ok"
    assert workflow.deadline(cal, ticket, date(2026, 3, 4)).state == "due_soon"
    assert workflow.deadline(cal, ticket, date(2026, 3, 6)) == workflow.Deadline("due_soon", date(2026, 3, 6), 0)
    late = workflow.deadline(cal, ticket, date(2026, 3, 10))
    assert (late.state, late.days_left) == ("overdue", -2)
    # A received ticket is judged by its classification deadline (Fri 27/2).
    fresh = file_ticket(session, world, now=local(2026, 2, 13), phone="0987000111")
    assert workflow.deadline(cal, fresh, date(2026, 3, 2)).state == "overdue"


def test_extension_only_once_and_only_to_a_working_day(session, world):
    ticket = accepted(session, world, now=local(2026, 8, 20))
    leader, cal = world.users["leader"], calendar(session, world)
    letter = dict(reason="Chờ ý kiến huyện.", apology="Xin lỗi ông/bà.", signer_name="Vũ Đức Thắng",
                  signer_title="Chủ tịch UBND xã", calendar=cal, now=local(2026, 8, 25))
    with pytest.raises(ValidationError) as refused:
        workflow.request_extension(session, ticket, leader, new_due=date(2026, 9, 2), **letter)  # Quốc khánh
    assert "new_due" in refused.value.fields
    original = ticket.due_date
    workflow.request_extension(session, ticket, leader, new_due=date(2026, 9, 14), **letter)
    assert (ticket.original_due_date, ticket.due_date) == (original, date(2026, 9, 14))
    with pytest.raises(Conflict):
        workflow.request_extension(session, ticket, leader, new_due=date(2026, 9, 21), **letter)
    public = session.exec(select(FeedbackEvent).where(FeedbackEvent.kind == "extended")).one()
    assert public.public and public.data["new_due"] == "2026-09-14"


def test_a_handlers_extension_waits_for_the_leader(session, world):
    ticket = accepted(session, world)
    handler, leader = world.users["handler"], world.users["leader"]
    new_due = calendar(session, world).add_working_days(ticket.due_date, 5)
    workflow.request_extension(session, ticket, handler, new_due=new_due, reason="r", apology="a", signer_name="s",
                               signer_title="t", calendar=calendar(session, world))
    assert ticket.original_due_date is None
    with pytest.raises(DomainError):
        workflow.approve_extension(session, ticket, handler)
    workflow.approve_extension(session, ticket, leader)
    assert ticket.due_date == new_due


def test_illegal_moves_are_refused(session, world):
    ticket = file_ticket(session, world)
    handler, leader = world.users["handler"], world.users["leader"]
    with pytest.raises(Conflict):
        workflow.answer(session, ticket, handler, body="Trả lời sớm quá.")
    with pytest.raises(Conflict):
        workflow.close(session, ticket, leader, resolution="resolved")
    with pytest.raises(DomainError):
        workflow.accept(session, ticket, handler, assignee_id=handler.id)
    workflow.accept(session, ticket, leader, assignee_id=handler.id)
    with pytest.raises(Conflict):
        workflow.reject(session, ticket, leader, reason="complaint")
    with pytest.raises(ValidationError):
        workflow.answer(session, ticket, handler, body="  ")


def test_refusing_a_complaint_tells_where_it_goes(session, world):
    ticket = file_ticket(session, world)
    workflow.reject(session, ticket, world.users["leader"], reason="complaint", now=local(2026, 3, 2))
    assert (ticket.status, ticket.within_competence, ticket.handled_date) == ("rejected", False, date(2026, 3, 2))
    assert "Luật Khiếu nại" in str(workflow.REJECTION_GUIDANCE["complaint"])


def test_a_duplicate_names_the_original(session, world):
    original = file_ticket(session, world)
    copy = file_ticket(session, world, phone="0987654321")
    with pytest.raises(ValidationError):
        workflow.reject(session, copy, world.users["leader"], reason="duplicate", duplicate_code="ZZZZZZZZZZ")
    workflow.reject(session, copy, world.users["leader"], reason="duplicate",
                    duplicate_code=original.tracking_code.lower())
    assert copy.duplicate_of_id == original.id


def test_transfer_records_body_and_date(session, world):
    ticket = file_ticket(session, world, now=local(2026, 3, 2))
    leader = world.users["leader"]
    with pytest.raises(ValidationError):
        workflow.transfer(session, ticket, leader, body_name="Sở Xây dựng", transferred_on=date(2026, 2, 1),
                          now=local(2026, 3, 4))
    workflow.transfer(session, ticket, leader, body_name="Sở Xây dựng", transferred_on=date(2026, 3, 3),
                      now=local(2026, 3, 4))
    assert (ticket.status, ticket.transferred_to, ticket.handled_date, ticket.within_competence) == (
        "transferred", "Sở Xây dựng", date(2026, 3, 3), False)


def test_every_step_is_audited_and_the_audit_log_is_append_only(session, world):
    ticket = accepted(session, world)
    workflow.answer(session, ticket, world.users["handler"], body="Đã xử lý.")
    workflow.close(session, ticket, world.users["handler"], resolution="resolved")
    session.commit()
    actions = [row.action
               for row in session.exec(select(AuditLog).where(AuditLog.object_id == ticket.id).order_by(AuditLog.id))]
    assert actions == ["feedback.classified", "feedback.answered", "feedback.closed"]
    with pytest.raises(sa.exc.DatabaseError):
        session.execute(sa.text("UPDATE auditlog SET action = 'x'"))
    session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        session.execute(sa.text("DELETE FROM auditlog"))
    session.rollback()
    assert len(session.exec(select(AuditLog)).all()) == 3


def test_the_audit_log_can_be_neither_replaced_nor_emptied(session, world):
    accepted(session, world)
    row = session.exec(select(AuditLog)).one()
    if session.bind.dialect.name == "sqlite":
        # REPLACE deletes the old row without firing the DELETE trigger; the INSERT trigger refuses it.
        statement = ("INSERT OR REPLACE INTO auditlog (id, at, user_id, action, object_type, object_id, details) "
                     "VALUES (:id, :at, NULL, 'forged', 'feedback', NULL, '{}')")
        params = {"id": row.id, "at": row.at}
    else:
        statement, params = "TRUNCATE auditlog CASCADE", {}
    with pytest.raises(sa.exc.DatabaseError):
        session.execute(sa.text(statement), params)
    session.rollback()
    assert [r.action for r in session.exec(select(AuditLog))] == ["feedback.classified"]


def test_overdue_alert_goes_out_once(session, world):
    ticket = accepted(session, world, now=local(2026, 2, 2))
    world.users["handler"].email = "handler@xa.example"
    session.commit()
    assert workflow.flag_overdue(session, world.unit.id, date(2026, 2, 24)) == 1
    assert workflow.flag_overdue(session, world.unit.id, date(2026, 2, 25)) == 0
    alerts = session.exec(select(OutboxMessage).where(OutboxMessage.reason == "overdue")).all()
    assert [a.recipient for a in alerts] == ["handler@xa.example"] and ticket.id == alerts[0].feedback_id


def test_reopen_only_within_the_window_and_with_the_right_digits(session, world):
    ticket = accepted(session, world, now=local(2026, 3, 2))
    workflow.answer(session, ticket, world.users["handler"], body="Đã xử lý.", now=local(2026, 3, 3))
    with pytest.raises(ValidationError):
        workflow.reopen(session, ticket, proof="1234", reason="Chưa xong", now=local(2026, 3, 5))
    with pytest.raises(Conflict):
        workflow.reopen(session, ticket, proof="5678", reason="Chưa xong", now=local(2026, 4, 20))
    workflow.reopen(session, ticket, proof="5678", reason="Chưa xong", now=local(2026, 3, 5))
    assert ticket.status == "in_progress" and ticket.handled_date is None and ticket.answered_at is None
