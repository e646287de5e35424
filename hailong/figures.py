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

    def __add__(self, other: "FeedbackFigures") -> "FeedbackFigures":
        """Every field is a count, so units add up (a province is the sum of its communes)."""
        return FeedbackFigures(**{name: getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__})

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
    """``feedback_figures`` of several periods (e.g. the months of a year) at once.

    Four small grouped queries (tickets by day received, due, handled, and the open-late
    ones by due and handled day) are bucketed into the periods here, so a province's
    100,000 tickets are read a few times, not once per period and figure.
    """
    today = today or local_date_of(utcnow())
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    cutoffs = [min(period.end, today) for period in periods]
    scope = [] if unit_ids is None else [Feedback.unit_id.in_(unit_ids)]
    key = [Feedback.unit_id] if by_unit else []
    result: dict = {}

    def figures_of(row) -> list[FeedbackFigures]:
        unit = row[0] if by_unit else None
        if unit not in result:
            result[unit] = [FeedbackFigures() for _ in periods]
        return result[unit]

    def add(row, day, **counts):
        figures = figures_of(row)
        for index, period in enumerate(periods):
            if period.start <= day <= period.end:
                for name, value in counts.items():
                    setattr(figures[index], name, getattr(figures[index], name) + int(value or 0))

    def total(condition):
        return func.sum(sa.case((condition, 1), else_=0))

    def grouped(day_column, *columns, where):
        query = select(*key, day_column, *columns).where(*scope, *where).group_by(*key, day_column)
        return session.exec(query)

    n = len(key)
    for row in grouped(Feedback.received_date, func.count(), total(Feedback.within_competence.is_(True)),
                       total(Feedback.status == FeedbackStatus.TRANSFERRED), total(Feedback.status == FeedbackStatus.REJECTED),
                       where=[Feedback.received_date >= first, Feedback.received_date <= last]):
        add(row, row[n], received=row[n + 1], within_competence=row[n + 2], transferred=row[n + 3], rejected=row[n + 4])
    resolved = sa.and_(Feedback.resolution == Resolution.RESOLVED, Feedback.reopened_at.is_(None))
    due = Feedback.due_date
    if session.get_bind().dialect.name == "sqlite":
        # Unary + keeps SQLite off the (unit, status, due) index, which would read every row;
        # the figures index answers from itself.
        due = sa.literal_column("+feedback.due_date", type_=sa.Date)
    for row in grouped(Feedback.due_date, func.count(), total(resolved),
                       where=[due >= first, due <= last, Feedback.within_competence.is_(True)]):
        add(row, row[n], due_in_period=row[n + 1], resolved=row[n + 2])
    rated = Feedback.citizen_level.is_not(None)
    for row in grouped(Feedback.handled_date, func.count(), total(Feedback.handled_date <= Feedback.due_date), total(rated),
                       total(sa.and_(rated, Feedback.citizen_level != "dissatisfied")),
                       where=[Feedback.handled_date >= first, Feedback.handled_date <= last]):
        add(row, row[n], handled=row[n + 1], handled_on_time=row[n + 2], citizen_rated=row[n + 3], citizen_satisfied=row[n + 4])
    # Late cases still open count against the office at each period's end (or today), not when finally closed.
    query = select(*key, Feedback.due_date, Feedback.handled_date, func.count()).where(
        *scope, Feedback.status != FeedbackStatus.REJECTED, Feedback.due_date < max(cutoffs),
        Feedback.received_date <= max(cutoffs),
        sa.or_(Feedback.handled_date.is_(None), Feedback.handled_date > min(cutoffs)),
    ).group_by(*key, Feedback.due_date, Feedback.handled_date)
    for row in session.exec(query):
        due, handled, count = row[n], row[n + 1], int(row[n + 2])
        figures = figures_of(row)
        for index, cutoff in enumerate(cutoffs):
            if due < cutoff and (handled is None or handled > cutoff):
                figures[index].open_overdue += count
    if not by_unit and None not in result:
        result[None] = [FeedbackFigures() for _ in periods]
    return result


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
    from the daily totals (which carry each tap's sector), plus the answers to the overall
    satisfaction question of the health and education surveys (satisfied = 4 or 5).
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
    for sector, satisfied, total in _sector_survey_counts(session, unit_ids, period):
        counts[sector][0] += int(satisfied)
        counts[sector][1] += int(total)
    return {sector: Rate(satisfied, total) for sector, (satisfied, total) in counts.items()}


def _sector_survey_counts(session: Session, unit_ids: list[int] | None, period: Period):
    """(sector, satisfied, answered) for the overall question of health and education surveys.

    Closed surveys still count for the days they were open: closing one must not rewrite
    last quarter's figure. Drafts never have answers (previews are not stored).
    """
    from models import Sector, Survey, SurveyAnswer, SurveyResponse, SurveyStatus

    query = select(Survey.sector, func.coalesce(func.sum(sa.case((SurveyAnswer.value_int >= 4, 1), else_=0)), 0),
                   func.count()).select_from(SurveyAnswer).join(
        SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).join(
        Survey, Survey.id == SurveyResponse.survey_id).where(
        SurveyAnswer.overall.is_(True), SurveyAnswer.value_int.is_not(None),
        SurveyResponse.local_date >= period.start, SurveyResponse.local_date <= period.end,
        Survey.sector.in_([Sector.HEALTH, Sector.EDUCATION]),
        Survey.status.in_([SurveyStatus.PUBLISHED, SurveyStatus.CLOSED]),
    ).group_by(Survey.sector)
    if unit_ids is not None:
        query = query.where(SurveyResponse.unit_id.in_(unit_ids))
    return session.exec(query).all()


def sector_rate(session: Session, unit_ids: list[int] | None, period: Period) -> Rate:
    """Health and education together, as the 90% target reads."""
    rates = sector_figures(session, unit_ids, period).values()
    return Rate(sum(r.numerator for r in rates), sum(r.denominator for r in rates))
