"""The back office's sign-in; each audience has its page objects beside it (pages_kiosk, pages_phone, …).

A page object takes the official's language: it signs in at ``/admin/login?lang=…`` (the session keeps
the choice) and names controls by the Vietnamese label translated from the app's catalogue."""
from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import words


class AdminPage:
    def __init__(self, page: Page, base_url: str, lang: str = "vi"):
        self.page = page
        self.base_url = base_url
        self.lang = lang
        self._ = words(lang)

    def login(self, username: str, password: str):
        self.page.goto(f"{self.base_url}/admin/login?lang={self.lang}")
        self.page.get_by_label(self._("Tên đăng nhập")).fill(username)
        self.page.get_by_label(self._("Mật khẩu")).fill(password)
        self.page.get_by_role("button", name=self._("Đăng nhập")).click()
        return self
