"""Rating rules: what a valid tap is, who it is attributed to, and when it is suspect.

Every tap is stored, even a doubtful one: suspect taps are flagged with their reasons
and left out of the figures, so the people judged by the numbers can see what was set
aside and why.
"""
from __future__ import annotations

import functools
import hashlib
import json
import secrets
import uuid
from collections import Counter, namedtuple
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import get_history
from sqlmodel import Session, select

from hailong.driver_sql import DriverConnection
from hailong.errors import Conflict, ValidationError
from hailong.totals import add_tap_counts, rating_key, tap_count_rows
from models import (
    Channel, Desk, DeskDuty, Kiosk, KioskDevice, Level, Official, Rating, RatingDailyTotal, RatingMonthlyTotal, Reason,
    Sector, ServiceArea, Unit, local_date_of, utcnow,
)

MAX_DOSSIER_CODE = 64
BURST_WINDOW = timedelta(minutes=10)
OPENING_GRACE = timedelta(minutes=30)
KNOWN_FIELDS = {"id", "level", "tapped_at", "sent_at", "service_area", "official", "reasons", "dossier_code",
                "criteria"}
# Fields that make a tap what it is; ``sent_at`` changes on every retry so it is left out.
HASHED_FIELDS = ("id", "level", "tapped_at", "service_area", "official", "reasons", "dossier_code", "criteria")


@dataclass
class RatingIn:
    """A tap as the client sent it, checked but not yet stored."""

    client_id: uuid.UUID
    level: Level
    tapped_at: datetime
    body_hash: str
    sent_at: datetime | None = None
    service_area: str | None = None
    official: str | None = None
    reasons: list[str] = field(default_factory=list)
    dossier_code: str | None = None
    criteria: dict = field(default_factory=dict)


# --- tokens --------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def kiosk_for_token(session: Session, token: str | None) -> Kiosk | None:
    """The kiosk whose paired tablet holds ``token``; None when unknown or revoked. A pairing code is
    not accepted: it is typed or scanned in the open, so it only ever buys one device credential."""
    if not token:
        return None
    device = session.exec(select(KioskDevice).where(KioskDevice.token_hash == hash_token(token))).first()
    if device is None or device.revoked_at is not None:
        return None
    kiosk = session.get(Kiosk, device.kiosk_id)
    if kiosk is None or kiosk.revoked_at is not None:
        return None
    return kiosk


def create_kiosk(session: Session, *, unit: Unit, name: str, desk: Desk | None = None,
                 service_area: ServiceArea | None = None) -> tuple[Kiosk, str]:
    """Register a kiosk; the token is returned once and only its hash is kept."""
    token = new_token()
    kiosk = Kiosk(unit_id=unit.id, name=name, token_hash=hash_token(token),
                  desk_id=desk.id if desk else None, service_area_id=service_area.id if service_area else None)
    session.add(kiosk)
    session.flush()  # the caller shows the new kiosk's id
    return kiosk, token


# --- parsing -------------------------------------------------------------------------------


def parse_rating(data) -> RatingIn:
    """Check a tap's JSON body; raise ValidationError naming every bad field."""
    if not isinstance(data, dict):
        raise ValidationError(_l("Dữ liệu phải là một đối tượng JSON."))
    errors: dict[str, str] = {}
    for name in sorted(set(data) - KNOWN_FIELDS):
        errors[name] = _l("Trường này không được hỗ trợ.")
    client_id = _parse_uuid(data.get("id"), errors)
    level = _parse_level(data.get("level"), errors)
    tapped_at = _parse_time(data.get("tapped_at"), "tapped_at", errors, required=True)
    sent_at = _parse_time(data.get("sent_at"), "sent_at", errors, required=False)
    reasons = _parse_reasons(data.get("reasons"), level, errors)
    service_area = _parse_code(data.get("service_area"), "service_area", errors)
    official = _parse_code(data.get("official"), "official", errors)
    dossier_code = _parse_dossier(data.get("dossier_code"), errors)
    criteria = _parse_criteria(data.get("criteria"), errors)
    if errors:
        raise ValidationError(_l("Dữ liệu đánh giá không hợp lệ."), fields=errors)
    return RatingIn(client_id=client_id, level=level, tapped_at=tapped_at, sent_at=sent_at,
                    service_area=service_area, official=official, reasons=reasons,
                    dossier_code=dossier_code, criteria=criteria, body_hash=body_hash(data))


def body_hash(data: dict) -> str:
    """A digest of the tap itself, so a replay can be told from a different tap with the same id."""
    canonical = {name: data.get(name) for name in HASHED_FIELDS if data.get(name) not in (None, [], {}, "")}
    if isinstance(canonical.get("reasons"), list):
        canonical["reasons"] = sorted(map(str, canonical["reasons"]))
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _parse_uuid(value, errors):
    if not isinstance(value, str):
        errors["id"] = _l("Cần mã định danh (UUID) do thiết bị tạo.")
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        errors["id"] = _l("Mã định danh phải là một UUID.")
        return None


def _parse_level(value, errors):
    try:
        return Level(value)
    except ValueError:
        errors["level"] = _l("Mức đánh giá phải là very_satisfied, satisfied hoặc dissatisfied.")
        return None


SANE_YEARS = (2000, 2100)


def _parse_time(value, name, errors, *, required):
    if value is None and not required:
        return None
    if not isinstance(value, str):
        errors[name] = _l("Cần thời điểm theo ISO 8601, có múi giờ.")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors[name] = _l("Thời điểm không đúng định dạng ISO 8601.")
        return None
    if moment.tzinfo is None:
        errors[name] = _l("Thời điểm phải ghi rõ múi giờ (ví dụ +07:00).")
        return None
    # Year 1 or 9999 parse, then overflow in every window computed around them (a 500 before).
    if not SANE_YEARS[0] <= moment.year <= SANE_YEARS[1]:
        errors[name] = _l("Thời điểm phải trong khoảng năm %(a)s đến %(b)s.", a=SANE_YEARS[0], b=SANE_YEARS[1])
        return None
    return moment


def _parse_reasons(value, level, errors):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors["reasons"] = _l("Lý do phải là một danh sách mã.")
        return []
    unknown = [item for item in value if item not in Reason._value2member_map_]
    if unknown:
        errors["reasons"] = _l("Mã lý do không hợp lệ: %(codes)s", codes=", ".join(unknown[:5]))
        return []
    if value and level is not None and level != Level.DISSATISFIED:
        errors["reasons"] = _l("Chỉ ghi lý do khi không hài lòng.")
        return []
    return sorted(set(value))


def _parse_code(value, name, errors):
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 32:
        errors[name] = _l("Mã phải là chuỗi tối đa 32 ký tự.")
        return None
    return value


def _parse_dossier(value, errors):
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_DOSSIER_CODE or not value.isprintable():
        errors["dossier_code"] = _l("Mã hồ sơ phải là chuỗi tối đa %(n)s ký tự.", n=MAX_DOSSIER_CODE)
        return None
    return "".join(value.split()).upper()  # as the receipt prints it, however the citizen typed it


def _parse_criteria(value, errors):
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - {"on_time", "visits", "attitude"}:
        errors["criteria"] = _l("Tiêu chí chỉ gồm on_time, visits và attitude.")
        return {}
    ok = (
        isinstance(value.get("on_time", True), bool)
        and (value.get("visits") is None
             or (isinstance(value["visits"], int) and not isinstance(value["visits"], bool)
                 and 1 <= value["visits"] <= 10))
        and (value.get("attitude") is None or value["attitude"] in Level._value2member_map_)
    )
    if not ok:
        errors["criteria"] = _l("Giá trị tiêu chí không hợp lệ.")
        return {}
    return value


# --- recording: the tap's write path -------------------------------------------------------
#
# Every kiosk tap runs this, so it is written with Core statements compiled once and run on the
# driver (hailong.driver_sql): the kiosk's context in one query, both suspect counts in one, the
# insert (a replay is caught by the unique client id, looked up only then) and the two totals
# upserts — no ORM objects, no flush. The ORM flush hook of hailong.totals never sees these rows:
# the totals are added here, in the same transaction.

RATING = Rating.__table__


@dataclass
class TapContext:
    """Where a tap comes from: its kiosk, unit, desk and area, and who was on duty at that desk then."""

    kiosk_id: int
    unit_id: int
    desk_id: int | None
    opening_hours: dict
    area_id: int | None
    sector: str
    named_area_id: int | None = None
    named_sector: str | None = None
    named_official_id: int | None = None
    on_duty_id: int | None = None
    nearby: tuple[int, int] | None = None  # as nearby_counts, when read with the context


@dataclass
class StoredTap:
    """A stored tap as the API answers it (and as tests read it)."""

    client_id: uuid.UUID
    suspect: bool
    suspect_reasons: list
    unit_id: int | None = None
    desk_id: int | None = None
    service_area_id: int | None = None
    official_id: int | None = None
    local_date: object = None
    level: str | None = None


def kiosk_ids_for_token() -> sa.Select:
    """The kiosk a paired tablet's credential (by its hash) opens, unless the tablet is revoked.

    Never by the kiosk's pairing code (``Kiosk.token_hash``): as ``kiosk_for_token``, a code is
    shown in the open and buys one device credential, nothing else.
    """
    return sa.select(KioskDevice.kiosk_id).where(KioskDevice.token_hash == sa.bindparam("token_hash"),
                                                  KioskDevice.revoked_at.is_(None))


@functools.cache
def _context_statement(by_token: bool, with_counts: bool = False) -> sa.Select:
    kiosk, desk, unit = Kiosk.__table__, Desk.__table__, Unit.__table__
    default_area, named_area = ServiceArea.__table__.alias("default_area"), ServiceArea.__table__.alias("named_area")
    named_official, duty = Official.__table__.alias("named_official"), DeskDuty.__table__
    at = sa.bindparam("tapped_at", type_=Rating.__table__.c.tapped_at.type)
    on_duty = (sa.select(duty.c.official_id)
               .where(duty.c.desk_id == kiosk.c.desk_id, duty.c.started_at <= at,
                      sa.or_(duty.c.ended_at.is_(None), duty.c.ended_at > at))
               .order_by(duty.c.started_at.desc()).limit(1).scalar_subquery())
    which = kiosk.c.id.in_(kiosk_ids_for_token()) if by_token else kiosk.c.id == sa.bindparam("kiosk_id")
    counts = _nearby_subqueries(kiosk.c.id) if with_counts else ()
    return (
        sa.select(kiosk.c.id, kiosk.c.unit_id, kiosk.c.desk_id, unit.c.opening_hours, default_area.c.id,
                  default_area.c.sector, named_area.c.id, named_area.c.sector, named_official.c.id, on_duty, *counts)
        .select_from(kiosk.join(unit, unit.c.id == kiosk.c.unit_id)
                     .outerjoin(desk, desk.c.id == kiosk.c.desk_id)
                     .outerjoin(default_area, default_area.c.id == sa.func.coalesce(kiosk.c.service_area_id,
                                                                                   desk.c.service_area_id))
                     .outerjoin(named_area, sa.and_(named_area.c.unit_id == kiosk.c.unit_id,
                                                    named_area.c.code == sa.bindparam("area_code")))
                     .outerjoin(named_official, sa.and_(named_official.c.unit_id == kiosk.c.unit_id,
                                                        named_official.c.code == sa.bindparam("official_code"))))
        .where(which, kiosk.c.revoked_at.is_(None))
        .limit(1)
    )


def _nearby_subqueries(kiosk_id: sa.ColumnElement) -> tuple:
    # As _nearby_statement, for the kiosk the context query finds: a tap costs one query less.
    nearby = RATING.alias("nearby")
    moment = nearby.c.tapped_at
    close = sa.select(sa.func.count()).where(nearby.c.kiosk_id == kiosk_id, moment > sa.bindparam("close_from"),
                                             moment < sa.bindparam("close_to"))
    burst = sa.select(sa.func.count()).where(nearby.c.kiosk_id == kiosk_id, moment > sa.bindparam("burst_from"),
                                             moment <= sa.bindparam("at"))
    return close.scalar_subquery(), burst.scalar_subquery()


@functools.lru_cache(maxsize=4)
def _context_builder(by_token: bool, with_counts: bool):
    def build(_dialect: str) -> sa.Select:
        return _context_statement(by_token, with_counts)
    return build


def driver(connection: sa.Connection | DriverConnection) -> DriverConnection:
    """The driver connection to run the tap's statements on, in the caller's transaction."""
    return connection if isinstance(connection, DriverConnection) else DriverConnection.of(connection)


def tap_context(connection: sa.Connection | DriverConnection, *, token: str | None = None,
                kiosk_id: int | None = None, rating_in: RatingIn | None = None,
                min_interval_s: int | None = None) -> TapContext | None:
    """The context of a tap from the kiosk holding ``token`` (or ``kiosk_id``); None when unknown or revoked.

    With ``rating_in`` and ``min_interval_s`` it holds the kiosk's nearby taps too (``nearby_counts``).
    """
    if kiosk_id is None and not token:
        return None
    params = {"tapped_at": rating_in.tapped_at if rating_in else None,
              "area_code": rating_in.service_area if rating_in else None,
              "official_code": rating_in.official if rating_in else None}
    if kiosk_id is None:
        params["token_hash"] = hash_token(token)
    else:
        params["kiosk_id"] = kiosk_id
    with_counts = rating_in is not None and min_interval_s is not None
    if with_counts:
        params.update(_nearby_params(rating_in.tapped_at, min_interval_s))
    row = driver(connection).execute(_context_builder(kiosk_id is None, with_counts), params).first()
    if row is None:
        return None
    return TapContext(row[0], row[1], row[2], row[3], row[4], str(row[5] or Sector.ADMINISTRATIVE.value),
                      row[6], row[7], row[8], row[9], (row[10], row[11]) if with_counts else None)


@functools.cache
def _nearby_statement(_dialect: str = "") -> sa.Select:
    # Both suspect rules in one read of the (kiosk_id, tapped_at) index.
    moment = RATING.c.tapped_at
    close = sa.and_(moment > sa.bindparam("close_from"), moment < sa.bindparam("close_to"))
    burst = sa.and_(moment > sa.bindparam("burst_from"), moment <= sa.bindparam("at"))
    return (sa.select(sa.func.count(sa.case((close, 1))), sa.func.count(sa.case((burst, 1))))
            .where(RATING.c.kiosk_id == sa.bindparam("kiosk_id"), moment > sa.bindparam("low"),
                   moment < sa.bindparam("close_to")))


def nearby_counts(connection: sa.Connection | DriverConnection, kiosk_id: int, tapped_at: datetime,
                  min_interval_s: int) -> tuple[int, int]:
    """Stored taps of the kiosk within the interval either side of ``tapped_at``, and in the ten minutes up to it."""
    params = {"kiosk_id": kiosk_id, **_nearby_params(tapped_at, min_interval_s)}
    return driver(connection).execute(_nearby_statement, params).first()


def _nearby_params(tapped_at: datetime, min_interval_s: int) -> dict:
    interval = timedelta(seconds=min_interval_s)
    return {"at": tapped_at, "close_from": tapped_at - interval, "close_to": tapped_at + interval,
            "burst_from": tapped_at - BURST_WINDOW, "low": tapped_at - max(interval, BURST_WINDOW)}


@functools.cache
def _insert_statement(dialect: str):
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RATING)
    return insert.on_conflict_do_nothing(index_elements=["client_id"]).returning(RATING.c.client_id)


@functools.cache
def _insert_new_statement(dialect: str):
    # No RETURNING: one tap's insert says by its row count whether the id was new.
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RATING)
    return insert.on_conflict_do_nothing(index_elements=["client_id"])


TAP_COLUMNS = ("client_id", "body_hash", "unit_id", "channel", "kiosk_id", "desk_id", "official_id",
               "service_area_id", "level", "reasons", "criteria", "dossier_code", "tapped_at", "sent_at",
               "received_at", "local_date", "suspect", "suspect_reasons")


@functools.cache
def _stored_one_statement(_dialect: str) -> sa.Select:
    return sa.select(RATING.c.client_id, RATING.c.body_hash, RATING.c.suspect, RATING.c.suspect_reasons).where(
        RATING.c.client_id == sa.bindparam("client_id"))


StoredRow = namedtuple("StoredRow", "client_id body_hash suspect suspect_reasons")


@functools.lru_cache(maxsize=16)
def _stored_statement(size: int):
    def build(_dialect: str) -> sa.Select:
        ids = [sa.bindparam(f"id{index}", type_=RATING.c.client_id.type) for index in range(size)]
        return sa.select(RATING.c.client_id, RATING.c.body_hash, RATING.c.suspect, RATING.c.suspect_reasons).where(
            RATING.c.client_id.in_(ids))
    return build


def stored_taps(connection: DriverConnection, client_ids: list) -> dict:
    """The taps already stored under these client ids, as {client_id: row}."""
    # A statement per power of two, the last id repeated to fill it: ten statements serve 1 to 512 ids.
    size = 1 << max(len(client_ids) - 1, 0).bit_length()
    padded = [*client_ids, *[client_ids[-1]] * (size - len(client_ids))]
    rows = connection.execute(_stored_statement(size), {f"id{index}": value for index, value in enumerate(padded)})
    return {row[0]: StoredRow(*row) for row in rows.all()}


def replayed(row, rating_in: RatingIn) -> StoredTap:
    """The stored tap a retry names; Conflict when the same id was used for a different tap."""
    if row.body_hash != rating_in.body_hash:
        raise Conflict(_l("Mã định danh này đã được dùng cho một đánh giá khác."), code="id_conflict")
    return StoredTap(client_id=row.client_id, suspect=row.suspect, suspect_reasons=row.suspect_reasons)


def attribute(context: TapContext, rating_in: RatingIn) -> dict:
    """The tap's area, sector and official; ValidationError naming an unknown code."""
    values = {"service_area_id": context.area_id, "sector": context.sector, "official_id": context.on_duty_id,
              "mismatch": False}
    if rating_in.service_area:
        if context.named_area_id is None:
            raise ValidationError(_l("Dữ liệu đánh giá không hợp lệ."),
                                  fields={"service_area": _l("Không có lĩnh vực với mã này.")})
        values["service_area_id"], values["sector"] = context.named_area_id, str(context.named_sector)
    if rating_in.official:
        if context.named_official_id is None:
            raise ValidationError(_l("Dữ liệu đánh giá không hợp lệ."),
                                  fields={"official": _l("Không có cán bộ với mã này.")})
        # The desk's duty record decides; a kiosk naming someone else is kept, flagged, and
        # credited to whoever was on duty. A desk nobody was marked at keeps the kiosk's word.
        if context.on_duty_id is None:
            values["official_id"] = context.named_official_id
        values["mismatch"] = context.on_duty_id not in (None, context.named_official_id)
    return values


def tap_row(context: TapContext, rating_in: RatingIn, config, now: datetime, counts: tuple[int, int]) -> dict:
    """The rating row of a new tap: attributed and flagged, ready to insert."""
    attribution = attribute(context, rating_in)
    reasons = flags(counts, config, context.opening_hours, rating_in, now, attribution["mismatch"])
    return {
        "client_id": rating_in.client_id, "body_hash": rating_in.body_hash, "unit_id": context.unit_id,
        "channel": Channel.KIOSK.value, "kiosk_id": context.kiosk_id, "desk_id": context.desk_id,
        "official_id": attribution["official_id"], "service_area_id": attribution["service_area_id"],
        "level": rating_in.level.value, "reasons": rating_in.reasons, "criteria": rating_in.criteria,
        "dossier_code": rating_in.dossier_code, "tapped_at": rating_in.tapped_at, "sent_at": rating_in.sent_at,
        "received_at": now, "local_date": local_date_of(rating_in.tapped_at), "suspect": bool(reasons),
        "suspect_reasons": reasons, "sector": attribution["sector"],
    }


def flags(counts: tuple[int, int], config, opening_hours: dict, rating_in: RatingIn, now: datetime,
          mismatch: bool) -> list[str]:
    """Why this tap should not be counted; empty when it looks like a real citizen."""
    close, recent = counts
    reasons = []
    if close > 0:
        reasons.append("too_close")
    if recent + 1 > config.suspect_burst_per_10min:
        reasons.append("burst")
    if not within_opening_hours(opening_hours, rating_in.tapped_at):
        reasons.append("outside_hours")
    if clock_skewed(rating_in.tapped_at, rating_in.sent_at, now, config.suspect_clock_skew_s):
        reasons.append("clock_skew")
    if mismatch:
        reasons.append("official_mismatch")
    return reasons


def insert_taps(connection: DriverConnection, rows: list[dict]) -> set:
    """Insert new taps and add them to the daily and monthly totals; returns the client ids stored.

    A client id already stored (a retry racing another) is skipped by the unique constraint.
    """
    flags = connection.inserted(_insert_statement, rows, columns=TAP_COLUMNS, key="client_id")
    stored = [row for row, new in zip(rows, flags, strict=True) if new]
    add_tap_counts(connection, tap_count_rows(_deltas(stored)))
    return {row["client_id"] for row in stored}


def _deltas(rows) -> Counter:
    return Counter(rating_key(row, row["sector"]) for row in rows)


def store_tap(connection: DriverConnection, context: TapContext, rating_in: RatingIn, config,
              now: datetime | None = None) -> tuple[StoredTap, bool]:
    """Store one tap exactly once in the connection's transaction: (tap, True) when new, (stored one, False) on a
    replay."""
    now = now or utcnow()
    counts = context.nearby
    if counts is None:
        counts = nearby_counts(connection, context.kiosk_id, rating_in.tapped_at, config.suspect_min_interval_s)
    row = tap_row(context, rating_in, config, now, counts)
    if not _insert_counted(connection, row):
        stored = connection.execute(_stored_one_statement, {"client_id": rating_in.client_id}).first()
        return replayed(StoredRow(*stored), rating_in), False
    return _stored(row), True


# Where ``store_tap`` writes a new tap with one statement (the insert and both totals): the API runs a tap
# there in autocommit (hailong.db.driver_transaction), so a second write must not be added on that path.
ONE_STATEMENT_TAP = frozenset({"postgresql"})


def _insert_counted(connection: DriverConnection, row: dict) -> bool:
    """Insert a tap and add it to its day's and month's totals unless its id is stored already; whether it was new."""
    daily, monthly = tap_count_rows(Counter({rating_key(row, row["sector"]): 1}))
    if connection.dialect.name in ONE_STATEMENT_TAP:  # one round trip
        totals = {f"day_{name}": value for name, value in daily[0].items()} | {"month": monthly[0]["local_date"]}
        return connection.execute(_counted_insert_statement, row | totals).first()[0] == 1
    if not connection.execute(_insert_new_statement, row, columns=TAP_COLUMNS).rowcount:
        return False
    # The totals' rows were worked out before the insert: from it to the commit SQLite's write lock is held.
    add_tap_counts(connection, (daily, monthly))
    return True


@functools.cache
def _counted_insert_statement(_dialect: str) -> sa.Select:
    """PostgreSQL: the insert and both totals upserts in one statement; the totals count only a row it inserted.

    The upserts are data-modifying CTEs no query reads: PostgreSQL runs them after the main query,
    in this order (daily, then monthly), the order batches lock them in too.
    """
    values = {name: sa.bindparam(name, type_=RATING.c[name].type) for name in TAP_COLUMNS}
    new = (postgresql.insert(RATING).values(values).on_conflict_do_nothing(index_elements=["client_id"])
           .returning(RATING.c.id).cte("new"))
    daily = _count_new(new, RatingDailyTotal.__table__, "day_local_date").cte("daily")
    monthly = _count_new(new, RatingMonthlyTotal.__table__, "month").cte("monthly")
    return sa.select(sa.func.count()).select_from(new).add_cte(daily, monthly)


def _count_new(new: sa.CTE, table: sa.Table, date_name: str):
    names = {"unit_id": "day_unit_id", "local_date": date_name, "sector": "day_sector", "level": "day_level",
             "suspect": "day_suspect", "suspect_reasons": "day_suspect_reasons"}
    source = sa.select(*[sa.bindparam(name, type_=table.c[column].type) for column, name in names.items()],
                       sa.literal(1, sa.Integer)).select_from(new)
    insert = postgresql.insert(table).from_select([*names, "count"], source)
    return insert.on_conflict_do_update(index_elements=list(names),
                                        set_={"count": table.c.count + insert.excluded.count})


def _stored(row: dict) -> StoredTap:
    return StoredTap(client_id=row["client_id"], suspect=row["suspect"], suspect_reasons=row["suspect_reasons"],
                     unit_id=row["unit_id"], desk_id=row["desk_id"], service_area_id=row["service_area_id"],
                     official_id=row["official_id"], local_date=row["local_date"], level=row["level"])


def record_kiosk_rating(session: Session, *, kiosk: Kiosk, rating_in: RatingIn, config,
                        now: datetime | None = None) -> StoredTap:
    """Store a kiosk tap, attributed and flagged (Conflict when its id names another tap)."""
    session.flush()  # pending ORM changes (a desk's official, say) must be seen by the reads below
    connection = driver(session.connection())
    context = tap_context(connection, kiosk_id=kiosk.id, rating_in=rating_in,
                          min_interval_s=config.suspect_min_interval_s)
    return store_tap(connection, context, rating_in, config, now)[0]


def find_replay(session: Session, rating_in: RatingIn) -> Rating | None:
    """The rating already stored under this client id, if the same; Conflict if different."""
    existing = session.exec(select(Rating).where(Rating.client_id == rating_in.client_id)).first()
    if existing is not None and existing.body_hash != rating_in.body_hash:
        raise Conflict(_l("Mã định danh này đã được dùng cho một đánh giá khác."), code="id_conflict")
    return existing


# --- who is on duty at a desk ----------------------------------------------------------------


@sa.event.listens_for(OrmSession, "after_flush")
def _keep_duty_history(session, _flush_context):
    # After the flush the desk has its id and its history still says who served before;
    # every path that changes Desk.official_id (start/stop serving, settings, demo data) is kept.
    changed = [desk for desk in (*session.new, *session.dirty) if isinstance(desk, Desk)
               and get_history(desk, "official_id").has_changes()]
    if changed:
        connection, now = session.connection(), utcnow()
        for desk in changed:
            _change_duty(connection, desk, now)


def _change_duty(connection: sa.Connection, desk: Desk, now: datetime) -> None:
    duty = DeskDuty.__table__
    connection.execute(duty.update().where(duty.c.desk_id == desk.id, duty.c.ended_at.is_(None)).values(ended_at=now))
    if desk.official_id is not None:
        connection.execute(duty.insert().values(desk_id=desk.id, official_id=desk.official_id,
                                                started_at=min(desk.serving_since or now, now)))


# --- suspect rules -------------------------------------------------------------------------


def too_close(session: Session, kiosk_id: int, tapped_at: datetime, min_interval_s: int) -> bool:
    """Another tap of this kiosk within the interval either side of ``tapped_at``."""
    return nearby_counts(session.connection(), kiosk_id, tapped_at, min_interval_s)[0] > 0


def in_burst(session: Session, kiosk_id: int, tapped_at: datetime, limit: int) -> bool:
    """More taps in ten minutes than one desk can possibly serve."""
    return nearby_counts(session.connection(), kiosk_id, tapped_at, 0)[1] + 1 > limit


def within_opening_hours(opening_hours: dict, moment: datetime) -> bool:
    """Whether ``moment`` falls in the unit's hours (with a little grace after closing)."""
    from models import LOCAL_TZ

    local = moment.astimezone(LOCAL_TZ)
    for start, end in opening_hours.get(str(local.isoweekday()), []):
        opens = local.replace(hour=int(start[:2]), minute=int(start[3:5]), second=0, microsecond=0)
        closes = local.replace(hour=int(end[:2]), minute=int(end[3:5]), second=0, microsecond=0)
        if opens - OPENING_GRACE <= local <= closes + OPENING_GRACE:
            return True
    return False


def clock_skewed(tapped_at: datetime, sent_at: datetime | None, received_at: datetime, max_skew_s: int) -> bool:
    """A device clock far from the server's. Age alone is never suspect: kiosks go offline."""
    skew = timedelta(seconds=max_skew_s)
    if sent_at is not None and abs(sent_at - received_at) > skew:
        return True
    return tapped_at - received_at > skew
