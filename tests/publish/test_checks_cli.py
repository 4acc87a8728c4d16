"""`ckan territorio checks status|requeue`: deferred checks whose job was lost are queued again."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.cli import ckan
from ckan.lib import jobs
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.model.checks import DatasetChecks

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.policy.defer_checks", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]

GEOJSON = [{"url": "http://datos.temuco.example/zonas.geojson", "format": "GeoJSON", "name": "Zonas"}]
JOB = "ckanext.territorio.policy.jobs.territorio_dataset_checks"


def queued_for(package_id: str) -> int:
    return sum(1 for job in jobs.get_queue("territorio").jobs if job.func_name == JOB and job.args == [package_id])


def asked_ago(package_id: str, minutes: int) -> None:
    """The dataset's checks were asked for ``minutes`` ago (as if the save were older)."""
    model.Session.execute(
        sa.update(DatasetChecks.__table__)
        .where(DatasetChecks.package_id == package_id)
        .values(requested=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes))
    )
    model.Session.commit()


@pytest.fixture
def lost(publisher) -> dict:
    """A dataset saved an hour ago whose checks' job Redis lost (the queue was emptied)."""
    dataset = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)
    jobs.get_queue("territorio").empty()
    asked_ago(dataset["id"], 60)
    return dataset


def test_status_counts_the_datasets_by_state(cli, publisher, lost, run_jobs):
    done = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)
    run_jobs()
    waiting = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)

    result = cli.invoke(ckan, ["territorio", "checks", "status"])

    assert result.exit_code == 0, result.output
    assert "  pendientes: 2 (la más antigua pedida hace 60 min)\n" in result.output
    assert "  completas: 1\n" in result.output
    assert "  en la cola territorio o en curso: 1\n" in result.output
    assert "  pendientes sin trabajo en la cola: 1\n" in result.output
    assert {done["id"], waiting["id"], lost["id"]} == {r.package_id for r in model.Session.query(DatasetChecks)}


def test_dry_run_lists_what_it_would_queue_and_queues_nothing(cli, lost):
    result = cli.invoke(ckan, ["territorio", "checks", "requeue", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Pendientes desde hace más de 10 min: 1; ya en la cola o en curso: 0; por encolar: 1." in result.output
    assert f"  {lost['name']} (pedida hace 60 min)" in result.output
    assert "Simulación (--dry-run): no se encoló nada." in result.output
    assert queued_for(lost["id"]) == 0


def test_requeue_queues_the_lost_job_and_the_worker_finishes_the_checks(cli, lost, run_jobs):
    result = cli.invoke(ckan, ["territorio", "checks", "requeue"])

    assert result.exit_code == 0, result.output
    assert "Encolados 1 conjuntos de datos en la cola territorio." in result.output
    assert queued_for(lost["id"]) == 1
    run_jobs()
    model.Session.expire_all()
    assert model.Session.get(DatasetChecks, lost["id"]).status == "done"


def test_requeue_leaves_recent_and_still_queued_datasets_alone(cli, publisher, lost):
    queued = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)
    asked_ago(queued["id"], 60)  # old, but its job is still in the queue

    recent = cli.invoke(ckan, ["territorio", "checks", "requeue", "--older-than", "90"])
    again = cli.invoke(ckan, ["territorio", "checks", "requeue", "--older-than", "30"])

    assert "Pendientes desde hace más de 90 min: 0; ya en la cola o en curso: 0; por encolar: 0." in recent.output
    assert "Pendientes desde hace más de 30 min: 2; ya en la cola o en curso: 1; por encolar: 1." in again.output
    assert (queued_for(queued["id"]), queued_for(lost["id"])) == (1, 1)


def test_deleted_datasets_are_not_requeued(cli, lost):
    model.Session.get(model.Package, lost["id"]).state = "deleted"
    model.Session.commit()

    result = cli.invoke(ckan, ["territorio", "checks", "requeue"])

    assert "por encolar: 0." in result.output
    assert queued_for(lost["id"]) == 0
