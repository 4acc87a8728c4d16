"""After a dataset is saved: its metadata report, and its files queued for the content rules.

With ``policy.defer_checks`` (the default) the save only marks its checks pending, in its own
transaction, and queues one job (policy/jobs.territorio_dataset_checks); the answer says so in
``territorio_checks``. Without it, everything runs in the request, as before.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from .. import config
from ..policy import checks
from ..policy import jobs as policy_jobs
from ..policy import service as policy_service
from ..policy import store as policy_store

log = logging.getLogger(__name__)

# package_update also carries resource_create/_update/_patch/_delete and package_patch
SAVING_ACTIONS = ("package_create", "package_update")


def _package_id(result: Any) -> str | None:
    package_id = result if isinstance(result, str) else (result or {}).get("id")
    return str(package_id) if package_id else None


def _deferred(context: Any) -> bool:
    return config.policy_defer_checks() and not context.get(policy_service.INTERNAL)


def on_dataset_saved(sender: str, **kwargs: Any) -> None:
    """action_succeeded listener (sent after the action committed): checks queued or run."""
    context = kwargs.get("context") or {}
    if context.get("defer_commit"):
        return  # a caller that commits later: nothing is visible yet (the batch scores it)
    result = kwargs.get("result")
    package_id = _package_id(result)
    if not package_id:
        return
    if not _deferred(context):
        policy_jobs.checked(package_id, context)
        return
    requested = checks.take_requested(package_id)
    if requested:
        try:
            files = len(result.get("resources") or []) if isinstance(result, dict) else 1
            policy_jobs.enqueue_checks(package_id, files)
        except Exception:
            # the row stays pending and the page says so; the next save queues it again
            log.exception("No se pudieron encolar las validaciones del conjunto %s", package_id)
    if isinstance(result, dict):
        # CKAN returns the very dict it sends with action_succeeded: the answer says so
        result["territorio_checks"] = checks.summary(
            package_id, private=bool(result.get("private")), just_saved=requested
        )


def _after_save(context: Any, pkg_dict: dict[str, Any]) -> None:
    """Inside the save's transaction: the hold the validator decided, the pending row."""
    package_id = str(pkg_dict["id"])
    if pkg_dict.get("name") and checks.take_hold(str(pkg_dict["name"])):
        policy_store.hold(package_id, checks.HOLD_REASON)
    if _deferred(context) and not context.get("defer_commit"):
        checks.requested(package_id)


class TerritorioPolicy(p.SingletonPlugin):
    """The data-use policy: reports after every dataset save (see logic/validators/policy)."""

    p.implements(p.ISignal, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        """Check datasets after every action that saves one."""
        return {
            tk.signals.action_succeeded: [
                {"receiver": on_dataset_saved, "sender": action} for action in SAVING_ACTIONS
            ]
        }

    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        """The new dataset's hold and pending checks, committed with it."""
        if pkg_dict.get("id"):
            _after_save(context, pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        """The updated dataset's hold and pending checks, committed with it."""
        if pkg_dict.get("id"):
            _after_save(context, pkg_dict)
