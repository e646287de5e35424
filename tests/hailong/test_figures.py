"""The figures against data whose counts are known in advance."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from hailong import reporting, totals
from hailong.figures import Period, feedback_figures, rating_figures
from models import FeedbackStatus, Level, Rating, Resolution
from tests.factories import local
from tests.figures_data import tap, taps, ticket

JUNE = Period(date(2026, 6, 1), date(2026, 6, 30))


def test_on_time_counts_open_overdue_tickets_against_the_office(session, world):
    unit = world.unit
    ticket(session, unit, received=date(2026, 6, 1), due=date(2026, 6, 10), handled=date(2026, 6, 8),
           status=FeedbackStatus.CLOSED, resolution=Resolution.RESOLVED)  # on time
    ticket(session, unit, received=date(2026, 6, 1), due=date(2026, 6, 10), handled=date(2026, 6, 12),
           status=FeedbackStatus.CLOSED, resolution=Resolution.RESOLVED, reopened=True)  # late, and reopened
    ticket(session, unit, received=date(2026, 6, 5), due=date(2026, 6, 20))  # open and overdue at 30/6
    ticket(session, unit, received=date(2026, 6, 25), due=date(2026, 7, 5))  # open but not yet due
    ticket(session, unit, received=date(2026, 5, 20), due=date(2026, 6, 5), handled=date(2026, 7, 3),
           status=FeedbackStatus.ANSWERED)  # was still open and overdue on 30/6
    ticket(session, unit, received=date(2026, 6, 2), due=date(2026, 6, 3), status=FeedbackStatus.REJECTED,
           within=None)  # refused: never overdue
    ticket(session, unit, received=date(2026, 6, 2), due=date(2026, 6, 9), handled=date(2026, 6, 4),
           status=FeedbackStatus.TRANSFERRED, within=False)  # transferred within 5 working days: handled on time
    session.commit()
    figures = feedback_figures(session, [unit.id], JUNE, today=date(2026, 7, 15))
    assert (figures.handled, figures.handled_on_time, figures.open_overdue) == (3, 2, 2)
    assert figures.on_time_rate.value == pytest.approx(2 / 5)  # the naive closed-on-time / closed would say 2/3
    assert (figures.received, figures.within_competence, figures.transferred, figures.rejected) == (6, 4, 1, 1)
    # Due in June and within competence: the first three and the May one; only the first is resolved and not reopened.
    assert (figures.resolved, figures.due_in_period) == (1, 4)


def test_open_overdue_is_taken_at_today_inside_a_running_period(session, world):
    ticket(session, world.unit, received=date(2026, 6, 1), due=date(2026, 6, 12))
    ticket(session, world.unit, received=date(2026, 6, 1), due=date(2026, 6, 20))
    session.commit()
    figures = feedback_figures(session, [world.unit.id], JUNE, today=date(2026, 6, 15))
    assert figures.open_overdue == 1 and figures.on_time_rate.value == 0


def test_suspect_taps_are_stored_counted_apart_and_kept_exact_in_the_daily_totals(session, world):
    taps(session, world, 6, Level.VERY_SATISFIED)
    taps(session, world, 3, Level.DISSATISFIED)
    tap(session, world, local(2026, 6, 10, 9, 0, 1), Level.VERY_SATISFIED, suspect_reasons=["too_close"])
    late = tap(session, world, local(2026, 6, 10, 22, 0), Level.SATISFIED, suspect_reasons=["outside_hours", "burst"])
    session.commit()
    figures = rating_figures(session, [world.unit.id], JUNE)
    assert (figures.total, figures.very_satisfied, figures.dissatisfied, figures.suspect_excluded) == (9, 6, 3, 2)
    assert figures.satisfaction.value == pytest.approx(6 / 9)
    assert dict(reporting.suspect_summary(session, [world.unit.id], JUNE)) == {
        "too_close": 1, "outside_hours": 1, "burst": 1}
    # A tap cleared of suspicion later, and one deleted: the totals follow every ORM write.
    late.suspect, late.suspect_reasons = False, []
    session.delete(session.exec(select(Rating).where(Rating.level == Level.DISSATISFIED)).first())
    session.commit()
    figures = rating_figures(session, [world.unit.id], JUNE)
    assert (figures.total, figures.satisfied, figures.dissatisfied, figures.suspect_excluded) == (9, 1, 2, 1)
    assert totals.drift(session) == []


def test_a_failed_flush_leaves_the_totals_untouched(session, world):
    first = tap(session, world, local(2026, 6, 10), Level.SATISFIED)
    session.commit()
    session.add(Rating(client_id=first.client_id, body_hash="t", unit_id=world.unit.id, level=Level.SATISFIED,
                       tapped_at=local(2026, 6, 10), local_date=date(2026, 6, 10)))
    with pytest.raises(IntegrityError):
        session.commit()  # the same client id twice: the unique constraint refuses it
    session.rollback()
    tap(session, world, local(2026, 6, 11), Level.DISSATISFIED)
    session.commit()
    assert totals.drift(session) == []
    assert rating_figures(session, [world.unit.id], JUNE).total == 2


def test_taps_are_counted_by_their_local_date_and_hour(session, world):
    tap(session, world, local(2026, 5, 31, 23, 59), Level.DISSATISFIED)  # 16:59 UTC, still May in Hanoi
    tap(session, world, local(2026, 6, 1, 0, 0), Level.SATISFIED)  # 17:00 UTC on 31/5, already June in Hanoi
    tap(session, world, local(2026, 6, 30, 23, 59), Level.SATISFIED)
    tap(session, world, local(2026, 7, 1, 0, 0), Level.DISSATISFIED)
    session.commit()
    figures = rating_figures(session, [world.unit.id], JUNE)
    assert (figures.total, figures.satisfied, figures.dissatisfied) == (2, 2, 0)
    found = reporting.breakdowns(session, [world.unit.id], JUNE)
    hours, weekdays = found.hours, found.weekdays
    assert {hour: f.total for hour, f in hours.items()} == {0: 1, 23: 1}
    assert {day: f.total for day, f in weekdays.items()} == {1: 1, 2: 1}  # 1/6/2026 a Monday, 30/6 a Tuesday
    months = reporting.monthly(session, [world.unit.id], Period(date(2026, 5, 1), date(2026, 7, 31)), date(2026, 8, 1))
    assert [m.ratings.total for m in months] == [1, 2, 1]


def test_no_one_is_ranked_on_fewer_than_30_answers(session, world):
    from models import Official

    busy = world.officials["CB01"]
    quiet = Official(unit_id=world.unit.id, code="CB02", full_name="Trần Văn Bình")
    session.add(quiet)
    session.flush()
    taps(session, world, 30, Level.SATISFIED, official=busy)
    taps(session, world, 29, Level.VERY_SATISFIED, official=quiet)
    session.commit()
    rows = reporting.breakdowns(session, [world.unit.id], JUNE)["official"]
    assert [(row.label, row.rank) for row in rows] == [("Nguyễn Thị Lan", 1), ("Trần Văn Bình", None)]
    small = rows[1].rate
    assert small.small and small.value == 1.0
    low, high = small.interval
    assert low == pytest.approx(0.8830, abs=1e-3) and high == pytest.approx(1.0)


def test_reasons_are_counted_once_per_tap_and_only_for_counted_dissatisfied_taps(session, world):
    tap(session, world, local(2026, 6, 3), Level.DISSATISFIED, reasons=["late", "attitude"])
    tap(session, world, local(2026, 6, 4), Level.DISSATISFIED, reasons=["late"])
    tap(session, world, local(2026, 6, 4, 9, 0, 1), Level.DISSATISFIED, reasons=["late"], suspect_reasons=["too_close"])
    session.commit()
    assert reporting.top_reasons(session, [world.unit.id], JUNE) == [("late", 2), ("attitude", 1)]


@pytest.mark.parametrize("kind, number, expected", [
    ("month", "2", Period(date(2026, 2, 1), date(2026, 2, 28))),
    ("quarter", "3", Period(date(2026, 7, 1), date(2026, 9, 30))),
    ("half", None, Period(date(2026, 1, 1), date(2026, 6, 30))),
    ("nine", None, Period(date(2026, 1, 1), date(2026, 9, 30))),
    ("year", None, Period(date(2026, 1, 1), date(2026, 12, 31))),
])
def test_period_picker(kind, number, expected):
    assert reporting.period_from(kind, year="2026", number=number, start=None, end=None,
                                 today=date(2026, 11, 30)) == (kind, expected)


def test_custom_period_refuses_bad_dates(app):
    from hailong.errors import ValidationError

    with app.test_request_context(), pytest.raises(ValidationError) as error:
        reporting.period_from("custom", year=None, number=None, start="2026-06-30", end="2026-06-01",
                              today=date(2026, 7, 1))
    assert "to" in error.value.fields
