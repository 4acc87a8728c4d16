"""MQTT messages as readings: pure functions, bytes and topic in, readings and stations out.

Three formats (the source's ``format``):

- ``json``: one flat object, or a list of them::

      {"station": "temuco-1", "variable": "pm25", "value": 12.5, "unit": "µg/m³",
       "observed_at": "2026-12-01T10:00:00-03:00", "name": "Las Encinas", "lat": -38.7, "lon": -72.6}

  ``unit``, ``name``, ``lat`` and ``lon`` are optional; ``observed_at`` needs a UTC offset.
- ``sensorthings``: the OGC SensorThings API MQTT extension, topic
  ``v1.1/Datastreams(<id>)/Observations`` (or ``v1.0``), payload an Observation
  (``phenomenonTime``, ``result``). The Datastream is identified by the source's
  ``datastreams`` config (``{"<id>": {"station", "variable", "unit", "name", "lat", "lon"}}``)
  or by the message itself when it carries the expanded ``Datastream`` (with its
  ``ObservedProperty``, ``unitOfMeasurement`` and ``Thing``).
- ``ngsi-ld``: Smart Data Models entities (``AirQualityObserved``, ``TrafficFlowObserved``,
  ``WasteContainer``...) in normalized or keyValues form, one entity, a list, or an NGSI-LD
  notification (``{"type": "Notification", "data": [...]}``).

Variable names and units go through the harvest mapping (schemas/harvest.yaml), so pushed
readings carry the same names as harvested ones. Anything unreadable raises MessageError
with the reason in Spanish.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import isfinite
from typing import Any

import msgspec

from ckanext.territorio.vocab.harvest_mapping import HarvestMapping

from ..ngsild import SKIP_ATTRIBUTES, _point, _time_value, _value
from ..records import Reading, Station, Stream, as_number, parse_time

FORMATS = ("json", "sensorthings", "ngsi-ld")
MAX_PAYLOAD = 256 * 1024
MAX_ITEMS = 1000
# a time PostgreSQL reads as Python does: COPY takes the source's own text, not a reformatting
_PLAIN_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)$")
_DATASTREAM_TOPIC = re.compile(r"^(?:.*/)?v1\.[01]/Datastreams\((?P<id>'(?:[^']|'')*'|[0-9]+)\)/Observations$")


class MessageError(ValueError):
    """A message that cannot be read; the text is the reason (Spanish)."""


class Memo:
    """The stations and series of one source's earlier messages, so that a message repeating
    them (nearly every message) builds no new objects; emptied when it grows past ``LIMIT``."""

    LIMIT = 200_000

    def __init__(self) -> None:
        self.stations: dict[tuple[str, str], Station] = {}
        self.streams: dict[tuple[str, str, str, str], Stream] = {}

    def station(self, station_id: str, name: str) -> Station:
        """A station with no position, named ``name``."""
        key = (station_id, name)
        known = self.stations.get(key)
        if known is None:
            if len(self.stations) >= self.LIMIT:
                self.stations.clear()
            known = self.stations[key] = Station(id=station_id, name=name)
        return known

    def stream(self, station_id: str, variable: str, unit: str, family: str) -> Stream:
        """The series of a station's variable."""
        key = (station_id, variable, unit, family)
        known = self.streams.get(key)
        if known is None:
            if len(self.streams) >= self.LIMIT:
                self.streams.clear()
            known = self.streams[key] = Stream(
                key=f"{station_id}#{variable}", station_id=station_id, variable=variable, unit=unit, family=family
            )
        return known


class _FlatItem(msgspec.Struct):
    """One object of a ``json`` message, its fields as sent (checked by ``_flat``)."""

    station: Any = None
    variable: Any = None
    value: Any = None
    observed_at: Any = None
    unit: Any = None
    name: Any = None
    lat: Any = None
    lon: Any = None


# a message decodes straight into these, some four times faster than into dictionaries
_FLAT_DECODER = msgspec.json.Decoder(list[_FlatItem] | _FlatItem)


@dataclass
class Message:
    """What one message says: readings, and the stations and series they belong to."""

    readings: list[Reading] = field(default_factory=list)
    stations: dict[str, Station] = field(default_factory=dict)
    streams: dict[tuple[str, str], Stream] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # parts skipped in a message that was read
    memo: Memo | None = field(default=None, repr=False, compare=False)

    def add(self, station: Station, reading: Reading, family: str) -> None:
        """Add a reading with its station (the richer description of the station wins)."""
        known = self.stations.get(station.id)
        if known is None or (known.lat is None and station.lat is not None):
            self.stations[station.id] = station
        self._series(reading, family)
        self.readings.append(reading)

    def add_reading(self, reading: Reading, family: str) -> None:
        """Add a reading of a station already here, with nothing new to say about it."""
        self._series(reading, family)
        self.readings.append(reading)

    def _series(self, reading: Reading, family: str) -> None:
        key = (reading.station_id, reading.variable)
        if key in self.streams:  # most readings repeat a series
            return
        if self.memo is not None:
            self.streams[key] = self.memo.stream(reading.station_id, reading.variable, reading.unit, family)
        else:
            self.streams[key] = Stream(
                key=f"{reading.station_id}#{reading.variable}",
                station_id=reading.station_id,
                variable=reading.variable,
                unit=reading.unit,
                family=family,
            )


def parse(
    fmt: str,
    topic: str,
    payload: bytes,
    mapping: HarvestMapping,
    datastreams: Mapping[str, Mapping[str, Any]] | None = None,
    memo: Memo | None = None,
) -> Message:
    """The readings of one message in format ``fmt``; MessageError with the reason otherwise.

    ``memo`` (one per source) keeps the stations and series of earlier messages."""
    if len(payload) > MAX_PAYLOAD:
        raise MessageError(f"mensaje demasiado grande ({len(payload)} bytes; máximo {MAX_PAYLOAD})")
    if fmt == "json":
        message = _flat(_flat_items(payload), mapping, memo)
    else:
        message = _other(fmt, topic, payload, mapping, datastreams)
    if not message.readings:
        detail = f": {'; '.join(message.notes[:3])}" if message.notes else ""
        raise MessageError(f"el mensaje no trae ninguna medición reconocible{detail}")
    return message


def _json(payload: bytes) -> Any:
    try:
        data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        raise MessageError("el mensaje no está en UTF-8") from None
    except ValueError as exc:
        raise MessageError(f"el mensaje no es JSON válido ({exc})") from None
    return data


def _flat_items(payload: bytes) -> list[_FlatItem]:
    try:
        decoded = _FLAT_DECODER.decode(payload)
    except (msgspec.DecodeError, msgspec.ValidationError):
        data = _json(payload)  # unreadable JSON: the standard reader says why
        items = _items(data, "objetos")
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise MessageError(
                    f"{_where(index, items)}se esperaba un objeto JSON con station, variable, value y observed_at"
                ) from None
        # NaN or Infinity: the standard reader takes them, JSON has no such numbers
        raise MessageError("el mensaje no es JSON válido (NaN o Infinity no son números JSON)") from None
    return _items(decoded, "objetos")


def _other(
    fmt: str, topic: str, payload: bytes, mapping: HarvestMapping, datastreams: Mapping[str, Mapping[str, Any]] | None
) -> Message:
    data = _json(payload)
    if fmt == "sensorthings":
        message = _sensorthings(topic, data, mapping, datastreams or {})
    elif fmt == "ngsi-ld":
        message = entities(data, mapping)
    else:
        raise MessageError(f"formato desconocido: {fmt!r}")
    return message


def _items(data: Any, what: str) -> list[Any]:
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_ITEMS:
        raise MessageError(f"demasiados {what} en un mensaje ({len(items)}; máximo {MAX_ITEMS})")
    return items


def _coordinate(value: Any, low: float, high: float) -> float | None:
    number = as_number(value)
    return number if number is not None and low <= number <= high else None


# --- json ------------------------------------------------------------------------------------


def _flat(items: list[_FlatItem], mapping: HarvestMapping, memo: Memo | None) -> Message:
    message = Message(memo=memo)
    # (variable as sent, unit as sent) → (name, unit, family): a message repeats a few series
    series: dict[tuple[Any, Any], tuple[str, str, str] | None] = {}
    for index, item in enumerate(items):
        station_id = item.station
        if isinstance(station_id, str):
            station_key = station_id.strip()
        elif isinstance(station_id, int) and not isinstance(station_id, bool):
            station_key = str(station_id)
        else:
            station_key = ""
        if not station_key:
            raise MessageError(f"{_where(index, items)}'station': falta o no es un texto")
        raw_variable = item.variable
        unit = item.unit
        try:
            known = series[(raw_variable, unit)]
        except (KeyError, TypeError):  # TypeError: a list or object as variable or unit
            variable = mapping.variable(raw_variable) if isinstance(raw_variable, str) else None
            known = None if variable is None else (
                variable.name,
                mapping.unit(unit if isinstance(unit, str) else None, variable.unit),
                variable.family,
            )
            if isinstance(raw_variable, str) and (unit is None or isinstance(unit, str)):
                series[(raw_variable, unit)] = known
        if known is None:
            raise MessageError(f"{_where(index, items)}'variable': {str(raw_variable)[:60]!r} no es una variable conocida")
        raw_value = item.value
        # a JSON float is the common case: as_number only for the rest
        value = raw_value if type(raw_value) is float and isfinite(raw_value) else as_number(raw_value)
        if value is None:
            raise MessageError(f"{_where(index, items)}'value': {str(raw_value)[:60]!r} no es un número")
        raw_time = item.observed_at
        observed = parse_time(raw_time)
        if observed is None:
            raise MessageError(f"{_where(index, items)}'observed_at': se esperaba una fecha ISO 8601 con zona horaria")
        name, unit_text, family = known
        text = raw_time if _PLAIN_TIME.match(raw_time) else None
        reading = Reading(station_key, name, value, unit_text, observed, None, text)
        seen = message.stations.get(station_key)
        if seen is not None and seen.lat is not None:  # placed already: nothing to learn
            message.add_reading(reading, family)
            continue
        raw_lat = item.lat
        raw_lon = item.lon
        lat = None if raw_lat is None else _coordinate(raw_lat, -90, 90)
        lon = None if raw_lon is None else _coordinate(raw_lon, -180, 180)
        if lat is None or lon is None:
            lat = lon = None
        if seen is not None and lat is None:
            message.add_reading(reading, family)
            continue
        station_name = item.name
        label = station_name.strip() if isinstance(station_name, str) and station_name.strip() else station_key
        if lat is None and memo is not None:
            station = memo.station(station_key, label)
        else:
            station = Station(id=station_key, name=label, lon=lon, lat=lat)
        message.add(station, reading, family)
    return message


def _where(index: int, items: list[Any] | list[_FlatItem]) -> str:
    return f"[{index}] " if len(items) > 1 else ""


# --- SensorThings MQTT extension -----------------------------------------------------------------


def datastream_id(topic: str) -> str:
    """The Datastream id of a ``v1.1/Datastreams(<id>)/Observations`` topic (MessageError otherwise)."""
    match = _DATASTREAM_TOPIC.match(topic)
    if match is None:
        raise MessageError(f"el tema {topic[:120]!r} no es v1.1/Datastreams(<id>)/Observations")
    raw = match.group("id")
    return raw[1:-1].replace("''", "'") if raw.startswith("'") else raw


def _end_of(value: Any) -> Any:
    if isinstance(value, str) and "/" in value:
        return value.rsplit("/", 1)[1]
    return value


def _declared(ds_id: str, declared: Mapping[str, Any], mapping: HarvestMapping) -> tuple[Station, str, str, str]:
    variable = mapping.variable(str(declared.get("variable") or ""))
    if variable is None:
        raise MessageError(
            f"Datastream({ds_id}): la variable {declared.get('variable')!r} de la configuración no es conocida"
        )
    station_id = str(declared.get("station") or f"sta:datastream:{ds_id}")
    lat = _coordinate(declared.get("lat"), -90, 90)
    lon = _coordinate(declared.get("lon"), -180, 180)
    station = Station(station_id, str(declared.get("name") or station_id),
                      lon if lat is not None else None, lat if lon is not None else None)
    unit = mapping.unit(str(declared.get("unit") or ""), variable.unit)
    return station, variable.name, unit, variable.family


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _expanded(ds_id: str, datastream: Mapping[str, Any], mapping: HarvestMapping) -> tuple[Station, str, str, str]:
    prop = _mapping(datastream.get("ObservedProperty"))
    definition = str(prop.get("definition") or "").rstrip("/").rsplit("/", 1)[-1]
    variable = mapping.variable(str(prop.get("name") or ""), definition, str(datastream.get("name") or ""))
    if variable is None:
        raise MessageError(f"Datastream({ds_id}): propiedad {prop.get('name')!r} sin correspondencia en schemas/harvest.yaml")
    thing = _mapping(datastream.get("Thing"))
    thing_id = thing.get("@iot.id")
    station_id = f"sta:{thing_id}" if thing_id is not None else f"sta:datastream:{ds_id}"
    lon = lat = None
    for location in thing.get("Locations") or []:
        geometry = location.get("location") if isinstance(location, Mapping) else None
        if isinstance(geometry, Mapping) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if isinstance(geometry, Mapping) and geometry.get("type") == "Point":
            coords = geometry.get("coordinates") or []
            if isinstance(coords, list) and len(coords) >= 2:
                lon, lat = _coordinate(coords[0], -180, 180), _coordinate(coords[1], -90, 90)
                break
    unit_info = _mapping(datastream.get("unitOfMeasurement"))
    unit = mapping.unit(str(unit_info.get("symbol") or unit_info.get("name") or ""), variable.unit)
    station = Station(station_id, str(thing.get("name") or station_id),
                      lon if lat is not None else None, lat if lon is not None else None)
    return station, variable.name, unit, variable.family


def _sensorthings(topic: str, data: Any, mapping: HarvestMapping, datastreams: Mapping[str, Mapping[str, Any]]) -> Message:
    ds_id = datastream_id(topic)
    message = Message()
    for index, observation in enumerate(_items(data, "observaciones")):
        if not isinstance(observation, Mapping):
            raise MessageError("se esperaba una Observation (objeto JSON con phenomenonTime y result)")
        inline = observation.get("Datastream")
        if ds_id in datastreams:
            station, variable, unit, family = _declared(ds_id, datastreams[ds_id], mapping)
        elif isinstance(inline, Mapping):
            station, variable, unit, family = _expanded(ds_id, inline, mapping)
        else:
            raise MessageError(
                f"Datastream({ds_id}) desconocido: declárelo en 'datastreams' de la configuración "
                "o publique la Observation con su Datastream expandido"
            )
        observed = parse_time(_end_of(observation.get("phenomenonTime")))
        if observed is None:
            raise MessageError(f"[{index}] 'phenomenonTime': se esperaba una fecha ISO 8601 con zona horaria")
        value = as_number(observation.get("result"))
        if value is None:
            raise MessageError(f"[{index}] 'result': {str(observation.get('result'))[:60]!r} no es un número")
        message.add(station, Reading(station.id, variable, value, unit, observed), family)
    return message


# --- NGSI-LD ----------------------------------------------------------------------------------


def entities(data: Any, mapping: HarvestMapping) -> Message:
    """The readings of NGSI-LD entities: one, a list, or a notification's ``data``."""
    if isinstance(data, Mapping) and data.get("type") == "Notification":
        data = data.get("data")
        if not isinstance(data, list):
            raise MessageError("la notificación NGSI-LD no trae 'data' (lista de entidades)")
    message = Message()
    for index, entity in enumerate(_items(data, "entidades")):
        _entity(message, entity, index, mapping)
    return message


def _entity(message: Message, entity: Any, index: int, mapping: HarvestMapping) -> None:
    if not isinstance(entity, Mapping) or not isinstance(entity.get("id"), str):
        raise MessageError(f"entidad {index}: se esperaba un objeto NGSI-LD con 'id'")
    entity_id = str(entity["id"])
    location = entity.get("location")
    if isinstance(location, Mapping) and "coordinates" in location:  # keyValues: GeoJSON itself
        location = {"value": location}
    lon, lat = _point(location)
    name = _value(entity.get("name")) or entity_id
    station = Station(entity_id, str(name), lon, lat, {"type": entity.get("type")})
    entity_time = _time_value(_value(entity.get("dateObserved")))
    for attribute, content in _attributes(entity):
        variable = mapping.variable(attribute.rsplit("/", 1)[-1])
        if variable is None:
            continue
        value = as_number(_value(content))
        if value is None:
            message.notes.append(f"{entity_id} {attribute}: el valor no es un número")
            continue
        raw_time = (content.get("observedAt") if isinstance(content, Mapping) else None) or entity_time
        observed = parse_time(_time_value(raw_time))
        if observed is None:
            message.notes.append(f"{entity_id} {attribute}: sin observedAt ni dateObserved con zona horaria")
            continue
        unit_code = content.get("unitCode") if isinstance(content, Mapping) else None
        reading = Reading(entity_id, variable.name, value, mapping.unit(unit_code, variable.unit), observed)
        message.add(station, reading, variable.family)


def _attributes(entity: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    for attribute, content in entity.items():
        if attribute not in SKIP_ATTRIBUTES:
            yield attribute, content
