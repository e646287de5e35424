"""Exports: the intake register, raw taps and tickets as CSV or XLSX, and the periodic report as XLSX.

Personal data (a citizen's name, phone, e-mail, address, the PAKN's text and dossier codes)
is written only when ``personal`` is True — the view decides from the user's role.
"""
from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlmodel import Session, select

from hailong import labels
from hailong.feedback import format_code
from hailong.figures import SMALL_COUNT, Period
from hailong.i18n import cut_percent
from models import LOCAL_TZ, Desk, Feedback, FeedbackStatus, Kiosk, Official, Rating, Resolution, ServiceArea, Unit

XLSX_MAX_ROWS = 1_000_000  # Excel opens at most 1,048,576 rows; larger exports go to CSV
PERSONAL_TICKET_COLUMNS = ("name", "phone", "email", "address", "content")


def register_columns(personal: bool) -> list[Column]:
    """The intake register (sổ theo dõi PAKN) as an office keeps it, in Vietnamese (or the reader's language)."""
    sender = [Column(_("Người gửi")), Column(_("Điện thoại")), Column(_("Địa chỉ"), width=30),
              Column(_("Nội dung"), width=50)] if personal else []
    return [Column(_("Đơn vị")), Column(_("Số vào sổ")), Column(_("Mã tra cứu")), Column(_("Ngày tiếp nhận"), "date"),
            Column(_("Hình thức tiếp nhận")), Column(_("Phân loại")), Column(_("Lĩnh vực")), *sender,
            Column(_("Thuộc thẩm quyền")), Column(_("Hạn xử lý"), "date"), Column(_("Ngày xử lý xong"), "date"),
            Column(_("Kết quả xử lý")), Column(_("Thời hạn"))]


def register_rows(session: Session, unit_ids: list[int] | None, period: Period, personal: bool,
                  today: date) -> Iterator[list]:
    """The period's register lines, names rather than codes and codes as printed: what came in,
    what was decided and whether it was in time."""
    units = dict(session.exec(select(Unit.id, Unit.name)).all())
    areas = dict(session.exec(select(ServiceArea.id, ServiceArea.name_vi)).all())
    for ticket, _unit_code, _area_code in _tickets(session, unit_ids, period):
        sender = [ticket.name, ticket.phone, ticket.address, ticket.content] if personal else []
        yield [units.get(ticket.unit_id), f"{ticket.register_number}/{ticket.register_year}",
               format_code(ticket.tracking_code), ticket.received_date,
               labels.label(labels.CHANNELS, ticket.channel), labels.label(labels.FEEDBACK_KINDS, ticket.kind),
               areas.get(ticket.service_area_id, ""),
               *sender, {True: _("Có"), False: _("Không")}.get(ticket.within_competence, _("Chưa phân loại")),
               ticket.due_date, ticket.handled_date, _outcome(ticket), _timeliness(ticket, today)]


def _outcome(ticket: Feedback) -> str:
    if ticket.status == FeedbackStatus.TRANSFERRED:
        return _("Chuyển %(body)s", body=ticket.transferred_to or "")
    if ticket.status == FeedbackStatus.REJECTED:
        return _("Không tiếp nhận: %(reason)s", reason=labels.REJECTION_REASONS.get(ticket.rejection_reason, ""))
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


# --- the one writer: every CSV and XLSX the product hands out goes through here -------------------

HEADER_ROW = 5  # the title block (unit, period, date made) takes rows 1-3, row 4 stays blank
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters (tab, newline and carriage return apart) corrupt an XLSX file and hide text in a CSV.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13)) | {0x7F: None}
WIDTH_SAMPLE = 500
RATE_FORMAT, DATE_FORMAT, DATETIME_FORMAT = "0.0%", "dd/mm/yyyy", "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Column:
    """A column heading with how its cells read: ``rate`` (a share in percent), ``count``, ``date`` or text."""

    title: str
    kind: str = "text"
    width: int | None = None

    def __str__(self) -> str:
        return self.title


@dataclass(frozen=True)
class Title:
    """The title block an office expects on a spreadsheet it forwards: what, whose, which period, when made."""

    heading: str
    unit: str
    period: str
    made: date


def safe_text(value):
    """A citizen's text made inert: no control characters, and no formula start (= + - @ tab CR)
    that a spreadsheet would run — the quote keeps the text readable and harmless."""
    if not isinstance(value, str):
        return value
    value = value.translate(_CONTROL)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cut_rate(value: float | None) -> float | None:
    """A share cut (never rounded up) to the 0.1% the percent format shows: 94.96% reads 94,9%."""
    return None if value is None else cut_percent(value) / 100


def _csv_cell(value):
    if value is None:
        return ""
    return safe_text(value)


def csv_stream(columns: list, rows: Iterable[list]) -> Iterator[str]:
    """CSV lines one at a time, so a province's year never sits in memory; BOM for Excel's sake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_text(str(column)) for column in columns])
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_cell(value) for value in row])
        yield buffer.getvalue()


def csv_text(columns: list, rows: Iterable[list]) -> str:
    """The whole CSV as one string (small exports: a survey, a citizen's data)."""
    return "".join(csv_stream(columns, rows))


def xlsx_bytes(sheets: list[tuple[str, list, Iterable[list]]], title: Title | None = None) -> bytes:
    """A workbook of (sheet name, header, rows), one sheet per table, each under the title block when
    given, its header frozen, rates in percent, dates as dates, widths that fit. Streaming mode."""
    workbook = Workbook(write_only=True)
    for name, header, rows in sheets:
        _write_sheet(workbook, _sheet_name(name), [c if isinstance(c, Column) else Column(str(c)) for c in header],
                     rows, title)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet_name(name: str) -> str:
    # Excel refuses these characters in a sheet's name and names longer than 31.
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in str(safe_text(name)).lstrip("'"))[:31] or "Sheet"


def _write_sheet(workbook: Workbook, name: str, columns: list[Column], rows: Iterable[list], title: Title | None):
    sheet = workbook.create_sheet(title=name)
    rows = iter(rows)
    # Write-only sheets take widths and the frozen pane before the first row, so widths are measured
    # on the first rows only: a province's year still streams.
    first = list(itertools.islice(rows, WIDTH_SAMPLE))
    for i, column in enumerate(columns):
        fit = max([len(column.title), 8, *(_width_of(row[i]) for row in first if i < len(row))])
        sheet.column_dimensions[get_column_letter(i + 1)].width = column.width or min(fit + 2, 60)
    sheet.freeze_panes = f"A{(HEADER_ROW if title else 1) + 1}"
    if title:
        _title_block(sheet, title)
    sheet.append([_bold(sheet, safe_text(c.title)) for c in columns])
    kinds = [c.kind for c in columns]
    for count, row in enumerate(itertools.chain(first, rows), start=1):
        if count > XLSX_MAX_ROWS:
            raise OverflowError("too many rows for XLSX")
        sheet.append([_xlsx_cell(sheet, value, kinds[i] if i < len(kinds) else "text") for i, value in enumerate(row)])


def _title_block(sheet, title: Title) -> None:
    sheet.append([_bold(sheet, safe_text(title.heading))])
    sheet.append([safe_text(f"{_('Đơn vị')}: {title.unit}")])
    sheet.append([safe_text(f"{_('Kỳ báo cáo')}: {title.period}"),
                  None, safe_text(f"{_('Ngày lập')}: {title.made:%d/%m/%Y}")])
    sheet.append([])


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _xlsx_cell(sheet, value, kind: str):
    if isinstance(value, str):
        return safe_text(value)
    if kind == "rate" and isinstance(value, (int, float)):
        cell = WriteOnlyCell(sheet, value=cut_rate(value))
        cell.number_format = RATE_FORMAT
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None) if value.tzinfo is None
                             else value.astimezone(LOCAL_TZ).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _width_of(value) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0


def report_sheets(report: dict) -> list[tuple[str, list[Column], list[list]]]:
    """The periodic report's tables as sheets: targets, PAKN register, QĐ 766, areas, officials, months
    and, for a province, its communes compared. Rates are percent cells with their counts beside; a
    rate over fewer than 30 answers is marked, as on the page."""
    def small(count: int) -> str:
        return _("Ít dữ liệu (dưới 30)") if count < SMALL_COUNT else ""

    def figures_row(label, figures, rate):
        return [label, figures.total, figures.very_satisfied, figures.satisfied, figures.dissatisfied, rate.value,
                small(figures.total)]

    rate, count, note = "rate", "count", Column(_("Ghi chú"))
    targets = [[card["label"], card["target"], card["value"], card["numerator"], card["denominator"],
                card["status_label"], small(card["denominator"])] for card in report["targets"]]
    register = [[label, None if is_rate else value, value if is_rate else None]
                for label, value, is_rate in report["register"]]
    qd766 = [[row["label"], row["numerator"], row["denominator"], row["ratio"],
              None if row["score"] is None else round(row["score"], 2),
              row["max_score"]] for row in report["qd766"]] + [[report["qd766_source"]], [report["qd766_note"]]]
    areas = [figures_row(row.label, row.figures, row.rate) for row in report["areas"]]
    officials = [figures_row(row.label, row.figures, row.rate) for row in report["officials"]]
    months = [[f"{m.period.start:%m/%Y}", m.ratings.total, m.ratings.suspect_excluded, m.ratings.satisfaction.value,
               m.feedback.received, m.feedback.on_time_rate.value, m.feedback.resolved_rate.value,
               small(m.ratings.total)] for m in report["months"]]
    levels = [Column(str(label), count) for label in labels.LEVELS.values()]
    level_header = [Column(_("Lượt được tính"), count), *levels, Column(_("Tỷ lệ hài lòng"), rate), note]
    communes = [[row["unit"].name, row["ratings"].satisfaction.value, row["status_labels"]["satisfaction"],
                 row["ratings"].total, row["ratings"].suspect_excluded, row["feedback"].received,
                 row["feedback"].on_time_rate.value, row["status_labels"]["feedback_on_time"],
                 row["feedback"].resolved_rate.value, row["status_labels"]["feedback_resolved"],
                 row["feedback"].open_overdue, row["missed"], small(row["ratings"].total)]
                 for row in report["communes"]]
    comparison = [(_("So sánh các xã"), [
        Column(_("Đơn vị")), Column(_("Tỷ lệ hài lòng"), rate), Column(_("Đánh giá")),
        Column(_("Lượt được tính"), count),
        Column(_("Lượt đáng ngờ"), count), Column(_("PAKN tiếp nhận"), count), Column(_("Tỷ lệ đúng hạn"), rate),
        Column(_("Đánh giá")), Column(_("Tỷ lệ giải quyết dứt điểm"), rate), Column(_("Đánh giá")),
        Column(_("Quá hạn chưa xử lý"), count), Column(_("Số chỉ tiêu chưa đạt"), count), note],
        communes)] if communes else []
    amounts = [Column(_("Nội dung"), width=60), Column(_("Số lượng"), count), Column(_("Tỷ lệ"), rate)]
    return [
        (_("Chỉ tiêu"), [Column(_("Chỉ tiêu"), width=55), Column(_("Mục tiêu"), rate), Column(_("Kết quả"), rate),
                         Column(_("Tử số"), count), Column(_("Mẫu số"), count), Column(_("Đánh giá")), note], targets),
        (_("Sổ PAKN"), amounts, register),
        (_("QĐ 766"), [Column(_("Chỉ số"), width=60), Column(_("Tử số"), count), Column(_("Mẫu số"), count),
                       Column(_("Tỷ lệ"), rate), Column(_("Điểm")), Column(_("Điểm tối đa"))], qd766),
        (_("Theo lĩnh vực"), [Column(_("Lĩnh vực")), *level_header], areas),
        (_("Theo cán bộ"), [Column(_("Cán bộ")), *level_header], officials),
        (_("Theo tháng"), [Column(_("Tháng")), Column(_("Lượt được tính"), count), Column(_("Lượt đáng ngờ"), count),
                           Column(_("Tỷ lệ hài lòng"), rate), Column(_("PAKN tiếp nhận"), count),
                           Column(_("Tỷ lệ đúng hạn"), rate), Column(_("Tỷ lệ giải quyết dứt điểm"), rate), note],
                           months),
        *comparison,
    ]
