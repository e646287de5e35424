"""Page object for the leader's dashboard and the periodic report."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.pages import AdminPage


class FiguresPage(AdminPage):
    def __init__(self, page: Page, base_url: str):
        super().__init__(page, base_url)

    def dashboard(self, **query):
        self.page.goto(f"{self.base_url}/admin?" + "&".join(f"{k}={v}" for k, v in query.items()))
        expect(self.page.get_by_role("heading", name="Chỉ tiêu cải cách hành chính", exact=False)).to_be_visible()
        return self

    def pick_period(self, kind_label: str):
        self.page.get_by_label("Kỳ", exact=True).select_option(label=kind_label)
        self.page.get_by_role("button", name="Xem").click()
        return self

    def target(self, code: str):
        return self.page.get_by_test_id(f"target-{code}")

    def acknowledge_first_alert(self, comment: str):
        self.page.get_by_label("Ghi chú xử lý").first.fill(comment)
        self.page.get_by_role("button", name="Xác nhận đã xem").first.click()
        return self

    def report(self, **query):
        self.page.goto(f"{self.base_url}/admin/reports?" + "&".join(f"{k}={v}" for k, v in query.items()))
        expect(self.page.get_by_role("heading", name="BÁO CÁO", exact=True)).to_be_visible()
        return self
