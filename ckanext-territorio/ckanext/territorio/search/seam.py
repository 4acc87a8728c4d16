"""The one place that reaches into CKAN's search internals.

CKAN has no interface for replacing its search engine: core modules import
``make_connection`` by name from ``ckan.lib.search.common`` and call it for
every index write and query, and start-up calls
``ckan.lib.search.check_solr_schema_version()``, which fetches Solr's schema
over HTTP. Rebinding those names (never editing CKAN's files) is the seam;
everything behind it is ours.
"""
from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import ckan.lib.search as search
import ckan.lib.search.common as common
import ckan.plugins as p

log = logging.getLogger(__name__)

# Modules that hold their own reference to ``make_connection``.
_CONNECTION_USERS = (
    "ckan.lib.search",
    "ckan.lib.search.common",
    "ckan.lib.search.index",
    "ckan.lib.search.query",
)
# ckanext-harvest's actions import it too. Importing that module attaches
# harvest's mappers to Package (and dataset_purge then needs harvest's tables),
# so it is rebound only when the harvest plugin is loaded or already imported.
_HARVEST_USER = "ckanext.harvest.logic.action.update"
_HARVEST_PLUGIN = "harvest"

_originals: dict[tuple[str, str], Any] = {}


def _module_names() -> list[str]:
    names = list(_CONNECTION_USERS)
    if _HARVEST_USER in sys.modules or p.plugin_loaded(_HARVEST_PLUGIN):
        names.append(_HARVEST_USER)
    return names


def _modules() -> list[ModuleType]:
    found = []
    for name in _module_names():
        try:
            found.append(importlib.import_module(name))
        except ImportError:
            continue
    return found


def _rebind(module: ModuleType, attribute: str, value: Any) -> None:
    key = (module.__name__, attribute)
    if key not in _originals:
        _originals[key] = getattr(module, attribute)
    setattr(module, attribute, value)


def install(make_connection: Callable[..., Any], schema_check: Callable[..., bool]) -> None:
    """Route CKAN's search through ``make_connection``."""
    for module in _modules():
        if hasattr(module, "make_connection"):
            _rebind(module, "make_connection", make_connection)
    _rebind(search, "check_solr_schema_version", schema_check)
    log.debug("CKAN search routed to %s", make_connection)


def restore() -> None:
    """Give CKAN back its own Solr connection (``search_backend = solr``)."""
    for (module_name, attribute), original in _originals.items():
        setattr(importlib.import_module(module_name), attribute, original)
    _originals.clear()


def original_make_connection() -> Callable[..., Any]:
    """CKAN's own (Solr) ``make_connection``, whether or not the seam is installed."""
    return _originals.get(("ckan.lib.search.common", "make_connection"), common.make_connection)
