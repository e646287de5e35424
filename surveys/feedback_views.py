"""The citizen's PAKN form on a phone, and the confirmation with the tracking code."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlmodel import select

from hailong import attachments, held_photos, qr
from hailong import feedback as intake
from hailong.units import commune_for
from hailong.db import db_session
from hailong.feedback_forms import PublicFeedbackForm, area_choices
from hailong.errors import HTTP_MESSAGES, DomainError, NotFound, ValidationError, error_response
from hailong.spam import attempt_limit, submit_limit
from models import Channel, Unit
from surveys.views import bp

SENT_KEY = "feedback_sent"
HELD_KEY = "feedback_held_photos"


@bp.app_template_global()
def field_attrs(errors: dict, name: str, hint: str | None = None) -> dict:
    """An invalid field says so to a screen reader and points at its message, then its hint."""
    described = " ".join(filter(None, [f"{name}-error" if errors.get(name) else None, hint]))
    return (({"aria-invalid": "true"} if errors.get(name) else {})
            | ({"aria-describedby": described} if described else {}))


def unit_for(db, code: str | None) -> Unit | None:
    """The unit named in the link (the kiosk's or a poster's QR), the only commune, or None to let the citizen pick."""
    if code:
        unit = db.exec(select(Unit).where(Unit.code == code)).first()
        if unit is None:
            raise NotFound(_("Không tìm thấy đơn vị này. Vui lòng quét lại mã QR hoặc hỏi cán bộ tại quầy."))
        return unit
    try:
        return commune_for(db, None)
    except ValidationError:
        return None


@bp.route("/feedback/new", methods=["GET", "POST"])
@submit_limit
@attempt_limit
def feedback_new():
    db = db_session()
    unit = unit_for(db, request.values.get("unit"))
    if unit is None:
        communes = db.exec(select(Unit).where(Unit.kind == "commune").order_by(Unit.name)).all()
        return render_template("surveys/feedback_pick_unit.html", communes=communes)
    form = PublicFeedbackForm()
    form.service_area.choices = area_choices(db, unit)
    if request.method == "GET":
        form.unit.data = unit.code
        form.service_area.data = request.args.get("area", "")
        form.kind.data = "phan_anh"
        form.dossier_code.data = request.args.get("dossier", "")[:64]
        return render_form(form, unit, errors={})
    return _submit(db, unit, form)


def _submit(db, unit: Unit, form: PublicFeedbackForm):
    if form.website.data:
        raise DomainError(_("Không gửi được: biểu mẫu có một ô ẩn bị điền. Nếu ông/bà là người dân, xin tải lại trang "
                            "và gửi lại."),
                          code="honeypot", status=400)
    upload_dir = current_app.config["HAILONG"].upload_dir
    token = _own_hold(request.form.get("held_photos"))
    try:
        feedback = attachments.submit_with_photos(
            db, unit=unit, data=form.as_data(), files=request.files.getlist(form.photos.name),
            kept=held_photos.take(token, upload_dir), upload_dir=upload_dir, channel=Channel.WEB)
    except intake.DuplicateFeedback as duplicate:
        code = intake.format_code(duplicate.existing.tracking_code)
        return render_template("surveys/feedback_duplicate.html", code=code), 409
    except attachments.InvalidWithPhotos as error:
        return render_form(form, unit, errors=error.fields, message=error.message, status=error.status,
                           held=_hold(error.photos, token, upload_dir))
    held_photos.release(token, upload_dir)
    session[SENT_KEY] = feedback.tracking_code
    return redirect(url_for("surveys.feedback_sent"))


def render_form(form: PublicFeedbackForm, unit: Unit, *, errors: dict, message=None, status: int = 200, held=None):
    """The PAKN form, with what the citizen typed and the photos kept for them."""
    return render_template("surveys/feedback_new.html", form=form, unit=unit, errors=errors, message=message,
                           held_photos=held, consent_details=intake.CONSENT_TEXT), status


def _own_hold(token: str | None) -> str | None:
    # Held photos come back only to the browser they were held for.
    return token if token and token in session.get(HELD_KEY, []) else None


def _hold(photos, previous: str | None, upload_dir: str) -> dict | None:
    """Hold the photos that passed under a fresh token, remembered in this browser's session."""
    held_photos.release(previous, upload_dir)
    if not photos:
        session[HELD_KEY] = []
        return None
    token = held_photos.hold(photos, upload_dir)
    session[HELD_KEY] = [token]
    return {"token": token, "count": len(photos)}


@bp.errorhandler(429)
def too_many(error):
    """A refused send keeps what was typed: the form again, with the limit's message, not a bare error page."""
    if request.endpoint != "surveys.feedback_new" or request.method != "POST":
        return error_response(429, "too_many_requests", HTTP_MESSAGES[429])
    unit = unit_for(db_session(), request.values.get("unit"))
    if unit is None:
        return error_response(429, "too_many_requests", HTTP_MESSAGES[429])
    form = PublicFeedbackForm()
    form.service_area.choices = area_choices(db_session(), unit)
    token = _own_hold(request.form.get("held_photos"))
    held = {"token": token,
            "count": len(held_photos.take(token, current_app.config["HAILONG"].upload_dir))} if token else None
    return render_form(form, unit, errors={}, status=429, held=held, message=_(
        "Có quá nhiều yêu cầu gửi từ mạng này. Nội dung ông/bà viết vẫn còn bên dưới; "
        "xin chờ vài phút rồi bấm gửi lại."))


@bp.get("/feedback/sent")
def feedback_sent():
    """The tracking code, big and in two groups, with a QR code to follow it from another phone."""
    db = db_session()
    feedback = intake.find_by_code(db, session.get(SENT_KEY, ""))
    if feedback is None:
        return redirect(url_for("surveys.feedback_new"))
    code = intake.format_code(feedback.tracking_code)
    status_url = f"{current_app.config['PUBLIC_URL']}/feedback/{code}"
    return render_template("surveys/feedback_sent.html", feedback=feedback, code=code, status_url=status_url,
                           status_qr=qr.svg(status_url), unit=db.get(Unit, feedback.unit_id))
