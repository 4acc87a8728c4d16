"""Hourly and daily means from the rollups, with only a range's ragged minutes read raw.

A range rarely starts and ends at a whole hour or at midnight. Its whole buckets come from
the rollup of the query's unit (one row per station, variable, bucket and unit). The partial
buckets at its edges are grouped, exactly as the raw path groups them, from what lies inside
them: for daily means the whole hours of the partial days (``_territorio_hourly``) and the
minutes before the first whole hour and after the last (raw rows); for hourly means just
those minutes. One statement merges the pieces in the key order the pages are cut in
(PostgreSQL's collation, so a cursor compares the same way everywhere). The answers are
those of the raw path: same buckets, counts, minimum and maximum; the mean is ``total / n``
(it may differ from ``avg`` in the last bits).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import rollup
from .names import ident, in_clause
from .params import ZONE_NAME, ReadingsQuery

# the first whole hour and day of the range, and the ends of its last whole hour and day
_BOUNDS = sa.text(
    "SELECT CASE WHEN date_trunc('hour', s, :zone) = s THEN s "
    "ELSE date_trunc('hour', s, :zone) + interval '1 hour' END, "
    "date_trunc('hour', e + interval '1 microsecond', :zone), "
    "CASE WHEN date_trunc('day', s, :zone) = s THEN s "
    "ELSE date_trunc('day', date_trunc('day', s, :zone) + interval '26 hours', :zone) END, "
    "date_trunc('day', e + interval '1 microsecond', :zone) "
    "FROM (SELECT CAST(:start AS timestamptz) AS s, CAST(:end AS timestamptz) AS e) x"
)


@dataclass(frozen=True)
class Spans:
    """Where a range's whole hours and whole days begin and end (whole days may be none)."""

    first_hour: dt.datetime
    after_hours: dt.datetime
    first_day: dt.datetime
    after_days: dt.datetime

    @property
    def days(self) -> bool:
        """Whether the range covers at least one whole day."""
        return self.first_day < self.after_days


def spans(connection: Any, resource_id: str, query: ReadingsQuery) -> Spans | None:
    """The range's whole hours and days, when it has a whole hour and the rollups serve it."""
    if query.aggregate not in ("hour", "day"):
        return None
    bounds = Spans(*connection.execute(
        _BOUNDS, {"zone": ZONE_NAME, "start": query.start, "end": query.end}
    ).one())
    if bounds.first_hour >= bounds.after_hours:
        return None
    cursor = connection.connection.cursor()
    try:
        if not rollup.present(cursor, resource_id):
            return None
    finally:
        cursor.close()
    return bounds


def statement(resource_id: str, query: ReadingsQuery, bounds: Spans) -> tuple[str, dict[str, Any]]:
    """One page of hourly or daily means: rollup rows for whole buckets, edges grouped, merged.

    Every piece is read series by series (the series from ``_territorio_newest``), each an
    index range of its own: PostgreSQL has no skip scan, so a region's variable over a month
    would otherwise walk the index of every station's readings of it.
    """
    table = ident(resource_id)
    params: dict[str, Any] = {
        "rid": resource_id, "start": query.start, "end": query.end, "limit": query.limit + 1,
        "first_hour": bounds.first_hour, "after_hours": bounds.after_hours,
        "first_day": bounds.first_day, "after_days": bounds.after_days,
        "zone": ZONE_NAME, "unit": query.aggregate,
    }
    chosen = ["n.resource_id = :rid"]
    if query.stations:
        chosen.append(in_clause("n.station_id", "stations", query.stations, params))
    if query.variables:
        chosen.append(in_clause("n.variable", "variables", query.variables, params))
    after = {"d": "", "h": "", "t": ""}
    having = ""
    if query.after is not None:
        params.update(a_station=query.after[0], a_variable=query.after[1], a_time=query.after[2],
                      a_unit=query.after[3])
        chosen.append("(n.station_id, n.variable) >= (:a_station, :a_variable)")
        after["d"] = (" AND (d.station_id, d.variable, d.bucket, d.unit) > "
                      "(:a_station, :a_variable, CAST(:a_time AS timestamptz), :a_unit)")
        # rows before the cursor's bucket cannot make a later group: the indexes skip them
        for alias, column in (("h", "bucket"), ("t", "observed_at")):
            after[alias] = (f" AND ({alias}.station_id, {alias}.variable, {alias}.{column}) >= "
                            "(:a_station, :a_variable, CAST(:a_time AS timestamptz))")
        having = ("HAVING (station_id, variable, bucket, u) > "
                  "(:a_station, :a_variable, CAST(:a_time AS timestamptz), :a_unit)")
    series = f"SELECT n.station_id, n.variable FROM {rollup.NEWEST} n WHERE {' AND '.join(chosen)}"
    day = query.aggregate == "day"
    whole = rollup.TABLE if day else rollup.HOURLY
    whole_from, whole_to = (":first_day", ":after_days") if day else (":first_hour", ":after_hours")

    def raw(low: str, high: str) -> str:
        return (
            "SELECT x.* FROM s CROSS JOIN LATERAL (SELECT t.station_id, t.variable, "
            "date_trunc(:unit, t.observed_at, :zone) AS bucket, coalesce(t.unit, '') AS u, "
            "coalesce(t.value, 0) AS total, (t.value IS NOT NULL)::int AS n, t.value AS low, t.value AS high "
            f"FROM {table} t WHERE t.station_id = s.station_id AND t.variable = s.variable "
            f"AND t.observed_at {low} AND t.observed_at {high}{after['t']}) x"
        )

    def hours(low: str, high: str) -> str:
        return (
            "SELECT x.* FROM s CROSS JOIN LATERAL (SELECT h.station_id, h.variable, "
            "date_trunc('day', h.bucket, :zone) AS bucket, h.unit AS u, h.total, h.n, h.low, h.high "
            f"FROM {rollup.HOURLY} h WHERE h.resource_id = :rid AND h.station_id = s.station_id "
            f"AND h.variable = s.variable AND h.bucket >= {low} AND h.bucket < {high}{after['h']}) x"
        )

    pieces = [raw(">= :start", "< :first_hour"), raw(">= :after_hours", "<= :end")]
    if day:
        if bounds.days:
            pieces += [hours(":first_hour", ":first_day"), hours(":after_days", ":after_hours")]
        else:  # a range inside one day: its whole hours, then the edges
            pieces.append(hours(":first_hour", ":after_hours"))
            whole_from = whole_to = ":first_hour"
    edges = (
        "SELECT station_id, variable, CASE WHEN sum(n) > 0 THEN sum(total) / sum(n) END AS mean, u, bucket, "
        "min(low) AS low, max(high) AS high, sum(n)::bigint AS n "
        f"FROM ({' UNION ALL '.join(pieces)}) e GROUP BY station_id, variable, bucket, u {having}"
    )
    rolled = (
        "SELECT x.* FROM s CROSS JOIN LATERAL (SELECT d.station_id, d.variable, "
        "CASE WHEN d.n > 0 THEN d.total / d.n END AS mean, d.unit AS u, d.bucket, d.low, d.high, d.n "
        f"FROM {whole} d WHERE d.resource_id = :rid AND d.station_id = s.station_id "
        f"AND d.variable = s.variable AND d.bucket >= {whole_from} AND d.bucket < {whole_to}{after['d']}) x"
    )
    sql = (
        f"WITH s AS MATERIALIZED ({series}) "
        f"SELECT * FROM ({rolled} UNION ALL {edges}) merged "
        "ORDER BY station_id, variable, bucket, u LIMIT :limit"
    )
    return sql, params
