"""Hourly and daily sums and the newest readings of every observations table, kept by PostgreSQL.

A region's daily means over a month otherwise aggregate every raw reading of it (a quarter
of a million rows for 500 stations sending hourly). ``_territorio_hourly`` and
``_territorio_daily`` hold, per table, station, variable, bucket (the hour, or the civil day
in Chile: ``date_trunc('day', …, 'America/Santiago')``) and unit, the sum, count, minimum and
maximum of the values and the row count: the mean is ``total / n``. Whole days come from the
daily sums; the partial days at a range's edges from the hourly ones (``daily``), and only
the minutes before the first whole hour and after the last from the raw rows.

Statement-level triggers keep both exact whatever writes the table (the harvesters' COPY, the
MQTT consumer, ``datastore_upsert``/``datastore_delete``): an INSERT groups its rows by hour
once (from the statement's transition table), adds those to the hours and their sums to the
days (one upsert per touched bucket, not per row); an UPDATE moves them by its rows'
differences and reads the touched buckets' extremes again; a DELETE recounts the buckets it
touched from the raw rows (revisions and deletions are rare); a TRUNCATE empties the table's
sums. ``_territorio_newest`` holds each series' newest reading the same way (inserts keep the
later one; updates and deletions look the touched series up again), so the latest reading of
500 stations is one indexed read, not 1,000 index probes.
Nothing here imports CKAN (``layout`` calls it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .names import ident

# a leading underscore: the DataStore's set-permissions script gives every other public table its
# full-text trigger, and CKAN keeps its own tables (_table_metadata, _table_stats) so too
TABLE = "_territorio_daily"
HOURLY = "_territorio_hourly"
NEWEST = "_territorio_newest"
ZONE = "America/Santiago"
# the triggers' names say which sums a table has: tables of the daily-only rollup
# (territorio_daily_*) get the hourly sums from ``layout.ensure`` (maintenance, next load)
INSERT_TRIGGER = "territorio_rollup_ins"
_OLD_TRIGGERS = ("territorio_daily_ins", "territorio_daily_upd", "territorio_daily_del", "territorio_daily_trunc")
_KEYED = "station_id IS NOT NULL AND variable IS NOT NULL AND observed_at IS NOT NULL"
_SUMS = "coalesce(sum(value), 0), count(value), min(value), max(value), count(*)"
_COLUMNS = "resource_id, station_id, variable, bucket, unit, total, n, low, high, rows"


@dataclass(frozen=True)
class Grain:
    """One rollup table and its bucket (Chile's hours and civil days start at whole hours)."""

    table: str
    unit: str

    @property
    def bucket(self) -> str:
        """The SQL of a reading's bucket."""
        return f"date_trunc('{self.unit}', observed_at, '{ZONE}')"

    @property
    def after(self) -> str:
        """The start of the bucket after ``k.bucket`` (days last 23 to 25 hours)."""
        if self.unit == "hour":
            return "k.bucket + interval '1 hour'"
        return f"date_trunc('day', k.bucket + interval '26 hours', '{ZONE}')"


HOUR = Grain(HOURLY, "hour")
DAY = Grain(TABLE, "day")
GRAINS = (HOUR, DAY)


def _table_sql(name: str) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS {name} (
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
    FROM territorio_rollup_new WHERE {_KEYED} ORDER BY station_id, variable, observed_at DESC
    ON CONFLICT (resource_id, station_id, variable) DO UPDATE SET
        value = EXCLUDED.value, unit = EXCLUDED.unit, observed_at = EXCLUDED.observed_at
    WHERE EXCLUDED.observed_at >= l.observed_at;
"""
_ADDED = """ON CONFLICT (resource_id, station_id, variable, bucket, unit) DO UPDATE SET
        total = d.total + EXCLUDED.total, n = d.n + EXCLUDED.n,
        low = least(d.low, EXCLUDED.low), high = greatest(d.high, EXCLUDED.high),
        rows = d.rows + EXCLUDED.rows"""


def _quoted(sql: str) -> str:
    return sql.replace("'", "''")


def _touched(grain: Grain, changed_rows: str) -> str:
    return f"SELECT DISTINCT station_id, variable, {grain.bucket} AS bucket FROM ({changed_rows}) r WHERE {_KEYED}"


def _recount(grain: Grain, changed_rows: str) -> str:
    """PL/pgSQL recounting, from the raw rows, the buckets of ``grain`` that ``changed_rows`` touched.

    Dynamic SQL because the raw table is the trigger's; the statement's transition tables
    are visible to EXECUTE inside the trigger function (not to functions it would call).
    """
    touched = _touched(grain, changed_rows)
    delete = _quoted(
        f"DELETE FROM {grain.table} d USING ({touched}) k WHERE d.resource_id = %L "
        "AND d.station_id = k.station_id AND d.variable = k.variable AND d.bucket = k.bucket"
    )
    insert = _quoted(
        f"INSERT INTO {grain.table} ({_COLUMNS}) SELECT %L, t.station_id, t.variable, k.bucket, "
        "coalesce(t.unit, ''), coalesce(sum(t.value), 0), count(t.value), min(t.value), max(t.value), "
        f"count(*) FROM ({touched}) k JOIN %I t ON t.station_id = k.station_id "
        f"AND t.variable = k.variable AND t.observed_at >= k.bucket AND t.observed_at < {grain.after} "
        "GROUP BY t.station_id, t.variable, k.bucket, coalesce(t.unit, '')"
    )
    return (f"    EXECUTE format('{delete}', TG_TABLE_NAME);\n"
            f"    EXECUTE format('{insert}', TG_TABLE_NAME, TG_TABLE_NAME);\n")


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


def _moved(grain: Grain) -> str:
    """PL/pgSQL moving the buckets of ``grain`` by an UPDATE's differences, then reading the
    touched buckets' extremes again from the raw rows (a difference cannot lower or raise
    them back) and dropping buckets left without rows."""
    touched = _touched(grain, _BOTH)
    extremes = _quoted(
        f"UPDATE {grain.table} d SET low = x.lo, high = x.hi FROM (SELECT k.station_id, k.variable, k.bucket, "
        "coalesce(t.unit, '') AS u, min(t.value) AS lo, max(t.value) AS hi "
        f"FROM ({touched}) k JOIN %I t ON t.station_id = k.station_id AND t.variable = k.variable "
        f"AND t.observed_at >= k.bucket AND t.observed_at < {grain.after} GROUP BY 1, 2, 3, 4) x "
        "WHERE d.resource_id = %L AND d.station_id = x.station_id AND d.variable = x.variable "
        "AND d.bucket = x.bucket AND d.unit = x.u"
    )
    return f"""
    INSERT INTO {grain.table} AS d ({_COLUMNS})
    SELECT TG_TABLE_NAME, station_id, variable, {grain.bucket}, coalesce(unit, ''),
        coalesce(sum(sign * value), 0), sum(sign * (value IS NOT NULL)::int), NULL, NULL, sum(sign)
    FROM (SELECT -1 AS sign, station_id, variable, value, unit, observed_at FROM territorio_rollup_old
          UNION ALL SELECT 1, station_id, variable, value, unit, observed_at FROM territorio_rollup_new) r
    WHERE {_KEYED} GROUP BY 2, 3, 4, 5
    ON CONFLICT (resource_id, station_id, variable, bucket, unit) DO UPDATE SET
        total = d.total + EXCLUDED.total, n = d.n + EXCLUDED.n, rows = d.rows + EXCLUDED.rows;
    EXECUTE format('{extremes}', TG_TABLE_NAME, TG_TABLE_NAME);
    DELETE FROM {grain.table} WHERE resource_id = TG_TABLE_NAME AND rows <= 0;
"""


_BOTH = ("SELECT station_id, variable, observed_at FROM territorio_rollup_old "
         "UNION ALL SELECT station_id, variable, observed_at FROM territorio_rollup_new")
_REMOVED = "SELECT station_id, variable, observed_at FROM territorio_rollup_old"


def _function(name: str, body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
{body}
    RETURN NULL;
END
$body$
"""


# An INSERT groups its rows by hour once; the days are summed from those hours.
_ADD = f"""
    WITH hours AS (
        SELECT station_id, variable, {HOUR.bucket} AS bucket, coalesce(unit, '') AS unit,
            coalesce(sum(value), 0) AS total, count(value) AS n, min(value) AS low, max(value) AS high,
            count(*) AS rows
        FROM territorio_rollup_new WHERE {_KEYED} GROUP BY 1, 2, 3, 4
    ), added_hours AS (
        INSERT INTO {HOURLY} AS d ({_COLUMNS})
        SELECT TG_TABLE_NAME, station_id, variable, bucket, unit, total, n, low, high, rows FROM hours
        {_ADDED}
    )
    INSERT INTO {TABLE} AS d ({_COLUMNS})
    SELECT TG_TABLE_NAME, station_id, variable, date_trunc('day', bucket, '{ZONE}'), unit,
        sum(total), sum(n), min(low), max(high), sum(rows)
    FROM hours GROUP BY 2, 3, 4, 5
    {_ADDED};
{_NEWEST_ADD}"""

# An UPDATE (a revised reading) moves sums by the difference of its old and new rows. An
# INSERT … ON CONFLICT DO UPDATE fires this and the INSERT trigger in an order of
# PostgreSQL's, so nothing here may count rows the other adds.
FUNCTIONS_SQL = [
    _function("territorio_rollup_add", _ADD),
    _function("territorio_rollup_changed", "".join(_moved(g) for g in GRAINS) + _newest_again(_BOTH)),
    _function("territorio_rollup_removed", "".join(_recount(g, _REMOVED) for g in GRAINS) + _newest_again(_REMOVED)),
    _function("territorio_rollup_emptied", "".join(
        f"    DELETE FROM {name} WHERE resource_id = TG_TABLE_NAME;\n" for name in (HOURLY, TABLE, NEWEST))),
]


def trigger_statements(resource_id: str) -> list[str]:
    """The summary tables and functions, the table's four triggers, and its summaries made afresh."""
    table = ident(resource_id)
    triggers = [
        (INSERT_TRIGGER, "AFTER INSERT", "REFERENCING NEW TABLE AS territorio_rollup_new ", "territorio_rollup_add"),
        ("territorio_rollup_upd", "AFTER UPDATE",
         "REFERENCING OLD TABLE AS territorio_rollup_old NEW TABLE AS territorio_rollup_new ",
         "territorio_rollup_changed"),
        ("territorio_rollup_del", "AFTER DELETE", "REFERENCING OLD TABLE AS territorio_rollup_old ",
         "territorio_rollup_removed"),
        ("territorio_rollup_trunc", "AFTER TRUNCATE", "", "territorio_rollup_emptied"),
    ]
    statements = [_table_sql(HOURLY), _table_sql(TABLE), NEWEST_SQL, *FUNCTIONS_SQL]
    statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name in _OLD_TRIGGERS]
    for name, event, referencing, function in triggers:
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} {event} ON {table} {referencing}FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    # the trigger's lock (SHARE ROW EXCLUSIVE) holds writers off until commit: the count is whole
    literal = "'" + _quoted(resource_id) + "'"
    statements += [
        f"DELETE FROM {HOURLY} WHERE resource_id = {literal}",
        f"INSERT INTO {HOURLY} ({_COLUMNS}) SELECT {literal}, "
        f"station_id, variable, {HOUR.bucket}, coalesce(unit, ''), {_SUMS} FROM {table} WHERE {_KEYED} "
        "GROUP BY 2, 3, 4, 5",
        f"DELETE FROM {TABLE} WHERE resource_id = {literal}",
        f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT resource_id, station_id, variable, "
        f"date_trunc('day', bucket, '{ZONE}'), unit, sum(total), sum(n), min(low), max(high), sum(rows) "
        f"FROM {HOURLY} WHERE resource_id = {literal} GROUP BY 1, 2, 3, 4, 5",
        f"DELETE FROM {NEWEST} WHERE resource_id = {literal}",
        f"INSERT INTO {NEWEST} ({_NEWEST_COLUMNS}) SELECT DISTINCT ON (station_id, variable) {literal}, "
        f"station_id, variable, value, unit, observed_at FROM {table} WHERE {_KEYED} "
        "ORDER BY station_id, variable, observed_at DESC",
    ]
    return statements


def present(cursor: Any, resource_id: str) -> bool:
    """Whether the table's hours and days are kept (its INSERT trigger exists; a DB-API cursor)."""
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s",
        (ident(resource_id), INSERT_TRIGGER),
    )
    return cursor.fetchone() is not None


def purge_orphans(cursor: Any) -> int:
    """Forget the sums and readings of tables that no longer exist (the DataStore dropped them)."""
    forgotten = 0
    for summary in (HOURLY, TABLE, NEWEST):
        cursor.execute(f"SELECT to_regclass('{summary}') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(f"DELETE FROM {summary} d WHERE to_regclass(quote_ident(d.resource_id)) IS NULL")
            forgotten += int(cursor.rowcount or 0)
    return forgotten
