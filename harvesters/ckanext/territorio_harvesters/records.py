"""What the sensor adapters hand to the loader: stations, streams and readings (plain data)."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

UTC = dt.UTC


@dataclass(frozen=True)
class Station:
    """A place that measures; ``id`` is unique within the source (e.g. 'sinca:RIX/901')."""

    id: str
    name: str
    lon: float | None = None
    lat: float | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The station as JSON, as the harvest object's content keeps it."""
        return {
            "id": self.id,
            "name": self.name,
            "lon": self.lon,
            "lat": self.lat,
            "properties": dict(self.properties),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Station:
        """The station read back from its JSON."""
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or data["id"]),
            lon=data.get("lon"),
            lat=data.get("lat"),
            properties=dict(data.get("properties") or {}),
        )


@dataclass(frozen=True)
class Stream:
    """One series: a station's variable, and what the adapter needs to page through it."""

    key: str  # stable remote id of the series (datastream, sensor, entity attribute...)
    station_id: str
    variable: str
    unit: str
    family: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The series as JSON, as the harvest object's content keeps it."""
        return {
            "key": self.key,
            "station_id": self.station_id,
            "variable": self.variable,
            "unit": self.unit,
            "family": self.family,
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Stream:
        """The series read back from its JSON."""
        return cls(
            key=str(data["key"]),
            station_id=str(data["station_id"]),
            variable=str(data["variable"]),
            unit=str(data.get("unit") or ""),
            family=str(data["family"]),
            params=dict(data.get("params") or {}),
        )


@dataclass
class Catalog:
    """What a source publishes: its stations, their series and notes on what was skipped."""

    stations: list[Station] = field(default_factory=list)
    streams: list[Stream] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Reading(NamedTuple):
    """A row of the observations table (see store.COLUMNS)."""

    station_id: str
    variable: str
    value: float
    unit: str
    observed_at: dt.datetime  # timezone-aware
    extras: str | None = None  # JSON text
    # the source's own text for observed_at when PostgreSQL reads it as is (saves formatting)
    observed_text: str | None = None


@dataclass
class Page:
    """One page of a stream's readings, plus values that could not be read (with position)."""

    readings: list[Reading]
    rejected: list[str] = field(default_factory=list)  # the first few, with their position
    skipped: int = 0  # every value that could not be read

    def reject(self, message: str, limit: int = 20) -> None:
        """Count a value that could not be read, keeping the first ``limit`` messages."""
        self.skipped += 1
        if len(self.rejected) < limit:
            self.rejected.append(message)


class Adapter(Protocol):
    """A source type: its catalogue, and the pages of one stream since a moment."""

    def catalog(self) -> Catalog:
        """The source's stations and their series, with notes on what was skipped."""

    def pages(self, stream: Stream, since: dt.datetime | None) -> Iterator[Page]:
        """The pages of the series' readings after ``since`` (all of them when None)."""


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp with offset ('…Z' or ±hh:mm) as an aware datetime, else None."""
    if not isinstance(value, str) or len(value) < 16:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def as_number(value: Any) -> float | None:
    """A finite float from a JSON number or numeric text ('12,5' included), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def iso(value: dt.datetime) -> str:
    """The moment in UTC as ISO 8601, with ``Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
