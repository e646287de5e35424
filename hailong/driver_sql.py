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

    def executemany(self, build: Callable[[str], sa.Executable], rows: list[dict], *, columns: tuple) -> None:
        """Run the statement for every row: on SQLite as one statement (``values``), else the driver's executemany
        (psycopg sends the rows in one round trip)."""
        statement = prepared(build, self.dialect, columns)
        if statement.positional:
            self.values(build, rows, columns=columns)
        else:
            self.dbapi.cursor().executemany(statement.sql, [statement.params(row) for row in rows])

    def values(self, build: Callable[[str], sa.Executable], rows: list[dict], *, columns: tuple) -> PreparedCursor:
        """One INSERT of every row, its VALUES group repeated (SQLite).

        SQLite holds its write lock from a transaction's first write to its commit, and every
        statement hands Python's GIL to another thread and waits to get it back: a batch written in
        one statement instead of one per row keeps that window short.
        """
        statement = prepared(build, self.dialect, columns)
        head, group, tail = statement.values_parts()
        cursor = self.dbapi.cursor()
        cursor.execute(head + ", ".join([group] * len(rows)) + tail,
                       [value for row in rows for value in statement.params(row)])
        return PreparedCursor(cursor, statement)

    def inserted(self, build: Callable[[str], sa.Executable], rows: list[dict], *, columns: tuple,
                 key: str) -> list[bool]:
        """Run an ``INSERT … ON CONFLICT DO NOTHING RETURNING <key>`` for every row; whether each was stored.

        On PostgreSQL psycopg sends the rows in one round trip and answers each; on SQLite, whose
        executemany can return no rows, it is one statement (``values``).
        """
        statement = prepared(build, self.dialect, columns)
        if statement.positional:
            stored = {value for (value,) in self.values(build, rows, columns=columns).all()}
            return [row[key] in stored for row in rows]
        cursor = self.dbapi.cursor()
        cursor.executemany(statement.sql, [statement.params(row) for row in rows], returning=True)
        answered = [cursor.fetchone() is not None]
        while cursor.nextset():
            answered.append(cursor.fetchone() is not None)
        return answered


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
        selected = getattr(statement, "selected_columns", None) or getattr(statement, "exported_columns", None) or []
        self.results = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in selected]
        self.converts = any(self.results)

    def values_parts(self) -> tuple[str, str, str]:
        """An INSERT's SQL around its VALUES group, and the group: (head, "(?, ?, …)", tail)."""
        head, _, rest = self.sql.partition(" VALUES (")
        group, _, tail = rest.partition(")")
        if not self.positional or set(group) - set("?, "):
            raise ValueError("only an INSERT of plain positional parameters can repeat its VALUES")
        return head + " VALUES ", f"({group})", tail

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
