"""Kiosk devices: registering, pairing, revoking, the heartbeat, "who is serving" and the state a kiosk polls.

A kiosk (the place: a desk's rating tablet) has a pairing code; each tablet paired with it
gets its own long-lived device credential. The code can then be rotated without unpairing
the tablet, and revoking the kiosk stops every tablet at once. Only hashes are stored.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong import __version__, officials, ratings
from hailong.errors import NotFound, ValidationError
from models import AuditLog, Desk, Kiosk, KioskDevice, Official, Rating, ServiceArea, Unit, utcnow

# The kiosk sends a heartbeat every few seconds; this long without one while the office is
# open means the tablet is off, unplugged or cut from the network.
SILENT_AFTER = timedelta(minutes=10)
MAX_QUEUE_REPORTED = 1_000_000


def register(session: Session, *, unit: Unit, name: str, desk: Desk | None = None,
             service_area: ServiceArea | None = None, criteria_enabled: bool = False,
             user_id: int | None = None) -> tuple[Kiosk, str]:
    """Register a kiosk and return it with its pairing code (shown once, only the hash is kept)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_l("Vui lòng nhập tên thiết bị."), fields={"name": _l("Vui lòng nhập tên thiết bị.")})
    kiosk, code = ratings.create_kiosk(session, unit=unit, name=name[:120], desk=desk, service_area=service_area)
    kiosk.criteria_enabled = criteria_enabled
    _audit(session, user_id, "kiosk_registered", kiosk)
    return kiosk, code


def rotate_code(session: Session, kiosk: Kiosk, *, user_id: int | None = None) -> str:
    """A new pairing code; the old one stops pairing, tablets already paired keep working."""
    code = ratings.new_token()
    kiosk.token_hash = ratings.hash_token(code)
    session.add(kiosk)
    _audit(session, user_id, "kiosk_code_rotated", kiosk)
    return code


def pair(session: Session, code: str | None, *, user_agent: str = "") -> tuple[Kiosk, str] | None:
    """Pair a tablet by the kiosk's code, once; returns the kiosk and the new device credential."""
    if not code:
        return None
    kiosk = session.exec(select(Kiosk).where(Kiosk.token_hash == ratings.hash_token(code))).first()
    if kiosk is None or kiosk.revoked_at is not None:
        return None
    credential = ratings.new_token()
    now = utcnow()
    session.add(KioskDevice(kiosk_id=kiosk.id, token_hash=ratings.hash_token(credential), paired_at=now,
                            user_agent=(user_agent or "")[:200]))
    kiosk.paired_at = now
    kiosk.token_hash = ratings.hash_token(ratings.new_token())  # single use: the code is void, never shown
    session.add(kiosk)
    return kiosk, credential


def revoke(session: Session, kiosk: Kiosk, *, user_id: int | None = None) -> None:
    """Stop the kiosk and every tablet paired with it, at their next request."""
    now = utcnow()
    kiosk.revoked_at = now
    session.add(kiosk)
    for device in session.exec(select(KioskDevice).where(KioskDevice.kiosk_id == kiosk.id,
                                                         KioskDevice.revoked_at.is_(None))):
        device.revoked_at = now
        session.add(device)
    _audit(session, user_id, "kiosk_revoked", kiosk)


def update_settings(session: Session, kiosk: Kiosk, *, desk: Desk | None, service_area: ServiceArea | None,
                    criteria_enabled: bool, user_id: int | None = None) -> None:
    """Where the kiosk stands, which area it rates, and whether it asks the one-stop criteria."""
    for thing in (desk, service_area):
        if thing is not None and thing.unit_id != kiosk.unit_id:
            raise ValidationError(_l("Quầy hoặc lĩnh vực không thuộc đơn vị của thiết bị."))
    kiosk.desk_id = desk.id if desk else None
    kiosk.service_area_id = service_area.id if service_area else None
    kiosk.criteria_enabled = criteria_enabled
    session.add(kiosk)
    _audit(session, user_id, "kiosk_updated", kiosk)


def heartbeat(kiosk: Kiosk, *, queue_length, app_version, now: datetime | None = None) -> None:
    """Record that the kiosk is alive, with how many taps wait in its browser and its version."""
    kiosk.last_seen_at = now or utcnow()
    try:
        kiosk.queue_length = max(0, min(int(queue_length), MAX_QUEUE_REPORTED))
    except (TypeError, ValueError):
        pass  # a heartbeat with a garbled count still proves the kiosk is alive
    if isinstance(app_version, str) and app_version:
        kiosk.app_version = app_version.strip()[:40]


def is_silent(kiosk: Kiosk, unit: Unit, now: datetime | None = None) -> bool:
    """A live kiosk that has not been heard from for a while although the office is open."""
    now = now or utcnow()
    if kiosk.revoked_at is not None or not ratings.within_opening_hours(unit.opening_hours, now):
        return False
    return kiosk.last_seen_at is None or now - kiosk.last_seen_at > SILENT_AFTER


def serving_at(session: Session, kiosk: Kiosk) -> Official | None:
    """The official marked as serving at the kiosk's desk, if any."""
    desk = session.get(Desk, kiosk.desk_id) if kiosk.desk_id else None
    if desk is None or desk.official_id is None:
        return None
    official = session.get(Official, desk.official_id)
    return official if official is not None and official.active else None


def start_serving(session: Session, *, official_id: int | None, desk: Desk) -> None:
    """Mark ``official_id`` as serving at ``desk`` (and nowhere else)."""
    if official_id is None:
        raise ValidationError(_l("Tài khoản của bạn chưa gắn với một cán bộ; hãy nhờ quản trị viên gắn."))
    official = session.get(Official, official_id)
    if official is None or official.unit_id != desk.unit_id:
        raise NotFound(_l("Không tìm thấy cán bộ tại đơn vị của quầy này."))
    now = utcnow()
    for other in session.exec(select(Desk).where(Desk.official_id == official_id, Desk.id != desk.id)):
        other.official_id, other.serving_since = None, None
        session.add(other)
    desk.official_id, desk.serving_since = official_id, now
    session.add(desk)


def stop_serving(session: Session, *, official_id: int | None) -> None:
    """The official leaves every desk they were marked at; ratings go to the desk alone."""
    if official_id is None:
        return
    for desk in session.exec(select(Desk).where(Desk.official_id == official_id)):
        desk.official_id, desk.serving_since = None, None
        session.add(desk)


def suspect_counts(session: Session, kiosk_ids: list[int], since: datetime) -> dict[int, dict[str, int]]:
    """Per kiosk, how many taps since ``since`` were set aside, by reason (a tap may have several)."""
    counts: dict[int, dict[str, int]] = {}
    if not kiosk_ids:
        return counts
    rows = session.exec(select(Rating.kiosk_id, Rating.suspect_reasons).where(
        Rating.kiosk_id.in_(kiosk_ids), Rating.suspect, Rating.tapped_at >= since))
    for kiosk_id, reasons in rows:
        per_kiosk = counts.setdefault(kiosk_id, {"total": 0})
        per_kiosk["total"] += 1
        for reason in reasons:
            per_kiosk[reason] = per_kiosk.get(reason, 0) + 1
    return counts


def initials(full_name: str) -> str:
    """Vietnamese names end with the given name: "Nguyễn Thị Lan" → "NL"."""
    words = [w for w in (full_name or "").split() if w]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


def state_json(session: Session, kiosk: Kiosk) -> dict:
    """The kiosk's polled state: who serves now and what to ask."""
    return {"kiosk": kiosk.name, "criteria": kiosk.criteria_enabled,
            "serving": official_json(serving_at(session, kiosk)), "version": __version__}


def official_json(official: Official | None) -> dict | None:
    """What the kiosk shows of whoever serves at its desk: name, title, photo or initials."""
    if official is None:
        return None
    photo = photo_url(official)
    return {"code": official.code, "name": official.full_name, "title": official.title,
            "photo": photo, "initials": initials(official.full_name)}


def photo_url(official: Official) -> str | None:
    """An uploaded photo is served from shared storage; its address changes with the photo."""
    if not official.photo or "//" in official.photo:
        return None
    if official.photo.startswith(officials.PHOTO_DIR + "/"):
        return url_for("public.official_photo", official_id=official.id, v=official.photo[-12:-4])
    return url_for("static", filename=official.photo)


def _audit(session: Session, user_id: int | None, action: str, kiosk: Kiosk) -> None:
    session.add(AuditLog(user_id=user_id, action=action, object_type="kiosk", object_id=kiosk.id,
                         details={"name": kiosk.name}))
