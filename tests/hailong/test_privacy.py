"""Personal data requests: find, export, correct, and anonymisation that leaves no trace anywhere."""
import json
import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from hailong import outbox, privacy, workflow
from hailong.errors import ValidationError
from models import AuditLog
from tests.factories import local
from tests.workflow_helpers import CONTACT, accepted, calendar, file_ticket

TEXT_TYPES = (sa.String, sa.Text, sa.JSON)


def traces(session, needles) -> list[str]:
    """Every (table.column) of every table whose text or JSON holds one of ``needles``."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, TEXT_TYPES)
                   or isinstance(getattr(c.type, "impl", None), TEXT_TYPES)]
        for row in session.execute(sa.select(*columns)).all() if columns else []:
            for column, value in zip(columns, row, strict=True):
                text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value or "")
                found += [f"{table.name}.{column.name}: {needle}"
                          for needle in needles if needle.lower() in text.lower()]
    return found


def everywhere(session, world):
    """A ticket whose contact data has been copied into free text, events, the outbox and the letter."""
    ticket = accepted(session, world)
    handler, leader = world.users["handler"], world.users["leader"]
    workflow.add_note(session, ticket, handler, body="Đã gọi chị Trần Thị Bích Ngọc qua số 0912 345 678.")
    workflow.add_note(session, ticket, handler, body="Gửi thư cho ngoc.tran@example.vn, số 7 ngõ 12 thôn Đông Hòa.",
                      public=True)
    workflow.request_extension(session, ticket, leader,
                               new_due=calendar(session, world).add_working_days(ticket.due_date, 3),
                               reason="Chờ bà Trần Thị Bích Ngọc bổ sung.", apology="Xin lỗi.", signer_name="V",
                               signer_title="Chủ tịch", calendar=calendar(session, world))
    workflow.answer(session, ticket, handler, body="Kính gửi bà Trần Thị Bích Ngọc: đã xử lý.")
    outbox.send_due(session, smtp_url="smtp://127.0.0.1:9", sms_gateway_url="", public_url="http://x")  # a failed try
    session.commit()
    return ticket


def test_anonymising_leaves_no_trace_in_any_table(session, world):
    ticket = everywhere(session, world)
    needles = [CONTACT["name"], CONTACT["phone"], "0912 345 678", CONTACT["email"], CONTACT["address"]]
    assert traces(session, needles)  # the scan finds the copies before…
    privacy.anonymise(session, ticket, world.users["admin"].id)
    session.commit()
    assert traces(session, needles) == []  # …and none after
    session.refresh(ticket)
    assert ticket.contact_anonymised_at and ticket.status == "answered"  # the ticket still counts in the figures


def test_anonymise_expired_command_uses_the_retention_period(app, session, world):
    old = accepted(session, world, now=local(2023, 3, 1))
    workflow.answer(session, old, world.users["handler"], body="Đã xử lý.", now=local(2023, 3, 2))
    workflow.close(session, old, world.users["handler"], resolution="resolved", now=local(2023, 3, 3))
    recent = accepted(session, world, phone="0987654321", email="khac@example.vn")
    workflow.answer(session, recent, world.users["handler"], body="Đã xử lý.")
    workflow.close(session, recent, world.users["handler"], resolution="resolved")
    session.commit()
    result = app.test_cli_runner().invoke(args=["anonymise-expired"])
    assert result.exit_code == 0 and "anonymised 1" in result.output
    session.expire_all()
    assert session.get(type(old), old.id).phone is None
    assert session.get(type(recent), recent.id).phone == "0987654321"


def test_find_export_and_correct(session, world):
    ticket = file_ticket(session, world)
    file_ticket(session, world, phone="0987654321", email="khac@example.vn")
    assert [t.id for t in privacy.find_subject(session, world.unit.id, "0912.345.678")] == [ticket.id]
    assert [t.id for t in privacy.find_subject(session, world.unit.id, "NGOC.TRAN@example.vn")] == [ticket.id]
    with pytest.raises(ValidationError):
        privacy.find_subject(session, world.unit.id, "abc")
    rows = privacy.export_rows(session, [ticket])
    assert json.loads(privacy.export_json(rows))[0]["phone"] == "0912345678"
    assert "0912345678" in privacy.export_csv(rows)
    changed = privacy.correct(session, ticket, world.users["admin"].id, CONTACT | {"phone": "0911000222"})
    assert changed == ["phone"] and ticket.phone == "0911000222"
    audit = session.exec(select(AuditLog).where(AuditLog.action == "privacy.correct")).one()
    assert audit.details == {"fields": ["phone"]}  # which field, never the value


def test_privacy_pages(login, session, world):
    ticket = file_ticket(session, world)
    client = login("admin.xa01")
    assert "Trần Thị Bích Ngọc" in client.get("/admin/privacy?q=0912345678").get_data(as_text=True)
    assert client.get("/admin/privacy?q=xyz").status_code == 422
    export = client.get("/admin/privacy/export?q=0912345678&format=json")
    assert export.status_code == 200 and export.json[0]["email"] == CONTACT["email"]
    assert client.get("/admin/privacy/export?q=0912345678&format=csv").mimetype == "text/csv"
    bad = client.post(f"/admin/privacy/tickets/{ticket.id}/correct", data=CONTACT | {"phone": "12"})
    assert bad.status_code == 422
    assert client.post("/admin/privacy/anonymise", data={"q": "0912345678"}).status_code == 303
    session.refresh(ticket)
    assert ticket.phone is None
    searches = session.exec(select(AuditLog).where(AuditLog.action == "privacy.search")).all()
    assert searches and all("0912345678" not in json.dumps(s.details) for s in searches)
