"""Targets per unit and year (issue 10): a province's administrator sets each commune's own, and
every figure judges a period against its unit's target for the period's year."""
from sqlmodel import select

from models import Role, Target
from tests import factories

TARGETS = {"satisfaction": 97, "sector_satisfaction": 90, "feedback_resolved": 95, "feedback_on_time": 100}


def province_with_two_communes(session, world):
    return factories.province_staff(session, world, Role.ADMIN, "tinh.admin", "Quản trị tỉnh")[1]


def test_a_province_sets_one_communes_target_for_one_year(login, app, session, world):
    other = province_with_two_communes(session, world)
    admin = login("tinh.admin")
    page = admin.get("/admin/settings/targets?year=2025&unit=XA02").get_data(as_text=True)
    assert other.unit.name in page and 'id="target-unit"' in page
    assert admin.post("/admin/settings/targets?year=2025&unit=XA02", data=TARGETS).status_code == 303
    stored = session.exec(select(Target).where(Target.code == "satisfaction", Target.year == 2025)).all()
    assert [(row.unit_id, row.value) for row in stored] == [(other.unit.id, 0.97)]

    stats = app.test_client().get
    assert stats("/api/v1/stats?from=2025-01-01&to=2025-12-31&unit=XA02").json["targets"]["satisfaction"] == 0.97
    assert stats("/api/v1/stats?from=2025-01-01&to=2025-12-31&unit=XA01").json["targets"]["satisfaction"] == 0.95
    assert stats("/api/v1/stats?from=2026-01-01&to=2026-06-30&unit=XA02").json["targets"]["satisfaction"] == 0.95
    report = admin.get("/admin/reports?kind=year&year=2025&unit=XA02").get_data(as_text=True)
    assert "≥ 97,0%" in report
    assert "≥ 97,0%" not in admin.get("/admin/reports?kind=year&year=2025&unit=XA01").get_data(as_text=True)


def test_a_communes_administrator_may_not_set_another_communes_targets(login, app, session, world):
    province_with_two_communes(session, world)
    admin = login(world.users["admin"].username)
    assert admin.get("/admin/settings/targets?year=2025&unit=XA02").status_code == 403
    assert admin.post("/admin/settings/targets?year=2025&unit=XA02", data=TARGETS).status_code == 403
    assert session.exec(select(Target).where(Target.year == 2025)).first() is None
    assert admin.post("/admin/settings/targets?year=2025", data=TARGETS).status_code == 303  # its own
