"""Typed getters for the territorio_search options (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

SEARCH_BACKEND = "ckanext.territorio.search_backend"
CACHE_TTL = "ckanext.territorio.search.cache_ttl"
MAX_QUERY_LENGTH = "ckanext.territorio.search.max_query_length"
MAX_QUERY_TERMS = "ckanext.territorio.search.max_query_terms"
MAX_QUERY_DEPTH = "ckanext.territorio.search.max_query_depth"
STATEMENT_TIMEOUT = "ckanext.territorio.search.statement_timeout"
# The declared defaults, also used when the declarations are not loaded: the
# seam outlives an unloaded plugin (CKAN's test runner unloads every plugin
# between tests), and the engine must not fail on a missing key then.
DEFAULT_BACKEND = "postgres"
DEFAULT_CACHE_TTL = 300
DEFAULT_MAX_QUERY_LENGTH = 2000
DEFAULT_MAX_QUERY_TERMS = 64
DEFAULT_MAX_QUERY_DEPTH = 16
DEFAULT_STATEMENT_TIMEOUT = 5000
# ckanext-spatial's key, read with its own default: spatial may be absent and
# nobody else has to declare it.
SPATIAL_GEOM_FIELD = "ckanext.spatial.solr_geom_field_name"
DEFAULT_GEOM_FIELD = "spatial_geom"
# The ckanext-spatial plugin that turns ``ext_bbox`` into a spatial filter.
SPATIAL_PLUGIN = "spatial_query"


def search_backend() -> str:
    """``postgres`` (embedded, default) or ``solr``."""
    return tk.config.get(SEARCH_BACKEND) or DEFAULT_BACKEND


def _int(key: str, default: int) -> int:
    value = tk.config.get(key)
    return default if value is None or value == "" else int(value)


def search_cache_ttl() -> int:
    """Seconds search results and facet counts stay in Redis; 0 disables the cache."""
    return _int(CACHE_TTL, DEFAULT_CACHE_TTL)


def max_query_length() -> int:
    """Most characters of a user ``q`` or ``fq``."""
    return _int(MAX_QUERY_LENGTH, DEFAULT_MAX_QUERY_LENGTH)


def max_query_terms() -> int:
    """Most terms (words, phrase words, ranges) of a user ``q`` or ``fq``."""
    return _int(MAX_QUERY_TERMS, DEFAULT_MAX_QUERY_TERMS)


def max_query_depth() -> int:
    """Deepest nesting (parentheses, NOT, + and -) of a user ``q`` or ``fq``."""
    return _int(MAX_QUERY_DEPTH, DEFAULT_MAX_QUERY_DEPTH)


def statement_timeout() -> int:
    """Milliseconds a search statement may run in PostgreSQL; 0 means no limit."""
    return _int(STATEMENT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT)


def spatial_enabled() -> bool:
    """Whether ckanext-spatial's query plugin is loaded (``ext_bbox`` filters)."""
    return p.plugin_loaded(SPATIAL_PLUGIN)


def spatial_geom_field() -> str | None:
    """The field ckanext-spatial writes the extent to, or None without spatial."""
    if not spatial_enabled():
        return None
    return tk.config.get(SPATIAL_GEOM_FIELD) or DEFAULT_GEOM_FIELD


PLUGIN = "territorio_search"


def engine_active() -> bool:
    """Whether CKAN's search runs on territorio_search_doc (plugin loaded, backend postgres)."""
    return p.plugin_loaded(PLUGIN) and search_backend() == "postgres"
