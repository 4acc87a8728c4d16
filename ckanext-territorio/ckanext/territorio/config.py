"""Typed getters for the ckanext.territorio.* options (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

SEARCH_BACKEND = "ckanext.territorio.search_backend"


def search_backend() -> str:
    """``postgres`` (embedded, default) or ``solr``."""
    return tk.config[SEARCH_BACKEND]


def spatial_geom_field() -> str:
    """The field ckanext-spatial's solr-spatial-field backend writes the extent to."""
    return tk.config["ckanext.spatial.solr_geom_field_name"]
