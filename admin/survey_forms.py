"""Back-office forms for building surveys and running campaigns."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from hailong.surveys.definitions import ELEMENT_LABELS, MAX_TEXT, QUESTION_TYPES, SECTOR_LABELS, TYPE_LABELS
from hailong.surveys.shipped import TEMPLATES

REQUIRED = _l("Vui lòng điền mục này.")


def _sector_choices():
    return [SelectChoice(key, label) for key, label in SECTOR_LABELS.items()]


class SurveyForm(FlaskForm):
    slug = StringField(_l("Địa chỉ (dùng trong đường dẫn /survey/…)"),
                       validators=[DataRequired(REQUIRED), Length(max=60)])
    title_vi = StringField(_l("Tên khảo sát (tiếng Việt)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_en = StringField(_l("Tên khảo sát (tiếng Anh)"), validators=[Optional(), Length(max=200)])
    intro_vi = TextAreaField(_l("Lời giới thiệu (tiếng Việt)"), validators=[Optional(), Length(max=MAX_TEXT)])
    intro_en = TextAreaField(_l("Lời giới thiệu (tiếng Anh)"), validators=[Optional(), Length(max=MAX_TEXT)])
    sector = SelectField(_l("Ngành"), choices=_sector_choices, validators=[InputRequired(REQUIRED)])


class TemplateForm(FlaskForm):
    template = SelectField(_l("Mẫu"), choices=[SelectChoice(key) for key in TEMPLATES],
                           validators=[InputRequired(REQUIRED)])
    slug = StringField(_l("Địa chỉ"), validators=[DataRequired(REQUIRED), Length(max=60)])


class QuestionForm(FlaskForm):
    type = SelectField(_l("Loại câu hỏi"), choices=[SelectChoice(t, TYPE_LABELS[t]) for t in QUESTION_TYPES],
                       validators=[InputRequired(REQUIRED)])
    text_vi = TextAreaField(_l("Câu hỏi (tiếng Việt)"), validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)])
    text_en = TextAreaField(_l("Câu hỏi (tiếng Anh)"), validators=[Optional(), Length(max=MAX_TEXT)])
    required = BooleanField(_l("Bắt buộc trả lời"))
    options = TextAreaField(_l("Các lựa chọn (mỗi dòng một lựa chọn: tiếng Việt | tiếng Anh)"),
                            validators=[Optional(), Length(max=5000)])
    element = SelectField(_l("Yếu tố SIPAS (chỉ câu thang điểm)"),
                          choices=[SelectChoice("", _l("Không gắn"))]
                          + [SelectChoice(k, v) for k, v in ELEMENT_LABELS.items()],
                          validators=[Optional()])
    overall = BooleanField(_l("Là câu hỏi hài lòng chung (tính vào chỉ tiêu hài lòng của ngành)"))

    def to_data(self, existing_options: list[dict] | None = None) -> dict:
        """The question as the domain takes it; options keep their stored values when their text is kept."""
        return {"type": self.type.data, "text": {"vi": self.text_vi.data or "", "en": self.text_en.data or ""},
                "required": self.required.data, "element": self.element.data or None, "overall": self.overall.data,
                "options": options_from_lines(self.options.data or "", existing_options or [])}

    def fill(self, question: dict) -> None:
        self.type.data = question["type"]
        self.text_vi.data, self.text_en.data = question["text"].get("vi", ""), question["text"].get("en", "")
        self.required.data = question.get("required", False)
        self.element.data = question.get("element") or ""
        self.overall.data = question.get("overall", False)
        self.options.data = "\n".join(f"{o['label']['vi']} | {o['label'].get('en', '')}".rstrip(" |")
                                      for o in question.get("options", []))


def options_from_lines(text: str, existing: list[dict]) -> list[dict]:
    """Parse "vi | en" lines; an option whose Vietnamese text is unchanged keeps its value, so old answers keep their
    label."""
    by_label = {o["label"]["vi"].strip().lower(): o["value"] for o in existing}
    used = {o["value"] for o in existing}
    number = len(used)
    options = []
    for line in text.splitlines():
        vi, _, en = line.partition("|")
        vi, en = vi.strip(), en.strip()
        if not vi:
            continue
        value = by_label.get(vi.lower())
        if value is None:
            number += 1
            while f"o{number}" in used:
                number += 1
            value = f"o{number}"
            used.add(value)
        options.append({"value": value, "label": {"vi": vi, "en": en}})
    return options


class ActionForm(FlaskForm):
    """An empty form: its CSRF token guards the publish, close, move and delete buttons."""

    direction = HiddenField()


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CampaignForm(FlaskForm):
    name = StringField(_l("Tên đợt khảo sát"), validators=[DataRequired(REQUIRED), Length(max=200)])
    starts_on = DateField(_l("Từ ngày"), validators=[InputRequired(_l("Vui lòng nhập ngày hợp lệ."))])
    ends_on = DateField(_l("Đến ngày"), validators=[InputRequired(_l("Vui lòng nhập ngày hợp lệ."))])
    units = MultiCheckboxField(_l("Đơn vị thực hiện"), coerce=int,
                               validators=[DataRequired(_l("Vui lòng chọn ít nhất một đơn vị."))])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))
