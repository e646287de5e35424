"""The migrations produce exactly the models' schema, on SQLite and on PostgreSQL."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from hailong.cli import migrate
from hailong.db import make_engine


def fresh_database_url(tmp_path):
    from tests.conftest import PG_URL as pg

    if not pg:
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    url = sa.make_url(pg)
    name = f"{url.database}_migrations"  # beside the test database, so parallel runs do not collide
    admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_migrations_match_models(tmp_path):
    engine = make_engine(fresh_database_url(tmp_path))
    with engine.begin() as connection:
        migrate(connection)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_init_db_is_safe_to_run_twice(tmp_path):
    from hailong import create_app
    from tests.conftest import test_config

    app = create_app(test_config(fresh_database_url(tmp_path)))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    app.extensions["db_engine"].dispose()
