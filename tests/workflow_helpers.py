"""Filing and moving PAKN tickets in tests through the same domain functions the app uses."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from hailong import feedback as intake
from hailong import workdays, workflow
from models import Channel, Feedback, FeedbackKind, UserServiceArea

CONTACT = {"name": "Trần Thị Bích Ngọc", "phone": "0912345678", "email": "ngoc.tran@example.vn",
           "address": "Số 7 ngõ 12 thôn Đông Hòa"}


def file_ticket(session: Session, world, *, now: datetime | None = None, area: str | None = "HT",
                content: str = "Đường vào trụ sở UBND xã ngập nước mỗi khi mưa, đề nghị sửa cống thoát nước.",
                anonymous: bool = False, channel: Channel = Channel.DESK, **contact) -> Feedback:
    data = {"kind": FeedbackKind.KIEN_NGHI.value, "content": content, "service_area": area, "anonymous": anonymous,
            "consent": not anonymous}
    if not anonymous:
        data |= CONTACT | contact
    feedback = intake.submit_feedback(session, unit=world.unit, feedback_in=intake.parse_feedback(data),
                                      channel=channel, filed_by=world.users["desk"], now=now)
    session.commit()
    return feedback


def give_area(session: Session, world, area: str = "HT") -> None:
    session.add(UserServiceArea(user_id=world.users["handler"].id, service_area_id=world.areas[area].id))
    session.commit()


def accepted(session: Session, world, **kwargs) -> Feedback:
    feedback = file_ticket(session, world, **kwargs)
    workflow.accept(session, feedback, world.users["leader"], assignee_id=world.users["handler"].id,
                    now=kwargs.get("now"))
    session.commit()
    return feedback


def calendar(session: Session, world) -> workdays.WorkCalendar:
    return workdays.calendar_for(session, world.unit.id)
