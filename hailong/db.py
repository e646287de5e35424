"""The engine and the one-session-per-request rule.

A request gets one Session (``db_session()``); it is committed once after the view
returns a response below 400 and rolled back otherwise, so a request that fails
stores nothing.
"""
from __future__ import annotations

import time
import weakref
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
    engine = create_engine(url, pool_size=5, max_overflow=10)
    _ping_when_idle(engine)
    return engine


IDLE_PING_S = 30  # a connection back in the pool for longer is pinged before use


def _ping_when_idle(engine: sa.Engine) -> None:
    """``pool_pre_ping``, only for a connection idle more than ``IDLE_PING_S`` or older than the last disconnect.

    The pre-ping cost every kiosk tap a round trip to PostgreSQL (of six). A connection in use seconds
    ago is alive unless the server went away meanwhile, and then the first statement to fail says so:
    every connection checked in before that moment is pinged on its next checkout.
    """
    _DISCONNECTED_AT[engine] = 0.0

    @sa.event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None:  # just connected
            return
        if time.monotonic() - idle_since < IDLE_PING_S and idle_since > _DISCONNECTED_AT[engine]:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
            dbapi_connection.rollback()  # the ping's SELECT opened a transaction
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError() from error  # the pool connects anew (up to three times)

    @sa.event.listens_for(engine, "handle_error")
    def _went_away(context) -> None:
        if context.is_disconnect:
            _mark_disconnected(engine)


_DISCONNECTED_AT: weakref.WeakKeyDictionary[sa.Engine, float] = weakref.WeakKeyDictionary()


def _mark_disconnected(engine_: sa.Engine) -> None:
    if engine_ in _DISCONNECTED_AT:
        _DISCONNECTED_AT[engine_] = time.monotonic()


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
def driver_transaction(*, one_statement_on: frozenset[str] = frozenset()):
    """A pooled driver connection for one write (a kiosk tap): committed when the block ends, rolled back on error.

    No Session: the tap's statements run on the driver (hailong.driver_sql), and it is committed
    before the answer is built, so SQLite's write lock is not held meanwhile.

    On a dialect named in ``one_statement_on`` the block writes with a single statement (a tap on
    PostgreSQL: the insert and both totals in one), so it runs in autocommit: that statement is its
    own transaction, atomic all the same, and BEGIN and COMMIT cost no round trips. Its reads see
    what a READ COMMITTED transaction's would: each statement its own snapshot.
    """
    engine_ = engine()
    pooled = engine_.raw_connection()
    dbapi_connection = pooled.dbapi_connection
    autocommit = engine_.dialect.name in one_statement_on
    try:
        if autocommit:
            dbapi_connection.autocommit = True
        yield DriverConnection(dbapi_connection, engine_.dialect)
        if not autocommit:
            dbapi_connection.commit()
    except BaseException as error:
        if _is_disconnect(engine_, error, dbapi_connection):
            pooled.invalidate(error)  # not back into the pool; the others are pinged before their next use
            _mark_disconnected(engine_)
        elif not autocommit:
            dbapi_connection.rollback()
        raise
    finally:
        if autocommit and pooled.dbapi_connection is not None:
            dbapi_connection.autocommit = False
        pooled.close()


def _is_disconnect(engine_: sa.Engine, error: BaseException, dbapi_connection) -> bool:
    dbapi = engine_.dialect.loaded_dbapi
    return isinstance(error, dbapi.Error) and engine_.dialect.is_disconnect(error, dbapi_connection, None)


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
