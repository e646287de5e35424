"""The words a person reads for every coded value: one wording per value, in one place.

Keys are the stored strings (``"very_satisfied"``, not ``Level.VERY_SATISFIED``): an enum member of
models' ``StrEnum`` hashes by its name, so a dict keyed by members would miss a value read back from
the database or a JSON body. Templates reach these through the ``labels`` context variable
(``labels.LEVELS[rating.level]``), registered once in ``create_app``.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from models import (
    AlertKind,
    Channel,
    DossierChannel,
    FeedbackKind,
    FeedbackStatus,
    Level,
    QrTarget,
    Reason,
    Resolution,
    Role,
    Sector,
    SurveyStatus,
    TargetCode,
    UnitKind,
)


class Words(dict):
    """Labels by stored value; an enum member finds its value's words too (``Level.SATISFIED``)."""

    def __missing__(self, key):
        if isinstance(key, enum.Enum):
            return self[key.value]
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


# --- kiosk and phone ratings ---------------------------------------------------------------------

LEVELS = Words({
    Level.VERY_SATISFIED.value: _l("Rất hài lòng"),
    Level.SATISFIED.value: _l("Hài lòng"),
    Level.DISSATISFIED.value: _l("Không hài lòng"),
})
REASONS = Words({
    Reason.WAITED_TOO_LONG.value: _l("Chờ quá lâu"),
    Reason.DOCUMENTS_MORE_THAN_ONCE.value: _l("Phải bổ sung giấy tờ nhiều lần"),
    Reason.LATE.value: _l("Trễ hẹn trả kết quả"),
    Reason.UNCLEAR_GUIDANCE.value: _l("Hướng dẫn không rõ ràng"),
    Reason.ATTITUDE.value: _l("Thái độ không tốt, gây phiền hà, sách nhiễu"),
    Reason.OTHER.value: _l("Lý do khác"),
})
CHANNELS = Words({
    Channel.KIOSK.value: _l("Máy đánh giá"),
    Channel.QR.value: _l("Mã QR"),
    Channel.WEB.value: _l("Trang web"),
    Channel.DESK.value: _l("Tại quầy"),
    Channel.API.value: _l("Ứng dụng"),
})
# DESIGN.md's sector names: the satisfaction target is about administrative procedures.
SECTORS = Words({
    Sector.ADMINISTRATIVE.value: _l("Thủ tục hành chính"),
    Sector.HEALTH.value: _l("Y tế"),
    Sector.EDUCATION.value: _l("Giáo dục"),
})
QR_TARGETS = Words({
    QrTarget.UNIT.value: _l("Đánh giá đơn vị"),
    QrTarget.DESK.value: _l("Đánh giá một quầy"),
    QrTarget.OFFICIAL.value: _l("Đánh giá một cán bộ"),
    QrTarget.SERVICE_AREA.value: _l("Đánh giá một lĩnh vực"),
    QrTarget.SURVEY.value: _l("Mở một phiếu khảo sát"),
    QrTarget.FEEDBACK.value: _l("Gửi phản ánh, kiến nghị"),
})
# Why a tap is left out of the figures (hailong.ratings) or a survey answer flagged (surveys.integrity).
SUSPECT = Words({
    "too_close": _l("Chạm quá gần lần trước trên cùng thiết bị"),
    "burst": _l("Quá nhiều lượt trong thời gian ngắn"),
    "outside_hours": _l("Ngoài giờ làm việc"),
    "clock_skew": _l("Đồng hồ thiết bị lệch nhiều so với máy chủ"),
    "official_mismatch": _l("Thiết bị ghi một cán bộ không trực quầy lúc đó"),
    "dossier_repeat": _l("Hồ sơ này đã được đánh giá trước đó"),
})
SURVEY_SUSPECT = Words({
    "burst_address": _l("nhiều câu trả lời liên tiếp từ cùng một địa chỉ mạng"),
    "burst_token_family": _l("nhiều phiếu được phát cho cùng một địa chỉ mạng"),
})

# --- units and people ----------------------------------------------------------------------------------------

UNIT_KINDS = Words({UnitKind.COMMUNE.value: _l("Xã"), UnitKind.PROVINCE.value: _l("Tỉnh")})
ROLES = Words({
    Role.ADMIN.value: _l("Quản trị"),
    Role.LEADER.value: _l("Lãnh đạo"),
    Role.HANDLER.value: _l("Cán bộ xử lý"),
    Role.DESK.value: _l("Cán bộ một cửa"),
    Role.VIEWER.value: _l("Chỉ xem số liệu"),
})

# --- phản ánh, kiến nghị -------------------------------------------------------------------------

FEEDBACK_KINDS = Words({FeedbackKind.PHAN_ANH.value: _l("Phản ánh"), FeedbackKind.KIEN_NGHI.value: _l("Kiến nghị")})
FEEDBACK_STATUSES = Words({
    FeedbackStatus.RECEIVED.value: _l("Đã tiếp nhận, đang phân loại"),
    FeedbackStatus.IN_PROGRESS.value: _l("Đang xử lý"),
    FeedbackStatus.WAITING.value: _l("Đang chờ người gửi bổ sung thông tin"),
    FeedbackStatus.ANSWERED.value: _l("Đã trả lời"),
    FeedbackStatus.CLOSED.value: _l("Đã kết thúc"),
    FeedbackStatus.TRANSFERRED.value: _l("Đã chuyển cơ quan có thẩm quyền"),
    FeedbackStatus.REJECTED.value: _l("Không tiếp nhận xử lý"),
})
RESOLUTIONS = Words({Resolution.RESOLVED.value: _l("đã giải quyết"),
                     Resolution.NOT_RESOLVED.value: _l("chưa giải quyết được")})
# NĐ 20/2008 art. 8: why a PAKN is not taken up (hailong.workflow accepts only these).
REJECTION_REASONS = Words({
    "complaint": _l("Là khiếu nại, không phải phản ánh, kiến nghị"),
    "denunciation": _l("Là tố cáo, không phải phản ánh, kiến nghị"),
    "missing_info": _l("Thiếu thông tin theo quy định (họ tên, địa chỉ, số điện thoại hoặc thư điện tử)"),
    "duplicate": _l("Trùng với phản ánh, kiến nghị đã tiếp nhận"),
    "out_of_scope": _l("Không phải phản ánh, kiến nghị về quy định hành chính"),
})

# --- surveys ---------------------------------------------------------------------------------------

SURVEY_STATUSES = Words({
    SurveyStatus.DRAFT.value: _l("Nháp"),
    SurveyStatus.PUBLISHED.value: _l("Đang mở"),
    SurveyStatus.CLOSED.value: _l("Đã đóng"),
})
QUESTION_TYPES = Words({
    "scale": _l("Thang điểm 1–5"), "single": _l("Chọn một"), "multiple": _l("Chọn nhiều"),
    "yes_no": _l("Có / Không"), "short_text": _l("Trả lời ngắn"), "long_text": _l("Trả lời dài"),
})
# The five elements of the SIPAS index (QĐ 3639/QĐ-BNV).
SURVEY_ELEMENTS = Words({
    "access": _l("Tiếp cận dịch vụ"), "procedures": _l("Thủ tục hành chính"), "officials": _l("Công chức phục vụ"),
    "result": _l("Kết quả giải quyết"), "feedback_handling": _l("Tiếp nhận, xử lý phản ánh, kiến nghị"),
})
SCALE = Words({
    1: _l("Rất không hài lòng"), 2: _l("Không hài lòng"), 3: _l("Bình thường"), 4: _l("Hài lòng"),
    5: _l("Rất hài lòng"),
})

# --- dossiers --------------------------------------------------------------------------------------

DOSSIER_CHANNELS = Words({
    DossierChannel.ONLINE.value: _l("Trực tuyến"),
    DossierChannel.IN_PERSON.value: _l("Trực tiếp"),
    DossierChannel.POST.value: _l("Bưu chính"),
})
DOSSIER_STATES = Words({
    "early": _l("Đã trả kết quả trước hẹn"), "on_time": _l("Đã trả kết quả đúng hẹn"),
    "late": _l("Đã trả kết quả trễ hẹn"), "in_progress": _l("Đang giải quyết, còn trong hạn"),
    "overdue": _l("Đang giải quyết, đã quá ngày hẹn trả"),
})

# --- figures, targets, reports ---------------------------------------------------------------------

TARGETS = Words({
    TargetCode.SATISFACTION.value: _l("Người dân hài lòng với việc giải quyết thủ tục hành chính"),
    TargetCode.SECTOR_SATISFACTION.value: _l("Hài lòng với dịch vụ y tế, giáo dục công"),
    TargetCode.FEEDBACK_RESOLVED.value: _l("PAKN thuộc thẩm quyền được xử lý dứt điểm"),
    TargetCode.FEEDBACK_ON_TIME.value: _l("PAKN được xử lý đúng hạn"),
})
VERDICTS = Words({"pass": _l("Đạt"), "at_risk": _l("Có nguy cơ không đạt"), "fail": _l("Chưa đạt"),
                  "no_data": _l("Chưa có dữ liệu")})
PERIODS = Words({"month": _l("Tháng"), "quarter": _l("Quý"), "half": _l("6 tháng"), "nine": _l("9 tháng"),
                 "year": _l("Năm"), "custom": _l("Tùy chọn")})
ALERT_KINDS = Words({
    AlertKind.DISSATISFIED_BURST.value: _l("Nhiều người không hài lòng liên tiếp tại quầy"),
    AlertKind.KIOSK_SILENT.value: _l("Máy đánh giá im lặng trong giờ làm việc"),
})
WEEKDAYS = Words({1: _l("Thứ Hai"), 2: _l("Thứ Ba"), 3: _l("Thứ Tư"), 4: _l("Thứ Năm"), 5: _l("Thứ Sáu"),
                  6: _l("Thứ Bảy"), 7: _l("Chủ Nhật")})

# Each labelled enum and its labels: tests/unit/test_labels.py checks every member has words in vi and en.
BY_ENUM = {Level: LEVELS, Reason: REASONS, Channel: CHANNELS, Sector: SECTORS, QrTarget: QR_TARGETS, Role: ROLES,
           FeedbackKind: FEEDBACK_KINDS, FeedbackStatus: FEEDBACK_STATUSES, Resolution: RESOLUTIONS,
           SurveyStatus: SURVEY_STATUSES, DossierChannel: DOSSIER_CHANNELS, TargetCode: TARGETS,
           UnitKind: UNIT_KINDS, AlertKind: ALERT_KINDS}


def label(words: dict, value) -> str:
    """The words for ``value`` in ``words``, or the value itself when no one named it (never an error page)."""
    return str(words.get(value, value if value is not None else ""))
