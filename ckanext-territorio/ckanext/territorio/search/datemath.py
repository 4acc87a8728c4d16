"""Solr date values and date math (``NOW-1DAY``, ``2024-01-01T00:00:00Z+1MONTH/DAY``)."""
from __future__ import annotations

import datetime
import re
from typing import Any

from ckan.lib.search.common import SearchQueryError
from dateutil.parser import ParserError, isoparse
from dateutil.relativedelta import relativedelta

_UNITS = {
    "YEAR": "years", "YEARS": "years",
    "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days",
    "HOUR": "hours", "HOURS": "hours",
    "MINUTE": "minutes", "MINUTES": "minutes",
    "SECOND": "seconds", "SECONDS": "seconds",
    "MILLI": "microseconds", "MILLIS": "microseconds",
    "MILLISECOND": "microseconds", "MILLISECONDS": "microseconds",
}
_AMOUNT = re.compile(r"(\d{1,9})([A-Z]+)")
_ROUNDING = ["years", "months", "days", "hours", "minutes", "seconds", "microseconds"]


def _round(value: datetime.datetime, unit: str) -> datetime.datetime:
    keep = _ROUNDING.index(unit)
    reset: dict[str, Any] = {
        "month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0
    }
    names = ["month", "day", "hour", "minute", "second", "microsecond"]
    return value.replace(**{n: reset[n] for n in names[keep:]})


def _split_anchor(text: str) -> tuple[str, str]:
    """Split ``2024-01-01T00:00:00Z+1DAY`` into the date and its math."""
    if text.startswith("NOW"):
        return "NOW", text[3:]
    end = text.find("Z")
    if end == -1:
        return text, ""
    return text[: end + 1], text[end + 1 :]


def parse(text: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """A timezone-aware datetime for a Solr date expression."""
    now = now or datetime.datetime.now(datetime.UTC)
    anchor, math = _split_anchor(text.strip())
    if anchor == "NOW":
        value = now
    else:
        try:
            value = isoparse(anchor)
        except (ValueError, OverflowError, ParserError) as error:
            raise SearchQueryError(f"Fecha no válida en la consulta: {text!r}") from error
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
    i = 0
    while i < len(math):
        op = math[i]
        j = i + 1
        while j < len(math) and math[j] not in "+-/":
            j += 1
        operand = math[i + 1:j]
        i = j
        if op == "/":
            unit = _UNITS.get(operand)
            if unit is None:
                raise SearchQueryError(f"Unidad de fecha no válida: {operand!r}")
            value = _round(value, unit)
            continue
        matched = _AMOUNT.fullmatch(operand)
        unit = _UNITS.get(matched.group(2)) if matched else None
        if matched is None or unit is None:
            raise SearchQueryError(f"Aritmética de fecha no válida: {text!r}")
        amount = int(matched.group(1)) * (1000 if unit == "microseconds" else 1)
        try:
            delta = relativedelta(**{unit: amount})
            value = value + delta if op == "+" else value - delta
        except (OverflowError, ValueError) as error:
            raise SearchQueryError(
                f"Fecha fuera de rango en la consulta: {text[:80]!r} (años 1 a 9999)."
            ) from error
    return value
