"""package_create / package_update with the after-save checks deferred to a job.

The answer says the checks are pending (``territorio_checks``), the dataset page shows a
notice until the job ran, and the publication gate holds: a dataset whose tabular files are
unchecked, or blocked by their report, never becomes public by this path.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib import jobs
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.model.checks import DatasetChecks
from ckanext.territorio.model.quality import QualityScore

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.policy.defer_checks", True),
    pytest.mark.ckan_config("ckanext.territorio.policy.fetch_allow", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]

NOTICE = "Las validaciones de este conjunto están en curso"
# a dataset with no tabular file: nothing to hold, only its reports and score to wait for
GEOJSON = [{"url": "http://datos.temuco.example/zonas.geojson", "format": "GeoJSON", "name": "Zonas"}]


def checks_of(package_id: str) -> dict:
    return call_action("territorio_validation_show", package_id=package_id)["checks"]


def anonymous_can_see(package_id: str) -> bool:
    try:
        call_action("package_show", {"user": "", "ignore_auth": False}, id=package_id)
    except tk.NotAuthorized:
        return False
    return True


def test_the_answer_says_the_checks_are_pending(publisher):
    created = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)

    assert created["territorio_checks"] == {
        "status": "pendiente",
        "publicacion": "publica",
        "pendientes": ["guardado"],
        "mensaje": (
            "Las validaciones de este conjunto están en curso: la política de datos y la "
            "puntuación de calidad se actualizarán en unos momentos."
        ),
    }
    reports = call_action("territorio_validation_show", package_id=created["id"])
    assert reports["metadata"] is None and reports["dcat"] is None
    assert reports["checks"]["status"] == "pendiente"
    assert model.Session.get(QualityScore, created["id"]) is None
    queued = [job.func_name for job in jobs.get_queue("territorio").jobs if job.args == [created["id"]]]
    assert queued == ["ckanext.territorio.policy.jobs.territorio_dataset_checks"]


def test_the_http_answer_carries_the_pending_checks(app, publisher):
    from ckan.tests import factories as ckan_factories

    token = ckan_factories.APIToken(user=publisher["editor"]["name"])["token"]
    payload = TerritorialDataset.stub(owner_org=publisher["org"]["id"], resources=GEOJSON).__dict__

    answer = app.post(
        "/api/3/action/package_create", json=payload, headers={"Authorization": token}
    ).json

    assert answer["success"] is True
    assert answer["result"]["territorio_checks"]["status"] == "pendiente"
    assert answer["result"]["name"] == payload["name"]


def test_after_the_job_the_reports_and_score_exist_and_the_notice_is_gone(app, publisher, run_jobs):
    created = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)
    page = tk.url_for("dataset.read", id=created["name"])
    assert NOTICE in app.get(page).body

    queued = [job.func_name for job in jobs.get_queue("territorio").jobs if job.args == [created["id"]]]
    assert queued == ["ckanext.territorio.policy.jobs.territorio_dataset_checks"]  # one job for all

    run_jobs()

    reports = call_action("territorio_validation_show", package_id=created["id"])
    assert reports["metadata"]["status"] == "done"
    assert reports["dcat"]["status"] == "done"
    assert reports["checks"] == {"status": "completo", "publicacion": "publica", "pendientes": []}
    model.Session.expire_all()
    assert model.Session.get(QualityScore, created["id"]).points > 0
    body = app.get(page).body
    assert NOTICE not in body
    assert created["title"] in body


def test_an_update_asks_for_the_checks_again(publisher, run_jobs):
    created = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)
    run_jobs()

    updated = call_action(
        "package_patch", publisher["context"], id=created["id"], notes="Zonas de monitoreo revisadas."
    )

    assert updated["territorio_checks"]["status"] == "pendiente"
    assert checks_of(created["id"])["pendientes"] == ["guardado"]
    run_jobs()
    assert checks_of(created["id"])["status"] == "completo"


def test_a_public_dataset_with_an_unchecked_csv_is_held_until_it_passes(publisher, linked_file, run_jobs):
    created = TerritorialDataset(
        owner_org=publisher["org"]["id"],
        resources=[{"url": linked_file("sensor_limpio.csv"), "format": "CSV", "unit": "ug/m3"}],
    )

    assert created["private"] is True
    assert created["territorio_checks"]["publicacion"] == "retenida"
    assert created["territorio_checks"]["mensaje"].endswith(
        "Se mantiene privado y se publicará automáticamente si sus archivos cumplen la política de datos."
    )
    assert not anonymous_can_see(created["id"])

    run_jobs()

    shown = call_action("package_show", id=created["id"])
    assert shown["private"] is False
    assert anonymous_can_see(created["id"])
    report = call_action("territorio_validation_show", resource_id=shown["resources"][0]["id"])
    assert (report["status"], report["passed"]) == ("done", True)
    assert checks_of(created["id"]) == {"status": "completo", "publicacion": "publica", "pendientes": []}


def test_a_new_public_dataset_with_ruts_never_becomes_public(publisher, linked_file, run_jobs):
    created = TerritorialDataset(
        owner_org=publisher["org"]["id"],
        resources=[{"url": linked_file("beneficiarios_rut.csv"), "format": "CSV"}],
    )
    assert created["private"] is True

    run_jobs()

    shown = call_action("package_show", id=created["id"])
    assert shown["private"] is True
    report = call_action("territorio_validation_show", resource_id=shown["resources"][0]["id"])
    assert report["error_count"] == 3
    assert checks_of(created["id"])["publicacion"] == "retenida"
    assert not anonymous_can_see(created["id"])


def test_blocking_content_cannot_be_made_public_before_or_after_its_checks(publisher, linked_file, run_jobs):
    created = TerritorialDataset(
        owner_org=publisher["org"]["id"],
        private=True,
        resources=[{"url": linked_file("beneficiarios_rut.csv"), "format": "CSV"}],
    )

    before = call_action("package_patch", publisher["context"], id=created["id"], private=False)

    assert before["private"] is True  # checks pending: held, not published
    assert before["territorio_checks"]["publicacion"] == "retenida"
    assert not anonymous_can_see(created["id"])

    run_jobs()

    assert call_action("package_show", id=created["id"])["private"] is True
    with pytest.raises(tk.ValidationError) as excinfo:
        call_action("package_patch", publisher["context"], id=created["id"], private=False)
    assert excinfo.value.error_dict["private"][0].startswith(
        "No se puede publicar: regla personal.rut en el recurso"
    )
    assert call_action("package_show", id=created["id"])["private"] is True
    assert not anonymous_can_see(created["id"])


def test_an_invalid_dataset_answers_409_with_field_keys_and_writes_nothing(publisher):
    payload = TerritorialDataset.stub(
        owner_org=publisher["org"]["id"], license_id="other-closed", comuna=["99999"]
    ).__dict__

    with pytest.raises(tk.ValidationError) as excinfo:
        call_action("package_create", publisher["context"], **payload)

    assert {"license_id", "comuna"} <= set(excinfo.value.error_dict)
    assert model.Session.query(model.Package).filter_by(name=payload["name"]).count() == 0
    assert model.Session.execute(sa.select(sa.func.count()).select_from(DatasetChecks)).scalar() == 0
    assert jobs.get_queue("territorio").count == 0


def test_without_deferral_the_checks_run_in_the_request(publisher, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.territorio.policy.defer_checks", False)
    created = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)

    assert "territorio_checks" not in created
    assert call_action("territorio_validation_show", package_id=created["id"])["metadata"]["status"] == "done"
    assert model.Session.get(QualityScore, created["id"]) is not None


def test_the_notice_is_in_english_under_en(app, publisher):
    created = TerritorialDataset(owner_org=publisher["org"]["id"], resources=GEOJSON)

    body = app.get("/en" + tk.url_for("dataset.read", id=created["name"])).body

    assert "This dataset&#39;s checks are in progress" in body or "This dataset's checks are in progress" in body
    assert NOTICE not in body


def test_territorio_checks_sent_by_a_client_is_not_stored(publisher, run_jobs):
    created = TerritorialDataset(
        owner_org=publisher["org"]["id"], resources=GEOJSON, territorio_checks={"status": "completo"}
    )
    run_jobs()

    shown = call_action("package_show", id=created["id"])
    assert "territorio_checks" not in shown
    assert not [e for e in shown.get("extras", []) if e["key"] == "territorio_checks"]


def test_the_forms_draft_then_resource_path_is_held_too(publisher, linked_file, run_jobs):
    # the web form: a draft without files, then a file, then "Finalizar" makes it active
    draft = TerritorialDataset(owner_org=publisher["org"]["id"], resources=[], state="draft")
    call_action(
        "resource_create", publisher["context"], package_id=draft["id"],
        url=linked_file("beneficiarios_rut.csv"), format="CSV", name="Beneficiarios",
    )
    active = call_action("package_patch", publisher["context"], id=draft["id"], state="active")

    assert (active["state"], active["private"]) == ("active", True)
    assert not anonymous_can_see(draft["id"])
    run_jobs()
    assert call_action("package_show", id=draft["id"])["private"] is True
