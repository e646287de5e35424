"""Charts count in whole numbers: an hour with one tap is not drawn on 0.1, 0.2 … ticks."""
from __future__ import annotations

import re

from hailong import charts


def tick_labels(svg: str) -> list[str]:
    """The value axis' labels (a horizontal guide for columns, a vertical one for horizontal bars)."""
    guide = r'<g class="guides"><path d="M[^"]* [hv][^"]*" class="[^"]*line[^"]*" /><text [^>]*>([^<]+)</text>'
    return re.findall(guide, svg)


def test_stacked_counts_tick_in_whole_numbers(app):
    with app.test_request_context("/?lang=vi"):
        svg = str(charts.stacked_counts("Theo giờ", ["15h"], {"Không hài lòng": [0], "Hài lòng": [1]}))
    ticks = [tick for tick in tick_labels(svg) if tick != "15h"]
    assert ticks and all(tick.isdigit() for tick in ticks), ticks


def test_horizontal_bars_tick_in_whole_numbers(app):
    with app.test_request_context("/?lang=vi"):
        svg = str(charts.horizontal_bars("Lý do", [("Chờ lâu", 1)]))
    ticks = [tick for tick in tick_labels(svg) if tick != "Chờ lâu"]
    assert ticks and all(tick.isdigit() for tick in ticks), ticks
