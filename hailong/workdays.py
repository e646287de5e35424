"""Working-day arithmetic for PAKN deadlines: weekends, Vietnamese public holidays, swaps.

Day one of a deadline is the first working day strictly after receipt. The national
calendar (Tết, Giỗ Tổ Hùng Vương, observed days, official substitutions) comes from the
``holidays`` package; the administrator's ``CalendarDay`` rows override it.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlmodel import col, or_, select

from models import CalendarDay

CLASSIFY_WITHIN = 5  # working days to classify a PAKN
RESOLVE_WITHIN = 10  # working days to resolve a PAKN


@lru_cache(maxsize=None)
def national_working_days(year: int) -> frozenset[date]:
    """The working days of ``year`` by the official national calendar."""
    # HolidayBase.is_working_day counts the substituted make-up Saturdays
    # (``weekend_workdays``, e.g. 22/8/2026) as working days.
    vn = holidays.VN(years=year)
    return frozenset(d for d in _days_of(year) if vn.is_working_day(d))


def _days_of(year: int):
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        yield day
        day += timedelta(days=1)


class WorkCalendar:
    """The national calendar with the administrator's extra days off and make-up working days."""

    def __init__(self, extra_days_off=(), extra_working_days=()) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_working_days = frozenset(extra_working_days)
        if clash := self.extra_days_off & self.extra_working_days:
            raise ValueError(f"days both off and working: {sorted(clash)}")
        self._years: dict[int, tuple[tuple[date, ...], frozenset[date]]] = {}

    def _year(self, year: int) -> tuple[tuple[date, ...], frozenset[date]]:
        """The sorted working days of ``year`` and the same as a set, cached."""
        if (cached := self._years.get(year)) is None:
            extra = {d for d in self.extra_working_days if d.year == year}
            days = (national_working_days(year) - self.extra_days_off) | extra
            cached = self._years[year] = (tuple(sorted(days)), frozenset(days))
        return cached

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        return day in self._year(day.year)[1]

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start``; ``start`` itself when ``n`` is 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return start
        year = start.year
        days = self._year(year)[0]
        index = bisect_right(days, start) + n - 1
        while index >= len(days):
            index -= len(days)
            year += 1
            days = self._year(year)[0]
        return days[index]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; the negated count of (end, start] when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = self._rank(end) - self._rank(start)
        for year in range(start.year, end.year):
            count += len(self._year(year)[0])
        return count

    def _rank(self, day: date) -> int:
        """How many working days of ``day``'s year fall on or before ``day``."""
        return bisect_right(self._year(day.year)[0], day)


def calendar_for(session, unit_id: int | None) -> WorkCalendar:
    """The working calendar of a unit: national swaps, overridden by the unit's own."""
    scope = col(CalendarDay.unit_id).is_(None)
    if unit_id is not None:
        scope = or_(scope, col(CalendarDay.unit_id) == unit_id)
    rows = session.exec(select(CalendarDay).where(scope)).all()
    working: dict[date, bool] = {}
    # National rows first so the unit's row for the same day wins.
    for row in sorted(rows, key=lambda r: r.unit_id is not None):
        working[row.day] = row.working
    return WorkCalendar(
        extra_days_off={d for d, w in working.items() if not w},
        extra_working_days={d for d, w in working.items() if w},
    )


def calendar_lookup(connection) -> Callable[[int | None], WorkCalendar]:
    """Every unit's calendar as ``calendar(unit_id)``, as ``calendar_for`` gives it, from one read of the
    calendar days; units with no days of their own share the national calendar (the same object)."""
    rows = connection.execute(select(CalendarDay.unit_id, CalendarDay.day, CalendarDay.working)).all()
    national = {day: working for unit, day, working in rows if unit is None}
    own: dict = {}
    for unit, day, working in rows:
        if unit is not None:
            own.setdefault(unit, {})[day] = working
    calendars: dict = {}

    def calendar(unit_id: int | None) -> WorkCalendar:
        key = unit_id if unit_id in own else None
        if key not in calendars:
            working = national | own.get(key, {})
            calendars[key] = WorkCalendar(extra_days_off={d for d, w in working.items() if not w},
                                          extra_working_days={d for d, w in working.items() if w})
        return calendars[key]
    return calendar


def due_date(calendar: WorkCalendar, received: date, working_days: int) -> date:
    """The deadline of something received on ``received`` with a limit in working days."""
    return calendar.add_working_days(received, working_days)


def paused_extension(calendar: WorkCalendar, paused_from: date, resumed_on: date) -> int:
    """Working days consumed by a pause, i.e. in (paused_from, resumed_on], never negative."""
    return max(0, calendar.working_days_between(paused_from, resumed_on))
