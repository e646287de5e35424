"""The PAKN inbox and ticket page: every step of the workflow, one thin view each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from admin import audit_words
from admin.views import bp
from hailong import access, audit, outbox, papers, replies, workdays, workflow
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.feedback import CODE_ALPHABET, CODE_LENGTH, format_code, normalise_code
from models import (
    Channel, Extension, Feedback, FeedbackEvent, FeedbackStatus, Role, ServiceArea, Unit, User,
    local_date_of, utcnow,
)

PAGE_SIZE = 50
SEARCH_COUNT_CAP = 1000
S = FeedbackStatus


# --- inbox ---------------------------------------------------------------------------------


@dataclass
class InboxFilters:
    status: str = ""
    area: int | None = None
    assignee: str = ""
    channel: str = ""
    due: str = ""
    q: str = ""
    sort: str = "due"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "InboxFilters":
        def as_int(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(status=args.get("status", "") if args.get("status") in S._value2member_map_ else "",
                   area=as_int("area"), assignee=args.get("assignee", "")[:12],
                   channel=args.get("channel", "") if args.get("channel") in Channel._value2member_map_ else "",
                   due=args.get("due", "") if args.get("due") in ("overdue", "soon", "week") else "",
                   q=args.get("q", "").strip()[:100], sort="received" if args.get("sort") == "received" else "due",
                   page=max(1, min(as_int("page") or 1, 10_000)))

    def args(self, **changes) -> dict:
        values = {k: v for k, v in vars(self).items() if v not in ("", None)} | changes
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)
                and not (k == "sort" and v == "due")}


def _conditions(session, filters: InboxFilters, calendar, today: date) -> list:
    conditions = [access.visible_clause(session, current_user)]
    if filters.area:
        conditions.append(Feedback.service_area_id == filters.area)
    if filters.assignee == "me":
        conditions.append(Feedback.assignee_id == current_user.id)
    elif filters.assignee == "none":
        conditions.append(Feedback.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        conditions.append(Feedback.assignee_id == int(filters.assignee))
    if filters.channel:
        conditions.append(Feedback.channel == filters.channel)
    if filters.due:
        conditions.append(_due_condition(filters.due, calendar, today))
    if filters.q:
        conditions.append(_search_condition(filters.q))
    return conditions


def _due_condition(due: str, calendar, today: date):
    received, running = Feedback.status == S.RECEIVED, Feedback.status == S.IN_PROGRESS
    if due == "overdue":
        return ((received & (Feedback.classify_due < today)) | (running & (Feedback.due_date < today)))
    last = workflow.due_soon_cutoff(calendar, today) if due == "soon" else today + timedelta(days=6 - today.weekday())
    return ((received & Feedback.classify_due.between(today, last))
            | (running & Feedback.due_date.between(today, last)))


def _is_exact(q: str) -> bool:
    code = normalise_code(q)
    return (len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)) or q.split("/")[0].strip().isdigit()


def _counts(session, conditions, *, text_search: bool) -> tuple[dict, bool]:
    """Tickets per state in one grouped query. A text search cannot use an index, so its counts
    stop at SEARCH_COUNT_CAP matches rather than scanning a province's whole register."""
    if not text_search:
        return dict(session.exec(
            select(Feedback.status, sa.func.count()).where(*conditions).group_by(Feedback.status)).all()), False
    matches = select(Feedback.status).where(*conditions).limit(SEARCH_COUNT_CAP + 1).subquery()
    counts = dict(session.exec(select(matches.c.status, sa.func.count()).group_by(matches.c.status)).all())
    return counts, sum(counts.values()) > SEARCH_COUNT_CAP


def _search_condition(q: str):
    code = normalise_code(q)
    if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code):
        return Feedback.tracking_code == code
    number = q.split("/")[0].strip()
    if number.isdigit():
        return Feedback.register_number == int(number)
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Feedback.content.ilike(f"%{escaped}%", escape="\\")


@bp.get("/tickets")
def inbox():
    session = db_session()
    today = local_date_of(utcnow())
    calendar = workdays.calendar_for(session, current_user.unit_id)
    filters = InboxFilters.from_args(request.args)
    conditions = _conditions(session, filters, calendar, today)
    counts, capped = _counts(session, conditions, text_search=bool(filters.q) and not _is_exact(filters.q))
    if filters.status:
        conditions.append(Feedback.status == filters.status)
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    order = ((Feedback.received_date.desc(), Feedback.id.desc()) if filters.sort == "received"
             else (Feedback.due_date, Feedback.id))
    tickets = session.exec(select(Feedback).where(*conditions).order_by(*order)
                           .offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return render_template("admin/inbox.html", tickets=tickets, counts=counts, total=total, filters=filters,
                           pages=max(1, -(-total // PAGE_SIZE)), capped=capped, areas=_areas(session),
                           staff=_staff(session),
                           deadlines={t.id: workflow.deadline(calendar, t, today) for t in tickets},
                           area_names={a.id: a.name_vi for a in _areas(session)},
                           people={u.id: u.full_name or u.username for u in _staff(session)},
                           statuses=list(S), channels=list(Channel), format_code=format_code)


def _areas(session) -> list[ServiceArea]:
    return list(
        session.exec(
            select(ServiceArea).where(ServiceArea.unit_id == current_user.unit_id).order_by(ServiceArea.name_vi)))


def _staff(session) -> list[User]:
    return list(session.exec(select(User).where(User.unit_id == current_user.unit_id, User.active.is_(True),
                                                User.role.in_([Role.HANDLER, Role.LEADER])).order_by(User.full_name)))


# --- one ticket ----------------------------------------------------------------------------


def _ticket(ticket_id: int, step: str = "view") -> Feedback:
    """The ticket, if the access rule lets the user take ``step`` on it (its state aside: a step in
    the wrong state is the workflow's to refuse, with its message)."""
    session = db_session()
    feedback = session.get(Feedback, ticket_id)
    if feedback is None:
        abort(404)
    if step not in access.permitted_steps(session, current_user, feedback):
        abort(403)
    return feedback


def render_ticket(feedback: Feedback, *, error: DomainError | None = None, form: dict | None = None):
    session = db_session()
    today = local_date_of(utcnow())
    calendar = workdays.calendar_for(session, feedback.unit_id)
    if feedback.contact_anonymised_at is None and not feedback.anonymous:
        # Every staff view of a citizen's identity leaves a trace (NĐ 356/2025).
        audit.record(session, current_user.id, "view_personal_data", "feedback", feedback.id)
        if error:
            session.commit()  # an error page rolls back the request; the view must still be on record
    events = session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id)
                          .order_by(FeedbackEvent.at, FeedbackEvent.id)).all()
    area = workflow.area_of(session, feedback)
    people = {u.id: u.full_name or u.username
              for u in session.exec(select(User).where(User.unit_id == feedback.unit_id))}
    extension = session.exec(select(Extension).where(Extension.feedback_id == feedback.id)).first()
    trail = audit.trail(session, "feedback", feedback.id) if access.may(current_user, "audit") else []
    context = dict(
        feedback=feedback, area=area, events=events, people=people, extension=extension, trail=trail,
        deadline=workflow.deadline(calendar, feedback, today), today=today, code=format_code(feedback.tracking_code),
        staff=_staff(session), messages=outbox.for_ticket(session, feedback.id),
        templates=replies.for_ticket(session, feedback, people.get(feedback.assignee_id, "")),
        reasons=workflow.REJECTION_REASONS, error=error, form=form or {},
        suggested_due=calendar.add_working_days(max(feedback.due_date, today), 5),
        actions=access.allowed_actions(session, current_user, feedback), is_leader=current_user.role == Role.LEADER,
        unit=session.get(Unit, feedback.unit_id), default_signer=papers.default_signer(session, feedback.unit_id),
        action_label=audit_words.action_label, details_text=audit_words.details_text,
        can_reopen_until=(feedback.answered_at + workflow.REOPEN_WITHIN)
        if feedback.answered_at else None,
    )
    return render_template("admin/ticket.html", **context), (error.status if error else 200)


@bp.get("/tickets/<int:ticket_id>")
def ticket(ticket_id: int):
    return render_ticket(_ticket(ticket_id))


def _act(ticket_id: int, name: str, step, success: str):
    """Run the workflow step ``name`` on the ticket if the access rule allows it (403 otherwise); on a
    broken rule show the page again with the message (4xx)."""
    feedback = _ticket(ticket_id, name)
    try:
        step(db_session(), feedback)
    except DomainError as error:
        db_session().rollback()
        feedback = _ticket(ticket_id)
        return render_ticket(feedback, error=error, form=request.form.to_dict())
    flash(success, "success")
    return redirect(url_for("admin.ticket", ticket_id=ticket_id), 303)


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _me():
    return current_user._get_current_object()


@bp.post("/tickets/<int:ticket_id>/accept")
def ticket_accept(ticket_id: int):
    return _act(ticket_id, "accept",
                lambda s, f: workflow.accept(s, f, _me(), assignee_id=request.form.get("assignee")),
                _("Đã tiếp nhận xử lý và giao cán bộ."))


@bp.post("/tickets/<int:ticket_id>/assign")
def ticket_assign(ticket_id: int):
    return _act(ticket_id, "assign",
                lambda s, f: workflow.assign(s, f, _me(), assignee_id=request.form.get("assignee")),
                _("Đã giao lại cán bộ xử lý."))


@bp.post("/tickets/<int:ticket_id>/transfer")
def ticket_transfer(ticket_id: int):
    return _act(ticket_id, "transfer", lambda s, f: workflow.transfer(
        s, f, _me(), body_name=request.form.get("body_name", ""), transferred_on=_date("transferred_on"),
        note=request.form.get("note", "")), _("Đã ghi nhận chuyển cơ quan có thẩm quyền."))


@bp.post("/tickets/<int:ticket_id>/reject")
def ticket_reject(ticket_id: int):
    return _act(ticket_id, "reject", lambda s, f: workflow.reject(
        s, f, _me(), reason=request.form.get("reason", ""), duplicate_code=request.form.get("duplicate_code", ""),
        note=request.form.get("note", "")), _("Đã ghi nhận không tiếp nhận xử lý."))


@bp.post("/tickets/<int:ticket_id>/wait")
def ticket_wait(ticket_id: int):
    return _act(ticket_id, "wait",
                lambda s, f: workflow.wait_for_citizen(s, f, _me(), reason=request.form.get("reason", "")),
                _("Đã chuyển sang chờ người gửi bổ sung; thời hạn tạm dừng."))


@bp.post("/tickets/<int:ticket_id>/resume")
def ticket_resume(ticket_id: int):
    return _act(ticket_id, "resume",
                lambda s, f: workflow.resume(s, f, _me(), calendar=workdays.calendar_for(s, f.unit_id)),
                _("Đã tiếp tục xử lý; hạn giải quyết được lùi theo số ngày tạm dừng."))


@bp.post("/tickets/<int:ticket_id>/note")
def ticket_note(ticket_id: int):
    public = request.form.get("public") == "1"
    return _act(ticket_id, "note_public" if public else "note",
                lambda s, f: workflow.add_note(s, f, _me(), body=request.form.get("body", ""), public=public),
                _("Đã đăng tin trên trang tra cứu.") if public else _("Đã lưu ghi chú nội bộ."))


@bp.post("/tickets/<int:ticket_id>/answer")
def ticket_answer(ticket_id: int):
    if request.form.get("then") == "close_resolved":  # one step when nothing else is needed
        return _act(ticket_id, "answer",
                    lambda s, f: workflow.answer_and_close(s, f, _me(), body=request.form.get("body", "")),
                    _("Đã trả lời và kết thúc: đã giải quyết; người gửi được thông báo."))
    return _act(ticket_id, "answer", lambda s, f: workflow.answer(s, f, _me(), body=request.form.get("body", "")),
                _("Đã trả lời; người gửi được thông báo."))


@bp.post("/tickets/<int:ticket_id>/close")
def ticket_close(ticket_id: int):
    return _act(ticket_id, "close",
                lambda s, f: workflow.close(s, f, _me(), resolution=request.form.get("resolution", ""),
                                                      note=request.form.get("note", "")), _("Đã kết thúc."))


@bp.post("/tickets/<int:ticket_id>/extension")
def ticket_extension(ticket_id: int):
    form = request.form
    return _act(ticket_id, "extension", lambda s, f: workflow.request_extension(
        s, f, _me(), new_due=_date("new_due"), reason=form.get("reason", ""), apology=form.get("apology", ""),
        signer_name=form.get("signer_name", ""), signer_title=form.get("signer_title", ""),
        calendar=workdays.calendar_for(s, f.unit_id)),
        _("Đã gia hạn và lập phiếu xin lỗi.") if current_user.role == Role.LEADER
        else _("Đã gửi đề nghị gia hạn cho lãnh đạo duyệt."))


@bp.post("/tickets/<int:ticket_id>/extension/approve")
def ticket_extension_approve(ticket_id: int):
    return _act(ticket_id, "extension_approve", lambda s, f: workflow.approve_extension(s, f, _me()),
                _("Đã duyệt gia hạn."))


@bp.get("/tickets/<int:ticket_id>/apology")
def ticket_apology(ticket_id: int):
    """The apology letter as a printable A4 page (Phiếu xin lỗi và hẹn lại ngày trả kết quả)."""
    from admin import papers  # the papers module builds on this one's ticket access

    return papers.apology(_ticket(ticket_id))


@bp.get("/audit")
def audit_trail():
    session = db_session()
    before = request.args.get("before", "")
    rows = audit.trail(session, request.args.get("type") or None, None, limit=100,
                       before_id=int(before) if before.isdigit() and len(before) <= 15 else None,
                       unit_id=current_user.unit_id)
    people = {u.id: u.full_name or u.username
              for u in session.exec(select(User).where(User.unit_id == current_user.unit_id))}
    return render_template("admin/audit.html", rows=rows, people=people, action_label=audit_words.action_label,
                           object_label=audit_words.object_label, details_text=audit_words.details_text)
