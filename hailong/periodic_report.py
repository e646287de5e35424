"""The periodic report (quarter, 6 months, 9 months, year): one dict that the A4 page and
the XLSX both render, so the printed and the spreadsheet figures cannot disagree."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from hailong import qd766, reporting
from hailong.figures import Period, RatingFigures

TARGET_LABELS = {
    "satisfaction": _l("Người dân hài lòng với việc giải quyết thủ tục hành chính"),
    "sector_satisfaction": _l("Hài lòng với dịch vụ y tế, giáo dục công"),
    "feedback_resolved": _l("PAKN thuộc thẩm quyền được xử lý dứt điểm"),
    "feedback_on_time": _l("PAKN được xử lý đúng hạn"),
}
STATUS_LABELS = {"pass": _l("Đạt"), "at_risk": _l("Có nguy cơ không đạt"), "fail": _l("Chưa đạt"),
                 "no_data": _l("Chưa có dữ liệu")}
PERIOD_LABELS = {"month": _l("Tháng"), "quarter": _l("Quý"), "half": _l("6 tháng"), "nine": _l("9 tháng"),
                 "year": _l("Năm"), "custom": _l("Tùy chọn")}


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_title(kind: str, period: Period) -> str:
    """The period as a report names it: "Quý IV năm 2026", "6 tháng đầu năm 2026", "Tháng 10 năm 2026"."""
    year = period.start.year
    whole_year = period.start == date(year, 1, 1)
    if kind == "quarter":
        return _l("Quý %(n)s năm %(year)s", n=ROMAN[(period.start.month - 1) // 3 + 1], year=year)
    if kind == "month":
        return _l("Tháng %(month)s năm %(year)s", month=period.start.month, year=year)
    if kind == "half" and whole_year:
        return _l("6 tháng đầu năm %(year)s", year=year)
    if kind == "nine" and whole_year:
        return _l("9 tháng năm %(year)s", year=year)
    if kind == "year" and whole_year and period.end.year == year:
        return _l("Năm %(year)s", year=year)
    return _l("Từ ngày %(start)s đến ngày %(end)s", start=f"{period.start:%d/%m/%Y}", end=f"{period.end:%d/%m/%Y}")


def build(session: Session, scope: reporting.Scope, period: Period, today: date, *, with_qd766: bool = True) -> dict:
    """Everything the report shows for ``scope`` over ``period``; the dashboard, which shows neither the
    register nor QĐ 766, leaves them out (``with_qd766=False``): at a province's scale they cost most."""
    feedback, feedback_months, feedback_units = reporting.feedback_for_report(session, scope.unit_ids, period, today)
    months = reporting.monthly(session, scope.unit_ids, period, today, feedback=feedback_months)
    ratings = sum((month.ratings for month in months), RatingFigures())  # the months make up the period
    cards = reporting.target_cards(session, scope, period, today, ratings=ratings, feedback=feedback)
    group5 = qd766.group5(session, scope.unit_ids, period.start, period.end, today) if with_qd766 else None
    detailed = scope.unit_ids is not None and scope.is_commune
    breakdowns = reporting.breakdowns(session, scope.unit_ids, period) if detailed else None
    return {
        "ratings": ratings, "feedback": feedback, "cards": cards,
        "targets": [{"code": c.code, "label": str(TARGET_LABELS[c.code]), "target": c.target, "value": c.rate.value,
                     "numerator": c.rate.numerator, "denominator": c.rate.denominator, "small": c.rate.small,
                     "interval": c.rate.interval, "status": c.status, "status_label": str(STATUS_LABELS[c.status])}
                    for c in cards],
        "register": register_summary(feedback, group5["5.3"]) if group5 else [],
        "qd766": qd766_figures(group5) if group5 else [],
        "qd766_source": str(qd766.SOURCE), "qd766_note": str(qd766.NO_SUBJECT),
        "areas": breakdowns["service_area"] if breakdowns else reporting.sector_rows(session, scope.unit_ids, period),
        "officials": breakdowns["official"] if breakdowns else [],
        "breakdowns": breakdowns,
        "months": months,
        "suspect": reporting.suspect_summary(session, scope.unit_ids, period),
        "communes": [
            row | {"status_labels": {code: str(STATUS_LABELS[verdict]) for code, verdict in row["status"].items()}}
                     for row in reporting.unit_comparison(session, scope.communes, period, today,
                                                          feedback=feedback_units)]
        if not scope.is_commune else [],
    }


def register_summary(feedback, handling: qd766.Indicator) -> list[tuple[str, float | int | None, bool]]:
    """The intake register's summary as the province asks for it."""
    return [
        (str(_l("Tiếp nhận")), feedback.received, False),
        (str(_l("Thuộc thẩm quyền")), feedback.within_competence, False),
        (str(_l("Chuyển cơ quan có thẩm quyền")), feedback.transferred, False),
        (str(_l("Từ chối tiếp nhận")), feedback.rejected, False),
        (str(_l("Không phải PAKN (khiếu nại, tố cáo, trùng, ngoài phạm vi): ghi riêng, không tính")),
         feedback.set_apart, False),
        (str(_l("Đến hạn trong kỳ")), feedback.due_in_period, False),
        (str(_l("Giải quyết dứt điểm")), feedback.resolved, False),
        (str(_l("Xử lý xong trong kỳ")), feedback.handled, False),
        (str(_l("Xử lý đúng hạn")), feedback.handled_on_time, False),
        (str(_l("Quá hạn chưa xử lý")), feedback.open_overdue, False),
        (str(_l("Hài lòng với việc xử lý")), handling.ratio, True),  # QĐ 766 indicator 5.3: one definition
    ]


QD766_LABELS = {
    "5.1": _l("5.1 PAKN về quy định hành chính và hành vi của cán bộ (chỉ báo cáo)"),
    "5.2": _l("5.2 PAKN được xử lý đúng hạn"),
    "5.3": _l("5.3 Hài lòng với việc xử lý PAKN"),
    "5.4": _l("5.4 Hài lòng với việc tiếp nhận, giải quyết hồ sơ thủ tục hành chính"),
}


def qd766_figures(group5: dict[str, qd766.Indicator]) -> list[dict]:
    """QĐ 766/QĐ-TTg group 5 indicators, each with numerator, denominator, ratio, score and maximum."""
    return [{"code": code, "label": str(QD766_LABELS[code]), "numerator": item.numerator,
             "denominator": item.denominator, "ratio": item.ratio if item.max_score else None,
             "score": item.score, "max_score": item.max_score}
            for code, item in group5.items() if code in QD766_LABELS]
