"""Search results cached in Redis, keyed by the exact SQL and the index generation.

Counting facets and ranking walk every matching document, which dominates
broad searches (the /dataset landing page, a whole organization). Results only
change when the statement or a committed document changes. Every transaction
that wrote to the index bumps a generation counter in Redis *after* it commits,
and the generation is part of every key: a reader that raced the commit can
only have filed its stale result under the old generation, which nobody reads
once the counter moved. Reading the generation is one Redis GET.

Two things keep a key from ever naming another state of the index: the
database the index lives in is part of every key (two portals or test runs may
share one Redis database), and the generation carries a random epoch drawn when
the counter is first created, so a counter that restarts after Redis lost its
keys never meets the entries of the counter it replaces.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

import msgspec
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError
from sqlalchemy.dialects import postgresql

log = logging.getLogger(__name__)

_PREFIX = "territorio:search:"
_DIALECT = postgresql.dialect()


_GENERATION = "territorio:search-generation"
_EPOCH = "territorio:search-epoch"


def _epoch(redis: Any) -> str:
    """The counter's random epoch, drawn (once, atomically) when it is missing."""
    value = redis.get(_EPOCH)
    if value is None:
        redis.set(_EPOCH, secrets.token_hex(8), nx=True)
        value = redis.get(_EPOCH)
    return value.decode() if isinstance(value, bytes) else str(value)


def generation() -> str | None:
    """The index generation (epoch and counter), or None when Redis cannot be reached."""
    try:
        redis = connect_to_redis()
        counter = redis.get(_GENERATION)
        return f"{_epoch(redis)}:{int(counter or 0)}"
    except RedisError:
        log.warning("Redis no disponible: búsqueda sin caché", exc_info=True)
        return None


def bump() -> None:
    """Invalidate every cached result (called after an index write commits)."""
    try:
        connect_to_redis().incr(_GENERATION)
    except RedisError:
        log.error("Redis no disponible: resultados en caché pueden quedar "
                  "desactualizados hasta que expiren", exc_info=True)


def database() -> str:
    """Where the index lives (host, port, database name), naming it in every key."""
    from ckan import model

    url = model.Session.get_bind().url
    return f"{url.host}:{url.port}/{url.database}"


def key(
    statement: Any, generation: str, database: str, parameters: dict[str, Any] | None = None
) -> str:
    """The Redis key of ``statement``'s rows (run with ``parameters``) in ``database`` at ``generation``."""
    compiled = statement.compile(dialect=_DIALECT)
    values = {**compiled.params, **(parameters or {})}
    material = repr((database, str(compiled), sorted(values.items()), generation))
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
