"""Demo PAKN tickets in every state of the workflow, with reply templates and a late one."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from hailong import feedback as intake
from hailong import workdays, workflow
from models import (
    LOCAL_TZ, Channel, FeedbackKind, ReplyTemplate, Role, ServiceArea, Unit, User, UserServiceArea, local_date_of,
    utcnow,
)

SUBJECTS = [
    ("DD", "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất nộp từ tháng trước nhưng chưa được hẹn ngày trả."),
    ("HT", "Đề nghị niêm yết rõ lệ phí trích lục khai sinh tại bộ phận một cửa."),
    ("XD", "Công trình xây dựng cạnh nhà tôi lấn ra lối đi chung, đề nghị xã kiểm tra."),
    ("LDTBXH", "Đề nghị hướng dẫn thủ tục hưởng trợ cấp xã hội cho người cao tuổi trên trang thông tin của xã."),
    ("CT", "Phải xếp hàng rất lâu để chứng thực bản sao, đề nghị bố trí thêm người vào buổi sáng."),
    ("HT", "Cán bộ yêu cầu bổ sung giấy tờ hai lần cho cùng một hồ sơ đăng ký kết hôn."),
]
TEMPLATES = [
    ("Trả lời đã xử lý", "in_progress",
     "UBND xã trả lời phản ánh, kiến nghị mã {ma_tra_cuu} (số {so_vao_so}, tiếp nhận ngày "
     "{ngay_tiep_nhan}) như sau: nội dung phản ánh đã được kiểm tra và xử lý. Cán bộ phụ trách: {can_bo}."),
    ("Đề nghị bổ sung thông tin", "in_progress", "Để giải quyết phản ánh mã {ma_tra_cuu}, đề nghị ông/bà bổ sung: ..."),
]


def load_workflow(session: Session, unit: Unit, rng: random.Random) -> int:
    """Tickets over the last two months in every state; returns how many."""
    users = {u.role: u for u in session.exec(select(User).where(User.unit_id == unit.id))}
    leader, handler, desk = users[Role.LEADER], users[Role.HANDLER], users[Role.DESK]
    areas = {a.code: a for a in session.exec(select(ServiceArea).where(ServiceArea.unit_id == unit.id))}
    for code in ("DD", "XD"):
        session.add(UserServiceArea(user_id=handler.id, service_area_id=areas[code].id))
    session.add_all([ReplyTemplate(unit_id=unit.id, name=name, status=status, body=body)
                     for name, status, body in TEMPLATES])
    calendar = workdays.calendar_for(session, unit.id)
    count = 0
    # Every edge path of the counting rules (DESIGN.md): a refused complaint (listed apart), a late
    # transfer, a late extension (quá hạn, đã hẹn lại), a paused ticket, a reopened ticket rated
    # dissatisfied, open overdue tickets (in progress, and never classified).
    for days_ago, fate in [(60, "closed"), (50, "reopened"), (45, "closed"), (40, "rejected"), (35, "transferred"),
                           (32, "late_transfer"), (30, "overdue"), (25, "extended"), (20, "answered"), (12, "waiting"),
                           (10, "received"), (8, "in_progress"), (3, "received"), (1, "received"), (0, "received")]:
        received = datetime.combine(local_date_of(utcnow()) - timedelta(days=days_ago), time(9, rng.randint(0, 59)),
                                    LOCAL_TZ)
        area, content = SUBJECTS[count % len(SUBJECTS)]
        data = {"kind": rng.choice(list(FeedbackKind)).value, "content": content, "service_area": area, "consent": True,
                "name": rng.choice(["Nguyễn Văn An", "Lê Thị Hoa", "Phạm Minh Tuấn"]),
                "phone": f"09{rng.randint(10**7, 10**8 - 1)}", "address": "Thôn Trung, xã Hòa An"}
        ticket = intake.submit_feedback(session, unit=unit, feedback_in=intake.parse_feedback(data),
                                        channel=Channel.DESK,
                                        filed_by=desk, now=received)
        _advance(session, ticket, fate, leader, handler, calendar, received)
        count += 1
    return count


def _advance(session, ticket, fate, leader, handler, calendar, received):
    later = received + timedelta(days=1)
    if fate == "received":
        return
    if fate == "rejected":
        return workflow.reject(session, ticket, leader, reason="complaint", now=later)
    if fate in ("transferred", "late_transfer"):
        # A transfer on the 8th working day misses the 5-day classification deadline: late.
        on = later.date() if fate == "transferred" else calendar.add_working_days(local_date_of(received), 8)
        return workflow.transfer(session, ticket, leader, body_name="Phòng Tài nguyên và Môi trường",
                                 transferred_on=on, now=datetime.combine(on, time(15), LOCAL_TZ))
    workflow.accept(session, ticket, leader, assignee_id=handler.id, now=later)
    if fate == "waiting":
        workflow.wait_for_citizen(session, ticket, handler, reason="Đề nghị cung cấp số hồ sơ.",
                                  now=later + timedelta(days=1))
    elif fate == "extended":
        workflow.request_extension(session, ticket, leader,
                                   new_due=calendar.add_working_days(max(ticket.due_date, local_date_of(utcnow())), 4),
                                   reason="Cần khảo sát hiện trường.", apology="UBND xã thành thật xin lỗi ông/bà.",
                                   signer_name=leader.full_name, signer_title="Chủ tịch UBND xã", calendar=calendar,
                                   now=utcnow())
    elif fate in ("answered", "closed", "reopened"):
        answered = later + timedelta(days=5)
        workflow.answer(session, ticket, handler, body="Đã kiểm tra và xử lý theo đề nghị.", now=answered)
        if fate == "reopened":  # the citizen is not satisfied and reopens: the rating stays
            workflow.rate_handling(session, ticket, level="dissatisfied", now=answered + timedelta(hours=3))
            workflow.close(session, ticket, handler, resolution="resolved", now=answered + timedelta(days=1))
            workflow.reopen(session, ticket, proof=ticket.phone[-4:], reason="Vẫn chưa được giải quyết.",
                            now=answered + timedelta(days=3))
        if fate == "closed":
            workflow.rate_handling(session, ticket, level="satisfied", now=answered + timedelta(hours=3))
            workflow.close(session, ticket, handler, resolution="resolved", now=answered + timedelta(days=1))
