"""Fixtures: an app on a fresh database per test, on SQLite or on PostgreSQL.

On SQLite each test copies an empty database made once per worker. Set
TEST_DATABASE_URL=postgresql+psycopg://…/test to run the suite on PostgreSQL; the
tables are created once and emptied after each test.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import Session, SQLModel

import models
from hailong import create_app, users
from hailong.config import Config
from tests import factories

# The same argon2id hashing with parameters sized for tests: a production hash costs 100 to
# 400 ms on this machine and each test's world creates five accounts.
users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside the given one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL", ""))


def pytest_configure(config):
    """Compile the catalogs so the English tests read the current translations."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", "translations", "-f"],
                   check=True, capture_output=True, cwd=Path(__file__).resolve().parent.parent)


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


def test_config(database_url: str, **changes) -> Config:
    return Config(env="testing", secret_key="test-secret-key-not-for-production", database_url=database_url,
                  public_url="http://phone.example", session_cookie_secure=False, wtf_csrf_enabled=False,
                  upload_dir=changes.pop("upload_dir", "/tmp/hailong-test-uploads")).replace(**changes)


@pytest.fixture(scope="session")
def pg_engine():
    if not PG_URL:
        yield None
        return
    # NullPool: the reset below ends every other connection to the test database, so none is kept here.
    engine = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory) -> Path:
    """An empty SQLite database with every table (and the audit log's guard), made once per worker:
    each test copies the file, not `create_all` again (~45 ms a test)."""
    path = tmp_path_factory.mktemp("schema") / "schema.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path, pg_engine, request):
    if pg_engine is None:
        path = tmp_path / "test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_schema"), path)
        yield f"sqlite:///{path}"
        return
    yield PG_URL
    for attempt in range(3):  # a deadlock aborts one side; the reset is the one to try again
        try:
            _reset(pg_engine)
            break
        except sa.exc.OperationalError:
            if attempt == 2:
                raise


# Every table emptied and every id sequence back at its start, as a new database would be. DELETE, not
# TRUNCATE: a TRUNCATE of 37 tables makes new files for each table and index (~95 ms a test); deleting the
# few rows a test leaves takes ~5. The replica role sets aside the triggers: the audit log's guard and the
# foreign keys' checks, so the order of the deletes does not matter.
_EMPTY_EVERY_TABLE = "".join(f'DELETE FROM "{table.name}";' for table in SQLModel.metadata.sorted_tables)
_RESTART_EVERY_SEQUENCE = ("SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
                           "FROM pg_sequences WHERE schemaname = current_schema()")


def _reset(pg_engine) -> None:
    with pg_engine.begin() as connection:
        # A connection left by the test (a request that outlived it) would hold a table: end it.
        connection.execute(sa.text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.exec_driver_sql(_EMPTY_EVERY_TABLE)
        connection.execute(sa.text(_RESTART_EVERY_SEQUENCE))


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database; keyword arguments change its config."""
    apps = []

    def build(**changes):
        changes.setdefault("upload_dir", str(tmp_path / "uploads"))
        app = create_app(test_config(database_url, **changes))
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def csrf_app(make_app):
    """An app with CSRF checks on, as in production."""
    return make_app(wtf_csrf_enabled=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(request):
    """Sign a member of staff in: `login("leader.xa01")` returns a test client with the session cookie.

    `who` is a username or a User. The client is a new one on the test's `app`, on `app=` (e.g. csrf_app or one
    built by make_app), or the given `client=`. When the app checks CSRF, the login form's token is sent too.
    """

    def sign_in(who, *, app=None, client=None, password=factories.PASSWORD):
        client = client or (app or request.getfixturevalue("app")).test_client()
        data = {"username": getattr(who, "username", who), "password": password}
        if client.application.config.get("WTF_CSRF_ENABLED"):
            page = client.get("/admin/login").get_data(as_text=True)
            data["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = client.post("/admin/login", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A session on the app's database, for arranging data and checking what was stored."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(session):
    """A commune with areas, officials, desks, a kiosk and one user per role."""
    return factories.world(session)


def rating_body(**changes) -> dict:
    body = {"id": str(uuid.uuid4()), "level": "satisfied", "tapped_at": datetime.now(models.LOCAL_TZ).isoformat()}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}
