"""After a dataset is saved: its metadata report, and its files queued for the content rules."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from .. import signals
from ..policy import jobs as policy_jobs
from ..policy import service as policy_service

log = logging.getLogger(__name__)

# package_update also carries resource_create/_update/_patch/_delete and package_patch
SAVING_ACTIONS = ("package_create", "package_update")


def _package_id(result: Any) -> str | None:
    package_id = result if isinstance(result, str) else (result or {}).get("id")
    return str(package_id) if package_id else None


def _check(package_id: str) -> None:
    # a report is never worth failing the publisher's save: it already committed
    try:
        jobs = policy_service.dataset_saved(package_id)
    except Exception:
        log.exception("No se pudieron registrar las validaciones del conjunto %s", package_id)
        model.Session.rollback()
        return
    try:
        policy_jobs.enqueue(jobs)
    except Exception:
        # the reports stay "pending"; territorio_validation_run queues them again
        log.exception("No se pudieron encolar las validaciones del conjunto %s", package_id)


def on_dataset_saved(sender: str, **kwargs: Any) -> None:
    """action_succeeded listener (sent after the action committed); then DATASET_CHECKED."""
    context = kwargs.get("context") or {}
    if context.get("defer_commit"):
        return  # a caller that commits later: nothing is visible yet (the batch scores it)
    package_id = _package_id(kwargs.get("result"))
    if not package_id:
        return
    if not context.get(policy_service.INTERNAL):  # not the policy's own changes
        _check(package_id)
    signals.DATASET_CHECKED.send(package_id, context=context)


class TerritorioPolicy(p.SingletonPlugin):
    """The data-use policy: reports after every dataset save (see logic/validators/policy)."""

    p.implements(p.ISignal, inherit=True)

    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        """Check datasets after every action that saves one."""
        return {
            tk.signals.action_succeeded: [
                {"receiver": on_dataset_saved, "sender": action} for action in SAVING_ACTIONS
            ]
        }
