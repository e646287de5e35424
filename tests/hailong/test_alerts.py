"""Alerts: a run of dissatisfied taps at one desk, a silent kiosk; stored once however often scanned."""
from datetime import timedelta, timezone

from sqlmodel import select

from hailong import alerts
from models import Alert, Level
from tests.factories import local
from tests.figures_data import tap


def test_half_of_four_taps_dissatisfied_within_15_minutes_raises_one_alert(session, world):
    for minute, level in [(0, Level.DISSATISFIED), (4, Level.SATISFIED), (8, Level.DISSATISFIED), (12, Level.SATISFIED),
                          (13, Level.DISSATISFIED)]:
        tap(session, world, local(2026, 6, 10, 9, minute), level, desk=world.desk)
    session.commit()
    now = local(2026, 6, 10, 10).astimezone(timezone.utc)
    assert alerts.scan(session, [world.unit.id], now=now) == 1
    assert alerts.scan(session, [world.unit.id], now=now) == 0  # scanning again stores nothing new
    alert = session.exec(select(Alert)).one()
    assert alert.kind == "dissatisfied_burst" and alert.desk_id == world.desk.id
    assert alert.details == {"taps": 4, "dissatisfied": 2}


def test_three_taps_or_a_slow_day_raise_nothing(session, world):
    for minute in (0, 5, 10):
        tap(session, world, local(2026, 6, 10, 9, minute), Level.DISSATISFIED, desk=world.desk)
    for minute in (0, 20, 40, 60):
        tap(session, world, local(2026, 6, 10, 14, 0) + timedelta(minutes=minute), Level.DISSATISFIED, desk=world.desk)
    tap(session, world, local(2026, 6, 10, 9, 1, 30), Level.DISSATISFIED, desk=world.desk,
        suspect_reasons=["too_close"])
    session.commit()
    assert alerts.scan(session, [world.unit.id], now=local(2026, 6, 10, 16).astimezone(timezone.utc)) == 0


def test_a_kiosk_silent_for_two_open_hours_raises_an_alert(session, world):
    world.unit.opening_hours = {str(day): [["07:00", "17:00"]] for day in range(1, 8)}
    world.kiosk.paired_at = local(2026, 6, 10, 7, 0)
    world.kiosk.last_seen_at = local(2026, 6, 10, 8, 0)
    session.add_all([world.unit, world.kiosk])
    session.commit()
    assert alerts.scan(session, [world.unit.id], now=local(2026, 6, 10, 9, 30).astimezone(timezone.utc)) == 0
    assert alerts.scan(session, [world.unit.id], now=local(2026, 6, 10, 10, 30).astimezone(timezone.utc)) == 1
    # After closing time a quiet kiosk is normal.
    world.kiosk.last_seen_at = local(2026, 6, 11, 16, 0)
    session.add(world.kiosk)
    session.commit()
    assert alerts.scan(session, [world.unit.id], now=local(2026, 6, 11, 19, 0).astimezone(timezone.utc)) == 0


def test_commands_scan_alerts_and_check_totals(runner, session, world):
    tap(session, world, local(2026, 6, 10, 9), Level.SATISFIED)
    session.commit()
    result = runner.invoke(args=["refresh-totals", "--check"])
    assert result.exit_code == 0 and "exact" in result.output
    assert runner.invoke(args=["refresh-totals"]).exit_code == 0
    result = runner.invoke(args=["scan-alerts"])
    assert result.exit_code == 0 and "new alerts" in result.output
