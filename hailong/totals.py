"""Daily and monthly totals of taps (Rating…Total) and of PAKN (Feedback…Total), kept exact on every write.

An ORM flush that inserts, changes or deletes a Rating or a Feedback adds the matching
changes to the days' totals in the same transaction, so the totals never drift from the
records — including when a tap is flagged suspect later or a ticket is closed, reopened
or given a new deadline. A change of a service area's sector rebuilds its unit's tap
totals. Bulk loaders that bypass the ORM (``session.execute(insert(Rating), rows)``,
COPY) must call ``rebuild`` for the units they touched. Each daily row has a monthly twin
holding the month's sum, so long periods read a few rows per unit and month.
"""
from __future__ import annotations

import functools
from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import get_history
from sqlmodel import Session, delete, select

from hailong import counting, workdays
from hailong.driver_sql import DriverConnection

from models import (
    CalendarDay, Feedback, FeedbackDailyTotal, FeedbackMonthlyTotal, Rating, RatingDailyTotal, RatingMonthlyTotal,
    Sector, ServiceArea,
)

KEY_FIELDS = ("unit_id", "local_date", "sector", "level", "suspect", "suspect_reasons")
RATING_FIELDS = ("unit_id", "local_date", "service_area_id", "level", "suspect", "suspect_reasons")
TICKET_FIELDS = counting.FIELDS
TICKET_MEASURES = counting.MEASURES
OUTCOME_FIELDS = ("qd766_settled_from", "qd766_counted", "qd766_on_time", "qd766_satisfied", "closed_resolved")
ALL_UNITS = -1  # a national calendar day changed: every unit's outcomes follow


# --- what one record adds ----------------------------------------------------------------------


def ticket_counts(ticket: dict) -> Counter:
    """What one ticket adds to the daily totals, as {(unit_id, day, measure): count}: hailong.counting decides."""
    return counting.daily_counts(ticket)


def _sector(session: OrmSession, area_id: int | None, cache: dict) -> str:
    if area_id is None:
        return Sector.ADMINISTRATIVE.value
    if area_id not in cache:
        with session.no_autoflush:
            area = session.get(ServiceArea, area_id)
        cache[area_id] = str(area.sector) if area is not None else Sector.ADMINISTRATIVE.value
    return cache[area_id]


def rating_key(values: dict, sector: str) -> tuple:
    """The daily total one tap counts in (see RatingDailyTotal)."""
    suspect = bool(values["suspect"])
    reasons = ",".join(sorted(values["suspect_reasons"] or ["unknown"])) if suspect else ""
    return values["unit_id"], values["local_date"], sector, str(values["level"]), suspect, reasons


def _rating_key(session, values: dict, cache: dict) -> tuple:
    return rating_key(values, _sector(session, values["service_area_id"], cache))


def _current(record, fields: tuple) -> dict:
    return {name: getattr(record, name) for name in fields}


def _previous(record, fields: tuple) -> dict:
    values = {}
    for name in fields:
        history = get_history(record, name)
        values[name] = history.deleted[0] if history.deleted else getattr(record, name)
    return values


# --- kept on every flush ---------------------------------------------------------------------------


def _deltas(session: OrmSession) -> tuple[Counter, Counter, set[int]]:
    ratings: Counter = Counter()
    tickets: Counter = Counter()
    cache: dict = {}
    resector_units = {area.unit_id for area in session.dirty
                      if isinstance(area, ServiceArea) and get_history(area, "sector").has_changes()}
    for record in session.new:
        if isinstance(record, Rating):
            ratings[_rating_key(session, _current(record, RATING_FIELDS), cache)] += 1
        elif isinstance(record, Feedback):
            tickets.update(ticket_counts(_current(record, TICKET_FIELDS)))
    for record in session.deleted:
        if isinstance(record, Rating):
            ratings[_rating_key(session, _previous(record, RATING_FIELDS), cache)] -= 1
        elif isinstance(record, Feedback):
            tickets.subtract(ticket_counts(_previous(record, TICKET_FIELDS)))
    for record in session.dirty:
        if isinstance(record, Rating) and session.is_modified(record):
            before = _rating_key(session, _previous(record, RATING_FIELDS), cache)
            after = _rating_key(session, _current(record, RATING_FIELDS), cache)
            if before != after:
                ratings[before] -= 1
                ratings[after] += 1
        elif isinstance(record, Feedback) and session.is_modified(record):
            tickets.update(ticket_counts(_current(record, TICKET_FIELDS)))
            tickets.subtract(ticket_counts(_previous(record, TICKET_FIELDS)))
    return ratings, tickets, resector_units


def _upsert(connection: sa.Connection, table: sa.Table, keys: tuple, rows: list[dict]) -> None:
    """Add each row's counts to the stored ones, inserting missing keys (atomic under concurrent writers)."""
    if rows:
        counted = tuple(name for name in rows[0] if name not in keys)
        connection.execute(_upsert_statement(connection.dialect.name, table, keys, counted), rows)


@functools.cache
def _upsert_statement(dialect: str, table: sa.Table, keys: tuple, counted: tuple):
    # Built once: every tap and ticket write runs it, and building it costs more than running it.
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + statement.excluded[name] for name in counted})


def _upsert_with_months(connection: sa.Connection, daily: sa.Table, monthly: sa.Table, keys: tuple,
                        rows: list[dict]) -> None:
    """Add ``rows`` to the daily totals and their sums by month to the monthly twin."""
    _upsert(connection, daily, keys, rows)
    _upsert(connection, monthly, keys, _months(keys, rows))


def _months(keys: tuple, rows: list[dict]) -> list[dict]:
    """Daily ``rows`` summed by calendar month (dated the month's first day)."""
    months: dict = {}
    for row in rows:
        key = tuple(row[name] if name != "local_date" else row[name].replace(day=1) for name in keys)
        if key in months:
            for name, value in row.items():
                if name not in keys:
                    months[key][name] += value
        else:
            months[key] = dict(row, local_date=row["local_date"].replace(day=1))
    # In key order, as the daily rows: two writers lock the same months in the same order, never in a cycle
    # (a batch's months came in the order their days' levels first appeared: deadlocks on PostgreSQL).
    return [months[key] for key in sorted(months)]


def _tap_rows(deltas: Counter) -> list[dict]:
    # In key order: two writers upserting the same totals lock them in the same order, never in a cycle.
    return [dict(zip(KEY_FIELDS, key, strict=True), count=change) for key, change in sorted(deltas.items()) if change]


def apply_deltas(connection: sa.Connection, deltas: Counter) -> None:
    """Add tap ``deltas`` ({key: change}) to the daily and monthly tap totals."""
    _upsert_with_months(connection, RatingDailyTotal.__table__, RatingMonthlyTotal.__table__, KEY_FIELDS,
                        _tap_rows(deltas))


TAP_TOTAL_COLUMNS = (*KEY_FIELDS, "count")


def _daily_upsert(dialect: str):
    return _upsert_statement(dialect, RatingDailyTotal.__table__, KEY_FIELDS, ("count",))


def _monthly_upsert(dialect: str):
    return _upsert_statement(dialect, RatingMonthlyTotal.__table__, KEY_FIELDS, ("count",))


def tap_count_rows(deltas: Counter) -> tuple[list[dict], list[dict]]:
    """The daily and monthly rows ``deltas`` add, for ``add_tap_counts``: worked out before the insert,
    so SQLite's write lock is held for the statements alone."""
    rows = _tap_rows(deltas)
    return rows, _months(KEY_FIELDS, rows)


def add_tap_counts(connection: DriverConnection, counts: tuple[list[dict], list[dict]]) -> None:
    """As ``apply_deltas``, on the driver, for ``tap_count_rows``: the write path of every kiosk tap."""
    for build, changes in zip((_daily_upsert, _monthly_upsert), counts, strict=True):
        if len(changes) == 1:
            connection.execute(build, changes[0], columns=TAP_TOTAL_COLUMNS)
        elif changes:
            connection.executemany(build, changes, columns=TAP_TOTAL_COLUMNS)


def apply_ticket_deltas(connection: sa.Connection, deltas: Counter) -> None:
    """Add ticket ``deltas`` ({(unit, day, measure): change}) to the PAKN totals, one row per unit and day."""
    days: dict = defaultdict(dict)
    for (unit, day, measure), change in deltas.items():
        if change:
            days[unit, day][measure] = change
    rows = [{"unit_id": unit, "local_date": day} | {name: changes.get(name, 0) for name in TICKET_MEASURES}
            for (unit, day), changes in sorted(days.items())]
    _upsert_with_months(connection, FeedbackDailyTotal.__table__, FeedbackMonthlyTotal.__table__,
                        ("unit_id", "local_date"), rows)


@sa.event.listens_for(OrmSession, "before_flush")
def _collect(session, flush_context, _instances):
    # Histories are only readable before the flush; the upsert runs after it, in the same
    # transaction. Kept on this flush only, so a flush that fails leaves nothing behind.
    flush_context.attributes["daily_deltas"] = _deltas(session)
    _settle_changed_tickets(session)
    flush_context.attributes["calendar_units"] = _calendar_units(session)


@sa.event.listens_for(OrmSession, "after_flush")
def _write(session, flush_context):
    ratings, tickets, resector_units = flush_context.attributes.get("daily_deltas", (None, None, None))
    if ratings:
        apply_deltas(session.connection(), ratings)
    if tickets:
        apply_ticket_deltas(session.connection(), tickets)
    if resector_units:
        _rebuild_ratings(session.connection(), sorted(resector_units))
    calendar_units = flush_context.attributes.get("calendar_units")
    if calendar_units:
        flush_context.attributes["settled_ids"] = settle_outcomes(
            session.connection(), None if ALL_UNITS in calendar_units else sorted(calendar_units))


@sa.event.listens_for(OrmSession, "after_flush_postexec")
def _expire_settled(session, flush_context):
    """Tickets loaded in this session whose outcome the calendar change rewrote read it again."""
    settled = flush_context.attributes.get("settled_ids")
    if settled:
        for record in list(session.identity_map.values()):
            if isinstance(record, Feedback) and record.id in settled:
                session.expire(record, list(OUTCOME_FIELDS))


# --- QĐ 766 outcomes kept on each ticket ----------------------------------------------------------


def _settle_changed_tickets(session: OrmSession) -> None:
    """Store each new or changed ticket's QĐ 766 outcome on it (hailong.counting.qd766_outcome decides)."""
    calendars: dict = {}
    for record in list(session.new) + list(session.dirty):
        if isinstance(record, Feedback) and (record in session.new or session.is_modified(record)):
            outcome = counting.qd766_outcome(_current(record, TICKET_FIELDS),
                                             _calendar(session, record.unit_id, calendars))
            for name, value in outcome.items():
                if getattr(record, name) != value:
                    setattr(record, name, value)


def _calendar(session: OrmSession, unit_id: int | None, calendars: dict):
    if unit_id not in calendars:
        with session.no_autoflush:
            calendar = workdays.calendar_for(session, unit_id)
        calendars[unit_id] = _Limits(calendar)
    return calendars[unit_id]


class _Limits:
    """A calendar's "n working days after receipt", remembered: tickets are received on a few hundred days."""

    def __init__(self, calendar: workdays.WorkCalendar) -> None:
        self.add_working_days = functools.cache(calendar.add_working_days)


def _calendar_units(session: OrmSession) -> set[int]:
    """Units whose working calendar this flush changes (ALL_UNITS for a national day)."""
    units = set()
    for record in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(record, CalendarDay):
            for unit_id in {record.unit_id, *get_history(record, "unit_id").deleted}:
                units.add(ALL_UNITS if unit_id is None else unit_id)
    return units


def calendars_of(connection: sa.Connection):
    """Every unit's calendar as ``calendar(unit_id)`` (hailong.workdays.calendar_lookup's, with its working days
    after receipt remembered), from one read of the calendar days."""
    lookup = workdays.calendar_lookup(connection)
    limits: dict = {}

    def calendar(unit_id):
        found = lookup(unit_id)
        if id(found) not in limits:
            limits[id(found)] = _Limits(found)
        return limits[id(found)]
    return calendar


def _outcome_changes(connection: sa.Connection, unit_ids: list[int] | None) -> list[dict]:
    """Tickets whose stored QĐ 766 outcome differs from what their record says now, with the right one."""
    calendar = calendars_of(connection)
    query = select(Feedback.id, *[getattr(Feedback, name) for name in TICKET_FIELDS + OUTCOME_FIELDS])
    if unit_ids is not None:
        query = query.where(Feedback.unit_id.in_(unit_ids))
    changes = []
    for row in connection.execute(query.execution_options(yield_per=20_000)):
        ticket = dict(zip(TICKET_FIELDS, row[1:1 + len(TICKET_FIELDS)], strict=True))
        stored = dict(zip(OUTCOME_FIELDS, row[1 + len(TICKET_FIELDS):], strict=True))
        outcome = counting.qd766_outcome(ticket, calendar(ticket["unit_id"]))
        if outcome != stored:
            changes.append({"ticket_id": row[0], "stored": stored} | outcome)
    return changes


def settle_outcomes(connection: sa.Connection, unit_ids: list[int] | None = None) -> set[int]:
    """Store the QĐ 766 outcome of the tickets of ``unit_ids`` (all when None) where it is stale; returns their ids."""
    changes = _outcome_changes(connection, unit_ids)
    if changes:
        table = Feedback.__table__
        statement = table.update().where(table.c.id == sa.bindparam("ticket_id")).values(
            {name: sa.bindparam(name) for name in OUTCOME_FIELDS})
        connection.execute(statement, [{key: value for key, value in change.items() if key != "stored"}
                                       for change in changes])
    return {change["ticket_id"] for change in changes}


# --- rebuilt after bulk loads, and checked ---------------------------------------------------------


def rebuild(session: Session, unit_ids: list[int] | None = None) -> int:
    """Recompute the tap and PAKN totals of ``unit_ids`` (all units when None); returns daily rows written."""
    connection = session.connection()
    session.info.pop("rating_totals", None)  # what hailong.figures remembered of the old totals
    settle_outcomes(connection, unit_ids)
    return _rebuild_ratings(connection, unit_ids) + _rebuild_tickets(connection, unit_ids)


def _clear(connection: sa.Connection, tables: tuple, unit_ids: list[int] | None) -> None:
    for table in tables:
        connection.execute(delete(table).where(*([] if unit_ids is None else [table.unit_id.in_(unit_ids)])))


def _counted_taps(connection: sa.Connection, unit_ids: list[int] | None) -> Counter:
    sectors = {area_id: str(sector)
               for area_id, sector in connection.execute(select(ServiceArea.id, ServiceArea.sector))}
    query = select(*[getattr(Rating, name) for name in RATING_FIELDS])
    if unit_ids is not None:
        query = query.where(Rating.unit_id.in_(unit_ids))
    counts: Counter = Counter()
    for row in connection.execute(query.execution_options(yield_per=20_000)):
        values = dict(zip(RATING_FIELDS, row, strict=True))
        counts[rating_key(values, sectors.get(values["service_area_id"], Sector.ADMINISTRATIVE.value))] += 1
    return counts


def _rebuild_ratings(connection: sa.Connection, unit_ids: list[int] | None) -> int:
    _clear(connection, (RatingDailyTotal, RatingMonthlyTotal), unit_ids)
    counts = _counted_taps(connection, unit_ids)
    apply_deltas(connection, counts)
    return len(counts)


def _counted_tickets(connection: sa.Connection, unit_ids: list[int] | None) -> Counter:
    query = select(*[getattr(Feedback, name) for name in TICKET_FIELDS])
    if unit_ids is not None:
        query = query.where(Feedback.unit_id.in_(unit_ids))
    counts: Counter = Counter()
    for row in connection.execute(query.execution_options(yield_per=20_000)):
        counts.update(ticket_counts(dict(zip(TICKET_FIELDS, row, strict=True))))
    return counts


def _rebuild_tickets(connection: sa.Connection, unit_ids: list[int] | None) -> int:
    _clear(connection, (FeedbackDailyTotal, FeedbackMonthlyTotal), unit_ids)
    counts = _counted_tickets(connection, unit_ids)
    apply_ticket_deltas(connection, counts)
    return len({(unit, day) for unit, day, _measure in counts})


def _stored(session: Session, tables: tuple) -> Counter:
    """The stored tap and PAKN totals of ``tables`` as {key: count}."""
    rating_table, ticket_table = tables
    stored: Counter = Counter()
    for row in session.execute(select(rating_table)).scalars():
        key = tuple(getattr(row, name) for name in KEY_FIELDS)
        stored[key] += row.count
    for row in session.execute(select(ticket_table)).scalars():
        for name in TICKET_MEASURES:
            stored[row.unit_id, row.local_date, name] += getattr(row, name)
    return stored


def _by_month(counts: Counter) -> Counter:
    months: Counter = Counter()
    for key, count in counts.items():
        months[(key[0], key[1].replace(day=1), *key[2:])] += count
    return months


def drift(session: Session) -> list[tuple]:
    """Keys whose stored daily or monthly total differs from the records (empty when exact): for tests and checks."""
    connection = session.connection()
    actual = _counted_taps(connection, None)
    actual.update(_counted_tickets(connection, None))  # update, not +: overdue changes may be negative
    wrong = []
    for grain, expected, stored in (
            ("day", actual, _stored(session, (RatingDailyTotal, FeedbackDailyTotal))),
            ("month", _by_month(actual), _stored(session, (RatingMonthlyTotal, FeedbackMonthlyTotal)))):
        keys = {key for key in set(expected) | set(stored) if expected[key] != stored[key]}
        wrong.extend(sorted((grain, key, expected[key], stored[key]) for key in keys))
    wrong.extend(("ticket", change["ticket_id"], {name: change[name] for name in OUTCOME_FIELDS}, change["stored"])
                 for change in _outcome_changes(connection, None))
    return wrong
