"""The rules of a tap: validation, replay, attribution and each suspect rule."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from hailong import ratings
from hailong.config import Config
from hailong.errors import Conflict, ValidationError
from models import DEFAULT_OPENING_HOURS, Level, utcnow
from tests.conftest import rating_body
from tests.factories import local

CONFIG = Config(env="testing", secret_key="x" * 20)


def test_valid_body_is_parsed():
    body = rating_body(level="dissatisfied", reasons=["late", "attitude"], dossier_code="000.00.12.H01-250101-0001")
    parsed = ratings.parse_rating(body)
    assert parsed.level == Level.DISSATISFIED
    assert parsed.reasons == ["attitude", "late"]
    assert parsed.tapped_at.tzinfo is not None


@pytest.mark.parametrize("changes, field", [
    ({"id": "not-a-uuid"}, "id"),
    ({"id": None}, "id"),
    ({"level": "happy"}, "level"),
    ({"tapped_at": "2026-04-01T09:00:00"}, "tapped_at"),  # no offset
    ({"tapped_at": "yesterday"}, "tapped_at"),
    ({"reasons": ["late"], "level": "satisfied"}, "reasons"),
    ({"reasons": ["bribe"], "level": "dissatisfied"}, "reasons"),
    ({"reasons": "late", "level": "dissatisfied"}, "reasons"),
    ({"dossier_code": "x" * 65}, "dossier_code"),
    ({"colour": "blue"}, "colour"),
    ({"criteria": {"visits": 0}}, "criteria"),
])
def test_each_bad_field_is_named(changes, field):
    with pytest.raises(ValidationError) as caught:
        ratings.parse_rating(rating_body(**changes) | ({"id": None} if changes.get("id", 1) is None else {}))
    assert field in caught.value.fields


def test_body_that_is_not_an_object():
    with pytest.raises(ValidationError):
        ratings.parse_rating(["satisfied"])


def test_replay_hash_ignores_sent_at_but_not_level():
    body = rating_body()
    assert ratings.body_hash(body) == ratings.body_hash(body | {"sent_at": "2026-01-01T00:00:00+07:00"})
    assert ratings.body_hash(body) != ratings.body_hash(body | {"level": "very_satisfied"})


def test_same_id_different_body_conflicts(session, world):
    first = ratings.parse_rating(rating_body())
    ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=first, config=CONFIG)
    again = ratings.parse_rating(rating_body(id=str(first.client_id)) | {"tapped_at": first.tapped_at.isoformat()})
    assert ratings.find_replay(session, again).client_id == first.client_id
    other = ratings.parse_rating(rating_body(id=str(first.client_id), level="dissatisfied"))
    with pytest.raises(Conflict):
        ratings.find_replay(session, other)


def _store(session, world, moment, now=None, **changes):
    body = rating_body(tapped_at=moment.isoformat(), **changes)
    return ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=ratings.parse_rating(body),
                                       config=CONFIG, now=now or moment + timedelta(seconds=1))


def test_taps_closer_than_the_interval_are_suspect(session, world):
    start = local(2026, 4, 1, 9)
    assert _store(session, world, start).suspect_reasons == []
    assert _store(session, world, start + timedelta(seconds=2)).suspect_reasons == ["too_close"]
    assert _store(session, world, start + timedelta(seconds=6)).suspect_reasons == []


def test_a_burst_beyond_what_a_desk_serves_is_suspect(session, world):
    start = local(2026, 4, 1, 9)
    config = CONFIG.replace(suspect_burst_per_10min=5)
    flagged = []
    for i in range(7):
        body = ratings.parse_rating(rating_body(tapped_at=(start + timedelta(seconds=30 * i)).isoformat()))
        rating = ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=body, config=config,
                                             now=start + timedelta(minutes=5))
        flagged.append("burst" in rating.suspect_reasons)
    assert flagged == [False] * 5 + [True, True]


def test_opening_hours_rule():
    hours = DEFAULT_OPENING_HOURS
    assert ratings.within_opening_hours(hours, local(2026, 4, 1, 9))  # Wednesday morning
    assert ratings.within_opening_hours(hours, local(2026, 4, 1, 17, 20))  # a little after closing
    assert not ratings.within_opening_hours(hours, local(2026, 4, 1, 12, 15))  # lunch break
    assert not ratings.within_opening_hours(hours, local(2026, 4, 1, 22))
    assert not ratings.within_opening_hours(hours, local(2026, 4, 5, 9))  # Sunday
    assert ratings.within_opening_hours(hours, local(2026, 4, 4, 9))  # Saturday morning


def test_outside_hours_is_flagged(session):
    from tests.factories import world as make_world

    w = make_world(session, code="XA09", always_open=False)
    rating = ratings.record_kiosk_rating(session, kiosk=w.kiosk, rating_in=ratings.parse_rating(
        rating_body(tapped_at=local(2026, 4, 1, 22).isoformat())), config=CONFIG, now=local(2026, 4, 1, 22, 0, 5))
    assert rating.suspect_reasons == ["outside_hours"]


def test_clock_skew_is_judged_by_sent_at_not_by_age():
    now = datetime(2026, 4, 1, 2, 0, tzinfo=timezone.utc)
    assert not ratings.clock_skewed(now - timedelta(days=9), now - timedelta(seconds=2), now, 600)  # offline over Tết
    assert ratings.clock_skewed(now - timedelta(days=1), now - timedelta(hours=3), now, 600)  # device clock 3 h slow
    assert ratings.clock_skewed(now + timedelta(hours=1), None, now, 600)  # a tap from the future


def _serve(session, world, official_code, since):
    world.desk.official_id = world.officials[official_code].id if official_code else None
    world.desk.serving_since = since
    session.add(world.desk)
    session.flush()


def test_tap_goes_to_whoever_was_on_duty_at_its_time_even_when_it_arrives_late(session, world):
    _serve(session, world, "CB01", local(2026, 4, 1, 7))
    moment = local(2026, 4, 1, 9)
    assert _store(session, world, moment).official_id == world.officials["CB01"].id
    # From the offline queue five hours later, after the official left: still theirs.
    _serve(session, world, None, None)
    late = _store(session, world, moment + timedelta(minutes=1), now=moment + timedelta(hours=5))
    assert late.official_id == world.officials["CB01"].id and late.desk_id == world.desk.id
    before = _store(session, world, local(2026, 4, 1, 6, 30))  # before the duty began
    assert before.official_id is None and before.desk_id == world.desk.id


def test_each_tap_goes_to_the_official_on_duty_then(session, world):
    from models import DeskDuty, Official

    other = Official(unit_id=world.unit.id, code="CB02", full_name="Trần Văn Bình")
    session.add(other)
    session.flush()
    world.officials["CB02"] = other
    _serve(session, world, "CB01", local(2026, 4, 1, 7))
    duty = session.exec(select(DeskDuty).where(DeskDuty.ended_at.is_(None))).one()
    assert duty.official_id == world.officials["CB01"].id and duty.started_at == local(2026, 4, 1, 7)
    switch = utcnow()
    _serve(session, world, "CB02", switch)
    assert session.exec(select(DeskDuty).where(DeskDuty.ended_at.is_(None))).one().official_id == other.id
    assert _store(session, world, local(2026, 4, 1, 9)).official_id == world.officials["CB01"].id
    assert _store(session, world, switch - timedelta(seconds=10),
                  now=utcnow()).official_id == world.officials["CB01"].id
    assert _store(session, world, switch + timedelta(seconds=5), now=utcnow()).official_id == other.id


def test_kiosk_naming_an_official_not_on_duty_is_kept_flagged_and_credited_to_the_one_on_duty(session, world):
    from models import Official

    session.add(Official(unit_id=world.unit.id, code="CB02", full_name="Trần Văn Bình"))
    _serve(session, world, "CB01", local(2026, 4, 1, 7))
    moment = local(2026, 4, 1, 9)
    named_right = _store(session, world, moment, official="CB01")
    assert named_right.official_id == world.officials["CB01"].id and named_right.suspect_reasons == []
    named_wrong = _store(session, world, moment + timedelta(minutes=5), official="CB02")
    assert named_wrong.official_id == world.officials["CB01"].id
    assert named_wrong.suspect_reasons == ["official_mismatch"]


# --- more on each suspect rule (issue 3) ---------------------------------------------------


def test_too_close_follows_the_configured_interval_and_looks_both_ways(session, world):
    start = local(2026, 4, 1, 9)
    config = CONFIG.replace(suspect_min_interval_s=10)
    first = ratings.record_kiosk_rating(session, kiosk=world.kiosk, config=config, now=start,
                                        rating_in=ratings.parse_rating(rating_body(tapped_at=start.isoformat())))
    assert first.suspect_reasons == []
    # A queued tap that arrives later but happened just before the first one is as doubtful.
    earlier = ratings.parse_rating(rating_body(tapped_at=(start - timedelta(seconds=5)).isoformat()))
    assert ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=earlier, config=config,
                                       now=start + timedelta(minutes=1)).suspect_reasons == ["too_close"]
    later = ratings.parse_rating(rating_body(tapped_at=(start + timedelta(seconds=20)).isoformat()))
    assert ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=later, config=config,
                                       now=start + timedelta(minutes=1)).suspect_reasons == []


def test_too_close_is_per_kiosk(session, world):
    other, _token = ratings.create_kiosk(session, unit=world.unit, name="Kiosk 2")
    start = local(2026, 4, 1, 9)
    _store(session, world, start)
    body = ratings.parse_rating(rating_body(tapped_at=(start + timedelta(seconds=1)).isoformat()))
    rating = ratings.record_kiosk_rating(session, kiosk=other, rating_in=body, config=CONFIG, now=start)
    assert rating.suspect_reasons == []


def test_burst_counts_only_the_last_ten_minutes(session, world):
    start = local(2026, 4, 1, 9)
    config = CONFIG.replace(suspect_burst_per_10min=3)
    for i in range(3):
        body = ratings.parse_rating(rating_body(tapped_at=(start + timedelta(minutes=i)).isoformat()))
        assert "burst" not in ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=body, config=config,
                                                          now=start).suspect_reasons
    later = ratings.parse_rating(rating_body(tapped_at=(start + timedelta(minutes=11)).isoformat()))
    assert "burst" not in ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=later, config=config,
                                                      now=start).suspect_reasons


def test_outside_hours_respects_the_units_own_hours():
    hours = {"3": [["07:30", "11:30"]]}  # Wednesday mornings only
    assert ratings.within_opening_hours(hours, local(2026, 4, 1, 7, 10))  # staff open a little early
    assert not ratings.within_opening_hours(hours, local(2026, 4, 1, 6, 50))
    assert not ratings.within_opening_hours(hours, local(2026, 4, 2, 9))  # Thursday
    assert not ratings.within_opening_hours({}, local(2026, 4, 1, 9))


def test_clock_skew_threshold_is_configurable_and_symmetric():
    now = datetime(2026, 4, 1, 2, 0, tzinfo=timezone.utc)
    assert not ratings.clock_skewed(now - timedelta(minutes=1), now + timedelta(seconds=50), now, 60)
    assert ratings.clock_skewed(now - timedelta(minutes=1), now + timedelta(seconds=70), now, 60)  # clock fast
    assert ratings.clock_skewed(now - timedelta(minutes=3), now - timedelta(seconds=70), now, 60)  # clock slow


def test_a_skewed_clock_is_flagged_when_stored(session, world):
    now = local(2026, 4, 1, 9)
    body = rating_body(tapped_at=(now - timedelta(hours=2)).isoformat(), sent_at=(now - timedelta(hours=2)).isoformat())
    rating = ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=ratings.parse_rating(body),
                                         config=CONFIG, now=now)
    assert rating.suspect_reasons == ["clock_skew"] and rating.suspect


def test_several_reasons_are_all_named(session):
    from tests.factories import world as make_world

    w = make_world(session, code="XA08", always_open=False)
    night = local(2026, 4, 1, 23)
    for second in (0, 1):
        body = rating_body(tapped_at=(night + timedelta(seconds=second)).isoformat())
        rating = ratings.record_kiosk_rating(session, kiosk=w.kiosk, rating_in=ratings.parse_rating(body),
                                             config=CONFIG, now=night + timedelta(hours=1))
    assert rating.suspect_reasons == ["too_close", "outside_hours"]
