"""territorio_framework_show: the plan's framework and Chile's territories as the API serves them."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ... import current
from ...dcat.uris import FrameworkURIs
from ...vocab import CRITERIA, Assignment, Dimension, Framework, LocalizedText, Provenance, Region
from .. import schema

__all__ = ["territorio_framework_show"]


def _text(text: LocalizedText) -> dict[str, str | None]:
    return {"es": text.es, "en": text.en}


def _dimension(dimension: Dimension, uris: FrameworkURIs) -> dict[str, Any]:
    return {
        "slug": dimension.slug,
        "uri": uris.dimension(dimension.slug),
        "label": _text(dimension.label),
        "description": _text(dimension.description),
        "subdimensions": [
            {
                "slug": s.slug,
                "uri": uris.subdimension(s.slug),
                "label": _text(s.label),
                "provenance": provenance(s.provenance),
                "aliases": [{"slug": a.slug, "dimension": a.dimension} for a in s.aliases],
            }
            for s in dimension.subdimensions
        ],
    }


def provenance(item: Provenance) -> dict[str, Any]:
    """A sub-dimension's provenance: ``kind`` (plan, inferida, sin_base), ``quote``, ``note``."""
    return {"kind": item.kind, "quote": item.quote, "note": item.note}


def _region(
    region: Region, fw: Framework, uris: FrameworkURIs, include_comunas: bool
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "iso": region.iso,
        "cut": region.cut,
        "roman": region.roman,
        "name": region.name,
        "official_name": region.official_name,
        "uri": uris.region(region.iso),
        "capital": region.capital,
        "provinces": [{"cut": p.cut, "name": p.name} for p in region.provinces],
    }
    if include_comunas:
        result["comunas"] = [
            {"cut": c.cut, "name": c.name, "province": c.province, "uri": uris.comuna(c.cut)}
            for c in fw.comunas
            if c.region == region.iso
        ]
    return result


def assignment(item: Assignment) -> dict[str, Any]:
    """A lead assignment with the criteria behind it and whether the lead may be shared."""
    return {
        "region": item.region,
        "dimension": item.dimension,
        "whole_dimension": not item.subdimensions,
        "subdimensions": list(item.subdimensions),
        "emphasis": list(item.emphasis),
        "criteria": {c: c in item.criteria for c in CRITERIA},
        "shared": item.shared is not None,
        "shared_quote": item.shared.quote if item.shared else None,
        "quote": item.quote,
        "rationale": _text(item.rationale),
    }


@tk.side_effect_free
@tk.validate(schema.territorio_framework_show)
def territorio_framework_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The framework of the Territorio Inteligente plan and Chile's territories.

    One source of truth for the portal's vocabularies (``schemas/vocab/``): the seven
    dimensions with their sub-dimensions, the cross-cutting enabling elements, the 16
    regions with their provinces and comunas (CUT codes in force), the plan's lead
    assignments (which region leads which dimension), the initiative statuses and the
    update frequencies. Every sub-dimension says where it comes from (``provenance``: ``plan``
    with the plan's words, ``inferida`` with the text it was inferred from, ``sin_base``) and
    its former slugs (``aliases``). The plan's evidence and recommendations are in
    ``territorio_plan_show``. Labels come in Spanish (``es``) and English (``en``); every
    concept carries the URI the DCAT output uses for it.

    :param region: only this region and its assignments (ISO 3166-2 code such as
        ``CL-AR``, CUT number ``9`` or roman numeral ``IX``) (optional)
    :type region: string
    :param dimension: only this dimension and its assignments (slug, e.g.
        ``medio-ambiente``) (optional)
    :type dimension: string
    :param include_comunas: list each region's comunas (optional, default ``true``)
    :type include_comunas: bool

    :returns: ``dimensions`` (list), ``enabling_elements`` (the cross-cutting group, or
        null), ``national`` (the country code ``CL`` used for national coverage),
        ``regions`` (list, with ``comunas`` unless ``include_comunas`` is false),
        ``assignments`` (each with its ``criteria`` marks, ``emphasis`` and ``shared`` flag),
        ``initiative_statuses``, ``frequencies`` and ``counts``
        (numbers of dimensions, sub-dimensions, regions and of the regions' comunas)
    :rtype: dictionary
    """
    tk.check_access("territorio_framework_show", context, data_dict)
    fw = current.framework()
    uris = FrameworkURIs()
    region_filter = data_dict.get("region")
    dimension_filter = data_dict.get("dimension")
    include_comunas = data_dict["include_comunas"]

    dimensions = [
        d
        for d in fw.dimensions
        if not d.cross_cutting and dimension_filter in (None, d.slug)
    ]
    enabling = next((d for d in fw.dimensions if d.cross_cutting), None)
    if dimension_filter is not None and enabling is not None and enabling.slug != dimension_filter:
        enabling = None
    regions = [r for r in fw.regions if region_filter in (None, r.iso)]
    assignments = [
        a
        for a in fw.assignments
        if region_filter in (None, a.region) and dimension_filter in (None, a.dimension)
    ]
    region_codes = {r.iso for r in regions}
    frequencies = current.frequency_table()
    return {
        "scheme": uris.scheme,
        "dimensions": [_dimension(d, uris) for d in dimensions],
        "enabling_elements": _dimension(enabling, uris) if enabling else None,
        "national": {
            "code": fw.national.code,
            "name": fw.national.name,
            "uri": uris.region(fw.national.code),
        },
        "regions": [_region(r, fw, uris, include_comunas) for r in regions],
        "assignments": [assignment(a) for a in assignments],
        "initiative_statuses": [
            {"slug": s.slug, "label": _text(s.label)} for s in fw.initiative_statuses
        ],
        "frequencies": [
            {"code": f.code, "uri": frequencies.uri(f.code), "label": _text(f.label)}
            for f in frequencies.frequencies
        ],
        "counts": {
            "dimensions": len(dimensions),
            "subdimensions": sum(len(d.subdimensions) for d in dimensions),
            "regions": len(regions),
            "comunas": sum(1 for c in fw.comunas if c.region in region_codes),
        },
    }
