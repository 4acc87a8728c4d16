"""A FIWARE NGSI-LD context broker (1.6+): Smart Data Models entities and their temporal API.

Catalogue: ``/ngsi-ld/v1/entities?type=AirQualityObserved&limit=…&offset=…`` (normalised
or key-values representation). Each numeric Property whose name is a known variable
(``pm25``, ``intensity``, ``fillingLevel``…) is a stream; its unit comes from ``unitCode``
(UN/CEFACT). Readings: the temporal API ``/ngsi-ld/v1/temporal/entities/{id}?attrs=…&
timerel=after&timeAt=…`` (normalised or ``temporalValues``; a 206 answer with
``Content-Range`` means more follow after the last instant). A broker without the temporal
API (404, 501) gives the current value of each attribute, its ``observedAt`` or the
entity's ``dateObserved``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ckanext.territorio.vocab.harvest_mapping import HarvestMapping

from .errors import HTTPStatusError
from .http import Client
from .records import Catalog, Page, Reading, Station, Stream, as_number, iso, parse_time

SOURCE_TYPE = "ngsi-ld"
DEFAULT_TYPES = ("AirQualityObserved", "TrafficFlowObserved", "WasteContainer")
SMART_DATA_MODELS_CONTEXT = "https://smartdatamodels.org/context.jsonld"
ENTITIES_PAGE = 100
TEMPORAL_PAGE_MAX = 1000
NOT_OFFERED = frozenset({400, 404, 405, 501})
SKIP_ATTRIBUTES = frozenset({"id", "type", "@context", "location", "name", "address", "dateObserved",
                             "dateCreated", "dateModified", "source", "refDevice", "description"})


def _value(attribute: Any) -> Any:
    return attribute.get("value") if isinstance(attribute, Mapping) else attribute


def _time_value(value: Any) -> Any:
    if isinstance(value, Mapping):  # {"@type": "DateTime", "@value": "..."}
        return value.get("@value")
    return value


def _point(location: Any) -> tuple[float | None, float | None]:
    geometry = _value(location)
    if not isinstance(geometry, Mapping):
        return None, None
    coords: Any = geometry.get("coordinates") or []
    kind = geometry.get("type")
    try:
        if kind == "Point":
            return as_number(coords[0]), as_number(coords[1])
        if kind in ("LineString", "MultiPoint"):
            xs = [as_number(c[0]) for c in coords]
            ys = [as_number(c[1]) for c in coords]
            if xs and None not in xs and None not in ys:
                return sum(xs) / len(xs), sum(ys) / len(ys)  # type: ignore[arg-type]
        if kind == "Polygon":
            ring = coords[0]
            return as_number(ring[0][0]), as_number(ring[0][1])
    except (TypeError, IndexError, KeyError):
        pass
    return None, None


@dataclass
class NGSILDAdapter:
    """An NGSI-LD broker: entities as stations, their numeric properties as series."""

    root: str
    client: Client
    mapping: HarvestMapping
    entity_types: Sequence[str] = DEFAULT_TYPES
    context: str | None = SMART_DATA_MODELS_CONTEXT
    tenant: str | None = None
    temporal: str = "auto"  # "auto", "yes" or "no"
    page_size: int = 1000
    _temporal_offered: bool | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.root = self.root.rstrip("/")
        if self.root.endswith("/ngsi-ld/v1"):
            self.root = self.root[: -len("/ngsi-ld/v1")]
        if self.temporal == "no":
            self._temporal_offered = False

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.context:
            headers["Link"] = (
                f'<{self.context}>; rel="http://www.w3.org/ns/json-ld#context"; '
                'type="application/ld+json"'
            )
        if self.tenant:
            headers["NGSILD-Tenant"] = self.tenant
        return headers

    def catalog(self) -> Catalog:
        """The entities of each configured type, page by page, with their known variables."""
        catalog = Catalog()
        for entity_type in self.entity_types:
            offset = 0
            while True:
                entities, _response = self.client.get_json(
                    f"{self.root}/ngsi-ld/v1/entities",
                    {"type": entity_type, "limit": ENTITIES_PAGE, "offset": offset},
                    self._headers(),
                    type=list[dict[str, Any]],
                )
                for index, entity in enumerate(entities):
                    self._add_entity(catalog, entity, entity_type, offset + index)
                if len(entities) < ENTITIES_PAGE:
                    break
                offset += ENTITIES_PAGE
        return catalog

    def _add_entity(self, catalog: Catalog, entity: Mapping[str, Any], entity_type: str, position: int) -> None:
        entity_id = entity.get("id")
        if not isinstance(entity_id, str):
            catalog.notes.append(f"entidad {entity_type} sin id en la posición {position}")
            return
        lon, lat = _point(entity.get("location"))
        name = _value(entity.get("name")) or _value(entity.get("description")) or entity_id
        station = Station(
            id=entity_id,
            name=str(name),
            lon=lon,
            lat=lat,
            properties={"type": entity.get("type", entity_type)},
        )
        entity_time = _time_value(_value(entity.get("dateObserved")))
        streams = 0
        for attribute, content in entity.items():
            if attribute in SKIP_ATTRIBUTES:
                continue
            value = as_number(_value(content))
            variable = self.mapping.variable(attribute.rsplit("/", 1)[-1])
            if variable is None or value is None:
                continue
            unit_code = content.get("unitCode") if isinstance(content, Mapping) else None
            observed = (content.get("observedAt") if isinstance(content, Mapping) else None) or entity_time
            catalog.streams.append(
                Stream(
                    key=f"{entity_id}#{attribute}",
                    station_id=entity_id,
                    variable=variable.name,
                    unit=self.mapping.unit(unit_code, variable.unit),
                    family=variable.family,
                    params={"entity_id": entity_id, "attribute": attribute, "value": value,
                            "observed_at": observed},
                )
            )
            streams += 1
        if streams:
            catalog.stations.append(station)

    def pages(self, stream: Stream, since: dt.datetime | None) -> Iterator[Page]:
        """The attribute's history from the temporal API, or its current value without it."""
        if self._temporal_offered is not False:
            try:
                yield from self._temporal(stream, since)
                self._temporal_offered = True
                return
            except HTTPStatusError as exc:
                if exc.status not in NOT_OFFERED or self.temporal == "yes" or self._temporal_offered:
                    raise
                self._temporal_offered = False
        yield self._current(stream)

    def _current(self, stream: Stream) -> Page:
        page = Page([])
        observed = parse_time(_time_value(stream.params.get("observed_at")))
        value = as_number(stream.params.get("value"))
        if observed is None or value is None:
            page.reject(f"{stream.key}: sin observedAt ni dateObserved con zona horaria")
        else:
            page.readings.append(Reading(stream.station_id, stream.variable, value, stream.unit, observed))
        return page

    def _temporal(self, stream: Stream, since: dt.datetime | None) -> Iterator[Page]:
        attribute = str(stream.params["attribute"])
        url = f"{self.root}/ngsi-ld/v1/temporal/entities/{quote(str(stream.params['entity_id']), safe='')}"
        after = since
        page_number = 0
        while True:
            page_number += 1
            params: dict[str, Any] = {
                "attrs": attribute,
                "options": "temporalValues",
            }
            if after is not None:
                params.update({"timerel": "after", "timeAt": iso(after)})
            data, response = self.client.get_json(url, params, self._headers(), type=dict[str, Any])
            page = self._parse_temporal(data.get(attribute), stream, page_number)
            yield page
            latest = max((r.observed_at for r in page.readings), default=None)
            if response.status != 206 or latest is None or (after is not None and latest <= after):
                return
            after = latest

    def _parse_temporal(self, content: Any, stream: Stream, page_number: int) -> Page:
        page = Page([])
        pairs: list[tuple[Any, Any]] = []
        if isinstance(content, Mapping) and isinstance(content.get("values"), list):
            pairs = [(v[0], v[1]) if isinstance(v, list) and len(v) >= 2 else (None, None)
                     for v in content["values"]]
        elif isinstance(content, list):
            pairs = [(_value(item), item.get("observedAt") if isinstance(item, Mapping) else None)
                     for item in content]
        elif isinstance(content, Mapping):
            pairs = [(content.get("value"), content.get("observedAt"))]
        for index, (raw_value, raw_time) in enumerate(pairs):
            value = as_number(raw_value)
            observed = parse_time(_time_value(raw_time))
            if value is None or observed is None:
                page.reject(f"página {page_number}, {stream.params['attribute']}[{index}] no es válido")
                continue
            page.readings.append(Reading(stream.station_id, stream.variable, value, stream.unit, observed))
        return page
