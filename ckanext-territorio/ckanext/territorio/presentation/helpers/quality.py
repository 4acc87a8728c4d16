"""Template helpers of the quality pages."""
from __future__ import annotations

from typing import Any

from ..quality import formats, labels
from ..quality.tables import Column, display

__all__ = [
    "territorio_quality_cell",
    "territorio_quality_number",
    "territorio_quality_percent",
    "territorio_quality_points",
    "territorio_quality_rating",
    "territorio_quality_share",
]


def territorio_quality_cell(column: Column, value: Any) -> str:
    """A table cell as the page shows it (numbers in the page's language)."""
    return display(column, value)


def territorio_quality_number(value: float | int | None, decimals: int = 1) -> str:
    """The number written for the request's language with ``decimals`` decimals (– for None)."""
    return formats.number(value, decimals)


def territorio_quality_points(value: float | int | None) -> str:
    """30.0 → "30"; 7.5 → "7,5"."""
    return formats.points(value)


def territorio_quality_percent(value: float | int | None) -> str:
    """61.5 → "61,5 %"."""
    return formats.percent(value)


def territorio_quality_share(value: float | int | None) -> str:
    """0.615 → "61,5 %"."""
    return formats.share(value)


def territorio_quality_rating(key: str | None) -> str:
    """excellent → "Excelente"."""
    return labels.rating(key)
