"""CKAN's bulk page actions (``bulk_update_public`` / ``_private`` / ``_delete``) and the gate.

An organization's admin selects datasets and publishes them: what may be public is published,
what still waits for its checks is held (and published by the job if they pass), what a
finding blocks stays private; one blocked dataset never stops the others.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.model.quality import QualityScore
from ckanext.territorio.policy import store as policy_store

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.policy.defer_checks", True),
    pytest.mark.ckan_config("ckanext.territorio.policy.fetch_allow", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]


@pytest.fixture
def municipality() -> dict:
    """A municipality whose admin uses the bulk page (an API token: no CSRF form needed)."""
    admin = ckan_factories.User()
    org = ckan_factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    token = ckan_factories.APIToken(user=admin["name"])["token"]
    return {"org": org, "context": {"user": admin["name"]}, "headers": {"Authorization": token}}


@pytest.fixture
def three_private(municipality, linked_file, run_jobs) -> dict[str, dict]:
    """Three private datasets: one checked and clean, one checked with RUTs, one unchecked."""
    org = municipality["org"]["id"]
    clean = TerritorialDataset(owner_org=org, private=True, title="Calidad del aire",
                               resources=[{"url": linked_file("sensor_limpio.csv"), "format": "CSV",
                                           "unit": "ug/m3"}])
    ruts = TerritorialDataset(owner_org=org, private=True, title="Beneficiarios",
                              resources=[{"url": linked_file("beneficiarios_rut.csv"), "format": "CSV"}])
    run_jobs()
    unchecked = TerritorialDataset(owner_org=org, private=True, title="Aire de Padre Las Casas",
                                   resources=[{"url": linked_file("sensor_limpio.csv"), "format": "CSV",
                                               "unit": "ug/m3"}])
    return {"clean": clean, "ruts": ruts, "unchecked": unchecked}


def private_of(dataset: dict) -> bool:
    return bool(call_action("package_show", id=dataset["id"])["private"])


def test_bulk_publish_publishes_holds_and_blocks_each_dataset_on_its_own(municipality, three_private, run_jobs):
    clean, ruts, unchecked = three_private["clean"], three_private["ruts"], three_private["unchecked"]

    result = call_action(
        "bulk_update_public", municipality["context"],
        datasets=[ruts["id"], unchecked["id"], clean["id"]], org_id=municipality["org"]["id"],
    )

    assert result["publicados"] == [clean["id"]]
    assert [(d["id"], d["motivo"]) for d in result["retenidos"]] == [
        (unchecked["id"], "sus validaciones están en curso")
    ]
    assert [d["id"] for d in result["bloqueados"]] == [ruts["id"]]
    assert result["bloqueados"][0]["motivo"].startswith("No se puede publicar: regla personal.rut en el recurso")
    assert result["mensaje"].startswith("Publicados: 1. Quedan privados mientras terminan sus validaciones")
    assert "«Aire de Padre Las Casas»" in result["mensaje"]
    assert "No se pueden publicar: «Beneficiarios» (No se puede publicar: regla personal.rut" in result["mensaje"]
    assert (private_of(clean), private_of(ruts), private_of(unchecked)) == (False, True, True)
    # the quality table follows the datasets' real flags, not the button pressed
    model.Session.expire_all()
    scores = {s.package_id: s.private for s in model.Session.query(QualityScore)}
    assert (scores[clean["id"]], scores[ruts["id"]]) == (False, True)

    run_jobs()

    assert private_of(unchecked) is False  # its file passed: the job published it
    assert private_of(ruts) is True


def test_the_bulk_page_applies_the_selection_and_names_what_stayed_private(app, municipality, three_private):
    clean, ruts, unchecked = three_private["clean"], three_private["ruts"], three_private["unchecked"]
    org = municipality["org"]
    form = {"bulk_action.public": "public", **{f"dataset_{d['id']}": "on" for d in (clean, ruts, unchecked)}}

    page = app.post(tk.url_for("organization.bulk_process", id=org["name"]), data=form,
                    headers=municipality["headers"])

    assert page.status_code == 200  # redirected back to the bulk page, not a 500
    body = page.body
    assert "Publicados: 1." in body
    assert "«Aire de Padre Las Casas»" in body
    assert "No se pueden publicar: «Beneficiarios»" in body
    assert (private_of(clean), private_of(ruts), private_of(unchecked)) == (False, True, True)


def test_bulk_unpublish_lifts_the_hold_so_the_job_does_not_publish_it(municipality, three_private, run_jobs):
    unchecked = three_private["unchecked"]
    call_action("bulk_update_public", municipality["context"], datasets=[unchecked["id"]],
                org_id=municipality["org"]["id"])
    assert policy_store.held(unchecked["id"]) is not None

    answer = call_action("bulk_update_private", municipality["context"], datasets=[unchecked["id"]],
                         org_id=municipality["org"]["id"])
    run_jobs()

    assert answer is None  # core's answer, unchanged
    assert policy_store.held(unchecked["id"]) is None
    assert private_of(unchecked) is True


def test_bulk_delete_lifts_the_hold(municipality, three_private, run_jobs):
    unchecked = three_private["unchecked"]
    call_action("bulk_update_public", municipality["context"], datasets=[unchecked["id"]],
                org_id=municipality["org"]["id"])

    call_action("bulk_update_delete", municipality["context"], datasets=[unchecked["id"]],
                org_id=municipality["org"]["id"])
    run_jobs()

    package = model.Session.get(model.Package, unchecked["id"])
    assert (package.state, package.private) == ("deleted", True)
    assert policy_store.held(unchecked["id"]) is None


def test_an_editor_outside_the_organization_cannot_bulk_publish(three_private):
    outsider = ckan_factories.User()
    with pytest.raises(tk.NotAuthorized):
        call_action("bulk_update_public", {"user": outsider["name"], "ignore_auth": False},
                    datasets=[three_private["clean"]["id"]], org_id=three_private["clean"]["owner_org"])
    assert private_of(three_private["clean"]) is True
