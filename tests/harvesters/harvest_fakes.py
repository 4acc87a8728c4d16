"""Local HTTP servers that speak the real formats of the harvested sources.

Written from the public documentation: OGC SensorThings API 1.1 (Things, Locations,
Datastreams, ObservedProperty, Observations with ``$filter``/``$orderby``/``$top``/``$skip``
and ``@iot.nextLink``), OpenAQ API v3 (``/v3/locations``, ``/v3/sensors/{id}/measurements``
with ``meta`` and ``results``, ``X-API-Key``), NGSI-LD 1.6 (``/ngsi-ld/v1/entities`` in the
normalised representation, the temporal API with ``temporalValues``), SINCA (station list
JSON of ``listadomapa2k19`` and the Airviro ``apub.tsindico2.cgi`` export), the CKAN action
API (``package_search``), DCAT-AP RDF (Turtle) and DCAT-US ``data.json``.

Each fake keeps its data in plain Python structures the tests change between runs (new
readings, a deleted dataset). ``FakeServer.fault`` queues answers for the next matching
requests: a 429 with ``Retry-After``, a 500, a truncated body, a 20 MB page.
"""
from __future__ import annotations

import datetime as dt
import http.server
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

UTC = dt.UTC
Handler = Callable[["Request"], "Reply"]


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    url: str


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Reply:
        return cls(status, json.dumps(data, ensure_ascii=False).encode(), dict(headers))


@dataclass
class Fault:
    pattern: str
    reply: Reply
    times: int = 1


@dataclass
class Hold:
    """Keeps the next ``times`` requests matching ``pattern`` waiting until released."""

    pattern: str
    times: int = 1
    timeout: float = 120.0
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 (or another loopback address) with regex routes and
    queued faults."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: list[tuple[re.Pattern[str], Handler]] = []
        self.faults: list[Fault] = []
        self.delays: list[tuple[re.Pattern[str], float]] = []
        self.holds: list[Hold] = []
        self.log: list[Request] = []
        self._lock = threading.Lock()
        fake = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body in separate writes: no 40 ms stalls

            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                request = Request(
                    path=unquote(parts.path),
                    query=query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    url=f"{fake.base}{self.path}",
                )
                reply = fake.dispatch(request)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = http.server.ThreadingHTTPServer((self.host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{self.host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        for hold in self.holds:
            hold.release()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def route(self, pattern: str, handler: Handler) -> None:
        self.routes.append((re.compile(pattern), handler))

    def slow(self, pattern: str, seconds: float) -> None:
        """Answer requests matching ``pattern`` only after ``seconds`` (a slow source)."""
        self.delays.append((re.compile(pattern), seconds))

    def hold(self, pattern: str, times: int = 1) -> Hold:
        """Stall the next matching requests (a page that never comes) until ``release()``."""
        hold = Hold(pattern, times)
        with self._lock:
            self.holds.append(hold)
        return hold

    def fault(self, pattern: str, reply: Reply, times: int = 1) -> None:
        with self._lock:
            self.faults.append(Fault(pattern, reply, times))

    def requests_to(self, pattern: str) -> list[Request]:
        regex = re.compile(pattern)
        return [r for r in self.log if regex.search(r.path)]

    def dispatch(self, request: Request) -> Reply:
        with self._lock:
            held = next((h for h in self.holds if h.times > 0 and re.search(h.pattern, request.path)), None)
            if held is not None:
                held.times -= 1
        if held is not None:
            held.arrived.set()
            held.released.wait(held.timeout)
        for pattern, seconds in self.delays:
            if pattern.search(request.path):
                time.sleep(seconds)
        with self._lock:
            self.log.append(request)
            for fault in self.faults:
                if fault.times > 0 and re.search(fault.pattern, request.path):
                    fault.times -= 1
                    return fault.reply
        for pattern, handler in self.routes:
            match = pattern.fullmatch(request.path)
            if match:
                try:
                    return handler(request)
                except Exception as exc:  # a broken fake answers 500, visibly
                    return Reply.json({"error": repr(exc)}, status=500)
        return Reply.json({"error": "not found"}, status=404)


def hours(start: dt.datetime, count: int, step: dt.timedelta = dt.timedelta(hours=1)) -> list[dt.datetime]:
    return [start + i * step for i in range(count)]


def iso(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- OGC SensorThings API 1.1 --------------------------------------------------------------


@dataclass
class Datastream:
    id: int
    name: str
    observed_property: str
    definition: str
    unit_symbol: str
    unit_name: str
    observations: list[tuple[dt.datetime, Any]] = field(default_factory=list)


@dataclass
class Thing:
    id: int
    name: str
    lon: float
    lat: float
    datastreams: list[Datastream] = field(default_factory=list)


class SensorThingsService:
    """``{base}/sta/v1.1``: Things (with Locations and Datastreams) and Observations."""

    prefix = "/sta/v1.1"

    def __init__(self, server: FakeServer, things: list[Thing], max_top: int = 1000) -> None:
        self.server = server
        self.things = things
        self.max_top = max_top
        server.route(rf"{self.prefix}/Things", self._things)
        server.route(rf"{self.prefix}/Datastreams\((\d+)\)/Observations", self._observations)

    @property
    def url(self) -> str:
        return self.server.base + self.prefix

    def datastream(self, datastream_id: int) -> Datastream:
        return next(d for t in self.things for d in t.datastreams if d.id == datastream_id)

    def _link(self, request: Request, skip: int) -> str:
        query = dict(request.query)
        query["$skip"] = str(skip)
        text = "&".join(f"{quote(k, safe='$')}={quote(v, safe='')}" for k, v in query.items())
        return f"{self.server.base}{request.path}?{text}"

    def _things(self, request: Request) -> Reply:
        top = min(int(request.query.get("$top", 100)), self.max_top)
        skip = int(request.query.get("$skip", 0))
        page = self.things[skip: skip + top]
        value = []
        for thing in page:
            value.append(
                {
                    "@iot.id": thing.id,
                    "@iot.selfLink": f"{self.url}/Things({thing.id})",
                    "name": thing.name,
                    "description": f"Estación {thing.name}",
                    "properties": {"operador": "Municipalidad"},
                    "Locations": [
                        {
                            "@iot.id": thing.id,
                            "name": thing.name,
                            "encodingType": "application/geo+json",
                            "location": {"type": "Point", "coordinates": [thing.lon, thing.lat]},
                        }
                    ],
                    "Datastreams": [
                        {
                            "@iot.id": d.id,
                            "name": d.name,
                            "unitOfMeasurement": {
                                "name": d.unit_name,
                                "symbol": d.unit_symbol,
                                "definition": "http://unitsofmeasure.org/ucum.html",
                            },
                            "ObservedProperty": {
                                "@iot.id": d.id * 10,
                                "name": d.observed_property,
                                "definition": d.definition,
                            },
                        }
                        for d in thing.datastreams
                    ],
                }
            )
        body: dict[str, Any] = {"value": value}
        if skip + top < len(self.things):
            body["@iot.nextLink"] = self._link(request, skip + top)
        return Reply.json(body)

    def _observations(self, request: Request) -> Reply:
        datastream_id = int(re.search(r"\((\d+)\)", request.path).group(1))  # type: ignore[union-attr]
        datastream = self.datastream(datastream_id)
        rows = sorted(datastream.observations, key=lambda o: o[0])
        condition = request.query.get("$filter", "")
        match = re.fullmatch(r"phenomenonTime (gt|ge) (\S+)", condition.strip())
        if condition and not match:
            return Reply.json({"code": 400, "message": f"unsupported filter {condition}"}, status=400)
        if match:
            since = _parse_time(match.group(2))
            rows = [o for o in rows if (o[0] > since if match.group(1) == "gt" else o[0] >= since)]
        top = min(int(request.query.get("$top", 100)), self.max_top)
        skip = int(request.query.get("$skip", 0))
        page = rows[skip: skip + top]
        body: dict[str, Any] = {
            "value": [{"@iot.id": i, "phenomenonTime": iso(t), "result": v} for i, (t, v) in enumerate(page, skip)]
        }
        if skip + top < len(rows):
            body["@iot.nextLink"] = self._link(request, skip + top)
        return Reply.json(body)


def air_things(count: int, start: dt.datetime, readings: int, first_id: int = 1) -> list[Thing]:
    """``count`` stations around Temuco with a PM2.5 datastream of ``readings`` hourly values."""
    things = []
    for n in range(count):
        ident = first_id + n
        datastream = Datastream(
            id=100 + ident,
            name=f"MP2,5 estación {ident}",
            observed_property="PM2.5",
            definition="http://vocabs.lter-europe.net/EnvThes/22",
            unit_symbol="µg/m³",
            unit_name="microgram per cubic meter",
            observations=[(t, round(10 + (ident * 7 + i) % 40 * 0.5, 1)) for i, t in enumerate(hours(start, readings))],
        )
        things.append(Thing(ident, f"Temuco {ident:03d}", -72.60 - n * 0.001, -38.73 - n * 0.001, [datastream]))
    return things


# --- OpenAQ API v3 -------------------------------------------------------------------------


@dataclass
class OpenAQSensor:
    id: int
    parameter: str
    units: str
    measurements: list[tuple[dt.datetime, float]] = field(default_factory=list)


@dataclass
class OpenAQLocation:
    id: int
    name: str
    lon: float
    lat: float
    sensors: list[OpenAQSensor] = field(default_factory=list)
    provider: str = "Chile - SINCA"


PARAMETER_IDS = {"pm10": 1, "pm25": 2, "o3": 3, "co": 4, "no2": 5, "so2": 6}


class OpenAQService:
    """``{base}`` with ``/v3/locations`` and ``/v3/sensors/{id}/measurements``; needs X-API-Key."""

    def __init__(self, server: FakeServer, locations: list[OpenAQLocation], api_key: str = "clave-de-prueba") -> None:
        self.server = server
        self.locations = locations
        self.api_key = api_key
        server.route(r"/v3/locations", self._locations)
        server.route(r"/v3/sensors/(\d+)/measurements", self._measurements)

    @property
    def url(self) -> str:
        return self.server.base

    def _denied(self, request: Request) -> Reply | None:
        if request.headers.get("x-api-key") != self.api_key:
            return Reply.json({"detail": "Unauthorized. A valid API key must be provided in the X-API-Key header."}, status=401)
        return None

    def _meta(self, request: Request, found: int) -> dict[str, Any]:
        return {
            "name": "openaq-api",
            "website": "/",
            "page": int(request.query.get("page", 1)),
            "limit": int(request.query.get("limit", 100)),
            "found": found,
        }

    def _locations(self, request: Request) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        rows = self.locations
        if "bbox" in request.query:
            west, south, east, north = (float(v) for v in request.query["bbox"].split(","))
            rows = [r for r in rows if west <= r.lon <= east and south <= r.lat <= north]
        limit = int(request.query.get("limit", 100))
        page = int(request.query.get("page", 1))
        chunk = rows[(page - 1) * limit: page * limit]
        results = [
            {
                "id": loc.id,
                "name": loc.name,
                "locality": "Temuco",
                "timezone": "America/Santiago",
                "country": {"id": 3, "code": "CL", "name": "Chile"},
                "owner": {"id": 4, "name": "Unknown Governmental Organization"},
                "provider": {"id": 164, "name": loc.provider},
                "isMobile": False,
                "isMonitor": True,
                "instruments": [{"id": 2, "name": "Government Monitor"}],
                "sensors": [
                    {
                        "id": s.id,
                        "name": f"{s.parameter} {s.units}",
                        "parameter": {"id": PARAMETER_IDS.get(s.parameter, 99), "name": s.parameter,
                                      "units": s.units, "displayName": s.parameter.upper()},
                    }
                    for s in loc.sensors
                ],
                "coordinates": {"latitude": loc.lat, "longitude": loc.lon},
                "licenses": None,
                "bounds": [loc.lon, loc.lat, loc.lon, loc.lat],
                "distance": None,
                "datetimeFirst": None,
                "datetimeLast": None,
            }
            for loc in chunk
        ]
        return Reply.json({"meta": self._meta(request, len(rows)), "results": results})

    def _measurements(self, request: Request) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        sensor_id = int(request.path.split("/")[3])
        sensor = next(s for loc in self.locations for s in loc.sensors if s.id == sensor_id)
        rows = sorted(sensor.measurements)
        if "datetime_from" in request.query:
            since = _parse_time(request.query["datetime_from"])
            rows = [r for r in rows if r[0] >= since]
        limit = int(request.query.get("limit", 100))
        page = int(request.query.get("page", 1))
        chunk = rows[(page - 1) * limit: page * limit]
        results = [
            {
                "value": value,
                "flagInfo": {"hasFlags": False},
                "parameter": {"id": PARAMETER_IDS.get(sensor.parameter, 99), "name": sensor.parameter,
                              "units": sensor.units, "displayName": None},
                "period": {
                    "label": "raw",
                    "interval": "01:00:00",
                    "datetimeFrom": {"utc": iso(t - dt.timedelta(hours=1)), "local": (t - dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=-3))).isoformat()},
                    "datetimeTo": {"utc": iso(t), "local": t.astimezone(dt.timezone(dt.timedelta(hours=-3))).isoformat()},
                },
                "coordinates": None,
                "summary": None,
                "coverage": None,
            }
            for t, value in chunk
        ]
        return Reply.json({"meta": self._meta(request, len(rows)), "results": results})


# --- SINCA ---------------------------------------------------------------------------------


@dataclass
class SincaStation:
    key: str
    name: str
    comuna: str
    region: str
    lon: float
    lat: float
    series: dict[str, list[tuple[dt.datetime, str, str]]] = field(default_factory=dict)
    # series: parameter code -> [(local time, value text, status V|PV|NV)]


class SincaService:
    """The station list JSON and the Airviro CSV export, as sinca.mma.gob.cl serves them."""

    list_path = "/index.php/json/listadomapa2k19/"

    def __init__(self, server: FakeServer, stations: list[SincaStation]) -> None:
        self.server = server
        self.stations = stations
        server.route(self.list_path, self._list)
        server.route(r"/cgi-bin/APUB-MMA/apub\.tsindico2\.cgi", self._export)

    @property
    def url(self) -> str:
        return self.server.base + self.list_path

    def _list(self, request: Request) -> Reply:
        return Reply.json(
            [
                {
                    "nombre": s.name,
                    "key": s.key,
                    "latitud": s.lat,
                    "longitud": s.lon,
                    "comuna": s.comuna,
                    "red": "Red MMA",
                    "region": s.region,
                    "regionindex": 9,
                    "calificacion": "Pública",
                    "empresa": "Ministerio del Medio Ambiente",
                    "realtime": [
                        {"code": code, "name": {"PM25": "MP 2.5", "PM10": "MP 10", "0003": "Dióxido de nitrógeno"}.get(code, code),
                         "tableRow": {}, "info": {}}
                        for code in s.series
                    ],
                }
                for s in self.stations
            ]
        )

    def _export(self, request: Request) -> Reply:
        macro = request.query.get("macro", "")
        match = re.fullmatch(r"\./(R[A-Z]+)/([^/]+)/Cal/([0-9A-Z]+)//\3\.horario\.horario\.ic", macro)
        if not match or request.query.get("outtype") != "xcl":
            return Reply(200, b"", content_type="text/plain")
        station = next((s for s in self.stations if s.key == match.group(2)), None)
        if station is None:
            return Reply(200, b"", content_type="text/plain")
        start = dt.datetime.strptime(request.query["from"], "%y%m%d")
        end = dt.datetime.strptime(request.query["to"], "%y%m%d") + dt.timedelta(days=1)
        lines = ["FECHA (YYMMDD);HORA (HHMM);Registros validados;Registros preliminares;Registros no validados;"]
        for local, value, status in station.series.get(match.group(3), []):
            naive = local.replace(tzinfo=None)
            if not (start < naive <= end):
                continue
            day, hhmm = naive.strftime("%y%m%d"), naive.strftime("%H%M")
            if hhmm == "0000":  # Airviro writes midnight as 2400 of the day before
                day, hhmm = (naive - dt.timedelta(days=1)).strftime("%y%m%d"), "2400"
            cells = ["", "", ""]
            cells[("V", "PV", "NV").index(status)] = value
            lines.append(f"{day};{hhmm};{';'.join(cells)};")
        return Reply(200, ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/plain; charset=utf-8")


# --- the same stations in OpenAQ and SINCA (Temuco) ------------------------------------------

AIR_START = dt.datetime(2024, 6, 1, tzinfo=UTC)
CHILE = dt.timezone(dt.timedelta(hours=-4))


def openaq_locations() -> list[OpenAQLocation]:
    """Las Encinas (also a SINCA station: pm25, pm10, humidity) and Padre Las Casas II."""
    return [
        OpenAQLocation(
            2178,
            "Las Encinas Temuco",
            -72.6372,
            -38.7481,
            [
                OpenAQSensor(3917, "pm25", "µg/m³", [(t, 20.0 + i % 7) for i, t in enumerate(hours(AIR_START, 48))]),
                OpenAQSensor(3918, "pm10", "µg/m³", [(t, 40.0) for t in hours(AIR_START, 48)]),
                OpenAQSensor(3919, "relativehumidity", "%", [(t, 80.0) for t in hours(AIR_START, 48)]),
            ],
        ),
        OpenAQLocation(
            9001,
            "Padre Las Casas II",
            -72.5934,
            -38.7653,
            [OpenAQSensor(9101, "pm25", "µg/m³", [(t, 30.0) for t in hours(AIR_START, 24)])],
        ),
    ]


def sinca_station(
    key: str = "901", name: str = "Las Encinas Temuco", lon: float = -72.6371, lat: float = -38.7480
) -> SincaStation:
    """SINCA's Las Encinas: 30 hours of PM25 (validated, then preliminary) and NO2."""
    local_hours = hours(dt.datetime(2024, 6, 1, 1, tzinfo=CHILE), 30)
    return SincaStation(
        key=key,
        name=name,
        comuna="Temuco",
        region="Región de La Araucanía",
        lon=lon,
        lat=lat,
        series={
            "PM25": [(t, f"{10 + i % 5},5", "V" if i < 20 else "PV") for i, t in enumerate(local_hours)],
            "0003": [(t, "12", "NV") for t in local_hours],
        },
    )


# --- NGSI-LD -------------------------------------------------------------------------------


class NGSILDBroker:
    """``/ngsi-ld/v1/entities`` (normalised) and, if ``temporal``, the temporal API."""

    def __init__(self, server: FakeServer, entities: list[dict[str, Any]], temporal: dict[str, dict[str, list[tuple[dt.datetime, float]]]] | None = None) -> None:
        self.server = server
        self.entities = entities
        self.temporal = temporal
        server.route(r"/ngsi-ld/v1/entities", self._entities)
        server.route(r"/ngsi-ld/v1/temporal/entities/(.+)", self._temporal)

    @property
    def url(self) -> str:
        return self.server.base

    def _entities(self, request: Request) -> Reply:
        kind = request.query.get("type")
        rows = [e for e in self.entities if not kind or e["type"] == kind]
        offset = int(request.query.get("offset", 0))
        limit = int(request.query.get("limit", 20))
        return Reply.json(rows[offset: offset + limit], **{"NGSILD-Results-Count": str(len(rows))})

    def _temporal(self, request: Request) -> Reply:
        if self.temporal is None:
            return Reply.json({"type": "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound",
                               "title": "Not found"}, status=404)
        entity_id = unquote(request.path.rsplit("/", 1)[1])
        series = self.temporal.get(entity_id, {})
        attribute = request.query.get("attrs", "")
        rows = sorted(series.get(attribute, []))
        if request.query.get("timerel") == "after":
            since = _parse_time(request.query["timeAt"])
            rows = [r for r in rows if r[0] > since]
        page, status, headers = rows[:50], 200, {}
        if len(rows) > 50:
            status = 206
            headers["Content-Range"] = f"date-time {iso(page[0][0])}-{iso(page[-1][0])}/*"
        entity = next(e for e in self.entities if e["id"] == entity_id)
        body = {"id": entity_id, "type": entity["type"],
                attribute: {"type": "Property", "values": [[v, iso(t)] for t, v in page]}}
        return Reply.json(body, status=status, **headers)


def air_quality_entity(ident: str, lon: float, lat: float, pm25: float, observed: dt.datetime) -> dict[str, Any]:
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:{ident}",
        "type": "AirQualityObserved",
        "name": {"type": "Property", "value": f"Estación {ident}"},
        "dateObserved": {"type": "Property", "value": {"@type": "DateTime", "@value": iso(observed)}},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
        "pm25": {"type": "Property", "value": pm25, "unitCode": "GQ", "observedAt": iso(observed)},
        "no2": {"type": "Property", "value": 21.0, "unitCode": "GQ", "observedAt": iso(observed)},
        "reliability": {"type": "Property", "value": 0.9},
    }


def traffic_entity(ident: str, lon: float, lat: float, intensity: float, observed: dt.datetime) -> dict[str, Any]:
    return {
        "id": f"urn:ngsi-ld:TrafficFlowObserved:{ident}",
        "type": "TrafficFlowObserved",
        "name": {"type": "Property", "value": f"Sensor vial {ident}"},
        "dateObserved": {"type": "Property", "value": iso(observed)},
        "location": {"type": "GeoProperty", "value": {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.001, lat]]}},
        "intensity": {"type": "Property", "value": intensity, "unitCode": "E50", "observedAt": iso(observed)},
        "laneId": {"type": "Property", "value": 1},
    }


def waste_entity(ident: str, lon: float, lat: float, level: float, observed: dt.datetime) -> dict[str, Any]:
    return {
        "id": f"urn:ngsi-ld:WasteContainer:{ident}",
        "type": "WasteContainer",
        "name": {"type": "Property", "value": f"Punto limpio {ident}"},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
        "fillingLevel": {"type": "Property", "value": level, "unitCode": "P1", "observedAt": iso(observed)},
        "status": {"type": "Property", "value": "ok"},
    }


def each(items: Iterator[Any]) -> list[Any]:
    return list(items)


# --- CKAN action API -----------------------------------------------------------------------


def ckan_package(ident: str, title: str, tags: list[str], org: str = "municipalidad-concepcion",
                 modified: str = "2024-05-01T10:00:00.000000", **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "name": re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:90],
        "title": title,
        "notes": f"{title}, publicado por la municipalidad.",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "state": "active",
        "type": "dataset",
        "private": False,
        "metadata_created": "2023-01-10T09:00:00.000000",
        "metadata_modified": modified,
        "author": None,
        "maintainer": "Unidad de Transparencia",
        "maintainer_email": "transparencia@municipio.example",
        "num_tags": len(tags),
        "tags": [{"id": f"t-{t}", "name": t, "display_name": t, "state": "active", "vocabulary_id": None} for t in tags],
        "organization": {"id": "org-1", "name": org, "title": "Municipalidad", "type": "organization",
                         "is_organization": True, "state": "active"},
        "owner_org": "org-1",
        "groups": [],
        "extras": [{"key": "spatial", "value": '{"type": "Point", "coordinates": [-73.05, -36.82]}'},
                   {"key": "fuente", "value": "Dirección de Medio Ambiente"}],
        "resources": [
            {"id": f"{ident}-r1", "package_id": ident, "name": "Datos", "url": f"http://datos.municipio.example/{ident}.csv",
             "format": "CSV", "description": "Archivo de datos", "url_type": None, "state": "active",
             "datastore_active": False, "position": 0}
        ],
        "num_resources": 1,
        "relationships_as_object": [],
        "relationships_as_subject": [],
        **extra,
    }


class CKANPortal:
    """``/api/3/action/package_search`` of a remote CKAN (the calls ckanext-harvest makes)."""

    def __init__(self, server: FakeServer, packages: list[dict[str, Any]]) -> None:
        self.server = server
        self.packages = packages
        server.route(r"/api/3/action/package_search", self._search)

    @property
    def url(self) -> str:
        return self.server.base

    def _search(self, request: Request) -> Reply:
        rows = sorted(self.packages, key=lambda p: p["id"])
        start = int(request.query.get("start", 0))
        limit = int(request.query.get("rows", 10))
        return Reply.json({
            "help": f"{self.url}/api/3/action/help_show?name=package_search",
            "success": True,
            "result": {"count": len(rows), "results": rows[start: start + limit], "sort": "id asc",
                       "facets": {}, "search_facets": {}},
        })


# --- DCAT-AP (RDF) and DCAT-US (data.json) -------------------------------------------------


@dataclass
class CatalogEntry:
    identifier: str
    title: str
    keywords: list[str]
    themes: list[str] = field(default_factory=list)
    modified: str = "2024-05-01"


class DCATCatalog:
    """``/catalog.ttl`` (DCAT-AP in Turtle) and ``/data.json`` (DCAT-US 1.1) of one catalogue."""

    def __init__(self, server: FakeServer, entries: list[CatalogEntry]) -> None:
        self.server = server
        self.entries = entries
        server.route(r"/catalog\.ttl", self._turtle)
        server.route(r"/data\.json", self._json)

    @property
    def rdf_url(self) -> str:
        return f"{self.server.base}/catalog.ttl"

    @property
    def json_url(self) -> str:
        return f"{self.server.base}/data.json"

    def dataset_uri(self, entry: CatalogEntry) -> str:
        return f"http://datos.concepcion.example/dataset/{entry.identifier}"

    @staticmethod
    def _literal(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def _turtle(self, request: Request) -> Reply:
        lines = [
            "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
            "@prefix dct: <http://purl.org/dc/terms/> .",
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
            "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
            "",
            "<http://datos.concepcion.example/catalog> a dcat:Catalog ;",
            '    dct:title "Datos abiertos de Concepción"@es ;',
            "    foaf:homepage <http://datos.concepcion.example/> ;",
        ]
        if self.entries:
            lines.append("    dcat:dataset " + ", ".join(f"<{self.dataset_uri(e)}>" for e in self.entries) + " .")
        else:
            lines[-1] = lines[-1].rstrip(" ;") + " ."
        for entry in self.entries:
            uri = self.dataset_uri(entry)
            parts = [
                f"<{uri}> a dcat:Dataset",
                f"    dct:title {self._literal(entry.title)}@es",
                f"    dct:description {self._literal(entry.title + ' (Municipalidad de Concepción)')}@es",
                f"    dct:identifier {self._literal(entry.identifier)}",
                f'    dct:modified "{entry.modified}"^^xsd:date',
                f"    dcat:distribution <{uri}/csv>",
            ]
            parts += [f"    dcat:keyword {self._literal(k)}@es" for k in entry.keywords]
            parts += [f"    dcat:theme <{t}>" for t in entry.themes]
            lines.append(" ;\n".join(parts) + " .")
            lines.append(
                f"<{uri}/csv> a dcat:Distribution ;\n    dct:title \"CSV\"@es ;\n"
                f"    dcat:accessURL <http://datos.concepcion.example/{entry.identifier}.csv> ;\n"
                f"    dcat:downloadURL <http://datos.concepcion.example/{entry.identifier}.csv> ;\n"
                "    dct:format \"CSV\" ."
            )
        return Reply(200, "\n".join(lines).encode("utf-8"), content_type="text/turtle")

    def _json(self, request: Request) -> Reply:
        return Reply.json({
            "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
            "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
            "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
            "dataset": [
                {
                    "@type": "dcat:Dataset",
                    "identifier": self.dataset_uri(e),
                    "title": e.title,
                    "description": f"{e.title} (Municipalidad de Concepción)",
                    "keyword": e.keywords,
                    "theme": e.themes,
                    "modified": e.modified,
                    "accessLevel": "public",
                    "license": "http://creativecommons.org/licenses/by/4.0/",
                    "publisher": {"@type": "org:Organization", "name": "Municipalidad de Concepción"},
                    "contactPoint": {"@type": "vcard:Contact", "fn": "Unidad de Datos",
                                     "hasEmail": "mailto:datos@concepcion.example"},
                    "distribution": [{"@type": "dcat:Distribution", "title": "CSV", "mediaType": "text/csv",
                                      "format": "CSV",
                                      "downloadURL": f"http://datos.concepcion.example/{e.identifier}.csv"}],
                }
                for e in self.entries
            ],
        })
