"""Search results cached in Redis, keyed by the exact SQL and the index version.

Counting facets and ranking walk every matching document, which dominates
broad searches (the /dataset landing page, a whole organization). Results only
change when the statement or a committed document changes, so the key is the
compiled statement plus ``(count, sum, max)`` of the documents' ``version``
column, a value every committed write changes.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Any

import msgspec
import sqlalchemy as sa
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError
from sqlalchemy.dialects import postgresql

log = logging.getLogger(__name__)

_PREFIX = "territorio:search:"
_DIALECT = postgresql.dialect()


def index_version_statement(table: sa.Table) -> sa.Select[Any]:
    version = table.c.version
    return sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(version), 0), sa.func.max(version)
    )


def key(statement: Any, version: tuple[Any, ...]) -> str:
    compiled = statement.compile(dialect=_DIALECT)
    material = repr((str(compiled), sorted(compiled.params.items()), version))
    return _PREFIX + hashlib.sha1(material.encode("utf-8")).hexdigest()


def get(cache_key: str) -> list[Any] | None:
    try:
        raw = connect_to_redis().get(cache_key)
    except RedisError:
        log.warning("Redis no disponible: búsqueda sin caché", exc_info=True)
        return None
    return None if raw is None else msgspec.json.decode(raw)


def put(cache_key: str, rows: list[Any], ttl: int) -> None:
    try:
        connect_to_redis().set(cache_key, msgspec.json.encode(rows), ex=ttl)
    except RedisError:
        log.warning("Redis no disponible: búsqueda sin caché", exc_info=True)
