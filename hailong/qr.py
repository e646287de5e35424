"""QR codes on posters and table cards: short links, scan counts, images, and phone ratings.

A QR code carries only ``PUBLIC_URL/q/<code>``: the context (desk, official, area, survey)
stays in the database, so a poster can be re-pointed without reprinting and the link is
short enough for a small, robust code.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
from markupsafe import Markup
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from hailong import ratings
from hailong.errors import Conflict, ValidationError
from models import (
    Channel, Desk, Official, QrCode, QrRating, QrScanDay, QrTarget, Rating, ServiceArea, Unit, User, local_date_of,
    utcnow,
)

# Crockford base32 without look-alikes; 8 characters = 40 bits, far beyond any commune's posters.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
SLUG_MAX = 80
LABEL_MAX = 120
# One rating per phone per visit: a visit to the centre is a few hours at most.
VISIT = timedelta(hours=4)
QR_BURST_WINDOW = timedelta(minutes=10)
QR_BURST_LIMIT = 30
RATING_TARGETS = {QrTarget.UNIT, QrTarget.DESK, QrTarget.OFFICIAL, QrTarget.SERVICE_AREA}


@dataclass
class QrContext:
    """What a scan lands on: the unit and the desk / official / area it presets."""

    qr: QrCode
    unit: Unit
    desk: Desk | None = None
    official: Official | None = None
    area: ServiceArea | None = None


# --- creating and finding ------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_qr(session: Session, *, unit: Unit, target: QrTarget | str, label: str = "", desk_id: int | None = None,
              official_id: int | None = None, service_area_id: int | None = None, survey_slug: str | None = None,
              created_by: User | None = None) -> QrCode:
    """Make a QR code for ``target``; the referenced desk / official / area must belong to ``unit``."""
    target = _target(target)
    errors: dict[str, str] = {}
    refs = {
        QrTarget.DESK: ("desk_id", Desk, desk_id, _l("Vui lòng chọn quầy.")),
        QrTarget.OFFICIAL: ("official_id", Official, official_id, _l("Vui lòng chọn cán bộ.")),
        QrTarget.SERVICE_AREA: ("service_area_id", ServiceArea, service_area_id, _l("Vui lòng chọn lĩnh vực.")),
    }
    qr = QrCode(code=new_code(), unit_id=unit.id, target=target, label=_label(label, errors),
                created_by_id=created_by.id if created_by else None)
    if target in refs:
        name, model, ref_id, message = refs[target]
        row = session.get(model, ref_id) if ref_id else None
        if row is None or row.unit_id != unit.id:
            errors[name] = message
        setattr(qr, name, ref_id)
    if target == QrTarget.FEEDBACK and service_area_id:
        area = session.get(ServiceArea, service_area_id)
        if area is None or area.unit_id != unit.id:
            errors["service_area_id"] = _l("Không có lĩnh vực này.")
        qr.service_area_id = service_area_id
    if target == QrTarget.SURVEY:
        qr.survey_slug = _slug(survey_slug, errors)
    if errors:
        raise ValidationError(_l("Mã QR chưa hợp lệ. Vui lòng sửa các mục được đánh dấu."), fields=errors)
    session.add(qr)
    session.flush()  # the caller redirects to the new code's page
    return qr


def _target(value) -> QrTarget:
    try:
        return QrTarget(value)
    except ValueError:
        raise ValidationError(_l("Mã QR chưa hợp lệ. Vui lòng sửa các mục được đánh dấu."),
                              fields={"target": _l("Vui lòng chọn mã QR dùng để làm gì.")}) from None


def _label(value, errors) -> str:
    value = " ".join((value or "").split())
    if len(value) > LABEL_MAX:
        errors["label"] = _l("Dài quá %(n)s ký tự.", n=LABEL_MAX)
    return value


def _slug(value, errors) -> str | None:
    value = (value or "").strip().lower()
    if not value or len(value) > SLUG_MAX or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in value):
        errors["survey_slug"] = _l("Mã khảo sát chỉ gồm chữ không dấu, số và dấu gạch ngang.")
        return None
    return value


def normalise_code(code: str) -> str:
    return (code or "").strip().upper().translate(str.maketrans("OIL", "011"))


def find_active(session: Session, code: str) -> QrCode | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return session.exec(select(QrCode).where(QrCode.code == code, QrCode.active.is_(True))).first()


def context_of(session: Session, qr: QrCode) -> QrContext:
    """The unit and the desk / official / area the code presets; a desk brings its area and who serves there."""
    desk = session.get(Desk, qr.desk_id) if qr.desk_id else None
    official_id = qr.official_id or (desk.official_id if desk else None)
    area_id = qr.service_area_id or (desk.service_area_id if desk else None)
    return QrContext(qr=qr, unit=session.get(Unit, qr.unit_id), desk=desk,
                     official=session.get(Official, official_id) if official_id else None,
                     area=session.get(ServiceArea, area_id) if area_id else None)


# --- scans ---------------------------------------------------------------------------------


def record_scan(session: Session, qr: QrCode, now: datetime | None = None) -> None:
    """Count a scan, per code and per local day; two UPDATEs so concurrent scans never lose one."""
    now = now or utcnow()
    table = QrCode.__table__
    session.execute(sa.update(table).where(table.c.id == qr.id).values(
        scan_count=table.c.scan_count + 1, last_scan_at=now))
    day = local_date_of(now)
    days = QrScanDay.__table__
    bumped = session.execute(sa.update(days).where(days.c.qr_code_id == qr.id, days.c.day == day).values(
        count=days.c.count + 1)).rowcount
    if bumped:
        return
    try:
        with session.begin_nested():
            session.execute(sa.insert(days).values(qr_code_id=qr.id, day=day, count=1))
    except sa.exc.IntegrityError:  # another scan created today's row first
        session.execute(sa.update(days).where(days.c.qr_code_id == qr.id, days.c.day == day).values(
            count=days.c.count + 1))


def scans_since(session: Session, qr_ids: list[int], since) -> dict[int, int]:
    """Scans per code from ``since`` (a local date) to today."""
    if not qr_ids:
        return {}
    rows = session.exec(select(QrScanDay.qr_code_id, func.sum(QrScanDay.count)).where(
        QrScanDay.qr_code_id.in_(qr_ids), QrScanDay.day >= since).group_by(QrScanDay.qr_code_id))
    return {qr_id: int(total) for qr_id, total in rows}


# --- images --------------------------------------------------------------------------------


def short_link(public_url: str, qr: QrCode) -> str:
    return f"{public_url.rstrip('/')}/q/{qr.code}"


# --- the one QR builder: printed codes, the kiosk's feedback code, pairing, receipts -----------


def _qr(data: str, border: int = 4) -> qrcode.QRCode:
    # Level M survives a smudge or a fold (or a scuffed screen) while keeping modules large on an A6 card.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def svg(data: str, border: int = 4) -> str:
    """The code as one SVG path: vector, so it prints sharp at any size."""
    image = _qr(data, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def inline_svg(data: str, *, label: str = "") -> Markup:
    """The code to place in a page (no image file, no request to anyone else's server), named for screen readers;
    a narrow quiet zone, as a screen has no printed margin around it."""
    code = svg(data, border=2)
    return Markup(code.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" class="qr" ', 1))


def png(data: str, box_size: int = 10) -> bytes:
    """The code as a PNG, ``box_size`` pixels per module."""
    code = _qr(data)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


# --- rating from a phone -------------------------------------------------------------------


def visitor_hash(visitor: str) -> str:
    return hashlib.sha256(f"qr-visit:{visitor}".encode()).hexdigest()


def already_rated(session: Session, qr: QrCode, visitor: str | None, now: datetime) -> bool:
    if not visitor:
        return False
    return session.exec(select(QrRating.rating_id).where(
        QrRating.qr_code_id == qr.id, QrRating.visitor_hash == visitor_hash(visitor),
        QrRating.at > now - VISIT)).first() is not None


def record_phone_rating(session: Session, *, context: QrContext, level: str, reasons: list[str], visitor: str,
                        now: datetime | None = None) -> Rating:
    """Store a rating sent from a phone through a QR code, channel ``qr``, attributed to the code's context.

    The level and reasons follow the kiosk's rules (``ratings.parse_rating``); a phone that
    rated through this code during the current visit is refused (a soft check: never a login).
    """
    now = now or utcnow()
    qr = context.qr
    if qr.target not in RATING_TARGETS:
        raise ValidationError(_l("Mã QR này không dùng để đánh giá."))
    rating_in = ratings.parse_rating({"id": str(uuid.uuid4()), "level": level, "tapped_at": now.isoformat(),
                                      "reasons": list(reasons or [])})
    if already_rated(session, qr, visitor, now):
        raise Conflict(_l("Ông/bà đã đánh giá lần này rồi. Cảm ơn ông/bà!"), code="already_rated")
    rating = Rating(
        client_id=rating_in.client_id, body_hash=rating_in.body_hash, unit_id=context.unit.id, channel=Channel.QR,
        desk_id=context.desk.id if context.desk else None,
        official_id=context.official.id if context.official else None,
        service_area_id=context.area.id if context.area else None, level=rating_in.level, reasons=rating_in.reasons,
        tapped_at=now, sent_at=now, received_at=now, local_date=local_date_of(now),
    )
    rating.suspect_reasons = _suspect_reasons(session, context, now)
    rating.suspect = bool(rating.suspect_reasons)
    session.add(rating)
    session.flush()  # the link row below needs the rating's id
    session.add(QrRating(rating_id=rating.id, qr_code_id=qr.id, visitor_hash=visitor_hash(visitor), at=now))
    return rating


def _suspect_reasons(session: Session, context: QrContext, now: datetime) -> list[str]:
    """The kiosk's integrity rules that make sense for a phone: opening hours and bursts on one code."""
    reasons = []
    recent = session.exec(select(func.count()).select_from(QrRating).where(
        QrRating.qr_code_id == context.qr.id, QrRating.at > now - QR_BURST_WINDOW)).one()
    if recent + 1 > QR_BURST_LIMIT:
        reasons.append("burst")
    if not ratings.within_opening_hours(context.unit.opening_hours, now):
        reasons.append("outside_hours")
    return reasons


# --- demo ----------------------------------------------------------------------------------

DEMO_FEEDBACK = [
    ("phan_anh", "HT", "Quầy hộ tịch yêu cầu nộp thêm bản sao giấy khai sinh dù đã có bản chính.", False),
    ("kien_nghi", None, "Đề nghị bố trí thêm ghế chờ và quạt ở sảnh Trung tâm Phục vụ hành chính công.", True),
    ("phan_anh", "DD", "Hồ sơ đăng ký đất đai nộp đã quá hẹn trả kết quả nhưng chưa được báo lý do.", False),
]


def load_qr(session: Session, unit: Unit, rng) -> str:
    """Demo: posters for the centre, each desk and the PAKN form; two months of scans and phone ratings; new PAKN."""
    from datetime import time

    from hailong import feedback as intake
    from models import LOCAL_TZ

    codes = [create_qr(session, unit=unit, target=QrTarget.UNIT, label="Sảnh chờ"),
             create_qr(session, unit=unit, target=QrTarget.FEEDBACK, label="Bảng tin")]
    for desk in session.exec(select(Desk).where(Desk.unit_id == unit.id).order_by(Desk.number)):
        codes.append(create_qr(session, unit=unit, target=QrTarget.DESK, desk_id=desk.id, label=desk.name))
    today = local_date_of(utcnow())
    rated = 0
    for offset in range(60, 0, -1):
        day = today - timedelta(days=offset)
        if day.isoweekday() > 5:
            continue
        for code in codes:
            scans = rng.randint(0, 6)
            if scans:
                session.add(QrScanDay(qr_code_id=code.id, day=day, count=scans))
                code.scan_count += scans
            context = context_of(session, code)
            for _ in range(rng.randint(0, scans) if code.target in RATING_TARGETS else 0):
                moment = datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), LOCAL_TZ)
                level = rng.choices(["very_satisfied", "satisfied", "dissatisfied"], [45, 45, 10])[0]
                reasons = ([rng.choice(["waited_too_long", "late", "unclear_guidance"])] if level == "dissatisfied"
                           else [])
                record_phone_rating(session, context=context, level=level, reasons=reasons,
                                    visitor=secrets.token_hex(8), now=moment)
                rated += 1
    for index, (kind, area, content, anonymous) in enumerate(DEMO_FEEDBACK):
        contact = {"anonymous": True} if anonymous else {
            "name": ["Trần Văn An", "Lê Thị Bích"][index % 2], "phone": f"09123456{70 + index}",
            "address": "Thôn Trung, xã Hòa An", "consent": True}
        feedback_in = intake.parse_feedback({"kind": kind, "service_area": area, "content": content} | contact)
        intake.submit_feedback(session, unit=unit, feedback_in=feedback_in, channel=Channel.WEB,
                               now=utcnow() - timedelta(days=index))
    return (f"{len(codes)} QR codes (admin → Mã QR), {rated} phone ratings, {len(DEMO_FEEDBACK)} new PAKN from the "
            "web form.")
