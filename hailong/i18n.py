"""Locale choice and the number formats every page uses.

Vietnamese first: ``?lang=`` wins, then the session, then Accept-Language, then vi.
"""
from __future__ import annotations

import functools
import logging
import math
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import has_request_context, request, session
from flask_babel import format_decimal, get_locale

log = logging.getLogger(__name__)

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


def remember_asked_locale() -> None:
    """Keep ``?lang=`` in the session before any view runs: a page that only redirects (the QR landing
    sends the phone on to the rating page) translates nothing, so the locale selector would never see it."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked


def percent(value: float | None) -> str:
    """A share in 0..1 as 95,3% in Vietnamese (95.3% in English); an em dash for no data."""
    if value is None:
        return "—"
    # A province's comparison prints hundreds of these: Babel's symbols, Python's formatting
    # (Babel parses its pattern on every call).
    return _localised(f"{cut_percent(value):,.1f}") + "%"


def cut_percent(value: float) -> float:
    """``value`` in percent, cut (never rounded up) to one decimal: 94.96% is 94.9%, never 95.0% beside a
    95% target (DESIGN.md). The tiny allowance keeps 0.953 (952.999… in floating point) at 95.3."""
    return math.floor(value * 1000 + 1e-6) / 10


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


def compile_catalogs(directory: Path) -> None:
    """Compile each catalog whose .mo is missing or older than its .po.

    Done at start-up so every install path (scripts/setup, a plain ``pip install .``, a fresh
    clone) shows English: the .mo files are build products and are not committed.
    """
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=True)
        except OSError as error:  # a read-only install: the pages fall back to Vietnamese
            log.warning("Could not compile %s: %s", po, error)
