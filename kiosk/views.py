"""The kiosk: pairing a tablet, then one big tap per citizen."""
from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hailong import ratings
from hailong.db import db_session
from kiosk.labels import LEVEL_LABELS, REASON_LABELS
from models import Desk, Kiosk, Official, ServiceArea, Unit, utcnow

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates")

COOKIE = "kiosk_token"
COOKIE_MAX_AGE = 5 * 365 * 24 * 3600  # a tablet stays paired for years, until revoked


def paired_kiosk() -> tuple[Kiosk | None, str | None]:
    token = request.cookies.get(COOKIE)
    return ratings.kiosk_for_token(db_session(), token), token


@bp.get("/pair")
def pair():
    """Pair this browser with the kiosk whose code is in the link, then drop the code from the address."""
    code = request.args.get("code", "").strip()
    kiosk = ratings.kiosk_for_token(db_session(), code)
    if kiosk is None:
        return render_template("kiosk/pair.html", error=_("Mã ghép nối không đúng hoặc thiết bị đã bị thu hồi.")), 403
    kiosk.paired_at = utcnow()
    response = make_response(redirect(url_for("kiosk.index")))
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")
    return response


@bp.get("")
def index():
    kiosk, token = paired_kiosk()
    if kiosk is None:
        return render_template("kiosk/pair.html", error=None), 401 if request.cookies.get(COOKIE) else 200
    session = db_session()
    unit = session.get(Unit, kiosk.unit_id)
    desk = session.get(Desk, kiosk.desk_id) if kiosk.desk_id else None
    official = session.get(Official, desk.official_id) if desk and desk.official_id else None
    area = session.get(ServiceArea, kiosk.service_area_id) if kiosk.service_area_id else None
    return render_template("kiosk/kiosk.html", kiosk=kiosk, token=token, unit=unit, desk=desk,
                           official=official, area=area, levels=LEVEL_LABELS, reasons=REASON_LABELS)

