"""Page objects for the citizen's phone (QR rating, PAKN form) and the printed sheets; roles and labels only."""
from __future__ import annotations

import re

from playwright.sync_api import Page


class PhonePage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def scan(self, code: str):
        """What the phone's camera does with the printed link."""
        self.page.goto(f"{self.base_url}/q/{code}")
        return self

    def face(self, label: str):
        return self.page.get_by_role("button", name=label, exact=True)

    def reason(self, label: str):
        return self.page.get_by_label(label)

    def send_rating(self):
        self.page.get_by_role("button", name="Gửi đánh giá").tap()

    def thanks(self):
        return self.page.get_by_role("heading", name=re.compile("Cảm ơn"))

    def open_form(self, unit: str):
        self.page.goto(f"{self.base_url}/feedback/new?unit={unit}")
        return self

    def fill_feedback(self, *, kind: str, area: str, content: str, photo: dict | None = None, **contact):
        self.page.get_by_label(kind, exact=True).check()
        self.page.get_by_label("Lĩnh vực").select_option(label=area)
        self.page.get_by_label("Nội dung", exact=True).fill(content)
        if photo:
            self.page.get_by_label(re.compile("Ảnh kèm theo")).set_input_files(photo)
        for label, value in contact.items():
            self.page.get_by_label(label, exact=True).fill(value)

    def consent(self):
        self.page.get_by_label(re.compile("Tôi đồng ý để Ủy ban nhân dân xã")).check()

    def submit_feedback(self):
        self.page.get_by_role("button", name="Gửi phản ánh, kiến nghị").tap()

    def tracking_code(self):
        return self.page.get_by_test_id("tracking-code")
