"""Hostile and broken sources through whole harvest jobs: jobs end, nothing is lost or withdrawn."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests.helpers import call_action
from harvest_fakes import Reply, SensorThingsService, air_things
from harvest_helpers import datastore_rows, harvest_marks, observations_resource

UTC = dt.UTC
START = dt.datetime(2024, 6, 1, tzinfo=UTC)
CONFIG = {"region": ["CL-AR"], "start": "2024-06-01T00:00:00Z", "page_size": 40}
TOTAL = 3 * 100

pytestmark = harvest_marks


@pytest.fixture
def service(fake_server):
    return SensorThingsService(fake_server, air_things(3, START, 100))


def dataset_of(result):
    (obj,) = result["results"].values()
    return obj.get("dataset"), obj


def messages(obj):
    return [e.message for e in obj["errors"]]


def rows_of(source):
    datasets = call_action("package_search", fq=f'harvest_source_id:"{source["id"]}"', include_private=True)["results"]
    if not datasets:
        return None
    (dataset,) = datasets
    return datastore_rows(observations_resource(dataset)["id"])


class TestRefusedAndUnreachable:
    def test_a_private_address_is_refused_without_the_allow_list(self, service, make_source, run_job, monkeypatch):
        monkeypatch.setitem(tk.config, "ckanext.territorio.harvest.allow_networks", [])
        result = run_job(make_source("sensorthings", service.url, CONFIG))
        assert result["job"]["status"] == "Finished"
        (error,) = result["report"]["gather_errors"]
        assert "127.0.0.1" in error["message"] and "no es pública" in error["message"]
        assert result["results"] == {}

    def test_an_unreachable_source_withdraws_nothing(self, service, make_source, run_job, fake_server):
        source = make_source("sensorthings", service.url, CONFIG)
        run_job(source)
        fake_server.fault(r"/Things", Reply.json({"error": "down"}, 503), times=50)
        result = run_job(source)
        assert result["job"]["status"] == "Finished"
        assert "503" in result["report"]["gather_errors"][0]["message"]
        assert "No se retiró nada" in result["report"]["gather_errors"][0]["message"]
        assert len(rows_of(source)) == TOTAL
        dataset = call_action("package_search", fq=f'harvest_source_id:"{source["id"]}"', include_private=True)
        assert dataset["count"] == 1

    def test_an_empty_source_withdraws_nothing(self, service, make_source, run_job):
        source = make_source("sensorthings", service.url, CONFIG)
        run_job(source)
        saved = service.things
        service.things = []
        result = run_job(source)
        service.things = saved
        assert "no publicó estaciones" in result["report"]["gather_errors"][0]["message"]
        assert len(rows_of(source)) == TOTAL


class TestRetriesInAJob:
    def test_429_with_retry_after_then_everything_loads(self, service, make_source, run_job, fake_server):
        fake_server.fault(r"/Observations", Reply.json({"message": "slow down"}, 429, **{"Retry-After": "1"}), times=2)
        source = make_source("sensorthings", service.url, CONFIG)
        dataset, obj = dataset_of(run_job(source))
        assert obj["state"] == "COMPLETE" and not obj["errors"]
        assert len(rows_of(source)) == TOTAL

    def test_500_then_recovery(self, service, make_source, run_job, fake_server):
        fake_server.fault(r"/Observations", Reply.json({"error": "boom"}, 500), times=3)
        source = make_source("sensorthings", service.url, CONFIG)
        _dataset, obj = dataset_of(run_job(source))
        assert obj["state"] == "COMPLETE"
        assert len(rows_of(source)) == TOTAL


class TestMalformedPages:
    def test_truncated_json_is_an_object_error_with_its_position_and_the_rest_loads(
        self, service, make_source, run_job, fake_server
    ):
        fake_server.fault(r"/Datastreams\(102\)/Observations", Reply(200, b'{"value": [{"phenomenonTime": "2024-06-01T00:00:00Z", "res'))
        source = make_source("sensorthings", service.url, CONFIG)
        _dataset, obj = dataset_of(run_job(source))
        (error,) = messages(obj)
        assert "datastream:102" in error and "truncado" in error and "byte 58" in error
        # the two healthy series loaded; the next run completes the third, no duplicates
        assert len(rows_of(source)) == 200
        _dataset, obj = dataset_of(run_job(source))
        assert not obj["errors"]
        assert len(rows_of(source)) == TOTAL

    def test_a_bad_value_is_rejected_with_its_json_path(self, service, make_source, run_job):
        datastream = service.things[0].datastreams[0]
        datastream.observations[5] = (datastream.observations[5][0], "n/a")
        source = make_source("sensorthings", service.url, CONFIG)
        _dataset, obj = dataset_of(run_job(source))
        assert any("$.value[5].result" in m and "'n/a'" in m for m in messages(obj)), messages(obj)
        assert len(rows_of(source)) == TOTAL - 1

    def test_a_20_mb_page_is_refused_by_the_byte_cap(self, service, make_source, run_job, fake_server):
        fake_server.fault(r"/Datastreams\(101\)/Observations", Reply(200, b'{"value": [' + b" " * (20 * 1024 * 1024) + b"]}"))
        source = make_source("sensorthings", service.url, CONFIG)
        _dataset, obj = dataset_of(run_job(source))
        assert any("máximo de 16 MB" in m for m in messages(obj)), messages(obj)
        assert len(rows_of(source)) == 200


class TestRunCaps:
    def test_a_page_cap_stops_the_run_and_the_next_runs_finish_the_job(self, service, make_source, run_job):
        source = make_source("sensorthings", service.url, dict(CONFIG, max_pages=4))
        _dataset, obj = dataset_of(run_job(source))
        first = len(rows_of(source))
        assert 0 < first < TOTAL
        for _ in range(4):
            run_job(source)
        assert len(rows_of(source)) == TOTAL


class TestDashboard:
    def test_the_job_page_shows_the_status_counts_and_the_error(self, service, make_source, run_job, fake_server, app, sysadmin):
        fake_server.fault(r"/Datastreams\(102\)/Observations", Reply(200, b'{"value": [{"phenomenonTime": "2024-06'))
        source = make_source("sensorthings", service.url, CONFIG)
        job = run_job(source)["job"]
        response = app.get(
            tk.url_for("harvester.job_show", source=source["name"], id=job["id"]),
            headers={"Authorization": call_action("api_token_create", user=sysadmin["name"], name="t")["token"]},
        )
        page = response.get_data(as_text=True)
        assert "Terminado" in page  # the job status, in the page's language (i18n/es)
        assert "datastream:102" in page and "JSON truncado" in page


class TestPolicy:
    def test_a_harvested_dataset_is_held_private_with_its_report_until_checked(self, service, make_source, run_job):
        from ckanext.territorio.policy import store as policy_store

        source = make_source("sensorthings", service.url, CONFIG)
        dataset, obj = dataset_of(run_job(source))
        assert obj["state"] == "COMPLETE"
        shown = call_action("package_show", id=dataset["id"])
        # the observations resource (CSV) has no content report yet: the policy holds it
        assert shown["private"] is True
        hold = policy_store.held(shown["id"])
        assert hold is not None and hold.reason == "harvest"
        # the territorial schema accepted it: every required field is there
        assert shown["dimension"] and shown["region"] and shown["personal_data"] == "none"
