"""A harvested sensor dataset opens with its views: chart and table on the readings, map on the
stations (ckan.views.default_views), with no view created by hand."""
from __future__ import annotations

import datetime as dt

import pytest
from ckan.tests.helpers import call_action
from harvest_fakes import SensorThingsService, air_things
from harvest_helpers import PLUGINS, harvest_marks, observations_resource

START = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
CONFIG = {"region": ["CL-AR"], "comuna": ["09101"], "start": "2024-06-01T00:00:00Z", "page_size": 50}
VIEWS = "territorio_timeseries_view datatables_view territorio_stations_map"

pytestmark = [
    *harvest_marks,
    pytest.mark.ckan_config("ckan.plugins", f"{PLUGINS} {VIEWS}"),
    pytest.mark.ckan_config("ckan.views.default_views", VIEWS),
]


def test_harvested_dataset_gets_the_chart_table_and_map_views(fake_server, make_source, run_job):
    service = SensorThingsService(fake_server, air_things(2, START, 24))
    source = make_source("sensorthings", service.url, CONFIG)
    result = run_job(source)
    (dataset,) = [r["dataset"] for r in result["results"].values() if r.get("dataset")]
    readings = observations_resource(dataset)
    stations = next(r for r in dataset["resources"] if r["format"] == "GeoJSON")

    on_readings = call_action("resource_view_list", id=readings["id"])
    on_stations = call_action("resource_view_list", id=stations["id"])
    assert [v["view_type"] for v in on_readings] == ["territorio_timeseries_view", "datatables_view"]
    assert [v["title"] for v in on_readings] == ["Gráfico", "Tabla"]
    assert [(v["view_type"], v["title"]) for v in on_stations] == [
        ("territorio_stations_map", "Mapa de estaciones")
    ]

    # a second run (nothing new) adds no duplicate views
    run_job(source)
    assert len(call_action("resource_view_list", id=readings["id"])) == 2
