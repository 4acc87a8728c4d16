"""OGC SensorThings API v1.1: Things with their Locations and Datastreams, Observations paged.

Catalogue: ``Things?$expand=Locations,Datastreams($expand=ObservedProperty)`` followed
through ``@iot.nextLink``. Readings: ``Datastreams(id)/Observations`` filtered by
``phenomenonTime gt <watermark>`` in ascending order, ``$top`` per page, followed through
``@iot.nextLink`` (only on the service's own host: the link is remote input).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec

from ckanext.territorio.vocab.harvest_mapping import HarvestMapping

from .errors import BadPayload
from .http import Client
from .records import Catalog, Page, Reading, Station, Stream, as_number, iso, parse_time

SOURCE_TYPE = "sensorthings"


class _ObservedProperty(msgspec.Struct):
    name: Any = None
    definition: Any = None


class _Datastream(msgspec.Struct):
    id: Any = msgspec.field(name="@iot.id", default=None)
    name: Any = None
    unitOfMeasurement: Any = None
    ObservedProperty: _ObservedProperty | None = None


class _Location(msgspec.Struct):
    location: Any = None
    encodingType: Any = None


class _Thing(msgspec.Struct):
    id: Any = msgspec.field(name="@iot.id", default=None)
    name: Any = None
    description: Any = None
    properties: Any = None
    Locations: list[_Location] = []
    Datastreams: list[_Datastream] = []


class _ThingPage(msgspec.Struct):
    value: list[_Thing]
    next_link: str | None = msgspec.field(name="@iot.nextLink", default=None)


class _Observation(msgspec.Struct, array_like=False):
    phenomenonTime: Any = None
    result: Any = None


class _ObservationPage(msgspec.Struct):
    value: list[_Observation]
    next_link: str | None = msgspec.field(name="@iot.nextLink", default=None)


def _entity_path(kind: str, entity_id: Any) -> str:
    if isinstance(entity_id, (int, float)) and not isinstance(entity_id, bool):
        return f"{kind}({int(entity_id)})"
    text = str(entity_id).replace("'", "''")
    return f"{kind}('{text}')"


def _point(locations: list[_Location]) -> tuple[float | None, float | None]:
    for location in locations:
        geometry = location.location
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if isinstance(geometry, dict):
            coords = geometry.get("coordinates")
            if geometry.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
                lon, lat = as_number(coords[0]), as_number(coords[1])
                if lon is not None and lat is not None:
                    return lon, lat
    return None, None


def _end_of(value: Any) -> dt.datetime | None:
    """phenomenonTime is an instant or an interval 'start/end' (the end is taken)."""
    if isinstance(value, str) and "/" in value:
        value = value.rsplit("/", 1)[1]
    return parse_time(value)


@dataclass
class SensorThingsAdapter:
    """An OGC SensorThings 1.1 service: Things as stations, Datastreams as series."""

    root: str
    client: Client
    mapping: HarvestMapping
    page_size: int = 1000
    things_filter: str | None = None
    observed_properties: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.root = self.root.rstrip("/")
        parts = urlsplit(self.root)
        self._origin = (parts.scheme, parts.netloc)

    def _same_origin(self, link: str) -> str:
        parts = urlsplit(link)
        if (parts.scheme, parts.netloc) != self._origin:
            raise BadPayload(f"@iot.nextLink apunta a otro servidor ({parts.netloc}); no se sigue")
        return link

    def catalog(self) -> Catalog:
        """The Things (with their location) and their Datastreams of known variables."""
        catalog = Catalog()
        wanted = {v.name for v in map(self.mapping.variable, self.observed_properties) if v is not None}
        params: dict[str, Any] | None = {
            "$expand": "Locations($select=location,encodingType),"
            "Datastreams($select=id,name,unitOfMeasurement;$expand=ObservedProperty($select=name,definition))",
            "$top": 100,
            "$filter": self.things_filter,
        }
        url: str | None = f"{self.root}/Things"
        while url:
            page, _response = self.client.get_json(url, params, type=_ThingPage)
            params = None
            for index, thing in enumerate(page.value):
                if thing.id is None:
                    catalog.notes.append(f"Thing sin @iot.id en la posición {index}; se omite")
                    continue
                station_id = f"sta:{thing.id}"
                lon, lat = _point(thing.Locations)
                station = Station(
                    id=station_id,
                    name=str(thing.name or thing.id),
                    lon=lon,
                    lat=lat,
                    properties={"thing": thing.id, "description": str(thing.description or "")},
                )
                has_streams = False
                for datastream in thing.Datastreams:
                    prop = datastream.ObservedProperty or _ObservedProperty()
                    definition = str(prop.definition or "").rstrip("/").rsplit("/", 1)[-1]
                    variable = self.mapping.variable(
                        str(prop.name or ""), definition, str(datastream.name or "")
                    )
                    if variable is None:
                        catalog.notes.append(
                            f"Datastream {datastream.id} ({prop.name}): propiedad sin "
                            "correspondencia en schemas/harvest.yaml; se omite"
                        )
                        continue
                    if wanted and variable.name not in wanted:
                        continue
                    unit_info = datastream.unitOfMeasurement if isinstance(datastream.unitOfMeasurement, dict) else {}
                    unit = self.mapping.unit(
                        str(unit_info.get("symbol") or unit_info.get("name") or ""), variable.unit
                    )
                    catalog.streams.append(
                        Stream(
                            key=f"datastream:{datastream.id}",
                            station_id=station_id,
                            variable=variable.name,
                            unit=unit,
                            family=variable.family,
                            params={"url": f"{self.root}/{_entity_path('Datastreams', datastream.id)}/Observations"},
                        )
                    )
                    has_streams = True
                if has_streams:
                    catalog.stations.append(station)
            url = self._same_origin(page.next_link) if page.next_link else None
        return catalog

    def pages(self, stream: Stream, since: dt.datetime | None) -> Iterator[Page]:
        """The Datastream's Observations after ``since``, oldest first, following nextLink."""
        params: dict[str, Any] | None = {
            "$select": "phenomenonTime,result",
            "$orderby": "phenomenonTime asc",
            "$top": self.page_size,
        }
        if since is not None and params is not None:
            params["$filter"] = f"phenomenonTime gt {iso(since)}"
        url: str | None = str(stream.params["url"])
        page_number = 0
        while url:
            page_number += 1
            data, _response = self.client.get_json(url, params, type=_ObservationPage)
            params = None
            page = Page([])
            readings = page.readings
            station, variable, unit = stream.station_id, stream.variable, stream.unit
            for index, observation in enumerate(data.value):
                observed_at = _end_of(observation.phenomenonTime)
                value = as_number(observation.result)
                if observed_at is None or value is None:
                    field = "phenomenonTime" if observed_at is None else "result"
                    page.reject(
                        f"página {page_number}, $.value[{index}].{field}: "
                        f"{str(getattr(observation, field))[:60]!r} no es válido"
                    )
                    continue
                text = observation.phenomenonTime if "/" not in observation.phenomenonTime else None
                readings.append(Reading(station, variable, value, unit, observed_at, None, text))
            yield page
            url = self._same_origin(data.next_link) if data.next_link else None
