"""Rating rules: what a valid tap is, who it is attributed to, and when it is suspect.

Every tap is stored, even a doubtful one: suspect taps are flagged with their reasons
and left out of the figures, so the people judged by the numbers can see what was set
aside and why.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from hailong.errors import Conflict, ValidationError
from models import (
    Channel, Desk, Kiosk, KioskDevice, Level, Official, Rating, Reason, ServiceArea, Unit, local_date_of, utcnow,
)

MAX_DOSSIER_CODE = 64
BURST_WINDOW = timedelta(minutes=10)
OPENING_GRACE = timedelta(minutes=30)
KNOWN_FIELDS = {"id", "level", "tapped_at", "sent_at", "service_area", "official", "reasons", "dossier_code", "criteria"}
# Fields that make a tap what it is; ``sent_at`` changes on every retry so it is left out.
HASHED_FIELDS = ("id", "level", "tapped_at", "service_area", "official", "reasons", "dossier_code", "criteria")

SUSPECT_LABELS = {
    "too_close": _l("Chạm quá gần lần trước trên cùng thiết bị"),
    "burst": _l("Quá nhiều lượt trong thời gian ngắn"),
    "outside_hours": _l("Ngoài giờ làm việc"),
    "clock_skew": _l("Đồng hồ thiết bị lệch nhiều so với máy chủ"),
    "dossier_repeat": _l("Hồ sơ này đã được đánh giá trước đó"),
}


@dataclass
class RatingIn:
    """A tap as the client sent it, checked but not yet stored."""

    client_id: uuid.UUID
    level: Level
    tapped_at: datetime
    body_hash: str
    sent_at: datetime | None = None
    service_area: str | None = None
    official: str | None = None
    reasons: list[str] = field(default_factory=list)
    dossier_code: str | None = None
    criteria: dict = field(default_factory=dict)


# --- tokens --------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def kiosk_for_token(session: Session, token: str | None) -> Kiosk | None:
    """The kiosk holding ``token`` (its pairing code or a paired tablet's credential); None when unknown or revoked."""
    if not token:
        return None
    digest = hash_token(token)
    kiosk = session.exec(select(Kiosk).where(Kiosk.token_hash == digest)).first()
    if kiosk is None:
        device = session.exec(select(KioskDevice).where(KioskDevice.token_hash == digest)).first()
        if device is None or device.revoked_at is not None:
            return None
        kiosk = session.get(Kiosk, device.kiosk_id)
    if kiosk is None or kiosk.revoked_at is not None:
        return None
    return kiosk


def create_kiosk(session: Session, *, unit: Unit, name: str, desk: Desk | None = None,
                 service_area: ServiceArea | None = None) -> tuple[Kiosk, str]:
    """Register a kiosk; the token is returned once and only its hash is kept."""
    token = new_token()
    kiosk = Kiosk(unit_id=unit.id, name=name, token_hash=hash_token(token),
                  desk_id=desk.id if desk else None, service_area_id=service_area.id if service_area else None)
    session.add(kiosk)
    session.flush()  # the caller shows the new kiosk's id
    return kiosk, token


# --- parsing -------------------------------------------------------------------------------


def parse_rating(data) -> RatingIn:
    """Check a tap's JSON body; raise ValidationError naming every bad field."""
    if not isinstance(data, dict):
        raise ValidationError(_l("Dữ liệu phải là một đối tượng JSON."))
    errors: dict[str, str] = {}
    for name in sorted(set(data) - KNOWN_FIELDS):
        errors[name] = _l("Trường này không được hỗ trợ.")
    client_id = _parse_uuid(data.get("id"), errors)
    level = _parse_level(data.get("level"), errors)
    tapped_at = _parse_time(data.get("tapped_at"), "tapped_at", errors, required=True)
    sent_at = _parse_time(data.get("sent_at"), "sent_at", errors, required=False)
    reasons = _parse_reasons(data.get("reasons"), level, errors)
    service_area = _parse_code(data.get("service_area"), "service_area", errors)
    official = _parse_code(data.get("official"), "official", errors)
    dossier_code = _parse_dossier(data.get("dossier_code"), errors)
    criteria = _parse_criteria(data.get("criteria"), errors)
    if errors:
        raise ValidationError(_l("Dữ liệu đánh giá không hợp lệ."), fields=errors)
    return RatingIn(client_id=client_id, level=level, tapped_at=tapped_at, sent_at=sent_at,
                    service_area=service_area, official=official, reasons=reasons,
                    dossier_code=dossier_code, criteria=criteria, body_hash=body_hash(data))


def body_hash(data: dict) -> str:
    """A digest of the tap itself, so a replay can be told from a different tap with the same id."""
    canonical = {name: data.get(name) for name in HASHED_FIELDS if data.get(name) not in (None, [], {}, "")}
    if isinstance(canonical.get("reasons"), list):
        canonical["reasons"] = sorted(map(str, canonical["reasons"]))
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _parse_uuid(value, errors):
    if not isinstance(value, str):
        errors["id"] = _l("Cần mã định danh (UUID) do thiết bị tạo.")
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        errors["id"] = _l("Mã định danh phải là một UUID.")
        return None


def _parse_level(value, errors):
    try:
        return Level(value)
    except ValueError:
        errors["level"] = _l("Mức đánh giá phải là very_satisfied, satisfied hoặc dissatisfied.")
        return None


def _parse_time(value, name, errors, *, required):
    if value is None and not required:
        return None
    if not isinstance(value, str):
        errors[name] = _l("Cần thời điểm theo ISO 8601, có múi giờ.")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors[name] = _l("Thời điểm không đúng định dạng ISO 8601.")
        return None
    if moment.tzinfo is None:
        errors[name] = _l("Thời điểm phải ghi rõ múi giờ (ví dụ +07:00).")
        return None
    return moment


def _parse_reasons(value, level, errors):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors["reasons"] = _l("Lý do phải là một danh sách mã.")
        return []
    unknown = [item for item in value if item not in Reason._value2member_map_]
    if unknown:
        errors["reasons"] = _l("Mã lý do không hợp lệ: %(codes)s", codes=", ".join(unknown[:5]))
        return []
    if value and level is not None and level != Level.DISSATISFIED:
        errors["reasons"] = _l("Chỉ ghi lý do khi không hài lòng.")
        return []
    return sorted(set(value))


def _parse_code(value, name, errors):
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 32:
        errors[name] = _l("Mã phải là chuỗi tối đa 32 ký tự.")
        return None
    return value


def _parse_dossier(value, errors):
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_DOSSIER_CODE or not value.isprintable():
        errors["dossier_code"] = _l("Mã hồ sơ phải là chuỗi tối đa %(n)s ký tự.", n=MAX_DOSSIER_CODE)
        return None
    return "".join(value.split()).upper()  # as the receipt prints it, however the citizen typed it


def _parse_criteria(value, errors):
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - {"on_time", "visits", "attitude"}:
        errors["criteria"] = _l("Tiêu chí chỉ gồm on_time, visits và attitude.")
        return {}
    ok = (
        isinstance(value.get("on_time", True), bool)
        and (value.get("visits") is None or (isinstance(value["visits"], int) and not isinstance(value["visits"], bool) and 1 <= value["visits"] <= 10))
        and (value.get("attitude") is None or value["attitude"] in Level._value2member_map_)
    )
    if not ok:
        errors["criteria"] = _l("Giá trị tiêu chí không hợp lệ.")
        return {}
    return value


# --- recording -----------------------------------------------------------------------------


def find_replay(session: Session, rating_in: RatingIn) -> Rating | None:
    """The rating already stored under this client id, if the same; Conflict if different."""
    existing = session.exec(select(Rating).where(Rating.client_id == rating_in.client_id)).first()
    if existing is not None and existing.body_hash != rating_in.body_hash:
        raise Conflict(_l("Mã định danh này đã được dùng cho một đánh giá khác."), code="id_conflict")
    return existing


def record_kiosk_rating(session: Session, *, kiosk: Kiosk, rating_in: RatingIn, config, now: datetime | None = None) -> Rating:
    """Store a new kiosk tap, attributed and flagged; the caller checked ``find_replay`` first."""
    now = now or utcnow()
    unit = session.get(Unit, kiosk.unit_id)
    desk = session.get(Desk, kiosk.desk_id) if kiosk.desk_id else None
    rating = Rating(
        client_id=rating_in.client_id, body_hash=rating_in.body_hash, unit_id=unit.id,
        channel=Channel.KIOSK, kiosk_id=kiosk.id, desk_id=desk.id if desk else None,
        level=rating_in.level, reasons=rating_in.reasons, criteria=rating_in.criteria,
        dossier_code=rating_in.dossier_code, tapped_at=rating_in.tapped_at, sent_at=rating_in.sent_at,
        received_at=now, local_date=local_date_of(rating_in.tapped_at),
    )
    rating.service_area_id = _area_id(session, unit, rating_in.service_area, kiosk, desk)
    rating.official_id = _official_id(session, unit, rating_in, desk, now)
    rating.suspect_reasons = suspect_reasons(session, kiosk=kiosk, unit=unit, rating=rating, config=config)
    rating.suspect = bool(rating.suspect_reasons)
    session.add(rating)
    session.flush()  # the unique client id is enforced here, inside the caller's transaction
    return rating


def _area_id(session, unit, code, kiosk, desk):
    if code:
        area = session.exec(select(ServiceArea).where(ServiceArea.unit_id == unit.id, ServiceArea.code == code)).first()
        if area is None:
            raise ValidationError(_l("Dữ liệu đánh giá không hợp lệ."), fields={"service_area": _l("Không có lĩnh vực với mã này.")})
        return area.id
    return kiosk.service_area_id or (desk.service_area_id if desk else None)


def _official_id(session, unit, rating_in, desk, now):
    if rating_in.official:
        official = session.exec(select(Official).where(Official.unit_id == unit.id, Official.code == rating_in.official)).first()
        if official is None:
            raise ValidationError(_l("Dữ liệu đánh giá không hợp lệ."), fields={"official": _l("Không có cán bộ với mã này.")})
        return official.id
    # Without a code from the kiosk, only a fresh tap can be credited to whoever serves now:
    # a tap replayed hours later from the offline queue may belong to someone else.
    if desk and desk.official_id and desk.serving_since and desk.serving_since <= rating_in.tapped_at \
            and now - rating_in.tapped_at < timedelta(minutes=10):
        return desk.official_id
    return None


# --- suspect rules -------------------------------------------------------------------------


def suspect_reasons(session: Session, *, kiosk: Kiosk, unit: Unit, rating: Rating, config) -> list[str]:
    """Why this tap should not be counted; empty when it looks like a real citizen."""
    reasons = []
    if too_close(session, kiosk.id, rating.tapped_at, config.suspect_min_interval_s):
        reasons.append("too_close")
    if in_burst(session, kiosk.id, rating.tapped_at, config.suspect_burst_per_10min):
        reasons.append("burst")
    if not within_opening_hours(unit.opening_hours, rating.tapped_at):
        reasons.append("outside_hours")
    if clock_skewed(rating.tapped_at, rating.sent_at, rating.received_at, config.suspect_clock_skew_s):
        reasons.append("clock_skew")
    return reasons


def too_close(session: Session, kiosk_id: int, tapped_at: datetime, min_interval_s: int) -> bool:
    window = timedelta(seconds=min_interval_s)
    count = session.exec(select(func.count()).select_from(Rating).where(
        Rating.kiosk_id == kiosk_id, Rating.tapped_at > tapped_at - window, Rating.tapped_at < tapped_at + window,
    )).one()
    return count > 0


def in_burst(session: Session, kiosk_id: int, tapped_at: datetime, limit: int) -> bool:
    """More taps in ten minutes than one desk can possibly serve."""
    count = session.exec(select(func.count()).select_from(Rating).where(
        Rating.kiosk_id == kiosk_id, Rating.tapped_at > tapped_at - BURST_WINDOW, Rating.tapped_at <= tapped_at,
    )).one()
    return count + 1 > limit


def within_opening_hours(opening_hours: dict, moment: datetime) -> bool:
    """Whether ``moment`` falls in the unit's hours (with a little grace after closing)."""
    from models import LOCAL_TZ

    local = moment.astimezone(LOCAL_TZ)
    for start, end in opening_hours.get(str(local.isoweekday()), []):
        opens = local.replace(hour=int(start[:2]), minute=int(start[3:5]), second=0, microsecond=0)
        closes = local.replace(hour=int(end[:2]), minute=int(end[3:5]), second=0, microsecond=0)
        if opens - OPENING_GRACE <= local <= closes + OPENING_GRACE:
            return True
    return False


def clock_skewed(tapped_at: datetime, sent_at: datetime | None, received_at: datetime, max_skew_s: int) -> bool:
    """A device clock far from the server's. Age alone is never suspect: kiosks go offline."""
    skew = timedelta(seconds=max_skew_s)
    if sent_at is not None and abs(sent_at - received_at) > skew:
        return True
    return tapped_at - received_at > skew
