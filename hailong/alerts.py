"""Alerts a leader should see now, stored once and acknowledged with a comment.

- dissatisfied_burst: at one desk, at least half of at least 4 counted taps within 15 minutes
  were dissatisfied (something is going wrong at that counter right now);
- kiosk_silent: a kiosk that neither sent a tap nor called in for two hours of opening time.
Scanning is idempotent (each alert has a unique key), so it can run on every dashboard
load and from ``flask --app wsgi scan-alerts``.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from hailong.errors import Conflict, NotFound
from hailong.ratings import within_opening_hours
from models import Alert, AlertKind, Kiosk, Level, Rating, Unit, local_date_of, utcnow

BURST_WINDOW = timedelta(minutes=15)
BURST_MIN_TAPS = 4
SILENCE = timedelta(hours=2)
SCAN_DAYS = 2


def scan(session: Session, unit_ids: list[int], now: datetime | None = None) -> int:
    """Record new alerts for the units over the last days; returns how many were new."""
    now = now or utcnow()
    found = [*dissatisfied_bursts(session, unit_ids, local_date_of(now) - timedelta(days=SCAN_DAYS - 1)),
             *silent_kiosks(session, unit_ids, now)]
    return _store(session, found)


def dissatisfied_bursts(session: Session, unit_ids: list[int], since: date) -> list[dict]:
    """Windows of 15 minutes at one desk where ≥ half of ≥ 4 taps were dissatisfied (first window per burst)."""
    taps = session.exec(select(Rating.unit_id, Rating.desk_id, Rating.tapped_at, Rating.level).where(
        Rating.unit_id.in_(unit_ids), Rating.local_date >= since, Rating.suspect.is_(False),
        Rating.desk_id.is_not(None),
    ).order_by(Rating.desk_id, Rating.tapped_at)).all()
    found, by_desk = [], {}
    for unit_id, desk_id, tapped_at, level in taps:
        by_desk.setdefault((unit_id, desk_id), []).append((tapped_at, level == Level.DISSATISFIED))
    for (unit_id, desk_id), desk_taps in by_desk.items():
        found.extend(_bursts_at_desk(unit_id, desk_id, desk_taps))
    return found


def _bursts_at_desk(unit_id: int, desk_id: int, taps: list[tuple[datetime, bool]]) -> list[dict]:
    found, start, last_end = [], 0, None
    for end in range(len(taps)):
        while taps[end][0] - taps[start][0] > BURST_WINDOW:
            start += 1
        window = taps[start:end + 1]
        unhappy = sum(1 for _, dissatisfied in window if dissatisfied)
        if len(window) >= BURST_MIN_TAPS and 2 * unhappy >= len(window) and (last_end is None
                                                                             or window[0][0] > last_end):
            first = window[0][0]
            found.append({"unit_id": unit_id, "kind": AlertKind.DISSATISFIED_BURST.value, "desk_id": desk_id,
                          "kiosk_id": None, "key": f"burst:{desk_id}:{first.isoformat()}",
                          "local_date": local_date_of(first), "starts_at": first,
                          "details": {"taps": len(window), "dissatisfied": unhappy}})
            last_end = window[-1][0]  # one alert per burst, not one per overlapping window
    return found


def silent_kiosks(session: Session, unit_ids: list[int], now: datetime) -> list[dict]:
    """Paired kiosks with no contact for SILENCE, when the office has been open all that time."""
    found = []
    rows = session.exec(select(Kiosk, Unit.opening_hours).join(Unit, Unit.id == Kiosk.unit_id).where(
        Kiosk.unit_id.in_(unit_ids), Kiosk.revoked_at.is_(None), Kiosk.paired_at.is_not(None))).all()
    for kiosk, hours in rows:
        last = kiosk.last_seen_at or kiosk.paired_at
        if now - last < SILENCE or not _open_throughout(hours, now - SILENCE, now):
            continue
        day = local_date_of(now)
        found.append({"unit_id": kiosk.unit_id, "kind": AlertKind.KIOSK_SILENT.value, "desk_id": kiosk.desk_id,
                      "kiosk_id": kiosk.id, "key": f"silent:{kiosk.id}:{day.isoformat()}", "local_date": day,
                      "starts_at": last, "details": {"last_seen": last.isoformat(), "kiosk": kiosk.name}})
    return found


def _open_throughout(hours: dict, start: datetime, end: datetime) -> bool:
    step = timedelta(minutes=15)
    moment = start
    while moment <= end:
        if not within_opening_hours(hours, moment):
            return False
        moment += step
    return True


def _store(session: Session, found: list[dict]) -> int:
    if not found:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    statement = insert(Alert.__table__).on_conflict_do_nothing(index_elements=["key"]).returning(Alert.__table__.c.id)
    # Two leaders loading the dashboard at once must not fail on the unique key. One row per
    # statement (alerts are few); RETURNING counts the new ones on every driver (rowcount may be -1).
    return sum(len(session.execute(statement, row | {"created_at": now, "comment": ""}).all()) for row in found)


def for_dashboard(session: Session, unit_ids: list[int] | None, *, commune: bool) -> list[Alert]:
    """The open alerts a leader sees on loading the dashboard. A commune's are scanned for first (idempotent), so a
    burst at a desk shows on the next load without waiting for ``scan-alerts``; wider scopes read what is stored."""
    if commune:
        scan(session, unit_ids)
    return open_alerts(session, unit_ids)


def open_alerts(session: Session, unit_ids: list[int] | None, limit: int = 30) -> list[Alert]:
    query = select(Alert).where(Alert.acknowledged_at.is_(None)).order_by(Alert.starts_at.desc()).limit(limit)
    if unit_ids is not None:
        query = query.where(Alert.unit_id.in_(unit_ids))
    return list(session.exec(query))


def acknowledge(session: Session, *, alert_id: int, user_id: int, unit_ids: list[int] | None, comment: str) -> Alert:
    """A leader saw the alert and says what was done; the alert then leaves the open list."""
    alert = session.get(Alert, alert_id)
    if alert is None or (unit_ids is not None and alert.unit_id not in unit_ids):
        raise NotFound(_l("Không tìm thấy cảnh báo này."))
    if alert.acknowledged_at is not None:
        raise Conflict(_l("Cảnh báo này đã được xác nhận."))
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = user_id
    alert.comment = comment.strip()
    session.add(alert)
    return alert
