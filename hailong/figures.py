"""The commune's figures, computed as DESIGN.md defines them.

A period is a range of local dates (Asia/Ho_Chi_Minh), both ends included. Suspect
taps are stored but not counted; how many were set aside is always reported.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from hailong import totals  # noqa: F401  (keeps the daily totals exact on every write)
from models import (
    PLAN_TARGETS, Feedback, FeedbackStatus, Level, Rating, RatingDailyTotal, Resolution, Target, Unit, local_date_of,
    utcnow,
)

SMALL_COUNT = 30  # below this a rate is marked as small and never ranked


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @classmethod
    def month_of(cls, day: date) -> "Period":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return cls(start, following - timedelta(days=1))

    @classmethod
    def quarter_of(cls, day: date) -> "Period":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        end = cls.month_of(date(day.year, first_month + 2, 1)).end
        return cls(start, end)

    @classmethod
    def year_of(cls, day: date) -> "Period":
        return cls(date(day.year, 1, 1), date(day.year, 12, 31))

    @classmethod
    def first_months(cls, year: int, months: int) -> "Period":
        """The plan's cumulative reports: 6 months is January to June, 9 months January to September."""
        return cls(date(year, 1, 1), cls.month_of(date(year, months, 1)).end)

    def months(self) -> list["Period"]:
        """The calendar months the period touches, each cut to the period."""
        result, day = [], self.start
        while day <= self.end:
            month = Period.month_of(day)
            result.append(Period(max(month.start, self.start), min(month.end, self.end)))
            day = month.end + timedelta(days=1)
        return result


@dataclass(frozen=True)
class Rate:
    """A share with its count, and a 95% Wilson interval for honest small numbers."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def small(self) -> bool:
        return self.denominator < SMALL_COUNT

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.numerator, self.denominator)


def wilson_interval(successes: int, total: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The 95% Wilson score interval of ``successes / total``."""
    if total == 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class RatingFigures:
    total: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    suspect_excluded: int = 0

    def add(self, level: str, suspect: bool, count: int) -> None:
        if suspect:
            self.suspect_excluded += count
            return
        setattr(self, Level(level).value, getattr(self, Level(level).value) + count)
        self.total += count

    @property
    def satisfaction(self) -> Rate:
        return Rate(self.very_satisfied + self.satisfied, self.total)

    def as_json(self) -> dict:
        return asdict(self) | {"satisfaction_rate": _rounded(self.satisfaction.value)}


def rating_figures(session: Session, unit_ids: list[int] | None, period: Period) -> RatingFigures:
    """Counts of counted taps by level in the period, and how many suspect taps were set aside.

    Read from the daily totals (exact, see hailong.totals): a province's year in milliseconds.
    """
    total = RatingDailyTotal
    query = select(total.level, total.suspect, func.sum(total.count)).where(
        total.local_date >= period.start, total.local_date <= period.end,
    ).group_by(total.level, total.suspect)
    if unit_ids is not None:
        query = query.where(total.unit_id.in_(unit_ids))
    figures = RatingFigures()
    for level, suspect, count in session.exec(query):
        figures.add(level, suspect, int(count or 0))
    return figures


@dataclass
class FeedbackFigures:
    received: int = 0
    within_competence: int = 0
    transferred: int = 0
    rejected: int = 0
    resolved: int = 0
    due_in_period: int = 0
    handled: int = 0
    handled_on_time: int = 0
    open_overdue: int = 0
    citizen_rated: int = 0  # tickets handled in the period whose citizen said how satisfied they were
    citizen_satisfied: int = 0

    @property
    def handling_satisfaction(self) -> Rate:
        """Citizens satisfied with how their PAKN was handled."""
        return Rate(self.citizen_satisfied, self.citizen_rated)

    @property
    def resolved_rate(self) -> Rate:
        return Rate(self.resolved, self.due_in_period)

    @property
    def on_time_rate(self) -> Rate:
        # Late cases still open count against the office now, not when they are finally closed.
        return Rate(self.handled_on_time, self.handled + self.open_overdue)

    def as_json(self) -> dict:
        return {
            "received": self.received, "within_competence": self.within_competence,
            "transferred": self.transferred, "rejected": self.rejected, "resolved": self.resolved,
            "resolved_rate": _rounded(self.resolved_rate.value), "on_time_rate": _rounded(self.on_time_rate.value),
            "open_overdue": self.open_overdue, "due_in_period": self.due_in_period, "handled": self.handled,
            "handled_on_time": self.handled_on_time,
            "handling_satisfaction_rate": _rounded(self.handling_satisfaction.value),
        }


def feedback_figures(session: Session, unit_ids: list[int] | None, period: Period, today: date | None = None) -> FeedbackFigures:
    """The PAKN figures of the period (see DESIGN.md for the on-time and resolved formulas)."""
    rows = feedback_figures_by_unit(session, unit_ids, period, today=today, by_unit=False)
    return rows.get(None, FeedbackFigures())


def feedback_figures_by_unit(session: Session, unit_ids: list[int] | None, period: Period, today: date | None = None,
                             *, by_unit: bool = True) -> dict[int | None, FeedbackFigures]:
    """``feedback_figures`` for each unit in one pass (keyed by unit id; None when not split)."""
    return {key: figures[0] for key, figures in feedback_figures_multi(
        session, unit_ids, [period], today=today, by_unit=by_unit).items()}


def feedback_figures_multi(session: Session, unit_ids: list[int] | None, periods: list[Period], today: date | None = None,
                           *, by_unit: bool = False) -> dict[int | None, list[FeedbackFigures]]:
    """``feedback_figures`` of several periods (e.g. the months of a year) from a single scan of the tickets."""
    today = today or local_date_of(utcnow())
    scope = [] if unit_ids is None else [Feedback.unit_id.in_(unit_ids)]
    columns = [column for period in periods for column in _feedback_counts(period, today)]
    group = [Feedback.unit_id] if by_unit else []
    # A ticket received after the last period counts in none of them, so the index skips it.
    query = select(*group, *columns).where(*scope, Feedback.received_date <= max(p.end for p in periods)).group_by(*group)
    width = len(columns) // len(periods)
    result = {}
    for row in session.exec(query):
        values = [int(value or 0) for value in row[len(group):]]
        result[row[0] if by_unit else None] = [FeedbackFigures(*values[i * width:(i + 1) * width])
                                               for i in range(len(periods))]
    return result


def _feedback_counts(period: Period, today: date) -> list:
    cutoff = min(period.end, today)
    received_in = sa.and_(Feedback.received_date >= period.start, Feedback.received_date <= period.end)
    handled_in = sa.and_(Feedback.handled_date >= period.start, Feedback.handled_date <= period.end)
    due_in = sa.and_(Feedback.due_date >= period.start, Feedback.due_date <= period.end, Feedback.within_competence.is_(True))
    still_open_at_cutoff = sa.or_(Feedback.handled_date.is_(None), Feedback.handled_date > cutoff)
    open_overdue = sa.and_(Feedback.due_date < cutoff, Feedback.received_date <= cutoff, still_open_at_cutoff,
                           Feedback.status != FeedbackStatus.REJECTED)
    conclusively_resolved = sa.and_(Feedback.resolution == Resolution.RESOLVED, Feedback.reopened_at.is_(None))
    handled_rated = sa.and_(handled_in, Feedback.citizen_level.is_not(None))

    def count(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    return [
        count(received_in),
        count(sa.and_(received_in, Feedback.within_competence.is_(True))),
        count(sa.and_(received_in, Feedback.status == FeedbackStatus.TRANSFERRED)),
        count(sa.and_(received_in, Feedback.status == FeedbackStatus.REJECTED)),
        count(sa.and_(due_in, conclusively_resolved)),
        count(due_in),
        count(handled_in),
        count(sa.and_(handled_in, Feedback.handled_date <= Feedback.due_date)),
        count(open_overdue),
        count(handled_rated),
        count(sa.and_(handled_rated, Feedback.citizen_level != "dissatisfied")),
    ]


def targets_for(session: Session, unit_id: int | None, year: int) -> dict[str, float]:
    """The unit's targets for the year, falling back to the plan's values."""
    targets = {code.value: value for code, value in PLAN_TARGETS.items()}
    if unit_id is not None:
        rows = session.exec(select(Target).where(Target.unit_id == unit_id, Target.year == year))
        targets.update({row.code: row.value for row in rows})
    return targets


def ensure_targets(session: Session, unit: Unit, year: int) -> None:
    """Seed a unit's year with the plan's targets, keeping any the administrator changed."""
    existing = set(session.exec(select(Target.code).where(Target.unit_id == unit.id, Target.year == year)))
    for code, value in PLAN_TARGETS.items():
        if code.value not in existing:
            session.add(Target(unit_id=unit.id, year=year, code=code, value=value))


def status_against(rate: Rate, target: float, margin: float = 0.02) -> str:
    """pass, at_risk (within ``margin`` below target) or fail; ``no_data`` when nothing counted."""
    if rate.value is None:
        return "no_data"
    if rate.value >= target:
        return "pass"
    return "at_risk" if rate.value >= target - margin else "fail"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def sector_figures(session: Session, unit_ids: list[int] | None, period: Period) -> dict[str, Rate]:
    """Satisfaction with health and education services (target ≥ 90%), per sector.

    Counts the counted kiosk and QR ratings given in health and education service areas,
    from the daily totals (which carry each tap's sector).
    The sector surveys add their answers here too (see the surveys issue).
    """
    from models import Sector

    total = RatingDailyTotal
    query = select(total.sector, total.level, func.sum(total.count)).where(
        total.local_date >= period.start, total.local_date <= period.end, total.suspect.is_(False),
        total.sector.in_([Sector.HEALTH, Sector.EDUCATION]),
    ).group_by(total.sector, total.level)
    if unit_ids is not None:
        query = query.where(total.unit_id.in_(unit_ids))
    counts = {Sector.HEALTH.value: [0, 0], Sector.EDUCATION.value: [0, 0]}
    for sector, level, count in session.exec(query):
        counts[sector][1] += int(count)
        if level != Level.DISSATISFIED:
            counts[sector][0] += int(count)
    return {sector: Rate(satisfied, total) for sector, (satisfied, total) in counts.items()}


def sector_rate(session: Session, unit_ids: list[int] | None, period: Period) -> Rate:
    """Health and education together, as the 90% target reads."""
    rates = sector_figures(session, unit_ids, period).values()
    return Rate(sum(r.numerator for r in rates), sum(r.denominator for r in rates))
