"""Personal data requests (Luật BVDLCN 91/2025, NĐ 356/2025): find, export, correct, anonymise.

Anonymising removes the contact data from the ticket and every copy of it: free text of the
ticket, its events and the apology letter, and the outbox. The audit trail never holds
contact data (it records which fields changed, not their values), so it stays append-only.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong import audit, exports
from hailong.errors import ValidationError
from hailong.feedback import _email, _phone, _text, normalise_phone
from models import Extension, Feedback, FeedbackEvent, FeedbackStatus, OutboxMessage, local_date_of, utcnow

REDACTED = "[đã ẩn danh]"
CONTACT_FIELDS = ("name", "phone", "email", "address")
RETENTION_MONTHS = 24


def find_subject(session: Session, unit_id: int, query: str) -> list[Feedback]:
    """Every ticket of the unit carrying this phone number or e-mail address."""
    query = (query or "").strip()
    if "@" in query:
        condition = sa.func.lower(Feedback.email) == query.lower()
    else:
        phone = normalise_phone(query)
        if not re.fullmatch(r"0\d{9,10}", phone):
            message = _l("Nhập số điện thoại hoặc địa chỉ thư điện tử.")
            raise ValidationError(message, fields={"q": message})
        condition = Feedback.phone == phone
    return list(session.exec(select(Feedback).where(Feedback.unit_id == unit_id, condition).order_by(Feedback.id)))


def export_rows(session: Session, tickets: list[Feedback]) -> list[dict]:
    """What the office holds about the person: each ticket with its contact data and public timeline."""
    rows = []
    for t in tickets:
        events = session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == t.id,
                                                          FeedbackEvent.public.is_(True))
                              .order_by(FeedbackEvent.at)).all()
        rows.append({
            "tracking_code": t.tracking_code, "register": f"{t.register_number}/{t.register_year}", "kind": t.kind,
            "received_at": t.received_at.isoformat(), "status": t.status, "content": t.content,
            "name": t.name, "phone": t.phone, "email": t.email, "address": t.address,
            "consent_version": t.consent_version, "consent_at": t.consent_at.isoformat() if t.consent_at else None,
            "timeline": [{"at": e.at.isoformat(), "kind": e.kind, "text": e.body} for e in events],
        })
    return rows


def export_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def export_csv(rows: list[dict]) -> str:
    """The citizen's data as CSV (BOM included), through the one writer that makes text inert."""
    columns = [k for k in rows[0] if k != "timeline"] if rows else ["tracking_code"]
    return exports.csv_text(columns, ([row.get(k) for k in columns] for row in rows))


def correct(session: Session, feedback: Feedback, actor_id: int, data: dict) -> list[str]:
    """Correct the contact data on the citizen's request; returns the names of the fields changed."""
    if feedback.contact_anonymised_at is not None:
        raise ValidationError(_l("Dữ liệu liên hệ đã được ẩn danh."))
    errors: dict = {}
    new = {"name": _text(data.get("name"), "name", 120, errors), "phone": _phone(data.get("phone"), errors),
           "email": _email(data.get("email"), errors), "address": _text(data.get("address"), "address", 300, errors)}
    if errors:
        raise ValidationError(_l("Thông tin chưa hợp lệ."), fields=errors)
    changed = [f for f in CONTACT_FIELDS if getattr(feedback, f) != new[f]]
    for field in changed:
        setattr(feedback, field, new[field])
    for message in session.exec(select(OutboxMessage).where(OutboxMessage.feedback_id == feedback.id,
                                                            OutboxMessage.user_id.is_(None),
                                                            OutboxMessage.status == "pending")):
        message.recipient = feedback.email if message.channel == "email" else feedback.phone
        if not message.recipient:
            message.recipient, message.status = "", "failed"
    audit.record(session, actor_id, "privacy.correct", "feedback", feedback.id, {"fields": changed})
    return changed


def _patterns(feedback: Feedback) -> list[re.Pattern]:
    patterns = []
    for field in CONTACT_FIELDS:
        value = getattr(feedback, field)
        if not value:
            continue
        if field == "phone":
            digits = value.lstrip("0")
            # The number as typed in free text: 0912 345 678, 0912.345.678, +84 912…
            sep = r"[\s.\-]?"
            patterns.append(re.compile(r"(?:\+?84|0)" + sep + sep.join(re.escape(d) for d in digits)))
        else:
            patterns.append(re.compile(re.escape(value), re.IGNORECASE))
    return patterns


def _scrub(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(REDACTED, text)
    return text


def _scrub_json(value, patterns):
    return json.loads(_scrub(json.dumps(value, ensure_ascii=False), patterns)) if value else value


def anonymise(session: Session, feedback: Feedback, actor_id: int | None, now: datetime | None = None) -> None:
    """Remove the contact data from the ticket and every copy of it; the ticket itself stays for the figures."""
    if feedback.contact_anonymised_at is not None:
        return
    now = now or utcnow()
    patterns = _patterns(feedback)
    if patterns:
        feedback.content = _scrub(feedback.content, patterns)
        for event in session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id)):
            event.body, event.data = _scrub(event.body, patterns), _scrub_json(event.data, patterns)
        for extension in session.exec(select(Extension).where(Extension.feedback_id == feedback.id)):
            extension.reason, extension.apology = (_scrub(extension.reason, patterns),
                                                   _scrub(extension.apology, patterns))
        for message in session.exec(select(OutboxMessage).where(OutboxMessage.feedback_id == feedback.id,
                                                                OutboxMessage.user_id.is_(None))):
            message.recipient, message.body = REDACTED, _scrub(message.body, patterns)
            message.subject, message.last_error = (_scrub(message.subject, patterns),
                                                   _scrub(message.last_error, patterns))
            if message.status == "pending":
                message.status = "failed"
    feedback.name = feedback.phone = feedback.email = feedback.address = None
    feedback.contact_anonymised_at = now
    audit.record(session, actor_id, "privacy.anonymise", "feedback", feedback.id, {}, now=now)


def closed_on(feedback: Feedback) -> date | None:
    if feedback.closed_at:
        return local_date_of(feedback.closed_at)
    return feedback.handled_date if feedback.status in (FeedbackStatus.TRANSFERRED, FeedbackStatus.REJECTED) else None


def anonymise_expired(session: Session, *, months: int = RETENTION_MONTHS, now: datetime | None = None) -> int:
    """Anonymise the contact data of tickets closed more than ``months`` ago; returns how many."""
    now = now or utcnow()
    cutoff = now - timedelta(days=round(months * 30.44))
    finished = (FeedbackStatus.CLOSED, FeedbackStatus.TRANSFERRED, FeedbackStatus.REJECTED)
    candidates = session.exec(select(Feedback).where(
        Feedback.contact_anonymised_at.is_(None), Feedback.status.in_(finished),
        sa.or_(Feedback.closed_at < cutoff, Feedback.handled_date < local_date_of(cutoff)))).all()
    count = 0
    for feedback in candidates:
        done = closed_on(feedback)
        if done is not None and done < local_date_of(cutoff):
            anonymise(session, feedback, None, now)
            count += 1
    return count
