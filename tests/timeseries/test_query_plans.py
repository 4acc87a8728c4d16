"""Every query shape of the time-series API is answered from an index, never a whole-table scan.

The table holds 40,000 readings (40 stations × 2 variables × 500 hours, loaded series after
series as a harvest does) and is ANALYZEd, so the planner chooses with real statistics and
a sequential scan would be its pick if no index served the query.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from ckanext.datastore.backend.postgres import get_write_engine
from factories import territorial_schemas
from timeseries_helpers import HOUR, UTC, hourly, observations

from ckanext.territorio.timeseries import latest, params, readings
from ckanext.territorio.timeseries.layout import ident

START = dt.datetime(2024, 6, 1, tzinfo=UTC)
STATIONS = [f"estacion-{i:02d}" for i in range(40)]


def plan_nodes(plan: dict[str, Any]):
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def explain(sql: str, bind: dict[str, Any]) -> list[dict[str, Any]]:
    with get_write_engine().connect() as connection:
        document = connection.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql), bind).scalar_one()
    if isinstance(document, str):
        document = json.loads(document)
    return list(plan_nodes(document[0]["Plan"]))


def scans_of(nodes: list[dict[str, Any]], table: str) -> set[str]:
    return {n["Node Type"] for n in nodes if n.get("Relation Name") == table}


def query(**data: Any) -> params.ReadingsQuery:
    return params.readings_query(data, START + 500 * HOUR)


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestQueryPlans:
    pytestmark = territorial_schemas

    @pytest.fixture
    def table(self, sensor_dataset) -> str:
        rows = []
        for station in STATIONS:
            rows += hourly(station, "pm25", "µg/m³", START, 500)
            rows += hourly(station, "pm10", "µg/m³", START, 500, lambda i: 30.0 + i % 11)
        resource_id = observations(sensor_dataset(rows))
        with get_write_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f"ANALYZE {ident(resource_id)}"))
        return resource_id

    def assert_indexed(self, table: str, sql: str, bind: dict[str, Any]) -> set[str]:
        nodes = explain(sql, bind)
        scans = scans_of(nodes, table)
        assert scans, "the plan does not read the table at all?"
        assert "Seq Scan" not in scans, json.dumps(nodes[0], indent=1)[:3000]
        return scans

    def test_one_station_one_variable_one_week_raw_and_its_next_page(self, table):
        q = query(station="estacion-07", variable="pm25", **{"from": "2024-06-10T00:00:00Z", "to": "2024-06-17T00:00:00Z"})
        assert self.assert_indexed(table, *readings.statement(table, q)) <= {"Index Scan", "Index Only Scan"}
        after = q.__class__(**{**q.__dict__, "after": ("estacion-07", "pm25", "2024-06-12T00:00:00+00:00")})
        assert self.assert_indexed(table, *readings.statement(table, after)) <= {"Index Scan", "Index Only Scan"}

    def test_one_variable_every_station_daily_means(self, table):
        q = query(variable="pm25", aggregate="day", **{"from": "2024-06-10T00:00:00Z", "to": "2024-06-17T00:00:00Z"})
        self.assert_indexed(table, *readings.statement(table, q))

    def test_a_few_stations_and_both_variables(self, table):
        q = query(station=STATIONS[3:6], variable=["pm25", "pm10"], **{"from": "2024-06-10", "to": "2024-06-12"})
        self.assert_indexed(table, *readings.statement(table, q))

    def test_a_time_range_over_every_series_walks_the_series(self, table):
        q = query(**{"from": "2024-06-10T00:00:00Z", "to": "2024-06-10T06:00:00Z"})
        assert self.assert_indexed(table, *readings.walk_statement(table, None)) <= {"Index Only Scan", "Index Scan"}
        series = [(station, variable) for station in STATIONS for variable in ("pm10", "pm25")]
        assert self.assert_indexed(table, *readings.statement(table, q, series)) <= {"Index Scan", "Index Only Scan"}
        daily = query(aggregate="day", **{"from": "2024-06-10T00:00:00Z", "to": "2024-06-17T00:00:00Z"})
        assert self.assert_indexed(table, *readings.statement(table, daily, series)) <= {"Index Scan", "Index Only Scan"}
        after = q.__class__(**{**q.__dict__, "after": ("estacion-07", "pm25", "2024-06-10T02:00:00+00:00")})
        self.assert_indexed(table, *readings.walk_statement(table, after.after))

    def test_the_latest_reading_of_every_series(self, table):
        scans = self.assert_indexed(table, latest.statement(table), {})
        assert scans <= {"Index Scan", "Index Only Scan"}

    def test_unknown_station_and_variable_probes(self, table):
        for column in ("station_id", "variable"):
            sql = (f"SELECT v FROM unnest(CAST(:values AS text[])) AS v "
                   f"WHERE NOT EXISTS (SELECT 1 FROM {ident(table)} WHERE {column} = v)")
            self.assert_indexed(table, sql, {"values": ["x", "y"]})

    def test_the_live_stream_reads_by_id(self, table):
        sql = f"SELECT _id, station_id FROM {ident(table)} WHERE _id > :low AND _id <= :high ORDER BY _id LIMIT 1000"
        self.assert_indexed(table, sql, {"low": 30_000, "high": 30_100})
