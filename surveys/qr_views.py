"""QR landing (``/q/<code>``) and rating from a phone: three big buttons, an optional "why", thanks."""
from __future__ import annotations

import secrets

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hailong import qr
from hailong.db import db_session
from hailong.errors import Conflict, NotFound
from hailong.extensions import limiter
from hailong.kiosk_labels import LEVEL_LABELS, REASON_LABELS
from models import Level, QrTarget, utcnow
from surveys.views import bp

VISIT_COOKIE = "hl_visit"
VISIT_COOKIE_AGE = 365 * 24 * 3600


def _context(code: str) -> qr.QrContext:
    db = db_session()
    found = qr.find_active(db, code)
    if found is None:
        raise NotFound(_("Mã QR này không còn được sử dụng. Vui lòng quét mã khác hoặc hỏi cán bộ tại quầy."))
    return qr.context_of(db, found)


@bp.get("/q/<code>")
@limiter.limit("60/minute")
def qr_landing(code: str):
    """Count the scan and open the page the code was printed for, with its context preset."""
    context = _context(code)
    qr.record_scan(db_session(), context.qr)
    target = context.qr.target
    if target in qr.RATING_TARGETS:
        return redirect(url_for("surveys.qr_rate", code=context.qr.code))
    if target == QrTarget.SURVEY:
        return redirect(f"/survey/{context.qr.survey_slug}")
    return redirect(url_for("surveys.feedback_new", unit=context.unit.code,
                            **({"area": context.area.code} if context.area else {})))


@bp.route("/r/<code>", methods=["GET", "POST"])
@limiter.limit("30/minute", methods=["POST"])
def qr_rate(code: str):
    context = _context(code)
    if context.qr.target not in qr.RATING_TARGETS:
        raise NotFound(_("Mã QR này không dùng để đánh giá."))
    visitor = request.cookies.get(VISIT_COOKIE) or secrets.token_urlsafe(16)
    if request.method == "GET":
        rated = qr.already_rated(db_session(), context.qr, request.cookies.get(VISIT_COOKIE), utcnow())
        return _with_visitor(render_template("surveys/qr_rate.html", context=context, levels=LEVEL_LABELS,
                                             rated=rated), visitor)
    level = request.form.get("level", "")
    reasons = request.form.getlist("reasons")
    if level == Level.DISSATISFIED and not request.form.get("reasons_step"):
        return _with_visitor(render_template("surveys/qr_reasons.html", context=context, reasons=REASON_LABELS),
                             visitor)
    try:
        qr.record_phone_rating(db_session(), context=context, level=level, reasons=reasons, visitor=visitor)
    except Conflict as error:
        return render_template("surveys/qr_thanks.html", context=context, message=error.message, level=None), 409
    return _with_visitor(redirect(url_for("surveys.qr_thanks", code=context.qr.code, level=level)), visitor)


@bp.get("/r/<code>/thanks")
def qr_thanks(code: str):
    context = _context(code)
    level = request.args.get("level")
    return render_template("surveys/qr_thanks.html", context=context, message=None,
                           level=level if level in Level._value2member_map_ else None)


def _with_visitor(response, visitor: str):
    """A random marker for this phone's visit (no login, no identity): the soft one-rating-per-visit check."""
    response = make_response(response)
    if request.cookies.get(VISIT_COOKIE) != visitor:
        response.set_cookie(VISIT_COOKIE, visitor, max_age=VISIT_COOKIE_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure, path="/r/")
    return response

