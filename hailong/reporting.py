"""What the dashboards and reports show, beyond the four targets: scopes, periods, trends,
breakdowns and lists. Plain queries on a Session; no Flask.

Commune-wide breakdowns read the commune's taps (an index on unit and day keeps that to
tens of thousands of rows a year); province-wide figures read the daily and monthly totals only.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from hailong import labels
from hailong.errors import DomainError, ValidationError
from hailong.figures import (
    SMALL_COUNT, FeedbackFigures, Period, Rate, RatingFigures, feedback_figures, feedback_figures_by_unit,
    feedback_figures_multi, rating_figures, rating_totals, sector_rate, status_against, targets_by_unit, targets_for,
)
from models import (
    Desk, Feedback, FeedbackEvent, FeedbackStatus, Kiosk, Level, Official, Rating, Reason, ServiceArea,
    TargetCode, Unit, UnitKind,
)

PERIOD_KINDS = ("month", "quarter", "half", "nine", "year", "custom")
MAX_YEARS = 5  # the reform plan runs five years (2021-2025) and is reported on as a whole


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


# --- scope: which units a person may see -----------------------------------------------------


@dataclass
class Scope:
    """The unit whose figures are shown and the communes a province viewer may compare."""

    unit: Unit | None
    unit_ids: list[int] | None
    choices: list[Unit] = field(default_factory=list)  # units this person may switch to

    @property
    def is_commune(self) -> bool:
        return self.unit is not None and self.unit.kind == UnitKind.COMMUNE

    @property
    def communes(self) -> list[Unit]:
        return [unit for unit in self.choices if unit.kind == UnitKind.COMMUNE
                and unit.id in (self.unit_ids or [unit.id])]


def descendants(session: Session, unit_id: int) -> list[int]:
    """The unit and every unit under it."""
    ids, frontier = [unit_id], [unit_id]
    while frontier:
        frontier = list(session.exec(select(Unit.id).where(Unit.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def scope_for(session: Session, home_unit_id: int | None, code: str | None = None) -> Scope:
    """The scope a user of ``home_unit_id`` asked for with ``code``; a commune sees only itself.

    A user without a unit sees every unit. Asking for a unit outside one's own raises Forbidden.
    """
    allowed_ids = descendants(session, home_unit_id) if home_unit_id else None
    choices_query = select(Unit).order_by(Unit.kind.desc(), Unit.name)
    if allowed_ids is not None:
        choices_query = choices_query.where(Unit.id.in_(allowed_ids))
    choices = list(session.exec(choices_query))
    if code:
        unit = next((u for u in choices if u.code == code), None)
        if unit is None:
            raise Forbidden(_l("Bạn không có quyền xem số liệu của đơn vị này."))
    else:
        unit = session.get(Unit, home_unit_id) if home_unit_id else None
    unit_ids = descendants(session, unit.id) if unit else None
    return Scope(unit=unit, unit_ids=unit_ids, choices=choices)


# --- periods -------------------------------------------------------------------------------


def period_from(kind: str | None, *, year: str | None, number: str | None, start: str | None, end: str | None,
                today: date) -> tuple[str, Period]:
    """The period a picker asked for: month/quarter ``number`` of ``year``, 6 or 9 months, a year, or custom."""
    kind = kind if kind in PERIOD_KINDS else "year"
    errors = {}
    try:
        year_value = int(year) if year else today.year
        if not 2000 <= year_value <= 2100:
            raise ValueError
    except ValueError:
        errors["year"] = _l("Năm phải từ 2000 đến 2100.")
        year_value = today.year
    if kind == "custom":
        return kind, _custom(start, end, errors)
    if errors:
        raise ValidationError(_l("Khoảng thời gian không hợp lệ."), fields=errors)
    if kind == "month":
        month = _bounded(number, 1, 12, today.month if year_value == today.year else 12)
        return kind, Period.month_of(date(year_value, month, 1))
    if kind == "quarter":
        quarter = _bounded(number, 1, 4, (today.month - 1) // 3 + 1 if year_value == today.year else 4)
        return kind, Period.quarter_of(date(year_value, 3 * quarter - 2, 1))
    if kind in ("half", "nine"):
        return kind, Period.first_months(year_value, 6 if kind == "half" else 9)
    return kind, Period.year_of(date(year_value, 1, 1))


def _bounded(raw: str | None, low: int, high: int, default: int) -> int:
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return value if low <= value <= high else default


def _custom(start: str | None, end: str | None, errors: dict) -> Period:
    try:
        first = date.fromisoformat(start or "")
    except ValueError:
        errors["from"] = _l("Ngày phải có dạng YYYY-MM-DD.")
    try:
        last = date.fromisoformat(end or "")
    except ValueError:
        errors["to"] = _l("Ngày phải có dạng YYYY-MM-DD.")
    return checked_period(first if "from" not in errors else None, last if "to" not in errors else None, errors)


def checked_period(first: date | None, last: date | None, errors: dict) -> Period:
    """The period from ``first`` to ``last``; ValidationError naming the bad end (and earlier ``errors``)."""
    if not errors and last < first:
        errors["to"] = _l("Ngày kết thúc phải sau ngày bắt đầu.")
    if not errors and last >= _years_after(first, MAX_YEARS):
        errors["to"] = _l("Khoảng thời gian tối đa là %(n)s năm (ví dụ 01/01/2021 đến 31/12/2025).", n=MAX_YEARS)
    if errors:
        raise ValidationError(_l("Khoảng thời gian không hợp lệ."), fields=errors)
    return Period(first, last)


def _years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


# --- the four targets ------------------------------------------------------------------------


@dataclass
class TargetCard:
    code: str
    rate: Rate
    target: float
    status: str


def target_cards(session: Session, scope: Scope, period: Period, today: date,
                 ratings: RatingFigures | None = None, feedback: FeedbackFigures | None = None) -> list[TargetCard]:
    """The four plan targets for the period, each with its rate, count and verdict."""
    ratings = ratings or rating_figures(session, scope.unit_ids, period)
    feedback = feedback or feedback_figures(session, scope.unit_ids, period, today=today)
    targets = targets_for(session, scope.unit.id if scope.unit else None, period.end.year)
    rates = {
        TargetCode.SATISFACTION: ratings.satisfaction,
        TargetCode.SECTOR_SATISFACTION: sector_rate(session, scope.unit_ids, period),
        TargetCode.FEEDBACK_RESOLVED: feedback.resolved_rate,
        TargetCode.FEEDBACK_ON_TIME: feedback.on_time_rate,
    }
    return [TargetCard(code.value, rate, targets[code.value], status_against(rate, targets[code.value]))
            for code, rate in rates.items()]


def feedback_for_report(session: Session, unit_ids: list[int] | None, period: Period, today: date):
    """The period's PAKN figures, each month's, and each unit's, from one set of scans of the tickets."""
    periods = [period, *period.months()]
    by_unit = feedback_figures_multi(session, unit_ids, periods, today=today, by_unit=True)
    sums = [sum((figures[i] for figures in by_unit.values()), FeedbackFigures()) for i in range(len(periods))]
    return sums[0], sums[1:], {unit: figures[0] for unit, figures in by_unit.items()}


# --- trends ----------------------------------------------------------------------------------


@dataclass
class MonthRow:
    period: Period
    ratings: RatingFigures
    feedback: FeedbackFigures


def monthly(session: Session, unit_ids: list[int] | None, period: Period, today: date,
            feedback: list[FeedbackFigures] | None = None) -> list[MonthRow]:
    """Month by month: satisfaction and PAKN figures, each from one read of the totals."""
    months = period.months()
    ratings = rating_totals(session, unit_ids, months)[None]
    # Each month's open-overdue count is taken at its own end, all months in one scan.
    if feedback is None:
        feedback = feedback_figures_multi(session, unit_ids, months, today=today)[None]
    return [MonthRow(month, ratings[i], feedback[i]) for i, month in enumerate(months)]


# --- breakdowns --------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a breakdown; ranked only with at least SMALL_COUNT answers."""

    key: object
    label: str
    figures: RatingFigures
    rank: int | None = None

    @property
    def rate(self) -> Rate:
        return self.figures.satisfaction

    @property
    def rankable(self) -> bool:
        # Taps with no official (or area, desk) are "Không rõ": shown, never ranked among the named.
        return self.key is not None and self.figures.total >= SMALL_COUNT


def ranked(rows: list[Row]) -> list[Row]:
    """Rows with enough answers first, best rate first and numbered; the small ones after, unnumbered, by name."""
    big = sorted((r for r in rows if r.rankable), key=lambda r: (-(r.rate.value or 0), r.label))
    small = sorted((r for r in rows if not r.rankable), key=lambda r: (r.key is None, r.label))
    for position, row in enumerate(big, start=1):
        row.rank = position
    return big + small


BREAKDOWN_DIMENSIONS = ("service_area", "official", "desk", "kiosk", "channel")


@dataclass
class TapBreakdowns:
    """One commune's counted taps by each dimension (ranked rows), by local hour and by ISO weekday."""

    rows: dict[str, list[Row]]
    hours: dict[int, RatingFigures]
    weekdays: dict[int, RatingFigures]

    def __getitem__(self, name: str) -> list[Row]:
        return self.rows[name]


def breakdowns(session: Session, unit_ids: list[int], period: Period) -> TapBreakdowns:
    """Counted taps by service area, official, desk, kiosk, channel, hour and weekday, from one grouped
    query that the (unit, day, …) covering index answers without reading the taps themselves."""
    hour, weekday = _local_hour(session).label("hour"), _weekday(session).label("weekday")
    columns = (Rating.service_area_id, Rating.official_id, Rating.desk_id, Rating.kiosk_id, Rating.channel, hour,
               weekday, Rating.level)
    query = select(*columns, func.count()).where(
        Rating.unit_id.in_(unit_ids), Rating.local_date >= period.start, Rating.local_date <= period.end,
        Rating.suspect.is_(False)).group_by(*columns)
    figures = {name: defaultdict(RatingFigures) for name in (*BREAKDOWN_DIMENSIONS, "hour", "weekday")}
    for *keys, level, count in session.exec(query):
        for name, key in zip((*BREAKDOWN_DIMENSIONS, "hour", "weekday"), keys, strict=True):
            figures[name][key].add(level, False, count)
    labels = _labels(session, unit_ids)
    unknown = str(_l("Không rõ"))
    rows = {name: ranked([Row(key, labels[name].get(key, unknown) if name != "channel" else key, value)
                          for key, value in figures[name].items()])
            for name in BREAKDOWN_DIMENSIONS}
    return TapBreakdowns(rows, {int(h): f for h, f in sorted(figures["hour"].items())},
                         {int(d): f for d, f in sorted(figures["weekday"].items())})


def _labels(session: Session, unit_ids: list[int]) -> dict[str, dict]:
    return {
        "service_area": dict(session.exec(select(ServiceArea.id,
                                                 ServiceArea.name_vi).where(ServiceArea.unit_id.in_(unit_ids))).all()),
        "official": dict(session.exec(select(Official.id,
                                             Official.full_name).where(Official.unit_id.in_(unit_ids))).all()),
        "desk": {id_: f"{number}. {name}" for id_, number, name in
                 session.exec(select(Desk.id, Desk.number, Desk.name).where(Desk.unit_id.in_(unit_ids)))},
        "kiosk": dict(session.exec(select(Kiosk.id, Kiosk.name).where(Kiosk.unit_id.in_(unit_ids))).all()),
    }


def sector_rows(session: Session, unit_ids: list[int] | None, period: Period) -> list[Row]:
    """Satisfaction by sector (administrative procedures, health, education), from the tap totals."""
    figures = {sector: counted[0]
               for sector, counted in rating_totals(session, unit_ids, [period], by="sector").items()}
    return ranked([Row(sector, labels.label(labels.SECTORS, sector), value) for sector, value in figures.items()])


def area_rows(session: Session, unit_ids: list[int], period: Period) -> list[Row]:
    """Satisfaction by service area of one commune (its own taps: tens of thousands a year at most)."""
    query = select(Rating.service_area_id, Rating.level, func.count()).where(
        Rating.unit_id.in_(unit_ids), Rating.local_date >= period.start, Rating.local_date <= period.end,
        Rating.suspect.is_(False)).group_by(Rating.service_area_id, Rating.level)
    figures = defaultdict(RatingFigures)
    for area, level, count in session.exec(query):
        figures[area].add(level, False, count)
    names = _labels(session, unit_ids)["service_area"]
    return ranked([Row(key, names.get(key, str(_l("Không rõ"))), value) for key, value in figures.items()])


def unit_comparison(session: Session, communes: list[Unit], period: Period, today: date,
                    feedback: dict[int, FeedbackFigures] | None = None) -> list[dict]:
    """The communes side by side: satisfaction, suspect taps and the PAKN rates, each judged
    against the commune's own targets, and how many of them it misses (``missed``)."""
    ids = [unit.id for unit in communes]
    if not ids:
        return []
    ratings = {unit: counted[0] for unit, counted in rating_totals(session, ids, [period], by="unit_id").items()}
    if feedback is None:
        feedback = feedback_figures_by_unit(session, ids, period, today=today)
    targets = targets_by_unit(session, ids, period.end.year)
    rows = []
    for unit in communes:
        taps, tickets = ratings.get(unit.id, RatingFigures()), feedback.get(unit.id, FeedbackFigures())
        rates = {TargetCode.SATISFACTION.value: taps.satisfaction,
                 TargetCode.FEEDBACK_ON_TIME.value: tickets.on_time_rate,
                 TargetCode.FEEDBACK_RESOLVED.value: tickets.resolved_rate}
        status = {code: status_against(rate, targets[unit.id][code]) for code, rate in rates.items()}
        rows.append({"unit": unit, "ratings": taps, "feedback": tickets, "status": status,
                     "missed": sum(verdict == "fail" for verdict in status.values())})
    return sorted(rows, key=lambda row: row["unit"].name)


# --- when and why ----------------------------------------------------------------------------


def _local_hour(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(func.extract("hour", func.timezone("Asia/Ho_Chi_Minh", Rating.tapped_at)), sa.Integer)
    # SQLite keeps the UTC time as text "YYYY-MM-DD HH:MM:SS"; Vietnam has no daylight saving, so +7 is exact.
    return (sa.cast(func.substr(Rating.tapped_at, 12, 2), sa.Integer) + 7) % 24


def _weekday(session: Session):
    """ISO weekday of the local date: 1 = Monday … 7 = Sunday."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(func.extract("isodow", Rating.local_date), sa.Integer)
    # The Julian day number modulo 7 is 0 on a Monday (cheaper than strftime on every tap).
    return sa.cast(func.julianday(Rating.local_date) + 0.5, sa.Integer) % 7 + 1


def top_reasons(session: Session, unit_ids: list[int] | None, period: Period, **filters) -> list[tuple[str, int]]:
    """Why citizens were dissatisfied, most frequent first (a tap may give several reasons)."""
    query = select(Rating.reasons).where(
        Rating.local_date >= period.start, Rating.local_date <= period.end, Rating.suspect.is_(False),
        Rating.level == Level.DISSATISFIED)
    if unit_ids is not None:
        query = query.where(Rating.unit_id.in_(unit_ids))
    for name, value in filters.items():
        query = query.where(getattr(Rating, name) == value)
    counts = Counter(reason for reasons in session.exec(query) for reason in (reasons or []))
    return sorted(((reason.value, counts[reason.value]) for reason in Reason if counts[reason.value]),
                  key=lambda item: -item[1])


def suspect_summary(session: Session, unit_ids: list[int] | None, period: Period) -> list[tuple[str, int]]:
    """How many taps were set aside for each reason (a tap may have several), from the tap totals."""
    counts = Counter()
    for reasons, figures in rating_totals(session, unit_ids, [period], by="suspect_reasons").items():
        for reason in reasons.split(",") if reasons else []:
            counts[reason] += figures[0].suspect_excluded
    return [(reason, count) for reason, count in counts.most_common() if count]


# --- PAKN lists --------------------------------------------------------------------------------


def overdue(session: Session, unit_ids: list[int] | None, today: date, limit: int = 50) -> list[tuple[Feedback, str]]:
    """Open tickets past their deadline, the longest overdue first, with their area's name: as hailong.counting
    counts them (unclassified past the classification deadline, in progress past the due date; waiting never)."""
    received = Feedback.status == FeedbackStatus.RECEIVED
    deadline = sa.case((received, Feedback.classify_due), else_=Feedback.due_date)
    query = select(Feedback, ServiceArea.name_vi).outerjoin(ServiceArea,
                                                            ServiceArea.id == Feedback.service_area_id).where(
        sa.or_(received & (Feedback.classify_due < today),
               (Feedback.status == FeedbackStatus.IN_PROGRESS) & (Feedback.due_date < today)),
    ).order_by(deadline, Feedback.id).limit(limit)
    if unit_ids is not None:
        query = query.where(Feedback.unit_id.in_(unit_ids))
    return list(session.exec(query))


def published_replies(session: Session, unit_ids: list[int] | None, period: Period, limit: int = 50) -> list[dict]:
    """Public replies to PAKN: what was asked about (area, kind, dates) and the answer; never who asked."""
    query = select(Feedback.tracking_code, Feedback.kind, Feedback.received_date, ServiceArea.name_vi,
                   FeedbackEvent.at, FeedbackEvent.body).join(
        Feedback, Feedback.id == FeedbackEvent.feedback_id).outerjoin(
        ServiceArea, ServiceArea.id == Feedback.service_area_id).where(
        FeedbackEvent.public.is_(True), FeedbackEvent.kind == "answered",  # the event workflow.answer writes
        Feedback.received_date >= period.start, Feedback.received_date <= period.end,
    ).order_by(FeedbackEvent.at.desc()).limit(limit)
    if unit_ids is not None:
        query = query.where(Feedback.unit_id.in_(unit_ids))
    keys = ("tracking_code", "kind", "received_date", "area", "at", "body")
    return [dict(zip(keys, row, strict=True)) for row in session.exec(query)]


# --- one official ------------------------------------------------------------------------------


def official_figures(session: Session, official: Official, period: Period) -> dict:
    """An official's own figures: satisfaction, by area, by month, and the citizens' reasons."""
    query = select(Rating.service_area_id, Rating.local_date, Rating.level, Rating.suspect, func.count()).where(
        Rating.official_id == official.id, Rating.local_date >= period.start, Rating.local_date <= period.end,
    ).group_by(Rating.service_area_id, Rating.local_date, Rating.level, Rating.suspect)
    overall, areas, months = RatingFigures(), defaultdict(RatingFigures), defaultdict(RatingFigures)
    for area, day, level, suspect, count in session.exec(query):
        overall.add(level, suspect, count)
        if not suspect:
            areas[area].add(level, False, count)
        months[Period.month_of(day).start].add(level, suspect, count)
    names = dict(session.exec(select(ServiceArea.id,
                                     ServiceArea.name_vi).where(ServiceArea.unit_id == official.unit_id)).all())
    return {
        "overall": overall,
        "areas": ranked([Row(key, names.get(key, str(_l("Không rõ"))), value) for key, value in areas.items()]),
        "months": [(month, months.get(month.start, RatingFigures())) for month in period.months()],
        "reasons": top_reasons(session, [official.unit_id], period, official_id=official.id),
    }
