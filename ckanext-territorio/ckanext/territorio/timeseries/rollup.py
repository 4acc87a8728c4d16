"""Daily sums and newest readings of every observations table, kept by PostgreSQL itself.

A region's daily means over a month otherwise aggregate every raw reading of it (a quarter
of a million rows for 500 stations sending hourly). ``_territorio_daily`` holds, per table,
station, variable, civil day in Chile (``date_trunc('day', …, 'America/Santiago')``) and
unit, the sum, count, minimum and maximum of the values and the row count: the mean is
``total / n``.

Statement-level triggers keep it exact whatever writes the table (the harvesters' COPY, the
MQTT consumer, ``datastore_upsert``/``datastore_delete``): an INSERT adds its rows' sums from
the statement's transition table (one upsert per touched day, not per row); an UPDATE moves
them by its rows' differences and reads the touched days' extremes again; a DELETE recounts
the days it touched from the raw rows (revisions and deletions are rare); a TRUNCATE empties
the table's days. ``_territorio_newest`` holds each series' newest reading the same way
(inserts keep the later one; updates and deletions look the touched series up again), so the
latest reading of 500 stations is one indexed read, not 1,000 index probes.
Nothing here imports CKAN (``layout`` calls it).
"""
from __future__ import annotations

from typing import Any

from .names import ident

# a leading underscore: the DataStore's set-permissions script gives every other public table its
# full-text trigger, and CKAN keeps its own tables (_table_metadata, _table_stats) so too
TABLE = "_territorio_daily"
ZONE = "America/Santiago"
INSERT_TRIGGER = "territorio_daily_ins"
_DAY = f"date_trunc('day', observed_at, '{ZONE}')"
# the start of the civil day after ``b`` (days last 23 to 25 hours)
_NEXT_DAY = f"date_trunc('day', k.bucket + interval '26 hours', '{ZONE}')"
_KEYED = "station_id IS NOT NULL AND variable IS NOT NULL AND observed_at IS NOT NULL"
_SUMS = "coalesce(sum(value), 0), count(value), min(value), max(value), count(*)"

TABLE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    resource_id text NOT NULL,
    station_id text NOT NULL,
    variable text NOT NULL,
    bucket timestamptz NOT NULL,
    unit text NOT NULL,
    total float8 NOT NULL,
    n bigint NOT NULL,
    low float8,
    high float8,
    rows bigint NOT NULL,
    PRIMARY KEY (resource_id, station_id, variable, bucket, unit)
)
"""

_COLUMNS = "resource_id, station_id, variable, bucket, unit, total, n, low, high, rows"

NEWEST = "_territorio_newest"
NEWEST_SQL = f"""
CREATE TABLE IF NOT EXISTS {NEWEST} (
    resource_id text NOT NULL,
    station_id text NOT NULL,
    variable text NOT NULL,
    value float8,
    unit text,
    observed_at timestamptz NOT NULL,
    PRIMARY KEY (resource_id, station_id, variable)
)
"""
_NEWEST_COLUMNS = "resource_id, station_id, variable, value, unit, observed_at"
_NEWEST_ADD = f"""
    INSERT INTO {NEWEST} AS l ({_NEWEST_COLUMNS})
    SELECT DISTINCT ON (station_id, variable) TG_TABLE_NAME, station_id, variable, value, unit, observed_at
    FROM territorio_daily_new WHERE {_KEYED} ORDER BY station_id, variable, observed_at DESC
    ON CONFLICT (resource_id, station_id, variable) DO UPDATE SET
        value = EXCLUDED.value, unit = EXCLUDED.unit, observed_at = EXCLUDED.observed_at
    WHERE EXCLUDED.observed_at >= l.observed_at;
"""



def _quoted(sql: str) -> str:
    return sql.replace("'", "''")


def _recounting(function: str, changed_rows: str) -> str:
    """A trigger function recounting, from the raw rows, the days ``changed_rows`` touched.

    Dynamic SQL because the raw table is the trigger's; the statement's transition tables
    are visible to EXECUTE inside the trigger function (not to functions it would call).
    """
    touched = f"SELECT DISTINCT station_id, variable, {_DAY} AS bucket FROM ({changed_rows}) r WHERE {_KEYED}"
    delete = _quoted(
        f"DELETE FROM {TABLE} d USING ({touched}) k WHERE d.resource_id = %L "
        "AND d.station_id = k.station_id AND d.variable = k.variable AND d.bucket = k.bucket"
    )
    insert = _quoted(
        f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT %L, t.station_id, t.variable, k.bucket, "
        "coalesce(t.unit, ''), coalesce(sum(t.value), 0), count(t.value), min(t.value), max(t.value), "
        f"count(*) FROM ({touched}) k JOIN %I t ON t.station_id = k.station_id "
        f"AND t.variable = k.variable AND t.observed_at >= k.bucket AND t.observed_at < {_NEXT_DAY} "
        "GROUP BY t.station_id, t.variable, k.bucket, coalesce(t.unit, '')"
    )
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    EXECUTE format('{delete}', TG_TABLE_NAME);
    EXECUTE format('{insert}', TG_TABLE_NAME, TG_TABLE_NAME);
{_newest_again(changed_rows)}
    RETURN NULL;
END
$body$
"""


def _newest_again(changed_rows: str) -> str:
    """PL/pgSQL looking up again, from the raw rows, the newest reading of each touched series
    (idempotent, like ``_extremes``)."""
    series = f"SELECT DISTINCT station_id, variable FROM ({changed_rows}) r WHERE {_KEYED}"
    delete = _quoted(
        f"DELETE FROM {NEWEST} l USING ({series}) k WHERE l.resource_id = %L "
        "AND l.station_id = k.station_id AND l.variable = k.variable"
    )
    insert = _quoted(
        f"INSERT INTO {NEWEST} ({_NEWEST_COLUMNS}) SELECT %L, x.* FROM ({series}) k CROSS JOIN LATERAL "
        "(SELECT station_id, variable, value, unit, observed_at FROM %I t WHERE t.station_id = k.station_id "
        "AND t.variable = k.variable ORDER BY t.observed_at DESC LIMIT 1) x"
    )
    return (f"    EXECUTE format('{delete}', TG_TABLE_NAME);\n"
            f"    EXECUTE format('{insert}', TG_TABLE_NAME, TG_TABLE_NAME);")


def _extremes(changed_rows: str) -> str:
    """Dynamic SQL setting the minimum and maximum of the days ``changed_rows`` touched, from
    the raw rows (idempotent: whatever else the statement's other triggers did)."""
    touched = f"SELECT DISTINCT station_id, variable, {_DAY} AS bucket FROM ({changed_rows}) r WHERE {_KEYED}"
    return _quoted(
        f"UPDATE {TABLE} d SET low = x.lo, high = x.hi FROM (SELECT k.station_id, k.variable, k.bucket, "
        "coalesce(t.unit, '') AS u, min(t.value) AS lo, max(t.value) AS hi "
        f"FROM ({touched}) k JOIN %I t ON t.station_id = k.station_id AND t.variable = k.variable "
        f"AND t.observed_at >= k.bucket AND t.observed_at < {_NEXT_DAY} GROUP BY 1, 2, 3, 4) x "
        "WHERE d.resource_id = %L AND d.station_id = x.station_id AND d.variable = x.variable "
        "AND d.bucket = x.bucket AND d.unit = x.u"
    )


_BOTH = ("SELECT station_id, variable, observed_at FROM territorio_daily_old "
         "UNION ALL SELECT station_id, variable, observed_at FROM territorio_daily_new")

# An UPDATE (a revised reading) moves sums by the difference of its old and new rows. An
# INSERT … ON CONFLICT DO UPDATE fires this and the INSERT trigger in an order of
# PostgreSQL's, so nothing here may count rows the other adds: sums move by deltas, and the
# extremes (which a delta cannot lower or raise back) are read again from the raw rows.
_CHANGED_SQL = f"""
CREATE OR REPLACE FUNCTION territorio_daily_changed() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO {TABLE} AS d ({_COLUMNS})
    SELECT TG_TABLE_NAME, station_id, variable, {_DAY}, coalesce(unit, ''),
        coalesce(sum(sign * value), 0), sum(sign * (value IS NOT NULL)::int), NULL, NULL, sum(sign)
    FROM (SELECT -1 AS sign, station_id, variable, value, unit, observed_at FROM territorio_daily_old
          UNION ALL SELECT 1, station_id, variable, value, unit, observed_at FROM territorio_daily_new) r
    WHERE {_KEYED} GROUP BY 2, 3, 4, 5
    ON CONFLICT (resource_id, station_id, variable, bucket, unit) DO UPDATE SET
        total = d.total + EXCLUDED.total, n = d.n + EXCLUDED.n, rows = d.rows + EXCLUDED.rows;
    EXECUTE format('{_extremes(_BOTH)}', TG_TABLE_NAME, TG_TABLE_NAME);
    DELETE FROM {TABLE} WHERE resource_id = TG_TABLE_NAME AND rows <= 0;
{_newest_again(_BOTH)}
    RETURN NULL;
END
$body$
"""


FUNCTIONS_SQL = [
    f"""
CREATE OR REPLACE FUNCTION territorio_daily_add() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO {TABLE} AS d ({_COLUMNS})
    SELECT TG_TABLE_NAME, station_id, variable, {_DAY}, coalesce(unit, ''), {_SUMS}
    FROM territorio_daily_new WHERE {_KEYED} GROUP BY 2, 3, 4, 5
    ON CONFLICT (resource_id, station_id, variable, bucket, unit) DO UPDATE SET
        total = d.total + EXCLUDED.total, n = d.n + EXCLUDED.n,
        low = least(d.low, EXCLUDED.low), high = greatest(d.high, EXCLUDED.high),
        rows = d.rows + EXCLUDED.rows;
{_NEWEST_ADD}
    RETURN NULL;
END
$body$
""",
    _CHANGED_SQL,
    _recounting("territorio_daily_removed", "SELECT station_id, variable, observed_at FROM territorio_daily_old"),
    f"""
CREATE OR REPLACE FUNCTION territorio_daily_emptied() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    DELETE FROM {TABLE} WHERE resource_id = TG_TABLE_NAME;
    DELETE FROM {NEWEST} WHERE resource_id = TG_TABLE_NAME;
    RETURN NULL;
END
$body$
""",
]


def trigger_statements(resource_id: str) -> list[str]:
    """The summary tables and functions, the table's four triggers, and its summaries made afresh."""
    table = ident(resource_id)
    triggers = [
        (INSERT_TRIGGER, "AFTER INSERT", "REFERENCING NEW TABLE AS territorio_daily_new ", "territorio_daily_add"),
        ("territorio_daily_upd", "AFTER UPDATE",
         "REFERENCING OLD TABLE AS territorio_daily_old NEW TABLE AS territorio_daily_new ",
         "territorio_daily_changed"),
        ("territorio_daily_del", "AFTER DELETE", "REFERENCING OLD TABLE AS territorio_daily_old ",
         "territorio_daily_removed"),
        ("territorio_daily_trunc", "AFTER TRUNCATE", "", "territorio_daily_emptied"),
    ]
    statements = [TABLE_SQL, NEWEST_SQL, *FUNCTIONS_SQL]
    for name, event, referencing, function in triggers:
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} {event} ON {table} {referencing}FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    # the trigger's lock (SHARE ROW EXCLUSIVE) holds writers off until commit: the count is whole
    literal = "'" + _quoted(resource_id) + "'"
    statements += [
        f"DELETE FROM {TABLE} WHERE resource_id = {literal}",
        f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT {literal}, "
        f"station_id, variable, {_DAY}, coalesce(unit, ''), {_SUMS} FROM {table} WHERE {_KEYED} "
        "GROUP BY 2, 3, 4, 5",
        f"DELETE FROM {NEWEST} WHERE resource_id = {literal}",
        f"INSERT INTO {NEWEST} ({_NEWEST_COLUMNS}) SELECT DISTINCT ON (station_id, variable) {literal}, "
        f"station_id, variable, value, unit, observed_at FROM {table} WHERE {_KEYED} "
        "ORDER BY station_id, variable, observed_at DESC",
    ]
    return statements


def present(cursor: Any, resource_id: str) -> bool:
    """Whether the table's days are kept (its INSERT trigger exists; a DB-API cursor)."""
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s",
        (ident(resource_id), INSERT_TRIGGER),
    )
    return cursor.fetchone() is not None


def purge_orphans(cursor: Any) -> int:
    """Forget the days and readings of tables that no longer exist (the DataStore dropped them)."""
    forgotten = 0
    for summary in (TABLE, NEWEST):
        cursor.execute(f"SELECT to_regclass('{summary}') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(f"DELETE FROM {summary} d WHERE to_regclass(quote_ident(d.resource_id)) IS NULL")
            forgotten += int(cursor.rowcount or 0)
    return forgotten
