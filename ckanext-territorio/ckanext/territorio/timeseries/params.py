"""The parameters of the time-series API, checked: bad values raise ``Invalid`` with field errors.

Times are ISO 8601. A time without a UTC offset (a date alone included) is Chile's local
time (America/Santiago), the zone the daily buckets use; one with an offset or ``Z`` is
taken as given. Every answer gives times in UTC.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

ZONE_NAME = "America/Santiago"
ZONE = ZoneInfo(ZONE_NAME)
AGGREGATES = ("none", "hour", "day")
FORMATS = ("json", "csv")
LATEST_FORMATS = ("json", "geojson")
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_STATIONS = 200
MAX_VARIABLES = 50
MAX_TEXT = 200
DEFAULT_SPAN = dt.timedelta(days=7)
# the longest range one request may ask for, per aggregate
MAX_SPAN = {"none": dt.timedelta(days=366), "hour": dt.timedelta(days=366), "day": dt.timedelta(days=3660)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Invalid(Exception):
    """Bad parameters: ``errors`` maps each parameter to its messages (Spanish)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _fail(key: str, message: str) -> Invalid:
    return Invalid({key: [message]})


def text_list(data: Mapping[str, Any], key: str, most: int) -> list[str]:
    """A parameter given as one text, a comma-separated text or a list of texts."""
    value = data.get(key)
    if value is None or value == "" or value == []:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    result: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise _fail(key, "Debe ser un texto o una lista de textos")
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if len(part) > MAX_TEXT or "\x00" in part:
                raise _fail(key, f"Cada valor debe ser un texto de hasta {MAX_TEXT} caracteres")
            if part not in result:
                result.append(part)
    if len(result) > most:
        raise _fail(key, f"Se pueden pedir hasta {most} valores a la vez (se pidieron {len(result)})")
    return result


def moment(data: Mapping[str, Any], key: str) -> dt.datetime | None:
    """An ISO 8601 time (local to Chile when it has no offset), in UTC; None when absent."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise _fail(key, "Debe ser una fecha y hora ISO 8601, p. ej. 2024-06-01T00:00:00-04:00")
    text = value.strip()
    try:
        if _DATE.match(text):
            parsed = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            parsed = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise _fail(key, "Debe ser una fecha y hora ISO 8601, p. ej. 2024-06-01T00:00:00-04:00") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZONE)
    try:
        return parsed.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise _fail(key, "La fecha está fuera del rango admitido") from None


def choice(data: Mapping[str, Any], key: str, options: Sequence[str]) -> str:
    """One of ``options`` (the first by default)."""
    value = data.get(key)
    if value is None or value == "":
        return options[0]
    if value not in options:
        raise _fail(key, "Debe ser uno de: " + ", ".join(options))
    return str(value)


def whole(data: Mapping[str, Any], key: str, default: int, most: int) -> int:
    """A positive integer no larger than ``most``."""
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
        if isinstance(value, float | bool) or str(value).strip() != str(number):
            raise ValueError
    except (TypeError, ValueError):
        raise _fail(key, "Debe ser un número entero") from None
    if number < 1:
        raise _fail(key, "Debe ser al menos 1")
    if number > most:
        raise _fail(key, f"No puede pasar de {most}")
    return number


@dataclass(frozen=True)
class ReadingsQuery:
    """A checked ``territorio_readings`` request (the table is resolved apart)."""

    stations: list[str]
    variables: list[str]
    start: dt.datetime
    end: dt.datetime
    aggregate: str
    limit: int
    format: str
    after: tuple[Any, ...] | None = None  # the cursor's position

    def fingerprint(self, table: str) -> str:
        """What a cursor must match: the same table, filters, range and aggregate."""
        parts = [table, ",".join(self.stations), ",".join(self.variables),
                 self.start.isoformat(), self.end.isoformat(), self.aggregate]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def readings_query(data: Mapping[str, Any], now: dt.datetime) -> ReadingsQuery:
    """The request's parameters checked; every problem at once, by parameter."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    checks = {
        "stations": lambda: text_list(data, "station", MAX_STATIONS),
        "variables": lambda: text_list(data, "variable", MAX_VARIABLES),
        "start": lambda: moment(data, "from"),
        "end": lambda: moment(data, "to"),
        "aggregate": lambda: choice(data, "aggregate", AGGREGATES),
        "limit": lambda: whole(data, "limit", DEFAULT_LIMIT, MAX_LIMIT),
        "format": lambda: choice(data, "format", FORMATS),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except Invalid as exc:
            errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    end = values["end"] or now
    start = values["start"] or end - DEFAULT_SPAN
    if start > end:
        raise Invalid({"from": ["«from» debe ser anterior o igual a «to»"]})
    span = MAX_SPAN[values["aggregate"]]
    if end - start > span:
        raise Invalid({"to": [
            f"El rango pedido supera los {span.days} días admitidos con aggregate={values['aggregate']}; "
            "acótelo o use un agregado diario"
        ]})
    return ReadingsQuery(
        stations=values["stations"], variables=values["variables"], start=start, end=end,
        aggregate=values["aggregate"], limit=values["limit"], format=values["format"],
    )


def encode_cursor(fingerprint: str, position: Sequence[Any]) -> str:
    """An opaque cursor: the query's fingerprint and the last row's sort key."""
    payload = json.dumps([fingerprint, *position], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(value: Any, fingerprint: str, size: int) -> tuple[Any, ...]:
    """The sort key a cursor carries; Invalid when it is not one of this query's cursors."""
    message = "El cursor no es válido para esta consulta (use el «next» de la respuesta anterior)"
    if not isinstance(value, str) or len(value) > 2000:
        raise _fail("cursor", message)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _fail("cursor", message) from None
    if not isinstance(decoded, list) or len(decoded) != size + 1 or decoded[0] != fingerprint:
        raise _fail("cursor", message)
    if not all(isinstance(part, str) for part in decoded[1:]):
        raise _fail("cursor", message)
    return tuple(decoded[1:])


def bbox(data: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in WGS 84 degrees (text or list), checked; None when absent."""
    value = data.get("bbox")
    if value is None or value == "":
        return None
    message = "Debe ser minx,miny,maxx,maxy en grados WGS 84 (longitud y latitud)"
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise _fail("bbox", message)
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise _fail("bbox", message) from None
    if not all(-180 <= x <= 180 for x in (minx, maxx)) or not all(-90 <= y <= 90 for y in (miny, maxy)):
        raise _fail("bbox", "Las longitudes deben estar entre -180 y 180 y las latitudes entre -90 y 90")
    if minx > maxx or miny > maxy:
        raise _fail("bbox", "minx debe ser menor o igual a maxx, y miny menor o igual a maxy")
    return (minx, miny, maxx, maxy)
