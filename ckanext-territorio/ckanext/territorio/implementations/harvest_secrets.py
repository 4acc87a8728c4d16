"""Harvest source configs shown and indexed with their secrets masked (``configurada``)."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins as p

from ..model import source_secret
from ..secrets import keys

HARVEST_TYPE = "harvest"
_INDEXED_DICTS = ("data_dict", "validated_data_dict")


def _mask_dict(pkg_dict: dict[str, Any], stored: set[str]) -> None:
    """Mask the config field and a ``config`` extra of a dataset dict, in place."""
    if "config" in pkg_dict:
        pkg_dict["config"] = keys.masked(pkg_dict["config"], stored)
    for extra in pkg_dict.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == "config":
            extra["value"] = keys.masked(extra.get("value"), stored)


class TerritorioHarvestSecrets(p.SingletonPlugin):
    """No secret of a harvest source in package_show, harvest_source_show or the index."""

    p.implements(p.IPackageController, inherit=True)

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        """Show a harvest source's secrets as the mask (and the stored ones as present)."""
        if pkg_dict.get("type") == HARVEST_TYPE:
            _mask_dict(pkg_dict, source_secret.names_of(pkg_dict.get("id")))
        return pkg_dict

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        """Index a harvest source, and the dicts the index caches, with its secrets masked."""
        if HARVEST_TYPE not in (pkg_dict.get("type"), pkg_dict.get("dataset_type")):
            return pkg_dict
        stored = source_secret.names_of(pkg_dict.get("id"))
        _mask_dict(pkg_dict, stored)
        if "extras_config" in pkg_dict:
            pkg_dict["extras_config"] = keys.masked(pkg_dict["extras_config"], stored)
        for name in _INDEXED_DICTS:
            if isinstance(pkg_dict.get(name), str):
                cached = json.loads(pkg_dict[name])
                if isinstance(cached, dict):
                    _mask_dict(cached, stored)
                    pkg_dict[name] = json.dumps(cached)
        return pkg_dict
