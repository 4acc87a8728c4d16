"""Wiring of the territorio plugin into CKAN."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import vocabularies
from .cli import territorio as territorio_cli
from .dcat import settings as dcat_settings
from .harvesters.cli import harvest as harvest_cli
from .implementations import TerritorioFacets, TerritorioPolicy, TerritorioSearchIndex
from .logic import policy_service
from .search import backend

territorio_cli.add_command(harvest_cli)  # `ckan territorio harvest ...`


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
class TerritorioPlugin(
    TerritorioSearchIndex,
    TerritorioFacets,
    TerritorioPolicy,
    DefaultTranslation,
    p.SingletonPlugin,
):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)  # English for the Spanish texts (i18n/en)

    # IConfigurer

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "territorio")
        backend.configure(config)
        dcat_settings.configure(config)

    # IConfigurable

    def configure(self, config: tk.CKANConfig) -> None:
        vocabularies.load()
        # a bad policy file stops start-up with its file and line, like the vocabularies
        policy_service.current()
