"""A harvest run has a wall-clock deadline (``run_deadline``) and one slow source cannot hold
every consumer: a source trickling one byte every half second held the single gather consumer
for as long as its pages took, and every other source waited behind it.

The deadline cuts a blocked request of the gather or of an import at the run's time, records a
Spanish error on the job or the object, leaves imports that start after it without requests; and with
two consumers per queue (deploy/supervisord.conf.in) another source's job completes meanwhile.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import pytest
from ckan import model
from ckan.tests.helpers import call_action
from harvest_fakes import SensorThingsService, air_things
from harvest_helpers import harvest_marks, observations_resource
from test_consumers import consumer_ini, consumers, counts, the_dataset, tick, wait_for  # noqa: F401

from ckanext.territorio_harvesters import run_deadline
from ckanext.territorio_harvesters.errors import RunDeadlineExceeded
from ckanext.territorio_harvesters.sources import client_for

sys.path.insert(0, str(Path(__file__).parents[1] / "net"))
from net_servers import Trickler  # noqa: E402

pytestmark = [*harvest_marks, pytest.mark.usefixtures("clean_queues")]

UTC = dt.UTC
START = dt.datetime(2024, 6, 1, tzinfo=UTC)
CONFIG = {"region": ["CL-AR"], "start": "2024-06-01T00:00:00Z"}


def now_naive() -> dt.datetime:
    return dt.datetime.now(UTC).replace(tzinfo=None)


class TestTheClient:
    def test_a_trickling_response_is_cut_at_the_runs_deadline_not_its_own(self):
        with Trickler(interval=0.5) as trickler:
            deadline = run_deadline.RunDeadline(2.0, time.time() + 2.0)
            # the response's own deadline is 5 × 60 s: only the run's can stop it in time
            with deadline.applied(), client_for({"timeout": 60}) as client:
                started = time.monotonic()
                with pytest.raises(RunDeadlineExceeded) as caught:
                    client.get(f"{trickler.base}/Things")
                elapsed = time.monotonic() - started
            assert trickler.hung_up.wait(5)
        assert 1.5 <= elapsed < 4.5, elapsed
        assert "se alcanzó el plazo de 2 s de esta ejecución de la cosecha (run_deadline)" in str(caught.value)

    def test_past_the_deadline_no_request_is_made(self):
        with Trickler(interval=0.5) as trickler:
            deadline = run_deadline.RunDeadline(5.0, time.time() - 1)
            with deadline.applied(), client_for({}) as client, pytest.raises(RunDeadlineExceeded):
                client.get(f"{trickler.base}/Things")
            assert trickler.requests == []

    @pytest.mark.ckan_config("ckanext.territorio.harvest.run_deadline", 900)
    def test_the_source_overrides_the_portals_deadline(self, make_source):
        from ckanext.harvest.model import HarvestJob, HarvestSource

        plain = make_source("sensorthings", "http://127.0.0.1:9/sta", CONFIG, name="sin-plazo")
        own = make_source("sensorthings", "http://127.0.0.1:9/sta", {**CONFIG, "run_deadline": 45}, name="con-plazo")
        for source, seconds in ((plain, 900), (own, 45)):
            job = HarvestJob(source=HarvestSource.get(source["id"]))
            job.gather_started = now_naive()
            assert run_deadline.for_job(job).seconds == seconds
            assert 0 < run_deadline.for_job(job).remaining() <= seconds

    def test_a_bad_run_deadline_is_refused_in_the_source_config(self, make_source):
        from ckan.logic import ValidationError

        with pytest.raises(ValidationError, match="run_deadline"):
            make_source("sensorthings", "http://127.0.0.1:9/sta", {**CONFIG, "run_deadline": 0})


class TestImports:
    def gathered(self, fake_server, make_source, config=CONFIG):
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestObject, HarvestSource
        from ckanext.harvest.tests.factories import HarvestJobObj

        service = SensorThingsService(fake_server, air_things(2, START, 48))
        source = make_source("sensorthings", service.url, config)
        harvester = queue.get_harvester("sensorthings")
        job = HarvestJobObj(source=HarvestSource.get(source["id"]), run=False)
        (object_id,) = queue.gather_stage(harvester, job)
        return harvester, job, HarvestObject.get(object_id)

    def object_errors(self, obj) -> list[str]:
        from ckanext.harvest.model import HarvestObjectError

        return [e.message for e in model.Session.query(HarvestObjectError).filter_by(harvest_object_id=obj.id)]

    def test_an_import_starting_after_the_deadline_makes_no_request_and_says_why(self, fake_server, make_source):
        from ckanext.harvest import queue

        harvester, job, obj = self.gathered(fake_server, make_source)
        job.gather_started = now_naive() - dt.timedelta(hours=2)  # the default deadline is 30 min
        job.save()

        queue.fetch_and_import_stages(harvester, obj)

        assert fake_server.requests_to(r"/Observations") == []
        errors = self.object_errors(obj)
        assert len(errors) == 1 and errors[0].startswith(
            "La carga de lecturas se detuvo: se alcanzó el plazo de 1800 s de esta ejecución de la "
            "cosecha (run_deadline); el resto se cosechará en la próxima"
        ), errors
        # the dataset's metadata came with the gather: it is saved; its readings wait
        assert obj.package_id is not None
        dataset = call_action("package_show", id=obj.package_id)
        assert counts(observations_resource(dataset)["id"]) == (0, 0)

    def test_an_import_blocked_on_a_stalled_page_stops_at_the_deadline(self, fake_server, make_source):
        from ckanext.harvest import queue

        harvester, job, obj = self.gathered(fake_server, make_source, {**CONFIG, "timeout": 60, "run_deadline": 4})
        # the readings' page never comes (the read timeout is 60 s, the response's 300 s)
        stalled = fake_server.hold(r"/Observations", times=10)
        job.gather_started = now_naive()
        job.save()
        started = time.monotonic()
        try:
            queue.fetch_and_import_stages(harvester, obj)
        finally:
            stalled.release()
        elapsed = time.monotonic() - started
        assert stalled.arrived.is_set()
        assert elapsed < 4 + 6, elapsed  # 4 s, plus the dataset's own creation
        errors = self.object_errors(obj)
        assert any(
            e.startswith("La carga de lecturas se detuvo: se alcanzó el plazo de 4 s de esta ejecución") for e in errors
        ), errors
        assert obj.package_id is not None  # the dataset is there; its readings wait for the next run


class TestConsumers:
    DEADLINE = 60

    def test_a_trickling_source_stops_at_its_deadline_while_another_sources_job_completes(
        self, fake_server, make_source, consumers, consumer_ini  # noqa: F811
    ):
        service = SensorThingsService(fake_server, air_things(2, START, 24))
        with Trickler(interval=0.5) as trickler:
            slow = make_source(
                "sensorthings", f"{trickler.base}/sta/v1.1",
                {**CONFIG, "timeout": 60, "run_deadline": self.DEADLINE}, name="fuente-lenta",
            )
            fast = make_source("sensorthings", service.url, CONFIG, name="fuente-normal")
            for _ in range(2):  # as deploy/supervisord.conf.in starts them
                consumers("gather")
                consumers("fetch")
            slow_job = call_action("harvest_job_create", source_id=slow["id"], run=True)
            wait_for(lambda: trickler.first_byte.is_set(), 120, "que la fuente lenta empiece a responder")
            fast_job = call_action("harvest_job_create", source_id=fast["id"], run=True)

            def fast_finished() -> bool:
                tick(consumer_ini)
                return call_action("harvest_job_show", id=fast_job["id"])["status"] == "Finished"

            wait_for(fast_finished, 150, "que termine el trabajo de la otra fuente")
            # meanwhile the slow source's gather is still blocked on its trickling page
            assert call_action("harvest_job_show", id=slow_job["id"])["gather_finished"] is None
            dataset = the_dataset(fast["id"])
            assert counts(observations_resource(dataset)["id"]) == (48, 48)

            wait_for(
                lambda: call_action("harvest_job_show", id=slow_job["id"])["gather_finished"], 120,
                "el fin de la recolección lenta",
            )
            assert trickler.hung_up.wait(5) and not trickler.finished.is_set()
        shown = call_action("harvest_job_show", id=slow_job["id"])
        took = dt.datetime.fromisoformat(shown["gather_finished"]) - dt.datetime.fromisoformat(shown["gather_started"])
        # 200 bytes at one every 0.5 s take 100 s, and the response's own deadline is 300 s
        assert self.DEADLINE - 1 <= took.total_seconds() < self.DEADLINE + 20, took
        report = call_action("harvest_job_report", id=slow_job["id"])
        assert len(report["gather_errors"]) == 1
        message = report["gather_errors"][0]["message"]
        assert message.startswith("No se pudo leer el catálogo de la fuente: se alcanzó el plazo de 60 s")
        assert "run_deadline" in message and the_dataset(slow["id"]) is None
