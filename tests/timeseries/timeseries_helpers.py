"""Shared by the time-series tests: readings, the loader, resources (a unique module name)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ckanext.territorio_harvesters import store
from ckanext.territorio_harvesters.records import Reading

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
Row = tuple[str, str, float, str, dt.datetime]


def hourly(station: str, variable: str, unit: str, start: dt.datetime, hours: int,
           value: Callable[[int], float] | None = None) -> list[Row]:
    """``hours`` hourly readings from ``start``."""
    pick = value or (lambda i: 10.0 + (i % 7) + 0.25 * (i % 3))
    return [(station, variable, pick(i), unit, start + i * HOUR) for i in range(hours)]


def load(resource_id: str, rows: list[Row]) -> None:
    """Write rows into an observations table through the harvesters' COPY loader."""
    with store.ObservationTable(resource_id) as table:
        table.load([Reading(*row) for row in rows], overlap=True)


def observations(dataset: dict[str, Any]) -> str:
    """The dataset's observations resource id."""
    return next(r["id"] for r in dataset["resources"] if r.get("url_type") == "datastore")
