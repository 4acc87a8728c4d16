"""Charts as SVG built on the server: bars (vertical and horizontal), a line over time, and the
scoreboard's card.

ElementTree writes the markup, so every label is escaped and the result is well-formed.
Each chart carries a <title> and <desc> (read by screen readers through aria-labelledby);
the pages also print the chart's numbers as a table next to it.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2d3d"
MUTED = "#566573"
GRID = "#e3e9ee"
ACCENT = "#1d6a80"

# the rating bands' colours, from best to worst (text never sits on them)
RATING_COLOURS = {
    "excellent": "#1e7b34",
    "good": "#5b9e2d",
    "sufficient": "#d99a00",
    "bad": "#c0392b",
}


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a bar chart: its label, value, written value and colour."""

    label: str  # under the bar (left of it in a horizontal chart)
    value: float
    text: str  # the value as the page writes it, over the bar (or at its end)
    colour: str = ACCENT
    key: str = ""  # what the bar stands for (a region's ISO code), as data-key
    href: str = ""  # where the bar leads (horizontal charts only)
    # horizontal charts: the first ``part`` of the value drawn over the bar in ``part_colour``
    part: float = 0.0
    part_colour: str = INK


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a line chart: its date label, value and written value."""

    label: str  # on the x axis (a date)
    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Stat:
    """A figure on the scoreboard's card: its label and written value."""

    label: str
    value: str


def svg_root(
    width: int, height: int, chart_id: str, title: str, description: str, css_class: str = "territorio-chart"
) -> ET.Element:
    """An accessible <svg> root of the given size: labelled by its <title> and <desc>."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": css_class,
            "id": chart_id,
            "font-family": FONT,
            "preserveAspectRatio": "xMidYMid meet",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _text(parent: ET.Element, x: float, y: float, content: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(
        parent,
        "text",
        {"x": _n(x), "y": _n(y), "fill": attrs.pop("fill", INK), "font-size": "12", **attrs},
    )
    element.text = content
    return element


def _n(value: float) -> str:
    """Coordinates with at most one decimal, without trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_ceiling(value: float) -> float:
    """The axis maximum: 1, 2, 2.5 or 5 times a power of ten, at least `value` (and > 0)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def tick_count(top_value: float, whole: bool) -> int:
    """Gridlines above zero: four, or as many (≤ 5) as give whole steps for counts."""
    if not whole:
        return 4
    for count in (5, 4, 2, 1):
        if (top_value / count).is_integer():
            return count
    return 1


def _y_axis(
    svg: ET.Element, left: float, top: float, width: float, height: float, top_value: float,
    suffix: str = "", whole: bool = False,
) -> None:
    ticks = tick_count(top_value, whole)
    for i in range(ticks + 1):
        value = top_value * i / ticks
        y = top + height - height * i / ticks
        ET.SubElement(
            svg,
            "line",
            {"x1": _n(left), "x2": _n(left + width), "y1": _n(y), "y2": _n(y),
             "stroke": GRID if i else MUTED, "stroke-width": "1"},
        )
        label = f"{value:g}{suffix}"
        _text(svg, left - 6, y + 4, label, fill=MUTED, **{"text-anchor": "end", "font-size": "11"})


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    width: int = 640,
    height: int = 240,
) -> str:
    """Vertical bars with their value over each and their label under it."""
    svg = svg_root(width, height, chart_id, title, description)
    left, right, top, bottom = 44.0, 8.0, 20.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_ceiling(max((b.value for b in bars), default=0))
    whole = all(float(b.value).is_integer() for b in bars)
    _y_axis(svg, left, top, plot_w, plot_h, top_value, whole=whole)
    slot = plot_w / max(len(bars), 1)
    bar_w = slot * 0.7
    for i, bar in enumerate(bars):
        x = left + slot * i + (slot - bar_w) / 2
        h = plot_h * bar.value / top_value
        y = top + plot_h - h
        group = ET.SubElement(svg, "g", {"class": "territorio-chart-bar"})
        ET.SubElement(group, "title").text = f"{bar.label}: {bar.text}"
        ET.SubElement(
            group,
            "rect",
            {"x": _n(x), "y": _n(y), "width": _n(bar_w), "height": _n(max(h, 0)),
             "fill": bar.colour, "rx": "2"},
        )
        centre = x + bar_w / 2
        _text(group, centre, y - 5, bar.text, **{"text-anchor": "middle", "font-weight": "600"})
        _text(group, centre, top + plot_h + 16, bar.label, fill=MUTED,
              **{"text-anchor": "middle", "font-size": "11"})
    return ET.tostring(svg, encoding="unicode")


def _estimate(label: str, font_size: float) -> float:
    """A label's width, estimated at 0.56 em a character (no text metrics on the server)."""
    return len(label) * font_size * 0.56


def _two_lines(label: str) -> list[str]:
    """A label split at the space nearest its middle (a single word stays whole)."""
    spaces = [i for i, c in enumerate(label) if c == " "]
    if not spaces:
        return [label]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1:]]


def hbar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    top_value: float | None = None,
    suffix: str = "",
    width: int = 480,
    font_size: int = 13,
    label_share: float = 0.45,
    css_class: str = "",
) -> str:
    """Horizontal bars: labels left of the bars, each value at the end of its bar.

    One row per bar, so long names (regions, dimensions) stay readable: a label too long for
    the label column (at most ``label_share`` of the width) goes on two lines. The scale runs along the
    bottom; ``top_value`` fixes it (100 for percentages), else it fits the data. Bars with an
    ``href`` are links (the chart is then a group of links, not a single image). A bar of no
    value in the muted colour ("not scored") writes its text muted. A bar's ``part`` is drawn
    over its start in ``part_colour`` (answered out of received).
    """
    line_h, bar_h, top, bottom = font_size * 1.9, font_size * 1.1, 6.0, 22.0
    most = width * label_share
    label_w = min(max((_estimate(b.label, font_size) for b in bars), default=0) + 10, most)
    label_w = max(label_w, 60)
    lines = [[b.label] if _estimate(b.label, font_size) + 10 <= label_w else _two_lines(b.label)
             for b in bars]
    heights = [line_h + font_size * 1.15 * (len(ls) - 1) for ls in lines]
    value_w = font_size * 4.6
    plot_x, plot_w = label_w, width - label_w - value_w
    axis_y = top + sum(heights)
    height = round(axis_y + bottom)
    svg = svg_root(width, height, chart_id, title, description,
                   f"territorio-chart territorio-hbar-chart {css_class}".strip())
    if any(b.href for b in bars):
        # a role="img" would hide the links inside it from screen readers
        svg.set("role", "group")
    scale_top = top_value or nice_ceiling(max((b.value for b in bars), default=0))
    whole = top_value is None and all(float(b.value).is_integer() for b in bars)
    # about one gridline per 90 units, so the scale's numbers never touch
    room = max(1, int(plot_w // 90))
    ticks = next(n for n in (5, 4, 2, 1)
                 if n <= room and n <= tick_count(scale_top, whole) and (not whole or (scale_top / n).is_integer()))
    for i in range(ticks + 1):
        x = plot_x + plot_w * i / ticks
        ET.SubElement(svg, "line", {"x1": _n(x), "x2": _n(x), "y1": _n(top), "y2": _n(axis_y),
                                    "stroke": MUTED if i == 0 else GRID, "stroke-width": "1"})
        _text(svg, x, axis_y + 15, f"{scale_top * i / ticks:g}{suffix}", fill=MUTED,
              **{"text-anchor": "start" if i == 0 else "middle", "font-size": "11"})
    y = top
    for bar, label_lines, row_h in zip(bars, lines, heights, strict=True):
        parent = svg
        if bar.href:
            parent = ET.SubElement(svg, "a", {"href": bar.href, "aria-label": f"{bar.label}: {bar.text}"})
        attrs = {"class": "territorio-chart-bar", "data-value": f"{bar.value:g}"}
        if bar.key:
            attrs["data-key"] = bar.key
        group = ET.SubElement(parent, "g", attrs)
        ET.SubElement(group, "title").text = f"{bar.label}: {bar.text}"
        middle = y + row_h / 2
        first = middle + font_size * 0.35 - font_size * 1.15 * (len(label_lines) - 1) / 2
        for k, line in enumerate(label_lines):
            _text(group, label_w - 8, first + font_size * 1.15 * k, line,
                  **{"text-anchor": "end", "font-size": str(font_size)})
        w = plot_w * min(max(bar.value, 0), scale_top) / scale_top
        ET.SubElement(group, "rect", {"x": _n(plot_x), "y": _n(middle - bar_h / 2), "width": _n(w),
                                      "height": _n(bar_h), "fill": bar.colour, "rx": "2"})
        if bar.part > 0:
            part_w = plot_w * min(bar.part, bar.value, scale_top) / scale_top
            ET.SubElement(group, "rect", {"x": _n(plot_x), "y": _n(middle - bar_h / 2), "width": _n(part_w),
                                          "height": _n(bar_h), "fill": bar.part_colour, "rx": "2"})
        empty = not bar.value and bar.colour == MUTED
        _text(group, plot_x + w + 5, middle + font_size * 0.35, bar.text,
              fill=MUTED if empty else INK,
              **{"font-size": str(font_size), "font-weight": "400" if empty else "600"})
        y += row_h
    return ET.tostring(svg, encoding="unicode")


PHONE_WIDTH = 330  # a phone's column is about 300 px: the compact chart keeps its text near 12 px


def responsive_hbar_chart(bars: Sequence[Bar], *, chart_id: str, **options: Any) -> str:
    """The same bars twice: at ``width`` for screens, and compact for phones (each shown by
    the stylesheet at its width), so the text stays readable without scrolling sideways."""
    wide = hbar_chart(bars, chart_id=chart_id, css_class="territorio-chart-desktop", **options)
    compact = hbar_chart(
        bars, chart_id=f"{chart_id}-movil", css_class="territorio-chart-phone",
        **{**options, "width": PHONE_WIDTH, "label_share": 0.5},
    )
    return wide + compact


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    description: str,
    y_max: float = 100,
    suffix: str = " %",
    width: int = 640,
    height: int = 240,
    max_labels: int = 6,
) -> str:
    """Values over time, evenly spaced, with a dot (and its value on hover) at each point."""
    svg = svg_root(width, height, chart_id, title, description)
    left, right, top, bottom = 52.0, 24.0, 16.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max(y_max, nice_ceiling(max((p.value for p in points), default=0)))
    _y_axis(svg, left, top, plot_w, plot_h, top_value, suffix)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * value / top_value

    coordinates = [xy(i, p.value) for i, p in enumerate(points)]
    if len(points) > 1:
        ET.SubElement(
            svg,
            "polyline",
            {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates),
             "fill": "none", "stroke": ACCENT, "stroke-width": "2.5", "stroke-linejoin": "round"},
        )
    every = max(1, math.ceil(len(points) / max_labels))
    for i, (point, (x, y)) in enumerate(zip(points, coordinates, strict=True)):
        group = ET.SubElement(svg, "g", {"class": "territorio-chart-point"})
        ET.SubElement(group, "title").text = f"{point.label}: {point.text}"
        ET.SubElement(group, "circle", {"cx": _n(x), "cy": _n(y), "r": "4", "fill": ACCENT})
        if i % every == 0 or i == len(points) - 1:
            _text(group, x, top + plot_h + 16, point.label, fill=MUTED,
                  **{"text-anchor": "middle", "font-size": "11"})
    return ET.tostring(svg, encoding="unicode")


def card(
    *,
    chart_id: str,
    kicker: str,
    title: str,
    stats: Sequence[Stat],
    notes: Sequence[str] = (),
    footer: str = "",
    width: int = 560,
    height: int = 250,
) -> str:
    """A standalone SVG card (an image for other sites): a heading, big numbers, notes.

    Colours and fonts are attributes, not CSS, as the image is shown outside our pages.
    """
    description = "; ".join(f"{s.label}: {s.value}" for s in stats)
    svg = svg_root(width, height, chart_id, f"{kicker}: {title}", description)
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "rx": "10",
                                "fill": "#ffffff", "stroke": "#c9d3db"})
    ET.SubElement(svg, "path", {"d": f"M0 10a10 10 0 0 1 10-10h{width - 20}a10 10 0 0 1 10 10v54h-{width}z",
                                "fill": "#16505f"})
    _text(svg, 20, 26, kicker, fill="#d6eaf0", **{"font-size": "13"})
    # long official names ("Región del Libertador General Bernardo O'Higgins") in smaller type
    title_size = "20" if len(title) <= 40 else "16"
    _text(svg, 20, 50, title, fill="#ffffff", **{"font-size": title_size, "font-weight": "700"})
    column_w = (width - 40) / max(len(stats), 1)
    for i, stat in enumerate(stats):
        x = 20 + column_w * i
        _text(svg, x, 110, stat.value, **{"font-size": "26", "font-weight": "700"})
        _text(svg, x, 130, stat.label, fill=MUTED, **{"font-size": "12"})
    for i, note in enumerate(notes[:3]):
        _text(svg, 20, 166 + 20 * i, note, fill="#6b4a00", **{"font-size": "13"})
    if footer:
        _text(svg, 20, height - 14, footer, fill=MUTED, **{"font-size": "11"})
    return ET.tostring(svg, encoding="unicode")
