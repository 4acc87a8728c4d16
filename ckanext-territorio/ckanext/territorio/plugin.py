"""Wiring of the territorio plugin into CKAN."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import current
from .dcat import settings as dcat_settings
from .implementations import (
    TerritorioDefaultViews,
    TerritorioFacets,
    TerritorioHarvestSecrets,
    TerritorioPolicy,
    TerritorioQuality,
    TerritorioSearchIndex,
    TerritorioVisibility,
)
from .presentation import helpers
from .quality import service as quality_service


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers(helpers)
@tk.blanket.blueprints
@tk.blanket.cli
class TerritorioPlugin(  # needs territorio_search (or Solr) loaded for its search

    TerritorioSearchIndex,
    TerritorioFacets,
    TerritorioHarvestSecrets,
    TerritorioPolicy,
    TerritorioQuality,  # listens to the policy's signals (signals.py), not to mixin order
    TerritorioVisibility,
    TerritorioDefaultViews,  # DataStore views for every new table
    DefaultTranslation,
    p.SingletonPlugin,
):
    """The portal: territorial schema and pages, data-use policy, quality audit, DCAT."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)  # English for the Spanish texts (i18n/en)

    # ISignal: each mixin subscribes its own receivers

    def get_signal_subscriptions(self) -> dict[object, list[object]]:
        """Every mixin's receivers (policy, quality, visibility, default views) in one mapping."""
        subscriptions: dict[object, list[object]] = {}
        for mixin in (TerritorioPolicy, TerritorioQuality, TerritorioVisibility, TerritorioDefaultViews):
            for signal, receivers in mixin.get_signal_subscriptions(self).items():
                subscriptions.setdefault(signal, []).extend(receivers)
        return subscriptions

    # IPackageController: two mixins shape the index document; both run, the secrets' mask last

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        """The territorial fields of the index document, then harvest secrets masked."""
        pkg_dict = TerritorioSearchIndex.before_dataset_index(self, pkg_dict)
        return TerritorioHarvestSecrets.before_dataset_index(self, pkg_dict)

    # IConfigurer

    def update_config(self, config: tk.CKANConfig) -> None:
        """Templates, assets and the DCAT profiles."""
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "territorio")
        dcat_settings.configure(config)

    # IConfigurable

    def configure(self, config: tk.CKANConfig) -> None:
        """Load and check every data file; a bad one stops start-up with file and line."""
        # a bad vocabulary, policy, scoring or ranges file stops start-up with its file and line
        current.load()
        # and so does an unknown scoring profile
        quality_service.profile_id()
