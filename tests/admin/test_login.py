"""Back-office login: wrong password, CSRF, lockout, logout and the redirect for strangers."""
import re

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlmodel import select

from hailong import users
from hailong.users import LoginFailed, Throttle, TooManyAttempts, authenticate
from models import AuditLog, LoginThrottle, utcnow
from tests.factories import PASSWORD


def csrf_token(client, path="/admin/login"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def login(client, username, password, token=None):
    data = {"username": username, "password": password}
    if token:
        data["csrf_token"] = token
    return client.post("/admin/login", data=data)


def test_anonymous_admin_goes_to_login(client):
    response = client.get("/admin")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_login_and_see_the_dashboard(csrf_app, world):
    client = csrf_app.test_client()
    response = login(client, "leader.xa01", PASSWORD, csrf_token(client))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    page = client.get("/admin/").get_data(as_text=True)
    assert "Chỉ tiêu cải cách hành chính" in page and "95,0%" in page


def test_wrong_password(csrf_app, world):
    client = csrf_app.test_client()
    response = login(client, "leader.xa01", "wrong-password", csrf_token(client))
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_missing_csrf_is_refused(csrf_app, world):
    client = csrf_app.test_client()
    client.get("/admin/login")
    response = login(client, "leader.xa01", PASSWORD)
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def _failures(client, token, username, times):
    return [login(client, username, "wrong-password", token).status_code for _ in range(times)]


def test_failures_slow_down_instead_of_locking(csrf_app, world, session):
    client = csrf_app.test_client()
    token = csrf_token(client)
    assert _failures(client, token, "leader.xa01", 5) == [401] * 5
    # The next attempt comes within the delay (pinned: a loaded machine must not decide the test).
    session.get(LoginThrottle, "user:leader.xa01").wait_until = utcnow() + timedelta(seconds=30)
    session.commit()
    response = login(client, "leader.xa01", PASSWORD, token)  # even the right password waits its turn
    assert response.status_code == 429 and re.search(r"thử lại sau \d+ giây", response.get_data(as_text=True))
    row = session.get(LoginThrottle, "user:leader.xa01")
    assert row.failures == 5 and row.wait_until is not None
    # Nothing is locked: once the delay has passed the right password works.
    row.wait_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert login(client, "leader.xa01", PASSWORD, token).status_code == 302
    session.expire_all()
    assert session.get(LoginThrottle, "user:leader.xa01") is None


def test_delays_double_and_are_capped(session, world):
    throttle = Throttle(free_per_user=2, free_per_address=100, max_delay=timedelta(seconds=10))
    now = utcnow()
    waits = []
    for _ in range(6):
        with pytest.raises(LoginFailed):
            authenticate(session, username="leader.xa01", password="bad", address="a", throttle=throttle, now=now)
        row = session.get(LoginThrottle, "user:leader.xa01")
        waits.append(round((row.wait_until - now).total_seconds()) if row.wait_until else 0)
        now = row.wait_until or now
    assert waits == [0, 2, 4, 8, 10, 10]


def test_unknown_names_answer_exactly_like_known_ones(csrf_app, world, session):
    client = csrf_app.test_client()
    token = csrf_token(client)
    known = [(r.status_code, _message(r)) for r in (login(client, "leader.xa01", "x", token) for _ in range(5))]
    other = csrf_app.test_client()
    token = csrf_token(other)
    unknown = [(r.status_code, _message(r)) for r in (login(other, "nobody.xa01", "x", token) for _ in range(5))]
    assert known == unknown
    # And past the free failures, at one fixed moment (no clock in the comparison): the same delays.
    now, answers = utcnow(), {}
    for name in ("admin.xa01", "ghost.xa01"):
        for _ in range(7):
            try:
                authenticate(session, username=name, password="x", address=f"{name}-address", now=now)
            except (LoginFailed, TooManyAttempts) as refused:
                answers.setdefault(name, []).append((type(refused).__name__, str(refused.message)))
    assert answers["admin.xa01"] == answers["ghost.xa01"]
    assert [kind for kind, _message in answers["ghost.xa01"]] == ["LoginFailed"] * 5 + ["TooManyAttempts"] * 2


def test_the_stand_in_hash_for_unknown_names_costs_what_a_real_one_costs():
    """The stand-in is written out in the code: it must carry the parameters (memory, passes, lanes) of
    the hasher the product uses, argon2's defaults (the tests swap in a cheap one), or an unknown name
    would answer faster than a known one."""
    product_hasher = PasswordHasher()
    assert product_hasher.check_needs_rehash(users._DUMMY_HASH) is False
    with pytest.raises(VerificationError):
        product_hasher.verify(users._DUMMY_HASH, "x")


def _message(response):
    """The flashed message, its seconds left as "N": they run down while a loaded machine answers."""
    message = re.search(r'class="flash[^"]*"[^>]*>([^<]+)<', response.get_data(as_text=True)).group(1)
    return re.sub(r"\d+", "N", message)


def test_one_address_spraying_many_names_is_slowed(session, world):
    now, answers = utcnow(), []
    for i in range(22):
        try:
            authenticate(session, username=f"guess{i}.xa01", password="x", address="203.0.113.9", now=now)
        except (LoginFailed, TooManyAttempts) as refused:
            answers.append(type(refused).__name__)
    assert answers == ["LoginFailed"] * 20 + ["TooManyAttempts"] * 2
    # Another address is not slowed by it.
    with pytest.raises(LoginFailed):
        authenticate(session, username="guess99.xa01", password="x", address="198.51.100.1", now=now)


def test_an_admin_unlocks_and_a_password_reset_unlocks(app, world, session):
    client = app.test_client()
    _failures(client, None, "leader.xa01", 6)
    admin = app.test_client()
    login(admin, "admin.xa01", PASSWORD)
    leader = world.users["leader"]
    assert "Cho đăng nhập lại ngay" in admin.get(f"/admin/settings/users/{leader.id}").get_data(as_text=True)
    assert admin.post(f"/admin/settings/users/{leader.id}/unlock").status_code == 303
    session.expire_all()
    assert session.get(LoginThrottle, "user:leader.xa01") is None
    assert session.exec(select(AuditLog).where(AuditLog.action == "settings.unlock")).one().object_id == leader.id
    _failures(client, None, "leader.xa01", 6)
    admin.post(f"/admin/settings/users/{leader.id}", data={"username": "leader.xa01", "full_name": "Lãnh đạo",
                                                             "role": "leader", "active": "y",
                                                             "password": "mat-khau-moi-dai"})
    session.expire_all()
    assert session.get(LoginThrottle, "user:leader.xa01") is None


def test_a_new_password_role_or_deactivation_ends_other_sessions(app, world):
    leader = world.users["leader"]
    admin = app.test_client()
    login(admin, "admin.xa01", PASSWORD)
    form = {"username": "leader.xa01", "full_name": "Lãnh đạo", "role": "leader", "active": "y"}
    password = PASSWORD
    for change in ({"password": "mat-khau-moi-dai"}, {"full_name": "Tên mới"}, {"role": "viewer"}, {"active": ""}):
        other = app.test_client()
        assert login(other, "leader.xa01", password).status_code == 302
        assert other.get("/admin/").status_code == 200
        assert admin.post(f"/admin/settings/users/{leader.id}", data=form | change).status_code == 303
        ended = "full_name" not in change  # a new display name ends nothing
        assert other.get("/admin/").status_code == (302 if ended else 200), change
        password = change.get("password", password)
        form |= {k: v for k, v in change.items() if k != "password"}


def test_the_csrf_token_changes_at_sign_in(csrf_app, world):
    client = csrf_app.test_client()
    before = csrf_token(client)
    login(client, "leader.xa01", PASSWORD, before)
    after = csrf_token(client, "/admin/")
    with client.session_transaction() as cookie:
        raw_after = cookie["csrf_token"]
    assert before != after
    # The old token no longer passes the CSRF check.
    assert client.post("/admin/logout", data={"csrf_token": before}).status_code == 400
    assert raw_after


def test_logout_needs_post_with_csrf(csrf_app, world):
    client = csrf_app.test_client()
    login(client, "leader.xa01", PASSWORD, csrf_token(client))
    assert client.get("/admin/logout").status_code == 405
    assert client.post("/admin/logout").status_code == 400
    token = csrf_token(client, "/admin/")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_next_cannot_leave_the_site(csrf_app, world):
    client = csrf_app.test_client()
    token = csrf_token(client)
    response = client.post("/admin/login?next=//evil.example/x", data={"username": "leader.xa01", "password": PASSWORD,
                                                                       "csrf_token": token})
    assert response.headers["Location"] == "/admin/"


def test_session_cookie_is_hardened(make_app, world):
    app = make_app(session_cookie_secure=True)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
