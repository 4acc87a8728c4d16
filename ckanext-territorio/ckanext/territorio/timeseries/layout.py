"""The observations table of a sensor dataset: columns, key, indexes, live trigger, row count.

Public: the harvesters (``territorio_harvesters.store``) create and load these tables; the
time-series engine reads them. Nothing here imports CKAN, so both sides can share it.

Indexes (each named after the table, created when the table is created and, for tables
that already exist, by ``ckan territorio timeseries ensure``):

- the DataStore's unique key (station_id, variable, observed_at): readings of some
  stations (and variables) in a range, in key order, which is also the order pages are
  cut in (keyset pagination); the walk over every series (one probe each) that serves
  unfiltered ranges and the latest reading per series (backward probe);
- ``<table>_ts_var`` (variable, station_id, observed_at): readings of a variable at every
  station in a range, in the same order (the variable is fixed): a region's daily means;
- ``<table>_ts_brin`` BRIN on observed_at: a range over every station and variable (a few
  kilobytes; rows arrive roughly in time order).

Four more statement-level triggers keep the table's hourly and daily sums in
``_territorio_hourly`` and ``_territorio_daily`` (``rollup``), which answer hourly and daily
means without reading the raw rows.

A statement-level trigger (``territorio_live``) sends ``NOTIFY territorio_readings`` with
the table and the ``_id`` range each INSERT or COPY added; PostgreSQL delivers it at commit,
in commit order, so the live stream sees every committed reading once.

The DataStore answers ``datastore_search``'s ``total`` from a cached row count
(``_table_stats``); ``add_to_row_count`` keeps it exact for the rows a loader inserted.
"""
from __future__ import annotations

from typing import Any

from . import rollup
from .names import ident

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("station_id", "text", "Estación (identificador en la fuente)"),
    ("variable", "text", "Variable medida"),
    ("value", "float8", "Valor"),
    ("unit", "text", "Unidad"),
    ("observed_at", "timestamptz", "Momento de la medición (fin del periodo promediado)"),
    # jsonb, not the DataStore's "json" (a composite type COPY cannot fill as plain JSON)
    ("extras", "jsonb", "Datos propios de la fuente"),
)
KEY = ("station_id", "variable", "observed_at")
NAMES = tuple(name for name, _type, _label in COLUMNS)
# the columns a table needs to be read as observations (extras is optional)
REQUIRED = ("station_id", "variable", "value", "unit", "observed_at")
CHANNEL = "territorio_readings"
TRIGGER = "territorio_live"
FUNCTION = "territorio_readings_notify"


def is_observations(columns: set[str]) -> bool:
    """Whether a table with these columns has the observations layout."""
    return set(REQUIRED) <= columns


def _index_name(resource_id: str, suffix: str) -> str:
    # PostgreSQL identifiers are at most 63 bytes; a resource id is 36
    return f"{resource_id}_{suffix}"


def index_statements(resource_id: str) -> list[str]:
    """The CREATE INDEX statements of the time-series indexes (idempotent)."""
    table = ident(resource_id)
    return [
        f"CREATE INDEX IF NOT EXISTS {ident(_index_name(resource_id, 'ts_var'))} "
        f"ON {table} (variable, station_id, observed_at)",
        f"CREATE INDEX IF NOT EXISTS {ident(_index_name(resource_id, 'ts_brin'))} "
        f"ON {table} USING brin (observed_at)",
    ]


FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    low bigint;
    high bigint;
BEGIN
    SELECT min(_id), max(_id) INTO low, high FROM territorio_new_rows;
    IF low IS NOT NULL THEN
        PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME || ' ' || low || ' ' || high);
    END IF;
    RETURN NULL;
END
$body$
"""


def trigger_statements(resource_id: str) -> list[str]:
    """The live trigger of a table (replaced if present)."""
    table = ident(resource_id)
    return [
        FUNCTION_SQL,
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}",
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS territorio_new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
    ]


def missing(cursor: Any, resource_id: str) -> list[str]:
    """The statements still needed to give a table its indexes and live trigger."""
    cursor.execute(
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass",
        (ident(resource_id),),
    )
    present = {row[0] for row in cursor.fetchall()}
    statements = [
        statement
        for suffix, statement in zip(("ts_var", "ts_brin"), index_statements(resource_id), strict=True)
        if _index_name(resource_id, suffix) not in present
    ]
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s",
        (ident(resource_id), TRIGGER),
    )
    if cursor.fetchone() is None:
        statements += trigger_statements(resource_id)
    if not rollup.present(cursor, resource_id):
        statements += rollup.trigger_statements(resource_id)
    return statements


def ensure(cursor: Any, resource_id: str) -> int:
    """Create what a table lacks of its indexes and live trigger (a DB-API cursor).

    Safe to repeat (a table that has everything costs two catalogue reads); runs in the
    caller's transaction, so a failure leaves nothing. Returns how many statements ran.
    """
    statements = missing(cursor, resource_id)
    if statements:
        # one lock for every table: CREATE OR REPLACE FUNCTION must not run twice at once
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('territorio_timeseries'))")
        statements = missing(cursor, resource_id)  # another process may have done it meanwhile
        for statement in statements:
            cursor.execute(statement)
    return len(statements)


def add_to_row_count(cursor: Any, resource_id: str, rows: int) -> None:
    """Add ``rows`` to the DataStore's cached row count of the table, in the caller's transaction.

    When no count is cached the DataStore counts the table on the next search, which is
    exact too. The row lock is held only until the caller commits (call it just before).
    """
    if not rows:
        return
    cursor.execute("SELECT to_regclass('_table_stats') IS NOT NULL")
    (cached,) = cursor.fetchone()
    if not cached:  # a DataStore older than CKAN 2.12 counts on every search
        return
    cursor.execute(
        "UPDATE _table_stats SET stats = jsonb_set(stats, '{rows}', "
        "to_jsonb((stats ->> 'rows')::bigint + %s)) WHERE resource_id = %s AND stats ? 'rows'",
        (rows, resource_id),
    )
