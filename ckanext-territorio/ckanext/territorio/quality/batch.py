"""Batch scoring of every active dataset: bulk reads, bulk upserts, a run row at the end.

Datasets are read in chunks from the search index (``validated_data_dict``, the same dict
``package_show`` returns) when the PostgreSQL search backend is on, else with package_show;
reports, link checks and stored scores are read per chunk with one statement each, and the
chunk's scores are written with one upsert.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ..model.quality import QualityRun
from ..search import config as search_config
from ..site import site_context
from . import engine, sources, store, summary
from .facts import Environment, Facts, metadata_error_count
from .service import environment, now, profile_id

log = logging.getLogger(__name__)

CHUNK = 500

_DOCS = sa.text(
    """
    SELECT id, validated_data_dict FROM territorio_search_doc
     WHERE site_id = :site AND entity_type = 'package' AND state = 'active'
       AND dataset_type = ANY(:types) AND id > :after
     ORDER BY id LIMIT :limit
    """
)


@dataclass
class BatchResult:
    """What a batch run did: datasets scored, history rows, scores removed, ratings."""

    run_id: int | None
    datasets: int = 0
    history: int = 0
    removed: int = 0
    seconds: float = 0.0
    ratings: Counter[str] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        """Datasets scored per second."""
        return self.datasets / self.seconds if self.seconds else 0.0


def _from_index(types: Sequence[str], chunk: int) -> Iterator[list[dict[str, Any]]]:
    after = ""
    site = tk.config.get("ckan.site_id")
    while True:
        rows = model.Session.execute(
            _DOCS, {"site": site, "types": list(types), "after": after, "limit": chunk}
        ).all()
        if not rows:
            return
        after = rows[-1].id
        packages = [json.loads(r.validated_data_dict) for r in rows if r.validated_data_dict]
        yield [p for p in packages if p.get("state") == "active"]


def _from_actions(types: Sequence[str], chunk: int) -> Iterator[list[dict[str, Any]]]:
    ids = [
        row.id
        for row in model.Session.query(model.Package.id)
        .filter(model.Package.state == "active", model.Package.type.in_(list(types)))
        .order_by(model.Package.id)
    ]
    context = site_context()
    for start in range(0, len(ids), chunk):
        packages = []
        for package_id in ids[start : start + chunk]:
            try:
                packages.append(tk.get_action("package_show")(dict(context), {"id": package_id}))
            except tk.ObjectNotFound:
                continue
        yield packages


def packages(types: Sequence[str], chunk: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """Every active dataset of the scored types, a chunk at a time."""
    if search_config.engine_active():
        yield from _from_index(types, chunk)
    else:
        yield from _from_actions(types, chunk)


def count(types: Sequence[str]) -> int:
    """How many active datasets of these types there are."""
    return int(
        model.Session.query(sa.func.count(model.Package.id))
        .filter(model.Package.state == "active", model.Package.type.in_(list(types)))
        .scalar()
        or 0
    )


def score_chunk(
    chunk: Sequence[dict[str, Any]], env: Environment, profile: str, when: dt.datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The score rows of a chunk of datasets (bulk reads), and what was stored before."""
    ids = [str(p["id"]) for p in chunk]
    before = store.standing(ids, with_indicators=False)
    reports = sources.content_reports(ids)
    dcat = sources.dcat_reports(ids)
    links = sources.link_checks(ids)
    today = when.date()
    rows = []
    for package in chunk:
        package_id = str(package["id"])
        facts = Facts(
            package=package,
            now=when,
            content_reports=reports.get(package_id, {}),
            dcat=dcat.get(package_id),
            metadata_errors=metadata_error_count(package, env.policy, today),
            links=links.get(package_id, {}),
            sensor=sources.sensor_facts(package, when),
        )
        rows.append(store.row(package, engine.score(facts, env, profile), when))
    return rows, before


def run(
    profile: str | None = None,
    *,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    run_id: int | None = None,
) -> BatchResult:
    """Score every active dataset, drop the scores of the others, record the run.

    ``run_id``: a run row the scheduler created when it queued this run (else a new one).
    """
    env = environment()
    profile = profile or profile_id()
    if profile not in env.quality.profiles:
        raise tk.ValidationError({"profile": [f"Perfil de calidad desconocido '{profile}'"]})
    types = env.quality.dataset_types
    started = time.monotonic()
    quality_run = model.Session.get(QualityRun, run_id) if run_id is not None else None
    if quality_run is None or quality_run.status != "running":
        quality_run = store.start_run(env.quality.version)
    quality_run.started = now()
    quality_run.profile_version = env.quality.version
    run_id = quality_run.id
    model.Session.commit()
    result = BatchResult(run_id=run_id)
    seen: list[str] = []
    try:
        for packages_chunk in packages(types, chunk):
            when = now()
            rows, before = score_chunk(packages_chunk, env, profile, when)
            result.history += store.save(rows, before)
            model.Session.commit()
            seen.extend(r["package_id"] for r in rows)
            result.datasets += len(rows)
            result.ratings.update(r["rating"] for r in rows)
            if progress is not None:
                progress(len(rows))
        result.removed = store.delete_absent(seen)
        finished = model.Session.get(QualityRun, run_id)
        assert finished is not None
        finished.summary = summary.run_summary()
        finished.datasets = result.datasets
        finished.status = "finished"
        finished.finished = now()
        model.Session.commit()
    except BaseException:
        model.Session.rollback()
        failed = model.Session.get(QualityRun, run_id)
        if failed is not None:
            failed.status = "failed"
            failed.finished = now()
            failed.datasets = result.datasets
            model.Session.commit()
        raise
    result.seconds = time.monotonic() - started
    return result


def territorio_quality_batch(run_id: int | None = None, profile: str | None = None) -> dict[str, Any]:
    """Job (queue ``territorio``): a batch run queued by the quality scheduler."""
    result = run(profile, run_id=run_id)
    log.info(
        "Calidad: %s conjuntos puntuados en %.1f s (%.0f/s)",
        result.datasets, result.seconds, result.per_second,
    )
    return {"run_id": result.run_id, "datasets": result.datasets}
