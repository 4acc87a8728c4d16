"""datastore_search's ``total`` stays exact after incremental harvests (CKAN caches it, COPY does not)."""
from __future__ import annotations

import datetime as dt

from ckan.tests.helpers import call_action
from harvest_fakes import NGSILDBroker, air_quality_entity, hours
from harvest_helpers import datastore_sql, harvest_marks, observations_resource

START = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)

pytestmark = harvest_marks


def total(resource_id: str) -> int:
    return call_action("datastore_search", resource_id=resource_id, limit=0)["total"]


def counted(resource_id: str) -> int:
    return datastore_sql(f'SELECT count(*) AS n FROM "{resource_id}"')[0]["n"]


def test_total_is_exact_after_a_second_harvest_adds_readings(fake_server, make_source, run_job):
    entity = air_quality_entity("Temuco-01", -72.60, -38.73, 18.0, START)
    history = {entity["id"]: {"pm25": [(t, 10.0 + i % 9) for i, t in enumerate(hours(START, 192))]}}
    broker = NGSILDBroker(fake_server, [entity], temporal=history)
    config = {"region": ["CL-AR"], "entity_types": ["AirQualityObserved"], "start": "2024-06-01T00:00:00Z"}
    source = make_source("ngsi-ld", broker.url, config)
    first = run_job(source)
    (dataset,) = (r["dataset"] for r in first["results"].values() if r.get("dataset"))
    resource_id = observations_resource(dataset)["id"]
    assert total(resource_id) == counted(resource_id) == 192  # the DataStore caches this count
    broker.temporal = {entity["id"]: {"pm25": [(t, 10.0 + i % 9) for i, t in enumerate(hours(START, 288))]}}
    run_job(source)
    assert counted(resource_id) == 288
    assert total(resource_id) == 288
    # a third run that finds nothing new (only the overlap window again) changes nothing
    run_job(source)
    assert total(resource_id) == counted(resource_id) == 288
