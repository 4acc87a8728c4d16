"""Switch CKAN's search between the embedded PostgreSQL engine and Solr."""
from __future__ import annotations

import logging
from typing import Any

from . import config, seam
from .connection import PostgresSearchConnection, watch_session

log = logging.getLogger(__name__)

# The spatial filter syntax our engine understands (see params.envelope).
SPATIAL_BACKEND = "solr-spatial-field"
SPATIAL_BACKEND_KEY = "ckanext.spatial.search_backend"
ALLOWED_PARSERS_KEY = "ckan.search.solr_allowed_query_parsers"


def make_connection(decode_dates: bool = True) -> PostgresSearchConnection:
    """CKAN's ``make_connection`` for the PostgreSQL engine."""
    return PostgresSearchConnection(decode_dates, config.spatial_geom_field())


def check_schema_version(schema_file: str | None = None) -> bool:
    """Stands in for CKAN's Solr schema check: the schema is our migration."""
    log.info("Búsqueda: motor PostgreSQL integrado (tabla territorio_search_doc)")
    return True


def configure(ckan_config: Any) -> None:
    """Apply ``ckanext.territorio.search_backend`` to CKAN (and ckanext-spatial if loaded)."""
    if config.search_backend() != "postgres":
        seam.restore()
        return
    seam.install(make_connection, check_schema_version)
    watch_session()
    if config.spatial_enabled():
        _configure_spatial(ckan_config)


def _configure_spatial(ckan_config: Any) -> None:
    """Make ckanext-spatial send the ENVELOPE filters the engine answers in PostGIS."""
    current = ckan_config.get(SPATIAL_BACKEND_KEY)
    if current not in (None, SPATIAL_BACKEND):
        log.warning(
            "%s=%s is not supported by the PostgreSQL search backend; using %s",
            SPATIAL_BACKEND_KEY, current, SPATIAL_BACKEND,
        )
    ckan_config[SPATIAL_BACKEND_KEY] = SPATIAL_BACKEND
    parsers = _as_list(ckan_config.get(ALLOWED_PARSERS_KEY))
    if "field" not in parsers:
        # spatial's filter is a {!field ...} local-params query
        ckan_config[ALLOWED_PARSERS_KEY] = parsers + ["field"]


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return value.split() if isinstance(value, str) else list(value)
