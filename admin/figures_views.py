"""Back-office figures: the leader's dashboard, alerts, an official's own page, the periodic
report (A4 and XLSX) and the exports. Routes on the admin blueprint (issue 6)."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin.access import unit_row_or_404
from admin.figures_forms import AcknowledgeForm
from admin.views import bp, landing_url
from hailong import (
    access, alerts, audit, charts, dossier_figures, exports, labels, papers, periodic_report, reporting, workdays,
    workflow,
)
from hailong.db import db_session
from hailong.errors import DomainError, ValidationError
from models import Official, local_date_of, utcnow

EXPORTS = ("register", "ratings", "tickets")


def _today() -> date:
    return local_date_of(utcnow())


def _scope_and_period(default_kind: str = "year"):
    session, args = db_session(), request.args
    scope = reporting.scope_for(session, current_user.unit_id, args.get("unit"))
    kind, period = reporting.period_from(args.get("kind", default_kind), year=args.get("year"), number=args.get("n"),
                                         start=args.get("from"), end=args.get("to"), today=_today())
    return scope, kind, period


@bp.get("")
@bp.get("/")
def dashboard():
    if not access.may(current_user, "reports"):
        return redirect(landing_url())  # handler and desk: their work is the inbox
    session, today = db_session(), _today()
    scope, kind, period = _scope_and_period()
    shown = alerts.for_dashboard(session, scope.unit_ids, commune=scope.is_commune)
    report = periodic_report.build(session, scope, period, today, with_qd766=False)
    detailed = report["breakdowns"]  # a commune's: its taps by area, official, desk, kiosk, channel, hour and weekday
    context = {
        "scope": scope, "kind": kind, "period": period, "today": today, "report": report, "breakdowns": detailed,
        "when": (detailed.hours, detailed.weekdays) if detailed else None,
        "reasons": reporting.top_reasons(session, scope.unit_ids, period) if detailed else [],
        "overdue": _overdue_in_working_days(session, reporting.overdue(session, scope.unit_ids, today), today),
        "alerts": shown,
        "ack_form": AcknowledgeForm(),
    }
    context["charts"] = _dashboard_charts(context)
    return render_template("admin/dashboard.html", **context)


def _overdue_in_working_days(session, rows, today: date) -> list[tuple]:
    """(ticket, area, working days overdue): counted as the ticket's own badge counts them."""
    calendar = workdays.calendar_lookup(session.connection())
    result = []
    for ticket, area in rows:
        deadline = workflow.deadline(calendar(ticket.unit_id), ticket, today)
        result.append((ticket, area, max(-deadline.days_left, 0)))
    return result


def _dashboard_charts(context: dict) -> dict:
    report, months = context["report"], context["report"]["months"]
    axis = [f"{m.period.start:%m/%y}" for m in months]
    targets = {card.code: card.target for card in report["cards"]}
    result = {
        "satisfaction": charts.rate_line(_("Tỷ lệ hài lòng theo tháng"), axis,
                                         {_("Hài lòng"): [m.ratings.satisfaction.value for m in months]},
                                         targets["satisfaction"]),
        "feedback": charts.rate_line(_("PAKN theo tháng"), axis, {
            _("Đúng hạn"): [m.feedback.on_time_rate.value for m in months],
            _("Giải quyết dứt điểm"): [m.feedback.resolved_rate.value for m in months]}),
    }
    if context["reasons"]:
        result["reasons"] = charts.horizontal_bars(_("Lý do không hài lòng"), [
            (str(labels.REASONS.get(code, code)), count) for code, count in context["reasons"]])
    if context["when"]:
        hours, weekdays = context["when"]
        result["hours"] = charts.stacked_counts(_("Theo giờ trong ngày"), [f"{h}h" for h in hours], {
            _("Không hài lòng"): [f.dissatisfied for f in hours.values()],
            _("Hài lòng và rất hài lòng"): [f.satisfied + f.very_satisfied for f in hours.values()]})
        result["weekdays"] = charts.stacked_counts(_("Theo thứ trong tuần"),
                                                    [str(labels.WEEKDAYS[d]) for d in weekdays], {
            _("Không hài lòng"): [f.dissatisfied for f in weekdays.values()],
            _("Hài lòng và rất hài lòng"): [f.satisfied + f.very_satisfied for f in weekdays.values()]})
    return result


@bp.post("/alerts/<int:alert_id>/acknowledge")
def acknowledge_alert(alert_id: int):
    form = AcknowledgeForm()
    back = url_for("admin.dashboard", **{k: v for k, v in request.args.items() if k in ("unit", "kind", "year", "n")})
    if not form.validate_on_submit():
        for error in form.comment.errors:
            flash(error, "error")
        return redirect(back), 303
    session = db_session()
    scope = reporting.scope_for(session, current_user.unit_id)
    try:
        alerts.acknowledge(session, alert_id=alert_id, user_id=current_user.id, unit_ids=scope.unit_ids,
                           comment=form.comment.data)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back), 303
    flash(_("Đã xác nhận cảnh báo."), "success")
    return redirect(back), 303


# --- an official's own figures ---------------------------------------------------------------


@bp.get("/me")
def my_figures():
    if not current_user.official_id:
        # Not an error of the person's making: say so where their work is, never a 404.
        flash(_("Tài khoản của bạn chưa gắn với cán bộ nào, nên chưa có số liệu riêng."), "info")
        return redirect(landing_url())
    return _official_page(db_session().get(Official, current_user.official_id))


@bp.get("/officials/<int:official_id>")
def official_figures(official_id: int):
    return _official_page(unit_row_or_404(Official, official_id))


def _official_page(official: Official):
    session = db_session()
    kind, period = reporting.period_from(request.args.get("kind", "year"), year=request.args.get("year"),
                                         number=request.args.get("n"), start=request.args.get("from"),
                                         end=request.args.get("to"), today=_today())
    figures = reporting.official_figures(session, official, period)
    axis = [f"{m.start:%m/%y}" for m, _ in figures["months"]]
    chart = charts.rate_line(_("Tỷ lệ hài lòng theo tháng"), axis,
                             {official.full_name: [f.satisfaction.value for _, f in figures["months"]]})
    return render_template("admin/official.html", official=official, figures=figures, period=period, kind=kind,
                           chart=chart)


# --- the periodic report and the exports --------------------------------------------------------


@bp.get("/reports")
def report():
    context = _periodic_report()
    built = context["report"]
    axis = [f"{m.period.start:%m/%y}" for m in built["months"]]
    context["chart"] = charts.rate_line(_("Tỷ lệ hài lòng theo tháng"), axis, {
        _("Hài lòng"): [m.ratings.satisfaction.value for m in built["months"]],
        _("PAKN đúng hạn"): [m.feedback.on_time_rate.value for m in built["months"]]},
        built["cards"][0].target)
    context.update(closing_views.report_context(context))  # issued or not, and the difference when it was
    context["period_title"] = periodic_report.period_title(context["kind"], context["period"])
    context["paper"] = _report_cover(context)
    return render_template("admin/report.html", **context)


def _report_cover(context: dict) -> papers.Paper | None:
    """The report's first lines and its signature in the document form; its number is written by hand."""
    unit = context["scope"].unit
    if unit is None:
        return None
    session = db_session()
    agency, parent = papers.heading(session, unit)
    title, name = papers.default_signer(session, unit.id)
    return papers.Paper(
        agency=agency, parent=parent, number=papers.number("\u2003\u2003", "report", unit),
        place_date=papers.date_line(unit, context["today"]), title=_("Báo cáo"),
        subject=_("Kết quả đánh giá sự hài lòng và xử lý phản ánh, kiến nghị %(period)s",
                  period=str(context["period_title"]).lower() if context["kind"] == "custom"
                  else context["period_title"]),
        recipients=[_("UBND cấp trên (để báo cáo)"), _("Thường trực Đảng ủy, HĐND xã")],
        authority=papers.authority(title), signer_title=title, signer_name=name, agency_name=unit.name)


@bp.get("/reports.xlsx")
def report_xlsx():
    context = _periodic_report()
    scope, period = context["scope"], context["period"]
    body = exports.xlsx_bytes(exports.report_sheets(context["report"])
                              + dossier_figures.sheets(context["report"]["dossiers"], labels.REASONS),
                              title=_sheet_title(_("Báo cáo kết quả công tác cải cách hành chính"), context))
    return _download(body, f"bao-cao-{_slug(scope)}-{period.start}-{period.end}.xlsx", XLSX)


def _periodic_report() -> dict:
    """The report the page and the XLSX both show (a quarter unless asked otherwise), with its scope and period."""
    today = _today()
    scope, kind, period = _scope_and_period(default_kind="quarter")
    built = periodic_report.build(db_session(), scope, period, today)
    # Only the report and its XLSX show the dossier tables: the dashboard does not pay for them.
    built["dossiers"] = dossier_figures.for_report(db_session(), scope.unit_ids, period, today)
    return {"scope": scope, "kind": kind, "period": period, "today": today, "report": built}


def _sheet_title(heading: str, context: dict) -> exports.Title:
    scope = context["scope"]
    return exports.Title(heading=heading, unit=scope.unit.name if scope.unit else _("Tất cả đơn vị"),
                         period=str(periodic_report.period_title(context["kind"], context["period"])),
                         made=context["today"])


@bp.get("/exports/<what>.<fmt>")
def export(what: str, fmt: str):
    if what not in EXPORTS or fmt not in ("csv", "xlsx"):
        abort(404)
    session = db_session()
    scope, kind, period = _scope_and_period(default_kind="quarter")
    personal = access.may(current_user, "personal_data")  # a viewer (e.g. the province) never sees who wrote in
    if personal:
        # Names, phones and addresses leave the system: the law wants a trace of who took them (NĐ 356/2025).
        audit.record(session, current_user.id, "export_personal_data", "feedback", None,
                     {"export": what, "format": fmt, "units": scope.unit_ids, "from": period.start.isoformat(),
                      "to": period.end.isoformat()})
    if what == "ratings":
        columns, rows = exports.rating_columns(personal), exports.rating_rows(session, scope.unit_ids, period, personal)
    elif what == "register":
        columns = exports.register_columns(personal)
        rows = exports.register_rows(session, scope.unit_ids, period, personal, _today())
    else:
        columns, rows = exports.ticket_columns(personal), exports.ticket_rows(session, scope.unit_ids, period, personal)
    name = f"{what}-{_slug(scope)}-{period.start}-{period.end}.{fmt}"
    if fmt == "csv":
        # Read within the request: a stream outliving it kept a PostgreSQL transaction (and its locks) open.
        return _download("".join(exports.csv_stream(columns, list(rows))), name, "text/csv; charset=utf-8")
    headings = {"register": _("Sổ theo dõi phản ánh, kiến nghị"), "ratings": _("Các lượt đánh giá"),
                "tickets": _("Phản ánh, kiến nghị (đủ trường)")}
    title = _sheet_title(headings[what], {"scope": scope, "kind": kind, "period": period, "today": _today()})
    try:
        body = exports.xlsx_bytes([(headings[what], columns, rows)], title=title)
    except OverflowError:
        raise ValidationError(
            _("Quá nhiều dòng cho tệp Excel; hãy chọn khoảng thời gian ngắn hơn hoặc tải CSV.")) from None
    return _download(body, name, XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # exports may hold personal data
    return response


def _slug(scope: reporting.Scope) -> str:
    return scope.unit.code if scope.unit else "all"


from admin import closing as closing_views  # noqa: E402  (closing a period: its routes join this blueprint)
