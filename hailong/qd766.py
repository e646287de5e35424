"""QĐ 766/QĐ-TTg, group 5 "Mức độ hài lòng": indicators 5.1 to 5.3, over the PAKN of a period.

The formulas are the national public service portal's, as reconstructed from its published
formula sheet by a public project (DESIGN.md); every figure names that source and the commune
should confirm them with its province. Indicator 5.4 (dossiers) is computed elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, or_, select

from hailong import counting, dossiers, totals
from models import Feedback

SOURCE = _l("Công thức theo Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp "
            "(Quyết định 766/QĐ-TTg), nhóm 5, như Cổng Dịch vụ công quốc gia tính; dựng lại từ bảng công thức "
            "Cổng đã công bố. Đề nghị xã đối chiếu với tỉnh.")
NO_SUBJECT = _l("Sổ tiếp nhận chưa ghi PAKN về quy định hay về hành vi của cán bộ: chỉ tiêu 5.1 chỉ báo tổng số PAKN.")
MAX_SCORE = 6.0
# Full points at 100% unless the unit sets its own targets (per unit and year: DESIGN.md).
DEFAULT_TARGETS = {"5.2": 1.0, "5.3": 1.0, "5.4": dossiers.FULL_POINTS_FROM}
REFUSE_WITHIN = counting.REFUSE_WITHIN
HANDLE_WITHIN = counting.HANDLE_WITHIN


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
    of the dossiers received then (hailong.dossiers says which are late or drew a complaint).

    Tickets whose outcome is settled by the cutoff are counted from their stored outcome
    (hailong.counting.qd766_outcome, kept on every write by hailong.totals); the others are
    judged here from their fields, by the same definitions.
    """
    cutoff = min(end, today)
    targets = DEFAULT_TARGETS | (targets or {})
    counted, on_time, satisfied = _settled(session, unit_ids, start, cutoff)
    tickets = [t for t in _unsettled(session, unit_ids, start, cutoff) if counting.is_pakn(t)]
    calendar = totals.calendars_of(session.connection())
    counted += len(tickets)
    on_time += sum(handled_in_time(t, calendar(t["unit_id"]), cutoff) for t in tickets)
    satisfied += sum(counting.counts_satisfied(t, cutoff) for t in tickets)
    return {"5.1": Indicator(counted, counted, 0.0),
            "5.2": Indicator(on_time, counted, MAX_SCORE, targets["5.2"]),
            "5.3": Indicator(satisfied, counted, MAX_SCORE, targets["5.3"]),
            "5.4": _dossier_indicator(session, unit_ids, start, end, today, targets["5.4"])}


def _dossier_indicator(session: Session, unit_ids, start: date, end: date, today: date, target: float) -> Indicator:
    """5.4 = 1 − late/n − flagged/n: the numerator is what is neither (never below zero), as one Indicator."""
    figures = dossiers.indicator_5_4(session, unit_ids, start, end, today)
    return Indicator(figures["numerator"], figures["denominator"], MAX_SCORE, target, full_when_empty=False,
                     parts=(("late", figures["late"]), ("flagged", figures["flagged"])))


handled_in_time = counting.handled_in_time


def _in_scope(query, unit_ids: list[int] | None, start: date, cutoff: date):
    query = query.where(Feedback.received_date >= start, Feedback.received_date <= cutoff)
    return query if unit_ids is None else query.where(Feedback.unit_id.in_(unit_ids))


def _settled(session: Session, unit_ids: list[int] | None, start: date, cutoff: date) -> tuple[int, int, int]:
    """(PAKN, on time, satisfied) among the tickets received in the period whose outcome is settled by the cutoff."""
    flags = (Feedback.qd766_counted, Feedback.qd766_on_time, Feedback.qd766_satisfied)
    query = _in_scope(select(*flags, func.count()), unit_ids, start, cutoff).where(
        Feedback.qd766_settled_from <= cutoff).group_by(*flags)
    session.flush()  # this session's own changes count too; the reads here bypass the ORM's autoflush
    sums = [0, 0, 0]
    for is_pakn, in_time, satisfied, count in session.connection().execute(query):
        if is_pakn:
            sums = [sums[0] + count, sums[1] + count * bool(in_time), sums[2] + count * bool(satisfied)]
    return sums[0], sums[1], sums[2]


def _unsettled(session: Session, unit_ids: list[int] | None, start: date, cutoff: date) -> list[dict]:
    """The tickets received in the period whose outcome may still change after the cutoff, as plain dicts."""
    query = _in_scope(select(*[getattr(Feedback, name) for name in counting.FIELDS]), unit_ids, start, cutoff).where(
        or_(Feedback.qd766_settled_from.is_(None), Feedback.qd766_settled_from > cutoff))
    return [dict(zip(counting.FIELDS, row, strict=True)) for row in session.connection().execute(query)]


def as_json(indicators: dict[str, Indicator]) -> dict:
    """The API's "qd766" object: the scored indicators (5.1 is reported only, on the report page)."""
    return {code: indicator.as_json() for code, indicator in indicators.items() if indicator.max_score}

