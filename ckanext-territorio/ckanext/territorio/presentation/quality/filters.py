"""The filters of a quality view, read from the query string and checked.

The query string keeps the page's state (region, comuna, dimension, organizacion, agrupar),
so a filtered view can be bookmarked, shared and downloaded with the same filters.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk

from ... import current
from .labels import GROUPINGS

# query-string name → the summary action's parameter
PARAMS = {"region": "region", "comuna": "comuna", "dimension": "dimension", "organizacion": "organization"}
GROUP_PARAM = "agrupar"


@dataclass(frozen=True, slots=True)
class Filters:
    """A quality view's filters: region, comuna, dimension and organization."""

    region: str | None = None
    comuna: str | None = None
    dimension: str | None = None
    organization: str | None = None

    def for_action(self) -> dict[str, str]:
        """The filters the summary action takes, only those set."""
        return {key: value for key, value in self._pairs() if value}

    def for_url(self) -> dict[str, str]:
        """The filters as query-string parameters, only those set."""
        names = {action: query for query, action in PARAMS.items()}
        return {names[key]: value for key, value in self._pairs() if value}

    def _pairs(self) -> list[tuple[str, str | None]]:
        return [
            ("region", self.region),
            ("comuna", self.comuna),
            ("dimension", self.dimension),
            ("organization", self.organization),
        ]

    def __bool__(self) -> bool:
        return bool(self.for_action())


def _value(args: Mapping[str, Any], name: str) -> str | None:
    """The parameter's value, None when absent or blank."""
    value = args.get(name)
    if value is None:
        return None
    return str(value).strip() or None


def parse(args: Mapping[str, Any]) -> Filters:
    """Filters from the query string; an unknown value raises ValidationError keyed by field."""
    fw = current.framework()
    errors: dict[str, list[str]] = {}
    region, comuna, dimension, organization = (_value(args, name) for name in PARAMS)
    if region and region != fw.national.code and region not in fw.region_by_iso:
        errors["region"] = [tk._("No existe la región «{value}».").format(value=region)]
    if comuna:
        found = fw.comuna_by_cut.get(comuna)
        if found is None:
            errors["comuna"] = [tk._("No existe la comuna con código «{value}».").format(value=comuna)]
        elif region and region in fw.region_by_iso and found.region != region:
            errors["comuna"] = [
                tk._("La comuna {comuna} no pertenece a la región elegida.").format(comuna=found.name)
            ]
    if dimension:
        item = fw.dimension_by_slug.get(dimension)
        if item is None or item.cross_cutting:
            errors["dimension"] = [tk._("No existe la dimensión «{value}».").format(value=dimension)]
    if organization:
        try:
            # scores name their organization by name: an id given here becomes the name
            organization = tk.get_action("organization_show")(
                {}, {"id": organization, "include_datasets": False, "include_users": False,
                     "include_extras": False, "include_tags": False, "include_groups": False}
            )["name"]
        except (tk.ObjectNotFound, tk.NotAuthorized):
            errors["organizacion"] = [
                tk._("No existe la organización «{value}».").format(value=organization)
            ]
    if errors:
        raise tk.ValidationError(errors)
    return Filters(region, comuna, dimension, organization)


def parse_grouping(args: Mapping[str, Any], default: str = "organization") -> str:
    """The dashboard's grouping (organization | region | comuna | dimension)."""
    value = _value(args, GROUP_PARAM) or default
    if value not in GROUPINGS:
        raise tk.ValidationError(
            {GROUP_PARAM: [tk._("No se puede agrupar por «{value}».").format(value=value)]}
        )
    return value
