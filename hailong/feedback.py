"""Intake of a phản ánh, kiến nghị (PAKN): checking it, numbering it in the register, tracking it.

NĐ 20/2008: a PAKN is received and logged in the intake register (numbered per unit and
year), then classified within 5 working days and resolved within the area's limit.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong import outbox, workdays
from hailong.errors import DomainError, ValidationError
from models import (
    Channel, Feedback, FeedbackEvent, FeedbackKind, FeedbackStatus, RegisterCounter, ServiceArea, Unit, User,
    local_date_of, utcnow,
)

CONSENT_VERSION = "2025-12-v1"
CONSENT_TEXT = _l(
    "Tôi đồng ý để Ủy ban nhân dân xã thu thập họ tên, số điện thoại, thư điện tử và địa chỉ tôi cung cấp, "
    "chỉ để tiếp nhận, xử lý và trả lời phản ánh, kiến nghị này và liên hệ với tôi về kết quả. "
    "Dữ liệu do Ủy ban nhân dân xã quản lý, không công khai và không chuyển cho bên khác ngoài cơ quan có "
    "thẩm quyền giải quyết. Tôi có quyền xem, sửa, yêu cầu xóa dữ liệu của mình hoặc rút lại sự đồng ý "
    "(Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15, Nghị định 356/2025/NĐ-CP); dữ liệu liên hệ được ẩn danh "
    "sau khi hết thời hạn lưu trữ."
)
CONTENT_MIN, CONTENT_MAX = 10, 5000
NAME_MAX, EMAIL_MAX, ADDRESS_MAX = 120, 200, 300
DUPLICATE_WINDOW = timedelta(days=1)
# Crockford's base32: no I, L, O or U, so a code read aloud or typed from a receipt is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 random bits
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|javascript\s*:|on\w+\s*=", re.IGNORECASE)
MOBILE = re.compile(r"^0[35789]\d{8}$")
LANDLINE = re.compile(r"^02\d{9}$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$")


@dataclass
class FeedbackIn:
    """A PAKN as the citizen (or the desk official for them) sent it, checked."""

    kind: FeedbackKind
    content: str
    service_area: str | None
    anonymous: bool
    name: str | None
    phone: str | None
    email: str | None
    address: str | None
    consent: bool
    dossier_code: str | None = None  # the receipt's code when the PAKN is about one dossier


class DuplicateFeedback(DomainError):
    """The same content from the same phone within a day: point to the ticket that exists."""

    status = 409
    code = "duplicate"

    def __init__(self, existing: Feedback):
        super().__init__(_l("Phản ánh, kiến nghị này đã được tiếp nhận với mã %(code)s.",
                            code=format_code(existing.tracking_code)))
        self.existing = existing


# --- checking ------------------------------------------------------------------------------


def parse_feedback(data) -> FeedbackIn:
    """Check a submitted PAKN; raise ValidationError naming every bad field."""
    if not isinstance(data, dict):
        raise ValidationError(_l("Dữ liệu phải là một đối tượng JSON."))
    errors: dict[str, str] = {}
    kind = _kind(data.get("kind"), errors)
    content = _content(data.get("content"), errors)
    anonymous = _flag(data.get("anonymous"), "anonymous", errors)
    consent = _flag(data.get("consent"), "consent", errors)
    name = _text(data.get("name"), "name", NAME_MAX, errors)
    phone = _phone(data.get("phone"), errors)
    email = _email(data.get("email"), errors)
    address = _text(data.get("address"), "address", ADDRESS_MAX, errors)
    area = data.get("service_area") or None
    dossier_code = _dossier_code(data.get("dossier_code"), errors)
    if area is not None and (not isinstance(area, str) or len(area) > 32):
        errors["service_area"] = _l("Lĩnh vực không hợp lệ.")
    contact = any([name, phone, email, address])
    if anonymous and contact:
        errors["anonymous"] = _l("Phản ánh ẩn danh không kèm thông tin liên hệ. Bỏ chọn ẩn danh hoặc xóa thông tin "
                                 "liên hệ.")
    if not anonymous:
        _require_contact(name, phone, email, address, errors)
    # Asked in the same round as the contact fields: a formal PAKN needs both, and a citizen
    # should not fix the form twice.
    if not consent and (contact or not anonymous):
        errors["consent"] = _l("Cần đánh dấu đồng ý xử lý dữ liệu cá nhân để gửi kèm thông tin liên hệ.")
    if errors:
        raise ValidationError(_l("Phản ánh, kiến nghị chưa hợp lệ. Vui lòng sửa các mục được đánh dấu."), fields=errors)
    return FeedbackIn(kind=kind, content=content, service_area=area, anonymous=anonymous, name=name,
                      phone=phone, email=email, address=address, consent=consent and contact, dossier_code=dossier_code)


def _dossier_code(value, errors):
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 64 or not value.isprintable():
        errors["dossier_code"] = _l("Mã hồ sơ phải là chuỗi tối đa %(n)s ký tự.", n=64)
        return None
    return "".join(value.split()).upper() or None


def _require_contact(name, phone, email, address, errors):
    # NĐ 20/2008: a formal PAKN carries the sender's name, address and a phone or e-mail.
    if not name and "name" not in errors:
        errors["name"] = _l("Vui lòng nhập họ tên, hoặc chọn gửi ẩn danh.")
    if not address and "address" not in errors:
        errors["address"] = _l("Vui lòng nhập địa chỉ, hoặc chọn gửi ẩn danh.")
    if not phone and not email and "phone" not in errors and "email" not in errors:
        errors["phone"] = _l("Vui lòng nhập số điện thoại hoặc thư điện tử để nhận trả lời.")


def _kind(value, errors):
    try:
        return FeedbackKind(value)
    except ValueError:
        errors["kind"] = _l("Vui lòng chọn phản ánh hoặc kiến nghị.")
        return None


def _content(value, errors):
    if not isinstance(value, str) or len(value.strip()) < CONTENT_MIN:
        errors["content"] = _l("Vui lòng mô tả nội dung (ít nhất %(n)s ký tự).", n=CONTENT_MIN)
        return ""
    value = unicodedata.normalize("NFC", value.strip())
    if len(value) > CONTENT_MAX:
        errors["content"] = _l("Nội dung dài quá %(n)s ký tự.", n=CONTENT_MAX)
    elif MARKUP.search(value):
        errors["content"] = _l("Nội dung không được chứa mã HTML hoặc mã lệnh (script).")
    elif any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        errors["content"] = _l("Nội dung có ký tự điều khiển không hợp lệ.")
    return value


def _flag(value, name, errors):
    if value in (None, False, "", "false", "0", "off"):
        return False
    if value in (True, "true", "1", "on", "y"):
        return True
    errors[name] = _l("Giá trị phải là đúng hoặc sai.")
    return False


def _text(value, name, limit, errors):
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors[name] = _l("Giá trị phải là chữ.")
        return None
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if len(value) > limit:
        errors[name] = _l("Dài quá %(n)s ký tự.", n=limit)
    elif any(unicodedata.category(ch) == "Cc" for ch in value):  # NUL, \x01: a spreadsheet of names broke on one
        errors[name] = _l("Có ký tự điều khiển không hợp lệ.")
    elif MARKUP.search(value):
        errors[name] = _l("Không được chứa mã HTML hoặc mã lệnh (script).")
    return value or None


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def _phone(value, errors):
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors["phone"] = _l("Số điện thoại không hợp lệ.")
        return None
    phone = normalise_phone(value)
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        errors["phone"] = _l("Số điện thoại không hợp lệ: cần 10 số di động (ví dụ 0912 345 678) hoặc 11 số cố định.")
        return None
    return phone


def _email(value, errors):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > EMAIL_MAX or not EMAIL.match(value.strip()):
        errors["email"] = _l("Địa chỉ thư điện tử không hợp lệ.")
        return None
    return value.strip().lower()


# --- tracking codes ------------------------------------------------------------------------


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a citizen typed, as stored: case-insensitive, dashes and spaces ignored, O→0, I/L→1."""
    code = re.sub(r"[\s\-]", "", (code or "").upper())
    return code.translate(str.maketrans("OIL", "011"))


def format_code(code: str) -> str:
    """Shown in two groups of five, easy to read aloud: 7KQ2M-9XH4D."""
    return f"{code[:5]}-{code[5:]}"


def find_by_code(session: Session, code: str) -> Feedback | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return session.exec(select(Feedback).where(Feedback.tracking_code == code)).first()


# --- intake --------------------------------------------------------------------------------


def next_register_number(session: Session, unit_id: int, year: int) -> int:
    """The next number of the unit's intake register for the year, unique under concurrency.

    The increment is one UPDATE … RETURNING: PostgreSQL locks the counter row and SQLite the
    database until commit, so two submissions at once can never get the same number.
    """
    table = RegisterCounter.__table__
    bump = sa.update(table).where(table.c.unit_id == unit_id, table.c.year == year).values(
        last_number=table.c.last_number + 1).returning(table.c.last_number)
    number = session.execute(bump).scalar()
    if number is not None:
        return number
    try:
        with session.begin_nested():
            session.execute(sa.insert(table).values(unit_id=unit_id, year=year, last_number=1))
        return 1
    except sa.exc.IntegrityError:
        return session.execute(bump).scalar()  # another submission created the counter first


def find_duplicate(session: Session, unit_id: int, feedback_in: FeedbackIn, now: datetime) -> Feedback | None:
    if not feedback_in.phone:
        return None
    recent = session.exec(select(Feedback).where(
        Feedback.unit_id == unit_id, Feedback.phone == feedback_in.phone,
        Feedback.received_at > now - DUPLICATE_WINDOW))
    wanted = _comparable(feedback_in.content)
    return next((item for item in recent if _comparable(item.content) == wanted), None)


def _comparable(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def submit_feedback(session: Session, *, unit: Unit, feedback_in: FeedbackIn, channel: Channel = Channel.WEB,
                    filed_by: User | None = None, now: datetime | None = None) -> Feedback:
    """Receive a PAKN: number it in the register, give it a tracking code and its deadlines."""
    now = now or utcnow()
    area = _area(session, unit, feedback_in.service_area)
    duplicate = find_duplicate(session, unit.id, feedback_in, now)
    if duplicate is not None:
        raise DuplicateFeedback(duplicate)
    received = local_date_of(now)
    calendar = workdays.calendar_for(session, unit.id)
    feedback = Feedback(
        unit_id=unit.id, register_year=received.year,
        register_number=next_register_number(session, unit.id, received.year),
        tracking_code=new_tracking_code(), kind=feedback_in.kind, channel=channel,
        service_area_id=area.id if area else None, content=feedback_in.content,
        anonymous=feedback_in.anonymous, name=feedback_in.name, phone=feedback_in.phone,
        email=feedback_in.email, address=feedback_in.address,
        consent_version=CONSENT_VERSION if feedback_in.consent else None,
        consent_at=now if feedback_in.consent else None,
        filed_by_id=filed_by.id if filed_by else None, status=FeedbackStatus.RECEIVED,
        dossier_code=feedback_in.dossier_code,
        received_at=now, received_date=received,
        classify_due=calendar.add_working_days(received, area.classify_days if area else workdays.CLASSIFY_WITHIN),
        due_date=calendar.add_working_days(received, area.resolve_days if area else workdays.RESOLVE_WITHIN),
    )
    session.add(feedback)
    session.flush()  # the event below needs the ticket's id
    session.add(FeedbackEvent(feedback_id=feedback.id, at=now, actor_id=filed_by.id if filed_by else None,
                              kind="received", public=True, data={"register_number": feedback.register_number}))
    outbox.queue_citizen(session, feedback, "received")
    return feedback


def _area(session: Session, unit: Unit, code: str | None) -> ServiceArea | None:
    if not code:
        return None
    area = session.exec(select(ServiceArea).where(ServiceArea.unit_id == unit.id, ServiceArea.code == code,
                                                  ServiceArea.active.is_(True))).first()
    if area is None:
        raise ValidationError(_l("Phản ánh, kiến nghị chưa hợp lệ. Vui lòng sửa các mục được đánh dấu."),
                              fields={"service_area": _l("Không có lĩnh vực với mã này.")})
    return area


# --- what the public may see ---------------------------------------------------------------

PUBLIC_EVENT_KINDS = {"received", "classified", "assigned", "transferred", "rejected", "waiting", "resumed",
                      "answered", "extended", "closed", "reopened"}


def public_status(session: Session, feedback: Feedback) -> dict:
    """Status, dates and the public timeline: never the citizen's identity or internal notes."""
    events = session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id,
                                                      FeedbackEvent.public.is_(True)).order_by(FeedbackEvent.at,
                                                                                               FeedbackEvent.id))
    return {
        "tracking_code": format_code(feedback.tracking_code),
        "kind": feedback.kind,
        "status": feedback.status,
        "received_at": feedback.received_at.isoformat(),
        "due_date": (feedback.rescheduled_to or feedback.due_date).isoformat(),  # the appointment the citizen has
        "closed_at": feedback.closed_at.isoformat() if feedback.closed_at else None,
        "resolution": feedback.resolution,
        "timeline": [{"at": e.at.isoformat(), "kind": e.kind, "text": e.body} for e in events],
    }
