"""A province's year of data, for the budgets in DESIGN.md (`demo-data --scale province`).

Many communes, ≥ 1,000,000 taps and ≥ 100,000 PAKN, written in bulk (executemany batches
on SQLite, COPY on PostgreSQL), their totals counted as the rows are made. Citizens' names here
are placeholders: this data is for measuring, not for showing.
"""
from __future__ import annotations

import functools
import json
import random
import time as clock
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import Session, select

from hailong import counting, totals, workdays
from hailong.figures import ensure_targets
from models import (
    LOCAL_TZ, Desk, Feedback, FeedbackStatus, Kiosk, Level, Official, Rating, Reason, Resolution, ServiceArea, Unit,
    local_date_of, utcnow,
)

AREAS = [("HT", "Hộ tịch", "administrative"), ("CT", "Chứng thực", "administrative"),
         ("DD", "Đất đai", "administrative"),
         ("XD", "Xây dựng", "administrative"), ("LDTBXH", "Lao động, thương binh và xã hội", "administrative"),
         ("KD", "Đăng ký kinh doanh", "administrative"), ("YT", "Y tế", "health"), ("GD", "Giáo dục", "education")]
RATING_COLUMNS = ("client_id", "body_hash", "unit_id", "channel", "kiosk_id", "desk_id", "official_id",
                  "service_area_id",
                  "level", "reasons", "criteria", "dossier_code", "tapped_at", "sent_at", "received_at", "local_date",
                  "suspect", "suspect_reasons")
BATCH = 100_000


def load_province(session: Session, *, communes: int = 60, ratings: int = 1_050_000, tickets: int = 105_000,
                  seed: int = 2025, log=print) -> dict:
    """Create the province ``PROV-LON`` with its communes and a year of taps and tickets; returns counts."""
    rng = random.Random(seed)
    if session.exec(select(Unit).where(Unit.code == "PROV-LON")).first() is not None:
        log("Province PROV-LON already exists; nothing added.")
        return {}
    started = clock.monotonic()
    province = Unit(code="PROV-LON", name="Tỉnh Thử Tải", kind="province")
    session.add(province)
    session.flush()  # the communes need the province's id
    units = [_commune(session, province, number) for number in range(1, communes + 1)]
    session.commit()
    log(f"{communes} communes ready ({clock.monotonic() - started:.1f}s)")
    today = local_date_of(utcnow())
    days = [today - timedelta(days=n) for n in range(365)]
    workdays_list = [day for day in days if day.isoweekday() <= 5]
    counts = _Counts()  # the totals of what is written, counted as it is generated: no second read of it
    written = _write_ratings(session, units, workdays_list, ratings, rng, counts)
    log(f"{written} ratings written ({clock.monotonic() - started:.1f}s)")
    written_tickets = _write_tickets(session, units, days, today, tickets, rng, counts)
    log(f"{written_tickets} tickets written ({clock.monotonic() - started:.1f}s)")
    totals.apply_deltas(session.connection(), counts.ratings)
    totals.apply_ticket_deltas(session.connection(), counts.tickets)
    session.commit()
    log(f"daily totals written ({clock.monotonic() - started:.1f}s)")
    _analyze(session)
    return {"communes": communes, "ratings": written, "tickets": written_tickets}


def _commune(session: Session, province: Unit, number: int) -> dict:
    unit = Unit(code=f"XA{number:03d}", name=f"UBND xã Thử Tải {number:03d}", parent_id=province.id)
    session.add(unit)
    session.flush()  # areas, officials and desks need the commune's id
    ensure_targets(session, unit, local_date_of(utcnow()).year)
    areas = [ServiceArea(unit_id=unit.id, code=code, name_vi=name, sector=sector) for code, name, sector in AREAS]
    officials = [Official(unit_id=unit.id, code=f"CB{i:02d}", full_name=f"Cán bộ {number:03d}-{i:02d}")
                 for i in range(1, 7)]
    session.add_all(areas + officials)
    session.flush()
    desks = [Desk(unit_id=unit.id, number=i, name=f"Quầy {i}", service_area_id=areas[i - 1].id,
                  official_id=officials[i - 1].id) for i in range(1, 5)]
    session.add_all(desks)
    session.flush()
    kiosks = [Kiosk(unit_id=unit.id, name=f"Máy {unit.code}-{desk.number}",
                    token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                    desk_id=desk.id, paired_at=utcnow(), last_seen_at=utcnow()) for desk in desks]
    session.add_all(kiosks)
    session.flush()
    return {"unit": unit, "areas": areas, "officials": officials, "desks": desks, "kiosks": kiosks}


class _Counts:
    """What the loaded rows add to the totals, by hailong.totals' own rules (as ``rebuild`` would count them)."""

    def __init__(self) -> None:
        self.ratings: Counter = Counter()
        self.tickets: Counter = Counter()


def _rating_rows(units: list[dict], days: list[date], count: int, rng: random.Random, counts: _Counts,
                 sqlite: bool):
    """The taps as rows of RATING_COLUMNS, already in the form the database stores (SQLite: text)."""
    levels = [Level.VERY_SATISFIED.value, Level.SATISFIED.value, Level.DISSATISFIED.value]
    reasons = [reason.value for reason in Reason]
    sectors = {area.id: str(area.sector) for commune in units for area in commune["areas"]}
    opening = {day: _opening(day, sqlite) for day in days}
    stamp = _sqlite_stamp if sqlite else _moment
    empty = "[]"
    for _ in range(count):
        commune = rng.choice(units)
        index = rng.randrange(4)
        kiosk, desk = commune["kiosks"][index], commune["desks"][index]
        area = commune["areas"][rng.randrange(8)] if rng.random() < 0.3 else commune["areas"][index]
        day = rng.choice(days)
        second = rng.randrange(9 * 3600)
        level = rng.choices(levels, weights=(55, 40, 5))[0]
        suspect = rng.random() < 0.01
        unit_id = commune["unit"].id
        counts.ratings[totals.rating_key({"unit_id": unit_id, "local_date": day, "level": level, "suspect": suspect,
                                          "suspect_reasons": ["too_close"]}, sectors[area.id])] += 1
        client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        moment = stamp(opening[day], second)
        yield (client_id.hex if sqlite else client_id, "bulk", unit_id, "kiosk", kiosk.id, desk.id, desk.official_id,
               area.id, level, json.dumps(rng.sample(reasons, 1)) if level == "dissatisfied" else empty, "{}", None,
               moment, moment, stamp(opening[day], second + 2), day.isoformat() if sqlite else day, suspect,
               '["too_close"]' if suspect else empty)


def _opening(day: date, sqlite: bool):
    opening = datetime.combine(day, time(7, 30), LOCAL_TZ)
    if not sqlite:
        return opening
    utc = opening.astimezone(timezone.utc)
    return utc.date().isoformat(), utc.hour * 3600 + utc.minute * 60 + utc.second, opening


def _moment(opening: datetime, second: int) -> datetime:
    return opening + timedelta(seconds=second)


def _sqlite_stamp(opening: tuple, second: int) -> str:
    """``_sqlite_value`` of ``_moment``, written directly: a million strftime calls are a good part of the load."""
    day, start, moment = opening
    second += start
    if second >= 86_400:  # past midnight UTC: the general way
        return _sqlite_value(_moment(moment, second - start))
    return f"{day} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000000"


def _write_ratings(session: Session, units, days, count, rng, counts: _Counts) -> int:
    sqlite = session.connection().dialect.name == "sqlite"
    return _bulk(session, Rating.__table__, RATING_COLUMNS, _rating_rows(units, days, count, rng, counts, sqlite))


def _ticket_rows(units, days, today, count, rng, counts: _Counts):
    numbers = {}
    for serial in range(count):
        commune = rng.choice(units)
        received = rng.choice(days)
        key = (commune["unit"].id, received.year)
        numbers[key] = numbers.get(key, 0) + 1
        due = _due(received, 10)
        fate = rng.random()
        status, within, handled, resolution = FeedbackStatus.CLOSED.value, True, None, None
        if fate < 0.05:
            status, within, handled = FeedbackStatus.TRANSFERRED.value, False, _due(received, rng.randint(1, 5))
        elif fate < 0.08:
            status, within, handled = FeedbackStatus.REJECTED.value, None, _due(received, rng.randint(1, 5))
        else:
            handled = _due(received, rng.choices([rng.randint(2, 10), rng.randint(11, 20)], weights=(93, 7))[0])
            resolution = Resolution.RESOLVED.value if rng.random() < 0.95 else Resolution.NOT_RESOLVED.value
            if handled > today:
                status, handled, resolution = FeedbackStatus.IN_PROGRESS.value, None, None
        received_at = datetime.combine(received, time(9), LOCAL_TZ)
        level = rng.choice([None, "satisfied", "very_satisfied", "dissatisfied"]) if handled else None
        ticket = {"unit_id": commune["unit"].id, "received_date": received, "classify_due": _due(received, 5),
                  "classified_at": None, "within_competence": within, "status": status, "due_date": due,
                  "rejection_reason": None, "waiting_since": None, "resolution": resolution, "reopened_at": None,
                  "handled_date": handled, "citizen_level": level}
        outcome = counting.qd766_outcome(ticket, _CALENDAR)  # what hailong.totals stores on an ORM write
        counts.tickets.update(totals.ticket_counts(ticket))
        yield (commune["unit"].id, received.year, numbers[key], f"B{serial:09d}", "phan_anh", "web",
               commune["areas"][rng.randrange(8)].id, "Nội dung phản ánh thử tải.", False, f"Người gửi {serial}",
               f"09{serial:08d}", status, within, received_at, received, ticket["classify_due"], due, handled,
               resolution, level, *outcome.values())


TICKET_COLUMNS = ("unit_id", "register_year", "register_number", "tracking_code", "kind", "channel", "service_area_id",
                  "content", "anonymous", "name", "phone", "status", "within_competence", "received_at",
                  "received_date", "classify_due", "due_date", "handled_date", "resolution", "citizen_level",
                  *totals.OUTCOME_FIELDS)


def _due(received: date, working_days: int) -> date:
    return _DUE_CACHE.setdefault((received, working_days), workdays.due_date(_CALENDAR, received, working_days))


_CALENDAR = workdays.WorkCalendar()  # the national calendar: the province's swaps do not matter for load
_CALENDAR.add_working_days = functools.cache(_CALENDAR.add_working_days)
_DUE_CACHE: dict = {}


def _write_tickets(session: Session, units, days, today, count, rng, counts: _Counts) -> int:
    rows = _ticket_rows(units, days, today, count, rng, counts)
    if session.connection().dialect.name == "sqlite":
        rows = (tuple(map(_sqlite_value, row)) for row in rows)
    return _bulk(session, Feedback.__table__, TICKET_COLUMNS, rows)


def _bulk(session: Session, table: sa.Table, columns: tuple, rows) -> int:
    """Load ``rows`` with the table's secondary indexes dropped and built again once at the end.

    Inserting a million rows into half a dozen random-order B-trees rewrites their pages
    over and over (on SQLite the 14 GB written for a 0.4 GB file); building each index once
    from the loaded table is a sort and a sequential write.
    """
    indexes = [index for index in table.indexes if not index.unique]
    connection = session.connection()
    for index in indexes:
        index.drop(connection)
    with _loading(session):
        written = _load(session, table, columns, rows)
        for index in indexes:
            index.create(session.connection())
        session.commit()
    return written


@contextmanager
def _loading(session: Session):
    """On SQLite, the load's connection skips fsyncs and keeps its pages in a large cache (put back after)."""
    if session.connection().dialect.name != "sqlite":
        yield
        return
    session.commit()  # the pragmas cannot change inside a transaction
    raw = session.connection().connection.driver_connection  # the one connection the whole load runs on
    raw.execute("PRAGMA synchronous=OFF")  # a crash mid-load loses only the load: run it again
    raw.execute("PRAGMA cache_size=-262144")  # 256 MB
    try:
        yield
    finally:
        session.commit()
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA cache_size=-2000")


def _load(session: Session, table: sa.Table, columns: tuple, rows) -> int:
    """COPY on PostgreSQL, the driver's executemany in batches on SQLite (memory stays flat)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        written = 0
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        session.commit()
        return written
    # SQLite: the driver's executemany with values the generators already wrote as SQLAlchemy stores them
    # there, since converting a million rows' UUIDs, timestamps and JSON through its type system is most of the load.
    cursor = connection.connection.driver_connection.cursor()
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    written, batch = 0, []
    for row in rows:  # already as SQLAlchemy stores them there (_sqlite_value)
        batch.append(row)
        if len(batch) == BATCH:
            written += _flush_batch(cursor, statement, batch)
    return written + _flush_batch(cursor, statement, batch)


def _sqlite_value(value):
    """A value as SQLAlchemy writes it to SQLite: UUIDs as hex, timestamps in UTC, dates in ISO form."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _flush_batch(cursor, statement, batch) -> int:
    # No commit: the load is one transaction, so its connection and pragmas stay the same.
    cursor.executemany(statement, batch)
    count = len(batch)
    batch.clear()
    return count


def _analyze(session: Session) -> None:
    """Fresh planner statistics, so the first dashboard after a bulk load uses the indexes."""
    session.execute(sa.text("ANALYZE"))
    session.commit()
