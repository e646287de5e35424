"""QĐ 766/QĐ-TTg, group 5 "Mức độ hài lòng": indicators 5.1 to 5.3, over the PAKN of a period.

The formulas are the national public service portal's, as reconstructed from its published
formula sheet by a public project (DESIGN.md); every figure names that source and the commune
should confirm them with its province. Indicator 5.4 (dossiers) is computed elsewhere.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong import counting, dossiers, workdays
from models import Feedback, FeedbackStatus

SOURCE = _l("Công thức theo Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp "
            "(Quyết định 766/QĐ-TTg), nhóm 5, như Cổng Dịch vụ công quốc gia tính; dựng lại từ bảng công thức "
            "Cổng đã công bố. Đề nghị xã đối chiếu với tỉnh.")
NO_SUBJECT = _l("Sổ tiếp nhận chưa ghi PAKN về quy định hay về hành vi của cán bộ: chỉ tiêu 5.1 chỉ báo tổng số PAKN.")
MAX_SCORE = 6.0
# Full points at 100% unless the unit sets its own targets (per unit and year: DESIGN.md).
DEFAULT_TARGETS = {"5.2": 1.0, "5.3": 1.0, "5.4": dossiers.FULL_POINTS_FROM}
REFUSE_WITHIN = 2  # working days from receipt to refuse a PAKN
HANDLE_WITHIN = 15  # working days from receipt (or the latest transfer) to handle it


@dataclass(frozen=True)
class Indicator:
    numerator: int
    denominator: int
    max_score: float
    target: float | None = None
    full_when_empty: bool = True  # no PAKN: nothing handled badly; no dossier register: nothing to score
    parts: tuple[tuple[str, int], ...] = ()  # what the ratio subtracts, shown beside it (5.4: late, flagged)

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def score(self) -> float | None:
        """Pmax when the ratio meets its target, else ratio × Pmax / target."""
        if not self.max_score:
            return 0.0
        if self.ratio is None:
            return self.max_score if self.full_when_empty else None
        return self.max_score if self.ratio >= self.target else self.ratio * self.max_score / self.target

    def as_json(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, **dict(self.parts),
                "ratio": None if self.ratio is None else round(self.ratio, 4),
                "score": None if self.score is None else round(self.score, 2), "max_score": self.max_score}


def group5(session: Session, unit_ids: list[int] | None, start: date, end: date, today: date,
           targets: dict[str, float] | None = None) -> dict[str, Indicator]:
    """Indicators "5.1", "5.2" and "5.3" of the PAKN first received from ``start`` to the cutoff, and "5.4"
    of the dossiers received then (hailong.dossiers says which are late or drew a complaint)."""
    cutoff = min(end, today)
    targets = DEFAULT_TARGETS | (targets or {})
    tickets = [t for t in _received(session, unit_ids, start, cutoff) if counting.is_pakn(t)]
    calendars = {unit: _Limits(workdays.calendar_for(session, unit)) for unit in {t["unit_id"] for t in tickets}}
    on_time = sum(handled_in_time(t, calendars[t["unit_id"]], cutoff) for t in tickets)
    satisfied = sum(counting.counts_satisfied(t, cutoff) for t in tickets)
    return {"5.1": Indicator(len(tickets), len(tickets), 0.0),
            "5.2": Indicator(on_time, len(tickets), MAX_SCORE, targets["5.2"]),
            "5.3": Indicator(satisfied, len(tickets), MAX_SCORE, targets["5.3"]),
            "5.4": _dossier_indicator(session, unit_ids, start, end, today, targets["5.4"])}


def _dossier_indicator(session: Session, unit_ids, start: date, end: date, today: date, target: float) -> Indicator:
    """5.4 = 1 − late/n − flagged/n: the numerator is what is neither (never below zero), as one Indicator."""
    figures = dossiers.indicator_5_4(session, unit_ids, start, end, today)
    return Indicator(figures["numerator"], figures["denominator"], MAX_SCORE, target, full_when_empty=False,
                     parts=(("late", figures["late"]), ("flagged", figures["flagged"])))


class _Limits:
    """A calendar's "n working days after receipt", remembered: a province's year is 100,000 tickets
    received on a few hundred days."""

    def __init__(self, calendar: workdays.WorkCalendar) -> None:
        self.add_working_days = functools.cache(calendar.add_working_days)


def handled_in_time(ticket: dict, calendar: workdays.WorkCalendar | _Limits, cutoff: date) -> bool:
    """5.2: refused within 2 working days of receipt, handled within 15; still being handled at the cutoff:
    on time while within those 15 days. Tickets here never arrive by transfer, so receipt starts the clock."""
    received, handled = ticket["received_date"], ticket["handled_date"]
    if handled is not None and handled <= cutoff:
        limit = REFUSE_WITHIN if ticket["status"] == FeedbackStatus.REJECTED else HANDLE_WITHIN
        return handled <= calendar.add_working_days(received, limit)
    return cutoff <= calendar.add_working_days(received, HANDLE_WITHIN)


def _received(session: Session, unit_ids: list[int] | None, start: date, cutoff: date) -> list[dict]:
    query = select(*[getattr(Feedback, name) for name in counting.FIELDS]).where(
        Feedback.received_date >= start, Feedback.received_date <= cutoff)
    if unit_ids is not None:
        query = query.where(Feedback.unit_id.in_(unit_ids))
    session.flush()  # this session's own changes count too; the read below bypasses the ORM's autoflush
    rows = session.connection().execute(query)  # plain rows, without the ORM: a province has 100,000 of them
    return [dict(zip(counting.FIELDS, row, strict=True)) for row in rows]


def as_json(indicators: dict[str, Indicator]) -> dict:
    """The API's "qd766" object: the scored indicators (5.1 is reported only, on the report page)."""
    return {code: indicator.as_json() for code, indicator in indicators.items() if indicator.max_score}

