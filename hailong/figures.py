"""The commune's figures, computed as DESIGN.md defines them.

A period is a range of local dates (Asia/Ho_Chi_Minh), both ends included. Suspect
taps are stored but not counted; how many were set aside is always reported.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, func, select

from hailong import totals  # totals also keeps the daily totals exact on every write
from hailong.surveys.definitions import SATISFIED_FROM
from models import (
    PLAN_TARGETS, Feedback, FeedbackDailyTotal, FeedbackMonthlyTotal, Level, RatingDailyTotal,
    RatingMonthlyTotal, Target, Unit,
    local_date_of, utcnow,
)

MEASURES = totals.TICKET_MEASURES
COUNTED = tuple(name for name in MEASURES if name != "overdue_change")
COUNTED_INDEXES = [MEASURES.index(name) for name in COUNTED]
OVERDUE_INDEX = MEASURES.index("overdue_change")

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


_LEVEL_FIELDS = {level.value: level.value for level in Level}


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
        name = _LEVEL_FIELDS[level]  # called for every grouped row: a dict, not Level(level)
        setattr(self, name, getattr(self, name) + count)
        self.total += count

    def __add__(self, other: "RatingFigures") -> "RatingFigures":
        return RatingFigures(**{name: getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__})

    @property
    def satisfaction(self) -> Rate:
        return Rate(self.very_satisfied + self.satisfied, self.total)

    def as_json(self) -> dict:
        return asdict(self) | {"satisfaction_rate": _rounded(self.satisfaction.value)}


def rating_figures(session: Session, unit_ids: list[int] | None, period: Period) -> RatingFigures:
    """Counts of counted taps by level in the period, and how many suspect taps were set aside."""
    return rating_totals(session, unit_ids, [period])[None][0]


def rating_totals(session: Session, unit_ids: list[int] | None, periods: list[Period], *,
                  by: str | None = None) -> dict[object, list[RatingFigures]]:
    """``rating_figures`` of each period, split by a column of the totals (``unit_id``, ``sector``,
    ``suspect_reasons``) when ``by`` is given, else keyed by None.

    Read from the tap totals (exact, see hailong.totals): whole months from the monthly
    totals, ragged ends from the daily ones, so a province's year is a few thousand rows.
    """
    # A page asks for the same totals more than once (the targets and the rows by sector): read once per session.
    memo = session.info.setdefault("rating_totals", {})
    memo_key = (None if unit_ids is None else tuple(unit_ids), tuple(periods), by)
    if memo_key not in memo:
        memo[memo_key] = _rating_totals(session, unit_ids, periods, by)
    return {key: [replace(figures) for figures in values] for key, values in memo[memo_key].items()}


def forget_totals(session, *_args) -> None:
    """Drop the session's remembered totals: called on every write, commit and rollback."""
    session.info.pop("rating_totals", None)


for _event in ("after_flush", "after_commit", "after_soft_rollback"):
    sa.event.listen(OrmSession, _event, forget_totals)


@sa.event.listens_for(OrmSession, "do_orm_execute")
def _forget_on_write(state) -> None:
    if not state.is_select:  # session.execute(insert/update/delete(...)) bypasses the flush
        forget_totals(state.session)


def _rating_totals(session: Session, unit_ids: list[int] | None, periods: list[Period], by: str | None) -> dict:
    bounds = _bounds(periods)
    within = _periods_of_segments(bounds, periods)
    group = ([by] if by else []) + ["level", "suspect"]
    result: dict = {} if by else {None: [RatingFigures() for _ in periods]}
    for row in _summed(session, (RatingDailyTotal, RatingMonthlyTotal), ["count"], group, unit_ids, bounds):
        key, (level, suspect, segment, count) = (row[0], row[1:]) if by else (None, row)
        figures = result.setdefault(key, [RatingFigures() for _ in periods])
        for index in within[segment]:
            figures[index].add(level, suspect, int(count or 0))
    return result


# --- reading the totals by period ---------------------------------------------------------------


def _bounds(periods: list[Period], cutoffs: list[date] = ()) -> list[date]:
    """The days where a period (or a cutoff's day after) starts or stops: segment i runs from
    bounds[i] to the day before bounds[i + 1], and each period is a run of whole segments."""
    after = timedelta(days=1)
    return sorted({p.start for p in periods} | {p.end + after for p in periods} | {day + after for day in cutoffs})


def _periods_of_segments(bounds: list[date], periods: list[Period]) -> dict[int, list[int]]:
    return {segment: [index for index, period in enumerate(periods) if period.start <= first <= period.end]
            for segment, first in enumerate(bounds[:-1])} | {-1: []}


def _pieces(bounds: list[date], carry: bool) -> dict[str, list[tuple[date | None, date, int]]]:
    """Each segment as (first day or None for "since the beginning", day after, segment) ranges:
    its whole months for the monthly totals, its ragged ends for the daily ones. With ``carry``,
    segment -1 holds everything before the first bound."""
    pieces: dict = {"day": [], "month": []}
    spans = [(None, bounds[0], -1)] if carry else []
    for segment, (first, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        spans.append((first, end, segment))
    for first, end, segment in spans:
        head = first if first is None or first.day == 1 else Period.month_of(first).end + timedelta(days=1)
        tail = end.replace(day=1)
        if first is not None and head >= tail:
            pieces["day"].append((first, end, segment))
            continue
        if first is not None and first < head:
            pieces["day"].append((first, head, segment))
        pieces["month"].append((head, tail, segment))
        if tail < end:
            pieces["day"].append((tail, end, segment))
    return pieces


def _summed(session: Session, tables: tuple, columns: list[str], group: list[str], unit_ids: list[int] | None,
            bounds: list[date], *, carry: bool = False) -> list[tuple]:
    """Rows of (*group, segment, *sums of columns) from the daily and monthly ``tables``."""
    rows = []
    for grain, table in zip(("day", "month"), tables, strict=True):
        for run in _runs(_pieces(bounds, carry)[grain]):
            rows.extend(session.exec(_summed_run(table, columns, group, unit_ids, run)))
    return rows


def _runs(ranges: list[tuple]) -> list[list[tuple]]:
    """Ranges that follow one another without a gap, together: each run is one read in key order
    (a period's two ragged ends are two short reads, not one read of everything between them)."""
    runs: list[list[tuple]] = []
    for piece in sorted(ranges, key=lambda r: (r[0] is not None, r[0] or date.min)):
        if runs and runs[-1][-1][1] == piece[0]:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return runs


def _summed_run(table, columns: list[str], group: list[str], unit_ids: list[int] | None, run: list[tuple]):
    day = table.local_date
    first, end = run[0][0], run[-1][1]
    segment = sa.case(*[(day < piece_end, piece_segment) for _first, piece_end, piece_segment in run])
    inner = select(*[getattr(table, name) for name in group], segment.label("segment"),
                   *[getattr(table, name) for name in columns]).where(day < end, *([day >= first] if first else []))
    if unit_ids is not None:
        inner = inner.where(table.unit_id.in_(unit_ids))
    inner = inner.subquery()  # PostgreSQL groups by the segment's name, not by a repeat of its CASE
    keys = [inner.c[name] for name in group] + [inner.c.segment]
    return select(*keys, *[func.sum(inner.c[name]) for name in columns]).group_by(*keys)


@dataclass
class FeedbackFigures:
    received: int = 0
    within_competence: int = 0
    transferred: int = 0
    rejected: int = 0
    set_apart: int = 0  # refused as a complaint, a denunciation, out of scope or a duplicate: listed apart
    resolved: int = 0
    due_in_period: int = 0  # the resolved rate's denominator: due by the cutoff, or resolved early (see counting)
    handled: int = 0
    handled_on_time: int = 0
    open_overdue: int = 0
    citizen_rated: int = 0  # tickets handled in the period whose citizen said how satisfied they were
    citizen_satisfied: int = 0

    @property
    def handling_satisfaction(self) -> Rate:
        """Citizens' ratings of the tickets handled in the period. The handling satisfaction figure shown
        and published is QĐ 766 indicator 5.3 (hailong.qd766), which also counts lateness and reopening."""
        return Rate(self.citizen_satisfied, self.citizen_rated)

    def __add__(self, other: "FeedbackFigures") -> "FeedbackFigures":
        """Every field is a count, so units add up (a province is the sum of its communes)."""
        return FeedbackFigures(**{name: getattr(self, name) + getattr(other, name)
                                  for name in self.__dataclass_fields__})

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
            "open_overdue": self.open_overdue, "set_apart": self.set_apart, "due_in_period": self.due_in_period,
            "handled": self.handled,
            "handled_on_time": self.handled_on_time,
        }


def feedback_figures(session: Session, unit_ids: list[int] | None, period: Period,
                     today: date | None = None) -> FeedbackFigures:
    """The PAKN figures of the period (see DESIGN.md for the on-time and resolved formulas)."""
    rows = feedback_figures_by_unit(session, unit_ids, period, today=today, by_unit=False)
    return rows.get(None, FeedbackFigures())


def feedback_figures_by_unit(session: Session, unit_ids: list[int] | None, period: Period, today: date | None = None,
                             *, by_unit: bool = True) -> dict[int | None, FeedbackFigures]:
    """``feedback_figures`` for each unit in one pass (keyed by unit id; None when not split)."""
    return {key: figures[0] for key, figures in feedback_figures_multi(
        session, unit_ids, [period], today=today, by_unit=by_unit).items()}


def feedback_figures_multi(session: Session, unit_ids: list[int] | None, periods: list[Period],
                           today: date | None = None,
                           *, by_unit: bool = False) -> dict[int | None, list[FeedbackFigures]]:
    """``feedback_figures`` of several periods (e.g. a year and its months) from one read of the PAKN totals.

    A period's figures are the sums of its days; its open overdue tickets are the overdue
    changes of every day up to its cutoff, the period's end or today if sooner (late cases
    still open count against the office then, not when they are finally closed).
    """
    today = today or local_date_of(utcnow())
    cutoffs = [min(period.end, today) for period in periods]
    bounds = _bounds(periods, cutoffs)
    within = _periods_of_segments(bounds, periods)
    group = ["unit_id"] if by_unit else []
    sums: dict = {}  # unit -> per period: [counts in COUNTED order…, open overdue]
    for row in _summed(session, (FeedbackDailyTotal, FeedbackMonthlyTotal), list(MEASURES), group, unit_ids, bounds,
                       carry=True):
        unit, segment, *values = row if by_unit else (None, *row)
        values = [int(value or 0) for value in values]
        counted, overdue = [values[i] for i in COUNTED_INDEXES], values[OVERDUE_INDEX]
        unit_sums = sums.setdefault(unit, [[0] * (len(COUNTED) + 1) for _ in periods])
        first_day = bounds[segment] if segment >= 0 else None
        for period_sums, cutoff in zip(unit_sums, cutoffs, strict=True):
            if first_day is None or first_day <= cutoff:  # the segment ends by the cutoff (cutoff + 1 is a bound)
                period_sums[-1] += overdue
        for index in within[segment]:
            if first_day <= cutoffs[index]:  # what falls after the cutoff (a deadline still ahead) is not yet due
                unit_sums[index][:-1] = [a + b for a, b in zip(unit_sums[index], counted, strict=False)]
    if not by_unit:
        sums.setdefault(None, [[0] * (len(COUNTED) + 1) for _ in periods])
    result = {unit: [FeedbackFigures(**dict(zip(COUNTED, values, strict=False)), open_overdue=values[-1])
                     for values in per_period]
              for unit, per_period in sums.items()}
    _add_resolved_early(session, unit_ids, periods, cutoffs, result, by_unit)
    return result


def _add_resolved_early(session: Session, unit_ids: list[int] | None, periods: list[Period], cutoffs: list[date],
                        result: dict, by_unit: bool) -> None:
    """Add to the resolved rate the tickets resolved in the period before a deadline that lies after its
    cutoff (DESIGN.md), counted in SQL from the flag hailong.totals keeps on each ticket
    (hailong.counting.closed_resolved): one grouped count per period, so a count per unit and period
    comes back, not a row per handling day and due date."""
    keys = [Feedback.unit_id] if by_unit else []
    counts = []
    for index, (period, cutoff) in enumerate(zip(periods, cutoffs, strict=True)):
        if period.start > cutoff:  # a period that has not begun: nothing handled in it yet
            continue
        query = select(sa.literal(index, sa.Integer), *keys, func.count()).where(
            Feedback.closed_resolved.is_(True), Feedback.handled_date >= period.start,
            Feedback.handled_date <= cutoff, Feedback.due_date > cutoff)
        if unit_ids is not None:
            query = query.where(Feedback.unit_id.in_(unit_ids))
        counts.append(query.group_by(*keys) if keys else query)
    if not counts:
        return
    session.flush()  # this session's own changes count too; the read below bypasses the ORM's autoflush
    for row in session.connection().execute(sa.union_all(*counts)):
        index, unit, count = row if by_unit else (row[0], None, row[1])
        if not count:
            continue
        if unit not in result:
            result[unit] = [FeedbackFigures() for _ in periods]
        figures = result[unit][index]
        figures.resolved += count
        figures.due_in_period += count


def targets_for(session: Session, unit_id: int | None, year: int) -> dict[str, float]:
    """The unit's targets for the year, falling back to the plan's values."""
    return targets_by_unit(session, [unit_id], year)[unit_id] if unit_id is not None else {
        code.value: value for code, value in PLAN_TARGETS.items()}


def targets_by_unit(session: Session, unit_ids: list[int], year: int) -> dict[int, dict[str, float]]:
    """``targets_for`` of many units with one query."""
    targets = {unit_id: {code.value: value for code, value in PLAN_TARGETS.items()} for unit_id in unit_ids}
    for row in session.exec(select(Target).where(Target.unit_id.in_(unit_ids), Target.year == year)):
        targets[row.unit_id][row.code] = row.value
    return targets


def ensure_targets(session: Session, unit: Unit, year: int) -> None:
    """Seed a unit's year with the plan's targets, keeping any the administrator changed."""
    existing = set(session.exec(select(Target.code).where(Target.unit_id == unit.id, Target.year == year)))
    for code, value in PLAN_TARGETS.items():
        if code.value not in existing:
            session.add(Target(unit_id=unit.id, year=year, code=code, value=value))


def set_targets(session: Session, unit: Unit, year: int, values: dict[str, float]) -> None:
    """The administrator's targets for the unit's year (shares, 0.95 for 95%); codes not given keep theirs."""
    ensure_targets(session, unit, year)
    session.flush()  # the seeded rows are updated below
    for code, value in values.items():
        row = session.exec(select(Target).where(Target.unit_id == unit.id, Target.year == year,
                                                Target.code == code)).one()
        row.value = value


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
    from the tap totals (which carry each tap's sector), plus the answers to the overall
    satisfaction question of the health and education surveys (satisfied = 4 or 5).
    """
    from models import Sector

    by_sector = rating_totals(session, unit_ids, [period], by="sector")
    counts = {}
    for sector in (Sector.HEALTH.value, Sector.EDUCATION.value):
        taps = by_sector.get(sector, [RatingFigures()])[0].satisfaction
        counts[sector] = [taps.numerator, taps.denominator]
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

    satisfied = sa.case((SurveyAnswer.value_int >= SATISFIED_FROM, 1), else_=0)
    query = select(Survey.sector, func.coalesce(func.sum(satisfied), 0), func.count()).select_from(SurveyAnswer).join(
        SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).join(
        Survey, Survey.id == SurveyResponse.survey_id).where(
        SurveyAnswer.overall.is_(True), SurveyAnswer.value_int.is_not(None), SurveyResponse.suspect.is_(False),
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
