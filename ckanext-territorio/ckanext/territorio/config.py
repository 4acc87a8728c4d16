"""Typed getters for the ckanext.territorio.* options (declared in config_declaration.yaml)."""
from __future__ import annotations

from pathlib import Path

import ckan.plugins.toolkit as tk

from .vocab import default_schemas_dir

SCHEMAS_DIR = "ckanext.territorio.schemas_dir"
FRAMEWORK_URI = "ckanext.territorio.framework_uri"

# Scheming's own presets, kept next to ours (see default_presets).
SCHEMING_PRESETS = "ckanext.scheming:presets.json"
SCHEMA_FILES = ("dataset.yaml", "iniciativa.yaml")
PRESETS_FILE = "presets.yaml"


def schemas_dir() -> Path:
    """The folder with the scheming schemas and vocab/ (default: the repository's schemas/)."""
    # read with .get: the scheming defaults below call this while declarations load
    value = tk.config.get(SCHEMAS_DIR, "")
    return Path(value).resolve() if value else default_schemas_dir()


def framework_uri() -> str:
    """Base URI of the framework's SKOS concepts, without a trailing slash."""
    value = tk.config[FRAMEWORK_URI] or tk.config["ckan.site_url"].rstrip("/") + "/framework"
    return value.rstrip("/")


def default_dataset_schemas() -> str:
    """Default of ``scheming.dataset_schemas``: our types, as file URLs scheming can open."""
    return " ".join((schemas_dir() / name).as_uri() for name in SCHEMA_FILES)


def default_presets() -> str:
    """Default of ``scheming.presets``: scheming's presets and ours."""
    return f"{SCHEMING_PRESETS} {(schemas_dir() / PRESETS_FILE).as_uri()}"


# --- harvesters ---------------------------------------------------------------------------


def harvest_allow_networks() -> list[str]:
    """Non-public networks harvest sources may be read from (operator allow-list)."""
    value = tk.config["ckanext.territorio.harvest.allow_networks"] or []
    return value.split() if isinstance(value, str) else list(value)


def harvest_int(name: str) -> int:
    """An integer ``ckanext.territorio.harvest.<name>`` option (timeout, max_pages...)."""
    return int(tk.config[f"ckanext.territorio.harvest.{name}"])


# --- quality audit: scoring ---------------------------------------------------------------


def quality_file() -> Path:
    """The scoring file (default: quality.yaml in the schemas folder)."""
    value = tk.config.get("ckanext.territorio.quality.file") or ""
    return Path(value).resolve() if value else schemas_dir() / "quality.yaml"


def quality_profile() -> str | None:
    """The profile scores are stored under; None: the file's default."""
    return tk.config.get("ckanext.territorio.quality.profile") or None


def quality_score_on_save() -> bool:
    return tk.asbool(tk.config["ckanext.territorio.quality.score_on_save"])


def quality_check_links() -> bool:
    return tk.asbool(tk.config["ckanext.territorio.quality.check_links"])


def quality_interval_hours() -> int:
    """Hours between two batch scorings queued by the quality scheduler."""
    return max(1, int(tk.config["ckanext.territorio.quality.interval_hours"]))


# --- quality audit: data checks -----------------------------------------------------------


def quality_sensor_days() -> int:
    """Days of readings the sensor checks read (0: the whole observations table)."""
    return int(tk.config["ckanext.territorio.quality.sensor_days"])


def quality_link_timeout() -> int:
    """Seconds a broken-link check waits to connect and for each response."""
    return int(tk.config["ckanext.territorio.quality.link_timeout"])


def quality_link_max_redirects() -> int:
    return int(tk.config["ckanext.territorio.quality.link_max_redirects"])


def quality_link_concurrency() -> int:
    return max(1, int(tk.config["ckanext.territorio.quality.link_concurrency"]))


def quality_harvest_days() -> int:
    """Days of harvest jobs an organization's report card counts."""
    return int(tk.config["ckanext.territorio.quality.harvest_days"])


def quality_harvest_stuck_hours() -> float:
    """Hours after which a running harvest job is stuck (ckan.harvest.timeout or 24 h by default)."""
    hours = int(tk.config["ckanext.territorio.quality.harvest_stuck_hours"])
    if hours > 0:
        return float(hours)
    timeout_minutes = tk.config.get("ckan.harvest.timeout")
    if timeout_minutes and str(timeout_minutes).strip().isdigit() and int(timeout_minutes) > 0:
        return int(timeout_minutes) / 60
    return 24.0
