"""Template helpers of the framework: scheming choices and display names from the vocabularies."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ... import current
from ...fields import decode_list
from ...language import current_lang
from ...vocab import Framework, LocalizedText

__all__ = [
    "territorio_comuna_choices",
    "territorio_dimension_choices",
    "territorio_facet_label",
    "territorio_framework",
    "territorio_frequency_choices",
    "territorio_initiative_status_choices",
    "territorio_linked_datasets",
    "territorio_region_choices",
    "territorio_subdimension_choices",
]

Choice = dict[str, Any]


def _label(text: LocalizedText) -> dict[str, str]:
    """A scheming language-text dict ({"es": ..., "en": ...})."""
    return {"es": text.es, "en": text.en or text.es}


def _same(text: str) -> dict[str, str]:
    return {"es": text, "en": text}


def territorio_framework() -> Framework:
    """The framework and territories (dimensions, regions, comunas, assignments)."""
    return current.framework()


def territorio_dimension_choices(field: dict[str, Any]) -> list[Choice]:
    """The seven dimensions, in the plan's order."""
    return [
        {"value": d.slug, "label": _label(d.label)}
        for d in current.framework().dimensions
        if not d.cross_cutting
    ]


def territorio_subdimension_choices(field: dict[str, Any]) -> list[Choice]:
    """Every sub-dimension, labelled with its dimension, enabling elements last."""
    return [
        {
            "value": s.slug,
            "label": {
                "es": f"{d.label.es}: {s.label.es}",
                "en": f"{d.label.en or d.label.es}: {s.label.en or s.label.es}",
            },
        }
        for d in current.framework().dimensions
        for s in d.subdimensions
    ]


def territorio_region_choices(field: dict[str, Any]) -> list[Choice]:
    """The national code, then the 16 regions from north to south (as in regiones.yaml)."""
    fw = current.framework()
    national: Choice = {
        "value": fw.national.code,
        "label": {"es": f"{fw.national.name} (nacional)", "en": f"{fw.national.name} (national)"},
    }
    return [national] + [
        {"value": r.iso, "label": _same(f"{r.name} ({r.iso})")}
        for r in fw.regions
    ]


def territorio_comuna_choices(field: dict[str, Any]) -> list[Choice]:
    """The 346 comunas by CUT code, labelled with their region (and its code, for the form)."""
    fw = current.framework()
    return [
        {
            "value": c.cut,
            "label": _same(f"{c.name} ({fw.region_by_iso[c.region].name})"),
            "region": c.region,
        }
        for c in fw.comunas
    ]


def territorio_frequency_choices(field: dict[str, Any]) -> list[Choice]:
    """The EU frequency table codes, most frequent first."""
    return [
        {"value": f.code, "label": _label(f.label)}
        for f in current.frequency_table().frequencies
    ]


def territorio_initiative_status_choices(field: dict[str, Any]) -> list[Choice]:
    """The initiative statuses as scheming choices, labelled in Spanish and English."""
    return [
        {"value": s.slug, "label": _label(s.label)}
        for s in current.framework().initiative_statuses
    ]


def territorio_facet_label(field: str, value: str, lang: str | None = None) -> str:
    """The display name of a facet value ("CL-AR" → "La Araucanía"); the value if unknown."""
    lang = lang or current_lang()
    fw = current.framework()
    if field in ("dimension", "subdimension"):
        item = fw.dimension_by_slug.get(value) or fw.subdimension_by_slug.get(value)
        return item.label.get(lang) if item else value
    if field == "region":
        if value == fw.national.code:
            return fw.national.name
        region = fw.region_by_iso.get(value)
        return region.name if region else value
    if field == "comuna":
        comuna = fw.comuna_by_cut.get(value)
        return comuna.name if comuna else value
    if field == "frequency":
        frequency = current.frequency_table().by_code.get(value)
        return frequency.label.get(lang) if frequency else value
    if field == "status":
        status = next((s for s in fw.initiative_statuses if s.slug == value), None)
        return status.label.get(lang) if status else value
    return value


def territorio_linked_datasets(ids: list[str] | str | None) -> list[dict[str, Any]]:
    """The linked datasets (id, name, title) the current user can see, in stored order."""
    found = []
    for ref in decode_list(ids):
        try:
            dataset = tk.get_action("package_show")({}, {"id": ref})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
        found.append({"id": dataset["id"], "name": dataset["name"], "title": dataset["title"]})
    return found
