"""The back office's sign-in; each audience has its page objects beside it (pages_kiosk, pages_phone, …)."""
from __future__ import annotations


from playwright.sync_api import Page


class AdminPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def login(self, username: str, password: str):
        self.page.goto(f"{self.base_url}/admin")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        return self
