"""Kiosk device rules: pairing credentials, revocation, heartbeat, silence, who serves."""
from datetime import timedelta

import pytest

from hailong import ratings
from hailong.errors import ValidationError
from hailong import kiosks
from models import Desk
from tests.factories import local


def test_pairing_gives_each_tablet_its_own_credential(session, world):
    _kiosk, first = kiosks.pair(session, world.code)
    _kiosk, second = kiosks.pair(session, kiosks.rotate_code(session, world.kiosk))
    assert first != second
    assert ratings.kiosk_for_token(session, first).id == ratings.kiosk_for_token(session, second).id == world.kiosk.id
    assert kiosks.pair(session, "not-a-code") is None and kiosks.pair(session, "") is None


def test_a_pairing_code_pairs_once_and_is_no_api_token(session, world):
    assert ratings.kiosk_for_token(session, world.code) is None  # a code is not a credential
    _kiosk, credential = kiosks.pair(session, world.code)
    assert ratings.kiosk_for_token(session, credential).id == world.kiosk.id
    assert kiosks.pair(session, world.code) is None  # spent
    assert ratings.kiosk_for_token(session, world.code) is None


def test_revoking_stops_the_code_and_every_tablet(session, world):
    code = world.code
    kiosks.revoke(session, world.kiosk)
    assert ratings.kiosk_for_token(session, world.token) is None
    assert kiosks.pair(session, code) is None


def test_heartbeat_keeps_a_sane_queue_length(world):
    now = local(2026, 4, 1, 9)
    kiosks.heartbeat(world.kiosk, queue_length="12", app_version="0.1.0", now=now)
    assert (world.kiosk.queue_length, world.kiosk.app_version, world.kiosk.last_seen_at) == (12, "0.1.0", now)
    kiosks.heartbeat(world.kiosk, queue_length="-4", app_version=None, now=now)
    assert world.kiosk.queue_length == 0 and world.kiosk.app_version == "0.1.0"
    kiosks.heartbeat(world.kiosk, queue_length="lots", app_version="x" * 99, now=now)
    assert world.kiosk.queue_length == 0 and len(world.kiosk.app_version) == 40


def test_silent_only_while_the_office_is_open(session):
    from tests.factories import world as make_world

    w = make_world(session, code="XA07", always_open=False)
    wednesday_morning, sunday = local(2026, 4, 1, 9), local(2026, 4, 5, 9)
    assert kiosks.is_silent(w.kiosk, w.unit, wednesday_morning)  # never heard from
    w.kiosk.last_seen_at = wednesday_morning - timedelta(minutes=2)
    assert not kiosks.is_silent(w.kiosk, w.unit, wednesday_morning)
    w.kiosk.last_seen_at = wednesday_morning - timedelta(hours=1)
    assert kiosks.is_silent(w.kiosk, w.unit, wednesday_morning)
    assert not kiosks.is_silent(w.kiosk, w.unit, sunday)
    w.kiosk.revoked_at = wednesday_morning
    assert not kiosks.is_silent(w.kiosk, w.unit, wednesday_morning)


def test_an_official_serves_at_one_desk_at_a_time(session, world):
    second = Desk(unit_id=world.unit.id, number=2, name="Quầy 2")
    session.add(second)
    session.flush()
    official = world.officials["CB01"]
    kiosks.start_serving(session, official_id=official.id, desk=world.desk)
    kiosks.start_serving(session, official_id=official.id, desk=second)
    assert world.desk.official_id is None and second.official_id == official.id and second.serving_since
    assert kiosks.serving_at(session, world.kiosk) is None
    kiosks.stop_serving(session, official_id=official.id)
    assert second.official_id is None


def test_serving_needs_a_linked_official(session, world):
    with pytest.raises(ValidationError):
        kiosks.start_serving(session, official_id=None, desk=world.desk)


def test_inactive_official_is_not_shown(session, world):
    official = world.officials["CB01"]
    kiosks.start_serving(session, official_id=official.id, desk=world.desk)
    assert kiosks.serving_at(session, world.kiosk) is official
    official.active = False
    assert kiosks.serving_at(session, world.kiosk) is None


@pytest.mark.parametrize("name, initials",
                         [("Nguyễn Thị Lan", "NL"), ("Minh", "M"), ("", "?"), ("  đỗ  văn quản ", "ĐQ")])
def test_initials(name, initials):
    assert kiosks.initials(name) == initials


def test_settings_refuse_another_units_desk(session, world):
    from tests.factories import world as make_world

    other = make_world(session, code="XA06")
    with pytest.raises(ValidationError):
        kiosks.update_settings(session, world.kiosk, desk=other.desk, service_area=None, criteria_enabled=False)
