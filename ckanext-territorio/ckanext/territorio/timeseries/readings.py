"""Readings of one observations table: a time range, raw or in hourly/daily buckets, by pages.

Pages are cut by keyset, never by OFFSET: rows come in the order of the unique key
(station_id, variable, observed_at) — buckets in (station_id, variable, bucket, unit) — and
the cursor carries the last row's key, so page N costs what page 1 costs and a reading
inserted meanwhile never shifts a page (no gaps, no duplicates).

Buckets: ``hour`` and ``day`` start at the hour / the local midnight in America/Santiago
(``date_trunc(..., 'America/Santiago')``), so a day is a civil day in Chile across its DST
changes (23 or 25 hours). ``value`` is the mean, with ``min``, ``max`` and ``count``.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import sqlalchemy as sa

from . import daily
from .layout import REQUIRED, is_observations
from .names import ident, in_clause
from .params import ZONE_NAME, Invalid, ReadingsQuery, decode_cursor, encode_cursor

STATEMENT_TIMEOUT_MS = 15_000
RAW_FIELDS = ("station", "variable", "value", "unit", "observed_at")
AGGREGATE_FIELDS = (*RAW_FIELDS, "min", "max", "count")


class TableMissing(Exception):
    """The resource has no DataStore table with the observations layout."""


def read_engine() -> Any:
    """The DataStore's read-only engine (CKAN checks permissions before any query here)."""
    from ckanext.datastore.backend.postgres import get_read_engine

    return get_read_engine()


def columns(connection: Any, resource_id: str) -> set[str]:
    """The column names of a DataStore table (empty when there is no such table)."""
    rows = connection.execute(
        sa.text(
            "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname = :t AND c.relkind = 'r' "
            "AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        {"t": resource_id},
    ).fetchall()
    return {row[0] for row in rows}


def check_table(connection: Any, resource_id: str) -> None:
    """Raise TableMissing unless the resource's table has the observations layout."""
    if not is_observations(columns(connection, resource_id)):
        raise TableMissing(resource_id)


def unknown(connection: Any, resource_id: str, stations: Sequence[str], variables: Sequence[str]) -> dict[str, list[str]]:
    """Field errors for stations and variables the table has no reading of (each an index probe)."""
    table = ident(resource_id)
    errors: dict[str, list[str]] = {}
    for key, column, values, label in (
        ("station", "station_id", stations, "Estaciones sin mediciones en este recurso: "),
        ("variable", "variable", variables, "Variables sin mediciones en este recurso: "),
    ):
        if not values:
            continue
        rows = connection.execute(
            sa.text(
                f"SELECT v FROM unnest(CAST(:values AS text[])) AS v "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {column} = v)"
            ),
            {"values": list(values)},
        ).fetchall()
        missing = [row[0] for row in rows]
        if missing:
            errors[key] = [label + ", ".join(missing)]
    return errors


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


SERIES_PER_PAGE = 500


def walk_statement(resource_id: str, after: tuple[Any, ...] | None) -> tuple[str, dict[str, Any]]:
    """The next series (station_id, variable) of the table from the cursor's, in key order.

    PostgreSQL has no skip scan: without a station or variable filter a time range would
    otherwise be a whole-table scan (readings arrive series after series, so observed_at
    says little about where a row lies). Each step is one probe of the unique index.
    """
    table = ident(resource_id)
    params: dict[str, Any] = {"walk": SERIES_PER_PAGE}
    seed = ""
    if after is not None:
        seed = "WHERE (station_id, variable) >= (:a_station, :a_variable) "
        params.update(a_station=after[0], a_variable=after[1])
    sql = f"""
WITH RECURSIVE series(station_id, variable, n) AS (
    (SELECT station_id, variable, 1 FROM {table} {seed}ORDER BY station_id, variable LIMIT 1)
    UNION ALL
    SELECT nx.station_id, nx.variable, s.n + 1 FROM series s CROSS JOIN LATERAL (
        SELECT station_id, variable FROM {table}
        WHERE (station_id, variable) > (s.station_id, s.variable)
        ORDER BY station_id, variable LIMIT 1
    ) nx WHERE s.n < :walk
)
SELECT station_id, variable FROM series ORDER BY n
"""
    return sql, params


def statement(
    resource_id: str, query: ReadingsQuery, series: Sequence[tuple[str, str]] | None = None
) -> tuple[str, dict[str, Any]]:
    """The SQL of one page and its parameters (also what the EXPLAIN tests look at).

    With ``series`` (from ``walk_statement``), each series' range is read on its own from
    the unique index and the pieces are merged.
    """
    table = ident(resource_id)
    params: dict[str, Any] = {"start": query.start, "end": query.end, "limit": query.limit + 1}
    where = ["t.observed_at >= :start", "t.observed_at <= :end"]
    if series is not None:
        params.update(s_stations=[s for s, _v in series], s_variables=[v for _s, v in series])
        where += ["t.station_id = s.station_id", "t.variable = s.variable"]
    if query.stations:
        where.append(in_clause("t.station_id", "stations", query.stations, params))
    if query.variables:
        where.append(in_clause("t.variable", "variables", query.variables, params))
    if query.after is not None:
        params.update(a_station=query.after[0], a_variable=query.after[1], a_time=query.after[2])
    if query.aggregate == "none":
        if query.after is not None:
            where.append(
                "(t.station_id, t.variable, t.observed_at) > (:a_station, :a_variable, CAST(:a_time AS timestamptz))"
            )
        columns_sql = "t.station_id, t.variable, t.value, t.unit, t.observed_at"
        if series is None:
            sql = (
                f"SELECT {columns_sql} FROM {table} t WHERE {' AND '.join(where)} "
                "ORDER BY t.station_id, t.variable, t.observed_at LIMIT :limit"
            )
        else:
            sql = (
                "SELECT r.* FROM unnest(CAST(:s_stations AS text[]), CAST(:s_variables AS text[])) "
                f"AS s(station_id, variable) CROSS JOIN LATERAL (SELECT {columns_sql} FROM {table} t "
                f"WHERE {' AND '.join(where)} ORDER BY t.observed_at LIMIT :limit) r "
                "ORDER BY r.station_id, r.variable, r.observed_at LIMIT :limit"
            )
        return sql, params
    params.update(unit=query.aggregate, zone=ZONE_NAME)
    bucket = "date_trunc(:unit, t.observed_at, :zone)"
    having = ""
    if query.after is not None:
        params["a_unit"] = query.after[3]
        # rows before the cursor's bucket cannot make a later group: the unique index skips them
        where.append(
            "(t.station_id, t.variable, t.observed_at) >= (:a_station, :a_variable, CAST(:a_time AS timestamptz))"
        )
        having = (
            f"HAVING (t.station_id, t.variable, {bucket}, coalesce(t.unit, '')) > "
            "(:a_station, :a_variable, CAST(:a_time AS timestamptz), :a_unit)"
        )
    grouped = (
        f"SELECT t.station_id, t.variable, avg(t.value) AS mean, coalesce(t.unit, '') AS u, {bucket} AS bucket, "
        f"min(t.value) AS low, max(t.value) AS high, count(t.value) AS n FROM {table} t "
        f"WHERE {' AND '.join(where)} GROUP BY t.station_id, t.variable, {bucket}, coalesce(t.unit, '') {having}"
    )
    if series is None:
        sql = f"{grouped} ORDER BY t.station_id, t.variable, bucket, u LIMIT :limit"
    else:
        sql = (
            "SELECT r.* FROM unnest(CAST(:s_stations AS text[]), CAST(:s_variables AS text[])) "
            f"AS s(station_id, variable) CROSS JOIN LATERAL ({grouped} ORDER BY bucket, u LIMIT :limit) r "
            "ORDER BY r.station_id, r.variable, r.bucket, r.u LIMIT :limit"
        )
    return sql, params


# Records are written as JSON by PostgreSQL (row_to_json), as the DataStore's own
# datastore_search does: building ten thousand dicts and encoding them again cost Python
# ten times what the query did. Keys in the order of RAW_FIELDS / AGGREGATE_FIELDS.
_FINITE = "nullif(nullif(nullif({0}, 'NaN'), 'Infinity'), '-Infinity')"
# ISO 8601 in UTC like datetime.isoformat(): microseconds only when there are some
_UTC_TEXT = (
    "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24\\:MI\\:SS') || "
    "CASE WHEN extract(microseconds FROM {0})::bigint % 1000000 <> 0 "
    "THEN to_char({0} AT TIME ZONE 'UTC', '.US') ELSE '' END || 'Z'"
)


def as_records(sql: str, aggregate: str) -> str:
    """``sql`` (a page's rows) as one JSON record per row, plus the key the cursor needs.

    Columns: the record's JSON text, station, variable, time (PostgreSQL's own text, which
    the cursor casts back) and, for buckets, the unit. The order of ``sql`` is kept: the
    outer ORDER BY names its keys, so PostgreSQL does not sort again.
    """
    if aggregate == "none":
        fields = (f"p.station_id AS station, p.variable, {_FINITE.format('p.value')} AS value, p.unit, "
                  f"{_UTC_TEXT.format('p.observed_at')} AS observed_at")
        key, order = "p.observed_at::text, NULL", "p.station_id, p.variable, p.observed_at"
    else:
        fields = (f"p.station_id AS station, p.variable, {_FINITE.format('p.mean')} AS value, p.u AS unit, "
                  f"{_UTC_TEXT.format('p.bucket')} AS observed_at, {_FINITE.format('p.low')} AS min, "
                  f"{_FINITE.format('p.high')} AS max, p.n AS count")
        key, order = "p.bucket::text, p.u", "p.station_id, p.variable, p.bucket, p.u"
    return (f"SELECT row_to_json(j)::text, p.station_id, p.variable, {key} FROM ({sql}) p "
            f"CROSS JOIN LATERAL (SELECT {fields}) j ORDER BY {order}")


class _Raw(msgspec.Struct, omit_defaults=False):
    # float fields take PostgreSQL's "30" as 30.0, as the values were read before
    station: str
    variable: str
    value: float | None
    unit: str | None
    observed_at: str


class _Bucket(_Raw):
    min: float | None
    max: float | None
    count: int


_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {
    "none": msgspec.json.Decoder(list[_Raw]), "bucket": msgspec.json.Decoder(list[_Bucket]),
}


@dataclasses.dataclass
class Page:
    """One page of readings (a JSON array, as PostgreSQL wrote it) and the next cursor."""

    records_json: str
    next: str | None
    aggregate: str

    @property
    def records(self) -> list[dict[str, Any]]:
        """The records as Python values."""
        decoder = _DECODERS["none" if self.aggregate == "none" else "bucket"]
        return msgspec.to_builtins(decoder.decode(self.records_json))

    def csv(self) -> str:
        """The page as CSV (header line first), for spreadsheets."""
        fields = RAW_FIELDS if self.aggregate == "none" else AGGREGATE_FIELDS
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.records)
        return out.getvalue()


def fetch(resource_id: str, query: ReadingsQuery, cursor: str | None = None) -> Page:
    """One page of the query's readings (Invalid for unknown stations/variables or a bad cursor)."""
    fingerprint = query.fingerprint(resource_id)
    if cursor:
        size = 3 if query.aggregate == "none" else 4
        query = dataclasses.replace(query, after=decode_cursor(cursor, fingerprint, size))
    with read_engine().connect() as connection:
        check_table(connection, resource_id)
        connection.execute(sa.text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
        errors = unknown(connection, resource_id, query.stations, query.variables)
        if errors:
            raise Invalid(errors)
        series = None
        bounds = daily.spans(connection, resource_id, query)
        if bounds is not None:
            sql, params = daily.statement(resource_id, query, bounds)
        else:
            if not query.stations and not query.variables:
                walk_sql, walk_params = walk_statement(resource_id, query.after)
                series = [(row[0], row[1]) for row in connection.execute(sa.text(walk_sql), walk_params)]
            sql, params = statement(resource_id, query, series)
        try:
            rows = (connection.execute(sa.text(as_records(sql, query.aggregate)), params).fetchall()
                    if series != [] else [])
        except sa.exc.OperationalError as exc:
            if getattr(exc.orig, "pgcode", None) == "57014":  # query_canceled: statement_timeout
                raise Invalid({"to": [
                    "La consulta tardó demasiado: acote el rango, las estaciones o las variables"
                ]}) from None
            raise
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        position = [last[1], last[2], last[3]]
        if query.aggregate != "none":
            position.append(last[4] or "")
        next_cursor = encode_cursor(fingerprint, position)
    elif series is not None and len(series) == SERIES_PER_PAGE:
        # the page ends with the walk, not with the rows: go on after the last series walked
        after_all = (query.end + dt.timedelta(microseconds=1)).isoformat()
        position = [series[-1][0], series[-1][1], after_all]
        if query.aggregate != "none":
            position.append("")
        next_cursor = encode_cursor(fingerprint, position)
    return Page(records_json="[" + ",".join(row[0] for row in rows) + "]", next=next_cursor,
                aggregate=query.aggregate)


def observations_resource(package: Mapping[str, Any]) -> str | None:
    """The id of the dataset's first DataStore resource whose table has the observations layout
    (one catalogue query for all of its resources)."""
    candidates = [
        str(resource["id"])
        for resource in package.get("resources") or ()
        if resource.get("id")
        and resource.get("state", "active") == "active"
        and (resource.get("url_type") == "datastore" or resource.get("datastore_active") in (True, "true", "True"))
    ]
    if not candidates:
        return None
    with read_engine().connect() as connection:
        found = {
            row[0]
            for row in connection.execute(
                sa.text(
                    "SELECT c.relname FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' "
                    "JOIN pg_attribute a ON a.attrelid = c.oid AND NOT a.attisdropped "
                    "AND a.attname = ANY(:columns) "
                    "WHERE c.relname = ANY(:ids) AND c.relkind IN ('r', 'p') "
                    "GROUP BY c.relname HAVING count(*) = :wanted"
                ),
                {"columns": list(REQUIRED), "ids": candidates, "wanted": len(REQUIRED)},
            )
        }
    return next((rid for rid in candidates if rid in found), None)
