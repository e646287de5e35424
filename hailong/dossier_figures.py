"""Figures from the dossier register: by procedure, by receiving official, and Biểu II.06a.

Satisfaction counts the counted (not suspect) ratings given in the period that name a known
dossier; the late share counts the dossiers received in the period, late as known at the
cutoff (``dossiers.is_late``). A row under 30 answers is shown, never ranked (DESIGN.md).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, or_, select

from hailong import dossiers
from hailong.exports import Column
from hailong.figures import SMALL_COUNT, Period, Rate
from models import Dossier, DossierChannel, Level, Rating


@dataclass
class GroupRow:
    """One procedure (or one receiving official): its dossiers, how many were late, and what citizens said."""

    key: str
    name: str
    dossiers: int = 0
    late: int = 0
    answers: int = 0
    satisfied: int = 0
    reasons: Counter = field(default_factory=Counter)
    rank: int | None = None

    @property
    def satisfaction(self) -> Rate:
        return Rate(self.satisfied, self.answers)

    @property
    def late_share(self) -> Rate:
        return Rate(self.late, self.dossiers)


def by_procedure(session: Session, unit_ids: list[int] | None, period: Period, today: date) -> list[GroupRow]:
    cutoff = dossiers.cutoff_of(period.end, today)
    return _grouped(dossiers.received_in(session, unit_ids, period.start, cutoff), rated(session, unit_ids, period),
                    cutoff, procedure_key)


def by_official(session: Session, unit_ids: list[int] | None, period: Period, today: date) -> list[GroupRow]:
    cutoff = dossiers.cutoff_of(period.end, today)
    return _grouped(dossiers.received_in(session, unit_ids, period.start, cutoff), rated(session, unit_ids, period),
                    cutoff, official_key)


def procedure_key(procedure_code: str, procedure_name: str, official_name: str) -> tuple[str, str]:
    return procedure_code, procedure_name


def official_key(procedure_code: str, procedure_name: str, official_name: str) -> tuple[str, str]:
    return official_name.casefold(), official_name or str(_l("(không ghi cán bộ tiếp nhận)"))


def _grouped(received: list[Dossier], answers: list, cutoff: date, key_of) -> list[GroupRow]:
    rows: dict[str, GroupRow] = {}

    def row_for(*columns) -> GroupRow:
        key, name = key_of(*columns)
        return rows.setdefault(key, GroupRow(key=key, name=name))

    for dossier in received:
        row = row_for(dossier.procedure_code, dossier.procedure_name, dossier.official_name)
        row.dossiers += 1
        row.late += dossiers.is_late(dossier, cutoff)
    for procedure_code, procedure_name, official_name, level, reasons in answers:
        row = row_for(procedure_code, procedure_name, official_name)
        row.answers += 1
        row.satisfied += level != Level.DISSATISFIED
        row.reasons.update(reasons or [])
    return _ranked(list(rows.values()))


def rated(session: Session, unit_ids: list[int] | None, period: Period) -> list:
    """(procedure code and name, official, level, reasons) of the counted ratings in the period naming a known
    dossier."""
    # Only taps that name a dossier: a province has a million taps and few carry a code. With the date
    # range in the SQL, SQLite walks every tap of the period (2.5 s for a province's year); with only
    # "has a code" it starts from the dossiers and ix_rating_unit_dossier (1 ms), and the few coded taps
    # are then kept by date here.
    query = select(Dossier.procedure_code, Dossier.procedure_name, Dossier.official_name, Rating.level,
                   Rating.reasons, Rating.local_date).join(Rating,
                                                           (Rating.unit_id == Dossier.unit_id)
                                                           & (Rating.dossier_code == Dossier.code)).where(
        Rating.dossier_code > "", Rating.suspect.is_(False))
    if unit_ids is not None:
        query = query.where(Rating.unit_id.in_(unit_ids))
    return [row[:5] for row in session.exec(query) if period.start <= row[5] <= period.end]


def _ranked(rows: list[GroupRow]) -> list[GroupRow]:
    """Rows with 30 answers or more ranked by satisfaction, best first; the rest after them, unranked."""
    ranked = sorted((r for r in rows if r.answers >= SMALL_COUNT), key=lambda r: (-r.satisfaction.value, r.name))
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    rest = sorted((r for r in rows if r.answers < SMALL_COUNT), key=lambda r: (-r.dossiers, r.name))
    return ranked + rest


# --- Biểu II.06a: dossiers received and resolved in the period ----------------------------------

II06A_COLUMNS = [
    ("received", _l("Tổng số hồ sơ nhận giải quyết")), ("online", _l("Trong kỳ: trực tuyến")),
    ("direct", _l("Trong kỳ: trực tiếp hoặc bưu chính")), ("carried", _l("Từ kỳ trước chuyển qua")),
    ("resolved", _l("Đã giải quyết: tổng số")), ("early", _l("Trả trước hạn")), ("on_time", _l("Trả đúng hạn")),
    ("late", _l("Trả quá hạn")), ("pending", _l("Đang giải quyết: tổng số")), ("within", _l("Trong hạn")),
    ("overdue", _l("Quá hạn")),
]


def ii06a(session: Session, unit_ids: list[int] | None, period: Period, today: date,
          pool: list[Dossier] | None = None) -> list[dict]:
    """Rows by lĩnh vực and a total row, in the columns of Biểu II.06a (TT 01/2018/TT-VPCP)."""
    cutoff = dossiers.cutoff_of(period.end, today)
    rows: dict[str, Counter] = {}
    for dossier in _open_during(session, unit_ids, period, cutoff) if pool is None else pool:
        counts = rows.setdefault(dossier.area_name or str(_l("Khác")), Counter())
        for column in _columns_of(dossier, period.start, cutoff):
            counts[column] += 1
    total = sum(rows.values(), Counter())
    return [{"area": area, **{name: counts[name] for name, _ in II06A_COLUMNS}}
            for area, counts in sorted(rows.items())] \
        + [{"area": str(_l("Tổng cộng")), "total": True, **{name: total[name] for name, _ in II06A_COLUMNS}}]


def _open_during(session, unit_ids, period: Period, cutoff: date) -> list[Dossier]:
    """Every dossier the period handled: received by the cutoff and not returned before the period began."""
    query = select(Dossier).where(Dossier.received_on <= cutoff,
                                  or_(Dossier.returned_on.is_(None), Dossier.returned_on >= period.start))
    if unit_ids is not None:
        query = query.where(Dossier.unit_id.in_(unit_ids))
    return list(session.exec(query))


def _columns_of(dossier: Dossier, start: date, cutoff: date) -> list[str]:
    """The II.06a columns one dossier counts in (a dossier without a channel counts as lodged in person)."""
    columns = ["received"]
    if dossier.received_on < start:
        columns.append("carried")
    else:
        columns.append("online" if dossier.channel == DossierChannel.ONLINE else "direct")
    returned = dossier.returned_on
    if returned is not None and returned <= cutoff:
        columns += ["resolved",
                    "early" if returned < dossier.due_on else "on_time" if returned == dossier.due_on else "late"]
    else:
        columns += ["pending", "overdue" if dossier.due_on < cutoff else "within"]
    return columns


# --- what the report and its XLSX show ----------------------------------------------------------


def for_report(session: Session, unit_ids: list[int] | None, period: Period, today: date) -> dict:
    """Every dossier table of the report, from one read of the period's dossiers."""
    cutoff = dossiers.cutoff_of(period.end, today)
    pool = _open_during(session, unit_ids, period, cutoff)
    received = [d for d in pool if d.received_on >= period.start]  # received in the period, up to the cutoff
    answers = rated(session, unit_ids, period)
    return {
        "ii06a": ii06a(session, unit_ids, period, today, pool),
        "procedures": _grouped(received, answers, cutoff, procedure_key),
        "officials": _grouped(received, answers, cutoff, official_key),
        "indicator": dossiers.indicator_of(session, received, cutoff),
    }


def sheets(figures: dict, reason_labels: dict) -> list[tuple[str, list, list[list]]]:
    """The report's dossier tables as XLSX sheets: Biểu II.06a, by procedure, by official, indicator 5.4."""
    count, rate = "count", "rate"
    ii06a_header = [Column(str(_l("Lĩnh vực")))] + [Column(str(label), count) for _, label in II06A_COLUMNS]
    ii06a_rows = [[row["area"]] + [row[name] for name, _ in II06A_COLUMNS] for row in figures["ii06a"]]
    group_header = [Column(str(_l("Thứ hạng")), count), Column(str(_l("Tên"))),
                    Column(str(_l("Hồ sơ tiếp nhận")), count),
                    Column(str(_l("Hồ sơ trễ hẹn")), count), Column(str(_l("Tỷ lệ trễ hẹn")), rate),
                    Column(str(_l("Lượt đánh giá")), count), Column(str(_l("Tỷ lệ hài lòng")), rate),
                    Column(str(_l("Dưới 30 ý kiến"))), Column(str(_l("Lý do chưa hài lòng")), width=60)]
    indicator = figures["indicator"]
    return [
        ("II.06a", ii06a_header, ii06a_rows),
        (str(_l("Theo thủ tục")), group_header, [_group_line(row, reason_labels) for row in figures["procedures"]]),
        (str(_l("Theo cán bộ tiếp nhận")), group_header,
         [_group_line(row, reason_labels) for row in figures["officials"]]),
        ("QĐ 766 5.4", [Column(str(_l("Chỉ số"))), Column(str(_l("Tử số")), count), Column(str(_l("Mẫu số")), count),
                        Column(str(_l("Hồ sơ trễ hẹn")), count),
                        Column(str(_l("Hồ sơ bị phản ánh hoặc không hài lòng")), count), Column(str(_l("Tỷ lệ")), rate),
                        Column(str(_l("Điểm"))), Column(str(_l("Điểm tối đa")))],
         [["5.4", indicator["numerator"], indicator["denominator"], indicator["late"], indicator["flagged"],
           indicator["ratio"], indicator["score"], indicator["max_score"]]]),
    ]


def _group_line(row: GroupRow, reason_labels: dict) -> list:
    reasons = "; ".join(f"{reason_labels.get(code, code)}: {count}" for code, count in row.reasons.most_common())
    return [row.rank, row.name, row.dossiers, row.late, row.late_share.value, row.answers, row.satisfaction.value,
            row.satisfaction.small, reasons]
