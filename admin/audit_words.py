"""The audit log in words: what an action was and its details, for the leader who reads the log
(never `view_personal_data` or raw JSON)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hailong import labels

ACTIONS = {
    "view_personal_data": _l("Xem thông tin cá nhân của người gửi"), "view_attachment": _l("Xem ảnh gửi kèm"),
    "privacy.search": _l("Tìm dữ liệu cá nhân"), "privacy.correct": _l("Sửa dữ liệu cá nhân theo yêu cầu"),
    "privacy.anonymise": _l("Ẩn danh thông tin liên hệ"),
    "settings.create": _l("Cài đặt: thêm"), "settings.update": _l("Cài đặt: sửa"),
    "settings.delete": _l("Cài đặt: xóa"),
}
STEPS = {
    "received": _l("tiếp nhận"), "classified": _l("tiếp nhận xử lý và giao cán bộ"), "assigned": _l("giao lại cán bộ"),
    "transferred": _l("chuyển cơ quan có thẩm quyền"), "rejected": _l("không tiếp nhận xử lý"),
    "waiting": _l("chờ người gửi bổ sung"), "resumed": _l("tiếp tục xử lý"), "note": _l("ghi chú nội bộ"),
    "message": _l("đăng tin lên trang tra cứu"), "answered": _l("trả lời người gửi"), "closed": _l("kết thúc"),
    "extension_requested": _l("đề nghị gia hạn"), "extended": _l("gia hạn"), "overdue": _l("báo quá hạn"),
    "rated": _l("người gửi đánh giá"), "reopened": _l("người gửi mở lại"),
}
OBJECTS = {"feedback": _l("PAKN"), "user": _l("tài khoản"), "official": _l("cán bộ"), "areas": _l("lĩnh vực"),
           "desks": _l("quầy"), "units": _l("đơn vị"), "templates": _l("mẫu trả lời"), "holidays": _l("ngày nghỉ"),
           "target": _l("chỉ tiêu")}
KEYS = {"status": _l("trạng thái"), "page": _l("trang"), "role": _l("vai trò"), "fields": _l("các mục"),
        "day": _l("ngày"), "working": _l("làm bù"),
        "year": _l("năm"), "assignee_id": _l("giao cho"), "from": _l("từ"), "to": _l("đến"), "on": _l("ngày"),
        "late": _l("trễ hạn"), "on_time": _l("đúng hạn"), "new_due": _l("hạn mới"), "old_due": _l("hạn cũ"),
        "reason": _l("lý do"), "resolution": _l("kết quả"), "letter": _l("số phiếu"), "code": _l("mã"),
        "active": _l("đang hoạt động"), "password": _l("đổi mật khẩu"), "attachment_id": _l("ảnh số"),
        "paused_days": _l("số ngày tạm dừng"), "level": _l("mức đánh giá"), "duplicate_of": _l("trùng với")}
PERSON_KEYS = {"assignee_id", "from", "to"}


def _words_for(key: str) -> dict:
    """The words for a coded value under ``key`` (a rating level, a status, a refusal reason)."""
    return {"level": labels.LEVELS, "status": labels.FEEDBACK_STATUSES, "resolution": labels.RESOLUTIONS,
            "reason": labels.REJECTION_REASONS, "role": labels.ROLES}.get(key, {})


def action_label(action: str) -> str:
    """"PAKN: trả lời người gửi" for ``feedback.answered``; the raw name only for an action no one named."""
    if action.startswith("feedback."):
        step = action.split(".", 1)[1]
        return _("PAKN: %(step)s", step=STEPS.get(step, step))
    return str(ACTIONS.get(action, action))


def object_label(object_type: str) -> str:
    return str(OBJECTS.get(object_type, object_type))


def details_text(details: dict | None, people: dict) -> str:
    """The details as "key: value; …" in words, people by name, dates as dd/mm/yyyy, yes/no for flags."""
    parts = []
    for key, value in (details or {}).items():
        if key in PERSON_KEYS and isinstance(value, int):
            value = people.get(value, value)
        elif isinstance(value, str) and value in _words_for(key):
            value = str(_words_for(key)[value])
        parts.append(f"{KEYS.get(key, key)}: {_value(value)}")
    return "; ".join(parts)


def _value(value) -> str:
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y") if len(value) == 10 else value
        except ValueError:
            return value
    return "—" if value is None else str(value)
