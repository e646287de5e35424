"""Locale choice and the number formats every page uses.

Vietnamese first: ``?lang=`` wins, then the session, then Accept-Language, then vi.
"""
from __future__ import annotations

from flask import request, session
from flask_babel import format_decimal, format_percent, get_locale

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LOCALES:
        return session["lang"]
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def percent(value: float | None) -> str:
    """A share in 0..1 as 95,3% in Vietnamese (95.3% in English); an em dash for no data."""
    if value is None:
        return "—"
    return format_percent(value, "#,##0.0%")


def number(value: int | float | None) -> str:
    if value is None:
        return "—"
    return format_decimal(value)


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)
