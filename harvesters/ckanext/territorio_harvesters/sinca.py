"""SINCA (Ministerio del Medio Ambiente): the station list (JSON) and the Airviro hourly export.

The station list (``/index.php/json/listadomapa2k19/``) gives each station's key, name,
comuna, region, coordinates and, in ``realtime``, the parameter codes it measures (PM25,
PM10, 0001 SO₂, 0003 NO₂, 0004 CO, 0008 O₃). The hourly series of one parameter comes from
the Airviro CGI export (``apub.tsindico2.cgi?outtype=xcl&macro=./RIX/901/Cal/PM25//PM25.
horario.horario.ic&from=YYMMDD&to=YYMMDD…``): text separated by ``;`` with a decimal comma,
``FECHA (YYMMDD);HORA (HHMM);Registros validados;Registros preliminares;Registros no
validados``. The first non-empty of the three values is taken (validated first) and its
status kept in ``extras``. Times are the station's standard time (``utc_offset``, UTC-4 by
default); HORA 2400 is midnight of the next day; each value is the average of the hour
that ends then.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec

from ckanext.territorio.vocab.harvest_mapping import HarvestMapping, name_key

from .errors import BadPayload
from .http import Client
from .records import Catalog, Page, Reading, Station, Stream, as_number

SOURCE_TYPE = "sinca"
DEFAULT_PARAMETERS = ("PM25", "PM10", "0001", "0003", "0004", "0008")
EXPORT_PATH = "/cgi-bin/APUB-MMA/apub.tsindico2.cgi"
AIRVIRO_PATH = "/usr/airviro/data/CONAMA/"
# The roman prefixes SINCA uses in its Airviro paths, by the region names of its station list.
REGION_PREFIX = {
    "aricayparinacota": "RXV",
    "tarapaca": "RI",
    "antofagasta": "RII",
    "atacama": "RIII",
    "coquimbo": "RIV",
    "valparaiso": "RV",
    "metropolitanadesantiago": "RM",
    "metropolitana": "RM",
    "libertadorgeneralbernardoohiggins": "RVI",
    "ohiggins": "RVI",
    "maule": "RVII",
    "nuble": "RXVI",
    "biobio": "RVIII",
    "laaraucania": "RIX",
    "araucania": "RIX",
    "losrios": "RXIV",
    "loslagos": "RX",
    "aysendelgeneralcarlosibanezdelcampo": "RXI",
    "aysen": "RXI",
    "magallanesydelaantarticachilena": "RXII",
    "magallanes": "RXII",
}
STATUS = ("V", "PV", "NV")  # validated, preliminary, not validated
MAX_DAYS_PER_REQUEST = 366


class _Realtime(msgspec.Struct):
    code: Any = None
    name: Any = None


class _Station(msgspec.Struct):
    key: Any = None
    nombre: Any = None
    latitud: Any = None
    longitud: Any = None
    comuna: Any = None
    region: Any = None
    red: Any = None
    empresa: Any = None
    realtime: list[_Realtime] | None = None


def region_prefix(region_name: str) -> str | None:
    """SINCA's roman prefix (RI...RXVI, RM) for a region name, or None."""
    key = name_key(region_name)
    for prefix in ("region", "regiondel", "regionde", "de", "del"):
        if key.startswith(prefix) and key[len(prefix):] in REGION_PREFIX:
            return REGION_PREFIX[key[len(prefix):]]
    return REGION_PREFIX.get(key)


def parse_offset(value: str) -> dt.timezone:
    """A UTC offset written ``±HH:MM`` as a timezone."""
    sign = -1 if value.strip().startswith("-") else 1
    hours, _, minutes = value.strip().lstrip("+-").partition(":")
    return dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes or 0)))


@dataclass
class SincaAdapter:
    """SINCA's station list and Airviro hourly exports, as stations and series."""

    root: str  # the station list URL
    client: Client
    mapping: HarvestMapping
    stations: Sequence[str] = ()
    regions: Sequence[str] = ()  # SINCA region names or roman prefixes, when no stations given
    parameters: Sequence[str] = DEFAULT_PARAMETERS
    utc_offset: str = "-04:00"
    export_url: str | None = None

    def __post_init__(self) -> None:
        if not self.export_url:
            parts = urlsplit(self.root)
            self.export_url = f"{parts.scheme}://{parts.netloc}{EXPORT_PATH}"
        self._tz = parse_offset(self.utc_offset)

    def catalog(self) -> Catalog:
        """The stations wanted (by code or region) and one series per parameter measured."""
        catalog = Catalog()
        rows, _response = self.client.get_json(self.root, type=list[_Station])
        wanted_stations = {s.strip().upper() for s in self.stations}
        wanted_regions = {r.strip().upper() for r in self.regions}
        parameters = {p.strip().upper() for p in self.parameters}
        for index, row in enumerate(rows):
            prefix = region_prefix(str(row.region or ""))
            if row.key is None or prefix is None:
                catalog.notes.append(f"estación en la posición {index} sin clave o región reconocible")
                continue
            code = f"{prefix}/{row.key}"
            if wanted_stations and code.upper() not in wanted_stations:
                continue
            if not wanted_stations and wanted_regions and prefix not in wanted_regions:
                continue
            station = Station(
                id=f"sinca:{code}",
                name=str(row.nombre or code).strip(),
                lon=as_number(row.longitud),
                lat=as_number(row.latitud),
                properties={
                    "codigo": code,
                    "comuna": row.comuna,
                    "region": row.region,
                    "red": row.red,
                    "empresa": row.empresa,
                },
            )
            streams = 0
            for realtime in row.realtime or []:
                parameter = str(realtime.code or "").strip().upper()
                if parameter not in parameters:
                    continue
                variable = self.mapping.variable(parameter, str(realtime.name or ""))
                if variable is None:
                    catalog.notes.append(f"{code}: parámetro {parameter} sin correspondencia")
                    continue
                catalog.streams.append(
                    Stream(
                        key=f"{code}/{parameter}",
                        station_id=station.id,
                        variable=variable.name,
                        unit=variable.unit,
                        family=variable.family,
                        params={"macro": f"./{code}/Cal/{parameter}//{parameter}.horario.horario.ic"},
                    )
                )
                streams += 1
            if streams:
                catalog.stations.append(station)
        return catalog

    def pages(self, stream: Stream, since: dt.datetime | None) -> Iterator[Page]:
        """The series' hourly exports since ``since`` (a week back at first), a year per request."""
        today = dt.datetime.now(self._tz).date()
        start = (since.astimezone(self._tz).date() if since else today - dt.timedelta(days=7))
        while start <= today:
            end = min(today, start + dt.timedelta(days=MAX_DAYS_PER_REQUEST - 1))
            response = self.client.get(
                str(self.export_url),
                {
                    "outtype": "xcl",
                    "macro": stream.params["macro"],
                    "from": start.strftime("%y%m%d"),
                    "to": end.strftime("%y%m%d"),
                    "path": AIRVIRO_PATH,
                    "lang": "esp",
                    "rsrc": "",
                    "macropath": "",
                },
            )
            yield self.parse_export(response.body, stream, response.url)
            start = end + dt.timedelta(days=1)

    def parse_export(self, body: bytes, stream: Stream, url: str | None = None) -> Page:
        """The readings of one Airviro export, the validated value first."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("latin-1")
        lines = text.splitlines()
        page = Page([])
        if not lines or not lines[0].strip():
            return page
        header = [h.strip().upper() for h in lines[0].split(";")]
        try:
            date_col = next(i for i, h in enumerate(header) if h.startswith("FECHA"))
            time_col = next(i for i, h in enumerate(header) if h.startswith("HORA"))
        except StopIteration:
            raise BadPayload(
                f"la exportación no tiene las columnas FECHA y HORA (línea 1: {lines[0][:80]!r})", url
            ) from None
        value_cols = [
            next((i for i, h in enumerate(header) if h.startswith(label)), None)
            for label in ("REGISTROS VALIDADOS", "REGISTROS PRELIMINARES", "REGISTROS NO VALIDADOS")
        ]
        extras = {status: json.dumps({"validacion": status}) for status in STATUS}
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            cells = line.split(";")
            try:
                day = dt.datetime.strptime(cells[date_col].strip().zfill(6), "%y%m%d")
                hhmm = cells[time_col].strip().zfill(4)
                observed = day.replace(tzinfo=self._tz) + dt.timedelta(
                    hours=int(hhmm[:2]), minutes=int(hhmm[2:])
                )
            except (ValueError, IndexError):
                page.reject(f"línea {number}: fecha u hora inválida ({line[:40]!r})")
                continue
            for status, col in zip(STATUS, value_cols, strict=True):
                if col is None or col >= len(cells) or not cells[col].strip():
                    continue
                value = as_number(cells[col])
                if value is None:
                    page.reject(f"línea {number}: valor no numérico {cells[col][:20]!r}")
                    break
                page.readings.append(
                    Reading(stream.station_id, stream.variable, value, stream.unit, observed, extras[status])
                )
                break
        return page
