"""Bring every existing observations table up to the layout: indexes, triggers, exact count.

Tables created before the time-series indexes existed get them here (and at their next
harvest, ``territorio_harvesters.store.ensure_table``); their cached row count
(``_table_stats``, what ``datastore_search`` reports as ``total``) is recounted, which
repairs totals left stale by loads made before the count was kept exact. A table without
its daily sums gets them counted here (``rollup``); the sums of dropped tables are forgotten.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import rollup
from .layout import NAMES, ensure
from .names import ident


@dataclass(frozen=True)
class Ensured:
    """What was done to one table."""

    resource_id: str
    statements: int
    rows: int


def _engine() -> Any:
    from ckanext.datastore.backend.postgres import get_write_engine

    return get_write_engine()


def observation_tables(cursor: Any) -> list[str]:
    """The DataStore tables with the observations layout (by their columns; not our summaries)."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE '\\_%%' "
        "AND c.relname <> ALL(%s) "
        "AND a.attname = ANY(%s) GROUP BY c.relname HAVING count(*) = %s ORDER BY c.relname",
        ([rollup.HOURLY, rollup.TABLE, rollup.NEWEST], list(NAMES[:5]), 5),
    )
    return [row[0] for row in cursor.fetchall()]


def ensure_all() -> Iterator[Ensured]:
    """Each observations table made complete, one transaction per table."""
    connection = _engine().raw_connection()
    try:
        with connection.cursor() as cursor:
            tables = observation_tables(cursor)
            rollup.purge_orphans(cursor)
        connection.commit()
        for resource_id in tables:
            with connection.cursor() as cursor:
                done = ensure(cursor, resource_id)
                cursor.execute(f"SELECT count(*) FROM {ident(resource_id)}")
                (rows,) = cursor.fetchone()
                cursor.execute("SELECT to_regclass('_table_stats') IS NOT NULL")
                if cursor.fetchone()[0]:
                    cursor.execute(
                        "INSERT INTO _table_stats VALUES (%s, jsonb_build_object('rows', %s::bigint)) "
                        "ON CONFLICT (resource_id) DO UPDATE SET stats = "
                        "jsonb_set(_table_stats.stats, '{rows}', to_jsonb(%s::bigint))",
                        (resource_id, rows, rows),
                    )
            connection.commit()
            yield Ensured(resource_id, done, int(rows))
    finally:
        connection.close()
