"""Dossier registers as the provincial systems export them, for the import and 5.4 tests."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import Workbook

HEADER = ["STT", "Mã hồ sơ", "Tên thủ tục", "Mã thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả",
          "Ngày trả kết quả", "Hình thức nộp", "Cán bộ tiếp nhận"]
PROCEDURES = [("Đăng ký khai sinh", "1.001193", "Hộ tịch"),
              ("Chứng thực bản sao từ bản chính", "2.000815", "Chứng thực"),
              ("Đăng ký kết hôn", "1.000894", "Hộ tịch")]
CHANNELS = ["Trực tiếp", "Trực tuyến", "Bưu chính công ích"]


def vn(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def register_rows(count: int = 40, start: date = date(2026, 3, 2), prefix: str = "H01") -> list[list]:
    """``count`` dossiers, one received per day from ``start``, due 3 days later; every 4th one late, every 5th open."""
    rows = []
    for n in range(count):
        received = start + timedelta(days=n)
        due = received + timedelta(days=3)
        returned = None if n % 5 == 4 else due + timedelta(days=2 if n % 4 == 3 else -1)
        name, code, area = PROCEDURES[n % 3]
        rows.append([n + 1, f"{prefix}-{n + 1:04d}", name, code, area, vn(received), vn(due), vn(returned),
                     CHANNELS[n % 3], "Nguyễn Thị Lan"])
    return rows


def csv_bytes(rows: list[list], *, bom: bool = True, header: list = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def xlsx_bytes(rows: list[list], header: list = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
