"""The transparency pages anyone may read: this year's figures against the plan, the
published answers to PAKN, and who serves at which desk. Never a citizen's identity:
only aggregates, service areas, dates and the office's own replies are shown."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request, send_file
from flask_babel import gettext as _
from sqlmodel import select

from hailong import charts, officials, reporting
from hailong.db import db_session
from hailong.errors import NotFound
from hailong.extensions import limiter
from hailong.figures import Period, RatingFigures
from models import Desk, Official, ServiceArea, Unit, local_date_of, utcnow

bp = Blueprint("public", __name__, url_prefix="/public", template_folder="templates")


def _public_scope(session) -> reporting.Scope:
    """The unit named by ``?unit=``, else the top unit (a province shows all its communes)."""
    code = request.args.get("unit")
    query = (select(Unit).where(Unit.code == code) if code
             else select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    unit = session.exec(query).first()
    if unit is None:
        if code:
            raise NotFound(_("Không có đơn vị với mã này."), code="unknown_unit")
        return reporting.Scope(unit=None, unit_ids=None)
    ids = reporting.descendants(session, unit.id)
    communes = list(session.exec(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name)))
    return reporting.Scope(unit=unit, unit_ids=ids, choices=communes)


@bp.get("")
@bp.get("/")
@limiter.limit("120/minute")
def index():
    session = db_session()
    today = local_date_of(utcnow())
    scope = _public_scope(session)
    period = Period(date(today.year, 1, 1), today)
    feedback, feedback_months, _units = reporting.feedback_for_report(session, scope.unit_ids, period, today)
    months = reporting.monthly(session, scope.unit_ids, period, today, feedback=feedback_months)
    ratings = sum((month.ratings for month in months), RatingFigures())  # the months make up the period
    cards = reporting.target_cards(session, scope, period, today, ratings=ratings, feedback=feedback)
    labels = [f"{m.period.start:%m/%y}" for m in months]
    chart = charts.rate_line(_("Tỷ lệ hài lòng theo tháng"), labels, {
        _("Hài lòng"): [m.ratings.satisfaction.value for m in months],
        _("Phản ánh, kiến nghị trả lời đúng hạn"): [m.feedback.on_time_rate.value for m in months]}, cards[0].target)
    return render_template(
        "public/index.html", scope=scope, period=period, today=today, cards=cards, ratings=ratings, feedback=feedback,
        months=months, chart=chart, areas=_areas(session, scope, period),
        replies=reporting.published_replies(session, scope.unit_ids, Period(date(today.year - 1, 1, 1), today)))


def _areas(session, scope: reporting.Scope, period: Period):
    """By service area for a commune; by sector for a province (its millions of taps are read as daily totals)."""
    if scope.is_commune:
        return reporting.area_rows(session, scope.unit_ids, period)
    return reporting.sector_rows(session, scope.unit_ids, period)


@bp.get("/desks")
def desks():
    """Who serves citizens at which desk now: officials are public servants, named on purpose."""
    session = db_session()
    scope = _public_scope(session)
    query = select(Desk, Official, ServiceArea, Unit).join(Unit, Unit.id == Desk.unit_id).outerjoin(
        Official, Official.id == Desk.official_id).outerjoin(ServiceArea,
                                                             ServiceArea.id == Desk.service_area_id).order_by(
        Unit.name, Desk.number)
    if scope.unit_ids is not None:
        query = query.where(Desk.unit_id.in_(scope.unit_ids))
    return render_template("public/desks.html", scope=scope, rows=list(session.exec(query)))


@bp.get("/officials/<int:official_id>/photo")
def official_photo(official_id: int):
    """An official's face as the kiosk and /public/desks show it: public servants serve by name."""
    official = db_session().get(Official, official_id)
    path = officials.photo_path(official, current_app.config["HAILONG"].upload_dir) if official else None
    if path is None or not path.is_file():
        raise NotFound(_("Không có ảnh."), code="no_photo")
    response = send_file(path, mimetype="image/jpeg", max_age=86400)  # the address changes with the photo
    return response
