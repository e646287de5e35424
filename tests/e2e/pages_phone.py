"""Page objects for the citizen's phone (QR rating, PAKN form) and the printed sheets; roles and labels only.

Pages open with ``?lang=`` and find controls by the label in that language, read from the app's catalogue."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import words

CONSENT = "Tôi đồng ý để Ủy ban nhân dân xã giữ họ tên và cách liên hệ của tôi, chỉ để trả lời phản ánh, kiến nghị này."
PHOTOS = "Ảnh kèm theo (không bắt buộc, tối đa 3 ảnh, mỗi ảnh tối đa 5 MB)"


class PhonePage:
    def __init__(self, page: Page, base_url: str, lang: str = "vi"):
        self.page = page
        self.base_url = base_url
        self.lang = lang
        self._ = words(lang)

    def scan(self, code: str):
        """What the phone's camera does with the printed link; the citizen then picks the language on the page."""
        self.page.goto(f"{self.base_url}/q/{code}")
        return self.choose_language()

    def choose_language(self):
        if self.page.locator("html").get_attribute("lang") != self.lang:  # the session remembers a choice
            self.page.get_by_role("link", name="English" if self.lang == "en" else "Tiếng Việt", exact=True).tap()
            expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        return self

    def face(self, label: str):
        return self.page.get_by_role("button", name=self._(label), exact=True)

    def reason(self, label: str):
        return self.page.get_by_label(self._(label))

    def send_rating(self):
        self.page.get_by_role("button", name=self._("Gửi đánh giá")).tap()

    def thanks(self):
        return self.page.get_by_role("heading", name=re.compile(self._("Cảm ơn")))

    def open_form(self, unit: str):
        self.page.goto(f"{self.base_url}/feedback/new?unit={unit}&lang={self.lang}")
        return self

    def fill_feedback(self, *, kind: str, area: str, content: str, photo: dict | None = None, **contact):
        self.page.get_by_label(self._(kind), exact=True).check()
        self.page.get_by_label(self._("Lĩnh vực")).select_option(label=area)
        self.page.get_by_label(self._("Nội dung"), exact=True).fill(content)
        if photo:
            self.page.get_by_label(self._(PHOTOS)).set_input_files(photo)
        for label, value in contact.items():
            self.page.get_by_label(self._(label), exact=True).fill(value)

    def consent(self):
        self.page.get_by_label(self._(CONSENT)).check()

    def submit_feedback(self):
        self.page.get_by_role("button", name=self._("Gửi phản ánh, kiến nghị")).tap()

    def tracking_code(self):
        return self.page.get_by_test_id("tracking-code")
