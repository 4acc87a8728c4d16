"""The batch run, its scheduler, and the CLI commands."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.lib import jobs
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import Iniciativa, TerritorialDataset, territorial_schemas

from ckanext.territorio.model.quality import QualityHistory, QualityRun, QualityScore
from ckanext.territorio.quality import batch, scheduler

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    # what the batch finds, not what the saves stored
    pytest.mark.ckan_config("ckanext.territorio.quality.score_on_save", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]


def scored() -> dict[str, QualityScore]:
    model.Session.expire_all()
    return {row.name: row for row in model.Session.query(QualityScore)}


def history_count() -> int:
    return model.Session.query(QualityHistory).count()


@pytest.fixture
def catalogue():
    """Two datasets (one private, one with tags), one deleted, one initiative."""
    org = ckan_factories.Organization(name="muni-temuco")
    sysadmin = ckan_factories.Sysadmin()
    first = TerritorialDataset(name="aire-temuco", owner_org=org["id"], tag_string="aire")
    second = TerritorialDataset(name="aire-privado", owner_org=org["id"], private=True)
    gone = TerritorialDataset(name="aire-viejo", owner_org=org["id"])
    call_action("package_delete", context={"user": sysadmin["name"]}, id=gone["id"])
    Iniciativa(owner_org=org["id"])
    return {"public": first, "private": second, "deleted": gone}


def test_a_batch_run_scores_every_active_dataset_and_records_the_run(catalogue):
    # a score left by a dataset that no longer exists
    model.Session.add(
        QualityScore(package_id="fantasma", name="fantasma", profile="territorio", profile_version="1",
                     points=1, max_points=405, rating="bad", mqa_points=1, mqa_rating="bad")
    )
    model.Session.commit()

    result = batch.run(chunk=1)

    rows = scored()
    assert set(rows) == {"aire-temuco", "aire-privado"}
    assert (result.datasets, result.removed, result.history) == (2, 1, 2)
    assert rows["aire-temuco"].points - rows["aire-privado"].points == 30  # the tags
    assert rows["aire-privado"].private is True
    assert rows["aire-temuco"].organization == "muni-temuco"
    run = model.Session.get(QualityRun, result.run_id)
    assert (run.status, run.datasets, run.profile_version) == ("finished", 2, "2026.1")
    # the trend keeps the public aggregates
    assert run.summary["total"]["datasets"] == 1
    assert run.summary["organizations"]["muni-temuco"]["mean_points"] == rows["aire-temuco"].points
    trend = call_action("territorio_quality_trend")["points"]
    assert [(p["datasets"], p["mean_points"]) for p in trend] == [(1, rows["aire-temuco"].points)]


def test_history_is_appended_only_when_a_score_changes(catalogue, ckan_config, monkeypatch):
    batch.run()
    assert history_count() == 2

    batch.run()
    assert history_count() == 2

    monkeypatch.setitem(ckan_config, "ckanext.territorio.quality.profile", "mqa")
    batch.run()
    assert history_count() == 4
    assert {r.profile for r in scored().values()} == {"mqa"}


def test_the_scheduler_queues_a_run_when_one_is_due(catalogue):
    start = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)

    first = scheduler.tick(24, when=start)
    assert first is not None
    queue = jobs.get_queue("territorio")
    assert [j.func_name for j in queue.jobs][-1].endswith("territorio_quality_batch")
    # queued and not yet run: not queued twice
    assert scheduler.tick(24, when=start + dt.timedelta(hours=1)) is None

    jobs.Worker(["territorio"]).work(burst=True)
    run = model.Session.get(QualityRun, first)
    assert (run.status, run.datasets) == ("finished", 2)
    assert set(scored()) == {"aire-temuco", "aire-privado"}

    # the run started "now", after `start`: the next is due a day after that
    assert scheduler.tick(24, when=run.started + dt.timedelta(hours=23)) is None
    assert scheduler.tick(24, when=run.started + dt.timedelta(hours=24, minutes=1)) is not None


def test_a_run_left_running_by_a_dead_worker_is_closed_and_replaced():
    start = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    stuck = scheduler.tick(24, when=start)

    assert scheduler.tick(24, when=start + dt.timedelta(hours=30)) is None
    replacement = scheduler.tick(24, when=start + dt.timedelta(hours=49))

    assert replacement is not None and replacement != stuck
    assert model.Session.get(QualityRun, stuck).status == "failed"


def test_cli_run_show_and_single_dataset(cli, catalogue):
    result = cli.invoke(ckan, ["territorio", "quality", "run"])

    assert result.exit_code == 0, result.output
    assert "2 conjuntos" in result.output and "1 puntajes de conjuntos retirados" not in result.output
    points = scored()["aire-temuco"].points

    shown = cli.invoke(ckan, ["territorio", "quality", "show", "aire-temuco"])
    assert shown.exit_code == 0, shown.output
    assert f"aire-temuco (territorio 2026.1): {points:g} de" in shown.output
    assert "✓ mqa.keyword" in shown.output
    # the unchecked link fails three indicators, shown as one fix worth all of them
    link_fix = re.search(r"\+(\d+) Revise el enlace de los recursos 'Mediciones horarias'", shown.output)
    assert link_fix and int(link_fix.group(1)) > 50
    assert shown.output.count("Revise el enlace") == 1

    single = cli.invoke(ckan, ["territorio", "quality", "run", "--dataset", "aire-privado", "--profile", "mqa"])
    assert single.exit_code == 0, single.output
    assert single.output.startswith("aire-privado: ") and "MQA" in single.output
    assert scored()["aire-privado"].profile == "mqa"

    missing = cli.invoke(ckan, ["territorio", "quality", "show", "no-existe"])
    assert missing.exit_code != 0 and "no tiene puntaje de calidad" in missing.output
    bad = cli.invoke(ckan, ["territorio", "quality", "run", "--profile", "otro"])
    assert bad.exit_code != 0 and "perfil desconocido 'otro'" in bad.output


def test_cli_auditor_add_list_remove(cli):
    user = ckan_factories.User(name="fiscalizadora")

    added = cli.invoke(ckan, ["territorio", "auditor", "add", "fiscalizadora"])
    listed = cli.invoke(ckan, ["territorio", "auditor", "list"])
    removed = cli.invoke(ckan, ["territorio", "auditor", "remove", "fiscalizadora"])
    empty = cli.invoke(ckan, ["territorio", "auditor", "list"])
    unknown = cli.invoke(ckan, ["territorio", "auditor", "add", "nadie"])

    assert added.exit_code == 0 and "fiscalizadora es auditor" in added.output
    assert listed.output.startswith(f"fiscalizadora\t{user['email']}")
    assert removed.exit_code == 0 and "fiscalizadora ya no es auditor" in removed.output
    assert "No hay auditores" in empty.output
    assert unknown.exit_code != 0 and "No existe el usuario 'nadie'" in unknown.output
