"""Wiring of the territorio plugin into CKAN."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from .search import backend


@tk.blanket.config_declarations
class TerritorioPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        backend.configure(config)
