"""Locale choice and the number formats every page uses.

Vietnamese first: ``?lang=`` wins, then the session, then Accept-Language, then vi.
"""
from __future__ import annotations

import functools

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import has_request_context, request, session
from flask_babel import format_decimal, get_locale

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE  # CLI commands and jobs: their messages are Vietnamese
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
    # A province's comparison prints hundreds of these: Babel's symbols, Python's formatting
    # (Babel parses its pattern on every call).
    return _localised(f"{value * 100:,.1f}") + "%"


def number(value: int | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return _localised(f"{value:,}")
    return format_decimal(value)


def _localised(formatted: str) -> str:
    """``formatted`` (Python's "1,234.5") with the current locale's group and decimal symbols."""
    decimal, group = _symbols(current_locale())
    return formatted.replace(",", "\0").replace(".", decimal).replace("\0", group)


@functools.lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale)


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)
