"""A realistic demo commune: areas, officials, desks, kiosks, users and months of ratings.

Later parts of the product (surveys, PAKN) add their own demo records here.
"""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from hailong import dossier_demo, figures_demo, ratings, totals, users, workflow_demo
from hailong.closing_demo import load_closing
from hailong.figures import ensure_targets
from hailong.kiosk_demo import load_kiosk
from hailong.kiosks import rotate_code
from hailong.qr import load_qr
from models import (
    LOCAL_TZ, Channel, Desk, Kiosk, Level, Official, Rating, Reason, Role, Sector, ServiceArea, Unit, local_date_of,
    utcnow,
)
from hailong.surveys.demo import load_surveys

DEMO_PASSWORD = "hailong-demo-2025"

AREAS = [
    ("HT", "Hộ tịch", "Civil status", Sector.ADMINISTRATIVE),
    ("CT", "Chứng thực", "Certification", Sector.ADMINISTRATIVE),
    ("DD", "Đất đai", "Land", Sector.ADMINISTRATIVE),
    ("XD", "Xây dựng", "Construction", Sector.ADMINISTRATIVE),
    ("LDTBXH", "Lao động, thương binh và xã hội", "Labour and social affairs", Sector.ADMINISTRATIVE),
    ("KD", "Đăng ký kinh doanh", "Business registration", Sector.ADMINISTRATIVE),
    ("YT", "Y tế (trạm y tế xã)", "Health (commune health station)", Sector.HEALTH),
    ("GD", "Giáo dục (trường học)", "Education (schools)", Sector.EDUCATION),
]

OFFICIALS = [
    ("CB01", "Nguyễn Thị Lan", "Công chức Tư pháp – Hộ tịch"),
    ("CB02", "Trần Văn Minh", "Công chức Địa chính – Xây dựng"),
    ("CB03", "Lê Thị Hồng", "Công chức Văn hóa – Xã hội"),
    ("CB04", "Phạm Quốc Huy", "Công chức Văn phòng – Thống kê"),
    ("CB05", "Hoàng Thị Mai", "Công chức Tư pháp – Hộ tịch"),
]

DESKS = [(1, "Quầy 1 – Hộ tịch, chứng thực", "HT", "CB01"), (2, "Quầy 2 – Đất đai, xây dựng", "DD", "CB02"),
         (3, "Quầy 3 – Lao động, xã hội", "LDTBXH", "CB03"), (4, "Quầy 4 – Tổng hợp", None, "CB04")]

DEMO_USERS = [
    ("admin", Role.ADMIN, "Đỗ Văn Quản"), ("chutich", Role.LEADER, "Vũ Đức Thắng"),
    ("xuly", Role.HANDLER, "Trần Văn Minh"), ("motcua", Role.DESK, "Nguyễn Thị Lan"),
    ("xem", Role.VIEWER, "Bùi Thị Thu"),
]


def load(session: Session, *, months: int = 6, seed: int = 2025, base_url: str = "http://127.0.0.1:5000") -> list[str]:
    """Create (once) the demo commune and ``months`` of ratings up to today; returns a summary that
    ends, on every run, with who can sign in and fresh pairing links."""
    rng = random.Random(seed)
    unit = session.exec(select(Unit).where(Unit.code == "HOAAN")).first()
    if unit is not None:
        return [f"Demo commune {unit.name} already exists; nothing added.", *access_lines(session, unit, base_url)]
    unit = _organisation(session)
    kiosks = _kiosks(session, unit)
    count = _ratings(session, unit, kiosks, months, rng)
    load_kiosk(session, unit, rng)
    tickets = workflow_demo.load_workflow(session, unit, rng)
    figures_demo.load_figures(session, unit, rng)
    dossier_line = dossier_demo.load_dossiers(session, unit, rng, months)
    summary = [
        f"Demo commune: {unit.name} ({unit.code}), {len(AREAS)} service areas, {len(DESKS)} desks.",
        f"{count} ratings over {months} months; {tickets} PAKN tickets in every state.",
        load_surveys(session, unit, rng),
        load_qr(session, unit, rng),
        dossier_line,
    ]
    # The loaders write taps in bulk, past the ORM hook that keeps the daily totals exact.
    totals.rebuild(session, [unit.id])
    summary.append(load_closing(session, unit))  # last, so the issued report holds every figure above
    summary.extend(access_lines(session, unit, base_url))
    return summary


def access_lines(session: Session, unit: Unit, base_url: str) -> list[str]:
    """The demo's users and a new pairing link per kiosk: a pairing code works once and only its hash
    is kept, so each run makes new ones (tablets already paired keep working)."""
    base = base_url.rstrip("/")
    kiosks = session.exec(select(Kiosk).where(Kiosk.unit_id == unit.id, Kiosk.revoked_at.is_(None)).order_by(Kiosk.id))
    return [
        f"Back office: {base}/admin — users (password {DEMO_PASSWORD}): "
        + ", ".join(f"{name} ({role.value})" for name, role, _ in DEMO_USERS),
        "Kiosk pairing links (each pairs one tablet, once):",
        *(f"  {kiosk.name}: {base}/kiosk/pair?code={rotate_code(session, kiosk)}" for kiosk in kiosks),
    ]


def _organisation(session: Session) -> Unit:
    province = session.exec(select(Unit).where(Unit.code == "DEMO-TINH")).first()
    if province is None:
        province = Unit(code="DEMO-TINH", name="Tỉnh Demo", kind="province")
        session.add(province)
        session.flush()
    # A fresh install's empty commune (from init-db) becomes the demo commune.
    unit = session.exec(select(Unit).where(Unit.kind == "commune").order_by(Unit.id)).first()
    if unit is None or session.exec(select(Rating.id).where(Rating.unit_id == unit.id)).first() is not None:
        unit = Unit()
    unit.sqlmodel_update({"code": "HOAAN", "name": "UBND xã Hòa An", "parent_id": province.id,
                          "address": "Thôn Trung, xã Hòa An"})
    session.add(unit)
    session.flush()  # areas, officials and desks need the unit's id
    for year in {local_date_of(utcnow()).year - 1, local_date_of(utcnow()).year}:
        ensure_targets(session, unit, year)
    areas = {code: ServiceArea(unit_id=unit.id, code=code, name_vi=vi, name_en=en, sector=sector)
             for code, vi, en, sector in AREAS}
    officials = {code: Official(unit_id=unit.id, code=code, full_name=name, title=title)
                 for code, name, title in OFFICIALS}
    session.add_all([*areas.values(), *officials.values()])
    session.flush()
    for number, name, area_code, official_code in DESKS:
        session.add(Desk(unit_id=unit.id, number=number, name=name,
                         service_area_id=areas[area_code].id if area_code else None,
                         official_id=officials[official_code].id, serving_since=utcnow()))
    for username, role, full_name in DEMO_USERS:
        official = next((o for o in officials.values() if o.full_name == full_name), None)
        users.create_user(session, username=username, password=DEMO_PASSWORD, role=role, unit_id=unit.id,
                          full_name=full_name, official_id=official.id if official else None)
    session.flush()
    return unit


def _kiosks(session: Session, unit: Unit) -> list[tuple]:
    desks = session.exec(select(Desk).where(Desk.unit_id == unit.id).order_by(Desk.number)).all()
    return [ratings.create_kiosk(session, unit=unit, name=f"Máy đánh giá {desk.name}", desk=desk) for desk in desks]


def _ratings(session: Session, unit: Unit, kiosks: list[tuple], months: int, rng: random.Random) -> int:
    """Taps during opening hours, mostly satisfied, with a few stuffing bursts to show the flags."""
    desks = {d.id: d for d in session.exec(select(Desk).where(Desk.unit_id == unit.id))}
    today = local_date_of(utcnow())
    day = today - timedelta(days=30 * months)
    rows = []
    while day <= today:
        if day.isoweekday() <= 5:
            for kiosk, _token in kiosks:
                rows.extend(_day_of_taps(kiosk, desks[kiosk.desk_id], unit, day, rng))
        day += timedelta(days=1)
    _add_stuffing(rows, kiosks[0][0], unit, today - timedelta(days=3), rng)
    now = utcnow()
    rows = [row for row in rows if row["tapped_at"] <= now]
    session.execute(sa.insert(Rating), rows)
    return len(rows)


def _day_of_taps(kiosk, desk, unit, day: date, rng: random.Random) -> list[dict]:
    taps = []
    for _ in range(rng.randint(6, 18)):
        moment = datetime.combine(day, time(7, 30), LOCAL_TZ) + timedelta(minutes=rng.choice(
            [rng.randint(0, 240), rng.randint(360, 570)]))
        level = rng.choices(list(Level), weights=[55, 41, 4])[0]
        reasons = sorted(set(rng.choices(list(Reason), k=rng.randint(1, 2)))) if level == Level.DISSATISFIED else []
        taps.append(_row(kiosk, desk, unit, moment, level, reasons))
    return taps


def _add_stuffing(rows, kiosk, unit, day, rng):
    """Ten presses one second apart at closing time: the kind of stuffing the flags exist for."""
    start = datetime.combine(day, time(16, 58), LOCAL_TZ)
    for i in range(10):
        row = _row(kiosk, None, unit, start + timedelta(seconds=i), Level.VERY_SATISFIED, [])
        row.update(suspect=i > 0, suspect_reasons=["too_close"] if i > 0 else [])
        rows.append(row)


def _row(kiosk, desk, unit, moment: datetime, level: Level, reasons: list) -> dict:
    client_id = uuid.uuid4()
    return {
        "client_id": client_id, "body_hash": client_id.hex, "unit_id": unit.id, "channel": Channel.KIOSK.value,
        "kiosk_id": kiosk.id, "desk_id": desk.id if desk else kiosk.desk_id,
        "official_id": desk.official_id if desk else None,
        "service_area_id": desk.service_area_id if desk else None, "level": level.value,
        "reasons": [r.value for r in reasons],
        "criteria": {}, "dossier_code": None, "tapped_at": moment, "sent_at": moment,
        "received_at": moment + timedelta(seconds=1), "local_date": moment.date(), "suspect": False,
        "suspect_reasons": [],
    }
