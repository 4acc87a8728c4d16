"""After a dataset is saved or deleted: its quality score, and its links queued for a check."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from .. import config
from ..logic import policy_jobs, policy_service
from ..model.quality import QualityScore
from ..quality import service, store

log = logging.getLogger(__name__)

# package_update also carries resource_create/_update/_patch/_delete and package_patch
SAVING_ACTIONS = ("package_create", "package_update")
DELETING_ACTIONS = ("package_delete", "dataset_purge")
BULK_ACTIONS = ("bulk_update_private", "bulk_update_public", "bulk_update_delete")


def _package_id(kwargs: dict[str, Any]) -> str | None:
    result = kwargs.get("result")
    if isinstance(result, str):
        return result
    if isinstance(result, dict) and result.get("id"):
        return str(result["id"])
    data_dict = kwargs.get("data_dict") or {}
    return str(data_dict["id"]) if data_dict.get("id") else None


def _enqueue_link_check(package_id: str) -> None:
    try:
        from ..quality import links
    except ImportError:  # the link checker is not installed
        return
    links.enqueue_package(package_id)


def on_dataset_saved(sender: str, **kwargs: Any) -> None:
    """action_succeeded listener (sent after the action committed)."""
    context = kwargs.get("context") or {}
    if context.get("defer_commit"):
        return  # a caller that commits later: nothing is visible yet (the batch scores it)
    package_id = _package_id(kwargs)
    if not package_id:
        return
    if config.quality_score_on_save():
        # a score is never worth failing the publisher's save: it already committed
        try:
            service.dataset_saved(package_id)
        except Exception:
            log.exception("No se pudo puntuar la calidad del conjunto %s", package_id)
            model.Session.rollback()
            return
    try:
        if config.quality_check_links() and not context.get(policy_service.INTERNAL):
            _enqueue_link_check(package_id)
    except Exception:
        # the next batch run scores it and `ckan territorio links check` checks it
        log.exception("No se pudieron encolar los trabajos de calidad del conjunto %s", package_id)


def on_dcat_validated(package_id: str, **kwargs: Any) -> None:
    """The dataset's DCAT-AP report is stored: its compliance indicator can be scored."""
    try:
        service.rescore(package_id)
    except Exception:
        # the next batch run scores it
        log.exception("No se pudo puntuar la calidad del conjunto %s", package_id)
        model.Session.rollback()


def on_dataset_deleted(sender: str, **kwargs: Any) -> None:
    """Deleted or purged datasets leave the score table (their history stays)."""
    data_dict = kwargs.get("data_dict") or {}
    key = str(data_dict.get("id") or "")
    if not key:
        return
    try:
        model.Session.execute(
            sa.delete(QualityScore.__table__).where(
                sa.or_(QualityScore.package_id == key, QualityScore.name == key)
            )
        )
        model.Session.commit()
    except Exception:
        log.exception("No se pudo quitar el puntaje de calidad del conjunto %s", key)
        model.Session.rollback()


def on_bulk_update(sender: str, **kwargs: Any) -> None:
    """An organization's bulk publish/unpublish/delete: the stored flags follow."""
    data_dict = kwargs.get("data_dict") or {}
    ids = [str(i) for i in data_dict.get("datasets") or []]
    if not ids:
        return
    try:
        if sender == "bulk_update_delete":
            store.delete(ids)
        else:
            model.Session.execute(
                sa.update(QualityScore.__table__)
                .where(QualityScore.package_id.in_(ids))
                .values(private=sender == "bulk_update_private")
            )
        model.Session.commit()
    except Exception:
        log.exception("No se pudieron actualizar los puntajes de calidad (%s)", sender)
        model.Session.rollback()


class TerritorioQuality(p.SingletonPlugin):
    """The quality audit: each dataset scored after it is saved (see quality/)."""

    p.implements(p.ISignal, inherit=True)

    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        # cooperative: the plugin class has other ISignal mixins after this one (policy)
        subscriptions = dict(super().get_signal_subscriptions())
        signal = tk.signals.action_succeeded
        earlier: list[Any] = list(subscriptions.get(signal, []))
        receivers: list[Any] = []
        for action in SAVING_ACTIONS:
            # blinker calls a signal's receivers in no fixed order, and the score reads the
            # reports the policy's listener records: one receiver runs that one, then ours
            before = tuple(s["receiver"] for s in earlier if s.get("sender") == action)
            earlier = [s for s in earlier if s.get("sender") != action]
            receivers.append({"receiver": _in_order(action, before), "sender": action})
        receivers += [
            {"receiver": on_dataset_deleted, "sender": action} for action in DELETING_ACTIONS
        ]
        receivers += [{"receiver": on_bulk_update, "sender": action} for action in BULK_ACTIONS]
        subscriptions[signal] = [*earlier, *receivers]
        subscriptions[policy_jobs.DCAT_VALIDATED] = [on_dcat_validated]
        return subscriptions


# one function object per action and listeners, so that unloading disconnects what loading
# connected (and blinker's weak reference stays alive)
_CHAINS: dict[tuple[str, tuple[Any, ...]], Any] = {}


def _in_order(action: str, before: tuple[Any, ...]) -> Any:
    key = (action, before)
    if key not in _CHAINS:

        def chained(sender: str, **kwargs: Any) -> None:
            for receiver in before:
                receiver(sender, **kwargs)
            on_dataset_saved(sender, **kwargs)

        chained.__name__ = chained.__qualname__ = f"on_{action}_policy_then_quality"
        _CHAINS[key] = chained
    return _CHAINS[key]
