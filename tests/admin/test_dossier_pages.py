"""The administrator's register upload (preview, then save) and the figures by procedure."""
import io
import re
import uuid
from datetime import date

from openpyxl import load_workbook
from sqlmodel import func, select

from hailong import dossiers
from models import AuditLog, Dossier, Rating, local_date_of
from tests.dossier_data import csv_bytes, register_rows, xlsx_bytes
from tests.factories import local


def upload(client, data: bytes, name: str):
    return client.post("/admin/dossiers/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def stored(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Dossier)).one()


def test_preview_then_save_then_save_again(login, app, session, world):
    client = login("admin.xa01")
    preview = upload(client, xlsx_bytes(register_rows(40)), "so-ho-so.xlsx")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "40 dòng: 40 thêm, 0 cập nhật" in page and "H01-0020" in page
    assert stored(session) == 0  # a preview stores nothing
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    saved = client.post("/admin/dossiers/import/confirm", data={"token": token}, follow_redirects=True)
    assert "40 dòng: 40 thêm, 0 cập nhật" in saved.get_data(as_text=True)
    assert stored(session) == 40
    assert session.exec(select(AuditLog).where(AuditLog.action == "dossiers_imported")).one().details["added"] == 40
    replay = client.post("/admin/dossiers/import/confirm", data={"token": token}, follow_redirects=True)
    assert "hết hạn hoặc đã được lưu" in replay.get_data(as_text=True)  # the same preview cannot be saved twice
    again = upload(client, csv_bytes(register_rows(40)), "so-ho-so.csv").get_data(as_text=True)
    assert "40 dòng: 0 thêm, 40 cập nhật" in again
    assert stored(session) == 40


def test_a_bad_file_is_refused_with_every_line_named(login, app, session, world):
    rows = register_rows(6)
    rows[1][5] = "31/02/2026"
    rows[4][1] = ""
    response = upload(login("admin.xa01"), csv_bytes(rows), "bad.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'name="token"' not in page
    assert "dòng 3, cột Ngày tiếp nhận: 31/02/2026 không phải ngày" in page
    assert "dòng 6, cột Mã hồ sơ: không được để trống" in page
    assert upload(login("admin.xa01"), b"%PDF", "so.pdf").status_code == 400
    assert stored(session) == 0


def test_the_upload_needs_its_csrf_token(login, csrf_app, session, world):
    client = login("admin.xa01", app=csrf_app)
    response = client.post("/admin/dossiers/import", data={"file": (io.BytesIO(csv_bytes(register_rows(2))), "r.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and stored(session) == 0


def test_only_the_administrator_imports(login, app, session, world):
    for role in ("leader", "viewer", "desk", "handler"):
        client = login(f"{role}.xa01")
        assert client.get("/admin/dossiers").status_code == 403
        assert upload(client, csv_bytes(register_rows(2)), "r.csv").status_code == 403
    assert stored(session) == 0


def rate(session, world, code, level, reasons=()):
    moment = local(2026, 3, 20, 9)
    session.add(Rating(client_id=uuid.uuid4(), body_hash="x", unit_id=world.unit.id, level=level, reasons=list(reasons),
                       dossier_code=code, tapped_at=moment, local_date=local_date_of(moment)))


def test_figures_by_procedure_and_the_ii06a_table(login, app, session, world):
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(register_rows(40, start=date(2026, 2, 20))))
    for n in range(1, 36):  # 35 answers on "Đăng ký khai sinh" dossiers: ranked; the rest are not
        rate(session, world, f"H01-{(n % 14) * 3 + 1:04d}", "dissatisfied" if n % 7 == 0 else "satisfied",
             ["late"] if n % 7 == 0 else [])
    rate(session, world, "H01-0002", "dissatisfied", ["attitude"])
    session.commit()
    figures = dossiers_figures(session, world)
    first = figures["procedures"][0]
    assert (first.name, first.rank, first.answers, first.satisfied) == ("Đăng ký khai sinh", 1, 35, 30)
    assert all(row.rank is None for row in figures["procedures"][1:])
    total = figures["ii06a"][-1]
    # 40 dossiers received 20 Feb – 31 Mar; the first quarter of 2026 holds all of them.
    assert total["received"] == 40 and total["carried"] == 0 and total["online"] + total["direct"] == 40
    assert total["resolved"] + total["pending"] == 40
    assert total["early"] + total["on_time"] + total["late"] == total["resolved"]
    client = login("leader.xa01")
    page = client.get("/admin/dossiers/figures?kind=quarter&year=2026&n=1").get_data(as_text=True)
    assert "Đăng ký khai sinh" in page and "Biểu II.06a" in page and "Chỉ số 5.4" in page
    report = client.get("/admin/reports?kind=quarter&year=2026&n=1").get_data(as_text=True)
    assert 'data-testid="ii06a"' in report
    workbook = load_workbook(io.BytesIO(client.get("/admin/reports.xlsx?kind=quarter&year=2026&n=1").data))
    assert {"II.06a", "Theo thủ tục", "QĐ 766 5.4"} <= set(workbook.sheetnames)
    assert [c.value for c in workbook["II.06a"][workbook["II.06a"].max_row]][1] == 40


def test_ii06a_carries_over_the_dossiers_still_open_at_the_start(session, world):
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(register_rows(40, start=date(2026, 2, 20))))
    session.commit()
    april = dossiers_figures(session, world, date(2026, 4, 1), date(2026, 4, 30))["ii06a"][-1]
    # received in March, not returned by 1 April: the open ones and the last few returned in April
    assert april["received"] == april["carried"] > 0 and april["online"] == april["direct"] == 0


def dossiers_figures(session, world, start=date(2026, 1, 1), end=date(2026, 3, 31)):
    from hailong import dossier_figures
    from hailong.figures import Period

    return dossier_figures.for_report(session, [world.unit.id], Period(start, end), date(2026, 12, 1))
