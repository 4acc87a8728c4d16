"""Wiring of the territorio plugin into CKAN."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import vocabularies
from .dcat import settings as dcat_settings
from .implementations import TerritorioFacets, TerritorioPolicy, TerritorioSearchIndex
from .logic import policy_service
from .search import backend


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
class TerritorioPlugin(
    TerritorioSearchIndex, TerritorioFacets, TerritorioPolicy, p.SingletonPlugin
):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)

    # IConfigurer

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        backend.configure(config)
        dcat_settings.configure(config)

    # IConfigurable

    def configure(self, config: tk.CKANConfig) -> None:
        vocabularies.load()
        # a bad policy file stops start-up with its file and line, like the vocabularies
        policy_service.current()
