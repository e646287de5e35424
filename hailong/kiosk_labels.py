"""The words the kiosk shows (DESIGN.md's levels, the "3 không" reasons, the one-stop criteria).

The kiosk switches language without the network, so the page carries every string in vi and
en: ``STRINGS`` is rendered once per language into the page.
"""
from flask_babel import force_locale, ngettext
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

STRINGS = {
    "title": _l("Đánh giá mức độ hài lòng"),
    "question": _l("Ông/bà có hài lòng với việc giải quyết thủ tục hôm nay không?"),
    "serving": _l("Cán bộ tiếp nhận"),
    "reasons_title": _l("Điều gì làm ông/bà chưa hài lòng?"),
    "reasons_hint": _l("Có thể chọn nhiều lý do."),
    "next": _l("Tiếp tục"),
    "skip": _l("Bỏ qua"),
    "done": _l("Gửi đánh giá"),
    "area_title": _l("Ông/bà đến làm thủ tục thuộc lĩnh vực nào?"),
    "criteria_title": _l("Xin ông/bà trả lời thêm (không bắt buộc)"),
    "on_time": _l("Hồ sơ có được giải quyết đúng hẹn không?"),
    "yes": _l("Có"),
    "no": _l("Không"),
    "visits": _l("Ông/bà đã phải đến nộp, bổ sung hồ sơ mấy lần?"),
    "visits_1": _l("1 lần"),
    "visits_2": _l("2 lần"),
    "visits_3": _l("3 lần trở lên"),
    "attitude": _l("Thái độ của cán bộ tiếp nhận?"),
    "thanks": _l("Cảm ơn ông/bà đã đánh giá!"),
    "thanks_more": _l("Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn."),
    "qr_caption": _l("Muốn gửi phản ánh, kiến nghị? Quét mã này bằng điện thoại."),
    "large_text": _l("Chữ lớn"),
    "restart": _l("Làm lại"),
    "thanks_hold": _l("Màn hình được giữ lại. Chạm lần nữa để về trang đầu."),
    "unpaired_title": _l("Thiết bị chưa được ghép nối"),
    "unpaired_text": _l("Thiết bị đã bị thu hồi hoặc chưa được ghép nối. Các lượt đánh giá chưa gửi vẫn được giữ trên "
                        "máy này."),
    "lang_other": _l("English"),
} | {f"level_{level.value}": label for level, label in LEVEL_LABELS.items()} \
  | {f"reason_{reason.value}": label for reason, label in REASON_LABELS.items()}


def strings_in(locale: str) -> dict[str, str]:
    """Every kiosk string in ``locale``."""
    with force_locale(locale):
        # The count is filled in by the page ("{n}"); English needs "1 tap" but "2 taps".
        pending = {f"pending_{form}": ngettext("%(n)s lượt chờ gửi", "%(n)s lượt chờ gửi", count, n="{n}")
                   for form, count in (("one", 1), ("other", 2))}
        return {key: str(value) for key, value in STRINGS.items()} | pending
