"""Template helpers of the territorial pages."""
from __future__ import annotations

from ... import coverage, current
from ...language import current_lang
from ...vocab import Assignment, LocalizedText

__all__ = [
    "territorio_assignment_label",
    "territorio_overview",
    "territorio_text",
]


def territorio_overview() -> coverage.Overview:
    """Counts per dimension and per region for the home page (two searches)."""
    return coverage.build_overview(current.framework())


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
