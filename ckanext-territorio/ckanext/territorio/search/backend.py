"""Switch CKAN's search between the embedded PostgreSQL engine and Solr."""
from __future__ import annotations

import logging
from typing import Any

from .. import config
from . import seam
from .connection import PostgresSearchConnection, watch_session

log = logging.getLogger(__name__)

# The spatial filter syntax our engine understands (see params.envelope).
SPATIAL_BACKEND = "solr-spatial-field"


def make_connection(decode_dates: bool = True) -> PostgresSearchConnection:
    return PostgresSearchConnection(decode_dates, config.spatial_geom_field())


def check_schema_version(schema_file: str | None = None) -> bool:
    """Stands in for CKAN's Solr schema check: the schema is our migration."""
    log.info("Búsqueda: motor PostgreSQL integrado (tabla territorio_search_doc)")
    return True


def configure(ckan_config: Any) -> None:
    """Apply ``ckanext.territorio.search_backend`` to CKAN and ckanext-spatial."""
    if config.search_backend() != "postgres":
        seam.restore()
        return
    seam.install(make_connection, check_schema_version)
    watch_session()
    if ckan_config.get("ckanext.spatial.search_backend") not in (None, SPATIAL_BACKEND):
        log.warning(
            "ckanext.spatial.search_backend=%s is not supported by the PostgreSQL "
            "search backend; using %s",
            ckan_config.get("ckanext.spatial.search_backend"),
            SPATIAL_BACKEND,
        )
    ckan_config["ckanext.spatial.search_backend"] = SPATIAL_BACKEND
    parsers = list(ckan_config.get("ckan.search.solr_allowed_query_parsers") or [])
    if "field" not in parsers:
        ckan_config["ckan.search.solr_allowed_query_parsers"] = parsers + ["field"]
