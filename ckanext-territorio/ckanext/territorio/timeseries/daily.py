"""Daily means from ``_territorio_daily`` for the whole days of a range, raw rows for its edges.

A range rarely starts and ends at midnight: the days it covers whole come from the rollup
(one row per station, variable, day and unit), the partial first and last days are grouped
from the raw readings, exactly as the raw path would group them, and one statement merges
the three in the key order the pages are cut in (PostgreSQL's collation, so a cursor compares
the same way everywhere). The answers are those of the raw path: same buckets, counts,
minimum and maximum; the mean is ``total / n`` (it may differ from ``avg`` in the last bits).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from . import rollup
from .names import ident, in_clause
from .params import ZONE_NAME, ReadingsQuery

_BOUNDS = sa.text(
    "SELECT CASE WHEN date_trunc('day', s, :zone) = s THEN s "
    "ELSE date_trunc('day', date_trunc('day', s, :zone) + interval '26 hours', :zone) END, "
    "date_trunc('day', e + interval '1 microsecond', :zone) "
    "FROM (SELECT CAST(:start AS timestamptz) AS s, CAST(:end AS timestamptz) AS e) x"
)


def whole_days(connection: Any, resource_id: str, query: ReadingsQuery) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and the after-last civil day the range covers whole, when the rollup can serve them."""
    if query.aggregate != "day":
        return None
    first, after_last = connection.execute(
        _BOUNDS, {"zone": ZONE_NAME, "start": query.start, "end": query.end}
    ).one()
    if first >= after_last:
        return None
    cursor = connection.connection.cursor()
    try:
        if not rollup.present(cursor, resource_id):
            return None
    finally:
        cursor.close()
    return first, after_last


def statement(resource_id: str, query: ReadingsQuery, days: tuple[dt.datetime, dt.datetime]) -> tuple[str, dict[str, Any]]:
    """One page of daily means: rollup rows for ``days``, raw groups for the edges, merged."""
    table = ident(resource_id)
    params: dict[str, Any] = {
        "rid": resource_id, "start": query.start, "end": query.end, "limit": query.limit + 1,
        "full_start": days[0], "full_end": days[1], "zone": ZONE_NAME, "unit": "day",
    }
    rolled = ["d.resource_id = :rid", "d.bucket >= :full_start", "d.bucket < :full_end"]
    raw: list[str] = []
    if query.stations:
        rolled.append(in_clause("d.station_id", "stations", query.stations, params))
        raw.append(in_clause("t.station_id", "stations", query.stations, params))
    if query.variables:
        rolled.append(in_clause("d.variable", "variables", query.variables, params))
        raw.append(in_clause("t.variable", "variables", query.variables, params))
    bucket = "date_trunc(:unit, t.observed_at, :zone)"
    having = ""
    if query.after is not None:
        params.update(a_station=query.after[0], a_variable=query.after[1], a_time=query.after[2],
                      a_unit=query.after[3])
        rolled.append("(d.station_id, d.variable, d.bucket, d.unit) > "
                      "(:a_station, :a_variable, CAST(:a_time AS timestamptz), :a_unit)")
        raw.append("(t.station_id, t.variable, t.observed_at) >= "
                   "(:a_station, :a_variable, CAST(:a_time AS timestamptz))")
        having = (f"HAVING (t.station_id, t.variable, {bucket}, coalesce(t.unit, '')) > "
                  "(:a_station, :a_variable, CAST(:a_time AS timestamptz), :a_unit)")
    order = "ORDER BY station_id, variable, bucket, u LIMIT :limit"

    def edge(low: str, high: str) -> str:
        where = " AND ".join([f"t.observed_at >= {low}", f"t.observed_at {high}", *raw])
        return (
            f"(SELECT t.station_id, t.variable, avg(t.value) AS mean, coalesce(t.unit, '') AS u, "
            f"{bucket} AS bucket, min(t.value) AS low, max(t.value) AS high, count(t.value) AS n "
            f"FROM {table} t WHERE {where} "
            f"GROUP BY t.station_id, t.variable, {bucket}, coalesce(t.unit, '') {having} {order})"
        )

    sql = (
        "SELECT * FROM ("
        "(SELECT d.station_id, d.variable, CASE WHEN d.n > 0 THEN d.total / d.n END AS mean, d.unit AS u, "
        f"d.bucket, d.low, d.high, d.n FROM {rollup.TABLE} d WHERE {' AND '.join(rolled)} {order}) "
        f"UNION ALL {edge(':start', '< :full_start')} "
        f"UNION ALL {edge(':full_end', '<= :end')}"
        f") merged {order}"
    )
    return sql, params
