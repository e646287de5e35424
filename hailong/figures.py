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

from models import (
    PLAN_TARGETS, Feedback, FeedbackStatus, Level, Rating, Resolution, Target, Unit, local_date_of, utcnow,
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

    @property
    def satisfaction(self) -> Rate:
        return Rate(self.very_satisfied + self.satisfied, self.total)

    def as_json(self) -> dict:
        return asdict(self) | {"satisfaction_rate": _rounded(self.satisfaction.value)}


def rating_figures(session: Session, unit_ids: list[int] | None, period: Period) -> RatingFigures:
    """Counts of counted taps by level in the period, and how many suspect taps were set aside."""
    query = select(Rating.level, Rating.suspect, func.count()).where(
        Rating.local_date >= period.start, Rating.local_date <= period.end,
    ).group_by(Rating.level, Rating.suspect)
    if unit_ids is not None:
        query = query.where(Rating.unit_id.in_(unit_ids))
    figures = RatingFigures()
    for level, suspect, count in session.exec(query):
        if suspect:
            figures.suspect_excluded += count
            continue
        setattr(figures, Level(level).value, getattr(figures, Level(level).value) + count)
        figures.total += count
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
            "open_overdue": self.open_overdue,
        }


def feedback_figures(session: Session, unit_ids: list[int] | None, period: Period, today: date | None = None) -> FeedbackFigures:
    """The PAKN figures of the period (see DESIGN.md for the on-time and resolved formulas)."""
    today = today or local_date_of(utcnow())
    cutoff = min(period.end, today)
    scope = [] if unit_ids is None else [Feedback.unit_id.in_(unit_ids)]
    received_in = sa.and_(Feedback.received_date >= period.start, Feedback.received_date <= period.end)
    handled_in = sa.and_(Feedback.handled_date >= period.start, Feedback.handled_date <= period.end)
    due_in = sa.and_(Feedback.due_date >= period.start, Feedback.due_date <= period.end, Feedback.within_competence.is_(True))
    still_open_at_cutoff = sa.or_(Feedback.handled_date.is_(None), Feedback.handled_date > cutoff)
    open_overdue = sa.and_(Feedback.due_date < cutoff, Feedback.received_date <= cutoff, still_open_at_cutoff,
                           Feedback.status != FeedbackStatus.REJECTED)
    conclusively_resolved = sa.and_(Feedback.resolution == Resolution.RESOLVED, Feedback.reopened_at.is_(None))

    def count(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = session.exec(select(
        count(received_in),
        count(sa.and_(received_in, Feedback.within_competence.is_(True))),
        count(sa.and_(received_in, Feedback.status == FeedbackStatus.TRANSFERRED)),
        count(sa.and_(received_in, Feedback.status == FeedbackStatus.REJECTED)),
        count(sa.and_(due_in, conclusively_resolved)),
        count(due_in),
        count(handled_in),
        count(sa.and_(handled_in, Feedback.handled_date <= Feedback.due_date)),
        count(open_overdue),
    ).where(*scope)).one()
    return FeedbackFigures(*(int(value) for value in row))


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
    plus the answers to the overall satisfaction question of the health and education
    surveys (satisfied = 4 or 5 on the 5-point scale).
    """
    from models import Sector, ServiceArea

    query = select(ServiceArea.sector, Rating.level, func.count()).join(
        ServiceArea, ServiceArea.id == Rating.service_area_id).where(
        Rating.local_date >= period.start, Rating.local_date <= period.end, Rating.suspect.is_(False),
        ServiceArea.sector.in_([Sector.HEALTH, Sector.EDUCATION]),
    ).group_by(ServiceArea.sector, Rating.level)
    if unit_ids is not None:
        query = query.where(Rating.unit_id.in_(unit_ids))
    counts = {Sector.HEALTH.value: [0, 0], Sector.EDUCATION.value: [0, 0]}
    for sector, level, count in session.exec(query):
        counts[sector][1] += count
        if level != Level.DISSATISFIED:
            counts[sector][0] += count
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
