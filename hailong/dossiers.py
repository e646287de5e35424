"""Dossiers (hồ sơ thủ tục hành chính): the province's register imported here, and QĐ 766 indicator 5.4.

The province's procedure system owns each dossier; the commune brings its register export
(CSV or XLSX, Vietnamese headers) so ratings and PAKN can name a dossier by the code on the
citizen's receipt. A file is checked whole before anything is stored: one bad row refuses it,
with every bad row named by line and column, because a half-imported register would make
the indicator silently wrong.
"""
from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong.errors import Conflict, ValidationError
from models import (
    Dossier, DossierChannel, Feedback, FeedbackStatus, Level, Official, Rating, Unit, local_date_of, utcnow,
)

MAX_CODE = 64
MAX_ROWS = 50_000
HEADER_SEARCH = 15
MAX_SCORE = 6.0
FULL_POINTS_FROM = 0.9

# Header as the provincial systems write it → field; None marks an optional column.
COLUMNS = {
    "code": ("Mã hồ sơ", True),
    "procedure_name": ("Tên thủ tục", True),
    "procedure_code": ("Mã thủ tục", True),
    "area_name": ("Lĩnh vực", False),
    "received_on": ("Ngày tiếp nhận", True),
    "due_on": ("Ngày hẹn trả", True),
    "returned_on": ("Ngày trả kết quả", True),
    "channel": ("Hình thức nộp", False),
    "official_name": ("Cán bộ tiếp nhận", False),
}
CHANNEL_WORDS = {"trực tuyến": DossierChannel.ONLINE, "trực tiếp": DossierChannel.IN_PERSON,
                 "bưu chính": DossierChannel.POST}
# A PAKN that turned out not to be one (a complaint, a denunciation, a duplicate…) flags nothing.
NOT_PAKN_REASONS = {"complaint", "denunciation", "out_of_scope", "duplicate"}


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return str(_l("dòng %(line)s, cột %(column)s: %(message)s", line=self.line, column=self.column,
                      message=self.message))


@dataclass
class Plan:
    """A checked register: its rows, and how many are new and how many update a known dossier."""

    rows: list[dict] = field(default_factory=list)
    added: int = 0
    updated: int = 0

    def summary(self) -> str:
        return str(_l("%(total)s dòng: %(added)s thêm, %(updated)s cập nhật", total=len(self.rows),
                      added=self.added, updated=self.updated))


class RegisterRefused(ValidationError):
    """The file was refused whole; ``errors`` names every bad row and column."""

    def __init__(self, errors: list[RowError]):
        super().__init__(_l("Tệp bị từ chối, không có hồ sơ nào được lưu: %(n)s lỗi.", n=len(errors)),
                         fields={f"{e.line}:{e.column}": e.message for e in errors[:200]})
        self.errors = errors


def normalise_code(code: str) -> str:
    """Codes are printed in capitals on the receipt; a citizen may type them in any case."""
    return "".join(code.split()).upper()


# --- reading the file ---------------------------------------------------------------------------


def read_table(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(line number, cells) for every line of a CSV or XLSX file, header first."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    if filename.lower().endswith(".csv"):
        return _read_csv(data)
    raise RegisterRefused([RowError(0, "", str(_l("chỉ nhận tệp .csv hoặc .xlsx")))])


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")  # Excel writes a BOM; provincial exports often do not
    except UnicodeDecodeError:
        raise RegisterRefused([RowError(1, "", str(_l("tệp CSV phải mã hóa UTF-8")))]) from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:
        raise RegisterRefused([RowError(reader.line_num, "", str(error))]) from None


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds on a damaged or foreign file)
        raise RegisterRefused([RowError(1, "", str(_l("không đọc được tệp Excel")))]) from None
    sheet = workbook.worksheets[0]
    rows = [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    workbook.close()
    return rows


# --- checking the rows --------------------------------------------------------------------------


def _key(header) -> str:
    return unicodedata.normalize("NFC", str(header or "")).strip().casefold()


def _header_map(header: list, line: int) -> dict[str, int]:
    """Field → column index; a missing required column refuses the file."""
    positions = {_key(cell): index for index, cell in enumerate(header)}
    found, errors = {}, []
    for name, (label, required) in COLUMNS.items():
        index = positions.get(_key(label))
        if index is not None:
            found[name] = index
        elif required:
            errors.append(RowError(line, label, str(_l("thiếu cột này ở dòng tiêu đề"))))
    if errors:
        raise RegisterRefused(errors)
    return found


def parse_rows(table: list[tuple[int, list]]) -> list[dict]:
    """Every data row checked; RegisterRefused naming all bad rows when any is bad."""
    table = [(line, cells) for line, cells in table if any(_text(cell) for cell in cells)]
    if not table:
        raise RegisterRefused([RowError(1, "", str(_l("tệp trống")))])
    start = _header_index(table)
    header_line, header = table[start]
    columns = _header_map(header, header_line)
    if len(table) - start - 1 > MAX_ROWS:
        raise RegisterRefused([RowError(header_line, "", str(_l("quá %(n)s dòng", n=MAX_ROWS)))])
    rows, errors, seen = [], [], {}
    for line, cells in table[start + 1:]:
        code = normalise_code(_text(_cell(cells, columns, "code")))
        if code and code in seen:
            errors.append(RowError(line, COLUMNS["code"][0], str(_l("trùng mã hồ sơ ở dòng %(n)s", n=seen[code]))))
        seen.setdefault(code, line)
        row = _parse_row(line, cells, columns, errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise RegisterRefused(errors)
    if not rows:
        raise RegisterRefused([RowError(header_line, "", str(_l("không có dòng hồ sơ nào")))])
    return rows


def _header_index(table: list[tuple[int, list]]) -> int:
    """Exports often open with a title and the unit's name: the header is the first line naming "Mã hồ sơ"."""
    wanted = _key(COLUMNS["code"][0])
    for index, (_line, cells) in enumerate(table[:HEADER_SEARCH]):
        if any(_key(cell) == wanted for cell in cells):
            return index
    return 0


def _cell(cells: list, columns: dict, name: str):
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _parse_row(line: int, cells: list, columns: dict, errors: list[RowError]) -> dict | None:
    before = len(errors)

    def bad(name: str, message) -> None:
        errors.append(RowError(line, COLUMNS[name][0], str(message)))

    row = {"line": line}
    for name, limit in (("code", MAX_CODE), ("procedure_name", 300), ("procedure_code", MAX_CODE),
                        ("area_name", 200), ("official_name", 120)):
        value = _text(_cell(cells, columns, name))
        if not value and COLUMNS[name][1]:
            bad(name, _l("không được để trống"))
        elif len(value) > limit:
            bad(name, _l("dài quá %(n)s ký tự", n=limit))
        row[name] = value
    row["code"] = normalise_code(row["code"])
    for name in ("received_on", "due_on", "returned_on"):
        row[name] = _parse_date(_cell(cells, columns, name), required=name != "returned_on",
                                complain=lambda message, name=name: bad(name, message))
    row["channel"] = _parse_channel(_text(_cell(cells, columns, "channel")), lambda message: bad("channel", message))
    _check_order(row, bad)
    return row if len(errors) == before else None


def _parse_date(value, *, required: bool, complain) -> date | None:
    if isinstance(value, datetime):  # an XLSX date cell
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            complain(_l("không được để trống"))
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.split(" ")[0], pattern).date()
        except ValueError:
            continue
    complain(_l("%(value)s không phải ngày", value=text))
    return None


def _parse_channel(text: str, complain) -> str | None:
    if not text:
        return None
    lowered = text.casefold()
    for word, channel in CHANNEL_WORDS.items():
        if lowered.startswith(word):  # "Trực tuyến toàn trình", "Bưu chính công ích"…
            return channel.value
    complain(_l("%(value)s không phải trực tuyến, trực tiếp hay bưu chính", value=text))
    return None


def _check_order(row: dict, bad) -> None:
    received, due, returned = row["received_on"], row["due_on"], row["returned_on"]
    if received and due and due < received:
        bad("due_on", _l("ngày hẹn trả trước ngày tiếp nhận"))
    if received and returned and returned < received:
        bad("returned_on", _l("ngày trả kết quả trước ngày tiếp nhận"))


# --- storing ------------------------------------------------------------------------------------


def plan(session: Session, unit: Unit, filename: str, data: bytes) -> Plan:
    """Read and check a register file and count what it would add and update; stores nothing."""
    rows = parse_rows(read_table(filename, data))
    known = _known_codes(session, unit, [row["code"] for row in rows])
    added = sum(1 for row in rows if row["code"] not in known)
    return Plan(rows=rows, added=added, updated=len(rows) - added)


def _known_codes(session: Session, unit: Unit, codes: list[str]) -> dict[str, Dossier]:
    found = {}
    for start in range(0, len(codes), 500):  # stay under SQLite's bound-parameter limit
        chunk = codes[start:start + 500]
        found.update({d.code: d for d in session.exec(select(Dossier).where(
            Dossier.unit_id == unit.id, Dossier.code.in_(chunk)))})
    return found


def apply(session: Session, unit: Unit, checked: Plan, now: datetime | None = None) -> Plan:
    """Add or update every dossier of a checked plan (by code); the province's values win."""
    now = now or utcnow()
    known = _known_codes(session, unit, [row["code"] for row in checked.rows])
    officials = {o.full_name.casefold(): o.id
                 for o in session.exec(select(Official).where(Official.unit_id == unit.id))}
    added = 0
    for row in checked.rows:
        dossier = known.get(row["code"])
        if dossier is None:
            dossier = Dossier(unit_id=unit.id, code=row["code"], procedure_name="", procedure_code="",
                              received_on=row["received_on"], due_on=row["due_on"])
            session.add(dossier)
            added += 1
        for name in ("procedure_name", "procedure_code", "area_name", "received_on", "due_on", "returned_on",
                     "channel", "official_name"):
            setattr(dossier, name, row[name])
        dossier.official_id = officials.get(row["official_name"].casefold())
        dossier.imported_at = now
    session.flush()  # the caller reports the counts; constraint errors surface inside its transaction
    return Plan(rows=checked.rows, added=added, updated=len(checked.rows) - added)


def import_register(session: Session, unit: Unit, filename: str, data: bytes) -> Plan:
    """Check then store a register file; RegisterRefused (nothing stored) when any row is bad."""
    return apply(session, unit, plan(session, unit, filename, data))


def find(session: Session, code: str) -> Dossier | None:
    """The dossier printed with ``code`` on its receipt (codes are unique in practice across communes)."""
    return session.exec(select(Dossier).where(Dossier.code == normalise_code(code)).order_by(Dossier.id)).first()


# --- timeliness and QĐ 766 indicator 5.4 --------------------------------------------------------


def cutoff_of(end: date, today: date) -> date:
    return min(end, today)


def is_late(dossier: Dossier, cutoff: date) -> bool:
    """Late as known at the cutoff: returned after the appointment, or not yet returned and past it."""
    if dossier.returned_on is not None and dossier.returned_on <= cutoff:
        return dossier.returned_on > dossier.due_on
    return dossier.due_on < cutoff


def received_in(session: Session, unit_ids: list[int] | None, start: date, end: date) -> list[Dossier]:
    query = select(Dossier).where(Dossier.received_on >= start, Dossier.received_on <= end)
    if unit_ids is not None:
        query = query.where(Dossier.unit_id.in_(unit_ids))
    return list(session.exec(query))


def flagged_ids(session: Session, dossiers: list[Dossier], cutoff: date) -> set[int]:
    """Dossiers with a counted dissatisfied rating or a PAKN naming them, up to the cutoff."""
    by_key = {(d.unit_id, d.code): d.id for d in dossiers}
    unit_ids = sorted({d.unit_id for d in dossiers})
    if not unit_ids:
        return set()
    taps = select(Rating.unit_id, Rating.dossier_code).where(
        Rating.unit_id.in_(unit_ids), Rating.dossier_code.is_not(None), Rating.level == Level.DISSATISFIED,
        Rating.suspect.is_(False), Rating.local_date <= cutoff)
    pakn = select(Feedback.unit_id, Feedback.dossier_code).where(
        Feedback.unit_id.in_(unit_ids), Feedback.dossier_code.is_not(None), Feedback.received_date <= cutoff,
        ~((Feedback.status == FeedbackStatus.REJECTED) & Feedback.rejection_reason.in_(NOT_PAKN_REASONS)))
    # Codes typed on a kiosk may differ in case or spacing from the register's.
    named = {(unit_id, normalise_code(code)) for unit_id, code in [*session.exec(taps), *session.exec(pakn)]}
    return {by_key[key] for key in named if key in by_key}


def indicator_5_4(session: Session, unit_ids: list[int] | None, start: date, end: date, today: date) -> dict:
    """QĐ 766 indicator 5.4: 1 − late/n − flagged/n over the dossiers received in the period (6 points from 90%)."""
    cutoff = cutoff_of(end, today)
    return indicator_of(session, received_in(session, unit_ids, start, cutoff), cutoff)


def indicator_of(session: Session, dossiers: list[Dossier], cutoff: date) -> dict:
    """Indicator 5.4 over ``dossiers`` (those received in the period), late and flagged as known at ``cutoff``."""
    n = len(dossiers)
    late = sum(1 for d in dossiers if is_late(d, cutoff))
    flagged = len(flagged_ids(session, dossiers, cutoff))
    ratio = max(0.0, 1 - late / n - flagged / n) if n else None
    return {"numerator": max(0, n - late - flagged), "denominator": n, "late": late, "flagged": flagged,
            "ratio": ratio, "score": score_of(ratio), "max_score": MAX_SCORE}


def score_of(ratio: float | None) -> float | None:
    if ratio is None:
        return None
    return MAX_SCORE if ratio >= FULL_POINTS_FROM else ratio * MAX_SCORE / FULL_POINTS_FROM


# --- rating one dossier from the receipt ---------------------------------------------------------

# Later phone ratings of a dossier that already has a counted one are kept but not counted: the
# receipt belongs to one applicant, and receipt codes run in sequence, so they can be guessed.
REPEAT_REASON = "dossier_repeat"
# A receipt is rated around the visit that returned its result; an old code rated months later is
# more likely guessed than kept, so ratings close this long after the return.
RATING_OPEN_DAYS = 30


def rating_closed(dossier: Dossier, today: date) -> bool:
    return dossier.returned_on is not None and (today - dossier.returned_on).days > RATING_OPEN_DAYS


def record_dossier_rating(session: Session, *, dossier: Dossier, level: str, reasons: list[str], criteria: dict,
                          now: datetime | None = None) -> Rating:
    """Store a phone rating of one dossier (channel ``qr``), credited to its procedure's area and its receiving
    official."""
    from hailong import ratings
    from models import Channel, ServiceArea

    now = now or utcnow()
    if rating_closed(dossier, local_date_of(now)):
        raise Conflict(_l("Hồ sơ này đã trả kết quả hơn %(n)s ngày, không nhận đánh giá nữa.", n=RATING_OPEN_DAYS),
                       code="rating_closed")
    body = {"id": str(uuid.uuid4()), "level": level, "tapped_at": now.isoformat(), "dossier_code": dossier.code,
            "reasons": list(reasons or []) if level == Level.DISSATISFIED else [], "criteria": criteria or None}
    rating_in = ratings.parse_rating(body)
    area_id = session.exec(select(ServiceArea.id).where(
        ServiceArea.unit_id == dossier.unit_id,
        ServiceArea.name_vi == dossier.area_name)).first() if dossier.area_name else None
    rating = Rating(client_id=rating_in.client_id, body_hash=rating_in.body_hash, unit_id=dossier.unit_id,
                    channel=Channel.QR, official_id=dossier.official_id, service_area_id=area_id,
                    level=rating_in.level, reasons=rating_in.reasons, criteria=rating_in.criteria,
                    dossier_code=dossier.code, tapped_at=now, sent_at=now, received_at=now,
                    local_date=local_date_of(now))
    if _already_rated(session, dossier):
        rating.suspect, rating.suspect_reasons = True, [REPEAT_REASON]
    session.add(rating)
    session.flush()  # the caller's thank-you page names the stored rating
    return rating


def _already_rated(session: Session, dossier: Dossier) -> bool:
    from models import Channel

    return session.exec(select(Rating.id).where(
        Rating.unit_id == dossier.unit_id, Rating.dossier_code == dossier.code, Rating.channel == Channel.QR,
        Rating.suspect.is_(False))).first() is not None


def state_of(dossier: Dossier, today: date) -> str:
    """Where the dossier stands for its citizen: returned early/on time/late, or in progress within/past its
    appointment."""
    if dossier.returned_on is not None:
        if dossier.returned_on < dossier.due_on:
            return "early"
        return "on_time" if dossier.returned_on == dossier.due_on else "late"
    return "overdue" if dossier.due_on < today else "in_progress"


