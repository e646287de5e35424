"""The printable papers of a PAKN in the administrative document form, and the ticket page's rough edges."""
from datetime import date

import pytest
from sqlmodel import select

from hailong import workflow
from models import Extension, FeedbackStatus, Official, Resolution
from tests.workflow_helpers import accepted, calendar, file_ticket, give_area

HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:", "Lưu: VT.")


def chairman(session, world):
    """The leader's account linked to the Chủ tịch, whose title signs the papers."""
    official = Official(unit_id=world.unit.id, code="CT", full_name="Vũ Đức Thắng", title="Chủ tịch UBND xã")
    session.add(official)
    session.flush()
    world.users["leader"].official_id = official.id
    session.add(world.users["leader"])
    session.commit()
    return official


def test_apology_is_signed_by_the_leader_who_approved(login, app, session, world):
    chairman(session, world)
    give_area(session, world)
    ticket = accepted(session, world)
    workflow.request_extension(session, ticket, world.users["handler"], new_due=date(2099, 1, 5), reason="Khảo sát.",
                               apology="Xin lỗi Ông/Bà.", signer_name="Test handler", signer_title="Chủ tịch UBND xã",
                               calendar=calendar(session, world))
    workflow.approve_extension(session, ticket, world.users["leader"])
    session.commit()
    extension = session.exec(select(Extension)).one()
    letter = login("handler.xa01").get(f"/admin/tickets/{ticket.id}/apology").get_data(as_text=True)
    for text in HEADER:
        assert text in letter
    assert "Kính gửi: Ông/Bà Trần Thị Bích Ngọc." in letter
    assert f"Số: {extension.letter_number.split('/')[0]}/PXL-UBND" in letter
    assert f"ngày {extension.letter_date:%d} tháng" in letter and "TM. ỦY BAN NHÂN DÂN" in letter
    sign = letter.split('data-testid="doc-sign"')[1].split("</footer>")[0]
    assert "CHỦ TỊCH UBND XÃ" in sign and "Vũ Đức Thắng" in sign and "Test handler" not in sign


def test_transfer_refusal_and_answer_papers(login, app, session, world):
    chairman(session, world)
    leader = world.users["leader"]
    moved = file_ticket(session, world, content="Đèn đường thôn Đông hỏng đã hai tháng, đề nghị sửa.")
    refused = file_ticket(session, world, content="Tôi khiếu nại quyết định xử phạt số 12 của xã.")
    answered = accepted(session, world)
    workflow.transfer(session, moved, leader, body_name="UBND tỉnh Thử", transferred_on=moved.received_date)
    workflow.reject(session, refused, leader, reason="complaint")
    workflow.answer(session, answered, leader, body="UBND xã đã nạo vét cống thoát nước.")
    session.commit()
    client = login("leader.xa01")
    slip = client.get(f"/admin/tickets/{moved.id}/papers/transfer").get_data(as_text=True)
    assert "PHIẾU CHUYỂN PHẢN ÁNH, KIẾN NGHỊ" in slip and "Kính gửi: UBND tỉnh Thử." in slip
    assert f"Số: {moved.register_number}/PC-UBND" in slip
    notice = client.get(f"/admin/tickets/{refused.id}/papers/refusal").get_data(as_text=True)
    assert "THÔNG BÁO" in notice and "Luật Khiếu nại" in notice and "Hướng dẫn:" in notice
    reply = client.get(f"/admin/tickets/{answered.id}/papers/answer").get_data(as_text=True)
    assert "V/v trả lời kiến nghị của công dân" in reply and "UBND xã đã nạo vét cống thoát nước." in reply
    assert f"Số: {answered.register_number}/UBND-VP" in reply
    for page in (slip, notice, reply):
        for text in HEADER:
            assert text in page
    # A paper for a step the ticket has not reached does not exist
    assert client.get(f"/admin/tickets/{answered.id}/papers/transfer").status_code == 404
    assert client.get(f"/admin/tickets/{answered.id}/papers/bogus").status_code == 404


def test_a_refused_ticket_shows_no_empty_actions_card_and_the_timeline_reads_words(login, app, session, world):
    refused = file_ticket(session, world, content="Nhờ xã tìm giúp con chó bị lạc ở thôn Tây.")
    workflow.reject(session, refused, world.users["leader"], reason="out_of_scope")
    rated = accepted(session, world)
    workflow.answer(session, rated, world.users["leader"], body="Đã xử lý.")
    workflow.rate_handling(session, rated, level="dissatisfied")
    session.commit()
    client = login("leader.xa01")
    page = client.get(f"/admin/tickets/{refused.id}").get_data(as_text=True)
    assert 'id="actions-h"' not in page and "In thông báo không tiếp nhận" in page
    timeline = client.get(f"/admin/tickets/{rated.id}").get_data(as_text=True).split('id="timeline-h"')[1]
    assert "Người gửi đánh giá</strong>" in timeline and "· Không hài lòng" in timeline
    assert "dissatisfied" not in timeline


def test_answer_and_close_in_one_step(login, app, session, world):
    give_area(session, world)
    ticket = accepted(session, world)
    response = login("handler.xa01").post(f"/admin/tickets/{ticket.id}/answer", data={
        "body": "Đã sửa xong.", "then": "close_resolved"})
    assert response.status_code == 303
    session.refresh(ticket)
    assert ticket.status == FeedbackStatus.CLOSED and ticket.resolution == Resolution.RESOLVED
    assert ticket.answered_at is not None and ticket.handled_date is not None
    empty = login("handler.xa01").post(f"/admin/tickets/{ticket.id}/answer", data={"then": "close_resolved"})
    assert empty.status_code == 409  # already closed: nothing changes


def test_an_empty_answer_and_close_is_refused_and_stores_nothing(login, app, session, world):
    give_area(session, world)
    ticket = accepted(session, world)
    response = login("handler.xa01").post(f"/admin/tickets/{ticket.id}/answer",
                                               data={"body": " ", "then": "close_resolved"})
    assert response.status_code == 422 and "Vui lòng nhập nội dung trả lời" in response.get_data(as_text=True)
    session.refresh(ticket)
    assert ticket.status == FeedbackStatus.IN_PROGRESS


@pytest.mark.parametrize("role", ["viewer"])
def test_who_may_not_print_a_tickets_papers(login, app, session, world, role):
    ticket = accepted(session, world)
    assert login(f"{role}.xa01").get(f"/admin/tickets/{ticket.id}/papers/answer").status_code == 403


def test_the_apology_form_proposes_a_leader_as_signer_never_the_handler(login, app, session, world):
    give_area(session, world)
    ticket = accepted(session, world)
    page = login("handler.xa01").get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    assert 'id="signer_name" name="signer_name" value="Test leader"' in page
    chairman(session, world)
    page = login("handler.xa01").get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    assert 'name="signer_name" value="Vũ Đức Thắng"' in page and 'name="signer_title" value="Chủ tịch UBND xã"' in page
