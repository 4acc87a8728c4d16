"""What the territorial fields put in the search index, and their names in search results."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p

from .. import current
from ..fields import LIST_FIELDS, decode_list
from ..language import current_lang
from ..presentation.helpers.framework import territorio_facet_label
from ..vocab import Framework

# Facet values shown by their vocabulary names rather than their codes.
LABELLED_FACETS = ("dimension", "subdimension", "region", "comuna", "frequency", "status")
TEXT_FIELD = "text"


def territory_names(doc: dict[str, Any], fw: Framework) -> list[str]:
    """Spanish and English names of the document's dimensions, regions and comunas."""
    names: list[str] = []
    for slug in doc.get("dimension", []) + doc.get("subdimension", []):
        item = fw.dimension_by_slug.get(slug) or fw.subdimension_by_slug.get(slug)
        if item:
            names.extend(n for n in (item.label.es, item.label.en) if n)
    for code in doc.get("region", []):
        region = fw.region_by_iso.get(code)
        if region:
            names.extend((region.name, region.official_name))
        elif code == fw.national.code:
            names.append(fw.national.name)
    for cut in doc.get("comuna", []):
        comuna = fw.comuna_by_cut.get(cut)
        if comuna:
            names.append(comuna.name)
    return list(dict.fromkeys(names))


def canonical_subdimensions(doc: dict[str, Any], fw: Framework) -> None:
    """Index a former sub-dimension slug as the one in force, under the dimension it is in now.

    Datasets saved before a sub-dimension moved keep the old slug until they are saved again;
    their facets and dimension pages count them where the sub-dimension is today.
    """
    subs = doc.get("subdimension")
    if not isinstance(subs, list):
        return
    moved = [fw.subdimension_by_slug[s] for s in subs if s in fw.subdimension_alias]
    if not moved:
        return
    current_slugs = [s if s not in fw.subdimension_by_slug else fw.subdimension_by_slug[s].slug
                     for s in subs]
    doc["subdimension"] = list(dict.fromkeys(current_slugs))
    if isinstance(doc.get("dimension"), list):
        doc["dimension"] = list(dict.fromkeys([*doc["dimension"], *(s.dimension for s in moved)]))


class TerritorioSearchIndex(p.SingletonPlugin):
    """Lists and names in the index document; vocabulary names on facet items."""

    p.implements(p.IPackageController, inherit=True)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        """Index list fields as lists and add the territories' names to the text field."""
        for field in LIST_FIELDS:
            for key in (field, f"extras_{field}"):
                if key in pkg_dict:
                    pkg_dict[key] = decode_list(pkg_dict[key])
        fw = current.framework()
        canonical_subdimensions(pkg_dict, fw)
        names = territory_names(pkg_dict, fw)
        if names:
            existing = decode_list(pkg_dict.get(TEXT_FIELD)) if pkg_dict.get(TEXT_FIELD) else []
            pkg_dict[TEXT_FIELD] = existing + names
        return pkg_dict

    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        """Give vocabulary facet items their label in the request's language."""
        lang = current_lang()
        for field, facet in (search_results.get("search_facets") or {}).items():
            if field not in LABELLED_FACETS:
                continue
            for item in facet.get("items", []):
                item["display_name"] = territorio_facet_label(field, item["name"], lang)
        return search_results
