"""Harvest health per source, from real ckanext-harvest source, job, object and error rows."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
    HarvestSource,
)

from ckanext.territorio import config
from ckanext.territorio.quality import harvest_health

NOW = dt.datetime(2025, 6, 10, 12, 0, tzinfo=dt.UTC)


def ago(hours: float = 0, days: float = 0) -> dt.datetime:
    """A naive UTC moment before NOW, as ckanext-harvest stores them."""
    return (NOW - dt.timedelta(hours=hours, days=days)).replace(tzinfo=None)


def source(org: dict[str, Any], name: str, title: str, **extra: Any) -> dict[str, Any]:
    return call_action(
        "harvest_source_create",
        context={"user": factories.Sysadmin()["name"]},
        name=name,
        title=title,
        url=f"https://datos.{name}.example/api/3",
        source_type="ckan",
        owner_org=org["id"],
        config=json.dumps({"region": ["CL-AR"], "comuna": ["09101"]}),
        **extra,
    )


def job(src: dict[str, Any], started: dt.datetime, *, status: str = "Finished", gather_error: bool = False,
        objects: tuple[str, ...] = (), object_errors: int = 0, hours: float = 1) -> HarvestJob:
    """A job started at ``started``; ``objects`` are the states of its harvest objects."""
    finished = started + dt.timedelta(hours=hours) if status == "Finished" else None
    harvest_job = HarvestJob(
        source_id=src["id"], status=status, created=started, gather_started=started,
        gather_finished=started + dt.timedelta(minutes=5) if status != "New" else None, finished=finished,
    )
    harvest_job.save()
    if gather_error:
        HarvestGatherError(message="No se pudo leer el catálogo de la fuente", job=harvest_job).save()
    for index, state in enumerate(objects):
        obj = HarvestObject(
            guid=f"{harvest_job.id}-{index}", job=harvest_job, source=harvest_job.source, state=state,
            report_status="errored" if state == "ERROR" else "added", gathered=started,
            import_finished=finished if state != "WAITING" else None,
        )
        obj.save()
        for _ in range(object_errors if index == 0 else 0):
            HarvestObjectError(message="Serie x: valor rechazado", object=obj, stage="Import").save()
    return harvest_job


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(name="municipalidad-de-temuco", title="Municipalidad de Temuco")


def health(org: dict[str, Any], **kwargs: Any) -> dict[str, harvest_health.SourceHealth]:
    model.Session.expire_all()
    return {h.title: h for h in harvest_health.for_organization(org["name"], now=NOW, **kwargs)}


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False)
class TestHarvestHealth:
    def test_a_source_whose_jobs_all_worked_is_healthy(self, org):
        src = source(org, "temuco", "Portal de Temuco")
        for days in (3, 2, 1):
            job(src, ago(days=days), objects=("COMPLETE", "COMPLETE"))
        found = health(org, days=30, stuck_hours=24)["Portal de Temuco"]
        assert (found.jobs, found.errored_jobs, found.error_rate, found.object_errors) == (3, 0, 0.0, 0)
        assert found.last_success == NOW - dt.timedelta(days=1) + dt.timedelta(hours=1)
        assert (found.last_job_status, found.stuck_jobs, found.healthy, found.active) == ("finished", 0, True, True)
        assert found.source_id == src["id"] and found.type == "ckan"
        assert found.url == "https://datos.temuco.example/api/3"

    def test_failed_gathers_and_imports_raise_the_error_rate(self, org):
        src = source(org, "sinca", "Red SINCA")
        job(src, ago(days=5), objects=("COMPLETE",))  # the last success
        job(src, ago(days=4), objects=("ERROR", "ERROR"), object_errors=2)  # every object failed
        job(src, ago(days=3), objects=("COMPLETE", "ERROR"))  # partly failed: not a failed job
        job(src, ago(days=2), gather_error=True)  # the source could not be read
        found = health(org, days=30, stuck_hours=24)["Red SINCA"]
        assert (found.jobs, found.errored_jobs) == (4, 2)
        assert found.error_rate == pytest.approx(0.5)
        assert found.object_errors == 2
        assert found.last_success == NOW - dt.timedelta(days=3) + dt.timedelta(hours=1)
        assert found.last_job_status == "errored"
        assert found.healthy is False

    def test_record_errors_of_a_job_that_worked_are_object_errors_only(self, org):
        src = source(org, "openaq", "OpenAQ Temuco")
        job(src, ago(days=1), objects=("COMPLETE",), object_errors=3)
        found = health(org, days=30, stuck_hours=24)["OpenAQ Temuco"]
        assert (found.errored_jobs, found.object_errors, found.last_job_status, found.healthy) == (0, 3, "finished", True)

    def test_a_job_running_without_activity_is_stuck(self, org):
        stale = source(org, "atascada", "Fuente atascada")
        job(stale, ago(days=3), objects=("COMPLETE",))
        job(stale, ago(hours=30), status="Running", objects=("WAITING",))
        busy = source(org, "ocupada", "Fuente ocupada")
        job(busy, ago(days=3), objects=("COMPLETE",))
        running = job(busy, ago(hours=30), status="Running", objects=("WAITING",))
        # an object imported an hour ago: the long job is still working
        HarvestObject(guid="reciente", job=running, source=running.source, state="COMPLETE",
                      gathered=ago(hours=30), import_finished=ago(hours=1)).save()
        found = health(org, days=30, stuck_hours=24)
        assert (found["Fuente atascada"].stuck_jobs, found["Fuente atascada"].last_job_status) == (1, "stuck")
        assert found["Fuente atascada"].healthy is False
        assert (found["Fuente ocupada"].stuck_jobs, found["Fuente ocupada"].last_job_status) == (0, "running")
        assert found["Fuente ocupada"].healthy is True
        # with a longer threshold nothing is stuck
        assert health(org, days=30, stuck_hours=48)["Fuente atascada"].stuck_jobs == 0

    def test_jobs_outside_the_window_are_not_counted_but_a_success_is_remembered(self, org):
        src = source(org, "mensual", "Fuente mensual")
        job(src, ago(days=60), objects=("COMPLETE",))
        job(src, ago(days=45), gather_error=True)
        found = health(org, days=30, stuck_hours=24)["Fuente mensual"]
        assert (found.jobs, found.errored_jobs, found.error_rate) == (0, 0, 0.0)
        assert found.last_success == NOW - dt.timedelta(days=60) + dt.timedelta(hours=1)
        assert found.last_job_status == "errored"  # the latest job, even outside the window
        wider = health(org, days=90, stuck_hours=24)["Fuente mensual"]
        assert (wider.jobs, wider.errored_jobs, wider.error_rate) == (2, 1, 0.5)

    def test_a_source_that_never_succeeded_or_is_inactive_is_not_healthy(self, org):
        source(org, "nueva", "Fuente nueva")
        paused = source(org, "pausada", "Fuente pausada")
        job(paused, ago(days=1), objects=("COMPLETE",))
        paused_source = HarvestSource.get(paused["id"])
        paused_source.active = False
        paused_source.save()
        found = health(org, days=30, stuck_hours=24)
        assert (found["Fuente nueva"].jobs, found["Fuente nueva"].last_job_status) == (0, None)
        assert (found["Fuente nueva"].last_success, found["Fuente nueva"].healthy) == (None, False)
        assert (found["Fuente pausada"].active, found["Fuente pausada"].healthy) == (False, False)

    def test_only_the_organizations_own_sources_sorted_by_title(self, org):
        source(org, "zeta", "Zeta municipal")
        source(org, "alfa", "alfa comunal")
        other = factories.Organization(name="municipalidad-de-chillan")
        source(other, "chillan", "Portal de Chillán")
        deleted = source(org, "borrada", "Fuente borrada")
        call_action("harvest_source_delete", context={"user": factories.Sysadmin()["name"]}, id=deleted["id"])
        titles = [h.title for h in harvest_health.for_organization(org["id"], now=NOW)]
        assert titles == ["alfa comunal", "Zeta municipal"]
        assert harvest_health.for_organization("no-existe") == []

    @pytest.mark.ckan_config("ckan.harvest.timeout", "120")
    @pytest.mark.ckan_config("ckanext.territorio.quality.harvest_stuck_hours", 0)
    def test_stuck_threshold_defaults_to_the_harvest_timeout(self):
        assert config.quality_harvest_stuck_hours() == 2.0

    @pytest.mark.ckan_config("ckanext.territorio.quality.harvest_stuck_hours", 6)
    def test_stuck_threshold_option_wins(self):
        assert config.quality_harvest_stuck_hours() == 6.0


@pytest.mark.usefixtures("with_plugins")
def test_every_status_has_a_label(app):
    with app.flask_app.test_request_context():
        labels = [harvest_health.status_label(s) for s in ("new", "running", "stuck", "finished", "errored", None)]
    assert labels == ["En cola", "En curso", "Detenida", "Terminada", "Con error", "Sin cosechas"]
