"""Daily totals of taps (RatingDailyTotal), kept exact on every write.

An ORM flush that inserts, changes or deletes a Rating adds the matching +1/-1 to its
day's total in the same transaction, so the totals never drift from the taps — including
when a tap is flagged suspect later. A change of a service area's sector rebuilds its
unit's totals. Bulk loaders that bypass the ORM (``session.execute(insert(Rating), rows)``)
must call ``rebuild`` for the units they touched.
"""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import get_history
from sqlmodel import Session, delete, func, select

from models import Rating, RatingDailyTotal, Sector, ServiceArea

KEY_FIELDS = ("unit_id", "local_date", "sector", "level", "suspect")
RATING_FIELDS = ("unit_id", "local_date", "service_area_id", "level", "suspect")


def _sector(session: OrmSession, area_id: int | None, cache: dict) -> str:
    if area_id is None:
        return Sector.ADMINISTRATIVE.value
    if area_id not in cache:
        with session.no_autoflush:
            area = session.get(ServiceArea, area_id)
        cache[area_id] = str(area.sector) if area is not None else Sector.ADMINISTRATIVE.value
    return cache[area_id]


def _key(session, values: dict, cache: dict) -> tuple:
    return (values["unit_id"], values["local_date"], _sector(session, values["service_area_id"], cache),
            str(values["level"]), bool(values["suspect"]))


def _current(rating: Rating) -> dict:
    return {name: getattr(rating, name) for name in RATING_FIELDS}


def _previous(rating: Rating) -> dict:
    values = {}
    for name in RATING_FIELDS:
        history = get_history(rating, name)
        values[name] = history.deleted[0] if history.deleted else getattr(rating, name)
    return values


def _deltas(session: OrmSession) -> tuple[Counter, set[int]]:
    deltas: Counter = Counter()
    cache: dict = {}
    resector_units = {area.unit_id for area in session.dirty
                      if isinstance(area, ServiceArea) and get_history(area, "sector").has_changes()}
    for rating in session.new:
        if isinstance(rating, Rating):
            deltas[_key(session, _current(rating), cache)] += 1
    for rating in session.deleted:
        if isinstance(rating, Rating):
            deltas[_key(session, _previous(rating), cache)] -= 1
    for rating in session.dirty:
        if isinstance(rating, Rating) and session.is_modified(rating):
            before, after = _key(session, _previous(rating), cache), _key(session, _current(rating), cache)
            if before != after:
                deltas[before] -= 1
                deltas[after] += 1
    return deltas, resector_units


def apply_deltas(connection: sa.Connection, deltas: Counter) -> None:
    """Add ``deltas`` to the totals with one upsert per key (atomic under concurrent writers)."""
    rows = [dict(zip(KEY_FIELDS, key), count=change) for key, change in deltas.items() if change]
    if not rows:
        return
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(RatingDailyTotal.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_FIELDS), set_={"count": RatingDailyTotal.__table__.c.count + statement.excluded.count})
    connection.execute(statement, rows)


@sa.event.listens_for(OrmSession, "before_flush")
def _collect(session, flush_context, _instances):
    # Histories are only readable before the flush; the upsert runs after it, in the same
    # transaction. Kept on this flush only, so a flush that fails leaves nothing behind.
    flush_context.attributes["rating_deltas"] = _deltas(session)


@sa.event.listens_for(OrmSession, "after_flush")
def _write(session, flush_context):
    deltas, resector_units = flush_context.attributes.get("rating_deltas", (None, None))
    if deltas:
        apply_deltas(session.connection(), deltas)
    if resector_units:
        _rebuild(session.connection(), sorted(resector_units))


def rebuild(session: Session, unit_ids: list[int] | None = None) -> int:
    """Recompute the totals of ``unit_ids`` (all units when None) from the taps; returns rows written."""
    return _rebuild(session.connection(), unit_ids)


def _grouped_taps(unit_ids: list[int] | None):
    sector = func.coalesce(ServiceArea.sector, Sector.ADMINISTRATIVE.value)
    query = select(Rating.unit_id, Rating.local_date, sector, Rating.level, Rating.suspect, func.count()).outerjoin(
        ServiceArea, ServiceArea.id == Rating.service_area_id).group_by(
        Rating.unit_id, Rating.local_date, sector, Rating.level, Rating.suspect)
    return query if unit_ids is None else query.where(Rating.unit_id.in_(unit_ids))


def _rebuild(connection: sa.Connection, unit_ids: list[int] | None) -> int:
    scope = [] if unit_ids is None else [RatingDailyTotal.unit_id.in_(unit_ids)]
    connection.execute(delete(RatingDailyTotal).where(*scope))
    columns = [RatingDailyTotal.__table__.c[name] for name in (*KEY_FIELDS, "count")]
    return connection.execute(sa.insert(RatingDailyTotal).from_select(columns, _grouped_taps(unit_ids))).rowcount


def drift(session: Session) -> list[tuple]:
    """Keys whose stored total differs from the taps (empty when exact): for tests and checks."""
    actual = Counter({tuple(row[:-1]): row[-1] for row in session.execute(_grouped_taps(None))})
    stored = Counter({tuple(row[:-1]): row[-1] for row in session.execute(
        select(*[getattr(RatingDailyTotal, name) for name in KEY_FIELDS], RatingDailyTotal.count))})
    keys = set(actual) | set(stored)
    return sorted((key, actual[key], stored[key]) for key in keys if actual[key] != stored[key])
