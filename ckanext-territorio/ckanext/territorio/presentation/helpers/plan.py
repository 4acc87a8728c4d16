"""Template helpers and chart builders of the plan's pages (/plan, regions, dimensions, matrix)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ckan.plugins.toolkit as tk

from ... import current
from ...language import current_lang
from ...vocab import CRITERIA, Assignment, Framework
from ...vocab.plan_model import Priority, Recommendation
from ..plan_charts import Cell, rank_grid

__all__ = [
    "territorio_criteria_marks",
    "territorio_plan",
    "territorio_priority_text",
    "territorio_provenance_label",
    "territorio_status_label",
]

Column = tuple[str, Sequence[Priority]]


def territorio_plan() -> Any:
    """The plan's evidence, strategy and recommendations (schemas/plan/)."""
    return current.plan()


def territorio_priority_text(priority: Priority | None) -> str:
    """"1.º", "destacada", "secundaria" or "—" (the plan says nothing)."""
    if priority is None:
        return "—"
    if priority.rank is not None:
        return tk._("{n}.º").format(n=priority.rank)
    if priority.standing == "destacada":
        return tk._("destacada")
    return tk._("secundaria")


def territorio_status_label(status: str) -> str:
    """A recommendation's status as the page writes it."""
    labels = {
        "implementada": tk._("Implementada"),
        "parcial": tk._("Parcial"),
        "pendiente": tk._("Pendiente"),
    }
    return labels.get(status, status)


def territorio_provenance_label(kind: str) -> str:
    """A sub-dimension's provenance as the page writes it."""
    labels = {
        "plan": tk._("nombrada en el plan"),
        "inferida": tk._("inferida del plan"),
        "sin_base": tk._("sin base en el plan"),
    }
    return labels.get(kind, kind)


def territorio_criteria_marks(assignment: Assignment) -> list[tuple[str, str, bool]]:
    """(slug, label, marked) for each of the four criteria behind a lead assignment."""
    lang = current_lang()
    labels = {c.slug: c.label.get(lang) for c in current.plan().criteria}
    return [(c, labels.get(c, c), c in assignment.criteria) for c in CRITERIA]


def priority_of(priorities: Sequence[Priority], dimension: str) -> Priority | None:
    """The entry for ``dimension``, or None where the plan does not mention it."""
    return next((p for p in priorities if p.dimension == dimension), None)


def _tooltip(column: str, dimension: str, priority: Priority | None) -> str:
    text = f"{column} · {dimension}: {territorio_priority_text(priority)}"
    if priority is not None and priority.figure:
        text += f" ({priority.figure})"
    return text


def priority_chart(
    columns: Sequence[Column], fw: Framework, *, chart_id: str, title: str
) -> str:
    """The grid of the seven dimensions by ``columns`` (label, priorities), as SVG."""
    lang = current_lang()
    dimensions = [d for d in fw.dimensions if not d.cross_cutting]
    cells = []
    for dimension in dimensions:
        label = dimension.label.get(lang)
        row = []
        for column, priorities in columns:
            item = priority_of(priorities, dimension.slug)
            row.append(Cell(
                rank=item.rank if item else None,
                standing=item.standing if item else None,
                tooltip=_tooltip(column, label, item),
            ))
        cells.append(row)
    description = tk._(
        "Puesto de cada dimensión según el plan (1 = primera); estrella: destacada sin puesto; "
        "flecha: en segundo plano; punto: el plan no la menciona."
    )
    return rank_grid(
        [c for c, _ in columns],
        [d.label.get(lang) for d in dimensions],
        cells,
        chart_id=chart_id,
        title=title,
        description=description,
    )


def recommendations_by_group(
    recommendations: Sequence[Recommendation],
) -> dict[str, list[Recommendation]]:
    """Recommendations under their group's slug, in the file's order."""
    groups: dict[str, list[Recommendation]] = {}
    for item in recommendations:
        groups.setdefault(item.group, []).append(item)
    return groups
