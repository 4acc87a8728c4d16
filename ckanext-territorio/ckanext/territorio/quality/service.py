"""Scoring one dataset now and storing it: after a save, after a link check, on demand."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from .. import config, current
from ..site import site_context
from . import engine, sources, store
from .facts import Environment, Facts, metadata_error_count, stored_indicators
from .profile import QualityFile, QualityFileError

log = logging.getLogger(__name__)

QUEUE = "territorio"


def environment() -> Environment:
    """The scoring file, the policy and the vocabularies, as configured now."""
    try:
        file_types = current.file_type_table()
    except AttributeError:  # a tree without the file-type vocabulary
        file_types = None
    return Environment(
        quality=current.quality(),
        policy=current.policy(),
        frequencies=current.frequency_table(),
        file_types=file_types,
    )


def profile_id() -> str:
    """The configured profile (checked at start-up: an unknown one stops CKAN)."""
    quality = current.quality()
    configured = config.quality_profile()
    if configured and configured not in quality.profiles:
        raise QualityFileError(
            quality.path,
            None,
            f"ckanext.territorio.quality.profile: perfil desconocido '{configured}' "
            f"(se admiten: {', '.join(quality.profiles)})",
        )
    return configured or quality.default_profile


def scored_type(package: Mapping[str, Any], quality: QualityFile) -> bool:
    """Whether datasets of this type are scored."""
    return str(package.get("type") or "dataset") in quality.dataset_types


def now() -> dt.datetime:
    """The current time, in UTC."""
    return dt.datetime.now(dt.UTC)


def facts_for(
    package: Mapping[str, Any], env: Environment, *, when: dt.datetime, sensor: bool
) -> Facts:
    """Everything stored about one dataset; sensor facts computed or reused as stored."""
    package_id = str(package["id"])
    stored = store.standing([package_id]).get(package_id)
    return Facts(
        package=package,
        now=when,
        content_reports=sources.content_reports([package_id]).get(package_id, {}),
        dcat=sources.dcat_reports([package_id]).get(package_id),
        metadata_errors=metadata_error_count(package, env.policy, when.date()),
        links=sources.link_checks([package_id]).get(package_id, {}),
        sensor=sources.sensor_facts(package, when) if sensor else None,
        sensor_computed=sensor,
        stored=stored_indicators(stored[3] if stored else None),
    )


def _package(package_id: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("package_show")(
            site_context(), {"id": package_id, "use_cache": False}
        )
    except tk.ObjectNotFound:
        return None


def score_package(
    package: Mapping[str, Any], *, sensor: bool = True, profile: str | None = None
) -> engine.Score | None:
    """Score and store one dataset (None when it is not scored: deleted, other type)."""
    env = environment()
    package_id = str(package["id"])
    if package.get("state") != "active" or not scored_type(package, env.quality):
        store.delete([package_id])
        model.Session.commit()
        return None
    when = now()
    facts = facts_for(package, env, when=when, sensor=sensor)
    score = engine.score(facts, env, profile or profile_id())
    store.save([store.row(package, score, when)])
    model.Session.commit()
    return score


def rescore(package_id: str) -> None:
    """Score one dataset now, sensor facts included, and store it (link-check job, CLI)."""
    package = _package(package_id)
    if package is None:
        store.delete([package_id])
        model.Session.commit()
        return
    score_package(package, sensor=True)


def dataset_saved(package_id: str) -> None:
    """After a save: the cheap score (stored sensor facts); the DCAT-AP job rescores later."""
    package = _package(package_id)
    if package is None:
        store.delete([package_id])
        model.Session.commit()
        return
    score_package(package, sensor=False)


def show(package_id: str) -> tuple[Any, list[Any]]:
    """The stored score row and its history (for territorio_quality_show)."""
    return store.get(package_id), store.history(package_id)
