"""Stations as GeoJSON and as a spatial extent, and the same place published by two sources.

OpenAQ aggregates SINCA: the same monitoring station appears in both. A station is the
same place when it lies within ``match_meters`` of the other and their names share most
words. Each series (place, variable) is harvested by one source only: ``settle`` decides
against the other sources' claims (``claims`` keeps them and makes the decision atomic):
the source type earlier in ``PRECEDENCE`` (the official origin before the aggregator)
wins, unless the other source already loads the series. The source that yields marks its
station ``misma_que`` the other one. Sources of the same type are not compared.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import Station, Stream

PRECEDENCE = ("sinca", "sensorthings", "ngsi-ld", "openaq")
DEFAULT_MATCH_METERS = 300
_STOP = frozenset({"de", "del", "la", "las", "los", "el", "y", "estacion", "station", "sitio"})


def feature_collection(stations: Sequence[Station], streams: Sequence[Stream]) -> dict[str, Any]:
    """The stations as a GeoJSON FeatureCollection, each with the variables it measures."""
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
    """The great-circle distance between two stations, in metres."""
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
    """Whether two station names share at least half the words of the shorter."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.5


@dataclass(frozen=True)
class Claim:
    """Another source's live claim on one series (station, variable) of a place."""

    source_id: str
    source_type: str
    station: Station
    variable: str
    loaded: bool = False


@dataclass
class Settlement:
    """What a source harvests of its catalogue once the other sources' claims are known."""

    kept: list[Stream] = field(default_factory=list)
    # station id -> the other source's station for the same place (its ``misma_que``)
    same_as: dict[str, str] = field(default_factory=dict)
    # (station id, variable) -> the other source's station that publishes that series
    yielded: dict[tuple[str, str], str] = field(default_factory=dict)
    # claims of weaker sources, not loaded yet, that this source takes over, with the
    # station of ours that takes each one
    taken: list[tuple[Claim, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _rank(source_type: str) -> int:
    return PRECEDENCE.index(source_type) if source_type in PRECEDENCE else len(PRECEDENCE)


def same_place(a: Station, b: Station, match_meters: float) -> bool:
    """Whether two stations are within ``match_meters`` and have the same name."""
    if a.lon is None or a.lat is None or b.lon is None or b.lat is None:
        return False
    if abs(a.lat - b.lat) * 111_000 > match_meters:  # cheap bound before the haversine
        return False
    return distance_m(a, b) <= match_meters and same_name(a.name, b.name)


def settle(
    source_type: str,
    stations: Sequence[Station],
    streams: Sequence[Stream],
    others: Sequence[Claim],
    match_meters: float = DEFAULT_MATCH_METERS,
) -> Settlement:
    """Decide, series by series, whether ``source_type`` harvests it or yields it.

    A series of the same place and variable that another source claims stays with it when
    that source takes precedence or already loads it; otherwise (a weaker source that has
    not started reading it) this source takes it over. Sources of the same type are not
    compared (two of them are a configuration matter, e.g. a source being replaced).
    """
    ours = _rank(source_type)
    by_variable: dict[str, list[Claim]] = {}
    for claim in others:
        by_variable.setdefault(claim.variable, []).append(claim)
    by_id = {station.id: station for station in stations}
    result = Settlement()
    for stream in streams:
        station = by_id.get(stream.station_id)
        matches = (
            [
                c
                for c in by_variable.get(stream.variable, ())
                if _rank(c.source_type) != ours and same_place(station, c.station, match_meters)
            ]
            if station is not None
            else []
        )
        holders = sorted(
            (c for c in matches if _rank(c.source_type) < ours or c.loaded),
            key=lambda c: (_rank(c.source_type), not c.loaded),
        )
        if holders:
            other = holders[0].station.id
            result.same_as.setdefault(stream.station_id, other)
            result.yielded[(stream.station_id, stream.variable)] = other
            result.notes.append(
                f"{stream.station_id} ({stream.variable}): misma estación que {other}, "
                "que ya se cosecha de otra fuente; se omite"
            )
            continue
        result.taken.extend((claim, stream.station_id) for claim in matches)
        result.kept.append(stream)
    return result


def with_same_as(stations: Sequence[Station], same_as: Mapping[str, str]) -> list[Station]:
    """The stations, with ``misma_que`` set on those matched to another source's."""
    result = []
    for station in stations:
        if station.id in same_as:
            properties = dict(station.properties)
            properties["misma_que"] = same_as[station.id]
            station = Station(station.id, station.name, station.lon, station.lat, properties)
        result.append(station)
    return result
