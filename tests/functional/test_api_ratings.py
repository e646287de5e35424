"""POST /api/v1/ratings and /ratings/batch as DESIGN.md defines them."""
import uuid
from datetime import datetime, timedelta

import pytest
from sqlmodel import func, select

from models import LOCAL_TZ, Rating
from tests.conftest import rating_body


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def count(session):
    session.expire_all()
    return session.exec(select(func.count()).select_from(Rating)).one()


def test_valid_tap_is_stored(client, session, world):
    body = rating_body(level="dissatisfied", reasons=["waited_too_long"], service_area="YT", official="CB01")
    response = client.post("/api/v1/ratings", json=body, headers=auth(world.token))
    assert response.status_code == 201
    assert response.json["id"] == body["id"]
    rating = session.exec(select(Rating)).one()
    assert rating.level == "dissatisfied" and rating.reasons == ["waited_too_long"]
    assert rating.service_area_id == world.areas["YT"].id and rating.official_id == world.officials["CB01"].id
    assert rating.kiosk_id == world.kiosk.id and rating.channel == "kiosk"
    assert rating.received_at.tzinfo is not None


def test_replay_answers_200_and_stores_nothing_new(client, session, world):
    body = rating_body()
    assert client.post("/api/v1/ratings", json=body, headers=auth(world.token)).status_code == 201
    replay = client.post("/api/v1/ratings", json=body | {"sent_at": body["tapped_at"]}, headers=auth(world.token))
    assert replay.status_code == 200
    assert count(session) == 1


def test_same_id_with_another_body_is_a_conflict(client, session, world):
    body = rating_body()
    client.post("/api/v1/ratings", json=body, headers=auth(world.token))
    response = client.post("/api/v1/ratings", json=body | {"level": "very_satisfied"}, headers=auth(world.token))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "id_conflict"
    assert count(session) == 1


@pytest.mark.parametrize("body, field", [
    (rating_body(level="great"), "level"),
    (rating_body(id="123"), "id"),
    (rating_body(tapped_at="2026-04-01 09:00"), "tapped_at"),
    (rating_body(level="satisfied", reasons=["late"]), "reasons"),
    (rating_body(service_area="NOPE"), "service_area"),
    (rating_body(official="NOPE"), "official"),
    (rating_body(dossier_code="x" * 200), "dossier_code"),
    (rating_body(extra="field"), "extra"),
])
def test_bad_input_is_refused_with_the_field_named_in_vietnamese(client, session, world, body, field):
    response = client.post("/api/v1/ratings", json=body, headers=auth(world.token))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"]
    assert "không" in error["message"].lower()
    assert count(session) == 0


def test_errors_in_english_when_asked(client, world):
    response = client.post("/api/v1/ratings?lang=en", json=rating_body(level="great"), headers=auth(world.token))
    assert response.status_code == 422
    assert response.json["error"]["message"] == "The rating is not valid."


@pytest.mark.parametrize("data, content_type", [("not json", "application/json"), ("", "application/json"),
                                                ("level=satisfied", "application/x-www-form-urlencoded")])
def test_body_that_is_not_json(client, session, world, data, content_type):
    response = client.post("/api/v1/ratings", data=data, content_type=content_type, headers=auth(world.token))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_json"
    assert count(session) == 0


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_bad_token_is_refused(client, session, world, headers):
    response = client.post("/api/v1/ratings", json=rating_body(), headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"
    assert count(session) == 0


def test_revoked_kiosk_is_refused(client, session, world):
    from models import utcnow
    world.kiosk.revoked_at = utcnow()
    session.add(world.kiosk)
    session.commit()
    assert client.post("/api/v1/ratings", json=rating_body(), headers=auth(world.token)).status_code == 401


def test_get_is_not_allowed(client):
    response = client.get("/api/v1/ratings")
    assert response.status_code == 405
    assert response.json["error"]["message"]


def test_batch_stores_each_once_and_reports_in_order(client, session, world):
    good, bad = rating_body(), rating_body(level="meh")
    response = client.post("/api/v1/ratings/batch", json=[good, bad, good], headers=auth(world.token))
    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == [201, 422, 200]
    assert response.json["results"][1]["error"]["fields"]["level"]
    assert count(session) == 1


@pytest.mark.parametrize("payload", [[], {"id": "x"}, [rating_body() for _ in range(501)]])
def test_batch_shape_is_checked(client, session, world, payload):
    assert client.post("/api/v1/ratings/batch", json=payload, headers=auth(world.token)).status_code == 422
    assert count(session) == 0


def test_suspect_taps_are_stored_and_flagged(client, session, world):
    first = rating_body()
    second = rating_body(tapped_at=first["tapped_at"])
    client.post("/api/v1/ratings", json=first, headers=auth(world.token))
    response = client.post("/api/v1/ratings", json=second, headers=auth(world.token))
    assert response.status_code == 201 and response.json["suspect_reasons"] == ["too_close"]
    assert count(session) == 2


# --- the batch judges each tap as if it had been posted alone (issue 15) -------------------------


def _post_each_alone(client, token, bodies):
    return [client.post("/api/v1/ratings", json=body, headers=auth(token)).json for body in bodies]


def test_batch_flags_and_credits_exactly_as_single_taps(client, session, world, app):
    from hailong import totals
    from hailong import kiosks
    from tests.factories import world as make_world

    kiosks.start_serving(session, official_id=world.officials["CB01"].id, desk=world.desk)
    session.commit()
    twin = make_world(session, code="XA02")  # the same taps, one by one, on a second commune
    kiosks.start_serving(session, official_id=twin.officials["CB01"].id, desk=twin.desk)
    session.commit()
    start = datetime.now(LOCAL_TZ) + timedelta(seconds=1)
    moments = [start + timedelta(seconds=s) for s in (0, 2, 2, 30, 40, 50, 60, 70)]
    bodies = [rating_body(tapped_at=m.isoformat(), service_area="YT" if i % 3 == 0 else None,
                          official="CB01" if i == 4 else None) for i, m in enumerate(moments)]
    bodies.insert(3, dict(bodies[0]))  # a retry inside the batch
    app.config["HAILONG"] = app.config["HAILONG"].replace(suspect_burst_per_10min=6)
    batch = client.post("/api/v1/ratings/batch", json=bodies, headers=auth(world.token)).json["results"]
    alone = _post_each_alone(client, twin.token, [dict(body, id=str(uuid.uuid4())) if i != 3 else None
                                                  for i, body in enumerate(bodies) if i != 3])
    assert [r["status"] for r in batch] == [201, 201, 201, 200, 201, 201, 201, 201, 201]
    assert [r["suspect_reasons"] for r in batch if r["status"] == 201] == [r["suspect_reasons"] for r in alone]
    assert ["too_close"] in [r["suspect_reasons"] for r in batch]
    assert any("burst" in r["suspect_reasons"] for r in batch)
    session.expire_all()
    officials = {r.unit_id: set() for r in session.exec(select(Rating))}
    for rating in session.exec(select(Rating)):
        officials[rating.unit_id].add(rating.official_id)
    assert officials[world.unit.id] == {world.officials["CB01"].id}
    assert officials[twin.unit.id] == {twin.officials["CB01"].id}
    assert totals.drift(session) == []


def test_single_tap_keeps_totals_exact_without_the_flush_hook(client, session, world):
    from hailong import totals

    for body in (rating_body(), rating_body(level="dissatisfied", reasons=["late"], service_area="GD")):
        assert client.post("/api/v1/ratings", json=body, headers=auth(world.token)).status_code == 201
    assert totals.drift(session) == []


def test_tap_does_not_write_the_kiosk_but_the_heartbeat_does(client, session, world):
    from models import Kiosk

    client.post("/api/v1/ratings", json=rating_body(), headers=auth(world.token))
    session.expire_all()
    assert session.get(Kiosk, world.kiosk.id).last_seen_at is None
    assert client.get("/api/v1/kiosk/state", headers=auth(world.token)).status_code == 200
    session.expire_all()
    assert session.get(Kiosk, world.kiosk.id).last_seen_at is not None
