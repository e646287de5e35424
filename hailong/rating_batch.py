"""A kiosk's offline queue posted at once (``POST /api/v1/ratings/batch``).

Each tap is judged as if it had been posted alone — the same checks, replay and conflict
answers, attribution and suspect rules (counting the taps of the batch before it) — but the
batch is read and written in a few statements: the kiosk's context, the codes it may name,
its desk's duties, the ids already stored and its taps around the batch's moments, then the
insert (one round trip on PostgreSQL) and one totals upsert. Bad items are refused before the
insert, so the good ones are stored together in the request's transaction.
"""
from __future__ import annotations

import bisect
import functools
from datetime import datetime, timedelta
import sqlalchemy as sa

from hailong import ratings
from hailong.driver_sql import DriverConnection
from hailong.errors import DomainError
from models import DeskDuty, Official, Rating, ServiceArea, utcnow

RATING = Rating.__table__


def store_batch(connection: DriverConnection, *, context: ratings.TapContext, items: list, config,
                now: datetime | None = None) -> list[dict]:
    """Store the batch's new taps from the kiosk of ``context``; one answer per item, in order (201 new,
    200 replay, 4xx refused)."""
    now = now or utcnow()
    results: list = [None] * len(items)
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append((index, ratings.parse_rating(item)))
        except DomainError as error:
            results[index] = _error(item, error)
    if parsed:
        _store_parsed(connection, context, parsed, results, config, now)
    return results


def _store_parsed(connection, context, parsed, results, config, now) -> None:
    moments = [rating_in.tapped_at for _index, rating_in in parsed]
    lookup = _Lookup(connection, context, parsed, min(moments), max(moments), config.suspect_min_interval_s)
    known = ratings.stored_taps(connection, [rating_in.client_id for _index, rating_in in parsed])
    rows, pending = [], {}
    for index, rating_in in parsed:
        try:
            earlier = known.get(rating_in.client_id)
            if earlier is not None:
                results[index] = {"status": 200} | _json(ratings.replayed(earlier, rating_in))
                continue
            row = ratings.tap_row(lookup.context_of(rating_in), rating_in, config, now,
                                  lookup.counts(rating_in.tapped_at))
        except DomainError as error:
            results[index] = _error(rating_in, error)
            continue
        lookup.add(rating_in.tapped_at)
        known[rating_in.client_id] = ratings.StoredRow(rating_in.client_id, rating_in.body_hash, row["suspect"],
                                                       row["suspect_reasons"])
        rows.append(row)
        pending[rating_in.client_id] = (index, rating_in)
        results[index] = {"status": 201} | _json(row)
    if rows:
        _raced(connection, set(pending) - ratings.insert_taps(connection, rows), pending, results)


def _raced(connection, lost: set, pending: dict, results: list) -> None:
    """Taps another request stored between our read and our insert: answered as replays (or conflicts)."""
    stored = ratings.stored_taps(connection, list(lost)) if lost else {}
    for client_id in lost:
        index, rating_in = pending[client_id]
        try:
            results[index] = {"status": 200} | _json(ratings.replayed(stored[client_id], rating_in))
        except DomainError as error:
            results[index] = _error(rating_in, error)


class _Lookup:
    """What the batch's taps are judged against, read once: codes, duties and the kiosk's nearby taps."""

    def __init__(self, connection, context, parsed, first: datetime, last: datetime, min_interval_s: int):
        self.context, self.interval = context, timedelta(seconds=min_interval_s)
        named = [rating_in for _index, rating_in in parsed if rating_in.service_area or rating_in.official]
        self.areas, self.officials = _codes(connection, context.unit_id) if named else ({}, {})
        self.duties = _duties(connection, context.desk_id, first, last)
        self.times = _kiosk_times(connection, context.kiosk_id, [r.tapped_at for _i, r in parsed], self.interval)

    def context_of(self, rating_in) -> ratings.TapContext:
        area_id, sector = self.areas.get(rating_in.service_area, (None, None))
        base = self.context
        return ratings.TapContext(base.kiosk_id, base.unit_id, base.desk_id, base.opening_hours, base.area_id,
                                  base.sector, area_id, sector, self.officials.get(rating_in.official),
                                  _on_duty(self.duties, rating_in.tapped_at))

    def counts(self, moment: datetime) -> tuple[int, int]:
        """As ratings.nearby_counts, over the stored taps and the batch's taps judged so far."""
        times = self.times
        close = bisect.bisect_left(times, moment + self.interval) - bisect.bisect_right(times, moment - self.interval)
        recent = bisect.bisect_right(times, moment) - bisect.bisect_right(times, moment - ratings.BURST_WINDOW)
        return close, recent

    def add(self, moment: datetime) -> None:
        bisect.insort(self.times, moment)


def _areas_statement(_dialect: str) -> sa.Select:
    area = ServiceArea.__table__
    return sa.select(area.c.id, area.c.code, area.c.sector).where(area.c.unit_id == sa.bindparam("unit_id"))


def _officials_statement(_dialect: str) -> sa.Select:
    official = Official.__table__
    return sa.select(official.c.code, official.c.id).where(official.c.unit_id == sa.bindparam("unit_id"))


def _codes(connection: DriverConnection, unit_id: int) -> tuple[dict, dict]:
    areas = {code: (area_id, str(sector))
             for area_id, code, sector in connection.execute(_areas_statement, {"unit_id": unit_id}).all()}
    officials = dict(connection.execute(_officials_statement, {"unit_id": unit_id}).all())
    return areas, officials


def _duties_statement(_dialect: str) -> sa.Select:
    duty = DeskDuty.__table__
    first, last = (sa.bindparam(name, type_=duty.c.started_at.type) for name in ("first", "last"))
    return sa.select(duty.c.official_id, duty.c.started_at, duty.c.ended_at).where(
        duty.c.desk_id == sa.bindparam("desk_id"), duty.c.started_at <= last,
        sa.or_(duty.c.ended_at.is_(None), duty.c.ended_at > first)).order_by(duty.c.started_at)


def _duties(connection: DriverConnection, desk_id: int | None, first: datetime, last: datetime) -> list:
    if desk_id is None:
        return []
    return connection.execute(_duties_statement, {"desk_id": desk_id, "first": first, "last": last}).all()


def _on_duty(duties: list, moment: datetime) -> int | None:
    """As the single tap's query: the latest duty begun by ``moment`` and not ended by then."""
    for official_id, started_at, ended_at in reversed(duties):
        if started_at <= moment and (ended_at is None or ended_at > moment):
            return official_id
    return None


def _kiosk_times(connection, kiosk_id: int, moments: list, interval: timedelta) -> list:
    """The kiosk's stored tap times near any of ``moments`` (far enough back for the burst rule), sorted."""
    spans: list = []
    for moment in sorted(moments):
        low, high = moment - max(interval, ratings.BURST_WINDOW), moment + interval
        if spans and low <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], high)
        else:
            spans.append([low, high])
    # A statement per power of two, filled with empty spans (low after high): ten statements serve up to 512.
    size = 1 << (len(spans) - 1).bit_length()
    empty = [spans[-1][1] + timedelta(seconds=1), spans[-1][1]]
    spans.extend([empty] * (size - len(spans)))
    params = {"kiosk_id": kiosk_id} | {f"low{i}": low for i, (low, _high) in enumerate(spans)} \
        | {f"high{i}": high for i, (_low, high) in enumerate(spans)}
    return sorted(moment for (moment,) in connection.execute(_times_statement(size), params).all())


@functools.lru_cache(maxsize=16)
def _times_statement(spans: int):
    def build(_dialect: str) -> sa.CompoundSelect:
        moment = RATING.c.tapped_at
        bound = functools.partial(sa.bindparam, type_=moment.type)
        # One search of (kiosk_id, tapped_at) per span. As one WHERE with an OR of the spans, both
        # databases read every tap of the kiosk and test each span against it (31 ms at 29 000 taps).
        return sa.union_all(*[sa.select(moment).where(RATING.c.kiosk_id == sa.bindparam("kiosk_id"),
                                                      moment.between(bound(f"low{i}"), bound(f"high{i}")))
                              for i in range(spans)])
    return build


def _json(tap) -> dict:
    get = tap.get if isinstance(tap, dict) else functools.partial(getattr, tap)
    return {"id": str(get("client_id")), "suspect": get("suspect"), "suspect_reasons": get("suspect_reasons")}


def _error(item, error: DomainError) -> dict:
    client_id = getattr(item, "client_id", None) or (item.get("id") if isinstance(item, dict) else None)
    return {"status": error.status, "id": str(client_id) if client_id is not None else None,
            "error": {"code": error.code, "message": str(error.message),
                      "fields": {k: str(v) for k, v in error.fields.items()}}}
