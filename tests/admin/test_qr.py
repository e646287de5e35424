"""QR codes: the administrator makes them, scans are counted and land in context, images decode to their link."""
from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlmodel import select

from hailong import qr
from models import QrCode, QrScanDay, QrTarget, local_date_of, utcnow
from tests import factories


@pytest.fixture
def admin(login, app, world):
    return login("admin.xa01")


def make(session, world, target, **refs) -> QrCode:
    code = qr.create_qr(session, unit=world.unit, target=target, **refs)
    session.commit()
    return code


def decode(image: Image.Image) -> str:
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1 and results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def rasterise_svg(svg: str, scale: int = 8) -> Image.Image:
    """Draw the SVG's module rectangles (M x,y H x2 V y2 H x z) so the vector file itself is decoded."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, x2, y2 in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", svg):
        draw.rectangle([int(x) * scale, int(y) * scale, int(x2) * scale - 1, int(y2) * scale - 1], fill=0)
    return image


def test_admin_creates_a_desk_code_and_downloads_images_that_decode_to_the_short_link(app, admin, session, world):
    response = admin.post("/admin/qr", data={"target": "desk", "desk_id": str(world.desk.id), "label": "Quầy 1"})
    assert response.status_code == 302
    code = session.exec(select(QrCode)).one()
    assert code.target == QrTarget.DESK and code.desk_id == world.desk.id and len(code.code) == 8
    link = f"http://phone.example/q/{code.code}"
    png = admin.get(f"/admin/qr/{code.id}.png")
    assert png.mimetype == "image/png" and "attachment" in png.headers["Content-Disposition"]
    assert decode(Image.open(io.BytesIO(png.data))) == link
    svg = admin.get(f"/admin/qr/{code.id}.svg")
    assert svg.mimetype == "image/svg+xml"
    assert decode(rasterise_svg(svg.get_data(as_text=True))) == link
    listing = admin.get("/admin/qr").get_data(as_text=True)
    assert code.code in listing and "Quầy 1" in listing


@pytest.mark.parametrize("size, page_size", [("poster", "A4"), ("card", "A6")])
def test_printable_poster_and_card_carry_the_unit_instructions_and_a_vector_code(admin, session, world, size,
                                                                                 page_size):
    code = make(session, world, QrTarget.UNIT)
    page = admin.get(f"/admin/qr/{code.id}/{size}").get_data(as_text=True)
    assert f"size: {page_size} portrait" in page and world.unit.name in page
    assert "Mở camera điện thoại, hướng vào mã QR." in page and f"http://phone.example/q/{code.code}" in page
    assert decode(
        rasterise_svg(page[page.index("<svg"):page.index("</svg>") + 6])) == f"http://phone.example/q/{code.code}"


@pytest.mark.parametrize("target, refs, landing", [
    (QrTarget.UNIT, {}, "/r/{code}"),
    (QrTarget.DESK, {"desk_id": "desk"}, "/r/{code}"),
    (QrTarget.OFFICIAL, {"official_id": "official"}, "/r/{code}"),
    (QrTarget.SERVICE_AREA, {"service_area_id": "area"}, "/r/{code}"),
    (QrTarget.FEEDBACK, {"service_area_id": "area"}, "/feedback/new?unit=XA01&area=YT"),
    (QrTarget.FEEDBACK, {}, "/feedback/new?unit=XA01"),
    (QrTarget.SURVEY, {"survey_slug": "sipas-2026"}, "/survey/sipas-2026"),
])
def test_a_scan_is_counted_and_lands_on_the_right_page(client, session, world, target, refs, landing):
    ids = {"desk": world.desk.id, "official": world.officials["CB01"].id, "area": world.areas["YT"].id}
    code = make(session, world, target, **{k: ids.get(v, v) for k, v in refs.items()})
    for _ in range(2):
        response = client.get(f"/q/{code.code.lower()}")
        assert response.status_code == 302 and response.headers["Location"] == landing.format(code=code.code)
    session.expire_all()
    assert session.get(QrCode, code.id).scan_count == 2
    day = session.exec(select(QrScanDay)).one()
    assert day.qr_code_id == code.id and day.day == local_date_of(utcnow()) and day.count == 2


def test_the_rating_page_shows_the_context_of_a_desk_code(client, session, world):
    code = make(session, world, QrTarget.DESK, desk_id=world.desk.id)
    page = client.get(f"/r/{code.code}").get_data(as_text=True)
    assert "Quầy 1" in page and "Hộ tịch" in page and "Rất hài lòng" in page and "Không hài lòng" in page


def test_unknown_and_retired_codes_get_a_polite_notice(admin, client, session, world):
    code = make(session, world, QrTarget.UNIT)
    assert admin.post(f"/admin/qr/{code.id}/active").status_code == 302
    for path in (f"/q/{code.code}", "/q/ZZZZZZZZ", "/q/x", f"/r/{code.code}"):
        response = client.get(path)
        assert response.status_code == 404 and "Mã QR này không còn được sử dụng" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(QrCode, code.id).scan_count == 0


@pytest.mark.parametrize("data, field", [
    ({"target": "desk"}, "Vui lòng chọn quầy"),
    ({"target": "official", "official_id": "9999"}, "Vui lòng chọn cán bộ"),
    ({"target": "service_area"}, "Vui lòng chọn lĩnh vực"),
    ({"target": "survey", "survey_slug": "Khảo sát <b>"}, "Mã khảo sát chỉ gồm"),
    ({"target": "unit", "label": "x" * 121}, "Dài quá 120 ký tự"),
    ({"target": "nope"}, "Not a valid choice"),
])
def test_bad_codes_are_refused_and_nothing_is_stored(admin, session, world, data, field):
    response = admin.post("/admin/qr", data=data)
    assert 400 <= response.status_code < 500
    if field != "Not a valid choice":
        assert field in response.get_data(as_text=True)
    assert session.exec(select(QrCode)).all() == []


def test_a_desk_of_another_commune_cannot_be_printed_here(admin, session, world):
    other = factories.world(session, code="XA02")
    response = admin.post("/admin/qr", data={"target": "desk", "desk_id": str(other.desk.id)})
    assert response.status_code == 422 and session.exec(select(QrCode)).all() == []
    foreign = make(session, other, QrTarget.UNIT)
    for path in (f"/admin/qr/{foreign.id}.png", f"/admin/qr/{foreign.id}/poster"):
        assert admin.get(path).status_code == 404


@pytest.mark.parametrize("username", [None, "leader.xa01", "handler.xa01", "desk.xa01", "viewer.xa01"])
def test_who_may_not_manage_qr_codes(login, app, session, world, username):
    code = make(session, world, QrTarget.UNIT)
    client = login(username) if username else app.test_client()
    for method, path in (("get", "/admin/qr"), ("post", "/admin/qr"), ("get", f"/admin/qr/{code.id}.svg"),
                         ("get", f"/admin/qr/{code.id}.png"), ("get", f"/admin/qr/{code.id}/poster"),
                         ("get", f"/admin/qr/{code.id}/card"), ("post", f"/admin/qr/{code.id}/active")):
        response = getattr(client, method)(path, data={"target": "unit"} if method == "post" else None)
        if username is None:
            assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, path
    session.expire_all()
    assert len(session.exec(select(QrCode)).all()) == 1 and session.get(QrCode, code.id).active
