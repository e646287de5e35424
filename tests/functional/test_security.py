"""What every response tells the browser, and who the client is behind a reverse proxy."""
import logging

import pytest

from hailong import create_app
from hailong.config import Config, ConfigError
from tests.factories import PASSWORD


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


def test_back_office_pages_and_exports_are_never_cached(app, world):
    client = app.test_client()
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"
    client.post("/admin/login", data={"username": "leader.xa01", "password": PASSWORD})
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
