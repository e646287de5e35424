"""The audit trail: who did what to which record, including every staff view of personal data.

Rows are only ever added (the database refuses UPDATE and DELETE on auditlog). Details never
hold a citizen's contact data, so anonymisation never has to touch the trail.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, or_, select

from models import AuditLog, Feedback, Kiosk, User, utcnow


def record(session: Session, user_id: int | None, action: str, object_type: str, object_id: int | None = None,
           details: dict | None = None, now: datetime | None = None) -> AuditLog:
    """Append one row to the audit trail."""
    row = AuditLog(user_id=user_id, action=action, object_type=object_type, object_id=object_id,
                   details=details or {}, at=now or utcnow())
    session.add(row)
    return row


def trail(session: Session, object_type: str | None = None, object_id: int | None = None, *, limit: int = 100,
          before_id: int | None = None, unit_id: int | None = None) -> list[AuditLog]:
    """The newest rows first, optionally for one record or one unit's staff; keyset paging by ``before_id``."""
    query = select(AuditLog)
    if unit_id is not None:
        query = query.outerjoin(User, User.id == AuditLog.user_id).where(
            or_(User.unit_id == unit_id, _anonymous_in(unit_id)))
    if object_type:
        query = query.where(AuditLog.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditLog.object_id == object_id)
    if before_id:
        query = query.where(AuditLog.id < before_id)
    return list(session.exec(query.order_by(AuditLog.id.desc()).limit(limit)))


def _anonymous_in(unit_id: int):
    """Rows without a user (a citizen reopening, a kiosk pairing) that are about the unit's own
    tickets or kiosks: another commune's citizens are none of this unit's business."""
    tickets = select(Feedback.id).where(Feedback.unit_id == unit_id)
    kiosks = select(Kiosk.id).where(Kiosk.unit_id == unit_id)
    return AuditLog.user_id.is_(None) & (
        ((AuditLog.object_type == "feedback") & AuditLog.object_id.in_(tickets))
        | ((AuditLog.object_type == "kiosk") & AuditLog.object_id.in_(kiosks)))
