"""Pairing, device credentials, the state endpoint and the back-office kiosk pages."""
import re

import pytest
from sqlmodel import select

from hailong import ratings
from hailong import kiosks
from models import AuditLog, Desk, Kiosk, KioskDevice, Rating, User
from tests.conftest import rating_body


def pair(client, code):
    response = client.get(f"/kiosk/pair?code={code}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/kiosk")
    cookie = re.search(r"kiosk_token=([^;]+)", response.headers["Set-Cookie"]).group(1)
    assert "HttpOnly" in response.headers["Set-Cookie"]
    return cookie


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_pairing_issues_a_device_credential_that_outlives_a_new_code(client, session, world):
    credential = pair(client, world.code)
    assert credential != world.code
    assert session.exec(
        select(KioskDevice).where(
            KioskDevice.token_hash == ratings.hash_token(credential))).one().kiosk_id == world.kiosk.id
    page = client.get("/kiosk")
    assert page.status_code == 200 and b'data-level="very_satisfied"' in page.data
    kiosk = session.get(Kiosk, world.kiosk.id)
    new_code = kiosks.rotate_code(session, kiosk)
    session.commit()
    assert client.post("/api/v1/ratings", json=rating_body(), headers=auth(credential)).status_code == 201
    assert client.get(f"/kiosk/pair?code={world.code}").status_code == 403  # the old code no longer pairs
    pair(client, new_code)
    assert client.get(f"/kiosk/pair?code={new_code}").status_code == 403  # nor a code already used


def test_the_pairing_link_sends_no_referrer(client, world):
    response = client.get(f"/kiosk/pair?code={world.code}")
    assert response.status_code == 302 and response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unpaired_and_revoked_are_refused(client, session, world):
    assert b'data-level' not in client.get("/kiosk").data
    code = world.code
    credential = pair(client, code)
    kiosks.revoke(session, session.get(Kiosk, world.kiosk.id))
    session.commit()
    assert client.get("/kiosk").status_code == 401
    for token in (credential, world.token, code):
        response = client.post("/api/v1/ratings/batch", json=[rating_body()], headers=auth(token))
        assert response.status_code == 401 and response.json["error"]["code"] == "invalid_token"
        assert client.get("/api/v1/kiosk/state", headers=auth(token)).status_code == 401
    assert client.get(f"/kiosk/pair?code={code}").status_code == 403
    assert session.exec(select(Rating)).all() == []


def test_a_pairing_code_is_not_an_api_token(client, session, world):
    # Shown in the open, a code buys one device credential; taps posted with it were stored before.
    for path, body in (("/api/v1/ratings", rating_body()), ("/api/v1/ratings/batch", [rating_body()])):
        response = client.post(path, json=body, headers=auth(world.code))
        assert response.status_code == 401 and response.json["error"]["code"] == "invalid_token"
    assert session.exec(select(Rating)).all() == []


def test_state_is_a_heartbeat_and_says_who_serves(client, session, world):
    credential = pair(client, world.code)
    state = client.get("/api/v1/kiosk/state?queue=7&version=0.1.0", headers=auth(credential))
    assert state.status_code == 200 and state.json["serving"] is None
    kiosks.start_serving(session, official_id=world.officials["CB01"].id, desk=world.desk)
    session.commit()
    state = client.get("/api/v1/kiosk/state?queue=oops", headers=auth(credential)).json
    assert state["serving"] == {"code": "CB01", "name": "Nguyễn Thị Lan", "title": "Công chức Tư pháp",
                                "photo": None, "initials": "NL"}
    session.expire_all()
    kiosk = session.get(Kiosk, world.kiosk.id)
    assert kiosk.queue_length == 7 and kiosk.app_version == "0.1.0" and kiosk.last_seen_at is not None


def test_service_worker_is_served_for_the_kiosk_scope(client):
    response = client.get("/kiosk/sw.js")
    assert response.status_code == 200 and response.headers["Service-Worker-Allowed"] == "/kiosk"
    assert "javascript" in response.content_type


def test_thanks_links_to_the_public_feedback_form(client, world):
    pair(client, world.code)
    page = client.get("/kiosk").get_data(as_text=True)
    assert "<svg" in page and 'class="qr"' in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # no absolute link off the origin in the page


@pytest.mark.parametrize("role", ["leader", "handler", "desk", "viewer"])
def test_only_admins_manage_kiosks(login, client, world, role):
    login(f"{role}.xa01", client=client)
    kiosk_id = world.kiosk.id
    assert client.get("/admin/kiosks").status_code == 403
    assert client.get("/admin/kiosks/new").status_code == 403
    for action in ("code", "revoke", "settings"):
        assert client.post(f"/admin/kiosks/{kiosk_id}/{action}").status_code == 403


def test_strangers_are_sent_to_login(client, world):
    assert client.get("/admin/kiosks").status_code == 302
    assert client.post(f"/admin/kiosks/{world.kiosk.id}/revoke").status_code == 302
    assert client.get("/admin/serving").status_code == 302


def test_admin_registers_a_kiosk_and_gets_a_code_that_pairs(login, client, session, world):
    login("admin.xa01", client=client)
    page = client.post("/admin/kiosks/new", data={"name": "Máy quầy 2", "desk": 0, "service_area": world.areas["YT"].id,
                                                  "criteria": "y"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    link = re.search(r'data-testid="pair-link">([^<]+)<', text).group(1)
    assert link.startswith("http://localhost/kiosk/pair?code=")  # the server's own address, not PUBLIC_URL
    assert "<svg" in text
    kiosk = session.exec(select(Kiosk).where(Kiosk.name == "Máy quầy 2")).one()
    assert kiosk.criteria_enabled and kiosk.service_area_id == world.areas["YT"].id
    assert session.exec(select(AuditLog).where(AuditLog.action == "kiosk_registered")).one().object_id == kiosk.id
    pair(client.application.test_client(), link.split("code=")[1])


def test_admin_registration_needs_a_name(login, client, world):
    login("admin.xa01", client=client)
    response = client.post("/admin/kiosks/new", data={"name": " ", "desk": 0, "service_area": 0})
    assert response.status_code == 400 and "Vui lòng nhập tên thiết bị." in response.get_data(as_text=True)


def test_admin_lists_revokes_and_changes_settings(login, client, session, world):
    login("admin.xa01", client=client)
    listing = client.get("/admin/kiosks")
    assert listing.status_code == 200 and "Kiosk 1" in listing.get_data(as_text=True)
    response = client.post(f"/admin/kiosks/{world.kiosk.id}/settings",
                           data={f"k{world.kiosk.id}-desk": 0, f"k{world.kiosk.id}-service_area": 0,
                                 f"k{world.kiosk.id}-criteria": "y"})
    assert response.status_code == 302
    session.expire_all()
    kiosk = session.get(Kiosk, world.kiosk.id)
    assert kiosk.criteria_enabled and kiosk.desk_id is None
    assert client.post(f"/admin/kiosks/{world.kiosk.id}/revoke").status_code == 302
    session.expire_all()
    assert session.get(Kiosk, world.kiosk.id).revoked_at is not None
    assert ratings.kiosk_for_token(session, world.token) is None


def test_admin_cannot_touch_another_units_kiosk(login, client, session, world):
    from tests.factories import world as make_world

    other = make_world(session, code="XA02")
    login("admin.xa01", client=client)
    assert client.post(f"/admin/kiosks/{other.kiosk.id}/revoke").status_code == 404
    assert client.post(f"/admin/kiosks/{other.kiosk.id}/code").status_code == 404


def test_silent_kiosk_is_flagged_during_opening_hours(login, client, session, world):
    login("admin.xa01", client=client)
    assert "Không liên lạc được trong giờ làm việc" in client.get("/admin/kiosks").get_data(as_text=True)
    kiosks.heartbeat(session.get(Kiosk, world.kiosk.id), queue_length=3, app_version="0.1.0")
    session.commit()
    assert "Không liên lạc được trong giờ làm việc" not in client.get("/admin/kiosks").get_data(as_text=True)


def test_desk_official_marks_serving_and_stops(login, client, session, world):
    user = session.exec(select(User).where(User.username == "desk.xa01")).one()
    user.official_id = world.officials["CB01"].id
    session.add(user)
    session.commit()
    login("desk.xa01", client=client)
    assert client.post("/admin/serving", data={"desk": world.desk.id}).status_code == 302
    session.expire_all()
    assert session.get(Desk, world.desk.id).official_id == world.officials["CB01"].id
    assert "Bạn đang phục vụ tại Quầy 1." in client.get("/admin/serving").get_data(as_text=True)
    assert client.post("/admin/serving", data={"desk": world.desk.id, "stop": "1"}).status_code == 302
    session.expire_all()
    assert session.get(Desk, world.desk.id).official_id is None


def test_serving_needs_an_account_linked_to_an_official(login, client, session, world):
    login("handler.xa01", client=client)
    response = client.post("/admin/serving", data={"desk": world.desk.id})
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Desk, world.desk.id).official_id is None


def test_viewers_may_not_mark_serving(login, client, world):
    login("viewer.xa01", client=client)
    assert client.get("/admin/serving").status_code == 403
    assert client.post("/admin/serving", data={"desk": world.desk.id}).status_code == 403


def test_create_kiosk_prints_a_token_that_pairs(app, client, session, world):
    result = app.test_cli_runner().invoke(args=["create-kiosk", "Máy mới", "--desk", "1"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    pair(client, token)


def test_kiosks_page_shows_what_was_set_aside_and_why(login, client, session, world):
    from datetime import timedelta

    from hailong.config import Config
    from models import utcnow

    start = utcnow() - timedelta(hours=1)
    for second in (0, 1, 2):
        body = rating_body(tapped_at=(start + timedelta(seconds=second)).isoformat())
        ratings.record_kiosk_rating(session, kiosk=world.kiosk, rating_in=ratings.parse_rating(body),
                                    config=Config(env="testing", secret_key="x" * 20))
    session.commit()
    login("admin.xa01", client=client)
    page = client.get("/admin/kiosks").get_data(as_text=True)
    cell = re.search(rf'data-testid="suspect-{world.kiosk.id}">(.*?)</td>', page, re.S).group(1)
    assert cell.strip().startswith("2") and "Chạm quá gần lần trước trên cùng thiết bị: 2" in cell
