"""The after-save checks a crash skipped, found and run again.

The policy report, the quality score and the link check run after a save commits (CKAN's
``action_succeeded``): a web worker killed in between leaves a committed, indexed dataset that
nothing will ever check. The scheduler looks for such datasets (active, saved a while ago, with
no metadata report or no score) and runs the same listener a save runs; and for datasets whose
linked resources were never link-checked (the queueing itself was lost), it queues their check.
``ckan territorio quality reconcile`` does the same once.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from ckan import model

from . import config, current
from .implementations import policy as policy_listener
from .quality import links

log = logging.getLogger(__name__)

# longer than a save's own listeners take, so an in-flight save is never checked twice
GRACE = dt.timedelta(minutes=2)
# a queued link check normally runs within minutes; past this it was lost (or its worker died)
LINK_GRACE = dt.timedelta(minutes=30)
BATCH = 200

_UNCHECKED = sa.text(
    """
    SELECT p.id FROM package AS p
    WHERE p.state = 'active' AND p.metadata_modified < :before
      AND ((p.type = ANY(:checked_types) AND NOT EXISTS (
               SELECT 1 FROM territorio_validation_report AS r
               WHERE r.package_id = p.id AND r.kind = 'metadata'))
           OR (p.type = ANY(:scored_types) AND NOT EXISTS (
               SELECT 1 FROM territorio_quality_score AS s WHERE s.package_id = p.id)))
    ORDER BY p.metadata_modified
    LIMIT :limit
    """
)

# resources the link check stores a row for: linked ones (uploads are looked for on disk and
# DataStore-only ones have no URL)
_UNLINKED = sa.text(
    """
    SELECT p.id FROM package AS p
    WHERE p.state = 'active' AND p.metadata_modified < :before AND p.type = ANY(:scored_types)
      AND EXISTS (SELECT 1 FROM resource AS r
                  WHERE r.package_id = p.id AND r.state = 'active'
                    AND COALESCE(r.url_type, '') = '')
      AND NOT EXISTS (SELECT 1 FROM territorio_link_check AS c WHERE c.package_id = p.id)
    ORDER BY p.metadata_modified
    LIMIT :limit
    """
)


def unchecked(now: dt.datetime | None = None, limit: int = BATCH, grace: dt.timedelta = GRACE) -> list[str]:
    """Ids of datasets saved before ``now - grace`` that lack a metadata report or a score."""
    now = now or dt.datetime.now(dt.UTC)
    checked_types = sorted(current.policy().rule("metadata.required").params)
    scored_types = sorted(current.quality().dataset_types) if config.quality_score_on_save() else []
    before = (now - grace).replace(tzinfo=None)  # package.metadata_modified is naive UTC
    rows = model.Session.execute(
        _UNCHECKED,
        {"checked_types": checked_types, "scored_types": scored_types, "before": before,
         "limit": limit},
    )
    return [row.id for row in rows]


def unlinked(now: dt.datetime | None = None, limit: int = BATCH, grace: dt.timedelta = LINK_GRACE) -> list[str]:
    """Ids of datasets saved before ``now - grace`` whose linked resources were never checked
    (empty when link checks are off)."""
    if not config.quality_check_links():
        return []
    now = now or dt.datetime.now(dt.UTC)
    rows = model.Session.execute(
        _UNLINKED,
        {"scored_types": sorted(current.quality().dataset_types),
         "before": (now - grace).replace(tzinfo=None), "limit": limit},
    )
    return [row.id for row in rows]


def run(
    now: dt.datetime | None = None, grace: dt.timedelta = GRACE, link_grace: dt.timedelta = LINK_GRACE
) -> list[str]:
    """Check every dataset a crash left unchecked, as a save would, and queue the link checks
    a crash lost; the ids checked or queued."""
    ids = unchecked(now, grace=grace)
    for package_id in ids:
        log.warning("Conjunto %s sin validación ni puntaje tras guardarse: se revisa ahora", package_id)
        # the save's own listener: report, content checks queued, score, link check queued
        policy_listener.on_dataset_saved("package_update", result={"id": package_id}, context={})
    links_lost = [i for i in unlinked(now, grace=link_grace) if i not in set(ids)]
    for package_id in links_lost:
        log.warning("Conjunto %s sin revisión de enlaces tras guardarse: se encola", package_id)
        try:
            links.enqueue_package(package_id)
        except Exception:  # the next look tries again
            log.exception("No se pudo encolar la revisión de enlaces del conjunto %s", package_id)
    model.Session.remove()
    return ids + links_lost
