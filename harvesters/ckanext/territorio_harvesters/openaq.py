"""OpenAQ API v3: locations of a country or bounding box, their sensors, measurements paged.

``/v3/locations?iso=CL`` (or ``bbox=minx,miny,maxx,maxy``) lists locations with their
sensors; ``/v3/sensors/{id}/measurements?datetime_from=…&limit=…&page=…`` lists readings.
The API key goes in the ``X-API-Key`` header. A reading's time is the end of its period
(``period.datetimeTo.utc``), as OpenAQ's hourly values are labelled.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from ckanext.territorio.vocab.harvest_mapping import HarvestMapping

from .http import Client
from .records import Catalog, Page, Reading, Station, Stream, as_number, iso, parse_time

SOURCE_TYPE = "openaq"
DEFAULT_PARAMETERS = ("pm25", "pm10", "no2", "o3", "co", "so2")
LOCATIONS_PAGE = 1000


class _Parameter(msgspec.Struct):
    id: Any = None
    name: Any = None
    units: Any = None
    displayName: Any = None


class _Sensor(msgspec.Struct):
    id: Any = None
    name: Any = None
    parameter: _Parameter | None = None


class _Coordinates(msgspec.Struct):
    latitude: Any = None
    longitude: Any = None


class _Named(msgspec.Struct):
    id: Any = None
    name: Any = None
    code: Any = None


class _Location(msgspec.Struct):
    id: Any = None
    name: Any = None
    locality: Any = None
    timezone: Any = None
    country: _Named | None = None
    provider: _Named | None = None
    owner: _Named | None = None
    sensors: list[_Sensor] = []
    coordinates: _Coordinates | None = None


class _Meta(msgspec.Struct):
    page: Any = None
    limit: Any = None
    found: Any = None


class _LocationPage(msgspec.Struct):
    results: list[_Location]
    meta: _Meta | None = None


class _Instant(msgspec.Struct):
    utc: Any = None
    local: Any = None


class _Period(msgspec.Struct):
    label: Any = None
    interval: Any = None
    datetimeFrom: _Instant | None = None
    datetimeTo: _Instant | None = None


class _Flag(msgspec.Struct):
    hasFlags: Any = None


class _Measurement(msgspec.Struct):
    value: Any = None
    period: _Period | None = None
    flagInfo: _Flag | None = None


class _MeasurementPage(msgspec.Struct):
    results: list[_Measurement]
    meta: _Meta | None = None


@dataclass
class OpenAQAdapter:
    """OpenAQ API v3: locations as stations, their sensors as series."""

    root: str
    client: Client
    mapping: HarvestMapping
    iso: str | None = None
    bbox: Sequence[float] | None = None
    parameters: Sequence[str] = DEFAULT_PARAMETERS
    page_size: int = 1000

    def __post_init__(self) -> None:
        self.root = self.root.rstrip("/")
        if self.root.endswith("/v3"):
            self.root = self.root[: -len("/v3")]

    def catalog(self) -> Catalog:
        """The locations of the country or box, with their sensors of the wanted parameters."""
        catalog = Catalog()
        wanted = {v.name for v in (self.mapping.variable(p) for p in self.parameters) if v}
        params: dict[str, Any] = {"limit": LOCATIONS_PAGE}
        if self.iso:
            params["iso"] = self.iso
        if self.bbox:
            params["bbox"] = ",".join(f"{c:g}" for c in self.bbox)
        page_number = 1
        while True:
            params["page"] = page_number
            page, _response = self.client.get_json(f"{self.root}/v3/locations", params, type=_LocationPage)
            for location in page.results:
                self._add_location(catalog, location, wanted)
            if len(page.results) < LOCATIONS_PAGE:
                break
            page_number += 1
        return catalog

    def _add_location(self, catalog: Catalog, location: _Location, wanted: set[str]) -> None:
        if location.id is None:
            catalog.notes.append("ubicación sin id; se omite")
            return
        coords = location.coordinates or _Coordinates()
        station = Station(
            id=f"openaq:{location.id}",
            name=str(location.name or location.id),
            lon=as_number(coords.longitude),
            lat=as_number(coords.latitude),
            properties={
                "openaq_location": location.id,
                "locality": location.locality,
                "provider": location.provider.name if location.provider else None,
                "timezone": location.timezone,
            },
        )
        streams = 0
        for sensor in location.sensors:
            parameter = sensor.parameter or _Parameter()
            variable = self.mapping.variable(str(parameter.name or ""), str(parameter.displayName or ""))
            if variable is None or variable.name not in wanted or sensor.id is None:
                continue
            catalog.streams.append(
                Stream(
                    key=f"sensor:{sensor.id}",
                    station_id=station.id,
                    variable=variable.name,
                    unit=self.mapping.unit(str(parameter.units or ""), variable.unit),
                    family=variable.family,
                    params={"sensor_id": sensor.id},
                )
            )
            streams += 1
        if streams:
            catalog.stations.append(station)

    def pages(self, stream: Stream, since: dt.datetime | None) -> Iterator[Page]:
        """The sensor's measurements from ``since`` on, page by page."""
        url = f"{self.root}/v3/sensors/{int(stream.params['sensor_id'])}/measurements"
        params: dict[str, Any] = {"limit": self.page_size}
        if since is not None:
            params["datetime_from"] = iso(since)
        extras_cache: dict[tuple[Any, Any], str] = {}
        page_number = 1
        while True:
            params["page"] = page_number
            data, _response = self.client.get_json(url, params, type=_MeasurementPage)
            page = Page([])
            for index, measurement in enumerate(data.results):
                period = measurement.period or _Period()
                instant = period.datetimeTo or period.datetimeFrom or _Instant()
                observed_at = parse_time(instant.utc)
                value = as_number(measurement.value)
                if observed_at is None or value is None:
                    field = "period.datetimeTo.utc" if observed_at is None else "value"
                    page.reject(f"página {page_number}, $.results[{index}].{field} no es válido")
                    continue
                flagged = bool(measurement.flagInfo and measurement.flagInfo.hasFlags)
                key = (period.label, period.interval, flagged)
                extras = extras_cache.get(key[:2]) if not flagged else None
                if extras is None:
                    extras = json.dumps(
                        {"periodo": period.label, "intervalo": period.interval, "marcado": flagged},
                        ensure_ascii=False,
                    )
                    if not flagged:
                        extras_cache[key[:2]] = extras
                page.readings.append(
                    Reading(stream.station_id, stream.variable, value, stream.unit, observed_at, extras)
                )
            yield page
            if len(data.results) < self.page_size:
                break
            page_number += 1
