"""Closing a period from the report page (issue 10): the close form, the issued reports and
their re-print from the frozen snapshot, and the live-versus-issued difference."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length

from admin.views import bp
from hailong import audit, closing, labels, reporting
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.figures import Rate
from models import PeriodClosing, Role, User

REPORT_ARGS = ("unit", "kind", "year", "n", "from", "to")


class CloseForm(FlaskForm):
    number = StringField(_l("Số báo cáo"), validators=[
        DataRequired(_l("Vui lòng nhập số báo cáo.")), Length(max=closing.NUMBER_MAX, message=_l("Tối đa 40 ký tự."))])
    issued_on = DateField(_l("Ngày ban hành"), validators=[DataRequired(_l("Vui lòng nhập ngày ban hành."))])


# --- the snapshot: the issued report as plain JSON ---------------------------------------------


def snapshot(context: dict) -> dict:
    """The figures the printed report shows, frozen: labels in the language it was issued in."""
    report, scope, period = context["report"], context["scope"], context["period"]
    return {
        "unit": scope.unit.name, "kind": context["kind"],
        "kind_label": str(labels.PERIODS[context["kind"]]),
        "start": period.start.isoformat(), "end": period.end.isoformat(), "as_of": context["today"].isoformat(),
        "targets": [_plain(card) for card in report["targets"]],
        "counts": {"ratings": _plain(report["ratings"]), "feedback": _plain(report["feedback"])},
        "register": _plain(report["register"]),
        "qd766": _plain(report["qd766"]),
        "areas": [_row(row) for row in report["areas"]],
        "officials": [_row(row) for row in report["officials"]],
        "communes": [{"unit": row["unit"].name, "satisfaction": _plain(row["ratings"].satisfaction),
                      "on_time": _plain(row["feedback"].on_time_rate),
                      "resolved": _plain(row["feedback"].resolved_rate),
                      "status": row["status"]} for row in report["communes"]],
        "months": [{"month": m.period.start.isoformat(), "total": m.ratings.total,
                    "satisfaction": _plain(m.ratings.satisfaction), "received": m.feedback.received,
                    "on_time": _plain(m.feedback.on_time_rate)} for m in report["months"]],
    }


def _row(row: reporting.Row) -> dict:
    return {"label": row.label, "rank": row.rank, "total": row.figures.total, "dissatisfied": row.figures.dissatisfied,
            "rate": _plain(row.rate)}


def _plain(value):
    """``value`` as JSON: rates with their counts, dataclasses as dicts, labels as text."""
    if isinstance(value, Rate):
        return {"value": value.value, "numerator": value.numerator, "denominator": value.denominator}
    if is_dataclass(value):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)  # lazy strings and anything else a person reads


# --- the difference: live figures beside the issued ones ------------------------------------------

COUNT_LABELS = {
    "total": _l("Lượt đánh giá được tính"),
    "suspect_excluded": _l("Lượt đánh giá đáng ngờ (không tính)"),
}


def difference(issued: dict, live: dict) -> list[dict]:
    """Each target's rate, the tap counts and the PAKN register: issued, live, and live minus issued."""
    live_targets = {card["code"]: card for card in live["targets"]}
    rows = [_diff_row(live_targets.get(card["code"], card)["label"], card.get("value"),
                      live_targets.get(card["code"], {}).get("value"), True) for card in issued["targets"]]
    for key, label in COUNT_LABELS.items():
        rows.append(_diff_row(str(label), issued["counts"]["ratings"].get(key), live["counts"]["ratings"].get(key),
                              False))
    # The register's lines are matched by position (the labels are in the language each was made in);
    # a snapshot from an older layout is left out rather than compared line against the wrong line.
    if len(issued["register"]) == len(live["register"]):
        for (_, before, is_rate), (label, after, _) in zip(issued["register"], live["register"], strict=True):
            rows.append(_diff_row(label, before, after, is_rate))
    return rows


def _diff_row(label: str, issued, live, is_rate: bool) -> dict:
    change = live - issued if issued is not None and live is not None else None
    return {"label": label, "issued": issued, "live": live, "is_rate": is_rate, "change": change,
            "changed": issued != live}


def report_context(context: dict) -> dict:
    """What the report page adds about closing: the closing of this period, or the form to close it."""
    session, scope, period = db_session(), context["scope"], context["period"]
    found = closing.closing_for(session, scope.unit.id if scope.unit else None, period)
    result = {"closing": found, "close_form": None, "report_args": _report_args()}
    if found is None:
        can_close = current_user.role == Role.LEADER and scope.unit is not None
        result["close_form"] = CloseForm(data={"issued_on": context["today"]}) if can_close else None
        return result
    live = snapshot(context)
    result["closing_diff"] = difference(found.snapshot, live)
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
                                     user_id=current_user.id, snapshot=snapshot(context))
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
    session = db_session()
    found = session.get(PeriodClosing, closing_id)
    scope = reporting.scope_for(session, current_user.unit_id)
    if found is None or (scope.unit_ids is not None and found.unit_id not in scope.unit_ids):
        abort(404)
    return render_template("admin/report_issued.html", closing=found, issued=found.snapshot,
                           closed_by=session.get(User, found.closed_by_id))
