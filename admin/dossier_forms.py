"""Forms of the dossier register pages (issue 16)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField


class RegisterUploadForm(FlaskForm):
    file = FileField(_l("Tệp sổ hồ sơ (CSV hoặc XLSX)"), validators=[
        FileRequired(_l("Chọn tệp sổ hồ sơ xuất từ hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.")),
        FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp .csv hoặc .xlsx."))],
        description=_l("Các cột: Mã hồ sơ, Tên thủ tục, Mã thủ tục, Lĩnh vực (không bắt buộc), Ngày tiếp nhận, "
                       "Ngày hẹn trả, Ngày trả kết quả (để trống khi đang giải quyết), Hình thức nộp và "
                       "Cán bộ tiếp nhận (không bắt buộc); ngày dạng dd/mm/yyyy."))


class RegisterConfirmForm(FlaskForm):
    token = HiddenField()
