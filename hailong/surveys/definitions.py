"""Survey definitions: questions, versions, publishing and closing.

A definition is plain JSON kept in ``SurveyVersion.definition``. Edits go to the
survey's newest version while it is a draft; once that version is published it is
frozen and the next edit starts a new version, so every answer keeps the exact
questions it was given.
"""
from __future__ import annotations

import copy
import re

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong.errors import Conflict, NotFound, ValidationError
from models import Sector, Survey, SurveyStatus, SurveyVersion, utcnow

QUESTION_TYPES = ("scale", "single", "multiple", "yes_no", "short_text", "long_text")
CHOICE_TYPES = ("single", "multiple")
TEXT_LIMITS = {"short_text": 200, "long_text": 2000}
ELEMENTS = ("access", "procedures", "officials", "result", "feedback_handling")
SCALE = (1, 2, 3, 4, 5)
SATISFIED_FROM = 4  # SIPAS: an element's index is the share answering 4 or 5
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58})[a-z0-9]$")
MAX_QUESTIONS = 60
MAX_OPTIONS = 20
MAX_TEXT = 500

TYPE_LABELS = {
    "scale": _l("Thang điểm 1–5"), "single": _l("Chọn một"), "multiple": _l("Chọn nhiều"),
    "yes_no": _l("Có / Không"), "short_text": _l("Trả lời ngắn"), "long_text": _l("Trả lời dài"),
}
ELEMENT_LABELS = {
    "access": _l("Tiếp cận dịch vụ"), "procedures": _l("Thủ tục hành chính"), "officials": _l("Công chức phục vụ"),
    "result": _l("Kết quả giải quyết"), "feedback_handling": _l("Tiếp nhận, xử lý phản ánh, kiến nghị"),
}
SCALE_LABELS = {
    1: _l("Rất không hài lòng"), 2: _l("Không hài lòng"), 3: _l("Bình thường"), 4: _l("Hài lòng"),
    5: _l("Rất hài lòng"),
}
STATUS_LABELS = {"draft": _l("Nháp"), "published": _l("Đang mở"), "closed": _l("Đã đóng")}
SECTOR_LABELS = {"administrative": _l("Hành chính công"), "health": _l("Y tế"), "education": _l("Giáo dục")}


def tr(texts: dict | None, locale: str) -> str:
    """The text in ``locale``, falling back to Vietnamese (every survey is written in vi first)."""
    texts = texts or {}
    return texts.get(locale) or texts.get("vi") or ""


# --- reading -------------------------------------------------------------------------------


def versions_of(session: Session, survey: Survey) -> list[SurveyVersion]:
    return list(session.exec(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
                             .order_by(SurveyVersion.number)))


def latest_version(session: Session, survey: Survey) -> SurveyVersion:
    return versions_of(session, survey)[-1]


def live_version(session: Session, survey: Survey) -> SurveyVersion | None:
    """The newest published version: what citizens answer."""
    return session.exec(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id,
                                                    SurveyVersion.published_at.is_not(None))
                        .order_by(SurveyVersion.number.desc())).first()


def survey_by_slug(session: Session, slug: str) -> Survey | None:
    return session.exec(select(Survey).where(Survey.slug == slug)).first()


def question(definition: dict, key: str) -> dict | None:
    return next((q for q in definition.get("questions", []) if q["key"] == key), None)


# --- creating and editing ------------------------------------------------------------------


def create_survey(session: Session, *, unit_id: int, slug: str, title_vi: str, title_en: str = "",
                  intro_vi: str = "", intro_en: str = "", sector: str = Sector.ADMINISTRATIVE,
                  questions: list[dict] | None = None, template: str | None = None) -> Survey:
    """A new draft survey with its first version."""
    slug = _check_slug(session, slug)
    survey = Survey(unit_id=unit_id, slug=slug, sector=_check_sector(sector), template=template)
    session.add(survey)
    session.flush()  # the version needs the survey's id
    definition = {"title": _texts(title_vi, title_en, "title"),
                  "intro": {"vi": intro_vi.strip(), "en": intro_en.strip()},
                  "questions": [], "seq": 0}
    for item in questions or []:
        definition["questions"].append(check_question(item, key=item.get("key")))
    definition["seq"] = len(definition["questions"])
    session.add(SurveyVersion(survey_id=survey.id, number=1, definition=definition))
    return survey


def update_details(session: Session, survey: Survey, *, slug: str, title_vi: str, title_en: str = "",
                   intro_vi: str = "", intro_en: str = "", sector: str) -> None:
    """Change titles and sector; the address (slug) only while never published, since posters print it."""
    if slug != survey.slug:
        if survey.published_at is not None:
            raise ValidationError(
                _l("Không thể đổi địa chỉ của khảo sát đã phát hành: mã QR đã in trỏ tới địa chỉ cũ."),
                                  fields={"slug": _l("Địa chỉ đã cố định.")})
        survey.slug = _check_slug(session, slug)
    survey.sector = _check_sector(sector)
    _edit(session, survey, lambda d: d.update(title=_texts(title_vi, title_en, "title"),
                                              intro={"vi": intro_vi.strip(), "en": intro_en.strip()}))


def add_question(session: Session, survey: Survey, data: dict) -> str:
    """Append a question to the draft; returns its key (keys are never reused within a survey)."""
    def change(definition):
        if len(definition["questions"]) >= MAX_QUESTIONS:
            raise ValidationError(_l("Một khảo sát có tối đa %(n)s câu hỏi.", n=MAX_QUESTIONS))
        definition["seq"] = definition.get("seq", 0) + 1
        key = f"q{definition['seq']}"
        while question(definition, key):
            definition["seq"] += 1
            key = f"q{definition['seq']}"
        definition["questions"].append(check_question(data, key=key))
        _one_overall(definition, key)
        return key

    return _edit(session, survey, change)


def update_question(session: Session, survey: Survey, key: str, data: dict) -> None:
    def change(definition):
        index = _index(definition, key)
        definition["questions"][index] = check_question(data, key=key)
        _one_overall(definition, key)

    _edit(session, survey, change)


def remove_question(session: Session, survey: Survey, key: str) -> None:
    _edit(session, survey, lambda d: d["questions"].pop(_index(d, key)))


def move_question(session: Session, survey: Survey, key: str, offset: int) -> None:
    """Move a question up (-1) or down (+1); moving past either end does nothing."""
    def change(definition):
        questions = definition["questions"]
        index = _index(definition, key)
        target = index + offset
        if 0 <= target < len(questions):
            questions[index], questions[target] = questions[target], questions[index]

    _edit(session, survey, change)


def draft_version(session: Session, survey: Survey) -> SurveyVersion:
    """The version edits go to: the newest one if unpublished, else a new copy of it."""
    latest = latest_version(session, survey)
    if latest.published_at is None:
        return latest
    draft = SurveyVersion(survey_id=survey.id, number=latest.number + 1, definition=copy.deepcopy(latest.definition))
    session.add(draft)
    return draft


def has_unpublished_changes(session: Session, survey: Survey) -> bool:
    latest = latest_version(session, survey)
    return latest.published_at is None and latest.number > 1


def _edit(session: Session, survey: Survey, change):
    if survey.status == SurveyStatus.CLOSED:
        raise Conflict(_l("Khảo sát đã đóng. Hãy mở lại trước khi sửa."))
    version = draft_version(session, survey)
    # A JSON column only notices a new value, not changes inside the old one.
    definition = copy.deepcopy(version.definition)
    result = change(definition)
    version.definition = definition
    return result


def _index(definition: dict, key: str) -> int:
    for index, item in enumerate(definition["questions"]):
        if item["key"] == key:
            return index
    raise NotFound(_l("Không tìm thấy câu hỏi."))


def _one_overall(definition: dict, key: str) -> None:
    """Only one question measures overall satisfaction, which the sector target counts."""
    if question(definition, key).get("overall"):
        for other in definition["questions"]:
            if other["key"] != key:
                other["overall"] = False


# --- checking ------------------------------------------------------------------------------


def check_question(data: dict, *, key: str | None) -> dict:
    """A clean question dict from editor or template input, or a ValidationError naming the fields."""
    errors = {}
    kind = data.get("type")
    if kind not in QUESTION_TYPES:
        errors["type"] = _l("Vui lòng chọn loại câu hỏi.")
    text = data.get("text") or {}
    text_vi, text_en = str(text.get("vi") or "").strip(), str(text.get("en") or "").strip()
    if not text_vi:
        errors["text_vi"] = _l("Vui lòng nhập nội dung câu hỏi bằng tiếng Việt.")
    elif len(text_vi) > MAX_TEXT or len(text_en) > MAX_TEXT:
        errors["text_vi"] = _l("Nội dung câu hỏi tối đa %(n)s ký tự.", n=MAX_TEXT)
    options = _check_options(data.get("options") or [], errors) if kind in CHOICE_TYPES else []
    element = data.get("element") or None
    if element is not None and (kind != "scale" or element not in ELEMENTS):
        errors["element"] = _l("Chỉ câu hỏi thang điểm 1–5 mới gắn được với một yếu tố SIPAS.")
    overall = bool(data.get("overall"))
    if overall and kind != "scale":
        errors["overall"] = _l("Câu hỏi hài lòng chung phải là câu hỏi thang điểm 1–5.")
    if key is not None and not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
        errors["key"] = _l("Mã câu hỏi không hợp lệ.")
    if errors:
        raise ValidationError(_l("Câu hỏi chưa hợp lệ. Vui lòng sửa các mục được đánh dấu."), fields=errors)
    return {"key": key, "type": kind, "text": {"vi": text_vi, "en": text_en}, "required": bool(data.get("required")),
            "options": options, "element": element, "overall": overall}


def _check_options(options: list, errors: dict) -> list[dict]:
    clean, seen = [], set()
    for item in options:
        label = item.get("label") or {}
        vi, en = str(label.get("vi") or "").strip(), str(label.get("en") or "").strip()
        if not vi:
            continue
        value = str(item.get("value") or f"o{len(clean) + 1}")
        if vi.lower() in seen:
            errors["options"] = _l("Các lựa chọn không được trùng nhau.")
        seen.add(vi.lower())
        clean.append({"value": value, "label": {"vi": vi[:MAX_TEXT], "en": en[:MAX_TEXT]}})
    if len(clean) < 2:
        errors["options"] = _l("Câu hỏi lựa chọn cần ít nhất 2 lựa chọn.")
    elif len(clean) > MAX_OPTIONS:
        errors["options"] = _l("Tối đa %(n)s lựa chọn.", n=MAX_OPTIONS)
    return clean


def _check_slug(session: Session, slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise ValidationError(_l("Địa chỉ chỉ gồm chữ thường không dấu, số và dấu gạch ngang (3–60 ký tự)."),
                              fields={"slug": _l("Địa chỉ không hợp lệ.")})
    if survey_by_slug(session, slug) is not None:
        raise ValidationError(_l("Địa chỉ này đã được dùng cho khảo sát khác."),
                              fields={"slug": _l("Địa chỉ đã được dùng.")})
    return slug


def _check_sector(sector: str) -> str:
    if sector not in {s.value for s in Sector}:
        raise ValidationError(_l("Ngành không hợp lệ."), fields={"sector": _l("Ngành không hợp lệ.")})
    return sector


def _texts(vi: str, en: str, field: str) -> dict:
    vi, en = (vi or "").strip(), (en or "").strip()
    if not vi:
        raise ValidationError(_l("Vui lòng nhập tên khảo sát bằng tiếng Việt."),
                              fields={f"{field}_vi": _l("Bắt buộc.")})
    if len(vi) > 200 or len(en) > 200:
        raise ValidationError(_l("Tên khảo sát tối đa 200 ký tự."), fields={f"{field}_vi": _l("Quá dài.")})
    return {"vi": vi, "en": en}


# --- publishing ----------------------------------------------------------------------------


def publish(session: Session, survey: Survey) -> SurveyVersion:
    """Publish the draft version (or reopen a closed survey); citizens then answer it."""
    version = latest_version(session, survey)
    if version.published_at is None:
        _check_publishable(version.definition)
        version.published_at = utcnow()
    survey.status = SurveyStatus.PUBLISHED
    survey.published_at = survey.published_at or version.published_at
    survey.closed_at = None
    return version


def close(session: Session, survey: Survey) -> None:
    if survey.status != SurveyStatus.PUBLISHED:
        raise Conflict(_l("Chỉ đóng được khảo sát đang mở."))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = utcnow()


def _check_publishable(definition: dict) -> None:
    if not definition.get("questions"):
        raise ValidationError(_l("Khảo sát cần ít nhất một câu hỏi trước khi phát hành."))
