"""Page objects for surveys: the citizen's phone survey and the back office's survey pages."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect


class PhoneSurvey:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def open(self, slug: str, lang: str | None = None):
        self.page.goto(f"{self.base_url}/survey/{slug}" + (f"?lang={lang}" if lang else ""))
        return self

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def next(self):
        self.button("Tiếp tục").tap()

    def back(self):
        self.button("Quay lại").tap()

    def send(self):
        self.button("Gửi câu trả lời").tap()

    def option(self, label: str):
        return self.page.get_by_role("radio", name=label, exact=True).or_(
            self.page.get_by_role("checkbox", name=label, exact=True))

    def choose(self, label: str, then_next: bool = True):
        self.option(label).tap()
        if then_next:
            self.next()

    def write(self, text: str):
        self.page.locator(".step.current").get_by_role("textbox").fill(text)

    def progress(self):
        return self.page.locator(".progress-text")

    def question(self):
        return self.page.locator(".step.current legend .qtext")

    def error(self):
        return self.page.locator(".step.current").get_by_role("alert")

    def status(self):
        return self.page.get_by_role("status").filter(has_text=re.compile(".+"))

    def thanks(self):
        return self.page.get_by_role("heading", name=re.compile("^Cảm ơn|^Thank you"))

    def expect_step(self, number: int, total: int):
        expect(self.progress()).to_have_text(f"Câu {number}/{total}")
