"""Page objects for PAKN handling: the officials' inbox and ticket page, the citizen's status page."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, screenshot, words
from tests.e2e.pages import AdminPage


def both_sizes(page: Page, name: str) -> None:
    """Screenshots at desk-PC and phone size, for a person to look at."""
    original = page.viewport_size
    page.set_viewport_size(DESKTOP["viewport"])
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE["viewport"])
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(original)


class BackOffice(AdminPage):
    def inbox(self, **filters):
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        self.page.goto(f"{self.base_url}/admin/tickets" + (f"?{query}" if query else ""))
        expect(self.page.get_by_role("heading", name=self._("Phản ánh, kiến nghị"))).to_be_visible()
        return self

    def row(self, register: str):
        return self.page.get_by_role("row").filter(has=self.page.get_by_role("link", name=register, exact=True))

    def open(self, register: str):
        self.page.get_by_role("link", name=register, exact=True).click()
        expect(self.page.get_by_test_id("ticket-status")).to_be_visible()
        return self

    def expect_flash(self, text: str):
        expect(self.page.get_by_role("status").filter(has_text=self._(text))).to_be_visible()

    def status(self):
        return self.page.get_by_test_id("ticket-status")

    def accept_and_assign(self, handler_name: str):
        self.page.get_by_label(self._("Cán bộ xử lý")).select_option(label=handler_name)
        self.page.get_by_role("button", name=self._("Tiếp nhận và giao")).click()
        self.expect_flash("Đã tiếp nhận xử lý và giao cán bộ.")

    def answer_with_template(self, template: str):
        self.page.get_by_label(self._("Mẫu trả lời")).select_option(label=template)
        expect(self.page.get_by_label(self._("Nội dung trả lời (công khai)"))).not_to_be_empty()
        self.page.get_by_role("button", name=self._("Gửi trả lời"), exact=True).click()
        self.expect_flash("Đã trả lời; người gửi được thông báo.")

    def close_resolved(self):
        self.page.get_by_role("button", name=self._("Kết thúc: đã giải quyết")).click()
        self.expect_flash("Đã kết thúc.")

    def extend(self, new_due: str, reason: str):
        self.page.get_by_label(self._("Ngày hẹn trả kết quả mới")).fill(new_due)
        self.page.get_by_label(self._("Lý do chậm")).fill(reason)
        self.page.get_by_role("button", name=self._("Gia hạn"), exact=True).click()
        self.expect_flash("Đã gia hạn và lập phiếu xin lỗi.")

    def open_letter(self):
        self.page.get_by_role("link", name=self._("In phiếu xin lỗi")).click()
        heading = self._("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
        expect(self.page.get_by_role("heading", name=heading)).to_be_visible()


class StatusPage:
    """The citizen's status page, opened in ``lang`` (``?lang=``)."""

    def __init__(self, page: Page, base_url: str, lang: str = "vi"):
        self.page, self.base_url, self.lang, self._ = page, base_url, lang, words(lang)

    def open(self, code: str):
        self.page.goto(f"{self.base_url}/feedback/{code}?lang={self.lang}")
        expect(self.page.get_by_text(self._("Mã tra cứu"), exact=True)).to_be_visible()
        return self

    def status(self):
        return self.page.get_by_test_id("status")

    def rate(self, level: str):
        self.page.get_by_role("button", name=self._(level), exact=True).click()
        expect(self.page.get_by_role("status").filter(has_text=self._("Cảm ơn ông/bà đã đánh giá."))).to_be_visible()

    def due_date(self):
        return self.page.get_by_test_id("due-date")

    def timeline_text(self, pattern: str):
        return self.page.get_by_role("listitem").filter(has_text=re.compile(pattern))
