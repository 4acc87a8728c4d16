"""territorio_readings: ranges, filters, aggregates, pages, CSV and errors, on a real DataStore."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from timeseries_helpers import HOUR, UTC, hourly

START = dt.datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
SANTIAGO = ZoneInfo("America/Santiago")


def rows_fixture():
    rows = []
    for station in ("temuco-1", "temuco-2", "padre-las-casas"):
        rows += hourly(station, "pm25", "µg/m³", START, 72)
        rows += hourly(station, "pm10", "µg/m³", START, 72, lambda i: 30.0 + i % 11)
    return rows


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestReadings:
    pytestmark = territorial_schemas

    def test_a_station_and_variable_in_a_range_in_time_order(self, sensor_dataset):
        dataset = sensor_dataset(rows_fixture())
        result = call_action("territorio_readings", id=dataset["name"], station="temuco-1", variable="pm25",
                             **{"from": iso(START + 10 * HOUR), "to": iso(START + 13 * HOUR)})
        assert [r["observed_at"] for r in result["records"]] == [iso(START + h * HOUR) for h in (10, 11, 12, 13)]
        assert {(r["station"], r["variable"], r["unit"]) for r in result["records"]} == {("temuco-1", "pm25", "µg/m³")}
        assert result["records"][0]["value"] == 10.0 + 10 % 7 + 0.25 * (10 % 3)
        assert result["next"] is None
