"""The openaq, sinca and ngsi-ld harvesters against local servers speaking their formats."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from ckan.tests.helpers import call_action
from harvest_fakes import (
    NGSILDBroker,
    OpenAQService,
    SincaService,
    SincaStation,
    air_quality_entity,
    hours,
    openaq_locations,
    sinca_station,
    traffic_entity,
    waste_entity,
)
from harvest_helpers import datastore_rows, harvest_marks, observations_resource

UTC = dt.UTC
START = dt.datetime(2024, 6, 1, tzinfo=UTC)

pytestmark = harvest_marks


def datasets_of(result):
    return {r["dataset"]["name"]: r["dataset"] for r in result["results"].values() if r.get("dataset")}


def stations_geojson(dataset):
    from ckan.lib.uploader import get_resource_uploader

    resource = next(r for r in dataset["resources"] if r["format"] == "GeoJSON")
    with open(get_resource_uploader(resource).get_path(resource["id"]), encoding="utf-8") as stored:
        return json.load(stored)


class TestOpenAQ:
    CONFIG = {"region": ["CL-AR"], "api_key": "clave-de-prueba", "bbox": [-73.0, -39.0, -72.0, -38.0],
              "start": "2024-06-01T00:00:00Z", "page_size": 20}

    def test_sensors_of_the_requested_parameters_are_loaded(self, fake_server, make_source, run_job):
        service = OpenAQService(fake_server, openaq_locations())
        result = run_job(make_source("openaq", service.url, self.CONFIG))
        (dataset,) = datasets_of(result).values()
        rows = datastore_rows(observations_resource(dataset)["id"])
        # pm25 and pm10 of the first location, pm25 of the second; humidity is not asked for
        assert len(rows) == 48 + 48 + 24
        assert {(r["station_id"], r["variable"]) for r in rows} == {
            ("openaq:2178", "pm25"), ("openaq:2178", "pm10"), ("openaq:9001", "pm25")
        }
        assert json.loads(rows[0]["extras"]) if isinstance(rows[0]["extras"], str) else rows[0]["extras"]

    def test_the_api_key_goes_in_the_x_api_key_header(self, fake_server, make_source, run_job):
        service = OpenAQService(fake_server, openaq_locations())
        run_job(make_source("openaq", service.url, self.CONFIG))
        assert {r.headers.get("x-api-key") for r in fake_server.log} == {"clave-de-prueba"}

    def test_a_wrong_api_key_is_a_gather_error_that_withdraws_nothing(self, fake_server, make_source, run_job):
        service = OpenAQService(fake_server, openaq_locations())
        result = run_job(make_source("openaq", service.url, dict(self.CONFIG, api_key="otra")))
        assert result["job"]["status"] == "Finished"
        (error,) = result["report"]["gather_errors"]
        assert "401" in error["message"] and "api_key" in error["message"]


class TestSinca:
    CONFIG = {"region": ["CL-AR"], "comuna": ["09101"], "start": "2024-06-01"}

    def test_the_airviro_export_is_read_with_its_decimal_comma_and_local_time(self, fake_server, make_source, run_job):
        service = SincaService(fake_server, [sinca_station()])
        result = run_job(make_source("sinca", service.url, self.CONFIG))
        (dataset,) = datasets_of(result).values()
        rows = datastore_rows(observations_resource(dataset)["id"], variable="pm25")
        assert len(rows) == 30
        assert rows[0]["station_id"] == "sinca:RIX/901"
        assert rows[0]["value"] == 10.5 and rows[0]["unit"] == "µg/m³"
        # 01:00 at UTC-4 is 05:00 UTC; HORA 2400 became midnight of the next day
        assert rows[0]["observed_at"].startswith("2024-06-01T05:00:00")
        statuses = [json.loads(r["extras"])["validacion"] if isinstance(r["extras"], str) else r["extras"]["validacion"] for r in rows]
        assert statuses[:20] == ["V"] * 20 and statuses[20:] == ["PV"] * 10
        no2 = datastore_rows(observations_resource(dataset)["id"], variable="no2")
        assert len(no2) == 30 and no2[0]["unit"] == "ppb"

    def test_stations_outside_the_sources_region_are_left_out(self, fake_server, make_source, run_job):
        santiago = sinca_station(key="D14", name="Parque O'Higgins", lon=-70.66, lat=-33.46)
        santiago = SincaStation(**{**santiago.__dict__, "region": "Región Metropolitana de Santiago"})
        service = SincaService(fake_server, [sinca_station(), santiago])
        result = run_job(make_source("sinca", service.url, self.CONFIG))
        (dataset,) = datasets_of(result).values()
        rows = datastore_rows(observations_resource(dataset)["id"])
        assert {r["station_id"] for r in rows} == {"sinca:RIX/901"}

    def test_openaq_does_not_duplicate_a_station_sinca_already_harvests(self, fake_server, make_source, run_job):
        sinca = SincaService(fake_server, [sinca_station()])
        openaq = OpenAQService(fake_server, openaq_locations())
        run_job(make_source("sinca", sinca.url, self.CONFIG))
        result = run_job(make_source("openaq", openaq.url, TestOpenAQ.CONFIG))
        (dataset,) = datasets_of(result).values()
        rows = datastore_rows(observations_resource(dataset)["id"])
        # Las Encinas (same place, same name) keeps only pm10, which SINCA does not publish here
        assert {(r["station_id"], r["variable"]) for r in rows} == {("openaq:2178", "pm10"), ("openaq:9001", "pm25")}
        stations = json.loads(dataset["spatial"])
        assert stations["type"] == "Polygon"

    def test_sinca_takes_over_a_series_openaq_gathered_but_has_not_loaded(self, fake_server, make_source, run_job):
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestObject, HarvestSource
        from ckanext.harvest.tests.factories import HarvestJobObj

        sinca = SincaService(fake_server, [sinca_station()])
        openaq = OpenAQService(fake_server, openaq_locations())
        openaq_source = make_source("openaq", openaq.url, TestOpenAQ.CONFIG)
        harvester = queue.get_harvester("openaq")
        job = HarvestJobObj(source=HarvestSource.get(openaq_source["id"]), run=False)
        (object_id,) = queue.gather_stage(harvester, job)  # OpenAQ claims Las Encinas' pm25...
        sinca_result = run_job(make_source("sinca", sinca.url, self.CONFIG))  # ...SINCA gathers and loads first
        obj = HarvestObject.get(object_id)
        queue.fetch_and_import_stages(harvester, obj)
        assert obj.state == "COMPLETE"

        openaq_dataset = call_action("package_show", id=obj.package_id)
        openaq_rows = datastore_rows(observations_resource(openaq_dataset)["id"])
        assert {(r["station_id"], r["variable"]) for r in openaq_rows} == {("openaq:2178", "pm10"), ("openaq:9001", "pm25")}
        (sinca_dataset,) = datasets_of(sinca_result).values()
        sinca_rows = datastore_rows(observations_resource(sinca_dataset)["id"])
        assert Counter((r["station_id"], r["variable"]) for r in sinca_rows) == {
            ("sinca:RIX/901", "pm25"): 30, ("sinca:RIX/901", "no2"): 30
        }
        features = {f["id"]: f["properties"] for f in stations_geojson(openaq_dataset)["features"]}
        assert features["openaq:2178"]["misma_que"] == "sinca:RIX/901"
        assert "misma_que" not in features["openaq:9001"]

    def test_sinca_yields_a_series_openaq_already_loads(self, fake_server, make_source, run_job):
        sinca = SincaService(fake_server, [sinca_station()])
        openaq = OpenAQService(fake_server, openaq_locations())
        openaq_result = run_job(make_source("openaq", openaq.url, TestOpenAQ.CONFIG))
        sinca_result = run_job(make_source("sinca", sinca.url, self.CONFIG))
        (sinca_dataset,) = datasets_of(sinca_result).values()
        sinca_rows = datastore_rows(observations_resource(sinca_dataset)["id"])
        # OpenAQ already loads Las Encinas' PM2.5: taking it over would store those hours twice
        assert {(r["station_id"], r["variable"]) for r in sinca_rows} == {("sinca:RIX/901", "no2")}
        (openaq_dataset,) = datasets_of(openaq_result).values()
        openaq_rows = datastore_rows(observations_resource(openaq_dataset)["id"], station_id="openaq:2178")
        assert {r["variable"] for r in openaq_rows} == {"pm25", "pm10"}
        (feature,) = stations_geojson(sinca_dataset)["features"]
        assert feature["properties"]["misma_que"] == "openaq:2178"


class TestNGSILD:
    def entities(self):
        observed = START + dt.timedelta(hours=5)
        return [
            air_quality_entity("Temuco-01", -72.60, -38.73, 18.0, observed),
            air_quality_entity("Temuco-02", -72.61, -38.74, 25.0, observed),
            traffic_entity("Temuco-T1", -72.59, -38.735, 640.0, observed),
            waste_entity("Temuco-W1", -72.58, -38.736, 0.7, observed),
        ]

    def test_one_dataset_per_family_with_its_framework(self, fake_server, make_source, run_job):
        broker = NGSILDBroker(fake_server, self.entities())
        result = run_job(make_source("ngsi-ld", broker.url, {"region": ["CL-AR"], "comuna": ["09101"]}))
        datasets = {d["dimension"][0] + "/" + ",".join(d["subdimension"]): d for d in datasets_of(result).values()}
        assert set(datasets) == {
            "medio-ambiente/calidad-del-aire",
            "movilidad/congestion",
            "medio-ambiente/gestion-de-residuos,reciclaje",
        }
        air = datasets["medio-ambiente/calidad-del-aire"]
        rows = datastore_rows(observations_resource(air)["id"])
        assert {(r["variable"], r["value"], r["unit"]) for r in rows} == {
            ("pm25", 18.0, "µg/m³"), ("pm25", 25.0, "µg/m³"), ("no2", 21.0, "µg/m³")
        }
        traffic = datastore_rows(observations_resource(datasets["movilidad/congestion"])["id"])
        assert [(r["variable"], r["value"], r["unit"]) for r in traffic] == [("intensidad", 640.0, "vehículos/h")]

    def test_the_temporal_api_gives_the_history_when_offered(self, fake_server, make_source, run_job):
        entities = self.entities()[:1]
        entity_id = entities[0]["id"]
        history = {entity_id: {"pm25": [(t, 10.0 + i) for i, t in enumerate(hours(START, 120))],
                               "no2": [(t, 5.0) for t in hours(START, 3)]}}
        broker = NGSILDBroker(fake_server, entities, temporal=history)
        config = {"region": ["CL-AR"], "entity_types": ["AirQualityObserved"], "start": "2024-06-01T00:00:00Z"}
        result = run_job(make_source("ngsi-ld", broker.url, config))
        (dataset,) = datasets_of(result).values()
        rows = datastore_rows(observations_resource(dataset)["id"], variable="pm25")
        assert len(rows) == 120  # three pages: 206, 206, 200
        assert len(fake_server.requests_to(r"/temporal/entities/")) == 3 + 1

    def test_current_values_accumulate_run_after_run_without_the_temporal_api(self, fake_server, make_source, run_job):
        entities = self.entities()[:1]
        broker = NGSILDBroker(fake_server, entities)
        source = make_source("ngsi-ld", broker.url, {"region": ["CL-AR"], "entity_types": ["AirQualityObserved"]})
        dataset = next(iter(datasets_of(run_job(source)).values()))
        later = START + dt.timedelta(hours=6)
        broker.entities[0] = air_quality_entity("Temuco-01", -72.60, -38.73, 31.0, later)
        run_job(source)
        run_job(source)
        rows = datastore_rows(observations_resource(dataset)["id"], variable="pm25")
        assert [r["value"] for r in rows] == [18.0, 31.0]
        show = call_action("package_show", id=dataset["id"])
        assert show["num_resources"] == 2
