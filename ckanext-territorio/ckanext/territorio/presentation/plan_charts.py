"""The plan's priorities as an SVG grid built on the server: dimensions by actor (or region).

Each cell shows the rank the plan gives (1 = first, darker the higher), a star where the plan
stresses the dimension without ranking it, an arrow down where it puts it second, and nothing
where the plan says nothing: the chart never invents a rank. Like the quality charts, it is
written with ElementTree (labels escaped), carries <title> and <desc>, and the pages print the
same figures as a table next to it.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from .quality.charts import ACCENT, GRID, INK, MUTED, svg_root

STAR = "★"
DOWN = "↓"
# rank 1..7 → fill, from the accent (first) to a pale tint (seventh)
RANK_FILLS = ("#16505f", "#1d6a80", "#3f8597", "#6aa3b1", "#96bfc9", "#bfd8de", "#dfecef")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: a rank (1-7), a standing (destacada, secundaria) or nothing; its tooltip."""

    rank: int | None = None
    standing: str | None = None
    tooltip: str = ""


def _wrap(label: str, width: int = 15) -> list[str]:
    """A label in lines of about ``width`` characters, split at spaces (at most three lines)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > 3:
        lines = [*lines[:2], " ".join(lines[2:])]
    return lines


def _text(parent: ET.Element, x: float, y: float, content: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(
        parent, "text",
        {"x": f"{x:g}", "y": f"{y:g}", "fill": attrs.pop("fill", INK), "font-size": "12", **attrs},
    )
    element.text = content
    return element


def rank_grid(
    columns: Sequence[str],
    rows: Sequence[str],
    cells: Sequence[Sequence[Cell]],
    *,
    chart_id: str,
    title: str,
    description: str,
    row_width: int = 190,
    column_width: int = 104,
) -> str:
    """Rows (dimensions) by columns (actors or regions), ``cells[row][column]``."""
    header = 16 * max((len(_wrap(c)) for c in columns), default=1) + 14
    row_h = 34
    width = row_width + column_width * len(columns) + 8
    height = header + row_h * len(rows) + 8
    svg = svg_root(width, height, chart_id, title, description, "territorio-chart territorio-rank-grid")
    for j, column in enumerate(columns):
        x = row_width + column_width * j + column_width / 2
        label = _text(svg, x, 14, "", fill=MUTED,
                      **{"text-anchor": "middle", "font-size": "11", "font-weight": "600"})
        for k, line in enumerate(_wrap(column)):
            span = ET.SubElement(label, "tspan", {"x": f"{x:g}", "dy": "0" if k == 0 else "15"})
            span.text = line
    for i, row in enumerate(rows):
        y = header + row_h * i
        ET.SubElement(svg, "line", {"x1": "0", "x2": str(width), "y1": f"{y:g}", "y2": f"{y:g}",
                                    "stroke": GRID, "stroke-width": "1"})
        _text(svg, 4, y + row_h / 2 + 4, row, **{"font-size": "13"})
        for j, cell in enumerate(cells[i]):
            cx = row_width + column_width * j + column_width / 2
            cy = y + row_h / 2
            group = ET.SubElement(svg, "g", {"class": "territorio-rank-cell"})
            if cell.tooltip:
                ET.SubElement(group, "title").text = cell.tooltip
            if cell.rank is not None:
                fill = RANK_FILLS[min(cell.rank, len(RANK_FILLS)) - 1]
                ink = "#ffffff" if cell.rank <= 4 else INK
                ET.SubElement(group, "circle", {"cx": f"{cx:g}", "cy": f"{cy:g}", "r": "12",
                                                "fill": fill})
                _text(group, cx, cy + 4.5, str(cell.rank), fill=ink,
                      **{"text-anchor": "middle", "font-size": "13", "font-weight": "700"})
            elif cell.standing == "destacada":
                ET.SubElement(group, "circle", {"cx": f"{cx:g}", "cy": f"{cy:g}", "r": "12",
                                                "fill": "none", "stroke": ACCENT,
                                                "stroke-width": "2"})
                _text(group, cx, cy + 5, STAR, fill=ACCENT,
                      **{"text-anchor": "middle", "font-size": "14"})
            elif cell.standing == "secundaria":
                _text(group, cx, cy + 5, DOWN, fill=MUTED,
                      **{"text-anchor": "middle", "font-size": "16"})
            else:
                _text(group, cx, cy + 4, "·", fill=GRID,
                      **{"text-anchor": "middle", "font-size": "16"})
    return ET.tostring(svg, encoding="unicode")
