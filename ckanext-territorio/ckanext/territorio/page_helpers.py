"""Template helpers of the territorial pages (re-exported by helpers.py)."""
from __future__ import annotations

from . import coverage, vocabularies
from .vocab import Assignment, LocalizedText

__all__ = [
    "territorio_assignment_label",
    "territorio_overview",
    "territorio_text",
]


def _lang() -> str:
    # helpers.py re-exports this module, so importing it at the top would be circular
    from .helpers import current_lang

    return current_lang()


def territorio_overview() -> coverage.Overview:
    """Counts per dimension and per region for the home page (two searches)."""
    return coverage.build_overview(vocabularies.current())


def territorio_text(text: LocalizedText) -> str:
    """A vocabulary text in the page's language, Spanish when there is no translation."""
    return text.get(_lang())


def _in_sentence(label: str) -> str:
    """"Movilidad sostenible" → "movilidad sostenible"; acronyms ("TNE") stay as they are."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def territorio_assignment_label(assignment: Assignment) -> str:
    """"Movilidad: movilidad sostenible, transporte público integrado" (or just "Movilidad")."""
    fw = vocabularies.current()
    lang = _lang()
    dimension = fw.dimension_by_slug[assignment.dimension].label.get(lang)
    subdimensions = [
        _in_sentence(fw.subdimension_by_slug[slug].label.get(lang))
        for slug in assignment.subdimensions
    ]
    return f"{dimension}: {', '.join(subdimensions)}" if subdimensions else dimension
