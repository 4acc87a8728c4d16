"""Names of ratings, groupings and quality dimensions as the pages write them."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ... import current
from ...language import current_lang
from ...quality.terms import GROUPINGS, RATINGS

__all__ = ["GROUPINGS", "RATINGS", "grouping", "quality_dimension", "rating"]


def rating(key: str | None) -> str:
    """excellent → Excelente ... (MQA's bands)."""
    names = {
        "excellent": tk._("Excelente"),
        "good": tk._("Buena"),
        "sufficient": tk._("Suficiente"),
        "bad": tk._("Deficiente"),
    }
    return names.get(key or "", key or "–")


def grouping(key: str) -> str:
    """The grouping's name in a column header (the dashboard's "agrupar por")."""
    names = {
        "organization": tk._("Organización"),
        "region": tk._("Región"),
        "comuna": tk._("Comuna"),
        "dimension": tk._("Dimensión"),
    }
    return names.get(key, key)


def quality_dimension(key: str) -> str:
    """A quality dimension's name as the scoring file gives it (MQA's five, the portal's own)."""
    dimension = current.quality().dimension_by_id.get(key)
    if dimension is not None:
        return dimension.label.get(current_lang())
    names = {
        "findability": tk._("Encontrabilidad"),
        "accessibility": tk._("Accesibilidad"),
        "interoperability": tk._("Interoperabilidad"),
        "reusability": tk._("Reutilización"),
        "contextuality": tk._("Contexto"),
        "datos": tk._("Datos"),
    }
    return names.get(key, key.replace("_", " ").capitalize())
