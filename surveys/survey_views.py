"""Citizens' survey pages: one question per step on a phone, answers kept through a dropped connection."""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _

from hailong.db import db_session
from hailong.errors import DomainError, NotFound, ValidationError
from hailong.extensions import csrf, limiter
from hailong.i18n import current_locale
from hailong.surveys import definitions, integrity, page, responses
from models import SurveyStatus
from surveys.views import bp


def _published_survey(slug: str):
    session = db_session()
    survey = definitions.survey_by_slug(session, slug)
    if survey is None or survey.status == SurveyStatus.DRAFT:
        raise NotFound(_("Không tìm thấy khảo sát này. Vui lòng kiểm tra lại đường dẫn hoặc mã QR."))
    return session, survey


@bp.get("/survey/<slug>")
def survey_page(slug: str):
    session, survey = _published_survey(slug)
    unit = responses.allowed_unit(session, survey, request.args.get("unit"))
    if survey.status == SurveyStatus.CLOSED:
        return render_template("surveys/closed.html", survey=survey,
                               version=definitions.live_version(session, survey), tr=definitions.tr), 410
    token = integrity.issue_token(current_app.config["SECRET_KEY"], survey.id, request.remote_addr)
    body, status = render_survey(survey, definitions.live_version(session, survey), unit=unit, token=token)
    # Each view of the page gets its own single-use token: a cached copy would hand one token to many phones.
    return body, status, {"Cache-Control": "no-store"}


def render_survey(survey, version, *, unit=None, preview=False, errors=None, answers=None, status=200, token=None):
    """The phone page of ``version``."""
    context = page.page_context(survey, version, locale=current_locale(), unit=unit, preview=preview, errors=errors,
                                answers=answers, token=token)
    return render_template(page.TEMPLATE, **context), status


# No CSRF token here on purpose: the survey is anonymous, so a forged submit carries no one's
# authority, and a phone retrying from its offline queue days later may have lost its session.
# Instead the page's signed token is used once, other sites' posts are refused, and bursts are
# flagged suspect (hailong/surveys/integrity.py); the rate limit stays as a brake.
@csrf.exempt
@bp.post("/survey/<slug>")
@limiter.limit("20/minute")
def survey_submit(slug: str):
    session, survey = _published_survey(slug)
    unit = responses.allowed_unit(session, survey, request.args.get("unit"))
    if request.is_json:
        return _submit_json(session, survey, unit)
    provenance = _provenance(survey, request.form.get("token"))
    payload = _payload_from_form(session, survey)
    try:
        responses.submit(session, survey, payload, unit=unit, locale=current_locale(), provenance=provenance)
    except ValidationError as error:
        version = definitions.live_version(session, survey)
        return render_survey(survey, version, unit=unit, errors=error.fields, answers=payload.get("answers"),
                             status=error.status, token=request.form.get("token"))
    return render_template("surveys/thanks.html", survey=survey, version=definitions.live_version(session, survey),
                           tr=definitions.tr), 201


def _payload_from_form(session, survey) -> dict:
    """The same payload the page's script sends, built from a plain form post (no script on the phone)."""
    try:
        number = int(request.form.get("version", ""))
    except ValueError:
        raise DomainError(_("Phiên bản khảo sát không hợp lệ. Vui lòng tải lại trang."), status=400) from None
    version = definitions.live_version(session, survey)
    answers = {}
    for q in (version.definition["questions"] if version else []):
        values = request.form.getlist(f"q_{q['key']}")
        answers[q["key"]] = values if q["type"] == "multiple" else (values[0] if values else None)
    return {"id": request.form.get("id"), "version": number, "answers": answers}


def _submit_json(session, survey, unit):
    """What the page's script calls; errors answer JSON whatever the Accept header says."""
    payload = request.get_json(silent=True)
    try:
        if not isinstance(payload, dict):
            raise ValidationError(_("Dữ liệu gửi lên không hợp lệ."))
        provenance = _provenance(survey, payload.get("token"))
        stored = responses.submit(session, survey, payload, unit=unit, locale=current_locale(), provenance=provenance)
    except DomainError as error:
        return error_response_json(error)
    return jsonify({"status": "stored" if stored.created else "already_stored"}), 201 if stored.created else 200


def _provenance(survey, token) -> integrity.Provenance:
    """Refuse other sites' posts, then read the page's token (who the page was given to, its nonce)."""
    config = current_app.config
    integrity.check_origin(request.headers.get("Origin"), request.headers.get("Referer"),
                           [request.host_url, config["PUBLIC_URL"]])
    return integrity.read_token(config["SECRET_KEY"], token, survey.id, request.remote_addr)


def error_response_json(error: DomainError):
    fields = {key: str(message) for key, message in error.fields.items()}
    return jsonify({"error": {"code": error.code, "message": str(error.message), "fields": fields}}), error.status
