"""Search results cached in Redis, keyed by the exact SQL and the index generation.

Counting facets and ranking walk every matching document, which dominates
broad searches (the /dataset landing page, a whole organization). Results only
change when the statement or a committed document changes. Every transaction
that wrote to the index bumps a generation counter in Redis *after* it commits,
and the generation is part of every key: a reader that raced the commit can
only have filed its stale result under the old generation, which nobody reads
once the counter moved. Reading the generation is one Redis GET.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Any

import msgspec
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError
from sqlalchemy.dialects import postgresql

log = logging.getLogger(__name__)

_PREFIX = "territorio:search:"
_DIALECT = postgresql.dialect()


_GENERATION = "territorio:search-generation"


def generation() -> int | None:
    """The index generation, or None when Redis cannot be reached (no caching)."""
    try:
        value = connect_to_redis().get(_GENERATION)
    except RedisError:
        log.warning("Redis no disponible: búsqueda sin caché", exc_info=True)
        return None
    return int(value or 0)


def bump() -> None:
    """Invalidate every cached result (called after an index write commits)."""
    try:
        connect_to_redis().incr(_GENERATION)
    except RedisError:
        log.error("Redis no disponible: resultados en caché pueden quedar "
                  "desactualizados hasta que expiren", exc_info=True)


def key(statement: Any, generation: int) -> str:
    """The Redis key of ``statement``'s rows at ``generation``: its SQL and parameters, hashed."""
    compiled = statement.compile(dialect=_DIALECT)
    material = repr((str(compiled), sorted(compiled.params.items()), generation))
    return _PREFIX + hashlib.sha1(material.encode("utf-8")).hexdigest()


def get(cache_key: str) -> list[Any] | None:
    """Cached rows, or None when absent or Redis is unreachable."""
    try:
        raw = connect_to_redis().get(cache_key)
    except RedisError:
        log.warning("Redis no disponible: búsqueda sin caché", exc_info=True)
        return None
    return None if raw is None else msgspec.json.decode(raw)


def put(cache_key: str, rows: list[Any], ttl: int) -> None:
    """Cache ``rows`` for ``ttl`` seconds (skipped when Redis is unreachable)."""
    try:
        connect_to_redis().set(cache_key, msgspec.json.encode(rows), ex=ttl)
    except RedisError:
        log.warning("Redis no disponible: búsqueda sin caché", exc_info=True)
