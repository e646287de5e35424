"""The PAKN inbox and ticket page: every step of the workflow, one thin view each."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from admin import audit_words
from admin.views import bp
from hailong import access, audit, workdays, workflow
from hailong import inbox as queries
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.feedback import format_code
from models import Channel, Feedback, FeedbackStatus, Role, User, local_date_of, utcnow

LEVEL_LABELS = {"very_satisfied": _l("Rất hài lòng"), "satisfied": _l("Hài lòng"), "dissatisfied": _l("Không hài lòng")}
S = FeedbackStatus


@bp.get("/tickets")
def inbox():
    session = db_session()
    today = local_date_of(utcnow())
    calendar = workdays.calendar_for(session, current_user.unit_id)
    filters = queries.InboxFilters.from_args(request.args)
    found = queries.inbox_page(session, current_user, filters, calendar, today)
    areas, staff = queries.areas(session, current_user.unit_id), queries.staff(session, current_user.unit_id)
    return render_template("admin/inbox.html", tickets=found.tickets, counts=found.counts, total=found.total,
                           filters=filters, pages=found.pages, capped=found.capped, areas=areas, staff=staff,
                           deadlines={t.id: workflow.deadline(calendar, t, today) for t in found.tickets},
                           area_names={a.id: a.name_vi for a in areas},
                           people={u.id: u.full_name or u.username for u in staff},
                           statuses=list(S), channels=list(Channel), format_code=format_code)


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
    if queries.record_view(session, current_user, feedback) and error:
        session.commit()  # an error page rolls back the request; the view must still be on record
    context = dict(
        queries.ticket_details(session, current_user, feedback), feedback=feedback,
        deadline=workflow.deadline(calendar, feedback, today), today=today, code=format_code(feedback.tracking_code),
        reasons=workflow.REJECTION_REASONS, error=error, form=form or {},
        suggested_due=calendar.add_working_days(max(feedback.due_date, today), 5),
        is_leader=current_user.role == Role.LEADER, level_labels=LEVEL_LABELS,
        action_label=audit_words.action_label, details_text=audit_words.details_text,
        can_reopen_until=(feedback.answered_at + workflow.REOPEN_WITHIN) if feedback.answered_at else None,
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
