"""POST /api/v1/feedback and GET /api/v1/feedback/<code>: intake, register numbers, tracking codes."""
import pytest
from sqlmodel import func, select

from hailong import feedback as intake
from models import Feedback, FeedbackEvent

FORMAL = {"kind": "phan_anh", "content": "Đường vào trụ sở xã bị ngập nước sau mưa.", "name": "Trần Văn An",
          "phone": "0912 345 678", "address": "Thôn Trung", "consent": True}


def stored(session):
    session.expire_all()
    return session.exec(select(func.count()).select_from(Feedback)).one()


def test_formal_feedback_is_received_with_a_code_and_register_number(client, session, world):
    response = client.post("/api/v1/feedback", json=FORMAL | {"service_area": "HT"})
    assert response.status_code == 201
    code = response.json["tracking_code"]
    assert response.json["status_url"] == f"http://phone.example/feedback/{code}"
    feedback = session.exec(select(Feedback)).one()
    assert feedback.register_number == 1 and feedback.phone == "0912345678"
    assert feedback.consent_version == intake.CONSENT_VERSION and feedback.consent_at is not None
    assert feedback.due_date > feedback.classify_due > feedback.received_date
    second = client.post("/api/v1/feedback", json=FORMAL | {"content": "Đèn đường thôn Đông bị hỏng nhiều ngày."})
    assert second.status_code == 201
    assert session.exec(select(Feedback.register_number).order_by(Feedback.id)).all() == [1, 2]


def test_status_is_public_without_personal_data(client, world):
    code = client.post("/api/v1/feedback", json=FORMAL).json["tracking_code"]
    for variant in (code, code.lower(), code.replace("-", ""), f" {code.lower()} "):
        response = client.get(f"/api/v1/feedback/{variant.strip()}")
        assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert response.json["status"] == "received" and response.json["timeline"][0]["kind"] == "received"
    for secret in ("Trần Văn An", "0912345678", "Thôn Trung", "ngập nước"):
        assert secret not in body
    page = client.get(f"/feedback/{code}").get_data(as_text=True)
    assert "Đã tiếp nhận" in page and "Trần Văn An" not in page and "0912345678" not in page


def test_unknown_code(client, world):
    assert client.get("/api/v1/feedback/AAAAA-AAAAA").status_code == 404
    assert client.get("/feedback/not-a-code").status_code == 404


def test_anonymous_feedback_needs_no_contact(client, session, world):
    response = client.post("/api/v1/feedback", json={"kind": "kien_nghi", "anonymous": True,
                                                      "content": "Đề nghị mở thêm quầy chiều thứ bảy."})
    assert response.status_code == 201
    feedback = session.exec(select(Feedback)).one()
    assert feedback.anonymous and feedback.name is None and feedback.consent_at is None


def test_same_content_and_phone_within_a_day_points_to_the_existing_ticket(client, session, world):
    code = client.post("/api/v1/feedback", json=FORMAL).json["tracking_code"]
    again = client.post("/api/v1/feedback", json=FORMAL | {"content": "  " + FORMAL["content"].upper() + " "})
    assert again.status_code == 409
    assert code in again.json["error"]["message"]
    assert stored(session) == 1


@pytest.mark.parametrize("changes, field", [
    ({"kind": "khieu_nai"}, "kind"),
    ({"content": "ngắn"}, "content"),
    ({"content": "x" * 5001}, "content"),
    ({"content": "Xin chào <script>alert(1)</script> các anh chị"}, "content"),
    ({"consent": False}, "consent"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "0123 456 789"}, "phone"),
    ({"phone": "+84 91 234 56789 1"}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"name": "A" * 121}, "name"),
    ({"name": None}, "name"),
    ({"address": None}, "address"),
    ({"phone": None}, "phone"),
    ({"anonymous": True}, "anonymous"),
    ({"service_area": "NOPE"}, "service_area"),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_stored(client, session, world, changes, field):
    response = client.post("/api/v1/feedback", json=FORMAL | changes)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert stored(session) == 0
    assert session.exec(select(func.count()).select_from(FeedbackEvent)).one() == 0


def test_tracking_codes_are_easy_to_type():
    code = intake.new_tracking_code()
    assert len(code) == 10 and set(code) <= set(intake.CODE_ALPHABET)
    assert intake.normalise_code("abcde-fghjk") == "ABCDEFGHJK"
    assert intake.normalise_code("o1l1i") == "01111"
    assert len(intake.CODE_ALPHABET) ** intake.CODE_LENGTH >= 2 ** 40


@pytest.mark.parametrize("raw, phone", [("0912 345 678", "0912345678"), ("+84 912-345-678", "0912345678"),
                                        ("(024) 3825 1234", "02438251234")])
def test_phone_formats(raw, phone):
    assert intake.parse_feedback(FORMAL | {"phone": raw}).phone == phone
