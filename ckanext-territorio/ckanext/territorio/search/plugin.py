"""The ``territorio_search`` plugin: CKAN's search on PostgreSQL, usable on its own.

It needs nothing else of ckanext-territorio: load it (``ckan.plugins =
territorio_search ...``), run ``ckan db upgrade -p territorio_search`` for the
index table, and ``ckan search-index rebuild``. With ``search_backend = solr``
CKAN keeps talking to Solr.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import action, backend


@tk.blanket.config_declarations
@tk.blanket.actions(action)
class TerritorioSearchPlugin(p.SingletonPlugin):
    """Routes CKAN's search connection to the PostgreSQL engine (or leaves Solr)."""

    p.implements(p.IConfigurer)

    # IConfigurer

    def update_config(self, config: tk.CKANConfig) -> None:
        """Install the engine behind CKAN's search, or restore Solr's connection."""
        backend.configure(config)
