"""Exports: the intake register, raw taps and tickets as CSV or XLSX, and the periodic report as XLSX.

Personal data (a citizen's name, phone, e-mail, address, the PAKN's text and dossier codes)
is written only when ``personal`` is True — the view decides from the user's role.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlmodel import Session, select

from hailong.figures import Period
from hailong.i18n import cut_percent
from hailong.workflow import REJECTION_REASONS
from models import LOCAL_TZ, Desk, Feedback, FeedbackStatus, Kiosk, Official, Rating, Resolution, ServiceArea, Unit

XLSX_MAX_ROWS = 1_000_000  # Excel opens at most 1,048,576 rows; larger exports go to CSV
PERSONAL_TICKET_COLUMNS = ("name", "phone", "email", "address", "content")


def register_columns(personal: bool) -> list[str]:
    """The intake register (sổ theo dõi PAKN) as an office keeps it, in Vietnamese (or the reader's language)."""
    sender = [_("Người gửi"), _("Điện thoại"), _("Địa chỉ"), _("Nội dung")] if personal else []
    return [_("Đơn vị"), _("Số vào sổ"), _("Mã tra cứu"), _("Ngày tiếp nhận"), _("Hình thức tiếp nhận"), _("Phân loại"),
            _("Lĩnh vực"), *sender, _("Thuộc thẩm quyền"), _("Hạn xử lý"), _("Ngày xử lý xong"), _("Kết quả xử lý"),
            _("Thời hạn")]


def register_rows(session: Session, unit_ids: list[int] | None, period: Period, personal: bool, today: date,
                  channel_labels: dict) -> Iterator[list]:
    """The period's register lines: what came in, what was decided and whether it was in time."""
    kinds = {"phan_anh": _("Phản ánh"), "kien_nghi": _("Kiến nghị")}
    for ticket, unit_code, area_code in _tickets(session, unit_ids, period):
        sender = [ticket.name, ticket.phone, ticket.address, ticket.content] if personal else []
        yield [unit_code, f"{ticket.register_number}/{ticket.register_year}", ticket.tracking_code, ticket.received_date,
               str(channel_labels.get(ticket.channel, ticket.channel)), kinds.get(ticket.kind, ticket.kind), area_code,
               *sender, {True: _("Có"), False: _("Không")}.get(ticket.within_competence, _("Chưa phân loại")),
               ticket.due_date, ticket.handled_date, _outcome(ticket), _timeliness(ticket, today)]


def _outcome(ticket: Feedback) -> str:
    if ticket.status == FeedbackStatus.TRANSFERRED:
        return _("Chuyển %(body)s", body=ticket.transferred_to or "")
    if ticket.status == FeedbackStatus.REJECTED:
        return _("Không tiếp nhận: %(reason)s", reason=REJECTION_REASONS.get(ticket.rejection_reason, ""))
    if ticket.resolution == Resolution.RESOLVED:
        return _("Đã giải quyết dứt điểm")
    if ticket.resolution:
        return _("Đã trả lời, chưa giải quyết dứt điểm")
    if ticket.status == FeedbackStatus.ANSWERED:
        return _("Đã trả lời")
    return _("Đang xử lý")


def _timeliness(ticket: Feedback, today: date) -> str:
    if ticket.status == FeedbackStatus.REJECTED:
        return ""
    if ticket.handled_date is not None:
        return _("Đúng hạn") if ticket.handled_date <= ticket.due_date else _("Quá hạn")
    return _("Quá hạn") if ticket.due_date < today else _("Trong hạn")


def ticket_columns(personal: bool) -> list[str]:
    """Every field of a ticket as stored, with machine names: for analysis, not for reading."""
    columns = ["unit", "register_year", "register_number", "tracking_code", "received_at", "received_date", "kind",
               "channel", "service_area", "anonymous", "status", "within_competence", "classify_due", "classified_at",
               "due_date", "original_due_date", "waiting_since", "answered_at", "closed_at", "handled_date",
               "handled_on_time", "transferred_to", "rejection_reason", "duplicate_of_id", "resolution", "reopened_at",
               "citizen_level", "citizen_rated_at"]
    return columns + list(PERSONAL_TICKET_COLUMNS) if personal else columns


def ticket_rows(session: Session, unit_ids: list[int] | None, period: Period, personal: bool) -> Iterator[list]:
    """The tickets received in the period, in register order, every stored field."""
    def local(moment):
        return moment.astimezone(LOCAL_TZ).replace(tzinfo=None) if moment else None

    for ticket, unit_code, area_code in _tickets(session, unit_ids, period):
        on_time = None if ticket.handled_date is None else ticket.handled_date <= ticket.due_date
        row = [unit_code, ticket.register_year, ticket.register_number, ticket.tracking_code, local(ticket.received_at),
               ticket.received_date, ticket.kind, ticket.channel, area_code, ticket.anonymous, ticket.status,
               ticket.within_competence, ticket.classify_due, local(ticket.classified_at), ticket.due_date,
               ticket.original_due_date, ticket.waiting_since, local(ticket.answered_at), local(ticket.closed_at),
               ticket.handled_date, on_time, ticket.transferred_to, ticket.rejection_reason, ticket.duplicate_of_id,
               ticket.resolution, local(ticket.reopened_at), ticket.citizen_level, local(ticket.citizen_rated_at)]
        if personal:
            row += [getattr(ticket, name) for name in PERSONAL_TICKET_COLUMNS]
        yield row


def _tickets(session: Session, unit_ids: list[int] | None, period: Period):
    """(ticket, unit code, area code) received in the period, in register order, read in batches."""
    query = select(Feedback, Unit.code, ServiceArea.code).join(Unit, Unit.id == Feedback.unit_id).outerjoin(
        ServiceArea, ServiceArea.id == Feedback.service_area_id).where(
        Feedback.received_date >= period.start, Feedback.received_date <= period.end).order_by(
        Feedback.unit_id, Feedback.register_year, Feedback.register_number)
    if unit_ids is not None:
        query = query.where(Feedback.unit_id.in_(unit_ids))
    return session.exec(query.execution_options(yield_per=2000))


def rating_columns(personal: bool) -> list[str]:
    columns = ["id", "unit", "local_date", "tapped_at", "channel", "service_area", "official", "desk", "kiosk",
               "level", "reasons", "suspect", "suspect_reasons"]
    return columns + ["dossier_code"] if personal else columns


def rating_rows(session: Session, unit_ids: list[int] | None, period: Period, personal: bool) -> Iterator[list]:
    """Every tap of the period, suspect ones included and marked, in time order."""
    areas = dict(session.exec(select(ServiceArea.id, ServiceArea.code)).all())
    officials = dict(session.exec(select(Official.id, Official.code)).all())
    desks = dict(session.exec(select(Desk.id, Desk.number)).all())
    kiosks = dict(session.exec(select(Kiosk.id, Kiosk.name)).all())
    units = dict(session.exec(select(Unit.id, Unit.code)).all())
    query = select(Rating).where(Rating.local_date >= period.start, Rating.local_date <= period.end).order_by(
        Rating.tapped_at, Rating.id)
    if unit_ids is not None:
        query = query.where(Rating.unit_id.in_(unit_ids))
    for rating in session.exec(query.execution_options(yield_per=5000)):
        row = [rating.id, units.get(rating.unit_id), rating.local_date,
               rating.tapped_at.astimezone(LOCAL_TZ).replace(tzinfo=None), rating.channel,
               areas.get(rating.service_area_id), officials.get(rating.official_id), desks.get(rating.desk_id),
               kiosks.get(rating.kiosk_id), rating.level, " ".join(rating.reasons or []), rating.suspect,
               " ".join(rating.suspect_reasons or [])]
        if personal:
            row.append(rating.dossier_code)
        yield row


def csv_stream(columns: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV lines one at a time, so a province's year never sits in memory; BOM for Excel's sake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if value is None else value for value in row])
        yield buffer.getvalue()


def xlsx_bytes(sheets: list[tuple[str, list[str], Iterable[list]]]) -> bytes:
    """A workbook of (title, header, rows) sheets, written in openpyxl's streaming mode."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(header)
        for count, row in enumerate(rows, start=1):
            if count > XLSX_MAX_ROWS:
                raise OverflowError("too many rows for XLSX")
            sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def report_sheets(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """The periodic report's tables as sheets: targets, PAKN register, QĐ 766, areas, officials, months
    and, for a province, its communes compared."""
    def rate(value):  # cut, never rounded up, at the 0.0% the sheet shows (DESIGN.md)
        return None if value is None else cut_percent(value) / 100

    targets = [[card["label"], rate(card["target"]), rate(card["value"]), card["numerator"], card["denominator"],
                card["status_label"]] for card in report["targets"]]
    register = [[label, rate(value) if is_rate else value] for label, value, is_rate in report["register"]]
    qd766 = [[row["label"], row["numerator"], row["denominator"], rate(row["ratio"]), round(row["score"], 2),
              row["max_score"]] for row in report["qd766"]] + [[report["qd766_source"]], [report["qd766_note"]]]
    areas = [[row.label, row.figures.total, row.figures.very_satisfied, row.figures.satisfied, row.figures.dissatisfied,
              rate(row.rate.value)] for row in report["areas"]]
    officials = [[row.label, row.figures.total, row.figures.very_satisfied, row.figures.satisfied,
                  row.figures.dissatisfied, rate(row.rate.value)] for row in report["officials"]]
    months = [[f"{m.period.start:%m/%Y}", m.ratings.total, m.ratings.suspect_excluded, rate(m.ratings.satisfaction.value),
               m.feedback.received, rate(m.feedback.on_time_rate.value), rate(m.feedback.resolved_rate.value)]
              for m in report["months"]]
    level_header = [_("Lượt được tính"), _("Rất hài lòng"), _("Hài lòng"), _("Không hài lòng"), _("Tỷ lệ hài lòng")]
    communes = [[row["unit"].name, rate(row["ratings"].satisfaction.value), row["status_labels"]["satisfaction"],
                 row["ratings"].total, row["ratings"].suspect_excluded, row["feedback"].received,
                 rate(row["feedback"].on_time_rate.value), row["status_labels"]["feedback_on_time"],
                 rate(row["feedback"].resolved_rate.value), row["status_labels"]["feedback_resolved"],
                 row["feedback"].open_overdue, row["missed"]] for row in report["communes"]]
    comparison = [(_("So sánh các xã"), [
        _("Đơn vị"), _("Tỷ lệ hài lòng"), _("Đánh giá"), _("Lượt được tính"), _("Lượt đáng ngờ"), _("PAKN tiếp nhận"),
        _("Tỷ lệ đúng hạn"), _("Đánh giá"), _("Tỷ lệ giải quyết dứt điểm"), _("Đánh giá"), _("Quá hạn chưa xử lý"),
        _("Số chỉ tiêu chưa đạt")], communes)] if communes else []
    return [
        (_("Chỉ tiêu"), [_("Chỉ tiêu"), _("Mục tiêu"), _("Kết quả"), _("Tử số"), _("Mẫu số"), _("Đánh giá")], targets),
        (_("Sổ PAKN"), [_("Nội dung"), _("Số lượng")], register),
        (_("QĐ 766"), [_("Chỉ số"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ"), _("Điểm"), _("Điểm tối đa")], qd766),
        (_("Theo lĩnh vực"), [_("Lĩnh vực"), *level_header], areas),
        (_("Theo cán bộ"), [_("Cán bộ"), *level_header], officials),
        (_("Theo tháng"), [_("Tháng"), _("Lượt được tính"), _("Lượt đáng ngờ"), _("Tỷ lệ hài lòng"),
                           _("PAKN tiếp nhận"), _("Tỷ lệ đúng hạn"), _("Tỷ lệ giải quyết dứt điểm")], months),
        *comparison,
    ]
