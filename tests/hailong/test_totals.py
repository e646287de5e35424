"""The figures read from the daily and monthly totals agree with the DESIGN.md formulas applied
ticket by ticket and tap by tap, whatever the records, the periods and the day they are asked on."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete

from hailong import reporting, totals
from hailong.figures import FeedbackFigures, Period, RatingFigures, feedback_figures_multi, rating_totals
from models import (
    Feedback, FeedbackDailyTotal, FeedbackMonthlyTotal, FeedbackStatus, Rating, RatingDailyTotal, RatingMonthlyTotal,
    Resolution,
)
from tests.factories import local
from tests.figures_data import tap, ticket

FIRST = date(2026, 5, 1)


@dataclass
class Spec:
    received: date
    due: date
    handled: date | None
    status: str
    within: bool | None
    resolution: str | None
    reopened: bool
    citizen_level: str | None
    reason: str | None = None  # why a refused ticket was refused: a complaint is not a PAKN


@st.composite
def specs(draw) -> Spec:
    received = FIRST + timedelta(days=draw(st.integers(0, 90)))
    due = received + timedelta(days=draw(st.integers(0, 20)))
    handled = draw(st.none() | st.integers(0, 40).map(lambda n: received + timedelta(days=n)))
    status = draw(st.sampled_from([FeedbackStatus.IN_PROGRESS, FeedbackStatus.CLOSED, FeedbackStatus.ANSWERED,
                                   FeedbackStatus.TRANSFERRED, FeedbackStatus.REJECTED]))
    resolution = draw(st.sampled_from([None, Resolution.RESOLVED, Resolution.NOT_RESOLVED]))
    return Spec(received, due, handled, status, draw(st.sampled_from([True, False, None])),
                resolution if status == FeedbackStatus.CLOSED else None, draw(st.booleans()),
                draw(st.sampled_from([None, "very_satisfied", "satisfied", "dissatisfied"])) if handled else None,
                draw(st.sampled_from(["missing_info", "complaint"])) if status == FeedbackStatus.REJECTED else None)


periods = st.tuples(st.integers(0, 120), st.integers(0, 150)).map(
    lambda pair: Period(FIRST + timedelta(days=pair[0]), FIRST + timedelta(days=pair[0] + pair[1])))


def expected(tickets: list[Spec], period: Period, today: date) -> FeedbackFigures:
    """DESIGN.md's rules ("How each PAKN counts"), one ticket at a time. Here the classification
    deadline is the due date and the classification day is not recorded."""
    cutoff = min(period.end, today)

    def inside(day):
        return day is not None and period.start <= day <= cutoff

    figures = FeedbackFigures()
    for t in tickets:
        if t.status == FeedbackStatus.REJECTED and t.reason == "complaint":
            figures.set_apart += inside(t.received)  # not a PAKN: listed apart, in no PAKN figure
            continue
        if inside(t.received):
            figures.received += 1
            figures.within_competence += bool(t.within)
            figures.transferred += t.status == FeedbackStatus.TRANSFERRED
            figures.rejected += t.status == FeedbackStatus.REJECTED
        resolved = bool(t.within) and t.resolution == Resolution.RESOLVED and not t.reopened
        if t.within and (inside(t.due) or (resolved and inside(t.handled) and t.due > cutoff)):
            figures.due_in_period += 1
            figures.resolved += resolved
        if inside(t.handled):
            figures.handled += 1
            figures.handled_on_time += t.handled <= t.due
            figures.citizen_rated += t.citizen_level is not None
            figures.citizen_satisfied += t.citizen_level in ("very_satisfied", "satisfied")
        ended_at_classification = t.status in (FeedbackStatus.TRANSFERRED, FeedbackStatus.REJECTED)
        open_at_cutoff = t.handled is None or t.handled > cutoff
        if ended_at_classification and t.handled is not None:
            figures.open_overdue += t.due < cutoff and open_at_cutoff  # unclassified until transferred or refused
        elif t.within and not ended_at_classification and t.due < cutoff and open_at_cutoff:
            figures.open_overdue += 1
    return figures


def _store(session, unit, spec: Spec) -> Feedback:
    record = ticket(session, unit, received=spec.received, due=spec.due, handled=spec.handled, status=spec.status,
                    within=spec.within, resolution=spec.resolution, reopened=spec.reopened,
                    citizen_level=spec.citizen_level)
    record.rejection_reason = spec.reason
    return record


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tickets=st.lists(specs(), max_size=25), changes=st.lists(specs(), max_size=8),
       asked=st.lists(periods, min_size=1, max_size=4), today=st.integers(0, 150))
def test_figures_from_daily_totals_match_the_formulas_ticket_by_ticket(session, world, tickets, changes, asked, today):
    for table in (Feedback, FeedbackDailyTotal, FeedbackMonthlyTotal):
        session.execute(delete(table))
    stored = [_store(session, world.unit, spec) for spec in tickets]
    session.commit()
    # Tickets then change as the workflow changes them (new deadline, handled, reopened, refused…) or are deleted.
    for spec, record in zip(changes, stored, strict=False):
        record.received_date, record.due_date, record.handled_date = spec.received, spec.due, spec.handled
        record.status, record.within_competence, record.resolution = spec.status, spec.within, spec.resolution
        record.reopened_at = record.reopened_at if spec.reopened == bool(record.reopened_at) else (
            None if record.reopened_at else record.received_at)
        record.citizen_level, record.rejection_reason = spec.citizen_level, spec.reason
        record.classify_due = spec.due
    kept = tickets[:]
    for index, spec in enumerate(changes[:len(stored)]):
        kept[index] = spec
    if len(stored) > len(changes):
        session.delete(stored[-1])
        kept.pop()
    session.commit()
    assert totals.drift(session) == []
    day = FIRST + timedelta(days=today)
    found = feedback_figures_multi(session, [world.unit.id], asked, today=day)[None]
    for period, figures in zip(asked, found, strict=True):
        assert figures == expected(kept, period, day), period


def test_open_overdue_before_the_first_period_day_is_carried_in(session, world):
    # Overdue since March and still open: counted in a June period, though nothing else happened in June.
    ticket(session, world.unit, received=date(2026, 3, 1), due=date(2026, 3, 10))
    ticket(session, world.unit, received=date(2026, 3, 1), due=date(2026, 3, 10), handled=date(2026, 5, 2),
           status=FeedbackStatus.ANSWERED)  # late, but handled before June: not open in June
    session.commit()
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    [figures] = feedback_figures_multi(session, [world.unit.id], [june], today=date(2026, 7, 1))[None]
    assert (figures.open_overdue, figures.handled, figures.received) == (1, 0, 0)
    assert figures.on_time_rate.value == 0


@st.composite
def tap_specs(draw) -> tuple:
    day = FIRST + timedelta(days=draw(st.integers(0, 150)))
    level = draw(st.sampled_from(["very_satisfied", "satisfied", "dissatisfied"]))
    suspect_reasons = draw(st.lists(st.sampled_from(["too_close", "burst", "outside_hours"]), unique=True, max_size=2))
    return day, level, suspect_reasons, draw(st.sampled_from(["HT", "YT", "GD", None]))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs_=st.lists(tap_specs(), max_size=30), asked=st.lists(periods, min_size=1, max_size=3),
       cleared=st.integers(0, 5))
def test_tap_figures_from_daily_and_monthly_totals_match_the_taps(session, world, specs_, asked, cleared):
    for table in (Rating, RatingDailyTotal, RatingMonthlyTotal):
        session.execute(delete(table))
    stored = [tap(session, world, local(day.year, day.month, day.day, 9), level, suspect_reasons=reasons,
                  area=world.areas[area] if area else None) for day, level, reasons, area in specs_]
    session.commit()
    for rating in stored[:cleared]:  # cleared of suspicion after review
        rating.suspect, rating.suspect_reasons = False, []
    session.commit()
    assert totals.drift(session) == []
    kept = [(day, level, [] if index < cleared else reasons, area)
            for index, (day, level, reasons, area) in enumerate(specs_)]
    sectors = {"HT": "administrative", "YT": "health", "GD": "education", None: "administrative"}
    by_sector = rating_totals(session, [world.unit.id], asked, by="sector")
    for index, period in enumerate(asked):
        inside = [t for t in kept if period.start <= t[0] <= period.end]
        counted = [t for t in inside if not t[2]]
        figures = rating_totals(session, [world.unit.id], asked)[None][index]
        assert (figures.total, figures.dissatisfied, figures.suspect_excluded) == (
            len(counted), sum(t[1] == "dissatisfied" for t in counted), len(inside) - len(counted))
        for sector in ("administrative", "health", "education"):
            expected_total = sum(sectors[t[3]] == sector for t in counted)
            assert by_sector.get(sector, [RatingFigures()] * len(asked))[index].total == expected_total
        reasons = Counter(reason for t in inside for reason in t[2])
        assert dict(reporting.suspect_summary(session, [world.unit.id], period)) == dict(reasons)


def test_remembered_totals_are_forgotten_on_every_write(session, world):
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    tap(session, world, local(2026, 6, 10, 9), "satisfied")
    session.commit()
    assert rating_totals(session, [world.unit.id], [june])[None][0].total == 1
    tap(session, world, local(2026, 6, 11, 9), "dissatisfied")
    session.flush()  # not committed: the same session must already count it
    assert rating_totals(session, [world.unit.id], [june])[None][0].total == 2
    session.execute(delete(RatingMonthlyTotal))  # a statement past the flush, as bulk tools write
    assert rating_totals(session, [world.unit.id], [june])[None][0].total == 0
    session.rollback()
    assert rating_totals(session, [world.unit.id], [june])[None][0].total == 1


def test_stored_qd766_outcomes_follow_the_tickets_and_the_calendar(session, world):
    """Group 5 counts settled tickets from the outcome stored on each: a calendar change rewrites it."""
    from hailong import qd766
    from models import CalendarDay

    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    # Received Monday 1 June, handled Friday 19 June: the 15th working day is Monday 22 June.
    handled = ticket(session, world.unit, received=date(2026, 6, 1), due=date(2026, 6, 15),
                     handled=date(2026, 6, 19), status=FeedbackStatus.CLOSED, resolution=Resolution.RESOLVED)
    session.commit()
    assert (handled.qd766_settled_from, handled.qd766_on_time) == (date(2026, 6, 19), True)

    def on_time() -> int:
        return qd766.group5(session, [world.unit.id], june.start, june.end, date(2026, 7, 1))["5.2"].numerator

    assert on_time() == 1
    # Two make-up Saturdays bring the 15th working day to Thursday 18 June: handled late.
    saturdays = [CalendarDay(unit_id=world.unit.id, day=day, working=True)
                 for day in (date(2026, 6, 6), date(2026, 6, 13))]
    session.add_all(saturdays)
    session.commit()
    assert (handled.qd766_on_time, on_time(), totals.drift(session)) == (False, 0, [])
    session.delete(saturdays[0])
    session.commit()
    assert (handled.qd766_on_time, on_time(), totals.drift(session)) == (True, 1, [])
    handled.reopened_at = local(2026, 6, 25)  # the ticket's own change: its flush stores the outcome anew
    session.commit()
    assert (handled.qd766_satisfied, handled.closed_resolved, totals.drift(session)) == (False, False, [])
