"""Page objects for surveys: the citizen's phone survey and the back office's survey pages."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from hailong.surveys import shipped
from tests.e2e.conftest import words


def _survey_words() -> dict[str, str]:
    """Vietnamese → English of the shipped surveys' titles, questions and options (content, not the catalogue)."""
    pairs = {}
    for template in shipped.TEMPLATES.values():
        pairs[template["title_vi"]] = template["title_en"]
        for question in template["questions"]:
            pairs[question["text"]["vi"]] = question["text"]["en"]
            pairs.update((o["label"]["vi"], o["label"]["en"]) for o in question.get("options", []))
    return pairs


SURVEY_WORDS = _survey_words()


class PhoneSurvey:
    """A survey on the citizen's phone, opened with ``?lang=``; labels are given in Vietnamese and looked up in
    the chosen language (the app's catalogue for the page's words, the shipped templates for their content)."""

    def __init__(self, page: Page, base_url: str, lang: str = "vi"):
        self.page = page
        self.base_url = base_url
        self.lang = lang
        self._ = words(lang)

    def say(self, text: str) -> str:
        return SURVEY_WORDS[text] if self.lang == "en" and text in SURVEY_WORDS else self._(text)

    def open(self, slug: str, lang: str | None = None):
        if lang:
            self.lang, self._ = lang, words(lang)
        self.page.goto(f"{self.base_url}/survey/{slug}?lang={self.lang}")
        return self

    def button(self, name: str):
        return self.page.get_by_role("button", name=self.say(name), exact=True)

    def next(self):
        self.button("Tiếp tục").tap()

    def back(self):
        self.button("Quay lại").tap()

    def send(self):
        self.button("Gửi câu trả lời").tap()

    def option(self, label: str):
        name = self.say(label)
        return self.page.get_by_role("radio", name=name, exact=True).or_(
            self.page.get_by_role("checkbox", name=name, exact=True))

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
        return self.page.get_by_role("heading", name=re.compile("^" + self._("Cảm ơn")))

    def expect_step(self, number: int, total: int):
        expect(self.progress()).to_have_text(self._("Câu %(n)s/%(total)s") % {"n": number, "total": total})
