"""The after-save checks a crash skipped, found and run again.

The policy report, the quality score and the link check run after a save commits (CKAN's
``action_succeeded``): a web worker killed in between leaves a committed, indexed dataset that
nothing will ever check. The scheduler looks for such datasets (active, saved a while ago, with
no metadata report or no score) and runs the same listener a save runs.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from ckan import model

from . import config, current
from .implementations import policy as policy_listener

log = logging.getLogger(__name__)

# longer than a save's own listeners take, so an in-flight save is never checked twice
GRACE = dt.timedelta(minutes=2)
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


def unchecked(now: dt.datetime | None = None, limit: int = BATCH) -> list[str]:
    """Ids of datasets saved before ``now - GRACE`` that lack a metadata report or a score."""
    now = now or dt.datetime.now(dt.UTC)
    checked_types = sorted(current.policy().rule("metadata.required").params)
    scored_types = sorted(current.quality().dataset_types) if config.quality_score_on_save() else []
    before = (now - GRACE).replace(tzinfo=None)  # package.metadata_modified is naive UTC
    rows = model.Session.execute(
        _UNCHECKED,
        {"checked_types": checked_types, "scored_types": scored_types, "before": before,
         "limit": limit},
    )
    return [row.id for row in rows]


def run(now: dt.datetime | None = None) -> list[str]:
    """Check every dataset a crash left unchecked, as a save would; the ids checked."""
    ids = unchecked(now)
    for package_id in ids:
        log.warning("Conjunto %s sin validación ni puntaje tras guardarse: se revisa ahora", package_id)
        policy_listener.on_dataset_saved("package_update", result={"id": package_id}, context={})
    model.Session.remove()
    return ids
