"""Importing the province's dossier register: by CLI and by the administrator's upload page."""
from datetime import date, datetime

from sqlmodel import func, select

from models import Dossier
from tests.dossier_data import HEADER, csv_bytes, register_rows, xlsx_bytes


def count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Dossier)).one()


def test_a_40_row_register_imported_twice_gives_40_dossiers(runner, session, world, tmp_path):
    path = tmp_path / "so-ho-so.csv"
    path.write_bytes(csv_bytes(register_rows(40)))
    first = runner.invoke(args=["import-dossiers", str(path), "--unit", "XA01"])
    assert first.exit_code == 0, first.output
    assert "40 dòng: 40 thêm, 0 cập nhật" in first.output
    second = runner.invoke(args=["import-dossiers", str(path)])
    assert second.exit_code == 0 and "40 dòng: 0 thêm, 40 cập nhật" in second.output
    assert count(session) == 40
    dossier = session.exec(select(Dossier).where(Dossier.code == "H01-0005")).one()
    assert (dossier.received_on, dossier.due_on, dossier.returned_on) == (date(2026, 3, 6), date(2026, 3, 9), None)
    assert dossier.channel == "online" and dossier.official_id == world.officials["CB01"].id


def test_import_updates_by_code_with_the_provinces_values(runner, session, world, tmp_path):
    rows = register_rows(3)
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes(rows, bom=False))
    assert runner.invoke(args=["import-dossiers", str(path)]).exit_code == 0
    rows[1][7] = "20/03/2026"
    rows.append(register_rows(4)[3])
    path.write_bytes(csv_bytes(rows, bom=False))
    result = runner.invoke(args=["import-dossiers", str(path)])
    assert "4 dòng: 1 thêm, 3 cập nhật" in result.output
    assert session.exec(select(Dossier.returned_on).where(Dossier.code == "H01-0002")).one() == date(2026, 3, 20)


def test_a_bad_date_on_line_3_refuses_the_whole_file(runner, session, world, tmp_path):
    rows = register_rows(5)
    rows[1][5] = "31/02/2026"  # line 3 of the file: the header is line 1
    rows[3][6] = "sắp xong"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    result = runner.invoke(args=["import-dossiers", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "dòng 3, cột Ngày tiếp nhận: 31/02/2026 không phải ngày" in result.output
    assert "dòng 5, cột Ngày hẹn trả: sắp xong không phải ngày" in result.output
    assert count(session) == 0


def test_missing_columns_duplicates_and_order_are_named(runner, session, world, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_bytes(csv_bytes(register_rows(2), header=[h for h in HEADER if h != "Mã thủ tục"]))
    result = runner.invoke(args=["import-dossiers", str(path)])
    assert result.exit_code == 1 and "cột Mã thủ tục: thiếu cột này" in result.output
    rows = register_rows(3)
    rows[2][1] = rows[0][1]
    rows[1][6] = "01/01/2026"
    rows[0][8] = "fax"
    path.write_bytes(csv_bytes(rows))
    output = runner.invoke(args=["import-dossiers", str(path)]).output
    assert "dòng 4, cột Mã hồ sơ: trùng mã hồ sơ ở dòng 2" in output
    assert "dòng 3, cột Ngày hẹn trả: ngày hẹn trả trước ngày tiếp nhận" in output
    assert "dòng 2, cột Hình thức nộp: fax không phải" in output
    assert count(session) == 0


def test_xlsx_with_date_cells_and_iso_dates(runner, session, world, tmp_path):
    rows = register_rows(2)
    rows[0][5] = datetime(2026, 3, 2)
    rows[1][5] = "2026-03-03"
    path = tmp_path / "so.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    result = runner.invoke(args=["import-dossiers", str(path)])
    assert result.exit_code == 0, result.output
    assert sorted(session.exec(select(Dossier.received_on))) == [date(2026, 3, 2), date(2026, 3, 3)]


def test_a_file_that_is_not_a_register(runner, session, world, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    result = runner.invoke(args=["import-dossiers", str(path)])
    assert result.exit_code == 1 and "không đọc được tệp Excel" in result.output
    path = tmp_path / "x.csv"
    path.write_bytes("Mã hồ sơ;Tên\n".encode("cp1258", errors="replace") + b"\xff\xfe")
    assert "UTF-8" in runner.invoke(args=["import-dossiers", str(path)]).output


def test_a_province_cannot_hold_dossiers(runner, session, world, tmp_path):
    from models import Unit

    session.add(Unit(code="TINH", name="Tỉnh", kind="province"))
    session.commit()
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes(register_rows(2)))
    result = runner.invoke(args=["import-dossiers", str(path), "--unit", "TINH"])
    assert result.exit_code == 1 and "province" in result.output and count(session) == 0
    assert runner.invoke(args=["import-dossiers", str(path), "--unit", "NOPE"]).exit_code == 1


def test_title_lines_above_the_header_are_skipped(runner, session, world, tmp_path):
    rows = register_rows(3)
    rows[1][5] = "hôm qua"
    body = ("SỔ THEO DÕI HỒ SƠ\nUBND xã Thử Nghiệm,,,\n\n".encode() + csv_bytes(rows, bom=False))
    path = tmp_path / "r.csv"
    path.write_bytes(body)
    result = runner.invoke(args=["import-dossiers", str(path)])
    assert "dòng 6, cột Ngày tiếp nhận: hôm qua không phải ngày" in result.output  # lines count from the file's top
    rows[1][5] = "03/03/2026"
    path.write_bytes("SỔ THEO DÕI HỒ SƠ\n".encode() + csv_bytes(rows, bom=False))
    assert runner.invoke(args=["import-dossiers", str(path)]).exit_code == 0 and count(session) == 3
