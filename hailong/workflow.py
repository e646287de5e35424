"""The life of a PAKN after intake (NĐ 20/2008): classify, handle, answer, close — on time.

Every transition takes the Session and the acting user, refuses an illegal move with a
DomainError, and leaves a FeedbackEvent (public ones make the status page's timeline) and an
AuditLog row. Nothing here commits: the request (or the CLI command) does, once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong import audit, outbox, workdays
from hailong.errors import Conflict, DomainError, ValidationError
from hailong.feedback import find_by_code, format_code
from hailong.labels import REJECTION_REASONS
from models import (
    LOCAL_TZ, AuditLog, Extension, Feedback, FeedbackEvent, FeedbackStatus, Level, Resolution, Role, ServiceArea, User,
    local_date_of, utcnow,
)

S = FeedbackStatus
OPEN = (S.RECEIVED, S.IN_PROGRESS, S.WAITING)  # the handling has not finished
CLOCK_RUNNING = (S.RECEIVED, S.IN_PROGRESS)  # waiting for the citizen pauses the clock
DUE_SOON_DAYS = 2
REOPEN_WITHIN = timedelta(days=30)
NOTE_MAX = 5000

# What the citizen is told to do instead: a complaint or a denunciation has its own procedure.
REJECTION_GUIDANCE = {
    "complaint": _l("Nội dung của ông/bà là khiếu nại, được giải quyết theo Luật Khiếu nại năm 2011, không theo thủ "
                    "tục phản ánh, kiến nghị. Đề nghị ông/bà gửi đơn khiếu nại đến người đã ra quyết định hành chính "
                    "hoặc thủ trưởng cơ quan có hành vi hành chính bị khiếu nại (khiếu nại lần đầu), trong thời hiệu "
                    "90 ngày."),
    "denunciation": _l("Nội dung của ông/bà là tố cáo, được giải quyết theo Luật Tố cáo năm 2018. Đề nghị ông/bà gửi "
                       "đơn tố cáo ghi rõ họ tên, địa chỉ, nội dung tố cáo đến cơ quan, người có thẩm quyền quản lý "
                       "người bị tố cáo; người tố cáo được giữ bí mật thông tin cá nhân."),
    "missing_info": _l("Phản ánh, kiến nghị cần ghi rõ họ tên, địa chỉ và số điện thoại hoặc thư điện tử của người gửi "
                       "(Nghị định 20/2008/NĐ-CP). Ông/bà có thể gửi lại với đầy đủ thông tin."),
    "duplicate": _l("Nội dung này đã được tiếp nhận và đang được xử lý theo mã tra cứu %(code)s."),
    "out_of_scope": _l("Nội dung không thuộc phạm vi phản ánh, kiến nghị về quy định hành chính."),
}


# --- deadlines -----------------------------------------------------------------------------


def active_due(feedback: Feedback) -> date:
    """The deadline that matters now: classification while received, resolution afterwards."""
    return feedback.classify_due if feedback.status == S.RECEIVED else feedback.due_date


@dataclass(frozen=True)
class Deadline:
    state: str  # "overdue", "due_soon", "ok", "paused" or "done"
    due: date
    days_left: int  # working days from today to the deadline; negative when overdue
    rescheduled_to: date | None = None  # the appointment given after the deadline passed ("quá hạn, đã hẹn lại")


def deadline(calendar: workdays.WorkCalendar, feedback: Feedback, today: date) -> Deadline:
    """Where a ticket stands against its deadline, counted in working days."""
    due = active_due(feedback)
    left = calendar.working_days_between(today, due)
    if feedback.status == S.WAITING:
        return Deadline("paused", due, left)
    if feedback.status not in CLOCK_RUNNING:
        return Deadline("done", due, left)
    if due < today:
        return Deadline("overdue", due, left, feedback.rescheduled_to)
    return Deadline("due_soon" if left <= DUE_SOON_DAYS else "ok", due, left)


def due_soon_cutoff(calendar: workdays.WorkCalendar, today: date) -> date:
    """The last date that still counts as due soon (within two working days)."""
    return calendar.add_working_days(today, DUE_SOON_DAYS)


# --- the steps -----------------------------------------------------------------------------


def _event(session, feedback, actor, kind, *, public, body="", data=None, now=None) -> FeedbackEvent:
    event = FeedbackEvent(feedback_id=feedback.id, actor_id=actor.id if actor else None, kind=kind, public=public,
                          body=body, data=data or {}, at=now or utcnow())
    session.add(event)
    audit.record(session, actor.id if actor else None, f"feedback.{kind}", "feedback", feedback.id,
                 {"status": feedback.status, **_safe(data)}, now=now)
    return event


def _safe(data) -> dict:
    """Event data fit for the audit trail: dates and codes, never free text or contact data."""
    return {k: v for k, v in (data or {}).items() if k not in {"body", "text"}}


def _require(feedback: Feedback, *states: FeedbackStatus) -> None:
    if feedback.status not in states:
        raise Conflict(_l("Không thể thực hiện ở trạng thái hiện tại của phản ánh, kiến nghị."),
                       code="illegal_transition")


def _require_role(actor: User, *roles: Role) -> None:
    if actor.role not in roles:
        raise DomainError(_l("Bạn không có quyền thực hiện việc này."), status=403, code="forbidden")


def _text(value: str | None, field: str, message, limit: int = NOTE_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, fields={field: message})
    if len(value) > limit:
        raise ValidationError(_l("Dài quá %(n)s ký tự.", n=limit), fields={field: _l("Dài quá %(n)s ký tự.", n=limit)})
    return value


def _handler(session: Session, feedback: Feedback, user_id) -> User:
    try:
        user = session.get(User, int(user_id))
    except (TypeError, ValueError):
        user = None
    if (user is None or not user.active or user.unit_id != feedback.unit_id
            or user.role not in (Role.HANDLER, Role.LEADER)):
        message = _l("Vui lòng chọn cán bộ xử lý.")
        raise ValidationError(message, fields={"assignee": message})
    return user


def accept(session: Session, feedback: Feedback, actor: User, *, assignee_id, now: datetime | None = None) -> None:
    """Classify as within competence and assign a handler (leaders only)."""
    _require_role(actor, Role.LEADER)
    _require(feedback, S.RECEIVED)
    now = now or utcnow()
    handler = _handler(session, feedback, assignee_id)
    feedback.status, feedback.within_competence, feedback.classified_at = S.IN_PROGRESS, True, now
    feedback.assignee_id = handler.id
    _event(session, feedback, actor, "classified", public=True, data={"assignee_id": handler.id}, now=now)
    outbox.queue_staff(session, handler, feedback, "assigned")


def assign(session: Session, feedback: Feedback, actor: User, *, assignee_id, now: datetime | None = None) -> None:
    """Hand an accepted ticket to another handler (leaders only)."""
    _require_role(actor, Role.LEADER)
    _require(feedback, S.IN_PROGRESS, S.WAITING)
    handler = _handler(session, feedback, assignee_id)
    previous, feedback.assignee_id = feedback.assignee_id, handler.id
    _event(session, feedback, actor, "assigned", public=False, data={"from": previous, "to": handler.id}, now=now)
    outbox.queue_staff(session, handler, feedback, "assigned")


def transfer(session: Session, feedback: Feedback, actor: User, *, body_name: str, transferred_on: date | None,
             note: str = "", now: datetime | None = None) -> None:
    """Outside competence: record which body it went to and when (NĐ 20/2008: within 5 working days)."""
    _require_role(actor, Role.LEADER)
    _require(feedback, S.RECEIVED)
    now = now or utcnow()
    body_name = _text(body_name, "body_name", _l("Vui lòng nhập cơ quan có thẩm quyền."), 200)
    if transferred_on is None or transferred_on < feedback.received_date or transferred_on > local_date_of(now):
        message = _l("Ngày chuyển phải từ ngày tiếp nhận đến hôm nay.")
        raise ValidationError(message, fields={"transferred_on": message})
    feedback.status, feedback.within_competence, feedback.classified_at = S.TRANSFERRED, False, now
    feedback.transferred_to, feedback.handled_date = body_name, transferred_on
    late = transferred_on > feedback.classify_due
    _event(session, feedback, actor, "transferred", public=True, body=note.strip(),
           data={"to": body_name, "on": transferred_on.isoformat(), "late": late}, now=now)
    outbox.queue_citizen(session, feedback, "closed")


def reject(session: Session, feedback: Feedback, actor: User, *, reason: str, duplicate_code: str = "",
           note: str = "", now: datetime | None = None) -> None:
    """Refuse with a reason from the list; a complaint or denunciation gets guidance to its procedure."""
    _require_role(actor, Role.LEADER)
    _require(feedback, S.RECEIVED)
    now = now or utcnow()
    if reason not in REJECTION_REASONS:
        message = _l("Vui lòng chọn lý do không tiếp nhận.")
        raise ValidationError(message, fields={"reason": message})
    data = {"reason": reason}
    if reason == "duplicate":
        original = find_by_code(session, duplicate_code or "")
        if original is None or original.id == feedback.id or original.unit_id != feedback.unit_id:
            message = _l("Vui lòng nhập mã tra cứu của phản ánh, kiến nghị bị trùng.")
            raise ValidationError(message, fields={"duplicate_code": message})
        feedback.duplicate_of_id = original.id
        data["duplicate_of"] = format_code(original.tracking_code)
    feedback.status, feedback.within_competence, feedback.classified_at = S.REJECTED, False, now
    feedback.rejection_reason, feedback.handled_date = reason, local_date_of(now)
    _event(session, feedback, actor, "rejected", public=True, body=note.strip(), data=data, now=now)
    outbox.queue_citizen(session, feedback, "closed")


def wait_for_citizen(session: Session, feedback: Feedback, actor: User, *, reason: str,
                     now: datetime | None = None) -> None:
    """Ask the citizen for something; the deadline clock stops until the ticket resumes."""
    _require_role(actor, Role.LEADER, Role.HANDLER)
    _require(feedback, S.IN_PROGRESS)
    now = now or utcnow()
    reason = _text(reason, "reason", _l("Vui lòng ghi cần người gửi bổ sung gì."))
    feedback.status, feedback.waiting_since = S.WAITING, local_date_of(now)
    _event(session, feedback, actor, "waiting", public=True, body=reason, now=now)


def resume(session: Session, feedback: Feedback, actor: User, *, calendar: workdays.WorkCalendar,
           now: datetime | None = None) -> int:
    """Restart the clock; the due date moves by the working days the ticket waited."""
    _require_role(actor, Role.LEADER, Role.HANDLER)
    _require(feedback, S.WAITING)
    now = now or utcnow()
    paused = workdays.paused_extension(calendar, feedback.waiting_since, local_date_of(now))
    old_due = feedback.due_date
    feedback.due_date = calendar.add_working_days(old_due, paused)
    feedback.status, feedback.waiting_since = S.IN_PROGRESS, None
    _event(session, feedback, actor, "resumed", public=True, now=now,
           data={"paused_days": paused, "old_due": old_due.isoformat(), "new_due": feedback.due_date.isoformat()})
    return paused


def add_note(session: Session, feedback: Feedback, actor: User, *, body: str, public: bool = False,
             now: datetime | None = None) -> FeedbackEvent:
    """An internal note (never leaves the back office) or a public message on the status page."""
    body = _text(body, "body", _l("Vui lòng nhập nội dung."))
    if public:
        _require_role(actor, Role.LEADER, Role.HANDLER)
        _require(feedback, *OPEN)
    return _event(session, feedback, actor, "message" if public else "note", public=public, body=body, now=now)


def answer(session: Session, feedback: Feedback, actor: User, *, body: str, now: datetime | None = None) -> None:
    """The public reply that ends the handling; the handled date counts toward on-time figures."""
    _require_role(actor, Role.LEADER, Role.HANDLER)
    _require(feedback, S.IN_PROGRESS)
    now = now or utcnow()
    body = _text(body, "body", _l("Vui lòng nhập nội dung trả lời."))
    feedback.status, feedback.answered_at, feedback.handled_date = S.ANSWERED, now, local_date_of(now)
    _event(session, feedback, actor, "answered", public=True, body=body,
           data={"on_time": feedback.handled_date <= feedback.due_date and feedback.rescheduled_to is None}, now=now)
    outbox.queue_citizen(session, feedback, "answered")


def close(session: Session, feedback: Feedback, actor: User, *, resolution: str, note: str = "",
          now: datetime | None = None) -> None:
    """Close an answered ticket as resolved or not resolved."""
    _require_role(actor, Role.LEADER, Role.HANDLER)
    _require(feedback, S.ANSWERED)
    if resolution not in Resolution._value2member_map_:
        message = _l("Vui lòng chọn đã giải quyết hoặc chưa giải quyết được.")
        raise ValidationError(message, fields={"resolution": message})
    now = now or utcnow()
    feedback.status, feedback.resolution, feedback.closed_at = S.CLOSED, resolution, now
    _event(session, feedback, actor, "closed", public=True, body=note.strip(), data={"resolution": resolution}, now=now)
    outbox.queue_citizen(session, feedback, "closed")


def answer_and_close(session: Session, feedback: Feedback, actor: User, *, body: str,
                     now: datetime | None = None) -> None:
    """Answer and close as resolved in one step, when the answer settles the matter (two steps, one click)."""
    now = now or utcnow()
    answer(session, feedback, actor, body=body, now=now)
    close(session, feedback, actor, resolution=Resolution.RESOLVED, now=now)


# --- the citizen's side --------------------------------------------------------------------


def can_reopen(feedback: Feedback, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (feedback.status in (S.ANSWERED, S.CLOSED) and feedback.answered_at is not None
            and now - feedback.answered_at <= REOPEN_WITHIN and (feedback.phone or feedback.email) is not None)


def proves_identity(feedback: Feedback, proof: str) -> bool:
    """The last four digits of the phone given with the ticket (or the e-mail, when there was no phone)."""
    proof = (proof or "").strip()
    if feedback.phone:
        return len(proof) == 4 and proof == feedback.phone[-4:]
    return bool(feedback.email) and proof.lower() == feedback.email


# Four digits are 10,000 guesses: per ticket (whatever the address) only a few wrong ones a day.
MAX_PROOF_FAILURES_PER_DAY = 5


class TooManyProofs(DomainError):
    status = 429
    code = "too_many_proofs"


def _check_proof(session: Session, feedback: Feedback, proof: str, now: datetime) -> None:
    """Refuse a wrong proof, recording it (the caller commits the record though the request fails)."""
    since = datetime.combine(local_date_of(now), datetime.min.time(), LOCAL_TZ)
    failures = session.exec(select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "feedback", AuditLog.object_id == feedback.id,
        AuditLog.action == "feedback.reopen_proof_failed", AuditLog.at >= since)).one()
    if failures >= MAX_PROOF_FAILURES_PER_DAY:
        raise TooManyProofs(_l("Đã nhập sai quá nhiều lần hôm nay. Vui lòng thử lại vào ngày mai hoặc liên hệ "
                               "bộ phận một cửa của UBND xã."))
    if not proves_identity(feedback, proof):
        audit.record(session, None, "feedback.reopen_proof_failed", "feedback", feedback.id, now=now)
        message = _l("Bốn số cuối điện thoại không đúng.")
        raise ValidationError(message, fields={"proof": message}, code="bad_proof")


def reopen(session: Session, feedback: Feedback, *, proof: str, reason: str, now: datetime | None = None) -> None:
    """The citizen says it is not solved: the ticket is open again and no longer counts as resolved."""
    now = now or utcnow()
    if not can_reopen(feedback, now):
        raise Conflict(_l("Phản ánh, kiến nghị này không thể mở lại (đã quá thời hạn hoặc chưa được trả lời)."),
                       code="cannot_reopen")
    _check_proof(session, feedback, proof, now)
    reason = _text(reason, "reason", _l("Vui lòng cho biết vì sao chưa được giải quyết."), 2000)
    old = {"answered_at": feedback.answered_at.isoformat(), "handled_date": feedback.handled_date.isoformat(),
           "closed_at": feedback.closed_at.isoformat() if feedback.closed_at else None,
           "resolution": feedback.resolution, "citizen_level": feedback.citizen_level}
    feedback.status, feedback.reopened_at = S.IN_PROGRESS, now
    # The citizen's rating of the handling is kept (DESIGN.md): reopening must not wipe a "Không hài lòng".
    feedback.handled_date = feedback.answered_at = feedback.closed_at = feedback.resolution = None
    _event(session, feedback, None, "reopened", public=True, body=reason, data=old, now=now)
    if feedback.assignee_id and (handler := session.get(User, feedback.assignee_id)):
        outbox.queue_staff(session, handler, feedback, "reopened")


def rate_handling(session: Session, feedback: Feedback, *, level: str, now: datetime | None = None) -> None:
    """The citizen's satisfaction with how the PAKN was handled (QĐ 766: three levels), once."""
    if feedback.status not in (S.ANSWERED, S.CLOSED):
        raise Conflict(_l("Chỉ đánh giá được sau khi đã có trả lời."), code="not_answered")
    if feedback.citizen_level is not None:
        raise Conflict(_l("Ông/bà đã đánh giá rồi. Cảm ơn ông/bà."), code="already_rated")
    if level not in Level._value2member_map_:
        message = _l("Vui lòng chọn một mức đánh giá.")
        raise ValidationError(message, fields={"level": message})
    now = now or utcnow()
    feedback.citizen_level, feedback.citizen_rated_at = level, now
    _event(session, feedback, None, "rated", public=False, data={"level": level}, now=now)


# --- extension and the apology letter -------------------------------------------------------


def request_extension(session: Session, feedback: Feedback, actor: User, *, new_due: date | None, reason: str,
                      apology: str, signer_name: str, signer_title: str, calendar: workdays.WorkCalendar,
                      now: datetime | None = None) -> Extension:
    """Draft the one extension and its apology letter; a leader approves it (a leader's own draft at once)."""
    _require_role(actor, Role.LEADER, Role.HANDLER)
    _require(feedback, S.IN_PROGRESS, S.WAITING)
    if feedback.original_due_date is not None or feedback.rescheduled_to is not None or session.exec(
            select(Extension).where(Extension.feedback_id == feedback.id)).first():
        raise Conflict(_l("Mỗi phản ánh, kiến nghị chỉ được gia hạn một lần."), code="already_extended")
    now = now or utcnow()
    errors = {}
    if new_due is None or new_due <= max(feedback.due_date, local_date_of(now)) or not calendar.is_working_day(new_due):
        errors["new_due"] = _l("Ngày hẹn mới phải là ngày làm việc sau hạn hiện tại và sau hôm nay.")
    for field, value in (("reason", reason), ("apology", apology), ("signer_name", signer_name),
                         ("signer_title", signer_title)):
        if not (value or "").strip():
            errors[field] = _l("Vui lòng điền mục này.")
    if errors:
        raise ValidationError(_l("Phiếu xin lỗi chưa đầy đủ."), fields=errors)
    today = local_date_of(now)
    extension = Extension(feedback_id=feedback.id, letter_number=_letter_number(session, feedback, today),
                          letter_date=today, state_when_late=feedback.status, original_due_date=feedback.due_date,
                          new_due_date=new_due, reason=reason.strip(), apology=apology.strip(),
                          signer_name=signer_name.strip()[:120], signer_title=signer_title.strip()[:120],
                          requested_by_id=actor.id, requested_at=now)
    session.add(extension)
    _event(session, feedback, actor, "extension_requested", public=False, data={"new_due": new_due.isoformat()},
           now=now)
    if actor.role == Role.LEADER:
        approve_extension(session, feedback, actor, now=now)
    return extension


def approve_extension(session: Session, feedback: Feedback, actor: User, *, now: datetime | None = None) -> Extension:
    """A leader approves: the due date moves once, the citizen is told and the letter can be printed."""
    _require_role(actor, Role.LEADER)
    _require(feedback, S.IN_PROGRESS, S.WAITING)
    extension = session.exec(select(Extension).where(Extension.feedback_id == feedback.id)).first()
    if extension is None or extension.approved_at is not None:
        raise Conflict(_l("Không có đề nghị gia hạn đang chờ duyệt."), code="no_extension")
    now = now or utcnow()
    extension.approved_by_id, extension.approved_at = actor.id, now
    old_due, late = feedback.due_date, local_date_of(now) > feedback.due_date
    if late:
        # DESIGN.md: granted after the deadline, the letter and the new appointment are still made,
        # but the deadline the figures judge by stays: the ticket is late ("quá hạn, đã hẹn lại").
        feedback.rescheduled_to = extension.new_due_date
    else:
        feedback.original_due_date, feedback.due_date = old_due, extension.new_due_date
    _event(session, feedback, actor, "extended", public=True, now=now,
           data={"old_due": old_due.isoformat(), "new_due": extension.new_due_date.isoformat(),
                 "letter": extension.letter_number, "late": late})
    outbox.queue_citizen(session, feedback, "extended")
    return extension


def _letter_number(session: Session, feedback: Feedback, today: date) -> str:
    count = len(session.exec(select(Extension.id).join(Feedback, Feedback.id == Extension.feedback_id).where(
        Feedback.unit_id == feedback.unit_id, Extension.letter_date >= date(today.year, 1, 1))).all())
    return f"{count + 1:03d}/PXL-{today.year}"


# --- the calendar changes -------------------------------------------------------------------


def move_open_deadlines(session: Session, unit_id: int, before: workdays.WorkCalendar,
                        after: workdays.WorkCalendar) -> int:
    """A day off added (or a make-up day) in settings moves the open tickets' deadlines: the same working
    days from receipt, on the new calendar. A date given in an apology letter stays; returns how many moved."""
    moved = 0
    for feedback in session.exec(select(Feedback).where(Feedback.unit_id == unit_id, Feedback.status.in_(OPEN))):
        old = (feedback.classify_due, feedback.due_date)
        if feedback.status == S.RECEIVED:
            feedback.classify_due = _recounted(before, after, feedback.received_date, feedback.classify_due)
        if feedback.original_due_date is None:
            feedback.due_date = _recounted(before, after, feedback.received_date, feedback.due_date)
        moved += old != (feedback.classify_due, feedback.due_date)
    return moved


def _recounted(before: workdays.WorkCalendar, after: workdays.WorkCalendar, received: date, due: date) -> date:
    return after.add_working_days(received, max(0, before.working_days_between(received, due)))


# --- overdue alerts ------------------------------------------------------------------------


def flag_overdue(session: Session, unit_id: int, today: date) -> int:
    """Tell the assignee (or the leaders) once when a ticket goes overdue; returns how many were flagged."""
    flagged = 0
    candidates = session.exec(select(Feedback).where(
        Feedback.unit_id == unit_id, Feedback.status.in_([S.RECEIVED, S.IN_PROGRESS]),
        Feedback.classify_due < today)).all()
    for feedback in candidates:
        if active_due(feedback) >= today or _already_flagged(session, feedback):
            continue
        for person in _responsible(session, feedback):
            outbox.queue_staff(session, person, feedback, "overdue")
        _event(session, feedback, None, "overdue", public=False, data={"due": active_due(feedback).isoformat()})
        flagged += 1
    return flagged


def _already_flagged(session: Session, feedback: Feedback) -> bool:
    due = active_due(feedback).isoformat()
    events = session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id,
                                                      FeedbackEvent.kind == "overdue")).all()
    return any(event.data.get("due") == due for event in events)


def _responsible(session: Session, feedback: Feedback) -> list[User]:
    if feedback.assignee_id and feedback.status != S.RECEIVED:
        return [session.get(User, feedback.assignee_id)]
    return list(session.exec(select(User).where(User.unit_id == feedback.unit_id, User.role == Role.LEADER,
                                                User.active.is_(True))))


# --- who sees what -------------------------------------------------------------------------


# Who sees which ticket is the access rule's (hailong/access.py); kept here as names for old callers.
from hailong.access import can_see, handler_area_ids, visible_clause  # noqa: E402,F401


def area_of(session: Session, feedback: Feedback) -> ServiceArea | None:
    return session.get(ServiceArea, feedback.service_area_id) if feedback.service_area_id else None
