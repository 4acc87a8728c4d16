"""The site's own words in the page's language: its description and the initiative type's name."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["humanize_entity_type", "territorio_site_description"]

# ckan.site_description as deploy/config/ckan.ini.in sets it: the portal translates this one
DEFAULT_DESCRIPTION = "Portal de datos abiertos de los territorios inteligentes de Chile"


def territorio_site_description() -> str:
    """ckan.site_description, in English on the English site when it is the portal's own."""
    description = tk.config.get("ckan.site_description") or ""
    if description.strip() == DEFAULT_DESCRIPTION:
        return tk._("Portal de datos abiertos de los territorios inteligentes de Chile")
    return description


def _initiative_texts() -> dict[str, str]:
    """CKAN's texts around a dataset type, for initiatives (CKAN would say "Add Iniciativa")."""
    return {
        "add link": tk._("Agregar iniciativa"),
        "breadcrumb": tk._("Iniciativas"),
        "content tab": tk._("Iniciativas"),
        "create label": tk._("Crear iniciativa"),
        "create title": tk._("Crear iniciativa"),
        "delete confirmation": tk._("¿Está seguro de que desea eliminar esta iniciativa?"),
        "description placeholder": tk._("Qué hace la iniciativa, dónde y con quién..."),
        "edit label": tk._("Editar iniciativa"),
        "facet label": tk._("Iniciativas"),
        "form label": tk._("Formulario de la iniciativa"),
        "main nav": tk._("Iniciativas"),
        "view label": tk._("Ver iniciativa"),
        "my label": tk._("Mis iniciativas"),
        "name placeholder": tk._("<iniciativa>"),
        "no any objects": tk._("Todavía no hay iniciativas."),
        "no description": tk._("No hay una descripción para esta iniciativa"),
        "page title": tk._("Iniciativas"),
        "save label": tk._("Guardar iniciativa"),
        "search placeholder": tk._("Buscar iniciativas..."),
        "update label": tk._("Actualizar iniciativa"),
        # not a purpose: CKAN's package/search.html titles the page _(dataset_type.title())
        "type title": tk._("Iniciativa"),
    }


@tk.chained_helper
def humanize_entity_type(
    next_helper: Callable[..., Any], entity_type: str, object_type: str, purpose: str
) -> Any:
    """CKAN's helper, with the initiative type's texts in the page's language."""
    if entity_type == "package" and object_type == "iniciativa":
        text = _initiative_texts().get(purpose)
        if text:
            return text
    return next_helper(entity_type, object_type, purpose)
