import pytest

from hailong import create_app
from hailong.config import Config, ConfigError


def test_production_refuses_missing_secret():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Config.from_env({"HAILONG_ENV": "production"}))


@pytest.mark.parametrize("secret", ["changeme", "secret", "dev-only-not-secret", "short"])
def test_production_refuses_placeholder_secret(secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config.from_env({"SECRET_KEY": secret}).validate()


def test_production_accepts_a_real_secret_and_secure_cookies():
    config = Config.from_env({"SECRET_KEY": "9f2c1e7a4b6d8e0f1a2b3c4d5e6f7a8b"})
    config.validate()
    assert config.env == "production"
    assert config.session_cookie_secure is True


def test_development_gets_a_dev_secret_and_sqlite_in_instance():
    config = Config.from_env({"HAILONG_ENV": "development"})
    config.validate()
    assert config.secret_key
    assert config.database_url.startswith("sqlite:///") and config.database_url.endswith("instance/hailong.sqlite")
    assert config.session_cookie_secure is False


def test_postgres_urls_get_the_psycopg3_driver():
    config = Config.from_env({"HAILONG_ENV": "development", "DATABASE_URL": "postgres://u@h/db"})
    assert config.sqlalchemy_url == "postgresql+psycopg://u@h/db"


def test_bad_numbers_are_refused_clearly():
    with pytest.raises(ConfigError, match="LOGIN_MAX_FAILURES"):
        Config.from_env({"LOGIN_MAX_FAILURES": "many"})


def test_unknown_database_is_refused():
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Config.from_env({"HAILONG_ENV": "development", "DATABASE_URL": "mysql://x"}).validate()


def test_sqlite_pragmas_are_set(tmp_path):
    from hailong.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'db' / 'x.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    engine.dispose()
