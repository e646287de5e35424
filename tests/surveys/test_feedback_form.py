"""The PAKN form on a phone (/feedback/new): real form posts, photos, refusals that store nothing."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from models import Attachment, AuditLog, Channel, Feedback
from tests import factories

FORMAL = {"kind": "phan_anh", "content": "Đường vào trụ sở xã bị ngập nước sau mưa.", "name": "Trần Văn An",
          "phone": "0912 345 678", "address": "Thôn Trung", "consent": "y", "unit": "XA01"}
GPS_TAG = 0x8825


def jpeg(width=640, height=480, gps=False, color=(200, 60, 40)) -> bytes:
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if gps:
        exif[GPS_TAG] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 12.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def noise_png(side=1400) -> bytes:
    """A real image larger than 5 MB: random pixels do not compress."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/octet-stream")


def post_form(client, url, data):
    """A multipart post built in memory: Werkzeug's own builder spools big bodies to a file it never closes."""
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(url, data=stream.getvalue(), content_type=f"multipart/form-data; boundary={boundary}")


def counts(session):
    session.expire_all()
    return (session.exec(select(func.count()).select_from(Feedback)).one(),
            session.exec(select(func.count()).select_from(Attachment)).one())


def stored_files(app) -> list[Path]:
    """Files kept for a PAKN (photos held while a form is fixed are not)."""
    root = Path(app.config["HAILONG"].upload_dir)
    return [p for p in root.rglob("*") if p.is_file()
            and "held" not in p.relative_to(root).parts] if root.exists() else []


def held_files(app) -> list[Path]:
    return [p for p in (Path(app.config["HAILONG"].upload_dir) / "held").rglob("*") if p.is_file()]


def test_form_explains_pakn_laws_and_anonymity_with_an_unticked_consent(client, world):
    page = client.get("/feedback/new?unit=XA01&area=YT").get_data(as_text=True)
    assert "Phản ánh, kiến nghị là gì?" in page
    assert "Luật Khiếu nại" in page and "Luật Tố cáo" in page
    assert "Gửi ẩn danh: cơ quan vẫn xem xét nội dung, nhưng không thể trả lời riêng cho ông/bà" in page
    assert " bạn" not in page.lower()  # the commune speaks to citizens as ông/bà
    assert "Luật Bảo vệ dữ liệu cá nhân" in page
    consent = page[page.index('id="consent"') - 80:page.index('id="consent"') + 80]
    assert "checked" not in consent
    assert '<option selected value="YT">' in page


def test_a_formal_pakn_with_a_photo_gets_a_code_and_its_photo_loses_gps(app, client, session, world):
    response = post_form(client, "/feedback/new", FORMAL | {"service_area": "HT",
                                                          "photos": [upload(jpeg(gps=True), "IMG_0001.jpg")]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/feedback/sent")
    feedback = session.exec(select(Feedback)).one()
    assert feedback.channel == Channel.WEB and feedback.consent_at is not None and feedback.phone == "0912345678"
    attachment = session.exec(select(Attachment)).one()
    path = Path(app.config["HAILONG"].upload_dir) / attachment.stored_name
    assert attachment.feedback_id == feedback.id and attachment.content_type == "image/jpeg"
    with Image.open(path) as stored:
        assert stored.format == "JPEG" and (stored.width, stored.height) == (640, 480)
        assert dict(stored.getexif()) == {} and "exif" not in stored.info
    raw = path.read_bytes()
    assert b"Exif" not in raw and b"PhoneMaker" not in raw
    sent = client.get("/feedback/sent").get_data(as_text=True)
    code = f"{feedback.tracking_code[:5]}-{feedback.tracking_code[5:]}"
    assert code in sent and f"http://phone.example/feedback/{code}" in sent and "<svg" in sent
    assert code in client.get(f"/feedback/{code}").get_data(as_text=True)


def test_an_anonymous_pakn_needs_no_contact_or_consent(client, session, world):
    response = post_form(client, "/feedback/new", {"kind": "kien_nghi", "anonymous": "y", "unit": "XA01",
                                                  "content": "Đề nghị mở thêm quầy chiều thứ bảy."})
    assert response.status_code == 302
    feedback = session.exec(select(Feedback)).one()
    assert feedback.anonymous and feedback.name is None and feedback.consent_at is None


def test_a_png_with_transparency_stays_png(app, client, session, world):
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(buffer, format="PNG")
    response = client.post("/feedback/new", data=FORMAL | {"photos": [upload(buffer.getvalue(), "a.png")]})
    assert response.status_code == 302
    assert session.exec(select(Attachment)).one().content_type == "image/png"


BAD = [
    ("oversized image", {"photos": [(b"BIG", "big.png")]}, None, "lớn hơn 5 MB"),
    ("fake image", {"photos": [(b"GIF89a? not really, just text\n" * 20, "photo.jpg")]}, None, "không phải là ảnh"),
    ("html page named .png", {"photos": [(b"<html><script>alert(1)</script></html>", "x.png")]}, None,
     "không phải là ảnh"),
    ("four photos", {"photos": [(jpeg(20, 20), f"{i}.jpg") for i in range(4)]}, None, "tối đa 3 ảnh"),
    ("script in the text", {"content": "Xin chào <script>alert(1)</script> các anh chị"}, None, "mã HTML hoặc mã lệnh"),
    ("event handler in the name", {"name": 'An" onmouseover="alert(1)'}, None, "mã HTML hoặc mã lệnh"),
    ("consent missing with contact data", {"consent": ""}, None, "Cần đánh dấu đồng ý"),
    ("overlong content", {"content": "x" * 5001}, None, "Nội dung dài quá 5000 ký tự"),
    ("overlong name", {"name": "A" * 121}, None, "Dài quá 120 ký tự"),
    ("overlong address", {"address": "B" * 301}, None, "Dài quá 300 ký tự"),
    ("phone too short", {"phone": "12345"}, None, "Số điện thoại không hợp lệ"),
    ("phone with a wrong prefix", {"phone": "0123 456 789"}, None, "Số điện thoại không hợp lệ"),
    ("phone with letters", {"phone": "09I2 345 678"}, None, "Số điện thoại không hợp lệ"),
    ("bad e-mail", {"email": "an@"}, None, "thư điện tử không hợp lệ"),
    ("no contact, not anonymous", {"name": "", "phone": "", "address": ""}, None, "Vui lòng nhập họ tên"),
    ("anonymous with contact data", {"anonymous": "y"}, None, "Phản ánh ẩn danh không kèm thông tin liên hệ"),
    ("content too short", {"content": "ngắn"}, None, "ít nhất 10 ký tự"),
    ("no kind", {"kind": ""}, None, "Vui lòng chọn phản ánh hoặc kiến nghị"),
    ("unknown area", {"service_area": "NOPE"}, None, "Không có lĩnh vực với mã này"),
    ("honeypot filled", {"website": "http://spam.example"}, 400, "ô ẩn bị điền"),
]


@pytest.mark.parametrize("changes, status, message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_refused_clearly_and_nothing_is_stored(app, client, session, world, changes, status, message):
    if "photos" in changes:
        changes = {"photos": [upload(noise_png() if data == b"BIG" else data, name)
                              for data, name in changes["photos"]]}
    response = post_form(client, "/feedback/new", FORMAL | changes)
    assert response.status_code == (status or 422)
    assert message in response.get_data(as_text=True)
    assert counts(session) == (0, 0)
    assert stored_files(app) == []


def test_a_good_photo_survives_a_refused_send_and_is_stored_with_the_fixed_form(app, client, session, world):
    response = post_form(client, "/feedback/new", FORMAL | {"phone": "123", "photos": [upload(jpeg(), "ok.jpg")]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and counts(session) == (0, 0) and stored_files(app) == []
    assert "Đã giữ lại 1 ảnh" in page and len(held_files(app)) == 1
    token = page.split('name="held_photos" value="')[1].split('"')[0]
    fixed = post_form(client, "/feedback/new", FORMAL | {"held_photos": token})
    assert fixed.status_code == 302 and counts(session) == (1, 1)
    assert held_files(app) == []  # the hold is released once the photo is the PAKN's


def test_held_photos_come_back_only_to_the_browser_they_were_held_for(app, client, session, world):
    page = post_form(client, "/feedback/new", FORMAL | {"phone": "123", "photos": [upload(jpeg(), "ok.jpg")]})
    token = page.get_data(as_text=True).split('name="held_photos" value="')[1].split('"')[0]
    stranger = app.test_client()
    assert post_form(stranger, "/feedback/new", FORMAL | {"held_photos": token}).status_code == 302
    assert counts(session) == (1, 0)
    other = {"content": "Đèn đường ở thôn Trung không sáng đã một tuần.", "held_photos": "../../etc"}
    assert post_form(client, "/feedback/new", FORMAL | other).status_code == 302
    assert counts(session) == (2, 0)


def test_every_error_at_once_with_consent_each_field_marked_and_linked(client, session, world):
    response = post_form(client, "/feedback/new",
                         {"kind": "phan_anh", "content": "ngắn", "unit": "XA01", "phone": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("content", "name", "phone", "address", "consent"):
        assert f'href="#{name}"' in page, name  # the summary leads to the field
        field = page[page.index(f'id="{name}"') - 300:page.index(f'id="{name}"') + 300]
        assert 'aria-invalid="true"' in field and f"{name}-error" in field, name
    assert 'id="error-summary"' in page
    assert "autofocus" in page.split('id="error-summary"')[0][-200:] + page.split('id="error-summary"')[1][:40]


def test_refusals_are_in_english_when_asked(client, session, world):
    response = client.post("/feedback/new?lang=en", data=FORMAL | {"phone": "12345"})
    assert response.status_code == 422
    assert "Invalid phone number" in response.get_data(as_text=True)


def test_missing_csrf_token_is_refused(csrf_app, session):
    factories.world(session)
    client = csrf_app.test_client()
    response = post_form(client, "/feedback/new", FORMAL)
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    assert counts(session) == (0, 0)


def test_the_same_pakn_twice_in_a_day_points_to_the_first(client, session, world):
    client.post("/feedback/new", data=FORMAL)
    first = session.exec(select(Feedback)).one()
    again = client.post("/feedback/new", data=FORMAL | {"content": FORMAL["content"].upper()})
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    code = f"{first.tracking_code[:5]}-{first.tracking_code[5:]}"
    assert "đã được tiếp nhận trước đó" in page and f"/feedback/{code}" in page
    assert counts(session) == (1, 0)


def test_submissions_are_rate_limited(app, client, world):
    app.config["FEEDBACK_SUBMIT_LIMIT"] = "2/minute"
    for index in range(2):
        response = client.post("/feedback/new", data=FORMAL | {"content": f"Nội dung phản ánh thứ {index} ở thôn."})
        assert response.status_code == 302
    blocked = client.post("/feedback/new", data=FORMAL | {"content": "Nội dung phản ánh thứ ba ở thôn."})
    page = blocked.get_data(as_text=True)
    assert blocked.status_code == 429 and "quá nhiều yêu cầu" in page
    assert "Nội dung phản ánh thứ ba ở thôn." in page and 'value="Trần Văn An"' in page  # what was typed is kept
    assert client.get("/feedback/new").status_code == 200  # reading the form is never limited


def test_only_accepted_sends_count_toward_the_limit(app, client, session, world):
    app.config["FEEDBACK_SUBMIT_LIMIT"] = "2/minute"
    for _ in range(5):  # an elder fixing typos, again and again
        assert client.post("/feedback/new", data=FORMAL | {"phone": "12"}).status_code == 422
    for index in range(2):
        assert client.post("/feedback/new",
                           data=FORMAL | {"content": f"Nội dung phản ánh số {index} ở thôn."}).status_code == 302
    assert client.post("/feedback/new", data=FORMAL | {"content": "Nội dung phản ánh thêm ở thôn."}).status_code == 429
    assert counts(session) == (2, 0)


def test_only_unknown_codes_count_toward_the_lookup_limit(app, client, world):
    app.config["UNKNOWN_CODE_LIMIT"] = "3/minute"
    client.post("/feedback/new", data=FORMAL)
    client.get("/feedback/sent")
    with client.session_transaction() as cookie_session:
        code = cookie_session["feedback_sent"]
    for _ in range(5):
        assert client.get(f"/feedback/{code}").status_code == 200
    assert client.get("/feedback/AAAAA-AAAA1").status_code == 404
    assert client.get("/api/v1/feedback/AAAAA-AAAA2").status_code == 404
    assert client.get("/feedback/AAAAA-AAAA3").status_code == 404
    page = client.get("/feedback/AAAAA-AAAA4")
    api = client.get("/api/v1/feedback/AAAAA-AAAA5")
    assert page.status_code == 429 and "quá nhiều yêu cầu" in page.get_data(as_text=True)
    assert api.status_code == 429 and api.json["error"]["code"]


def test_kiosk_link_presets_the_unit_and_several_communes_get_a_choice(client, session, world):
    factories.world(session, code="XA02")
    assert "Thử Nghiệm XA02" in client.get("/feedback/new?unit=XA02").get_data(as_text=True)
    choice = client.get("/feedback/new").get_data(as_text=True)
    assert "unit=XA01" in choice and "unit=XA02" in choice
    assert client.get("/feedback/new?unit=NOPE").status_code == 404


# --- photos are for staff only ---------------------------------------------------------------


@pytest.fixture
def photo(client, session, world):
    client.post("/feedback/new", data=FORMAL | {"photos": [upload(jpeg(), "a.jpg")]})
    return session.exec(select(Attachment)).one()


def test_photos_are_served_to_staff_and_each_view_is_logged(login, app, session, photo):
    with login("leader.xa01").get(f"/admin/attachments/{photo.id}") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert "no-store" in response.headers["Cache-Control"]
        assert Image.open(io.BytesIO(response.data)).size == (640, 480)
    session.expire_all()
    log = session.exec(select(AuditLog).where(AuditLog.action == "view_attachment")).one()
    assert log.details == {"attachment_id": photo.id}


# A handler of the same unit not handling this ticket (not theirs, not their area) may not see it either.
@pytest.mark.parametrize("username, status", [(None, 302), ("viewer.xa01", 403), ("handler.xa01", 403),
                                              ("handler.xa02", 404)])
def test_who_may_not_see_photos(login, app, session, photo, username, status):
    factories.world(session, code="XA02")
    client = login(username) if username else app.test_client()
    response = client.get(f"/admin/attachments/{photo.id}")
    assert response.status_code == status
    if status == 302:
        assert "/admin/login" in response.headers["Location"]


def test_api_submissions_share_the_limit(app, client, world):
    app.config["FEEDBACK_SUBMIT_LIMIT"] = "2/minute"
    body = {"kind": "kien_nghi", "anonymous": True, "content": "Đề nghị mở thêm quầy chiều thứ bảy."}
    assert client.post("/api/v1/feedback", json=body).status_code == 201
    assert post_form(client, "/feedback/new", FORMAL).status_code == 302
    blocked = client.post("/api/v1/feedback", json=body | {"content": "Đề nghị thêm chỗ để xe cho người dân."})
    assert blocked.status_code == 429 and "quá nhiều yêu cầu" in blocked.json["error"]["message"]


def test_an_image_of_too_many_pixels_is_refused_before_decoding(app, client, session, world):
    """A few KB of PNG can hold 39 megapixels of zeros; decoding them cost seconds of CPU."""
    buffer = io.BytesIO()
    Image.new("1", (6300, 6200)).save(buffer, format="PNG", optimize=True)
    assert len(buffer.getvalue()) < 100_000
    response = client.post("/feedback/new", data=FORMAL | {"photos": [upload(buffer.getvalue(), "bomb.png")]})
    assert response.status_code in (400, 422) and "tối đa 24 megapixel" in response.get_data(as_text=True)
    assert session.exec(select(Feedback)).all() == [] and session.exec(select(Attachment)).all() == []
