"""The PAKN form, on a phone (surveys) and at the desk (admin). Field rules live in hailong.feedback (shared with
the API); this form carries CSRF and the fields."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlmodel import Session, select
from wtforms import (
    BooleanField, SelectChoice, HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField,
)

from hailong.feedback import CONSENT_TEXT
from hailong.i18n import current_locale
from models import ServiceArea, Unit

KIND_CHOICES = [SelectChoice("phan_anh", _l("Phản ánh")), SelectChoice("kien_nghi", _l("Kiến nghị"))]


class FeedbackForm(FlaskForm):
    kind = RadioField(_l("Ông/bà muốn gửi"), choices=KIND_CHOICES, validate_choice=False)
    service_area = SelectField(_l("Lĩnh vực"), choices=[], validate_choice=False)
    content = TextAreaField(_l("Nội dung"))
    photos = MultipleFileField(_l("Ảnh kèm theo (không bắt buộc, tối đa 3 ảnh, mỗi ảnh tối đa 5 MB)"))
    anonymous = BooleanField(_l("Gửi ẩn danh (không để lại thông tin liên hệ)"))
    name = StringField(_l("Họ và tên"))
    phone = StringField(_l("Số điện thoại"))
    email = StringField(_l("Thư điện tử"))
    address = StringField(_l("Địa chỉ"))
    consent = BooleanField(CONSENT_TEXT)
    unit = HiddenField()
    dossier_code = HiddenField()  # set when the citizen came from a dossier's page (/d/<code>)

    def as_data(self) -> dict:
        """The fields as hailong.feedback.parse_feedback reads them."""
        names = ("kind", "service_area", "content", "anonymous", "name", "phone", "email", "address", "consent",
                 "dossier_code")
        return {name: getattr(self, name).data for name in names}


class PublicFeedbackForm(FeedbackForm):
    # A honeypot: hidden from people (and from screen readers), filled by form-stuffing robots.
    website = StringField(_l("Trang web (để trống)"))
    # One short sentence a citizen reads; the law's full wording is one tap away on the page.
    consent = BooleanField(_l("Tôi đồng ý để Ủy ban nhân dân xã giữ họ tên và cách liên hệ của tôi, chỉ để trả lời "
                              "phản ánh, kiến nghị này."))


class DeskFeedbackForm(FeedbackForm):
    consent = BooleanField(_l("Người dân đã được đọc và đồng ý với nội dung trên"))


def area_choices(db: Session, unit: Unit) -> list[SelectChoice]:
    """The unit's active areas, in the page's language, after a "not sure" choice."""
    areas = db.exec(select(ServiceArea).where(ServiceArea.unit_id == unit.id, ServiceArea.active.is_(True))
                    .order_by(ServiceArea.name_vi)).all()
    english = current_locale() == "en"
    return [SelectChoice("", _("Không rõ / lĩnh vực khác"))] + [
        SelectChoice(a.code, a.name_en if english and a.name_en else a.name_vi) for a in areas]
