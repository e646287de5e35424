"""The ticket pages: each workflow step through the real forms, errors as 4xx with nothing stored."""
import re

import pytest
from sqlmodel import select

from hailong import totals
from models import AuditLog, Extension, FeedbackEvent, OutboxMessage, ReplyTemplate
from tests.workflow_helpers import accepted, file_ticket, give_area


@pytest.fixture
def leader(login, app, world):
    return login("leader.xa01")


@pytest.fixture
def handler(login, app, world):
    return login("handler.xa01")


def test_leader_accepts_and_assigns(leader, session, world):
    ticket = file_ticket(session, world)
    page = leader.get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    assert "Tiếp nhận và giao" in page and "0912345678" in page
    response = leader.post(f"/admin/tickets/{ticket.id}/accept", data={"assignee": world.users["handler"].id})
    assert response.status_code == 303
    session.refresh(ticket)
    assert ticket.status == "in_progress" and ticket.assignee_id == world.users["handler"].id
    assert ticket.within_competence is True
    trail = leader.get("/admin/audit").get_data(as_text=True)
    assert "feedback.classified" in trail and "view_personal_data" in trail


def test_accept_without_assignee_is_refused_and_stores_nothing(leader, session, world):
    ticket = file_ticket(session, world)
    response = leader.post(f"/admin/tickets/{ticket.id}/accept", data={"assignee": ""})
    assert response.status_code == 422
    assert "Vui lòng chọn cán bộ xử lý" in response.get_data(as_text=True)
    session.refresh(ticket)
    assert ticket.status == "received"
    assert session.exec(select(FeedbackEvent).where(FeedbackEvent.kind == "classified")).first() is None
    # The page shown with the refusal showed the citizen's contact: that view stays on record though the step did not.
    views = session.exec(select(AuditLog).where(AuditLog.action == "view_personal_data",
                                                AuditLog.object_id == ticket.id)).all()
    assert [v.user_id for v in views] == [world.users["leader"].id]


def test_handler_answers_with_a_template(handler, session, world):
    give_area(session, world)
    ticket = accepted(session, world)
    session.add(ReplyTemplate(unit_id=world.unit.id, name="Đã xử lý", status="in_progress",
                              body="Phản ánh {ma_tra_cuu} (số {so_vao_so}) đã được xử lý."))
    session.commit()
    page = handler.get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    assert f"Phản ánh {code} (số {ticket.register_number}/{ticket.register_year}) đã được xử lý." in page
    response = handler.post(f"/admin/tickets/{ticket.id}/answer", data={"body": "Đã nạo vét cống ngày 20/11."})
    assert response.status_code == 303
    session.refresh(ticket)
    assert ticket.status == "answered" and ticket.handled_date is not None
    reasons = [m.reason for m in session.exec(select(OutboxMessage).where(OutboxMessage.feedback_id == ticket.id))]
    assert reasons.count("answered") == 2  # e-mail and SMS


def test_handler_cannot_classify(handler, session, world):
    ticket = file_ticket(session, world)
    give_area(session, world)
    assert handler.post(f"/admin/tickets/{ticket.id}/accept",
                        data={"assignee": world.users["handler"].id}).status_code == 403


def test_handler_without_the_area_cannot_see_the_ticket(handler, session, world):
    ticket = file_ticket(session, world)
    assert handler.get(f"/admin/tickets/{ticket.id}").status_code == 403
    assert ticket.content[:30] not in handler.get("/admin/tickets").get_data(as_text=True)


def test_desk_sees_only_what_they_filed(login, app, session, world):
    ticket = file_ticket(session, world)
    desk = login("desk.xa01")
    assert desk.get(f"/admin/tickets/{ticket.id}").status_code == 200
    assert desk.post(f"/admin/tickets/{ticket.id}/answer", data={"body": "x" * 20}).status_code == 403


def test_viewing_personal_data_is_logged(leader, session, world):
    ticket = file_ticket(session, world)
    leader.get(f"/admin/tickets/{ticket.id}")
    rows = session.exec(select(AuditLog).where(AuditLog.action == "view_personal_data",
                                               AuditLog.object_id == ticket.id)).all()
    assert [r.user_id for r in rows] == [world.users["leader"].id]


def test_inbox_filters_and_search(leader, session, world):
    first = file_ticket(session, world, content="Cống thoát nước thôn Đông bị tắc nhiều ngày nay.")
    file_ticket(session, world, content="Đèn đường thôn Tây hỏng đã hai tuần.", phone="0987654321")
    page = leader.get("/admin/tickets?q=cống").get_data(as_text=True)
    assert "Cống thoát nước" in page and "Đèn đường" not in page
    page = leader.get(f"/admin/tickets?q={first.tracking_code.lower()}").get_data(as_text=True)
    assert "Cống thoát nước" in page and "Đèn đường" not in page
    page = leader.get("/admin/tickets?status=received").get_data(as_text=True)
    assert re.search(r"Đã tiếp nhận, đang phân loại <span class=\"count\">2</span>", page)
    assert leader.get("/admin/tickets?status=bogus&page=x&area=abc&due=nope").status_code == 200


def test_extension_by_leader_prints_the_letter(leader, session, world):
    ticket = accepted(session, world)
    response = leader.post(f"/admin/tickets/{ticket.id}/extension", data={
        "new_due": "2099-01-05", "reason": "Cần khảo sát hiện trường.", "apology": "Xin lỗi ông/bà.",
        "signer_name": "Vũ Đức Thắng", "signer_title": "Chủ tịch UBND xã"})
    assert response.status_code == 303
    session.refresh(ticket)
    assert ticket.due_date.isoformat() == "2099-01-05" and ticket.original_due_date is not None
    letter = leader.get(f"/admin/tickets/{ticket.id}/apology").get_data(as_text=True)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in letter and "05/01/2099" in letter
    assert "Trần Thị Bích Ngọc" in letter
    again = leader.post(f"/admin/tickets/{ticket.id}/extension", data={"new_due": "2099-02-05", "reason": "x",
                                                                        "apology": "x", "signer_name": "x",
                                                                        "signer_title": "x"})
    assert again.status_code == 409
    assert len(session.exec(select(Extension)).all()) == 1
    assert totals.drift(session) == []  # the PAKN daily totals followed the new deadline


def test_status_page_rating_and_reopen(app, session, world):
    ticket = accepted(session, world)
    from hailong import workflow

    workflow.answer(session, ticket, world.users["handler"], body="Đã sửa xong cống.")
    session.commit()
    client = app.test_client()
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    page = client.get(f"/feedback/{code}").get_data(as_text=True)
    assert "Đã sửa xong cống." in page and "Rất hài lòng" in page and "0912345678" not in page
    assert client.post(f"/feedback/{code}/rate", data={"level": "satisfied"}).status_code == 303
    assert client.post(f"/feedback/{code}/rate", data={"level": "satisfied"}).status_code == 409
    wrong = client.post(f"/feedback/{code}/reopen", data={"proof": "0000", "reason": "Vẫn ngập."})
    assert wrong.status_code == 422 and "Bốn số cuối" in wrong.get_data(as_text=True)
    assert client.post(f"/feedback/{code}/reopen", data={"proof": "5678", "reason": "Vẫn ngập."}).status_code == 303
    session.refresh(ticket)
    assert ticket.status == "in_progress" and ticket.reopened_at and ticket.handled_date is None
    assert ticket.citizen_level == "satisfied"  # kept across the reopening (DESIGN.md)
    event = session.exec(select(FeedbackEvent).where(FeedbackEvent.kind == "reopened")).one()
    assert event.data["handled_date"] and event.data["citizen_level"] == "satisfied"
    assert totals.drift(session) == []  # answered, rated and reopened: the daily totals followed each step


def test_pages_in_english(leader, session, world):
    ticket = file_ticket(session, world)
    assert "Accept and assign" in leader.get(f"/admin/tickets/{ticket.id}?lang=en").get_data(as_text=True)
    inbox = leader.get("/admin/tickets?lang=en").get_data(as_text=True)
    assert "Reports and petitions" in inbox and "1 report or petition<" in inbox  # one, not "1 reports"
    file_ticket(session, world, content="Đèn đường thôn Tây hỏng.")
    assert "2 reports and petitions<" in leader.get("/admin/tickets?lang=en").get_data(as_text=True)
    assert "2 phản ánh, kiến nghị<" in leader.get("/admin/tickets?lang=vi").get_data(as_text=True)
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    assert "Logged in the intake register" in leader.get(f"/feedback/{code}?lang=en").get_data(as_text=True)


def test_internal_notes_never_reach_the_status_page(handler, app, session, world):
    give_area(session, world)
    ticket = accepted(session, world)
    handler.post(f"/admin/tickets/{ticket.id}/note", data={"body": "Nội bộ: hộ này từng khiếu nại nhiều lần."})
    handler.post(f"/admin/tickets/{ticket.id}/note", data={"body": "Đoàn kiểm tra sẽ đến thứ Hai.", "public": "1"})
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    page = app.test_client().get(f"/feedback/{code}").get_data(as_text=True)
    assert "Đoàn kiểm tra sẽ đến thứ Hai." in page and "khiếu nại nhiều lần" not in page
    api = app.test_client().get(f"/api/v1/feedback/{code}").get_data(as_text=True)
    assert "khiếu nại nhiều lần" not in api
    assert "khiếu nại nhiều lần" in handler.get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)


def test_the_reopen_proof_allows_few_wrong_guesses_per_ticket_per_day(app, session, world):
    """Four digits are 10,000 guesses: changing address must not buy more of them."""
    from hailong import workflow

    ticket = accepted(session, world)
    workflow.answer(session, ticket, world.users["handler"], body="Đã sửa xong cống.")
    session.commit()
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    statuses = [app.test_client().post(f"/feedback/{code}/reopen", data={"proof": f"000{i}", "reason": "Vẫn ngập."},
                                       environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    # Even the right digits wait for tomorrow now; nothing was reopened.
    right = app.test_client().post(f"/feedback/{code}/reopen", data={"proof": "5678", "reason": "Vẫn ngập."})
    assert right.status_code == 429 and "ngày mai" in right.get_data(as_text=True)
    session.refresh(ticket)
    assert ticket.status == "answered" and ticket.reopened_at is None
