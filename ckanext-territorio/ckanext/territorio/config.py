"""Typed getters for the ckanext.territorio.* options (declared in config_declaration.yaml)."""
from __future__ import annotations

from pathlib import Path

import ckan.plugins.toolkit as tk

from .vocab import default_schemas_dir

SCHEMAS_DIR = "ckanext.territorio.schemas_dir"
FRAMEWORK_URI = "ckanext.territorio.framework_uri"
DCAT_PUBLISHER_NAME = "ckanext.territorio.dcat.publisher_name"
POLICY_FILE = "ckanext.territorio.policy.file"

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


def dcat_publisher_name() -> str:
    """The DCAT catalogue's publisher: the configured name, else the site's title."""
    return str(tk.config[DCAT_PUBLISHER_NAME] or tk.config["ckan.site_title"])


def default_dataset_schemas() -> str:
    """Default of ``scheming.dataset_schemas``: our types, as file URLs scheming can open."""
    return " ".join((schemas_dir() / name).as_uri() for name in SCHEMA_FILES)


def default_presets() -> str:
    """Default of ``scheming.presets``: scheming's presets and ours."""
    return f"{SCHEMING_PRESETS} {(schemas_dir() / PRESETS_FILE).as_uri()}"


# --- outbound requests and the data-use policy ---------------------------------------------


def _words(key: str) -> list[str]:
    """A list option, written as words in the ini file or given as a list."""
    value = tk.config[key] or []
    return value.split() if isinstance(value, str) else [str(v) for v in value]


def policy_file() -> Path:
    """The policy file (default: policy.yaml in the schemas folder)."""
    value = tk.config[POLICY_FILE]
    return Path(value).resolve() if value else schemas_dir() / "policy.yaml"


def policy_max_bytes() -> int:
    """Largest resource file the content rules read, in bytes."""
    return tk.config["ckanext.territorio.policy.max_size_mb"] * 1024 * 1024


def policy_timeout() -> int:
    """Seconds a content check (download included) may take."""
    return tk.config["ckanext.territorio.policy.timeout"]


def policy_defer_checks() -> bool:
    """Whether a dataset's after-save checks and scoring run in a job, not in the request."""
    return tk.config["ckanext.territorio.policy.defer_checks"]


def policy_fetch_allow() -> list[str]:
    """Non-public networks the content checks may download linked resources from."""
    return _words("ckanext.territorio.policy.fetch_allow")


# --- time-series live stream ---------------------------------------------------------------


def stream_per_client() -> int:
    """Live streams one client address may hold open at once."""
    return max(1, tk.config["ckanext.territorio.stream.per_client"])


def stream_max_total() -> int:
    """Live streams the portal holds open at once."""
    return max(1, tk.config["ckanext.territorio.stream.max_total"])


def stream_max_seconds() -> int:
    """Seconds a live stream stays open before the client reconnects."""
    return max(1, tk.config["ckanext.territorio.stream.max_seconds"])


def stream_heartbeat_seconds() -> int:
    """Seconds between a live stream's heartbeat comments."""
    return max(1, tk.config["ckanext.territorio.stream.heartbeat_seconds"])


# --- harvesters ---------------------------------------------------------------------------


def harvest_allow_networks() -> list[str]:
    """Non-public networks harvest sources may be read from (operator allow-list)."""
    return _words("ckanext.territorio.harvest.allow_networks")



# --- quality audit: scoring ---------------------------------------------------------------


def quality_file() -> Path:
    """The scoring file (default: quality.yaml in the schemas folder)."""
    value = tk.config["ckanext.territorio.quality.file"]
    return Path(value).resolve() if value else schemas_dir() / "quality.yaml"


def contact_email() -> str:
    """The portal team's address shown on /about ("" when there is none)."""
    return str(tk.config["ckanext.territorio.contact_email"] or "").strip()


def quality_profile() -> str | None:
    """The profile scores are stored under; None: the file's default."""
    return tk.config["ckanext.territorio.quality.profile"] or None


def quality_score_on_save() -> bool:
    """Whether a dataset is scored after each create/update."""
    return tk.config["ckanext.territorio.quality.score_on_save"]


def quality_check_links() -> bool:
    """Whether each dataset save queues a check of its resource URLs."""
    return tk.config["ckanext.territorio.quality.check_links"]


def quality_interval_hours() -> int:
    """Hours between two batch scorings queued by the quality scheduler."""
    return max(1, tk.config["ckanext.territorio.quality.interval_hours"])


# --- quality audit: data checks -----------------------------------------------------------


def quality_sensor_days() -> int:
    """Days of readings the sensor checks read (0: the whole observations table)."""
    return tk.config["ckanext.territorio.quality.sensor_days"]


def quality_link_timeout() -> int:
    """Seconds a broken-link check of one URL may take in all (connection, redirects, HEAD and GET)."""
    return tk.config["ckanext.territorio.quality.link_timeout"]


def quality_link_max_redirects() -> int:
    """Redirects a link check follows before recording ``too_many_redirects``."""
    return tk.config["ckanext.territorio.quality.link_max_redirects"]


def quality_link_concurrency() -> int:
    """Links of one dataset checked at the same time (at least 1)."""
    return max(1, tk.config["ckanext.territorio.quality.link_concurrency"])


def quality_harvest_days() -> int:
    """Days of harvest jobs an organization's report card counts."""
    return tk.config["ckanext.territorio.quality.harvest_days"]


def quality_harvest_stuck_hours() -> float:
    """Hours after which a running harvest job is stuck (ckan.harvest.timeout or 24 h by default)."""
    hours = tk.config["ckanext.territorio.quality.harvest_stuck_hours"]
    if hours > 0:
        return float(hours)
    timeout_minutes = tk.config.get("ckan.harvest.timeout")
    if timeout_minutes and str(timeout_minutes).strip().isdigit() and int(timeout_minutes) > 0:
        return int(timeout_minutes) / 60
    return 24.0


# --- resource views (time-series chart, stations map) --------------------------------------


def views_stale_hours() -> int:
    """Hours after which a station's latest reading is stale (grey on the map)."""
    return tk.config["ckanext.territorio.views.stale_hours"]


def views_tiles_url() -> str:
    """The stations map's tile URL template; empty for no base map."""
    return tk.config["ckanext.territorio.views.tiles_url"] or ""


def views_tiles_attribution() -> str:
    """Attribution of the map tiles."""
    return tk.config["ckanext.territorio.views.tiles_attribution"] or ""


# --- citizen channel -----------------------------------------------------------------------


def citizen_per_user_per_hour() -> int:
    """Requests, comments and reports one user may write in an hour."""
    return max(0, tk.config["ckanext.territorio.citizen.per_user_per_hour"])


def citizen_per_address_per_hour() -> int:
    """Requests, comments and reports one remote address may write in an hour."""
    return max(0, tk.config["ckanext.territorio.citizen.per_address_per_hour"])
