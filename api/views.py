"""The JSON API (``/api/v1``): kiosk taps in, public aggregates out; routes only, the rules are in hailong."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlmodel import select

from hailong import feedback as intake
from hailong import kiosks, qd766, rating_batch, ratings, units
from hailong.db import db_session, driver_transaction
from hailong.errors import NotFound, Unauthorized, ValidationError
from hailong.extensions import csrf, limiter
from hailong.spam import submit_limit, unknown_code_limit
from hailong.figures import Period, feedback_figures, rating_figures, sector_rate, targets_for
from hailong.reporting import checked_period
from models import Channel, Kiosk, Unit, local_date_of, utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are trusted here: kiosks send a bearer token, the rest is public

MAX_BATCH = 500


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _unauthorized() -> Unauthorized:
    return Unauthorized(_l("Thiết bị chưa được ghép nối hoặc đã bị thu hồi."), code="invalid_token")


def current_kiosk() -> Kiosk:
    """The kiosk named by the request's bearer token; 401 when unknown or revoked."""
    kiosk = ratings.kiosk_for_token(db_session(), bearer_token())
    if kiosk is None:
        raise _unauthorized()
    return kiosk


def json_body():
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationError(_l("Nội dung yêu cầu phải là JSON hợp lệ."), code="invalid_json")
    return data


@bp.post("/ratings")  # with the batch, in hailong.extensions.TAP_ENDPOINTS: no rate limit, the token authenticates
def post_rating():
    """One tap: 201 when stored, 200 for a retry of a stored tap, 409 for an id reused by another tap."""
    token = bearer_token()
    if not token:
        raise _unauthorized()
    try:
        rating_in, invalid = ratings.parse_rating(json_body()), None
    except ValidationError as error:
        rating_in, invalid = None, error
    # Committed when the block ends, before the response is built: SQLite's write lock is held until then.
    with driver_transaction(one_statement_on=ratings.ONE_STATEMENT_TAP) as connection:
        # The token is judged before the body: an unpaired device learns nothing about its taps.
        config = current_app.config["HAILONG"]
        context = ratings.tap_context(connection, token=token, rating_in=rating_in,
                                      min_interval_s=config.suspect_min_interval_s)
        if context is None:
            raise _unauthorized()
        if invalid is not None:
            raise invalid
        tap, created = ratings.store_tap(connection, context, rating_in, config)
    return jsonify(_rating_json(tap)), 201 if created else 200


@bp.post("/ratings/batch")
def post_ratings_batch():
    """The kiosk's offline queue: each tap answered as if posted alone, the good ones stored together."""
    token = bearer_token()
    with driver_transaction() as connection:  # as for one tap: committed before the answer is built
        context = ratings.tap_context(connection, token=token) if token else None
        if context is None:
            raise _unauthorized()
        items = json_body()
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
            raise ValidationError(_l("Cần một danh sách từ 1 đến %(n)s đánh giá.", n=MAX_BATCH))
        results = rating_batch.store_batch(connection, context=context, items=items,
                                           config=current_app.config["HAILONG"])
    return jsonify({"results": results}), 200


@bp.get("/kiosk/state")
def kiosk_state():
    """The kiosk's heartbeat (``?queue=<taps waiting>&version=<app>``), answered with who serves now.

    It is also what says the kiosk is alive (``last_seen_at``): taps do not write the kiosk row.
    """
    kiosk = current_kiosk()
    kiosks.heartbeat(kiosk, queue_length=request.args.get("queue", 0), app_version=request.args.get("version"))
    return jsonify(kiosks.state_json(db_session(), kiosk))


def _rating_json(rating) -> dict:
    return {"id": str(rating.client_id), "suspect": rating.suspect, "suspect_reasons": rating.suspect_reasons}


@bp.get("/stats")
@limiter.limit("120/minute")
def stats():
    session = db_session()
    period = _period_from_args()
    unit = _unit_from_args(session)
    unit_ids = units.unit_scope(session, unit)
    target_unit = unit or session.exec(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first()
    group5 = qd766.group5(session, unit_ids, period.start, period.end, local_date_of(utcnow()))
    handling = group5["5.3"].ratio  # handling satisfaction has one definition: QĐ 766 indicator 5.3
    return jsonify({
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "unit": unit.code if unit else None,
        "ratings": rating_figures(session, unit_ids, period).as_json(),
        "feedback": feedback_figures(session, unit_ids, period).as_json() | {
            "handling_satisfaction_rate": None if handling is None else round(handling, 4)},
        "sector": _sector_json(sector_rate(session, unit_ids, period)),
        "targets": targets_for(session, target_unit.id if target_unit else None, period.end.year),
        "qd766": qd766.as_json(group5),
    })


def _sector_json(rate) -> dict:
    """Satisfaction with health and education services (the 90% target)."""
    return {"total": rate.denominator, "satisfied": rate.numerator,
            "satisfaction_rate": None if rate.value is None else round(rate.value, 4)}


def _period_from_args() -> Period:
    today = local_date_of(utcnow())
    errors = {}
    start = _date_arg("from", date(today.year, 1, 1), errors)
    end = _date_arg("to", today, errors)
    return checked_period(start, end, errors)


def _date_arg(name, default, errors):
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _l("Ngày phải có dạng YYYY-MM-DD.")
        return default


def _unit_from_args(session):
    code = request.args.get("unit")
    if not code:
        return None
    unit = session.exec(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise NotFound(_l("Không có đơn vị với mã này."), code="unknown_unit")
    return unit


@bp.post("/feedback")
@submit_limit
def post_feedback():
    """A citizen's phản ánh, kiến nghị; 201 with the tracking code and the status page's address."""
    session = db_session()
    data = json_body()
    feedback_in = intake.parse_feedback(data)
    unit = units.commune_for(session, data.get("unit") if isinstance(data, dict) else None)
    feedback = intake.submit_feedback(session, unit=unit, feedback_in=feedback_in, channel=Channel.API)
    code = intake.format_code(feedback.tracking_code)
    status_url = f"{current_app.config['PUBLIC_URL']}/feedback/{code}"
    return jsonify({"tracking_code": code, "status_url": status_url}), 201


@bp.get("/feedback/<code>")
@unknown_code_limit
def get_feedback(code: str):
    session = db_session()
    feedback = intake.find_by_code(session, code)
    if feedback is None:
        raise NotFound(_l("Không tìm thấy phản ánh, kiến nghị với mã này."), code="unknown_code")
    return jsonify(intake.public_status(session, feedback))

