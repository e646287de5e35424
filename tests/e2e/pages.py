"""One page object per audience; selectors are roles and labels, as a person sees them."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect


class KioskPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def pair(self, token: str):
        self.page.goto(f"{self.base_url}/kiosk/pair?code={token}")
        expect(self.page).to_have_url(re.compile(r"/kiosk$"))
        return self

    def face(self, label: str):
        return self.page.get_by_role("button", name=label, exact=True)

    def tap(self, label: str):
        self.face(label).tap()

    def reason(self, label: str):
        return self.page.get_by_role("button", name=label)

    def thanks(self):
        return self.page.get_by_role("heading", name=re.compile("Cảm ơn|Thank you"))


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
