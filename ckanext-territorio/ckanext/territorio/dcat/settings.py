"""ckanext-dcat settings the portal needs: our profile unless the operator chose others."""
from __future__ import annotations

from typing import Any

from ckanext.dcat.processors import DEFAULT_RDF_PROFILES, RDF_PROFILES_CONFIG_OPTION

PROFILE = "territorio_dcat_ap"


def configure(ckan_config: Any) -> None:
    """Serialise and parse with ``territorio_dcat_ap`` (it includes euro_dcat_ap_3).

    ckanext-dcat fills its option with its own default before plugins run, so that default
    counts as "not set": an operator who lists other profiles keeps them.
    """
    current = str(ckan_config.get(RDF_PROFILES_CONFIG_OPTION) or "").split()
    if not current or current == DEFAULT_RDF_PROFILES:
        ckan_config[RDF_PROFILES_CONFIG_OPTION] = PROFILE
