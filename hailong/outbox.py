"""Telling people: e-mails and text messages queued in the database and sent by a cron job.

Queuing is part of the request's transaction, so a message exists exactly when the step it
announces was stored. ``send_due`` (``flask --app wsgi send-outbox``) sends what is due over
SMTP (``SMTP_URL``) and an HTTP SMS gateway (``SMS_GATEWAY_URL``: JSON ``{"to", "text"}``),
retrying failures with a growing pause, and gives up after ``MAX_ATTEMPTS``.
"""
from __future__ import annotations

import json
import smtplib
import ssl
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session, select

from models import Feedback, OutboxMessage, OutboxStatus, User, utcnow

BACKOFF_MINUTES = (1, 5, 30, 120, 720)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1


def _code(feedback: Feedback) -> str:
    return f"{feedback.tracking_code[:5]}-{feedback.tracking_code[5:]}"


def _citizen_text(feedback: Feedback, reason: str) -> tuple[str, str]:
    code = _code(feedback)
    subjects = {
        "received": _("Đã tiếp nhận phản ánh, kiến nghị %(code)s", code=code),
        "answered": _("Đã có trả lời phản ánh, kiến nghị %(code)s", code=code),
        "extended": _("Hẹn lại ngày trả lời phản ánh, kiến nghị %(code)s", code=code),
        "closed": _("Đã kết thúc xử lý phản ánh, kiến nghị %(code)s", code=code),
    }
    bodies = {
        "received": _("UBND xã đã tiếp nhận phản ánh, kiến nghị của ông/bà, mã tra cứu %(code)s, hạn trả lời %(due)s.",
                      code=code, due=feedback.due_date.strftime("%d/%m/%Y")),
        "answered": _("Phản ánh, kiến nghị %(code)s đã có trả lời. Mời ông/bà xem và đánh giá mức độ hài lòng.",
                      code=code),
        "extended": _("UBND xã xin lỗi vì chưa trả lời đúng hẹn phản ánh, kiến nghị %(code)s và hẹn lại ngày %(due)s.",
                      code=code, due=feedback.due_date.strftime("%d/%m/%Y")),
        "closed": _("Phản ánh, kiến nghị %(code)s đã kết thúc xử lý.", code=code),
    }
    return subjects[reason], bodies[reason]


def _staff_text(feedback: Feedback, reason: str) -> tuple[str, str]:
    number = f"{feedback.register_number}/{feedback.register_year}"
    texts = {
        "assigned": _("Anh/chị được giao xử lý phản ánh, kiến nghị số %(n)s, hạn %(due)s.", n=number,
                      due=feedback.due_date.strftime("%d/%m/%Y")),
        "overdue": _("Phản ánh, kiến nghị số %(n)s đã quá hạn xử lý.", n=number),
        "reopened": _("Người gửi đã mở lại phản ánh, kiến nghị số %(n)s.", n=number),
    }
    return texts[reason], texts[reason]


def queue_citizen(session: Session, feedback: Feedback, reason: str) -> list[OutboxMessage]:
    """Queue the citizen's e-mail and/or SMS about ``reason`` (received, answered, extended, closed)."""
    if feedback.contact_anonymised_at is not None:
        return []
    with force_locale("vi"):  # citizens are written to in Vietnamese, whoever clicked
        subject, body = _citizen_text(feedback, reason)
    rows = []
    if feedback.email:
        rows.append(OutboxMessage(feedback_id=feedback.id, channel="email", recipient=feedback.email, subject=subject,
                                  body=body, reason=reason))
    if feedback.phone:
        rows.append(OutboxMessage(feedback_id=feedback.id, channel="sms", recipient=feedback.phone, body=body,
                                  reason=reason))
    session.add_all(rows)
    return rows


def queue_staff(session: Session, user: User, feedback: Feedback, reason: str) -> OutboxMessage | None:
    """Queue a note to an official: by e-mail when they have one, otherwise by SMS."""
    with force_locale("vi"):
        subject, body = _staff_text(feedback, reason)
    if user.email:
        row = OutboxMessage(feedback_id=feedback.id, user_id=user.id, channel="email", recipient=user.email,
                            subject=subject, body=body, reason=reason)
    elif user.phone:
        row = OutboxMessage(feedback_id=feedback.id, user_id=user.id, channel="sms", recipient=user.phone, body=body,
                            reason=reason)
    else:
        return None
    session.add(row)
    return row


# --- sending -------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def send_due(session: Session, *, smtp_url: str, sms_gateway_url: str, public_url: str,
             now: datetime | None = None, limit: int = 200) -> SendResult:
    """Send every pending message whose time has come; a channel without settings waits."""
    now = now or utcnow()
    result = SendResult()
    due = session.exec(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING,
                                                   OutboxMessage.next_attempt_at <= now)
                       .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    for message in due:
        url = smtp_url if message.channel == "email" else sms_gateway_url
        if not url:
            result.skipped += 1
            continue
        text = _with_link(session, message, public_url)
        try:
            if message.channel == "email":
                send_email(url, message.recipient, message.subject, text)
            else:
                send_sms(url, message.recipient, text)
        except Exception as error:  # noqa: BLE001 - any failure of the far end is retried
            _failed(message, error, now, result)
        else:
            message.status, message.sent_at, message.last_error = OutboxStatus.SENT, now, ""
            message.attempts += 1
            result.sent += 1
    return result


def _with_link(session: Session, message: OutboxMessage, public_url: str) -> str:
    if message.user_id is None and message.feedback_id:
        feedback = session.get(Feedback, message.feedback_id)
        return f"{message.body}\n{public_url}/feedback/{_code(feedback)}"
    return message.body


def _failed(message: OutboxMessage, error: Exception, now: datetime, result: SendResult) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:300]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        result.failed += 1
    else:
        message.next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[message.attempts - 1])
        result.retried += 1
    result.errors.append(message.last_error)


def send_email(smtp_url: str, to: str, subject: str, text: str) -> None:
    """smtp://user:pass@host:25?from=addr&starttls=1, or smtps://… for TLS from the start."""
    parts = urlsplit(smtp_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    message = EmailMessage()
    message["From"] = query.get("from", "hailong@localhost")
    message["To"], message["Subject"] = to, subject
    message.set_content(text)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25), timeout=20) as smtp:
        if query.get("starttls") == "1":
            smtp.starttls(context=ssl.create_default_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def send_sms(gateway_url: str, to: str, text: str) -> None:
    """POST {"to", "text"} as JSON to the gateway; any status but 2xx is a failure to retry."""
    request = urllib.request.Request(gateway_url, data=json.dumps({"to": to, "text": text}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - the URL is the operator's setting
        if not 200 <= response.status < 300:
            raise RuntimeError(f"gateway answered {response.status}")


def for_ticket(session: Session, feedback_id: int) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.feedback_id == feedback_id)
                             .order_by(OutboxMessage.id)))
