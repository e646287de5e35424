"""Rate one dossier from the receipt: ``/d/<code>`` (the receipt's QR or a typed code) and the ``/d`` lookup form."""
from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from hailong import dossiers
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.extensions import limiter
from hailong.kiosk_labels import LEVEL_LABELS, REASON_LABELS
from models import Dossier, Level, Unit, local_date_of, utcnow
from surveys.views import bp

RATED_KEY = "rated_dossiers"  # the dossiers this phone rated: a second rating is refused, not just flagged
# Only misses count: guessing receipt codes is slowed while a citizen can reopen their own page freely.
unknown_dossier_limit = limiter.shared_limit("20/10 minutes;100/day", scope="dossier-lookup",
                                             deduct_when=lambda response: response.status_code == 404)


@bp.get("/d")
def dossier_lookup():
    code = dossiers.normalise_code(request.args.get("code", ""))
    if code:
        return redirect(url_for("surveys.dossier_rate", code=code))
    return render_template("surveys/dossier_lookup.html", code="", message=None)


@bp.route("/d/<code>", methods=["GET", "POST"])
@unknown_dossier_limit
@limiter.limit("20/minute;200/day", methods=["POST"])
def dossier_rate(code: str):
    dossier = dossiers.find(db_session(), code)
    if dossier is None:
        message = _("Không tìm thấy hồ sơ với mã này. Ông/bà vui lòng kiểm tra lại mã trên giấy tiếp nhận hồ sơ.")
        return render_template("surveys/dossier_lookup.html", code=code, message=message), 404
    if request.method == "GET" or dossier.id in session.get(RATED_KEY, []) or dossiers.rating_closed(dossier, _today()):
        return _page(dossier, rated=dossier.id in session.get(RATED_KEY, []))
    level = request.form.get("level", "")
    try:
        dossiers.record_dossier_rating(db_session(), dossier=dossier, level=level,
                                       reasons=request.form.getlist("reasons"), criteria=_criteria(request.form))
    except DomainError as error:
        db_session().rollback()
        missing_level = "level" in error.fields
        return _page(dossier,
                     error=_("Ông/bà vui lòng chọn một mức đánh giá.") if missing_level else error.message), 422
    session[RATED_KEY] = [*session.get(RATED_KEY, [])[-19:], dossier.id]
    return redirect(url_for("surveys.dossier_thanks", code=dossier.code, level=level), 303)


@bp.get("/d/<code>/thanks")
def dossier_thanks(code: str):
    dossier = dossiers.find(db_session(), code)
    if dossier is None:
        return redirect(url_for("surveys.dossier_lookup"))
    level = request.args.get("level")
    return render_template("surveys/dossier_thanks.html", dossier=dossier, unit=db_session().get(Unit, dossier.unit_id),
                           level=level if level in Level._value2member_map_ else None)


def _today():
    return local_date_of(utcnow())


def _page(dossier: Dossier, *, rated: bool = False, error: str | None = None):
    today = _today()
    return render_template("surveys/dossier_rate.html", dossier=dossier, unit=db_session().get(Unit, dossier.unit_id),
                           state=dossiers.STATE_LABELS[dossiers.state_of(dossier, today)], levels=LEVEL_LABELS,
                           reasons=REASON_LABELS, rated=rated, error=error, form=request.form,
                           closed=dossiers.rating_closed(dossier, today), open_days=dossiers.RATING_OPEN_DAYS)


def _criteria(form) -> dict:
    """The optional one-stop criteria (NĐ 118/2025): processing on time, visits, the official's attitude."""
    criteria = {}
    if form.get("on_time") in ("yes", "no"):
        criteria["on_time"] = form["on_time"] == "yes"
    if form.get("visits", "").isdigit():
        criteria["visits"] = int(form["visits"])
    if form.get("attitude"):
        criteria["attitude"] = form["attitude"]
    return criteria
