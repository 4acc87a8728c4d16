"""After a dataset is saved or deleted: its quality score, and its links queued for a check."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from .. import config, signals
from ..model.quality import QualityScore
from ..policy import checks
from ..policy import service as policy_service
from ..quality import links, service, store

log = logging.getLogger(__name__)

DELETING_ACTIONS = ("package_delete", "dataset_purge")
BULK_ACTIONS = ("bulk_update_private", "bulk_update_public", "bulk_update_delete")


def on_dataset_checked(package_id: str, **kwargs: Any) -> None:
    """The policy recorded the saved dataset's reports: score it, queue its link check."""
    context = kwargs.get("context") or {}
    if config.quality_score_on_save():
        # a score is never worth failing the publisher's save: it already committed
        try:
            service.dataset_saved(package_id)
        except Exception:
            log.exception("No se pudo puntuar la calidad del conjunto %s", package_id)
            model.Session.rollback()
            return
    try:
        if not config.quality_check_links() or context.get(policy_service.INTERNAL):
            return
        if context.get(checks.INLINE):
            links.check_package(package_id)  # already in the deferred checks' job
        else:
            links.enqueue_package(package_id)
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
            # the datasets' own flags: a bulk publish leaves held or blocked ones private
            package = model.package_table
            model.Session.execute(
                sa.update(QualityScore.__table__)
                .where(QualityScore.package_id.in_(ids))
                .values(
                    private=sa.select(package.c.private)
                    .where(package.c.id == QualityScore.package_id)
                    .scalar_subquery()
                )
            )
        model.Session.commit()
    except Exception:
        log.exception("No se pudieron actualizar los puntajes de calidad (%s)", sender)
        model.Session.rollback()


class TerritorioQuality(p.SingletonPlugin):
    """The quality audit: each dataset scored after the policy checked it (see quality/)."""

    p.implements(p.ISignal, inherit=True)

    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        """Listen for the policy's checks, DCAT-AP validation, deletions and bulk updates."""
        signal = tk.signals.action_succeeded
        deleting = [{"receiver": on_dataset_deleted, "sender": a} for a in DELETING_ACTIONS]
        bulk = [{"receiver": on_bulk_update, "sender": a} for a in BULK_ACTIONS]
        return {
            # after the policy's reports, never racing them (see signals.py)
            signals.DATASET_CHECKED: [on_dataset_checked],
            signals.DCAT_VALIDATED: [on_dcat_validated],
            signal: deleting + bulk,
        }
