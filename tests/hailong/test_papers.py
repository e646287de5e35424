"""The administrative document form's pieces: số/ký hiệu, địa danh and the date line (NĐ 30/2020)."""
from datetime import date

import pytest

from hailong import papers
from models import Unit


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize(("name", "place", "abbr"), [
    ("UBND xã Tân Lập", "Tân Lập", "UBND"), ("Ủy ban nhân dân phường Hàng Trống", "Hàng Trống", "UBND"),
    ("Trung tâm Phục vụ hành chính công", "Trung tâm Phục vụ hành chính công", "TP"),
])
def test_place_and_abbreviation(name, place, abbr):
    unit = Unit(code="X", name=name)
    assert papers.place(unit) == place and papers.abbreviation(unit) == abbr


def test_date_line_pads_days_below_10_and_months_below_3():
    unit = Unit(code="X", name="UBND xã Tân Lập")
    assert papers.date_line(unit, date(2026, 2, 5)) == "Tân Lập, ngày 05 tháng 02 năm 2026"
    assert papers.date_line(unit, date(2026, 12, 2)) == "Tân Lập, ngày 02 tháng 12 năm 2026"


def test_numbers_carry_the_agency():
    unit = Unit(code="X", name="UBND xã Tân Lập")
    assert papers.number(12, "apology", unit) == "12/PXL-UBND"
    assert papers.number(7, "answer", unit) == "7/UBND-VP"  # a công văn: the agency and the drafting office


@pytest.mark.parametrize(("title", "line"), [("Chủ tịch UBND xã", "TM. ỦY BAN NHÂN DÂN"),
                                             ("Phó Chủ tịch UBND xã", "KT. CHỦ TỊCH"), ("Công chức Tư pháp", "")])
def test_who_signs_for_whom(title, line):
    assert papers.authority(title) == line


def test_summary_cuts_at_a_word():
    text = "Đường " * 100
    cut = papers.summary(text, 50)
    assert len(cut) <= 52 and cut.endswith(" …") and "Đườ …" not in cut
