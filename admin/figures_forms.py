from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class AcknowledgeForm(FlaskForm):
    comment = TextAreaField(_l("Ghi chú xử lý"), validators=[
        DataRequired(_l("Vui lòng ghi lại việc đã làm.")), Length(max=1000, message=_l("Tối đa 1000 ký tự."))])
