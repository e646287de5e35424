"""The engine and the one-session-per-request rule.

A request gets one Session (``db_session()``); it is committed once after the view
returns a response below 400 and rolled back otherwise, so a request that fails
stores nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlmodel import Session, create_engine

from hailong.driver_sql import DriverConnection


def make_engine(url: str) -> sa.Engine:
    """An engine; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not url.startswith("sqlite://?"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while a kiosk writes; the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask, url: str) -> None:
    app.extensions["db_engine"] = make_engine(url)
    app.after_request(_commit_on_success)
    app.teardown_appcontext(_close_session)


def engine() -> sa.Engine:
    return current_app.extensions["db_engine"]


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


@contextmanager
def session_scope():
    """A session for CLI commands and scripts: committed at the end, rolled back on error."""
    with Session(engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def driver_transaction():
    """A pooled driver connection for one write (a kiosk tap): committed when the block ends, rolled back on error.

    No Session: the tap's statements run on the driver (hailong.driver_sql), and it is committed
    before the answer is built, so SQLite's write lock is not held meanwhile.
    """
    pooled = engine().raw_connection()
    try:
        yield DriverConnection(pooled.dbapi_connection, engine().dialect)
        pooled.dbapi_connection.commit()
    except BaseException:
        pooled.dbapi_connection.rollback()
        raise
    finally:
        pooled.close()


def _commit_on_success(response):
    session = g.get("db_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
    return response


def _close_session(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
