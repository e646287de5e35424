"""Reply templates: canned text per state and area, with placeholders filled from the ticket."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, or_, select

from hailong.errors import ValidationError
from hailong.feedback import format_code
from models import Feedback, ReplyTemplate, ServiceArea

PLACEHOLDERS = {
    "ma_tra_cuu": _l("mã tra cứu"),
    "so_vao_so": _l("số vào sổ tiếp nhận"),
    "ngay_tiep_nhan": _l("ngày tiếp nhận"),
    "han_giai_quyet": _l("hạn giải quyết"),
    "linh_vuc": _l("lĩnh vực"),
    "can_bo": _l("cán bộ xử lý"),
}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def check_body(body: str) -> str:
    """Refuse a template naming a placeholder that does not exist (it would reach the citizen as is)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(_l("Vui lòng nhập nội dung mẫu."), fields={"body": _l("Vui lòng nhập nội dung mẫu.")})
    unknown = sorted(set(PLACEHOLDER.findall(body)) - set(PLACEHOLDERS))
    if unknown:
        message = _l("Không có trường thay thế: %(names)s.", names=", ".join("{%s}" % n for n in unknown))
        raise ValidationError(message, fields={"body": message})
    return body


def fill(body: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def values_for(session: Session, feedback: Feedback, handler_name: str = "") -> dict[str, str]:
    area = session.get(ServiceArea, feedback.service_area_id) if feedback.service_area_id else None
    return {
        "ma_tra_cuu": format_code(feedback.tracking_code),
        "so_vao_so": f"{feedback.register_number}/{feedback.register_year}",
        "ngay_tiep_nhan": feedback.received_date.strftime("%d/%m/%Y"),
        "han_giai_quyet": feedback.due_date.strftime("%d/%m/%Y"),
        "linh_vuc": area.name_vi if area else "",
        "can_bo": handler_name,
    }


def for_ticket(session: Session, feedback: Feedback, handler_name: str = "") -> list[tuple[ReplyTemplate, str]]:
    """The active templates that fit the ticket's state and area, each with its text filled in."""
    rows = session.exec(select(ReplyTemplate).where(
        ReplyTemplate.unit_id == feedback.unit_id, ReplyTemplate.active.is_(True),
        or_(ReplyTemplate.status.is_(None), ReplyTemplate.status == feedback.status),
        or_(ReplyTemplate.service_area_id.is_(None), ReplyTemplate.service_area_id == feedback.service_area_id),
    ).order_by(ReplyTemplate.name)).all()
    values = values_for(session, feedback, handler_name)
    return [(row, fill(row.body, values)) for row in rows]
