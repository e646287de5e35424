"""The administrator's settings pages: real forms, refused input, and their effect on the workflow."""
from datetime import date

import pytest
from sqlmodel import select

from models import AuditLog, CalendarDay, Desk, ReplyTemplate, ServiceArea, Target, Unit, User, UserServiceArea
from tests.factories import PASSWORD


def admin_client(app):
    client = app.test_client()
    client.post("/admin/login", data={"username": "admin.xa01", "password": PASSWORD})
    return client


def test_create_a_handler_with_areas_then_deactivate(app, session, world):
    client = admin_client(app)
    area = world.areas["HT"].id
    response = client.post("/admin/settings/users",
                           data={"username": "xuly2", "full_name": "Lê Văn Hai", "role": "handler",
                                                          "areas": [area], "password": "mat-khau-du-dai",
                                                          "active": "y"})
    assert response.status_code == 303
    user = session.exec(select(User).where(User.username == "xuly2")).one()
    assert session.exec(
        select(UserServiceArea.service_area_id).where(UserServiceArea.user_id == user.id)).all() == [area]
    response = client.post(f"/admin/settings/users/{user.id}", data={"username": "xuly2", "full_name": "Lê Văn Hai",
                                                                      "role": "handler", "areas": [area]})
    assert response.status_code == 303
    session.refresh(user)
    assert user.active is False
    other = app.test_client()
    assert other.post("/admin/login", data={"username": "xuly2", "password": "mat-khau-du-dai"}).status_code == 401
    assert session.exec(select(AuditLog).where(AuditLog.action == "settings.update",
                                               AuditLog.object_id == user.id)).first()


def test_bad_user_input_is_refused(app, session, world):
    client = admin_client(app)
    response = client.post("/admin/settings/users",
                           data={"username": "x y", "full_name": "", "role": "handler", "password": "short"})
    assert response.status_code == 422
    assert session.exec(select(User).where(User.username == "x y")).first() is None
    me = world.users["admin"].id
    response = client.post(f"/admin/settings/users/{me}",
                           data={"username": "admin.xa01", "full_name": "A", "role": "viewer", "active": "y"})
    assert response.status_code == 422
    assert "Không thể tự bỏ quyền quản trị" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, me).role == "admin" and session.get(User, me).full_name != "A"


def test_area_deadlines_drive_new_tickets(app, session, world):
    client = admin_client(app)
    response = client.post(f"/admin/settings/areas/{world.areas['HT'].id}", data={
        "code": "HT", "name_vi": "Hộ tịch", "sector": "administrative", "classify_days": 3, "resolve_days": 7,
        "active": "y"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(ServiceArea, world.areas["HT"].id).resolve_days == 7
    assert client.post("/admin/settings/areas", data={"code": "HT", "name_vi": "x", "sector": "administrative",
                                                      "classify_days": 5, "resolve_days": 10}).status_code == 422


def test_holiday_table_add_and_delete(app, session, world):
    client = admin_client(app)
    assert client.post("/admin/settings/holidays",
                       data={"day": "2026-10-10", "working": "1", "note": "Làm bù"}).status_code == 303
    assert client.post("/admin/settings/holidays", data={"day": "2026-10-10", "working": "0"}).status_code == 422
    row = session.exec(select(CalendarDay)).one()
    assert (row.day, row.working, row.unit_id) == (date(2026, 10, 10), True, world.unit.id)
    assert client.post(f"/admin/settings/holidays/{row.id}/delete").status_code == 303
    assert session.exec(select(CalendarDay)).first() is None


def test_reply_template_placeholders_are_checked(app, session, world):
    client = admin_client(app)
    bad = client.post("/admin/settings/templates", data={"name": "Mẫu", "status": "", "service_area_id": 0,
                                                         "body": "Kính gửi {ho_va_ten}", "active": "y"})
    assert bad.status_code == 422 and "{ho_va_ten}" in bad.get_data(as_text=True)
    good = client.post("/admin/settings/templates", data={"name": "Mẫu", "status": "in_progress", "service_area_id": 0,
                                                          "body": "Trả lời {ma_tra_cuu}", "active": "y"})
    assert good.status_code == 303
    row = session.exec(select(ReplyTemplate)).one()
    assert (row.status, row.service_area_id, row.unit_id) == ("in_progress", None, world.unit.id)


def test_targets_are_edited_in_percent(app, session, world):
    client = admin_client(app)
    data = {"satisfaction": 96, "sector_satisfaction": 90, "feedback_resolved": 95, "feedback_on_time": 100}
    assert client.post("/admin/settings/targets?year=2026", data=data).status_code == 303
    row = session.exec(select(Target).where(Target.year == 2026, Target.code == "satisfaction",
                                            Target.unit_id == world.unit.id)).one()
    assert row.value == 0.96
    assert client.post("/admin/settings/targets?year=2026", data=data | {"satisfaction": 140}).status_code == 422


def test_units_desks_pages_render(app, world):
    client = admin_client(app)
    for kind in ("units", "areas", "desks", "templates", "holidays"):
        assert client.get(f"/admin/settings/{kind}").status_code == 200
    assert client.get("/admin/settings/nope").status_code == 404
    assert client.post("/admin/settings/desks",
                       data={"number": 2, "name": "Quầy 2", "service_area_id": 0, "official_id": 0}).status_code == 303
    assert client.post("/admin/settings/desks",
                       data={"number": 2, "name": "Quầy 2b", "service_area_id": 0, "official_id": 0}).status_code == 422


@pytest.mark.parametrize("section, data, field_message", [
    ("units", {"code": "XA01", "name": "Xã trùng mã", "kind": "commune"}, "Mã đã được dùng."),
    ("areas", {"code": "YT", "name_vi": "Y tế 2", "sector": "health", "classify_days": 5, "resolve_days": 10},
     "Mã đã được dùng."),
    ("desks", {"number": 1, "name": "Quầy trùng số", "service_area_id": 0, "official_id": 0}, "Số quầy đã có."),
])
def test_a_second_row_with_the_same_code_or_number_is_refused(app, session, world, section, data, field_message):
    model = {"units": Unit, "areas": ServiceArea, "desks": Desk}[section]
    if section == "units":  # only a province's administrator creates units
        world.unit.kind = "province"
        session.add(world.unit)
        session.commit()
    before = len(session.exec(select(model)).all())
    response = admin_client(app).post(f"/admin/settings/{section}", data=data)
    assert response.status_code == 422 and field_message in response.get_data(as_text=True)
    assert len(session.exec(select(model)).all()) == before
