"""Citizens' survey pages: one question per step on a phone, answers kept through a dropped connection."""
from __future__ import annotations

import uuid

from flask import jsonify, render_template, request
from flask_babel import gettext as _

from hailong.db import db_session
from hailong.errors import DomainError, NotFound, ValidationError
from hailong.extensions import csrf, limiter
from hailong.i18n import current_locale
from models import SurveyStatus
from surveys import definitions, responses
from surveys.views import bp
from surveys import commands  # noqa: E402,F401  (flask --app wsgi surveys install-templates)


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
    return render_survey(survey, definitions.live_version(session, survey), unit=unit)


def render_survey(survey, version, *, unit=None, preview=False, errors=None, answers=None, status=200):
    """The phone page of ``version``; the back office's preview uses it too."""
    return render_template("surveys/survey.html", survey=survey, version=version, unit=unit, preview=preview,
                           errors=errors or {}, answers=answers or {}, client_id=uuid.uuid4(), d=definitions,
                           locale=current_locale()), status


# No CSRF token here on purpose: the survey is anonymous, so a forged submit carries no one's
# authority, and a phone retrying from its offline queue days later may have lost its session.
# Stuffing is limited by the rate limit and the one-response-per-client-id rule instead.
@csrf.exempt
@bp.post("/survey/<slug>")
@limiter.limit("20/minute")
def survey_submit(slug: str):
    session, survey = _published_survey(slug)
    unit = responses.allowed_unit(session, survey, request.args.get("unit"))
    if request.is_json:
        return _submit_json(session, survey, unit)
    payload = _payload_from_form(session, survey)
    try:
        responses.submit(session, survey, payload, unit=unit, locale=current_locale())
    except ValidationError as error:
        version = definitions.live_version(session, survey)
        return render_survey(survey, version, unit=unit, errors=error.fields, answers=payload.get("answers"),
                             status=error.status)
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
    try:
        stored = responses.submit(session, survey, request.get_json(silent=True), unit=unit, locale=current_locale())
    except DomainError as error:
        return error_response_json(error)
    return jsonify({"status": "stored" if stored.created else "already_stored"}), 201 if stored.created else 200


def error_response_json(error: DomainError):
    fields = {key: str(message) for key, message in error.fields.items()}
    return jsonify({"error": {"code": error.code, "message": str(error.message), "fields": fields}}), error.status
