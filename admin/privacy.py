"""Personal data requests: find a citizen's data by phone or e-mail, export, correct, anonymise."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin.access import unit_row_or_404
from admin.settings_forms import EmptyForm
from admin.views import bp
from hailong import audit, privacy
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.feedback import format_code
from models import Feedback, Role

PRIVACY_ROLES = (Role.ADMIN, Role.LEADER)


def _subject(query: str):
    """The tickets of one person; the search is logged with what was found, never the phone or e-mail itself."""
    session = db_session()
    tickets = privacy.find_subject(session, current_user.unit_id, query)
    audit.record(session, current_user.id, "privacy.search", "feedback", None,
                 {"by": "email" if "@" in query else "phone", "found": [t.id for t in tickets]})
    return tickets


@bp.get("/privacy")
def privacy_search():
    query = request.args.get("q", "").strip()[:200]
    tickets, error = [], None
    if query:
        try:
            tickets = _subject(query)
        except DomainError as exc:
            error = exc
    return render_template("admin/privacy.html", query=query, tickets=tickets, error=error, form=EmptyForm(),
                           format_code=format_code), (error.status if error else 200)


@bp.get("/privacy/export")
def privacy_export():
    query = request.args.get("q", "").strip()[:200]
    tickets = _subject(query)
    rows = privacy.export_rows(db_session(), tickets)
    audit.record(db_session(), current_user.id, "privacy.export", "feedback", None,
                 {"tickets": [t.id for t in tickets]})
    if request.args.get("format") == "csv":
        return Response(privacy.export_csv(rows), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=du-lieu-ca-nhan.csv"})
    return Response(privacy.export_json(rows), mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=du-lieu-ca-nhan.json"})


@bp.route("/privacy/tickets/<int:ticket_id>/correct", methods=["GET", "POST"])
def privacy_correct(ticket_id: int):
    session = db_session()
    feedback = unit_row_or_404(Feedback, ticket_id, own_unit_only=True)
    form, error = EmptyForm(), None
    if form.validate_on_submit():
        try:
            changed = privacy.correct(session, feedback, current_user.id, request.form)
        except DomainError as exc:
            error = exc
        else:
            flash(_("Đã sửa: %(f)s.", f=", ".join(changed) or _("không có thay đổi")), "success")
            return redirect(url_for("admin.privacy_search", q=feedback.phone or feedback.email or ""), 303)
    elif request.method == "POST":
        abort(400)
    audit.record(session, current_user.id, "view_personal_data", "feedback", feedback.id, {"page": "privacy"})
    if error:
        session.commit()  # the view above is recorded even though the form is refused
    return render_template("admin/privacy_correct.html", feedback=feedback, form=form, error=error,
                           values=request.form if error else feedback.__dict__), (error.status if error else 200)


@bp.post("/privacy/anonymise")
def privacy_anonymise():
    if not EmptyForm().validate_on_submit():
        abort(400)
    tickets = _subject(request.form.get("q", "").strip()[:200])
    for feedback in tickets:
        privacy.anonymise(db_session(), feedback, current_user.id)
    flash(_("Đã ẩn danh thông tin liên hệ trong %(n)s phản ánh, kiến nghị.", n=len(tickets)), "success")
    return redirect(url_for("admin.privacy_search"), 303)
