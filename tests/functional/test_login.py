"""Back-office login: wrong password, CSRF, lockout, logout and the redirect for strangers."""
import re

from sqlmodel import select

from models import User
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


def test_lockout_after_repeated_failures(csrf_app, world, session):
    client = csrf_app.test_client()
    token = csrf_token(client)
    for _ in range(5):
        assert login(client, "leader.xa01", "wrong-password", token).status_code == 401
    response = login(client, "leader.xa01", PASSWORD, token)
    assert response.status_code == 429
    assert "tạm khóa" in response.get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(User).where(User.username == "leader.xa01")).one().locked_until is not None


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
