from datetime import date

import pytest

from hailong.figures import Period, Rate, rating_figures, status_against, wilson_interval
from models import Level, Rating, local_date_of
from tests.factories import local


def test_month_and_quarter_include_both_ends():
    assert Period.month_of(date(2026, 2, 14)) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert Period.month_of(date(2028, 2, 1)) == Period(date(2028, 2, 1), date(2028, 2, 29))
    assert Period.quarter_of(date(2026, 11, 30)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Period.quarter_of(date(2026, 1, 1)) == Period(date(2026, 1, 1), date(2026, 3, 31))


def test_period_cannot_run_backwards():
    with pytest.raises(ValueError):
        Period(date(2026, 2, 2), date(2026, 2, 1))


def test_local_date_is_vietnam_time():
    # 17:30 UTC on 31 Dec is already 1 Jan in Hanoi.
    from datetime import datetime, timezone
    assert local_date_of(datetime(2025, 12, 31, 17, 30, tzinfo=timezone.utc)) == date(2026, 1, 1)
    assert local_date_of(datetime(2025, 12, 31, 16, 59, tzinfo=timezone.utc)) == date(2025, 12, 31)


def test_wilson_interval_known_values():
    low, high = wilson_interval(19, 20)
    assert round(low, 3) == 0.764 and round(high, 3) == 0.991
    assert wilson_interval(0, 0) is None
    assert Rate(19, 20).small and not Rate(30, 30).small


def test_status_against_target():
    assert status_against(Rate(96, 100), 0.95) == "pass"
    assert status_against(Rate(94, 100), 0.95) == "at_risk"
    assert status_against(Rate(80, 100), 0.95) == "fail"
    assert status_against(Rate(0, 0), 0.95) == "no_data"


def _rating(world, moment, level, suspect=False):
    import uuid
    return Rating(client_id=uuid.uuid4(), body_hash="x", unit_id=world.unit.id, level=level, tapped_at=moment,
                  local_date=local_date_of(moment), suspect=suspect, suspect_reasons=["too_close"] if suspect else [])


def test_rating_figures_count_local_dates_and_exclude_suspects(session, world):
    session.add_all([
        _rating(world, local(2026, 3, 31, 23, 59), Level.DISSATISFIED),  # outside: day before
        _rating(world, local(2026, 4, 1, 0, 0), Level.VERY_SATISFIED),  # first minute of the period
        _rating(world, local(2026, 4, 30, 23, 59), Level.SATISFIED),  # last minute of the period
        _rating(world, local(2026, 4, 15), Level.DISSATISFIED),
        _rating(world, local(2026, 4, 15, 10), Level.VERY_SATISFIED, suspect=True),
        _rating(world, local(2026, 5, 1, 0, 0), Level.DISSATISFIED),  # outside: day after
    ])
    session.commit()
    figures = rating_figures(session, [world.unit.id], Period(date(2026, 4, 1), date(2026, 4, 30)))
    assert (figures.total, figures.very_satisfied, figures.satisfied, figures.dissatisfied) == (3, 1, 1, 1)
    assert figures.suspect_excluded == 1
    assert figures.satisfaction.value == pytest.approx(2 / 3)
    assert rating_figures(session, [world.unit.id + 99], Period(date(2026, 4, 1), date(2026, 4, 30))).total == 0


@pytest.mark.parametrize("first, last, ok", [
    (date(2021, 1, 1), date(2025, 12, 31), True), (date(2021, 1, 1), date(2026, 1, 1), False),
    (date(2020, 2, 29), date(2025, 2, 28), True), (date(2020, 2, 29), date(2025, 3, 1), False),
    (date(2021, 7, 1), date(2026, 6, 30), True)])
def test_periods_run_up_to_five_years(first, last, ok):
    from hailong.errors import ValidationError
    from hailong.reporting import checked_period

    if ok:
        assert checked_period(first, last, {}) == Period(first, last)
    else:
        with pytest.raises(ValidationError) as refused:
            checked_period(first, last, {})
        assert "to" in refused.value.fields
