"""The sensorthings harvester against a SensorThings 1.1 service on 127.0.0.1."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from ckan.tests.helpers import call_action
from harvest_fakes import SensorThingsService, air_things, hours
from harvest_helpers import datastore_rows, datastore_sql, harvest_marks, observations_resource

UTC = dt.UTC
START = dt.datetime(2024, 6, 1, tzinfo=UTC)
CONFIG = {"region": ["CL-AR"], "comuna": ["09101"], "start": "2024-06-01T00:00:00Z", "page_size": 50}

pytestmark = harvest_marks


@pytest.fixture
def service(fake_server):
    return SensorThingsService(fake_server, air_things(3, START, 120))


def only_dataset(result):
    datasets = [r["dataset"] for r in result["results"].values() if r.get("dataset")]
    assert len(datasets) == 1, result["results"]
    return datasets[0]


class TestFirstRun:
    def test_readings_land_in_one_datastore_table_with_the_fixed_layout(self, service, make_source, run_job):
        result = run_job(make_source("sensorthings", service.url, CONFIG))
        dataset = only_dataset(result)
        resource = observations_resource(dataset)
        rows = datastore_rows(resource["id"])
        assert len(rows) == 3 * 120
        info = call_action("datastore_info", id=resource["id"])
        assert [f["id"] for f in info["fields"]] == ["station_id", "variable", "value", "unit", "observed_at", "extras"]
        assert {f["id"]: f["type"] for f in info["fields"]}["observed_at"] == "timestamptz"
        first = rows[0]
        assert first["variable"] == "pm25" and first["unit"] == "µg/m³"
        assert first["station_id"].startswith("sta:")

    def test_the_dataset_carries_the_framework_and_the_stations(self, service, make_source, run_job):
        dataset = only_dataset(run_job(make_source("sensorthings", service.url, CONFIG)))
        assert dataset["dimension"] == ["medio-ambiente", "salud"]
        assert dataset["subdimension"] == ["calidad-del-aire"]
        assert dataset["region"] == ["CL-AR"] and dataset["comuna"] == ["09101"]
        assert dataset["personal_data"] == "none"
        assert dataset["frequency"] == "HOURLY"
        extent = json.loads(dataset["spatial"])
        assert extent["type"] == "Polygon"
        stations = next(r for r in dataset["resources"] if r["format"] == "GeoJSON")
        assert stations["url_type"] == "upload" and stations["url"].endswith("estaciones.geojson")

    def test_the_job_finishes_with_the_object_added(self, service, make_source, run_job):
        result = run_job(make_source("sensorthings", service.url, CONFIG))
        assert result["job"]["status"] == "Finished"
        assert result["job"]["stats"].get("added") == 1
        (obj,) = result["results"].values()
        assert obj["state"] == "COMPLETE" and not obj["errors"]


class TestIncremental:
    def test_a_rerun_with_nothing_new_inserts_nothing(self, service, make_source, run_job):
        source = make_source("sensorthings", service.url, CONFIG)
        dataset = only_dataset(run_job(source))
        second = run_job(source)
        (obj,) = second["results"].values()
        assert obj["report_status"] == "not modified", [e.message for e in obj["errors"]]
        assert len(datastore_rows(observations_resource(dataset)["id"])) == 360

    def test_new_readings_are_appended_from_the_watermark(self, service, make_source, run_job, fake_server):
        source = make_source("sensorthings", service.url, CONFIG)
        dataset = only_dataset(run_job(source))
        datastream = service.things[0].datastreams[0]
        last = datastream.observations[-1][0]
        datastream.observations += [(t, 99.0) for t in hours(last + dt.timedelta(hours=1), 5)]
        fake_server.log.clear()
        run_job(source)
        rows = datastore_rows(observations_resource(dataset)["id"], station_id="sta:1")
        assert len(rows) == 125 and rows[-1]["value"] == 99.0
        filters = [r.query.get("$filter", "") for r in fake_server.requests_to(r"/Observations")]
        # the second run asks from the watermark minus the overlap, not from the start
        assert all(f.startswith("phenomenonTime gt 2024-06-05T") for f in filters), filters

    def test_overlapping_windows_insert_nothing_twice(self, service, make_source, run_job):
        config = dict(CONFIG, overlap_hours=48)
        source = make_source("sensorthings", service.url, config)
        dataset = only_dataset(run_job(source))
        run_job(source)
        run_job(source)
        resource_id = observations_resource(dataset)["id"]
        counts = datastore_sql(
            f'SELECT count(*) AS n, count(DISTINCT (station_id, variable, observed_at)) AS d FROM "{resource_id}"'
        )[0]
        assert int(counts["n"]) == int(counts["d"]) == 360

    def test_a_revised_value_in_the_overlap_is_updated_not_duplicated(self, service, make_source, run_job):
        source = make_source("sensorthings", service.url, dict(CONFIG, overlap_hours=6))
        dataset = only_dataset(run_job(source))
        datastream = service.things[1].datastreams[0]
        moment, _old = datastream.observations[-2]
        datastream.observations[-2] = (moment, 123.4)
        second = run_job(source)
        (obj,) = second["results"].values()
        rows = datastore_rows(observations_resource(dataset)["id"], station_id="sta:2")
        assert len(rows) == 120
        assert [r["value"] for r in rows if r["observed_at"].startswith(moment.strftime("%Y-%m-%dT%H"))] == [123.4]
        assert obj["report_status"] == "updated"
