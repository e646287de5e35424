"""The administrator's officials: list, create, edit, photo, retire; the CLI import; who may not."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from hailong import officials
from models import AuditLog, Desk, Official, User
from tests import factories
from tests.factories import PASSWORD


def login(client, user):
    assert client.post("/admin/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def jpeg_with_gps(size=(800, 600)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 90))
    exif = Image.Exif()
    exif[0x8825] = {2: (21.0, 2.0, 0.0)}  # GPSInfo: where the photo was taken
    exif[0x010F] = "CameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def form(**changes):
    data = {"code": "CB02", "full_name": "Trần Văn Bình", "title": "Công chức Địa chính", "user_id": "0",
            "desk_id": "0", "active": "y"}
    return data | changes


def test_admin_creates_an_official_with_photo_account_and_desk(app, client, session, world):
    handler, desk = world.users["handler"], world.desk
    response = login(client, world.users["admin"]).post("/admin/settings/officials", data=form(
        user_id=str(handler.id), desk_id=str(desk.id), photo=(io.BytesIO(jpeg_with_gps()), "chan-dung.jpg")),
        content_type="multipart/form-data")
    assert response.status_code == 303
    session.expire_all()
    official = session.exec(select(Official).where(Official.code == "CB02")).one()
    assert session.get(User, handler.id).official_id == official.id
    assert session.get(Desk, desk.id).official_id == official.id
    stored = Path(app.config["HAILONG"].upload_dir) / official.photo
    with Image.open(stored) as photo:
        assert photo.format == "JPEG" and photo.size == (256, 256) and not photo.getexif()
    listing = client.get("/admin/settings/officials").get_data(as_text=True)
    assert "Trần Văn Bình" in listing and "handler.xa01" in listing
    with client.get(f"/public/officials/{official.id}/photo") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg" and served.data == stored.read_bytes()
    desks_page = client.get("/public/desks").get_data(as_text=True)
    assert f"/public/officials/{official.id}/photo" in desks_page and "Trần Văn Bình" in desks_page
    with app.test_request_context("/"):
        from hailong.kiosks import official_json

        assert official_json(official)["photo"].startswith(f"/public/officials/{official.id}/photo")
    assert session.exec(select(AuditLog).where(AuditLog.object_type == "official")).first() is not None


def test_a_linked_account_gets_its_own_figures_link(client, session, world):
    official = world.officials["CB01"]
    login(client, world.users["admin"]).post(f"/admin/settings/officials/{official.id}", data=form(
        code="CB01", full_name=official.full_name, user_id=str(world.users["handler"].id)))
    handler = login(client.application.test_client(), world.users["handler"])
    assert "Số liệu của tôi" in handler.get("/admin/tickets").get_data(as_text=True)
    assert handler.get("/admin/me").status_code == 200


def test_retiring_keeps_the_official_and_frees_the_desk(client, session, world):
    official = world.officials["CB01"]
    world.desk.official_id = official.id
    session.add(world.desk)
    session.commit()
    data = form(code="CB01", full_name=official.full_name, desk_id=str(world.desk.id))
    del data["active"]  # the box unticked: the official has left
    assert login(client, world.users["admin"]).post(f"/admin/settings/officials/{official.id}",
                                                    data=data).status_code == 303
    session.expire_all()
    assert session.get(Official, official.id).active is False and session.get(Desk, world.desk.id).official_id is None


def bomb() -> bytes:
    """A PNG header claiming 50,000 × 50,000 pixels: refused before decoding."""
    buffer = io.BytesIO()
    Image.new("1", (50_000, 50_000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("changes", "field_text"), [
    ({"code": "CB01"}, "Mã cán bộ CB01 đã có"),
    ({"code": "có dấu"}, "Mã chỉ gồm chữ không dấu"),
    ({"full_name": ""}, "Vui lòng điền mục này"),
    ({"photo": (io.BytesIO(b"%PDF-1.4 not a face"), "anh.jpg")}, "không phải là ảnh"),
    ({"photo": (io.BytesIO(bomb()), "bom.png")}, "không phải là ảnh"),
    ({"user_id": "999999"}, "Not a valid choice"),
])
def test_bad_input_is_a_clear_422_and_nothing_is_stored(client, session, world, changes, field_text):
    response = login(client, world.users["admin"]).post("/admin/settings/officials", data=form(**changes),
                                                         content_type="multipart/form-data")
    assert response.status_code == 422 and field_text in response.get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(Official).where(Official.code != "CB01")).all() == []


def test_another_communes_official_and_account_are_out_of_reach(client, session, world):
    other = factories.world(session, code="XA02")
    admin = login(client, world.users["admin"])
    foreign = other.officials["CB01"]
    assert admin.get(f"/admin/settings/officials/{foreign.id}").status_code == 404
    assert admin.post(f"/admin/settings/officials/{foreign.id}", data=form(code="X")).status_code == 404
    # An account of another commune is not offered, so it cannot be linked
    response = admin.post("/admin/settings/officials", data=form(user_id=str(other.users["handler"].id)))
    assert response.status_code == 422


@pytest.mark.parametrize("role", ["leader", "handler", "desk", "viewer"])
def test_only_the_administrator_manages_officials(client, world, role):
    user_client = login(client, world.users[role])
    official = world.officials["CB01"]
    assert user_client.get("/admin/settings/officials").status_code == 403
    assert user_client.post("/admin/settings/officials", data=form()).status_code == 403
    assert user_client.post(f"/admin/settings/officials/{official.id}", data=form()).status_code == 403


def test_missing_csrf_token_is_refused(csrf_app, session, world):
    client = csrf_app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/admin/login", data={"username": "admin.xa01", "password": PASSWORD, "csrf_token": token})
    assert client.post("/admin/settings/officials", data=form()).status_code in (400, 422)
    assert session.exec(select(Official).where(Official.code == "CB02")).first() is None


def test_cli_imports_officials_in_bulk_and_refuses_a_bad_file_whole(app, runner, session, world, tmp_path):
    good = tmp_path / "can-bo.csv"
    good.write_text("code,full_name,title,username,desk\nCB02,Trần Văn Bình,Công chức Địa chính,handler.xa01,1\n"
                    "CB01,Nguyễn Thị Lan,Phó Chủ tịch UBND xã,,\n", encoding="utf-8-sig")
    result = runner.invoke(args=["officials", "import", str(good)])
    assert result.exit_code == 0 and "created 1, updated 1" in result.output
    session.expire_all()
    assert session.exec(select(Official).where(Official.code == "CB01")).one().title == "Phó Chủ tịch UBND xã"
    bad = tmp_path / "sai.csv"
    bad.write_text("code,full_name,title,username,desk\nCB03,Lê Thị C,,nobody,\nCB04,,,,99\nCB05,Đủ Tên,,,\n")
    result = runner.invoke(args=["officials", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 2" in result.output and "nobody" in result.output and "line 3" in result.output
    assert "quầy số 99" in result.output
    assert session.exec(select(Official).where(Official.code.in_(["CB03", "CB04", "CB05"]))).all() == []
    photo = tmp_path / "mat.jpg"
    photo.write_bytes(jpeg_with_gps())
    assert runner.invoke(args=["officials", "photo", "CB02", str(photo)]).exit_code == 0
    session.expire_all()
    assert session.exec(select(Official).where(Official.code == "CB02")).one().photo.startswith(officials.PHOTO_DIR)
