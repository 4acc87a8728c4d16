"""Template helpers of the quality pages."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ..quality import formats, labels
from ..quality.tables import Column, display

__all__ = [
    "territorio_quality_badge",
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


# the fixes shown to the dataset's editors under the badge, largest gain first
BADGE_FIXES = 3


def territorio_quality_badge(pkg: dict[str, Any]) -> dict[str, Any] | None:
    """The dataset page's quality badge: score, rating and, for its editors, the top fixes.

    None when the dataset has no score yet (or the user may not see it); the score is read
    through ``territorio_quality_show``, so its permission rules hold here too.
    """
    user = tk.current_user
    context: dict[str, Any] = {"user": user.name if user.is_authenticated else ""}
    try:
        shown = tk.get_action("territorio_quality_show")(dict(context), {"id": pkg["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    try:
        tk.check_access("package_update", dict(context), {"id": pkg["id"]})
        editor = True
    except tk.NotAuthorized:
        editor = False
    return {
        "rating": shown["rating"],
        "rating_label": shown["rating_label"],
        "percent": shown["percent"],
        "points": shown["points"],
        "max_points": shown["max_points"],
        "scored_at": shown["scored_at"],
        "methodology": shown["methodology"],
        "organization": shown["organization"],
        "editor": editor,
        "fixes": shown["fixes"][:BADGE_FIXES] if editor else [],
        "more_fixes": max(len(shown["fixes"]) - BADGE_FIXES, 0) if editor else 0,
    }
