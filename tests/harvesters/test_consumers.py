"""The real queues: gather and fetch consumers as subprocesses, Redis, the scheduler's tick.

A fetch consumer killed with SIGKILL in the middle of a load loses nothing: the scheduler
puts its item back on the queue once its heartbeat is stale, a new consumer resumes from
the watermark, and the job finishes with the same rows as a clean run and no duplicates.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ckan.logic import ValidationError
from ckan.tests.helpers import call_action
from harvest_fakes import SensorThingsService, air_things
from harvest_helpers import PLUGINS, datastore_sql, harvest_marks, observations_resource

UTC = dt.timezone.utc
START = dt.datetime(2024, 6, 1, tzinfo=UTC)
STATIONS, READINGS = 12, 600
CKAN = str(Path(sys.executable).with_name("ckan"))

pytestmark = [*harvest_marks, pytest.mark.usefixtures("clean_queues")]


@pytest.fixture
def consumer_ini(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    base = Path(request.config.getoption("--ckan-ini")).resolve()
    ini = tmp_path / "consumers.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{base}\n"
        f"ckan.plugins = {PLUGINS}\n"
        "ckanext.territorio.harvest.allow_networks = 127.0.0.1\n"
        "ckanext.territorio.harvest.backoff_ms = 10\n"
        "ckanext.territorio.harvest.batch_rows = 300\n"
        "ckanext.territorio.harvest.stale_after = 3\n"
        f"ckan.storage_path = {tmp_path / 'storage'}\n"
        "ckan.harvest.timeout = 10\n"
    )
    return ini


@pytest.fixture
def consumers(consumer_ini: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Start ``gather-consumer`` / ``fetch-consumer`` processes; all are killed at the end."""
    started: list[subprocess.Popen[bytes]] = []
    from ckan.plugins.toolkit import config
    from ckanext.harvest import queue

    # claims left by consumers of earlier tests (their items were purged, their keys not)
    redis = queue.get_connection()
    for routing_key in (queue.get_fetch_routing_key(), queue.get_gather_routing_key()):
        for key in redis.scan_iter(match=f"{routing_key}:*"):
            redis.delete(key)

    # ckanext-harvest waits on a bare BLPOP: give the consumers a long socket timeout (#581)
    env = dict(os.environ, CKAN_REDIS_URL=f"{config['ckan.redis.url']}?socket_timeout=3600")

    def start(kind: str) -> subprocess.Popen[bytes]:
        with open(consumer_ini.with_suffix(f".{kind}.{len(started)}.log"), "wb") as log:
            process = subprocess.Popen(
                [CKAN, "-c", str(consumer_ini), "harvester", f"{kind}-consumer"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


def tick(consumer_ini: Path) -> str:
    return subprocess.run(
        [CKAN, "-c", str(consumer_ini), "territorio", "harvest", "tick"],
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
