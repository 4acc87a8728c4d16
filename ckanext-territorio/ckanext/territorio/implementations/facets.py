"""The search page's facets: the framework and the territory first."""
from __future__ import annotations

from collections import OrderedDict

import ckan.plugins as p
import ckan.plugins.toolkit as tk

# Core facets kept after ours, with the titles core gave them.
KEPT_CORE_FACETS = ("organization", "tags", "res_format")


def territorial_facets() -> OrderedDict[str, str]:
    """The territorial facets, in the order the search page shows them."""
    return OrderedDict(
        [
            ("dimension", tk._("Dimensiones")),
            ("subdimension", tk._("Subdimensiones")),
            ("region", tk._("Regiones")),
            ("comuna", tk._("Comunas")),
            ("frequency", tk._("Frecuencia de actualización")),
        ]
    )


class TerritorioFacets(p.SingletonPlugin):
    """The search facets: the territorial ones first, then the core ones kept."""

    p.implements(p.IFacets, inherit=True)

    def dataset_facets(
        self, facets_dict: OrderedDict[str, str], package_type: str
    ) -> OrderedDict[str, str]:
        """The territorial facets and the core ones kept (status, not frequency, on initiatives)."""
        facets = territorial_facets()
        for field in KEPT_CORE_FACETS:
            if field in facets_dict:
                facets[field] = facets_dict[field]
        if package_type == "iniciativa":
            facets["status"] = tk._("Estado")
            del facets["frequency"]
        facets_dict.clear()
        facets_dict.update(facets)
        return facets_dict

    def organization_facets(
        self, facets_dict: OrderedDict[str, str], organization_type: str, package_type: str | None
    ) -> OrderedDict[str, str]:
        """The territorial facets before the organization page's own."""
        facets = territorial_facets()
        facets.update(facets_dict)
        facets_dict.clear()
        facets_dict.update(facets)
        return facets_dict
