"""Closing a period from the report page (issue 10): the close form, the issued reports and
their re-print from the frozen snapshot; the snapshot and the live-versus-issued difference are
``hailong.closing``'s."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length

from admin.access import unit_row_or_404
from admin.views import bp
from hailong import audit, closing, reporting
from hailong.db import db_session
from hailong.errors import DomainError
from models import PeriodClosing, Role, User

REPORT_ARGS = ("unit", "kind", "year", "n", "from", "to")


class CloseForm(FlaskForm):
    number = StringField(_l("Số báo cáo"), validators=[
        DataRequired(_l("Vui lòng nhập số báo cáo.")), Length(max=closing.NUMBER_MAX, message=_l("Tối đa 40 ký tự."))])
    issued_on = DateField(_l("Ngày ban hành"), validators=[DataRequired(_l("Vui lòng nhập ngày ban hành."))])


def report_context(context: dict) -> dict:
    """What the report page adds about closing: the closing of this period, or the form to close it."""
    session, scope, period = db_session(), context["scope"], context["period"]
    found = closing.closing_for(session, scope.unit.id if scope.unit else None, period)
    result = {"closing": found, "close_form": None, "report_args": _report_args()}
    if found is None:
        can_close = current_user.role == Role.LEADER and scope.unit is not None
        result["close_form"] = CloseForm(data={"issued_on": context["today"]}) if can_close else None
        return result
    live = closing.snapshot(context)
    result["closing_diff"] = closing.difference(found.snapshot, live)
    result["late"] = closing.late_arrivals(session, found, scope.unit_ids)
    result["closed_by"] = session.get(User, found.closed_by_id)
    return result


def _report_args() -> dict:
    return {key: value for key, value in request.args.items() if key in REPORT_ARGS}


# --- routes -------------------------------------------------------------------------------


@bp.post("/reports/close")
def report_close():
    from admin.figures_views import _periodic_report  # the same report the page shows

    args = _report_args()
    back = url_for("admin.report", **args)
    context = _periodic_report()
    if context["scope"].unit is None:
        raise DomainError(_("Hãy chọn một đơn vị để chốt số liệu."), status=400)
    form = CloseForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(back), 303
    session = db_session()
    try:
        found = closing.close_period(session, unit=context["scope"].unit, period=context["period"],
                                     kind=context["kind"],
                                     number=form.number.data, issued_on=form.issued_on.data, as_of=context["today"],
                                     user_id=current_user.id, snapshot=closing.snapshot(context))
    except DomainError as error:
        flash(error.message, "error")
        for message in error.fields.values():
            flash(message, "error")
        return redirect(back), 303
    audit.record(session, current_user.id, "report.close", "period_closing", found.id,
                 {"start": found.period_start.isoformat(), "end": found.period_end.isoformat(), "number": found.number})
    flash(_("Đã chốt số liệu. Báo cáo đã ban hành được lưu nguyên để in lại."), "success")
    return redirect(back), 303


@bp.get("/reports/issued")
def reports_issued():
    session = db_session()
    scope = reporting.scope_for(session, current_user.unit_id)
    return render_template("admin/reports_issued.html", closings=closing.closings(session, scope.unit_ids))


@bp.get("/reports/issued/<int:closing_id>")
def report_issued(closing_id: int):
    found = unit_row_or_404(PeriodClosing, closing_id)
    return render_template("admin/report_issued.html", closing=found, issued=found.snapshot,
                           closed_by=db_session().get(User, found.closed_by_id))
