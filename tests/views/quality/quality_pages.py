"""Expected figures as the Spanish pages write them, and the summary they come from."""
from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from ckan.tests.helpers import call_action


def es(value: float | int | None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="es")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{es(value)} %"


def share(value: float | None) -> str:
    return "–" if value is None else percent(round(value * 100, 1))


def summary(who: str | None = "auditora", **params: Any) -> dict[str, Any]:
    """territorio_quality_summary as `who` calls it (None: anonymous)."""
    context = {"user": who, "ignore_auth": False} if who else {"ignore_auth": False}
    return call_action("territorio_quality_summary", context, **params)
