"""Wiring of the territorio plugin into CKAN."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import vocabularies
from .cli import territorio as territorio_cli
from .dcat import settings as dcat_settings
from .harvesters.cli import harvest as harvest_cli
from .implementations import (
    TerritorioFacets,
    TerritorioPolicy,
    TerritorioQuality,
    TerritorioSearchIndex,
)
from .logic import policy_service
from .quality import sensor_ranges
from .quality import service as quality_service
from .quality.cli import auditor as auditor_cli
from .quality.cli import quality as quality_cli
from .quality.links_cli import links as links_cli

territorio_cli.add_command(harvest_cli)  # `ckan territorio harvest ...`
territorio_cli.add_command(links_cli)  # `ckan territorio links check ...`
territorio_cli.add_command(quality_cli)  # `ckan territorio quality ...`
territorio_cli.add_command(auditor_cli)  # `ckan territorio auditor ...`


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
class TerritorioPlugin(  # needs territorio_search (or Solr) loaded for its search

    TerritorioSearchIndex,
    TerritorioFacets,
    TerritorioQuality,  # before TerritorioPolicy: both subscribe to signals (cooperative)
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
        dcat_settings.configure(config)

    # IConfigurable

    def configure(self, config: tk.CKANConfig) -> None:
        vocabularies.load()
        # a bad policy file stops start-up with its file and line, like the vocabularies
        policy_service.current()
        # and so does a bad scoring file or an unknown scoring profile
        quality_service.profile_id()
        sensor_ranges.current()  # checked against the policy's variables
