"""PostgreSQL's pooled connections: pinged when idle long or after a disconnect, not before every tap."""
import pytest

from hailong import db
from hailong.db import driver_transaction, make_engine
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="pings PostgreSQL's connections")


def _pids(engine, count):
    connections = [engine.connect() for _ in range(count)]
    pids = [connection.exec_driver_sql("select pg_backend_pid()").scalar() for connection in connections]
    for connection in connections:
        connection.close()
    return pids


def _terminate(pg_engine, pids):
    with pg_engine.connect() as admin:
        admin.exec_driver_sql("select pg_terminate_backend(pid) from unnest(%(pids)s) as pid", {"pids": pids})
        while admin.exec_driver_sql("select count(*) from pg_stat_activity where pid = any(%(pids)s)",
                                    {"pids": pids}).scalar():
            admin.rollback()  # a fresh snapshot of pg_stat_activity


def test_a_connection_idle_too_long_is_pinged_and_replaced_when_dead(pg_engine, monkeypatch):
    engine = make_engine(PG_URL)
    [pid] = _pids(engine, 1)
    _terminate(pg_engine, [pid])
    monkeypatch.setattr(db, "IDLE_PING_S", 0)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("select pg_backend_pid()").scalar() != pid
    engine.dispose()


def test_a_tap_meeting_a_dead_connection_gets_the_others_pinged(pg_engine, make_app):
    app = make_app()
    engine = app.extensions["db_engine"]
    pids = _pids(engine, 2)
    _terminate(pg_engine, pids)
    with app.app_context():
        with pytest.raises(engine.dialect.loaded_dbapi.OperationalError), driver_transaction() as connection:
            connection.dbapi.cursor().execute("select 1")  # used a moment ago: not pinged, and dead
        with driver_transaction() as connection:  # the other one, pinged since the disconnect, and replaced
            cursor = connection.dbapi.cursor()
            cursor.execute("select pg_backend_pid()")
            assert cursor.fetchone()[0] not in pids


def test_a_tap_runs_in_autocommit_and_gives_its_connection_back_transactional(make_app, world):
    from tests.conftest import rating_body

    app = make_app()
    client = app.test_client()
    auth = {"Authorization": f"Bearer {world.token}"}
    body = rating_body()
    answers = [client.post("/api/v1/ratings", json=body, headers=auth).status_code,
               client.post("/api/v1/ratings", json=body, headers=auth).status_code,
               client.post("/api/v1/ratings", json=body | {"level": "dissatisfied"}, headers=auth).status_code,
               client.post("/api/v1/ratings", json=body, headers={"Authorization": "Bearer wrong"}).status_code]
    assert answers == [201, 200, 409, 401]
    pooled = app.extensions["db_engine"].raw_connection()
    assert pooled.dbapi_connection.autocommit is False
    pooled.close()
