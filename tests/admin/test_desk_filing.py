"""A desk official files a PAKN for a citizen and prints the receipt."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hailong import papers
from models import Channel, Feedback
from tests import factories

SPOKEN = {"kind": "kien_nghi", "content": "Đề nghị bố trí thêm ghế chờ ở sảnh một cửa.", "name": "Lê Văn Bình",
          "phone": "0241 234 5678", "address": "Thôn Đông", "consent": "y", "service_area": "HT"}


@pytest.mark.parametrize("username", ["desk.xa01", "admin.xa01", "leader.xa01"])
def test_an_official_files_for_a_citizen_and_prints_a_receipt(login, app, session, world, username):
    client = login(username)
    assert "Tiếp nhận phản ánh, kiến nghị tại quầy" in client.get("/admin/feedback/file").get_data(as_text=True)
    response = client.post("/admin/feedback/file", data=SPOKEN)
    assert response.status_code == 302
    feedback = session.exec(select(Feedback)).one()
    assert feedback.channel == Channel.DESK and feedback.filed_by_id == world.users[username.split(".")[0]].id
    assert feedback.phone == "02412345678" and feedback.consent_at is not None
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    code = f"{feedback.tracking_code[:5]}-{feedback.tracking_code[5:]}"
    assert code in receipt and f"http://phone.example/feedback/{code}" in receipt and "<svg" in receipt
    assert f"{feedback.register_number}/{feedback.register_year}" in receipt and world.unit.name.upper() in receipt
    assert feedback.due_date.strftime("%d/%m/%Y") in receipt and 'class="doc A5"' in receipt
    # The receipt is the citizen's own paper: their name and what they said, never their phone
    assert "Lê Văn Bình" in receipt and "02412345678" not in receipt
    assert feedback.content[:30] in receipt and papers.date_line(world.unit, feedback.received_date) in receipt
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in receipt and f"Số: {feedback.register_number}/PTN-UBND" in receipt
    assert 'class="topbar"' in receipt  # the back office's menu stays on screen
    assert 'class="doc A6"' in client.get(response.headers["Location"] + "?size=A6").get_data(as_text=True)


def test_without_the_citizens_consent_nothing_is_filed(login, app, session, world):
    response = login("desk.xa01").post("/admin/feedback/file", data=SPOKEN | {"consent": ""})
    assert response.status_code == 422 and "Cần đánh dấu đồng ý" in response.get_data(as_text=True)
    assert session.exec(select(Feedback)).all() == []


@pytest.mark.parametrize("username", [None, "handler.xa01", "viewer.xa01"])
def test_who_may_not_file_or_print(login, app, session, world, username):
    desk = login("desk.xa01")
    receipt = desk.post("/admin/feedback/file", data=SPOKEN).headers["Location"]
    client = login(username) if username else app.test_client()
    for response in (client.get("/admin/feedback/file"),
                     client.post("/admin/feedback/file",
                                 data=SPOKEN | {"content": "Nội dung khác hẳn để không trùng."}),
                     client.get(receipt)):
        if username is None:
            assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
        else:
            assert response.status_code == 403
    assert len(session.exec(select(Feedback)).all()) == 1


def test_a_receipt_of_another_commune_is_not_shown(login, app, session, world):
    factories.world(session, code="XA02")
    receipt = login("desk.xa01").post("/admin/feedback/file", data=SPOKEN).headers["Location"]
    assert login("desk.xa02").get(receipt).status_code == 404


def test_missing_csrf_token_is_refused(login, csrf_app, session):
    factories.world(session)
    client = login("desk.xa01", app=csrf_app)
    assert client.post("/admin/feedback/file", data=SPOKEN).status_code == 400
    assert session.exec(select(Feedback)).all() == []
