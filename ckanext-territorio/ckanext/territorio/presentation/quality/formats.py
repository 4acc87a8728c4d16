"""Numbers as the page's language writes them (61,5 % in Spanish, 61.5 % in English)."""
from __future__ import annotations

from babel.numbers import format_decimal

from ...language import current_lang


def number(value: float | int | None, decimals: int = 1, lang: str | None = None) -> str:
    """``1.234,5`` in Spanish; an en dash when there is no value."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=lang or current_lang())


def percent(value: float | int | None, lang: str | None = None) -> str:
    """A percentage (0–100) with one decimal: ``61,5 %``."""
    return "–" if value is None else f"{number(value, 1, lang)} %"


def share(value: float | int | None, lang: str | None = None) -> str:
    """A share (0–1) as a percentage: 0.25 → ``25,0 %``."""
    return "–" if value is None else percent(round(float(value) * 100, 1), lang)


def points(value: float | int | None, lang: str | None = None) -> str:
    """Points as the methodology writes them: whole when whole (30), else one decimal (7,5)."""
    if value is None:
        return "–"
    return number(value, 0 if float(value).is_integer() else 1, lang)
