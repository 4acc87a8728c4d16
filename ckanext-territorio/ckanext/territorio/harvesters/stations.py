"""Stations as GeoJSON and as a spatial extent, and the same place published by two sources.

OpenAQ aggregates SINCA: the same monitoring station appears in both. A station is the
same place when it lies within ``match_meters`` of the other and their names share most
words; the source type earlier in ``PRECEDENCE`` keeps it (the official origin before the
aggregator), the other drops that station's series for variables the first already has.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .records import Station, Stream

PRECEDENCE = ("sinca", "sensorthings", "ngsi-ld", "openaq")
DEFAULT_MATCH_METERS = 300
_STOP = frozenset({"de", "del", "la", "las", "los", "el", "y", "estacion", "station", "sitio"})


def feature_collection(stations: Sequence[Station], streams: Sequence[Stream]) -> dict[str, Any]:
    variables: dict[str, list[str]] = {}
    for stream in streams:
        names = variables.setdefault(stream.station_id, [])
        if stream.variable not in names:
            names.append(stream.variable)
    features = []
    for station in stations:
        properties = {"id": station.id, "nombre": station.name, "variables": variables.get(station.id, [])}
        properties.update({k: v for k, v in station.properties.items() if v is not None})
        geometry = (
            {"type": "Point", "coordinates": [station.lon, station.lat]}
            if station.lon is not None and station.lat is not None
            else None
        )
        features.append({"type": "Feature", "id": station.id, "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def extent(stations: Iterable[Station]) -> dict[str, Any] | None:
    """A Point for one located station, else the bounding box polygon; None without coordinates."""
    points = [
        (s.lon, s.lat)
        for s in stations
        if s.lon is not None and s.lat is not None and -180 <= s.lon <= 180 and -90 <= s.lat <= 90
    ]
    if not points:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    if west == east and south == north:
        return {"type": "Point", "coordinates": [round(west, 6), round(south, 6)]}
    if west == east or south == north:
        pad = 0.0005
        west, east, south, north = west - pad, east + pad, south - pad, north + pad
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def distance_m(a: Station, b: Station) -> float:
    assert a.lon is not None and a.lat is not None and b.lon is not None and b.lat is not None
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


def _words(name: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return {w for w in re.findall(r"[a-z0-9]+", plain) if w not in _STOP}


def same_name(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.5


@dataclass(frozen=True)
class KnownStation:
    """A station another source harvests, with the variables it covers there."""

    station: Station
    source_id: str
    source_type: str
    variables: frozenset[str]


def known_from_content(source_id: str, source_type: str, content: str) -> list[KnownStation]:
    data = json.loads(content)
    by_station: dict[str, set[str]] = {}
    for stream in data.get("streams") or []:
        by_station.setdefault(str(stream["station_id"]), set()).add(str(stream["variable"]))
    return [
        KnownStation(Station.from_dict(s), source_id, source_type, frozenset(by_station.get(str(s["id"]), ())))
        for s in data.get("stations") or []
    ]


def _rank(source_type: str) -> int:
    return PRECEDENCE.index(source_type) if source_type in PRECEDENCE else len(PRECEDENCE)


def drop_duplicates(
    source_type: str,
    stations: Sequence[Station],
    streams: Sequence[Stream],
    known: Sequence[KnownStation],
    match_meters: float = DEFAULT_MATCH_METERS,
) -> tuple[list[Stream], dict[str, str], list[str]]:
    """The streams to keep, ``same_as`` per station id, and notes on what was dropped.

    Only stations of sources that take precedence over ``source_type`` are considered.
    """
    ours = _rank(source_type)
    stronger = [k for k in known if _rank(k.source_type) < ours and k.station.lon is not None]
    same_as: dict[str, str] = {}
    covered: dict[str, frozenset[str]] = {}
    for station in stations:
        if station.lon is None or station.lat is None:
            continue
        for other in stronger:
            if other.station.lat is None:
                continue
            if distance_m(station, other.station) <= match_meters and same_name(station.name, other.station.name):
                same_as[station.id] = other.station.id
                covered[station.id] = other.variables
                break
    kept: list[Stream] = []
    notes: list[str] = []
    for stream in streams:
        if stream.variable in covered.get(stream.station_id, frozenset()):
            notes.append(
                f"{stream.station_id} ({stream.variable}): misma estación que "
                f"{same_as[stream.station_id]}, que ya se cosecha de otra fuente; se omite"
            )
            continue
        kept.append(stream)
    return kept, same_as, notes


def with_same_as(stations: Sequence[Station], same_as: Mapping[str, str]) -> list[Station]:
    result = []
    for station in stations:
        if station.id in same_as:
            properties = dict(station.properties)
            properties["misma_que"] = same_as[station.id]
            station = Station(station.id, station.name, station.lon, station.lat, properties)
        result.append(station)
    return result
