"""The words the kiosk shows for each level and reason (DESIGN.md's "3 không")."""
from flask_babel import lazy_gettext as _l

from models import Level, Reason

LEVEL_LABELS = {
    Level.VERY_SATISFIED: _l("Rất hài lòng"),
    Level.SATISFIED: _l("Hài lòng"),
    Level.DISSATISFIED: _l("Không hài lòng"),
}

REASON_LABELS = {
    Reason.WAITED_TOO_LONG: _l("Chờ quá lâu"),
    Reason.DOCUMENTS_MORE_THAN_ONCE: _l("Phải bổ sung giấy tờ nhiều lần"),
    Reason.LATE: _l("Trễ hẹn trả kết quả"),
    Reason.UNCLEAR_GUIDANCE: _l("Hướng dẫn không rõ ràng"),
    Reason.ATTITUDE: _l("Thái độ không tốt, gây phiền hà, sách nhiễu"),
    Reason.OTHER: _l("Lý do khác"),
}
