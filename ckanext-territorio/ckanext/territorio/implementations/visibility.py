"""Permissions follow the data: when a dataset changes hands, its index entry and score do too.

CKAN 2.12's ``package_owner_org_update`` commits the new owner without reindexing, so the
search index kept the old organisation's permission label: its members still found a private
dataset they may no longer read.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search

from ..quality import service as quality_service

log = logging.getLogger(__name__)

MOVING_ACTIONS = ("package_owner_org_update",)


def on_owner_moved(sender: str, **kwargs: Any) -> None:
    """Reindex the dataset under its new owner and restore its score's organisation."""
    context = kwargs.get("context") or {}
    if context.get("defer_commit"):
        return  # the caller (package_create/update) reindexes the whole dataset itself
    package = model.Package.get(str((kwargs.get("data_dict") or {}).get("id") or ""))
    if package is None:
        return
    search.rebuild(package.id)
    try:
        quality_service.dataset_saved(package.id)
    except Exception:
        # the next batch run scores it; the index, which guards access, is already right
        log.exception("No se pudo actualizar la calidad del conjunto %s", package.id)
        model.Session.rollback()


class TerritorioVisibility(p.SingletonPlugin):
    """Reindexing after the changes of visibility core does not reindex."""

    p.implements(p.ISignal, inherit=True)

    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        """Listen to the actions that change who may see a dataset."""
        return {
            tk.signals.action_succeeded: [
                {"receiver": on_owner_moved, "sender": action} for action in MOVING_ACTIONS
            ]
        }
