"""Submissions at the same moment get distinct intake-register numbers, on SQLite and on PostgreSQL."""
import threading

import pytest
from sqlmodel import Session, SQLModel, select

from hailong import create_app
from hailong import feedback as intake
from models import Feedback, Unit
from tests import factories
from tests import conftest
from tests.conftest import PG_URL

THREADS = 8


def submit_at_once(engine, unit_id: int) -> list[int]:
    """Each thread opens its own session and submits as soon as all are ready; returns the numbers given."""
    barrier = threading.Barrier(THREADS)
    numbers, failures = [], []

    def submit(index: int):
        with Session(engine, expire_on_commit=False) as session:
            unit = session.get(Unit, unit_id)
            feedback_in = intake.parse_feedback({"kind": "kien_nghi", "anonymous": True,
                                                 "content": f"Kiến nghị số {index} về giờ làm việc buổi chiều."})
            barrier.wait()
            try:
                feedback = intake.submit_feedback(session, unit=unit, feedback_in=feedback_in)
                session.commit()
                numbers.append(feedback.register_number)
            except Exception as error:  # noqa: BLE001 - reported below with the thread's index
                failures.append((index, repr(error)))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    return numbers


def check_distinct(engine, unit_id):
    numbers = submit_at_once(engine, unit_id)
    assert sorted(numbers) == list(range(1, THREADS + 1))
    with Session(engine) as session:
        stored = session.exec(select(Feedback.register_number).where(Feedback.unit_id == unit_id)).all()
    assert sorted(stored) == list(range(1, THREADS + 1))


def test_concurrent_submissions_get_distinct_numbers_on_sqlite(tmp_path):
    app = create_app(conftest.test_config(f"sqlite:///{tmp_path / 'concurrent.sqlite'}",
                                          upload_dir=str(tmp_path / "up")))
    engine = app.extensions["db_engine"]
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            unit_id = factories.world(session).unit.id
        check_distinct(engine, unit_id)
    finally:
        engine.dispose()


@pytest.mark.postgres_only
@pytest.mark.skipif(not PG_URL, reason="runs when TEST_DATABASE_URL names a PostgreSQL database")
def test_concurrent_submissions_get_distinct_numbers_on_postgresql(app, session, world):
    check_distinct(app.extensions["db_engine"], world.unit.id)
