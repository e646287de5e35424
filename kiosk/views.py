"""The kiosk: pairing a tablet, then one big tap per citizen, offline first."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from hailong import __version__, kiosks, ratings
from hailong.config import PROJECT_DIR
from hailong.db import db_session
from hailong.i18n import current_locale
from hailong.kiosk_labels import LEVEL_LABELS, REASON_LABELS, strings_in
from hailong.qr_inline import qr_svg
from models import Desk, Kiosk, ServiceArea, Unit

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates")

COOKIE = "kiosk_token"
COOKIE_MAX_AGE = 5 * 365 * 24 * 3600  # a tablet stays paired for years, until revoked
# Milliseconds. A citizen who walks away must not leave the next one a half-done rating: any
# screen untouched for ``idle`` gives up; thanks (with the QR) stays ``thanks``, or ``held``
# once touched. App config ``KIOSK_TIMEOUTS`` overrides any of them (tests shorten them).
TIMEOUTS = {"idle": 30_000, "thanks": 20_000, "held": 120_000, "poll": 5_000, "retry": 2_000,
            "maxRetry": 300_000, "batch": 100}


def paired_kiosk() -> tuple[Kiosk | None, str | None]:
    token = request.cookies.get(COOKIE)
    return ratings.kiosk_for_token(db_session(), token), token


@bp.get("/pair")
def pair():
    """Pair this browser with the kiosk whose code is in the link, then drop the code from the address."""
    paired = kiosks.pair(db_session(), request.args.get("code", "").strip(),
                          user_agent=request.headers.get("User-Agent", ""))
    if paired is None:
        return render_template("kiosk/pair.html", error=_("Mã ghép nối không đúng hoặc thiết bị đã bị thu hồi.")), 403
    _kiosk, credential = paired
    response = make_response(redirect(url_for("kiosk.index")))
    response.set_cookie(COOKIE, credential, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/kiosk")
    response.headers["Referrer-Policy"] = "no-referrer"  # the code must not leak through a Referer
    return response


@bp.get("")
def index():
    kiosk, token = paired_kiosk()
    if kiosk is None:
        return render_template("kiosk/pair.html", error=None), 401 if request.cookies.get(COOKIE) else 200
    session = db_session()
    unit = session.get(Unit, kiosk.unit_id)
    desk = session.get(Desk, kiosk.desk_id) if kiosk.desk_id else None
    official = kiosks.serving_at(session, kiosk)
    tied_area = kiosk.service_area_id or (desk.service_area_id if desk else None)
    areas = [] if tied_area else list(session.exec(
        select(ServiceArea).where(ServiceArea.unit_id == unit.id, ServiceArea.active).order_by(ServiceArea.name_vi)))
    strings = {"vi": strings_in("vi"), "en": strings_in("en")}
    lang = current_locale() if request.args.get("lang") else "vi"  # a kiosk speaks Vietnamese unless set up otherwise
    feedback_url = f"{current_app.config['PUBLIC_URL']}/feedback/new?unit={unit.code}"
    response = make_response(render_template(
        "kiosk/kiosk.html", kiosk=kiosk, token=token, unit=unit, desk=desk, official=official,
        official_json=kiosks.official_json(official), areas=areas, levels=LEVEL_LABELS, reasons=REASON_LABELS,
        t=strings[lang], lang=lang, strings=strings, timeouts=TIMEOUTS | current_app.config.get("KIOSK_TIMEOUTS", {}),
        feedback_qr=qr_svg(feedback_url, label=strings[lang]["qr_caption"]), version=__version__))
    response.headers["Cache-Control"] = "no-cache"  # the service worker keeps its own copy for offline use
    response.add_etag()  # its background revalidation is a 304 while nothing changed
    return response.make_conditional(request)


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from /kiosk so that its scope can cover the kiosk page."""
    script = (PROJECT_DIR / "static" / "js" / "kiosk-sw.js").read_text(encoding="utf-8")
    response = make_response(script)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/kiosk"
    response.headers["Cache-Control"] = "no-cache"
    return response

