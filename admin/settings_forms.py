"""Forms of the administrator's settings pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, FloatField, IntegerField, PasswordField, SelectField, \
    SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from hailong import labels
from models import FeedbackStatus, Role, Sector

REQUIRED = _l("Vui lòng điền mục này.")


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects rather than (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


CODE = Regexp(r"^[A-Za-z0-9_\-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, gạch dưới hoặc gạch ngang."))


class UserForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(REQUIRED), Length(max=64)])
    full_name = StringField(_l("Họ tên"), validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField(_l("Thư điện tử"),
                       validators=[Optional(), Email(_l("Địa chỉ thư điện tử không hợp lệ.")), Length(max=200)])
    phone = StringField(_l("Điện thoại"),
                        validators=[Optional(), Regexp(r"^0\d{9,10}$", message=_l("Số điện thoại không hợp lệ."))])
    role = SelectField(_l("Vai trò"), choices=choices((r.value, labels.ROLES[r.value]) for r in Role))
    areas = SelectMultipleField(_l("Lĩnh vực phụ trách (cán bộ xử lý)"), coerce=int, choices=[])
    password = PasswordField(_l("Mật khẩu (để trống nếu không đổi)"),
                             validators=[Optional(),
                                         Length(min=10, max=200, message=_l("Mật khẩu cần ít nhất 10 ký tự."))])
    active = BooleanField(_l("Đang hoạt động"), default=True)


class UnitForm(FlaskForm):
    code = StringField(_l("Mã"), validators=[DataRequired(REQUIRED), Length(max=32), CODE])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Cấp"),
                       choices=choices(labels.UNIT_KINDS.items()))
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=300)])


class AreaForm(FlaskForm):
    code = StringField(_l("Mã"), validators=[DataRequired(REQUIRED), Length(max=32), CODE])
    name_vi = StringField(_l("Tên lĩnh vực"), validators=[DataRequired(REQUIRED), Length(max=200)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[Optional(), Length(max=200)])
    sector = SelectField(_l("Ngành"), choices=choices((s.value, labels.SECTORS[s.value]) for s in Sector))
    classify_days = IntegerField(_l("Hạn phân loại (ngày làm việc)"), default=5,
                                 validators=[NumberRange(1, 60, _l("Từ 1 đến 60 ngày."))])
    resolve_days = IntegerField(_l("Hạn giải quyết (ngày làm việc)"), default=10,
                                validators=[NumberRange(1, 90, _l("Từ 1 đến 90 ngày."))])
    active = BooleanField(_l("Đang dùng"), default=True)


class DeskForm(FlaskForm):
    number = IntegerField(_l("Số quầy"), validators=[DataRequired(REQUIRED), NumberRange(1, 999)])
    name = StringField(_l("Tên quầy"), validators=[Optional(), Length(max=120)])
    service_area_id = SelectField(_l("Lĩnh vực"), coerce=int, choices=[])
    official_id = SelectField(_l("Công chức đang phục vụ"), coerce=int, choices=[])


class TemplateForm(FlaskForm):
    name = StringField(_l("Tên mẫu"), validators=[DataRequired(REQUIRED), Length(max=120)])
    status = SelectField(_l("Dùng ở trạng thái"), choices=[])
    service_area_id = SelectField(_l("Lĩnh vực"), coerce=int, choices=[])
    body = TextAreaField(_l("Nội dung"), validators=[DataRequired(REQUIRED), Length(max=5000)])
    active = BooleanField(_l("Đang dùng"), default=True)


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Ngày"), validators=[DataRequired(_l("Vui lòng chọn ngày."))])
    working = SelectField(_l("Loại"), choices=choices([("0", _l("Nghỉ thêm")), ("1", _l("Làm bù (ngày làm việc)"))]))
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=200)])


class TargetForm(FlaskForm):
    satisfaction = FloatField(_l("Hài lòng về thủ tục hành chính (%)"), validators=[NumberRange(0, 100)])
    sector_satisfaction = FloatField(_l("Hài lòng về y tế, giáo dục (%)"), validators=[NumberRange(0, 100)])
    feedback_resolved = FloatField(_l("Phản ánh, kiến nghị xử lý dứt điểm (%)"), validators=[NumberRange(0, 100)])
    feedback_on_time = FloatField(_l("Phản ánh, kiến nghị đúng hạn (%)"), validators=[NumberRange(0, 100)])


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons that change something."""


STATUS_PAIRS = [("", _l("Mọi trạng thái"))] + [(s.value, labels.FEEDBACK_STATUSES[s.value]) for s in FeedbackStatus]


class OfficialForm(FlaskForm):
    code = StringField(_l("Mã cán bộ"), validators=[DataRequired(REQUIRED), Length(max=32), CODE])
    full_name = StringField(_l("Họ tên"), validators=[DataRequired(REQUIRED), Length(max=120)])
    title = StringField(_l("Chức danh"), validators=[Optional(), Length(max=120)])
    user_id = SelectField(_l("Tài khoản đăng nhập"), coerce=int, choices=[])
    desk_id = SelectField(_l("Quầy đang phục vụ"), coerce=int, choices=[])
    photo = FileField(_l("Ảnh chân dung (JPEG, PNG, WebP; được cắt vuông, thu nhỏ)"))
    active = BooleanField(_l("Đang công tác (bỏ chọn khi cán bộ nghỉ; số liệu cũ được giữ)"), default=True)
