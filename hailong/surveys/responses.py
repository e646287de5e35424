"""Storing a citizen's answers: checked against the version they saw, idempotent by client id."""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong.errors import Conflict, DomainError, NotFound, ValidationError
from hailong.surveys import integrity
from hailong.surveys.definitions import CHOICE_TYPES, SCALE, TEXT_LIMITS
from models import (
    Campaign, CampaignUnit, Survey, SurveyAnswer, SurveyResponse, SurveyStatus, SurveyVersion, Unit, local_date_of,
    utcnow,
)

REQUIRED = _l("Vui lòng trả lời câu hỏi này.")
TOKEN_USED = _l("Phiếu khảo sát này đã được dùng để gửi một câu trả lời. Mỗi lần mở khảo sát chỉ gửi được một lần.")


@dataclass
class Stored:
    response: SurveyResponse
    created: bool


def submit(session: Session, survey: Survey, payload: dict, *, unit: Unit, locale: str = "vi",
           provenance: integrity.Provenance | None = None) -> Stored:
    """Store one response; the same client id again stores nothing (and must carry the same answers).

    A citizen's post carries its page's ``provenance``: the page token is used once, and a
    burst from one address or token family is kept but flagged suspect.
    """
    if not isinstance(payload, dict):
        raise ValidationError(_l("Dữ liệu gửi lên không hợp lệ."))
    client_id = _client_id(payload.get("id"))
    body_hash = _hash(payload)
    existing = session.exec(select(SurveyResponse).where(SurveyResponse.client_id == client_id)).first()
    if existing is not None:
        return _replay(existing, survey, body_hash)
    if survey.status != SurveyStatus.PUBLISHED:
        raise DomainError(_l("Khảo sát này đã kết thúc, không nhận thêm câu trả lời."), status=410, code="closed")
    version = _version(session, survey, payload.get("version"))
    answers = check_answers(version.definition, payload.get("answers"))
    now = utcnow()
    response = SurveyResponse(client_id=client_id, body_hash=body_hash, survey_id=survey.id, version_id=version.id,
                              campaign_id=_campaign_id(session, survey, unit, local_date_of(now)), unit_id=unit.id,
                              locale=locale if locale in ("vi", "en") else "vi", submitted_at=now,
                              local_date=local_date_of(now))
    if provenance is not None:
        _mark_provenance(session, survey, response, provenance, now)
    try:
        # A savepoint: a twin request with the same id may win the race; then this one is a replay.
        with session.begin_nested():
            session.add(response)
            session.flush()  # the answers need the response's id
    except sa.exc.IntegrityError:
        existing = session.exec(select(SurveyResponse).where(SurveyResponse.client_id == client_id)).first()
        if existing is None:  # the race was on the page token, not on the client id
            raise Conflict(TOKEN_USED) from None
        return _replay(existing, survey, body_hash)
    session.add_all(_answer_rows(version.definition, answers, response.id))
    return Stored(response, True)


def _mark_provenance(session: Session, survey: Survey, response: SurveyResponse, provenance, now) -> None:
    if integrity.token_used(session, provenance.nonce):
        raise Conflict(TOKEN_USED)
    reasons = integrity.burst_reasons(session, survey.id, provenance, now)
    response.token_nonce, response.source_hash, response.token_family = (provenance.nonce, provenance.source,
                                                                         provenance.family)
    response.suspect, response.suspect_reasons = bool(reasons), reasons


def _replay(existing: SurveyResponse, survey: Survey, body_hash: str) -> Stored:
    if existing.survey_id != survey.id or existing.body_hash != body_hash:
        raise Conflict(_l("Mã câu trả lời này đã được dùng cho câu trả lời khác."))
    return Stored(existing, False)


def _client_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        raise ValidationError(_l("Thiếu mã câu trả lời. Vui lòng tải lại trang và gửi lại."),
                              fields={"id": _l("Không hợp lệ.")}) from None


def _hash(payload: dict) -> str:
    body = {k: payload.get(k) for k in ("id", "version", "answers")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _version(session: Session, survey: Survey, number) -> SurveyVersion:
    """The published version the phone showed; answers are checked against exactly those questions."""
    # Bounded too: 2**63 overflows the database's integer and answered 500.
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 2**31 - 1:
        raise ValidationError(_l("Phiên bản khảo sát không hợp lệ. Vui lòng tải lại trang."),
                              fields={"version": _l("Không hợp lệ.")})
    version = session.exec(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id,
                                                       SurveyVersion.number == number,
                                                       SurveyVersion.published_at.is_not(None))).first()
    if version is None:
        raise NotFound(_l("Không tìm thấy phiên bản khảo sát này. Vui lòng tải lại trang."))
    return version


def _campaign_id(session: Session, survey: Survey, unit: Unit, day) -> int | None:
    return session.exec(select(Campaign.id).join(CampaignUnit, CampaignUnit.campaign_id == Campaign.id).where(
        Campaign.survey_id == survey.id, CampaignUnit.unit_id == unit.id,
        Campaign.starts_on <= day, Campaign.ends_on >= day).order_by(Campaign.starts_on.desc())).first()


def check_answers(definition: dict, answers) -> dict:
    """Clean answers keyed by question, or a ValidationError whose fields name each bad question."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationError(_l("Dữ liệu gửi lên không hợp lệ."))
    questions = {q["key"]: q for q in definition["questions"]}
    errors = {key: _l("Câu hỏi này không có trong khảo sát.") for key in answers if key not in questions}
    clean = {}
    for key, q in questions.items():
        try:
            value = _check_one(q, answers.get(key))
        except ValueError as error:
            errors[key] = error.args[0]
            continue
        if value is None and q.get("required"):
            errors[key] = REQUIRED
        elif value is not None:
            clean[key] = value
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các câu trả lời được đánh dấu."), fields=errors)
    return clean


def _check_one(q: dict, value):
    """The clean value of one answer, None when unanswered; ValueError with a message when wrong."""
    if value is None or value == "" or value == []:
        return None
    kind = q["type"]
    if kind == "scale":
        number = _int(value)
        if number not in SCALE:
            raise ValueError(_l("Vui lòng chọn một mức từ 1 đến 5."))
        return number
    if kind == "yes_no":
        if value in (True, "yes", "1", 1):
            return 1
        if value in (False, "no", "0", 0):
            return 0
        raise ValueError(_l("Vui lòng chọn Có hoặc Không."))
    if kind in CHOICE_TYPES:
        return _choices(q, value)
    if not isinstance(value, str):
        raise ValueError(_l("Câu trả lời không hợp lệ."))
    text = value.replace("\x00", "").strip()
    if len(text) > TEXT_LIMITS[kind]:
        raise ValueError(_l("Câu trả lời tối đa %(n)s ký tự.", n=TEXT_LIMITS[kind]))
    return text or None


def _choices(q: dict, value):
    allowed = {o["value"] for o in q["options"]}
    chosen = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v in allowed for v in chosen):
        raise ValueError(_l("Lựa chọn không có trong danh sách."))
    if q["type"] == "single":
        if len(chosen) != 1:
            raise ValueError(_l("Vui lòng chỉ chọn một phương án."))
        return chosen[0]
    return sorted(set(chosen)) or None


def _int(value) -> int | None:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _answer_rows(definition: dict, answers: dict, response_id: int) -> list[SurveyAnswer]:
    rows = []
    for q in definition["questions"]:
        if q["key"] not in answers:
            continue
        value = answers[q["key"]]
        common = {"response_id": response_id, "question_key": q["key"], "element": q.get("element"),
                  "overall": bool(q.get("overall"))}
        if q["type"] in ("scale", "yes_no"):
            rows.append(SurveyAnswer(value_int=value, **common))
        elif q["type"] == "multiple":
            rows.extend(SurveyAnswer(value_text=v, **common) for v in value)
        else:
            rows.append(SurveyAnswer(value_text=value, **common))
    return rows


def allowed_unit(session: Session, survey: Survey, code: str | None) -> Unit:
    """The unit a response counts for: the survey's own, or one of its campaigns' units."""
    if not code:
        return session.get(Unit, survey.unit_id)
    unit = session.exec(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise NotFound(_l("Không tìm thấy đơn vị này."))
    if unit.id == survey.unit_id:
        return unit
    in_campaign = session.exec(select(CampaignUnit).join(Campaign, Campaign.id == CampaignUnit.campaign_id).where(
        Campaign.survey_id == survey.id, CampaignUnit.unit_id == unit.id)).first()
    if in_campaign is None:
        raise NotFound(_l("Khảo sát này không được thực hiện tại đơn vị này."))
    return unit
