"""The one access rule (hailong/access.py) as an attacker holding a commune account meets it."""
from sqlmodel import select

from hailong import access, audit, workflow
from models import Attachment, AuditLog, Role, Unit, UnitKind, User, UserServiceArea
from tests import factories
from tests.factories import PASSWORD
from tests.workflow_helpers import accepted, file_ticket


UNIT_FORM = {"code": "XA02", "name": "UBND xã Bị Đổi Tên", "kind": "commune", "address": ""}


def test_a_communes_admin_cannot_touch_another_commune(login, app, session, world):
    other = factories.world(session, code="XA02")
    client = login("admin.xa01")
    assert client.get(f"/admin/settings/units/{other.unit.id}").status_code == 404
    response = client.post(f"/admin/settings/units/{other.unit.id}",
                           data=UNIT_FORM | {"code": "HACKED", "kind": "province"})
    assert response.status_code == 404
    session.refresh(other.unit)
    assert (other.unit.code, other.unit.kind, other.unit.name) == ("XA02", UnitKind.COMMUNE, "UBND xã Thử Nghiệm XA02")
    assert "XA02" not in client.get("/admin/settings/units").get_data(as_text=True)


def test_a_communes_admin_neither_creates_units_nor_changes_their_own_code_or_kind(login, app, session, world):
    client = login("admin.xa01")
    before = len(session.exec(select(Unit)).all())
    response = client.post("/admin/settings/units", data=UNIT_FORM | {"code": "XA99"})
    assert response.status_code == 403 and "Chỉ quản trị cấp tỉnh" in response.get_data(as_text=True)
    assert len(session.exec(select(Unit)).all()) == before
    own = f"/admin/settings/units/{world.unit.id}"
    assert client.post(own, data=UNIT_FORM | {"code": "XA01", "kind": "province"}).status_code == 403
    assert client.post(own, data=UNIT_FORM | {"code": "XA01X", "kind": "commune"}).status_code == 403
    assert client.post(own, data=UNIT_FORM | {"code": "XA01", "name": "UBND xã Mới"}).status_code == 303
    session.refresh(world.unit)
    assert (world.unit.code, world.unit.kind, world.unit.name) == ("XA01", UnitKind.COMMUNE, "UBND xã Mới")


def test_a_provinces_admin_creates_communes_under_the_province(login, app, session, world):
    province = Unit(code="T01", name="UBND tỉnh Thử", kind=UnitKind.PROVINCE)
    session.add(province)
    session.flush()
    world.unit.parent_id = province.id
    from hailong.users import create_user
    create_user(session, username="admin.t01", password=PASSWORD, role=Role.ADMIN, unit_id=province.id)
    session.commit()
    client = login("admin.t01")
    assert client.post("/admin/settings/units", data=UNIT_FORM | {"code": "XA77"}).status_code == 303
    created = session.exec(select(Unit).where(Unit.code == "XA77")).one()
    assert created.parent_id == province.id
    assert client.post(f"/admin/settings/units/{world.unit.id}", data=UNIT_FORM | {"code": "XA01B"}).status_code == 303


def _colleague(session, world):
    """A second handler sharing the HT area with the world's handler."""
    from hailong.users import create_user
    colleague = create_user(session, username="handler2.xa01", password=PASSWORD, role=Role.HANDLER,
                            unit_id=world.unit.id)
    for user_id in (colleague.id, world.users["handler"].id):
        session.add(UserServiceArea(user_id=user_id, service_area_id=world.areas["HT"].id))
    session.commit()
    return colleague


def test_a_handler_acts_only_on_tickets_assigned_to_them(login, app, session, world):
    _colleague(session, world)
    ticket = accepted(session, world)  # assigned to handler.xa01, in the shared HT area
    client = login("handler2.xa01")
    page = client.get(f"/admin/tickets/{ticket.id}")
    assert page.status_code == 200 and "Gửi trả lời" not in page.get_data(as_text=True)
    assert client.post(f"/admin/tickets/{ticket.id}/answer", data={"body": "Đã sửa xong cống."}).status_code == 403
    assert client.post(f"/admin/tickets/{ticket.id}/wait", data={"reason": "Bổ sung ảnh."}).status_code == 403
    session.refresh(ticket)
    assert ticket.status == "in_progress" and ticket.answered_at is None
    owner = login("handler.xa01")
    assert "Gửi trả lời" in owner.get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    assert owner.post(f"/admin/tickets/{ticket.id}/answer",
                      data={"body": "Đã sửa xong cống thoát nước."}).status_code == 303


def test_allowed_actions_follow_role_assignment_and_state(session, world):
    ticket = file_ticket(session, world)
    leader, handler, desk, viewer = (world.users[r] for r in ("leader", "handler", "desk", "viewer"))
    assert access.allowed_actions(session, leader, ticket) >= {"accept", "transfer", "reject", "note"}
    assert "answer" not in access.allowed_actions(session, leader, ticket)
    assert access.allowed_actions(session, desk, ticket) == {"view", "note"}  # desk filed it
    assert access.allowed_actions(session, viewer, ticket) == set()
    workflow.accept(session, ticket, leader, assignee_id=handler.id)
    assert access.allowed_actions(session, handler, ticket) >= {"answer", "wait", "extension", "note_public"}
    assert "assign" not in access.allowed_actions(session, handler, ticket)
    assert "assign" in access.allowed_actions(session, leader, ticket)


def test_photos_only_of_tickets_the_user_may_see(login, app, session, world):
    _colleague(session, world)
    ticket = accepted(session, world, area="YT")  # assigned to handler.xa01; handler2 has no YT
    photo = Attachment(feedback_id=ticket.id, stored_name="x.jpg", content_type="image/jpeg", size=1, width=1, height=1)
    session.add(photo)
    session.commit()
    assert login("handler2.xa01").get(f"/admin/attachments/{photo.id}").status_code == 403
    # The one it is assigned to passes the rule (the file itself is absent here: 404, not 403).
    assert login("handler.xa01").get(f"/admin/attachments/{photo.id}").status_code == 404


def test_audit_shows_only_the_users_own_units(login, app, session, world):
    other = factories.world(session, code="XA02")
    theirs = file_ticket(session, other)
    mine = file_ticket(session, world)
    audit.record(session, None, "feedback.reopened_by_citizen", "feedback", theirs.id)
    audit.record(session, None, "feedback.reopened_by_citizen", "feedback", mine.id)
    session.commit()
    page = login("leader.xa01").get("/admin/audit?type=feedback").get_data(as_text=True)
    rows = audit.trail(session, "feedback", None, unit_id=world.unit.id)
    assert {r.object_id for r in rows if r.user_id is None} == {mine.id}
    assert page.count("feedback.reopened_by_citizen") <= 1


def test_a_leaders_register_export_is_audited(login, app, session, world):
    file_ticket(session, world)
    client = login("leader.xa01")
    response = client.get("/admin/exports/register.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    leader = session.exec(select(User).where(User.username == "leader.xa01")).one()
    row = session.exec(select(AuditLog).where(AuditLog.action == "export_personal_data",
                                              AuditLog.user_id == leader.id)).one()
    assert row.details["export"] == "register"
    login("viewer.xa01").get("/admin/exports/register.csv")  # a viewer's export has no personal data
    assert len(session.exec(select(AuditLog).where(AuditLog.action == "export_personal_data")).all()) == 1


def test_the_nav_offers_each_role_only_what_the_rule_lets_it_open(login, app, world):
    links = {}
    for role in ("admin", "leader", "handler", "desk", "viewer"):
        page = login(f"{role}.xa01").get("/admin/tickets" if role in ("handler", "desk") else "/admin/")
        links[role] = {name for name in ("Tổng quan", "Phản ánh, kiến nghị", "Cài đặt", "Nhật ký")
                       if f">{name}</a>" in page.get_data(as_text=True)}
    assert links == {"admin": {"Tổng quan", "Phản ánh, kiến nghị", "Cài đặt", "Nhật ký"},
                     "leader": {"Tổng quan", "Phản ánh, kiến nghị", "Nhật ký"},
                     "handler": {"Phản ánh, kiến nghị"}, "desk": {"Phản ánh, kiến nghị"}, "viewer": {"Tổng quan"}}
