"""Harvest source secrets are write-only: core's and ckanext-harvest's writes and lists, chained.

ckanext-harvest's source form and ``harvest_source_create``/``_update``/``_patch`` all end in
``package_create``/``package_update``, so chaining those two covers every write: the secret
keys of a harvest config go to ``territorio_source_secret`` and the config keeps the rest.
``harvest_source_list`` dictizes ``harvest_source`` rows without ``package_show``: its
configs are masked here (shows and the index are masked in implementations/harvest_secrets).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search
from ckan.types import Action, Context, DataDict

from ...model import source_secret
from ...secrets import keys

__all__ = ["harvest_source_list", "package_create", "package_update"]

HARVEST_TYPE = "harvest"


def _is_harvest(data_dict: DataDict, *, existing: bool) -> bool:
    if data_dict.get("type"):
        return data_dict["type"] == HARVEST_TYPE
    if not existing:
        return False
    package = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    return package is not None and package.type == HARVEST_TYPE


def _split(data_dict: DataDict) -> tuple[DataDict, dict[str, str | None]]:
    """The request with the public config, and the secret changes it asked for."""
    config = keys.load(data_dict.get("config"))
    if config is None or not keys.has_secrets(config):
        return data_dict, {}
    try:
        public, changes = keys.split(config)
    except ValueError as exc:
        raise tk.ValidationError({"config": [str(exc)]}) from None
    return {**data_dict, "config": json.dumps(public, ensure_ascii=False)}, changes


def _store(context: Context, source_id: str, changes: Mapping[str, str | None]) -> None:
    if not changes:
        return
    source_secret.apply(source_id, changes)
    if not context.get("defer_commit"):
        model.Session.commit()


def _shown(result: Any, source_id: str) -> Any:
    """The answer with its config as stored now: secrets dropped, the stored ones masked.

    package_update answers with the dataset as it was shown before when only a secret
    changed (core's "no change" shortcut), so the config is rebuilt rather than trusted.
    """
    if isinstance(result, dict) and "config" in result:
        config = keys.load(result["config"])
        if config is not None:
            public = {k: v for k, v in config.items() if not keys.is_secret(k)}
            result["config"] = keys.masked(json.dumps(public, ensure_ascii=False), source_secret.names_of(source_id))
    return result


@tk.chained_action
def package_create(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Core's package_create; a harvest source's secrets are stored apart from its config."""
    if not _is_harvest(data_dict, existing=False):
        return up_func(context, data_dict)
    public, changes = _split(data_dict)
    result = up_func(context, public)
    source_id = result if isinstance(result, str) else result["id"]
    additions = {k: v for k, v in changes.items() if v is not None}
    _store(context, source_id, additions)
    if additions and not context.get("defer_commit"):
        search.rebuild(source_id)  # indexed by core before the secrets were stored: mask them
    return _shown(result, source_id)


@tk.chained_action
def package_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Core's package_update; a harvest source's secrets are stored apart from its config.

    A secret left out or sent as the mask (``configurada``) keeps its stored value; an empty
    one (``"api_key": ""``) removes it.
    """
    if not _is_harvest(data_dict, existing=True):
        return up_func(context, data_dict)
    public, changes = _split(data_dict)
    package = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if package is None or not changes:
        return up_func(context, public)
    # nothing is written for a caller who may not edit the source
    tk.check_access("package_update", dict(context), {**public, "id": package.id})
    # flushed first, so the reindex that follows the update sees them; a validation error
    # rolls them back with the rest of the session
    source_secret.apply(package.id, changes)
    result = up_func(context, public)
    if not context.get("defer_commit"):
        # core commits only when the dataset changed; a secret alone is no change for it
        model.Session.commit()
        search.rebuild(package.id)
    return _shown(result, package.id)


@tk.chained_action
@tk.side_effect_free
def harvest_source_list(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-harvest's harvest_source_list, with every secret of the configs masked.

    Checks the ``harvest_source_list`` auth function first (the stock action does not).
    """
    tk.check_access("harvest_source_list", context, data_dict)
    sources = up_func(context, data_dict)
    for source in sources:
        if isinstance(source, dict) and "config" in source:
            source["config"] = keys.masked(source["config"], source_secret.names_of(source.get("id")))
    return sources
