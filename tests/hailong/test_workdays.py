"""Working-day deadlines: weekends, Vietnamese holidays from ``holidays``, admin swaps."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, SQLModel, create_engine

import models
from hailong.workdays import (
    CLASSIFY_WITHIN,
    RESOLVE_WITHIN,
    WorkCalendar,
    calendar_for,
    calendar_lookup,
    due_date,
    paused_extension,
)

CAL = WorkCalendar()


def test_default_limits():
    assert (CLASSIFY_WITHIN, RESOLVE_WITHIN) == (5, 10)


def test_tet_2026():
    # Off: Sat 14/2, Sun 15/2, Tết Mon 16/2..Fri 20/2, Sat 21/2, Sun 22/2.
    assert not any(CAL.is_working_day(date(2026, 2, d)) for d in range(14, 23))
    # Received Fri 13/2: 23(1) 24(2) 25(3) 26(4) 27(5) | 2/3(6) 3(7) 4(8) 5(9) 6(10).
    assert due_date(CAL, date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert due_date(CAL, date(2026, 2, 13), 10) == date(2026, 3, 6)
    # Received Thu 12/2: Fri 13/2(1), then Mon 23/2(2).
    assert due_date(CAL, date(2026, 2, 12), 1) == date(2026, 2, 13)
    assert due_date(CAL, date(2026, 2, 12), 2) == date(2026, 2, 23)


def test_tet_2027():
    # Off: Thu 4/2..Wed 10/2 (29 Tết to mùng năm, across Sat 6/2 and Sun 7/2).
    assert not any(CAL.is_working_day(date(2027, 2, d)) for d in range(4, 11))
    # Received Wed 3/2: 11(1) 12(2) 15(3) 16(4) 17(5) | 18(6) 19(7) 22(8) 23(9) 24(10).
    assert due_date(CAL, date(2027, 2, 3), 5) == date(2027, 2, 17)
    assert due_date(CAL, date(2027, 2, 3), 10) == date(2027, 2, 24)


def test_reunification_and_labour_day_2026():
    # Off: Sun 26/4 Giỗ Tổ, Mon 27/4 its observed day, Thu 30/4, Fri 1/5.
    # Received Fri 24/4: 28(1) 29(2) 4/5(3) 5(4) 6(5) | 7(6) 8(7) 11(8) 12(9) 13(10).
    assert due_date(CAL, date(2026, 4, 24), 5) == date(2026, 5, 6)
    assert due_date(CAL, date(2026, 4, 24), 10) == date(2026, 5, 13)


def test_reunification_and_labour_day_2027():
    # Off: Fri 30/4, Sat 1/5, Mon 3/5 (1/5 observed).
    # Received Wed 28/4: Thu 29/4(1) 4/5(2) 5(3) 6(4) 7(5).
    assert due_date(CAL, date(2027, 4, 28), 5) == date(2027, 5, 7)


def test_national_day_2026_with_substituted_day_off():
    # Off: Mon 31/8 (swapped with Sat 22/8), Tue 1/9, Wed 2/9.
    # Received Fri 28/8: Thu 3/9(1) 4(2) 7(3) 8(4) 9(5).
    assert due_date(CAL, date(2026, 8, 28), 1) == date(2026, 9, 3)
    assert due_date(CAL, date(2026, 8, 28), 5) == date(2026, 9, 9)


def test_national_make_up_saturday_2026():
    assert CAL.is_working_day(date(2026, 8, 22))
    # Received Fri 21/8: Sat 22/8(1) 24(2) 25(3) 26(4) 27(5).
    assert due_date(CAL, date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert due_date(CAL, date(2026, 8, 21), 5) == date(2026, 8, 27)
    # Received on the make-up Saturday itself: day one is Mon 24/8.
    assert due_date(CAL, date(2026, 8, 22), 1) == date(2026, 8, 24)


def test_admin_make_up_saturday():
    cal = WorkCalendar(extra_working_days={date(2026, 10, 10)})
    # Received Fri 9/10: Sat 10/10(1), Mon 12/10(2).
    assert due_date(cal, date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert due_date(cal, date(2026, 10, 9), 2) == date(2026, 10, 12)
    assert due_date(CAL, date(2026, 10, 9), 1) == date(2026, 10, 12)


def test_admin_extra_day_off():
    cal = WorkCalendar(extra_days_off={date(2026, 10, 12)})
    # Received Fri 9/10, Mon 12/10 off: 13(1) 14(2) 15(3) 16(4) 19(5).
    assert due_date(cal, date(2026, 10, 9), 1) == date(2026, 10, 13)
    assert due_date(cal, date(2026, 10, 9), 5) == date(2026, 10, 19)


def test_admin_table_overrides_the_package():
    cal = WorkCalendar(extra_days_off={date(2026, 8, 22)}, extra_working_days={date(2026, 9, 1)})
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.is_working_day(date(2026, 9, 1))
    # Received Fri 21/8: Mon 24/8(1).
    assert due_date(cal, date(2026, 8, 21), 1) == date(2026, 8, 24)


def test_a_day_cannot_be_both_off_and_working():
    with pytest.raises(ValueError):
        WorkCalendar(extra_days_off={date(2026, 1, 5)}, extra_working_days={date(2026, 1, 5)})


@pytest.mark.parametrize(
    "received",
    [date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8)],  # Fri, Sat, Sun
)
def test_day_one_is_the_next_working_day_after_receipt(received):
    # Mon 9/3(1) 10(2) 11(3) 12(4) 13(5).
    assert CAL.next_working_day(received) == date(2026, 3, 9)
    assert due_date(CAL, received, 5) == date(2026, 3, 13)


def test_received_on_a_holiday():
    # Received Tue 17/2/2026 (Tết): Mon 23/2(1) .. Fri 27/2(5).
    assert due_date(CAL, date(2026, 2, 17), 1) == date(2026, 2, 23)
    assert due_date(CAL, date(2026, 2, 17), 5) == date(2026, 2, 27)


def test_across_new_year():
    # Thu 31/12/2026, then Fri 1/1/2027 off, weekend, Mon 4/1(1).
    assert CAL.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert CAL.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 1


def test_zero_days_is_the_start_itself():
    assert CAL.add_working_days(date(2026, 2, 17), 0) == date(2026, 2, 17)
    assert CAL.add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 3, 9), -1)


def test_working_days_between():
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert CAL.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 13)) == 0
    # Fri 13/2 to Sun 22/2: weekend and Tết only.
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 22)) == 0
    assert CAL.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    # Due Fri 27/2, today Tue 3/3: Mon 2/3 and Tue 3/3, two working days late.
    assert CAL.working_days_between(date(2026, 2, 27), date(2026, 3, 3)) == 2


def test_paused_extension():
    # Paused Fri 13/2/2026, resumed Tue 24/2: Mon 23(1), Tue 24(2).
    assert paused_extension(CAL, date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert paused_extension(CAL, date(2026, 2, 13), date(2026, 2, 13)) == 0
    assert paused_extension(CAL, date(2026, 2, 24), date(2026, 2, 13)) == 0


def test_calendar_for_merges_national_and_unit_rows():
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        here = models.Unit(code="XA-HL", name="Xã Hài Lòng")
        there = models.Unit(code="XA-KH", name="Xã Khác")
        session.add_all([here, there])
        session.commit()
        session.add_all([
            models.CalendarDay(unit_id=None, day=date(2026, 10, 10), working=True, note="Làm bù"),
            models.CalendarDay(unit_id=None, day=date(2026, 10, 12), working=False, note="Nghỉ"),
            models.CalendarDay(unit_id=here.id, day=date(2026, 10, 12), working=True, note="Trực"),
            models.CalendarDay(unit_id=here.id, day=date(2026, 10, 13), working=False, note="Lễ"),
            models.CalendarDay(unit_id=there.id, day=date(2026, 10, 14), working=False, note="x"),
        ])
        session.commit()
        national, local = calendar_for(session, None), calendar_for(session, here.id)
        lookup = calendar_lookup(session.connection())
        other, nowhere = calendar_for(session, there.id), calendar_for(session, there.id + 1)
        # One read of every unit's days answers as calendar_for does, unit by unit.
        days = [date(2026, 10, 1) + timedelta(days=n) for n in range(31)]
        for unit_id, one in ((None, national), (here.id, local), (there.id, other), (there.id + 1, nowhere)):
            assert [lookup(unit_id).is_working_day(day) for day in days] == [one.is_working_day(day) for day in days]
        assert lookup(there.id + 1) is lookup(None)  # no days of its own: the national calendar, built once
    assert national.is_working_day(date(2026, 10, 10))
    assert not national.is_working_day(date(2026, 10, 12))
    assert national.is_working_day(date(2026, 10, 13))
    assert local.is_working_day(date(2026, 10, 10))
    assert local.is_working_day(date(2026, 10, 12))
    assert not local.is_working_day(date(2026, 10, 13))
    assert local.is_working_day(date(2026, 10, 14))


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@settings(max_examples=300, deadline=None, database=None)
@given(start=dates, n=st.integers(min_value=1, max_value=400))
def test_add_then_count_round_trips(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(end, start) == -n


@settings(max_examples=100, deadline=None, database=None)
@given(start=dates, days=st.integers(min_value=0, max_value=60))
def test_count_matches_a_day_by_day_walk(start, days):
    end = start + timedelta(days=days)
    walk = sum(CAL.is_working_day(start + timedelta(days=i)) for i in range(1, days + 1))
    assert CAL.working_days_between(start, end) == walk
