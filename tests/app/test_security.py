"""What every response tells the browser, and who the client is behind a reverse proxy."""
import logging

import pytest

from hailong import create_app
from hailong.config import Config, ConfigError


@pytest.mark.parametrize("url", ["/", "/admin/login", "/public", "/api/v1/stats", "/feedback/new", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, world, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would be ignored or wrong


def test_hsts_only_over_https(client):
    assert client.get("/", base_url="https://phone.example").headers["Strict-Transport-Security"].startswith("max-age=")


def test_back_office_pages_and_exports_are_never_cached(login, app, world):
    assert app.test_client().get("/admin/login").headers["Cache-Control"] == "no-store"
    client = login("leader.xa01")
    for url in ("/admin/", "/admin/tickets", "/admin/exports/register.xlsx", "/admin/privacy/export?q=0912345678"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_no_template_or_script_uses_inline_handlers():
    """The CSP forbids inline script: an onclick= would silently do nothing in the browser."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(path.relative_to(root)) for folder in ("templates", "admin", "kiosk", "surveys", "transparency")
                 for path in (root / folder).rglob("*.html")
                 if any(f" on{event}=" in path.read_text() for event in ("click", "load", "change", "submit", "input"))]
    assert offenders == []


def _lookups(app, address: str, times: int) -> list[int]:
    client = app.test_client()
    return [client.get(f"/feedback/AAAAA-AAAA{i}", headers={"X-Forwarded-For": address},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code for i in range(times)]


def test_behind_one_proxy_each_citizen_has_their_own_limit(make_app):
    app = make_app(trusted_proxies=1)
    app.config["UNKNOWN_CODE_LIMIT"] = "3/minute"
    assert _lookups(app, "203.0.113.7", 4) == [404, 404, 404, 429]
    # Another citizen behind the same proxy (same REMOTE_ADDR) is not locked out by the first one.
    assert _lookups(app, "198.51.100.9", 3) == [404, 404, 404]


def test_without_trusted_proxies_the_forwarded_header_is_ignored(make_app):
    app = make_app()
    app.config["UNKNOWN_CODE_LIMIT"] = "3/minute"
    assert _lookups(app, "203.0.113.7", 3) == [404, 404, 404]
    # A client cannot escape its limit by inventing an X-Forwarded-For.
    assert _lookups(app, "198.51.100.9", 1) == [429]


def test_trusted_proxies_is_a_small_whole_number():
    assert Config.from_env({"TRUSTED_PROXIES": "2", "HAILONG_ENV": "development"}).trusted_proxies == 2
    with pytest.raises(ConfigError):
        Config.from_env({"TRUSTED_PROXIES": "-1", "HAILONG_ENV": "development"}).validate()
    with pytest.raises(ConfigError):
        Config.from_env({"TRUSTED_PROXIES": "one", "HAILONG_ENV": "development"})


def test_production_warns_when_rate_limits_live_in_one_process(tmp_path, caplog):
    config = Config(env="production", secret_key="a-long-enough-production-secret",
                    database_url=f"sqlite:///{tmp_path / 'p.sqlite'}", ratelimit_storage_uri="memory://")
    with caplog.at_level(logging.WARNING):
        create_app(config)
    assert any("memory://" in record.getMessage() for record in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(config.replace(env="testing"))
    assert not any("memory://" in record.getMessage() for record in caplog.records)


CONTROL = "Nguyễn\x00Văn\x01A"


def test_control_characters_are_refused_on_the_pakn_form_and_nothing_is_stored(client, session, world):
    from sqlmodel import select

    from models import Feedback

    form = {"kind": "kien_nghi", "content": "Đường vào trụ sở ngập nước mỗi khi mưa lớn.", "name": CONTROL,
            "phone": "0912345678", "address": "Thôn Đông", "consent": "y"}
    response = client.post("/feedback/new", data=form)
    assert response.status_code == 422 and "ký tự điều khiển" in response.get_data(as_text=True)
    english = client.post("/feedback/new?lang=en", data=form)
    assert english.status_code == 422 and "control character" in english.get_data(as_text=True)
    assert session.exec(select(Feedback)).all() == []


def test_control_characters_are_refused_by_the_api_and_desk_filing(login, app, client, session, world):
    from sqlmodel import select

    from models import Feedback

    body = {"kind": "kien_nghi", "content": "Đèn đường thôn Đông hỏng đã hai tuần.", "name": CONTROL,
            "phone": "0912345678", "address": "Thôn Đông", "consent": True}
    response = client.post(f"/api/v1/feedback?unit={world.unit.code}", json=body)
    assert response.status_code == 422 and response.json["error"]["code"] == "control_characters"
    desk = login("desk.xa01")
    filed = desk.post("/admin/feedback/file", data={"kind": "kien_nghi", "content": "Nội dung\x01 có ký tự lạ ở đây.",
                                                    "anonymous": "y"})
    assert filed.status_code == 422 and "ký tự điều khiển" in filed.get_data(as_text=True)
    assert session.exec(select(Feedback)).all() == []


def test_line_breaks_and_tabs_of_multi_line_text_pass(client, session, world):
    from sqlmodel import select

    from models import Feedback

    form = {"kind": "kien_nghi", "content": "Dòng một:\r\n\tđường ngập.\r\nDòng hai: cống tắc.", "anonymous": "y"}
    client.post("/feedback/new", data=form)
    assert session.exec(select(Feedback)).one().content.count("\n") == 2


def test_the_domain_refuses_control_characters_in_names_too():
    from hailong import feedback as intake
    from hailong.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        intake.parse_feedback({"kind": "kien_nghi", "content": "Đường ngập nước khi mưa.", "name": "An\x01",
                               "phone": "0912345678", "address": "Thôn Đông", "consent": True})
    assert "name" in refused.value.fields


def test_a_kiosk_tap_passes_the_same_checks_and_gets_the_same_headers(client, session, world):
    """The taps skip the limiter (they carry no limit) and open no session, nothing else."""
    from sqlmodel import func, select

    from models import Rating
    from tests.conftest import rating_body

    auth = {"Authorization": f"Bearer {world.token}"}
    for answer in (client.post("/api/v1/ratings", json=rating_body(), headers=auth),
                   client.post("/api/v1/ratings/batch", json=[rating_body()], headers=auth)):
        assert answer.status_code in (200, 201)
        assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Referrer-Policy"] == "same-origin" and "default-src 'self'" in answer.headers[
            "Content-Security-Policy"]
        assert "Set-Cookie" not in answer.headers and "X-RateLimit-Limit" not in answer.headers
    refused = [client.post("/api/v1/ratings", json=rating_body(official=CONTROL), headers=auth),
               client.post("/api/v1/ratings?x=" + "%00", json=rating_body(), headers=auth)]
    assert [answer.json["error"]["code"] for answer in refused] == ["control_characters"] * 2
    assert session.exec(select(func.count()).select_from(Rating)).one() == 2
