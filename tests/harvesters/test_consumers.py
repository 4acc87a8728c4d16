"""The real queues: gather and fetch consumers as subprocesses, Redis, the scheduler's tick.

A fetch or gather consumer killed with SIGKILL in the middle of its work loses nothing:
the scheduler puts its item back on the queue once its heartbeat is stale, a new consumer
resumes (from the watermark; a repeated gather reuses its objects), and the job finishes
with the same rows as a clean run and no duplicates. A consumer that is only slow keeps
beating and is never re-queued. Two sources that publish the same station and gather at
the same moment (SINCA and OpenAQ) load each of its series once.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.logic import ValidationError
from ckan.tests.helpers import call_action
from ckan_processes import CKAN, layered_ini, processes
from harvest_fakes import (
    OpenAQService,
    SensorThingsService,
    SincaService,
    air_things,
    openaq_locations,
    sinca_station,
)
from harvest_helpers import PLUGINS, datastore_sql, harvest_marks, observations_resource

from ckanext.territorio_harvesters.claims import LOCK_KEY

UTC = dt.UTC
START = dt.datetime(2024, 6, 1, tzinfo=UTC)
STATIONS, READINGS = 12, 600
STALE_AFTER = 3  # seconds (consumers.ini)

pytestmark = [*harvest_marks, pytest.mark.usefixtures("clean_queues")]


@pytest.fixture
def consumer_ini(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return layered_ini(request, tmp_path / "consumers.ini", PLUGINS, {
        "ckanext.territorio.harvest.allow_networks": "127.0.0.1",
        "ckanext.territorio.harvest.backoff_ms": 10,
        "ckanext.territorio.harvest.batch_rows": 300,
        "ckanext.territorio.harvest.stale_after": STALE_AFTER,
        "ckan.storage_path": tmp_path / "storage",
        "ckan.harvest.timeout": 10,
    })


@pytest.fixture
def consumers(consumer_ini: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Start ``gather-consumer`` / ``fetch-consumer`` processes; all are killed at the end."""
    from ckan.plugins.toolkit import config
    from ckanext.harvest import queue

    # claims left by consumers of earlier tests (their items were purged, their keys not)
    redis = queue.get_connection()
    for routing_key in (queue.get_fetch_routing_key(), queue.get_gather_routing_key()):
        for key in redis.scan_iter(match=f"{routing_key}:*"):
            redis.delete(key)

    # ckanext-harvest waits on a bare BLPOP: give the consumers a long socket timeout (#581)
    env = dict(os.environ, CKAN_REDIS_URL=f"{config['ckan.redis.url']}?socket_timeout=3600")

    with processes(graceful=False) as running:

        def start(kind: str) -> subprocess.Popen[bytes]:
            with open(consumer_ini.with_suffix(f".{kind}.{len(running.started)}.log"), "wb") as log:
                return running.start([CKAN, "-c", str(consumer_ini), "harvester", f"{kind}-consumer"],
                                     env=env, stdout=subprocess.DEVNULL, stderr=log)

        yield start


def tick(consumer_ini: Path) -> str:
    return subprocess.run(
        [CKAN, "-c", str(consumer_ini), "territorio-harvest", "tick"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout


def counts(resource_id: str) -> tuple[int, int]:
    try:
        row = datastore_sql(
            f'SELECT count(*) AS n, count(DISTINCT (station_id, variable, observed_at)) AS d FROM "{resource_id}"'
        )[0]
    except ValidationError:  # the consumer has not created the table yet
        return 0, 0
    return int(row["n"]), int(row["d"])


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"tiempo agotado esperando {what}")


def the_dataset(source_id: str) -> dict | None:
    found = call_action("package_search", fq=f'harvest_source_id:"{source_id}"', include_private=True)["results"]
    return found[0] if found else None


def job_status(job_id: str) -> str:
    return call_action("harvest_job_show", id=job_id)["status"]


def tick_until_finished(consumer_ini: Path, job_ids: list[str], timeout: float = 120) -> list[str]:
    """Run scheduler ticks until every job is Finished; the ticks' outputs."""
    outputs: list[str] = []

    def finished() -> bool:
        outputs.append(tick(consumer_ini))
        return all(job_status(job_id) == "Finished" for job_id in job_ids)

    wait_for(finished, timeout, "que los trabajos terminen")
    return outputs


def series_counts(resource_id: str) -> dict[tuple[str, str], int]:
    rows = datastore_sql(f'SELECT station_id, variable, count(*) AS n FROM "{resource_id}" GROUP BY 1, 2')
    return {(r["station_id"], r["variable"]): int(r["n"]) for r in rows}


def registry_waiters() -> int:
    """Sessions waiting for the station registry's lock (gathers at their match step)."""
    with model.meta.engine.connect() as connection:
        return int(
            connection.execute(
                sa.text(
                    # pg_locks spans the cluster: other test workers' databases are not ours
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND classid = :high AND objid = :low AND objsubid = 1"
                ),
                {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF},
            ).scalar_one()
        )


class TestKilledConsumer:
    def test_kill_9_mid_load_loses_nothing_and_duplicates_nothing(
        self, fake_server, make_source, consumers, consumer_ini
    ):
        service = SensorThingsService(fake_server, air_things(STATIONS, START, READINGS))
        fake_server.slow(r"/Observations", 0.02)
        source = make_source(
            "sensorthings", service.url, {"region": ["CL-AR"], "start": "2024-06-01T00:00:00Z", "page_size": 50}
        )
        consumers("gather")
        fetch = consumers("fetch")
        job = call_action("harvest_job_create", source_id=source["id"], run=True)

        dataset = wait_for(lambda: the_dataset(source["id"]), 60, "el conjunto de datos")
        resource_id = observations_resource(dataset)["id"]
        wait_for(lambda: counts(resource_id)[0] >= 1500, 60, "las primeras filas")
        os.kill(fetch.pid, signal.SIGKILL)
        fetch.wait(timeout=10)
        loaded_before = counts(resource_id)[0]
        assert loaded_before < STATIONS * READINGS, "the load finished before the kill"

        consumers("fetch")
        time.sleep(3.5)  # the killed consumer's heartbeat goes stale
        outputs = []

        def finished() -> bool:
            outputs.append(tick(consumer_ini))
            return job_status(job["id"]) == "Finished"

        wait_for(finished, 120, "que el trabajo termine")
        assert any("1 elementos devueltos a la cola" in o for o in outputs), outputs
        assert counts(resource_id) == (STATIONS * READINGS, STATIONS * READINGS)
        report = call_action("harvest_job_show", id=job["id"])
        assert report["stats"].get("errored", 0) == 0, report["stats"]

    def test_a_rerun_through_the_queues_inserts_nothing(self, fake_server, make_source, consumers, consumer_ini):
        service = SensorThingsService(fake_server, air_things(3, START, 48))
        source = make_source("sensorthings", service.url, {"region": ["CL-AR"], "start": "2024-06-01T00:00:00Z"})
        consumers("gather")
        consumers("fetch")
        for _ in range(2):
            job = call_action("harvest_job_create", source_id=source["id"], run=True)
            wait_for(lambda job=job: tick(consumer_ini) and job_status(job["id"]) == "Finished", 60, "el trabajo")
        shown = call_action("harvest_job_show", id=job["id"])
        assert {k: v for k, v in shown["stats"].items() if v} == {"not modified": 1}
        dataset = the_dataset(source["id"])
        assert counts(observations_resource(dataset)["id"]) == (144, 144)


class TestKilledGatherConsumer:
    THINGS, HOURS = 4, 150

    def source_config(self) -> dict:
        return {"region": ["CL-AR"], "start": "2024-06-01T00:00:00Z", "page_size": 100}

    def test_kill_9_mid_gather_loses_nothing_and_duplicates_nothing(
        self, fake_server, make_source, consumers, consumer_ini
    ):
        service = SensorThingsService(fake_server, air_things(self.THINGS, START, self.HOURS))
        source = make_source("sensorthings", service.url, self.source_config())
        stalled = fake_server.hold(r"/Things$")  # the catalogue page the gather waits for
        gather = consumers("gather")
        consumers("fetch")
        job = call_action("harvest_job_create", source_id=source["id"], run=True)
        assert stalled.arrived.wait(60), "la recolección no pidió el catálogo"
        os.kill(gather.pid, signal.SIGKILL)
        gather.wait(timeout=10)
        stalled.release()

        shown = call_action("harvest_job_show", id=job["id"])
        assert shown["status"] == "Running" and shown["gather_finished"] is None
        assert the_dataset(source["id"]) is None

        consumers("gather")
        time.sleep(STALE_AFTER + 0.5)  # the killed consumer's heartbeat goes stale
        outputs = tick_until_finished(consumer_ini, [job["id"]])
        assert any("1 elementos devueltos a la cola" in o for o in outputs), outputs
        assert len(fake_server.requests_to(r"/Things$")) == 2  # the killed gather and the new one

        found = call_action("package_search", fq=f'harvest_source_id:"{source["id"]}"', include_private=True)
        assert found["count"] == 1
        total = self.THINGS * self.HOURS
        assert counts(observations_resource(found["results"][0])["id"]) == (total, total)
        report = call_action("harvest_job_report", id=job["id"])
        assert report["gather_errors"] == [] and not report["object_errors"]

    def test_a_gather_waiting_on_a_slow_page_is_not_taken_for_dead(
        self, fake_server, make_source, consumers, consumer_ini
    ):
        service = SensorThingsService(fake_server, air_things(self.THINGS, START, self.HOURS))
        source = make_source("sensorthings", service.url, self.source_config())
        stalled = fake_server.hold(r"/Things$")
        consumers("gather")
        consumers("gather")  # a second consumer would take the job if it were re-queued
        consumers("fetch")
        job = call_action("harvest_job_create", source_id=source["id"], run=True)
        assert stalled.arrived.wait(60), "la recolección no pidió el catálogo"
        time.sleep(STALE_AFTER + 1.5)  # longer than a dead consumer's heartbeat lasts
        assert "0 elementos devueltos a la cola" in tick(consumer_ini)
        stalled.release()

        tick_until_finished(consumer_ini, [job["id"]])
        assert len(fake_server.requests_to(r"/Things$")) == 1  # one gather, never repeated
        total = self.THINGS * self.HOURS
        assert counts(observations_resource(the_dataset(source["id"]))["id"]) == (total, total)


class TestSimultaneousFirstRuns:
    SINCA = {"region": ["CL-AR"], "comuna": ["09101"], "start": "2024-06-01"}
    OPENAQ = {"region": ["CL-AR"], "api_key": "clave-de-prueba", "bbox": [-73.0, -39.0, -72.0, -38.0],
              "start": "2024-06-01T00:00:00Z", "page_size": 20}

    def test_sinca_and_openaq_gathering_together_load_each_series_of_a_station_once(
        self, fake_server, make_source, consumers, consumer_ini
    ):
        sinca = SincaService(fake_server, [sinca_station()])
        openaq = OpenAQService(fake_server, openaq_locations())
        sources = {
            "sinca": make_source("sinca", sinca.url, self.SINCA),
            "openaq": make_source("openaq", openaq.url, self.OPENAQ),
        }
        consumers("gather")
        consumers("gather")
        # the barrier: the test holds the registry's lock until both gathers wait for it at
        # their match step, so neither has seen the other's claims before both have read
        # their catalogues; then they match one after the other
        with model.meta.engine.connect() as holder, holder.begin():
            holder.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            jobs = {
                kind: call_action("harvest_job_create", source_id=source["id"], run=True)
                for kind, source in sources.items()
            }
            wait_for(lambda: registry_waiters() == 2, 120, "las dos recolecciones en el paso de emparejamiento")
        wait_for(
            lambda: all(call_action("harvest_job_show", id=j["id"])["gather_finished"] for j in jobs.values()),
            60,
            "el fin de las dos recolecciones",
        )
        consumers("fetch")
        tick_until_finished(consumer_ini, [j["id"] for j in jobs.values()])

        loaded = {
            kind: series_counts(observations_resource(the_dataset(source["id"]))["id"])
            for kind, source in sources.items()
        }
        # Las Encinas is one station: its PM2.5 comes from SINCA only (the official origin),
        # its PM10 (not in SINCA here) from OpenAQ; Padre Las Casas only OpenAQ publishes
        assert loaded["sinca"] == {("sinca:RIX/901", "pm25"): 30, ("sinca:RIX/901", "no2"): 30}
        assert loaded["openaq"] == {("openaq:2178", "pm10"): 48, ("openaq:9001", "pm25"): 24}
        for job in jobs.values():
            assert call_action("harvest_job_show", id=job["id"])["stats"]["errored"] == 0
