"""Charts as inline SVG, drawn by pygal on the server: no JavaScript, nothing from a CDN,
and they print exactly as they show (the report's A4 page embeds the same SVG)."""
from __future__ import annotations

import functools
import math
import re

import pygal
from markupsafe import Markup
from pygal.style import Style

from hailong.i18n import cut_percent

STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#13233a", foreground_strong="#13233a",
    foreground_subtle="#4a5a70", opacity=".9", opacity_hover="1", transition="0s",
    colors=("#0b4f8a", "#b3261e", "#0f6b35", "#8a5a00", "#6a3d9a"),
    font_family="system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif",
    label_font_size=12, major_label_font_size=12, no_data_font_size=18, value_font_size=12, legend_font_size=13,
    title_font_size=15,
)


GOOD_BAD = Style(**{**STYLE.__dict__, "colors": ("#b3261e", "#0f6b35")})  # dissatisfied red, the rest green


def _config(**extra) -> dict:
    # js=[]: pygal would otherwise load its tooltip script from a CDN; offices lose internet.
    from flask_babel import gettext as _

    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": 560, "height": 280,
            "explicit_size": False, "legend_at_bottom": True, "show_legend": True, "margin": 10,
            "truncate_label": -1, "truncate_legend": -1, "no_data_text": _("Chưa có dữ liệu"), **extra}


_CONFIG_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.S)


def _remembered(draw):
    """Draw a chart once per inputs and language: a chart is a pure function of its data, so a page shown
    again over the same figures (the same totals) reuses the SVG instead of running pygal (10–90 ms each)."""
    @functools.lru_cache(maxsize=256)
    def cached(locale: str, args: tuple, kwargs: tuple):
        return draw(*[_unfrozen(arg) for arg in args], **{name: _unfrozen(arg) for name, arg in kwargs})

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        from flask_babel import get_locale

        return cached(str(get_locale()), _frozen(list(args)), tuple(sorted(_frozen(kwargs)[1])))
    return wrapper


def _frozen(value):
    if isinstance(value, dict):
        return ("__dict__", tuple((str(key), _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return str(value) if value.__class__.__name__ == "LazyString" else value


def _unfrozen(value):
    if isinstance(value, tuple) and value[:1] == ("__dict__",):
        return {key: _unfrozen(item) for key, item in value[1]}
    if isinstance(value, tuple):
        return [_unfrozen(item) for item in value]
    return value


def _svg(chart) -> Markup:
    # pygal inlines its tooltip settings as a script even with js=[]; without the script it
    # reads them for nothing, and a strict Content-Security-Policy would log an error.
    return Markup(_CONFIG_SCRIPT.sub("", chart.render(is_unicode=True)))


def _percent_of_100(value: float | None) -> str:
    """Axis and values in the page's locale: 10,0% beside 95,2% in Vietnamese, 10.0% in English."""
    from hailong.i18n import percent

    return percent(None if value is None else value / 100)


def _number(value: int) -> str:
    from hailong.i18n import number

    return number(value)


def _whole_ticks(top: float) -> list[int]:
    """About five whole-number ticks from 0 past ``top``: counts of taps have no fractions."""
    step = max(1, math.ceil(top / 5))
    return list(range(0, int(top) + step + 1, step))


@_remembered
def rate_line(title: str, labels: list[str], series: dict[str, list[float | None]],
              target: float | None = None) -> Markup:
    """Rates (0..1) per month as lines in percent, with the target as a dashed line."""
    chart = pygal.Line(**_config(title=title, range=(0, 100), include_x_axis=True, dots_size=3, x_label_rotation=0,
                                 value_formatter=_percent_of_100,
                                 allow_interruptions=True))
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, [None if v is None else cut_percent(v) for v in values])  # cut, like every rate shown
    if target is not None:
        from flask_babel import gettext as _

        chart.add(_("Mục tiêu %(value)s%%", value=round(100 * target)), [round(100 * target, 1)] * len(labels),
                  show_dots=False, stroke_style={"dasharray": "6, 4", "width": 2})
    return _svg(chart)


@_remembered
def stacked_counts(title: str, labels: list[str], series: dict[str, list[int]]) -> Markup:
    """Counts per label, stacked (e.g. taps by level per hour), on whole-number ticks in the page's locale."""
    tallest = max(map(sum, zip(*series.values(), strict=True)), default=0)
    chart = pygal.StackedBar(**_config(title=title, print_values=False, style=GOOD_BAD,
                                       value_formatter=lambda v: _number(round(v)), y_labels=_whole_ticks(tallest)))
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _svg(chart)


@_remembered
def horizontal_bars(title: str, items: list[tuple[str, float]], percent: bool = False) -> Markup:
    """One bar per item (reasons, areas), largest first."""
    formatter = _percent_of_100 if percent else (lambda v: _number(round(v)))
    top = max((value for _, value in items), default=0)
    chart = pygal.HorizontalBar(**_config(title=title, show_legend=False, print_values=True,
                                          height=max(160, 40 + 34 * len(items)), value_formatter=formatter,
                                          y_labels=_whole_ticks(top)))
    chart.x_labels = [label for label, _ in reversed(items)]
    chart.add(title, [value for _, value in reversed(items)])
    return _svg(chart)
