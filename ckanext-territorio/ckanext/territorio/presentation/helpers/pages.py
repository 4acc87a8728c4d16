"""Template helpers of the territorial pages."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ... import coverage, current
from ...language import current_lang
from ...vocab import Assignment, LocalizedText
from ..quality.charts import ACCENT, MUTED, Bar, responsive_hbar_chart

__all__ = [
    "territorio_assignment_label",
    "territorio_overview",
    "territorio_region_chart",
    "territorio_text",
]


def territorio_overview() -> coverage.Overview:
    """Counts per dimension and per region for the home page (two searches)."""
    return coverage.build_overview(current.framework())


def territorio_region_chart(overview: coverage.Overview, chart_id: str = "grafico-regiones-inicio") -> str:
    """The home page's chart: datasets per region, north to south, each bar a link to its page."""
    bars = [
        Bar(
            row.region.name,
            row.counts.datasets,
            str(row.counts.datasets),
            ACCENT if row.counts.datasets else MUTED,  # a region with none: its 0 in grey
            key=row.region.iso,
            href=tk.url_for("territorio_region.read", iso=row.region.iso),
        )
        for row in overview.regions
    ]
    return responsive_hbar_chart(
        bars,
        chart_id=chart_id,
        title=tk._("Conjuntos de datos por región"),
        description=tk._("Conjuntos de datos de cada región, de norte a sur: {counts}.").format(
            counts="; ".join(f"{b.label}: {b.text}" for b in bars)
        ),
    )


def territorio_text(text: LocalizedText) -> str:
    """A vocabulary text in the page's language, Spanish when there is no translation."""
    return text.get(current_lang())


def _in_sentence(label: str) -> str:
    """"Movilidad sostenible" → "movilidad sostenible"; acronyms ("TNE") stay as they are."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def territorio_assignment_label(assignment: Assignment) -> str:
    """"Movilidad: movilidad sostenible, transporte público integrado" (or just "Movilidad")."""
    fw = current.framework()
    lang = current_lang()
    dimension = fw.dimension_by_slug[assignment.dimension].label.get(lang)
    subdimensions = [
        _in_sentence(fw.subdimension_by_slug[slug].label.get(lang))
        for slug in assignment.subdimensions
    ]
    return f"{dimension}: {', '.join(subdimensions)}" if subdimensions else dimension
