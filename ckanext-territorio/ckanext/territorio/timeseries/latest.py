"""The newest reading of every series (station, variable) of some observations tables.

One indexed read per table from ``_territorio_newest``, which the table's triggers keep
(``rollup``). A table without them (until ``ckan territorio timeseries ensure``) gets one
statement: a recursive walk over the distinct (station_id, variable) pairs of the unique
key's index (one probe per series, a loose index scan PostgreSQL lacks natively), then each
series' newest row by a backward probe of the same index. Either way the cost follows the
number of series, not of readings. Station names and coordinates come from the station
records the harvesters keep (``territorio_station_claim``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import rollup
from .names import ident
from .readings import TableMissing, _iso, _number, check_table, read_engine

MAX_TABLES = 200


@dataclass(frozen=True)
class Source:
    """An observations table and the dataset it belongs to."""

    resource_id: str
    dataset_id: str
    dataset_name: str


@dataclass(frozen=True)
class Place:
    """A station's name and WGS 84 coordinates, as far as known."""

    name: str | None
    lon: float | None
    lat: float | None


def statement(resource_id: str) -> str:
    """The latest-per-series SQL of one table."""
    table = ident(resource_id)
    return f"""
WITH RECURSIVE series(station_id, variable) AS (
    (SELECT station_id, variable FROM {table} ORDER BY station_id, variable LIMIT 1)
    UNION ALL
    SELECT n.station_id, n.variable FROM series s CROSS JOIN LATERAL (
        SELECT station_id, variable FROM {table}
        WHERE (station_id, variable) > (s.station_id, s.variable)
        ORDER BY station_id, variable LIMIT 1
    ) n
)
SELECT l.station_id, l.variable, l.value, l.unit, l.observed_at FROM series s CROSS JOIN LATERAL (
    SELECT station_id, variable, value, unit, observed_at FROM {table}
    WHERE station_id = s.station_id AND variable = s.variable
    ORDER BY observed_at DESC LIMIT 1
) l
"""


def kept_statement() -> str:
    """The newest reading per series from ``_territorio_newest`` (kept by the table's triggers)."""
    return (
        f"SELECT station_id, variable, value, unit, observed_at FROM {rollup.NEWEST} "
        "WHERE resource_id = :resource_id ORDER BY station_id, variable"
    )


def _newest_rows(connection: Any, resource_id: str) -> Any:
    cursor = connection.connection.cursor()
    try:
        kept = rollup.present(cursor, resource_id)
    finally:
        cursor.close()
    if kept:
        return connection.execute(sa.text(kept_statement()), {"resource_id": resource_id})
    return connection.execute(sa.text(statement(resource_id)))


def places(station_ids: Iterable[str]) -> dict[str, Place]:
    """Names and coordinates of stations from the harvesters' station records."""
    from ckan import model

    from ..model.station_claim import StationClaim

    ids = sorted(set(station_ids))
    if not ids:
        return {}
    # one row per station (a station has a claim per variable and source): the live claim,
    # else the newest; plain tuples, as the ORM's rows cost more than the query
    statement = (
        sa.select(StationClaim.station_id, StationClaim.name, StationClaim.lon, StationClaim.lat)
        .where(StationClaim.station_id.in_(ids))
        .distinct(StationClaim.station_id)
        .order_by(StationClaim.station_id, StationClaim.yielded_to.isnot(None), StationClaim.updated.desc())
    )
    return {station_id: Place(name, lon, lat) for station_id, name, lon, lat in model.Session.execute(statement)}


def _inside(place: Place | None, box: tuple[float, float, float, float]) -> bool:
    if place is None or place.lon is None or place.lat is None:
        return False
    minx, miny, maxx, maxy = box
    return minx <= place.lon <= maxx and miny <= place.lat <= maxy


def latest(
    sources: Sequence[Source],
    *,
    now: dt.datetime,
    stations: Sequence[str] = (),
    variables: Sequence[str] = (),
    box: tuple[float, float, float, float] | None = None,
) -> list[dict[str, Any]]:
    """Every series' newest reading with its age in seconds, by dataset, station and variable."""
    wanted_stations = set(stations)
    wanted_variables = set(variables)
    found: list[tuple[Source, Any]] = []
    with read_engine().connect() as connection:
        connection.execute(sa.text("SET LOCAL statement_timeout = 15000"))
        for source in sources[:MAX_TABLES]:
            try:
                check_table(connection, source.resource_id)
            except TableMissing:  # a dataset without readings yet has nothing to show
                continue
            for row in _newest_rows(connection, source.resource_id):
                if wanted_stations and row[0] not in wanted_stations:
                    continue
                if wanted_variables and row[1] not in wanted_variables:
                    continue
                found.append((source, row))
    known = places(row[0] for _source, row in found)
    records = []
    for source, row in found:
        place = known.get(row[0])
        if box is not None and not _inside(place, box):
            continue
        records.append(
            {
                "station": row[0],
                "name": place.name if place else None,
                "lon": place.lon if place else None,
                "lat": place.lat if place else None,
                "variable": row[1],
                "value": _number(row[2]),
                "unit": row[3],
                "observed_at": _iso(row[4]),
                "age_seconds": max(0, int((now - row[4]).total_seconds())),
                "dataset": source.dataset_name,
                "resource_id": source.resource_id,
            }
        )
    records.sort(key=lambda r: (r["dataset"], r["station"], r["variable"]))
    return records


def feature_collection(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The stations of the records as a GeoJSON FeatureCollection, each with its latest values."""
    features: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        key = (record["resource_id"], record["station"])
        feature = features.get(key)
        if feature is None:
            located = record["lon"] is not None and record["lat"] is not None
            feature = {
                "type": "Feature",
                "id": record["station"],
                "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]} if located else None,
                "properties": {
                    "station": record["station"],
                    "name": record["name"],
                    "dataset": record["dataset"],
                    "resource_id": record["resource_id"],
                    "latest": [],
                },
            }
            features[key] = feature
        feature["properties"]["latest"].append(
            {k: record[k] for k in ("variable", "value", "unit", "observed_at", "age_seconds")}
        )
    return {"type": "FeatureCollection", "features": list(features.values())}
