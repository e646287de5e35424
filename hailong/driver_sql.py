"""Core statements compiled once per dialect and run on the driver's cursor.

A kiosk tap runs the same five statements every time; SQLAlchemy's work per execution
(cache key, parameter processing, result objects) cost more than the database did. Here a
statement is compiled once per dialect, with SQLAlchemy's own conversions of each parameter
and result column taken from its types, so what is stored and read is exactly what the ORM
stores and reads, and the statement then runs on the DBAPI cursor of the same transaction.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa


class DriverConnection:
    """A DBAPI connection in a transaction, with the dialect its statements are compiled for."""

    __slots__ = ("dbapi", "dialect")

    def __init__(self, dbapi_connection, dialect: sa.Dialect):
        self.dbapi, self.dialect = dbapi_connection, dialect

    @classmethod
    def of(cls, connection: sa.Connection) -> DriverConnection:
        """The driver connection under a SQLAlchemy connection, in its transaction."""
        return cls(connection.connection.dbapi_connection, connection.dialect)

    def execute(self, build: Callable[[str], sa.Executable], values: dict, *, columns: tuple | None = None):
        """Run the statement ``build(dialect name)`` returns with ``values``; the cursor, for its rows or rowcount."""
        statement = prepared(build, self.dialect, columns)
        cursor = self.dbapi.cursor()
        cursor.execute(statement.sql, statement.params(values))
        return PreparedCursor(cursor, statement)

    def executemany(self, build: Callable[[str], sa.Executable], rows: list[dict], *, columns: tuple) -> int:
        """Run the statement for every row (the driver's executemany); the rows it changed."""
        statement = prepared(build, self.dialect, columns)
        cursor = self.dbapi.cursor()
        cursor.executemany(statement.sql, [statement.params(row) for row in rows])
        return cursor.rowcount


    def inserted(self, build: Callable[[str], sa.Executable], rows: list[dict], *, columns: tuple) -> list[bool]:
        """Run an ``INSERT … ON CONFLICT DO NOTHING`` for every row; whether each was stored (a conflict is not).

        On PostgreSQL the statement must return a row per stored row: psycopg sends them all in one
        round trip and answers each. SQLite's executemany cannot return rows nor say which changed,
        so it runs once per row (compiled once, in the driver's statement cache).
        """
        statement = prepared(build, self.dialect, columns)
        cursor = self.dbapi.cursor()
        params = [statement.params(row) for row in rows]
        if self.dialect.name != "postgresql":
            stored = []
            for values in params:
                cursor.execute(statement.sql, values)
                stored.append(cursor.rowcount == 1)
            return stored
        cursor.executemany(statement.sql, params, returning=True)
        stored = [cursor.fetchone() is not None]
        while cursor.nextset():
            stored.append(cursor.fetchone() is not None)
        return stored


class PreparedCursor:
    """A cursor whose rows come back converted as SQLAlchemy would convert them."""

    __slots__ = ("cursor", "statement")

    def __init__(self, cursor, statement: Prepared):
        self.cursor, self.statement = cursor, statement

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount

    def first(self) -> tuple | None:
        row = self.cursor.fetchone()
        return None if row is None else self.statement.row(row)

    def all(self) -> list[tuple]:
        return [self.statement.row(row) for row in self.cursor.fetchall()]


class Prepared:
    """One statement compiled for one dialect: its SQL, and how its parameters and columns convert."""

    def __init__(self, statement: sa.Executable, dialect: sa.Dialect, columns: tuple | None):
        compiled = statement.compile(dialect=dialect, column_keys=list(columns) if columns else None)
        self.sql = compiled.string
        self.positional = compiled.positional
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        # A bind SQLAlchemy named itself (LIMIT 1, a literal) holds its value; the caller passes the others.
        constants = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
        self.binds = [(name, _bind_processor(compiled.binds[name], dialect)) for name in names]
        self.constants = {name: value if convert is None else convert(value)
                          for name, convert in self.binds if name in constants for value in (constants[name],)}
        selected = getattr(statement, "selected_columns", None) or []
        self.results = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in selected]
        self.converts = any(self.results)

    def params(self, values: dict):
        constants = self.constants
        if self.positional:
            return [constants[name] if name in constants else values[name] if convert is None
                    else convert(values[name]) for name, convert in self.binds]
        return {name: constants[name] if name in constants else values[name] if convert is None
                else convert(values[name]) for name, convert in self.binds}

    def row(self, row) -> tuple:
        if not self.converts:
            return tuple(row)
        return tuple(value if convert is None else convert(value)
                     for value, convert in zip(row, self.results, strict=True))


def _bind_processor(bind: sa.BindParameter, dialect: sa.Dialect):
    if bind.expanding or bind.callable is not None:
        raise ValueError(f"{bind.key}: only plain parameters run on the driver")
    return bind.type.dialect_impl(dialect).bind_processor(dialect)


_PREPARED: dict = {}


def prepared(build: Callable[[str], sa.Executable], dialect: sa.Dialect, columns: tuple | None = None) -> Prepared:
    """``build(dialect name)`` compiled for ``dialect``, once."""
    # Keyed by the dialect's name, not the dialect: every engine (a test builds many) compiles alike.
    key = build, dialect.name, columns
    statement = _PREPARED.get(key)
    if statement is None:
        statement = _PREPARED[key] = Prepared(build(dialect.name), dialect, columns)
    return statement
