"""Configuration from the environment, through one typed object.

Nothing reads the environment at import time: ``Config.from_env()`` is called by
``create_app`` so tests can pass their own values.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_DIR / "instance"
DEV_SECRET = "dev-only-not-secret"
PLACEHOLDER_SECRETS = {"", DEV_SECRET, "changeme", "change-me", "secret", "dev", "xxx", "your-secret-key"}


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to set."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


@dataclass(frozen=True)
class Config:
    env: str = "production"  # "development", "testing" or "production"
    secret_key: str = ""
    database_url: str = f"sqlite:///{INSTANCE_DIR / 'hailong.sqlite'}"
    public_url: str = "http://localhost:5000"
    upload_dir: str = str(INSTANCE_DIR / "uploads")
    ratelimit_storage_uri: str = "memory://"
    session_cookie_secure: bool = True
    login_max_failures: int = 5
    login_max_delay_s: int = 300  # failed sign-ins slow down, doubling up to this; never a lock
    suspect_min_interval_s: int = 3
    suspect_burst_per_10min: int = 20
    suspect_clock_skew_s: int = 600
    smtp_url: str = ""
    sms_gateway_url: str = ""
    wtf_csrf_enabled: bool = True
    trusted_proxies: int = 0  # reverse proxies in front (nginx: 1); their X-Forwarded-For is believed
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Config":
        """Read every setting from the environment (``HAILONG_ENV``, ``DATABASE_URL``, …)."""
        env = dict(os.environ if env is None else env)
        mode = env.get("HAILONG_ENV") or ("development" if env.get("FLASK_DEBUG") == "1" else "production")
        secret = env.get("SECRET_KEY", "")
        if mode == "development" and not secret:
            secret = DEV_SECRET
        return cls(
            env=mode,
            secret_key=secret,
            database_url=env.get("DATABASE_URL") or cls.database_url,
            public_url=(env.get("PUBLIC_URL") or cls.public_url).rstrip("/"),
            upload_dir=env.get("UPLOAD_DIR") or cls.upload_dir,
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI") or cls.ratelimit_storage_uri,
            session_cookie_secure=_bool(env.get("SESSION_COOKIE_SECURE"), mode == "production"),
            login_max_failures=_int(env, "LOGIN_MAX_FAILURES", cls.login_max_failures),
            login_max_delay_s=_int(env, "LOGIN_MAX_DELAY_S", cls.login_max_delay_s),
            suspect_min_interval_s=_int(env, "SUSPECT_MIN_INTERVAL_S", cls.suspect_min_interval_s),
            suspect_burst_per_10min=_int(env, "SUSPECT_BURST_PER_10MIN", cls.suspect_burst_per_10min),
            suspect_clock_skew_s=_int(env, "SUSPECT_CLOCK_SKEW_S", cls.suspect_clock_skew_s),
            smtp_url=env.get("SMTP_URL", ""),
            sms_gateway_url=env.get("SMS_GATEWAY_URL", ""),
            trusted_proxies=_int(env, "TRUSTED_PROXIES", cls.trusted_proxies),
        )

    def validate(self) -> None:
        """Refuse to start with settings that would be unsafe or cannot work."""
        if self.env not in {"development", "testing", "production"}:
            raise ConfigError(f"HAILONG_ENV must be development, testing or production, not {self.env!r}")
        if self.env == "production" and (self.secret_key.strip().lower() in PLACEHOLDER_SECRETS
                                         or len(self.secret_key) < 16):
            raise ConfigError(
                "SECRET_KEY is missing or a placeholder. Set it to a long random value, e.g. "
                "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set HAILONG_ENV=development on a developer's machine."
            )
        if not 0 <= self.trusted_proxies <= 5:
            raise ConfigError("TRUSTED_PROXIES is the number of reverse proxies in front of the app: 0 to 5")
        if not self.database_url.startswith(("sqlite://", "postgresql", "postgres://")):
            raise ConfigError("DATABASE_URL must name SQLite (sqlite:///path) or PostgreSQL (postgresql+psycopg://…)")

    def replace(self, **changes) -> "Config":
        return Config(**(asdict(self) | changes))

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the psycopg 3 driver spelled out for PostgreSQL."""
        url = self.database_url
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
