"""Build test data through the same domain functions the app uses."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlmodel import Session

from hailong import ratings, users
from hailong.figures import ensure_targets
from hailong import kiosks
from models import (
    LOCAL_TZ, Desk, Kiosk, Official, Role, Sector, ServiceArea, Unit, User, local_date_of, utcnow,
)

PASSWORD = "correct-horse-battery"


def today():
    """The commune's date now. Called in the test, never kept at import: collection may be minutes before a test
    runs, and a suite running across local midnight met yesterday's date (six survey tests failed at 00:00)."""
    return local_date_of(utcnow())
ALWAYS_OPEN = {str(day): [["00:00", "23:59"]] for day in range(1, 8)}


@dataclass
class World:
    unit: Unit
    areas: dict[str, ServiceArea]
    officials: dict[str, Official]
    desk: Desk
    kiosk: Kiosk
    token: str  # a paired tablet's device credential (Bearer for the API)
    code: str  # the kiosk's pairing code (single use)
    users: dict[str, User] = field(default_factory=dict)


def world(session: Session, *, code: str = "XA01", always_open: bool = True) -> World:
    """A commune ready to rate in; committed so the app under test sees it."""
    unit = Unit(code=code, name=f"UBND xã Thử Nghiệm {code}")
    if always_open:
        unit.opening_hours = ALWAYS_OPEN  # most tests are not about opening hours
    session.add(unit)
    session.flush()
    ensure_targets(session, unit, local_date_of(utcnow()).year)
    areas = {
        "HT": ServiceArea(unit_id=unit.id, code="HT", name_vi="Hộ tịch", name_en="Civil status"),
        "YT": ServiceArea(unit_id=unit.id, code="YT", name_vi="Y tế", name_en="Health", sector=Sector.HEALTH),
        "GD": ServiceArea(unit_id=unit.id, code="GD", name_vi="Giáo dục", name_en="Education", sector=Sector.EDUCATION),
    }
    officials = {"CB01": Official(unit_id=unit.id, code="CB01", full_name="Nguyễn Thị Lan", title="Công chức Tư pháp")}
    session.add_all([*areas.values(), *officials.values()])
    session.flush()
    desk = Desk(unit_id=unit.id, number=1, name="Quầy 1", service_area_id=areas["HT"].id)
    session.add(desk)
    session.flush()
    kiosk, first_code = ratings.create_kiosk(session, unit=unit, name="Kiosk 1", desk=desk)
    _kiosk, token = kiosks.pair(session, first_code)  # a paired tablet's credential: what the API accepts
    # a fresh single-use code, for tests that pair a tablet (no audit row: tests count them)
    pairing_code = ratings.new_token()
    kiosk.token_hash = ratings.hash_token(pairing_code)
    result = World(unit=unit, areas=areas, officials=officials, desk=desk, kiosk=kiosk, token=token, code=pairing_code)
    for role in Role:
        result.users[role.value] = users.create_user(session, username=f"{role.value}.{code.lower()}",
                                                     password=PASSWORD,
                                                     role=role, unit_id=unit.id, full_name=f"Test {role.value}")
    session.commit()
    return result


def province_staff(session: Session, commune: World, role: Role, username: str,
                   full_name: str) -> tuple[User, World]:
    """A province over the test commune and a second one (XA02), and one account of ``role`` at the province."""
    province = Unit(code="TINH", name="Tỉnh Thử", kind="province")
    session.add(province)
    session.flush()
    other = world(session, code="XA02")
    for unit in (commune.unit, other.unit):
        unit.parent_id = province.id
        session.add(unit)
    user = User(username=username, password_hash=commune.users["admin"].password_hash, role=role, unit_id=province.id,
                full_name=full_name)
    session.add(user)
    session.commit()
    return user, other


def local(year, month, day, hour=9, minute=0, second=0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)


def at_opening(day_offset: int = 0) -> datetime:
    return datetime.combine(local_date_of(utcnow()) + timedelta(days=day_offset), time(9), LOCAL_TZ)
